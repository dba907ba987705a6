//! English texts of the quiz.

use crate::i18n::{QuizLine, QuizText};

/// A fixed text.
pub fn text(t: QuizText) -> &'static str {
    match t {
        QuizText::Title => "Quiz",
        QuizText::Score => "score",
        QuizText::Predict => "Predict both states after it, then press Enter:",
        QuizText::PredictSegment => {
            "Predict both states after it, its flags and its ack number, then press Enter:"
        }
        QuizText::ClientAfter => "client",
        QuizText::ServerAfter => "server",
        QuizText::Flags => "flags",
        QuizText::Ack => "ack number",
        QuizText::AckHint => "(type digits; empty = no ACK flag)",
        QuizText::Hints => "Tab/↑↓ field  ←→ choose  0-9 ack  Enter answer  Esc skip",
        QuizText::Answer => "[ Answer ]",
        QuizText::Waiting => "Prediction noted: performing the call…",
        QuizText::AllRight => "✓ all right",
        QuizText::Wrong => "✗ not quite",
        QuizText::YouSaid => "you said",
        QuizText::ModelSays => "the model infers",
        QuizText::Why => "Why:",
        QuizText::SummaryTitle => "Quiz summary",
        QuizText::Missed => "Missed:",
        QuizText::NoneMissed => "Nothing missed.",
        QuizText::SummaryHints => "Esc close  ← back to review a step  z quiz off",
        QuizText::PressNext => "→ predict the next step",
        QuizText::NoAck => "none",
        QuizText::Step => "step",
        QuizText::FooterOn => "quiz on",
    }
}

/// A sentence with numbers.
pub fn line(l: &QuizLine) -> String {
    match l {
        QuizLine::NextFrom { step, total, side } => {
            format!("Step {step}/{total}: the {side} sends the next segment.")
        }
        QuizLine::NextCall { side, call } => {
            format!("Next call, by the {side}: {call}  — its first segment?")
        }
        QuizLine::Tally { right, total } => format!("{right}/{total} steps right"),
    }
}
