//! The commands' output to the user (the binary's app layer, beside the
//! flags in `main.rs`): the output style the flags ask for, stdout writes
//! that take a closed pipe calmly, the `--html` file. Each subcommand
//! is one module here: [`demo`], [`replay`], [`watch`]; [`manual`] prints
//! the completion scripts and the man page.
//!
//! This is where the terminal is looked at (is stdout one? `NO_COLOR`?):
//! the library's core only renders into strings and writers.

pub mod demo;
pub mod filter;
pub mod manual;
pub mod replay;
pub mod watch;

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::{Context, Result};

use synack::i18n::Lang;
use synack::output::{self, Style};

use crate::{FigureArgs, UiArgs};

/// The style of `--print`, `--list`, `--json` (and the pictures' numbers):
/// relative numbers unless `--absolute`, colour on a terminal only, times
/// since `origin` (the capture's first frame), words in `lang`.
pub fn style(absolute: bool, lang: Lang, origin: Duration) -> Style {
    Style {
        relative: !absolute,
        color: color_wanted(),
        origin,
        lang,
    }
}

/// ANSI colours only on a terminal, and not when NO_COLOR is set.
fn color_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The --svg options from the command line.
pub fn figure_options<'a>(ui: &UiArgs, fig: &FigureArgs, style: &Style) -> output::SvgOptions<'a> {
    output::SvgOptions {
        lang: ui.lang(),
        relative: style.relative,
        time_scale: fig.time_scale,
        ..output::SvgOptions::default()
    }
}

/// Writes the --html page to `path`, as `--save` writes (`save.rs`: never
/// through a link, never over what the user could not write, all or nothing).
pub fn write_html(path: &std::path::Path, page: &str) -> Result<()> {
    use synack::save::{SaveSet, SaveTarget};
    let target = SaveTarget::check(path).context("--html")?;
    let mut set = SaveSet::new();
    set.stage(&target, |w| w.write_all(page.as_bytes()))
        .context("--html")?;
    set.commit().context("--html")?;
    eprintln!("synack: wrote {} ({} bytes)", path.display(), page.len());
    Ok(())
}

/// Writes a JSON document, pretty-printed, to stdout.
pub fn emit_json(doc: &serde_json::Value) -> Result<()> {
    emit(&output::json_text(doc))
}

/// Writes `text` to stdout; a closed pipe (`| head`) is not an error.
pub fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}
