//! Python-style text for the code panel: bytes literals, address tuples and
//! exception lines, as the socket tutorial's REPL would print them.

use std::io;
use std::net::SocketAddr;

/// `127.0.0.2:41000` → `('127.0.0.2', 41000)`.
pub fn py_addr(a: &str) -> String {
    match a.parse::<SocketAddr>() {
        Ok(sa) => format!("('{}', {})", sa.ip(), sa.port()),
        Err(_) => a.to_string(),
    }
}

/// Bytes as a Python bytes literal: `b'hello'`.
pub fn py_bytes(data: &[u8]) -> String {
    let mut s = String::from("b'");
    for &b in data {
        match b {
            b'\'' => s.push_str("\\'"),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push('\'');
    s
}

/// An error as Python prints it: `ConnectionRefusedError: [Errno 111] Connection refused`.
pub fn python_error(e: &io::Error) -> String {
    let name = match e.kind() {
        io::ErrorKind::ConnectionRefused => "ConnectionRefusedError",
        io::ErrorKind::ConnectionReset => "ConnectionResetError",
        io::ErrorKind::TimedOut => "TimeoutError",
        _ => "OSError",
    };
    let errno = e.raw_os_error().unwrap_or(0);
    let msg = e.to_string();
    let msg = msg.split(" (os error").next().unwrap_or(&msg);
    format!("{name}: [Errno {errno}] {msg}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_text() {
        assert_eq!(py_bytes(b"a'\n\x01"), "b'a\\'\\n\\x01'");
        assert_eq!(py_addr("127.0.0.2:41000"), "('127.0.0.2', 41000)");
        let e = io::Error::from_raw_os_error(111);
        assert_eq!(
            python_error(&e),
            "ConnectionRefusedError: [Errno 111] Connection refused"
        );
    }
}
