//! 实时演示的简体中文文本。

use crate::conversation::Side;
use crate::i18n::DemoText;
use crate::live::exchange::Scenario;

/// 固定文本。
pub fn text(t: DemoText) -> &'static str {
    match t {
        DemoText::CodeTitle => "套接字调用（Python）",
        DemoText::ServerScript => "server.py（服务器）",
        DemoText::ClientScript => "client.py（客户端）",
        DemoText::KernelTitle => "内核（跟踪点）与推断对比",
        DemoText::Inferred => "推断",
        DemoText::Kernel => "内核",
        DemoText::Agrees => "✓ 内核 = 推断：",
        DemoText::Disagrees => "✗ 不一致",
        DemoText::Waiting => "… 等待内核记录：",
        DemoText::Unavailable => "内核列不可用：",
        DemoText::NeedsRoot => "需要 root 权限",
        DemoText::NoConnectionYet => "还没有连接：第一个报文段随 connect() 出现。",
        DemoText::KernelNow => "截至目前已执行的调用",
        DemoText::NoteTimeWaitSocket => {
            "Linux 把已关闭的套接字移交给一个 TIME_WAIT 套接字：跟踪点显示完整套接字的 → CLOSE，/proc/net/tcp 显示连接在这个 TIME_WAIT 套接字中继续（先 FIN_WAIT2，再 TIME_WAIT）。"
        }
        DemoText::NoteRequestSock => {
            "服务器端的套接字直到最后一个 ACK 到达才出现在内核中（LISTEN → SYN_RECV → ESTABLISHED 一次完成）：在此之前 Linux 只保留一个轻量的请求套接字（request sock）。"
        }
        DemoText::NoteAccept => {
            "三次握手在调用 accept() 之前就已在内核中完成：accept() 只是取出内核已经建立好的连接。"
        }
        DemoText::NoteRecvEof => {
            "recv() 返回 0 字节：对端的 FIN 已到达。0 表示数据流结束，而不是“暂时没有数据”。"
        }
        DemoText::NoteRefused => {
            "该端口没有进程监听：内核用 RST 回应 SYN，connect() 抛出 ConnectionRefusedError。"
        }
        DemoText::NoteAddrInUse => {
            "bind() 失败：旧连接的服务器端仍以 TIME_WAIT 占用这个地址（Linux 上最长 60 秒）。TIME_WAIT 保留这对地址，让旧连接中迟到的重复报文段自然消失，并在对端重传 FIN 时能再次发送最后的 ACK。"
        }
        DemoText::NoteReuseAddr => {
            "SO_REUSEADDR 让监听套接字在其端口上仍有 TIME_WAIT 连接时也能 bind()（在 Linux 上旧套接字也必须设置过它）。对服务器来说它是安全的：TIME_WAIT 仍然保护旧的地址对，新的监听套接字只接受新连接。用 SO_LINGER 0（以 RST 代替 FIN 交换）消灭 TIME_WAIT 会失去这种保护并丢弃未发送的数据；net.ipv4.tcp_tw_reuse 只影响主动 connect()。"
        }
        DemoText::NoteQueued => {
            "服务器还没有为它调用 accept()，connect() 却已返回：内核完成了三次握手，把连接放进了监听套接字的 accept 队列。"
        }
        DemoText::NoteUnread => {
            "内核已对这些字节回复 ACK，并把它们放在连接的接收队列中（ss 中的 Recv-Q）：还没有程序 recv() 它们，服务器仍在忙于第一个客户端。"
        }
        DemoText::NoteUdpSocket => {
            "SOCK_DGRAM：UDP 套接字。没有 listen()、没有 accept()、没有连接：每个数据报都是独立的。"
        }
        DemoText::NoteUdpSendTo => {
            "sendto() 立即把数据发了出去：之前没有握手（TCP 的 connect() 会先发送 SYN、SYN-ACK、ACK），之后也没有人回复 ACK。"
        }
        DemoText::NoteUdpRecvFrom => {
            "recvfrom() 返回一个完整的数据报以及发送者地址。接收方不回送任何东西：UDP 没有确认。"
        }
        DemoText::NoteUdpClose => {
            "close() 什么也没发送：没有 FIN，没有挥手（TCP 的 close() 会开始四次挥手）。端口只是重新空闲。"
        }
        DemoText::NoteUdpConnect => {
            "UDP 套接字上的 connect() 什么也没发送：它只为 send()/recv() 固定对端地址（TCP 的 connect() 会发送 SYN）。"
        }
        DemoText::NoteUdpUnreachable => {
            "该端口已无人监听：内核用 ICMP 端口不可达回应这个数据报（对 TCP 的 SYN，它回应 RST）。"
        }
        DemoText::NoteUdpRefused => {
            "已连接的 UDP 套接字收到了这个 ICMP 错误，并在下一次调用时报告：ConnectionRefusedError，与 TCP 被拒绝的 connect() 相同。"
        }
        DemoText::UdpTitle => "数据报（UDP：没有状态）",
        DemoText::UdpNothingYet => {
            "还没有数据报：socket() 和 bind() 不发送任何东西。第一个数据报随 sendto() 发出。"
        }
        DemoText::UdpContrast => {
            "没有握手（数据随第一次 sendto() 发出）；没有 ACK（没有任何东西确认送达）；没有挥手（close() 不发送 FIN）；端口关闭时回应 ICMP 端口不可达，而不是 RST；完全没有连接状态，所以内核的状态跟踪点保持沉默。"
        }
        DemoText::UdpContrastTitle => "UDP 与 TCP 对比 · 内核",
        DemoText::UdpKernel => "跟踪点 sock:inet_sock_set_state 在此端口记录的状态变化：",
        DemoText::AllDone => "所有调用已完成。按 m 选择场景（或重新运行本场景）。",
        DemoText::PressNext => "按 → 或空格执行下一个调用：",
        DemoText::WalkedBack => {
            "正在回看：→ 显示下一个已捕获的报文段，End 回到最新；之后才执行下一个调用。"
        }
        DemoText::Running => "执行中…",
        DemoText::CallFailed => "失败",
        DemoText::ScenarioTitle => "场景",
        DemoText::ScenarioHint => "↑↓ 选择 · Enter 开始（结束当前场景）· Esc 返回",
        DemoText::Offline => "无法进行实时抓包：",
        DemoText::OfflineWalk => "改为显示本场景内置的抓包文件：按 → 逐个查看报文段。",
        DemoText::Footer => {
            "→/空格 下一个调用  ← 上一步  m 场景  c 连接  d 详情  s 状态图  t 主题  ? 帮助  q 退出"
        }
        DemoText::FooterShort => "→ 下一个调用 ← 上一步 e 解释 m 场景 d 详情 ? 帮助 q 退出",
        DemoText::HelpScenarios => "选择场景（实时演示随之重新开始）",
        DemoText::Starting => "正在启动…",
    }
}

/// 一行场景说明。
pub fn scenario(s: Scenario) -> &'static str {
    match s {
        Scenario::Normal => "normal：握手、一次回显，客户端先关闭",
        Scenario::ServerFirst => "server-first：一次回显，服务器先关闭",
        Scenario::HalfClose => "half-close：客户端关闭写方向，服务器仍继续发送",
        Scenario::Abort => "abort：SO_LINGER 设为 0 后 close()：发送 RST 而不是 FIN",
        Scenario::Refused => "refused：connect() 到无人监听的端口",
        Scenario::Backlog => "backlog：服务器 accept() 之前三个客户端已连接",
        Scenario::ReuseAddr => "reuseaddr：重启服务器：TIME_WAIT 导致 Errno 98，再用 SO_REUSEADDR",
        Scenario::Udp => "udp：用 UDP 做同样的回显：没有握手、没有挥手、没有状态",
        Scenario::SecondClient => "second-client：第二个客户端在 accept 队列中等待",
        Scenario::Chat => "chat：双方各发送多条消息，然后客户端关闭",
    }
}

/// TIME_WAIT 倒计时。
pub fn time_wait(side: Side, left: u64) -> String {
    let who = match side {
        Side::Client => "客户端",
        Side::Server => "服务器",
    };
    if left == 0 {
        format!("{who}的 TIME_WAIT 已结束（2·MSL = 60 秒已过）：套接字已释放。")
    } else {
        format!(
            "TIME_WAIT：{who}在 Linux 上要等待 2·MSL = 60 秒，地址对才能再次使用：还剩 {left} 秒。"
        )
    }
}
