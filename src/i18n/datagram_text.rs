//! Texts of the UDP outputs (`--print`'s flows, `--list`'s flow table,
//! the UDP demo's kernel line), in every language. Text only.

use super::{Lang, pick};

/// `--print`: a flow's title.
pub fn flow_head(lang: Lang, i: usize, from: &str, to: &str, n: u64, bytes: u64) -> String {
    pick(
        lang,
        format!(
            "flow {i}: UDP {from} → {to}  ({n} datagrams, {bytes} bytes; no connection, no states)"
        ),
        format!("流 {i}：UDP {from} → {to}（{n} 个数据报，{bytes} 字节；没有连接，没有状态）"),
    )
}

/// `--print`: the note under a flow's title.
pub fn flow_note(lang: Lang) -> String {
    pick(
        lang,
        "note: UDP has no handshake, no teardown and no states: each datagram stands alone, nothing is acknowledged".into(),
        "注：UDP 没有握手、没有挥手、没有状态：每个数据报都是独立的，没有任何确认".into(),
    )
}

/// `--print`: datagrams the step limit left out.
pub fn more_not_kept(lang: Lang, n: usize) -> String {
    pick(
        lang,
        format!("     … {n} more datagrams not kept"),
        format!("     … 另有 {n} 个数据报未保留"),
    )
}

/// `--list`: the flow table's title.
pub fn flows_title(lang: Lang) -> String {
    pick(
        lang,
        "UDP flows (connection-less: no handshake, no teardown, no states):".into(),
        "UDP 流（无连接：没有握手、没有挥手、没有状态）：".into(),
    )
}

/// `--list`: the flow table's columns (`#`, from, to, datagrams, bytes,
/// duration, ICMP).
pub fn flows_columns(lang: Lang) -> [&'static str; 7] {
    match lang {
        Lang::En => [
            "#",
            "from",
            "to",
            "datagrams",
            "bytes",
            "duration_s",
            "icmp",
        ],
        Lang::Zh => ["#", "发送方", "接收方", "数据报", "字节", "时长_秒", "ICMP"],
    }
}

/// `demo --print` of the UDP scenario: what the tracepoint saw.
pub fn udp_kernel(lang: Lang, port: u16, events: usize) -> String {
    pick(
        lang,
        format!(
            "kernel (tracepoint sock:inet_sock_set_state on port {port}, any protocol): {events} state changes — UDP sockets have no connection states"
        ),
        format!(
            "内核（跟踪点 sock:inet_sock_set_state，端口 {port}，任何协议）：{events} 次状态变化 —— UDP 套接字没有连接状态"
        ),
    )
}
