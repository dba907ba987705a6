//! `synack replay FILE`: the walk-through on a terminal (`ui::walk_file`),
//! else the output the flags ask for.
//!
//! `--list` reads the capture once, keeping summaries. `--print`, `--json`
//! and `--svg` read it twice: summaries first, then the output written as
//! the second read goes, in bounded memory (`output/stream.rs`,
//! `output/window.rs`). `--html` counts first (a page too big to open is
//! refused before the capture is read whole). A pipe cannot be read twice:
//! for those modes its bytes are first copied to an anonymous temporary
//! file ([`Source::of`]), and the reads go to the copy under the pipe's
//! name. The walk-through of a pipe reads it once, in the background, as
//! it comes.

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result, bail};

use synack::capture::Source;
use synack::conversation::Connection;
use synack::decode::TunnelPorts;
use synack::output::{self, Style};
use synack::replay::{Keep, Replay};
use synack::ui::{self, Walked};

use super::{emit, figure_options, write_html};
use crate::ReplayArgs;

/// Runs `synack replay` with `args`.
pub fn run(mut args: ReplayArgs) -> Result<()> {
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
    if let Some(expr) = synack::filter::Expression::of_words(&args.expression)? {
        synack::filter::filter_captures(expr);
    }
    let name = args.file.display().to_string();
    let walk = !(args.list || args.print || args.json || args.svg || args.html.is_some());
    if walk && !std::io::stdout().is_terminal() {
        eprintln!(
            "synack: stdout is not a terminal: printing the ladder (--print) instead of the walk-through"
        );
        args.print = true;
    }
    let mut ports = TunnelPorts::default();
    for p in &args.tunnel_port {
        ports.add(p.0, p.1);
    }
    if walk && !args.print {
        let opts = args.ui.options(name.clone(), args.conn);
        match ui::walk_file(&args.file, ports.clone(), opts, args.conns.filter())? {
            Walked::Quit => return Ok(()),
            // A pipe was read by the walk: there is nothing left to print.
            Walked::OnlyFlows if Source::is_once(&args.file) => bail!(
                "{name}: no TCP connection to walk through, only UDP flows; a pipe cannot be read again to print them: run again with --print"
            ),
            // UDP flows only: shown as the ladder, as below.
            Walked::OnlyFlows => args.print = true,
        }
    }
    let lang = args.ui.output_lang();
    // Written as the second read goes; the first keeps summaries.
    let streamed = args.print || args.json || args.svg;
    let source = if streamed || args.html.is_some() {
        ui::source_showing_progress(&args.file, lang)?
    } else {
        Source::file(&args.file)
    };
    let keep = if args.list || streamed {
        Keep::Summaries
    } else if let Some(n) = args.conn {
        // Only N's steps are kept: memory and time as for --list.
        Keep::One(n)
    } else {
        Keep::Steps
    };
    if args.html.is_some() {
        // Counted first: a page too big to open is refused before the
        // capture is read whole.
        let first = ui::read_showing_progress(&source, Keep::Summaries, ports.clone(), lang)?;
        output::html::fits(&first, args.conn).map_err(|e| anyhow::anyhow!("--html: {e}"))?;
    }
    let replay = ui::read_showing_progress(&source, keep, ports.clone(), lang)?;
    for w in &replay.warnings {
        eprintln!("synack: warning: {w}");
    }
    let conns = replay.connections();
    if conns.is_empty() && replay.frames == 0 && !args.expression.is_empty() {
        bail!(
            "{name}: no frame matches the filter expression \"{}\"",
            args.expression.join(" ")
        );
    }
    if conns.is_empty() && replay.frames == 0 {
        bail!("{name}: no frames at all; the capture holds no packets");
    }
    // No TCP: read it again to say what the frames are (a tunnel on an
    // unusual port, say; a pipe read once gives the skipped counts). An
    // error when nothing else can be shown; beside the UDP flows, a note.
    let why = || {
        let why = synack::census::summary_of(&source, ports.clone(), replay.skipped());
        format!("{name}: no TCP segments in {} frames: {why}", replay.frames)
    };
    if conns.is_empty() && replay.tracker.flows().is_empty() {
        bail!("{}", why());
    }
    if conns.is_empty() {
        eprintln!("synack: {}; showing its UDP flows", why());
    }
    if let Some(n) = args.conn
        && n >= conns.len()
    {
        bail!("{}", ui::no_such_connection(n, &name, conns.len()));
    }
    let style = super::style(args.absolute, lang, replay.origin.unwrap_or_default());
    if args.svg {
        return svg(&args, &source, replay, ports, &style);
    }
    let shown = args.conns.filter();
    if !shown.is_empty() {
        let n = replay
            .connections()
            .iter()
            .filter(|c| shown.matches(c))
            .count();
        let of = replay.connections().len();
        eprintln!("synack: {n} of {of} connections match {}", shown.describe());
    }
    if let Some(path) = &args.html {
        return html(&args, path, &replay, &style);
    }
    if args.list {
        return list(&args, &replay, &style);
    }
    stream(&args, &source, replay, ports, style)
}

/// `--print` or `--json` (also of a capture of UDP flows only) written
/// as the capture is read a second time, from what the first read
/// (`first`, summaries only) found.
fn stream(
    args: &ReplayArgs,
    source: &Source,
    first: Replay,
    ports: TunnelPorts,
    style: Style,
) -> Result<()> {
    use output::stream::{self, Format, Options, Plan};
    let plan = Plan::of(&first);
    let shown = args.conns.filter();
    let only = (!shown.is_empty()).then(|| {
        first
            .connections()
            .iter()
            .map(|c| shown.matches(c))
            .collect()
    });
    drop(first);
    let opts = Options {
        format: if args.json {
            Format::Json
        } else {
            Format::Print
        },
        style,
        conn: args.conn,
        only,
        name: source.name().to_string(),
        spool_memory: stream::SPOOL_MEMORY,
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match stream::run(source, ports, &plan, &opts, &mut out) {
        Err(e) if e.is_broken_pipe() => Ok(()),
        other => Ok(other?),
    }
}

/// `--svg`: the connection's segment count from the first read (`first`),
/// then a second read keeping only the window's steps.
fn svg(
    args: &ReplayArgs,
    source: &Source,
    first: Replay,
    ports: TunnelPorts,
    style: &Style,
) -> Result<()> {
    use output::window::{self, Window};
    let name = source.name();
    let shown = args.conns.filter();
    let n = match args.conn {
        Some(n) => n,
        None => first
            .connections()
            .iter()
            .position(|c| shown.matches(c))
            .unwrap_or(0),
    };
    let Some(total) = first.connections().get(n).map(|c| c.packets()) else {
        bail!("--svg: {name} has no TCP connection to draw");
    };
    if !shown.matches(&first.connections()[n]) {
        bail!(
            "--svg: no connection of {name} to draw matches {}",
            shown.describe()
        );
    }
    let w = Window::pick(args.from, args.to, total).map_err(anyhow::Error::msg)?;
    drop(first);
    let Some(conn) = window::read(source, ports, n, w)? else {
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
        ..figure_options(&args.ui, &args.figure, style)
    };
    emit(&output::svg(&conn, &figure))
}

/// `--html FILE`: the page embeds the `--json` document's very text.
fn html(args: &ReplayArgs, path: &std::path::Path, replay: &Replay, style: &Style) -> Result<()> {
    let name = args.file.display().to_string();
    let shown = args.conns.filter();
    let doc = output::stream::json_document_of(replay, &name, args.conn, &shown, style);
    let conns: Vec<&Connection> = output::stream::chosen(replay, args.conn)
        .0
        .iter()
        .filter(|c| shown.matches(c))
        .collect();
    let page = output::html::page_with(&doc, &conns, style, args.ui.lang(), None);
    write_html(path, &page)
}

/// `--list`: one row per connection, written as it goes (a table of a
/// million rows is never held), then the UDP flows and the totals.
fn list(args: &ReplayArgs, replay: &Replay, style: &Style) -> Result<()> {
    let shown = args.conns.filter();
    let (conns, mut flows) = output::stream::chosen(replay, args.conn);
    if !shown.is_empty() {
        flows.clear(); // a connection filter shows TCP connections only
    }
    if conns.iter().any(|c| shown.matches(c)) {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let rows = conns.iter().filter(|c| shown.matches(c));
        match output::list_to(&mut out, rows, style).and_then(|()| out.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            other => other.context("writing to stdout")?,
        }
    }
    let mut text = String::new();
    if !flows.is_empty() {
        text.push_str(&output::flows_list(&flows, style));
    }
    text.push_str(&format!(
        "\n{}\n",
        synack::i18n::print::totals(
            style.lang,
            replay.connections().len(),
            replay.frames,
            &replay.skipped(),
            flows.len()
        )
    ));
    emit(&text)
}
