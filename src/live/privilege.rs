//! What the live demo needs from the system, checked by really trying, and
//! dropping root once the privileged descriptors are open.
//!
//! Measured on Linux 6.18 (see the tests):
//! - capture: an AF_PACKET socket needs **CAP_NET_RAW** (root without it gets
//!   EPERM);
//! - kernel trace: tracefs is `drwx------ root`, so uid 0 needs no capability
//!   at all, while another user needs **CAP_DAC_OVERRIDE** to create an
//!   instance, write its filter/enable files and read `trace_pipe`;
//!   **CAP_SYS_ADMIN** is only needed to mount tracefs when nobody has.
//!
//! So `sudo synack` works, and so does
//! `sudo setcap cap_net_raw,cap_dac_override+ep $(which synack)`
//! (add `cap_sys_admin` if tracefs is not mounted at boot).

use std::fs;
use std::sync::atomic::{AtomicU32, Ordering};

use super::LiveError;
use super::kernel::tracefs_root;
use super::sniffer::open_packet_socket;

/// How to get the missing privileges, for the messages below.
pub const HOW_TO: &str =
    "run with sudo, or `sudo setcap cap_net_raw,cap_dac_override+ep $(which synack)`";

static PROBE: AtomicU32 = AtomicU32::new(0);

/// The outcome of [`check`]: `Ok` or a one-line message saying what is
/// missing and how to get it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Privileges {
    /// Whether a packet socket can be opened (capture on `lo`).
    pub raw_socket: Result<(), String>,
    /// Whether a tracefs instance can be created (kernel state changes).
    pub tracefs: Result<(), String>,
}

impl Privileges {
    /// Whether everything the live demo uses is available.
    pub fn all_ok(&self) -> bool {
        self.raw_socket.is_ok() && self.tracefs.is_ok()
    }

    /// The messages of what is missing.
    pub fn problems(&self) -> Vec<&str> {
        [&self.raw_socket, &self.tracefs]
            .into_iter()
            .filter_map(|r| r.as_ref().err().map(String::as_str))
            .collect()
    }
}

/// Really tries to open a packet socket and to create (and remove) a tracefs
/// instance. Mounts tracefs if it is not mounted and that is allowed.
pub fn check() -> Privileges {
    let raw_socket = match open_packet_socket() {
        Ok(_fd) => Ok(()),
        Err(e) if matches!(e.raw_os_error(), Some(libc::EPERM) | Some(libc::EACCES)) => Err(
            format!("no CAP_NET_RAW: cannot open a packet socket to capture on lo ({e}); {HOW_TO}"),
        ),
        Err(e) => Err(format!(
            "cannot open a packet socket ({e}); check that AF_PACKET is available"
        )),
    };
    let tracefs = probe_tracefs().map_err(|e| {
        format!(
            "cannot use tracefs for the kernel's state changes ({e}); needs root or CAP_DAC_OVERRIDE (CAP_SYS_ADMIN to mount it): {HOW_TO}"
        )
    });
    Privileges {
        raw_socket,
        tracefs,
    }
}

fn probe_tracefs() -> Result<(), String> {
    let root = tracefs_root().map_err(|e| match e {
        LiveError::Tracefs(m) => m,
        other => other.to_string(),
    })?;
    let n = PROBE.fetch_add(1, Ordering::SeqCst);
    let dir = root
        .join("instances")
        .join(format!("synack-probe-{}-{n}", std::process::id()));
    fs::create_dir(&dir).map_err(|e| format!("mkdir {}: {e}", dir.display()))?;
    let enable = dir.join("events/sock/inet_sock_set_state/enable");
    let res = fs::read_to_string(&enable)
        .map(|_| ())
        .map_err(|e| format!("read {}: {e}", enable.display()));
    let _ = fs::remove_dir(&dir);
    res
}

/// `SUDO_UID`/`SUDO_GID` when started through sudo.
fn sudo_ids() -> Result<Option<(u32, u32)>, LiveError> {
    let parse = |name: &str| -> Result<Option<u32>, LiveError> {
        match std::env::var(name) {
            Ok(v) => v
                .parse()
                .map(Some)
                .map_err(|_| LiveError::Privilege(format!("{name}={v:?} is not a number"))),
            Err(_) => Ok(None),
        }
    };
    match (parse("SUDO_UID")?, parse("SUDO_GID")?) {
        (Some(uid), Some(gid)) => Ok(Some((uid, gid))),
        _ => Ok(None),
    }
}

/// The uid [`drop_keeping_saved_root`] switched to (`u32::MAX`: none).
static DROPPED_UID: AtomicU32 = AtomicU32::new(u32::MAX);

/// `(uid_t)-1`: "leave this id unchanged" for `setresuid`/`setresgid`.
const KEEP: u32 = u32::MAX;

/// When run under sudo, makes the invoking user the real and effective
/// user (and group) of the whole process while keeping the *saved*
/// set-user-ID 0: the UI runs and `--save` files are written as that user,
/// and [`as_root`] can take effective root back for a moment, which the
/// live demo needs to remove its root-owned tracefs instance (and to start
/// a new session when the teacher picks another scenario). Call it after
/// the capture socket and the trace pipe are open. Returns the ids
/// switched to, or `None` when not under sudo.
///
/// The trade-off: this is a drop of the effective ids, not an irreversible
/// one (an irreversible `setuid` would leave the root-owned tracefs
/// instance behind); code in this process could regain root. synack only
/// does so inside [`as_root`].
pub fn drop_keeping_saved_root() -> Result<Option<(u32, u32)>, LiveError> {
    let Some((uid, gid)) = sudo_ids()? else {
        return Ok(None);
    };
    // SAFETY: geteuid takes no arguments and cannot fail.
    if uid == 0 || unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    let err =
        |what: &str| LiveError::Privilege(format!("{what}: {}", std::io::Error::last_os_error()));
    let groups = [gid as libc::gid_t];
    // SAFETY: the pointer/length pair describes a live one-element array.
    if unsafe { libc::setgroups(groups.len(), groups.as_ptr()) } != 0 {
        return Err(err("setgroups"));
    }
    // SAFETY: plain integer arguments; glibc applies them to every thread.
    if unsafe { libc::setresgid(gid, gid, 0) } != 0 {
        return Err(err("setresgid"));
    }
    // SAFETY: as above.
    if unsafe { libc::setresuid(uid, uid, 0) } != 0 {
        return Err(err("setresuid"));
    }
    DROPPED_UID.store(uid, Ordering::SeqCst);
    Ok(Some((uid, gid)))
}

/// Runs `f` with effective uid 0 when [`drop_keeping_saved_root`] dropped
/// to a user (otherwise just runs it), then switches back to that user.
/// Effective capabilities come back with euid 0 (they are the permitted
/// set, kept because the saved uid is 0) and go again after.
pub fn as_root<T>(f: impl FnOnce() -> T) -> T {
    let uid = DROPPED_UID.load(Ordering::SeqCst);
    if uid == u32::MAX {
        return f();
    }
    // SAFETY: plain integer arguments; only the effective uid changes.
    let raised = unsafe { libc::setresuid(KEEP, 0, KEEP) } == 0;
    let out = f();
    // SAFETY: as above.
    if raised && unsafe { libc::setresuid(KEEP, uid, KEEP) } != 0 {
        panic!(
            "cannot switch back to uid {uid}: {}",
            std::io::Error::last_os_error()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    const CHILD_ENV: &str = "SYNACK_LIVE_PRIV_CHILD";

    /// Not a test by itself: the body the parent tests run in a child
    /// process with fewer privileges. Without the env variable it does nothing.
    #[test]
    fn child_probe() {
        let Ok(mode) = std::env::var(CHILD_ENV) else {
            return;
        };
        if mode == "drop" {
            let r = drop_keeping_saved_root();
            // SAFETY: getuid cannot fail.
            println!("DROP: {r:?} uid={}", unsafe { libc::getuid() });
        }
        let p = check();
        println!("RAW: {:?}", p.raw_socket);
        println!("TRACEFS: {:?}", p.tracefs);
    }

    /// Runs `child_probe` under `wrapper` (setpriv or capsh arguments).
    fn run_child(wrapper: &[&str], mode: &str, envs: &[(&str, &str)]) -> Option<String> {
        let exe = std::env::current_exe().unwrap();
        let args = [
            "--exact",
            "live::privilege::tests::child_probe",
            "--nocapture",
            "--test-threads=1",
        ];
        let mut cmd = if wrapper[0] == "capsh" {
            let line = format!("{} {}", exe.display(), args.join(" "));
            let mut c = Command::new("capsh");
            c.args(&wrapper[1..]).args(["--", "-c", &line]);
            c
        } else {
            let mut c = Command::new(wrapper[0]);
            c.args(&wrapper[1..]).arg("--").arg(&exe).args(args);
            c
        };
        cmd.env(CHILD_ENV, mode).envs(envs.iter().copied());
        let out = cmd.output().ok()?;
        Some(
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    }

    /// The text after `marker` on the first line containing it.
    fn field<'a>(out: &'a str, marker: &str) -> Option<&'a str> {
        out.lines().find_map(|l| l.find(marker).map(|i| &l[i..]))
    }

    fn have(tool: &str) -> bool {
        Command::new(tool).arg("--help").output().is_ok()
    }

    #[test]
    fn without_cap_net_raw_the_message_names_it() {
        let wrapper: &[&str] = if have("setpriv") {
            &["setpriv", "--inh-caps=-all", "--bounding-set=-net_raw"]
        } else if have("capsh") {
            &["capsh", "--drop=cap_net_raw"]
        } else {
            eprintln!("note: neither setpriv nor capsh installed; skipped the no-privilege test");
            return;
        };
        let out = run_child(wrapper, "check", &[]).expect("child ran");
        let raw = field(&out, "RAW:").unwrap_or_else(|| panic!("{out}"));
        assert!(raw.contains("Err(") && raw.contains("CAP_NET_RAW"), "{out}");
        assert!(raw.contains("setcap"), "{out}");
        // Root without CAP_NET_RAW still owns tracefs: that part works.
        let tr = field(&out, "TRACEFS:").unwrap();
        eprintln!("child (no CAP_NET_RAW): {raw} / {tr}");
    }

    #[test]
    fn check_succeeds_with_full_privileges() {
        let p = check();
        // SAFETY: geteuid cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("skipped: not root ({:?})", p.problems());
            return;
        }
        assert!(p.all_ok(), "{:?}", p.problems());
        assert!(p.problems().is_empty());
    }

    #[test]
    fn sudo_drop_leaves_no_effective_privileges() {
        if !have("setpriv") {
            eprintln!("note: setpriv not installed; skipped");
            return;
        }
        // setpriv with no change: just a way to run the child.
        let out = run_child(
            &["setpriv"],
            "drop",
            &[("SUDO_UID", "65534"), ("SUDO_GID", "65534")],
        )
        .expect("child ran");
        if out.contains("Permission denied") && !out.contains("DROP:") {
            eprintln!("skipped: child cannot run: {out}");
            return;
        }
        let drop = field(&out, "DROP:").unwrap_or_else(|| panic!("{out}"));
        assert!(drop.contains("Ok(Some((65534, 65534))) uid=65534"), "{out}");
        let raw = field(&out, "RAW:").unwrap();
        assert!(raw.contains("CAP_NET_RAW"), "{out}");
        let tr = field(&out, "TRACEFS:").unwrap();
        assert!(tr.contains("Err("), "{out}");
    }

    #[test]
    fn non_root_with_net_raw_and_dac_override_is_enough() {
        // SAFETY: geteuid cannot fail.
        if !have("setpriv") || unsafe { libc::geteuid() } != 0 {
            eprintln!("note: needs root and setpriv; skipped");
            return;
        }
        let user = ["--reuid=65534", "--regid=65534", "--clear-groups"];
        let both = [
            "--inh-caps=+net_raw,+dac_override",
            "--ambient-caps=+net_raw,+dac_override",
        ];
        let mut w = vec!["setpriv"];
        w.extend(user);
        w.extend(both);
        let out = run_child(&w, "check", &[]).expect("child ran");
        if !out.contains("RAW:") {
            eprintln!("skipped: child cannot run as nobody: {out}");
            return;
        }
        assert!(field(&out, "RAW:").unwrap().contains("Ok(())"), "{out}");
        assert!(field(&out, "TRACEFS:").unwrap().contains("Ok(())"), "{out}");
        // Without CAP_DAC_OVERRIDE, tracefs is closed to a non-root user.
        let mut w = vec!["setpriv"];
        w.extend(user);
        w.extend(["--inh-caps=+net_raw", "--ambient-caps=+net_raw"]);
        let out = run_child(&w, "check", &[]).expect("child ran");
        assert!(field(&out, "RAW:").unwrap().contains("Ok(())"), "{out}");
        assert!(
            field(&out, "TRACEFS:")
                .unwrap()
                .contains("CAP_DAC_OVERRIDE"),
            "{out}"
        );
    }
}
