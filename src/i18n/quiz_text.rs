//! Texts of the quiz (the question, the verdict, the summary), as
//! language-free keys; the words are in `en/quiz.rs` and `zh/quiz.rs`.

use crate::conversation::Side;

/// Fixed texts of the quiz.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(missing_docs, reason = "each variant is the text it names")]
pub enum QuizText {
    Title,
    Score,
    Predict,
    PredictSegment,
    ClientAfter,
    ServerAfter,
    Flags,
    Ack,
    AckHint,
    Hints,
    Answer,
    Waiting,
    AllRight,
    Wrong,
    YouSaid,
    ModelSays,
    Why,
    SummaryTitle,
    Missed,
    NoneMissed,
    SummaryHints,
    PressNext,
    NoAck,
    Step,
    FooterOn,
}

/// A quiz sentence with its numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuizLine {
    /// Replay: who sends the segment of step `step` of `total`.
    NextFrom {
        /// 1-based step.
        step: usize,
        /// Steps in the connection.
        total: usize,
        /// Sender.
        side: Side,
    },
    /// Live demo: the call about to be performed.
    NextCall {
        /// Who calls.
        side: Side,
        /// The Python line.
        call: String,
    },
    /// `right` of `total` steps answered right.
    Tally {
        /// Steps answered right.
        right: usize,
        /// Steps answered.
        total: usize,
    },
}
