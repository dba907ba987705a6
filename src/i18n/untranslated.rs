//! Test helper: the English words left in a text meant to be Chinese.
//!
//! A word is a run of ASCII letters (a hyphenated compound is checked as a
//! whole first, then part by part) of three letters or more. It is *code*,
//! not prose, and passes when it
//! - holds a digit or `_` (`SYN_SENT`, `inet_sock_set_state`, `c2`),
//! - is written as code: followed by `(` (`close()`), `=` (`seq=0`), or
//!   touching `.`/`/`/`:` and a letter or digit on the far side
//!   (`s.bind`, `captures/normal.pcap`, `sock:inet…`), or after `--`
//!   (`--port`), `<`/`</` (markup), or `#` with no space (`#step`),
//! - is CamelCase with an inner capital (`ConnectionResetError`),
//! - is on [`CODE_TERMS`] (protocol notation, state names, units) or on the
//!   caller's extra list (the demo script's words, payloads).
//!
//! Used by the lib's zh screen tests and, through `#[path]`, by the
//! integration test of the CLI outputs, so it depends on nothing.

/// Protocol notation, names and units that stay as they are in Chinese.
#[rustfmt::skip]
pub const CODE_TERMS: &[&str] = &[
    // protocol and flags
    "TCP", "UDP", "ICMP", "IPv", "SYN", "ACK", "FIN", "RST", "PSH", "URG", "ECE", "CWR", "MSS",
    "SACK", "RFC", "MSL", "ISN", "RTT", "SYN-ACK", "FIN-ACK", "PSH-ACK", "RST-ACK", "PSH-FIN-ACK",
    "MPLS", "VLAN", "GRE", "VXLAN", "Geneve", "GTP", "Ethernet", "IPoIB", "PPP", "PPPoE", "HDLC",
    "MTU", "TTL", "DSACK", "ECN", "TSval", "TSecr", "VNI", "ERSPAN", "WCCP", "TEID", "ARCNET",
    "Juniper", "SLL", "NULL", "LOOP", "ARP", "LLDP", "IPIP",
    // states (those without `_`), kernel names
    "LISTEN", "CLOSED", "CLOSE", "ESTABLISHED", "CLOSING", "UNKNOWN", "Linux", "Recv-Q",
    "Send-Q", "ECONNREFUSED", "ECONNRESET", "EADDRINUSE", "EOF", "NET_RAW", "CAP", "SHUT_WR",
    "SOCK_STREAM", "SOCK_DGRAM", "sock", "tracefs", "proc", "sock_diag", "tcpdump", "tshark",
    "Wireshark", "Python", "python", "pcap", "pcapng", "root", "sudo", "setcap",
    // the socket calls named in prose without their parentheses
    "socket", "bind", "listen", "accept", "connect", "send", "sendall", "recv", "shutdown",
    "close", "setsockopt", "sendto", "recvfrom", "SO_LINGER", "SO_REUSEADDR",
    // the program, its keys and units
    "synack", "Esc", "Enter", "Tab", "PgUp", "PgDn", "Home", "End", "Space", "Ctrl", "MiB",
    "KiB", "GiB", "bytes", "hex", "JSON", "SVG", "HTML", "CSV", "ANSI", "UTF", "UTC",
    // header fields as the ladder writes them (`seq=0 ack=1`), named so in prose
    "seq", "ack", "len", "win",
];

/// State names with `_` (never a word of their own, but their pieces are
/// when a column cuts or wraps them: `ESTABLI…`, `SED`, `WAIT`).
#[rustfmt::skip]
const STATE_NAMES: &[&str] = &[
    "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "CLOSE_WAIT", "CLOSING",
    "LAST_ACK", "TIME_WAIT", "LISTEN", "CLOSED", "UNKNOWN",
];

/// The English words of `text` that are neither code nor on `extra`, in
/// order, once each.
pub fn english_words(text: &str, extra: &[&str]) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let allowed = |w: &str| CODE_TERMS.contains(&w) || extra.contains(&w);
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_word_char(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (is_word_char(chars[i]) || chars[i] == '-') {
            i += 1;
        }
        let mut end = i;
        while end > start && chars[end - 1] == '-' {
            end -= 1;
        }
        let word: String = chars[start..end].iter().collect();
        if is_code(&chars, start, end) || allowed(&word) || cut(&chars, start, end, extra) {
            continue;
        }
        for part in word.split('-') {
            let letters = part.chars().filter(char::is_ascii_alphabetic).count();
            if letters < 3 || part.chars().any(|c| c.is_ascii_digit() || c == '_') {
                continue;
            }
            if allowed(part) || camel(part) || is_hex(part) {
                continue;
            }
            if !out.iter().any(|w| w == part) {
                out.push(part.to_string());
            }
        }
    }
    out
}

/// A piece of a code word that a column cut (`shutdo…`, at the right
/// edge) or wrapped (`SED` at the start of a line, `ESTABLI` at its end).
fn cut(chars: &[char], start: usize, end: usize, extra: &[&str]) -> bool {
    let word: String = chars[start..end].iter().collect();
    // Line ends, `…`, and box drawing (panel borders, an overlay's frame).
    let edge = |c: Option<&char>| {
        c.is_none_or(|&c| c == '\n' || c == '…' || ('\u{2500}'..='\u{257f}').contains(&c))
    };
    let head = start == 0 || edge(chars.get(start - 1));
    let tail = edge(chars.get(end));
    let whole = CODE_TERMS.iter().chain(STATE_NAMES).chain(extra);
    whole
        .into_iter()
        .any(|w| (tail && w.starts_with(&word)) || (head && w.ends_with(&word)))
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Written as code: by what touches it on either side.
fn is_code(chars: &[char], start: usize, end: usize) -> bool {
    let at =
        |k: isize| -> Option<char> { usize::try_from(k).ok().and_then(|k| chars.get(k).copied()) };
    let (s, e) = (start as isize, end as isize);
    let before = at(s - 1);
    let after = at(e);
    let joined = |c: Option<char>| matches!(c, Some('.' | '/' | ':' | '\\'));
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    matches!(after, Some('(' | '=' | '[' | '>'))
        || matches!(before, Some('<' | '$' | '\'' | '"' | '`' | '=' | '%' | '&'))
        || (joined(after) && alnum(at(e + 1)))
        || (joined(before) && alnum(at(s - 2)))
        || matches!(before, Some('/' | '.' | '#'))
        || (before == Some('-') && at(s - 2) == Some('-'))
}

/// `ConnectionResetError`, `OSError`: a capital after the first letter.
fn camel(w: &str) -> bool {
    w.chars().skip(1).any(|c| c.is_ascii_uppercase()) && w.chars().any(|c| c.is_ascii_lowercase())
}

/// `deadbeef`, `cafe`: letters a–f only, an even count (a hex dump).
fn is_hex(w: &str) -> bool {
    w.len().is_multiple_of(2) && w.chars().all(|c| matches!(c, 'a'..='f' | 'A'..='F'))
}

/// Every screen's English words as one report line per screen, after a
/// line with all the words found; empty when all are translated.
pub fn report(screens: &[(String, String)], extra: &[&str]) -> String {
    let mut all: Vec<String> = Vec::new();
    let mut lines = String::new();
    for (name, text) in screens {
        let words = english_words(text, extra);
        if !words.is_empty() {
            lines.push_str(&format!("{name}: {}\n", words.join(" ")));
        }
        for w in words {
            if !all.contains(&w) {
                all.push(w);
            }
        }
    }
    if all.is_empty() {
        return String::new();
    }
    format!("all: {}\n{lines}", all.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_found_and_code_passes() {
        let text = "● following · lo, all TCP · 1 connection; s.bind(('127.0.0.1', 80)) → None \
                    SYN_SENT seq=0 close() --port ConnectionResetError captures/normal.pcap \
                    time-wait 套接字 half-close";
        assert_eq!(
            english_words(text, &["None", "half-close"]),
            ["following", "all", "connection", "time", "wait"]
        );
    }

    #[test]
    fn chinese_with_code_terms_has_no_english() {
        let text = "客户端 CLOSED → SYN_SENT: 发送 SYN（connect） (RFC 9293 §3.10.1) 内核（跟踪点 sock:inet_sock_set_state）";
        assert!(english_words(text, &[]).is_empty());
    }
}
