//! Texts of `synack watch` (its screen and its `--print` stream), in every
//! language. Each function gives the English and the Chinese side by side
//! and picks one. Tracepoint names, flags and paths stay as they are.
//! Text only.

use super::{Lang, pick};
use crate::live::frame_filter::Filter;

/// A fixed text of the watch screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(missing_docs, reason = "each variant is the text it names")]
pub enum WatchText {
    Following,
    Paused,
    EachConnection,
    Tutorial,
    InOneTerminal,
    InAnother,
    AllTcpHint,
    QuitHint,
    KernelTitle,
    NoConnectionYet,
    NotHere,
    MidStream,
}

/// The words of `t` in `lang`.
pub fn watch_text(lang: Lang, t: WatchText) -> &'static str {
    use WatchText::*;
    let (en, zh) = match t {
        Following => ("● following ", "● 跟随中 "),
        Paused => ("‖ paused (End follows) ", "‖ 已暂停（End 继续跟随） "),
        EachConnection => (
            "Each connection appears here the moment its first SYN is sent.",
            "每个连接在它的第一个 SYN 发出的那一刻出现在这里。",
        ),
        Tutorial => (
            "The tutorial's two scripts are in captures/scenarios/, runnable as they are:",
            "教程的两个脚本在 captures/scenarios/ 中，可以直接运行：",
        ),
        InOneTerminal => (
            "# in one terminal (127.0.0.1:8090)",
            "# 在一个终端中（127.0.0.1:8090）",
        ),
        InAnother => ("# in another", "# 在另一个终端中"),
        AllTcpHint => (
            "Watching all TCP: --port N keeps only your program's connections.",
            "正在观察全部 TCP：--port N 只保留你的程序的连接。",
        ),
        QuitHint => (
            "q quits (the capture is stopped and saved when --save was given).",
            "q 退出（抓包随之停止；给了 --save 时会保存）。",
        ),
        KernelTitle => (
            "Kernel (sock:inet_sock_set_state)",
            "内核（跟踪点 sock:inet_sock_set_state）",
        ),
        NoConnectionYet => ("no connection yet", "还没有连接"),
        NotHere => ("kernel: not on this machine", "内核：不在本机上"),
        MidStream => (
            "kernel: these sockets existed before the capture started; their early states are unknown (nothing to compare)",
            "内核：这些套接字在抓包开始前就已存在；它们早先的状态未知（无从对比）",
        ),
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// What is watched: `port 8090, host 10.0.0.1` (or `all TCP`).
pub fn watch_filter(lang: Lang, f: &Filter) -> String {
    if lang == Lang::En {
        return f.to_string();
    }
    let mut parts: Vec<String> = f.ports.iter().map(|p| format!("端口 {p}")).collect();
    parts.extend(f.hosts.iter().map(|h| format!("主机 {h}")));
    parts.extend(f.expression.iter().map(|e| format!("“{}”", e.expression())));
    if parts.is_empty() {
        "全部 TCP".to_string()
    } else {
        parts.join("，")
    }
}

/// `lo, port 8090`: the interface and what is watched on it.
pub fn watch_description(lang: Lang, iface: &str, f: &Filter) -> String {
    let filter = watch_filter(lang, f);
    pick(
        lang,
        format!("{iface}, {filter}"),
        format!("{iface}，{filter}"),
    )
}

/// The empty screen's title.
pub fn nothing_yet(lang: Lang, description: &str) -> String {
    pick(
        lang,
        format!("Watching {description} — nothing captured yet."),
        format!("正在观察 {description} —— 还没有抓到任何报文。"),
    )
}

/// What to run first: `port` is the first watched port, if any.
pub fn start_server(lang: Lang, port: Option<u16>) -> String {
    match port {
        Some(p) => pick(
            lang,
            format!("Start your server on port {p}, then your client."),
            format!("先在端口 {p} 上启动你的服务器，再启动客户端。"),
        ),
        None => pick(
            lang,
            "Start your server on your port, then your client.".into(),
            "先在你的端口上启动服务器，再启动客户端。".into(),
        ),
    }
}

/// The status line's counts: `· lo, all TCP · 2 connections · 30 frames · `.
pub fn counts(lang: Lang, description: &str, conns: usize, frames: u64) -> String {
    pick(
        lang,
        format!(
            "· {description} · {conns} connection{} · {frames} frames · ",
            if conns == 1 { "" } else { "s" }
        ),
        format!("· {description} · {conns} 个连接 · {frames} 帧 · "),
    )
}

/// `3 dropped`: frames the kernel dropped.
pub fn dropped(lang: Lang, n: u64) -> String {
    pick(lang, format!("{n} dropped"), format!("丢弃 {n} 帧"))
}

/// ` · capped: …` after the counts.
pub fn capped(lang: Lang, what: &str) -> String {
    pick(
        lang,
        format!(" · capped: {what}"),
        format!(" · 已封顶：{what}"),
    )
}

/// What is capped: hex dumps after `mib` MiB of frames.
pub fn cap_hex(lang: Lang, mib: usize) -> String {
    pick(
        lang,
        format!("hex dumps: first {mib} MiB of frames only"),
        format!("十六进制：只保留前 {mib} MiB 的帧"),
    )
}

/// What is capped: a connection's steps after `limit`.
pub fn cap_steps(lang: Lang, limit: usize) -> String {
    pick(
        lang,
        format!(
            "steps: first {limit} of this connection kept; later segments update states and counts only"
        ),
        format!("步骤：本连接只保留前 {limit} 步；之后的报文段只更新状态和计数"),
    )
}

/// What is capped: kernel transitions not kept.
pub fn cap_kernel(lang: Lang, n: u64) -> String {
    pick(
        lang,
        format!("kernel: {n} later transitions not kept"),
        format!("内核：之后的 {n} 次状态变化未保留"),
    )
}

/// The kernel panel when the trace could not start.
pub fn kernel_unavailable(lang: Lang, why: &str) -> String {
    pick(
        lang,
        format!("kernel: unavailable ({why})"),
        format!("内核：不可用（{why}）"),
    )
}

/// `watch --print`: a connection's title at its first segment (the
/// replay's header without the packet count, not known yet).
pub fn print_title(lang: Lang, i: usize, client: &str, server: &str, relative: bool) -> String {
    super::print_text::connection_header(lang, i, client, server, None, relative)
}

/// `watch --print`: the next lines are another connection's.
pub fn print_switch(lang: Lang, i: usize, client: &str, server: &str) -> String {
    pick(
        lang,
        format!("     ── connection {i}: {client} → {server} ──"),
        format!("     ── 连接 {i}：{client} → {server} ──"),
    )
}

/// `watch --print`: a printed step's states were revised (`step` 1-based).
pub fn print_revised(lang: Lang, step: usize, client: &str, server: &str) -> String {
    pick(
        lang,
        format!(
            "{:>17}step {step} revised: client {client}, server {server} (a later segment showed when it was processed)",
            "↺ "
        ),
        format!(
            "{:>17}第 {step} 步已修正：客户端 {client}，服务器 {server}（之后的报文段表明了它何时被处理）",
            "↺ "
        ),
    )
}

/// `watch --print`: a connection reached the step limit.
pub fn print_capped(lang: Lang, i: usize, kept: usize) -> String {
    pick(
        lang,
        format!(
            "     … connection {i}: {kept} steps kept (the limit); later segments still update its states and counts but are not printed"
        ),
        format!(
            "     … 连接 {i}：已保留 {kept} 步（上限）；之后的报文段仍会更新它的状态和计数，但不再打印"
        ),
    )
}

/// `watch --print`: the kernel's verdict on connection `i`, its first words.
pub fn print_kernel_head(lang: Lang, i: usize) -> String {
    pick(
        lang,
        format!("kernel, connection {i}: "),
        format!("内核，连接 {i}："),
    )
}

/// `watch --print`: what follows the head when there is no comparison.
pub fn print_kernel_none(lang: Lang, why: PrintKernel<'_>) -> String {
    match why {
        PrintKernel::Unavailable(w) => {
            pick(lang, format!("unavailable ({w})"), format!("不可用（{w}）"))
        }
        PrintKernel::NotHere => pick(lang, "not on this machine".into(), "不在本机上".into()),
        PrintKernel::MidStream => pick(
            lang,
            "the sockets existed before the capture started; nothing to compare".into(),
            "这些套接字在抓包开始前就已存在；无从对比".into(),
        ),
        PrintKernel::Heading => pick(
            lang,
            "(tracepoint sock:inet_sock_set_state; TIME_WAIT from /proc/net/tcp)".into(),
            "（跟踪点 sock:inet_sock_set_state；TIME_WAIT 取自 /proc/net/tcp）".into(),
        ),
    }
}

/// What `watch --print` says after a connection's kernel head.
#[derive(Clone, Copy, Debug)]
pub enum PrintKernel<'a> {
    /// The trace did not run, and why.
    Unavailable(&'a str),
    /// The sockets are not on this machine.
    NotHere,
    /// The capture began mid-connection.
    MidStream,
    /// The comparison follows.
    Heading,
}

/// `watch --print`: one side's kernel chain and the verdict (`inferred`
/// is `None` when synack agrees, `kernel` `None` when not on this machine).
pub fn print_kernel_side(
    lang: Lang,
    side: crate::conversation::Side,
    kernel: Option<&str>,
    inferred: Option<&str>,
) -> String {
    let text = match (kernel, inferred) {
        (None, _) => pick(lang, "not on this machine".into(), "不在本机上".into()),
        (Some(k), None) => pick(
            lang,
            format!("{k}   agrees with synack"),
            format!("{k}   与 synack 一致"),
        ),
        (Some(k), Some(i)) => pick(
            lang,
            format!("{k}   DISAGREES — synack inferred {i}"),
            format!("{k}   不一致 —— synack 推断为 {i}"),
        ),
    };
    match lang {
        Lang::En => format!("  {:<6} {text}", side.name()),
        Lang::Zh => format!("  {} {text}", lang.strings().side(side)),
    }
}

/// `watch --print`'s last line: connections, frames, where, drops.
pub fn print_totals(
    lang: Lang,
    conns: usize,
    frames: u64,
    description: &str,
    dropped: u64,
) -> String {
    pick(
        lang,
        format!(
            "{conns} connection{}, {frames} frames captured on {description}, {dropped} dropped by the kernel",
            if conns == 1 { "" } else { "s" }
        ),
        format!("{conns} 个连接，在 {description} 上抓到 {frames} 帧，内核丢弃 {dropped} 帧"),
    )
}
