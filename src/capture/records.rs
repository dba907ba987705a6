//! Parsing one record (a pcap packet record or a pcapng block) at the front
//! of the reader's buffer, with pcap-file's parsers, into a [`Step`] that
//! says where the packet bytes are. See the parent module for why.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use std::time::Duration;

use pcap_file::Endianness;
use pcap_file::pcap::{PcapParseError, PcapParser};
use pcap_file::pcapng::blocks::{
    ENHANCED_PACKET_BLOCK, INTERFACE_DESCRIPTION_BLOCK, PACKET_BLOCK, SECTION_HEADER_BLOCK,
    SIMPLE_PACKET_BLOCK,
};
use pcap_file::pcapng::{PcapNgParseError, PcapNgParser};

use super::tsresol::{Resolution, patch_idb};
use super::{LinkType, MAX_RECORD, error_chain};

/// What the reader keeps about the current pcapng section's interfaces,
/// beside pcap-file's own state.
#[derive(Debug, Default)]
pub(super) struct NgInterfaces {
    /// Interfaces whose unsupported link type we already warned about.
    warned: Vec<u32>,
    /// Per interface, in order: the real timestamp resolution and offset
    /// when pcap-file was handed a patched `if_tsresol` (see `tsresol`).
    own_ts: Vec<Option<(Resolution, i64)>>,
}

/// Largest captured length of a pcap packet record: libpcap's
/// MAXIMUM_SNAPLEN and Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD. A record
/// claiming more is damaged (both tools say so too).
pub(crate) const MAX_PACKET: u32 = 262_144;

/// What parsing the front of the buffer produced.
pub(super) enum Step {
    /// A packet: how many bytes the record used, where the packet data is in
    /// the buffer (relative to the record start), and its metadata.
    Frame {
        used: usize,
        data_off: usize,
        data_len: usize,
        ts: Duration,
        link: LinkType,
        wire_len: u32,
    },
    /// A record that is not a packet (pcapng metadata blocks).
    Skip { used: usize },
    /// Need more bytes than the buffer holds.
    Incomplete,
    /// The record is damaged.
    Corrupt(String),
}

/// Parses one pcap packet record at the front of `avail`.
pub(super) fn pcap_step(
    parser: &PcapParser,
    link: LinkType,
    nanosecond: bool,
    avail: &[u8],
) -> Step {
    if let Some(incl) = read_u32(avail, 8, parser.header().endianness)
        && incl > MAX_PACKET
    {
        return Step::Corrupt(format!(
            "packet record claims {incl} captured bytes, more than the {MAX_PACKET} tcpdump and Wireshark allow; the file is damaged"
        ));
    }
    match parser.next_raw_packet(avail) {
        Ok((rest, raw)) => {
            let data_len = raw.data.len();
            Step::Frame {
                used: avail.len() - rest.len(),
                data_off: 16,
                data_len,
                ts: pcap_ts(raw.ts_sec, raw.ts_frac, nanosecond),
                link,
                wire_len: raw.orig_len.max(data_len as u32),
            }
        }
        Err(PcapParseError::IncompleteBuffer(..)) => Step::Incomplete,
        Err(e) => Step::Corrupt(e.to_string()),
    }
}

/// A pcap record's timestamp: seconds and a fraction in micro- or (for a
/// nanosecond file) nanoseconds. An out-of-range fraction carries into the
/// seconds, as `Duration::new` does.
pub(crate) fn pcap_ts(sec: u32, frac: u32, nanosecond: bool) -> Duration {
    let nanos = if nanosecond {
        frac
    } else {
        frac.saturating_mul(1000)
    };
    Duration::new(u64::from(sec), 0) + Duration::from_nanos(u64::from(nanos))
}

/// Reads a u32 at `at` in the section's byte order.
fn read_u32(body: &[u8], at: usize, order: Endianness) -> Option<u32> {
    let b: [u8; 4] = body.get(at..at + 4)?.try_into().ok()?;
    Some(match order {
        Endianness::Big => u32::from_be_bytes(b),
        Endianness::Little => u32::from_le_bytes(b),
    })
}

/// Parses one pcapng block at the front of `avail`.
pub(super) fn pcapng_step(
    parser: &mut PcapNgParser,
    ifaces: &mut NgInterfaces,
    warnings: &mut Vec<String>,
    name: &str,
    avail: &mut [u8],
) -> Step {
    let order = parser.state().endianness();
    let mut own_resolution = None;
    if read_u32(avail, 0, order) == Some(INTERFACE_DESCRIPTION_BLOCK)
        && let Some(len) = read_u32(avail, 4, order)
        && let Some(block) = avail.get_mut(..len as usize)
    {
        own_resolution = patch_idb(block, order);
    }
    let avail = &*avail;
    let (rest, raw) = match parser.next_raw_block(avail) {
        Ok(ok) => ok,
        Err(PcapNgParseError::IncompleteBuffer(need, _)) => {
            if need > MAX_RECORD {
                return Step::Corrupt(format!("block claims {need} bytes; the file is damaged"));
            }
            return Step::Incomplete;
        }
        Err(e) => return Step::Corrupt(error_chain(&e)),
    };
    let used = avail.len() - rest.len();
    let order = parser.state().endianness();
    let body: &[u8] = &raw.body;
    // Where the body starts in `avail` (8: after block type and length).
    let body_at = body.as_ptr() as usize - avail.as_ptr() as usize;
    let (iface, ts, cap_len, wire_len, data_at) = match raw.type_ {
        ENHANCED_PACKET_BLOCK | PACKET_BLOCK => {
            let (Some(w0), Some(hi), Some(lo), Some(cap), Some(orig)) = (
                read_u32(body, 0, order),
                read_u32(body, 4, order),
                read_u32(body, 8, order),
                read_u32(body, 12, order),
                read_u32(body, 16, order),
            ) else {
                return Step::Corrupt("packet block shorter than its 20-byte header".into());
            };
            // The obsolete Packet Block has a 16-bit interface id then a
            // 16-bit drops count.
            let iface = if raw.type_ == PACKET_BLOCK {
                match order {
                    Endianness::Big => w0 >> 16,
                    Endianness::Little => w0 & 0xffff,
                }
            } else {
                w0
            };
            let ts = match ifaces.own_ts.get(iface as usize) {
                Some(Some((resolution, offset))) => {
                    let raw = (u64::from(hi) << 32) | u64::from(lo);
                    match resolution.decode(raw, *offset) {
                        Some(ts) => ts,
                        None => {
                            return Step::Corrupt(format!(
                                "packet block: timestamp {raw} does not fit in time"
                            ));
                        }
                    }
                }
                _ => match parser.state().decode_timestamp(iface, hi, lo) {
                    Ok(ts) => ts,
                    Err(e) => return Step::Corrupt(format!("packet block: {e}")),
                },
            };
            (iface, ts, cap as usize, orig, 20)
        }
        SIMPLE_PACKET_BLOCK => {
            let Some(orig) = read_u32(body, 0, order) else {
                return Step::Corrupt("simple packet block shorter than 4 bytes".into());
            };
            let Some(idb) = parser.interfaces().first() else {
                return Step::Corrupt(
                    "simple packet block before any interface description".into(),
                );
            };
            let mut cap = (orig as usize).min(body.len() - 4);
            if idb.snaplen != 0 {
                cap = cap.min(idb.snaplen as usize);
            }
            (0, Duration::ZERO, cap, orig, 4)
        }
        SECTION_HEADER_BLOCK => {
            // A new section forgets the previous section's interfaces.
            ifaces.warned.clear();
            ifaces.own_ts.clear();
            return Step::Skip { used };
        }
        INTERFACE_DESCRIPTION_BLOCK => {
            let offset = parser.interfaces().last().map_or(0, |idb| idb.ts_offset());
            ifaces
                .own_ts
                .push(own_resolution.map(|resolution| (resolution, offset)));
            return Step::Skip { used };
        }
        _ => return Step::Skip { used },
    };
    let Some(idb) = parser.interfaces().get(iface as usize) else {
        return Step::Corrupt(format!(
            "packet on interface {iface}, which was never described"
        ));
    };
    if data_at + cap_len > body.len() {
        return Step::Corrupt(format!(
            "packet block claims {cap_len} captured bytes but holds only {}",
            body.len().saturating_sub(data_at)
        ));
    }
    let link = LinkType::from_linktype(u32::from(idb.linktype));
    if !link.is_supported() && !ifaces.warned.contains(&iface) {
        ifaces.warned.push(iface);
        warnings.push(format!(
            "{name}: interface {iface} has unsupported link type {link}; its packets are skipped"
        ));
    }
    Step::Frame {
        used,
        data_off: body_at + data_at,
        data_len: cap_len,
        ts,
        link,
        wire_len: wire_len.max(cap_len as u32),
    }
}
