//! Saving captured frames as a classic pcap file (LINKTYPE_ETHERNET, which
//! Linux loopback uses). The file itself is written through
//! [`crate::save`]: an unpredictable temporary file renamed into place, so
//! a failure never leaves half a file and never replaces what it must not.

use std::io::{self, Write};
use std::path::Path;

use pcap_file::DataLink;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};

use super::sniffer::OwnedFrame;
use crate::capture::LinkType;
use crate::save::{SaveError, SaveSet, SaveTarget};

/// Writes `frames` as a pcap with nanosecond timestamps to `out`. Every
/// frame must be Ethernet (what the loopback sniffer produces).
pub fn write_pcap(out: &mut dyn Write, frames: &[OwnedFrame]) -> io::Result<()> {
    if let Some(f) = frames.iter().find(|f| f.link != LinkType::Ethernet) {
        return Err(io::Error::other(format!(
            "frame with link type {:?}, only Ethernet is supported",
            f.link
        )));
    }
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        snaplen: 262_144,
        ts_resolution: pcap_file::pcap::PcapTsResolution::NanoSecond,
        ..PcapHeader::default()
    };
    let mut w = PcapWriter::with_header(out, header).map_err(pcap_io)?;
    for f in frames {
        let pkt = PcapPacket::new(f.ts, f.data.len() as u32, &f.data[..]).map_err(pcap_io)?;
        w.write_packet(&pkt).map_err(pcap_io)?;
    }
    Ok(())
}

/// pcap-file's error as an I/O error, keeping the OS error when it is one
/// (a full disk must read "no space left on device").
fn pcap_io(e: impl Into<pcap_file::pcap::PcapWriteError>) -> io::Error {
    use pcap_file::pcap::PcapWriteError;
    match e.into() {
        PcapWriteError::Io(e) | PcapWriteError::FieldWriteFailed(_, e) => e,
        other => io::Error::other(other.to_string()),
    }
}

/// Checks `path` ([`SaveTarget::check`]) and writes `frames` there.
pub fn save_pcap(path: &Path, frames: &[OwnedFrame]) -> Result<(), SaveError> {
    let target = SaveTarget::check(path)?;
    let mut set = SaveSet::new();
    set.stage(&target, |w| write_pcap(w, frames))?;
    set.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcap_file::pcap::PcapReader;
    use std::fs::{self, File};
    use std::time::Duration;

    fn frames() -> Vec<OwnedFrame> {
        (0..3u8)
            .map(|i| {
                let mut data = vec![0u8; 14 + 20 + 20];
                data[12] = 0x08;
                data[14] = 0x45;
                data[16..18].copy_from_slice(&40u16.to_be_bytes());
                data[14 + 8] = 64;
                data[14 + 9] = 6;
                data[26..30].copy_from_slice(&[127, 0, 0, 1]);
                data[30..34].copy_from_slice(&[127, 0, 0, 2]);
                data[34..36].copy_from_slice(&5000u16.to_be_bytes());
                data[36..38].copy_from_slice(&40000u16.to_be_bytes());
                data[46] = 0x50;
                data[47] = 0x02 << i;
                OwnedFrame {
                    ts: Duration::new(1_700_000_000 + u64::from(i), 123_456_789),
                    link: LinkType::Ethernet,
                    data,
                }
            })
            .collect()
    }

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.pcap");
        let frames = frames();
        save_pcap(&path, &frames).unwrap();
        let mut r = PcapReader::new(File::open(&path).unwrap()).unwrap();
        assert_eq!(r.header().datalink, DataLink::ETHERNET);
        let mut back = Vec::new();
        while let Some(p) = r.next_packet() {
            let p = p.unwrap();
            back.push(OwnedFrame {
                ts: p.timestamp(),
                link: LinkType::Ethernet,
                data: p.data().to_vec(),
            });
        }
        assert_eq!(back, frames);
        // No temporary file left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");

        match std::process::Command::new("tcpdump")
            .args(["-nn", "-r"])
            .arg(&path)
            .output()
        {
            Ok(o) => {
                assert!(
                    o.status.success(),
                    "tcpdump: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
                let text = String::from_utf8_lossy(&o.stdout);
                assert_eq!(text.lines().count(), 3, "{text}");
                assert!(text.contains("127.0.0.1.5000 > 127.0.0.2.40000"), "{text}");
            }
            Err(_) => eprintln!("note: tcpdump not installed, skipped reading the file with it"),
        }
    }

    #[test]
    fn failure_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.pcap");
        let e = save_pcap(&path, &frames()).unwrap_err();
        assert!(e.to_string().contains("directory does not exist"), "{e}");
        assert!(!path.exists());
    }
}
