//! Render and behaviour tests of the UI on the demo tracker, with ratatui's
//! `TestBackend` (no terminal). Screens are turned into text and
//! snapshotted with `insta`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use super::app::DiagramPanel;
use super::testdata::{demo_segments, demo_tracker};
use super::*;
use crate::conversation::Side;
use crate::explain::{Numbers, notes, phase_of};
use crate::i18n::{Call, Note, Phase};
use crate::state::TcpState;

fn opts(lang: Lang) -> UiOptions {
    UiOptions {
        lang,
        theme: ThemeName::Dark,
        conn: Some(0),
        file_name: "demo.pcap".into(),
        quiz: false,
    }
}

fn demo_app() -> App {
    App::new(demo_tracker(), opts(Lang::En))
}

/// The buffer as text, one line per row, trailing blanks removed.
fn text_of(term: &Terminal<TestBackend>) -> String {
    crate::ui::testdata::buffer_text(term)
}

/// The whole screen as text.
fn screen(app: &mut App, w: u16, h: u16) -> String {
    crate::ui::testdata::screen(app, w, h)
}

/// One panel drawn alone into a `w`×`h` area.
fn panel(app: &App, w: u16, h: u16, render: fn(&mut ratatui::Frame, &App, Rect)) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    term.draw(|f| render(f, app, f.area())).expect("draw");
    text_of(&term)
}

fn key(c: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        app.handle(key(KeyCode::Char(c)));
    }
}

// ---- panels ----

#[test]
fn ladder_shows_revealed_steps_and_state_changes() {
    let mut app = demo_app();
    app.update(Action::Select(4));
    let ladder = |f: &mut ratatui::Frame, a: &App, r: Rect| {
        ladder_panel::render(f, a, &mut a.view.clone(), r)
    };
    insta::assert_snapshot!(panel(&app, 100, 22, ladder));
}

#[test]
fn explanation_of_the_syn_ack_gives_the_ack_arithmetic() {
    let mut app = demo_app();
    app.update(Action::Select(1));
    insta::assert_snapshot!(panel(&app, 70, 16, explain::render));
}

#[test]
fn diagram_lights_both_states_with_letters_and_the_edge_taken() {
    let mut app = demo_app();
    app.update(Action::Select(1));
    insta::assert_snapshot!(panel(&app, 78, 22, diagram::render));
}

#[test]
fn details_list_header_fields_options_and_missing_hex_dump() {
    let mut app = demo_app();
    app.update(Action::Select(0));
    insta::assert_snapshot!(panel(&app, 70, 32, details::render));
}

#[test]
fn details_show_a_hex_dump_when_frames_are_given() {
    let frames: Vec<Vec<u8>> = (0..14u8)
        .map(|i| (0..40).map(|b| b ^ i).collect())
        .collect();
    let mut app = demo_app().with_frames(Box::new(frames));
    app.update(Action::Select(0));
    let text = panel(&app, 80, 36, details::render);
    assert!(text.contains("0000  00 01 02 03"), "{text}");
    assert!(!text.contains("unavailable"));
}

#[test]
fn picker_lists_connections_with_what_was_seen() {
    let mut app = demo_app();
    app.update(Action::Connections);
    insta::assert_snapshot!(panel(&app, 120, 8, picker::render));
}

#[test]
fn picker_never_cuts_an_address_or_a_state_at_120_and_80_columns() {
    for name in ["demo-backlog.pcap", "ipv6.pcap", "refused-retry.pcap"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("captures")
            .join(name);
        let r = crate::replay::load(&path).unwrap();
        let conns = r.connections().to_vec();
        let mut app = App::new(r.tracker, UiOptions::default());
        app.update(Action::Connections);
        for w in [120, 80] {
            let text = panel(&app, w, 10, picker::render);
            for c in &conns {
                let states = format!("{} / {}", c.current()[0], c.current()[1]);
                let whole = text.lines().any(|l| {
                    l.contains(&format!(" {} ", c.index()))
                        && l.contains(&c.client().to_string())
                        && l.contains(&c.server().to_string())
                        && l.contains(&states)
                });
                assert!(
                    whole,
                    "{name} at {w}: connection {} cut:\n{text}",
                    c.index()
                );
            }
        }
    }
}

#[test]
fn picker_home_end_and_pages_move_the_selection() {
    let mut tracker = crate::conversation::Tracker::new();
    for c in demo_tracker().connections().iter().cycle().take(30) {
        for s in c.steps() {
            let mut seg = s.segment.clone();
            seg.src.set_port(
                seg.src
                    .port()
                    .wrapping_add(tracker.connections().len() as u16),
            );
            tracker.ingest(seg);
        }
    }
    let n = tracker.connections().len();
    assert!(n > 20, "{n}");
    let mut app = App::new(tracker, UiOptions::default());
    app.update(Action::Connections);
    app.handle(key(KeyCode::End));
    assert_eq!(app.picker.row, n - 1);
    app.handle(key(KeyCode::PageUp));
    assert_eq!(app.picker.row, n - 11);
    app.handle(key(KeyCode::Home));
    assert_eq!(app.picker.row, 0);
    app.handle(key(KeyCode::PageDown));
    assert_eq!(app.picker.row, 10);
    assert_eq!(app.mode, Mode::Picker);
}

#[test]
fn help_lists_every_key() {
    let app = demo_app();
    insta::assert_snapshot!(panel(&app, 76, 23, help::render));
}

#[test]
fn whole_screen_at_160_by_48_with_diagram() {
    let mut app = demo_app();
    app.update(Action::ToggleDiagram);
    app.update(Action::Select(8));
    insta::assert_snapshot!(screen(&mut app, 160, 48));
}

#[test]
fn at_80_by_24_the_replay_diagram_is_whole_above_the_explanation() {
    let mut app = demo_app();
    app.update(Action::ToggleDiagram);
    app.update(Action::Select(3));
    let text = screen(&mut app, 80, 24);
    crate::ui::testdata::assert_whole(
        &text,
        &["│ LISTEN │", "│ CLOSE_WAIT │", "┤ LAST_ACK │", "filled box"],
    );
    // Taller screens keep the explanation under the diagram.
    let text = screen(&mut app, 80, 40);
    assert!(
        text.contains("Explanation") && text.contains("filled box"),
        "{text}"
    );
}

#[test]
fn whole_screen_in_chinese_at_80_by_24() {
    let mut app = App::new(demo_tracker(), opts(Lang::Zh));
    app.update(Action::Select(9));
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn full_walk_of_the_demo_connection_at_80_by_24() {
    let mut app = demo_app();
    let mut all = String::new();
    for pos in 0..=app.len() {
        all += &format!("==== pos {pos} ====\n");
        all += &screen(&mut app, 80, 24);
        press(&mut app, " ");
        assert_eq!(app.walk.pos, (pos + 1).min(app.len()));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn refused_connection_explains_econnrefused() {
    let mut app = App::new(
        demo_tracker(),
        UiOptions {
            conn: Some(1),
            ..opts(Lang::En)
        },
    );
    app.update(Action::Last);
    insta::assert_snapshot!(screen(&mut app, 100, 30));
}

#[test]
fn too_small_window_says_so() {
    let mut app = demo_app();
    let text = screen(&mut app, 59, 20);
    assert!(text.contains("Window too small (need 60×20)"), "{text}");
    let text = screen(&mut app, 60, 19);
    assert!(text.contains("too small"));
    let text = screen(&mut app, 60, 20);
    assert!(!text.contains("too small"), "{text}");
}

#[test]
fn every_theme_draws() {
    let mut app = demo_app();
    for _ in 0..3 {
        app.update(Action::CycleTheme);
        assert!(screen(&mut app, 80, 24).contains("Ladder"));
    }
    assert_eq!(app.theme, ThemeName::Dark);
}

// ---- keys and state ----

#[test]
fn next_prev_home_end_move_the_cursor() {
    let mut app = demo_app();
    assert_eq!(app.walk.pos, 0);
    app.handle(key(KeyCode::Right));
    press(&mut app, "l ");
    assert_eq!(app.walk.pos, 3);
    app.handle(key(KeyCode::Left));
    press(&mut app, "h");
    assert_eq!(app.walk.pos, 1);
    app.handle(key(KeyCode::End));
    assert_eq!(app.walk.pos, 12);
    app.handle(key(KeyCode::Right));
    assert_eq!(app.walk.pos, 12, "stays at the end");
    app.handle(key(KeyCode::Home));
    assert_eq!(app.walk.pos, 0);
    app.handle(key(KeyCode::Left));
    assert_eq!(app.walk.pos, 0, "stays at the start");
}

#[test]
fn phase_keys_jump_between_handshake_data_and_teardown() {
    let mut app = demo_app();
    let conn = &app.tracker.connections()[0];
    let phases: Vec<Phase> = conn.steps().iter().map(phase_of).collect();
    assert_eq!(phases[..3], [Phase::Handshake; 3]);
    assert_eq!(phases[3..8], [Phase::Data; 5]);
    assert_eq!(phases[8..], [Phase::Teardown; 4]);
    press(&mut app, "n");
    assert_eq!(app.current(), Some(0));
    press(&mut app, "n");
    assert_eq!(app.current(), Some(3), "first data step");
    press(&mut app, "n");
    assert_eq!(app.current(), Some(8), "the first FIN");
    press(&mut app, "n");
    assert_eq!(app.walk.pos, 12, "end");
    press(&mut app, "N");
    assert_eq!(app.current(), Some(8), "start of teardown");
    press(&mut app, "N");
    assert_eq!(app.current(), Some(3));
    press(&mut app, "lN");
    assert_eq!(app.current(), Some(3), "back to the start of this phase");
}

#[test]
fn picker_opens_at_start_when_several_connections_and_none_chosen() {
    let app = App::new(
        demo_tracker(),
        UiOptions {
            conn: None,
            ..opts(Lang::En)
        },
    );
    assert_eq!(app.mode, Mode::Picker);
    let one = App::new(
        demo_tracker(),
        UiOptions {
            conn: Some(1),
            ..opts(Lang::En)
        },
    );
    assert_eq!(one.mode, Mode::Walk);
}

#[test]
fn picker_filter_then_enter_walks_the_match() {
    let mut app = demo_app();
    press(&mut app, "c");
    assert_eq!(app.mode, Mode::Picker);
    press(&mut app, "/");
    assert_eq!(app.mode, Mode::Filter);
    press(&mut app, ":81");
    assert_eq!(*app.picker_rows(), vec![1]);
    app.handle(key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Walk);
    assert_eq!(app.walk.conn, 1);
    assert_eq!(app.walk.pos, 0);
}

#[test]
fn picker_filter_with_no_match_keeps_the_picker_open() {
    let mut app = demo_app();
    press(&mut app, "c/9999");
    assert!(app.picker_rows().is_empty());
    app.handle(key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Filter);
    app.handle(key(KeyCode::Backspace));
    assert_eq!(app.picker.filter, "999");
}

#[test]
fn picker_sort_key_cycles_and_orders_rows() {
    let mut app = demo_app();
    press(&mut app, "c");
    assert_eq!(app.picker.sort, SortKey::Index);
    press(&mut app, "o");
    assert_eq!(app.picker.sort, SortKey::Client);
    press(&mut app, "oo");
    assert_eq!(app.picker.sort, SortKey::Packets);
    assert_eq!(*app.picker_rows(), vec![0, 1], "most packets first");
    press(&mut app, "j");
    app.handle(key(KeyCode::Enter));
    assert_eq!(app.walk.conn, 1);
}

#[test]
fn esc_closes_the_overlay_before_quitting() {
    let mut app = demo_app();
    press(&mut app, "d");
    assert_eq!(app.mode, Mode::Details);
    press(&mut app, "?");
    assert_eq!(app.mode, Mode::Help);
    app.handle(key(KeyCode::Esc));
    assert_eq!(
        app.mode,
        Mode::Details,
        "help returns to where it was opened"
    );
    app.handle(key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Walk);
    assert!(!app.quit);
    app.handle(key(KeyCode::Esc));
    assert!(app.quit);
}

#[test]
fn esc_closes_the_diagram_before_quitting_a_replay() {
    let mut app = demo_app();
    press(&mut app, "s");
    app.handle(key(KeyCode::Esc));
    assert_eq!(app.diagram, DiagramPanel::Hidden);
    assert!(!app.quit);
    app.handle(key(KeyCode::Esc));
    assert!(app.quit);
}

#[test]
fn header_names_the_capture_file_even_at_80_columns() {
    let mut app = App::new(
        demo_tracker(),
        UiOptions {
            file_name: "/home/teacher/lessons/captures/normal.pcap".into(),
            ..opts(Lang::En)
        },
    );
    app.update(Action::Select(4));
    for w in [80, 120] {
        let text = screen(&mut app, w, 24);
        let head = text.lines().next().unwrap_or_default();
        assert!(head.contains("normal.pcap"), "{w}: {head}");
        assert!(!head.contains("lessons"), "{w}: {head}");
    }
}

#[test]
fn esc_in_filter_returns_to_picker_then_walk() {
    let mut app = demo_app();
    press(&mut app, "c/");
    app.handle(key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Picker);
    app.handle(key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Walk);
    assert!(!app.quit);
}

#[test]
fn q_and_ctrl_c_quit_even_in_an_overlay() {
    let mut app = demo_app();
    press(&mut app, "?q");
    assert!(app.quit);
    let mut app = demo_app();
    press(&mut app, "c/");
    app.handle(AppEvent::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert!(app.quit);
}

#[test]
fn typing_q_in_the_filter_does_not_quit() {
    let mut app = demo_app();
    press(&mut app, "c/q");
    assert!(!app.quit);
    assert_eq!(app.picker.filter, "q");
}

#[test]
fn help_overlay_toggles_and_is_drawn() {
    let mut app = demo_app();
    press(&mut app, "?");
    assert_eq!(app.mode, Mode::Help);
    assert!(screen(&mut app, 80, 24).contains("next step (reveal one more segment)"));
    press(&mut app, "?");
    assert_eq!(app.mode, Mode::Walk);
}

#[test]
fn toggles_change_numbers_diagram_and_theme() {
    let mut app = demo_app();
    press(&mut app, "r");
    assert_eq!(app.numbers, Numbers::Absolute);
    press(&mut app, "s");
    assert_eq!(app.diagram, DiagramPanel::Shown);
    press(&mut app, "t");
    assert_eq!(app.theme, ThemeName::Light);
    press(&mut app, "lll");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("seq=1000001"), "absolute numbers shown");
}

#[test]
fn play_advances_one_step_per_period_and_stops_at_the_end() {
    let mut app = demo_app();
    press(&mut app, "p");
    assert!(app.walk.playing);
    // 2 steps/s by default: 10 ticks of 50 ms = one step.
    for _ in 0..10 {
        app.handle(AppEvent::Tick);
    }
    assert_eq!(app.walk.pos, 1);
    press(&mut app, "+");
    for _ in 0..5 {
        app.handle(AppEvent::Tick);
    }
    assert_eq!(app.walk.pos, 2);
    for _ in 0..200 {
        app.handle(AppEvent::Tick);
    }
    assert_eq!(app.walk.pos, 12);
    assert!(!app.walk.playing, "a replay stops at its end");
}

#[test]
fn live_segments_grow_the_timeline_while_shown() {
    let mut app = App::new(crate::conversation::Tracker::new(), opts(Lang::En)).with_live(true);
    assert!(screen(&mut app, 80, 24).contains("Waiting for segments"));
    press(&mut app, "p+++++");
    for seg in demo_segments().into_iter().take(3) {
        app.handle(AppEvent::Segment(seg));
        app.handle(AppEvent::Tick);
    }
    assert_eq!(app.len(), 3);
    assert_eq!(app.walk.pos, 3);
    assert!(app.walk.playing, "a live source keeps playing at the end");
    app.handle(AppEvent::SourceEnded);
    app.handle(AppEvent::Tick);
    assert!(!app.walk.playing);
    app.handle(AppEvent::Error("capture failed".into()));
    assert!(screen(&mut app, 80, 24).contains("capture failed"));
}

#[test]
fn clicking_a_segment_row_selects_it_and_wheel_scrolls() {
    let mut app = demo_app();
    app.update(Action::Last);
    let text = screen(&mut app, 100, 40);
    let y = text
        .lines()
        .position(|l| l.contains("SYN-ACK seq=0"))
        .expect("row") as u16;
    app.handle(AppEvent::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 30,
        row: y,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.current(), Some(1));
    app.update(Action::Last);
    screen(&mut app, 80, 24);
    let top = app.view.top;
    assert!(top > 0, "the view scrolled to keep the last step visible");
    app.handle(AppEvent::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollUp,
        column: 10,
        row: 5,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.view.top, top.saturating_sub(3));
    screen(&mut app, 80, 24);
    assert_eq!(app.view.top, top.saturating_sub(3), "wheel pins the view");
}

#[test]
fn current_step_stays_visible_when_walking_a_small_window() {
    let mut app = demo_app();
    for _ in 0..12 {
        press(&mut app, " ");
        let text = screen(&mut app, 60, 20);
        assert!(
            text.contains('▶'),
            "cursor visible at pos {}:\n{text}",
            app.walk.pos
        );
    }
}

// ---- explanations ----

#[test]
fn syn_ack_note_uses_relative_then_absolute_numbers() {
    let t = demo_tracker();
    let c = &t.connections()[0];
    let rel = notes(c, 2, Numbers::Relative);
    assert_eq!(
        rel.what[0],
        Note::SynAck {
            from: Side::Server,
            seq: 0,
            peer_isn: 0,
            ack: 1
        }
    );
    let abs = notes(c, 2, Numbers::Absolute);
    assert_eq!(
        abs.what[0],
        Note::SynAck {
            from: Side::Server,
            seq: 5_000_000,
            peer_isn: 1_000_000,
            ack: 1_000_001
        }
    );
    assert!(rel.calls.contains(&Call::ConnectReturns(Side::Client)));
}

#[test]
fn fin_reception_explains_recv_returns_zero_and_close_wait() {
    let t = demo_tracker();
    let c = &t.connections()[0];
    let n = notes(c, 9, Numbers::Relative);
    assert!(n.calls.contains(&Call::Close(Side::Client)));
    assert!(n.calls.contains(&Call::RecvEof(Side::Server)));
    let text = Lang::En.strings().call(&Call::RecvEof(Side::Server));
    assert!(text.contains("recv() now returns 0"), "{text}");
    assert!(n.changes.iter().any(|c| matches!(
        c,
        Note::Change {
            side: Side::Server,
            to: TcpState::CloseWait,
            ..
        }
    )));
}

#[test]
fn last_ack_explains_time_wait() {
    let t = demo_tracker();
    let n = notes(&t.connections()[0], 11, Numbers::Relative);
    assert!(n.calls.contains(&Call::TimeWait(Side::Client)), "{n:?}");
}

#[test]
fn retransmission_is_explained_and_not_counted_as_a_new_send() {
    let t = demo_tracker();
    let n = notes(&t.connections()[0], 5, Numbers::Relative);
    assert!(n.what.iter().any(|w| matches!(w, Note::Label { .. })));
    assert!(!n.calls.iter().any(|c| matches!(c, Call::Send(..))));
}

#[test]
fn crossing_fins_are_noted_as_processed_later() {
    use crate::segment::TcpFlags;
    let mut segs = demo_segments();
    segs.truncate(8);
    let mut t = crate::conversation::Tracker::new();
    for s in segs {
        t.ingest(s);
    }
    // Both FINs cross: each is sent before the other arrives.
    let mk = |n: u64, from_client: bool| {
        let mut s = demo_segments()[8].clone();
        s.frame.number = n;
        if !from_client {
            std::mem::swap(&mut s.src, &mut s.dst);
            s.seq = 5_000_301;
            s.ack = 1_000_101;
        }
        s.flags = TcpFlags(TcpFlags::FIN | TcpFlags::ACK);
        s
    };
    t.ingest(mk(9, true));
    t.ingest(mk(10, false));
    // The client's ACK of the server's FIN: the server processes the
    // client's FIN just before it.
    let mut ack = mk(11, true);
    ack.seq = ack.seq.wrapping_add(1);
    ack.ack = 5_000_302;
    ack.flags = TcpFlags(TcpFlags::ACK);
    t.ingest(ack);
    let c = &t.connections()[0];
    let deferred: Vec<_> = c
        .transitions()
        .iter()
        .filter(|t| t.step != t.segment)
        .collect();
    assert!(!deferred.is_empty(), "{:#?}", c.transitions());
    let step = deferred[0].step;
    let n = notes(c, step + 1, Numbers::Relative);
    assert!(
        n.changes.iter().any(|c| matches!(c, Note::Deferred { .. })),
        "{n:?}"
    );
    let mut app = App::new(t, opts(Lang::En));
    app.update(Action::Select(step));
    let text = screen(&mut app, 120, 36);
    assert!(text.contains("processed later"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn smallest_window_60_by_20_still_shows_ladder_and_explanation() {
    let mut app = demo_app();
    app.update(Action::Select(1));
    insta::assert_snapshot!(screen(&mut app, 60, 20));
}

#[test]
fn page_down_in_details_scrolls_the_details_not_the_ladder() {
    let mut app = demo_app();
    press(&mut app, "ld");
    app.handle(key(KeyCode::PageDown));
    assert_eq!(app.details_scroll, 10);
    assert_eq!(app.view.top, 0);
    let text = panel(&app, 70, 12, details::render);
    assert!(
        !text.contains("Frame  "),
        "scrolled past the first field:\n{text}"
    );
    app.handle(key(KeyCode::PageUp));
    app.handle(key(KeyCode::PageUp));
    assert_eq!(app.details_scroll, 0);
}

#[test]
fn diagram_at_the_end_marks_time_wait_closed_and_the_last_ack_edge() {
    let mut app = demo_app();
    app.update(Action::Last);
    let text = panel(&app, 78, 22, diagram::render);
    assert!(text.contains("«"), "LAST_ACK → CLOSED marked:\n{text}");
    assert!(
        text.contains("┌──client───┐"),
        "client in TIME_WAIT:\n{text}"
    );
    assert!(
        text.contains("┌─server─┐"),
        "server in the lower CLOSED:\n{text}"
    );
    // The whole box is in reverse video, not just a letter on its border.
    let mut term = Terminal::new(TestBackend::new(78, 22)).expect("test terminal");
    term.draw(|f| diagram::render(f, &app, f.area()))
        .expect("draw");
    let buf = term.backend().buffer();
    let row = (0..22)
        .find(|&y| {
            (0..78)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .contains("TIME_WAIT")
        })
        .expect("TIME_WAIT row");
    let reversed = (0..78)
        .filter(|&x| {
            buf[(x, row)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED)
        })
        .count();
    // TIME_WAIT (13 cells wide) and the lower CLOSED (10) share the row.
    assert_eq!(reversed, 13 + 10, "reversed cells on row {row}");
}

#[test]
fn a_reader_warning_shows_in_the_footer_until_a_key() {
    let mut app = demo_app();
    app.warning = Some("f.pcap: damaged capture at byte offset 456".into());
    let last_line = |app: &mut App| screen(app, 100, 24).lines().last().unwrap().to_string();
    assert_eq!(
        last_line(&mut app),
        "warning: f.pcap: damaged capture at byte offset 456"
    );
    press(&mut app, "l");
    assert!(app.warning.is_none());
    assert!(
        !last_line(&mut app).contains("warning"),
        "{}",
        last_line(&mut app)
    );
}
