//! A classic BPF socket filter for a [`Filter`], attached with
//! `SO_ATTACH_FILTER` (by [`super::privileged::prepare_packet_socket`]) so the kernel drops unwatched traffic before it is
//! queued to the packet socket (it then takes no buffer space and no
//! `recvfrom`). The program accepts what `tcpdump -dd "tcp and (port P or
//! …) and (host H or …)"` accepts on an Ethernet link: TCP over IPv4 (first
//! fragments only) or over IPv6 without extension headers. Frames it
//! rejects that the user-space [`Filter::matches`] would keep (IPv6 with
//! extension headers) are rare; the user-space filter still runs after it.

use std::net::IpAddr;

use super::frame_filter::Filter;

/// Bytes of each accepted frame the kernel keeps (as tcpdump's snap length).
const SNAP: u32 = 262_144;

// Opcodes (linux/filter.h, BPF_CLASS | BPF_SIZE | BPF_MODE ...).
const LD_H_ABS: u16 = 0x28;
const LD_B_ABS: u16 = 0x30;
const LD_W_ABS: u16 = 0x20;
const LD_H_IND: u16 = 0x48;
const LDX_B_MSH: u16 = 0xb1;
const JEQ_K: u16 = 0x15;
const JSET_K: u16 = 0x45;
const JA: u16 = 0x05;
const RET_K: u16 = 0x06;

/// Where a jump goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum To {
    /// The next instruction.
    Next,
    /// Instruction at this label.
    Label(usize),
}

/// An instruction with symbolic jump targets.
#[derive(Clone, Copy, Debug)]
struct Insn {
    code: u16,
    jt: To,
    jf: To,
    k: u32,
}

/// Builds a program with labels resolved at the end.
#[derive(Default)]
struct Builder {
    insns: Vec<Insn>,
    labels: Vec<Option<usize>>,
}

impl Builder {
    fn label(&mut self) -> usize {
        self.labels.push(None);
        self.labels.len() - 1
    }
    fn here(&mut self, label: usize) {
        self.labels[label] = Some(self.insns.len());
    }
    fn op(&mut self, code: u16, k: u32) {
        self.insns.push(Insn {
            code,
            jt: To::Next,
            jf: To::Next,
            k,
        });
    }
    fn jump(&mut self, code: u16, k: u32, jt: To, jf: To) {
        self.insns.push(Insn { code, jt, jf, k });
    }
    fn goto(&mut self, label: usize) {
        self.jump(JA, 0, To::Label(label), To::Next);
    }
    /// Resolves labels; `None` when a conditional jump is too far (> 255).
    fn finish(self) -> Option<Vec<libc::sock_filter>> {
        let mut out = Vec::with_capacity(self.insns.len());
        for (i, ins) in self.insns.iter().enumerate() {
            let off = |to: To| -> Option<usize> {
                match to {
                    To::Next => Some(0),
                    To::Label(l) => self.labels[l]?.checked_sub(i + 1),
                }
            };
            let (jt, jf) = (off(ins.jt)?, off(ins.jf)?);
            let f = if ins.code == JA {
                libc::sock_filter {
                    code: JA,
                    jt: 0,
                    jf: 0,
                    k: u32::try_from(jt).ok()?,
                }
            } else {
                libc::sock_filter {
                    code: ins.code,
                    jt: u8::try_from(jt).ok()?,
                    jf: u8::try_from(jf).ok()?,
                    k: ins.k,
                }
            };
            out.push(f);
        }
        Some(out)
    }
}

/// Jumps to `hit` when the loaded value equals one of `values`, else falls
/// through to the next instruction after the list.
fn any_of(b: &mut Builder, load: (u16, u32), values: &[u32], hit: usize) {
    b.op(load.0, load.1);
    for &v in values {
        b.jump(JEQ_K, v, To::Label(hit), To::Next);
    }
}

/// One address family's checks after the ethertype: protocol, hosts, ports.
struct Family {
    /// Offset of the protocol / next-header byte.
    proto: u32,
    /// Offsets of the source and destination address.
    addrs: [u32; 2],
    /// Addresses to match, as 32-bit words (one for IPv4, four for IPv6).
    hosts: Vec<Vec<u32>>,
    /// Load of the source port, then the destination port (indirect for
    /// IPv4's variable header length).
    ports: [(u16, u32); 2],
}

fn family(b: &mut Builder, f: &Family, filter: &Filter, accept: usize, reject: usize) {
    b.op(LD_B_ABS, f.proto);
    b.jump(JEQ_K, 6, To::Next, To::Label(reject));
    if !filter.hosts.is_empty() {
        let matched = b.label();
        for &base in &f.addrs {
            for words in &f.hosts {
                // All words equal: fall through each; any mismatch skips on.
                let next = b.label();
                for (i, w) in words.iter().enumerate() {
                    b.op(LD_W_ABS, base + 4 * i as u32);
                    let last = i + 1 == words.len();
                    let jt = if last { To::Label(matched) } else { To::Next };
                    b.jump(JEQ_K, *w, jt, To::Label(next));
                }
                b.here(next);
            }
        }
        b.goto(reject);
        b.here(matched);
    }
    if filter.ports.is_empty() {
        b.goto(accept);
        return;
    }
    let ports: Vec<u32> = filter.ports.iter().map(|&p| u32::from(p)).collect();
    if f.ports[0].0 == LD_H_IND {
        b.op(LDX_B_MSH, 14);
    }
    any_of(b, f.ports[0], &ports, accept);
    any_of(b, f.ports[1], &ports, accept);
    b.goto(reject);
}

/// The program for `filter` on an Ethernet link; `None` when it would be
/// too long for classic BPF jumps (many ports/hosts) or the filter keeps
/// datagrams too: the user-space filter then does all the work.
pub fn program(filter: &Filter) -> Option<Vec<libc::sock_filter>> {
    if filter.ports.len() > 32 || filter.hosts.len() > 8 || filter.datagrams {
        return None;
    }
    let words = |ip: &IpAddr| -> Vec<u32> {
        match ip {
            IpAddr::V4(a) => vec![u32::from(*a)],
            IpAddr::V6(a) => a
                .octets()
                .chunks(4)
                .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        }
    };
    let v4 = Family {
        proto: 23,
        addrs: [26, 30],
        hosts: filter
            .hosts
            .iter()
            .filter(|h| h.is_ipv4())
            .map(words)
            .collect(),
        ports: [(LD_H_IND, 14), (LD_H_IND, 16)],
    };
    let v6 = Family {
        proto: 20,
        addrs: [22, 38],
        hosts: filter
            .hosts
            .iter()
            .filter(|h| h.is_ipv6())
            .map(words)
            .collect(),
        ports: [(LD_H_ABS, 54), (LD_H_ABS, 56)],
    };
    let mut b = Builder::default();
    let (accept, reject, ipv6) = (b.label(), b.label(), b.label());
    b.op(LD_H_ABS, 12);
    b.jump(JEQ_K, 0x86dd, To::Label(ipv6), To::Next);
    b.jump(JEQ_K, 0x0800, To::Next, To::Label(reject));
    // IPv4: TCP, not a later fragment.
    b.op(LD_H_ABS, 20);
    b.jump(JSET_K, 0x1fff, To::Label(reject), To::Next);
    family(&mut b, &v4, filter, accept, reject);
    b.here(ipv6);
    family(&mut b, &v6, filter, accept, reject);
    b.here(accept);
    b.op(RET_K, SNAP);
    b.here(reject);
    b.op(RET_K, 0);
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny interpreter of the instructions this module emits, to check
    /// the program against [`Filter::matches`] on real frame layouts.
    fn run(prog: &[libc::sock_filter], pkt: &[u8]) -> u32 {
        let (mut a, mut x, mut pc) = (0u32, 0u32, 0usize);
        let ld = |off: usize, n: usize| -> Option<u32> {
            let b = pkt.get(off..off + n)?;
            Some(b.iter().fold(0u32, |acc, &v| (acc << 8) | u32::from(v)))
        };
        loop {
            let i = prog[pc];
            pc += 1;
            let k = i.k as usize;
            // An out-of-bounds load ends the program with 0, as in the kernel.
            let loaded = match i.code {
                LD_H_ABS => ld(k, 2),
                LD_B_ABS => ld(k, 1),
                LD_W_ABS => ld(k, 4),
                LD_H_IND => ld(x as usize + k, 2),
                LDX_B_MSH => ld(k, 1),
                _ => Some(a),
            };
            let Some(v) = loaded else { return 0 };
            match i.code {
                LD_H_ABS | LD_B_ABS | LD_W_ABS | LD_H_IND => a = v,
                LDX_B_MSH => x = (v & 0xf) * 4,
                JEQ_K => pc += usize::from(if a == i.k { i.jt } else { i.jf }),
                JSET_K => pc += usize::from(if a & i.k != 0 { i.jt } else { i.jf }),
                JA => pc += k,
                RET_K => return i.k,
                c => panic!("unexpected opcode {c:#x}"),
            }
        }
    }

    fn v4(src: [u8; 4], dst: [u8; 4], proto: u8, sp: u16, dp: u16) -> Vec<u8> {
        let mut f = vec![0u8; 14 + 24 + 20];
        f[12..14].copy_from_slice(&0x0800u16.to_be_bytes());
        f[14] = 0x46; // IHL 6: an options word, so ports are at x + 14
        f[14 + 9] = proto;
        f[26..30].copy_from_slice(&src);
        f[30..34].copy_from_slice(&dst);
        f[38..40].copy_from_slice(&sp.to_be_bytes());
        f[40..42].copy_from_slice(&dp.to_be_bytes());
        f
    }

    fn v6(src: IpAddr, dst: IpAddr, sp: u16, dp: u16) -> Vec<u8> {
        let (IpAddr::V6(s), IpAddr::V6(d)) = (src, dst) else {
            unreachable!()
        };
        let mut f = vec![0u8; 14 + 40 + 20];
        f[12..14].copy_from_slice(&0x86ddu16.to_be_bytes());
        f[14] = 0x60;
        f[20] = 6;
        f[22..38].copy_from_slice(&s.octets());
        f[38..54].copy_from_slice(&d.octets());
        f[54..56].copy_from_slice(&sp.to_be_bytes());
        f[56..58].copy_from_slice(&dp.to_be_bytes());
        f
    }

    #[test]
    fn program_agrees_with_the_user_space_filter() {
        let h4: IpAddr = "10.0.0.1".parse().unwrap();
        let h6: IpAddr = "fd00::1".parse().unwrap();
        let o6: IpAddr = "fd00::2".parse().unwrap();
        let filters = [
            Filter::default(),
            Filter::ports(vec![8090]),
            Filter::ports(vec![8090, 9000]),
            Filter {
                hosts: vec![h4],
                ..Filter::default()
            },
            Filter {
                ports: vec![8090],
                hosts: vec![h4, h6],
                ..Filter::default()
            },
        ];
        let frames = [
            v4([10, 0, 0, 1], [10, 0, 0, 2], 6, 40000, 8090),
            v4([10, 0, 0, 2], [10, 0, 0, 1], 6, 8090, 40000),
            v4([10, 0, 0, 3], [10, 0, 0, 2], 6, 40000, 8090),
            v4([10, 0, 0, 1], [10, 0, 0, 2], 6, 40000, 9000),
            v4([10, 0, 0, 1], [10, 0, 0, 2], 6, 40000, 22),
            v4([10, 0, 0, 1], [10, 0, 0, 2], 17, 40000, 8090),
            v6(h6, o6, 40000, 8090),
            v6(o6, h6, 8090, 40000),
            v6(o6, o6, 8090, 40000),
            v6(h6, o6, 1, 2),
        ];
        for filter in &filters {
            let prog = program(filter).expect("short enough");
            for (i, f) in frames.iter().enumerate() {
                let kernel = run(&prog, f) > 0;
                assert_eq!(kernel, filter.matches(f), "filter {filter}, frame {i}");
            }
        }
        // A later IPv4 fragment never matches.
        let mut frag = frames[0].clone();
        frag[20] = 0x00;
        frag[21] = 0x10;
        assert_eq!(run(&program(&filters[1]).unwrap(), &frag), 0);
    }

    #[test]
    fn too_many_ports_leave_it_to_user_space() {
        let f = Filter::ports((1..100).collect());
        assert!(program(&f).is_none());
    }
}
