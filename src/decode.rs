//! Decoding frames into TCP segments.
//! CONTRACT PLACEHOLDER: replaced by the decoder implementation.

use crate::capture::Frame;
use crate::segment::Segment;

/// What a frame turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decoded {
    /// A TCP segment.
    Tcp(Segment),
    /// Not TCP (ARP, UDP, ICMP ...): counted and skipped.
    NotTcp,
    /// An IP fragment: counted and skipped.
    Fragment,
    /// Malformed or truncated below the TCP header: counted and skipped.
    Malformed,
}

/// Decodes one frame.
pub fn decode(_frame: &Frame<'_>) -> Decoded {
    Decoded::Malformed
}
