//! Quiz behaviour on the demo tracker and the live demo's events: right
//! and wrong answers, score, summary, keys and clicks, and the screens.

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use unicode_width::UnicodeWidthStr;

use super::*;
use crate::conversation::Side;
use crate::i18n::{Lang, Phase};
use crate::ui::testdata::demo_tracker;
use crate::ui::{AppEvent, ThemeName, UiOptions};

fn app(lang: Lang) -> App {
    App::new(
        demo_tracker(),
        UiOptions {
            lang,
            theme: ThemeName::Dark,
            conn: Some(0),
            file_name: "demo.pcap".into(),
            quiz: true,
        },
    )
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    crate::ui::testdata::screen(app, w, h)
}

fn key(c: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn press(app: &mut App, keys: &[KeyCode]) {
    for &k in keys {
        app.handle(key(k));
    }
}

/// Sets the open question's answer to `client`, `server`, flags `flags`
/// (a name of [`FLAGS`]) and `ack` through the keyboard only.
fn answer(app: &mut App, client: TcpState, server: TcpState, flags: &str, ack: &str) {
    use KeyCode::*;
    let q = app.quiz.question.clone().expect("a question is open");
    let steps = |from: usize, to: usize, n: usize| (to + n - from) % n;
    let idx = |s: TcpState| STATES.iter().position(|&x| x == s).expect("state");
    for _ in 0..steps(idx(q.answer.client), idx(client), STATES.len()) {
        press(app, &[Right]);
    }
    press(app, &[Tab]);
    for _ in 0..steps(idx(q.answer.server), idx(server), STATES.len()) {
        press(app, &[Right]);
    }
    if q.asks_segment {
        press(app, &[Tab]);
        let f = FLAGS.iter().position(|f| f.0 == flags).expect("flags");
        // Nothing is pre-selected: the first → picks the first combination.
        let from = q.answer.flags.unwrap_or_else(|| {
            press(app, &[Right]);
            0
        });
        for _ in 0..steps(from, f, FLAGS.len()) {
            press(app, &[Right]);
        }
        for c in ack.chars() {
            press(app, &[Char(c)]);
        }
    }
    let a = &app.quiz.question.as_ref().expect("still open").answer;
    assert_eq!((a.client, a.server), (client, server));
}

#[test]
fn right_prediction_of_the_syn_scores_and_reveals_it() {
    use TcpState::*;
    let mut a = app(Lang::En);
    press(&mut a, &[KeyCode::Right]);
    assert_eq!(a.mode, Mode::Quiz, "→ asks before revealing");
    assert_eq!(a.walk.pos, 0, "nothing revealed yet");
    let q = a.quiz.question.clone().expect("question");
    assert!(q.asks_segment, "a handshake step asks flags and ack");
    answer(&mut a, SynSent, SynReceived, "SYN", "");
    press(&mut a, &[KeyCode::Enter]);
    assert_eq!(a.mode, Mode::Walk);
    assert_eq!(a.walk.pos, 1, "the step is revealed after the answer");
    assert_eq!(a.quiz.score(), (1, 1));
    let g = a.quiz.graded_at(0, 0).expect("graded");
    assert!(g.right(), "{g:?}");
    assert_eq!(g.phase, Phase::Handshake);
}

#[test]
fn the_syn_ack_asks_its_ack_number_typed_in_digits() {
    use TcpState::*;
    let mut a = app(Lang::En);
    press(&mut a, &[KeyCode::Right]);
    answer(&mut a, SynSent, SynReceived, "SYN", "");
    press(&mut a, &[KeyCode::Enter, KeyCode::Right]);
    // Relative numbers: the server acknowledges ISN + 1 = 1. A wrong 2
    // first, corrected with Backspace.
    answer(&mut a, Established, SynReceived, "SYN-ACK", "2");
    press(
        &mut a,
        &[KeyCode::Backspace, KeyCode::Char('1'), KeyCode::Enter],
    );
    let g = a.quiz.graded_at(0, 1).expect("graded");
    assert!(g.right(), "{g:?}");
    assert_eq!(a.quiz.score(), (2, 2));
}

#[test]
fn wrong_answers_show_what_the_model_infers_and_cost_the_score() {
    use TcpState::*;
    let mut a = app(Lang::En);
    press(&mut a, &[KeyCode::Right]);
    answer(&mut a, SynSent, Listen, "ACK", "7");
    press(&mut a, &[KeyCode::Enter]);
    let g = a.quiz.graded_at(0, 0).expect("graded").clone();
    let wrong: Vec<Field> = g
        .items
        .iter()
        .filter(|i| !i.right)
        .map(|i| i.field)
        .collect();
    assert_eq!(wrong, [Field::Server, Field::Flags, Field::Ack]);
    assert_eq!(a.quiz.score(), (0, 1));
    let text = screen(&mut a, 100, 40);
    assert!(
        text.contains("✗ server: you said LISTEN · the model infers SYN_RECV"),
        "{text}"
    );
    assert!(
        text.contains("✗ ack number: you said 7 · the model infers none"),
        "{text}"
    );
    assert!(text.contains("✓ client: SYN_SENT"), "{text}");
    assert!(
        text.contains("LISTEN → SYN_RECV"),
        "the reason is shown:\n{text}"
    );
}

#[test]
fn answers_are_checked_against_the_models_inference_not_a_table() {
    // Nobody listens on port 81: the RST shows it, and the model rewrites
    // the server's assumed LISTEN to CLOSED for every step. A table
    // (LISTEN + SYN → SYN_RECV) would call SYN_RECV right.
    use TcpState::*;
    let mut a = App::new(
        demo_tracker(),
        UiOptions {
            conn: Some(1),
            quiz: true,
            ..UiOptions::default()
        },
    );
    press(&mut a, &[KeyCode::Right]);
    answer(&mut a, SynSent, SynReceived, "SYN", "");
    press(&mut a, &[KeyCode::Enter]);
    let g = a.quiz.graded_at(1, 0).expect("graded");
    let server = g
        .items
        .iter()
        .find(|i| i.field == Field::Server)
        .expect("server");
    assert!(!server.right);
    assert_eq!(server.expected, "CLOSED");
}

#[test]
fn data_steps_ask_only_the_states_and_answered_steps_are_not_asked_again() {
    let mut a = app(Lang::En);
    for _ in 0..3 {
        press(&mut a, &[KeyCode::Right, KeyCode::Enter]);
    }
    assert_eq!((a.walk.pos, a.quiz.graded.len()), (3, 3));
    press(&mut a, &[KeyCode::Right]);
    let q = a.quiz.question.clone().expect("question");
    assert_eq!(q.target, Target::Step(3));
    assert!(!q.asks_segment, "data: states only");
    assert_eq!(q.phase, Phase::Data);
    press(&mut a, &[KeyCode::Esc]);
    assert_eq!(
        (a.mode, a.walk.pos),
        (Mode::Walk, 3),
        "Esc skips without revealing"
    );
    assert!(a.quiz.question.is_none());
    press(&mut a, &[KeyCode::Left, KeyCode::Right]);
    assert_eq!(
        (a.mode, a.walk.pos),
        (Mode::Walk, 3),
        "step 3 was answered: revealed again"
    );
}

#[test]
fn the_summary_lists_each_phase_and_every_miss() {
    use TcpState::*;
    let mut a = app(Lang::En);
    press(&mut a, &[KeyCode::Right]);
    answer(&mut a, SynSent, Listen, "SYN", "");
    press(&mut a, &[KeyCode::Enter]);
    // Every other step answered with what the model infers.
    while a.walk.pos < a.len() {
        press(&mut a, &[KeyCode::Right]);
        let i = a.walk.pos;
        let st = a.connection().expect("conn").steps()[i].clone();
        let asked = FLAGS
            .iter()
            .find(|f| f.1 == st.segment.flags.0 & ASKED)
            .map_or("ACK", |f| f.0);
        let ack = if st.segment.flags.ack() {
            st.rel_ack.to_string()
        } else {
            String::new()
        };
        answer(&mut a, st.states[0], st.states[1], asked, &ack);
        press(&mut a, &[KeyCode::Enter]);
    }
    assert_eq!(a.quiz.score(), (11, 12));
    let phases = a.quiz.by_phase();
    assert_eq!(phases[0], (Phase::Handshake, 2, 3));
    assert_eq!(phases[1].1, phases[1].2, "data all right");
    press(&mut a, &[KeyCode::Right]);
    assert!(
        a.quiz.summary && a.mode == Mode::Quiz,
        "→ at the end shows the summary"
    );
    let text = screen(&mut a, 100, 30);
    assert!(text.contains("Quiz summary · 11/12 steps right"), "{text}");
    assert!(
        text.contains(
            "• step 1 (three-way handshake) · server: you said LISTEN · the model infers SYN_RECV"
        ),
        "{text}"
    );
    insta::assert_snapshot!(text);
    press(&mut a, &[KeyCode::Esc]);
    assert!(!a.quiz.summary && a.mode == Mode::Walk);
}

#[test]
fn a_click_picks_a_state_a_flag_and_submits() {
    let mut a = app(Lang::En);
    press(&mut a, &[KeyCode::Right]);
    screen(&mut a, 100, 30);
    let spot = |a: &App, act: QuizAction| {
        let hits = &a.view.hits;
        let h = hits.iter().find(|h| h.action == act).expect("drawn");
        (h.area.x + 1, h.area.y)
    };
    let click = |a: &mut App, (x, y): (u16, u16)| {
        a.handle(AppEvent::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        }));
    };
    let at = spot(&a, QuizAction::PickState(Side::Server, TcpState::Closing));
    click(&mut a, at);
    let at = spot(&a, QuizAction::PickFlags(0));
    click(&mut a, at);
    let q = a.quiz.question.clone().expect("open");
    assert_eq!(q.answer.server, TcpState::Closing);
    assert_eq!(q.answer.flags.map(|i| FLAGS[i].0), Some("SYN"));
    let at = spot(&a, QuizAction::Submit);
    click(&mut a, at);
    assert_eq!(a.walk.pos, 1);
    assert!(a.quiz.graded_at(0, 0).is_some());
}

#[test]
fn z_turns_the_quiz_off_and_the_walk_reveals_directly() {
    let mut a = app(Lang::En);
    press(&mut a, &[KeyCode::Right]);
    assert_eq!(a.mode, Mode::Quiz);
    press(&mut a, &[KeyCode::Char('z')]);
    assert!(!a.quiz.on && a.mode == Mode::Walk && a.quiz.question.is_none());
    press(&mut a, &[KeyCode::Right]);
    assert_eq!(a.walk.pos, 1);
    press(&mut a, &[KeyCode::Char('z'), KeyCode::Right]);
    assert_eq!((a.mode, a.walk.pos), (Mode::Quiz, 1));
}

#[test]
fn question_at_80_by_24_in_english_and_chinese() {
    for lang in [Lang::En, Lang::Zh] {
        let mut a = app(lang);
        press(&mut a, &[KeyCode::Right]);
        let text = screen(&mut a, 80, 24);
        assert!(text.lines().all(|l| l.width() <= 80));
        insta::assert_snapshot!(format!("question_80x24_{lang:?}"), text);
    }
}

#[test]
fn verdict_at_80_by_24_in_chinese() {
    use TcpState::*;
    let mut a = app(Lang::Zh);
    press(&mut a, &[KeyCode::Right]);
    answer(&mut a, SynSent, Listen, "SYN", "");
    press(&mut a, &[KeyCode::Enter]);
    let text = screen(&mut a, 80, 24);
    assert!(
        text.contains("你的答案 LISTEN · 模型推断 SYN_RECV"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

/// The live demo of the normal scenario fed as the worker would.
mod live {
    use std::sync::mpsc::channel;

    use super::*;
    use crate::conversation::Tracker;
    use crate::live::exchange::{CallOutcome, Scenario};
    use crate::ui::live::{Demo, DemoEvent, DemoStart, LiveCmd, offline_calls};

    #[test]
    fn the_live_demo_asks_before_connect_is_performed_and_grades_its_syn() {
        use TcpState::*;
        let (name, bytes) = crate::demo::bundled_capture(Scenario::Normal).expect("bundled");
        let replay = crate::replay::load_bytes(name, bytes).expect("loads");
        let conn = &replay.connections()[0];
        let mut segs: Vec<_> = conn.steps().iter().map(|s| s.segment.clone()).collect();
        let (tx, cmds) = channel();
        let mut a = App::new(
            Tracker::new(),
            UiOptions {
                quiz: true,
                conn: Some(0),
                ..UiOptions::default()
            },
        )
        .with_live(true)
        .with_demo(Demo::new(Scenario::Normal, Some(tx)));
        let calls = offline_calls(Scenario::Normal, Some(conn.server()));
        let connect = calls
            .iter()
            .position(|c| c.kind == crate::live::exchange::CallKind::Connect)
            .expect("a connect() call");
        a.handle(AppEvent::Demo(DemoEvent::Started(DemoStart {
            scenario: Scenario::Normal,
            calls,
            kernel_unavailable: Some("test".into()),
            offline: None,
        })));
        let returned = |a: &mut App, index: usize| {
            a.handle(AppEvent::Demo(DemoEvent::Call {
                index,
                result: Ok(CallOutcome {
                    index,
                    returned: "None".into(),
                    remarks: Vec::new(),
                    error: None,
                }),
            }));
        };
        // socket(), bind(), listen() ... send nothing: performed at once.
        for i in 0..connect {
            press(&mut a, &[KeyCode::Right]);
            assert_eq!(cmds.try_recv(), Ok(LiveCmd::Step), "call {i} asked nothing");
            returned(&mut a, i);
        }
        press(&mut a, &[KeyCode::Right]);
        assert_eq!(a.mode, Mode::Quiz, "connect() is asked about first");
        assert!(cmds.try_recv().is_err(), "not performed before the answer");
        answer(&mut a, SynSent, SynReceived, "SYN", "");
        press(&mut a, &[KeyCode::Enter]);
        assert_eq!(
            cmds.try_recv(),
            Ok(LiveCmd::Step),
            "performed after the answer"
        );
        let text = screen(&mut a, 100, 30);
        assert!(text.contains("Prediction noted"), "{text}");
        // The call sends the handshake; it returns after its segments.
        for seg in segs.drain(..3) {
            a.handle(AppEvent::Demo(DemoEvent::Segment(seg)));
        }
        returned(&mut a, connect);
        assert_eq!(a.walk.pos, 1, "the first segment of the call is shown");
        assert!(a.quiz.graded_at(0, 0).is_some_and(Graded::right));
        // The SYN-ACK was captured already: asked like a replay, no call.
        press(&mut a, &[KeyCode::Right]);
        assert_eq!(
            a.quiz.question.as_ref().map(|q| q.target),
            Some(Target::Step(1))
        );
        assert!(cmds.try_recv().is_err());
    }
}

#[test]
fn no_flags_are_pre_selected_and_enter_alone_scores_none() {
    let mut a = app(Lang::En);
    press(&mut a, &[KeyCode::Right]);
    let q = a.quiz.question.clone().expect("a question on the SYN");
    assert!(q.asks_segment);
    assert_eq!(
        q.answer.flags, None,
        "no flag combination chosen for the student"
    );
    press(&mut a, &[KeyCode::Enter]);
    let g = a.quiz.graded_at(0, 0).expect("graded");
    let flags = g
        .items
        .iter()
        .find(|i| i.field == Field::Flags)
        .expect("flags asked");
    assert_eq!(
        (flags.given.as_str(), flags.expected.as_str(), flags.right),
        ("none", "SYN", false)
    );
    // ← from nothing picks the last combination, → the first.
    let mut b = app(Lang::En);
    press(
        &mut b,
        &[KeyCode::Right, KeyCode::Tab, KeyCode::Tab, KeyCode::Left],
    );
    let q = b.quiz.question.clone().expect("open");
    assert_eq!(q.answer.flags, Some(FLAGS.len() - 1));
}
