//! `synack watch --save FILE`: the frames as a pcap and beside it the
//! kernel's view in the format of `captures/` (`STEM.kernel.tsv`,
//! `STEM.timewait.txt`), all or nothing, through [`crate::save`] (targets
//! checked before the watch starts, written as the user).

use std::fmt::Write as _;
use std::net::SocketAddr;

use crate::demo::SavePlan;
use crate::live::kernel::KernelTransition;
use crate::live::pcap_out::write_pcap;
use crate::live::sniffer::OwnedFrame;
use crate::save::{SaveError, SaveSet};
use crate::state::TcpState;

/// Writes the pcap, then (when there was a kernel trace) the kernel's
/// transitions and the TIME_WAIT sockets.
pub fn save(
    plan: &SavePlan,
    frames: &[OwnedFrame],
    kernel: &[KernelTransition],
    timewait: &[(SocketAddr, SocketAddr)],
) -> Result<(), SaveError> {
    let mut set = SaveSet::new();
    set.stage(&plan.pcap, |w| write_pcap(w, frames))?;
    if !kernel.is_empty() {
        let mut tw = String::from("# TIME_WAIT sockets (/proc/net/tcp[6]) seen during the watch\n");
        for (l, r) in timewait {
            let _ = writeln!(tw, "0      0      {l} {r}");
        }
        set.stage(&plan.kernel, |w| w.write_all(kernel_tsv(kernel).as_bytes()))?;
        set.stage(&plan.timewait, |w| w.write_all(tw.as_bytes()))?;
    }
    set.commit()
}

/// The kernel's transitions as `captures/*.kernel.tsv`. A socket is the
/// server's when the kernel shows it coming out of LISTEN (a passive
/// open), the client's otherwise.
pub fn kernel_tsv(kernel: &[KernelTransition]) -> String {
    let passive: Vec<(SocketAddr, SocketAddr)> = kernel
        .iter()
        .filter(|k| k.from == TcpState::Listen && k.remote.port() != 0)
        .map(|k| (k.local, k.remote))
        .collect();
    let mut tsv = String::from("time_s\tside\tlocal\tremote\toldstate\tnewstate\tkind\n");
    for k in kernel {
        let listener = k.remote.port() == 0;
        let kind = if listener { "listener" } else { "conn" };
        let side = if listener || passive.contains(&(k.local, k.remote)) {
            "server"
        } else {
            "client"
        };
        let _ = writeln!(
            tsv,
            "{:.6}\t{side}\t{}\t{}\t{}\t{}\t{kind}",
            k.ts,
            k.local,
            k.remote,
            k.raw_from.trim_start_matches("TCP_"),
            k.raw_to.trim_start_matches("TCP_")
        );
    }
    tsv
}
