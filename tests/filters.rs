//! Filters against their references. A filter expression picks the frames
//! `tcpdump -r F -w - EXPR` writes: `synack replay F EXPR --list` equals
//! `tcpdump ... | synack replay /dev/stdin --list` on pcap and pcapng,
//! VLAN and IPv6 captures (captures/, tests/data/ and the public
//! captures, read where they are); a pcapng with interfaces of several
//! link types (which tcpdump itself refuses to read) keeps, link type by
//! link type, what tcpdump keeps of that link type's frames. A bad
//! expression is one line with libpcap's reason, as tcpdump gives it, and
//! exit status 2. `synack watch EXPRESSION` (`filters/watch.rs`): the
//! kernel filter leaves a second live connection out.
//! `--state`, `--flags` and `--min-packets` keep the rows `--list`'s own
//! columns say.

use std::path::{Path, PathBuf};
use std::process::Command;

use synack::capture::{CaptureReader, LinkType};
use synack::filter::{Expression, FrameFilter};

#[path = "support/run.rs"]
mod run;
use run::{error_of, stdout_of, synack};

#[path = "filters/watch.rs"]
mod watch;

/// The public captures (`../shared/captures-public` from the project's
/// root, or from a folder above it): read there, never copied. A clone
/// without them (CI's clean clone) runs the cases made of the project's
/// own captures only, and says which public ones it left out.
fn public(name: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in root.ancestors().skip(1) {
        let p = dir.join("shared/captures-public").join(name);
        if p.exists() {
            return Some(p);
        }
    }
    eprintln!(
        "{name}: no shared/captures-public above {}: case left out",
        root.display()
    );
    None
}

/// A capture of several connections ending in different ways, merged by
/// `mergecap` from the project's own: two TIME_WAIT closes, a refused SYN,
/// a reset and a lossy transfer (retransmissions); for the tests that
/// need such a mix where the public captures are not there.
fn mixed(dir: &Path) -> PathBuf {
    let out = dir.join("mixed.pcap");
    let status = Command::new("mergecap")
        .args(["-F", "pcap", "-w"])
        .arg(&out)
        .args([
            "captures/normal.pcap",
            "captures/abort.pcap",
            "captures/lossy.pcap",
            "captures/refused.pcap",
            "captures/half-close.pcap",
        ])
        .status()
        .expect("mergecap (wireshark-common, installed with tshark by .ci/run)");
    assert!(status.success(), "mergecap failed");
    out
}

/// What tcpdump writes of `file` under `expr` (nanosecond timestamps, so
/// that durations stay those of the original).
fn tcpdump_write(file: &Path, expr: &str) -> Vec<u8> {
    let out = Command::new("tcpdump")
        .args(["--time-stamp-precision=nano", "-r"])
        .arg(file)
        .args(["-w", "-", expr])
        .output()
        .expect("tcpdump runs");
    assert!(
        out.status.success(),
        "tcpdump -r {} '{expr}': {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `synack replay /dev/stdin --list` of `bytes`.
fn list_of_stdin(bytes: Vec<u8>, what: &str) -> String {
    let out = synack()
        .args(["replay", "/dev/stdin", "--list"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn replay(file: &Path, args: &[&str]) -> String {
    let f = file.to_str().unwrap();
    let mut all = vec!["replay", f];
    all.extend_from_slice(args);
    stdout_of(&all)
}

#[test]
fn a_filtered_replay_lists_what_the_tcpdump_filtered_file_lists() {
    let local = |p: &str| Some(PathBuf::from(p));
    let cases = [
        (
            local("captures/normal.pcap"),
            "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0",
        ),
        (
            local("captures/refused-retry.pcap"),
            "tcp[tcpflags] & (tcp-rst|tcp-fin) != 0",
        ),
        (local("captures/ipv6.pcapng"), "ip6 and src port 5010"),
        (
            local("tests/data/vlan.pcap"),
            "vlan and tcp[tcpflags] & tcp-syn != 0",
        ),
        (
            local("tests/data/qinq.pcap"),
            "vlan and vlan and greater 100",
        ),
        (local("tests/data/lo-ipv6.pcap"), "ip6 and less 90"),
        (
            local("tests/data/dumpcap-lo.pcapng"),
            "tcp and not tcp[tcpflags] & tcp-push != 0",
        ),
        (local("tests/data/any-sll2.pcap"), "ip6 and greater 100"),
        // The filter sees the outer headers; synack opens the tunnel after.
        (local("tests/data/vxlan.pcap"), "udp[8+8+14+9] = 6"),
        (public("ppa__http_ip4and6.pcapng"), "ip6"),
        (
            public("ndpi__http_ipv6.pcap"),
            "ip6 and tcp port 443 and greater 200",
        ),
        (
            public("ndpi__KakaoTalk_talk.pcap"),
            "net 10.0.0.0/8 and not port 443",
        ),
        (public("ppp__Ftp.pcap"), "tcp port 21"),
    ];
    let mut same = Vec::new();
    for (file, expr) in cases.iter().filter_map(|(f, e)| Some((f.as_ref()?, e))) {
        let what = format!("{} '{expr}'", file.display());
        let want = list_of_stdin(tcpdump_write(file, expr), &what);
        let words: Vec<&str> = expr.split(' ').collect();
        let mut args = vec!["--list"];
        args.extend(&words);
        let got = replay(file, &args);
        assert_eq!(got, want, "{} '{expr}'", file.display());
        // One argument or many words: the same expression.
        assert_eq!(replay(file, &["--list", expr]), want);
        if got == replay(file, &["--list"]) {
            same.push(what);
        }
    }
    assert!(same.is_empty(), "left no frame out: {same:?}");
}

/// A frame: link type, timestamp, bytes, length on the wire.
type Frame = (LinkType, std::time::Duration, Vec<u8>, u32);

/// The frames of `path`, each with its link type.
fn frames(path: &Path) -> Vec<Frame> {
    let mut r = CaptureReader::open(path).unwrap();
    let mut v = Vec::new();
    while let Some(f) = r.next_frame().unwrap() {
        v.push((f.link, f.ts, f.data.to_vec(), f.wire_len));
    }
    v
}

/// `frames` of one link type written as a nanosecond pcap at `path`.
fn write_pcap(path: &Path, link: LinkType, frames: &[&Frame]) {
    use pcap_file::DataLink;
    use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
    let header = PcapHeader {
        datalink: DataLink::from(link.number()),
        ts_resolution: pcap_file::pcap::PcapTsResolution::NanoSecond,
        snaplen: 262_144,
        ..PcapHeader::default()
    };
    let file = std::fs::File::create(path).unwrap();
    let mut w = PcapWriter::with_header(file, header).unwrap();
    for (_, ts, data, wire) in frames {
        w.write_packet(&PcapPacket::new(*ts, *wire, data).unwrap())
            .unwrap();
    }
}

/// tcpdump will not read a pcapng whose interfaces differ in link type or
/// snap length; synack compiles one program per link type. So each link
/// type's frames go to a pcap of their own, tcpdump filters each, and
/// synack must keep, link type by link type, the same frames in the same
/// order; its `--list` then counts them all.
#[test]
fn several_interfaces_each_get_the_program_of_their_link_type() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            Some(PathBuf::from("tests/data/merged.pcapng")),
            "tcp[tcpflags] & tcp-fin != 0 or ip6",
        ),
        (
            public("ppp__many_interfaces-1.pcapng"),
            "tcp and greater 100",
        ),
        (public("ppp__dns_over_tcp.pcapng"), "ip6 and tcp port 53"),
        (public("ppp__ldap.pcapng"), "tcp and src port 389"),
    ];
    for (file, expr) in cases.iter().filter_map(|(f, e)| Some((f.as_ref()?, e))) {
        let all = frames(file);
        let mut links: Vec<LinkType> = all.iter().map(|f| f.0).collect();
        links.sort_by_key(|l| l.number());
        links.dedup();
        let mut filter = FrameFilter::new(Expression::new(expr).unwrap());
        let mut total = 0;
        for (k, &link) in links.iter().enumerate() {
            let mine: Vec<_> = all.iter().filter(|f| f.0 == link).collect();
            let part = dir.path().join(format!("part{k}.pcap"));
            write_pcap(&part, link, &mine);
            let kept = dir.path().join(format!("kept{k}.pcap"));
            std::fs::write(&kept, tcpdump_write(&part, expr)).unwrap();
            let want: Vec<_> = if std::fs::metadata(&kept).unwrap().len() > 24 {
                frames(&kept).into_iter().map(|f| (f.1, f.2)).collect()
            } else {
                Vec::new() // tcpdump wrote the header only
            };
            let got: Vec<_> = mine
                .iter()
                .filter(|f| filter.keeps(f.0, &f.2, f.3).unwrap())
                .map(|f| (f.1, f.2.clone()))
                .collect();
            assert_eq!(got, want, "{} link {link} '{expr}'", file.display());
            total += got.len();
        }
        assert!(links.len() >= 2 || file.ends_with("ppp__dns_over_tcp.pcapng"));
        assert!(
            0 < total && total < all.len(),
            "{}: {total} of {}",
            file.display(),
            all.len()
        );
        let list = replay(file, &["--list", expr]);
        let totals = list.lines().last().unwrap();
        assert!(
            totals.contains(&format!(" {total} frames")),
            "{}: {totals}, want {total} frames",
            file.display()
        );
    }
}

/// tcpdump's own reason for refusing `expr` on `file`.
fn tcpdump_reason(file: &str, expr: &str) -> String {
    let out = Command::new("tcpdump")
        .args(["-r", file, expr])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    let last = err.trim_end().lines().last().unwrap().to_string();
    last.trim_start_matches("tcpdump: ").to_string()
}

#[test]
fn a_bad_expression_is_one_line_with_libpcaps_reason() {
    let file = "captures/normal.pcap";
    for expr in [
        "tcp port eighty",
        "tcp and",
        "host 10.0.0.300",
        "net 10.0.0.1/8",
        "ip proto nosuch",
        "tcp[100000:4] = 1 and (",
    ] {
        let args = ["replay", file, "--list", expr];
        let err = error_of(&args);
        let code = synack().args(args).output().unwrap().status.code();
        assert_eq!(code, Some(2), "'{expr}': a usage error");
        let reason = tcpdump_reason(file, expr);
        assert_eq!(
            err,
            format!("synack: filter expression \"{expr}\": {reason}\n"),
            "'{expr}'"
        );
    }
    // Words after the file, as tcpdump takes them, with the flags anywhere.
    let err = error_of(&["replay", file, "tcp", "port", "--list", "eighty"]);
    assert!(
        err.contains("\"tcp port eighty\": unknown port 'eighty'"),
        "{err}"
    );
}

#[test]
fn a_link_type_the_expression_cannot_be_compiled_for_is_named() {
    // link-mixed.pcapng: PPP, Ethernet and IP over InfiniBand interfaces;
    // libpcap compiles no filter for IPoIB.
    let err = error_of(&["replay", "tests/data/link-mixed.pcapng", "--list", "tcp"]);
    assert_eq!(
        err,
        "synack: tests/data/link-mixed.pcapng: filter expression \"tcp\" cannot be compiled for link type 242 (LINKTYPE_IPOIB): RFC 4391 IP-over-Infiniband link-layer type filtering not implemented\n"
    );
    // Valid on Ethernet, meaningless on Linux cooked v2: as tcpdump says.
    let file = "tests/data/any-sll2.pcap";
    let err = error_of(&["replay", file, "--print", "vlan"]);
    let reason = tcpdump_reason(file, "vlan");
    assert!(
        err.ends_with(&format!("link type 276 (LINKTYPE_LINUX_SLL2): {reason}\n")),
        "{err}"
    );
    // A tunnel's inner TCP is past the filter, as with tcpdump; and
    // nothing left is said, not an empty table.
    let err = error_of(&["replay", "tests/data/vxlan.pcap", "--list", "tcp"]);
    assert!(
        err.ends_with("no frame matches the filter expression \"tcp\"\n"),
        "{err}"
    );
    let err = error_of(&["replay", "captures/normal.pcap", "--list", "udp"]);
    assert_eq!(
        err,
        "synack: captures/normal.pcap: no frame matches the filter expression \"udp\"\n"
    );
}

/// A `--list` row: index, packets, the seen column, the final states.
type Row = (usize, u64, String, String);

/// The rows of a `--list` table.
fn rows(list: &str) -> Vec<Row> {
    let mut lines = list.lines();
    let head = lines.next().unwrap();
    if head.is_empty() {
        return Vec::new(); // no row: the totals line only
    }
    // Everything before the last two columns is ASCII: byte offsets of the
    // header are char offsets of each row.
    let (seen_at, final_at) = (head.find("seen").unwrap(), head.find("final").unwrap());
    lines
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let chars: Vec<char> = l.chars().collect();
            let seen: String = chars[seen_at..final_at].iter().collect();
            let fin: String = chars[final_at..].iter().collect();
            (
                words[0].parse().unwrap(),
                words[3].parse().unwrap(),
                seen.trim().to_string(),
                fin.trim().to_string(),
            )
        })
        .collect()
}

#[test]
fn state_flags_and_min_packets_keep_the_rows_the_list_columns_say() {
    let dir = tempfile::tempdir().unwrap();
    let public_files: Vec<PathBuf> = [
        "ndpi__KakaoTalk_talk.pcap",
        "ppa__ek_to_cryptowall4.pcapng",
        "ppp__example.pcap",
    ]
    .iter()
    .filter_map(|n| public(n))
    .collect();
    // The public files hold hundreds of connections; the project's own few.
    let at_least = if public_files.len() == 3 { 100 } else { 10 };
    let mut files = public_files;
    files.push(PathBuf::from("captures/refused-retry.pcap"));
    files.push(mixed(dir.path()));
    let mut checked = 0;
    for file in &files {
        let all = rows(&replay(file, &["--list"]));
        let pick = |args: &[&str]| -> Vec<usize> {
            let mut a = vec!["--list"];
            a.extend_from_slice(args);
            rows(&replay(file, &a)).into_iter().map(|r| r.0).collect()
        };
        for state in ["TIME_WAIT", "CLOSED", "ESTABLISHED", "UNKNOWN"] {
            let want: Vec<usize> = all
                .iter()
                .filter(|r| r.3.split(" / ").any(|s| s == state))
                .map(|r| r.0)
                .collect();
            assert_eq!(
                pick(&["--state", state]),
                want,
                "{} {state}",
                file.display()
            );
            checked += want.len();
        }
        // The seen column: RST, FIN→ / FIN←, handshake or SYN.
        let seen = |r: &Row, w: &[&str]| w.iter().any(|w| r.2.contains(w));
        for (flag, words) in [
            ("RST", &["RST"][..]),
            ("FIN", &["FIN→", "FIN←"][..]),
            ("SYN", &["handshake", "SYN"][..]),
        ] {
            let want: Vec<usize> = all.iter().filter(|r| seen(r, words)).map(|r| r.0).collect();
            assert_eq!(pick(&["--flags", flag]), want, "{} {flag}", file.display());
            checked += want.len();
        }
        let both: Vec<usize> = all
            .iter()
            .filter(|r| seen(r, &["RST"]) && seen(r, &["FIN→", "FIN←"]))
            .map(|r| r.0)
            .collect();
        assert_eq!(pick(&["--flags", "rst,fin"]), both);
        let n = all.iter().map(|r| r.1).max().unwrap() / 2;
        let want: Vec<usize> = all.iter().filter(|r| r.1 >= n).map(|r| r.0).collect();
        assert_eq!(pick(&["--min-packets", &n.to_string()]), want);
        assert!(want.len() < all.len());
    }
    assert!(checked > at_least, "{checked}");
}

#[test]
fn print_json_svg_and_html_show_only_the_connections_that_match() {
    let mix = tempfile::tempdir().unwrap();
    let file = public("ppa__ek_to_cryptowall4.pcapng").unwrap_or_else(|| mixed(mix.path()));
    let f = file.to_str().unwrap();
    let all = rows(&replay(&file, &["--list"]));
    let tw: Vec<usize> = all
        .iter()
        .filter(|r| r.3.split(" / ").any(|s| s == "TIME_WAIT"))
        .map(|r| r.0)
        .collect();
    assert!(!tw.is_empty() && tw.len() < all.len());
    let json = stdout_of(&["replay", f, "--json", "--state", "time-wait"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let got: Vec<usize> = doc["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["index"].as_u64().unwrap() as usize)
        .collect();
    assert_eq!(got, tw);
    assert!(doc.get("flows").is_none(), "UDP flows are not connections");
    // --print: one title per connection shown, in the same order.
    let print = stdout_of(&["replay", f, "--print", "--state", "TIME_WAIT"]);
    let titles: Vec<usize> = print
        .lines()
        .filter_map(|l| {
            l.strip_prefix("Connection ")
                .or_else(|| l.strip_prefix("connection "))
        })
        .map(|l| {
            l.split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(titles, tw, "{print}");
    // --svg: the first connection that matches.
    let svg = stdout_of(&["replay", f, "--svg", "--state", "TIME_WAIT"]);
    let first = stdout_of(&["replay", f, "--svg", "--conn", &tw[0].to_string()]);
    assert_eq!(svg, first);
    let err = error_of(&["replay", f, "--svg", "--state", "SYN_SENT", "--conn", "0"]);
    assert!(err.contains("no connection"), "{err}");
    // --html: the page embeds the --json document's very text.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("p.html");
    synack()
        .args(["replay", f, "--state", "TIME_WAIT", "--html"])
        .arg(&page)
        .assert()
        .success();
    let html = std::fs::read_to_string(&page).unwrap();
    for c in &doc["connections"].as_array().unwrap()[..] {
        assert!(html.contains(&format!(
            "\"client\": \"{}\"",
            c["client"].as_str().unwrap()
        )));
    }
}

/// The picker's `/` matches final states, flags seen and analysis labels
/// as well as addresses; `--state` and the others narrow its rows.
#[test]
fn the_picker_search_matches_states_flags_and_labels() {
    use synack::ui::{App, UiOptions};
    let mix = tempfile::tempdir().unwrap();
    let file = public("ndpi__KakaoTalk_talk.pcap").unwrap_or_else(|| mixed(mix.path()));
    let list = rows(&replay(&file, &["--list"]));
    let replay = synack::replay::load(&file).unwrap();
    let conns = replay.connections().to_vec();
    let mut app = App::new(replay.tracker, UiOptions::default());
    let mut search = |s: &str| {
        app.picker.filter = s.to_string();
        app.picker_rows().to_vec()
    };
    let by = |f: &dyn Fn(&Row) -> bool| -> Vec<usize> {
        list.iter().filter(|r| f(r)).map(|r| r.0).collect()
    };
    let tw = by(&|r| r.3.contains("TIME_WAIT"));
    assert!(!tw.is_empty());
    assert_eq!(search("/TIME_WAIT".trim_start_matches('/')), tw);
    assert_eq!(search("time-wait"), tw);
    let rst = by(&|r| r.2.contains("RST"));
    assert!(!rst.is_empty() && rst.len() < list.len());
    assert_eq!(search("RST"), rst);
    // Labels, from the steps: the connections where one was a retransmission.
    let retrans: Vec<usize> = conns
        .iter()
        .filter(|c| {
            c.steps()
                .iter()
                .any(|s| s.labels.iter().any(|l| l.text().contains("retransmission")))
        })
        .map(|c| c.index())
        .collect();
    assert!(
        !retrans.is_empty() && retrans.len() < list.len(),
        "{retrans:?}"
    );
    assert_eq!(search("retransmission"), retrans);
    // An address still finds its own connections.
    let client = conns[0].client().to_string();
    assert!(search(&client).contains(&0));
    // --state narrows the picker's rows; the search works within them.
    app.show = synack::conversation::select::ConnFilter {
        state: Some(synack::state::TcpState::TimeWait),
        ..Default::default()
    };
    app.picker.filter.clear();
    assert_eq!(app.picker_rows().to_vec(), tw);
    app.picker.filter = "RST".into();
    let both: Vec<usize> = tw.iter().copied().filter(|i| rst.contains(i)).collect();
    assert_eq!(app.picker_rows().to_vec(), both);
}
