//! The live demo's screens and behaviour, fed synthetic worker events (no
//! sockets, no terminal): code panel, kernel column (agreeing, DISAGREES,
//! unavailable), TIME_WAIT countdown, scenario picker, offline fallback.

use std::net::SocketAddr;
use std::sync::mpsc::{Receiver, channel};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthStr;

use super::*;
use crate::conversation::Tracker;
use crate::i18n::Lang;
use crate::live::exchange::{CallOutcome, Scenario};
use crate::segment::Segment;
use crate::ui::{AppEvent, ThemeName, UiOptions};

fn screen(app: &mut App, w: u16, h: u16) -> String {
    crate::ui::testdata::screen(app, w, h)
}

fn key(c: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// The bundled normal capture's segments and its addresses.
fn normal_segments() -> (Vec<Segment>, SocketAddr, SocketAddr) {
    let (name, bytes) = crate::demo::bundled_capture(Scenario::Normal).expect("bundled");
    let replay = crate::replay::load_bytes(name, bytes).expect("loads");
    let conn = &replay.connections()[0];
    let segs = conn.steps().iter().map(|s| s.segment.clone()).collect();
    (segs, conn.client(), conn.server())
}

struct Live {
    app: App,
    cmds: Receiver<LiveCmd>,
    segs: Vec<Segment>,
    client: SocketAddr,
    server: SocketAddr,
}

fn live(kernel_unavailable: Option<&str>, lang: Lang) -> Live {
    let (segs, client, server) = normal_segments();
    let (tx, cmds) = channel();
    let opts = UiOptions {
        lang,
        theme: ThemeName::Dark,
        conn: Some(0),
        file_name: "normal".into(),
        quiz: false,
    };
    let mut app = App::new(Tracker::new(), opts)
        .with_live(true)
        .with_demo(Demo::new(Scenario::Normal, Some(tx)));
    app.handle(AppEvent::Demo(DemoEvent::Started(DemoStart {
        scenario: Scenario::Normal,
        calls: offline_calls(Scenario::Normal, Some(server)),
        kernel_unavailable: kernel_unavailable.map(str::to_string),
        offline: None,
    })));
    Live {
        app,
        cmds,
        segs,
        client,
        server,
    }
}

fn kt(local: SocketAddr, remote: SocketAddr, from: TcpState, to: TcpState) -> AppEvent {
    AppEvent::Demo(DemoEvent::Kernel(KernelTransition {
        ts: 0.0,
        local,
        remote,
        from,
        to,
        raw_from: format!("TCP_{}", from.name()),
        raw_to: format!("TCP_{}", to.name()),
    }))
}

impl Live {
    /// Presses → and answers as the worker would: `segs` segments, the
    /// kernel events, then the call's result.
    fn call(&mut self, returned: &str, segs: usize, kernel: Vec<AppEvent>) {
        self.app.handle(key(KeyCode::Right));
        assert_eq!(self.cmds.try_recv(), Ok(LiveCmd::Step), "→ asks for a call");
        let index = self
            .app
            .source
            .demo()
            .unwrap()
            .in_flight
            .expect("in flight");
        let take = segs.min(self.segs.len());
        for seg in self.segs.drain(..take) {
            self.app.handle(AppEvent::Demo(DemoEvent::Segment(seg)));
        }
        for k in kernel {
            self.app.handle(k);
        }
        self.app.handle(AppEvent::Demo(DemoEvent::Call {
            index,
            result: Ok(CallOutcome {
                index,
                returned: returned.into(),
                remarks: Vec::new(),
                error: None,
            }),
        }));
    }

    /// Socket, bind, listen, socket, bind, connect (the handshake, with
    /// the kernel's transitions), accept.
    fn through_accept(&mut self, server_kernel: Vec<(TcpState, TcpState)>) {
        use TcpState::*;
        for _ in 0..5 {
            self.call("None", 0, Vec::new());
        }
        let (c, s) = (self.client, self.server);
        let traced = self.app.source.demo().unwrap().kernel_unavailable.is_none();
        let mut k = Vec::new();
        if traced {
            k = vec![kt(c, s, Closed, SynSent), kt(c, s, SynSent, Established)];
        }
        k.extend(server_kernel.into_iter().map(|(f, t)| kt(s, c, f, t)));
        self.call("None (connected)", 3, k);
        self.call("(conn, ('127.0.0.2', 40000))", 0, Vec::new());
    }
}

#[test]
fn code_panel_after_the_handshake_shows_accept_after_the_kernel() {
    use TcpState::*;
    let mut l = live(None, Lang::En);
    l.through_accept(vec![(Listen, SynReceived), (SynReceived, Established)]);
    let d = l.app.source.demo().unwrap();
    assert_eq!(d.performed(), 7);
    assert_eq!(l.app.walk.pos, 3, "the walk follows the call's segments");
    let text = screen(&mut l.app, 100, 30);
    assert!(text.contains("BEFORE accept()"), "{text}");
    assert!(text.contains("✓ kernel = inferred: LISTEN → SYN_RECV → ESTABLISHED"));
    assert!(text.contains("request sock"));
    insta::assert_snapshot!(text);
}

#[test]
fn a_kernel_chain_that_differs_is_flagged_disagrees_with_both_chains() {
    use TcpState::*;
    let mut l = live(None, Lang::En);
    // The kernel says the server went straight to ESTABLISHED.
    l.through_accept(vec![(Listen, Established)]);
    let text = screen(&mut l.app, 100, 30);
    assert!(text.contains("✗ DISAGREES"), "{text}");
    assert!(text.contains("inferred LISTEN → SYN_RECV → ESTABLISHED"));
    assert!(text.contains("kernel   LISTEN → ESTABLISHED"));
    insta::assert_snapshot!(text);
}

#[test]
fn without_a_trace_the_kernel_column_says_unavailable_and_why() {
    let mut l = live(Some("tracefs is not mounted"), Lang::En);
    l.through_accept(Vec::new());
    let text = screen(&mut l.app, 100, 30);
    assert!(
        text.contains("kernel column unavailable: tracefs is not mounted"),
        "{text}"
    );
}

#[test]
fn recv_zero_and_the_time_wait_countdown_after_the_active_close() {
    let mut l = live(Some("not traced in this test"), Lang::En);
    l.through_accept(Vec::new());
    let rest = l.segs.len();
    for _ in 0..4 {
        l.call("b'hello'", 0, Vec::new());
    }
    // c.close(): everything left, the client ends in TIME_WAIT.
    l.call("None", rest, Vec::new());
    l.call("b'' — 0 bytes (peer closed)", 0, Vec::new());
    let text = screen(&mut l.app, 100, 30);
    assert!(text.contains("recv() returned 0 bytes"), "{text}");
    assert!(text.contains("60 s left"), "{text}");
    for _ in 0..20 * 18 {
        l.app.handle(AppEvent::Tick);
    }
    let text = screen(&mut l.app, 100, 30);
    assert!(text.contains("42 s left"), "{text}");
    insta::assert_snapshot!(text);
    for _ in 0..20 * 42 {
        l.app.handle(AppEvent::Tick);
    }
    assert!(screen(&mut l.app, 100, 30).contains("TIME_WAIT is over"));
}

#[test]
fn all_calls_done_then_right_asks_nothing_more() {
    let mut l = live(None, Lang::En);
    let n = l.app.source.demo().unwrap().calls.len();
    let rest = l.segs.len();
    for i in 0..n {
        l.call("None", if i == 5 { rest } else { 0 }, Vec::new());
    }
    assert!(l.app.source.demo().unwrap().done());
    l.app.handle(key(KeyCode::Right));
    assert!(l.cmds.try_recv().is_err(), "no call after the last");
    assert!(screen(&mut l.app, 100, 30).contains("All calls done"));
    // ← still walks what was captured.
    l.app.handle(key(KeyCode::Home));
    assert_eq!(l.app.walk.pos, 0);
    l.app.handle(key(KeyCode::Right));
    assert_eq!(l.app.walk.pos, 1);
    assert!(l.cmds.try_recv().is_err(), "→ walks captured steps first");
}

#[test]
fn picker_restarts_with_the_chosen_scenario() {
    let mut l = live(None, Lang::En);
    l.through_accept(Vec::new());
    l.app.handle(key(KeyCode::Char('m')));
    assert_eq!(l.app.mode, Mode::Scenarios);
    l.app.handle(key(KeyCode::Down));
    let text = screen(&mut l.app, 100, 30);
    assert!(text.contains("▶ 2 server-first"), "{text}");
    insta::assert_snapshot!(text);
    l.app.handle(key(KeyCode::Enter));
    assert_eq!(l.cmds.try_recv(), Ok(LiveCmd::Start(Scenario::ServerFirst)));
    assert_eq!(l.app.mode, Mode::Walk);
    assert!(
        l.app.tracker.connections().is_empty(),
        "the old walk is gone"
    );
    // Late events of the old session are ignored until the new one starts.
    let stale = l.segs[0].clone();
    l.app.handle(AppEvent::Demo(DemoEvent::Segment(stale)));
    assert!(l.app.tracker.connections().is_empty());
    l.app.handle(AppEvent::Demo(DemoEvent::Started(DemoStart {
        scenario: Scenario::ServerFirst,
        calls: offline_calls(Scenario::ServerFirst, Some(l.server)),
        kernel_unavailable: None,
        offline: None,
    })));
    assert_eq!(l.app.source.demo().unwrap().scenario, Scenario::ServerFirst);
    assert!(screen(&mut l.app, 100, 30).contains("server-first"));
}

#[test]
fn offline_walks_the_bundled_capture_and_names_what_is_missing() {
    let opts = UiOptions {
        lang: Lang::Zh,
        conn: Some(0),
        ..UiOptions::default()
    };
    let mut app = App::new(Tracker::new(), opts).with_demo(Demo::new(Scenario::Normal, None));
    app.go_offline(Scenario::Normal, "no CAP_NET_RAW; run with sudo".into());
    assert!(app.len() > 5);
    app.handle(key(KeyCode::Right));
    assert_eq!(app.walk.pos, 1);
    let text = screen(&mut app, 100, 30);
    assert!(text.contains("no CAP_NET_RAW; run with sudo"), "{text}");
    assert!(text.contains("内核列不可用：需要 root 权限"), "{text}");
    insta::assert_snapshot!(text);
    // Without a worker the picker switches the bundled capture.
    app.handle(key(KeyCode::Char('m')));
    app.handle(key(KeyCode::Char('5')));
    assert_eq!(app.source.demo().unwrap().scenario, Scenario::Refused);
    assert_eq!(app.walk.pos, 0);
    assert!(app.len() >= 2);
}

#[test]
fn at_120_by_36_the_state_diagram_fits_whole_beside_the_kernel_column() {
    let mut l = live(None, Lang::En);
    l.through_accept(Vec::new());
    l.app.handle(key(KeyCode::Char('s')));
    let text = screen(&mut l.app, 120, 36);
    crate::ui::testdata::assert_whole(
        &text,
        &[
            "│ CLOSE_WAIT │",
            "┤ LAST_ACK │",
            "│ FIN_WAIT2 ├",
            "filled box",
        ],
    );
    // Both sides are ESTABLISHED: the box is labelled with both names.
    assert!(
        text.contains("───client───") && text.contains("───server───"),
        "{text}"
    );
}

#[test]
fn at_80_by_24_the_state_diagram_is_whole() {
    let mut l = live(None, Lang::En);
    l.through_accept(Vec::new());
    l.app.handle(key(KeyCode::Char('s')));
    let text = screen(&mut l.app, 80, 24);
    crate::ui::testdata::assert_whole(
        &text,
        &[
            "│ LISTEN │",
            "│ SYN_SENT │",
            "│ CLOSE_WAIT │",
            "┤ LAST_ACK │",
            "│ FIN_WAIT2 ├",
            "│ TIME_WAIT ├",
            "filled box",
        ],
    );
    assert!(text.lines().all(|r| r.width() <= 80));
}

#[test]
fn below_the_art_width_the_diagram_lists_the_states_with_each_side_named() {
    let mut l = live(None, Lang::En);
    l.through_accept(Vec::new());
    l.app.handle(key(KeyCode::Char('s')));
    let text = screen(&mut l.app, 70, 24);
    let row = text
        .lines()
        .find(|r| r.contains("ESTABLISHED"))
        .unwrap_or_default();
    assert!(
        row.contains("client") && row.contains("server") && row.contains("« rcv ACK of SYN"),
        "{text}"
    );
    assert!(text.lines().all(|r| r.width() <= 70));
}

#[test]
fn esc_closes_the_diagram_and_never_quits_a_live_session() {
    let mut l = live(None, Lang::En);
    l.app.handle(key(KeyCode::Char('s')));
    l.app.handle(key(KeyCode::Esc));
    assert_eq!(l.app.diagram, crate::ui::DiagramPanel::Hidden);
    l.app.handle(key(KeyCode::Esc));
    l.app.handle(key(KeyCode::Esc));
    assert!(!l.app.quit, "Esc quit the live demo");
    l.app.handle(key(KeyCode::Char('q')));
    assert!(l.app.quit);
}

#[test]
fn before_the_first_segment_the_header_counts_no_connection() {
    let mut l = live(None, Lang::En);
    let text = screen(&mut l.app, 120, 36);
    let head = text.lines().next().unwrap_or_default();
    assert!(!head.contains("1/0"), "{head}");
    assert!(head.contains("Waiting for segments"), "{head}");
    assert!(head.contains("normal"), "{head}");
}

#[test]
fn udp_shows_datagrams_the_icmp_error_and_no_states() {
    let opts = UiOptions {
        lang: Lang::En,
        conn: Some(0),
        ..UiOptions::default()
    };
    let mut app = App::new(Tracker::new(), opts).with_demo(Demo::new(Scenario::Udp, None));
    app.go_offline(Scenario::Udp, "no CAP_NET_RAW; run with sudo".into());
    let text = screen(&mut app, 120, 36);
    assert!(text.contains("Datagrams (UDP: no states)"), "{text}");
    let head = text.lines().next().unwrap_or_default();
    assert!(!head.contains("Waiting for segments"), "{head}");
    assert!(head.contains("UDP · 3 datagrams"), "{head}");
    assert_eq!(text.matches("UDP len=5").count(), 2, "{text}");
    assert!(text.contains("UDP len=13"), "{text}");
    assert!(
        text.contains("✗ ICMP: port unreachable ← 127.0.0.1"),
        "{text}"
    );
    assert!(text.contains("UDP beside TCP · kernel"), "{text}");
    assert!(text.contains("no connection states at all"), "{text}");
    assert!(!text.contains("SYN"), "{text}");
    insta::assert_snapshot!(text);
    // Narrow: the same panels stacked.
    let narrow = screen(&mut app, 80, 30);
    assert!(narrow.contains("UDP len=13"), "{narrow}");
}

/// A live demo of `scenario` (its calls for the bundled capture's server)
/// and the bundled capture's segments, connection by connection.
fn live_of(scenario: Scenario) -> (App, Receiver<LiveCmd>, Vec<Vec<Segment>>) {
    let (name, bytes) = crate::demo::bundled_capture(scenario).expect("bundled");
    let replay = crate::replay::load_bytes(name, bytes).expect("loads");
    let conns: Vec<Vec<Segment>> = replay
        .connections()
        .iter()
        .map(|c| c.steps().iter().map(|s| s.segment.clone()).collect())
        .collect();
    let server = replay.connections().first().map(|c| c.server());
    let (tx, cmds) = channel();
    let opts = UiOptions {
        lang: Lang::En,
        conn: Some(0),
        file_name: "demo".into(),
        ..UiOptions::default()
    };
    let mut app = App::new(Tracker::new(), opts)
        .with_live(true)
        .with_demo(Demo::new(scenario, Some(tx)));
    app.handle(AppEvent::Demo(DemoEvent::Started(DemoStart {
        scenario,
        calls: offline_calls(scenario, server),
        kernel_unavailable: Some("test".into()),
        offline: None,
    })));
    (app, cmds, conns)
}

/// Presses → and answers as the worker would: `segs`, then `returned`.
fn perform(app: &mut App, cmds: &Receiver<LiveCmd>, segs: &[Segment], returned: &str) {
    app.handle(key(KeyCode::Right));
    assert_eq!(cmds.try_recv(), Ok(LiveCmd::Step), "→ asks for a call");
    let index = app.source.demo().unwrap().in_flight.expect("in flight");
    for seg in segs {
        app.handle(AppEvent::Demo(DemoEvent::Segment(seg.clone())));
    }
    app.handle(AppEvent::Demo(DemoEvent::Call {
        index,
        result: Ok(CallOutcome {
            index,
            returned: returned.into(),
            remarks: Vec::new(),
            error: None,
        }),
    }));
}

#[test]
fn the_so_linger_call_and_the_reset_error_are_readable_at_120_by_36() {
    let (mut app, cmds, _) = live_of(Scenario::Abort);
    let calls = app.source.demo().unwrap().calls.clone();
    let reset = "ConnectionResetError: [Errno 104] Connection reset by peer";
    let mut seen = (false, false);
    for c in &calls {
        let returned = if c.text.contains("recv") {
            reset
        } else {
            "None"
        };
        perform(&mut app, &cmds, &[], returned);
        // Each call, once performed, is in the list whole, with its result.
        let text = screen(&mut app, 120, 36);
        let list: String = text
            .lines()
            .skip_while(|r| !r.contains("Socket calls"))
            .map(|r| {
                r.split("││")
                    .next()
                    .unwrap_or(r)
                    .trim_matches('│')
                    .trim()
                    .to_string()
                    + " "
            })
            .collect();
        assert!(list.contains(&c.text), "{} cut:\n{text}", c.text);
        seen.0 |= c.text.contains("SO_LINGER");
        if returned == reset {
            assert!(list.contains(reset), "{text}");
            seen.1 = true;
        }
    }
    assert_eq!(
        seen,
        (true, true),
        "abort sets SO_LINGER and recv() is reset"
    );
}

#[test]
fn the_code_panel_follows_the_walk_back_to_the_segment_shown() {
    let mut l = live(None, Lang::En);
    l.through_accept(Vec::new());
    let row = |text: &str, n: &str| {
        text.lines()
            .find(|r| r.contains(n))
            .map(|r| r.trim_start_matches('│').to_string())
            .unwrap_or_default()
    };
    let text = screen(&mut l.app, 120, 36);
    assert!(row(&text, "s.accept()").starts_with("▶ 7"), "{text}");
    l.app.handle(key(KeyCode::Home));
    assert_eq!(l.app.walk.pos, 0);
    let text = screen(&mut l.app, 120, 36);
    // Step 0: the calls that sent nothing are done, connect() is not.
    assert!(row(&text, "s.listen(").starts_with("✓ 3"), "{text}");
    assert!(row(&text, "c.bind(").starts_with("▶ 5"), "{text}");
    let connect = row(&text, "c.connect(");
    assert!(
        connect.starts_with("  6") && !connect.contains("→"),
        "{text}"
    );
    assert!(!row(&text, "s.accept()").contains("→"), "{text}");
    // The note says what → does now (a segment, not the next call).
    assert!(
        text.contains("Walked back: → shows the next segment"),
        "{text}"
    );
    assert!(!text.contains("perform the next call"), "{text}");
    l.app.handle(key(KeyCode::End));
    let text = screen(&mut l.app, 120, 36);
    assert!(row(&text, "s.accept()").starts_with("▶ 7"), "{text}");
    assert!(!text.contains("Walked back"), "{text}");
}

#[test]
fn the_ladder_follows_the_connection_of_the_call_until_one_is_chosen() {
    let (mut app, cmds, conns) = live_of(Scenario::SecondClient);
    assert!(conns.len() >= 2);
    perform(&mut app, &cmds, &conns[0][..3], "None (connected)");
    assert_eq!(app.walk.conn, 0);
    perform(&mut app, &cmds, &conns[1][..3], "None (connected)");
    assert_eq!(app.walk.conn, 1, "c2's handshake is drawn");
    assert_eq!(app.walk.pos, 3);
    perform(&mut app, &cmds, &[], "None");
    assert_eq!(
        app.walk.conn, 1,
        "a call that sent nothing keeps the connection"
    );
    perform(&mut app, &cmds, &conns[0][3..4], "None");
    assert_eq!(app.walk.conn, 0);
    // c, then connection 1 by hand: it holds.
    app.handle(key(KeyCode::Char('c')));
    app.handle(key(KeyCode::Down));
    app.handle(key(KeyCode::Enter));
    assert_eq!(app.walk.conn, 1);
    app.handle(key(KeyCode::End));
    perform(&mut app, &cmds, &conns[0][4..5], "None");
    assert_eq!(app.walk.conn, 1, "the manual choice holds");
    // Until the next scenario.
    app.start_scenario(Scenario::SecondClient);
    assert!(!app.source.demo().unwrap().manual_conn);
}

#[test]
fn at_80_by_24_the_demo_keeps_8_ladder_rows_the_explanation_a_key_away_and_the_help_whole() {
    let mut l = live(None, Lang::En);
    l.through_accept(Vec::new());
    let text = screen(&mut l.app, 80, 24);
    let lines: Vec<&str> = text.lines().collect();
    let top = lines
        .iter()
        .position(|r| r.contains("Ladder"))
        .expect("ladder");
    let bottom = lines[top + 1..]
        .iter()
        .position(|r| r.starts_with('└'))
        .expect("ladder frame");
    assert!(bottom >= 8, "ladder has {bottom} rows inside:\n{text}");
    assert!(
        text.contains("e explanation"),
        "the footer names the key:\n{text}"
    );
    assert!(!text.contains("Explanation"), "{text}");
    l.app.handle(key(KeyCode::Char('e')));
    let text = screen(&mut l.app, 80, 24);
    assert!(text.contains("Explanation"), "{text}");
    assert!(text.contains("Ladder"), "{text}");
    l.app.handle(key(KeyCode::Char('e')));
    l.app.handle(key(KeyCode::Char('?')));
    let text = screen(&mut l.app, 80, 24);
    for (k, t) in crate::ui::help::KEYS {
        let words = Lang::En.strings().text(t);
        assert!(text.contains(words), "help lost {k}: {words}\n{text}");
    }
    assert!(text.contains("pick a scenario"), "{text}");
}
