//! Capture on the loopback interface, keeping only one exchange's frames.
//!
//! A packet socket on `lo` normally sees every frame twice: once as it leaves
//! (`PACKET_OUTGOING`) and once as it comes back in. We create the AF_PACKET
//! socket ourselves with protocol 0 (so it receives nothing before it is
//! bound), set `PACKET_IGNORE_OUTGOING`, and hand it to pnet through
//! `Config::socket_fd`; pnet binds it to `lo` with `ETH_P_ALL`, makes it
//! non-blocking and takes ownership (closes it on drop).
//!
//! Frames are filtered by TCP port (a minimal IPv4/IPv6 header peek) on a
//! thread of their own and sent as [`OwnedFrame`]s over an mpsc channel.

use std::io;
use std::os::fd::{IntoRawFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pnet::datalink::{self, Channel, Config, DataLinkReceiver};

use super::LiveError;
use crate::capture::{Frame, LinkType};

/// Poll interval of the capture thread: how long `stop()` may wait for it.
const READ_TIMEOUT: Duration = Duration::from_millis(100);
/// Upper bound on waiting for the capture thread to finish.
const STOP_TIMEOUT: Duration = Duration::from_secs(2);
/// Loopback MTU is 65536; leave room for the link header.
const READ_BUFFER: usize = 65536 + 128;
/// At most this many frames are drained after `stop()` was asked.
const MAX_DRAIN: usize = 100_000;

/// `SOL_PACKET` socket option: do not deliver frames this host sends.
const PACKET_IGNORE_OUTGOING: libc::c_int = 23;

/// A captured frame that owns its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedFrame {
    /// Wall-clock time of receipt, since the Unix epoch.
    pub ts: Duration,
    /// Link type (`Ethernet` on Linux loopback: 14 zero-address bytes).
    pub link: LinkType,
    /// The frame, link header included.
    pub data: Vec<u8>,
}

impl OwnedFrame {
    /// Borrows this frame as a [`Frame`] numbered `number` (1-based).
    pub fn as_frame(&self, number: u64) -> Frame<'_> {
        Frame {
            number,
            ts: self.ts,
            link: self.link,
            data: &self.data,
            wire_len: self.data.len() as u32,
        }
    }
}

/// Which frames to keep: TCP segments with a source or destination port in
/// `ports` (IPv4 or IPv6 over Ethernet). An empty list keeps every TCP frame.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Ports of the exchange (the server's port is enough).
    pub ports: Vec<u16>,
    /// Also keep UDP datagrams on those ports and the ICMP errors quoting
    /// them (the UDP scenario).
    pub datagrams: bool,
}

impl Filter {
    /// Whether an Ethernet frame carries TCP to or from one of the ports.
    pub fn matches(&self, frame: &[u8]) -> bool {
        let ports = match tcp_ports(frame) {
            None if self.datagrams => datagram_ports(frame),
            other => other,
        };
        match ports {
            Some((s, d)) => {
                self.ports.is_empty() || self.ports.contains(&s) || self.ports.contains(&d)
            }
            None => false,
        }
    }
}

/// Source and destination ports of a TCP segment in an Ethernet frame.
pub fn tcp_ports(frame: &[u8]) -> Option<(u16, u16)> {
    let ethertype = u16::from_be_bytes([*frame.get(12)?, *frame.get(13)?]);
    let ip = frame.get(14..)?;
    let tcp = match ethertype {
        0x0800 => {
            let ihl = usize::from(ip.first()? & 0x0f) * 4;
            let frag = u16::from_be_bytes([*ip.get(6)?, *ip.get(7)?]) & 0x1fff;
            if ip.first()? >> 4 != 4 || ihl < 20 || *ip.get(9)? != 6 || frag != 0 {
                return None;
            }
            ip.get(ihl..)?
        }
        0x86dd => {
            if ip.first()? >> 4 != 6 {
                return None;
            }
            // Walk the common extension headers (hop-by-hop, routing, dest opts).
            let mut next = *ip.get(6)?;
            let mut off = 40;
            for _ in 0..8 {
                match next {
                    6 => break,
                    0 | 43 | 60 => {
                        next = *ip.get(off)?;
                        off += (usize::from(*ip.get(off + 1)?) + 1) * 8;
                    }
                    _ => return None,
                }
            }
            if next != 6 {
                return None;
            }
            ip.get(off..)?
        }
        _ => return None,
    };
    let s = u16::from_be_bytes([*tcp.first()?, *tcp.get(1)?]);
    let d = u16::from_be_bytes([*tcp.get(2)?, *tcp.get(3)?]);
    Some((s, d))
}

/// Source and destination ports of a UDP datagram in an Ethernet frame, or
/// of the UDP datagram an ICMP error quotes (IPv4 without options or
/// fragments, IPv6 without extension headers: what loopback carries).
pub fn datagram_ports(frame: &[u8]) -> Option<(u16, u16)> {
    let ethertype = u16::from_be_bytes([*frame.get(12)?, *frame.get(13)?]);
    let ip = frame.get(14..)?;
    // (protocol, transport bytes) of an IP packet.
    let inner = |ip: &[u8]| -> Option<(u8, usize)> {
        match ip.first()? >> 4 {
            4 => Some((*ip.get(9)?, usize::from(ip.first()? & 0x0f) * 4)),
            6 => Some((*ip.get(6)?, 40)),
            _ => None,
        }
    };
    let (proto, off) = inner(ip)?;
    let (proto, off) = match (ethertype, proto) {
        (0x0800 | 0x86dd, 17) => (17, off),
        // ICMP destination unreachable / ICMPv6 1: 8 bytes, then the quote.
        (0x0800, 1) | (0x86dd, 58) => {
            let quote = ip.get(off + 8..)?;
            let (p, o) = inner(quote)?;
            (p, off + 8 + o)
        }
        _ => return None,
    };
    if proto != 17 {
        return None;
    }
    let udp = ip.get(off..off + 4)?;
    Some((
        u16::from_be_bytes([udp[0], udp[1]]),
        u16::from_be_bytes([udp[2], udp[3]]),
    ))
}

/// Opens an unbound AF_PACKET raw socket (protocol 0: receives nothing until
/// bound) with `PACKET_IGNORE_OUTGOING` set.
pub(crate) fn open_packet_socket() -> io::Result<OwnedFd> {
    let fd = packet_socket()?;
    set_int_opt(&fd, libc::SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)?;
    Ok(fd)
}

fn packet_socket() -> io::Result<OwnedFd> {
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

fn set_int_opt(
    fd: &OwnedFd,
    level: libc::c_int,
    name: libc::c_int,
    value: libc::c_int,
) -> io::Result<()> {
    use std::os::fd::AsRawFd;
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

/// A running capture on `lo`.
pub struct Sniffer {
    frames: Receiver<OwnedFrame>,
    stop: Arc<AtomicBool>,
    done: Option<Receiver<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Sniffer {
    /// Opens the capture socket on `lo` and starts the capture thread. When
    /// this returns, the socket is bound: every later frame matching `filter`
    /// will be delivered once.
    pub fn start(filter: Filter) -> Result<Sniffer, LiveError> {
        let fd = super::broker::packet_socket()
            .unwrap_or_else(open_packet_socket)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::EPERM) | Some(libc::EACCES) => LiveError::NoRawSocket(e),
                _ => LiveError::Capture {
                    what: "opening the packet socket",
                    source: e,
                },
            })?;
        let lo = datalink::interfaces()
            .into_iter()
            .find(|i| i.is_loopback() || i.name == "lo")
            .ok_or_else(|| LiveError::Capture {
                what: "looking up the loopback interface",
                source: io::Error::new(io::ErrorKind::NotFound, "no interface `lo`"),
            })?;
        let config = Config {
            read_timeout: Some(READ_TIMEOUT),
            read_buffer_size: READ_BUFFER,
            promiscuous: false,
            // pnet binds this descriptor to `lo` and closes it on drop.
            socket_fd: Some(fd.into_raw_fd()),
            ..Config::default()
        };
        let rx = match datalink::channel(&lo, config) {
            Ok(Channel::Ethernet(_tx, rx)) => rx,
            Ok(_) => {
                return Err(LiveError::Capture {
                    what: "opening the channel",
                    source: io::Error::other("pnet returned a non-Ethernet channel"),
                });
            }
            Err(e) => {
                return Err(LiveError::Capture {
                    what: "binding the packet socket to lo",
                    source: e,
                });
            }
        };
        let (tx, frames) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("synack-sniffer".into())
            .spawn(move || {
                capture_loop(rx, &filter, &tx, &stop2);
                let _ = done_tx.send(());
            })
            .map_err(|e| LiveError::Capture {
                what: "starting the capture thread",
                source: e,
            })?;
        Ok(Sniffer {
            frames,
            stop,
            done: Some(done),
            thread: Some(thread),
        })
    }

    /// The channel of captured frames, in order of receipt.
    pub fn frames(&self) -> &Receiver<OwnedFrame> {
        &self.frames
    }

    /// Stops the capture thread after draining what the socket already holds.
    /// Waits at most about two seconds; frames stay readable from
    /// [`Sniffer::frames`].
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(done) = self.done.take() {
            let finished = !matches!(
                done.recv_timeout(STOP_TIMEOUT),
                Err(RecvTimeoutError::Timeout)
            );
            if let Some(t) = self.thread.take()
                && finished
            {
                let _ = t.join();
            }
        }
    }

    /// Stops and returns every frame captured so far.
    pub fn stop_and_collect(mut self) -> Vec<OwnedFrame> {
        self.stop();
        self.frames.try_iter().take(MAX_DRAIN).collect()
    }
}

impl Drop for Sniffer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn capture_loop(
    mut rx: Box<dyn DataLinkReceiver>,
    filter: &Filter,
    tx: &mpsc::Sender<OwnedFrame>,
    stop: &AtomicBool,
) {
    let mut drained = 0usize;
    loop {
        let stopping = stop.load(Ordering::SeqCst);
        if stopping && drained >= MAX_DRAIN {
            return;
        }
        match rx.next() {
            Ok(data) => {
                let ts = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                if stopping {
                    drained += 1;
                }
                if filter.matches(data) {
                    let frame = OwnedFrame {
                        ts,
                        link: LinkType::Ethernet,
                        data: data.to_vec(),
                    };
                    if tx.send(frame).is_err() {
                        return;
                    }
                }
            }
            // A timeout with stop requested means the socket is drained.
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                if stopping {
                    return;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => {
                if stopping {
                    return;
                }
                std::thread::sleep(READ_TIMEOUT);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    use std::net::{TcpListener, TcpStream};

    /// (src port, seq, ack, flags, payload len) of a TCP segment.
    fn tuple(frame: &[u8]) -> Option<(u16, u32, u32, u8, usize)> {
        let ip = &frame[14..];
        if u16::from_be_bytes([frame[12], frame[13]]) != 0x0800 {
            return None;
        }
        let ihl = usize::from(ip[0] & 0x0f) * 4;
        let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
        let tcp = &ip[ihl..];
        let sp = u16::from_be_bytes([tcp[0], tcp[1]]);
        let seq = u32::from_be_bytes(tcp[4..8].try_into().ok()?);
        let ack = u32::from_be_bytes(tcp[8..12].try_into().ok()?);
        let off = usize::from(tcp[12] >> 4) * 4;
        Some((sp, seq, ack, tcp[13], total - ihl - off))
    }

    fn exchange(port_listener: &TcpListener) {
        let addr = port_listener.local_addr().unwrap();
        let c = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).unwrap();
        let (s, _) = port_listener.accept().unwrap();
        crate::live::echo_and_close(c, s);
    }

    #[test]
    fn captures_each_segment_once_and_only_ours() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let sniffer = match Sniffer::start(Filter {
            ports: vec![port],
            ..Filter::default()
        }) {
            Ok(s) => s,
            Err(LiveError::NoRawSocket(e)) if e.raw_os_error() == Some(libc::EPERM) => {
                eprintln!("skipped: no CAP_NET_RAW");
                return;
            }
            Err(e) => panic!("{e}"),
        };
        // Unrelated loopback traffic, concurrently, on another port.
        let other = TcpListener::bind("127.0.0.1:0").unwrap();
        let other_port = other.local_addr().unwrap().port();
        let noise = std::thread::spawn(move || {
            for _ in 0..5 {
                exchange(&other);
            }
        });
        exchange(&listener);
        noise.join().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let frames = sniffer.stop_and_collect();

        let mut seen = HashSet::new();
        let mut flags = Vec::new();
        for f in &frames {
            let (s, d) = tcp_ports(&f.data).expect("only TCP frames kept");
            assert!(s == port || d == port, "foreign frame {s}->{d}");
            assert!(s != other_port && d != other_port);
            let t = tuple(&f.data).unwrap();
            assert!(seen.insert(t), "duplicate segment {t:?}");
            flags.push((s == port, t.3));
        }
        const SYN: u8 = 0x02;
        const ACK: u8 = 0x10;
        const FIN: u8 = 0x01;
        let client_syn = flags
            .iter()
            .any(|&(from_srv, f)| !from_srv && f & (SYN | ACK) == SYN);
        let syn_ack = flags
            .iter()
            .any(|&(from_srv, f)| from_srv && f & (SYN | ACK) == SYN | ACK);
        let fins = flags.iter().filter(|&&(_, f)| f & FIN != 0).count();
        assert!(client_syn, "SYN missing: {flags:?}");
        assert!(syn_ack, "SYN-ACK missing: {flags:?}");
        assert_eq!(fins, 2, "two FINs expected: {flags:?}");
        assert!(flags.iter().any(|&(from_srv, f)| !from_srv && f == ACK));
        // 3 handshake + 2 data + 2 data ACKs + 2 FIN + 2 ACK = 11 (some may merge).
        assert!((7..=11).contains(&frames.len()), "{} frames", frames.len());
        let f = frames[0].as_frame(1);
        assert_eq!(f.link, LinkType::Ethernet);
        assert_eq!(&f.data[..12], &[0u8; 12]);
    }

    #[test]
    fn filter_peeks_ports() {
        let mut f = vec![0u8; 14 + 20 + 20];
        f[12] = 0x08;
        f[14] = 0x45;
        f[14 + 9] = 6;
        f[34..36].copy_from_slice(&4242u16.to_be_bytes());
        f[36..38].copy_from_slice(&80u16.to_be_bytes());
        assert_eq!(tcp_ports(&f), Some((4242, 80)));
        assert!(
            Filter {
                ports: vec![80],
                ..Filter::default()
            }
            .matches(&f)
        );
        assert!(
            !Filter {
                ports: vec![81],
                ..Filter::default()
            }
            .matches(&f)
        );
        f[14 + 9] = 17;
        assert_eq!(tcp_ports(&f), None);
        assert_eq!(tcp_ports(&f[..20]), None);
    }
}
