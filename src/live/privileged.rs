//! The privileged primitives: the operations that need CAP_NET_RAW,
//! CAP_DAC_OVERRIDE or CAP_SETUID, each done once, here. The broker
//! ([`super::broker`]) performs them in its own process on request; without
//! a broker their clients ([`super::sniffer::Sniffer::open`],
//! [`super::kernel::KernelTrace::start`], [`super::privilege`]) call them
//! in-process.
//!
//! - the packet socket: [`open_packet_socket`], and its setup before it is
//!   bound ([`prepare_packet_socket`]: outgoing copies ignored, receive
//!   buffer, the BPF program attached);
//! - tracefs: [`tracefs_root`] (mounting it when needed), the instances
//!   `synack-PID-N` ([`create_instance`], [`remove_instance`]) and the stale
//!   ones of dead synack processes ([`remove_stale_instances`]);
//! - credentials: [`switch_user`], [`narrow_to`].
//!
//! A leaf: it imports nothing of synack but [`LiveError`]; it reads no
//! frame and no trace line, and starts no thread.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use caps::{CapSet, Capability, CapsHashSet};

use super::LiveError;

/// The tracepoint of TCP state changes, inside an instance.
pub const EVENT: &str = "events/sock/inet_sock_set_state";

/// `PACKET_IGNORE_OUTGOING` (linux/if_packet.h), not in libc yet.
const PACKET_IGNORE_OUTGOING: libc::c_int = 23;

static INSTANCE_COUNTER: AtomicU32 = AtomicU32::new(0);

/// Opens an unbound AF_PACKET raw socket (protocol 0: receives nothing until
/// bound). [`prepare_packet_socket`] then sets it up.
pub fn open_packet_socket() -> io::Result<OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: socket(2) takes no pointers; a non-negative return is a fresh
    // descriptor that nobody else owns, so wrapping it in OwnedFd is sound.
    let fd = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: see above, `fd` is valid and exclusively ours.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Sets up a packet socket before it is bound: on a loopback interface
/// outgoing copies ignored (`PACKET_IGNORE_OUTGOING`: each frame is seen
/// once); a receive buffer of `rcvbuf` bytes when not 0 (`SO_RCVBUFFORCE`,
/// falling back to `SO_RCVBUF`); `prog` attached as its socket filter.
pub fn prepare_packet_socket(
    fd: &OwnedFd,
    loopback: bool,
    rcvbuf: usize,
    prog: Option<&[libc::sock_filter]>,
) -> Result<(), LiveError> {
    let setup = |what, r: io::Result<()>| r.map_err(|source| LiveError::Capture { what, source });
    if loopback {
        setup(
            "setting PACKET_IGNORE_OUTGOING",
            set_int_opt(fd, libc::SOL_PACKET, PACKET_IGNORE_OUTGOING, 1),
        )?;
    }
    if rcvbuf > 0 {
        let size = libc::c_int::try_from(rcvbuf).unwrap_or(libc::c_int::MAX);
        // SO_RCVBUFFORCE (CAP_NET_ADMIN) may exceed net.core.rmem_max;
        // without it SO_RCVBUF is capped there.
        if set_int_opt(fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, size).is_err() {
            setup(
                "setting SO_RCVBUF",
                set_int_opt(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, size),
            )?;
        }
    }
    if let Some(prog) = prog {
        setup("attaching the socket filter", attach_filter(fd, prog))?;
    }
    Ok(())
}

fn set_int_opt(
    fd: &OwnedFd,
    level: libc::c_int,
    name: libc::c_int,
    value: libc::c_int,
) -> io::Result<()> {
    // SAFETY: the pointer and length describe a live c_int on our stack, and
    // the descriptor is valid for the duration of the call (borrowed).
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&value as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Attaches `prog` to the socket (`SO_ATTACH_FILTER`).
pub fn attach_filter(fd: &OwnedFd, prog: &[libc::sock_filter]) -> io::Result<()> {
    let fprog = libc::sock_fprog {
        len: u16::try_from(prog.len()).map_err(io::Error::other)?,
        filter: prog.as_ptr().cast_mut(),
    };
    // SAFETY: `fprog` points at `prog`, which outlives the call (the kernel
    // copies the program); the descriptor is borrowed and open.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_ATTACH_FILTER,
            (&fprog as *const libc::sock_fprog).cast(),
            std::mem::size_of::<libc::sock_fprog>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Finds a mounted tracefs (`/sys/kernel/tracing`, then
/// `/sys/kernel/debug/tracing`), mounting it at `/sys/kernel/tracing` when
/// neither is. A mount made here is left in place (others may use it).
pub fn tracefs_root() -> Result<PathBuf, LiveError> {
    let candidates = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];
    let find = || {
        candidates
            .iter()
            .map(PathBuf::from)
            .find(|p| p.join("instances").is_dir())
    };
    if let Some(p) = find() {
        return Ok(p);
    }
    // Distinguish "not mounted" from "not allowed to look".
    if let Err(e) = fs::read_dir(candidates[0])
        && e.kind() == io::ErrorKind::PermissionDenied
    {
        return Err(LiveError::Tracefs(format!(
            "cannot read {}: {e}",
            candidates[0]
        )));
    }
    mount_tracefs(Path::new(candidates[0])).map_err(|e| {
        LiveError::Tracefs(format!(
            "tracefs is not mounted and mounting it failed: {e}"
        ))
    })?;
    find()
        .ok_or_else(|| LiveError::Tracefs("tracefs mounted but has no instances directory".into()))
}

fn mount_tracefs(target: &Path) -> io::Result<()> {
    use std::ffi::CString;
    let tgt = CString::new(target.as_os_str().as_encoded_bytes()).map_err(io::Error::other)?;
    let src = c"nodev";
    let fstype = c"tracefs";
    // SAFETY: all pointers are NUL-terminated strings that live across the
    // call; `data` may be null for tracefs.
    let rc = unsafe {
        libc::mount(
            src.as_ptr(),
            tgt.as_ptr(),
            fstype.as_ptr(),
            0,
            std::ptr::null(),
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The tracefs filter expression for these ports.
pub fn filter_expr(ports: &[u16]) -> String {
    let ports: Vec<String> = ports
        .iter()
        .map(|p| format!("sport == {p} || dport == {p}"))
        .collect();
    // With ports, no protocol test: the ports select the sockets, and a
    // UDP socket on them would show (it never does: only TCP changes state
    // through this tracepoint, which the udp scenario shows).
    if ports.is_empty() {
        "protocol == 6".to_string()
    } else {
        ports.join(" || ")
    }
}

/// Creates the instance `synack-PID-N` (PID: this process, which removes
/// it), filters `sock:inet_sock_set_state` to TCP on `ports`, opens its
/// `trace_pipe` (non-blocking) and enables the event. On failure nothing
/// is left behind.
pub fn create_instance(ports: &[u16]) -> Result<(PathBuf, File), LiveError> {
    let root = tracefs_root()?;
    let n = INSTANCE_COUNTER.fetch_add(1, Ordering::SeqCst);
    let instance = root
        .join("instances")
        .join(format!("synack-{}-{n}", std::process::id()));
    fs::create_dir(&instance)
        .map_err(|e| LiveError::Tracefs(format!("cannot create {}: {e}", instance.display())))?;
    let ev = instance.join(EVENT);
    let write = |file: &str, text: &str| {
        fs::write(ev.join(file), text)
            .map_err(|e| LiveError::Tracefs(format!("cannot write {}/{file}: {e}", ev.display())))
    };
    let opened = write("filter", &filter_expr(ports)).and_then(|()| {
        let pipe = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(instance.join("trace_pipe"))
            .map_err(|e| LiveError::Tracefs(format!("cannot open trace_pipe: {e}")))?;
        write("enable", "1")?;
        Ok(pipe)
    });
    match opened {
        Ok(pipe) => Ok((instance, pipe)),
        Err(e) => {
            let _ = remove_instance(&instance);
            Err(e)
        }
    }
}

/// Disables the event and removes the instance directory (retrying
/// briefly while a `trace_pipe` reader is still closing). Gone already is
/// not an error. Bounded: about 1 s.
pub fn remove_instance(instance: &Path) -> Result<(), LiveError> {
    let _ = fs::write(instance.join(EVENT).join("enable"), "0");
    // rmdir fails with EBUSY while trace_pipe is still open; retry briefly.
    let mut last = Ok(());
    for _ in 0..20 {
        last = fs::remove_dir(instance);
        match &last {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Ok(()) => return Ok(()),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    last.map_err(|e| LiveError::Tracefs(format!("cannot remove {}: {e}", instance.display())))
}

/// The PID in an instance name `synack-PID-N` or `synack-probe-PID-N`.
pub fn instance_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("synack-")?;
    let rest = rest.strip_prefix("probe-").unwrap_or(rest);
    let (pid, n) = rest.split_once('-')?;
    n.parse::<u32>().ok()?;
    pid.parse().ok()
}

/// Removes the instances left by synack processes that no longer exist
/// (killed with SIGKILL before they could clean up) and returns their
/// names. A live PID's instances are never touched.
pub fn remove_stale_instances() -> Vec<String> {
    let Ok(root) = tracefs_root() else {
        return Vec::new();
    };
    let Ok(dir) = fs::read_dir(root.join("instances")) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = instance_owner(&name) else {
            continue;
        };
        if pid_alive(pid) {
            continue;
        }
        if remove_instance(&entry.path()).is_ok() {
            removed.push(name);
        }
    }
    removed
}

/// Whether a process with this PID exists (EPERM: it does, as another
/// user). A zombie — killed, not yet reaped — counts as gone.
fn pid_alive(pid: u32) -> bool {
    let Ok(id) = i32::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks for existence.
    let rc = unsafe { libc::kill(id, 0) };
    if rc != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH) {
        return false;
    }
    // `/proc/PID/stat`: "PID (comm) STATE ..."; comm may hold spaces.
    let state = fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().chars().next())
        })
        .flatten();
    !matches!(state, Some('Z' | 'X'))
}

/// Sets the supplementary groups to `[gid]` and every gid and uid (real,
/// effective, saved) to `gid`/`uid`. glibc applies it to every thread.
pub fn switch_user(uid: u32, gid: u32) -> std::io::Result<()> {
    let groups = [gid as libc::gid_t];
    // SAFETY: the pointer/length pair describes a live one-element array.
    if unsafe { libc::setgroups(groups.len(), groups.as_ptr()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: plain integer arguments.
    if unsafe { libc::setresgid(gid, gid, gid) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: plain integer arguments.
    if unsafe { libc::setresuid(uid, uid, uid) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Keeps exactly `keep` (intersected with what is permitted) as the
/// permitted and effective capabilities of the calling thread; clears the
/// inheritable and ambient sets.
pub fn narrow_to(keep: &[Capability]) -> Result<(), caps::errors::CapsError> {
    let permitted = caps::read(None, CapSet::Permitted)?;
    let set: CapsHashSet = keep
        .iter()
        .copied()
        .filter(|c| permitted.contains(c))
        .collect();
    caps::clear(None, CapSet::Inheritable)?;
    caps::clear(None, CapSet::Ambient)?;
    caps::set(None, CapSet::Effective, &set)?;
    caps::set(None, CapSet::Permitted, &set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_filter_expressions() {
        assert_eq!(filter_expr(&[80]), "sport == 80 || dport == 80");
    }
}
