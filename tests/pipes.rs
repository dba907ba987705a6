//! A capture given through a pipe (`/dev/stdin` fed by a pipe, a FIFO made
//! by `mkfifo`) is copied to a temporary file and read twice like a file:
//! every output mode gives the very bytes (stdout, stderr, exit status) the
//! file gives, with the pipe's name where the file's was (and so does
//! `/dev/stdin` redirected from the file, read by path). Also the copy's
//! own failures (no temporary directory, a full one): one line, exit 1.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

#[path = "support/run.rs"]
mod run;
use run::synack;

/// Every run of the binary is killed after this long.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// Captures of every kind: tcpdump and dumpcap, pcapng, several
/// connections, UDP flows, ICMP errors, gzip and zstd (one cut short),
/// damaged, and ones the CLI refuses (empty, no TCP).
const CAPTURES: [&str; 14] = [
    "captures/normal.pcap",
    "captures/normal.pcapng",
    "captures/lossy.pcap",
    "captures/demo-second-client.pcap",
    "captures/demo-udp.pcap",
    "captures/simultaneous-open.pcap",
    "tests/data/icmp-fragneeded.pcap",
    "tests/data/lo-ipv4.pcap.gz",
    "tests/data/lo-nano.pcapng.zst",
    "tests/data/cut-short.pcap.gz",
    "tests/data/damaged-middle.pcapng",
    "tests/data/truncated-last-packet.pcap",
    "tests/data/empty.pcap",
    "tests/data/arp-only.pcap",
];

const MODES: [&[&str]; 9] = [
    &["--print"],
    &["--json"],
    &["--svg"],
    &["--list"],
    &["--print", "--conn", "1"],
    &["--json", "--conn", "0"],
    &["--svg", "--conn", "1", "--from", "2", "--to", "5"],
    &["--list", "--conn", "1"],
    &["--print", "--lang", "zh", "--absolute"],
];

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Status, stdout and stderr, with `name` (the path given) as `FILE`.
fn seen(out: Output, name: &str) -> (Option<i32>, String, String) {
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).replace(name, "FILE");
    (out.status.code(), text(out.stdout), text(out.stderr))
}

fn from_file(path: &str, mode: &[&str]) -> (Option<i32>, String, String) {
    let out = synack()
        .args(["replay", path])
        .args(mode)
        .timeout(RUN_LIMIT)
        .output()
        .unwrap();
    seen(out, path)
}

/// `synack replay /dev/stdin MODE` with `bytes` written into a pipe.
fn from_stdin(bytes: &[u8], mode: &[&str]) -> (Option<i32>, String, String) {
    let out = synack()
        .args(["replay", "/dev/stdin"])
        .args(mode)
        .write_stdin(bytes.to_vec())
        .timeout(RUN_LIMIT)
        .output()
        .unwrap();
    seen(out, "/dev/stdin")
}

/// `synack replay /dev/stdin MODE < FILE`: stdin is the file itself (a
/// regular file, opened again by path at each read, not copied).
fn from_redirect(path: &Path, mode: &[&str]) -> (Option<i32>, String, String) {
    // By the shell: assert_cmd always gives stdin as a pipe.
    let out = assert_cmd::Command::new("sh")
        .arg("-c")
        .arg(r#"exec "$0" replay /dev/stdin "$@" < "$CAPTURE""#)
        .arg(assert_cmd::cargo::cargo_bin("synack"))
        .args(mode)
        .env("CAPTURE", path)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .timeout(RUN_LIMIT)
        .output()
        .unwrap();
    seen(out, "/dev/stdin")
}

/// `synack replay FIFO MODE` with `bytes` written into a FIFO by a thread.
fn from_fifo(dir: &Path, bytes: &[u8], mode: &[&str]) -> (Option<i32>, String, String) {
    let fifo = dir.join("capture.fifo");
    let _ = std::fs::remove_file(&fifo);
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    let writer = {
        let (fifo, bytes) = (fifo.clone(), bytes.to_vec());
        std::thread::spawn(move || feed_fifo(&fifo, &bytes))
    };
    let name = fifo.display().to_string();
    let out = synack()
        .args(["replay", &name])
        .args(mode)
        .timeout(RUN_LIMIT)
        .output()
        .unwrap();
    writer.join().unwrap();
    seen(out, &name)
}

/// Writes `bytes` into the FIFO once a reader has opened it. Opening for
/// writing would block until then (forever if synack failed first), so it
/// polls a non-blocking open, for at most [`RUN_LIMIT`]. A reader that
/// quits early ends the write with EPIPE.
fn feed_fifo(fifo: &Path, bytes: &[u8]) {
    let deadline = Instant::now() + RUN_LIMIT;
    let file = loop {
        match OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(fifo)
        {
            Ok(f) => break f,
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) => panic!("{}: {e}", fifo.display()),
        }
    };
    // Blocking writes from here on.
    nix::fcntl::fcntl(
        &file,
        nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::empty()),
    )
    .unwrap();
    let _ = (&file).write_all(bytes);
}

#[test]
fn every_mode_through_a_pipe_is_the_files_output() {
    let dir = tempfile::tempdir().unwrap();
    let (mut compared, mut refused, mut warned) = (0, 0, 0);
    for cap in CAPTURES {
        let bytes = std::fs::read(repo(cap)).unwrap();
        for mode in MODES {
            let want = from_file(cap, mode);
            let got = [
                (from_stdin(&bytes, mode), "/dev/stdin"),
                (from_fifo(dir.path(), &bytes, mode), "FIFO"),
                (from_redirect(&repo(cap), mode), "< FILE"),
            ];
            for (got, how) in got {
                if mode[0] == "--list" && want.2.contains("no TCP segments") && how != "< FILE" {
                    // --list reads a pipe once, as it comes (no copy):
                    // saying what the frames are instead of TCP would
                    // need a second read, so the pipe's message gives
                    // the skipped counts.
                    assert_eq!((&got.0, &got.1), (&want.0, &want.1), "{cap} {mode:?} {how}");
                    assert!(
                        got.2.starts_with("synack: FILE: no TCP segments in"),
                        "{}",
                        got.2
                    );
                } else {
                    assert_eq!(got, want, "{cap} {mode:?} {how}");
                }
            }
            compared += 1;
            if want.0 != Some(0) {
                refused += 1;
                assert!(
                    want.2.ends_with('\n') && !want.2.contains("panicked"),
                    "{cap} {mode:?}: {}",
                    want.2
                );
            } else if want.2.contains("warning") {
                warned += 1;
            }
        }
    }
    // Some outputs, some refusals (no such connection, no TCP, empty),
    // some warnings (cut short, damaged).
    assert!(
        compared == CAPTURES.len() * MODES.len() && refused >= 10 && warned >= 10,
        "{compared} {refused} {warned}"
    );
}

/// `--html` of a pipe: the same page as of the file (counted first, then
/// read whole), the JSON document in it naming the pipe.
#[test]
fn html_of_a_pipe_is_the_files_page() {
    let dir = tempfile::tempdir().unwrap();
    for cap in ["captures/demo-chat.pcap", "tests/data/lo-ipv4.pcap.gz"] {
        let file_page = dir.path().join("file.html");
        let pipe_page = dir.path().join("pipe.html");
        let file = file_page.display().to_string();
        let pipe = pipe_page.display().to_string();
        let a = from_file(cap, &["--html", &file]);
        let b = from_stdin(&std::fs::read(repo(cap)).unwrap(), &["--html", &pipe]);
        let page = |p: &Path| std::fs::read_to_string(p).unwrap();
        let (a_page, b_page) = (page(&file_page), page(&pipe_page));
        // The pages differ in the name's length only: the message gives
        // each page's size.
        let wrote = |out: &str, page: &str| format!("synack: wrote {out} ({} bytes)\n", page.len());
        assert_eq!(a, (Some(0), String::new(), wrote(&file, &a_page)), "{cap}");
        assert_eq!(b, (Some(0), String::new(), wrote(&pipe, &b_page)), "{cap}");
        assert_eq!(
            a_page.replace(cap, "FILE"),
            b_page.replace("/dev/stdin", "FILE"),
            "{cap}"
        );
    }
}

/// A pipe cut part way through a record: the copy is cut where the pipe
/// was, and the reads warn as they do for the file cut there.
#[test]
fn a_pipe_cut_mid_record_warns_as_the_cut_file_does() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(repo("captures/lossy.pcap")).unwrap();
    let cut = &bytes[..bytes.len() * 2 / 3];
    let path = dir.path().join("cut.pcap");
    std::fs::write(&path, cut).unwrap();
    let name = path.display().to_string();
    for mode in [&["--print"][..], &["--json"], &["--svg"]] {
        let want = from_file(&name, mode);
        assert!(want.2.contains("last packet truncated"), "{}", want.2);
        assert_eq!(from_stdin(cut, mode), want, "{mode:?}");
    }
}

/// The copy cannot be made: one line naming the pipe, the directory and
/// the problem, exit 1, nothing on stdout.
#[test]
fn no_room_for_the_copy_is_one_line() {
    let bytes = std::fs::read(repo("captures/normal.pcap")).unwrap();
    let out = synack()
        .args(["replay", "/dev/stdin", "--print"])
        .env("TMPDIR", "/nonexistent/synack-tmp")
        .write_stdin(bytes)
        .timeout(RUN_LIMIT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "synack: /dev/stdin: cannot copy the pipe to a temporary file in /nonexistent/synack-tmp: No such file or directory (os error 2); set TMPDIR to a directory with room, or save the capture to a file and give that\n"
    );
}

/// A full disk: a 64 KiB tmpfs as TMPDIR, mounted in a mount namespace of
/// the test's own (`unshare -m`, which needs root or user namespaces) so
/// nothing outside sees it.
#[test]
fn a_full_temporary_directory_is_one_line() {
    let bytes = std::fs::read(repo("captures/lossy.pcap")).unwrap();
    assert!(bytes.len() > 64 << 10);
    let bin = assert_cmd::cargo::cargo_bin("synack");
    let script = format!(
        r#"mount -t tmpfs -o size=64k tmpfs "$TMP_MOUNT" && TMPDIR="$TMP_MOUNT" exec {} replay /dev/stdin --print"#,
        bin.display()
    );
    // The mount point is the test's own directory (removed at the end):
    // the tmpfs lives only in the namespace.
    let dir = tempfile::tempdir().unwrap();
    let probe = std::process::Command::new("unshare")
        .args([
            "-m",
            "sh",
            "-c",
            r#"mount -t tmpfs -o size=64k tmpfs "$TMP_MOUNT""#,
        ])
        .env("TMP_MOUNT", dir.path())
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: unshare -m and a tmpfs mount are not allowed here");
        return;
    }
    let out = assert_cmd::Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .env("TMP_MOUNT", dir.path())
        .env("NO_COLOR", "1")
        .write_stdin(bytes)
        .timeout(RUN_LIMIT)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        err,
        format!(
            "synack: /dev/stdin: cannot copy the pipe to a temporary file in {}: No space left on device (os error 28); set TMPDIR to a directory with room, or save the capture to a file and give that\n",
            dir.path().display()
        )
    );
}
