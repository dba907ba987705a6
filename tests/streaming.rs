//! `--print` and `--json` written as the capture is read (two reads,
//! settled steps written and dropped, later connections spooled) give the
//! same bytes as the renderers of a capture held whole, over every capture
//! in `captures/` and `tests/data/` (tcpdump, dumpcap, editcap, scapy, the
//! live demo), in both languages, for every connection alone and all
//! together, with the spool in memory and with every byte spilled to its
//! temporary file.

use std::path::{Path, PathBuf};

use synack::decode::TunnelPorts;
use synack::i18n::Lang;
use synack::output::Style;
use synack::output::stream::{self, Format, Options, Plan};
use synack::replay::{self, Keep};

fn captures() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in ["captures", "tests/data"] {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
        for e in std::fs::read_dir(&root).unwrap() {
            let p = e.unwrap().path();
            if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("pcap" | "pcapng" | "gz" | "zst")
            ) {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

fn streamed(path: &Path, plan: &Plan, opts: &Options) -> String {
    let mut out = Vec::new();
    stream::run(path, TunnelPorts::default(), plan, opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn streamed_output_is_the_whole_capture_output_byte_for_byte() {
    let caps = captures();
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

/// `--svg`'s window, read alone (steps before it dropped, the read stopped
/// after it), draws what the same window cut from the whole connection
/// draws; the default window of a connection of at most 200 segments is
/// the whole picture, byte for byte.
#[test]
fn svg_window_read_alone_is_the_window_of_the_whole_connection() {
    use synack::output::SvgOptions;
    use synack::output::window::{self, Window};
    let mut partial = 0;
    for cap in captures() {
        let Ok(whole) = replay::load(&cap) else {
            continue;
        };
        for (k, conn) in whole.connections().iter().enumerate().take(3) {
            let total = conn.packets;
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
                let got = window::read(&cap, TunnelPorts::default(), k, w)
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

fn synack() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("synack").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    c
}

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

/// A pipe cannot be read twice: it is read whole, and gives the same
/// bytes as the same capture streamed from a file.
#[test]
fn a_pipe_and_a_file_give_the_same_output() {
    for cap in ["captures/normal.pcap", "tests/data/icmp-fragneeded.pcap"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(cap);
        for mode in ["--print", "--json"] {
            let file = synack()
                .args(["replay", "/dev/stdin", mode])
                .pipe_stdin(&path)
                .unwrap()
                .output()
                .unwrap();
            let pipe = synack()
                .args(["replay", "/dev/stdin", mode])
                .write_stdin(std::fs::read(&path).unwrap())
                .output()
                .unwrap();
            assert!(
                file.status.success() && pipe.status.success(),
                "{cap} {mode}"
            );
            assert!(!file.stdout.is_empty());
            assert_eq!(file.stdout, pipe.stdout, "{cap} {mode}");
        }
    }
}
