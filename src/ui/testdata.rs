//! Hand-made timelines for tests, the benchmark and the `tui_demo` example:
//! segments built in memory and fed to a [`Tracker`], so nothing here reads
//! files or sockets. It must not touch the model's internals.

use std::net::SocketAddr;
use std::time::Duration;

use crate::conversation::Tracker;
use crate::segment::{FrameRef, IpInfo, Segment, TcpFlags, TcpOptions};

const SYN: u16 = TcpFlags::SYN;
const ACK: u16 = TcpFlags::ACK;
const FIN: u16 = TcpFlags::FIN;
const RST: u16 = TcpFlags::RST;
const PSH: u16 = TcpFlags::PSH;

/// Builds one segment; the frame number and timestamp come from `n`.
#[expect(clippy::too_many_arguments, reason = "a flat segment literal")]
fn seg(n: u64, src: &str, dst: &str, flags: u16, seq: u32, ack: u32, len: u32, ms: u64) -> Segment {
    let syn = flags & SYN != 0;
    let options = if syn {
        TcpOptions {
            mss: Some(1460),
            window_scale: Some(7),
            sack_permitted: true,
            timestamps: Some((1000 + n as u32, 0)),
            ..TcpOptions::default()
        }
    } else {
        TcpOptions::default()
    };
    let header_len = if syn { 40 } else { 20 };
    let total_len = 20 + u32::from(header_len) + len;
    Segment {
        ts: Duration::from_secs(1_700_000_000) + Duration::from_millis(ms),
        src: src.parse::<SocketAddr>().expect("address"),
        dst: dst.parse::<SocketAddr>().expect("address"),
        seq,
        ack,
        flags: TcpFlags(flags),
        window: 64240,
        urgent: 0,
        header_len,
        options,
        payload_len: len,
        ip: IpInfo {
            version: 4,
            ttl: 64,
            id: n as u16,
            total_len,
            dont_fragment: true,
            vlan: None,
            carried: None,
        },
        frame: FrameRef {
            number: n,
            caplen: 14 + total_len,
            wire_len: 14 + total_len,
        },
        malformed: None,
    }
}

/// Client ISN of the demo connection.
pub const CLIENT_ISN: u32 = 1_000_000;
/// Server ISN of the demo connection.
pub const SERVER_ISN: u32 = 5_000_000;

/// The demo capture as segments: connection 0 is a full connection (3-way
/// handshake, a request answered after one retransmission, client-first FIN
/// teardown); connection 1 is refused (SYN answered by RST-ACK).
pub fn demo_segments() -> Vec<Segment> {
    let c = "10.0.0.1:40000";
    let s = "10.0.0.2:80";
    let (ci, si) = (CLIENT_ISN, SERVER_ISN);
    vec![
        seg(1, c, s, SYN, ci, 0, 0, 0),
        seg(2, s, c, SYN | ACK, si, ci + 1, 0, 1),
        seg(3, c, s, ACK, ci + 1, si + 1, 0, 2),
        seg(4, c, s, PSH | ACK, ci + 1, si + 1, 100, 3),
        seg(5, c, s, PSH | ACK, ci + 1, si + 1, 100, 210),
        seg(6, s, c, ACK, si + 1, ci + 101, 0, 211),
        seg(7, s, c, PSH | ACK, si + 1, ci + 101, 300, 215),
        seg(8, c, s, ACK, ci + 101, si + 301, 0, 216),
        seg(9, c, s, FIN | ACK, ci + 101, si + 301, 0, 300),
        seg(10, s, c, ACK, si + 301, ci + 102, 0, 301),
        seg(11, s, c, FIN | ACK, si + 301, ci + 102, 0, 305),
        seg(12, c, s, ACK, ci + 102, si + 302, 0, 306),
        seg(
            13,
            "10.0.0.1:40002",
            "10.0.0.2:81",
            SYN,
            7_000_000,
            0,
            0,
            400,
        ),
        seg(
            14,
            "10.0.0.2:81",
            "10.0.0.1:40002",
            RST | ACK,
            0,
            7_000_001,
            0,
            401,
        ),
    ]
}

/// A tracker holding the two demo connections of [`demo_segments`].
pub fn demo_tracker() -> Tracker {
    let mut t = Tracker::new();
    for s in demo_segments() {
        t.ingest(s);
    }
    t
}

/// A tracker with one connection of `n` segments: handshake, then data
/// segments alternating with ACKs (for the benchmark).
pub fn big_tracker(n: usize) -> Tracker {
    let c = "10.0.0.1:40000";
    let s = "10.0.0.2:80";
    let (ci, si) = (CLIENT_ISN, SERVER_ISN);
    let mut t = Tracker::new();
    t.ingest(seg(1, c, s, SYN, ci, 0, 0, 0));
    t.ingest(seg(2, s, c, SYN | ACK, si, ci + 1, 0, 1));
    t.ingest(seg(3, c, s, ACK, ci + 1, si + 1, 0, 2));
    let mut sent = 1u32;
    for i in 3..n {
        let n = i as u64 + 1;
        if i % 2 == 1 {
            t.ingest(seg(
                n,
                c,
                s,
                PSH | ACK,
                ci.wrapping_add(sent),
                si + 1,
                1000,
                n,
            ));
            sent = sent.wrapping_add(1000);
        } else {
            t.ingest(seg(n, s, c, ACK, si + 1, ci.wrapping_add(sent), 0, n));
        }
    }
    t
}

/// A terminal buffer as text: one line per row, wide characters once,
/// trailing blanks removed (what snapshot tests compare).
pub fn buffer_text(term: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    use unicode_width::UnicodeWidthStr;
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = sym.width().saturating_sub(1);
            line.push_str(sym);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A tracker of `n` short connections between varied addresses (IPv4 and
/// IPv6, ports and packet counts spread by a simple hash), for the
/// picker's sort and filter.
pub fn many_tracker(n: usize) -> Tracker {
    let mut t = Tracker::keeping(crate::conversation::KeepSteps::Summaries);
    let mut frame = 0u64;
    for i in 0..n {
        let h = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 16;
        let (c, s) = if h.is_multiple_of(7) {
            (
                format!("[2001:db8::{:x}]:{}", h % 300, 1024 + h % 5000),
                format!("[2001:db8:1::{:x}]:443", h % 11),
            )
        } else {
            (
                format!(
                    "10.{}.{}.{}:{}",
                    h % 3,
                    (h >> 8) % 40,
                    (h >> 16) % 250,
                    1024 + h % 60000
                ),
                format!("10.9.0.{}:{}", h % 5, [80, 443, 8080][(h % 3) as usize]),
            )
        };
        let ms = i as u64 * 3;
        frame += 1;
        t.ingest(seg(frame, &c, &s, SYN, 1000, 0, 0, ms));
        for k in 0..(h % 4) {
            frame += 1;
            t.ingest(seg(
                frame,
                &s,
                &c,
                SYN | ACK,
                9000,
                1001,
                (k * 100) as u32,
                ms + k * (h % 9),
            ));
        }
    }
    t
}

/// The capture files in `dir` of the repository (`captures`,
/// `tests/data`), sorted: every file but notes and scripts.
pub fn capture_files(dir: &str) -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    names.retain(|p: &std::path::PathBuf| {
        let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
        ["pcap", "pcapng", "gz", "zst", "cap"].contains(&ext)
    });
    names.sort();
    names
}

/// The whole screen of `app` drawn at `w`×`h`, as text.
pub fn screen(app: &mut super::App, w: u16, h: u16) -> String {
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("test terminal");
    term.draw(|f| app.draw(f)).expect("draw");
    buffer_text(&term)
}

/// Asserts that each of `parts` of the state diagram is on `screen`:
/// none of its boxes or its legend cut off.
pub fn assert_whole(screen: &str, parts: &[&str]) {
    for whole in parts {
        assert!(screen.contains(whole), "{whole} cut off:\n{screen}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{Label, Role};
    use crate::state::TcpState;

    #[test]
    fn demo_tracker_has_a_full_and_a_refused_connection() {
        let t = demo_tracker();
        let conns = t.connections();
        assert_eq!(conns.len(), 2);
        let full = &conns[0];
        assert_eq!(full.steps().len(), 12);
        assert_eq!(full.steps()[4].labels, vec![Label::Retransmission]);
        assert_eq!(full.steps()[8].role, Role::Fin);
        assert_eq!(full.current(), [TcpState::TimeWait, TcpState::Closed]);
        let refused = &conns[1];
        assert_eq!(refused.steps()[1].role, Role::Rst);
        assert_eq!(refused.current()[0], TcpState::Closed);
    }
}
