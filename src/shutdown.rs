//! One way out for every mode (replay and demo TUIs, `--print`/`--json`,
//! `watch`): SIGINT, SIGTERM and SIGHUP end synack the same way, leaving
//! the terminal, the kernel and the file system as they were.
//!
//! [`install`] blocks the three signals in the calling thread — call it in
//! `main` before any other thread exists, so every thread inherits the
//! mask — and starts one thread that waits for them with `sigtimedwait`.
//! On the first signal:
//! - when a mode registered a graceful quit ([`set_quit`], e.g. the TUI
//!   sending itself a quit event), that runs, and the process has
//!   [`GRACE`] to end by itself (restoring the terminal, finishing the
//!   live session, cleaning its saves);
//! - otherwise, or when the grace runs out, the [`on_exit`] actions run
//!   (terminal restored, temporary save files removed, and last the
//!   privileged broker stopped, which removes its tracefs instances: the
//!   broker registers that when it starts) and the process exits with
//!   128 + the signal number.
//!
//! This module knows no mode and no other module of synack: everything
//! it does on the way out was registered with it.
//!
//! Further signals while this happens are counted and ignored: a second
//! Ctrl-C never cuts the cleanup short. The mode reads [`received`] to
//! exit with 128 + signal after a graceful quit.

use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The signals that end synack.
pub const QUIT_SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// How long a graceful quit may take before the forced exit.
pub const GRACE: Duration = Duration::from_secs(10);

static RECEIVED: AtomicI32 = AtomicI32::new(0);
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

type Action = Box<dyn Fn() + Send>;

static QUIT: Mutex<Option<Action>> = Mutex::new(None);
static ON_EXIT: Mutex<Vec<(u64, Action)>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn quit_set() -> libc::sigset_t {
    // SAFETY: `set` is a local sigset_t initialised by sigemptyset before
    // any other use.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in QUIT_SIGNALS {
            libc::sigaddset(&mut set, s);
        }
        set
    }
}

/// Blocks [`QUIT_SIGNALS`] in this thread (and so in every thread it
/// starts later) and starts the thread that handles them. Call once, at
/// the start of `main`, before other threads; later calls do nothing.
pub fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let set = quit_set();
        // SAFETY: `set` is initialised; pthread_sigmask only changes this
        // thread's mask.
        unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
        let _ = std::thread::Builder::new()
            .name("synack-signals".into())
            .spawn(wait_loop);
    });
}

/// The signal that asked synack to quit, if one did.
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// The exit status for a quit by signal `sig`: 128 + its number.
pub fn exit_status(sig: i32) -> u8 {
    u8::try_from(128 + sig).unwrap_or(255)
}

/// Registers how the current mode quits gracefully (replacing any
/// previous one); [`clear_quit`] removes it. Without one, a signal exits
/// at once after the [`on_exit`] actions.
pub fn set_quit(quit: impl Fn() + Send + 'static) {
    *lock(&QUIT) = Some(Box::new(quit));
}

/// Removes the graceful quit of [`set_quit`].
pub fn clear_quit() {
    *lock(&QUIT) = None;
}

/// An action registered with [`on_exit`]; dropping it unregisters it.
#[must_use = "the action is unregistered when this is dropped"]
pub struct ExitAction(u64);

impl Drop for ExitAction {
    fn drop(&mut self) {
        lock(&ON_EXIT).retain(|(id, _)| *id != self.0);
    }
}

/// Registers `action` to run if the process is ended by a signal while
/// the returned guard lives (restore the terminal, remove a temporary
/// file). Actions run in reverse order of registration, on the signal
/// thread, while the rest of the process may still be running: keep them
/// small and idempotent.
pub fn on_exit(action: impl Fn() + Send + 'static) -> ExitAction {
    let id = NEXT_ID.fetch_add(1, Ordering::SeqCst);
    lock(&ON_EXIT).push((id, Box::new(action)));
    ExitAction(id)
}

/// Runs the registered exit actions and exits with 128 + `sig`. Never
/// returns.
fn force_exit(sig: i32) -> ! {
    {
        let actions = lock(&ON_EXIT);
        for (_, a) in actions.iter().rev() {
            a();
        }
    }
    // SAFETY: ends the process without unwinding or running destructors
    // that other threads may be in the middle of.
    unsafe { libc::_exit(i32::from(exit_status(sig))) }
}

fn wait_loop() {
    let set = quit_set();
    let mut deadline: Option<Instant> = None;
    loop {
        let timeout = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let sig = match timeout {
            Some(t) if t.is_zero() => force_exit(RECEIVED.load(Ordering::SeqCst)),
            Some(t) => {
                let ts = libc::timespec {
                    tv_sec: t.as_secs() as libc::time_t,
                    tv_nsec: libc::c_long::from(t.subsec_nanos() as i32),
                };
                // SAFETY: `set` and `ts` are initialised locals; no siginfo wanted.
                unsafe { libc::sigtimedwait(&set, std::ptr::null_mut(), &ts) }
            }
            None => {
                let mut sig = 0;
                // SAFETY: `set` is initialised; sigwait writes into `sig`.
                if unsafe { libc::sigwait(&set, &mut sig) } != 0 {
                    continue;
                }
                sig
            }
        };
        if sig <= 0 {
            continue; // timeout or EINTR: the loop re-checks the deadline
        }
        if RECEIVED
            .compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            continue; // already quitting: a second Ctrl-C does not cut it short
        }
        let quit = lock(&QUIT);
        match quit.as_ref() {
            Some(q) => {
                q();
                deadline = Some(Instant::now() + GRACE);
            }
            None => {
                drop(quit);
                force_exit(sig)
            }
        }
    }
}
