//! The `synack` command line: parses flags, runs a replay or the live demo,
//! and turns every error into one line on stderr with a non-zero exit.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use synack::output::{self, Style};
use synack::replay::{self, Replay};

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
        Some(Command::Replay(args)) => replay_cmd(args),
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
    let style = |origin| Style {
        relative: !args.absolute,
        color: color_wanted(),
        origin,
        lang: args.ui.output_lang(),
    };
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

/// The --svg options from the command line.
fn figure_options<'a>(ui: &UiArgs, fig: &FigureArgs, style: &Style) -> output::SvgOptions<'a> {
    output::SvgOptions {
        lang: ui.lang(),
        relative: style.relative,
        time_scale: fig.time_scale,
        ..output::SvgOptions::default()
    }
}

/// Writes the --html page to `path`, as `--save` writes (`save.rs`: never
/// through a link, never over what the user could not write, all or nothing).
fn write_html(path: &std::path::Path, page: &str) -> Result<()> {
    use synack::save::{SaveSet, SaveTarget};
    let target = SaveTarget::check(path).context("--html")?;
    let mut set = SaveSet::new();
    set.stage(&target, |w| w.write_all(page.as_bytes()))
        .context("--html")?;
    set.commit().context("--html")?;
    eprintln!("synack: wrote {} ({} bytes)", path.display(), page.len());
    Ok(())
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
    let mut style = Style {
        relative: !args.absolute,
        color: color_wanted(),
        origin: std::time::Duration::ZERO,
        lang: synack::i18n::Lang::En,
    };
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

/// ANSI colours only on a terminal, and not when NO_COLOR is set.
fn color_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Writes a JSON document, pretty-printed, to stdout.
fn emit_json(doc: &serde_json::Value) -> Result<()> {
    emit(&output::json_text(doc))
}

/// Writes `text` to stdout; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}

/// `--print` or `--json` written as the file is read a second time, from
/// what the first read (`first`, summaries only) found.
fn stream_cmd(
    args: &ReplayArgs,
    name: String,
    first: Replay,
    ports: synack::decode::TunnelPorts,
) -> Result<()> {
    use output::stream::{self, Format, Options, Plan};
    if args.svg {
        return svg_window(args, &name, first, ports);
    }
    let plan = Plan::of(&first);
    let origin = first.origin.unwrap_or_default();
    drop(first);
    let opts = Options {
        format: if args.json {
            Format::Json
        } else {
            Format::Print
        },
        style: Style {
            relative: !args.absolute,
            color: color_wanted(),
            origin,
            lang: args.ui.output_lang(),
        },
        conn: args.conn,
        name,
        spool_memory: stream::SPOOL_MEMORY,
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match stream::run(&args.file, ports, &plan, &opts, &mut out) {
        Err(e) if e.is_broken_pipe() => Ok(()),
        other => Ok(other?),
    }
}

/// `--svg` of a file read twice: the connection's segment count from the
/// first read (`first`), then only the window's steps.
fn svg_window(
    args: &ReplayArgs,
    name: &str,
    first: Replay,
    ports: synack::decode::TunnelPorts,
) -> Result<()> {
    use output::window::{self, Window};
    let n = args.conn.unwrap_or(0);
    let Some(total) = first.connections().get(n).map(|c| c.packets) else {
        bail!("--svg: {name} has no TCP connection to draw");
    };
    let w = Window::pick(args.from, args.to, total).map_err(anyhow::Error::msg)?;
    let style = Style {
        relative: !args.absolute,
        color: false,
        origin: first.origin.unwrap_or_default(),
        lang: args.ui.output_lang(),
    };
    drop(first);
    let Some(conn) = window::read(&args.file, ports, n, w)? else {
        bail!("{name}: the file changed while it was read");
    };
    if w.partial() {
        eprintln!(
            "synack: --svg: segments {}–{} of {} in connection {n}; --from/--to pick others",
            w.first, w.last, w.total
        );
    }
    let figure = output::SvgOptions {
        window: w.partial().then_some(w),
        ..figure_options(&args.ui, &args.figure, &style)
    };
    emit(&output::svg(&conn, &figure))
}

fn replay_cmd(mut args: ReplayArgs) -> Result<()> {
    if args.figure.time_scale && !args.svg {
        bail!("--time-scale: only with --svg");
    }
    if !args.svg && (args.from.is_some() || args.to.is_some()) {
        bail!(
            "{}: only with --svg",
            if args.from.is_some() {
                "--from"
            } else {
                "--to"
            }
        );
    }
    let name = args.file.display().to_string();
    let walk = !(args.list || args.print || args.json || args.svg || args.html.is_some());
    if walk && !std::io::stdout().is_terminal() {
        eprintln!(
            "synack: stdout is not a terminal: printing the ladder (--print) instead of the walk-through"
        );
        args.print = true;
    }
    let mut ports = synack::decode::TunnelPorts::default();
    for p in &args.tunnel_port {
        ports.add(p.0, p.1);
    }
    if walk && !args.print {
        let opts = args.ui.options(name.clone(), args.conn);
        match synack::ui::walk_file(&args.file, ports.clone(), opts)? {
            synack::ui::Walked::Quit => return Ok(()),
            // UDP flows only: shown as the ladder, as below.
            synack::ui::Walked::OnlyFlows => args.print = true,
        }
    }
    // --print and --json of a file read twice: summaries first, then
    // written as the second read goes (output/stream.rs).
    let streamed =
        (args.print || args.json || args.svg) && args.file.metadata().is_ok_and(|m| m.is_file());
    let keep = if args.list || streamed {
        replay::Keep::Summaries
    } else if let Some(n) = args.conn {
        // Only N's steps are kept: memory and time as for --list.
        replay::Keep::One(n)
    } else {
        replay::Keep::Steps
    };
    if args.html.is_some() && args.file.metadata().is_ok_and(|m| m.is_file()) {
        // Counted first: a page too big to open is refused before the
        // capture is read whole.
        let first = synack::ui::read_showing_progress(
            &args.file,
            replay::Keep::Summaries,
            ports.clone(),
            args.ui.output_lang(),
        )?;
        output::html::fits(&first, args.conn).map_err(|e| anyhow::anyhow!("--html: {e}"))?;
    }
    let replay: Replay =
        synack::ui::read_showing_progress(&args.file, keep, ports.clone(), args.ui.output_lang())?;
    for w in &replay.warnings {
        eprintln!("synack: warning: {w}");
    }
    let conns = replay.connections();
    let flows: Vec<_> = replay.tracker.flows().iter().collect();
    if conns.is_empty() && replay.frames == 0 {
        bail!("{name}: no frames at all; the capture holds no packets");
    }
    // No TCP: read it again to say what the frames are (a tunnel on an
    // unusual port, say). An error when nothing else can be shown; beside
    // the UDP flows, a note.
    let why = || {
        let why = synack::census::of_file(&args.file, ports.clone())
            .map_or_else(|_| replay.skipped().to_string(), |c| c.summary());
        format!("{name}: no TCP segments in {} frames: {why}", replay.frames)
    };
    if conns.is_empty() && flows.is_empty() {
        bail!("{}", why());
    }
    if conns.is_empty() {
        eprintln!("synack: {}; showing its UDP flows", why());
        if !(args.list || args.json) {
            args.print = true;
        }
    }
    if let Some(n) = args.conn
        && n >= conns.len()
    {
        bail!("{}", synack::ui::no_such_connection(n, &name, conns.len()));
    }
    if streamed {
        return stream_cmd(&args, name, replay, ports);
    }
    let chosen: Vec<_> = match args.conn {
        Some(n) => vec![&conns[n]],
        None => conns.iter().collect(),
    };
    // UDP flows go with the whole capture, not with one connection.
    let flows = if args.conn.is_some() {
        Vec::new()
    } else {
        flows
    };
    let style = Style {
        relative: !args.absolute,
        color: color_wanted(),
        origin: replay.origin.unwrap_or_default(),
        lang: args.ui.output_lang(),
    };
    // --print and --json of a capture read whole (a pipe): the streamed
    // renderers' reference, which a file's two reads give byte for byte.
    let whole = |format| {
        let opts = output::stream::Options {
            format,
            style,
            conn: args.conn,
            name: name.clone(),
            spool_memory: output::stream::SPOOL_MEMORY,
        };
        emit(&output::stream::whole(&replay, &opts))
    };
    // The --json document, which the --html page embeds as it is.
    let document = || {
        let mut doc = output::document(&name, chosen.iter().copied(), replay.skipped(), &style);
        doc["warnings"] = replay.warnings.clone().into();
        if !flows.is_empty() {
            doc["flows"] = output::flows_json(&flows, &style);
        }
        doc
    };
    if args.json {
        return whole(output::stream::Format::Json);
    }
    if args.svg && chosen.is_empty() {
        bail!("--svg: {name} has no TCP connection to draw");
    }
    if args.svg {
        // A pipe, read whole: the same window as from a file.
        let w = output::window::Window::pick(args.from, args.to, chosen[0].packets)
            .map_err(anyhow::Error::msg)?;
        let figure = output::SvgOptions {
            window: w.partial().then_some(w),
            ..figure_options(&args.ui, &args.figure, &style)
        };
        let conn = chosen[0].window((w.first - 1) as usize, w.last as usize);
        return emit(&output::svg(&conn, &figure));
    }
    if let Some(path) = &args.html {
        let page = output::html::page_with(&document(), &chosen, &style, args.ui.lang(), None);
        return write_html(path, &page);
    }
    if !args.list {
        return whole(output::stream::Format::Print);
    }
    if !chosen.is_empty() {
        // Written as it goes: a table of a million rows is never held.
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        match output::list_to(&mut out, &chosen, &style).and_then(|()| out.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            other => other.context("writing to stdout")?,
        }
    }
    let mut text = String::new();
    if !flows.is_empty() {
        text.push_str(&output::flows_list(&flows, &style));
    }
    text.push_str(&format!(
        "\n{}{}\n",
        synack::i18n::print::totals(style.lang, conns.len(), replay.frames, &replay.skipped()),
        synack::i18n::print::udp_flows(style.lang, flows.len())
    ));
    emit(&text)
}
