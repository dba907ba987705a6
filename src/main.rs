//! The `synack` command line: parses flags, runs a replay or the live demo,
//! and turns every error into one line on stderr with a non-zero exit.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use synack::output::{self, Style};
use synack::replay;

mod cli;
use cli::{emit, emit_json, figure_options, write_html};

/// See how TCP opens and closes a connection: SYN, SYN-ACK, ACK, data and
/// the FIN teardown, step by step, beside both sockets' states.
#[derive(Parser, Debug)]
#[command(name = "synack", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The live demo (the default): starts a TCP server and client on
    /// loopback, captures their segments and walks through them beside the
    /// socket calls and the kernel's own state changes. Needs CAP_NET_RAW
    /// (and root or CAP_DAC_OVERRIDE for the kernel column).
    Demo(DemoArgs),
    /// Walk through the TCP connections of a saved capture (pcap or pcapng,
    /// from tcpdump, Wireshark/dumpcap or synack).
    Replay(ReplayArgs),
    /// Watch your own programs' TCP connections live (on lo unless
    /// --iface), with the kernel's own state changes beside the inferred
    /// ones. Needs CAP_NET_RAW (and root or CAP_DAC_OVERRIDE for the
    /// kernel column).
    Watch(WatchArgs),
}

#[derive(Args, Debug)]
struct WatchArgs {
    /// Interface to capture on (default: the loopback interface, lo).
    #[arg(long, value_name = "NAME")]
    iface: Option<String>,
    /// Keep only TCP to or from this port (repeatable; either endpoint).
    #[arg(long = "port", value_name = "N")]
    ports: Vec<u16>,
    /// Keep only TCP to or from this address (repeatable; either endpoint).
    #[arg(long = "host", value_name = "ADDR")]
    hosts: Vec<std::net::IpAddr>,
    /// Stream the ladder to stdout, one line per segment as it arrives.
    #[arg(long, group = "watch_mode")]
    print: bool,
    /// Print one JSON document when the watch ends.
    #[arg(long, group = "watch_mode")]
    json: bool,
    /// Stop after N connections finished (both sides closed, or a RST).
    #[arg(long, value_name = "N")]
    connections: Option<usize>,
    /// Stop after this many seconds.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    duration: Option<std::time::Duration>,
    /// Save everything captured as a pcap (plus STEM.kernel.tsv and
    /// STEM.timewait.txt with the kernel's view).
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
    /// Absolute sequence and acknowledgment numbers instead of relative ones.
    #[arg(long)]
    absolute: bool,
    #[command(flatten)]
    ui: UiArgs,
}

fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(std::time::Duration::from_secs_f64(v)),
        _ => Err(format!("{s:?} is not a positive number of seconds")),
    }
}

#[derive(Args, Debug)]
struct ReplayArgs {
    /// The capture file (format detected from its content, not its name).
    file: PathBuf,
    /// One line per connection: addresses, packets, bytes, what was seen,
    /// final states.
    #[arg(long, group = "mode")]
    list: bool,
    /// A text ladder diagram with both endpoints' states after each segment.
    #[arg(long, group = "mode")]
    print: bool,
    /// One JSON document (see the README for its fields).
    #[arg(long, group = "mode")]
    json: bool,
    /// The ladder of one connection as an SVG picture (the first connection
    /// unless --conn).
    #[arg(long, group = "mode")]
    svg: bool,
    /// Write the walk as one self-contained HTML page (ladder, explanation,
    /// state diagram; English and Chinese; works offline and on a phone).
    #[arg(long, group = "mode", value_name = "FILE")]
    html: Option<PathBuf>,
    /// Only connection N (its index in --list).
    #[arg(long, value_name = "N")]
    conn: Option<usize>,
    /// With --svg: draw from segment N of the connection (1-based, as
    /// --print numbers them; 200 segments unless --to).
    #[arg(long, value_name = "N")]
    from: Option<u64>,
    /// With --svg: draw up to segment N (at most 10000 in one picture).
    #[arg(long, value_name = "N")]
    to: Option<u64>,
    #[command(flatten)]
    figure: FigureArgs,
    /// Absolute sequence and acknowledgment numbers instead of relative ones.
    #[arg(long)]
    absolute: bool,
    /// Also decode this UDP port as a tunnel, besides the standard ones
    /// (VXLAN 4789, Geneve 6081, GTP-U 2152): KIND:PORT with KIND vxlan,
    /// geneve or gtpu, e.g. vxlan:8472 (Linux's old default). Repeatable.
    #[arg(long, value_name = "KIND:PORT")]
    tunnel_port: Vec<synack::decode::TunnelPort>,
    #[command(flatten)]
    ui: UiArgs,
}

/// Options of the --svg picture.
#[derive(Args, Debug, Default, Clone)]
struct FigureArgs {
    /// With --svg: space the arrows by capture time instead of evenly.
    #[arg(long)]
    time_scale: bool,
}

/// Options of the terminal UI.
#[derive(Args, Debug, Default, Clone)]
struct UiArgs {
    /// Language of the UI: en or zh (default: from LC_ALL / LANG).
    #[arg(long, value_parser = ["en", "zh"])]
    lang: Option<String>,
    /// Colour theme: dark, light or projector (high contrast).
    #[arg(long, value_parser = ["dark", "light", "projector"], default_value = "dark")]
    theme: String,
    /// Quiz mode: predict each step before it is revealed (toggle with z).
    #[arg(long)]
    quiz: bool,
}

impl UiArgs {
    /// Language of --print, --list and --json: Chinese only when asked
    /// with --lang zh (the locale picks only the interactive UI's), so
    /// scripts reading the output do not change with LANG.
    fn output_lang(&self) -> synack::i18n::Lang {
        match self.lang.as_deref() {
            Some("zh") => synack::i18n::Lang::Zh,
            _ => synack::i18n::Lang::En,
        }
    }

    fn lang(&self) -> synack::i18n::Lang {
        use synack::i18n::Lang;
        match self.lang.as_deref() {
            Some("zh") => Lang::Zh,
            Some(_) => Lang::En,
            None => Lang::from_env(),
        }
    }

    fn options(&self, file_name: String, conn: Option<usize>) -> synack::ui::UiOptions {
        use synack::ui::ThemeName;
        synack::ui::UiOptions {
            lang: self.lang(),
            theme: match self.theme.as_str() {
                "light" => ThemeName::Light,
                "projector" => ThemeName::Projector,
                _ => ThemeName::Dark,
            },
            conn,
            file_name,
            quiz: self.quiz,
        }
    }
}

#[derive(Args, Debug, Default)]
struct DemoArgs {
    /// normal, server-first, half-close, abort, refused, backlog, chat,
    /// reuseaddr or second-client.
    #[arg(long, default_value = "normal", value_parser = parse_scenario)]
    scenario: String,
    /// Run the whole scenario without pauses and print the ladder.
    #[arg(long, group = "demo_mode")]
    print: bool,
    /// Run the whole scenario without pauses and print one JSON document.
    #[arg(long, group = "demo_mode")]
    json: bool,
    /// Run the whole scenario without pauses and print its ladder as an SVG
    /// picture, with the socket calls and the kernel's verdict.
    #[arg(long, group = "demo_mode")]
    svg: bool,
    /// Run the whole scenario without pauses and write the walk as one
    /// self-contained HTML page.
    #[arg(long, group = "demo_mode", value_name = "FILE")]
    html: Option<PathBuf>,
    #[command(flatten)]
    figure: FigureArgs,
    /// Save the captured exchange as a pcap (plus STEM.kernel.tsv and
    /// STEM.timewait.txt with the kernel's view).
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
    /// Use ::1 instead of 127.0.0.1.
    #[arg(long)]
    ipv6: bool,
    /// Server port (default: a free one).
    #[arg(long, value_name = "N")]
    port: Option<u16>,
    /// Absolute sequence and acknowledgment numbers instead of relative ones.
    #[arg(long)]
    absolute: bool,
    #[command(flatten)]
    ui: UiArgs,
}

fn parse_scenario(s: &str) -> Result<String, String> {
    match synack::demo::scenario_from_name(s) {
        Some(_) => Ok(s.to_string()),
        None => {
            let names: Vec<&str> = synack::live::exchange::Scenario::ALL
                .into_iter()
                .map(synack::demo::scenario_name)
                .collect();
            Err(format!(
                "unknown scenario {s:?}; choose one of: {}",
                names.join(", ")
            ))
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Least privilege first, while the process has one thread: the live
    // demo's privileges go to a broker process, this one keeps none
    // (live/privilege.rs). Then one signal path for every mode (shutdown.rs).
    let live = !matches!(cli.command, Some(Command::Replay(_)));
    let result = synack::live::privilege::split(live)
        .map_err(anyhow::Error::from)
        .and_then(|split| {
            for name in &split.stale_removed {
                eprintln!(
                    "synack: removed the stale tracefs instance {name} (its synack process was killed)"
                );
            }
            synack::shutdown::install();
            run(cli)
        });
    synack::live::broker::stop(std::time::Duration::from_secs(3));
    let code = match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("synack: {err:#}");
            ExitCode::FAILURE
        }
    };
    match synack::shutdown::received() {
        Some(sig) => ExitCode::from(synack::shutdown::exit_status(sig)),
        None => code,
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Replay(args)) => cli::replay::run(args),
        Some(Command::Demo(args)) => demo_cmd(args),
        Some(Command::Watch(args)) => watch_cmd(args),
        None => demo_cmd(DemoArgs {
            scenario: "normal".into(),
            ..DemoArgs::default()
        }),
    }
}

fn demo_cmd(args: DemoArgs) -> Result<()> {
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
    let style = |origin| cli::style(args.absolute, args.ui.output_lang(), origin);
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

/// `synack watch`: the TUI on a terminal, else (or with --print/--json)
/// the streamed ladder or the JSON document.
fn watch_cmd(args: WatchArgs) -> Result<()> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use synack::watch::batch::{self, Format, Limits};
    use synack::watch::{Watch, WatchConfig};

    let tui = !(args.print || args.json) && std::io::stdout().is_terminal();
    // Every --save problem before anything starts.
    let save = match &args.save {
        Some(path) => Some(synack::demo::SavePlan::check(path).context("--save")?),
        None => None,
    };
    let config = WatchConfig {
        iface: args.iface.clone(),
        filter: synack::live::sniffer::Filter {
            ports: args.ports.clone(),
            hosts: args.hosts.clone(),
            ..Default::default()
        },
        keep_frames: save.is_some(),
        frame_bytes: tui,
    };
    let mut watch = Watch::start(config).with_context(|| match &args.iface {
        Some(i) => format!("--iface {i}"),
        None => "watch".to_string(),
    })?;
    eprintln!(
        "synack: capturing on {}{} …",
        watch.description(),
        match &watch.kernel_unavailable {
            None => "; kernel trace on".to_string(),
            Some(why) => format!("; kernel column unavailable: {why}"),
        }
    );
    if tui {
        // SIGTERM/SIGHUP/SIGINT quit like `q`: the capture is stopped, the
        // tracefs instance removed and the capture saved.
        let (tx, rx) = std::sync::mpsc::channel();
        synack::ui::quit_on_signals(tx.clone());
        let opts = args
            .ui
            .options(format!("watch {}", watch.description()), None);
        let lines = synack::ui::watch::run(watch, opts, tx, rx, save)?;
        for line in lines {
            eprintln!("synack: {line}");
        }
        return Ok(());
    }
    // A quit signal ends the watch as --connections does: the summary is
    // printed and the capture saved.
    let quit_flag = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&quit_flag);
    synack::shutdown::set_quit(move || flag.store(true, Ordering::SeqCst));
    let quit = || quit_flag.load(Ordering::SeqCst);
    // The streamed ladder's own lines (titles, kernel verdicts) are English.
    let mut style = cli::style(
        args.absolute,
        synack::i18n::Lang::En,
        std::time::Duration::ZERO,
    );
    let format = if args.json {
        Format::Json
    } else {
        Format::Print
    };
    let limits = Limits {
        connections: args.connections,
        duration: args.duration,
    };
    let outcome = batch::run(
        &mut watch,
        format,
        limits,
        style,
        &mut std::io::stdout(),
        &quit,
    );
    if let Some(e) = &outcome.cleanup_error {
        eprintln!("synack: {e}");
    }
    if let Some(plan) = &save {
        watch.save(plan).context("--save")?;
        eprintln!(
            "synack: saved {} frames to {}",
            watch.saved_frames(),
            plan.pcap.path().display()
        );
    }
    if format == Format::Json {
        style.origin = outcome.tracker.first_ts.unwrap_or_default();
        return emit_json(&batch::document(&watch, &outcome, &style));
    }
    Ok(())
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
