//! Reading a capture with the privileges synack was started with (issue
//! 21 item 15), as `tcpdump -r` does: root, or root under sudo's
//! variables, replays a 0600 capture of another user, because the file is
//! opened before the privileges are dropped; strace shows no byte of it is
//! read before the drop. An ordinary user (`setpriv` to nobody), with or
//! without a setcap'd copy, opens only what it could open, and the error
//! says so. Needs root and setpriv (strace and setcap for two of the
//! tests); skipped otherwise.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_synack");
/// nobody and nogroup on Debian.
const NOBODY: u32 = 65534;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether the test can run (root and `tools`); says why not.
fn can(tools: &[&str]) -> bool {
    // SAFETY: geteuid takes no arguments and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let ok = root && tools.iter().all(|t| have(t));
    if !ok {
        eprintln!("skipped: needs root and {tools:?}");
    }
    ok
}

/// A directory anyone may enter, holding copies of captures/normal.pcap:
/// `theirs` nobody's, `roots` root's, both mode 0600.
struct Scene {
    top: tempfile::TempDir,
    theirs: PathBuf,
    roots: PathBuf,
}

impl Scene {
    fn new() -> Scene {
        let top = tempfile::tempdir().unwrap();
        fs::set_permissions(top.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let copy = |name: &str, owner: u32| {
            let p = top.path().join(name);
            fs::copy(original(), &p).unwrap();
            fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
            std::os::unix::fs::chown(&p, Some(owner), Some(owner)).unwrap();
            p
        };
        Scene {
            theirs: copy("theirs.pcap", NOBODY),
            roots: copy("roots.pcap", 0),
            top,
        }
    }
}

fn original() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/normal.pcap")
}

fn synack(bin: &Path) -> Command {
    let mut c = Command::new(bin);
    c.env("NO_COLOR", "1")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("SUDO_UID")
        .env_remove("SUDO_GID");
    c
}

/// root's run with what sudo sets for the user nobody.
fn sudo_nobody(bin: &Path) -> Command {
    let mut c = synack(bin);
    c.env("SUDO_UID", NOBODY.to_string())
        .env("SUDO_GID", NOBODY.to_string());
    c
}

/// nobody's run of `bin` (file capabilities apply on exec).
fn as_nobody(bin: &Path) -> Command {
    let mut c = Command::new("setpriv");
    c.args([
        &format!("--reuid={NOBODY}"),
        &format!("--regid={NOBODY}"),
        "--clear-groups",
        "--",
    ])
    .arg(bin)
    .env("NO_COLOR", "1")
    .env_remove("LANG")
    .env_remove("LC_ALL")
    .env_remove("SUDO_UID")
    .env_remove("SUDO_GID");
    c
}

fn replay(mut c: Command, file: &Path, mode: &str) -> Output {
    c.arg("replay").arg(file).arg(mode).output().unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn root_and_sudo_replay_a_0600_capture_of_another_user() {
    if !can(&["setpriv"]) {
        return;
    }
    let scene = Scene::new();
    let bin = Path::new(BIN);
    for mode in ["--list", "--print", "--json"] {
        let want = stdout(&replay(synack(bin), &original(), mode));
        let name = original().display().to_string();
        for file in [&scene.theirs, &scene.roots] {
            // --print and --json name the file and read it twice.
            let same = |out: &Output| stdout(out).replace(&file.display().to_string(), &name);
            assert_eq!(same(&replay(synack(bin), file, mode)), want, "root {mode}");
            let sudo = replay(sudo_nobody(bin), file, mode);
            assert_eq!(same(&sudo), want, "sudo {mode} {}", file.display());
        }
    }
    // Before: "Permission denied" as root (capabilities dropped first).
    let out = replay(as_nobody(bin), &scene.theirs, "--list");
    assert!(out.status.success(), "nobody reads its own file");
}

#[test]
fn an_ordinary_user_opens_only_what_it_may_and_is_told_why() {
    if !can(&["setpriv", "setcap"]) {
        return;
    }
    let scene = Scene::new();
    // A copy holding what README recommends, as the .deb installs it.
    let capped = scene.top.path().join("synack");
    fs::copy(BIN, &capped).unwrap();
    fs::set_permissions(&capped, fs::Permissions::from_mode(0o755)).unwrap();
    let st = Command::new("setcap")
        .arg("cap_net_raw,cap_dac_override+p")
        .arg(&capped)
        .status()
        .unwrap();
    assert!(st.success(), "setcap");
    let why = "synack opens capture files as the user who runs it (uid 65534)";
    let sudo = "; started with sudo it opens them as root and drops root before reading a byte\n";
    let caps = ", never with the capabilities it was given (they serve the live capture only)";
    for (bin, extra) in [(Path::new(BIN), ""), (capped.as_path(), caps)] {
        let out = replay(as_nobody(bin), &scene.roots, "--list");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(out.stdout.is_empty());
        assert_eq!(
            err,
            format!(
                "synack: {}: cannot read the file: Permission denied (os error 13): {why}{extra}{sudo}",
                scene.roots.display()
            ),
            "{}",
            bin.display()
        );
    }
}

#[test]
fn the_capture_is_opened_before_the_drop_and_read_only_after_it() {
    if !can(&["setpriv", "strace"]) {
        return;
    }
    let scene = Scene::new();
    let log = scene.top.path().join("strace.log");
    let mut c = Command::new("strace");
    c.args([
        "-f",
        "-qq",
        "-e",
        "trace=openat,read,pread64,capset,setresuid",
    ])
    .arg("-o")
    .arg(&log)
    .arg(BIN)
    .args(["replay"])
    .arg(&scene.theirs)
    .arg("--list")
    .env("SUDO_UID", NOBODY.to_string())
    .env("SUDO_GID", NOBODY.to_string());
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trace = fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = trace.lines().collect();
    let name = format!("\"{}\"", scene.theirs.display());
    let (opened, fd) = lines
        .iter()
        .enumerate()
        .find_map(|(i, l)| {
            let fd = l.split_once(&name)?.1.rsplit_once("= ")?.1.trim();
            Some((i, fd.parse::<u32>().ok()?))
        })
        .unwrap_or_else(|| panic!("no openat of {name}:\n{trace}"));
    let dropped = lines
        .iter()
        .position(|l| {
            l.contains(&format!("setresuid({NOBODY}, {NOBODY}, {NOBODY})")) && l.ends_with("= 0")
        })
        .unwrap_or_else(|| panic!("no setresuid to nobody:\n{trace}"));
    // After its open (the descriptor stays open to the end: not reused).
    let reads: Vec<usize> = lines
        .iter()
        .enumerate()
        .skip(opened + 1)
        .filter(|(_, l)| {
            [format!(" read({fd}, "), format!(" pread64({fd}, ")]
                .iter()
                .any(|call| l.contains(call.as_str()))
        })
        .map(|(i, _)| i)
        .collect();
    assert!(
        opened < dropped,
        "opened at line {opened}, dropped at {dropped}"
    );
    assert!(!reads.is_empty(), "no read of fd {fd}:\n{trace}");
    assert!(
        reads.iter().all(|&r| r > dropped),
        "fd {fd} read at lines {reads:?}, before the drop at {dropped}:\n{trace}"
    );
}
