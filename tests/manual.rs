//! `synack completions SHELL` and `synack manpage`: snapshots of what they
//! print (so a new flag shows up in review), every flag of every command's
//! `--help` in the man page, the page rendered by man without a warning,
//! and the bash script completing in a real bash.

use std::process::Command;

#[path = "support/run.rs"]
mod run;
use run::stdout_of;

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];
const COMMANDS: [&str; 5] = ["demo", "replay", "watch", "completions", "manpage"];

#[test]
fn completion_scripts_of_every_shell() {
    for shell in SHELLS {
        insta::assert_snapshot!(
            format!("completions_{shell}"),
            stdout_of(&["completions", shell])
        );
    }
    let out = run::synack()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid value 'tcsh'"), "{err}");
}

#[test]
fn manpage_snapshot() {
    insta::assert_snapshot!("manpage", stdout_of(&["manpage"]));
}

/// The long flags in a `--help` text: `--name` at the start of an option
/// line, as clap prints them.
fn help_flags(help: &str) -> Vec<String> {
    help.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let l = l
                .strip_prefix("-h, ")
                .or(l.strip_prefix("-V, "))
                .unwrap_or(l);
            let flag = l.strip_prefix("--")?;
            let name: String = flag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            Some(name)
        })
        .collect()
}

#[test]
fn manpage_has_every_command_and_flag_of_the_help() {
    let page = stdout_of(&["manpage"]);
    let top = stdout_of(&["--help"]);
    for cmd in COMMANDS {
        assert!(top.contains(cmd), "{cmd} missing from --help");
        assert!(
            page.contains(&format!(".SS \"synack {cmd}\""))
                || page.contains(&format!(".SS synack {cmd}")),
            "no section for synack {cmd}"
        );
        let flags = help_flags(&stdout_of(&[cmd, "--help"]));
        assert!(
            flags.contains(&"help".to_string()),
            "{cmd}: no flags read from --help"
        );
        for flag in flags {
            // roff writes a hyphen in a flag as \-.
            let roff_flag = format!("\\-\\-{}", flag.replace('-', "\\-"));
            assert!(
                page.contains(&roff_flag),
                "synack {cmd} --{flag} missing from the man page"
            );
        }
    }
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "COMMANDS",
        "SCENARIOS",
        "PRIVILEGES",
        "\"EXIT STATUS\"",
    ] {
        assert!(
            page.contains(&format!(".SH {section}\n")),
            "no {section} section"
        );
    }
    let demo_help = stdout_of(&["demo", "--help"]);
    assert!(demo_help.contains("--scenario"));
    for name in [
        "normal",
        "server-first",
        "reuseaddr",
        "second-client",
        "udp",
    ] {
        let roff_name = name.replace('-', "\\-");
        assert!(
            page.contains(&format!(".TP\n\\fB{roff_name}\\fR")),
            "scenario {name} not described"
        );
    }
    for cap in [
        "CAP_NET_RAW",
        "CAP_DAC_OVERRIDE",
        "setcap cap_net_raw,cap_dac_override+p",
    ] {
        assert!(page.contains(cap), "{cap} missing from PRIVILEGES");
    }
}

#[test]
fn man_renders_the_page_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("synack.1");
    std::fs::write(&path, stdout_of(&["manpage"])).unwrap();
    // groff checks the roff itself (-ww: every warning, -z: no output).
    let out = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&path)
        .output()
        .expect("groff runs (package groff-base, which man-db needs)");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warnings");
    let text = Command::new("groff")
        .args(["-man", "-Tutf8", "-P-bcou"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.contains("EXIT STATUS"), "{text}");
    assert!(text.contains("synack replay"), "{text}");
}

/// Completes `line` (the cursor at its end) with the bash script, as bash
/// does on Tab, and returns the candidates.
fn bash_complete(line: &str) -> Vec<String> {
    let script = stdout_of(&["completions", "bash"]);
    let words: Vec<&str> = line.split(' ').collect();
    let cword = words.len() - 1;
    let driver = format!(
        "{script}\nCOMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{line}'; COMP_POINT={point}\n\
         _synack synack \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$((COMP_CWORD-1))]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        point = line.len(),
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &driver])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_commands_flags_and_values() {
    assert_eq!(bash_complete("synack rep"), ["replay"]);
    let flags = bash_complete("synack replay --li");
    assert_eq!(flags, ["--list"]);
    let scenarios = bash_complete("synack demo --scenario ");
    assert_eq!(scenarios.len(), 10, "{scenarios:?}");
    for name in ["normal", "half-close", "reuseaddr", "second-client", "udp"] {
        assert!(
            scenarios.contains(&name.to_string()),
            "{name}: {scenarios:?}"
        );
    }
    assert_eq!(
        bash_complete("synack demo --scenario re"),
        ["refused", "reuseaddr"]
    );
    let mut shells = bash_complete("synack completions ");
    shells.sort();
    assert_eq!(
        shells,
        [
            "--help",
            "-h",
            "bash",
            "elvish",
            "fish",
            "powershell",
            "zsh"
        ]
    );
}
