//! `synack watch` in the terminal: the walk-through of a replay, fed live.
//! Connections appear in the picker as they start; the walked connection's
//! ladder grows segment by segment while *following* (the default:
//! stepping back pauses it, `End` resumes it, and a new connection is
//! followed once the walked one has finished); the kernel column compares
//! each side with the kernel's own transitions, or says the socket is not
//! on this machine. With nothing captured yet, the screen says what to do.
//!
//! Pure state like the rest of [`App`]: the watch thread
//! ([`crate::watch::worker`]) sends [`WatchEvent`]s inside
//! [`AppEvent::Watch`]; this module only reads and renders them.
//!
//! ```text
//!  watch thread: Watch::pump ─ AppEvent::Watch(WatchEvent::{Frame, Decoded, Kernel, TimeWait, Counts}) ─▶ App
//! ```

use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

use anyhow::Result;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{Action, App, Mode, View};
use super::live::kernel::{alert, verdict_lines};
use super::terminal::AppEvent;
use super::{UiOptions, diagram, explain, ladder_panel};
use crate::conversation::{Side, Tracker};
use crate::i18n::watch::{self as wt, WatchText};
use crate::watch::batch::finished;
use crate::watch::{
    CaptureCounts, KernelVerdict, KernelView, STEP_LIMIT, SideVerdict, Watch, WatchEvent,
};

/// Frame bytes kept for the hex dump, in all (later frames have none).
pub const FRAME_BYTES_MAX: usize = 64 << 20;

/// The watch's share of the UI state.
pub struct WatchUi {
    /// The interface watched.
    pub iface: String,
    /// What is watched on it (ports for the empty-state hint).
    pub filter: crate::live::frame_filter::Filter,
    /// The kernel's view so far.
    pub kernel: KernelView,
    /// Frame bytes (frame 1 first), up to [`FRAME_BYTES_MAX`].
    pub frames: Vec<Vec<u8>>,
    frame_bytes: usize,
    /// Frames arrived after the hex-dump store was full.
    pub frames_not_kept: u64,
    /// The capture's counters.
    pub counts: CaptureCounts,
    /// Follow new segments (and new connections once the walked one ends).
    pub follow: bool,
}

impl WatchUi {
    /// The state for a watch that just started.
    pub fn new(watch: &Watch) -> WatchUi {
        WatchUi {
            iface: watch.iface().to_string(),
            filter: watch.filter().clone(),
            kernel: watch.kernel_view(),
            frames: Vec::new(),
            frame_bytes: 0,
            frames_not_kept: 0,
            counts: CaptureCounts::default(),
            follow: true,
        }
    }

    /// A watch of `description` on `ports`, nothing captured yet (tests).
    #[cfg(test)]
    pub fn for_test(iface: &str, ports: Vec<u16>, kernel: KernelView) -> WatchUi {
        WatchUi {
            iface: iface.to_string(),
            filter: crate::live::frame_filter::Filter {
                ports,
                ..Default::default()
            },
            kernel,
            frames: Vec::new(),
            frame_bytes: 0,
            frames_not_kept: 0,
            counts: CaptureCounts::default(),
            follow: true,
        }
    }

    /// What this screen caps, when it does: hex dumps, steps, kernel
    /// transitions.
    pub fn caps(&self, app: &App) -> Vec<String> {
        let mut out = Vec::new();
        if self.frames_not_kept > 0 {
            out.push(wt::cap_hex(app.lang, FRAME_BYTES_MAX >> 20));
        }
        if app.connection().is_some_and(|c| c.steps_not_kept() > 0) {
            out.push(wt::cap_steps(app.lang, STEP_LIMIT));
        }
        if self.kernel.capped() {
            out.push(wt::cap_kernel(app.lang, self.kernel.dropped));
        }
        out
    }

    /// `lo, port 8090` in the UI's language.
    pub fn description(&self, lang: crate::i18n::Lang) -> String {
        wt::watch_description(lang, &self.iface, &self.filter)
    }
}

impl From<WatchEvent> for AppEvent {
    fn from(ev: WatchEvent) -> AppEvent {
        AppEvent::Watch(ev)
    }
}

impl App {
    /// Turns this App into a watch's.
    pub fn with_watch(mut self, w: WatchUi) -> App {
        self.source = super::app::Source::Watch(w);
        self
    }

    /// Handles a watch event; returns whether to redraw.
    pub(super) fn watch_event(&mut self, ev: WatchEvent) -> bool {
        let Some(w) = self.source.watch_mut() else {
            return false;
        };
        match ev {
            WatchEvent::Frame(bytes) => {
                if w.frame_bytes + bytes.len() <= FRAME_BYTES_MAX {
                    w.frame_bytes += bytes.len();
                    w.frames.push(bytes);
                } else {
                    w.frames_not_kept += 1;
                }
                false
            }
            WatchEvent::Decoded(decoded) => {
                let follow = w.follow;
                let Some((c, _)) = self.ingest(decoded) else {
                    return false;
                };
                if follow {
                    let walked_done = self.connection().is_none_or(finished);
                    if c != self.walk.conn && walked_done && c > self.walk.conn {
                        self.walk.conn = c;
                        self.view.top = 0;
                    }
                    if c == self.walk.conn {
                        self.walk.pos = self.len();
                        self.view.pinned = false;
                    }
                }
                true
            }
            WatchEvent::Kernel(k) => {
                w.kernel.push(&k);
                true
            }
            WatchEvent::TimeWait(tw) => {
                w.kernel.add_timewait(&tw);
                true
            }
            WatchEvent::Counts(c) => {
                let changed = w.counts != c;
                w.counts = c;
                changed
            }
        }
    }

    /// Before the walk handles `action`: stepping back pauses following,
    /// `End` resumes it.
    pub(super) fn watch_before(&mut self, action: Action) {
        let Some(w) = self.source.watch_mut() else {
            return;
        };
        let walking = matches!(self.mode, Mode::Walk | Mode::Details);
        match action {
            Action::Prev | Action::First | Action::PrevPhase | Action::Select(_) if walking => {
                w.follow = false;
            }
            Action::Scroll(d) if walking && d < 0 => w.follow = false,
            Action::Last if walking => w.follow = true,
            _ => {}
        }
    }

    /// After the walk handled `action`: a connection chosen in the picker
    /// is shown whole and followed.
    pub(super) fn watch_after(&mut self, action: Action) {
        if self.source.watch().is_none() || action != Action::Choose || self.mode != Mode::Walk {
            return;
        }
        self.walk.pos = self.len();
        if let Some(w) = self.source.watch_mut() {
            w.follow = true;
        }
    }

    /// The kernel's view of the walked connection.
    pub fn watch_verdict(&self) -> Option<KernelVerdict> {
        let w = self.source.watch()?;
        Some(w.kernel.verdict(self.connection()?))
    }
}

/// The empty-state hint: what to run.
fn hint_lines(app: &App, w: &WatchUi) -> Vec<Line<'static>> {
    let th = app.theme();
    let lang = app.lang;
    let t = |x: WatchText| wt::watch_text(lang, x);
    let ports = &w.filter.ports;
    let mut out = vec![
        Line::from(Span::styled(
            wt::nothing_yet(lang, &w.description(lang)),
            th.title(),
        )),
        Line::from(""),
        Line::from(Span::styled(
            wt::start_server(lang, ports.first().copied()),
            th.accent(),
        )),
        Line::from(Span::styled(t(WatchText::EachConnection), th.base())),
        Line::from(""),
    ];
    if ports.contains(&8090) || ports.is_empty() {
        out.push(Line::from(Span::styled(t(WatchText::Tutorial), th.base())));
        out.push(Line::from(Span::styled(
            format!(
                "    python3 captures/scenarios/server.py      {}",
                t(WatchText::InOneTerminal)
            ),
            th.side(Side::Server),
        )));
        out.push(Line::from(Span::styled(
            format!(
                "    python3 captures/scenarios/client.py      {}",
                t(WatchText::InAnother)
            ),
            th.side(Side::Client),
        )));
        out.push(Line::from(""));
    }
    if ports.is_empty() {
        out.push(Line::from(Span::styled(t(WatchText::AllTcpHint), th.dim())));
    }
    out.push(Line::from(Span::styled(t(WatchText::QuitHint), th.dim())));
    out
}

/// The status line: following or paused, counts, and what is capped.
fn status_line(app: &App, w: &WatchUi) -> Line<'static> {
    let th = app.theme();
    let n = app.tracker.connections().len();
    let lang = app.lang;
    let mode = if w.follow {
        Span::styled(
            wt::watch_text(lang, WatchText::Following),
            th.accent().add_modifier(Modifier::BOLD),
        )
    } else {
        Span::styled(wt::watch_text(lang, WatchText::Paused), th.dim())
    };
    let mut spans = vec![
        mode,
        Span::styled(
            wt::counts(lang, &w.description(lang), n, w.counts.frames),
            th.base(),
        ),
    ];
    let dropped = wt::dropped(lang, w.counts.dropped);
    spans.push(if w.counts.dropped > 0 {
        Span::styled(dropped, alert(app))
    } else {
        Span::styled(dropped, th.base())
    });
    for cap in w.caps(app) {
        spans.push(Span::styled(wt::capped(lang, &cap), alert(app)));
    }
    Line::from(spans)
}

/// The kernel panel's lines for the walked connection.
fn kernel_lines(app: &App) -> Vec<Line<'static>> {
    let th = app.theme();
    let t = |x: WatchText| wt::watch_text(app.lang, x);
    let Some(verdict) = app.watch_verdict() else {
        return vec![Line::from(Span::styled(
            t(WatchText::NoConnectionYet),
            th.dim(),
        ))];
    };
    match verdict {
        KernelVerdict::Unavailable(why) => vec![Line::from(Span::styled(
            wt::kernel_unavailable(app.lang, &why),
            alert(app),
        ))],
        KernelVerdict::NotHere => vec![Line::from(Span::styled(t(WatchText::NotHere), th.dim()))],
        KernelVerdict::MidStream => {
            vec![Line::from(Span::styled(t(WatchText::MidStream), th.dim()))]
        }
        KernelVerdict::Sides(sides) => {
            let mut compared = Vec::new();
            let mut out = Vec::new();
            for (side, v) in [Side::Client, Side::Server].into_iter().zip(sides) {
                match v {
                    SideVerdict::NotHere => out.push(Line::from(vec![
                        Span::styled(format!("{:<7}", app.s().side(side)), th.side(side)),
                        Span::styled(t(WatchText::NotHere), th.dim()),
                    ])),
                    SideVerdict::Compared(v) => compared.push(v),
                }
            }
            let mut lines = verdict_lines(app, &compared, true);
            lines.extend(out);
            lines
        }
    }
}

/// Draws the watch's body: status line, then the hint (nothing yet) or
/// ladder_panel, kernel column and explanation.
pub fn render_body(frame: &mut Frame, app: &App, w: &WatchUi, view: &mut View, body: Rect) {
    let th = app.theme();
    let [status, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
    frame.render_widget(Paragraph::new(status_line(app, w)).style(th.base()), status);
    if app.tracker.connections().is_empty() {
        let block = th.panel("synack watch");
        frame.render_widget(
            Paragraph::new(hint_lines(app, w))
                .block(block)
                .style(th.base())
                .wrap(Wrap { trim: false }),
            rest,
        );
        return;
    }
    let kernel = kernel_lines(app);
    let kh = (kernel.len() as u16 + 2).min(rest.height / 3).max(3);
    let draw_kernel = |frame: &mut Frame, area: Rect| {
        frame.render_widget(
            Paragraph::new(kernel.clone())
                .block(th.panel(wt::watch_text(app.lang, WatchText::KernelTitle)))
                .style(th.base())
                .wrap(Wrap { trim: false }),
            area,
        );
    };
    let diagram_on = app.diagram == crate::ui::app::DiagramPanel::Shown;
    if rest.width >= 120 {
        let right = if diagram_on {
            Constraint::Length(diagram::WIDTH.min(rest.width - 60))
        } else {
            Constraint::Percentage(42)
        };
        let [left, right] = Layout::horizontal([Constraint::Min(60), right]).areas(rest);
        ladder_panel::render(frame, app, view, left);
        let [k, e] =
            Layout::vertical([Constraint::Length(kh + 2), Constraint::Min(3)]).areas(right);
        draw_kernel(frame, k);
        if diagram_on {
            let (d, rest) = diagram::take_rows(e);
            diagram::render(frame, app, d);
            if let Some(rest) = rest {
                explain::render(frame, app, rest);
            }
        } else {
            explain::render(frame, app, e);
        }
    } else if diagram_on {
        // The diagram in place of the ladder, whole where it fits (80×24);
        // the kernel column below it when rows are left.
        let (d, rest) = diagram::take_rows(rest);
        diagram::render(frame, app, d);
        if let Some(rest) = rest {
            draw_kernel(frame, rest);
        }
    } else {
        // `e`: the explanation where the kernel column was, a little taller.
        let low = if app.explain_over { kh.max(9) } else { kh };
        let [top, k] = Layout::vertical([Constraint::Min(4), Constraint::Length(low)]).areas(rest);
        ladder_panel::render(frame, app, view, top);
        if app.explain_over {
            explain::render(frame, app, k);
        } else {
            draw_kernel(frame, k);
        }
    }
}

/// Runs the watch in the terminal until the user quits (or a quit
/// signal): a worker thread owns the capture and feeds the App through
/// `tx`/`rx`, the channel [`super::quit_on_signals`] also sends to.
/// Returns the lines to report on stderr once the terminal is restored.
pub fn run(
    watch: Watch,
    opts: UiOptions,
    tx: Sender<AppEvent>,
    rx: Receiver<AppEvent>,
    save: Option<crate::demo::SavePlan>,
) -> Result<Vec<String>> {
    let ui = WatchUi::new(&watch);
    let worker = crate::watch::worker::spawn(watch, tx.clone(), save);
    let app = App::new(Tracker::new().with_step_limit(STEP_LIMIT), opts).with_watch(ui);
    super::spawn_input(tx);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| super::run_app(app, rx)));
    let lines = worker.shutdown(Duration::from_secs(8));
    match result {
        Ok(r) => r.map(|()| lines),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::testdata::{demo_tracker, screen};

    fn watching() -> App {
        let ui = WatchUi {
            iface: "lo".into(),
            filter: Default::default(),
            kernel: KernelView::new(Vec::new(), Some("test".into())),
            frames: Vec::new(),
            frame_bytes: 0,
            frames_not_kept: 0,
            counts: CaptureCounts::default(),
            follow: true,
        };
        let opts = UiOptions {
            conn: Some(0),
            file_name: "lo".into(),
            ..UiOptions::default()
        };
        App::new(demo_tracker(), opts).with_watch(ui)
    }

    #[test]
    fn the_header_names_no_paused_playback_above_following() {
        let mut app = watching();
        let text = screen(&mut app, 120, 36);
        assert!(text.contains("● following"), "{text}");
        assert!(!text.contains("paused 2 steps/s"), "{text}");
    }

    #[test]
    fn at_80_by_24_e_shows_the_explanation_and_s_the_whole_diagram() {
        let mut app = watching();
        app.update(Action::Select(3));
        let text = screen(&mut app, 80, 24);
        assert!(
            text.contains("e explanation"),
            "the footer names e:\n{text}"
        );
        assert!(!text.contains("Explanation"), "{text}");
        app.update(Action::ToggleExplain);
        let text = screen(&mut app, 80, 24);
        assert!(
            text.contains("Explanation") && text.contains("Ladder"),
            "{text}"
        );
        app.update(Action::ToggleExplain);
        app.update(Action::ToggleDiagram);
        let text = screen(&mut app, 80, 24);
        crate::ui::testdata::assert_whole(
            &text,
            &["│ LISTEN │", "│ CLOSE_WAIT │", "┤ LAST_ACK │", "filled box"],
        );
        // Wide: the diagram beside the ladder, under the kernel column.
        let text = screen(&mut app, 160, 48);
        assert!(
            text.contains("Ladder") && text.contains("┤ LAST_ACK │"),
            "{text}"
        );
    }
}
