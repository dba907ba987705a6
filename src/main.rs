//! The `synack` command line: parses flags, dispatches to the subcommand
//! (`cli/demo.rs`, `cli/replay.rs`, `cli/watch.rs`), and turns every error
//! into one line on stderr with a non-zero exit.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, CommandFactory, Parser, Subcommand};

mod cli;

/// See how TCP opens and closes a connection: SYN, SYN-ACK, ACK, data and
/// the FIN teardown, step by step, beside both sockets' states.
#[derive(Parser, Debug)]
#[command(name = "synack", version, long_about = None)]
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
    /// Print the shell completion script (bash, zsh, fish, elvish or
    /// powershell) to stdout.
    Completions(cli::manual::CompletionsArgs),
    /// Print the manual page synack(1) (roff) to stdout.
    Manpage,
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
    /// A tcpdump filter expression (pcap-filter(7), compiled by libpcap)
    /// the kernel applies to the socket (with --port/--host joined by and).
    #[arg(value_name = "EXPRESSION")]
    expression: Vec<String>,
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
    /// A tcpdump filter expression (pcap-filter(7), compiled by libpcap):
    /// only the frames `tcpdump -r FILE EXPRESSION` would show are read.
    #[arg(value_name = "EXPRESSION")]
    expression: Vec<String>,
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
    #[command(flatten)]
    conns: cli::filter::ConnArgs,
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
    /// reuseaddr, second-client or udp.
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

/// One line for an error that ends the run; its exit status: 2 for a
/// usage error (a filter expression libpcap refuses is one, as a bad flag
/// value is: cli/manual.rs EXIT STATUS), else 1.
fn fail(err: &anyhow::Error) -> ExitCode {
    eprintln!("synack: {err:#}");
    match err.downcast_ref::<synack::filter::FilterError>() {
        Some(synack::filter::FilterError::Bad { .. }) => ExitCode::from(2),
        _ => ExitCode::FAILURE,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Least privilege first, while the process has one thread: the live
    // demo's privileges go to a broker process, this one keeps none
    // (live/privilege.rs). Then one signal path for every mode (shutdown.rs).
    let live = !matches!(
        cli.command,
        Some(Command::Replay(_) | Command::Completions(_) | Command::Manpage)
    );
    // A replay's capture is opened with the starting privileges (root,
    // sudo), before they are dropped and before a byte of it is parsed.
    if let Some(Command::Replay(args)) = &cli.command {
        synack::capture::opened::open_before_drop(&[args.file.as_path()]);
    }
    // Usage errors before anything is started: the one line, exit 2.
    if let Some(Command::Watch(args)) = &cli.command
        && let Err(err) = cli::watch::filter_of(args)
    {
        return fail(&err);
    }
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
        Err(err) => fail(&err),
    };
    match synack::shutdown::received() {
        Some(sig) => ExitCode::from(synack::shutdown::exit_status(sig)),
        None => code,
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Replay(args)) => cli::replay::run(args),
        Some(Command::Demo(args)) => cli::demo::run(args),
        Some(Command::Watch(args)) => cli::watch::run(args),
        Some(Command::Completions(args)) => cli::manual::completions(&args, Cli::command()),
        Some(Command::Manpage) => cli::manual::manpage(Cli::command()),
        None => cli::demo::run(DemoArgs {
            scenario: "normal".into(),
            ..DemoArgs::default()
        }),
    }
}
