//! Wrapping 32-bit sequence number comparison (RFC 9293 §3.4): "a < b" means
//! `b` lies less than 2^31 ahead of `a`.

/// `a < b` in sequence space.
pub fn lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// `a <= b` in sequence space.
pub fn le(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

/// `a > b` in sequence space.
pub fn gt(a: u32, b: u32) -> bool {
    lt(b, a)
}

/// `a >= b` in sequence space.
pub fn ge(a: u32, b: u32) -> bool {
    le(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_across_wrap() {
        assert!(lt(u32::MAX - 1, 3));
        assert!(gt(3, u32::MAX - 1));
        assert!(le(7, 7));
        assert!(ge(7, 7));
        assert!(!lt(7, 7));
        assert!(lt(0, 0x7fff_ffff));
        assert!(!lt(0, 0x8000_0001));
    }
}
