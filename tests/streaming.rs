//! `--print` and `--json` written as the capture is read (two reads,
//! settled steps written and dropped, later connections spooled) give the
//! same bytes as the renderers of a capture held whole, over every capture
//! in `captures/` and `tests/data/` (tcpdump, dumpcap, editcap, scapy, the
//! live demo), in both languages, for every connection alone and all
//! together, with the spool in memory and with every byte spilled to its
//! temporary file.

use std::path::Path;

use synack::capture::Source;
use synack::decode::TunnelPorts;
use synack::i18n::Lang;
use synack::output::Style;
use synack::output::stream::{self, Format, Options, Plan};
use synack::replay::{self, Keep};

#[path = "support/captures.rs"]
mod captures;

fn streamed(path: &Path, plan: &Plan, opts: &Options) -> String {
    let mut out = Vec::new();
    stream::run(
        &Source::file(path),
        TunnelPorts::default(),
        plan,
        opts,
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn streamed_output_is_the_whole_capture_output_byte_for_byte() {
    let caps = captures::all();
    assert!(caps.len() >= 20, "found only {caps:?}");
    let (mut compared, mut spilled_conns) = (0, 0);
    for cap in &caps {
        let Ok(first) = replay::read(cap, Keep::Summaries, TunnelPorts::default()) else {
            continue; // the damaged-file fixtures the CLI refuses
        };
        let whole = replay::load(cap).unwrap();
        let plan = Plan::of(&first);
        let n = whole.connections().len();
        let name = cap.display().to_string();
        for format in [Format::Print, Format::Json] {
            for lang in [Lang::En, Lang::Zh] {
                for relative in [true, false] {
                    let style = Style {
                        relative,
                        color: false,
                        origin: whole.origin.unwrap_or_default(),
                        lang,
                    };
                    let conns = std::iter::once(None).chain((0..n.min(4)).map(Some));
                    for conn in conns {
                        for spool_memory in [stream::SPOOL_MEMORY, 0] {
                            let opts = Options {
                                format,
                                style,
                                conn,
                                only: None,
                                name: name.clone(),
                                spool_memory,
                            };
                            let want = stream::whole(&whole, &opts);
                            let got = streamed(cap, &plan, &opts);
                            assert!(
                                got == want,
                                "{name} {format:?} {lang:?} relative={relative} conn={conn:?} spool={spool_memory}:\n--- streamed\n{got}\n--- whole\n{want}"
                            );
                            compared += 1;
                        }
                    }
                }
            }
        }
        if n > 1 {
            spilled_conns += 1;
        }
    }
    assert!(
        compared > 500 && spilled_conns >= 5,
        "{compared} {spilled_conns}"
    );
}

/// With a connection filter (`Options::only`: `--state`, `--flags`,
/// `--min-packets`), the streamed document is the whole capture's document
/// of the connections kept, byte for byte: every other connection, only
/// the first, only the last, none.
#[test]
fn streamed_output_of_a_connection_filter_is_the_whole_output_of_those_connections() {
    let mut compared = 0;
    for cap in captures::all() {
        let Ok(first) = replay::read(&cap, Keep::Summaries, TunnelPorts::default()) else {
            continue;
        };
        let n = first.connections().len();
        if n < 2 {
            continue;
        }
        let whole = replay::load(&cap).unwrap();
        let plan = Plan::of(&first);
        let masks: [Vec<bool>; 4] = [
            (0..n).map(|i| i % 2 == 1).collect(),
            (0..n).map(|i| i == 0).collect(),
            (0..n).map(|i| i + 1 == n).collect(),
            vec![false; n],
        ];
        for mask in masks {
            for format in [Format::Print, Format::Json] {
                for spool_memory in [stream::SPOOL_MEMORY, 0] {
                    let opts = Options {
                        format,
                        style: Style {
                            relative: true,
                            color: false,
                            origin: whole.origin.unwrap_or_default(),
                            lang: Lang::En,
                        },
                        conn: None,
                        only: Some(mask.clone()),
                        name: cap.display().to_string(),
                        spool_memory,
                    };
                    let want = stream::whole(&whole, &opts);
                    let titles = want
                        .lines()
                        .filter(|l| l.starts_with("connection "))
                        .count();
                    let kept = mask.iter().filter(|&&k| k).count();
                    if format == Format::Print {
                        assert_eq!(titles, kept, "{}: {want}", cap.display());
                    }
                    let got = streamed(&cap, &plan, &opts);
                    assert!(
                        got == want,
                        "{} {format:?} {mask:?}:\n--- streamed\n{got}\n--- whole\n{want}",
                        cap.display()
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared >= 60, "{compared}");
}

/// `--svg`'s window, read alone (steps before it dropped, the read stopped
/// after it), draws what the same window cut from the whole connection
/// draws; the default window of a connection of at most 200 segments is
/// the whole picture, byte for byte.
#[test]
fn svg_window_read_alone_is_the_window_of_the_whole_connection() {
    use synack::output::SvgOptions;
    use synack::output::window::{self, Window};
    let mut partial = 0;
    for cap in captures::all() {
        let Ok(whole) = replay::load(&cap) else {
            continue;
        };
        for (k, conn) in whole.connections().iter().enumerate().take(3) {
            let total = conn.packets();
            let picks = [
                (None, None),
                (Some(2), Some(total.min(5))),
                (Some(total), None),
                (None, Some(total.div_ceil(2))),
            ];
            for (from, to) in picks {
                let Ok(w) = Window::pick(from, to, total) else {
                    continue; // (2, 1) on a one-segment connection
                };
                let got = window::read(&Source::file(&cap), TunnelPorts::default(), k, w)
                    .unwrap()
                    .unwrap();
                let opt = SvgOptions {
                    window: w.partial().then_some(w),
                    ..SvgOptions::default()
                };
                let cut = conn.window((w.first - 1) as usize, w.last as usize);
                assert_eq!(
                    synack::output::svg(&got, &opt),
                    synack::output::svg(&cut, &opt),
                    "{} conn {k} {w:?}",
                    cap.display()
                );
                if w.partial() {
                    partial += 1;
                } else {
                    assert_eq!(
                        synack::output::svg(&got, &opt),
                        synack::output::svg(conn, &SvgOptions::default()),
                        "{} conn {k}",
                        cap.display()
                    );
                }
            }
        }
    }
    assert!(partial > 50, "{partial}");
}

#[path = "support/run.rs"]
mod run;
use run::{stdout_of, synack};

#[test]
fn svg_window_flags_say_which_segments_and_refuse_bad_ones() {
    let out = synack()
        .args([
            "replay",
            "captures/normal.pcap",
            "--svg",
            "--from",
            "2",
            "--to",
            "4",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(
        svg.contains("TCP connection 0 · segments 2–4 of 11"),
        "{svg}"
    );
    assert_eq!(svg.matches(r#"marker-end="url(#head"#).count(), 3, "{svg}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        "synack: --svg: segments 2–4 of 11 in connection 0; --from/--to pick others\n"
    );
    for (args, want) in [
        (
            &["--svg", "--from", "0"][..],
            "--from 0: segments are numbered from 1",
        ),
        (
            &["--svg", "--to", "12"],
            "--to 12: the connection has 11 segments",
        ),
        (
            &["--svg", "--from", "5", "--to", "4"],
            "--to 4: before --from 5",
        ),
        (&["--print", "--from", "3"], "--from: only with --svg"),
        (&["--json", "--to", "3"], "--to: only with --svg"),
    ] {
        let out = synack()
            .args(["replay", "captures/normal.pcap"])
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err, format!("synack: {want}\n"), "{args:?}");
    }
}

/// Writes a raw-IPv4 capture: connection 0 carries `long` one-byte
/// segments (every second one acknowledged) while a short connection
/// opens and closes beside it every 1000 of them; then connection 0
/// closes. Returns the number of segments of connection 0.
fn long_capture(path: &Path, long: u32) -> u64 {
    use pcap_file::DataLink;
    use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
    const FIN: u8 = 1;
    const SYN: u8 = 2;
    const PSH: u8 = 8;
    const ACK: u8 = 16;
    let header = PcapHeader {
        datalink: DataLink::RAW,
        ..PcapHeader::default()
    };
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut w = PcapWriter::with_header(file, header).unwrap();
    let mut t = 0u64;
    let mut put =
        |src: ([u8; 4], u16), dst: ([u8; 4], u16), seq: u32, ack: u32, flags: u8, len: u16| {
            let mut b = Vec::with_capacity(40 + usize::from(len));
            b.extend_from_slice(&[0x45, 0]);
            b.extend_from_slice(&(40 + len).to_be_bytes());
            b.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
            b.extend_from_slice(&src.0);
            b.extend_from_slice(&dst.0);
            b.extend_from_slice(&src.1.to_be_bytes());
            b.extend_from_slice(&dst.1.to_be_bytes());
            b.extend_from_slice(&seq.to_be_bytes());
            b.extend_from_slice(&ack.to_be_bytes());
            b.extend_from_slice(&[0x50, flags, 2, 0, 0, 0, 0, 0]);
            b.resize(40 + usize::from(len), 7);
            t += 10;
            let ts = std::time::Duration::from_micros(1_700_000_000_000_000 + t);
            w.write_packet(&PcapPacket::new(ts, b.len() as u32, &b).unwrap())
                .unwrap();
        };
    let (c, s) = (([10, 0, 0, 1], 40000), ([10, 0, 0, 2], 80));
    let (ci, si) = (1000u32, 9000u32);
    put(c, s, ci, 0, SYN, 0);
    put(s, c, si, ci + 1, SYN | ACK, 0);
    put(c, s, ci + 1, si + 1, ACK, 0);
    let mut n = 3;
    for i in 0..long {
        put(c, s, ci + 1 + i, si + 1, PSH | ACK, 1);
        n += 1;
        if i % 2 == 1 {
            put(s, c, si + 1, ci + 2 + i, ACK, 0);
            n += 1;
        }
        if i % 1000 == 500 {
            let k = (i / 1000) as u16;
            let (a, b) = (([10, 0, 1, 1], 50000 + k), ([10, 0, 0, 2], 80));
            put(a, b, 7, 0, SYN, 0);
            put(b, a, 70, 8, SYN | ACK, 0);
            put(a, b, 8, 71, ACK, 0);
            put(a, b, 8, 71, FIN | ACK, 0);
            put(b, a, 71, 9, FIN | ACK, 0);
            put(a, b, 9, 72, ACK, 0);
        }
    }
    let e = ci + 1 + long;
    put(c, s, e, si + 1, FIN | ACK, 0);
    put(s, c, si + 1, e + 1, FIN | ACK, 0);
    put(c, s, e + 1, si + 2, ACK, 0);
    n + 3
}

/// A connection longer than any fixture (its steps drained as they
/// settle, the short ones beside it spooled): the same bytes as the
/// whole-capture renderers; `--svg` draws its first 200 segments and
/// says so; `--html` refuses a page of more than 50,000 segments in one
/// line, before reading the capture whole.
#[test]
fn a_long_connection_beside_short_ones() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("long.pcap");
    let segments = long_capture(&cap, 34_000);
    let first = replay::read(&cap, Keep::Summaries, TunnelPorts::default()).unwrap();
    assert_eq!(first.connections().len(), 35);
    assert_eq!(first.connections()[0].packets(), segments);
    let plan = Plan::of(&first);
    let whole = replay::load(&cap).unwrap();
    for format in [Format::Print, Format::Json] {
        // Every later connection's text through the temporary file.
        let opts = Options {
            format,
            style: Style {
                relative: true,
                color: false,
                origin: whole.origin.unwrap_or_default(),
                lang: Lang::En,
            },
            conn: None,
            only: None,
            name: "long.pcap".into(),
            spool_memory: 0,
        };
        assert!(streamed(&cap, &plan, &opts) == stream::whole(&whole, &opts));
    }
    let out = synack()
        .arg("replay")
        .arg(&cap)
        .arg("--svg")
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        format!(
            "synack: --svg: segments 1–200 of {segments} in connection 0; --from/--to pick others\n"
        )
    );
    let svg = String::from_utf8(out.stdout).unwrap();
    assert_eq!(svg.matches(r#"marker-end="url(#head"#).count(), 200);
    let out = synack()
        .arg("replay")
        .arg(&cap)
        .args(["--html", dir.path().join("page.html").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let all: u64 = first.connections().iter().map(|c| c.packets()).sum();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "synack: --html: 35 connections have {all} segments; one page holds at most 50000: pick one connection with --conn N (see --list), or use --print, --json or --svg --from/--to\n"
        )
    );
    assert!(!dir.path().join("page.html").exists());
    // One short connection fits.
    let page = dir.path().join("page.html");
    let (cap, page) = (cap.to_str().unwrap(), page.to_str().unwrap());
    stdout_of(&["replay", cap, "--conn", "1", "--html", page]);
}
