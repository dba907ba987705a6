//! The frame filter: which frames a reading takes (a tcpdump filter
//! expression, compiled by libpcap's own compiler). Which connections the
//! outputs show once modelled (`--state`, `--flags`, `--min-packets`, the
//! picker's words) is [`crate::conversation::select`], above the model.
//!
//! # Frames
//!
//! `synack replay FILE EXPRESSION` picks the frames `tcpdump -r FILE
//! EXPRESSION` would: the words are joined with spaces, as tcpdump joins
//! them, and compiled by `pcap_compile` (optimised, as tcpdump does) for
//! the link type of each frame's interface; each frame is then run through
//! libpcap's `bpf_filter` with its captured bytes and its length on the
//! wire. A pcapng with interfaces of several link types gets one program
//! per link type, compiled when the first frame of that type comes. A
//! frame the program refuses is not handed out at all: frames are
//! numbered and counted as in the file `tcpdump -w` would write.
//!
//! The program sees the frame as captured: the link header, the outer IP
//! header. What synack decodes itself beyond that (VXLAN, Geneve, GTP-U,
//! GRE, IP-in-IP, fragments reassembled) is past the filter: `tcp port 80`
//! does not match a VXLAN packet carrying port 80 (its outer header is UDP
//! port 4789), as with tcpdump.
//!
//! On `watch` the same program goes to the kernel as the packet socket's
//! filter ([`Program::instructions`]).
//!
//! This module compiles and runs programs on given bytes: it touches no
//! file, terminal, clock or network.

use std::fmt;
use std::sync::OnceLock;

use crate::link::LinkType;

/// Why an expression cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// libpcap's compiler refused the expression for every link type
    /// synack decodes (its reason for Ethernet).
    #[error("filter expression \"{expr}\": {reason}")]
    Bad {
        /// The expression as compiled.
        expr: String,
        /// libpcap's message.
        reason: String,
    },
    /// libpcap's compiler refused it for this link type.
    #[error("filter expression \"{expr}\" cannot be compiled for link type {link}: {reason}")]
    Link {
        /// The expression as compiled.
        expr: String,
        /// The frame's link type.
        link: LinkType,
        /// libpcap's message, or ours for a link type it does not know.
        reason: String,
    },
}

/// A filter expression libpcap compiles for at least one link type
/// synack decodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expression {
    text: String,
}

/// The link types tried when checking an expression, Ethernet first (its
/// reason is the one given when none compiles).
const CHECKED: [LinkType; 8] = [
    LinkType::Ethernet,
    LinkType::Raw,
    LinkType::LinuxSll,
    LinkType::LinuxSll2,
    LinkType::Null,
    LinkType::Ppp,
    LinkType::Ieee80211,
    LinkType::Radiotap,
];

impl Expression {
    /// The expression of the command line's `words` (joined with spaces,
    /// as tcpdump joins them); `None` without words.
    pub fn of_words(words: &[String]) -> Result<Option<Expression>, FilterError> {
        if words.is_empty() {
            return Ok(None);
        }
        Expression::new(&words.join(" ")).map(Some)
    }

    /// `text`, if libpcap compiles it for one of the common link types.
    pub fn new(text: &str) -> Result<Expression, FilterError> {
        let expr = Expression {
            text: text.to_string(),
        };
        let mut first = None;
        for link in CHECKED {
            match expr.program(link) {
                Ok(_) => return Ok(expr),
                Err(FilterError::Link { reason, .. }) => {
                    first.get_or_insert(reason);
                }
                Err(e) => return Err(e),
            }
        }
        Err(FilterError::Bad {
            expr: expr.text,
            reason: first.unwrap_or_default(),
        })
    }

    /// The expression's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The program for frames of link type `link`.
    pub fn program(&self, link: LinkType) -> Result<Program, FilterError> {
        let refused = |reason: String| FilterError::Link {
            expr: self.text.clone(),
            link,
            reason,
        };
        if !link.is_supported() {
            return Err(refused("synack does not decode this link type".into()));
        }
        let dead =
            pcap::Capture::dead(pcap::Linktype(dlt_of(link))).map_err(|e| refused(why(e)))?;
        let bpf = dead
            .compile(&self.text, true)
            .map_err(|e| refused(why(e)))?;
        let insns = bpf.get_instructions();
        const _: () = assert!(
            size_of::<pcap::BpfInstruction>() == size_of::<libc::sock_filter>()
                && align_of::<pcap::BpfInstruction>() == align_of::<libc::sock_filter>()
        );
        // SAFETY: `pcap::BpfInstruction` is `#[repr(transparent)]` over
        // libpcap's `struct bpf_insn` ({u_short code; u_char jt; u_char jf;
        // bpf_u_int32 k;}), which is laid out as Linux's `struct
        // sock_filter` ({__u16 code; __u8 jt; __u8 jf; __u32 k;}): same
        // fields, types, order, size and alignment (asserted above). The
        // slice is borrowed from `bpf`, alive for the copy.
        let insns: &[libc::sock_filter] = unsafe {
            std::slice::from_raw_parts(insns.as_ptr().cast::<libc::sock_filter>(), insns.len())
        };
        Ok(Program {
            insns: insns.to_vec(),
        })
    }
}

impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// libpcap's message without the crate's "libpcap error: " prefix.
fn why(e: pcap::Error) -> String {
    match e {
        pcap::Error::PcapError(s) => s,
        other => other.to_string(),
    }
}

/// The DLT_ value libpcap's compiler takes for a link type: the LINKTYPE_
/// number, except raw IP (LINKTYPE_RAW 101 is DLT_RAW, 12 on Linux), as
/// libpcap's `linktype_to_dlt` maps it when it reads a file.
fn dlt_of(link: LinkType) -> i32 {
    match link {
        LinkType::Raw => 12,
        other => i32::try_from(other.number()).unwrap_or(i32::MAX),
    }
}

unsafe extern "C" {
    /// libpcap's BPF interpreter (pcap/bpf.h): the program's return value
    /// for a packet of `wirelen` bytes on the wire, `buflen` captured.
    fn bpf_filter(pc: *const libc::sock_filter, p: *const u8, wirelen: u32, buflen: u32) -> u32;
}

/// A compiled program: classic BPF instructions.
#[derive(Clone)]
pub struct Program {
    insns: Vec<libc::sock_filter>,
}

impl PartialEq for Program {
    fn eq(&self, other: &Program) -> bool {
        let key = |i: &libc::sock_filter| (i.code, i.jt, i.jf, i.k);
        self.insns.iter().map(key).eq(other.insns.iter().map(key))
    }
}

impl Eq for Program {}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Program")
            .field("instructions", &self.insns.len())
            .finish()
    }
}

impl Program {
    /// Whether the program takes a frame of `data` (as captured) that was
    /// `wire_len` bytes on the wire, as `pcap_offline_filter` decides.
    pub fn matches(&self, data: &[u8], wire_len: u32) -> bool {
        let buflen = u32::try_from(data.len()).unwrap_or(u32::MAX);
        // SAFETY: `insns` is a program pcap_compile produced (never empty:
        // it ends in a return), which libpcap's interpreter reads only
        // within itself; `bpf_filter` reads at most `buflen` bytes of
        // `data` (every load is bounds-checked against `buflen`) and keeps
        // no pointer after returning.
        unsafe { bpf_filter(self.insns.as_ptr(), data.as_ptr(), wire_len, buflen) != 0 }
    }

    /// The instructions, as the kernel's `SO_ATTACH_FILTER` takes them.
    pub fn instructions(&self) -> &[libc::sock_filter] {
        &self.insns
    }
}

/// An expression with its program for Ethernet framing: what a live
/// capture on `lo` or an Ethernet interface receives (`synack watch
/// EXPRESSION`), in the kernel and in user space alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnEthernet {
    expr: Expression,
    program: Program,
}

impl OnEthernet {
    /// `expr` compiled for Ethernet.
    pub fn new(expr: Expression) -> Result<OnEthernet, FilterError> {
        let program = expr.program(LinkType::Ethernet)?;
        Ok(OnEthernet { expr, program })
    }

    /// The expression.
    pub fn expression(&self) -> &Expression {
        &self.expr
    }

    /// Its program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Whether the program takes the whole Ethernet `frame`.
    pub fn matches(&self, frame: &[u8]) -> bool {
        let len = u32::try_from(frame.len()).unwrap_or(u32::MAX);
        self.program.matches(frame, len)
    }
}

/// The filter of one reading: the expression and the programs of the
/// link types met so far.
#[derive(Debug)]
pub struct FrameFilter {
    expr: Expression,
    programs: Vec<(LinkType, Program)>,
}

impl FrameFilter {
    /// A filter applying `expr`.
    pub fn new(expr: Expression) -> FrameFilter {
        FrameFilter {
            expr,
            programs: Vec::new(),
        }
    }

    /// Whether the frame (`link`, captured `data`, `wire_len` on the
    /// wire) passes; an error when the expression cannot be compiled for
    /// `link`.
    pub fn keeps(
        &mut self,
        link: LinkType,
        data: &[u8],
        wire_len: u32,
    ) -> Result<bool, FilterError> {
        let i = match self.programs.iter().position(|(l, _)| *l == link) {
            Some(i) => i,
            None => {
                self.programs.push((link, self.expr.program(link)?));
                self.programs.len() - 1
            }
        };
        Ok(self.programs[i].1.matches(data, wire_len))
    }
}

/// The expression every capture this process reads is filtered with.
static CAPTURES: OnceLock<Expression> = OnceLock::new();

/// Filters every capture the process reads from now on with `expr`
/// (`synack replay FILE EXPRESSION` sets it once, before the first read;
/// every reader, whatever mode opens it, then hands out only the frames
/// that pass). A second call keeps the first expression.
pub fn filter_captures(expr: Expression) {
    let _ = CAPTURES.set(expr);
}

/// A fresh filter for one reading, when [`filter_captures`] set one.
pub fn for_captures() -> Option<FrameFilter> {
    CAPTURES.get().cloned().map(FrameFilter::new)
}

#[cfg(test)]
mod tests;
