use super::*;
use std::process::Command;

const CHILD_ENV: &str = "SYNACK_LIVE_PRIV_CHILD";

/// Not a test by itself: the body the parent tests run in a child process
/// with fewer privileges. Without the env variable it does nothing.
#[test]
fn child_probe() {
    let Ok(mode) = std::env::var(CHILD_ENV) else {
        return;
    };
    if mode == "drop" {
        // Capabilities are per thread: this thread drops, and Creds reads
        // this thread's status.
        let r = drop_all(sudo_user().unwrap());
        println!("DROP: {r:?}");
        println!("CREDS: {:?}", Creds::current().unwrap());
    }
    let p = check();
    println!("RAW: {:?}", p.raw_socket);
    println!("TRACEFS: {:?}", p.tracefs);
}

/// Runs `child_probe` under `wrapper` (setpriv or capsh arguments).
fn run_child(wrapper: &[&str], mode: &str, envs: &[(&str, &str)]) -> Option<String> {
    let exe = std::env::current_exe().unwrap();
    let args = [
        "--exact",
        "live::privilege::tests::child_probe",
        "--nocapture",
        "--test-threads=1",
    ];
    let mut cmd = if wrapper[0] == "capsh" {
        let line = format!("{} {}", exe.display(), args.join(" "));
        let mut c = Command::new("capsh");
        c.args(&wrapper[1..]).args(["--", "-c", &line]);
        c
    } else {
        let mut c = Command::new(wrapper[0]);
        c.args(&wrapper[1..]).arg("--").arg(&exe).args(args);
        c
    };
    cmd.env(CHILD_ENV, mode).envs(envs.iter().copied());
    let out = cmd.output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// The text after `marker` on the first line containing it.
fn field<'a>(out: &'a str, marker: &str) -> Option<&'a str> {
    out.lines().find_map(|l| l.find(marker).map(|i| &l[i..]))
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--help").output().is_ok()
}

fn root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn without_cap_net_raw_the_message_names_it() {
    let wrapper: &[&str] = if have("setpriv") {
        &["setpriv", "--inh-caps=-all", "--bounding-set=-net_raw"]
    } else if have("capsh") {
        &["capsh", "--drop=cap_net_raw"]
    } else {
        eprintln!("note: neither setpriv nor capsh installed; skipped the no-privilege test");
        return;
    };
    let out = run_child(wrapper, "check", &[]).expect("child ran");
    let raw = field(&out, "RAW:").unwrap_or_else(|| panic!("{out}"));
    assert!(raw.contains("Err(") && raw.contains("CAP_NET_RAW"), "{out}");
    assert!(raw.contains("setcap"), "{out}");
}

#[test]
fn check_succeeds_with_full_privileges() {
    let p = check();
    if !root() {
        eprintln!("skipped: not root ({:?})", p.problems());
        return;
    }
    assert!(p.all_ok(), "{:?}", p.problems());
    assert!(p.problems().is_empty());
}

/// Started as root with SUDO_UID/SUDO_GID: afterwards every uid and gid is
/// the user's (no saved 0), no capability in any set, no_new_privs, and
/// neither a packet socket nor tracefs is reachable.
#[test]
fn sudo_drop_is_total() {
    if !have("setpriv") || !root() {
        eprintln!("note: needs root and setpriv; skipped");
        return;
    }
    let out = run_child(
        &["setpriv"],
        "drop",
        &[("SUDO_UID", "65534"), ("SUDO_GID", "65534")],
    )
    .expect("child ran");
    assert!(
        field(&out, "DROP:").unwrap_or_else(|| panic!("{out}")) == "DROP: Ok(())",
        "{out}"
    );
    let creds = field(&out, "CREDS:").unwrap();
    assert!(
        creds.contains("uids: [65534, 65534, 65534], gids: [65534, 65534, 65534], caps: [0, 0, 0, 0], bounding: 0, no_new_privs: true"),
        "{out}"
    );
    assert!(
        field(&out, "RAW:").unwrap().contains("CAP_NET_RAW"),
        "{out}"
    );
    assert!(field(&out, "TRACEFS:").unwrap().contains("Err("), "{out}");
}

/// A setcap-like start (a user holding CAP_NET_RAW and CAP_DAC_OVERRIDE):
/// after the drop nothing is held and the uid is unchanged.
#[test]
fn capability_drop_is_total() {
    if !have("setpriv") || !root() {
        eprintln!("note: needs root and setpriv; skipped");
        return;
    }
    let out = run_child(
        &[
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=+net_raw,+dac_override",
            "--ambient-caps=+net_raw,+dac_override",
        ],
        "drop",
        &[("SUDO_UID", "0"), ("SUDO_GID", "0")],
    )
    .expect("child ran");
    assert_eq!(field(&out, "DROP:"), Some("DROP: Ok(())"), "{out}");
    let creds = field(&out, "CREDS:").unwrap();
    assert!(
        creds.contains("uids: [65534, 65534, 65534]") && creds.contains("caps: [0, 0, 0, 0]"),
        "{out}"
    );
    assert!(creds.contains("no_new_privs: true"), "{out}");
    assert!(field(&out, "RAW:").unwrap().contains("Err("), "{out}");
}

#[test]
fn non_root_with_net_raw_and_dac_override_is_enough() {
    if !have("setpriv") || !root() {
        eprintln!("note: needs root and setpriv; skipped");
        return;
    }
    let user = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    let both = [
        "--inh-caps=+net_raw,+dac_override",
        "--ambient-caps=+net_raw,+dac_override",
    ];
    let mut w = vec!["setpriv"];
    w.extend(user);
    w.extend(both);
    let out = run_child(&w, "check", &[]).expect("child ran");
    assert!(field(&out, "RAW:").unwrap().contains("Ok(())"), "{out}");
    assert!(field(&out, "TRACEFS:").unwrap().contains("Ok(())"), "{out}");
    // Without CAP_DAC_OVERRIDE, tracefs is closed to a non-root user.
    let mut w = vec!["setpriv"];
    w.extend(user);
    w.extend(["--inh-caps=+net_raw", "--ambient-caps=+net_raw"]);
    let out = run_child(&w, "check", &[]).expect("child ran");
    assert!(field(&out, "RAW:").unwrap().contains("Ok(())"), "{out}");
    assert!(
        field(&out, "TRACEFS:")
            .unwrap()
            .contains("CAP_DAC_OVERRIDE"),
        "{out}"
    );
}

#[test]
fn parses_proc_status() {
    let text = "Name:\tsynack\nUid:\t1000\t1000\t0\t1000\nGid:\t100\t100\t100\t100\n\
                CapInh:\t0000000000000000\nCapPrm:\t0000000000002002\nCapEff:\t0000000000000000\n\
                CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\n";
    let c = Creds::parse(text).unwrap();
    assert_eq!(c.uids, [1000, 1000, 0]);
    assert_eq!(c.gids, [100; 3]);
    assert_eq!(c.caps, [0, 0x2002, 0, 0]);
    assert!(c.no_new_privs);
    assert!(!c.no_capabilities());
    assert!(Creds::parse("Name: x\n").is_none());
}

#[test]
fn instance_names_carry_the_owner_pid() {
    assert_eq!(
        crate::live::privileged::instance_owner("synack-123-0"),
        Some(123)
    );
    assert_eq!(
        crate::live::privileged::instance_owner("synack-probe-77-3"),
        Some(77)
    );
    assert_eq!(crate::live::privileged::instance_owner("synack-x-0"), None);
    assert_eq!(crate::live::privileged::instance_owner("other-1-0"), None);
    assert_eq!(crate::live::privileged::instance_owner("synack-5"), None);
}
