//! `--svg` of a long connection: which segments one picture draws (at most
//! [`WINDOW`] unless `--from`/`--to` ask for others), and reading only
//! those. A picture of ten million arrows would be gigabytes that no
//! viewer opens; the window's steps alone are held while the file is read
//! (the ones before it are dropped as soon as they are settled, and the
//! read stops once the window's last step is).

use crate::capture::{CaptureError, Source};
use crate::conversation::{Connection, KeepSteps};
use crate::decode::TunnelPorts;
use crate::replay;

/// Segments drawn by default.
pub const WINDOW: u64 = 200;
/// Segments one picture draws at most.
pub const MAX_WINDOW: u64 = 10_000;

/// The segments of one connection a picture draws: `first..=last`,
/// 1-based as `--print` numbers them, of `total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// First segment drawn (1-based).
    pub first: u64,
    /// Last segment drawn (1-based, inclusive).
    pub last: u64,
    /// Segments of the connection.
    pub total: u64,
}

impl Window {
    /// The window `--from`/`--to` ask for in a connection of `total`
    /// segments: by default the first [`WINDOW`]; one bound alone gives
    /// [`WINDOW`] segments from (or up to) it. Errors name the flag.
    pub fn pick(from: Option<u64>, to: Option<u64>, total: u64) -> Result<Window, String> {
        let check = |flag: &str, n: u64| {
            if n == 0 {
                Err(format!("{flag} {n}: segments are numbered from 1"))
            } else if n > total {
                Err(format!(
                    "{flag} {n}: the connection has {total} segment{}",
                    if total == 1 { "" } else { "s" }
                ))
            } else {
                Ok(n)
            }
        };
        let (first, last) = match (from, to) {
            (None, None) => (1, total.min(WINDOW)),
            (Some(f), None) => {
                let f = check("--from", f)?;
                (f, total.min(f + WINDOW - 1))
            }
            (None, Some(t)) => {
                let t = check("--to", t)?;
                (t.saturating_sub(WINDOW - 1).max(1), t)
            }
            (Some(f), Some(t)) => {
                let (f, t) = (check("--from", f)?, check("--to", t)?);
                if t < f {
                    return Err(format!("--to {t}: before --from {f}"));
                }
                if t - f + 1 > MAX_WINDOW {
                    return Err(format!(
                        "--from {f} --to {t}: {} segments; one picture draws at most {MAX_WINDOW}",
                        t - f + 1
                    ));
                }
                (f, t)
            }
        };
        Ok(Window { first, last, total })
    }

    /// Whether the window leaves segments out.
    pub fn partial(&self) -> bool {
        self.first > 1 || self.last < self.total
    }
}

/// Reads connection `conn` of `source` keeping only the steps of `w` (and the
/// one before, for the states the window starts from), and returns it seen
/// through the window ([`Connection::window`]). `None` when the file has
/// no such connection.
pub fn read(
    source: &Source,
    ports: TunnelPorts,
    conn: usize,
    w: Window,
) -> Result<Option<Connection>, CaptureError> {
    let first = (w.first - 1) as usize;
    let end = w.last as usize;
    let keep_from = first.saturating_sub(1);
    let second = replay::read_each(source, KeepSteps::Only(conn), ports, &mut |tracker, c| {
        let Some(settled) = tracker
            .connection(c)
            .filter(|_| c == conn)
            .map(|c| c.settled())
        else {
            return true;
        };
        tracker.drain_steps(c, settled.min(keep_from));
        settled < end
    })?;
    Ok(second
        .tracker
        .connection(conn)
        .map(|c| c.window(first, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_window_is_the_first_segments() {
        let w = Window::pick(None, None, 10_000_000).unwrap();
        assert_eq!((w.first, w.last, w.partial()), (1, 200, true));
        let w = Window::pick(None, None, 11).unwrap();
        assert_eq!((w.first, w.last, w.partial()), (1, 11, false));
    }

    #[test]
    fn one_bound_gives_a_window_from_or_up_to_it() {
        let w = Window::pick(Some(1000), None, 10_000).unwrap();
        assert_eq!((w.first, w.last), (1000, 1199));
        let w = Window::pick(None, Some(150), 10_000).unwrap();
        assert_eq!((w.first, w.last), (1, 150));
        let w = Window::pick(Some(9_990), None, 10_000).unwrap();
        assert_eq!((w.first, w.last), (9_990, 10_000));
    }

    #[test]
    fn bad_bounds_are_named() {
        let e = Window::pick(Some(0), None, 5).unwrap_err();
        assert!(e.starts_with("--from 0:"), "{e}");
        let e = Window::pick(None, Some(6), 5).unwrap_err();
        assert_eq!(e, "--to 6: the connection has 5 segments");
        let e = Window::pick(Some(4), Some(3), 5).unwrap_err();
        assert_eq!(e, "--to 3: before --from 4");
        let e = Window::pick(Some(1), Some(20_000), 50_000).unwrap_err();
        assert!(e.contains("at most 10000"), "{e}");
    }
}
