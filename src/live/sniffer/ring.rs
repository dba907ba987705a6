//! A `TPACKET_V3` receive ring (PACKET_MMAP) on a packet socket.
//!
//! The kernel writes frames into blocks of memory shared with us; a block is
//! handed over (`TP_STATUS_USER`) when full or after `RETIRE_MS`, and handed
//! back (`TP_STATUS_KERNEL`) once read. Unlike the socket receive buffer,
//! the ring's size is not capped by `net.core.rmem_max`, so a capture
//! without `CAP_NET_ADMIN` can still absorb a loopback burst (this is what
//! `tcpdump -B` uses). All of the module's `unsafe` is here.

use std::io;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Size of one block: holds many 64 KiB loopback frames.
const BLOCK_SIZE: usize = 4 << 20;
/// Block counts tried in turn (256 MiB, like `tcpdump -B 262144`, then 64 MiB).
const BLOCK_COUNTS: [usize; 2] = [64, 16];
/// Nominal frame size (V3 packs frames of any size; the kernel checks it
/// divides the block size).
const FRAME_SIZE: usize = 2048;
/// A block partly filled is handed over after this many milliseconds.
const RETIRE_MS: u32 = 20;
/// `enum tpacket_versions` values for `PACKET_VERSION`.
const TPACKET_V1: libc::c_int = 0;
const TPACKET_V3: libc::c_int = 2;
/// Offset of `tpacket_block_desc.hdr.bh1` in a block.
const BH1: usize = 8;

/// A mapped `TPACKET_V3` RX ring; unmapped on drop.
pub(crate) struct Ring {
    fd: libc::c_int,
    base: *mut u8,
    blocks: usize,
    next: usize,
}

// SAFETY: the mapping is owned by this value alone (no aliasing `Ring`), and
// the kernel side is synchronised through `block_status` with
// acquire/release accesses; moving it to the capture thread is sound.
unsafe impl Send for Ring {}

fn setsockopt<T>(fd: libc::c_int, name: libc::c_int, value: &T) -> io::Result<()> {
    // SAFETY: the pointer and length describe a live `T` borrowed for the
    // call; the kernel only reads it.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_PACKET,
            name,
            (value as *const T).cast(),
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn request(blocks: usize) -> libc::tpacket_req3 {
    libc::tpacket_req3 {
        tp_block_size: BLOCK_SIZE as libc::c_uint,
        tp_block_nr: blocks as libc::c_uint,
        tp_frame_size: FRAME_SIZE as libc::c_uint,
        tp_frame_nr: (BLOCK_SIZE / FRAME_SIZE * blocks) as libc::c_uint,
        tp_retire_blk_tov: RETIRE_MS,
        tp_sizeof_priv: 0,
        tp_feature_req_word: 0,
    }
}

impl Ring {
    /// Sets up the ring on `fd` (an AF_PACKET socket, best before it is
    /// bound). On error the socket is left without a ring, so plain reads
    /// still work on it.
    pub(crate) fn new(fd: libc::c_int) -> io::Result<Ring> {
        setsockopt(fd, libc::PACKET_VERSION, &(TPACKET_V3))?;
        let mut last = io::Error::other("no ring size tried");
        for blocks in BLOCK_COUNTS {
            if let Err(e) = setsockopt(fd, libc::PACKET_RX_RING, &request(blocks)) {
                last = e;
                continue;
            }
            let len = BLOCK_SIZE * blocks;
            // SAFETY: a fresh shared read/write mapping of the ring the
            // kernel just allocated for `fd`, `len` bytes as requested; no
            // existing memory is touched.
            let base = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED,
                    fd,
                    0,
                )
            };
            if base == libc::MAP_FAILED {
                last = io::Error::last_os_error();
                // Free the kernel ring again: with a ring and no mapping the
                // socket would deliver nothing.
                let _ = setsockopt(fd, libc::PACKET_RX_RING, &request(0));
                continue;
            }
            return Ok(Ring {
                fd,
                base: base.cast(),
                blocks,
                next: 0,
            });
        }
        let _ = setsockopt(fd, libc::PACKET_VERSION, &(TPACKET_V1));
        Err(last)
    }

    /// Size of the ring in bytes.
    pub(crate) fn bytes(&self) -> usize {
        BLOCK_SIZE * self.blocks
    }

    fn status(&self, block: usize) -> &AtomicU32 {
        // SAFETY: `block < self.blocks`, so the offset stays inside the
        // mapping; `block_status` is a 4-aligned u32 at the start of
        // `bh1` (blocks are page-aligned), shared with the kernel, hence
        // accessed only atomically.
        unsafe { &*(self.base.add(block * BLOCK_SIZE + BH1).cast::<AtomicU32>()) }
    }

    /// Waits up to `timeout` for a block to be handed over; `Ok(false)` on
    /// timeout.
    pub(crate) fn wait(&self, timeout: Duration) -> io::Result<bool> {
        if self.status(self.next).load(Ordering::Acquire) & libc::TP_STATUS_USER != 0 {
            return Ok(true);
        }
        let mut pfd = libc::pollfd {
            fd: self.fd,
            events: libc::POLLIN | libc::POLLERR,
            revents: 0,
        };
        let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: one live pollfd on our stack, count 1.
        let rc = unsafe { libc::poll(&mut pfd, 1, ms) };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(self.status(self.next).load(Ordering::Acquire) & libc::TP_STATUS_USER != 0)
    }

    /// If the next block is ours, calls `each(kernel timestamp, frame)` for
    /// each of its frames, hands the block back and returns the number of
    /// frames; `None` if the kernel still holds it.
    pub(crate) fn take_block(&mut self, mut each: impl FnMut(Duration, &[u8])) -> Option<usize> {
        let status = self.status(self.next);
        if status.load(Ordering::Acquire) & libc::TP_STATUS_USER == 0 {
            return None;
        }
        // SAFETY: the block is ours until we store TP_STATUS_KERNEL (the
        // acquire load above orders our reads after the kernel's writes).
        // Every offset read from the kernel is checked against the block
        // before use, so no read leaves the block.
        let block = unsafe {
            std::slice::from_raw_parts(self.base.add(self.next * BLOCK_SIZE), BLOCK_SIZE)
        };
        let u32_at = |off: usize| -> Option<u32> {
            Some(u32::from_ne_bytes(
                block.get(off..off + 4)?.try_into().ok()?,
            ))
        };
        let count = u32_at(BH1 + 4).unwrap_or(0) as usize;
        let mut off = u32_at(BH1 + 8).unwrap_or(0) as usize;
        let mut seen = 0;
        for _ in 0..count {
            // tpacket3_hdr: next_offset, sec, nsec, snaplen, len, status, mac (u16).
            let (Some(next), Some(sec), Some(nsec), Some(snap)) = (
                u32_at(off),
                u32_at(off + 4),
                u32_at(off + 8),
                u32_at(off + 12),
            ) else {
                break;
            };
            let Some(mac) = block
                .get(off + 24..off + 26)
                .map(|b| usize::from(u16::from_ne_bytes([b[0], b[1]])))
            else {
                break;
            };
            let start = off + mac;
            let Some(data) = block.get(start..start + snap as usize) else {
                break;
            };
            each(Duration::new(u64::from(sec), nsec.min(999_999_999)), data);
            seen += 1;
            if next == 0 {
                break;
            }
            off += next as usize;
        }
        status.store(libc::TP_STATUS_KERNEL, Ordering::Release);
        self.next = (self.next + 1) % self.blocks;
        Some(seen)
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: `base`/`bytes()` are exactly the mapping made in `new`,
        // unmapped once; no slice into it outlives `take_block`.
        unsafe {
            libc::munmap(self.base.cast(), self.bytes());
        }
    }
}
