//! The terminal UI: walk one TCP connection step by step as a ladder
//! diagram, with both endpoints' states, an explanation of each step, the
//! RFC 9293 state diagram, packet details and a connection picker.
//!
//! Layout at 160×48 (the right column goes below the ladder when the window
//! is narrower than 120 columns; overlays cover the body):
//!
//! ```text
//! ┌ header: file · connection · step i/n · phase · play · numbers ────────┐
//! │┌ Ladder ──────────────────────────────┐┌ TCP state diagram ────────┐ │
//! ││      10.0.0.1:40000    10.0.0.2:80   ││ ┌────────┐   ┌────────┐   │ │
//! ││ CLOSED        │            │ LISTEN  ││ │C LISTEN│◄──┤ CLOSED │   │ │
//! ││ SYN_SENT      │──SYN──────►│ SYN_RECV││ └────────┘   └────────┘   │ │
//! ││  ↳ client: CLOSED → SYN_SENT · cause ││  (toggle with s)          │ │
//! ││ ESTABLISHED   │◄─SYN-ACK───│ SYN_RECV│├ Explanation ──────────────┤ │
//! ││▶ …                                   ││ What happens / State      │ │
//! ││  … 9 more segments hidden            ││ changes / Socket calls    │ │
//! │└──────────────────────────────────────┘└───────────────────────────┘ │
//! └ footer: key hints ────────────────────────────────────────────────────┘
//!   overlays: Packet details (d), Connections (c), Help (?)
//! ```
//!
//! [`App`] is pure state updated by [`Action`]s (no terminal), its frames
//! come from one [`Source`] (a file, the live demo or a watch) with that
//! source's own state and events, panels are functions of `&App` (the
//! ladder and the quiz keep their scroll memory and click targets in a
//! `&mut` [`View`], as ratatui's stateful widgets do), and only
//! [`run_app`]'s loop owns the terminal. The UI reads the conversation
//! model and must not change it, except by feeding it what a source
//! decoded through [`App::ingest`] (a file loading in the background
//! through its batches).

mod app;
mod details;
mod diagram;
mod explain;
mod header;
mod help;
mod keys;
mod ladder_panel;
pub mod live;
mod open;
mod picker;
mod quiz;
mod terminal;
pub mod testdata;
mod theme;
pub mod watch;
mod wrap;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_zh;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Clear, Paragraph, Wrap};

pub use app::{
    Action, App, DiagramPanel, FileSource, FrameStore, Load, LoadEnd, Mode, Picker, SPEEDS,
    SortKey, Source, TICK, View, Walk,
};
pub use keys::action_for;
pub use open::{
    READ_WHOLE_MAX, Walked, loading_app, no_such_connection, read_showing_progress,
    source_showing_progress, walk_file, walk_keep,
};
pub use terminal::{AppEvent, quit_on_signals, run_app, run_until_quit, spawn_input};
pub use theme::ThemeName;

use crate::i18n::{Lang, Text};

/// Smallest usable window.
pub const MIN_SIZE: (u16, u16) = (60, 20);

/// Options of the UI chosen on the command line.
#[derive(Clone, Debug, Default)]
pub struct UiOptions {
    /// Language of every text.
    pub lang: Lang,
    /// Colour theme at start.
    pub theme: ThemeName,
    /// Connection to walk; `None` opens the picker when there are several.
    pub conn: Option<usize>,
    /// Capture file name, shown in the header.
    pub file_name: String,
    /// Start in quiz mode (`--quiz`).
    pub quiz: bool,
}

impl App {
    /// Draws the whole screen, keeping the scroll memory and the click
    /// targets in the App's [`View`] (taken out for the draw, so that
    /// drawing reads the App and writes only the view).
    pub fn draw(&mut self, frame: &mut Frame) {
        let mut view = std::mem::take(&mut self.view);
        draw(frame, self, &mut view);
        self.view = view;
    }
}

/// Draws the whole screen for `app`; `view` is the panels' memory between
/// frames (where the ladder scrolled to, what was drawn where).
pub fn draw(frame: &mut Frame, app: &App, view: &mut View) {
    let area = frame.area();
    let theme = app.theme();
    frame.render_widget(Clear, area);
    frame.render_widget(ratatui::widgets::Block::new().style(theme.base()), area);
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let msg = app.t(Text::TooSmall);
        let y = area.height / 2;
        let r = Rect::new(area.x, area.y + y, area.width, 1.min(area.height));
        frame.render_widget(
            Paragraph::new(msg)
                .style(theme.base())
                .alignment(ratatui::layout::Alignment::Center)
                .wrap(Wrap { trim: true }),
            r,
        );
        return;
    }
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(frame, app, head);
    header::render_footer(frame, app, foot);
    let (body, whole) = (quiz_panel(frame, app, view, body), body);

    match &app.source {
        Source::Watch(w) => {
            watch::render_body(frame, app, w, view, body);
            overlays(frame, app, body, body.width >= 120, body);
            return;
        }
        Source::Demo(d) => {
            live::render_body(frame, app, d, view, body);
            overlays(frame, app, whole, body.width >= 120, body);
            return;
        }
        Source::File(_) => {}
    }
    let wide = body.width >= 120;
    let diagram_on = app.diagram == app::DiagramPanel::Shown;
    let (main, side) = if wide {
        let right = if diagram_on {
            Constraint::Length(diagram::WIDTH.min(body.width - 60))
        } else {
            Constraint::Percentage(42)
        };
        let [l, r] = Layout::horizontal([Constraint::Min(60), right]).areas(body);
        (l, r)
    } else {
        let expl = (body.height * 2 / 5).max(7);
        let [t, b] = Layout::vertical([Constraint::Min(5), Constraint::Length(expl)]).areas(body);
        (t, b)
    };
    if wide {
        ladder_panel::render(frame, app, view, main);
        if diagram_on {
            let h = diagram::HEIGHT.min(side.height.saturating_sub(6));
            let [d, e] = Layout::vertical([Constraint::Length(h), Constraint::Min(3)]).areas(side);
            diagram::render(frame, app, d);
            explain::render(frame, app, e);
        } else {
            explain::render(frame, app, side);
        }
    } else if quiz::busy(app) {
        // The quiz panel holds the question or the reasons: the ladder
        // takes the explanation's room.
        if diagram_on {
            diagram::render(frame, app, body);
        } else {
            ladder_panel::render(frame, app, view, body);
        }
    } else if diagram_on && main.height < diagram::HEIGHT {
        // Too low for the diagram above the explanation (80×24): the
        // diagram takes the rows it needs, the explanation the rest.
        let (dg, rest) = diagram::take_rows(body);
        diagram::render(frame, app, dg);
        if let Some(rest) = rest {
            explain::render(frame, app, rest);
        }
    } else {
        if diagram_on {
            diagram::render(frame, app, main);
        } else {
            ladder_panel::render(frame, app, view, main);
        }
        explain::render(frame, app, side);
    }

    overlays(frame, app, whole, wide, side);
}

/// Draws the quiz panel at the bottom of `body` when the quiz is on and
/// returns the rest.
fn quiz_panel(frame: &mut Frame, app: &App, view: &mut View, body: Rect) -> Rect {
    if !app.quiz.on {
        return body;
    }
    // A question may take all but five rows (the ladder keeps its last
    // steps in view); a verdict at most half, its reasons clipped (the
    // explanation panel has them too).
    // The live demo's code panel needs its rows more: a third there.
    let cap = if app.quiz.question.is_some() {
        body.height.saturating_sub(5)
    } else if app.source.demo().is_some() {
        body.height / 3
    } else {
        body.height / 2
    };
    let h = quiz::height(app, body.width).min(cap);
    let [rest, panel] = Layout::vertical([Constraint::Min(1), Constraint::Length(h)]).areas(body);
    quiz::render(frame, app, view, panel);
    rest
}

/// Draws the overlay of the current mode, if any.
fn overlays(frame: &mut Frame, app: &App, body: Rect, wide: bool, side: Rect) {
    match app.mode {
        Mode::Scenarios => live::render_scenarios(frame, app, body),
        Mode::Details => {
            let r = if wide { side } else { body };
            frame.render_widget(Clear, r);
            details::render(frame, app, r);
        }
        Mode::Picker | Mode::Filter => {
            frame.render_widget(Clear, body);
            picker::render(frame, app, body);
        }
        Mode::Help => {
            // Over the header and footer too when the body is too low for
            // every key (80×24).
            let area = if body.height < help::height(app) {
                frame.area()
            } else {
                body
            };
            let r = centered(area, 76, help::height(app));
            frame.render_widget(Clear, r);
            help::render(frame, app, r);
        }
        Mode::Quiz if app.quiz.summary => quiz::render_summary(frame, app, body),
        Mode::Walk | Mode::Quiz => {}
    }
}

/// A rectangle of at most `w`×`h` centred in `area`.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
