//! The live demo inside the walk-through: the scenario's socket calls, what
//! each returned, the kernel's own transitions and the scenario picker.
//!
//! Pure state like the rest of [`App`]: a worker thread (see
//! [`crate::demo::worker`]) owns the sockets and sends [`DemoEvent`]s
//! (wrapped in [`AppEvent::Demo`](super::AppEvent::Demo)); the App asks it for the next call
//! through [`LiveCmd`]s on a channel. Without
//! a worker (no privileges) the App walks the scenario's bundled capture.
//!
//! ```text
//!  key → ─▶ App::update ─ LiveCmd::Step ─▶ worker: Session::step
//!  App ◀─ DemoEvent::{Frame, Segment, Kernel, TimeWaitSockets, Call} ─┘
//! ```

mod code;
mod datagrams;
pub(super) mod kernel;
mod scenarios;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::mpsc::Sender;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use super::app::{Action, App, Mode, View};
use super::{diagram, explain, ladder_panel};
use crate::conversation::Side;
use crate::decode::Decoded;
pub use crate::demo::{DemoEvent, DemoStart, LiveCmd};
use crate::live::exchange::{Call, CallOutcome, Exchange, ExchangeConfig, Scenario};
use crate::live::kernel::KernelTransition;
use crate::state::TcpState;
use crate::truth::{self, KernelRecord, TimeWaitSockets, Verdict};

pub use scenarios::render as render_scenarios;

/// 2·MSL on Linux (`TCP_TIMEWAIT_LEN`), in ticks of 50 ms.
pub const TIME_WAIT_TICKS: u64 = 60 * 20;

/// The result of one call, as shown in the code panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Returned {
    /// What it returned (Python style).
    Ok(CallOutcome),
    /// The call failed unexpectedly.
    Failed(String),
}

/// The live demo's state.
pub struct Demo {
    /// The scenario.
    pub scenario: Scenario,
    /// Its calls.
    pub calls: Vec<Call>,
    /// What each performed call returned (`None`: not performed).
    pub returned: Vec<Option<Returned>>,
    /// For each performed call, every connection's step count once it
    /// returned (empty: not performed): which segments it caused, so the
    /// code panel shows the calls up to the segment shown.
    pub steps_after: Vec<Vec<usize>>,
    /// The user chose a connection (`c`): the walk stops following the
    /// calls' connection until the next scenario.
    pub manual_conn: bool,
    /// The call being performed.
    pub in_flight: Option<usize>,
    /// A session is being started.
    pub starting: bool,
    /// Frame bytes of this session (frame 1 first), for the hex dump.
    pub frames: Vec<Vec<u8>>,
    /// The kernel's transitions so far.
    pub kernel: Vec<KernelTransition>,
    /// The time-wait sockets /proc listed so far.
    pub timewait: TimeWaitSockets,
    /// Why the kernel column is unavailable.
    pub kernel_unavailable: Option<String>,
    /// Why no live session runs (walking the bundled capture).
    pub offline: Option<String>,
    /// Ticks since the demo began (50 ms each).
    pub ticks: u64,
    /// When (tick) and which side entered TIME_WAIT.
    pub time_wait: Option<(u64, Side)>,
    /// Highlighted row of the scenario picker.
    pub pick_row: usize,
    /// A worker runs the session: segments may still arrive.
    pub live: bool,
    /// Walk to the end when the call in flight returns.
    follow: bool,
    cmd: Option<Sender<LiveCmd>>,
}

impl Demo {
    /// A demo waiting for its first [`DemoEvent::Started`], talking to
    /// the worker through `cmd` (`None`: no worker, offline only).
    pub fn new(scenario: Scenario, cmd: Option<Sender<LiveCmd>>) -> Demo {
        Demo {
            scenario,
            calls: Vec::new(),
            returned: Vec::new(),
            steps_after: Vec::new(),
            manual_conn: false,
            in_flight: None,
            starting: cmd.is_some(),
            frames: Vec::new(),
            kernel: Vec::new(),
            timewait: TimeWaitSockets::default(),
            kernel_unavailable: None,
            offline: None,
            ticks: 0,
            time_wait: None,
            pick_row: Scenario::ALL
                .iter()
                .position(|&s| s == scenario)
                .unwrap_or(0),
            follow: false,
            live: cmd.is_some(),
            cmd,
        }
    }

    /// Calls performed so far.
    pub fn performed(&self) -> usize {
        self.returned.iter().filter(|r| r.is_some()).count()
    }

    /// The last performed call.
    pub fn last_call(&self) -> Option<usize> {
        self.returned.iter().rposition(Option::is_some)
    }

    /// Whether every call was performed.
    pub fn done(&self) -> bool {
        !self.calls.is_empty() && self.performed() == self.calls.len()
    }

    /// Seconds of TIME_WAIT left, and whose, when it was entered.
    pub fn time_wait_left(&self) -> Option<(Side, u64)> {
        let (since, side) = self.time_wait?;
        let left = TIME_WAIT_TICKS.saturating_sub(self.ticks - since);
        Some((side, left.div_ceil(20)))
    }

    /// The kernel's transitions of connected sockets (not the listener).
    pub fn kernel_records(&self) -> Vec<KernelRecord> {
        crate::live::kernel::connection_records(&self.kernel)
    }

    fn send(&self, cmd: LiveCmd) -> bool {
        self.cmd.as_ref().is_some_and(|c| c.send(cmd).is_ok())
    }
}

/// The script of `scenario` without opening any socket (addresses fixed),
/// for showing the calls next to a bundled capture.
pub fn offline_calls(scenario: Scenario, server: Option<SocketAddr>) -> Vec<Call> {
    let server = server.unwrap_or(SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 5000));
    let client: IpAddr = if server.is_ipv6() {
        server.ip()
    } else {
        Ipv4Addr::new(127, 0, 0, 2).into()
    };
    let config = ExchangeConfig {
        ipv6: server.is_ipv6(),
        port: Some(server.port()),
        client_addr: Some(client),
    };
    Exchange::new(scenario, config)
        .map(|e| e.calls().to_vec())
        .unwrap_or_default()
}

impl App {
    /// Turns this App into the live demo's.
    pub fn with_demo(mut self, demo: Demo) -> App {
        self.source = super::app::Source::Demo(demo);
        self.walk.conn = 0;
        self
    }

    /// Starts walking the bundled capture of `scenario` (no live session):
    /// `why` says what is missing.
    pub fn go_offline(&mut self, scenario: Scenario, why: String) {
        let replay = crate::demo::bundled_capture(scenario)
            .and_then(|(name, bytes)| crate::replay::load_bytes(name, bytes).ok());
        let (tracker, frames, name) = match replay {
            Some(r) => (
                r.tracker,
                r.frame_bytes.unwrap_or_default(),
                crate::demo::bundled_capture(scenario).map_or("", |(n, _)| n),
            ),
            None => (crate::conversation::Tracker::new(), Vec::new(), ""),
        };
        let server = tracker
            .connections()
            .first()
            .map(|c| c.server())
            .or_else(|| tracker.flows().first().map(|f| f.server));
        self.reset_walk(tracker);
        self.file_name = name.to_string();
        if self.source.demo().is_none() {
            self.source = super::app::Source::Demo(Demo::new(scenario, None));
        }
        let Some(d) = self.source.demo_mut() else {
            return;
        };
        d.scenario = scenario;
        d.calls = offline_calls(scenario, server);
        d.returned = vec![None; d.calls.len()];
        d.steps_after = vec![Vec::new(); d.calls.len()];
        d.manual_conn = false;
        d.frames = frames;
        d.kernel.clear();
        d.timewait.clear();
        d.in_flight = None;
        d.starting = false;
        d.kernel_unavailable = Some(why.clone());
        d.offline = Some(why);
        d.time_wait = None;
    }

    fn reset_walk(&mut self, tracker: crate::conversation::Tracker) {
        self.set_tracker(tracker);
        self.walk.conn = 0;
        self.walk.pos = 0;
        self.walk.playing = false;
        self.view.top = 0;
        self.view.pinned = false;
    }

    /// Handles the live demo's share of `action`; `true` when consumed.
    pub(super) fn demo_update(&mut self, action: Action) -> bool {
        let n = self.len();
        let pos = self.walk.pos;
        let mode = self.mode;
        let Some(d) = self.source.demo_mut() else {
            return false;
        };
        if mode == Mode::Picker && matches!(action, Action::Choose) {
            // A connection chosen by hand holds until the next scenario.
            d.manual_conn = true;
            return false;
        }
        if mode == Mode::Scenarios {
            let last = Scenario::ALL.len() - 1;
            match action {
                Action::Up => d.pick_row = d.pick_row.saturating_sub(1),
                Action::Down => d.pick_row = (d.pick_row + 1).min(last),
                Action::Select(i) if i <= last => {
                    d.pick_row = i;
                    self.start_scenario(Scenario::ALL[i]);
                }
                Action::Choose => {
                    let pick = Scenario::ALL[d.pick_row];
                    self.start_scenario(pick);
                }
                Action::Back | Action::Scenarios => self.mode = Mode::Walk,
                Action::Quit => self.quit = true,
                Action::Help => return false,
                _ => {}
            }
            return true;
        }
        match action {
            Action::Scenarios => {
                d.pick_row = Scenario::ALL
                    .iter()
                    .position(|&s| s == d.scenario)
                    .unwrap_or(0);
                self.mode = Mode::Scenarios;
                true
            }
            Action::Next if pos >= n && d.offline.is_none() => {
                if d.in_flight.is_none() && !d.starting && !d.done() && d.send(LiveCmd::Step) {
                    d.in_flight = Some(d.performed());
                    d.follow = true;
                }
                true
            }
            _ => false,
        }
    }

    /// Ends the current session and starts `scenario`.
    pub fn start_scenario(&mut self, scenario: Scenario) {
        self.mode = Mode::Walk;
        let Some(d) = self.source.demo_mut() else {
            return;
        };
        d.scenario = scenario;
        if d.send(LiveCmd::Start(scenario)) {
            d.starting = true;
            d.calls.clear();
            d.returned.clear();
            d.steps_after.clear();
            d.manual_conn = false;
            d.in_flight = None;
            d.frames.clear();
            d.kernel.clear();
            d.timewait.clear();
            d.time_wait = None;
            d.offline = None;
            d.kernel_unavailable = None;
            self.reset_walk(crate::conversation::Tracker::new());
        } else {
            let why = d
                .offline
                .clone()
                .unwrap_or_else(|| crate::live::privilege::HOW_TO.to_string());
            self.go_offline(scenario, why);
        }
    }

    /// A tick of the demo's clock (the TIME_WAIT countdown); returns
    /// whether to redraw (the countdown's whole seconds changed).
    pub(super) fn demo_tick(&mut self) -> bool {
        let Some(d) = self.source.demo_mut() else {
            return false;
        };
        d.ticks += 1;
        let redraw = d
            .time_wait
            .is_some_and(|(since, _)| (d.ticks - since).is_multiple_of(20));
        self.check_time_wait();
        redraw
    }

    /// Handles what the demo's worker sent; returns whether to redraw
    /// (never, when the App does not run a demo).
    pub(super) fn demo_event(&mut self, ev: DemoEvent) -> bool {
        let Some(d) = self.source.demo_mut() else {
            return false;
        };
        if d.starting && !matches!(ev, DemoEvent::Started(_)) {
            // Still from the session being replaced.
            return false;
        }
        let redraw = match ev {
            DemoEvent::Segment(seg) => {
                let shown = self.walk.conn;
                self.ingest(Decoded::Tcp(seg));
                self.check_time_wait();
                return shown == self.walk.conn;
            }
            DemoEvent::Decoded(d) => {
                self.ingest(d);
                return true;
            }
            DemoEvent::Started(start) => {
                if let Some(why) = start.offline {
                    self.go_offline(start.scenario, why);
                    return true;
                }
                d.scenario = start.scenario;
                d.returned = vec![None; start.calls.len()];
                d.steps_after = vec![Vec::new(); start.calls.len()];
                d.manual_conn = false;
                d.calls = start.calls;
                d.kernel_unavailable = start.kernel_unavailable;
                d.starting = false;
                self.file_name = crate::demo::scenario_name(start.scenario).to_string();
                true
            }
            DemoEvent::Frame(bytes) => {
                d.frames.push(bytes);
                false
            }
            DemoEvent::Kernel(k) => {
                d.kernel.push(k);
                true
            }
            DemoEvent::TimeWaitSockets(tw) => {
                d.timewait.observe(&tw);
                true
            }
            DemoEvent::Call { index, result } => {
                if let Some(r) = d.returned.get_mut(index) {
                    *r = Some(match result {
                        Ok(o) => Returned::Ok(o),
                        Err(e) => Returned::Failed(e),
                    });
                }
                d.in_flight = None;
                let counts: Vec<usize> = self
                    .tracker
                    .connections()
                    .iter()
                    .map(|c| c.steps().len())
                    .collect();
                // The connection this call drove: the last whose segments
                // it added to.
                let before = d.steps_after[..index.min(d.steps_after.len())]
                    .iter()
                    .rev()
                    .find(|v| !v.is_empty());
                let driven = (0..counts.len())
                    .rev()
                    .find(|&c| counts[c] > before.and_then(|b| b.get(c)).copied().unwrap_or(0));
                if let Some(slot) = d.steps_after.get_mut(index) {
                    *slot = counts;
                }
                let follow = std::mem::take(&mut d.follow);
                // A quiz question on this call is graded on the connection
                // it was asked on.
                let hold = d.manual_conn || self.quiz.question.is_some();
                if let Some(c) = driven.filter(|&c| !hold && c != self.walk.conn) {
                    self.walk.conn = c;
                    self.view.top = 0;
                    self.view.pinned = false;
                    if !follow {
                        self.walk.pos = 0;
                    }
                }
                if follow {
                    self.walk.pos = self.len();
                    self.view.pinned = false;
                }
                self.quiz_after_call(index);
                true
            }
        };
        self.check_time_wait();
        redraw
    }

    /// Starts the countdown when the revealed states reach TIME_WAIT, and
    /// forgets it when the walk goes back before that.
    pub(super) fn check_time_wait(&mut self) {
        let in_tw = self.current_step().and_then(|st| {
            [Side::Client, Side::Server]
                .into_iter()
                .find(|&s| st.state(s) == TcpState::TimeWait)
        });
        let Some(d) = self.source.demo_mut() else {
            return;
        };
        match (in_tw, d.time_wait) {
            (Some(side), None) => d.time_wait = Some((d.ticks, side)),
            (None, Some(_)) if d.offline.is_some() => d.time_wait = None,
            _ => {}
        }
    }

    /// Kernel and model compared for the walked connection; `None` when the
    /// kernel column is unavailable or there is no connection yet.
    pub fn demo_verdicts(&self) -> Option<[Verdict; 2]> {
        let d = self.source.demo()?;
        if d.offline.is_some() || (d.kernel_unavailable.is_some() && d.kernel.is_empty()) {
            return None;
        }
        let conn = self.connection()?;
        Some(truth::compare(conn, &d.kernel_records(), &d.timewait))
    }
}

/// Rows the ladder keeps (frame included) on a small demo screen: 8
/// inside.
const LADDER_MIN: u16 = 10;

/// Draws the live demo's body: ladder_panel, code panel, kernel column and
/// explanation (where there is no room for it, in place of the calls and
/// the kernel column while `e` is on).
pub fn render_body(frame: &mut Frame, app: &App, d: &Demo, view: &mut View, body: Rect) {
    let code_h = (d.calls.len() as u16 + 7).clamp(9, 13);
    let diagram_on = app.diagram == super::app::DiagramPanel::Shown;
    if body.width >= 120 {
        // The state diagram needs its whole width (a projector at 120×36).
        let split = if diagram_on {
            [Constraint::Length(diagram::WIDTH), Constraint::Min(30)]
        } else {
            [Constraint::Min(60), Constraint::Percentage(42)]
        };
        let [left, right] = Layout::horizontal(split).areas(body);
        let [top, bottom] =
            Layout::vertical([Constraint::Min(6), Constraint::Length(code_h)]).areas(left);
        let udp = d.scenario == Scenario::Udp;
        if udp {
            datagrams::render(frame, app, top);
        } else if diagram_on {
            diagram::render(frame, app, top);
        } else {
            ladder_panel::render(frame, app, view, top);
        }
        code::render(frame, app, bottom);
        if udp {
            datagrams::render_contrast(frame, app, right);
            return;
        }
        let [k, e] = Layout::vertical([
            Constraint::Length(kernel::height(app, right.width)),
            Constraint::Min(3),
        ])
        .areas(right);
        kernel::render(frame, app, k);
        explain::render(frame, app, e);
    } else {
        let mut kh = kernel::height(app, body.width).min(body.height / 3);
        let mut ch = code_h.min(body.height.saturating_sub(kh) / 2);
        if body.height.saturating_sub(kh + ch) < LADDER_MIN {
            // The ladder keeps at least 8 rows inside its frame (80×24):
            // the kernel panel gives up its note first, then the calls
            // their rows.
            kh = kh.min(4);
            ch = code_h.min(body.height.saturating_sub(kh + LADDER_MIN));
        }
        let [top, c, k] = Layout::vertical([
            Constraint::Min(4),
            Constraint::Length(ch),
            Constraint::Length(kh),
        ])
        .areas(body);
        if d.scenario == Scenario::Udp {
            datagrams::render(frame, app, top);
            code::render(frame, app, c);
            datagrams::render_contrast(frame, app, k);
            return;
        }
        if diagram_on && top.height < diagram::HEIGHT {
            // Too low for the diagram beside the calls (80×24): it takes
            // the rows it needs, the calls the rest.
            let (dg, rest) = diagram::take_rows(body);
            diagram::render(frame, app, dg);
            if let Some(rest) = rest {
                code::render(frame, app, rest);
            }
            return;
        }
        if diagram_on {
            diagram::render(frame, app, top);
        } else {
            ladder_panel::render(frame, app, view, top);
        }
        if app.explain_over {
            // `e`: the explanation where the calls and the kernel were.
            let [e] = Layout::vertical([Constraint::Min(1)]).areas(c.union(k));
            explain::render(frame, app, e);
            return;
        }
        code::render(frame, app, c);
        kernel::render(frame, app, k);
    }
}

#[cfg(test)]
mod tests;
