//! Capture on an interface (the loopback interface by default), keeping only
//! the frames of the watched ports and hosts.
//!
//! A packet socket on `lo` normally sees every frame twice: once as it leaves
//! (`PACKET_OUTGOING`) and once as it comes back in. We create the AF_PACKET
//! socket ourselves with protocol 0 (so it receives nothing before it is
//! bound), set `PACKET_IGNORE_OUTGOING`, and hand it to pnet through
//! `Config::socket_fd`; pnet binds it to `lo` with `ETH_P_ALL`, makes it
//! non-blocking and takes ownership (closes it on drop).
//!
//! Frames are read from a `TPACKET_V3` ring shared with the kernel
//! (`ring`, 256 MiB, not capped by `net.core.rmem_max`), with the kernel's
//! receive timestamps; if the ring cannot be set up, from pnet's per-frame
//! reads instead ([`Sniffer::ring_unavailable`] says why).
//! Frames are filtered by TCP port (a minimal IPv4/IPv6 header peek) on a
//! thread of their own and sent as [`OwnedFrame`]s over an mpsc channel.

use std::io;
use std::os::fd::{AsRawFd, IntoRawFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pnet::datalink::{self, Channel, Config, DataLinkReceiver};

use super::LiveError;
pub use super::frame_filter::{Filter, datagram_ports, ip_addrs, tcp_ports};
use super::join::join_within;
use super::privileged::{open_packet_socket, prepare_packet_socket};
use crate::capture::LinkType;

mod ring;

/// Poll interval of the capture thread: how long `stop()` may wait for it.
const READ_TIMEOUT: Duration = Duration::from_millis(100);
/// Upper bound on waiting for the capture thread to finish.
const STOP_TIMEOUT: Duration = Duration::from_secs(2);
/// Loopback MTU is 65536; leave room for the link header.
const READ_BUFFER: usize = 65536 + 128;
/// At most this many frames are drained after `stop()` was asked.
const MAX_DRAIN: usize = 100_000;

/// A captured frame that owns its bytes (defined beside
/// [`crate::capture::Frame`]).
pub use crate::capture::OwnedFrame;

/// What to capture and how.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Interface name; `None` is the loopback interface.
    pub iface: Option<String>,
    /// Which frames to keep.
    pub filter: Filter,
    /// Receive buffer of the packet socket in bytes (`SO_RCVBUFFORCE`,
    /// falling back to `SO_RCVBUF`); 0 keeps the system default.
    pub rcvbuf: usize,
    /// Also attach `filter` to the socket as a classic BPF program
    /// (`SO_ATTACH_FILTER`), so the kernel drops unwatched traffic before
    /// it takes buffer space.
    pub kernel_filter: bool,
}

/// Counters of a capture, updated by the capture thread.
#[derive(Debug, Default)]
pub struct Stats {
    /// Frames the kernel queued to the socket (`PACKET_STATISTICS`
    /// `tp_packets`: after the socket filter, drops included).
    pub kernel_packets: AtomicU64,
    /// Frames the kernel dropped because the socket buffer was full
    /// (`tp_drops`).
    pub kernel_drops: AtomicU64,
    /// Frames kept (matched the filter) and handed on.
    pub kept: AtomicU64,
}

/// A running capture.
pub struct Sniffer {
    frames: Receiver<OwnedFrame>,
    stop: Arc<AtomicBool>,
    done: Option<Receiver<()>>,
    thread: Option<JoinHandle<()>>,
    stats: Arc<Stats>,
    iface: String,
    ring_error: Option<io::Error>,
}

/// The interface to capture on: `lo` (or the first loopback) when `name` is
/// `None`. Only Ethernet-framed interfaces (`/sys/class/net/NAME/type` 1 or
/// 772) are supported: their frames decode as LINKTYPE_ETHERNET.
fn find_interface(name: Option<&str>) -> Result<datalink::NetworkInterface, LiveError> {
    let all = datalink::interfaces();
    let found = match name {
        None => all.iter().find(|i| i.is_loopback() || i.name == "lo"),
        Some(n) => all.iter().find(|i| i.name == n),
    };
    let Some(iface) = found.cloned() else {
        let names: Vec<&str> = all.iter().map(|i| i.name.as_str()).collect();
        return Err(LiveError::Capture {
            what: "looking up the interface",
            source: io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "no interface `{}` (this machine has: {})",
                    name.unwrap_or("lo"),
                    names.join(", ")
                ),
            ),
        });
    };
    let kind = std::fs::read_to_string(format!("/sys/class/net/{}/type", iface.name))
        .ok()
        .and_then(|t| t.trim().parse::<u32>().ok());
    if let Some(k) = kind
        && k != 1
        && k != 772
    {
        return Err(LiveError::Capture {
            what: "checking the interface's link type",
            source: io::Error::other(format!(
                "`{}` has ARPHRD type {k}; only Ethernet and loopback interfaces are supported",
                iface.name
            )),
        });
    }
    Ok(iface)
}

impl Sniffer {
    /// Opens the capture socket on `lo` and starts the capture thread. When
    /// this returns, the socket is bound: every later frame matching `filter`
    /// will be delivered once.
    pub fn start(filter: Filter) -> Result<Sniffer, LiveError> {
        Sniffer::open(Options {
            filter,
            ..Options::default()
        })
    }

    /// Opens the capture socket on `opts.iface` and starts the capture
    /// thread. On a loopback interface each frame is kept once (outgoing
    /// copies are ignored); on any other interface frames this host sends
    /// are real traffic and are kept. When this returns, the socket is
    /// bound: every later frame matching the filter will be delivered.
    pub fn open(opts: Options) -> Result<Sniffer, LiveError> {
        let iface = find_interface(opts.iface.as_deref())?;
        let loopback = iface.is_loopback();
        // From the privileged helper when there is one (see
        // `super::broker`), else opened here.
        let fd = super::broker::packet_socket()
            .unwrap_or_else(open_packet_socket)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::EPERM) | Some(libc::EACCES) => LiveError::NoRawSocket(e),
                _ => LiveError::Capture {
                    what: "opening the packet socket",
                    source: e,
                },
            })?;
        let prog = match opts.kernel_filter {
            true => super::bpf::program(&opts.filter).map_err(|e| LiveError::Capture {
                what: "compiling the socket filter",
                source: io::Error::other(e),
            })?,
            false => None,
        };
        prepare_packet_socket(&fd, loopback, opts.rcvbuf, prog.as_deref())?;
        let raw_fd = fd.as_raw_fd();
        // The ring goes in before pnet binds the socket, so no frame lands
        // in the plain receive queue first. Without it, pnet's reads serve.
        let (ring, ring_error) = match ring::Ring::new(raw_fd) {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e)),
        };
        let config = Config {
            read_timeout: Some(READ_TIMEOUT),
            read_buffer_size: READ_BUFFER,
            promiscuous: false,
            // pnet binds this descriptor to the interface and closes it on drop.
            socket_fd: Some(fd.into_raw_fd()),
            ..Config::default()
        };
        let rx = match datalink::channel(&iface, config) {
            Ok(Channel::Ethernet(_tx, rx)) => rx,
            Ok(_) => {
                return Err(LiveError::Capture {
                    what: "opening the channel",
                    source: io::Error::other("pnet returned a non-Ethernet channel"),
                });
            }
            Err(e) => {
                return Err(LiveError::Capture {
                    what: "binding the packet socket to the interface",
                    source: e,
                });
            }
        };
        // The kernel counted frames between socket() and bind(): start at 0.
        let _ = packet_statistics(raw_fd);
        let (tx, frames) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stats = Arc::new(Stats::default());
        let (stop2, stats2) = (Arc::clone(&stop), Arc::clone(&stats));
        let filter = opts.filter;
        let thread = std::thread::Builder::new()
            .name("synack-sniffer".into())
            .spawn(move || {
                let mut ctx = Loop {
                    filter: &filter,
                    tx: &tx,
                    stop: &stop2,
                    stats: &stats2,
                    fd: raw_fd,
                };
                match ring {
                    // `rx` owns the descriptor: keep it open while reading.
                    Some(ring) => ctx.run_ring(ring, &*rx),
                    None => ctx.run(rx),
                }
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
            stats,
            iface: iface.name,
            ring_error,
        })
    }

    /// Why the capture reads frame by frame instead of through a
    /// `TPACKET_V3` ring (`None`: the ring is in use). Without the ring,
    /// bursts beyond the socket buffer (`net.core.rmem_max`) are dropped and
    /// timestamps are taken in user space.
    pub fn ring_unavailable(&self) -> Option<&io::Error> {
        self.ring_error.as_ref()
    }

    /// The interface's name.
    pub fn iface(&self) -> &str {
        &self.iface
    }

    /// The capture's counters so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
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
            let _ = join_within(&done, &mut self.thread, STOP_TIMEOUT);
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

/// `PACKET_STATISTICS` of a packet socket since the last call: (packets,
/// drops). The kernel resets the counters on each read.
fn packet_statistics(fd: libc::c_int) -> io::Result<(u32, u32)> {
    let mut st = libc::tpacket_stats {
        tp_packets: 0,
        tp_drops: 0,
    };
    let mut len = std::mem::size_of::<libc::tpacket_stats>() as libc::socklen_t;
    // SAFETY: `st` and `len` are live locals of the sizes passed; the
    // descriptor is open while the capture thread (our only caller after
    // setup) holds pnet's receiver.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_PACKET,
            libc::PACKET_STATISTICS,
            (&mut st as *mut libc::tpacket_stats).cast(),
            &mut len,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((st.tp_packets, st.tp_drops))
}

/// The capture thread's state.
struct Loop<'a> {
    filter: &'a Filter,
    tx: &'a mpsc::Sender<OwnedFrame>,
    stop: &'a AtomicBool,
    stats: &'a Stats,
    fd: libc::c_int,
}

impl Loop<'_> {
    fn add_kernel_stats(&self) {
        if let Ok((packets, drops)) = packet_statistics(self.fd) {
            let s = self.stats;
            s.kernel_packets
                .fetch_add(u64::from(packets), Ordering::Relaxed);
            s.kernel_drops
                .fetch_add(u64::from(drops), Ordering::Relaxed);
        }
    }

    /// Sends a frame the filter keeps (from the ring or from `recvfrom`
    /// alike) to the consumer, counting it; `false` once the consumer is
    /// gone (the capture loop then ends).
    fn keep(&self, ts: Duration, data: &[u8]) -> bool {
        if !self.filter.matches(data) {
            return true;
        }
        let frame = OwnedFrame {
            ts,
            link: LinkType::Ethernet,
            data: data.to_vec(),
        };
        self.stats.kept.fetch_add(1, Ordering::Relaxed);
        self.tx.send(frame).is_ok()
    }

    /// Reads the ring until stopped: each handed-over block, then a bounded
    /// wait so a stop request is seen within [`READ_TIMEOUT`]. After a stop,
    /// blocks already handed over (and the partial one, retired by the
    /// kernel's timer) are drained, up to [`MAX_DRAIN`] frames.
    fn run_ring(&mut self, mut ring: ring::Ring, _owner: &dyn DataLinkReceiver) {
        let mut drained = 0usize;
        let mut closed = false;
        loop {
            let stopping = self.stop.load(Ordering::SeqCst);
            if stopping && drained >= MAX_DRAIN {
                break;
            }
            let taken = ring.take_block(|ts, data| {
                if !closed {
                    closed = !self.keep(ts, data);
                }
            });
            if closed {
                break;
            }
            match taken {
                Some(n) => {
                    if stopping {
                        drained += n;
                    }
                    self.add_kernel_stats();
                }
                None => match ring.wait(READ_TIMEOUT) {
                    Ok(true) => {}
                    // A timeout with stop requested means the ring is drained.
                    Ok(false) => {
                        self.add_kernel_stats();
                        if stopping {
                            break;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => {
                        if stopping {
                            break;
                        }
                        std::thread::sleep(READ_TIMEOUT);
                    }
                },
            }
        }
        self.add_kernel_stats();
    }

    fn run(&mut self, mut rx: Box<dyn DataLinkReceiver>) {
        let mut drained = 0usize;
        let mut since_stats = 0u32;
        loop {
            let stopping = self.stop.load(Ordering::SeqCst);
            if stopping && drained >= MAX_DRAIN {
                break;
            }
            match rx.next() {
                Ok(data) => {
                    let ts = SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .unwrap_or_default();
                    if stopping {
                        drained += 1;
                    }
                    since_stats += 1;
                    if since_stats >= 4096 {
                        since_stats = 0;
                        self.add_kernel_stats();
                    }
                    if !self.keep(ts, data) {
                        break;
                    }
                }
                // A timeout with stop requested means the socket is drained.
                Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                    self.add_kernel_stats();
                    if stopping {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => {
                    if stopping {
                        break;
                    }
                    std::thread::sleep(READ_TIMEOUT);
                }
            }
        }
        self.add_kernel_stats();
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
        assert!(
            sniffer.ring_unavailable().is_none(),
            "no TPACKET_V3 ring: {:?}",
            sniffer.ring_unavailable()
        );
        let started = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
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

        let ended = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let mut seen = HashSet::new();
        let mut flags = Vec::new();
        for f in &frames {
            // Kernel timestamps, within the exchange.
            assert!(
                f.ts >= started && f.ts <= ended,
                "{:?} not in {started:?}..{ended:?}",
                f.ts
            );
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
}
