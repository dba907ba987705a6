//! Texts of the live demo (code panel, kernel column, scenario picker), as
//! language-free keys; the words are in `en/demo.rs` and `zh/demo.rs`.

/// Fixed texts of the live demo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(missing_docs, reason = "each variant is the text it names")]
pub enum DemoText {
    CodeTitle,
    ServerScript,
    ClientScript,
    KernelTitle,
    Inferred,
    Kernel,
    Agrees,
    Disagrees,
    Unavailable,
    NeedsRoot,
    NoConnectionYet,
    KernelNow,
    NoteTimeWaitSocket,
    NoteRequestSock,
    NoteAccept,
    NoteRecvEof,
    NoteRefused,
    NoteAddrInUse,
    NoteReuseAddr,
    NoteQueued,
    NoteUnread,
    AllDone,
    PressNext,
    Running,
    CallFailed,
    ScenarioTitle,
    ScenarioHint,
    Offline,
    OfflineWalk,
    Footer,
    FooterShort,
    HelpScenarios,
    Starting,
}
