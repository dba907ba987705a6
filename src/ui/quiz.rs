//! Quiz mode: before a step is revealed the student predicts both
//! endpoints' states after the next segment and, at handshake and teardown
//! steps, the segment's flags and acknowledgment number. The answer is
//! checked against the model's own inference for that step (the states the
//! [`crate::conversation::Tracker`] computed, the flags and ack the capture
//! holds), never against a table; then the step is revealed with the
//! reasons, a running score is kept, and a summary per phase lists what
//! was missed.
//!
//! On a replay (and the offline demo) the question is about the next
//! captured step. In the live demo, when the next segment does not exist
//! yet, it is asked before the socket call that sends it is performed and
//! graded against the first segment that call produced.
//!
//! Pure state changed by [`QuizAction`]s like the rest of [`App`]; the
//! panel and the summary are drawn by `quiz/render.rs`.

mod render;

use ratatui::layout::Rect;

use super::app::{Action, App, Mode};
use crate::conversation::Side;
use crate::explain::{Numbers, phase_of};
use crate::i18n::Phase;
use crate::live::exchange::CallKind;
use crate::segment::TcpFlags;
use crate::state::TcpState;

pub use render::{busy, height, render, render_summary};

/// The states to pick from, in the order of a connection's life: every
/// state but UNKNOWN.
pub const STATES: &[TcpState] = TcpState::ALL.split_at(1).1;

/// The flag combinations to pick from (PSH, URG, ECE and CWR are not asked).
pub const FLAGS: [(&str, u16); 7] = [
    ("SYN", TcpFlags::SYN),
    ("SYN-ACK", TcpFlags::SYN | TcpFlags::ACK),
    ("ACK", TcpFlags::ACK),
    ("FIN-ACK", TcpFlags::FIN | TcpFlags::ACK),
    ("FIN", TcpFlags::FIN),
    ("RST", TcpFlags::RST),
    ("RST-ACK", TcpFlags::RST | TcpFlags::ACK),
];

/// The flags a student is asked about.
const ASKED: u16 = TcpFlags::SYN | TcpFlags::ACK | TcpFlags::FIN | TcpFlags::RST;

/// One part of a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The client's state after the segment.
    Client,
    /// The server's state after the segment.
    Server,
    /// The segment's flags.
    Flags,
    /// The segment's acknowledgment number.
    Ack,
}

/// What the student did in the quiz.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuizAction {
    /// Quiz mode on / off.
    Toggle,
    /// Focus the next (`1`) or previous (`-1`) field.
    Field(i32),
    /// Move the focused field's choice by this many.
    Choose(i32),
    /// Pick a state for the client or the server (a click).
    PickState(Side, TcpState),
    /// Pick flag combination `i` of [`FLAGS`] (a click).
    PickFlags(usize),
    /// Focus the ack field (a click).
    FocusAck,
    /// A digit typed into the ack field.
    Digit(char),
    /// Delete the last digit of the ack field.
    Backspace,
    /// Submit the answer.
    Submit,
}

/// What the question is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Step `i` (0-based) of the walked connection, already captured.
    Step(usize),
    /// Live demo: the first segment call `call` will send; the walked
    /// connection had `before` steps when it was asked.
    Call {
        /// Index of the call in the script.
        call: usize,
        /// Steps before the call.
        before: usize,
    },
}

/// The student's current answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// Predicted client state.
    pub client: TcpState,
    /// Predicted server state.
    pub server: TcpState,
    /// Predicted flags: index into [`FLAGS`]; `None` until the student
    /// picks one (nothing is pre-selected, so Enter alone scores no flags).
    pub flags: Option<usize>,
    /// Predicted ack number as typed (empty: no ACK flag).
    pub ack: String,
}

/// An open question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// What it is about.
    pub target: Target,
    /// Whether flags and ack are asked (handshake and teardown steps).
    pub asks_segment: bool,
    /// Phase the question counts for.
    pub phase: Phase,
    /// The answer so far.
    pub answer: Answer,
    /// Focused field.
    pub field: Field,
    /// Live demo: submitted, the call is being performed.
    pub submitted: bool,
}

impl Question {
    fn fields(&self) -> &'static [Field] {
        if self.asks_segment {
            &[Field::Client, Field::Server, Field::Flags, Field::Ack]
        } else {
            &[Field::Client, Field::Server]
        }
    }
}

/// One checked part of an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Which part.
    pub field: Field,
    /// What the student said.
    pub given: String,
    /// What the model infers (states) or the capture holds (flags, ack).
    pub expected: String,
    /// Whether they are the same.
    pub right: bool,
}

/// A graded step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Graded {
    /// Connection index.
    pub conn: usize,
    /// Step index (0-based).
    pub step: usize,
    /// Phase of the step.
    pub phase: Phase,
    /// The parts checked.
    pub items: Vec<Item>,
}

impl Graded {
    /// Whether every part was right.
    pub fn right(&self) -> bool {
        self.items.iter().all(|i| i.right)
    }
}

/// A clickable place of the last frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Where.
    pub area: Rect,
    /// What a click there does.
    pub action: QuizAction,
}

/// The quiz's state.
#[derive(Debug, Default)]
pub struct Quiz {
    /// Quiz mode is on.
    pub on: bool,
    /// The open question.
    pub question: Option<Question>,
    /// Every graded step, in answer order.
    pub graded: Vec<Graded>,
    /// The summary is shown.
    pub summary: bool,
}

impl Quiz {
    /// A quiz, on or off.
    pub fn new(on: bool) -> Quiz {
        Quiz {
            on,
            ..Quiz::default()
        }
    }

    /// Steps answered right and steps answered.
    pub fn score(&self) -> (usize, usize) {
        let right = self.graded.iter().filter(|g| g.right()).count();
        (right, self.graded.len())
    }

    /// Right and answered per phase, in the order of a connection's life.
    pub fn by_phase(&self) -> [(Phase, usize, usize); 3] {
        [Phase::Handshake, Phase::Data, Phase::Teardown].map(|p| {
            let of: Vec<_> = self.graded.iter().filter(|g| g.phase == p).collect();
            (p, of.iter().filter(|g| g.right()).count(), of.len())
        })
    }

    /// The grade of step `step` of connection `conn`, if it was answered.
    pub fn graded_at(&self, conn: usize, step: usize) -> Option<&Graded> {
        self.graded
            .iter()
            .rev()
            .find(|g| g.conn == conn && g.step == step)
    }
}

/// Whether a live call can send a segment (only those are asked about).
fn call_sends(kind: CallKind) -> Option<bool> {
    match kind {
        CallKind::Connect | CallKind::Shutdown | CallKind::Close => Some(true),
        CallKind::Send => Some(false),
        _ => None,
    }
}

impl App {
    /// Handles the quiz's share of `action`; `true` when consumed.
    pub(super) fn quiz_update(&mut self, action: Action) -> bool {
        if let Action::Quiz(a) = action {
            self.quiz_action(a);
            return true;
        }
        if self.mode == Mode::Quiz {
            match action {
                Action::Back => {
                    if !self.quiz.question.as_ref().is_some_and(|q| q.submitted) {
                        self.quiz.question = None;
                    }
                    self.quiz.summary = false;
                    self.mode = Mode::Walk;
                }
                Action::Quit | Action::Help | Action::Tick => return false,
                Action::Next if self.quiz.summary => {}
                Action::Prev if self.quiz.summary => {
                    self.quiz.summary = false;
                    self.mode = Mode::Walk;
                    return false;
                }
                _ => {}
            }
            return true;
        }
        if !self.quiz.on || !matches!(self.mode, Mode::Walk | Mode::Details) {
            return false;
        }
        match action {
            Action::Next => self.ask_next(),
            // No autoplay past the questions.
            Action::TogglePlay => true,
            _ => false,
        }
    }

    /// Opens the question for what → would reveal; `false` lets → act as
    /// usual (an answered step, a live call that sends nothing).
    fn ask_next(&mut self) -> bool {
        let n = self.len();
        if self.quiz.question.as_ref().is_some_and(|q| q.submitted) {
            return true;
        }
        if self.walk.pos < n {
            let i = self.walk.pos;
            if self.quiz.graded_at(self.walk.conn, i).is_some() {
                return false;
            }
            let Some(step) = self.connection().and_then(|c| c.steps().get(i)) else {
                return false;
            };
            let phase = phase_of(step);
            self.open(Target::Step(i), phase != Phase::Data, phase);
            return true;
        }
        let live_call = self.source.demo().and_then(|d| {
            let next = d.performed();
            (d.offline.is_none() && d.in_flight.is_none() && !d.starting && !d.done())
                .then(|| d.calls.get(next).map(|c| (next, c.kind)))
                .flatten()
        });
        match live_call {
            Some((call, kind)) => match call_sends(kind) {
                Some(asks_segment) => {
                    let phase = if asks_segment {
                        if kind == CallKind::Connect {
                            Phase::Handshake
                        } else {
                            Phase::Teardown
                        }
                    } else {
                        Phase::Data
                    };
                    self.open(Target::Call { call, before: n }, asks_segment, phase);
                    true
                }
                None => false,
            },
            None if self
                .source
                .demo()
                .is_some_and(|d| d.offline.is_none() && !d.done()) =>
            {
                false
            }
            None => {
                self.quiz.summary = true;
                self.mode = Mode::Quiz;
                true
            }
        }
    }

    fn open(&mut self, target: Target, asks_segment: bool, phase: Phase) {
        let states = self
            .current_step()
            .map(|s| s.states)
            .or_else(|| self.connection().map(|c| c.initial))
            .unwrap_or([TcpState::Closed, TcpState::Listen]);
        self.quiz.question = Some(Question {
            target,
            asks_segment,
            phase,
            answer: Answer {
                client: states[0],
                server: states[1],
                flags: None,
                ack: String::new(),
            },
            field: Field::Client,
            submitted: false,
        });
        self.walk.playing = false;
        self.mode = Mode::Quiz;
    }

    fn quiz_action(&mut self, a: QuizAction) {
        if a == QuizAction::Toggle {
            self.quiz.on = !self.quiz.on;
            if !self.quiz.on {
                self.quiz.question = None;
                self.quiz.summary = false;
                if self.mode == Mode::Quiz {
                    self.mode = Mode::Walk;
                }
            }
            return;
        }
        let Some(q) = self.quiz.question.as_mut().filter(|q| !q.submitted) else {
            return;
        };
        let fields = q.fields();
        let at = fields.iter().position(|&f| f == q.field).unwrap_or(0);
        let cycle =
            |i: usize, d: i32, n: usize| (i as i64 + i64::from(d)).rem_euclid(n as i64) as usize;
        match a {
            QuizAction::Toggle => {}
            QuizAction::Field(d) => q.field = fields[cycle(at, d, fields.len())],
            QuizAction::Choose(d) => {
                let state = |s: TcpState| {
                    let i = STATES.iter().position(|&x| x == s).unwrap_or(0);
                    STATES[cycle(i, d, STATES.len())]
                };
                match q.field {
                    Field::Client => q.answer.client = state(q.answer.client),
                    Field::Server => q.answer.server = state(q.answer.server),
                    Field::Flags => {
                        q.answer.flags = Some(match q.answer.flags {
                            Some(i) => cycle(i, d, FLAGS.len()),
                            None if d < 0 => FLAGS.len() - 1,
                            None => 0,
                        });
                    }
                    Field::Ack => {}
                }
            }
            QuizAction::PickState(Side::Client, s) => {
                q.answer.client = s;
                q.field = Field::Client;
            }
            QuizAction::PickState(Side::Server, s) => {
                q.answer.server = s;
                q.field = Field::Server;
            }
            QuizAction::PickFlags(i) if q.asks_segment && i < FLAGS.len() => {
                q.answer.flags = Some(i);
                q.field = Field::Flags;
            }
            QuizAction::FocusAck if q.asks_segment => q.field = Field::Ack,
            QuizAction::Digit(c) if q.asks_segment && c.is_ascii_digit() => {
                if q.answer.ack.len() < 10 {
                    q.answer.ack.push(c);
                }
                q.field = Field::Ack;
            }
            QuizAction::Backspace if q.asks_segment => {
                q.answer.ack.pop();
            }
            QuizAction::Submit => self.submit(),
            _ => {}
        }
    }

    fn submit(&mut self) {
        let Some(q) = self.quiz.question.as_mut() else {
            return;
        };
        match q.target {
            Target::Step(i) => {
                let q = self.quiz.question.take();
                if let Some(q) = q {
                    self.grade(&q, i);
                }
                self.mode = Mode::Walk;
                self.walk.pos = (i + 1).min(self.len());
                self.view.pinned = false;
            }
            Target::Call { .. } => {
                q.submitted = true;
                self.mode = Mode::Walk;
                // The demo performs the call as on any →.
                self.demo_update(Action::Next);
            }
        }
    }

    /// Live demo: call `index` returned. Grades the waiting prediction
    /// against the first segment it sent and shows that segment.
    pub(super) fn quiz_after_call(&mut self, index: usize) {
        let Some(q) = self.quiz.question.take() else {
            return;
        };
        let Target::Call { call, before } = q.target else {
            self.quiz.question = Some(q);
            return;
        };
        if call != index || !q.submitted {
            self.quiz.question = Some(q);
            return;
        }
        if self.len() > before {
            self.grade(&q, before);
            self.walk.pos = before + 1;
            self.view.pinned = false;
        }
    }

    /// Checks `q` against step `i` of the walked connection and records it.
    fn grade(&mut self, q: &Question, i: usize) {
        let Some(step) = self.connection().and_then(|c| c.steps().get(i)) else {
            return;
        };
        let none = self.t_quiz(crate::i18n::QuizText::NoAck);
        let mut items = vec![
            Item {
                field: Field::Client,
                given: q.answer.client.name().to_string(),
                expected: step.states[0].name().to_string(),
                right: q.answer.client == step.states[0],
            },
            Item {
                field: Field::Server,
                given: q.answer.server.name().to_string(),
                expected: step.states[1].name().to_string(),
                right: q.answer.server == step.states[1],
            },
        ];
        if q.asks_segment {
            let flags = step.segment.flags;
            let asked = flags.0 & ASKED;
            let picked = q.answer.flags.and_then(|i| FLAGS.get(i));
            items.push(Item {
                field: Field::Flags,
                given: picked.map_or(none.to_string(), |f| f.0.to_string()),
                expected: FLAGS
                    .iter()
                    .find(|f| f.1 == asked)
                    .map_or_else(|| TcpFlags(asked).to_string(), |f| f.0.to_string()),
                right: picked.is_some_and(|f| f.1 == asked),
            });
            let ack = if !flags.ack() {
                None
            } else if self.numbers == Numbers::Relative {
                Some(step.rel_ack)
            } else {
                Some(step.segment.ack)
            };
            let given = q.answer.ack.parse::<u32>().ok();
            items.push(Item {
                field: Field::Ack,
                given: given.map_or(none.to_string(), |a| a.to_string()),
                expected: ack.map_or(none.to_string(), |a| a.to_string()),
                right: given == ack,
            });
        }
        let g = Graded {
            conn: self.walk.conn,
            step: i,
            phase: phase_of(step),
            items,
        };
        self.quiz
            .graded
            .retain(|o| (o.conn, o.step) != (g.conn, g.step));
        self.quiz.graded.push(g);
    }

    fn t_quiz(&self, t: crate::i18n::QuizText) -> &'static str {
        self.s().quiz(t)
    }
}

#[cfg(test)]
mod tests;
