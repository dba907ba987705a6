use super::*;
use std::os::unix::fs::symlink;

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn save_text(path: &Path, text: &str) -> Result<(), SaveError> {
    let t = SaveTarget::check(path)?;
    let mut set = SaveSet::new();
    set.stage(&t, |w| w.write_all(text.as_bytes()))?;
    set.commit()
}

#[test]
fn writes_new_and_replaces_own_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("out.pcap");
    save_text(&p, "one").unwrap();
    assert_eq!(fs::read_to_string(&p).unwrap(), "one");
    save_text(&p, "two").unwrap();
    assert_eq!(fs::read_to_string(&p).unwrap(), "two");
    assert_eq!(names(dir.path()), ["out.pcap"]);
}

#[test]
fn mode_follows_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.pcap");
    save_text(&p, "x").unwrap();
    // The test process's umask, read back through a plain create.
    let q = dir.path().join("plain");
    fs::write(&q, "x").unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&p), mode(&q));
}

#[test]
fn missing_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nope").join("out.pcap");
    let e = SaveTarget::check(&p).unwrap_err();
    assert_eq!(e.path, dir.path().join("nope"));
    assert_eq!(
        e.to_string(),
        format!(
            "{}: directory does not exist",
            dir.path().join("nope").display()
        )
    );
}

#[test]
fn target_changed_into_a_symlink_before_commit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    fs::write(&victim, "keep").unwrap();
    let p = dir.path().join("out.pcap");
    let t = SaveTarget::check(&p).unwrap();
    let mut set = SaveSet::new();
    set.stage(&t, |w| w.write_all(b"new")).unwrap();
    symlink(&victim, &p).unwrap();
    let e = set.commit().unwrap_err();
    assert!(e.to_string().contains("symbolic link"), "{e}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
    assert_eq!(names(dir.path()), ["out.pcap", "victim"]);
}

#[test]
fn a_failed_write_leaves_nothing_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = SaveTarget::check(&dir.path().join("a.pcap")).unwrap();
    let b = a.with_extension("kernel.tsv").unwrap();
    let mut set = SaveSet::new();
    set.stage(&a, |w| w.write_all(b"pcap")).unwrap();
    let e = set
        .stage(&b, |_| Err(io::Error::from_raw_os_error(libc::ENOSPC)))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: no space left on device",
            dir.path().join("a.kernel.tsv").display()
        )
    );
    drop(set);
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
}
