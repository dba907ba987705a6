//! The link-layer header type of a frame (`LINKTYPE_*` numbers, as pcap
//! and pcapng files and packet sockets give them) and its names. A leaf:
//! the capture reader, the decoder and the filter compiler all name link
//! types by it, and it imports none of them.

use std::fmt;

/// Link-layer header type of a frame (LINKTYPE_* numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// LINKTYPE_ETHERNET (1).
    Ethernet,
    /// LINKTYPE_LINUX_SLL (113).
    LinuxSll,
    /// LINKTYPE_LINUX_SLL2 (276).
    LinuxSll2,
    /// LINKTYPE_RAW (101) / DLT_RAW (12, 14).
    Raw,
    /// LINKTYPE_IPV4 (228).
    Ipv4,
    /// LINKTYPE_IPV6 (229).
    Ipv6,
    /// LINKTYPE_NULL (0): BSD loopback, host-order family.
    Null,
    /// LINKTYPE_LOOP (108): OpenBSD loopback, network-order family.
    Loop,
    /// LINKTYPE_PPP (9): PPP, with or without HDLC-like framing.
    Ppp,
    /// LINKTYPE_PPP_HDLC (50): PPP (or Cisco PPP) in HDLC framing.
    PppHdlc,
    /// LINKTYPE_PPP_ETHER (51): PPPoE session header, then PPP.
    PppEther,
    /// LINKTYPE_C_HDLC (104): Cisco HDLC.
    CiscoHdlc,
    /// LINKTYPE_IEEE802_11 (105): 802.11 frames without radio header.
    Ieee80211,
    /// LINKTYPE_IEEE802_11_RADIOTAP (127): radiotap header, then 802.11.
    Radiotap,
    /// LINKTYPE_ARCNET_LINUX (129): ARCNET with Linux's header.
    ArcnetLinux,
    /// LINKTYPE_JUNIPER_ETHER (178): Juniper's header, then Ethernet.
    JuniperEther,
    /// LINKTYPE_PPI (192): Per-Packet Information header, then its link type.
    Ppi,
    /// LINKTYPE_PPP_WITH_DIR (204): a direction byte, then PPP.
    PppWithDir,
    /// LINKTYPE_C_HDLC_WITH_DIR (205): a direction byte, then Cisco HDLC.
    CiscoHdlcWithDir,
    /// LINKTYPE_IPOIB (242): IP over InfiniBand (RFC 4391).
    Ipoib,
    /// Anything else, by number.
    Other(u32),
}

impl LinkType {
    /// Maps a LINKTYPE_ number (as stored in pcap and pcapng headers) to a
    /// link type. The DLT_RAW values some systems write (12, 14) map to
    /// [`LinkType::Raw`].
    pub fn from_linktype(number: u32) -> Self {
        match number {
            0 => Self::Null,
            1 => Self::Ethernet,
            9 => Self::Ppp,
            12 | 14 | 101 => Self::Raw,
            50 => Self::PppHdlc,
            51 => Self::PppEther,
            104 => Self::CiscoHdlc,
            105 => Self::Ieee80211,
            108 => Self::Loop,
            127 => Self::Radiotap,
            129 => Self::ArcnetLinux,
            178 => Self::JuniperEther,
            192 => Self::Ppi,
            204 => Self::PppWithDir,
            205 => Self::CiscoHdlcWithDir,
            242 => Self::Ipoib,
            113 => Self::LinuxSll,
            228 => Self::Ipv4,
            229 => Self::Ipv6,
            276 => Self::LinuxSll2,
            n => Self::Other(n),
        }
    }

    /// The canonical LINKTYPE_ number (101 for [`LinkType::Raw`]).
    pub fn number(self) -> u32 {
        match self {
            Self::Null => 0,
            Self::Ethernet => 1,
            Self::Ppp => 9,
            Self::PppHdlc => 50,
            Self::PppEther => 51,
            Self::Raw => 101,
            Self::CiscoHdlc => 104,
            Self::Ieee80211 => 105,
            Self::Loop => 108,
            Self::Radiotap => 127,
            Self::ArcnetLinux => 129,
            Self::JuniperEther => 178,
            Self::Ppi => 192,
            Self::PppWithDir => 204,
            Self::CiscoHdlcWithDir => 205,
            Self::Ipoib => 242,
            Self::LinuxSll => 113,
            Self::Ipv4 => 228,
            Self::Ipv6 => 229,
            Self::LinuxSll2 => 276,
            Self::Other(n) => n,
        }
    }

    /// True when the decoder understands this link type.
    pub fn is_supported(self) -> bool {
        !matches!(self, Self::Other(_))
    }
}

impl fmt::Display for LinkType {
    /// `1 (LINKTYPE_ETHERNET)`, or just the number when it has no known name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.number();
        match linktype_name(n) {
            Some(name) => write!(f, "{n} ({name})"),
            None => write!(f, "{n}"),
        }
    }
}

/// The LINKTYPE_ name of a link-layer type number, for the common ones and
/// anything pcap-file knows.
pub fn linktype_name(number: u32) -> Option<&'static str> {
    Some(match number {
        0 => "LINKTYPE_NULL",
        1 => "LINKTYPE_ETHERNET",
        6 => "LINKTYPE_IEEE802_5",
        8 => "LINKTYPE_SLIP",
        9 => "LINKTYPE_PPP",
        10 => "LINKTYPE_FDDI",
        12 | 14 => "DLT_RAW",
        50 => "LINKTYPE_PPP_HDLC",
        51 => "LINKTYPE_PPP_ETHER",
        101 => "LINKTYPE_RAW",
        104 => "LINKTYPE_C_HDLC",
        105 => "LINKTYPE_IEEE802_11",
        107 => "LINKTYPE_FRELAY",
        108 => "LINKTYPE_LOOP",
        113 => "LINKTYPE_LINUX_SLL",
        119 => "LINKTYPE_IEEE802_11_PRISM",
        127 => "LINKTYPE_IEEE802_11_RADIOTAP",
        129 => "LINKTYPE_ARCNET_LINUX",
        143 => "LINKTYPE_DOCSIS",
        147 => "LINKTYPE_USER0",
        148 => "LINKTYPE_USER1",
        149 => "LINKTYPE_USER2",
        150 => "LINKTYPE_USER3",
        163 => "LINKTYPE_IEEE802_11_AVS",
        178 => "LINKTYPE_JUNIPER_ETHER",
        187 => "LINKTYPE_BLUETOOTH_HCI_H4",
        189 => "LINKTYPE_USB_LINUX",
        192 => "LINKTYPE_PPI",
        195 => "LINKTYPE_IEEE802_15_4_WITHFCS",
        201 => "LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR",
        204 => "LINKTYPE_PPP_WITH_DIR",
        205 => "LINKTYPE_C_HDLC_WITH_DIR",
        220 => "LINKTYPE_USB_LINUX_MMAPPED",
        227 => "LINKTYPE_CAN_SOCKETCAN",
        228 => "LINKTYPE_IPV4",
        229 => "LINKTYPE_IPV6",
        239 => "LINKTYPE_NFLOG",
        242 => "LINKTYPE_IPOIB",
        249 => "LINKTYPE_USBPCAP",
        253 => "LINKTYPE_NETLINK",
        274 => "LINKTYPE_NORDIC_BLE",
        276 => "LINKTYPE_LINUX_SLL2",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_link_types() {
        assert_eq!(linktype_name(147), Some("LINKTYPE_USER0"));
        assert_eq!(linktype_name(60000), None);
    }
}
