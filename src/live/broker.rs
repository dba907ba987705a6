//! The privileged broker: a small process forked before the main process
//! drops its privileges ([`super::privilege::split`]). It keeps only
//! CAP_NET_RAW and CAP_DAC_OVERRIDE (under sudo, as the invoking user),
//! permitted but effective only while it uses one, and answers three
//! requests over a private `SOCK_SEQPACKET` socket pair:
//!
//! | request            | answer                                             |
//! |--------------------|----------------------------------------------------|
//! | `socket`           | a fresh AF_PACKET socket (unbound) as a descriptor |
//! | `trace PORT…`      | a new instance `synack-BROKERPID-N` tracing TCP on those ports: its name, and its `trace_pipe` opened for reading |
//! | `untrace NAME`     | that instance (one it made) disabled and removed   |
//!
//! It never opens a path it is given, so the main process — which reads
//! captures and writes `--save` files as the user, with no capability —
//! cannot make it touch anything else. It ignores SIGINT/SIGTERM/SIGHUP
//! (a Ctrl-C reaches the whole process group): when the main process ends,
//! however it ends, the socket closes and the broker removes every
//! instance it still has, then exits. At start it removes stale instances
//! of dead synack processes (killed with SIGKILL) and reports them. A
//! quit by signal stops it through [`crate::shutdown`]'s exit actions,
//! where [`spawn`] registers [`stop`].
//!
//! Without a broker (unit tests, library use) the same operations run in
//! the calling process: [`packet_socket`] and [`start_trace`] return `None`.

use std::fs::File;
use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use caps::Capability;
use nix::sys::socket::{
    AddressFamily, ControlMessage, ControlMessageOwned, MsgFlags, SockFlag, SockType, recvmsg,
    sendmsg, socketpair,
};
use nix::unistd::{ForkResult, Pid, fork};

use super::LiveError;
use super::privileged::{
    create_instance, narrow_to, open_packet_socket, remove_instance, remove_stale_instances,
    switch_user, tracefs_root,
};

/// The capabilities the broker keeps: the packet socket, and tracefs
/// (root-owned, mode 700) for a non-root broker.
pub const BROKER_CAPS: [Capability; 2] = [Capability::CAP_NET_RAW, Capability::CAP_DAC_OVERRIDE];

struct Handle {
    sock: Mutex<OwnedFd>,
    raw: RawFd,
    pid: Pid,
    /// [`stop`] as an exit action of [`crate::shutdown`], for as long as
    /// the process lives: registered first, it runs after every other.
    _on_exit: crate::shutdown::ExitAction,
}

static BROKER: OnceLock<Handle> = OnceLock::new();

/// How long a quit by signal waits for the broker to remove its instances.
const STOP_TIMEOUT: Duration = Duration::from_secs(3);

/// Forks the broker (call it while the process has one thread). `user`:
/// the sudo user the broker becomes (keeping its two capabilities).
/// Returns the stale instances it removed. The calling process then drops
/// its own privileges.
pub fn spawn(user: Option<(u32, u32)>) -> Result<Vec<String>, LiveError> {
    let err = |what: &str, e: &dyn std::fmt::Display| {
        LiveError::Privilege(format!("starting the privileged helper: {what}: {e}"))
    };
    let (parent, child) = socketpair(
        AddressFamily::Unix,
        SockType::SeqPacket,
        None,
        SockFlag::SOCK_CLOEXEC,
    )
    .map_err(|e| err("socketpair", &e))?;
    // SAFETY: called while the process is single-threaded (see `split`):
    // the child may run any code.
    match unsafe { fork() }.map_err(|e| err("fork", &e))? {
        ForkResult::Child => {
            drop(parent);
            serve(child, user)
        }
        ForkResult::Parent { child: pid } => {
            drop(child);
            let raw = parent.as_raw_fd();
            let handle = Handle {
                sock: Mutex::new(parent),
                raw,
                pid,
                _on_exit: crate::shutdown::on_exit(|| {
                    stop(STOP_TIMEOUT);
                }),
            };
            let (hello, _) = handle.call("hello").map_err(|e| err("hello", &e))?;
            let stale = hello
                .strip_prefix("ok")
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_string)
                .collect();
            let _ = BROKER.set(handle);
            Ok(stale)
        }
    }
}

/// A packet socket from the broker; `None` when there is no broker.
pub fn packet_socket() -> Option<io::Result<OwnedFd>> {
    let b = BROKER.get()?;
    Some(b.call("socket").and_then(|(text, fd)| match fd {
        Some(fd) if text == "ok" => Ok(fd),
        _ => Err(errno_error(&text)),
    }))
}

/// Starts a trace in the broker: the instance's name and its `trace_pipe`.
/// `None` when there is no broker.
pub fn start_trace(ports: &[u16]) -> Option<Result<(String, File), LiveError>> {
    let b = BROKER.get()?;
    let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
    let req = format!("trace {}", ports.join(" "));
    Some(match b.call(&req) {
        Ok((text, Some(fd))) if text.starts_with("ok ") => {
            Ok((text[3..].to_string(), File::from(fd)))
        }
        Ok((text, _)) => Err(LiveError::Tracefs(
            text.strip_prefix("err ").unwrap_or(&text).to_string(),
        )),
        Err(e) => Err(LiveError::Tracefs(format!("privileged helper: {e}"))),
    })
}

/// Asks the broker to disable and remove instance `name` (close its
/// `trace_pipe` first). `None` when there is no broker.
pub fn stop_trace(name: &str) -> Option<Result<(), LiveError>> {
    let b = BROKER.get()?;
    Some(match b.call(&format!("untrace {name}")) {
        Ok((text, _)) if text == "ok" => Ok(()),
        Ok((text, _)) => Err(LiveError::Tracefs(
            text.strip_prefix("err ").unwrap_or(&text).to_string(),
        )),
        Err(e) => Err(LiveError::Tracefs(format!("privileged helper: {e}"))),
    })
}

/// Ends the broker: its socket is shut down (it then removes what it still
/// has) and it is waited for, at most `timeout`. Safe from any thread, also
/// while another thread waits for an answer (that answer fails). Returns
/// whether it exited in time.
pub fn stop(timeout: Duration) -> bool {
    let Some(b) = BROKER.get() else {
        return true;
    };
    // SAFETY: shutdown on a descriptor that stays open (owned by BROKER,
    // never closed); it takes no pointers.
    unsafe { libc::shutdown(b.raw, libc::SHUT_RDWR) };
    let deadline = Instant::now() + timeout;
    loop {
        match nix::sys::wait::waitpid(b.pid, Some(nix::sys::wait::WaitPidFlag::WNOHANG)) {
            Ok(nix::sys::wait::WaitStatus::StillAlive) => {}
            _ => return true,
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether a broker was started in this process.
pub fn running() -> bool {
    BROKER.get().is_some()
}

fn errno_error(text: &str) -> io::Error {
    let mut parts = text.splitn(3, ' ');
    match (parts.next(), parts.next().and_then(|n| n.parse().ok())) {
        (Some("err"), Some(errno)) if errno != 0 => io::Error::from_raw_os_error(errno),
        _ => io::Error::other(text.to_string()),
    }
}

impl Handle {
    /// One request, one answer (text and at most one descriptor).
    fn call(&self, req: &str) -> io::Result<(String, Option<OwnedFd>)> {
        let sock = self.sock.lock().unwrap_or_else(|p| p.into_inner());
        send(sock.as_raw_fd(), req, None)?;
        recv(sock.as_raw_fd())?
            .ok_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "the helper exited"))
    }
}

fn send(fd: RawFd, text: &str, pass: Option<RawFd>) -> io::Result<()> {
    let iov = [IoSlice::new(text.as_bytes())];
    let fds;
    let cmsgs: &[ControlMessage] = match pass {
        Some(f) => {
            fds = [f];
            &[ControlMessage::ScmRights(&fds)]
        }
        None => &[],
    };
    sendmsg::<()>(fd, &iov, cmsgs, MsgFlags::MSG_NOSIGNAL, None)?;
    Ok(())
}

/// One message; `None` at end of stream.
fn recv(fd: RawFd) -> io::Result<Option<(String, Option<OwnedFd>)>> {
    let mut buf = [0u8; 4096];
    let mut space = nix::cmsg_space!([RawFd; 1]);
    let mut iov = [IoSliceMut::new(&mut buf)];
    let msg = recvmsg::<()>(fd, &mut iov, Some(&mut space), MsgFlags::MSG_CMSG_CLOEXEC)?;
    let mut got = None;
    for c in msg.cmsgs()? {
        if let ControlMessageOwned::ScmRights(fds) = c {
            for f in fds {
                // SAFETY: the kernel just installed `f` in this process for
                // us; nobody else owns it.
                let owned = unsafe { OwnedFd::from_raw_fd(f) };
                got.get_or_insert(owned);
            }
        }
    }
    let n = msg.bytes;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some((String::from_utf8_lossy(&buf[..n]).into_owned(), got)))
}

/// The broker's life: narrow privileges, remove stale instances, answer
/// until the main process is gone, remove its own instances, exit.
fn serve(sock: OwnedFd, user: Option<(u32, u32)>) -> ! {
    quiet_and_deaf();
    // Mount tracefs now if it must be (CAP_SYS_ADMIN is dropped below).
    let _ = tracefs_root();
    let narrowed = narrow(user);
    let fd = sock.as_raw_fd();
    let mut mine: Vec<PathBuf> = Vec::new();
    while let Ok(Some((req, _))) = recv(fd) {
        let (answer, pass) = answer(
            &req,
            narrowed.as_ref().map(|_| ()).map_err(String::as_str),
            &mut mine,
        );
        let sent = send(fd, &answer, pass.as_ref().map(AsRawFd::as_raw_fd));
        drop(pass);
        if sent.is_err() {
            break;
        }
    }
    // The main process is ending: remove what is left. A `trace_pipe` it
    // still holds makes rmdir fail (EBUSY) until it has exited: then retry
    // (bounded) once it is gone.
    let parent = nix::unistd::getppid();
    let deadline = Instant::now() + Duration::from_secs(10);
    let remove = |dir: &PathBuf| with_caps(&[DAC], || remove_instance(dir));
    for dir in mine {
        while remove(&dir).is_err() && nix::unistd::getppid() == parent && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = remove(&dir);
    }
    // SAFETY: ends this forked child at once, without running the parent's
    // atexit handlers or flushing its inherited stdio buffers.
    unsafe { libc::_exit(0) }
}

/// The answer to one request (text, and a descriptor to pass). `mine`:
/// the instances this broker made and has not removed; only those can be
/// removed, by name (never a path).
fn answer(
    req: &str,
    narrowed: Result<(), &str>,
    mine: &mut Vec<PathBuf>,
) -> (String, Option<OwnedFd>) {
    match (narrowed, req.split_once(' ').unwrap_or((req, ""))) {
        (_, ("hello", _)) => {
            let stale = with_caps(&[DAC], remove_stale_instances);
            (format!("ok {}", stale.join(" ")), None)
        }
        (Err(e), _) => (format!("err 0 {e}"), None),
        (Ok(()), ("socket", _)) => match with_caps(&[NET_RAW], open_packet_socket) {
            Ok(s) => ("ok".to_string(), Some(s)),
            Err(e) => (format!("err {} {e}", e.raw_os_error().unwrap_or(0)), None),
        },
        (Ok(()), ("trace", ports)) => {
            let ports: Vec<u16> = ports
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect();
            match with_caps(&[DAC], || create_instance(&ports)) {
                Ok((dir, pipe)) => {
                    let name = dir
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    mine.push(dir);
                    (format!("ok {name}"), Some(OwnedFd::from(pipe)))
                }
                Err(e) => (format!("err 0 {e}"), None),
            }
        }
        (Ok(()), ("untrace", name)) => {
            match mine
                .iter()
                .position(|d| d.file_name() == Some(name.as_ref()))
            {
                Some(i) => match with_caps(&[DAC], || remove_instance(&mine[i])) {
                    Ok(()) => {
                        mine.remove(i);
                        ("ok".to_string(), None)
                    }
                    // Kept: removed again when the main process ends.
                    Err(e) => (format!("err 0 {e}"), None),
                },
                None => (format!("err 0 no instance {name:?} of this run"), None),
            }
        }
        (Ok(()), (other, _)) => (format!("err 0 unknown request {other:?}"), None),
    }
}

const NET_RAW: Capability = Capability::CAP_NET_RAW;
const DAC: Capability = Capability::CAP_DAC_OVERRIDE;

/// Runs `f` with `held` effective (when permitted), then clears the
/// effective set again: the broker holds each capability only while it
/// uses it.
fn with_caps<T>(held: &[Capability], f: impl FnOnce() -> T) -> T {
    for &c in held {
        let _ = caps::raise(None, caps::CapSet::Effective, c);
    }
    let out = f();
    let _ = caps::clear(None, caps::CapSet::Effective);
    out
}

/// Standard descriptors to /dev/null (the broker never writes the
/// terminal), and the quit signals ignored (the main process decides).
fn quiet_and_deaf() {
    if let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        for target in 0..3 {
            // SAFETY: dup2 onto the standard descriptors; `null` stays open
            // across the calls.
            unsafe { libc::dup2(null.as_raw_fd(), target) };
        }
    }
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGPIPE] {
        // SAFETY: installing SIG_IGN has no handler code to be unsafe.
        unsafe { libc::signal(sig, libc::SIG_IGN) };
    }
}

/// Keeps only [`BROKER_CAPS`]; under sudo becomes the user first (with
/// `PR_SET_KEEPCAPS` so the two capabilities survive the switch).
fn narrow(user: Option<(u32, u32)>) -> Result<(), String> {
    use caps::CapSet;
    if caps::has_cap(None, CapSet::Effective, Capability::CAP_SETPCAP).unwrap_or(false) {
        // Nothing this process may ever regain beyond the two.
        for cap in caps::all() {
            if !BROKER_CAPS.contains(&cap) {
                let _ = caps::drop(None, CapSet::Bounding, cap);
            }
        }
    }
    if let Some((uid, gid)) = user {
        caps::securebits::set_keepcaps(true).map_err(|e| e.to_string())?;
        switch_user(uid, gid).map_err(|e| format!("switching user: {e}"))?;
        caps::securebits::set_keepcaps(false).map_err(|e| e.to_string())?;
    }
    narrow_to(&BROKER_CAPS).map_err(|e| e.to_string())?;
    // Permitted, not effective: raised only around each use (`with_caps`).
    caps::clear(None, CapSet::Effective).map_err(|e| e.to_string())?;
    // SAFETY: prctl with integer arguments only.
    unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The broker removes only instances it made, by name: never a path,
    /// never another process's instance; unknown requests are refused.
    #[test]
    fn answers_only_its_three_requests() {
        let mut mine = vec![PathBuf::from("/sys/kernel/tracing/instances/synack-1-0")];
        for req in [
            "untrace ../../../../etc",
            "untrace /sys/kernel/tracing/instances/synack-1-0",
            "untrace synack-2-0",
        ] {
            let (text, fd) = answer(req, Ok(()), &mut mine);
            assert!(text.starts_with("err 0 no instance"), "{req}: {text}");
            assert!(fd.is_none());
        }
        assert_eq!(mine.len(), 1);
        let (text, _) = answer("open /etc/shadow", Ok(()), &mut mine);
        assert_eq!(text, "err 0 unknown request \"open\"");
        let (text, _) = answer("socket", Err("narrowing failed"), &mut mine);
        assert_eq!(text, "err 0 narrowing failed");
    }

    /// A real instance through the request path (root with tracefs only).
    #[test]
    fn trace_then_untrace_by_name() {
        if crate::live::privilege::check().tracefs.is_err() {
            eprintln!("needs tracefs: skipped");
            return;
        }
        let mut mine = Vec::new();
        let (text, fd) = answer("trace 9 x 10", Ok(()), &mut mine);
        let name = text.strip_prefix("ok ").unwrap_or_else(|| panic!("{text}"));
        assert!(fd.is_some() && mine.len() == 1 && mine[0].is_dir());
        let dir = mine[0].clone();
        // One large read: tracefs answers a second read of `filter` with
        // EOF, and read_to_string starts with a 32-byte probe.
        let mut buf = vec![0u8; 4096];
        let n = std::io::Read::read(
            &mut File::open(dir.join("events/sock/inet_sock_set_state/filter")).unwrap(),
            &mut buf,
        )
        .unwrap();
        let filter = String::from_utf8_lossy(&buf[..n]);
        assert!(filter.contains("sport == 10"), "{filter:?}");
        drop(fd);
        let (text, _) = answer(&format!("untrace {name}"), Ok(()), &mut mine);
        assert_eq!(text, "ok");
        assert!(mine.is_empty() && !dir.exists());
    }
}
