//! Least privilege: what the live demo needs from the system, who holds it,
//! and the irreversible drop of everything else.
//!
//! Measured on Linux 6.18 (see the tests):
//! - capture: an AF_PACKET socket needs **CAP_NET_RAW** (root without it gets
//!   EPERM);
//! - kernel trace: tracefs is `drwx------ root`, so uid 0 needs no capability
//!   at all, while another user needs **CAP_DAC_OVERRIDE** to create an
//!   instance, write its filter/enable files and read `trace_pipe`;
//!   **CAP_SYS_ADMIN** is only needed to mount tracefs when nobody has.
//!
//! The split ([`split`], called first thing in `main`, while the process has
//! a single thread):
//!
//! ```text
//!   synack (sudo: root, or setcap: user + cap_net_raw,cap_dac_override in P)
//!     │ fork ─────────────▶ broker (live/broker.rs): keeps CAP_NET_RAW and
//!     │                      CAP_DAC_OVERRIDE only (sudo: as the invoking
//!     │                      user); opens packet sockets, creates and
//!     │                      removes its own tracefs instances, nothing else
//!     ▼ drop_all
//!   synack: every capability gone (effective, permitted, inheritable,
//!   ambient; bounding too when allowed), PR_SET_NO_NEW_PRIVS; under sudo
//!   real, effective and saved uid/gid all the invoking user's.
//!   Only now are user-named paths (--save, --html) opened; a replay's
//!   capture was opened (not read) before, when started by root or sudo
//!   (`crate::capture::opened`).
//! ```
//!
//! The broker never opens a path the user names: it takes port numbers and
//! the names of instances it made itself. When the main process ends in
//! any way (even SIGKILL), the broker sees its socket close, removes its
//! instances and exits.

use std::fs;
use std::sync::atomic::{AtomicU32, Ordering};

use caps::{CapSet, Capability};

use super::LiveError;
use super::privileged::{open_packet_socket, switch_user, tracefs_root};

/// How to get the missing privileges, for the messages below.
pub const HOW_TO: &str =
    "run with sudo, or `sudo setcap cap_net_raw,cap_dac_override+p $(which synack)`";

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
/// instance, in this process (no broker). Mounts tracefs if it is not
/// mounted and that is allowed.
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

/// The invoking user's `SUDO_UID`/`SUDO_GID`, honoured only when the real
/// uid is 0 (anyone can set those variables; only root started by sudo
/// has a reason to) and the user is not root.
pub fn sudo_user() -> Result<Option<(u32, u32)>, LiveError> {
    let parse = |name: &str| -> Result<Option<u32>, LiveError> {
        match std::env::var(name) {
            Ok(v) => v
                .parse()
                .map(Some)
                .map_err(|_| LiveError::Privilege(format!("{name}={v:?} is not a number"))),
            Err(_) => Ok(None),
        }
    };
    // SAFETY: getuid takes no arguments and cannot fail.
    if unsafe { libc::getuid() } != 0 {
        return Ok(None);
    }
    match (parse("SUDO_UID")?, parse("SUDO_GID")?) {
        (Some(uid), Some(gid)) if uid != 0 => Ok(Some((uid, gid))),
        _ => Ok(None),
    }
}

/// What [`split`] did.
#[derive(Debug, Default)]
pub struct Split {
    /// The user the process now runs as, when it switched from root (sudo).
    pub user: Option<(u32, u32)>,
    /// Whether a broker process holds the live demo's privileges.
    pub broker: bool,
    /// Stale tracefs instances (of dead synack processes) the broker removed.
    pub stale_removed: Vec<String>,
}

/// Splits the process: with `live`, forks the privileged broker
/// ([`super::broker`]) first; then drops every privilege of this process
/// ([`drop_all`], to the sudo user when started by sudo). Must be called
/// while the process has one thread (capabilities are per thread), before
/// any user-named path is opened.
pub fn split(live: bool) -> Result<Split, LiveError> {
    let user = sudo_user()?;
    let mut out = Split {
        user,
        ..Split::default()
    };
    if live {
        out.stale_removed = super::broker::spawn(user)?;
        out.broker = true;
    }
    drop_all(user)?;
    Ok(out)
}

/// Drops every privilege of the calling thread, irreversibly: the bounding
/// set (when CAP_SETPCAP allows), supplementary groups and all uids/gids
/// (to `to` when given: real, effective and saved), then the inheritable,
/// ambient, effective and permitted capability sets, and sets
/// `PR_SET_NO_NEW_PRIVS`. Checks the result in `/proc/thread-self/status`.
/// Capabilities belong to threads: call it before spawning any.
pub fn drop_all(to: Option<(u32, u32)>) -> Result<(), LiveError> {
    let err = |what: &str, e: &dyn std::fmt::Display| LiveError::Privilege(format!("{what}: {e}"));
    if caps::has_cap(None, CapSet::Effective, Capability::CAP_SETPCAP).unwrap_or(false) {
        caps::clear(None, CapSet::Bounding).map_err(|e| err("clearing the bounding set", &e))?;
    }
    if let Some((uid, gid)) = to {
        switch_user(uid, gid).map_err(|e| err("switching to the sudo user", &e))?;
    }
    for set in [
        CapSet::Inheritable,
        CapSet::Ambient,
        CapSet::Effective,
        CapSet::Permitted,
    ] {
        caps::clear(None, set).map_err(|e| err(&format!("clearing {set:?}"), &e))?;
    }
    // SAFETY: prctl with integer arguments only.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(err("PR_SET_NO_NEW_PRIVS", &std::io::Error::last_os_error()));
    }
    let now = Creds::current().map_err(|e| err("reading /proc/thread-self/status", &e))?;
    if !now.no_capabilities() || !now.no_new_privs {
        return Err(LiveError::Privilege(format!(
            "privileges remain after dropping: {now:?}"
        )));
    }
    if let Some((uid, _)) = to
        && now.uids != [uid; 3]
    {
        return Err(LiveError::Privilege(format!(
            "uids are {:?} after switching to {uid}",
            now.uids
        )));
    }
    Ok(())
}

/// A process's credentials as `/proc/PID/status` shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Creds {
    /// Real, effective, saved uid.
    pub uids: [u32; 3],
    /// Real, effective, saved gid.
    pub gids: [u32; 3],
    /// CapInh, CapPrm, CapEff, CapAmb (bit masks).
    pub caps: [u64; 4],
    /// CapBnd.
    pub bounding: u64,
    /// `NoNewPrivs: 1`.
    pub no_new_privs: bool,
}

impl Creds {
    /// The calling thread's credentials (capabilities are per thread).
    pub fn current() -> std::io::Result<Creds> {
        Creds::parse(&fs::read_to_string("/proc/thread-self/status")?)
            .ok_or_else(|| std::io::Error::other("unexpected /proc/thread-self/status"))
    }

    /// Parses the text of `/proc/PID/status`.
    pub fn parse(status: &str) -> Option<Creds> {
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
                .map(str::trim)
        };
        let ids = |name: &str| -> Option<[u32; 3]> {
            let v: Vec<u32> = field(name)?
                .split_whitespace()
                .take(3)
                .map(|s| s.parse().ok())
                .collect::<Option<_>>()?;
            v.try_into().ok()
        };
        let mask = |name: &str| u64::from_str_radix(field(name)?, 16).ok();
        Some(Creds {
            uids: ids("Uid")?,
            gids: ids("Gid")?,
            caps: [
                mask("CapInh")?,
                mask("CapPrm")?,
                mask("CapEff")?,
                mask("CapAmb").unwrap_or(0),
            ],
            bounding: mask("CapBnd")?,
            no_new_privs: field("NoNewPrivs") == Some("1"),
        })
    }

    /// Whether the inheritable, permitted, effective and ambient sets are empty.
    pub fn no_capabilities(&self) -> bool {
        self.caps == [0; 4]
    }
}

#[cfg(test)]
#[path = "privilege/tests.rs"]
mod tests;
