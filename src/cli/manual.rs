//! `synack completions SHELL` and `synack manpage`: the shell completion
//! scripts (clap_complete) and the manual page synack(1) (roff, through
//! clap_mangen), both generated from the clap definition in `main.rs`, so a
//! new flag reaches them without anyone editing a copy. The Debian package
//! (`pkg/deb`) ships what these print.
//!
//! Only text generation lives here: no capture, no privilege, no terminal.

use std::io::Write;

use anyhow::{Context, Result};
use clap_mangen::roff::{Roff, bold, italic, roman};

use synack::live::exchange::Scenario;

/// The flags of `synack completions`.
#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to write the script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Prints the completion script of `shell` for `cmd` to stdout.
pub fn completions(args: &CompletionsArgs, cmd: clap::Command) -> Result<()> {
    let mut cmd = documented(cmd);
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "synack", &mut out);
    super::emit(&String::from_utf8(out).context("completion script is not UTF-8")?)
}

/// Prints synack(1) for `cmd` to stdout.
pub fn manpage(cmd: clap::Command) -> Result<()> {
    super::emit(&render_manpage(cmd)?)
}

/// synack(1) as roff: the name, a synopsis of every command, each command
/// with every option (clap_mangen renders those), then the scenarios, the
/// privileges, the exit status, files, environment and examples.
pub fn render_manpage(cmd: clap::Command) -> Result<String> {
    let mut cmd = documented(cmd);
    cmd.build();
    let version = cmd.get_version().unwrap_or_default().to_string();
    let man = clap_mangen::Man::new(cmd.clone());
    let subs: Vec<clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();

    // The title by hand: roff drops an empty argument, and clap_mangen's
    // empty date would shift the source into the date's place. No date, so
    // the page is the same whenever it is built.
    let mut out: Vec<u8> = Vec::new();
    writeln!(
        out,
        ".TH SYNACK 1 \"\" \"synack {version}\" \"User Commands\""
    )?;
    man.render_name_section(&mut out)?;

    man.render_synopsis_section(&mut out)?;
    for sub in &subs {
        let body = section_body(|w| clap_mangen::Man::new(sub.clone()).render_synopsis_section(w))?;
        writeln!(out, ".br")?;
        out.extend_from_slice(body.as_bytes());
    }

    let mut description = Roff::new();
    description.control("SH", ["DESCRIPTION"]);
    for para in DESCRIPTION {
        description.control("PP", []).text([roman(*para)]);
    }
    description.to_writer(&mut out)?;

    man.render_options_section(&mut out)?;

    writeln!(out, ".SH COMMANDS")?;
    for sub in &subs {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        let mut head = Roff::new();
        head.control("SS", [name]);
        head.to_writer(&mut out)?;
        let sub_man = clap_mangen::Man::new(sub.clone());
        out.extend_from_slice(section_body(|w| sub_man.render_description_section(w))?.as_bytes());
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            out.extend_from_slice(section_body(|w| sub_man.render_options_section(w))?.as_bytes());
        }
    }

    extra_sections().to_writer(&mut out)?;
    let page = String::from_utf8(out).context("manual page is not UTF-8")?;
    Ok(once_preamble(&page))
}

/// Each roff render starts with the same two lines defining the `Aq`
/// string; the page needs them once, at the top.
fn once_preamble(page: &str) -> String {
    let is_preamble = |l: &str| l.starts_with(".ie \\n(.g .ds Aq") || l.starts_with(".el .ds Aq");
    let preamble: String = page
        .lines()
        .filter(|l| is_preamble(l))
        .take(2)
        .map(|l| format!("{l}\n"))
        .collect();
    let body: String = page
        .lines()
        .filter(|l| !is_preamble(l))
        .map(|l| format!("{l}\n"))
        .collect();
    preamble + &body
}

/// `cmd` as the scripts and the page should show it: `--scenario` lists
/// the scenario names (its parser is a function, whose values clap cannot
/// see), and the command word is called COMMAND. Parsing is not changed:
/// this copy only documents.
fn documented(cmd: clap::Command) -> clap::Command {
    let names: Vec<&'static str> = Scenario::ALL
        .into_iter()
        .map(synack::demo::scenario_name)
        .collect();
    cmd.subcommand_value_name("COMMAND")
        .mut_subcommand("demo", |demo| {
            demo.mut_arg("scenario", |a| {
                a.value_parser(clap::builder::PossibleValuesParser::new(names))
            })
        })
}

/// What clap_mangen renders for one section, without its `.SH` heading
/// lines, to nest under a command's `.SS`. (roff escapes text lines that
/// start with a dot, so every `.SH` line is a heading.)
fn section_body(render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<String> {
    let mut buf = Vec::new();
    render(&mut buf)?;
    let text = String::from_utf8(buf).context("manual section is not UTF-8")?;
    Ok(text
        .lines()
        .filter(|l| !l.starts_with(".SH"))
        .map(|l| format!("{l}\n"))
        .collect())
}

const DESCRIPTION: &[&str] = &[
    "synack walks through a TCP connection one segment at a time (SYN, SYN-ACK, ACK, data and \
     the FIN teardown) beside both sockets' states (LISTEN, SYN_SENT, SYN_RECV, ESTABLISHED, \
     FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED), the socket call \
     that caused each step, and the Linux kernel's own record of the same transitions.",
    "With no command, synack runs the live demo of the normal scenario. synack demo starts a \
     small TCP server and client on loopback, captures their segments and lets you step through \
     them one socket call per key. synack watch does the same for your own programs' \
     connections. synack replay walks any pcap or pcapng file. Every mode has a terminal UI and \
     non-interactive outputs: --print (a text ladder), --json, --svg and --html (demo and \
     replay), --list (replay).",
    "Text outputs are in English unless --lang zh asks for Chinese; the interactive UI follows \
     LC_ALL and LANG when --lang is not given.",
];

/// A line on each demo scenario. The match has no catch-all, so a new
/// scenario does not build until it is described here.
fn scenario_summary(s: Scenario) -> &'static str {
    match s {
        Scenario::Normal => {
            "Handshake, one echo, the client closes first (its side ends in TIME_WAIT)."
        }
        Scenario::ServerFirst => "Handshake, one echo, the server closes first.",
        Scenario::HalfClose => {
            "The client shuts down its sending side; the server still sends, then closes."
        }
        Scenario::Abort => {
            "The client sets SO_LINGER to 0 and closes: a RST instead of the FIN exchange."
        }
        Scenario::Refused => "Connecting to a port nobody listens on: the kernel answers RST.",
        Scenario::Backlog => {
            "Three clients connect before the server accepts: the kernel completes the \
             handshakes, accept() only takes them from the queue."
        }
        Scenario::Chat => "Several messages each way (an echo loop), then the client closes.",
        Scenario::ReuseAddr => {
            "The server closes first and is restarted on the same port: bind() fails with \
             EADDRINUSE while the old connection is in TIME_WAIT, and succeeds once the new \
             socket sets SO_REUSEADDR."
        }
        Scenario::SecondClient => {
            "A second client connects while the server serves the first: the kernel completes \
             its handshake and ACKs its data, but nobody recv()s it until the first client leaves."
        }
        Scenario::Udp => {
            "The tutorial's UDP echo: no handshake, no teardown, no states; a datagram to a \
             closed port is answered by ICMP port unreachable instead of a RST."
        }
    }
}

/// SCENARIOS, PRIVILEGES, EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES, SEE ALSO.
fn extra_sections() -> Roff {
    let mut r = Roff::new();
    r.control("SH", ["SCENARIOS"]);
    r.text([
        roman("Chosen with "),
        bold("synack demo --scenario"),
        italic(" NAME"),
        roman(":"),
    ]);
    for s in Scenario::ALL {
        r.control("TP", [])
            .text([bold(synack::demo::scenario_name(s))])
            .text([roman(scenario_summary(s))]);
    }

    r.control("SH", ["PRIVILEGES"]);
    r.text([roman(
        "replay, completions and manpage need no privilege. demo and watch capture on an \
         AF_PACKET socket, which needs ",
    )])
    .text([
        bold("CAP_NET_RAW"),
        roman("; the kernel column reads tracefs (root:root 0700), which needs "),
    ])
    .text([
        bold("CAP_DAC_OVERRIDE"),
        roman(" or root. Instead of sudo, grant the binary both, permitted only:"),
    ]);
    r.control("PP", [])
        .control("RS", ["4"])
        .text([bold(
            "setcap cap_net_raw,cap_dac_override+p /usr/bin/synack",
        )])
        .control("RE", []);
    r.control("PP", []).text([roman(
        "synack raises them itself, in one place: at start it forks a small broker that keeps \
         these two capabilities and answers three fixed requests (a packet socket, a tracefs \
         instance, removing that instance); the main process drops every capability, sets \
         no_new_privs and, under sudo, becomes the invoking user before it reads a capture or \
         opens a --save file. Started by root or with sudo, replay opens its capture file first, \
         with root's rights (as tcpdump -r does: a 0600 capture of another user reads), and \
         parses it only after the drop; a setcap'd binary opens only what its user may open. cap_sys_admin is not needed: mount tracefs once instead \
         (mount -t tracefs nodev /sys/kernel/tracing). Without the capabilities, the demo says \
         what is missing and walks the bundled capture of the same scenario.",
    )]);
    r.control("PP", []).text([roman(
        "A binary with capabilities gives them to every local user who may run it. The Debian \
         package grants them in its postinst; to limit synack to the members of a group, as \
         Wireshark's dumpcap does, create the group synack before installing (or run \
         dpkg-reconfigure synack after): the binary then becomes root:synack mode 0750.",
    )]);

    r.control("SH", ["EXIT STATUS"]);
    for (code, what) in [
        (
            "0",
            "Success (also when a closed pipe ends the output early).",
        ),
        (
            "1",
            "An error, reported as one line on standard error starting with synack: (a file \
             that is not a capture, a --save target that may not be written, a failed capture).",
        ),
        (
            "2",
            "A usage error: an unknown flag or a bad value, reported by the argument parser, \
             or a filter expression libpcap's compiler refuses.",
        ),
        (
            "128+N",
            "Ended by signal N after restoring the terminal and removing what synack made: 130 \
             for SIGINT (Ctrl-C), 143 for SIGTERM, 129 for SIGHUP.",
        ),
    ] {
        r.control("TP", []).text([bold(code)]).text([roman(what)]);
    }

    r.control("SH", ["ENVIRONMENT"]);
    r.control("TP", [])
        .text([bold("LC_ALL"), roman(", "), bold("LANG")])
        .text([roman(
            "The interactive UI's language when --lang is not given (zh for a Chinese locale).",
        )]);
    r.control("TP", []).text([bold("NO_COLOR")]).text([roman(
        "No ANSI colours in the text outputs, even on a terminal.",
    )]);

    r.control("SH", ["FILES"]);
    r.control("TP", [])
        .text([italic("/usr/share/synack/captures/")])
        .text([roman(
            "Example captures (with the kernel's view beside them, STEM.kernel.tsv and \
             STEM.timewait.txt) and the tutorial's client and server scripts, as installed by \
             the Debian package.",
        )]);

    r.control("SH", ["EXAMPLES"]);
    for (cmd, what) in [
        ("sudo synack", "the live demo, normal scenario"),
        (
            "sudo synack demo --scenario reuseaddr --print",
            "a lesson, printed",
        ),
        (
            "synack replay /usr/share/synack/captures/normal.pcap",
            "walk a capture",
        ),
        (
            "synack replay trace.pcapng --list",
            "one line per connection",
        ),
        (
            "synack replay trace.pcapng --print --conn 3 --lang zh",
            "a ladder, in Chinese",
        ),
        ("sudo synack watch --port 8090", "your own programs, live"),
        (
            "synack completions bash > ~/.local/share/bash-completion/completions/synack",
            "completions",
        ),
    ] {
        r.control("TP", []).text([bold(cmd)]).text([roman(what)]);
    }

    r.control("SH", ["SEE ALSO"]);
    r.text([roman(
        "tcp(7), tcpdump(8), setcap(8), capabilities(7); RFC 9293.",
    )]);
    r
}
