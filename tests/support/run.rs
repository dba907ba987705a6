//! Running the synack binary from a test, as a user does: from the
//! repository's root, without colour.
// Each test binary uses the helpers it needs.
#![allow(dead_code)]

use assert_cmd::Command;

/// The binary, run from the repository's root with `NO_COLOR` set and
/// no locale (a test that wants one sets it after).
pub fn synack() -> Command {
    let mut c = Command::cargo_bin("synack").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("LANG")
        .env_remove("LC_ALL");
    c
}

/// Runs, expects success, returns stdout.
pub fn stdout_of(args: &[&str]) -> String {
    let out = synack().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs, expects failure, returns stderr (which must be one line).
pub fn error_of(args: &[&str]) -> String {
    let out = synack().args(args).output().unwrap();
    assert!(!out.status.success(), "{args:?} should fail");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}
