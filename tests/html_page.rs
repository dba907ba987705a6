//! The `--html` page: it embeds exactly the `--json` document, stays small,
//! and works in a real browser. Headless Chromium (skipped when not
//! installed) loads the page from `file://` with `--dump-dom` at a position
//! given in the URL (`#step=8`, `&lang=zh`), and the test reads the
//! rendered DOM: the ids `client-state` / `server-state`, the explanation,
//! the Chinese texts. Chromium's log (`--enable-logging=stderr`) must show
//! no console message (errors, uncaught exceptions, failed loads).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "support/run.rs"]
mod run;
#[path = "support/chromium.rs"]
mod support_chromium;
use run::{stdout_of, synack};

/// Writes the page of `capture` into `dir` and returns its path and text.
fn page(capture: &str, dir: &Path) -> (PathBuf, String) {
    let path = dir.join("walk.html");
    stdout_of(&["replay", capture, "--html", path.to_str().unwrap()]);
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

/// The text of `<script ... id="ID">` in `html`.
fn script(html: &str, id: &str) -> String {
    let open = format!(r#"<script type="application/json" id="{id}">"#);
    let start = html.find(&open).expect("script element") + open.len();
    let len = html[start..].find("</script>").unwrap();
    html[start..start + len].to_string()
}

#[test]
fn the_page_embeds_exactly_the_json_document() {
    let dir = tempfile::tempdir().unwrap();
    for capture in ["captures/normal.pcap", "captures/demo-backlog.pcap"] {
        let (_, html) = page(capture, dir.path());
        let json = stdout_of(&["replay", capture, "--json"]);
        assert_eq!(script(&html, "synack-doc"), json, "{capture}");
    }
}

#[test]
fn a_twenty_segment_walk_stays_under_150_kb() {
    let dir = tempfile::tempdir().unwrap();
    let (_, normal) = page("captures/normal.pcap", dir.path());
    let (_, chat) = page("captures/demo-chat.pcap", dir.path());
    let doc: Value =
        serde_json::from_str(&stdout_of(&["replay", "captures/demo-chat.pcap", "--json"])).unwrap();
    let segments = doc["connections"][0]["segments"].as_array().unwrap().len();
    assert!(segments >= 19, "{segments}");
    eprintln!(
        "normal.pcap (11 segments): {} bytes; demo-chat.pcap ({segments} segments): {} bytes",
        normal.len(),
        chat.len()
    );
    assert!(chat.len() < 150_000, "{} bytes", chat.len());
    for (name, html) in [("normal", &normal), ("chat", &chat)] {
        for needle in ["http://", "https://"] {
            // The only URL allowed is the SVG namespace, which loads nothing.
            let other = html
                .match_indices(needle)
                .filter(|(i, _)| !html[*i..].starts_with("http://www.w3.org/2000/svg"))
                .count();
            assert_eq!(other, 0, "{name}: the page must not reference the network");
        }
        assert!(!html.contains("<script src") && !html.contains("<link rel=\"stylesheet\""));
    }
}

/// Runs headless Chromium on `url` with `--dump-dom`; returns the DOM and
/// the console lines of its log, or `None` when Chromium is not installed.
fn chromium(url: &str) -> Option<(String, Vec<String>)> {
    let Some((dom, log)) = support_chromium::run(
        url,
        &["--enable-logging=stderr", "--v=0", "--dump-dom"],
        &[],
    ) else {
        eprintln!("chromium not installed: browser test skipped");
        return None;
    };
    let console = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .map(str::to_string)
        .collect();
    Some((dom, console))
}

/// The text content of the element with `id` in the dumped DOM (tags
/// inside it dropped).
fn by_id(dom: &str, id: &str) -> String {
    let at = dom
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no element #{id}"));
    let open = at + dom[at..].find('>').unwrap() + 1;
    let tag_start = dom[..at].rfind('<').unwrap() + 1;
    let tag: String = dom[tag_start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    // Find the matching close tag, counting nested elements of the same name.
    let (mut depth, mut i) = (1, open);
    let (o, c) = (format!("<{tag}"), format!("</{tag}>"));
    while depth > 0 {
        let next_c = dom[i..].find(&c).map(|k| k + i).expect("closing tag");
        match dom[i..].find(&o).map(|k| k + i) {
            Some(k) if k < next_c => {
                depth += 1;
                i = k + o.len();
            }
            _ => {
                depth -= 1;
                i = next_c + c.len();
            }
        }
    }
    let inner = &dom[open..i - c.len()];
    let mut text = String::new();
    let mut in_tag = false;
    for ch in inner.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(ch),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn chromium_walks_the_normal_capture() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = page("captures/normal.pcap", dir.path());
    // What the model says (the --json document): position N of the walk is
    // after segment N, i.e. segments[N-1].
    let doc: Value =
        serde_json::from_str(&stdout_of(&["replay", "captures/normal.pcap", "--json"])).unwrap();
    let seg = |n: usize, k: &str| {
        doc["connections"][0]["segments"][n - 1][k]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        (seg(8, "client_state"), seg(8, "server_state")),
        ("FIN_WAIT1".into(), "CLOSE_WAIT".into())
    );
    assert_eq!(
        (seg(2, "client_state"), seg(2, "server_state")),
        ("ESTABLISHED".into(), "SYN_RECV".into())
    );

    let url = format!("file://{}", path.display());
    let Some((dom, console)) = chromium(&format!("{url}#step=8")) else {
        return;
    };
    assert!(console.is_empty(), "console: {console:?}");
    assert_eq!(by_id(&dom, "client-state"), "FIN_WAIT1");
    assert_eq!(by_id(&dom, "server-state"), "CLOSE_WAIT");
    assert_eq!(by_id(&dom, "position"), "step 8/11");
    let explain = by_id(&dom, "explanation");
    assert!(
        explain.contains("The client sends FIN: it will send no more data."),
        "{explain}"
    );
    assert!(explain.contains("ESTABLISHED → CLOSE_WAIT"), "{explain}");
    // The ladder shows segments 1..=8 and hides the rest.
    assert!(dom.contains(r#"class="step future""#));
    assert!(!dom.contains(r#"class="step future" data-step="8""#));
    assert!(dom.contains(r#"class="step future" data-step="9""#));
    // The diagram lights FIN_WAIT1 for the client and CLOSE_WAIT for the server.
    assert!(
        dom.contains(r#"class="dstate c" id="ds-FIN_WAIT1""#),
        "client not lit"
    );
    assert!(
        dom.contains(r#"class="dstate s" id="ds-CLOSE_WAIT""#),
        "server not lit"
    );

    let (dom, console) = chromium(&format!("{url}#step=2")).unwrap();
    assert!(console.is_empty(), "console: {console:?}");
    assert_eq!(by_id(&dom, "client-state"), "ESTABLISHED");
    assert_eq!(by_id(&dom, "server-state"), "SYN_RECV");

    let (dom, console) = chromium(&format!("{url}#step=8&lang=zh")).unwrap();
    assert!(console.is_empty(), "console: {console:?}");
    assert_eq!(by_id(&dom, "client-state"), "FIN_WAIT1");
    let explain = by_id(&dom, "explanation");
    assert!(explain.contains("讲解"), "{explain}");
    assert!(
        explain.contains("客户端发送 FIN：它不再发送数据。"),
        "{explain}"
    );
    assert!(dom.contains(r#"<html lang="zh-Hans""#));
    assert!(
        by_id(&dom, "ladder").contains("四次挥手"),
        "the ladder in Chinese"
    );
}

/// Runs `synack demo ARGS`; `None` (skipped) when it fell back to the
/// bundled capture for lack of privileges.
fn demo(args: &[&str]) -> Option<String> {
    let out = synack()
        .arg("demo")
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "demo {args:?}: {err}");
    if err.contains("bundled capture") || err.contains("kernel column unavailable") {
        eprintln!("needs root (CAP_NET_RAW and tracefs): live part skipped");
        return None;
    }
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn demo_picture_and_page_show_the_calls_and_the_kernel() {
    let Some(svg) = demo(&["--svg"]) else {
        return;
    };
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let class_texts = |class: &str| -> Vec<String> {
        doc.descendants()
            .filter(|n| {
                n.has_tag_name("text") && n.ancestors().any(|a| a.attribute("class") == Some(class))
            })
            .filter_map(|n| n.text().map(str::to_string))
            .collect()
    };
    let calls = class_texts("call");
    for call in [
        "listen()",
        "connect()",
        "accept()",
        "recv() → b''",
        "close()",
    ] {
        assert!(
            calls.iter().any(|c| c == call),
            "{call} missing from {calls:?}"
        );
    }
    assert_eq!(
        class_texts("kernel"),
        ["✓ kernel agrees", "✓ kernel agrees"]
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.html");
    demo(&["--html", path.to_str().unwrap()]).unwrap();
    let html = std::fs::read_to_string(&path).unwrap();
    let doc: Value = serde_json::from_str(&script(&html, "synack-doc")).unwrap();
    assert_eq!(doc["scenario"], "normal");
    assert_eq!(
        doc["connections"][0]["segments"][0]["call"]["call"]
            .as_str()
            .map(|c| c.contains("connect(")),
        Some(true)
    );
    let Some((dom, console)) = chromium(&format!("file://{}#step=1", path.display())) else {
        return;
    };
    assert!(console.is_empty(), "console: {console:?}");
    assert_eq!(by_id(&dom, "client-state"), "SYN_SENT");
    let now = dom
        .find(r#"<li class="done now">"#)
        .expect("the current call is marked");
    assert!(
        dom[now..now + 200].contains("connect(("),
        "{}",
        &dom[now..now + 200]
    );
    assert!(by_id(&dom, "kernel").contains("✓ kernel agrees"));
}

/// A Chromium driven over the DevTools protocol on a pipe
/// (`--remote-debugging-pipe`: commands on fd 3, answers on fd 4, each
/// message NUL-terminated JSON), attached to one page.
struct Browser {
    child: std::process::Child,
    to: std::io::PipeWriter,
    from: std::sync::mpsc::Receiver<Value>,
    session: String,
    next_id: u64,
    /// Console messages and uncaught exceptions seen so far.
    console: Vec<String>,
    _profile: tempfile::TempDir,
}

const CDP_WAIT: Duration = Duration::from_secs(30);

impl Browser {
    fn start() -> Option<Browser> {
        use std::os::fd::AsRawFd;
        use std::os::unix::process::CommandExt;
        let Some(bin) = support_chromium::binary() else {
            eprintln!("chromium not installed: browser test skipped");
            return None;
        };
        let profile = tempfile::tempdir().unwrap();
        let (cmd_r, cmd_w) = std::io::pipe().unwrap();
        let (ans_r, ans_w) = std::io::pipe().unwrap();
        let (fd_r, fd_w) = (cmd_r.as_raw_fd(), ans_w.as_raw_fd());
        let mut command = Command::new(bin);
        command
            .args(support_chromium::FLAGS)
            .args(["--remote-debugging-pipe", "about:blank"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: between fork and exec only fcntl and dup2 run (both
        // async-signal-safe): the browser reads commands on fd 3 and writes
        // answers on fd 4. The ends are first copied above 10 so that
        // neither is overwritten, and dup2 onto 3/4 clears close-on-exec.
        unsafe {
            command.pre_exec(move || {
                let r = libc::fcntl(fd_r, libc::F_DUPFD_CLOEXEC, 10);
                let w = libc::fcntl(fd_w, libc::F_DUPFD_CLOEXEC, 10);
                if r < 0 || w < 0 || libc::dup2(r, 3) < 0 || libc::dup2(w, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().unwrap();
        drop((cmd_r, ans_w));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::{BufRead, BufReader};
            let mut reader = BufReader::new(ans_r);
            let mut buf = Vec::new();
            while reader.read_until(0, &mut buf).is_ok_and(|n| n > 0) {
                buf.pop_if(|b| *b == 0);
                if let Ok(v) = serde_json::from_slice::<Value>(&buf)
                    && tx.send(v).is_err()
                {
                    break;
                }
                buf.clear();
            }
        });
        let mut b = Browser {
            child,
            to: cmd_w,
            from: rx,
            session: String::new(),
            next_id: 0,
            console: Vec::new(),
            _profile: profile,
        };
        let target = b.call(
            "Target.createTarget",
            serde_json::json!({"url": "about:blank"}),
            false,
        );
        let id = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call(
            "Target.attachToTarget",
            serde_json::json!({"targetId": id, "flatten": true}),
            false,
        );
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        for m in ["Runtime.enable", "Page.enable", "Log.enable"] {
            b.call(m, serde_json::json!({}), true);
        }
        Some(b)
    }

    /// Sends one command and waits (bounded) for its answer, noting console
    /// events that arrive meanwhile.
    fn call(&mut self, method: &str, params: Value, in_page: bool) -> Value {
        use std::io::Write;
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = serde_json::json!({"id": id, "method": method, "params": params});
        if in_page {
            msg["sessionId"] = Value::String(self.session.clone());
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        let deadline = Instant::now() + CDP_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self
                .from
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no answer to {method} within {CDP_WAIT:?}"));
            self.note(&v);
            if v["id"].as_u64() == Some(id) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    fn note(&mut self, v: &Value) {
        match v["method"].as_str() {
            Some("Runtime.consoleAPICalled") => self.console.push(v["params"].to_string()),
            Some("Runtime.exceptionThrown") => self.console.push(v["params"].to_string()),
            Some("Log.entryAdded") => self.console.push(v["params"]["entry"].to_string()),
            _ => {}
        }
    }

    /// Opens `url` and waits for its load event.
    fn open(&mut self, url: &str) {
        self.call("Page.navigate", serde_json::json!({"url": url}), true);
        let deadline = Instant::now() + CDP_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self.from.recv_timeout(left).expect("load event");
            self.note(&v);
            if v["method"] == "Page.loadEventFired" {
                return;
            }
        }
    }

    /// Evaluates `js` in the page and returns its value.
    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            serde_json::json!({"expression": js, "returnByValue": true}),
            true,
        );
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }

    /// Presses a key as a user would (keyDown + keyUp through the input
    /// pipeline, not a synthetic DOM event).
    fn key(&mut self, key: &str, code: &str, vk: u32) {
        for kind in ["keyDown", "keyUp"] {
            let text = if key.chars().count() == 1 && kind == "keyDown" {
                key
            } else {
                ""
            };
            self.call(
                "Input.dispatchKeyEvent",
                serde_json::json!({"type": kind, "key": key, "code": code,
                    "windowsVirtualKeyCode": vk, "text": text}),
                true,
            );
        }
    }

    /// The two state ids.
    fn states(&mut self) -> (String, String) {
        let v = self.eval(
            "[document.getElementById('client-state').textContent, document.getElementById('server-state').textContent]",
        );
        (v[0].as_str().unwrap().into(), v[1].as_str().unwrap().into())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn keys_buttons_swipe_and_switches_work_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = page("captures/normal.pcap", dir.path());
    let Some(mut b) = Browser::start() else {
        return;
    };
    b.open(&format!("file://{}", path.display()));
    assert_eq!(
        b.states(),
        pair("CLOSED", "LISTEN"),
        "opens before the first segment"
    );
    for _ in 0..8 {
        b.key("ArrowRight", "ArrowRight", 39);
    }
    assert_eq!(b.states(), pair("FIN_WAIT1", "CLOSE_WAIT"));
    assert_eq!(
        b.eval("location.hash").as_str(),
        Some("#conn=0&step=8&lang=en&theme=light")
    );
    b.key("ArrowLeft", "ArrowLeft", 37);
    assert_eq!(
        b.eval("document.getElementById('position').textContent")
            .as_str(),
        Some("step 7/11")
    );
    b.key("Home", "Home", 36);
    assert_eq!(b.states(), pair("CLOSED", "LISTEN"));
    b.key("End", "End", 35);
    assert_eq!(b.states(), pair("TIME_WAIT", "CLOSED"));
    b.key("Home", "Home", 36);
    // n: the first step of the next phase (handshake 1, data 4, teardown 8).
    let mut starts = Vec::new();
    for _ in 0..3 {
        b.key("n", "KeyN", 78);
        starts.push(b.eval("location.hash").as_str().unwrap().to_string());
    }
    assert!(
        starts[0].contains("step=1&")
            && starts[1].contains("step=4&")
            && starts[2].contains("step=8&"),
        "{starts:?}"
    );
    b.key("N", "KeyN", 78);
    assert!(
        b.eval("location.hash")
            .as_str()
            .unwrap()
            .contains("step=4&")
    );
    // Buttons.
    b.eval("document.getElementById('b-first').click()");
    b.eval("document.getElementById('b-next').click(); document.getElementById('b-next').click()");
    assert_eq!(b.states(), pair("ESTABLISHED", "SYN_RECV"));
    b.eval("document.getElementById('b-last').click(); document.getElementById('b-prev').click()");
    assert_eq!(b.states(), pair("TIME_WAIT", "LAST_ACK"));
    // A swipe to the left is "next", to the right "previous" (on the
    // state header, outside the ladder, which scrolls sideways itself).
    b.eval("document.getElementById('b-first').click()");
    let y = b
        .eval(
            "var r = document.getElementById('now').getBoundingClientRect(); r.top + r.height / 2",
        )
        .as_f64()
        .unwrap();
    let mut seen = Vec::new();
    for (x0, x1, want) in [(300.0, 100.0, 1), (300.0, 100.0, 2), (100.0, 300.0, 1)] {
        let touch = |x: f64| serde_json::json!([{"x": x, "y": y}]);
        b.call(
            "Input.dispatchTouchEvent",
            serde_json::json!({"type": "touchStart", "touchPoints": touch(x0)}),
            true,
        );
        b.call(
            "Input.dispatchTouchEvent",
            serde_json::json!({"type": "touchMove", "touchPoints": touch(x1)}),
            true,
        );
        b.call(
            "Input.dispatchTouchEvent",
            serde_json::json!({"type": "touchEnd", "touchPoints": []}),
            true,
        );
        // The page handles the touch after the protocol answers: poll, bounded.
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut hash = String::new();
        while Instant::now() < deadline {
            hash = b.eval("location.hash").as_str().unwrap().to_string();
            if hash.contains(&format!("step={want}&")) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        seen.push(hash);
    }
    assert!(
        seen[0].contains("step=1&") && seen[1].contains("step=2&") && seen[2].contains("step=1&"),
        "two swipes left, one right: {seen:?}"
    );
    // The language switch: the page's own select, as a user changes it.
    b.eval("var s = document.getElementById('lang'); s.value = 'zh'; s.dispatchEvent(new Event('change'))");
    let zh = b.eval("document.getElementById('explanation').textContent");
    assert!(zh.as_str().unwrap().contains("客户端请求建立连接"), "{zh}");
    assert_eq!(
        b.eval("document.documentElement.lang").as_str(),
        Some("zh-Hans")
    );
    assert_eq!(
        b.eval("document.getElementById('b-next').textContent")
            .as_str(),
        Some("下一步 ▶")
    );
    b.eval("var s = document.getElementById('theme'); s.value = 'projector'; s.dispatchEvent(new Event('change'))");
    assert_eq!(
        b.eval("document.documentElement.getAttribute('data-theme')")
            .as_str(),
        Some("projector")
    );
    assert_eq!(
        b.eval("getComputedStyle(document.body).fontSize").as_str(),
        Some("21px")
    );
    assert!(b.console.is_empty(), "console: {:?}", b.console);
}

#[test]
fn bad_html_path_or_time_scale_without_svg_is_an_error() {
    let out = synack()
        .args([
            "replay",
            "captures/normal.pcap",
            "--html",
            "/no/such/dir/walk.html",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("--html: /no/such/dir: directory does not exist"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    let out = synack()
        .args(["replay", "captures/normal.pcap", "--print", "--time-scale"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--svg"));
}

#[test]
fn chromium_selects_a_connection_from_the_url() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = page("captures/demo-backlog.pcap", dir.path());
    let doc: Value = serde_json::from_str(&stdout_of(&[
        "replay",
        "captures/demo-backlog.pcap",
        "--json",
    ]))
    .unwrap();
    let conns = doc["connections"].as_array().unwrap();
    assert!(conns.len() >= 2);
    let seg = &conns[1]["segments"][1];
    let Some((dom, console)) = chromium(&format!("file://{}#conn=1&step=2", path.display())) else {
        return;
    };
    assert!(console.is_empty(), "console: {console:?}");
    assert_eq!(
        by_id(&dom, "client-state"),
        seg["client_state"].as_str().unwrap()
    );
    assert_eq!(
        by_id(&dom, "server-state"),
        seg["server_state"].as_str().unwrap()
    );
    assert_eq!(
        by_id(&dom, "client-addr"),
        conns[1]["client"].as_str().unwrap()
    );
    // The selector lists every connection and has the second one chosen.
    // (besides the 2 languages and 3 themes)
    assert_eq!(dom.matches("<option value=\"").count() - 5, conns.len());
    assert!(!dom.contains(r#"id="conn-pick" hidden"#));
}
