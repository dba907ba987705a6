//! Reading capture files (pcap, pcapng) as a stream of frames.
//! CONTRACT PLACEHOLDER: replaced by the reader implementation.

use std::time::Duration;

/// Link-layer header type of a frame (LINKTYPE_* numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// LINKTYPE_ETHERNET (1).
    Ethernet,
    /// LINKTYPE_LINUX_SLL (113).
    LinuxSll,
    /// LINKTYPE_LINUX_SLL2 (276).
    LinuxSll2,
    /// LINKTYPE_RAW (101) / DLT_RAW (12, 14).
    Raw,
    /// LINKTYPE_IPV4 (228).
    Ipv4,
    /// LINKTYPE_IPV6 (229).
    Ipv6,
    /// LINKTYPE_NULL (0): BSD loopback, host-order family.
    Null,
    /// LINKTYPE_LOOP (108): OpenBSD loopback, network-order family.
    Loop,
    /// Anything else, by number.
    Other(u32),
}

/// One captured frame, borrowed from the reader's buffer.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// 1-based packet number.
    pub number: u64,
    /// Timestamp since the Unix epoch.
    pub ts: Duration,
    /// Link type of the interface it was captured on.
    pub link: LinkType,
    /// Captured bytes.
    pub data: &'a [u8],
    /// Original length on the wire.
    pub wire_len: u32,
}

/// Errors reading a capture (placeholder).
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// I/O.
    #[error("{file}: {source}")]
    Io {
        /// File.
        file: String,
        /// Cause.
        source: std::io::Error,
    },
}

/// Streaming capture reader (placeholder).
pub struct CaptureReader {
    warnings: Vec<String>,
}

impl CaptureReader {
    /// Opens a capture.
    pub fn open(path: &std::path::Path) -> Result<Self, CaptureError> {
        let _ = std::fs::metadata(path).map_err(|source| CaptureError::Io {
            file: path.display().to_string(),
            source,
        })?;
        Ok(CaptureReader { warnings: vec![] })
    }
    /// Next frame.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        Ok(None)
    }
    /// Warnings.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}
