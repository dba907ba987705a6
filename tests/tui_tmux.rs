//! End-to-end tests of the terminal UI in a real terminal: `synack demo`
//! and `synack replay` run in a detached tmux session (100×30) on a private
//! tmux server, keys are sent with `send-keys` and the screen is read with
//! `capture-pane -p`. Skipped when tmux is not installed. Every wait polls
//! with a deadline.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/long.rs"]
mod long;

const BIN: &str = env!("CARGO_BIN_EXE_synack");
const WAIT: Duration = Duration::from_secs(15);

/// A private tmux server with one session; killed on drop.
struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    /// Starts `command` (run by sh) in a new detached 100×30 session, or
    /// `None` when tmux is missing.
    fn start(name: &str, command: &str) -> Option<Tmux> {
        Tmux::start_sized(name, command, 100, 30)
    }

    /// `synack replay FILE` in a 130×30 window, its exit status shown
    /// after it (`EXITED=N`).
    fn replay(name: &str, file: &std::path::Path) -> Option<Tmux> {
        let command = format!("{BIN} replay {}; echo EXITED=$?; sleep 30", file.display());
        Tmux::start_sized(name, &command, 130, 30)
    }

    /// As [`Tmux::start`], in a `w`×`h` window.
    fn start_sized(name: &str, command: &str, w: u16, h: u16) -> Option<Tmux> {
        let ok = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("tmux not installed: skipped");
            return None;
        }
        let t = Tmux {
            socket: format!("synack-test-{name}-{}", std::process::id()),
            session: name.to_string(),
        };
        let st = t
            .cmd()
            .args(["new-session", "-d", "-s", name])
            .args(["-x", &w.to_string(), "-y", &h.to_string()])
            .arg(command)
            .status()
            .expect("tmux new-session");
        assert!(st.success());
        Some(t)
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]).env_remove("TMUX");
        c
    }

    fn keys(&self, keys: &[&str]) {
        let st = self
            .cmd()
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .expect("send-keys");
        assert!(st.success());
    }

    fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the screen until `pred` holds; panics with the screen after
    /// [`WAIT`].
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_up_to(WAIT, what, pred)
    }

    /// [`Tmux::wait_for`] with a bound of its own (a big file's load).
    fn wait_up_to(&self, limit: Duration, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A tmux format expanded for the pane (`#{alternate_on}` ...).
    fn format(&self, f: &str) -> String {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", &self.session, f])
            .output()
            .expect("display-message");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The PID of the program the pane's shell runs (its only child).
    fn program_pid(&self) -> u32 {
        let shell = self.pane_pid();
        let deadline = Instant::now() + WAIT;
        loop {
            let kids = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
                .unwrap_or_default();
            if let Some(pid) = kids.split_whitespace().next() {
                return pid.parse().expect("pid");
            }
            assert!(Instant::now() < deadline, "the pane runs no program");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// After the program ended: the terminal is as a shell expects it —
    /// normal screen, cursor shown, no mouse reporting, cooked mode.
    fn assert_restored(&self, what: &str) {
        assert_eq!(
            self.format("#{alternate_on} #{cursor_flag} #{mouse_any_flag}"),
            "0 1 0",
            "{what}: alternate screen, cursor, mouse"
        );
        let tty = self.format("#{pane_tty}");
        let out = Command::new("stty")
            .args(["-a", "-F", &tty])
            .output()
            .expect("stty");
        let text = String::from_utf8_lossy(&out.stdout);
        let words: Vec<&str> = text.split([' ', ';', '\n']).collect();
        for mode in ["icanon", "echo", "isig"] {
            assert!(words.contains(&mode), "{what}: {mode} off: {text}");
        }
    }

    fn pane_pid(&self) -> u32 {
        let out = self
            .cmd()
            .args(["list-panes", "-t", &self.session, "-F", "#{pane_pid}"])
            .output()
            .expect("list-panes");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("pane pid")
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

fn wait_until(what: &str, pred: impl Fn() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !pred() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The tracefs instances of synack process `pid` or of its privileged
/// helper (a child of `pid`, which owns them).
fn instances_of(pid: u32) -> Vec<PathBuf> {
    let ours = |owner: u32| owner == pid || parent_of(owner) == Some(pid);
    [
        "/sys/kernel/tracing/instances",
        "/sys/kernel/debug/tracing/instances",
    ]
    .iter()
    .filter_map(|d| std::fs::read_dir(Path::new(d)).ok())
    .flat_map(|rd| rd.flatten())
    .filter(|e| {
        synack::live::privileged::instance_owner(&e.file_name().to_string_lossy()).is_some_and(ours)
    })
    .map(|e| e.path())
    .collect()
}

/// The parent PID of `pid` (from /proc/PID/status).
fn parent_of(pid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("PPid:"))?
        .trim()
        .parse()
        .ok()
}

/// Sends → and waits until call `n` (1-based) is the highlighted one and
/// has returned (a key pressed while a call runs is ignored).
fn perform(t: &Tmux, n: usize) {
    t.keys(&["Right"]);
    let mark = format!("▶{n:>2} ");
    t.wait_for(&format!("call {n}"), |s| {
        s.contains(&mark) && !s.contains("running…")
    });
}

#[test]
fn live_demo_steps_the_handshake_and_cleans_up_on_quit() {
    let Some(t) = Tmux::start("demo", &format!("exec {BIN} demo")) else {
        return;
    };
    let pid = t.pane_pid();
    let privileged = synack::live::privilege::check().raw_socket.is_ok();
    if !privileged {
        t.wait_for("offline message", |s| {
            s.contains("Live capture unavailable")
        });
        for _ in 0..3 {
            t.keys(&["Right"]);
        }
        let s = t.wait_for("bundled handshake", |s| s.contains("SYN-ACK"));
        assert!(s.contains("needs root"), "{s}");
        t.keys(&["q"]);
        wait_until("exit", || !Path::new(&format!("/proc/{pid}")).exists());
        return;
    }
    t.wait_for("the script", |s| s.contains("s.listen(1)"));
    // socket, bind, listen, socket, bind, connect: the handshake.
    for n in 1..=6 {
        perform(&t, n);
    }
    let s = t.wait_for("the handshake", |s| {
        s.contains("SYN seq=0") && s.contains("SYN-ACK") && s.contains("ESTABLISHED")
    });
    assert!(s.contains("Kernel (tracepoint)"), "{s}");
    let traced = synack::live::privilege::check().tracefs.is_ok();
    if traced {
        assert!(
            s.contains("kernel = inferred: CLOSED → SYN_SENT → ESTABLISHED"),
            "{s}"
        );
    }
    let running = instances_of(pid);
    assert_eq!(
        !running.is_empty(),
        traced,
        "tracefs instance while running"
    );
    perform(&t, 7);
    t.wait_for("accept note", |s| s.contains("BEFORE accept()"));
    t.keys(&["q"]);
    wait_until("synack to exit", || {
        !Path::new(&format!("/proc/{pid}")).exists()
    });
    let left: Vec<_> = running.iter().filter(|p| p.exists()).collect();
    assert!(left.is_empty(), "tracefs instance left: {left:?}");
}

/// Chinese text is wide: after walking several steps every panel row must
/// still end with its right border (an incremental redraw once left cells
/// erased next to wide characters).
#[test]
fn replay_tui_in_chinese_keeps_every_border_while_walking() {
    let capture = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/demo-backlog.pcap");
    let script = format!("{BIN} replay {capture} --lang zh --conn 0; sleep 30");
    let Some(t) = Tmux::start_sized("zh", &script, 120, 34) else {
        return;
    };
    t.wait_for("the ladder", |s| s.contains("时序图"));
    for n in 1..=8 {
        t.keys(&["Right"]);
        t.wait_for(&format!("step {n}"), |s| s.contains(&format!("步骤 {n}/")));
    }
    // The screen is read until a whole frame has arrived (a capture can
    // fall between two writes of one frame); a row that never gets its
    // border back fails with the screen shown.
    t.wait_for("every row to end at its right border", |s| {
        s.lines()
            .skip(1)
            .take(32)
            .all(|line| matches!(line.trim_end().chars().last(), Some('│' | '┐' | '┘')))
    });
    t.keys(&["q"]);
}

/// The reproduction: `LANG=zh_CN.UTF-8 synack replay
/// captures/normal.pcap` at 80×24, step 8, whose explanation holds `——`
/// and full-width punctuation: no row may run over the right border.
#[test]
fn chinese_explanation_at_80_by_24_stays_inside_its_border() {
    let capture = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/normal.pcap");
    let script = format!("env -u LC_ALL LANG=zh_CN.UTF-8 {BIN} replay {capture}; sleep 30");
    let Some(t) = Tmux::start_sized("zh80", &script, 80, 24) else {
        return;
    };
    t.wait_for("the ladder", |s| s.contains("时序图"));
    for n in 1..=8 {
        t.keys(&["Right"]);
        t.wait_for(&format!("step {n}"), |s| s.contains(&format!("步骤 {n}/")));
    }
    let s = t.wait_for("the explanation of the FIN", |s| s.contains("半关闭"));
    for line in s.lines().skip(1).take(22) {
        let end = line.trim_end().chars().last();
        assert!(
            matches!(end, Some('│' | '┐' | '┘')),
            "a row ran over its right border: {line:?}\n{s}"
        );
    }
    t.keys(&["q"]);
}

/// Quiz mode in a real terminal: → asks instead of revealing, the keys
/// pick the states and flags, Enter checks the answer and reveals the SYN.
#[test]
fn quiz_on_a_replay_asks_checks_and_scores() {
    let capture = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/normal.pcap");
    let script = format!("{BIN} replay {capture} --quiz --lang en; sleep 30");
    let Some(t) = Tmux::start("quiz", &script) else {
        return;
    };
    t.wait_for("the quiz panel", |s| s.contains("Quiz · score 0/0"));
    t.keys(&["Right"]);
    t.wait_for("the question", |s| {
        s.contains("Step 1/11: the client sends the next segment.") && s.contains("step 0/11")
    });
    // client CLOSED → SYN_SENT, server LISTEN → SYN_RECV, flags (none
    // pre-selected) → SYN, the first.
    t.keys(&[
        "Right", "Right", "Tab", "Right", "Right", "Tab", "Right", "Enter",
    ]);
    // A screen may be read mid-redraw: wait for every part at once.
    t.wait_for("the verdict", |s| {
        s.contains("score 1/1") && s.contains("all right") && s.contains("step 1/11")
    });
    t.keys(&["Right", "Enter"]);
    t.wait_for("a wrong answer", |s| {
        s.contains("score 1/2")
            && s.contains("✗ client: you said SYN_SENT · the model infers ESTABLISHED")
    });
    t.keys(&["z"]);
    t.wait_for("quiz off", |s| !s.contains("Quiz · score"));
    t.keys(&["q"]);
}

#[test]
fn replay_tui_walks_and_restores_the_terminal_on_quit() {
    let capture = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/normal.pcap");
    let script = format!(
        "{BIN} replay {capture}; echo EXITED=$?; echo MODES: $(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo) :END; sleep 30"
    );
    let Some(t) = Tmux::start("replay", &script) else {
        return;
    };
    t.wait_for("the ladder", |s| s.contains("Ladder"));
    for _ in 0..3 {
        t.keys(&["Right"]);
    }
    t.wait_for("three steps", |s| {
        s.contains("SYN-ACK") && s.contains("step 3/")
    });
    t.keys(&["q"]);
    let s = t.wait_for("exit", |s| s.contains(":END"));
    assert!(s.contains("EXITED=0"), "{s}");
    let modes = s
        .lines()
        .find(|l| l.contains("MODES:"))
        .unwrap_or_default()
        .to_string();
    assert!(
        modes.split_whitespace().any(|w| w == "icanon")
            && modes.split_whitespace().any(|w| w == "echo"),
        "terminal left in raw mode: {modes:?}\n{s}"
    );
    assert!(!s.contains("Ladder"), "alternate screen not left:\n{s}");
}

#[test]
fn under_sudo_the_demo_runs_as_the_user_saves_as_them_and_still_cleans_up() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // SAFETY: geteuid takes no arguments and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let p = synack::live::privilege::check();
    if !root || p.raw_socket.is_err() || p.tracefs.is_err() {
        eprintln!("needs root with tracefs: skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let save = dir.path().join("x.pcap");
    // What sudo sets; 65534 is nobody.
    let cmd = format!(
        "SUDO_UID=65534 SUDO_GID=65534 exec {BIN} demo --save {}",
        save.display()
    );
    let Some(t) = Tmux::start("sudo", &cmd) else {
        return;
    };
    let pid = t.pane_pid();
    t.wait_for("the script", |s| s.contains("s.listen(1)"));
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let creds = synack::live::privilege::Creds::parse(&status).unwrap();
    assert_eq!(creds.uids, [65534; 3], "real, effective, saved uid");
    assert_eq!(creds.gids, [65534; 3], "real, effective, saved gid");
    assert!(creds.no_capabilities() && creds.no_new_privs, "{creds:?}");
    for n in 1..=6 {
        perform(&t, n);
    }
    t.wait_for("the handshake", |s| s.contains("SYN-ACK"));
    let running = instances_of(pid);
    assert!(!running.is_empty());
    t.keys(&["q"]);
    wait_until("synack to exit", || {
        !Path::new(&format!("/proc/{pid}")).exists()
    });
    let left: Vec<_> = running.iter().filter(|p| p.exists()).collect();
    assert!(left.is_empty(), "tracefs instance left: {left:?}");
    let meta = std::fs::metadata(&save).expect("saved pcap");
    assert_eq!(meta.uid(), 65534, "saved as the sudo user");
}

fn kill(pid: u32, sig: i32) {
    // SAFETY: kill takes plain integers.
    assert_eq!(unsafe { libc::kill(pid as i32, sig) }, 0, "kill {pid}");
}

/// SIGTERM, SIGINT and SIGHUP sent to `synack replay` end it like `q`:
/// exit status 128 + signal, terminal restored.
#[test]
fn replay_tui_restores_the_terminal_on_every_quit_signal() {
    let capture = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/normal.pcap");
    for (sig, name) in [
        (libc::SIGTERM, "term"),
        (libc::SIGINT, "int"),
        (libc::SIGHUP, "hup"),
    ] {
        let script = format!("{BIN} replay {capture}; echo EXITED=$?; sleep 30");
        let Some(t) = Tmux::start(&format!("sig{name}"), &script) else {
            return;
        };
        t.wait_for("the ladder", |s| s.contains("Ladder"));
        assert_eq!(t.format("#{alternate_on}"), "1");
        kill(t.program_pid(), sig);
        let s = t.wait_for("exit", |s| s.contains("EXITED="));
        assert!(s.contains(&format!("EXITED={}", 128 + sig)), "{name}: {s}");
        t.assert_restored(name);
    }
}

/// SIGTERM to the live demo's TUI: terminal restored, tracefs instance
/// removed, exit status 143.
#[test]
fn demo_tui_on_sigterm_restores_the_terminal_and_removes_the_instance() {
    let script = format!("{BIN} demo; echo EXITED=$?; sleep 30");
    let Some(t) = Tmux::start("demoterm", &script) else {
        return;
    };
    let pid = t.program_pid();
    t.wait_for("the demo", |s| {
        s.contains("s.listen(1)") || s.contains("Live capture unavailable")
    });
    let running = instances_of(pid);
    if synack::live::privilege::check().tracefs.is_ok() {
        assert!(!running.is_empty(), "no tracefs instance while running");
    }
    kill(pid, libc::SIGTERM);
    let s = t.wait_for("exit", |s| s.contains("EXITED="));
    assert!(s.contains("EXITED=143"), "{s}");
    t.assert_restored("demo");
    let left: Vec<_> = running.iter().filter(|p| p.exists()).collect();
    assert!(left.is_empty(), "tracefs instance left: {left:?}");
}

/// `--save` into a missing directory: said before the TUI starts, exit 1.
#[test]
fn demo_tui_with_save_into_a_missing_directory_fails_before_starting() {
    let script =
        format!("{BIN} demo --save /nonexistent-synack-dir/x.pcap; echo EXITED=$?; sleep 30");
    let Some(t) = Tmux::start("savemissing", &script) else {
        return;
    };
    let s = t.wait_for("exit", |s| s.contains("EXITED="));
    assert!(s.contains("EXITED=1"), "{s}");
    assert!(
        s.contains("synack: --save: /nonexistent-synack-dir: directory does not exist"),
        "{s}"
    );
    assert!(!s.contains("Ladder"), "{s}");
    t.assert_restored("save");
}

/// A named pipe in a fresh directory, read by synack as a capture file
/// that is still being written: the load cannot end before the test says.
struct Pipe {
    dir: PathBuf,
}

impl Pipe {
    fn new(name: &str) -> Pipe {
        let dir = std::env::temp_dir().join(format!("synack-pipe-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let st = Command::new("mkfifo")
            .arg(dir.join("live.pcap"))
            .status()
            .expect("mkfifo");
        assert!(st.success());
        Pipe { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.join("live.pcap")
    }

    /// Opens the pipe for writing (once synack has opened it to read).
    fn writer(&self) -> std::fs::File {
        std::fs::OpenOptions::new()
            .write(true)
            .open(self.path())
            .expect("open the pipe")
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A capture with three connections (demo-backlog), as bytes.
fn three_connections() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/captures/demo-backlog.pcap"
    ))
    .unwrap()
}

#[test]
fn replay_tui_shows_the_progress_line_then_the_loaded_picker() {
    use std::io::Write;
    let pipe = Pipe::new("progress");
    let Some(t) = Tmux::replay("loading", &pipe.path()) else {
        return;
    };
    let mut w = pipe.writer();
    w.write_all(&three_connections()).unwrap();
    w.flush().unwrap();
    // The file is not finished: the picker shows what was read so far,
    // and the footer how far the reading has got.
    let s = t.wait_for("the progress line", |s| {
        s.contains("reading ") && s.contains(" frames, 3 connections")
    });
    assert!(s.contains("Connections"), "{s}");
    assert!(
        s.contains("10.99.") || s.contains("127.0.0."),
        "no rows:\n{s}"
    );
    drop(w); // the end of the file
    let s = t.wait_for("the loaded picker", |s| {
        !s.contains("reading ") && s.contains("q quit")
    });
    assert!(
        s.contains("Connections") && s.contains("final states"),
        "{s}"
    );
    t.keys(&["Enter"]);
    t.wait_for("the walk", |s| s.contains("Ladder"));
    t.keys(&["q"]);
    let s = t.wait_for("exit", |s| s.contains("EXITED="));
    assert!(s.contains("EXITED=0"), "{s}");
    t.assert_restored("after the load");
}

#[test]
fn replay_tui_quits_while_loading_and_restores_the_terminal() {
    use std::io::Write;
    let pipe = Pipe::new("quit");
    let Some(t) = Tmux::replay("quitload", &pipe.path()) else {
        return;
    };
    let mut w = pipe.writer();
    w.write_all(&three_connections()).unwrap();
    w.flush().unwrap();
    t.wait_for("the progress line", |s| s.contains("reading "));
    // The writer stays open: the reading waits for more, and q still
    // quits at once.
    t.keys(&["q"]);
    let s = t.wait_for("exit while loading", |s| s.contains("EXITED="));
    assert!(s.contains("EXITED=0"), "{s}");
    t.assert_restored("quit while loading");
    drop(w);
}

#[test]
fn replay_tui_file_ending_without_a_frame_is_one_line_and_restores_the_terminal() {
    use std::io::Write;
    let pipe = Pipe::new("cut");
    let Some(t) = Tmux::replay("cut", &pipe.path()) else {
        return;
    };
    let mut w = pipe.writer();
    // A pcap header and the first 40 bytes of a 100-byte record: the
    // reading waits for the rest with the screen up.
    let bytes = three_connections();
    let mut head = bytes[..24].to_vec();
    let mut record = [0u8; 40];
    record[8..12].copy_from_slice(&100u32.to_le_bytes());
    record[12..16].copy_from_slice(&100u32.to_le_bytes());
    head.extend_from_slice(&record);
    w.write_all(&head).unwrap();
    w.flush().unwrap();
    t.wait_for("the loading screen", |s| s.contains("reading "));
    drop(w); // the file ends inside its first record
    let s = t.wait_for("the error", |s| s.contains("EXITED="));
    assert!(s.contains("EXITED=1"), "{s}");
    let errors: Vec<&str> = s.lines().filter(|l| l.contains("synack:")).collect();
    assert!(
        errors
            .iter()
            .any(|l| l.contains("live.pcap: no frames at all")),
        "{s}"
    );
    assert!(!s.contains("panicked") && !s.contains("Connections"), "{s}");
    t.assert_restored("a file without frames");
}

/// A pipe of UDP flows only, walked: the flows cannot be printed after
/// the walk as a file's are (the pipe is read): one line saying so, exit
/// 1 (it used to wait for a second writer on the FIFO).
#[test]
fn replay_tui_pipe_of_udp_flows_only_is_one_line() {
    use std::io::Write;
    let pipe = Pipe::new("udp");
    let Some(t) = Tmux::replay("udp", &pipe.path()) else {
        return;
    };
    let mut w = pipe.writer();
    let udp = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/demo-udp.pcap");
    w.write_all(&std::fs::read(udp).unwrap()).unwrap();
    drop(w);
    let s = t.wait_for("the error", |s| s.contains("EXITED="));
    assert!(s.contains("EXITED=1"), "{s}");
    assert!(
        s.contains("live.pcap: no TCP connection to walk through, only UDP flows; a pipe cannot be read again"),
        "{s}"
    );
    assert!(!s.contains("panicked"), "{s}");
    t.assert_restored("a pipe of UDP flows");
}

#[test]
fn replay_tui_damaged_first_record_is_one_line_before_the_screen() {
    let dir = std::env::temp_dir().join(format!("synack-damaged-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("damaged.pcap");
    let mut bytes = three_connections()[..24].to_vec();
    let mut record = [0u8; 64];
    record[8..12].copy_from_slice(&(1u32 << 30).to_le_bytes());
    bytes.extend_from_slice(&record);
    std::fs::write(&path, bytes).unwrap();
    let Some(t) = Tmux::replay("damagedfirst", &path) else {
        return;
    };
    let s = t.wait_for("the error", |s| s.contains("EXITED="));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(s.contains("EXITED=1"), "{s}");
    let errors: Vec<&str> = s.lines().filter(|l| l.contains("synack:")).collect();
    assert_eq!(errors.len(), 1, "{s}");
    assert!(
        errors[0].contains("damaged.pcap: damaged capture at byte offset 24"),
        "{s}"
    );
    t.assert_restored("a damaged first record");
}

#[test]
fn replay_tui_keys_stop_a_slow_reading_of_a_connection() {
    // 105 MB (a big file: summaries and a frame index), one connection of
    // 1,500,000 segments after a lone IP fragment, so the index gives up
    // and the connection is read from the whole file again when walked: a
    // reading of about 5 s in a debug build (the line shows after 200 ms,
    // Esc follows it at once), so that even a machine many times faster
    // is still reading when Esc arrives.
    let file = long::long_connection(1_500_000, true);
    let Some(t) = Tmux::replay("reopenstop", file.path()) else {
        return;
    };
    // One connection: walked when loaded, so read again at once (the
    // load itself takes seconds, more beside other tests).
    t.wait_up_to(Duration::from_secs(90), "the connection read again", |s| {
        s.contains("reading connection 0")
    });
    // Esc stops the reading and goes back to the picker (Esc on a walk
    // would quit: still running means the reading was stopped).
    t.keys(&["Escape"]);
    let s = t.wait_for("the picker", |s| {
        s.contains("final states") && !s.contains("reading connection") || s.contains("EXITED=")
    });
    assert!(!s.contains("EXITED="), "Esc quit instead of stopping:\n{s}");
    // Chosen again, read again from the start; q quits at once.
    t.keys(&["Enter"]);
    t.wait_for("the connection read again", |s| {
        s.contains("reading connection 0")
    });
    t.keys(&["q"]);
    let s = t.wait_for("exit while reading", |s| s.contains("EXITED="));
    assert!(s.contains("EXITED=0"), "{s}");
    t.assert_restored("quit while reading a connection");
}

/// The kernel column never cries wolf: every scenario of the live demo
/// walked call by call at 120×36, every screen polled on the way (while a
/// call runs too) free of ✗ and DISAGREES.
#[test]
fn every_demo_scenario_walked_shows_no_disagreement() {
    if synack::live::privilege::check().raw_socket.is_err() {
        eprintln!("skipped: no CAP_NET_RAW (the demo walks a bundled capture)");
        return;
    }
    for scenario in [
        "normal",
        "server-first",
        "half-close",
        "abort",
        "refused",
        "backlog",
        "chat",
        "reuseaddr",
        "second-client",
        "udp",
    ] {
        let command = format!("exec {BIN} demo --scenario {scenario}");
        let Some(t) = Tmux::start_sized(&format!("walk-{scenario}"), &command, 120, 36) else {
            return;
        };
        let clean = |s: &str| {
            // (udp's datagram ladder marks an ICMP error with ✗ too.)
            let wolf = s
                .lines()
                .any(|l| l.contains("DISAGREES") || (l.contains('✗') && !l.contains("ICMP")));
            assert!(!wolf, "{scenario}: a disagreement on screen:\n{s}");
        };
        t.wait_for("the script", |s| s.contains("Press → or Space"));
        // Bounded: no scenario has 40 calls.
        // A key pressed while the previous call's events are still being
        // handled may be taken by the walk: pressed again after 3 s.
        let mut done = false;
        for n in 1..=40 {
            let mark = format!("▶{n:>2} ");
            let deadline = Instant::now() + WAIT;
            let mut pressed = Instant::now() - Duration::from_secs(10);
            loop {
                if pressed.elapsed() >= Duration::from_secs(3) {
                    t.keys(&["Right"]);
                    pressed = Instant::now();
                }
                let s = t.screen();
                clean(&s);
                done = s.contains("All calls done");
                if done || (s.contains(&mark) && !s.contains("running…")) {
                    break;
                }
                assert!(Instant::now() < deadline, "{scenario}: call {n}:\n{s}");
                std::thread::sleep(Duration::from_millis(50));
            }
            if done {
                break;
            }
        }
        assert!(done, "{scenario}: not every call was performed");
        // The last screen a while later (the TIME_WAIT countdown runs).
        std::thread::sleep(Duration::from_millis(500));
        clean(&t.screen());
        t.keys(&["q"]);
    }
}
