//! The command line as a user meets it: outputs of the committed captures
//! (snapshotted), `--help`, and a one-line error with a non-zero exit for
//! each kind of bad input.

#[path = "support/run.rs"]
mod run;
use run::{error_of, stdout_of, synack};

#[test]
fn help_lists_the_commands_and_flags() {
    insta::assert_snapshot!("help", stdout_of(&["--help"]));
    insta::assert_snapshot!("replay_help", stdout_of(&["replay", "--help"]));
    insta::assert_snapshot!("demo_help", stdout_of(&["demo", "--help"]));
    insta::assert_snapshot!("watch_help", stdout_of(&["watch", "--help"]));
}

#[test]
fn print_ladders_of_every_scenario() {
    for name in [
        "normal",
        "server-first",
        "half-close",
        "simultaneous-close",
        "abort",
        "refused",
        "syn-synack-retransmit",
        "fin-retransmit",
        "data-on-fin",
        "mid-stream",
    ] {
        let text = stdout_of(&["replay", &format!("captures/{name}.pcap"), "--print"]);
        insta::assert_snapshot!(format!("print_{name}"), text);
    }
}

#[test]
fn the_same_connection_in_every_format_prints_the_same_ladder() {
    let base = stdout_of(&["replay", "captures/normal.pcap", "--print"]);
    for f in [
        "normal-ns.pcap",
        "normal.pcapng",
        "normal-sll.pcap",
        "normal-sll2.pcap",
    ] {
        let other = stdout_of(&["replay", &format!("captures/{f}"), "--print"]);
        // Times may differ in the last digits between µs and ns captures of
        // the same moment; the ladder without the time column must not.
        let strip = |s: &str| -> Vec<String> {
            s.lines()
                .map(|l| {
                    let mut cols: Vec<&str> = l.split_whitespace().collect();
                    if cols.len() > 2 && cols[0].parse::<u32>().is_ok() {
                        cols.remove(1);
                    }
                    cols.join(" ")
                })
                .collect()
        };
        assert_eq!(strip(&base), strip(&other), "{f}");
    }
}

#[test]
fn capture_started_mid_connection_starts_unknown() {
    let text = stdout_of(&["replay", "captures/mid-stream.pcap", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let c = &v["connections"][0];
    assert_eq!(c["mid_stream"], true);
    assert_eq!(c["initial_client_state"], "UNKNOWN");
    assert_eq!(c["segments"][0]["seq"], 1, "numbered as Wireshark does");
    assert_eq!(c["segments"][1]["server_state"], "UNKNOWN");
    assert_eq!(c["segments"][7]["client_state"], "TIME_WAIT");
    let print = stdout_of(&["replay", "captures/mid-stream.pcap", "--print"]);
    assert!(print.contains("starts mid-connection"), "{print}");
}

#[test]
fn json_document_of_the_normal_capture() {
    let text = stdout_of(&["replay", "captures/normal.pcap", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let c = &v["connections"][0];
    assert_eq!(c["client"], "10.99.0.1:6001");
    assert_eq!(c["segments"][0]["flags"], serde_json::json!(["SYN"]));
    assert_eq!(c["segments"][1]["client_state"], "ESTABLISHED");
    assert_eq!(c["segments"][1]["ack"], 1);
    insta::assert_snapshot!("json_normal", text);
}

#[test]
fn json_absolute_numbers_and_conn_filter() {
    let text = stdout_of(&[
        "replay",
        "captures/demo-backlog.pcap",
        "--json",
        "--conn",
        "2",
        "--absolute",
    ]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let conns = v["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0]["index"], 2);
    assert_eq!(v["relative"], false);
    assert_ne!(conns[0]["segments"][1]["ack"], 1);
}

#[test]
fn list_of_connections() {
    insta::assert_snapshot!(
        "list_backlog",
        stdout_of(&["replay", "captures/demo-backlog.pcap", "--list"])
    );
    insta::assert_snapshot!(
        "list_merged",
        stdout_of(&["replay", "tests/data/merged.pcapng", "--list"])
    );
}

#[test]
fn svg_picture() {
    let svg = stdout_of(&["replay", "captures/simultaneous-close.pcap", "--svg"]);
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("CLOSING"));
    insta::assert_snapshot!("svg_simultaneous_close", svg);
}

#[test]
fn not_a_capture_is_one_line_naming_the_file() {
    let e = error_of(&["replay", "tests/data/not-a-capture.txt", "--print"]);
    assert!(e.contains("tests/data/not-a-capture.txt"), "{e}");
    assert!(e.contains("not a capture"), "{e}");
}

#[test]
fn empty_file_is_an_error() {
    let e = error_of(&["replay", "tests/data/empty.pcap", "--list"]);
    assert!(
        e.contains("tests/data/empty.pcap") && e.contains("empty"),
        "{e}"
    );
}

#[test]
fn truncated_header_is_an_error() {
    let e = error_of(&["replay", "tests/data/truncated-header.pcap", "--print"]);
    assert!(
        e.contains("tests/data/truncated-header.pcap") && e.contains("truncated"),
        "{e}"
    );
}

#[test]
fn truncated_last_packet_warns_and_keeps_the_rest() {
    let out = synack()
        .args(["replay", "tests/data/truncated-last-packet.pcap", "--print"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning") && err.contains("truncated"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("SYN-ACK"));
}

#[test]
fn unsupported_link_type_is_named() {
    let e = error_of(&["replay", "tests/data/user0.pcap", "--print"]);
    assert!(e.contains("147"), "{e}");
}

#[test]
fn no_tcp_at_all_is_an_error_with_counts() {
    let e = error_of(&["replay", "tests/data/arp-only.pcap", "--print"]);
    assert!(
        e.ends_with("arp-only.pcap: no TCP segments in 2 frames: 2 are ARP (EtherType 0x0806)\n"),
        "{e}"
    );
}

#[test]
fn udp_only_is_shown_as_flows_not_an_error() {
    let out = synack()
        .args(["replay", "tests/data/udp-only.pcap", "--print"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("flow 0: UDP 127.0.0.1:36696 → 127.0.0.1:47999  (3 datagrams"),
        "{text}"
    );
    assert!(
        text.contains(
            "0 connections, 3 frames; skipped 0 not TCP, 0 IP fragments, 0 malformed; 1 UDP flow"
        ),
        "{text}"
    );
}

#[test]
fn missing_file_and_bad_flags() {
    let e = error_of(&["replay", "no/such/file.pcap", "--print"]);
    assert!(e.contains("no/such/file.pcap"), "{e}");
    // The OS error once, not once more as the error's source.
    let e = error_of(&["replay", "tests", "--print"]);
    assert_eq!(
        e.trim_end(),
        "synack: tests: cannot read the file: Is a directory (os error 21)"
    );
    let e = error_of(&["replay", "captures/normal.pcap", "--print", "--conn", "7"]);
    assert!(e.contains("--conn 7") && e.contains("1 connection"), "{e}");
    let out = synack()
        .args(["demo", "--scenario", "nope"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown scenario"));
}

#[test]
fn closed_pipe_is_not_an_error() {
    use std::process::{Command as Std, Stdio};
    let bin = env!("CARGO_BIN_EXE_synack");
    let mut child = Std::new(bin)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["replay", "captures/demo-chat.pcap", "--print"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn walk_without_a_terminal_falls_back_to_print_with_a_note() {
    let out = synack()
        .args(["replay", "captures/normal.pcap"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not a terminal") && err.contains("--print"),
        "{err}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        stdout_of(&["replay", "captures/normal.pcap", "--print"])
    );
}

/// `--lang zh`: the text outputs' headers, notes, roles and causes are
/// Chinese, aligned by display width; the JSON keeps its English keys and
/// `cause_id`s and translates only `cause`.
#[test]
fn lang_zh_translates_print_list_and_the_json_cause() {
    let print = stdout_of(&["replay", "captures/normal.pcap", "--print", "--lang", "zh"]);
    assert!(
        print.contains("连接 0：客户端 10.99.0.1:6001 → 服务器 10.99.0.2:5001"),
        "{print}"
    );
    assert!(
        print.contains("注：假定服务器在第一个 SYN 之前处于 LISTEN"),
        "{print}"
    );
    assert!(
        print.contains("↳ 服务器 ESTABLISHED → CLOSE_WAIT: 收到 FIN (RFC 9293 §3.10.7.4)"),
        "{print}"
    );
    assert!(print.contains("[握手 SYN]"), "{print}");
    assert!(!print.contains("connection"), "English left:\n{print}");
    insta::assert_snapshot!("print_normal_zh", print);

    let list = stdout_of(&[
        "replay",
        "captures/demo-backlog.pcap",
        "--list",
        "--lang",
        "zh",
    ]);
    insta::assert_snapshot!("list_backlog_zh", list);

    let zh: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "replay",
        "captures/normal.pcap",
        "--json",
        "--lang",
        "zh",
    ]))
    .expect("json");
    let en: serde_json::Value =
        serde_json::from_str(&stdout_of(&["replay", "captures/normal.pcap", "--json"]))
            .expect("json");
    let t = &zh["connections"][0]["transitions"][0];
    assert_eq!(t["cause_id"], "snd_syn");
    assert_eq!(t["cause"], "发送 SYN（connect）");
    assert_eq!(
        en["connections"][0]["transitions"][0]["cause"],
        "snd SYN (connect)"
    );
    // Everything but the causes is the same document.
    let mut stripped = zh.clone();
    for (a, b) in stripped["connections"][0]["transitions"]
        .as_array_mut()
        .expect("transitions")
        .iter_mut()
        .zip(
            en["connections"][0]["transitions"]
                .as_array()
                .expect("transitions"),
        )
    {
        a["cause"] = b["cause"].clone();
    }
    assert_eq!(stripped, en);
}

/// Without `--lang`, the text outputs stay English whatever the locale
/// (only the interactive UI follows LANG).
#[test]
fn text_outputs_ignore_the_locale() {
    let out = synack()
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("LC_ALL")
        .args(["replay", "captures/normal.pcap", "--print"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("connection 0: client"), "{text}");
}

/// Runs `synack replay tests/data/NAME ARGS` and returns its stdout.
fn replay_out(name: &str, args: &[&str]) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let out = synack()
        .arg("replay")
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{name}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn print_shows_icmp_events_reassembly_and_tunnels() {
    let text = replay_out("icmp-fragneeded.pcap", &["--print"]);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("⚠ ICMP: fragmentation needed, MTU 576 (frame 7, from 10.1.0.254, quoting segment 4)"))
        .expect("the ICMP event is in the ladder");
    // Right after the segment it followed on the wire (segment 6).
    assert!(
        lines[at - 1].trim_start().starts_with("6 "),
        "{}",
        lines[at - 1]
    );
    let text = replay_out("frag4.pcap", &["--print"]);
    assert!(text.contains("↳ reassembled from frames 4, 5, 6"), "{text}");
    let text = replay_out("nested.pcap", &["--print"]);
    assert!(text.contains(
        "note: inside GRE key 9, 192.0.2.1 → 192.0.2.2; inside VXLAN VNI 42, 10.0.0.1 → 10.0.0.2"
    ));
}

#[test]
fn json_carries_tunnels_fragments_and_icmp() {
    let doc: serde_json::Value =
        serde_json::from_str(&replay_out("vxlan-frag4.pcap", &["--json"])).unwrap();
    let c = &doc["connections"][0];
    assert_eq!(c["tunnel"], "inside VXLAN VNI 42, 10.1.0.1 → 10.2.0.1");
    let seg = c["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["carried"]["reassembled_from"].is_array())
        .expect("a reassembled segment");
    assert_eq!(seg["carried"]["tunnels"][0]["vni"], 42);
    let doc: serde_json::Value =
        serde_json::from_str(&replay_out("icmp6-toobig.pcap", &["--json"])).unwrap();
    let e = &doc["connections"][0]["icmp"][0];
    assert_eq!(e["message"], "ICMPv6: packet too big, MTU 1280");
    assert_eq!(e["kind"], "packet_too_big");
    assert_eq!(e["mtu"], 1280);
    assert!(e["quotes_segment"].is_u64());
    // A plain capture has none of these keys.
    let doc: serde_json::Value =
        serde_json::from_str(&replay_out("lo-ipv4.pcap", &["--json"])).unwrap();
    let c = &doc["connections"][0];
    assert!(c.get("tunnel").is_none() && c.get("icmp").is_none());
    assert!(c["segments"][0].get("carried").is_none());
}

#[test]
fn tunnel_port_flag_opens_more_udp_ports() {
    let path = format!("{}/tests/data/vxlan.pcap", env!("CARGO_MANIFEST_DIR"));
    let out = synack()
        .args(["replay", &path, "--list", "--tunnel-port", "vxlan"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("expected KIND:PORT"), "{err}");
}
