//! Captures of every scenario, written by `synack demo --scenario X --save
//! captures/demo-X.pcap` and built into the binary, so a user without
//! CAP_NET_RAW still gets a full walk.

use crate::live::exchange::Scenario;

/// The bundled capture of a scenario: `(file name, bytes)`.
pub fn bundled_capture(s: Scenario) -> Option<(&'static str, &'static [u8])> {
    macro_rules! cap {
        ($name:literal) => {
            (
                concat!("captures/", $name),
                include_bytes!(concat!("../../captures/", $name)).as_slice(),
            )
        };
    }
    Some(match s {
        Scenario::Normal => cap!("demo-normal.pcap"),
        Scenario::ServerFirst => cap!("demo-server-first.pcap"),
        Scenario::HalfClose => cap!("demo-half-close.pcap"),
        Scenario::Abort => cap!("demo-abort.pcap"),
        Scenario::Refused => cap!("demo-refused.pcap"),
        Scenario::Backlog => cap!("demo-backlog.pcap"),
        Scenario::Chat => cap!("demo-chat.pcap"),
        Scenario::ReuseAddr => cap!("demo-reuseaddr.pcap"),
        Scenario::SecondClient => cap!("demo-second-client.pcap"),
        Scenario::Udp => cap!("demo-udp.pcap"),
    })
}
