//! `synack demo --print` interrupted: SIGTERM, SIGINT (twice), SIGHUP end it
//! with 128 + signal and its tracefs instance removed; after a SIGKILL of
//! synack and its privileged helper the instance stays, and the next run
//! removes it and says so. Needs root and tracefs (skipped otherwise).
//! Every wait polls with a deadline.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_synack");
const WAIT: Duration = Duration::from_secs(15);

/// One test at a time: a demo started by one would remove the other's
/// deliberately stale instance.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn traced() -> bool {
    // SAFETY: geteuid cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    if !root || synack::live::privilege::check().tracefs.is_err() {
        eprintln!("needs root and tracefs: skipped");
        return false;
    }
    true
}

fn tracefs_instances() -> Vec<PathBuf> {
    [
        "/sys/kernel/tracing/instances",
        "/sys/kernel/debug/tracing/instances",
    ]
    .iter()
    .filter_map(|d| std::fs::read_dir(Path::new(d)).ok())
    .flat_map(|rd| rd.flatten())
    .map(|e| e.path())
    .collect()
}

/// The PIDs of `pid`'s children.
fn children(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Instances owned by `pid` or one of its children (the broker).
fn instances_of(pid: u32) -> Vec<PathBuf> {
    let mut owners = children(pid);
    owners.push(pid);
    tracefs_instances()
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            synack::live::privileged::instance_owner(&name).is_some_and(|o| owners.contains(&o))
        })
        .collect()
}

/// A `demo --print` of the longest scenario, waited for until its
/// instance exists; `None` if it ended before (then the caller retries).
fn running_demo() -> Option<(Child, Vec<PathBuf>)> {
    let mut child = Command::new(BIN)
        .args(["demo", "--scenario", "backlog", "--print"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("synack runs");
    let deadline = Instant::now() + WAIT;
    loop {
        let found = instances_of(child.id());
        if !found.is_empty() {
            return Some((child, found));
        }
        if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn signal(pid: u32, sig: i32) {
    // SAFETY: kill takes plain integers.
    assert_eq!(unsafe { libc::kill(pid as i32, sig) }, 0);
}

/// Waits for `child` (bounded) and returns its exit code and stderr.
fn finish(mut child: Child) -> (Option<i32>, String) {
    let deadline = Instant::now() + WAIT;
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "synack did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_interrupted_print_removes_its_tracefs_instance() {
    let _one = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    if !traced() {
        return;
    }
    // SIGINT twice: the second one arrives while the first is cleaning.
    for sigs in [
        &[libc::SIGTERM][..],
        &[libc::SIGINT, libc::SIGINT],
        &[libc::SIGHUP],
    ] {
        let Some((child, instances)) = (0..3).find_map(|_| running_demo()) else {
            panic!("the demo never showed a tracefs instance");
        };
        let pid = child.id();
        for &s in sigs {
            signal(pid, s);
        }
        let (code, stderr) = finish(child);
        assert_eq!(code, Some(128 + sigs[0]), "{sigs:?}: {stderr}");
        // The broker removes the instance; when the signal caught the
        // trace thread holding `trace_pipe` open (rmdir: EBUSY), it does
        // so as soon as synack has exited (it polls its parent every
        // 20 ms): allow it that moment, bounded.
        let deadline = Instant::now() + Duration::from_secs(3);
        while instances.iter().any(|p| p.exists()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let left: Vec<_> = instances.iter().filter(|p| p.exists()).collect();
        assert!(left.is_empty(), "{sigs:?}: instances left: {left:?}");
    }
}

#[test]
fn a_killed_runs_instance_is_removed_by_the_next_run() {
    let _one = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    if !traced() {
        return;
    }
    let Some((mut child, instances)) = (0..3).find_map(|_| running_demo()) else {
        panic!("the demo never showed a tracefs instance");
    };
    let pid = child.id();
    // SIGKILL the helper first (or it would clean up), then synack.
    for c in children(pid) {
        signal(c, libc::SIGKILL);
    }
    signal(pid, libc::SIGKILL);
    child.wait().unwrap();
    assert!(instances.iter().all(|p| p.exists()), "{instances:?}");
    let out = Command::new(BIN)
        .args(["demo", "--scenario", "refused", "--print"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for p in &instances {
        let name = p.file_name().unwrap().to_string_lossy();
        assert!(
            stderr.contains(&format!("removed the stale tracefs instance {name} ")),
            "{stderr}"
        );
        assert!(!p.exists(), "{} still there", p.display());
    }
}
