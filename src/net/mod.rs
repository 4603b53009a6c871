//! Link, IP and TCP: turns a frame's bytes into a TCP [`Segment`] (a view into the frame, no
//! copy). Link layers: Ethernet (with 802.1Q/802.1ad VLAN tags, QinQ), Linux cooked SLL and SLL2
//! (what `tcpdump -i any` writes; etherparse has no SLL2), raw IPv4/IPv6, BSD NULL/LOOP (either
//! byte order). IP and TCP through etherparse (IPv6 extension headers included). Must not know TLS
//! or guess a link type: the capture says which it is.

use crate::capture::LinkType;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    #[error("frame too short for its {0} header")]
    Short(&'static str),
    #[error("unsupported link type {0}")]
    UnsupportedLink(u32),
    #[error("not IP (ethertype 0x{0:04x})")]
    NotIp(u16),
    #[error("malformed IP/TCP headers")]
    Malformed,
    #[error("not TCP")]
    NotTcp,
    #[error("IP fragment (not reassembled)")]
    Fragment,
}

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const ACK: u8 = 0x10;

/// One TCP segment: addresses, sequence numbers, flags and the payload bytes inside the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    pub payload: &'a [u8],
}

impl Segment<'_> {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

const ETH_IPV4: u16 = 0x0800;
const ETH_IPV6: u16 = 0x86dd;
const ETH_VLAN: u16 = 0x8100;
const ETH_QINQ: u16 = 0x88a8;
const ETH_QINQ_OLD: u16 = 0x9100;

fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([*s.first()?, *s.get(1)?]))
}

/// Parses a frame of link type `lt` down to TCP.
pub fn parse(lt: LinkType, data: &[u8]) -> Result<Segment<'_>, NetError> {
    let ip = ip_payload(lt, data)?;
    parse_ip(ip)
}

/// Strips the link layer: returns the IP packet.
pub fn ip_payload(lt: LinkType, data: &[u8]) -> Result<&[u8], NetError> {
    match lt {
        LinkType::ETHERNET => {
            let mut et = be16(data, 12).ok_or(NetError::Short("Ethernet"))?;
            let mut off = 14usize;
            // Up to a few stacked tags (802.1Q, 802.1ad QinQ).
            let mut tags = 0;
            while matches!(et, ETH_VLAN | ETH_QINQ | ETH_QINQ_OLD) && tags < 4 {
                et = be16(data, off + 2).ok_or(NetError::Short("VLAN"))?;
                off += 4;
                tags += 1;
            }
            by_ethertype(et, data.get(off..).ok_or(NetError::Short("Ethernet"))?)
        }
        LinkType::LINUX_SLL => {
            // 16 bytes: packet type, ARPHRD, addr len, 8 addr bytes, protocol.
            let et = be16(data, 14).ok_or(NetError::Short("SLL"))?;
            by_ethertype(et, data.get(16..).ok_or(NetError::Short("SLL"))?)
        }
        LinkType::LINUX_SLL2 => {
            // 20 bytes: protocol (2), reserved (2), ifindex (4), ARPHRD (2), packet type (1),
            // addr len (1), addr (8).
            let et = be16(data, 0).ok_or(NetError::Short("SLL2"))?;
            by_ethertype(et, data.get(20..).ok_or(NetError::Short("SLL2"))?)
        }
        LinkType::RAW
        | LinkType::RAW_BSD12
        | LinkType::RAW_BSD14
        | LinkType::IPV4
        | LinkType::IPV6 => Ok(data),
        LinkType::NULL | LinkType::LOOP => {
            // 4-byte address family in the capturing host's byte order (NULL) or network
            // order (LOOP): accept either.
            let fam: [u8; 4] = data
                .get(..4)
                .and_then(|s| s.try_into().ok())
                .ok_or(NetError::Short("loopback"))?;
            let le = u32::from_le_bytes(fam);
            let be = u32::from_be_bytes(fam);
            let is_ip = |f: u32| matches!(f, 2 | 24 | 28 | 30);
            if is_ip(le) || is_ip(be) {
                data.get(4..).ok_or(NetError::Short("loopback"))
            } else {
                Err(NetError::NotIp(u16::try_from(le & 0xffff).unwrap_or(0)))
            }
        }
        other => Err(NetError::UnsupportedLink(other.0)),
    }
}

fn by_ethertype(et: u16, rest: &[u8]) -> Result<&[u8], NetError> {
    match et {
        ETH_IPV4 | ETH_IPV6 => Ok(rest),
        other => Err(NetError::NotIp(other)),
    }
}

/// IP-in-IP nesting followed at most (an IPv4-in-IPv4 or IPv6-in-IPv4 tunnel is one level).
pub const MAX_TUNNEL_DEPTH: usize = 4;

/// Like [`parse`] for a frame cut by the snap length: the IP and TCP headers must be whole, the
/// payload is what was captured of it (the rest is missing, and the stream shows a gap).
pub fn parse_cut(lt: LinkType, data: &[u8]) -> Result<Segment<'_>, NetError> {
    use etherparse::{LaxNetSlice, LaxSlicedPacket, TransportSlice};
    let ip = ip_payload(lt, data)?;
    let sliced = LaxSlicedPacket::from_ip(ip).map_err(|_| NetError::Malformed)?;
    let (src, dst) = match &sliced.net {
        Some(LaxNetSlice::Ipv4(v4)) => {
            if v4.payload().fragmented {
                return Err(NetError::Fragment);
            }
            (
                IpAddr::V4(v4.header().source_addr()),
                IpAddr::V4(v4.header().destination_addr()),
            )
        }
        Some(LaxNetSlice::Ipv6(v6)) => {
            if v6.payload().fragmented {
                return Err(NetError::Fragment);
            }
            (
                IpAddr::V6(v6.header().source_addr()),
                IpAddr::V6(v6.header().destination_addr()),
            )
        }
        _ => return Err(NetError::Malformed),
    };
    match sliced.transport {
        Some(TransportSlice::Tcp(t)) => Ok(Segment {
            src,
            dst,
            sport: t.source_port(),
            dport: t.destination_port(),
            seq: t.sequence_number(),
            ack: t.acknowledgment_number(),
            flags: (u8::from(t.fin()) * FIN)
                | (u8::from(t.syn()) * SYN)
                | (u8::from(t.rst()) * RST)
                | (u8::from(t.ack()) * ACK),
            payload: t.payload(),
        }),
        _ => Err(NetError::NotTcp),
    }
}

/// Parses an IPv4/IPv6 packet (extension headers included) down to TCP. A packet whose payload is
/// itself an IP packet — IPv4 in IP (protocol 4, RFC 2003: `ip tunnel … mode ipip`) or IPv6 in IP
/// (protocol 41, RFC 4213: `mode sit`, 6in4) — is unwrapped, up to [`MAX_TUNNEL_DEPTH`] levels:
/// the connection is the inner packet's (the tunnel endpoints' addresses are not kept).
pub fn parse_ip(ip: &[u8]) -> Result<Segment<'_>, NetError> {
    parse_ip_nested(ip, 0)
}

fn parse_ip_nested(ip: &[u8], depth: usize) -> Result<Segment<'_>, NetError> {
    use etherparse::{IpNumber, NetSlice, SlicedPacket, TransportSlice};
    let version = ip.first().map(|b| b >> 4).ok_or(NetError::Short("IP"))?;
    if version != 4 && version != 6 {
        return Err(NetError::Malformed);
    }
    // Trim Ethernet padding / trailing bytes beyond the IP total length is done by etherparse.
    let sliced = SlicedPacket::from_ip(ip).map_err(|_| NetError::Malformed)?;
    let (src, dst, fragmented) = match &sliced.net {
        Some(NetSlice::Ipv4(v4)) => (
            IpAddr::V4(v4.header().source_addr()),
            IpAddr::V4(v4.header().destination_addr()),
            v4.payload().fragmented,
        ),
        Some(NetSlice::Ipv6(v6)) => (
            IpAddr::V6(v6.header().source_addr()),
            IpAddr::V6(v6.header().destination_addr()),
            v6.payload().fragmented,
        ),
        _ => return Err(NetError::Malformed),
    };
    let inner = match &sliced.net {
        Some(NetSlice::Ipv4(v4)) => v4.payload(),
        Some(NetSlice::Ipv6(v6)) => v6.payload(),
        _ => return Err(NetError::Malformed),
    };
    if matches!(inner.ip_number, IpNumber::IPV4 | IpNumber::IPV6) {
        if fragmented {
            return Err(NetError::Fragment);
        }
        if depth >= MAX_TUNNEL_DEPTH {
            return Err(NetError::NotTcp);
        }
        return parse_ip_nested(inner.payload, depth + 1);
    }
    match sliced.transport {
        Some(TransportSlice::Tcp(t)) => {
            let mut flags = 0u8;
            if t.fin() {
                flags |= FIN;
            }
            if t.syn() {
                flags |= SYN;
            }
            if t.rst() {
                flags |= RST;
            }
            if t.ack() {
                flags |= ACK;
            }
            Ok(Segment {
                src,
                dst,
                sport: t.source_port(),
                dport: t.destination_port(),
                seq: t.sequence_number(),
                ack: t.acknowledgment_number(),
                flags,
                payload: t.payload(),
            })
        }
        _ if fragmented => Err(NetError::Fragment),
        _ => Err(NetError::NotTcp),
    }
}

#[cfg(test)]
mod tests;
