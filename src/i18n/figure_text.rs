//! Texts of the exported figures (the `--svg` picture and the `--html`
//! page) that the terminal UI does not already have, in every language.
//! Text only: no drawing, no model logic.

use super::Lang;

/// A fixed text of the exported figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(missing_docs, reason = "each variant is the text it names")]
pub enum FigureText {
    TcpConnection,
    FourWayTeardown,
    Teardown,
    Simultaneous,
    Reset,
    Refused,
    Lost,
    Retransmitted,
    Rst,
    KernelAgrees,
    KernelDisagrees,
    KernelHandOver,
    Seconds,
    Prev,
    Next,
    First,
    Last,
    Language,
    Theme,
    KeysHint,
    Kernel,
    NoKernel,
    Calls,
    Returned,
    Ladder,
}

/// The words of `t` in `lang`.
pub fn figure_text(lang: Lang, t: FigureText) -> &'static str {
    use FigureText::*;
    match (lang, t) {
        (Lang::En, TcpConnection) => "TCP connection",
        (Lang::Zh, TcpConnection) => "TCP 连接",
        (Lang::En, FourWayTeardown) => "four-way teardown",
        (Lang::Zh, FourWayTeardown) => "四次挥手",
        (Lang::En, Teardown) => "teardown",
        (Lang::Zh, Teardown) => "连接释放",
        (Lang::En, Simultaneous) => "simultaneous close",
        (Lang::Zh, Simultaneous) => "同时关闭",
        (Lang::En, Reset) => "reset (RST)",
        (Lang::Zh, Reset) => "复位（RST）",
        (Lang::En, Refused) => "handshake refused (RST)",
        (Lang::Zh, Refused) => "握手被拒绝（RST）",
        (Lang::En, Lost) => "lost before its retransmission",
        (Lang::Zh, Lost) => "在重传之前丢失",
        (Lang::En, Retransmitted) => "retransmission",
        (Lang::Zh, Retransmitted) => "重传",
        (Lang::En, Rst) => "RST: connection reset",
        (Lang::Zh, Rst) => "RST：连接被重置",
        (Lang::En, KernelAgrees) => "✓ kernel agrees",
        (Lang::Zh, KernelAgrees) => "✓ 内核一致",
        (Lang::En, KernelDisagrees) => "✗ kernel disagrees",
        (Lang::Zh, KernelDisagrees) => "✗ 内核不一致",
        (Lang::En, KernelHandOver) => {
            "Linux handed the closed socket over to a time-wait socket (the tracepoint shows the full socket's → CLOSE; /proc/net/tcp the connection going on)."
        }
        (Lang::Zh, KernelHandOver) => {
            "Linux 把已关闭的套接字移交给 TIME_WAIT 套接字（跟踪点显示完整套接字的 → CLOSE；/proc/net/tcp 显示连接仍在继续）。"
        }
        (Lang::En, Seconds) => "s",
        (Lang::Zh, Seconds) => "秒",
        (Lang::En, Prev) => "◀ previous",
        (Lang::Zh, Prev) => "◀ 上一步",
        (Lang::En, Next) => "next ▶",
        (Lang::Zh, Next) => "下一步 ▶",
        (Lang::En, First) => "« start",
        (Lang::Zh, First) => "« 开始",
        (Lang::En, Last) => "end »",
        (Lang::Zh, Last) => "结束 »",
        (Lang::En, Language) => "Language",
        (Lang::Zh, Language) => "语言",
        (Lang::En, Theme) => "Theme",
        (Lang::Zh, Theme) => "主题",
        (Lang::En, KeysHint) => "→ ← step · Home End first/last · n N phase · swipe on a phone",
        (Lang::Zh, KeysHint) => "→ ← 单步 · Home End 首/尾 · n N 按阶段 · 手机上可滑动",
        (Lang::En, Kernel) => "Kernel (tracepoint) vs inferred",
        (Lang::Zh, Kernel) => "内核（跟踪点）与推断对比",
        (Lang::En, NoKernel) => "kernel column unavailable",
        (Lang::Zh, NoKernel) => "内核列不可用",
        (Lang::En, Calls) => "Socket calls (Python)",
        (Lang::Zh, Calls) => "套接字调用（Python）",
        (Lang::En, Returned) => "returned",
        (Lang::Zh, Returned) => "返回",
        (Lang::En, Ladder) => "Ladder",
        (Lang::Zh, Ladder) => "梯形图",
    }
}

/// What part of a long connection a picture draws: ` · segments 1–200 of
/// 10000000` after its title.
pub fn window_note(lang: Lang, first: u64, last: u64, total: u64) -> String {
    match lang {
        Lang::En => format!(" · segments {first}–{last} of {total}"),
        Lang::Zh => format!(" · 第 {first}–{last} 段，共 {total} 段"),
    }
}

/// A state-diagram edge label (RFC 9293 Figure 5's notation) in `lang`:
/// `rcv SYN / snd SYN,ACK` → `收 SYN / 发 SYN,ACK`, `rcv ACK of FIN` →
/// `收 FIN 的 ACK`; calls and timers (`close()`, `2MSL`) stay.
pub fn edge_label(lang: Lang, en: &str) -> String {
    if lang == Lang::En {
        return en.to_string();
    }
    en.split(" / ")
        .map(
            |part| match part.strip_prefix("rcv ").map(|r| r.split_once(" of ")) {
                Some(Some((what, of))) => format!("收 {of} 的 {what}"),
                _ => part.replacen("rcv ", "收 ", 1).replacen("snd ", "发 ", 1),
            },
        )
        .collect::<Vec<_>>()
        .join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_differs_from_english_for_every_prose_text() {
        for t in [
            FigureText::TcpConnection,
            FigureText::FourWayTeardown,
            FigureText::Lost,
            FigureText::KernelAgrees,
        ] {
            assert_ne!(figure_text(Lang::En, t), figure_text(Lang::Zh, t));
        }
    }
}
