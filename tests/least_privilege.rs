//! The privileges README recommends, used by an attacker: a throwaway user
//! runs a copy of synack holding `cap_net_raw,cap_dac_override+p` (setcap),
//! or root runs it under sudo's variables, and aims `--save` at files that
//! user may not write. Nothing may be written or replaced, and the demo
//! must still work (capture and kernel column) where the user may write.
//! Needs root, useradd, setcap and setpriv (skipped otherwise; CI has them).
//! Also: `--save` on a full file system leaves nothing and names the file.

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_synack");
/// What README recommends.
const CAPS: &str = "cap_net_raw,cap_dac_override+p";

fn root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A user made for this test, deleted on drop.
struct User {
    name: String,
    uid: u32,
    gid: u32,
}

impl User {
    /// `tag` keeps the names of tests running in parallel apart.
    fn create(tag: &str) -> Option<User> {
        if !root() || !["useradd", "setcap", "setpriv"].iter().all(|t| have(t)) {
            eprintln!("needs root, useradd, setcap and setpriv: skipped");
            return None;
        }
        let name = format!("synk{tag}{}", std::process::id());
        let st = Command::new("useradd")
            .args(["--no-create-home", "--shell", "/bin/false", &name])
            .status()
            .expect("useradd");
        assert!(st.success(), "useradd {name}");
        let id = |flag: &str| -> u32 {
            let o = Command::new("id").args([flag, &name]).output().unwrap();
            String::from_utf8_lossy(&o.stdout).trim().parse().unwrap()
        };
        Some(User {
            uid: id("-u"),
            gid: id("-g"),
            name,
        })
    }
}

impl Drop for User {
    fn drop(&mut self) {
        let _ = Command::new("userdel").arg(&self.name).status();
    }
}

/// The scene: a copy of synack the user can run, a root-owned directory
/// (0755) holding a root-owned 0600 secret, a directory of the user's.
struct Scene {
    _top: tempfile::TempDir,
    bin: PathBuf,
    root_dir: PathBuf,
    secret: PathBuf,
    user_dir: PathBuf,
}

impl Scene {
    fn new(user: &User, caps: Option<&str>) -> Scene {
        let top = tempfile::tempdir().unwrap();
        fs::set_permissions(top.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let bin = top.path().join("synack");
        fs::copy(BIN, &bin).unwrap();
        fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
        if let Some(caps) = caps {
            let st = Command::new("setcap").arg(caps).arg(&bin).status().unwrap();
            assert!(st.success(), "setcap");
        }
        let root_dir = top.path().join("rootdir");
        fs::create_dir(&root_dir).unwrap();
        fs::set_permissions(&root_dir, fs::Permissions::from_mode(0o755)).unwrap();
        let secret = root_dir.join("secret");
        fs::write(&secret, "root only\n").unwrap();
        fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
        let user_dir = top.path().join("userdir");
        fs::create_dir(&user_dir).unwrap();
        std::os::unix::fs::chown(&user_dir, Some(user.uid), Some(user.gid)).unwrap();
        Scene {
            _top: top,
            bin,
            root_dir,
            secret,
            user_dir,
        }
    }

    /// Asserts the secret and the root directory are exactly as made.
    fn assert_untouched(&self) {
        let m = fs::symlink_metadata(&self.secret).unwrap();
        assert!(m.file_type().is_file());
        assert_eq!((m.uid(), m.mode() & 0o777), (0, 0o600));
        assert_eq!(fs::read_to_string(&self.secret).unwrap(), "root only\n");
        let names: Vec<_> = fs::read_dir(&self.root_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["secret"], "something was created in the root dir");
    }
}

fn demo_save(cmd: &mut Command, save: &Path) -> Output {
    cmd.args(["demo", "--scenario", "refused", "--print", "--save"])
        .arg(save)
        .output()
        .expect("synack runs")
}

/// The user's run of the copy (file capabilities apply on exec).
fn as_user(user: &User, scene: &Scene) -> Command {
    let mut c = Command::new("setpriv");
    c.args([
        &format!("--reuid={}", user.uid),
        &format!("--regid={}", user.gid),
        "--init-groups",
        "--",
    ])
    .arg(&scene.bin)
    .env_remove("SUDO_UID")
    .env_remove("SUDO_GID");
    c
}

/// Root's run of the copy with what sudo sets.
fn as_sudo(user: &User, scene: &Scene) -> Command {
    let mut c = Command::new(&scene.bin);
    c.env("SUDO_UID", user.uid.to_string())
        .env("SUDO_GID", user.gid.to_string());
    c
}

/// Both attacks refused (exit 1, one line naming the file, nothing
/// touched), and a save where the user may write works, as the user, with
/// the kernel column (so the capabilities really reached the broker).
fn attack(user: &User, scene: &Scene, run: impl Fn() -> Command) {
    let out = demo_save(&mut run(), &scene.secret);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty(), "the demo ran before refusing");
    assert!(
        err.contains(&format!(
            "synack: --save: {}: exists and you cannot write it",
            scene.secret.display()
        )),
        "{err}"
    );
    scene.assert_untouched();

    let fresh = scene.root_dir.join("new.pcap");
    let out = demo_save(&mut run(), &fresh);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "synack: --save: {}: cannot create a file here: permission denied",
            scene.root_dir.display()
        )),
        "{err}"
    );
    scene.assert_untouched();

    let mine = scene.user_dir.join("x.pcap");
    let out = demo_save(&mut run(), &mine);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("agrees with synack"),
        "no kernel column: {text}\n{err}"
    );
    for f in ["x.pcap", "x.kernel.tsv", "x.timewait.txt"] {
        let m = fs::metadata(scene.user_dir.join(f)).unwrap();
        assert_eq!((m.uid(), m.gid()), (user.uid, user.gid), "{f}");
    }
}

#[test]
fn setcap_binary_run_by_a_user_cannot_write_what_the_user_cannot() {
    let Some(user) = User::create("c") else {
        return;
    };
    // README's set, and the same set effective at exec (as older advice
    // had it): synack must drop either before touching a user's path.
    for (caps, shown) in [
        (CAPS, "cap_dac_override,cap_net_raw=p"),
        (
            "cap_net_raw,cap_dac_override+ep",
            "cap_dac_override,cap_net_raw=ep",
        ),
    ] {
        let scene = Scene::new(&user, Some(caps));
        let got = Command::new("getcap").arg(&scene.bin).output().unwrap();
        assert!(
            String::from_utf8_lossy(&got.stdout).contains(shown),
            "{got:?}"
        );
        attack(&user, &scene, || as_user(&user, &scene));
    }
}

#[test]
fn sudo_run_cannot_write_what_the_invoking_user_cannot() {
    let Some(user) = User::create("s") else {
        return;
    };
    let scene = Scene::new(&user, None);
    attack(&user, &scene, || as_sudo(&user, &scene));
}

/// A tmpfs mounted on a temporary directory (root only); unmounted on drop.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(options: &str) -> Option<Tmpfs> {
        if !root() {
            eprintln!("needs root: skipped");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let st = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "synack-test"])
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(st.success(), "mount tmpfs -o {options}");
        Some(Tmpfs(dir))
    }

    fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

/// A file system that fills up after the pcap: the error names the
/// kernel table, and neither it nor the pcap is left.
#[test]
fn full_disk_leaves_nothing_and_names_the_file() {
    if synack::live::privilege::check().tracefs.is_err() {
        eprintln!("needs tracefs: skipped");
        return;
    }
    // One 4 KiB page: the pcap fits, the next file does not.
    let Some(fs) = Tmpfs::mount("size=4k") else {
        return;
    };
    let out = demo_save(&mut Command::new(BIN), &fs.path().join("x.pcap"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "synack: --save: {}: no space left on device",
            fs.path().join("x.kernel.tsv").display()
        )),
        "{err}"
    );
    let left: Vec<_> = fs::read_dir(fs.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// A read-only file system: said before the demo starts.
#[test]
fn read_only_file_system_fails_before_the_demo() {
    let Some(fs) = Tmpfs::mount("ro,size=64k") else {
        return;
    };
    refused_before_the_demo(
        &fs.path().join("x.pcap"),
        &format!(
            "{}: cannot create a file here: read-only file system",
            fs.path().display()
        ),
    );
}

/// `demo --save target` fails with exit 1 before the demo runs (nothing on
/// stdout), its last stderr line `synack: --save: {problem}` (a stale
/// tracefs instance report may come first).
fn refused_before_the_demo(target: &Path, problem: &str) {
    let out = demo_save(&mut Command::new(BIN), target);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty(), "the demo ran: {err}");
    assert_eq!(
        err.lines().last().unwrap_or_default(),
        format!("synack: --save: {problem}")
    );
}

/// `--save` (and `--html`) at something that is not a regular file:
/// refused before the demo starts (nothing on stdout), exit 1, the thing
/// left as it was.
#[test]
fn save_refuses_links_fifos_devices_and_directories() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    fs::write(&victim, "keep\n").unwrap();
    let link = dir.path().join("link.pcap");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let dangling = dir.path().join("dangling.pcap");
    std::os::unix::fs::symlink(dir.path().join("none"), &dangling).unwrap();
    let fifo = dir.path().join("fifo.pcap");
    let st = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(st.success());
    let sub = dir.path().join("sub.pcap");
    fs::create_dir(&sub).unwrap();
    for (target, what) in [
        (link.as_path(), "a symbolic link"),
        (dangling.as_path(), "a symbolic link"),
        (fifo.as_path(), "a FIFO"),
        (Path::new("/dev/null"), "a device"),
        (sub.as_path(), "a directory"),
    ] {
        refused_before_the_demo(
            target,
            &format!(
                "{}: is {what}; refusing to replace it (name a new or regular file)",
                target.display()
            ),
        );
    }
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep\n");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(fs::metadata(&sub).unwrap().is_dir());
    assert!(
        fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}
