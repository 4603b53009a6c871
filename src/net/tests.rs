use super::*;
use crate::capture::LinkType;

/// An IPv4/TCP packet from 10.0.0.1:1234 to 10.0.0.2:443 with `payload` (checksums zero:
/// etherparse does not verify them, and neither do we — captures often have offloaded sums).
fn ipv4_tcp(payload: &[u8], flags: u8) -> Vec<u8> {
    let total = 20 + 20 + payload.len();
    let mut p = vec![
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        0,
        0x40,
        0,
        64,
        6,
        0,
        0,
        10,
        0,
        0,
        1,
        10,
        0,
        0,
        2,
    ];
    p.extend_from_slice(&[0x04, 0xd2, 0x01, 0xbb]);
    p.extend_from_slice(&1000u32.to_be_bytes());
    p.extend_from_slice(&2000u32.to_be_bytes());
    p.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    p.extend_from_slice(payload);
    p
}

fn eth(ethertype: u16, inner: &[u8]) -> Vec<u8> {
    let mut f = vec![0u8; 12];
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(inner);
    f
}

#[test]
fn ethernet_ipv4_tcp() {
    let f = eth(0x0800, &ipv4_tcp(b"hello", ACK));
    let s = parse(LinkType::ETHERNET, &f).unwrap();
    assert_eq!(s.src.to_string(), "10.0.0.1");
    assert_eq!(s.dst.to_string(), "10.0.0.2");
    assert_eq!((s.sport, s.dport, s.seq, s.ack), (1234, 443, 1000, 2000));
    assert_eq!(s.payload, b"hello");
    assert!(s.has(ACK) && !s.has(SYN));
}

#[test]
fn qinq_vlan_tags_are_skipped() {
    let ip = ipv4_tcp(b"x", SYN);
    let mut f = vec![0u8; 12];
    f.extend_from_slice(&[0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x00]);
    f.extend_from_slice(&ip);
    let s = parse(LinkType::ETHERNET, &f).unwrap();
    assert!(s.has(SYN));
    assert_eq!(s.payload, b"x");
}

#[test]
fn sll2_header() {
    let mut f = vec![0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6];
    f.extend_from_slice(&[0u8; 8]);
    f.extend_from_slice(&ipv4_tcp(b"abc", ACK));
    let s = parse(LinkType::LINUX_SLL2, &f).unwrap();
    assert_eq!(s.payload, b"abc");
}

#[test]
fn null_loopback_both_byte_orders() {
    for fam in [[2u8, 0, 0, 0], [0, 0, 0, 2]] {
        let mut f = fam.to_vec();
        f.extend_from_slice(&ipv4_tcp(b"z", ACK));
        assert_eq!(parse(LinkType::NULL, &f).unwrap().payload, b"z");
    }
}

#[test]
fn short_and_garbage_frames_are_errors_not_panics() {
    for n in 0..60 {
        let f = eth(0x0800, &ipv4_tcp(b"payload", ACK));
        let cut = &f[..n.min(f.len())];
        let _ = parse(LinkType::ETHERNET, cut);
        let _ = parse(LinkType::LINUX_SLL2, cut);
        let _ = parse(LinkType::LINUX_SLL, cut);
        let _ = parse(LinkType::NULL, cut);
        let _ = parse(LinkType::RAW, cut);
    }
    assert_eq!(
        parse(LinkType::ETHERNET, &[0u8; 5]),
        Err(NetError::Short("Ethernet"))
    );
    assert_eq!(
        parse(LinkType::ETHERNET, &eth(0x0806, &[0u8; 28])),
        Err(NetError::NotIp(0x0806))
    );
    assert_eq!(
        parse(LinkType(9999), &[0u8; 40]),
        Err(NetError::UnsupportedLink(9999))
    );
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(proptest::num::u8::ANY, 0..200), lt in 0u32..300) {
        let _ = parse(LinkType(lt), &data);
    }
}

/// `inner` wrapped in an IPv4 header of protocol 4 (IP in IP) from 192.0.2.1 to 192.0.2.2.
fn ipip(inner: &[u8]) -> Vec<u8> {
    let total = 20 + inner.len();
    let mut p = vec![
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        0,
        0x40,
        0,
        64,
        4,
        0,
        0,
    ];
    p.extend_from_slice(&[192, 0, 2, 1, 192, 0, 2, 2]);
    p.extend_from_slice(inner);
    p
}

#[test]
fn ip_in_ip_is_unwrapped_to_the_inner_connection() {
    let packet = ipip(&ipv4_tcp(b"hi", ACK));
    let s = parse_ip(&packet).unwrap();
    assert_eq!(s.src.to_string(), "10.0.0.1");
    assert_eq!(s.dport, 443);
    assert_eq!(s.payload, b"hi");
}

/// Malformed: a tunnel nested deeper than MAX_TUNNEL_DEPTH is not followed (no unbounded recursion).
#[test]
fn nesting_beyond_the_tunnel_depth_is_not_followed() {
    let mut p = ipv4_tcp(b"hi", ACK);
    for _ in 0..MAX_TUNNEL_DEPTH {
        p = ipip(&p);
    }
    assert!(parse_ip(&p).is_ok());
    p = ipip(&p);
    assert_eq!(parse_ip(&p), Err(NetError::NotTcp));
    // An inner packet cut short is malformed, not a panic.
    let cut = ipip(&ipv4_tcp(b"hi", ACK)[..10]);
    assert!(parse_ip(&cut).is_err());
}
