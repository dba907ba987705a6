//! Saving captured frames as a classic pcap file (LINKTYPE_ETHERNET, which
//! Linux loopback uses), atomically: written to a temporary file in the same
//! directory, then renamed over the target, so a crash never leaves half a
//! file behind.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use pcap_file::DataLink;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};

use super::LiveError;
use super::sniffer::OwnedFrame;
use crate::capture::LinkType;

/// Writes `frames` to `path` as a pcap with nanosecond timestamps.
/// Every frame must be Ethernet (what the loopback sniffer produces).
pub fn save_pcap(path: &Path, frames: &[OwnedFrame]) -> Result<(), LiveError> {
    let err = |reason: String| LiveError::Pcap {
        path: path.display().to_string(),
        reason,
    };
    if let Some(f) = frames.iter().find(|f| f.link != LinkType::Ethernet) {
        return Err(err(format!(
            "frame with link type {:?}, only Ethernet is supported",
            f.link
        )));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| err("the path has no file name".into()))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = write_file(&tmp, frames);
    let result = result.and_then(|()| fs::rename(&tmp, path).map_err(|e| format!("rename: {e}")));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)
}

fn write_file(tmp: &Path, frames: &[OwnedFrame]) -> Result<(), String> {
    let file = File::create(tmp).map_err(|e| format!("create {}: {e}", tmp.display()))?;
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        snaplen: 262_144,
        ts_resolution: pcap_file::pcap::PcapTsResolution::NanoSecond,
        ..PcapHeader::default()
    };
    let mut w = PcapWriter::with_header(BufWriter::new(file), header).map_err(|e| e.to_string())?;
    for f in frames {
        let pkt =
            PcapPacket::new(f.ts, f.data.len() as u32, &f.data[..]).map_err(|e| e.to_string())?;
        w.write_packet(&pkt).map_err(|e| e.to_string())?;
    }
    let buf = w.into_inner();
    let file = buf.into_inner().map_err(|e| e.to_string())?;
    file.sync_all().map_err(|e| e.to_string())?;
    let mut file = file;
    file.flush().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcap_file::pcap::PcapReader;
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
        assert!(e.to_string().contains("cannot write pcap file"), "{e}");
        assert!(!path.exists());
    }
}
