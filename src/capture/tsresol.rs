//! pcapng timestamp resolutions that pcap-file refuses.
//!
//! The pcapng spec lets `if_tsresol` (Interface Description Block option 9)
//! be any power of ten or of two: picoseconds (`0x0c`) and binary 2^-30 s
//! (`0x9e`) are legal and written by hardware capture cards. pcap-file
//! 3.0.0-rc.3 accepts only 10^-0..10^-9 and 2^-0..2^-29 and rejects the whole
//! block ("Invalid option entry. Code: 9"). So before an IDB reaches
//! pcap-file, [`patch_idb`] rewrites such a value in place to one pcap-file
//! accepts and returns the real resolution; the reader then decodes that
//! interface's timestamps itself with [`Resolution::decode`].
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use std::time::Duration;

use pcap_file::Endianness;

/// pcapng option code of `if_tsresol`.
const IF_TSRESOL: u16 = 9;
/// pcapng option code of `opt_endofopt`.
const END_OF_OPT: u16 = 0;
/// Offset of the first option in an IDB: block type, length, link type,
/// reserved, snap length.
const IDB_OPTIONS_AT: usize = 16;

/// A timestamp resolution: 10^-exp s, or 2^-exp s when `binary`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Resolution {
    binary: bool,
    exp: u8,
}

impl Resolution {
    /// Decodes the option byte (top bit: binary; low 7 bits: exponent).
    pub(super) fn from_byte(b: u8) -> Self {
        Resolution {
            binary: b & 0x80 != 0,
            exp: b & 0x7f,
        }
    }

    /// True when pcap-file 3.0.0-rc.3 accepts it.
    fn pcap_file_reads(self) -> bool {
        if self.binary {
            self.exp <= 29
        } else {
            self.exp <= 9
        }
    }

    /// Time since the epoch of `raw` ticks plus `offset` seconds
    /// (`if_tsoffset`), truncated to the nanosecond; `None` when it does not
    /// fit a [`Duration`].
    pub(super) fn decode(self, raw: u64, offset: i64) -> Option<Duration> {
        let raw = u128::from(raw);
        let nanos = if self.binary {
            // exp < 128, raw * 10^9 < 2^94: no overflow.
            (raw * 1_000_000_000) >> self.exp
        } else if self.exp <= 9 {
            raw * 10u128.pow(9 - u32::from(self.exp))
        } else {
            // 10^38 still fits a u128; beyond it every u64 tick count is 0 ns.
            10u128
                .checked_pow(u32::from(self.exp) - 9)
                .map_or(0, |div| raw / div)
        };
        let secs = u64::try_from(nanos / 1_000_000_000).ok()?;
        let ts = Duration::new(secs, (nanos % 1_000_000_000) as u32);
        let shift = Duration::from_secs(offset.unsigned_abs());
        if offset >= 0 {
            ts.checked_add(shift)
        } else {
            ts.checked_sub(shift)
        }
    }
}

fn u16_at(b: &[u8], at: usize, order: Endianness) -> Option<u16> {
    let v: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
    Some(match order {
        Endianness::Big => u16::from_be_bytes(v),
        Endianness::Little => u16::from_le_bytes(v),
    })
}

/// Looks through a whole Interface Description Block (`block`: from its
/// type field to its trailing length) for an `if_tsresol` pcap-file would
/// refuse; rewrites it in place to 10^-9 or 2^-29 and returns the real
/// resolution. Leaves anything it does not understand to pcap-file.
pub(super) fn patch_idb(block: &mut [u8], order: Endianness) -> Option<Resolution> {
    let end = block.len().checked_sub(4)?;
    let mut at = IDB_OPTIONS_AT;
    while at + 4 <= end {
        let code = u16_at(block, at, order)?;
        let len = usize::from(u16_at(block, at + 2, order)?);
        if code == END_OF_OPT {
            return None;
        }
        if code == IF_TSRESOL && len == 1 && at + 5 <= end {
            let real = Resolution::from_byte(block[at + 4]);
            if real.pcap_file_reads() {
                return None;
            }
            block[at + 4] = if real.binary { 0x80 | 29 } else { 9 };
            return Some(real);
        }
        at += 4 + len.div_ceil(4) * 4;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_fine_resolutions() {
        let ps = Resolution::from_byte(12);
        assert_eq!(
            ps.decode(1_500_000_000_001, 0),
            Some(Duration::from_nanos(1_500_000_000))
        );
        let bin30 = Resolution::from_byte(0x9e);
        assert_eq!(
            bin30.decode(3 << 29, 10),
            Some(Duration::from_millis(11_500))
        );
        let us = Resolution::from_byte(6);
        assert_eq!(us.decode(7, -1), None);
        assert_eq!(
            Resolution::from_byte(127).decode(u64::MAX, 0),
            Some(Duration::ZERO)
        );
        assert_eq!(
            Resolution::from_byte(0).decode(u64::MAX, i64::MAX),
            None,
            "overflow is None, not a panic"
        );
    }

    /// An IDB (little-endian) with `if_name` "lo" then `if_tsresol` `resol`.
    fn idb(resol: u8) -> Vec<u8> {
        let mut b = vec![1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 4, 0];
        b.extend_from_slice(&[2, 0, 2, 0, b'l', b'o', 0, 0]);
        b.extend_from_slice(&[9, 0, 1, 0, resol, 0, 0, 0]);
        b.extend_from_slice(&[0, 0, 0, 0]);
        let len = (b.len() + 4) as u32;
        b[4..8].copy_from_slice(&len.to_le_bytes());
        b.extend_from_slice(&len.to_le_bytes());
        b
    }

    #[test]
    fn patches_only_what_pcap_file_refuses() {
        let mut ps = idb(12);
        assert_eq!(
            patch_idb(&mut ps, Endianness::Little),
            Some(Resolution::from_byte(12))
        );
        assert_eq!(ps[28], 9);
        let mut bin = idb(0x9e);
        assert_eq!(
            patch_idb(&mut bin, Endianness::Little),
            Some(Resolution::from_byte(0x9e))
        );
        assert_eq!(bin[28], 0x9d);
        let mut ns = idb(9);
        assert_eq!(patch_idb(&mut ns, Endianness::Little), None);
        assert_eq!(ns, idb(9));
        // A cut block or a garbage option length is left to pcap-file.
        assert_eq!(patch_idb(&mut idb(12)[..20], Endianness::Little), None);
        let mut bad = idb(12);
        bad[18] = 0xff;
        assert_eq!(patch_idb(&mut bad, Endianness::Little), None);
    }
}
