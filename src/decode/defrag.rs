//! IP reassembly (RFC 791 §3.2, RFC 8200 §4.5) the way Linux does it
//! (`net/ipv4/inet_fragment.c`, `ip_fragment.c`, `reassembly.c`), in
//! capture time:
//!
//! * a datagram is keyed by source, destination, identification and
//!   protocol (IPv6: next header after the fragment header);
//! * a fragment that lies wholly inside what is already queued is a
//!   duplicate and dropped; one that partly overlaps queued data discards
//!   the whole datagram (RFC 5722 and errata 3089; Linux does this for
//!   IPv4 too since 4.19), counted in [`DefragStats::overlaps`];
//! * a last fragment that disagrees with the known end, or data past it,
//!   discards the datagram too (counted as [`DefragStats::inconsistent`]);
//! * a queue older than the kernel's time-out (`ipfrag_time` 30 s for
//!   IPv4, `ip6frag_time` 60 s for IPv6) is dropped when a later fragment
//!   arrives; fragments are refused while the queues hold more than the
//!   kernel's `ipfrag_high_thresh` (4 MiB);
//! * the reassembled packet belongs to the frame that completed it.
//!
//! Not modelled: `ipfrag_max_dist` (Linux restarts an IPv4 queue after 64
//! fragments from the same source to others), and bytes the capture's snap
//! length cut off are zeros in the reassembled packet.
//!
//! Pure state over byte slices and timestamps: no files, terminal, clock
//! or network.

use std::net::IpAddr;
use std::time::Duration;

use rustc_hash::FxHashMap;

/// IPv4 reassembly time-out (`net.ipv4.ipfrag_time`).
pub(crate) const IPV4_TIMEOUT: Duration = Duration::from_secs(30);
/// IPv6 reassembly time-out (`net.ipv6.ip6frag_time`).
pub(crate) const IPV6_TIMEOUT: Duration = Duration::from_secs(60);
/// Bytes all queues may hold (`net.ipv4.ipfrag_high_thresh`).
pub(crate) const MEMORY_LIMIT: usize = 4 << 20;
/// Largest datagram (the IP length fields are 16 bits).
const MAX_DATAGRAM: usize = 65535;

/// Which datagram a fragment belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub id: u32,
    pub protocol: u8,
}

/// One fragment, borrowed from its frame.
pub(crate) struct Fragment<'a> {
    pub key: Key,
    /// Offset of its data in the datagram, in bytes.
    pub offset: usize,
    /// More fragments follow.
    pub more: bool,
    /// Its data as captured (may be shorter than `len`).
    pub data: &'a [u8],
    /// Its data length by the IP header.
    pub len: usize,
    /// Capture time.
    pub ts: Duration,
    /// Frame number.
    pub frame: u64,
    /// The IP header to give the reassembled packet (used from the
    /// fragment at offset 0).
    pub header: &'a [u8],
}

/// A complete datagram.
pub(crate) struct Whole {
    /// The first fragment's header.
    pub header: Vec<u8>,
    /// The reassembled data.
    pub payload: Vec<u8>,
    /// Frames of its fragments, in capture order.
    pub frames: Vec<u64>,
}

/// Counts of what reassembly did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DefragStats {
    /// Datagrams reassembled.
    pub reassembled: u64,
    /// Duplicate fragments dropped.
    pub duplicates: u64,
    /// Datagrams discarded for overlapping fragments.
    pub overlaps: u64,
    /// Datagrams discarded for inconsistent ends or sizes over 64 KiB.
    pub inconsistent: u64,
    /// Datagrams dropped incomplete after the time-out.
    pub timed_out: u64,
    /// Fragments refused because the queues were full.
    pub over_memory: u64,
    /// Datagrams still incomplete.
    pub pending: u64,
}

impl DefragStats {
    /// One line per kind of loss, for a replay's warnings.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        let mut say = |n: u64, what: &str| {
            if n > 0 {
                let s = if n == 1 { "" } else { "s" };
                w.push(format!("IP reassembly: {n} datagram{s} {what}"));
            }
        };
        say(
            self.overlaps,
            "discarded for overlapping fragments (as Linux does)",
        );
        say(
            self.inconsistent,
            "discarded: fragments disagree on the end, or exceed 64 KiB",
        );
        say(
            self.timed_out,
            "dropped incomplete after the reassembly time-out (30 s IPv4, 60 s IPv6)",
        );
        say(self.pending, "still incomplete at the end of the capture");
        if self.over_memory > 0 {
            w.push(format!(
                "IP reassembly: {} fragments refused: more than 4 MiB waiting (Linux's ipfrag_high_thresh)",
                self.over_memory
            ));
        }
        w
    }
}

/// A run of contiguous fragments, as Linux keeps them.
#[derive(Clone, Copy, Debug)]
struct Run {
    start: usize,
    end: usize,
}

#[derive(Debug)]
struct Queue {
    created: Duration,
    timeout: Duration,
    runs: Vec<Run>,
    /// Bytes of data queued (duplicates excluded).
    meat: usize,
    /// Datagram length, once the last fragment (or data) says.
    len: usize,
    last_in: bool,
    header: Option<Vec<u8>>,
    /// (offset, data) of each fragment.
    parts: Vec<(usize, Vec<u8>)>,
    frames: Vec<u64>,
    bytes: usize,
}

enum Insert {
    Ok,
    Duplicate,
    Overlap,
}

impl Queue {
    /// `inet_frag_queue_insert`: append to the last run, start a run, or
    /// find the fragment a duplicate (inside one run) or an overlap.
    fn insert(&mut self, start: usize, end: usize) -> Insert {
        let tail = self.runs.last().map_or(0, |r| r.end);
        if self.runs.is_empty() {
            self.runs.push(Run { start, end });
        } else if tail < end {
            if start < tail {
                return Insert::Overlap;
            }
            if start == tail {
                self.runs.last_mut().expect("not empty").end = end;
            } else {
                self.runs.push(Run { start, end });
            }
        } else {
            for r in &self.runs {
                if end <= r.start || start >= r.end {
                    continue;
                }
                return if start >= r.start && end <= r.end {
                    Insert::Duplicate
                } else {
                    Insert::Overlap
                };
            }
            let at = self.runs.partition_point(|r| r.start < start);
            self.runs.insert(at, Run { start, end });
        }
        Insert::Ok
    }
}

/// The reassembly queues of one frame source.
#[derive(Debug, Default)]
pub(crate) struct Defragmenter {
    queues: FxHashMap<Key, Queue>,
    memory: usize,
    stats: DefragStats,
}

impl Defragmenter {
    /// What reassembly did so far (with the datagrams still waiting).
    pub(crate) fn stats(&self) -> DefragStats {
        DefragStats {
            pending: self.queues.len() as u64,
            ..self.stats
        }
    }

    fn expire(&mut self, now: Duration) {
        let before = self.queues.len();
        let mut freed = 0;
        self.queues.retain(|_, q| {
            let keep = now.saturating_sub(q.created) <= q.timeout;
            if !keep {
                freed += q.bytes;
            }
            keep
        });
        self.memory -= freed;
        self.stats.timed_out += (before - self.queues.len()) as u64;
    }

    fn kill(&mut self, key: &Key) {
        if let Some(q) = self.queues.remove(key) {
            self.memory -= q.bytes;
        }
    }

    /// Queues one fragment; returns the datagram when it is complete.
    pub(crate) fn push(&mut self, f: Fragment<'_>) -> Option<Whole> {
        self.expire(f.ts);
        let (start, mut end) = (f.offset, f.offset + f.len);
        if end > MAX_DATAGRAM {
            self.stats.inconsistent += 1;
            self.kill(&f.key);
            return None;
        }
        if !self.queues.contains_key(&f.key) && self.memory + f.len > MEMORY_LIMIT {
            self.stats.over_memory += 1;
            return None;
        }
        let timeout = if f.key.src.is_ipv4() {
            IPV4_TIMEOUT
        } else {
            IPV6_TIMEOUT
        };
        let q = self.queues.entry(f.key).or_insert_with(|| Queue {
            created: f.ts,
            timeout,
            runs: Vec::new(),
            meat: 0,
            len: 0,
            last_in: false,
            header: None,
            parts: Vec::new(),
            frames: Vec::new(),
            bytes: 0,
        });
        // ip_frag_queue: the last fragment fixes the length; data past it,
        // or a second last fragment with another end, is corruption.
        let corrupt = if !f.more {
            let bad = end < q.len || (q.last_in && end != q.len);
            q.last_in = true;
            q.len = end;
            bad
        } else {
            end &= !7; // non-last fragments are multiples of 8 bytes
            let bad = end > q.len && q.last_in;
            q.len = q.len.max(end);
            bad
        };
        if corrupt {
            self.stats.inconsistent += 1;
            self.kill(&f.key);
            return None;
        }
        if end <= start {
            return None; // empty fragment: dropped, queue kept
        }
        match q.insert(start, end) {
            Insert::Overlap => {
                self.stats.overlaps += 1;
                self.kill(&f.key);
                return None;
            }
            Insert::Duplicate => {
                self.stats.duplicates += 1;
                return None;
            }
            Insert::Ok => {}
        }
        let mut data = f.data[..f.data.len().min(end - start)].to_vec();
        data.resize(end - start, 0);
        q.meat += end - start;
        q.bytes += data.len();
        self.memory += data.len();
        q.parts.push((start, data));
        q.frames.push(f.frame);
        if start == 0 {
            q.header = Some(f.header.to_vec());
        }
        if !(q.last_in && q.meat == q.len && q.header.is_some()) {
            return None;
        }
        let q = self.queues.remove(&f.key).expect("queue present");
        self.memory -= q.bytes;
        self.stats.reassembled += 1;
        let mut payload = vec![0; q.len];
        for (at, data) in q.parts {
            payload[at..at + data.len()].copy_from_slice(&data);
        }
        Some(Whole {
            header: q.header.expect("checked"),
            payload,
            frames: q.frames,
        })
    }
}

#[cfg(test)]
mod tests;
