//! How a segment travelled (tunnels, IP reassembly) and why its header is
//! damaged, in every language. English is the model's own text (also the
//! JSON's); protocol names, VNIs and keys stay as they are. Text only.

use super::Lang;
use crate::segment::{Carried, Malformed, Tunnel, TunnelKind};

/// `inside VXLAN VNI 42, 192.0.2.1 → 192.0.2.2` / `封装于 VXLAN VNI 42，…`.
pub fn tunnel_note(lang: Lang, c: &Carried) -> Option<String> {
    if lang == Lang::En || c.tunnels.is_empty() {
        return c.tunnel_note();
    }
    let parts: Vec<String> = c
        .tunnels
        .iter()
        .map(|t| format!("封装于 {}", tunnel_zh(t)))
        .collect();
    Some(parts.join("；"))
}

fn tunnel_zh(t: &Tunnel) -> String {
    let what = match t.kind {
        TunnelKind::Vxlan { vni } => format!("VXLAN VNI {vni}"),
        TunnelKind::Geneve { vni } => format!("Geneve VNI {vni}"),
        TunnelKind::Gre { key: Some(k), .. } => format!("GRE 密钥 {k}"),
        TunnelKind::Gre { key: None, .. } => "GRE".to_string(),
        TunnelKind::Erspan {
            version,
            session: Some(s),
        } => format!("ERSPAN 类型 {version} 会话 {s}"),
        TunnelKind::Erspan { version, .. } => format!("ERSPAN 类型 {version}"),
        TunnelKind::Wccp => "GRE（WCCP 重定向）".to_string(),
        TunnelKind::GtpU { teid } => format!("GTP-U TEID {teid:#x}"),
        TunnelKind::Ip { inner } => {
            let outer = if t.src.is_ipv4() { 4 } else { 6 };
            format!("IPv{inner} 封装于 IPv{outer}")
        }
    };
    format!("{what}，{} → {}", t.src, t.dst)
}

/// `reassembled from frames 3, 4, 5` / `由第 3、4、5 帧重组`.
pub fn reassembly_note(lang: Lang, c: &Carried) -> Option<String> {
    if lang == Lang::En || c.reassembled_from.is_empty() {
        return c.reassembly_note();
    }
    let frames: Vec<String> = c.reassembled_from.iter().map(u64::to_string).collect();
    Some(format!("由第 {} 帧重组", frames.join("、")))
}

/// Why a TCP header is damaged (Wireshark's wording in English).
pub fn malformed(lang: Lang, m: &Malformed) -> String {
    if lang == Lang::En {
        return m.to_string();
    }
    match *m {
        Malformed::HeaderTooShort { header_len, .. } => {
            format!("TCP 头长度不可能（{header_len}，至少应为 20）")
        }
        Malformed::HeaderPastEnd {
            header_len,
            available,
        } => format!("TCP 头长度不可能（{header_len}，IP 包只含 {available} 字节 TCP）"),
        Malformed::Truncated { captured } => {
            format!("TCP 头被抓包截断（20 字节固定头只抓到 {captured} 字节）")
        }
        Malformed::FirstFragment => {
            "IP 分片的第一片，单独读取（抓包把它截短了）：载荷长度未知".to_string()
        }
    }
}
