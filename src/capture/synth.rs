//! Writes pcap files of TCP connections from recorded byte streams: Ethernet + IPv4/IPv6 + TCP
//! headers around the exact payload bytes, with a three-way handshake, consistent sequence and
//! acknowledgement numbers, segments of at most `mss` bytes and a FIN exchange. The probe saves
//! its own connection this way (so Wireshark opens it and frame numbers match our evidence), and
//! the benchmark builds large captures from real handshakes. Checksums are left zero, as with
//! checksum offload; Wireshark and tshark do not verify them by default.

use std::io::{self, Write};
use std::net::IpAddr;

/// A pcap (microsecond, little-endian, LINKTYPE_ETHERNET) writer.
pub struct PcapWriter<W: Write> {
    out: W,
}

impl<W: Write> PcapWriter<W> {
    pub fn new(mut out: W) -> io::Result<Self> {
        let mut h = Vec::with_capacity(24);
        h.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        h.extend_from_slice(&2u16.to_le_bytes());
        h.extend_from_slice(&4u16.to_le_bytes());
        h.extend_from_slice(&0i32.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&262_144u32.to_le_bytes());
        h.extend_from_slice(&1u32.to_le_bytes());
        out.write_all(&h)?;
        Ok(PcapWriter { out })
    }

    pub fn packet(&mut self, ts_ns: u64, frame: &[u8]) -> io::Result<()> {
        let secs = u32::try_from(ts_ns / 1_000_000_000).unwrap_or(u32::MAX);
        let usecs = u32::try_from((ts_ns % 1_000_000_000) / 1000).unwrap_or(0);
        let len = u32::try_from(frame.len()).unwrap_or(u32::MAX);
        let mut h = Vec::with_capacity(16);
        h.extend_from_slice(&secs.to_le_bytes());
        h.extend_from_slice(&usecs.to_le_bytes());
        h.extend_from_slice(&len.to_le_bytes());
        h.extend_from_slice(&len.to_le_bytes());
        self.out.write_all(&h)?;
        self.out.write_all(frame)
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

/// One side's TCP state while synthesising a connection.
#[derive(Debug, Clone)]
pub struct TcpFlow {
    pub client: (IpAddr, u16),
    pub server: (IpAddr, u16),
    pub client_seq: u32,
    pub server_seq: u32,
    pub mss: usize,
}

pub const SYN: u8 = 0x02;
pub const ACK: u8 = 0x10;
pub const PSH: u8 = 0x08;
pub const FIN: u8 = 0x01;

impl TcpFlow {
    pub fn new(
        client: (IpAddr, u16),
        server: (IpAddr, u16),
        client_isn: u32,
        server_isn: u32,
    ) -> Self {
        TcpFlow {
            client,
            server,
            client_seq: client_isn,
            server_seq: server_isn,
            mss: 1448,
        }
    }

    /// One Ethernet frame from the client (`from_client`) or the server.
    pub fn frame(&self, from_client: bool, flags: u8, payload: &[u8]) -> Vec<u8> {
        let (src, dst, seq, ack) = if from_client {
            (self.client, self.server, self.client_seq, self.server_seq)
        } else {
            (self.server, self.client, self.server_seq, self.client_seq)
        };
        let mut tcp = Vec::with_capacity(20 + payload.len());
        tcp.extend_from_slice(&src.1.to_be_bytes());
        tcp.extend_from_slice(&dst.1.to_be_bytes());
        tcp.extend_from_slice(&seq.to_be_bytes());
        tcp.extend_from_slice(&(if flags & ACK != 0 { ack } else { 0 }).to_be_bytes());
        tcp.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        tcp.extend_from_slice(payload);
        let mut f = Vec::with_capacity(14 + 40 + tcp.len());
        f.extend_from_slice(&[0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1]);
        match (src.0, dst.0) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                f.extend_from_slice(&0x0800u16.to_be_bytes());
                let total = u16::try_from(20 + tcp.len()).unwrap_or(u16::MAX);
                f.extend_from_slice(&[0x45, 0]);
                f.extend_from_slice(&total.to_be_bytes());
                f.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
                f.extend_from_slice(&s.octets());
                f.extend_from_slice(&d.octets());
            }
            (s, d) => {
                f.extend_from_slice(&0x86ddu16.to_be_bytes());
                let plen = u16::try_from(tcp.len()).unwrap_or(u16::MAX);
                f.extend_from_slice(&[0x60, 0, 0, 0]);
                f.extend_from_slice(&plen.to_be_bytes());
                f.extend_from_slice(&[6, 64]);
                f.extend_from_slice(&v6(s));
                f.extend_from_slice(&v6(d));
            }
        }
        f.extend_from_slice(&tcp);
        f
    }

    /// The three-way handshake: SYN, SYN-ACK, ACK.
    pub fn open(&mut self) -> Vec<(bool, Vec<u8>)> {
        let syn = self.frame(true, SYN, &[]);
        self.client_seq = self.client_seq.wrapping_add(1);
        let synack = self.frame(false, SYN | ACK, &[]);
        self.server_seq = self.server_seq.wrapping_add(1);
        let ack = self.frame(true, ACK, &[]);
        vec![(true, syn), (false, synack), (true, ack)]
    }

    /// `data` from one side as segments of at most `mss` bytes.
    pub fn data(&mut self, from_client: bool, data: &[u8]) -> Vec<(bool, Vec<u8>)> {
        let mut out = Vec::new();
        for chunk in data.chunks(self.mss.max(1)) {
            out.push((from_client, self.frame(from_client, ACK | PSH, chunk)));
            let n = u32::try_from(chunk.len()).unwrap_or(0);
            if from_client {
                self.client_seq = self.client_seq.wrapping_add(n);
            } else {
                self.server_seq = self.server_seq.wrapping_add(n);
            }
        }
        out
    }

    /// FIN from the client, FIN from the server, final ACK.
    pub fn close(&mut self) -> Vec<(bool, Vec<u8>)> {
        let fin1 = self.frame(true, FIN | ACK, &[]);
        self.client_seq = self.client_seq.wrapping_add(1);
        let fin2 = self.frame(false, FIN | ACK, &[]);
        self.server_seq = self.server_seq.wrapping_add(1);
        let ack = self.frame(true, ACK, &[]);
        vec![(true, fin1), (false, fin2), (true, ack)]
    }
}

fn v6(a: IpAddr) -> [u8; 16] {
    match a {
        IpAddr::V6(x) => x.octets(),
        IpAddr::V4(x) => x.to_ipv6_mapped().octets(),
    }
}
