//! `synack watch --print`: the replay's ladder, streamed one segment at a
//! time. A connection's head is printed when its first segment arrives;
//! when segments of several connections interleave, a short line says
//! which connection the next step belongs to. A step's states can be
//! revised by a later segment (a receiver's ACK shows it had not processed
//! a FIN yet): the revision is printed as a line of its own, since printed
//! lines cannot change. Pure: returns text.

use std::fmt::Write;

use crate::conversation::{Connection, Side};
use crate::i18n::Lang;
use crate::i18n::watch::{self as wt, PrintKernel};
use crate::output::{self, Style};
use crate::state::TcpState;
use crate::truth::chain_text;

use super::kernel::{KernelVerdict, SideVerdict};

/// What was printed of one connection.
#[derive(Default)]
struct Shown {
    /// States printed for each step.
    states: Vec<[TcpState; 2]>,
    /// The kernel's verdict was printed.
    kernel: bool,
    /// The step limit was reported.
    capped: bool,
}

/// The streaming printer's state.
pub struct Printer {
    style: Style,
    shown: Vec<Shown>,
    last: Option<usize>,
}

impl Printer {
    /// A printer; times are shown since `style.origin` (set it from the
    /// first segment with [`Printer::set_origin`]).
    pub fn new(style: Style) -> Printer {
        Printer {
            style,
            shown: Vec::new(),
            last: None,
        }
    }

    /// Sets the time origin (the first segment's timestamp).
    pub fn set_origin(&mut self, origin: std::time::Duration) {
        self.style.origin = origin;
    }

    /// The lines for everything of `conn` not printed yet: its head on
    /// first sight, a note when the previous line was another
    /// connection's, revised states, then each new step.
    pub fn update(&mut self, conn: &Connection) -> String {
        let mut out = String::new();
        let i = conn.index();
        while self.shown.len() <= i {
            self.shown.push(Shown::default());
        }
        let shown = &self.shown[i];
        let revised: Vec<usize> = (0..shown.states.len())
            .filter(|&k| shown.states[k] != conn.steps()[k].states)
            .collect();
        let new_steps = shown.states.len()..conn.steps().len();
        let cap_note = conn.steps_not_kept() > 0 && !shown.capped;
        if revised.is_empty() && new_steps.is_empty() && !cap_note {
            return out;
        }
        if shown.states.is_empty() {
            if self.last.is_some() {
                out.push('\n');
            }
            let title = wt::print_title(
                self.style.lang,
                i,
                &conn.client().to_string(),
                &conn.server().to_string(),
                self.style.relative,
            );
            let _ = writeln!(out, "{}", output::paint(&title, "1", &self.style));
            out.push_str(&output::ladder_head(conn, &self.style));
        } else if self.last != Some(i) {
            let _ = writeln!(
                out,
                "{}",
                wt::print_switch(
                    self.style.lang,
                    i,
                    &conn.client().to_string(),
                    &conn.server().to_string()
                )
            );
        }
        self.last = Some(i);
        let shown = &mut self.shown[i];
        for k in revised {
            let now = conn.steps()[k].states;
            let _ = writeln!(
                out,
                "{}",
                wt::print_revised(self.style.lang, k + 1, now[0].name(), now[1].name())
            );
            shown.states[k] = now;
        }
        for k in new_steps {
            let prev = match k {
                0 => conn.initial,
                _ => conn.steps()[k - 1].states,
            };
            out.push_str(&output::ladder_step(conn, k, prev, &self.style));
            shown.states.push(conn.steps()[k].states);
        }
        if cap_note {
            shown.capped = true;
            let _ = writeln!(
                out,
                "{}",
                wt::print_capped(self.style.lang, i, conn.steps().len())
            );
        }
        out
    }

    /// The kernel's verdict on `conn`, once (empty when already printed).
    pub fn kernel(&mut self, conn: &Connection, verdict: &KernelVerdict) -> String {
        let i = conn.index();
        while self.shown.len() <= i {
            self.shown.push(Shown::default());
        }
        if std::mem::replace(&mut self.shown[i].kernel, true) {
            return String::new();
        }
        self.last = None;
        verdict_lines(conn, verdict, self.style.lang)
    }
}

/// The kernel's view of one connection in words, as the demo prints it.
pub fn verdict_lines(conn: &Connection, verdict: &KernelVerdict, lang: Lang) -> String {
    let mut out = String::new();
    let head = wt::print_kernel_head(lang, conn.index());
    let none = |why| wt::print_kernel_none(lang, why);
    match verdict {
        KernelVerdict::Unavailable(why) => {
            let _ = writeln!(out, "{head}{}", none(PrintKernel::Unavailable(why)));
        }
        KernelVerdict::NotHere => {
            let _ = writeln!(out, "{head}{}", none(PrintKernel::NotHere));
        }
        KernelVerdict::MidStream => {
            let _ = writeln!(out, "{head}{}", none(PrintKernel::MidStream));
        }
        KernelVerdict::Sides(sides) => {
            let _ = writeln!(out, "{head}{}", none(PrintKernel::Heading));
            for (side, v) in [Side::Client, Side::Server].iter().zip(sides) {
                let line = match v {
                    SideVerdict::NotHere => wt::print_kernel_side(lang, *side, None, None),
                    SideVerdict::Compared(v) => {
                        let inferred = (!v.agrees()).then(|| chain_text(&v.inferred));
                        wt::print_kernel_side(
                            lang,
                            *side,
                            Some(&chain_text(&v.kernel)),
                            inferred.as_deref(),
                        )
                    }
                };
                let _ = writeln!(out, "{line}");
                if let SideVerdict::Compared(v) = v
                    && let Some(state) = v.handed_over
                {
                    let note = crate::i18n::print::kernel_hand_over(lang, *side, state);
                    let _ = writeln!(out, "{note}");
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Tracker;

    /// Streaming a real capture segment by segment prints the same steps
    /// as the replay's whole ladder.
    #[test]
    fn streaming_prints_the_replays_ladder() {
        let replay = crate::replay::load(std::path::Path::new("captures/normal.pcap")).unwrap();
        let style = Style {
            relative: true,
            color: false,
            origin: replay.origin.unwrap(),
            lang: crate::i18n::Lang::En,
        };
        let whole = output::ladder(&replay.connections()[0], &style);
        let mut tracker = Tracker::new();
        let mut p = Printer::new(style);
        let mut streamed = String::new();
        for step in replay.connections()[0].steps() {
            let (c, _) = tracker.ingest(step.segment.clone());
            streamed.push_str(&p.update(&tracker.connections()[c]));
        }
        // Same lines but the head's packet count.
        let strip = |s: &str| -> Vec<String> {
            s.lines()
                .filter(|l| !l.starts_with("connection "))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(strip(&streamed), strip(&whole));
        assert!(streamed.starts_with("connection 0: client "), "{streamed}");
    }

    /// Crossing FINs: a later segment rewrites a printed state, and the
    /// stream says so.
    #[test]
    fn a_revised_state_is_printed() {
        let replay =
            crate::replay::load(std::path::Path::new("captures/simultaneous-close.pcap")).unwrap();
        let conn = &replay.connections()[0];
        let mut tracker = Tracker::new();
        let mut p = Printer::new(Style {
            relative: true,
            color: false,
            origin: replay.origin.unwrap(),
            lang: crate::i18n::Lang::En,
        });
        let mut streamed = String::new();
        let mut at_first_sight = Vec::new();
        for step in conn.steps() {
            let (c, k) = tracker.ingest(step.segment.clone());
            at_first_sight.push(tracker.connections()[c].steps()[k].states);
            streamed.push_str(&p.update(&tracker.connections()[c]));
        }
        let final_states: Vec<[TcpState; 2]> = conn.steps().iter().map(|s| s.states).collect();
        assert_eq!(p.shown[0].states, final_states);
        assert_ne!(at_first_sight, final_states, "this capture has a revision");
        assert!(streamed.contains("revised"), "{streamed}");
    }
}
