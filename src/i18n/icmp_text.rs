//! ICMP errors in words, in every language: what the error says
//! (`ICMP: port unreachable` / `ICMP：端口不可达`) and the line beside the
//! segment or datagram it quotes. English is the model's own text
//! ([`IcmpKind`]'s `Display`, also the JSON's `message`). Text only.

use std::net::{IpAddr, SocketAddr};

use super::Lang;
use crate::segment::IcmpKind;

/// What the error says in `lang`.
pub fn icmp_kind(lang: Lang, k: &IcmpKind) -> String {
    if lang == Lang::En {
        return k.to_string();
    }
    let proto = |v: u8| if v == 6 { "ICMPv6" } else { "ICMP" };
    let (p, what) = match *k {
        IcmpKind::FragmentationNeeded { mtu } => ("ICMP", format!("需要分片，MTU {mtu}")),
        IcmpKind::PacketTooBig { mtu } => ("ICMPv6", format!("报文过大，MTU {mtu}")),
        IcmpKind::Unreachable { version, code } => {
            let what = match (version, code) {
                (4, 0) => "网络不可达",
                (4, 1) => "主机不可达",
                (4, 2) => "协议不可达",
                (4, 3) | (6, 4) => "端口不可达",
                (4, 5) => "源路由失败",
                (4, 6) => "目的网络未知",
                (4, 7) => "目的主机未知",
                (4, 9 | 10 | 13) | (6, 1) => "通信被管理策略禁止",
                (6, 0) => "没有到目的地的路由",
                (6, 3) => "地址不可达",
                (6, 5) => "源地址不符合入口/出口策略",
                (6, 6) => "到目的地的路由被拒绝",
                _ => "目的不可达",
            };
            (proto(version), what.to_string())
        }
        IcmpKind::TimeExceeded { version, code } => {
            let what = match (version, code) {
                (_, 1) => "分片重组超时",
                (6, _) => "传输中跳数限制耗尽",
                _ => "传输中 TTL 耗尽",
            };
            (proto(version), what.to_string())
        }
        IcmpKind::ParameterProblem { version } => (proto(version), "参数错误".to_string()),
        IcmpKind::SourceQuench => ("ICMP", "源抑制".to_string()),
    };
    format!("{p}：{what}")
}

/// An ICMP event beside a TCP segment: `ICMP: port unreachable (frame 6,
/// from 10.1.0.254, quoting segment 4)`; `quotes` is 0-based.
pub fn icmp_event(
    lang: Lang,
    k: &IcmpKind,
    frame: u64,
    from: IpAddr,
    quotes: Option<usize>,
) -> String {
    let kind = icmp_kind(lang, k);
    match (lang, quotes) {
        (Lang::En, Some(q)) => format!(
            "{kind} (frame {frame}, from {from}, quoting segment {})",
            q + 1
        ),
        (Lang::En, None) => format!("{kind} (frame {frame}, from {from})"),
        (Lang::Zh, Some(q)) => format!(
            "{kind}（第 {frame} 帧，来自 {from}，引用第 {} 个报文段）",
            q + 1
        ),
        (Lang::Zh, None) => format!("{kind}（第 {frame} 帧，来自 {from}）"),
    }
}

/// `--print`'s line under a UDP datagram an ICMP error answered.
pub fn icmp_datagram(
    lang: Lang,
    k: &IcmpKind,
    from: IpAddr,
    frame: u64,
    quoted: (SocketAddr, SocketAddr),
) -> String {
    let kind = icmp_kind(lang, k);
    let (src, dst) = quoted;
    match lang {
        Lang::En => format!("{kind} from {from} (frame {frame}), about the datagram {src} → {dst}"),
        Lang::Zh => format!("{kind}，来自 {from}（第 {frame} 帧），针对数据报 {src} → {dst}"),
    }
}
