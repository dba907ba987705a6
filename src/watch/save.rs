//! `synack watch --save FILE`: the frames as a pcap and beside it the
//! kernel's view in the format of `captures/` (`STEM.kernel.tsv`,
//! `STEM.timewait.txt`), all or nothing, through [`crate::save`] (targets
//! checked before the watch starts, written as the user).

use std::net::SocketAddr;

use crate::demo::SavePlan;
use crate::live::kernel::{KernelTransition, kernel_tsv, timewait_txt};
use crate::live::pcap_out::write_pcap;
use crate::live::sniffer::OwnedFrame;
use crate::save::{SaveError, SaveSet};

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
        let tw = timewait_txt(
            "TIME_WAIT sockets (/proc/net/tcp[6]) seen during the watch",
            timewait,
        );
        set.stage(&plan.kernel, |w| w.write_all(kernel_tsv(kernel).as_bytes()))?;
        set.stage(&plan.timewait, |w| w.write_all(tw.as_bytes()))?;
    }
    set.commit()
}
