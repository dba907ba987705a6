//! `synack replay FILE --list`: one line per connection.

use std::fmt::Write;
use std::net::SocketAddr;
use std::time::Duration;

use rustc_hash::FxHashMap;

use crate::conversation::{Connection, Seen};

use super::Style;
use crate::i18n::{Lang, PrintText, print_text};
use unicode_width::UnicodeWidthStr;

/// What was seen of a connection, in a few words, in `lang`: `handshake
/// data→ data← FIN→ FIN← RST` (→ from the client, ← from the server; flags
/// stay protocol notation).
pub fn seen_summary_in(seen: &Seen, mid_stream: bool, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    let word = |t| print_text(lang, t).to_string();
    if mid_stream {
        parts.push(word(PrintText::MidStream));
    } else if seen.handshake {
        parts.push(word(PrintText::Handshake));
    } else if seen.syn {
        parts.push(if seen.syn_ack { "SYN SYN-ACK" } else { "SYN" }.to_string());
    }
    if seen.data_from_client > 0 {
        parts.push(format!("{}→", word(PrintText::Data)));
    }
    if seen.data_from_server > 0 {
        parts.push(format!("{}←", word(PrintText::Data)));
    }
    if seen.fin_from_client {
        parts.push("FIN→".to_string());
    }
    if seen.fin_from_server {
        parts.push("FIN←".to_string());
    }
    if seen.rst {
        parts.push("RST".to_string());
    }
    parts.join(" ")
}

/// The `--list` table.
pub fn list(conns: &[&Connection], style: &Style) -> String {
    let mut out = Vec::new();
    list_to(&mut out, conns.iter().copied(), style).expect("writing to memory");
    String::from_utf8(out).expect("the table is UTF-8")
}

/// Columns of the table.
const COLS: usize = 8;

/// Formats the cells of the `--list` table, fast: numbers and IPv4
/// addresses without `core::fmt`, and the "seen" and "final" texts, of
/// which a capture has only a few different ones, made once each. Every
/// cell comes out byte for byte as `Display` would write it.
struct Cells {
    lang: Lang,
    /// "seen" texts and their display widths, by [`Cells::seen_key`].
    seen: FxHashMap<u16, (String, usize)>,
    /// The row being formatted, cells back to back.
    text: String,
    /// End of each cell in `text`.
    ends: [usize; COLS],
    /// Display width of each cell.
    widths: [usize; COLS],
}

impl Cells {
    fn new(lang: Lang) -> Cells {
        Cells {
            lang,
            seen: FxHashMap::default(),
            text: String::with_capacity(160),
            ends: [0; COLS],
            widths: [0; COLS],
        }
    }

    /// The facts [`seen_summary_in`] reads, as bits.
    fn seen_key(seen: &Seen, mid_stream: bool) -> u16 {
        [
            mid_stream,
            seen.handshake,
            seen.syn,
            seen.syn_ack,
            seen.data_from_client > 0,
            seen.data_from_server > 0,
            seen.fin_from_client,
            seen.fin_from_server,
            seen.rst,
        ]
        .iter()
        .fold(0, |k, &b| k << 1 | u16::from(b))
    }

    /// Formats the cells of `c` into `self.text`, with their ends and
    /// widths.
    fn format(&mut self, c: &Connection) {
        let lang = self.lang;
        let text = &mut self.text;
        text.clear();
        let mut ints = itoa::Buffer::new();
        for i in 0..COLS {
            let start = text.len();
            let width = match i {
                0 => push_ascii(text, ints.format(c.index())),
                1 => push_addr(text, c.client()),
                2 => push_addr(text, c.server()),
                3 => push_ascii(text, ints.format(c.packets())),
                4 => push_ascii(text, ints.format(c.bytes)),
                5 => push_secs(text, c.duration()),
                6 => {
                    let (words, width) = Cells::seen(&mut self.seen, c, lang);
                    text.push_str(words);
                    width
                }
                _ => {
                    for (k, state) in c.current().iter().enumerate() {
                        if k > 0 {
                            text.push_str(" / ");
                        }
                        text.push_str(state.name());
                    }
                    text.len() - start
                }
            };
            self.ends[i] = text.len();
            self.widths[i] = width;
        }
    }

    /// The "seen" text of `c` and its width, made once per set of facts.
    fn seen<'a>(
        seen: &'a mut FxHashMap<u16, (String, usize)>,
        c: &Connection,
        lang: Lang,
    ) -> (&'a str, usize) {
        let key = Cells::seen_key(&c.seen(), c.mid_stream());
        let (words, width) = seen.entry(key).or_insert_with(|| {
            let words = seen_summary_in(&c.seen(), c.mid_stream(), lang);
            let width = words.width();
            (words, width)
        });
        (words, *width)
    }

    /// The widths [`Cells::format`] gives `c`'s cells, counted rather than
    /// written where that is easy (the table's first pass only needs
    /// them): integers, IPv4 addresses, durations of whole microseconds.
    fn measure(&mut self, c: &Connection) -> [usize; COLS] {
        let text = &mut self.text;
        let mut addr = |a: SocketAddr| match a {
            SocketAddr::V4(v4) => {
                let octets: usize = v4.ip().octets().iter().map(|&o| digits(o.into())).sum();
                octets + 4 + digits(v4.port().into())
            }
            SocketAddr::V6(_) => {
                text.clear();
                push_addr(text, a)
            }
        };
        let (client, server) = (addr(c.client()), addr(c.server()));
        let d = c.duration();
        let secs = if whole_micros(d) {
            digits(d.as_secs()) + 7
        } else {
            text.clear();
            push_secs(text, d)
        };
        let states: usize = c.current().iter().map(|s| s.name().len()).sum();
        [
            digits(c.index() as u64),
            client,
            server,
            digits(c.packets()),
            digits(c.bytes),
            secs,
            Cells::seen(&mut self.seen, c, self.lang).1,
            states + 3 * (c.current().len() - 1),
        ]
    }

    /// The cells formatted last.
    fn parts(&self) -> [&str; COLS] {
        let mut parts = [""; COLS];
        let mut start = 0;
        for (cell, &end) in parts.iter_mut().zip(&self.ends) {
            *cell = &self.text[start..end];
            start = end;
        }
        parts
    }
}

/// Decimal digits of `n`.
fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Whether [`push_secs`] writes `d` from its integers: a whole number of
/// microseconds under 2^20 s.
fn whole_micros(d: Duration) -> bool {
    d.subsec_nanos().is_multiple_of(1000) && d.as_secs() < 1 << 20
}

/// Appends ASCII `s`, returning its width.
fn push_ascii(text: &mut String, s: &str) -> usize {
    text.push_str(s);
    s.len()
}

/// Appends `a` as `SocketAddr`'s `Display` writes it, returning its width
/// (IPv4 by hand, IPv6 through `Display`: all ASCII).
fn push_addr(text: &mut String, a: SocketAddr) -> usize {
    let start = text.len();
    match a {
        SocketAddr::V4(v4) => {
            let mut ints = itoa::Buffer::new();
            for (k, octet) in v4.ip().octets().iter().enumerate() {
                if k > 0 {
                    text.push('.');
                }
                text.push_str(ints.format(*octet));
            }
            text.push(':');
            text.push_str(ints.format(v4.port()));
        }
        SocketAddr::V6(_) => {
            let _ = write!(text, "{a}");
        }
    }
    text.len() - start
}

/// Appends `d` in seconds as `{:.6}` writes `d.as_secs_f64()`, returning
/// its width. A whole number of microseconds under 2^20 s is exact in an
/// `f64` to far better than half a microsecond, so it is written from the
/// integers; anything else goes through the float formatting.
fn push_secs(text: &mut String, d: Duration) -> usize {
    let start = text.len();
    if whole_micros(d) {
        let mut ints = itoa::Buffer::new();
        text.push_str(ints.format(d.as_secs()));
        text.push('.');
        let micros = ints.format(d.subsec_micros());
        text.extend(std::iter::repeat_n('0', 6 - micros.len()));
        text.push_str(micros);
    } else {
        let _ = write!(text, "{:.6}", d.as_secs_f64());
    }
    text.len() - start
}

/// Writes the `--list` table to `out` as it goes: a first pass over the
/// connections measures the columns, a second writes each row, so memory
/// does not grow with the table (1,000,000 connections need no 1,000,000
/// strings).
pub fn list_to<'a>(
    out: &mut dyn std::io::Write,
    conns: impl Iterator<Item = &'a Connection> + Clone,
    style: &Style,
) -> std::io::Result<()> {
    let lang = style.lang;
    let head: [&str; COLS] = [
        "#",
        print_text(lang, PrintText::Client),
        print_text(lang, PrintText::Server),
        print_text(lang, PrintText::Packets),
        print_text(lang, PrintText::Bytes),
        print_text(lang, PrintText::Duration),
        print_text(lang, PrintText::Seen),
        print_text(lang, PrintText::Final),
    ];
    let head_widths = head.map(|h| h.width());
    let mut width = head_widths;
    let mut cells = Cells::new(lang);
    for c in conns.clone() {
        for (w, cw) in width.iter_mut().zip(cells.measure(c)) {
            *w = (*w).max(cw);
        }
    }
    let mut row = String::with_capacity(width.iter().sum::<usize>() + 32);
    let line = |row: &mut String, cells: [&str; COLS], widths: &[usize; COLS]| {
        row.clear();
        for (i, cell) in cells.iter().enumerate() {
            let pad = width[i].saturating_sub(widths[i]);
            if i > 0 {
                row.push_str("  ");
            }
            if matches!(i, 0 | 3 | 4 | 5) {
                row.extend(std::iter::repeat_n(' ', pad));
                row.push_str(cell);
            } else {
                row.push_str(cell);
                row.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let trimmed = row.trim_end().len();
        row.truncate(trimmed);
        row.push('\n');
    };
    line(&mut row, head, &head_widths);
    if style.color {
        writeln!(out, "\x1b[1m{}\x1b[0m", row.trim_end_matches('\n'))?;
    } else {
        out.write_all(row.as_bytes())?;
    }
    for c in conns {
        cells.format(c);
        line(&mut row, cells.parts(), &cells.widths);
        out.write_all(row.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV6};

    /// The hand-written IPv4 path writes what `Display` writes.
    #[test]
    fn addresses_as_display_writes_them() {
        let mut rng = fastrand::Rng::with_seed(11);
        let mut addrs: Vec<SocketAddr> = vec![
            (Ipv4Addr::UNSPECIFIED, 0).into(),
            (Ipv4Addr::BROADCAST, u16::MAX).into(),
            (Ipv6Addr::LOCALHOST, 443).into(),
            SocketAddrV6::new(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1), 80, 0, 3).into(),
        ];
        addrs.extend(
            (0..2000).map(|_| SocketAddr::from((Ipv4Addr::from(rng.u32(..)), rng.u16(..)))),
        );
        for a in addrs {
            let mut text = String::from("x");
            let width = push_addr(&mut text, a);
            assert_eq!(text, format!("x{a}"));
            assert_eq!(width, text.len() - 1);
        }
    }

    /// The first pass's counted widths are the widths of the written
    /// cells, for every connection of the repository's captures (IPv4 and
    /// IPv6, every state, mid-stream, long and sub-microsecond durations).
    #[test]
    fn measured_widths_are_the_written_ones() {
        let mut conns = 0;
        for dir in ["captures", "tests/data"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for entry in std::fs::read_dir(&dir).expect("the repository's captures") {
                let path = entry.expect("a directory entry").path();
                let keep = crate::replay::Keep::Summaries;
                let Ok(replay) = crate::replay::read(&path, keep, Default::default()) else {
                    continue; // not a capture (notes, truth files)
                };
                for lang in [Lang::En, Lang::Zh] {
                    let mut cells = Cells::new(lang);
                    for c in replay.connections() {
                        let measured = cells.measure(c);
                        cells.format(c);
                        assert_eq!(measured, cells.widths, "{} #{}", path.display(), c.index());
                        conns += 1;
                    }
                }
            }
        }
        assert!(conns > 100, "only {conns} connections measured");
    }

    /// The integer path for durations writes what `{:.6}` of the `f64`
    /// writes, and so does the fallback (sub-microsecond, huge).
    #[test]
    fn durations_as_float_formatting_writes_them() {
        let mut rng = fastrand::Rng::with_seed(12);
        let mut ds = vec![
            Duration::ZERO,
            Duration::from_micros(1),
            Duration::from_nanos(1_500),
            Duration::from_nanos(999_999_500),
            Duration::new((1 << 20) - 1, 999_999_000),
            Duration::new(1 << 20, 1_000),
            Duration::new(u64::from(u32::MAX), 123_456_789),
        ];
        ds.extend((0..5000).map(|_| Duration::from_micros(rng.u64(..1 << 40))));
        ds.extend((0..5000).map(|_| Duration::from_nanos(rng.u64(..1 << 50))));
        for d in ds {
            let mut text = String::new();
            let width = push_secs(&mut text, d);
            assert_eq!(text, format!("{:.6}", d.as_secs_f64()), "{d:?}");
            assert_eq!(width, text.len());
        }
    }
}
