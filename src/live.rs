//! The live demo's building blocks: a real TCP exchange on loopback, a
//! packet sniffer that keeps exactly that exchange's frames, the kernel's own
//! view of the socket state changes, pcap export and privilege handling
//! (the privileged broker process and the drop of everything else).
//!
//! ```text
//!  exchange (socket calls, step by step)
//!       │ socket() bind() listen() connect() accept() send() recv() close()
//!       ▼
//!   Linux kernel TCP ──────────────► tracepoint sock:inet_sock_set_state
//!       │ segments                            │ (tracefs instance, filtered by port)
//!       ▼                                     ▼
//!   lo (loopback)                      trace thread (trace_pipe, polled)
//!       │ AF_PACKET, PACKET_IGNORE_OUTGOING   │
//!       ▼                                     ▼
//!   sniffer thread (port filter)       mpsc::Receiver<KernelTransition>
//!       │                                     │
//!       ▼                                     ▼
//!   mpsc::Receiver<OwnedFrame> ──► decoder / state model / TUI (elsewhere)
//!       │
//!       └──► pcap_out::save_pcap (optional)
//! ```
//!
//! Order of use: pick the scenario and port ([`exchange::Exchange::new`]),
//! start [`sniffer::Sniffer`] and [`kernel::KernelTrace`] with
//! [`exchange::Exchange::ports`], then run the calls with
//! [`exchange::Exchange::next`].
//!
//! Layers, each importing only those below it: [`privileged`] (the
//! operations that need a capability: packet socket, tracefs instances,
//! credentials; a leaf) and [`frame_filter`] (which frames to keep) at the
//! bottom; [`bpf`] above the filter; [`broker`] performs the privileged
//! operations in its own process; [`sniffer`], [`kernel`] and
//! [`privilege`] are their clients (through the broker when there is one).
//! Quitting by signal reaches the broker through [`crate::shutdown::on_exit`],
//! where the broker registers its stop: `shutdown` imports nothing of `live`.

pub mod bpf;
pub mod broker;
pub mod exchange;
pub mod frame_filter;
pub mod join;
pub mod kernel;
pub mod pcap_out;
pub mod privilege;
pub mod privileged;
pub mod proc_net;
pub mod pytext;
pub mod sniffer;
pub mod sock_diag;

use std::io;

/// Errors of the live demo. Each message says what is missing and what to do.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// Opening the AF_PACKET capture socket was refused.
    #[error(
        "cannot capture on loopback: no CAP_NET_RAW ({0}); run with sudo or `sudo setcap cap_net_raw,cap_dac_override+p $(which synack)`"
    )]
    NoRawSocket(io::Error),
    /// Another failure while setting up or running the capture.
    #[error(
        "packet capture on lo failed while {what}: {source}; check that the loopback interface is up"
    )]
    Capture {
        /// What was being done.
        what: &'static str,
        /// The underlying error.
        source: io::Error,
    },
    /// tracefs could not be found, mounted or used.
    #[error(
        "kernel tracing unavailable: {0}; run as root (or with CAP_DAC_OVERRIDE, plus CAP_SYS_ADMIN if tracefs must be mounted)"
    )]
    Tracefs(String),
    /// A socket call of the exchange failed unexpectedly.
    #[error(
        "socket call `{call}` failed: {source}; check that loopback (127.0.0.1/::1) is up and the port is free"
    )]
    Call {
        /// The call's script text.
        call: String,
        /// The underlying error.
        source: io::Error,
    },
    /// No free port or address could be found for the exchange.
    #[error("no usable loopback address/port: {0}; pass another port or check loopback")]
    Setup(io::Error),
    /// Splitting or dropping privileges failed (nothing runs then).
    #[error("cannot drop privileges: {0}; run without sudo/setcap or check SUDO_UID/SUDO_GID")]
    Privilege(String),
}

/// Test helper: one tutorial exchange over an accepted pair — "hello" each
/// way, then the client closes first and the server sees EOF.
#[cfg(test)]
pub(crate) fn echo_and_close(mut c: std::net::TcpStream, mut s: std::net::TcpStream) {
    use std::io::{Read, Write};
    let t = Some(std::time::Duration::from_secs(2));
    c.set_read_timeout(t).unwrap();
    s.set_read_timeout(t).unwrap();
    c.write_all(b"hello").unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(s.read(&mut buf).unwrap(), 5);
    s.write_all(b"hello").unwrap();
    assert_eq!(c.read(&mut buf).unwrap(), 5);
    drop(c);
    assert_eq!(s.read(&mut buf).unwrap(), 0);
}

#[cfg(test)]
mod tests {
    use super::exchange::{Exchange, ExchangeConfig, Scenario};
    use super::kernel::KernelTrace;
    use super::sniffer::{Filter, Sniffer};
    use std::time::Duration;

    /// The whole live pipeline on one scenario: port first, then capture and
    /// trace, then the calls.
    #[test]
    fn end_to_end_normal() {
        let mut ex = Exchange::new(Scenario::Normal, ExchangeConfig::default()).unwrap();
        let sniffer = match Sniffer::start(Filter {
            ports: ex.ports(),
            ..Filter::default()
        }) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("skipped: {e}");
                return;
            }
        };
        let mut trace = KernelTrace::start(&ex.ports()).unwrap();
        for r in ex.run_all() {
            r.unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
        let frames = sniffer.stop_and_collect();
        trace.stop().unwrap();
        for l in trace.raw_lines() {
            eprintln!("RAW {l}");
        }
        let transitions: Vec<_> = trace.transitions().try_iter().collect();
        assert!((7..=11).contains(&frames.len()), "{} frames", frames.len());
        assert!(transitions.len() >= 10, "{transitions:?}");
        let client = ex.client_ip();
        assert!(
            transitions
                .iter()
                .any(|t| t.local.ip() == client && t.to == crate::state::TcpState::SynSent)
        );
    }

    /// Every scenario under the kernel trace: what the kernel reports for
    /// each (printed with `--nocapture`), with a few facts checked.
    #[test]
    fn kernel_view_of_every_scenario() {
        use crate::state::TcpState::*;
        for scenario in Scenario::ALL {
            let mut ex = Exchange::new(scenario, ExchangeConfig::default()).unwrap();
            let mut trace = match KernelTrace::start(&ex.ports()) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("skipped: {e}");
                    return;
                }
            };
            for r in ex.run_all() {
                r.unwrap();
            }
            std::thread::sleep(Duration::from_millis(100));
            trace.stop().unwrap();
            let ts: Vec<_> = trace.transitions().try_iter().collect();
            eprintln!("== {scenario:?}");
            for t in &ts {
                eprintln!(
                    "  {} -> {}  {:>11} → {}",
                    t.local,
                    t.remote,
                    t.from.name(),
                    t.to.name()
                );
            }
            let client_ip = ex.client_ip();
            let client: Vec<_> = ts
                .iter()
                .filter(|t| t.local.ip() == client_ip && t.local.port() != ex.server_addr().port())
                .map(|t| (t.from, t.to))
                .collect();
            match scenario {
                Scenario::Refused => {
                    assert_eq!(client, vec![(Closed, SynSent), (SynSent, Closed)]);
                }
                Scenario::Abort => {
                    assert!(client.contains(&(Established, Closed)), "{client:?}");
                }
                Scenario::Backlog => {
                    let n = client
                        .iter()
                        .filter(|&&t| t == (SynSent, Established))
                        .count();
                    assert_eq!(n, 3, "{client:?}");
                }
                Scenario::ServerFirst | Scenario::ReuseAddr => {
                    assert!(client.contains(&(CloseWait, LastAck)), "{client:?}");
                }
                Scenario::Udp => {
                    // UDP sockets never change state through the tracepoint.
                    assert!(ts.is_empty(), "{ts:?}");
                    assert!(trace.raw_lines().is_empty(), "{:?}", trace.raw_lines());
                }
                Scenario::SecondClient => {
                    let n = client.iter().filter(|&&t| t == (FinWait2, Closed)).count();
                    assert_eq!(n, 2, "{client:?}");
                }
                _ => {
                    assert!(client.contains(&(FinWait2, Closed)), "{client:?}");
                }
            }
        }
    }
}
