//! What the exported figures (`--svg`, `--html`) draw beyond the model's
//! own fields, decided once for both: the phase bands, which segments were
//! lost before their retransmission, the short arrow label, and for a demo
//! capture the socket calls and the kernel's verdict ([`Marks`]).
//! Language-free and pure: it reads a [`Connection`], never changes it.

use crate::conversation::{Connection, Side, Step};
use crate::i18n::Phase;

/// One phase band: consecutive steps of the same [`Phase`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    /// What the band is called.
    pub kind: BandKind,
    /// Index of its first step.
    pub first: usize,
    /// Index of its last step.
    pub last: usize,
}

/// The name of a band: the teardown is named after what it contains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BandKind {
    /// SYN, SYN-ACK, ACK (RFC 9293 §3.5).
    Handshake,
    /// Data and acknowledgments.
    Data,
    /// Both sides sent a FIN: the four-way teardown (RFC 9293 §3.6).
    FourWay,
    /// Both FINs crossed (a side went through CLOSING, RFC 9293 §3.6 case 2).
    Simultaneous,
    /// A teardown with one FIN (the capture ends before the other).
    Teardown,
    /// A RST ends the connection (RFC 9293 §3.5.2).
    Reset,
    /// A RST answers a SYN: nobody listens, the connect is refused
    /// (RFC 9293 §3.10.7.1, §3.10.7.3: a SYN-SENT endpoint accepting the RST).
    Refused,
}

/// The phase bands of `conn`, in order.
pub fn bands(conn: &Connection) -> Vec<Band> {
    let mut out: Vec<(Phase, Band)> = Vec::new();
    for (i, step) in conn.steps().iter().enumerate() {
        let phase = crate::explain::phase_of(step);
        match out.last_mut() {
            Some((p, band)) if *p == phase => band.last = i,
            _ => out.push((
                phase,
                Band {
                    kind: BandKind::Data,
                    first: i,
                    last: i,
                },
            )),
        }
    }
    out.into_iter()
        .map(|(phase, mut band)| {
            band.kind = kind_of(conn, phase, band.first, band.last);
            band
        })
        .collect()
}

/// What the band of `phase` over steps `first..=last` of `conn` is called.
fn kind_of(conn: &Connection, phase: Phase, first: usize, last: usize) -> BandKind {
    let steps = &conn.steps()[first..=last];
    match phase {
        Phase::Handshake => BandKind::Handshake,
        Phase::Data => BandKind::Data,
        Phase::Teardown if (first..=last).any(|i| crate::explain::refused_at(conn, i)) => {
            BandKind::Refused
        }
        Phase::Teardown if steps.iter().any(|s| s.segment.flags.rst()) => BandKind::Reset,
        Phase::Teardown => {
            let fin = |side: Side| {
                steps
                    .iter()
                    .any(|s| s.from == side && s.segment.flags.fin())
            };
            let closing = steps
                .iter()
                .any(|s| s.states.contains(&crate::state::TcpState::Closing));
            if closing {
                BandKind::Simultaneous
            } else if fin(Side::Client) && fin(Side::Server) {
                BandKind::FourWay
            } else {
                BandKind::Teardown
            }
        }
    }
}

/// The kind of the band step `i` of `conn` belongs to (what the TUI's
/// header names the phase): the same as [`bands`] gives, reading only the
/// steps of that band.
pub fn band_at(conn: &Connection, i: usize) -> Option<BandKind> {
    let steps = conn.steps();
    let phase = crate::explain::phase_of(steps.get(i)?);
    if phase != Phase::Teardown {
        return Some(kind_of(conn, phase, i, i));
    }
    let same = |j: usize| crate::explain::phase_of(&steps[j]) == phase;
    let first = (0..i).rev().take_while(|&j| same(j)).last().unwrap_or(i);
    let last = (i + 1..steps.len())
        .take_while(|&j| same(j))
        .last()
        .unwrap_or(i);
    Some(kind_of(conn, phase, first, last))
}

/// Sequence space a step occupies: payload plus one for SYN and FIN.
fn seq_len(step: &Step) -> u32 {
    let f = step.segment.flags;
    step.segment.payload_len + u32::from(f.syn()) + u32::from(f.fin())
}

/// For each step, whether it was lost: a later segment of the same sender
/// is a retransmission of it (same first sequence number) and nothing the
/// peer sent in between acknowledged any of it (RFC 9293 §3.8.1: the
/// retransmission timer ran out). A capture cannot tell a lost segment
/// from a lost acknowledgment; the figure draws what the sender concluded,
/// except when the model has the receiver change state on this very
/// segment: the figure never contradicts the model's states.
pub fn lost(conn: &Connection) -> Vec<bool> {
    let steps = &conn.steps();
    let mut out = vec![false; steps.len()];
    for (i, re) in steps.iter().enumerate() {
        if !re.labels.iter().any(|l| l.is_retransmission()) {
            continue;
        }
        let Some(j) = (0..i).rev().find(|&j| {
            let s = &steps[j];
            s.from == re.from && s.rel_seq == re.rel_seq && seq_len(s) > 0
        }) else {
            continue;
        };
        let first = steps[j].rel_seq;
        let acked = steps[j + 1..i].iter().any(|s| {
            s.from != re.from && s.segment.flags.ack() && (s.rel_ack.wrapping_sub(first) as i32) > 0
        });
        let took_effect = conn
            .transitions()
            .iter()
            .any(|t| t.segment == j && t.endpoint != re.from);
        out[j] = !acked && !took_effect;
    }
    out
}

/// The text above an arrow: the ladder's label, without `len=0`.
pub fn arrow_text(step: &Step, relative: bool) -> String {
    let label = super::text_ladder::arrow_label(step, relative);
    match label.strip_suffix(" len=0") {
        Some(short) => short.to_string(),
        None => label,
    }
}

/// A socket call drawn in its side's lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigCall {
    /// Who called it.
    pub side: Side,
    /// Short form: `connect()`, `recv() → b''`.
    pub text: String,
    /// The step it is drawn before (`steps.len()`: after the last).
    pub before: usize,
    /// Whether step `before` is the first segment it caused (drawn on the
    /// same row, where the segment leaves).
    pub caused: bool,
}

/// What a demo capture adds to a figure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// The calls, in the order they were made.
    pub calls: Vec<FigCall>,
    /// Per side (client, server): whether the kernel's chain of states
    /// agreed with the inferred one; `None` without a kernel trace.
    pub kernel: Option<[bool; 2]>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay;

    fn conn(name: &str) -> Connection {
        let r = replay::load(std::path::Path::new(&format!("captures/{name}"))).unwrap();
        r.connections()[0].clone()
    }

    #[test]
    fn normal_close_has_three_bands_ending_in_four_way_teardown() {
        let b = bands(&conn("normal.pcap"));
        let kinds: Vec<_> = b.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [BandKind::Handshake, BandKind::Data, BandKind::FourWay]
        );
        assert_eq!((b[0].first, b[0].last), (0, 2));
        assert_eq!((b[2].first, b[2].last), (7, 10));
    }

    #[test]
    fn every_demo_scenario_names_its_phases_by_what_happens() {
        use BandKind::*;
        let kinds = |name: &str| -> Vec<Vec<BandKind>> {
            let r = replay::load(std::path::Path::new(&format!("captures/{name}"))).unwrap();
            r.connections()
                .iter()
                .map(|c| bands(c).iter().map(|b| b.kind).collect())
                .collect()
        };
        let close = || vec![Handshake, Data, FourWay];
        assert_eq!(kinds("demo-normal.pcap"), [close()]);
        assert_eq!(kinds("demo-refused.pcap"), [vec![Handshake, Refused]]);
        assert_eq!(kinds("refused.pcap"), [vec![Handshake, Refused]]);
        assert_eq!(kinds("demo-abort.pcap"), [vec![Handshake, Data, Reset]]);
        assert_eq!(kinds("demo-half-close.pcap"), [close()]);
        assert_eq!(kinds("demo-chat.pcap"), [close()]);
        assert_eq!(kinds("demo-server-first.pcap"), [close()]);
        assert_eq!(kinds("demo-reuseaddr.pcap"), [close()]);
        assert_eq!(kinds("demo-second-client.pcap"), [close(), close()]);
        assert_eq!(kinds("demo-backlog.pcap"), [close(), close(), close()]);
        // The header names the phase of a step the way the bands do.
        let r = replay::load(std::path::Path::new("captures/refused-retry.pcap")).unwrap();
        for c in r.connections() {
            for b in bands(c) {
                for i in b.first..=b.last {
                    assert_eq!(band_at(c, i), Some(b.kind));
                }
            }
        }
        let first: Vec<_> = bands(&r.connections()[0]).iter().map(|b| b.kind).collect();
        assert_eq!(first, [Handshake, Refused]);
    }

    #[test]
    fn abort_ends_in_a_reset_band() {
        let b = bands(&conn("abort.pcap"));
        assert_eq!(b.last().map(|b| b.kind), Some(BandKind::Reset));
    }

    #[test]
    fn unacknowledged_data_before_its_retransmission_is_lost() {
        let c = conn("fin-retransmit.pcap");
        let lost: Vec<usize> = lost(&c)
            .iter()
            .enumerate()
            .filter_map(|(i, &l)| l.then_some(i + 1))
            .collect();
        // Segments 4 (data) and 9 (FIN) were each sent again at 5 and 10
        // with no acknowledgment in between, but the model has the server
        // take the first FIN (CLOSE_WAIT at 9): only the data is lost.
        assert_eq!(lost, [4]);
    }

    #[test]
    fn crossing_fins_lost_before_their_retransmissions() {
        let c = conn("simultaneous-close.pcap");
        let lost: Vec<usize> = lost(&c)
            .iter()
            .enumerate()
            .filter_map(|(i, &l)| l.then_some(i + 1))
            .collect();
        assert_eq!(lost, [8, 9]);
    }

    #[test]
    fn nothing_is_lost_in_a_clean_exchange() {
        assert!(lost(&conn("normal.pcap")).iter().all(|l| !l));
    }

    #[test]
    fn arrow_text_omits_zero_length_and_absent_ack() {
        let c = conn("normal.pcap");
        assert_eq!(arrow_text(&c.steps()[0], true), "SYN seq=0");
        assert_eq!(arrow_text(&c.steps()[3], true), "PSH-ACK seq=1 ack=1 len=5");
    }
}
