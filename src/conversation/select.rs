//! Connection filters, applied after modelling: `--state STATE` (either
//! side ends in STATE), `--flags RST,FIN,SYN` (the connection saw each),
//! `--min-packets N`, and the words the picker's `/` matches besides the
//! addresses (states, flags, analysis labels).
//!
//! Pure: reads connections, changes nothing. (The frame filter, a
//! tcpdump expression applied before decoding, is [`crate::filter`].)

use super::{Connection, Seen};
use crate::state::TcpState;

/// A segment flag a connection may have seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// A SYN or a SYN-ACK (RFC 9293 §3.5).
    Syn,
    /// A FIN from either side (§3.6).
    Fin,
    /// A RST from either side (§3.5.2).
    Rst,
}

impl Flag {
    /// The flag named `s` (`RST`, `fin`...).
    pub fn parse(s: &str) -> Result<Flag, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "SYN" => Ok(Flag::Syn),
            "FIN" => Ok(Flag::Fin),
            "RST" => Ok(Flag::Rst),
            _ => Err(format!("{s:?} is not a flag; choose SYN, FIN or RST")),
        }
    }

    /// Whether `seen` holds this flag.
    fn in_seen(self, seen: &Seen) -> bool {
        match self {
            Flag::Syn => seen.syn || seen.syn_ack,
            Flag::Fin => seen.fin_from_client || seen.fin_from_server,
            Flag::Rst => seen.rst,
        }
    }

    /// The flag's name as the picker matches it.
    fn word(self) -> &'static str {
        match self {
            Flag::Syn => "syn",
            Flag::Fin => "fin",
            Flag::Rst => "rst",
        }
    }
}

/// The state named `s`: a netstat name (`TIME_WAIT`), any case, with `-`
/// or `_` (`time-wait`, as RFC 9293 writes them), or a kernel name
/// (`TCP_CLOSE`).
pub fn parse_state(s: &str) -> Result<TcpState, String> {
    let name = s.trim().to_ascii_uppercase().replace('-', "_");
    // RFC 9293 writes FIN-WAIT-1; netstat writes FIN_WAIT1.
    let name = name.replace("WAIT_1", "WAIT1").replace("WAIT_2", "WAIT2");
    TcpState::from_name(&name).ok_or_else(|| {
        let names: Vec<&str> = TcpState::ALL.iter().map(|s| s.name()).collect();
        format!(
            "{s:?} is not a TCP state; choose one of {}",
            names.join(", ")
        )
    })
}

/// Which connections to show; the default shows all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnFilter {
    /// Either side's final state is this.
    pub state: Option<TcpState>,
    /// The connection saw every one of these.
    pub flags: Vec<Flag>,
    /// At least this many packets.
    pub min_packets: Option<u64>,
}

impl ConnFilter {
    /// Whether it shows every connection.
    pub fn is_empty(&self) -> bool {
        self.state.is_none() && self.flags.is_empty() && self.min_packets.is_none()
    }

    /// Whether `c` is shown.
    pub fn matches(&self, c: &Connection) -> bool {
        let seen = c.seen();
        self.state.is_none_or(|s| c.current().contains(&s))
            && self.flags.iter().all(|f| f.in_seen(&seen))
            && self.min_packets.is_none_or(|n| c.packets() >= n)
    }

    /// The filter as the command line said it (`--state TIME_WAIT --flags
    /// FIN`), for messages.
    pub fn describe(&self) -> String {
        let mut v = Vec::new();
        if let Some(s) = self.state {
            v.push(format!("--state {s}"));
        }
        if !self.flags.is_empty() {
            let f: Vec<String> = self
                .flags
                .iter()
                .map(|f| f.word().to_ascii_uppercase())
                .collect();
            v.push(format!("--flags {}", f.join(",")));
        }
        if let Some(n) = self.min_packets {
            v.push(format!("--min-packets {n}"));
        }
        v.join(" ")
    }
}

/// What of a picker search (`/` text, lowercase) names states, flags or
/// labels: worked out once per search, then tried on each connection.
#[derive(Clone, Debug, Default)]
pub struct Words {
    states: Vec<TcpState>,
    flags: Vec<Flag>,
    labels: bool,
    text: String,
}

impl Words {
    /// The states, flags and labels whose names contain `search`
    /// (case-insensitive; `-` matches `_` in state names).
    pub fn of(search: &str) -> Words {
        let f = search.to_ascii_lowercase();
        if f.is_empty() {
            return Words::default();
        }
        let in_state = f.replace('-', "_");
        Words {
            states: TcpState::ALL
                .into_iter()
                .filter(|s| s.name().to_ascii_lowercase().contains(&in_state))
                .collect(),
            flags: [Flag::Syn, Flag::Fin, Flag::Rst]
                .into_iter()
                .filter(|fl| fl.word().contains(&f))
                .collect(),
            labels: LABELS.iter().any(|l| l.contains(&f)),
            text: f,
        }
    }

    /// Whether the search can match no word at all (then only addresses).
    pub fn is_empty(&self) -> bool {
        self.states.is_empty() && self.flags.is_empty() && !self.labels
    }

    /// Whether `c` has a final state, a flag seen or (in the steps held) a
    /// label the search names.
    pub fn match_conn(&self, c: &Connection) -> bool {
        if self.is_empty() {
            return false;
        }
        let seen = c.seen();
        c.current().iter().any(|s| self.states.contains(s))
            || self.flags.iter().any(|f| f.in_seen(&seen))
            || (self.labels
                && c.steps().iter().any(|s| {
                    s.labels
                        .iter()
                        .any(|l| l.text().to_ascii_lowercase().contains(&self.text))
                }))
    }
}

/// Every label's name, lowercase (`Label::text`).
const LABELS: [&str; 15] = [
    "retransmission",
    "fast retransmission",
    "spurious retransmission",
    "out-of-order",
    "previous segment not captured",
    "acked unseen segment",
    "dup ack",
    "zero window",
    "zero window probe",
    "zero window probe ack",
    "window update",
    "window full",
    "keep-alive",
    "keep-alive ack",
    "port numbers reused",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Label;

    #[test]
    fn states_parse_in_every_spelling() {
        for s in [
            "TIME_WAIT",
            "time_wait",
            "time-wait",
            "TIME-WAIT",
            " Time_Wait ",
        ] {
            assert_eq!(parse_state(s), Ok(TcpState::TimeWait), "{s}");
        }
        assert_eq!(parse_state("FIN-WAIT-1"), Ok(TcpState::FinWait1));
        assert_eq!(parse_state("fin_wait2"), Ok(TcpState::FinWait2));
        assert_eq!(parse_state("TCP_CLOSE"), Ok(TcpState::Closed));
        let e = parse_state("TIMEWAIT").unwrap_err();
        assert!(e.contains("\"TIMEWAIT\" is not a TCP state") && e.contains("TIME_WAIT"));
    }

    #[test]
    fn flags_parse_in_any_case() {
        assert_eq!(Flag::parse("rst"), Ok(Flag::Rst));
        assert_eq!(Flag::parse("FIN"), Ok(Flag::Fin));
        assert_eq!(Flag::parse("Syn"), Ok(Flag::Syn));
        assert!(Flag::parse("ACK").unwrap_err().contains("SYN, FIN or RST"));
    }

    /// The label names above are every label's own name, lowercase.
    #[test]
    fn label_words_are_the_labels_names() {
        let all = [
            Label::Retransmission,
            Label::FastRetransmission,
            Label::SpuriousRetransmission,
            Label::OutOfOrder,
            Label::LostSegment,
            Label::AckedUnseen,
            Label::DupAck(1),
            Label::ZeroWindow,
            Label::ZeroWindowProbe,
            Label::ZeroWindowProbeAck,
            Label::WindowUpdate,
            Label::WindowFull,
            Label::KeepAlive,
            Label::KeepAliveAck,
            Label::PortsReused,
        ];
        let names: Vec<String> = all.iter().map(|l| l.text().to_ascii_lowercase()).collect();
        assert_eq!(names, LABELS);
    }

    #[test]
    fn words_name_states_flags_and_labels() {
        let w = Words::of("TIME_WAIT");
        assert_eq!(w.states, [TcpState::TimeWait]);
        assert!(w.flags.is_empty() && !w.labels);
        let w = Words::of("wait");
        assert_eq!(w.states.len(), 4, "{:?}", w.states);
        let w = Words::of("/RST".trim_start_matches('/'));
        assert_eq!(w.flags, [Flag::Rst]);
        let w = Words::of("retrans");
        assert!(w.labels && w.states.is_empty());
        assert!(Words::of("10.0.0.1").is_empty());
        assert!(Words::of("").is_empty());
    }
}
