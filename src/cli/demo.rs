//! `synack demo` (and the bare `synack`): the live demo on loopback, in the
//! TUI one socket call per key press, else the `--print`/`--json`/`--svg`/
//! `--html` output of the whole exchange. Without CAP_NET_RAW it shows the
//! scenario's bundled capture and says what is missing.

use std::io::IsTerminal;

use anyhow::{Context, Result, bail};

use synack::output::{self, Style};
use synack::replay;

use super::{emit, emit_json, figure_options, write_html};
use crate::DemoArgs;

/// Runs `synack demo` (and the bare `synack`) with `args`: the TUI on a
/// terminal, else the output the flags ask for.
pub fn run(args: DemoArgs) -> Result<()> {
    use synack::demo::{self, Session};
    use synack::live::LiveError;
    use synack::live::exchange::ExchangeConfig;

    if args.figure.time_scale && !args.svg {
        bail!("--time-scale: only with --svg");
    }
    let scenario = demo::scenario_from_name(&args.scenario)
        .with_context(|| format!("--scenario {}: unknown", args.scenario))?;
    let config = ExchangeConfig {
        ipv6: args.ipv6,
        port: args.port,
        client_addr: None,
    };
    let style = |origin| super::style(args.absolute, args.ui.output_lang(), origin);
    // Every --save/--html problem before anything starts.
    let save = match &args.save {
        Some(path) => Some(demo::SavePlan::check(path).context("--save")?),
        None => None,
    };
    if let Some(path) = &args.html {
        synack::save::SaveTarget::check(path).context("--html")?;
    }
    let batch = args.print || args.json || args.svg || args.html.is_some();
    if !batch && std::io::stdout().is_terminal() {
        return demo_tui(scenario, config, &args, save);
    }
    let mut session = match Session::start(scenario, config) {
        Ok(s) => s,
        Err(LiveError::NoRawSocket(e)) => {
            let why = LiveError::NoRawSocket(e).to_string();
            let Some((name, bytes)) = demo::bundled_capture(scenario) else {
                bail!("{why}");
            };
            eprintln!("synack: {why}");
            eprintln!(
                "synack: showing the bundled capture {name} instead; the kernel column is unavailable without privileges"
            );
            return replay_bytes(name, bytes, &args, style);
        }
        Err(e) => return Err(e.into()),
    };
    session.run_all()?;
    session.finish();
    if let Some(why) = &session.kernel_unavailable {
        eprintln!("synack: kernel column unavailable: {why}");
    }
    if let Some(plan) = &save {
        session.save(plan).context("--save")?;
        eprintln!(
            "synack: saved {} frames to {}",
            session.frames.len(),
            plan.pcap.path().display()
        );
    }
    let origin = session.frames.first().map(|f| f.ts).unwrap_or_default();
    let style = style(origin);
    if args.json {
        return emit_json(&demo::report::json(&session, &style));
    }
    let figure = figure_options(&args.ui, &args.figure, &style);
    if args.svg {
        let Some(svg) = demo::report::svg(&session, &figure) else {
            bail!("--svg: no TCP segment was captured");
        };
        return emit(&svg);
    }
    if let Some(path) = &args.html {
        let page = demo::report::html(&session, &style, args.ui.lang());
        return write_html(path, &page);
    }
    emit(&demo::report::print(&session, &style))
}

/// The interactive live demo: one socket call per key press in the TUI.
/// Without CAP_NET_RAW it walks the scenario's bundled capture and says
/// what is missing. Prints nothing to stdout; reports on stderr after the
/// terminal is restored.
fn demo_tui(
    scenario: synack::live::exchange::Scenario,
    config: synack::live::exchange::ExchangeConfig,
    args: &DemoArgs,
    save: Option<synack::demo::SavePlan>,
) -> Result<()> {
    use std::sync::mpsc::channel;
    use std::time::Duration;
    use synack::conversation::Tracker;
    use synack::demo::{Session, scenario_name, worker};
    use synack::live::LiveError;
    use synack::ui::{self, App, live::Demo};

    let opts = args
        .ui
        .options(scenario_name(scenario).to_string(), Some(0));
    // SIGTERM/SIGHUP/SIGINT quit like `q`, so the session is always finished.
    let (tx, rx) = channel();
    ui::quit_on_signals(tx.clone());
    let session = match Session::start(scenario, config.clone()) {
        Ok(s) => s,
        Err(LiveError::NoRawSocket(e)) => {
            let why = LiveError::NoRawSocket(e).to_string();
            let mut app = App::new(Tracker::new(), opts).with_demo(Demo::new(scenario, None));
            app.go_offline(scenario, why);
            ui::spawn_input(tx);
            ui::run_app(app, rx)?;
            if args.save.is_some() {
                eprintln!("synack: nothing was captured (no privileges): --save ignored");
            }
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let worker = worker::spawn(session, config, tx.clone(), save);
    let app = App::new(Tracker::new(), opts)
        .with_live(true)
        .with_demo(Demo::new(scenario, Some(worker.commands())));
    ui::spawn_input(tx);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ui::run_app(app, rx)));
    for line in worker.shutdown(Duration::from_secs(8)) {
        eprintln!("synack: {line}");
    }
    match result {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Shows a capture held in memory (the bundled scenario captures).
fn replay_bytes(
    name: &str,
    bytes: &'static [u8],
    args: &DemoArgs,
    style: impl Fn(std::time::Duration) -> Style,
) -> Result<()> {
    let replay = replay::load_bytes(name, bytes)?;
    let style = style(replay.origin.unwrap_or_default());
    if let Some(conn) = replay.connections().first()
        && args.svg
    {
        return emit(&output::svg(
            conn,
            &figure_options(&args.ui, &args.figure, &style),
        ));
    }
    if let Some(path) = &args.html {
        let page = output::html::page(
            name,
            &replay.connections().iter().collect::<Vec<_>>(),
            replay.skipped(),
            &style,
            args.ui.lang(),
            None,
        );
        return write_html(path, &page);
    }
    if args.json {
        return emit_json(&output::document(
            name,
            replay.connections(),
            replay.skipped(),
            &style,
        ));
    }
    let parts: Vec<String> = replay
        .connections()
        .iter()
        .map(|c| output::ladder(c, &style))
        .collect();
    emit(&parts.join("\n"))
}
