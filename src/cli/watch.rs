//! `synack watch`: the TUI on a terminal, else (or with `--print`/`--json`)
//! the streamed ladder or the JSON document, then the `--save` files.

use std::io::IsTerminal;

use anyhow::{Context, Result};

use super::emit_json;
use crate::WatchArgs;

/// The expression (with --port/--host and `tcp`) as the kernel will run
/// it. A bad one is a usage error: `main` calls this before anything is
/// started (no privileged helper, no tracefs instance, no stale-instance
/// note), so the error is the one line.
pub fn filter_of(args: &WatchArgs) -> Result<synack::live::sniffer::Filter> {
    let filter = synack::live::sniffer::Filter {
        ports: args.ports.clone(),
        hosts: args.hosts.clone(),
        expression: match synack::filter::Expression::of_words(&args.expression)? {
            Some(e) => Some(synack::filter::OnEthernet::new(e)?),
            None => None,
        },
        ..Default::default()
    };
    synack::live::bpf::compiled(&filter)?;
    Ok(filter)
}

/// `synack watch`: the TUI on a terminal, else (or with --print/--json)
/// the streamed ladder or the JSON document.
pub fn run(args: WatchArgs) -> Result<()> {
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
    let filter = filter_of(&args)?;
    let config = WatchConfig {
        iface: args.iface.clone(),
        filter,
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
        let lang = args.ui.lang();
        let what = synack::i18n::watch::watch_description(lang, watch.iface(), watch.filter());
        let opts = args.ui.options(format!("watch {what}"), None);
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
    let mut style = super::style(args.absolute, args.ui.lang(), std::time::Duration::ZERO);
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
