//! Stopping a worker thread within a bound: the capture thread, the
//! kernel trace's reader, the demo's and watch's workers all end by
//! sending on a channel, and whoever stops them waits for that message at
//! most a given time, joining the thread only once it has finished (a
//! thread stuck in a call is left detached, never waited for without
//! limit).

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

/// Waits at most `timeout` for the thread's last message on `done`, then
/// joins it. A closed channel (the thread ended, or panicked, without a
/// message) counts as finished and is joined too; on
/// [`RecvTimeoutError::Timeout`] the thread is left running, detached.
pub fn join_within<T>(
    done: &Receiver<T>,
    thread: &mut Option<JoinHandle<()>>,
    timeout: Duration,
) -> Result<T, RecvTimeoutError> {
    let got = done.recv_timeout(timeout);
    if !matches!(got, Err(RecvTimeoutError::Timeout))
        && let Some(t) = thread.take()
    {
        let _ = t.join();
    }
    got
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::mpsc::channel;

    #[test]
    fn a_finished_thread_is_joined_with_its_message() {
        let (tx, rx) = channel();
        let mut thread = Some(std::thread::spawn(move || tx.send(7).unwrap()));
        assert_eq!(join_within(&rx, &mut thread, Duration::from_secs(5)), Ok(7));
        assert!(thread.is_none());
    }

    #[test]
    fn a_thread_that_dropped_its_sender_is_joined() {
        let (tx, rx) = channel::<()>();
        let mut thread = Some(std::thread::spawn(move || drop(tx)));
        assert_eq!(
            join_within(&rx, &mut thread, Duration::from_secs(5)),
            Err(RecvTimeoutError::Disconnected)
        );
        assert!(thread.is_none());
    }

    #[test]
    fn a_stuck_thread_is_left_detached() {
        let (tx, rx) = channel::<()>();
        let (release, wait) = channel::<()>();
        let mut thread = Some(std::thread::spawn(move || {
            let _ = wait.recv_timeout(Duration::from_secs(5));
            drop(tx);
        }));
        assert_eq!(
            join_within(&rx, &mut thread, Duration::from_millis(50)),
            Err(RecvTimeoutError::Timeout)
        );
        assert!(thread.is_some(), "left detached, not joined");
        release.send(()).unwrap();
        thread.take().unwrap().join().unwrap();
    }
}
