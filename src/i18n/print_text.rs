//! Texts of the text outputs (`--print`, `--list`) and the translated
//! `cause` of `--json`, in every language. Names of model values (roles,
//! labels, causes) come from the UI's [`super::Strings`]; state names and
//! flags are protocol notation and stay as they are. Text only.

use super::Lang;
use crate::conversation::{Cause, Label, Role, Side, Skipped};

/// A fixed word or phrase of the text outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(missing_docs, reason = "each variant is the text it names")]
pub enum PrintText {
    Client,
    Server,
    Time,
    Packets,
    Bytes,
    Duration,
    Seen,
    Final,
    MidStream,
    Handshake,
    Data,
    NoteMidStream,
    NoteListen,
}

/// The words of `t` in `lang`.
pub fn print_text(lang: Lang, t: PrintText) -> &'static str {
    use PrintText::*;
    match (lang, t) {
        (Lang::En, Client) => "client",
        (Lang::En, Server) => "server",
        (Lang::En, Time) => "time_s",
        (Lang::En, Packets) => "packets",
        (Lang::En, Bytes) => "ip_bytes",
        (Lang::En, Duration) => "duration_s",
        (Lang::En, Seen) => "seen",
        (Lang::En, Final) => "final client / server",
        (Lang::En, MidStream) => "mid-stream",
        (Lang::En, Handshake) => "handshake",
        (Lang::En, Data) => "data",
        (Lang::En, NoteMidStream) => {
            "note: the capture starts mid-connection; states are UNKNOWN until a segment shows them"
        }
        (Lang::En, NoteListen) => {
            "note: the server is taken to be LISTENing before the first SYN (a capture cannot show listen())"
        }
        (Lang::Zh, Client) => "客户端",
        (Lang::Zh, Server) => "服务器",
        (Lang::Zh, Time) => "时间_秒",
        (Lang::Zh, Packets) => "包数",
        (Lang::Zh, Bytes) => "IP字节",
        (Lang::Zh, Duration) => "时长_秒",
        (Lang::Zh, Seen) => "看到",
        (Lang::Zh, Final) => "最终状态 客户端 / 服务器",
        (Lang::Zh, MidStream) => "中途开始",
        (Lang::Zh, Handshake) => "握手",
        (Lang::Zh, Data) => "数据",
        (Lang::Zh, NoteMidStream) => {
            "注：抓包从连接中途开始；在某个报文段显示出状态之前，状态为 UNKNOWN"
        }
        (Lang::Zh, NoteListen) => {
            "注：假定服务器在第一个 SYN 之前处于 LISTEN（抓包无法显示 listen() 调用）"
        }
    }
}

/// `note: …` before a connection's ladder.
pub fn note(lang: Lang, text: &str) -> String {
    match lang {
        Lang::En => format!("note: {text}"),
        Lang::Zh => format!("注：{text}"),
    }
}

/// The `--print` header of one connection.
pub fn connection_header(
    lang: Lang,
    index: usize,
    client: &str,
    server: &str,
    packets: Option<u64>,
    relative: bool,
) -> String {
    let numbers = match (lang, relative) {
        (Lang::En, true) => "relative numbers",
        (Lang::En, false) => "absolute numbers",
        (Lang::Zh, true) => "相对序号",
        (Lang::Zh, false) => "绝对序号",
    };
    match (lang, packets) {
        (Lang::En, Some(n)) => {
            format!(
                "connection {index}: client {client} → server {server}  ({n} packets, {numbers})"
            )
        }
        (Lang::En, None) => {
            format!("connection {index}: client {client} → server {server}  ({numbers})")
        }
        (Lang::Zh, Some(n)) => {
            format!("连接 {index}：客户端 {client} → 服务器 {server}（{n} 个包，{numbers}）")
        }
        (Lang::Zh, None) => format!("连接 {index}：客户端 {client} → 服务器 {server}（{numbers}）"),
    }
}

/// A state change applied later than its segment (`segment` 1-based).
pub fn took_effect(lang: Lang, segment: usize) -> String {
    match lang {
        Lang::En => format!(
            "; segment {segment} took effect only now (its receiver had sent its own segment before processing it)"
        ),
        Lang::Zh => format!(
            "；第 {segment} 个报文段到这时才生效（接收方在处理它之前已先发出了自己的报文段）"
        ),
    }
}

/// The line after `--print` and `--list`: connections, frames, skipped,
/// and the UDP flows when there are any.
pub fn totals(lang: Lang, conns: usize, frames: u64, skipped: &Skipped, flows: usize) -> String {
    let mut s = totals_of_frames(lang, conns, frames, skipped);
    s.push_str(&udp_flows(lang, flows));
    s
}

fn totals_of_frames(lang: Lang, conns: usize, frames: u64, skipped: &Skipped) -> String {
    match lang {
        Lang::En => format!(
            "{conns} connection{}, {frames} frames; skipped {skipped}",
            if conns == 1 { "" } else { "s" }
        ),
        Lang::Zh => {
            let mut s = format!(
                "{conns} 个连接，{frames} 帧；跳过：{} 帧非 TCP，{} 个 IP 分片，{} 帧损坏",
                skipped.not_tcp, skipped.fragments, skipped.malformed
            );
            if skipped.unsupported_link > 0 {
                s.push_str(&format!("，{} 帧链路类型不支持", skipped.unsupported_link));
            }
            s
        }
    }
}

/// `; 2 UDP flows` after the totals, or nothing without UDP.
fn udp_flows(lang: Lang, n: usize) -> String {
    match (n, lang) {
        (0, _) => String::new(),
        (1, Lang::En) => "; 1 UDP flow".to_string(),
        (n, Lang::En) => format!("; {n} UDP flows"),
        (n, Lang::Zh) => format!("；{n} 个 UDP 流"),
    }
}

/// The event behind a state change (English: the JSON's stable text).
pub fn cause(lang: Lang, c: Cause) -> &'static str {
    match lang {
        Lang::En => c.text(),
        Lang::Zh => lang.strings().cause(c),
    }
}

/// A segment's role.
pub fn role(lang: Lang, r: Role) -> &'static str {
    match lang {
        Lang::En => r.text(),
        Lang::Zh => lang.strings().role(r),
    }
}

/// An analysis label, with a duplicate ACK's count (`dup ACK #2`).
pub fn label(lang: Lang, l: Label) -> String {
    lang.strings().label_name(l)
}

/// "client" or "server".
pub fn side(lang: Lang, s: Side) -> &'static str {
    match (lang, s) {
        (Lang::En, Side::Client) => "client",
        (Lang::En, Side::Server) => "server",
        (Lang::Zh, s) => lang.strings().side(s),
    }
}

/// `synack demo --print`: the first line.
pub fn scenario_line(lang: Lang, name: &str, server: &str, calls: usize, frames: usize) -> String {
    match lang {
        Lang::En => format!(
            "scenario {name}: server {server}, {calls} socket calls, {frames} frames captured on lo"
        ),
        Lang::Zh => {
            format!("场景 {name}：服务器 {server}，{calls} 个套接字调用，在 lo 上抓到 {frames} 帧")
        }
    }
}

/// `synack demo --print`: the kernel column is unavailable, and why.
pub fn kernel_unavailable(lang: Lang, why: &str) -> String {
    match lang {
        Lang::En => format!("kernel: unavailable ({why})"),
        Lang::Zh => format!("内核：不可用（{why}）"),
    }
}

/// `synack demo --print`: the heading of the kernel comparison.
pub fn kernel_heading(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "kernel (tracepoint sock:inet_sock_set_state; TIME_WAIT from /proc/net/tcp):",
        Lang::Zh => "内核（跟踪点 sock:inet_sock_set_state；TIME_WAIT 取自 /proc/net/tcp）：",
    }
}

/// `synack demo --print`: one side's kernel chain and the verdict
/// (`inferred` is `None` when synack agrees).
pub fn kernel_row(
    lang: Lang,
    conn: usize,
    side: Side,
    kernel: &str,
    inferred: Option<&str>,
) -> String {
    match lang {
        Lang::En => {
            let verdict = inferred.map_or("agrees with synack".to_string(), |i| {
                format!("DISAGREES — synack inferred {i}")
            });
            format!(
                "  connection {conn} {:<6} {kernel}   {verdict}",
                side.to_string()
            )
        }
        Lang::Zh => {
            let verdict = inferred.map_or("与 synack 一致".to_string(), |i| {
                format!("不一致 —— synack 推断为 {i}")
            });
            format!(
                "  连接 {conn} {} {kernel}   {verdict}",
                lang.strings().side(side)
            )
        }
    }
}

/// The one-line note under a side the kernel handed over to a time-wait
/// socket in `state` (`--print` of the demo and of watch).
pub fn kernel_hand_over(lang: Lang, side: Side, state: crate::state::TcpState) -> String {
    let st = state.name();
    match lang {
        Lang::En => format!(
            "      ({side}: in {st} Linux handed the closed socket over to a time-wait socket: the tracepoint shows {st} → CLOSE for the full socket, /proc/net/tcp the connection going on)"
        ),
        Lang::Zh => format!(
            "      （{}：Linux 在 {st} 把已关闭的套接字移交给 TIME_WAIT 套接字：跟踪点显示完整套接字 {st} → CLOSE，/proc/net/tcp 显示连接仍在继续）",
            lang.strings().side(side)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_rows_in_english_keep_their_format_and_chinese_has_no_english_words() {
        assert_eq!(
            kernel_row(Lang::En, 0, Side::Client, "CLOSED → SYN_SENT", None),
            "  connection 0 client CLOSED → SYN_SENT   agrees with synack"
        );
        assert_eq!(
            kernel_row(
                Lang::En,
                1,
                Side::Server,
                "LISTEN",
                Some("LISTEN → SYN_RECV")
            ),
            "  connection 1 server LISTEN   DISAGREES — synack inferred LISTEN → SYN_RECV"
        );
        let zh = [
            kernel_row(
                Lang::Zh,
                1,
                Side::Server,
                "LISTEN",
                Some("LISTEN → SYN_RECV"),
            ),
            scenario_line(Lang::Zh, "normal", "127.0.0.1:5000", 15, 11),
            kernel_unavailable(Lang::Zh, "needs root"),
            kernel_heading(Lang::Zh).to_string(),
            took_effect(Lang::Zh, 3),
            kernel_hand_over(Lang::Zh, Side::Client, crate::state::TcpState::FinWait2),
        ];
        for line in zh {
            for word in [
                "connection",
                "server",
                "client",
                "agrees",
                "DISAGREES",
                "frames",
            ] {
                assert!(!line.contains(word), "{word} in {line:?}");
            }
        }
    }
}
