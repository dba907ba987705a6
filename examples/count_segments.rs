//! Counts the TCP segments in a capture: a quick throughput check of the
//! reader and decoder. `cargo run --release --example count_segments F`
use std::path::PathBuf;

use synack::capture::CaptureReader;
use synack::decode::{Decoded, decode};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: count_segments FILE")?,
    );
    let mut reader = CaptureReader::open(&path)?;
    let (mut frames, mut tcp, mut bytes) = (0u64, 0u64, 0u64);
    while let Some(frame) = reader.next_frame()? {
        frames += 1;
        if let Decoded::Tcp(s) = decode(&frame) {
            tcp += 1;
            bytes += u64::from(s.payload_len);
        }
    }
    println!("{frames} frames, {tcp} TCP segments, {bytes} payload bytes");
    for w in reader.warnings() {
        eprintln!("warning: {w}");
    }
    Ok(())
}
