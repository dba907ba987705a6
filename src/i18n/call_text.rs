//! The demo's call results with synack's remarks, in every language:
//! `None (bound to 127.0.0.1:5000)` / `None（已绑定到 127.0.0.1:5000）`.
//! The Python value (`None`, `b''`, an exception line) stays as Python
//! printed it. Text only.

use super::Lang;
use crate::live::exchange::Remark;

/// `returned` followed by its remarks in `lang`.
pub fn call_result(lang: Lang, returned: &str, remarks: &[Remark]) -> String {
    let mut out = returned.to_string();
    for r in remarks {
        out.push_str(&remark(lang, r));
    }
    out
}

/// One remark in `lang`, with the punctuation that joins it.
fn remark(lang: Lang, r: &Remark) -> String {
    let (en, zh) = match r {
        Remark::Bound(a) => (format!(" (bound to {a})"), format!("（已绑定到 {a}）")),
        Remark::Listening(n) => (
            format!(" (LISTEN, backlog {n})"),
            format!("（LISTEN，等待队列长度 {n}）"),
        ),
        Remark::Connected(l, s) => (
            format!(" (connected {l} → {s})"),
            format!("（已连接 {l} → {s}）"),
        ),
        Remark::Sent(n) => (format!(" ({n} bytes sent)"), format!("（已发送 {n} 字节）")),
        Remark::PeerClosed => (
            " — 0 bytes (peer closed)".into(),
            " —— 0 字节（对端已关闭）".into(),
        ),
        Remark::FinQueued => (
            " (FIN queued; can still recv)".into(),
            "（FIN 已排队发送；仍可 recv）".into(),
        ),
        Remark::ReuseAddrOn => (
            " (SO_REUSEADDR on)".into(),
            "（SO_REUSEADDR 已开启）".into(),
        ),
        Remark::LingerRst => (
            " (close() will now send RST)".into(),
            "（此后 close() 将发送 RST）".into(),
        ),
        Remark::UdpPeer { server, local } => (
            format!(" (peer set to {server}, nothing sent: UDP has no handshake; local {local})"),
            format!("（对端记为 {server}，什么也没发送：UDP 没有握手；本地 {local}）"),
        ),
        Remark::TimeWait {
            after_error,
            local,
            remote,
            secs,
        } => match after_error {
            false => (
                format!("; still in TIME_WAIT: {local} ↔ {remote}, {secs} s left"),
                format!("；仍处于 TIME_WAIT：{local} ↔ {remote}，还剩 {secs} 秒"),
            ),
            true => (
                format!(
                    "  # /proc/net/tcp{}: {local} ↔ {remote} TIME_WAIT, {secs} s left",
                    v6(local)
                ),
                format!(
                    "  # /proc/net/tcp{}：{local} ↔ {remote} TIME_WAIT，还剩 {secs} 秒",
                    v6(local)
                ),
            ),
        },
        Remark::RecvQ {
            queued,
            local,
            remote,
        } => (
            format!(
                "; Recv-Q {queued} at {local} ← {remote}: ACKed by the kernel, not recv()'d yet"
            ),
            format!("；Recv-Q {queued}，位于 {local} ← {remote}：内核已回复 ACK，还没有被 recv()"),
        ),
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// `6` for the IPv6 table.
fn v6(a: &std::net::SocketAddr) -> &'static str {
    if a.is_ipv6() { "6" } else { "" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_keeps_the_old_text_and_chinese_has_no_english_words() {
        let a: std::net::SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let all = [
            Remark::Bound(a),
            Remark::Listening(1),
            Remark::Connected("127.0.0.2:40000".into(), a),
            Remark::Sent(5),
            Remark::PeerClosed,
            Remark::FinQueued,
            Remark::ReuseAddrOn,
            Remark::LingerRst,
            Remark::UdpPeer {
                server: a,
                local: "127.0.0.2:40000".into(),
            },
            Remark::TimeWait {
                after_error: false,
                local: a,
                remote: a,
                secs: 3,
            },
            Remark::TimeWait {
                after_error: true,
                local: a,
                remote: a,
                secs: 3,
            },
            Remark::RecvQ {
                queued: 13,
                local: a,
                remote: a,
            },
        ];
        assert_eq!(
            call_result(Lang::En, "b''", &[Remark::PeerClosed]),
            "b'' — 0 bytes (peer closed)"
        );
        for r in &all {
            let zh = call_result(Lang::Zh, "None", std::slice::from_ref(r));
            let words = super::super::untranslated::english_words(&zh, &["None"]);
            assert!(words.is_empty(), "{zh}: {words:?}");
        }
    }
}
