//! 简体中文 strings of the UI. Text only: no terminal, no model logic.

mod demo;
mod quiz;

use super::{Call, DemoText, Field, Note, Phase, Strings, Text};
use crate::conversation::{Cause, Label, Role, Side};
use crate::live::exchange::Scenario;
use crate::state::TcpState;

/// Simplified Chinese.
pub struct Zh;

fn who(s: Side) -> &'static str {
    match s {
        Side::Client => "客户端",
        Side::Server => "服务器",
    }
}

impl Strings for Zh {
    fn lang(&self) -> super::Lang {
        super::Lang::Zh
    }

    fn text(&self, t: Text) -> &'static str {
        match t {
            Text::Connection => "连接",
            Text::OfTotal => "共",
            Text::Datagrams => "个数据报",
            Text::Step => "步骤",
            Text::Start => "开始",
            Text::Playing => "▶ 播放中",
            Text::Paused => "⏸ 已暂停",
            Text::Relative => "相对序号",
            Text::Absolute => "绝对序号",
            Text::SourceEnded => "抓包结束",
            Text::Waiting => "等待报文段…",
            Text::Footer => {
                "→/空格 下一步  ← 上一步  n/N 阶段  p 播放  c 连接  d 详情  s 状态图  r 序号  t 主题  ? 帮助  q 退出"
            }
            Text::FooterShort => "→ 下一步 ← 上一步 n 阶段 d 详情 s 状态图 ? 帮助 q 退出",
            Text::FooterWatchShort => {
                "→ 下一步 ← 上一步 n 阶段 e 讲解 d 详情 s 状态图 ? 帮助 q 退出"
            }
            Text::TooSmall => "窗口太小（至少需要 60×20）",
            Text::LadderTitle => "时序图",
            Text::ExplainTitle => "讲解",
            Text::WhatHappens => "发生了什么",
            Text::StateChanges => "状态变化",
            Text::SocketCalls => "套接字调用",
            Text::DiagramTitle => "TCP 状态图（RFC 9293）",
            Text::DiagramLegend => "反色方框 = 客户端 / 服务器的当前状态  » « = 刚走过的边",
            Text::DetailsTitle => "报文详情",
            Text::HexUnavailable => "无法显示十六进制（未载入帧数据）",
            Text::HexDump => "帧数据",
            Text::Options => "TCP 选项",
            Text::Labels => "标记",
            Text::None => "无",
            Text::PickerTitle => "连接列表",
            Text::PickerHints => {
                "↑↓ PgUp PgDn Home End 选择  回车 逐步查看  / 过滤  o 排序  Esc 关闭"
            }
            Text::NoMatch => "没有符合过滤条件的连接",
            Text::Filter => "过滤",
            Text::Sort => "排序",
            Text::ColIndex => "#",
            Text::ColClient => "客户端",
            Text::ColServer => "服务器",
            Text::ColPackets => "报文数",
            Text::ColBytes => "字节数",
            Text::ColDuration => "时长",
            Text::ColSeen => "看到的内容",
            Text::ColFinal => "最终状态",
            Text::SeenHandshake => "握手",
            Text::SeenData => "数据",
            Text::SeenFinClient => "FIN 客→服",
            Text::SeenFinServer => "FIN 服→客",
            Text::SeenRst => "RST",
            Text::HelpTitle => "按键",
            Text::HelpNext => "下一步（多显示一个报文段）",
            Text::HelpPrev => "上一步",
            Text::HelpHomeEnd => "第一步 / 最后一步",
            Text::HelpPlay => "播放 / 暂停",
            Text::HelpSpeed => "加快 / 减慢",
            Text::HelpPhase => "下一个 / 上一个阶段（握手、数据、挥手）",
            Text::HelpConnections => "选择连接",
            Text::HelpNumbers => "相对 / 绝对序号",
            Text::HelpDetails => "报文详情（全部首部字段、十六进制）",
            Text::HelpDiagram => "TCP 状态图",
            Text::HelpExplain => "解释（小屏幕上替代套接字调用）",
            Text::HelpTheme => "主题：深色、浅色、投影",
            Text::HelpQuiz => "测验：每一步揭晓前先预测（--quiz）",
            Text::HelpHelp => "本帮助",
            Text::HelpEsc => "关闭最上层面板",
            Text::HelpQuit => "退出",
            Text::HelpClick => "选中鼠标所指的报文段",
            Text::HelpWheel => "滚动时序图（或报文详情）",
            Text::KeyClick => "鼠标点击",
            Text::KeyWheel => "滚轮",
            Text::HelpPickerFilter => "连接列表：按地址、端口、状态、标志过滤",
            Text::HelpPickerSort => "连接列表：切换排序列",
            Text::HelpPickerEnter => "连接列表：逐步查看所选连接",
            Text::ThemeDark => "深色",
            Text::ThemeLight => "浅色",
            Text::ThemeProjector => "投影",
            Text::Speed => "步/秒",
            Text::Error => "错误",
            Text::Warning => "警告",
            Text::Yes => "是",
            Text::No => "否",
        }
    }

    fn field(&self, f: Field) -> &'static str {
        match f {
            Field::Frame => "帧",
            Field::Time => "时间",
            Field::SinceFirst => "距第一个报文段",
            Field::CapturedLen => "捕获长度 / 线路长度",
            Field::IpVersion => "IP 版本",
            Field::Source => "源地址",
            Field::Destination => "目的地址",
            Field::Ttl => "TTL / 跳数限制",
            Field::IpId => "IP 标识",
            Field::TotalLen => "IP 总长度",
            Field::DontFragment => "禁止分片",
            Field::Vlan => "VLAN",
            Field::Tunnel => "隧道",
            Field::Reassembled => "分片",
            Field::Icmp => "ICMP 差错",
            Field::Seq => "序号",
            Field::Ack => "确认号",
            Field::Flags => "标志位",
            Field::Window => "窗口（原始值）",
            Field::ScaledWindow => "窗口（缩放后）",
            Field::Urgent => "紧急指针",
            Field::HeaderLen => "TCP 首部长度",
            Field::PayloadLen => "载荷长度",
            Field::Role => "作用",
            Field::Mss => "MSS（最大报文段长度）",
            Field::WindowScale => "窗口扩大因子",
            Field::SackPermitted => "允许 SACK",
            Field::Sack => "SACK 块",
            Field::Timestamps => "时间戳（TSval, TSecr）",
            Field::OtherOptions => "其他选项类型",
        }
    }

    fn side(&self, s: Side) -> &'static str {
        who(s)
    }

    fn role(&self, r: Role) -> &'static str {
        match r {
            Role::Syn => "握手 SYN",
            Role::SynAck => "握手 SYN-ACK",
            Role::HandshakeAck => "握手 ACK",
            Role::Data => "数据",
            Role::Ack => "确认",
            Role::Fin => "FIN",
            Role::AckOfFin => "FIN 的确认",
            Role::Rst => "RST 复位",
        }
    }

    fn label(&self, l: Label) -> &'static str {
        match l {
            Label::Retransmission => "重传",
            Label::OutOfOrder => "乱序",
            Label::DupAck(_) => "重复 ACK",
            Label::FastRetransmission => "快速重传",
            Label::SpuriousRetransmission => "虚假重传",
            Label::LostSegment => "前一报文段未捕获",
            Label::AckedUnseen => "确认了未捕获的报文段",
            Label::ZeroWindowProbe => "零窗口探测",
            Label::ZeroWindowProbeAck => "零窗口探测确认",
            Label::WindowFull => "窗口已满",
            Label::PortsReused => "端口号重用",
            Label::ZeroWindow => "零窗口",
            Label::WindowUpdate => "窗口更新",
            Label::KeepAlive => "保活",
            Label::KeepAliveAck => "保活确认",
        }
    }

    fn cause(&self, c: Cause) -> &'static str {
        match c {
            Cause::SndSyn => "发送 SYN（connect）",
            Cause::RcvSyn => "收到 SYN，发送 SYN-ACK",
            Cause::RcvSynSimultaneous => "在 SYN_SENT 时收到 SYN（同时打开）",
            Cause::RcvSynAck => "收到确认了己方 SYN 的 SYN-ACK",
            Cause::RcvAckOfSyn => "收到对己方 SYN 的确认",
            Cause::SndFin => "发送 FIN（close 或 shutdown）",
            Cause::RcvFin => "收到 FIN",
            Cause::RcvAckOfFin => "收到对己方 FIN 的确认",
            Cause::SndRst => "发送 RST（中止连接）",
            Cause::RcvRst => "收到 RST",
            Cause::RcvRstRefused => "收到确认己方 SYN 的 RST（连接被拒绝）",
            Cause::MidStream => "正在发送数据：已同步（抓包从连接中途开始）",
            Cause::Unseen => "它自己的 ACK 表明它已收到对方的 SYN-ACK，但抓包中没有这个报文段",
        }
    }

    fn phase(&self, p: Phase) -> &'static str {
        match p {
            Phase::Handshake => "三次握手",
            Phase::Data => "数据传输",
            Phase::Teardown => "连接释放",
        }
    }

    fn note(&self, n: &Note) -> String {
        match *n {
            Note::Before { client, server } => format!(
                "还没有发送任何报文。客户端处于 {client}；服务器处于 {server}：它的应用程序已调用 socket()、bind() 和 listen()，正在等待 SYN。"
            ),
            Note::MidStream => {
                "抓包开始于握手之后：两端的状态是根据最先看到的报文段推断出来的。".into()
            }
            Note::Syn { from, seq, mss } => {
                let mss = mss
                    .map(|m| format!("它通告 MSS 为 {m}：即它希望接收的最大报文段长度。"))
                    .unwrap_or_default();
                format!(
                    "{}请求建立连接：发送 SYN，携带初始序号（ISN）seq = {seq}。SYN 本身占用一个序号。{mss}",
                    who(from)
                )
            }
            Note::SynAck {
                from,
                seq,
                peer_isn,
                ack,
            } => format!(
                "{}确认{}的 SYN：ack = {} ISN + 1 = {peer_isn} + 1 = {ack}，同时发送自己的 SYN，ISN 为 seq = {seq}。",
                who(from),
                who(from.peer()),
                who(from.peer()),
            ),
            Note::HandshakeAck {
                from,
                peer_isn,
                ack,
            } => format!(
                "{}确认{}的 SYN：ack = {} ISN + 1 = {peer_isn} + 1 = {ack}。三次握手完成，双方都进入 ESTABLISHED。",
                who(from),
                who(from.peer()),
                who(from.peer()),
            ),
            Note::Data {
                from,
                seq,
                len,
                end,
            } => format!(
                "{}发送 {len} 字节数据：seq = {seq}，即第 {seq}…{} 字节。{}将用 ack = {seq} + {len} = {end} 确认，也就是它期望的下一个字节。",
                who(from),
                end.wrapping_sub(1),
                who(from.peer()),
            ),
            Note::Ack { from, ack } => format!(
                "{}确认第 {} 字节及之前的全部数据：ack = {ack} 是它期望的下一个字节。",
                who(from),
                ack.wrapping_sub(1)
            ),
            Note::Fin { from, fin_seq } => format!(
                "{}发送 FIN：它不再发送数据。FIN 占用一个序号：seq = {fin_seq}，所以对方用 ack = {} 来确认。",
                who(from),
                fin_seq.wrapping_add(1)
            ),
            Note::AckOfFin { from, fin_seq, ack } => format!(
                "{}确认{}的 FIN：ack = FIN 的 seq + 1 = {fin_seq} + 1 = {ack}。",
                who(from),
                who(from.peer())
            ),
            Note::RstRefused { from, port } => format!(
                "{}的端口 {port} 上没有处于监听状态的套接字：它用 RST-ACK 回应 SYN，连接被拒绝。",
                who(from)
            ),
            Note::Rst { from } => format!(
                "{}复位连接：RST 立即中止连接，没有 FIN 交换，也没有 TIME_WAIT；仍在途中的数据会丢失。",
                who(from)
            ),
            Note::Label { from, label } => match label {
                Label::Retransmission => format!(
                    "重传：{}再次发送相同序号的数据，因为没有及时收到 ACK（重传超时，Linux 上至少约 200 毫秒），或收到了重复 ACK。",
                    who(from)
                ),
                Label::DupAck(n) => format!(
                    "第 {n} 个重复 ACK：{}重复发送同一个确认号，说明它仍缺少那个字节。连续三个重复 ACK 会触发快速重传。",
                    who(from)
                ),
                Label::FastRetransmission => format!(
                    "快速重传：对方的重复 ACK 要求缺失的报文段，{}立即重新发送它（RFC 5681 §3.2），不等重传超时。",
                    who(from)
                ),
                Label::SpuriousRetransmission => format!(
                    "虚假重传：{}重新发送了对方已经确认过的数据，这次重传并不需要。",
                    who(from)
                ),
                Label::LostSegment => "前一报文段未捕获：这个报文段从下一个期望字节之后开始，捕获漏掉了它前面的数据（途中丢失，或走了别的路径）。".into(),
                Label::AckedUnseen => format!("确认了未捕获的报文段：{}确认了捕获中从未出现的数据。", who(from)),
                Label::ZeroWindowProbe => format!(
                    "零窗口探测：{}向对方的零窗口发送一个字节，以得知窗口何时重新打开。",
                    who(from)
                ),
                Label::ZeroWindowProbeAck => format!("零窗口探测确认：{}回应探测，它的窗口仍然为零。", who(from)),
                Label::WindowFull => format!(
                    "窗口已满：这些数据到达了对方通告窗口的右边缘；{}必须等到 ACK 才能继续发送。",
                    who(from)
                ),
                Label::PortsReused => "端口号重用：与本捕获中较早的一条连接使用相同地址和端口的新连接。".into(),
                Label::OutOfOrder => "乱序：这个报文段填补了后发报文段留下的空缺。".into(),
                Label::ZeroWindow => {
                    format!("零窗口：{}的接收缓冲区已满，对方必须暂停发送。", who(from))
                }
                Label::WindowUpdate => format!("窗口更新：{}只是通告新的接收窗口。", who(from)),
                Label::KeepAlive => format!(
                    "保活：{}探测对方是否仍然在线（SO_KEEPALIVE），或零窗口是否已重新打开。",
                    who(from)
                ),
                Label::KeepAliveAck => {
                    format!(
                        "保活确认：{}用当前的确认号回应探测，表示自己仍然在线。",
                        who(from)
                    )
                }
            },
            Note::Change {
                side,
                from,
                to,
                cause,
            } => format!(
                "{}：{from} → {to} —— {}（RFC 9293 §{}）。",
                who(side),
                self.cause(cause),
                cause.rfc_section()
            ),
            Note::Deferred {
                side,
                segment,
                step,
            } => format!(
                "{}直到第 {step} 步才处理第 {segment} 个报文段：两个报文段在线路上交叉而过，看到第 {segment} 个时{}已经发出了自己的报文段，其确认号表明它当时还没有收到第 {segment} 个。",
                who(side),
                who(side)
            ),
            Note::Call(c) => self.call(&c),
        }
    }

    fn call(&self, c: &Call) -> String {
        match *c {
            Call::ConnectBlocks(s) => format!(
                "{}：connect() 发出这个 SYN，并阻塞在 SYN_SENT，直到收到回应。",
                who(s)
            ),
            Call::KernelAnswers(s) => format!(
                "{}：由内核自动应答（应用程序不参与）；这个半连接在监听套接字的 SYN 队列中等待。",
                who(s)
            ),
            Call::ConnectReturns(s) => format!(
                "{}：收到 SYN-ACK 后 connect() 返回 0，应用程序可以 send() 了。",
                who(s)
            ),
            Call::AcceptReturns(s) => format!(
                "{}：连接进入全连接（accept）队列，accept() 返回它——握手在应用程序察觉之前就已由内核完成。",
                who(s)
            ),
            Call::Send(s, n) => format!("{}：send() / write() 把这 {n} 字节交给了内核。", who(s)),
            Call::Recv(s, n) => format!("{}：recv() / read() 现在可以读到这 {n} 字节。", who(s)),
            Call::Close(s) => format!(
                "{}：close() 发送 FIN（若是 shutdown(SHUT_WR) 则为半关闭——仍可接收数据）。",
                who(s)
            ),
            Call::RecvEof(s) => format!(
                "{}：recv() 现在返回 0（读到文件结尾）；它停留在 CLOSE_WAIT，直到应用程序调用 close()。",
                who(s)
            ),
            Call::HalfClosed(s) => format!(
                "{}：它的 FIN 已被确认；它在 FIN_WAIT2 等待对方的 FIN，仍可接收数据（半关闭）。",
                who(s)
            ),
            Call::TimeWait(s) => format!(
                "{}：TIME_WAIT 持续 2·MSL（Linux 上为 60 秒），以便重发丢失的最后一个 ACK，并让旧报文段在网络中消失；其间这对端口不能重用。",
                who(s)
            ),
            Call::Closed(s) => format!("{}：连接已不存在，内核释放套接字。", who(s)),
            Call::Refused(s) => format!(
                "{}：connect() 失败，返回 ECONNREFUSED（连接被拒绝）。",
                who(s)
            ),
            Call::LingerRst(s) => format!(
                "{}：应用程序在设置 SO_LINGER 为 0 后调用 close()，或在仍有未读数据时关闭，就会发送 RST。",
                who(s)
            ),
            Call::Reset(s) => format!(
                "{}：下一次 recv() 或 send() 失败，返回 ECONNRESET（连接被对端重置）。",
                who(s)
            ),
            Call::Simultaneous(s) => format!(
                "{}：自己的 FIN 尚未被确认时收到了对方的 FIN：同时关闭，进入 CLOSING。",
                who(s)
            ),
            Call::SimultaneousOpen(s) => format!(
                "{}：它的 connect() 还在等待时收到了对方的 SYN：双方同时发起连接（同时打开，RFC 9293 §3.5 图 8）。它回以 SYN-ACK 并在 SYN_RECV 中等待；对方的 SYN-ACK 完成握手——只有一条连接，没有监听方。",
                who(s)
            ),
        }
    }

    fn change(&self, side: Side, from: TcpState, to: TcpState, cause: Cause) -> String {
        format!("↳ {}：{from} → {to} · {}", who(side), self.cause(cause))
    }

    fn hidden(&self, n: usize) -> String {
        format!("… 还有 {n} 个报文段未显示：按 → 继续")
    }

    fn later(&self, segment: usize) -> String {
        format!("⟲ 第 {segment} 个报文段，稍后处理：")
    }

    fn demo(&self, t: DemoText) -> &'static str {
        demo::text(t)
    }

    fn quiz(&self, t: super::QuizText) -> &'static str {
        quiz::text(t)
    }

    fn quiz_line(&self, l: &super::QuizLine) -> String {
        quiz::line(l)
    }

    fn scenario(&self, s: Scenario) -> &'static str {
        demo::scenario(s)
    }

    fn time_wait(&self, side: Side, left: u64) -> String {
        demo::time_wait(side, left)
    }
}
