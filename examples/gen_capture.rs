//! Generates a large benchmark capture from real handshakes: the client and server byte streams of
//! captures/jsse-mtls-ok.pcap (JSSE mutual TLS) and captures/seed-jsse-empty-cert.pcap (the seed
//! failure) replayed as thousands of connections with new addresses, ports and sequence numbers,
//! the successful ones followed by bulk application data (TLS records of 16 KiB, MSS 1448),
//! several connections interleaved at a time.
//! Usage: cargo run --release --example gen_capture -- OUT.pcap SIZE_MB

use std::collections::VecDeque;
use std::io::BufWriter;
use std::net::{IpAddr, Ipv4Addr};
use tlsdiag::capture::synth::{PcapWriter, TcpFlow};

/// The payload bytes of a real capture in wire order, with their direction (true = client).
fn streams(path: &str) -> Vec<(bool, Vec<u8>)> {
    let mut out = Vec::new();
    let mut client_port = None;
    tlsdiag::capture::read_file(std::path::Path::new(path), &mut |f| {
        if let Ok(s) = tlsdiag::net::parse(f.linktype, f.data) {
            if s.has(tlsdiag::net::SYN) && !s.has(tlsdiag::net::ACK) {
                client_port = Some(s.sport);
            }
            if !s.payload.is_empty() {
                out.push((Some(s.sport) == client_port, s.payload.to_vec()));
            }
        }
    })
    .expect("read source capture");
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).expect("OUT.pcap");
    let size_mb: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(256);
    let root = env!("CARGO_MANIFEST_DIR");
    let ok = streams(&format!("{root}/captures/jsse-mtls-ok.pcap"));
    let bad = streams(&format!("{root}/captures/seed-jsse-empty-cert.pcap"));
    let file = std::fs::File::create(out).expect("create");
    let mut w = PcapWriter::new(BufWriter::with_capacity(1 << 20, file)).expect("header");
    let target = size_mb * 1024 * 1024;
    let mut written: u64 = 24;
    let mut ts: u64 = 1_764_000_000_000_000_000;
    let mut conn: u32 = 0;
    // A 16 KiB application-data record: header + pseudo-random body.
    let mut record = vec![0x17, 0x03, 0x03, 0x40, 0x00];
    let mut x: u32 = 0x1234_5678;
    record.extend((0..16384).map(|_| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x as u8
    }));
    // Open connections, each with its payloads still to send (from client?, bytes).
    type Pending = VecDeque<(bool, Vec<u8>)>;
    let mut active: VecDeque<(TcpFlow, Pending)> = VecDeque::new();
    while written < target || !active.is_empty() {
        while active.len() < 8 && written < target {
            conn += 1;
            let client = (
                IpAddr::V4(Ipv4Addr::new(10, 1, (conn >> 8) as u8, conn as u8)),
                40000 + (conn % 20000) as u16,
            );
            let server = (IpAddr::V4(Ipv4Addr::new(10, 2, 0, 1)), 443);
            let mut flow = TcpFlow::new(
                client,
                server,
                conn.wrapping_mul(2_654_435_761),
                conn.wrapping_mul(40_503),
            );
            let mut frames: VecDeque<(bool, Vec<u8>)> = flow.open().into();
            let failing = conn % 10 == 0;
            // Replay the real exchange in its wire order.
            for (from_client, d) in if failing { &bad } else { &ok } {
                frames.extend(flow.data(*from_client, d));
            }
            if !failing {
                // Bulk download: 8 records (128 KiB) from the server.
                for _ in 0..8 {
                    frames.extend(flow.data(false, &record));
                }
            }
            frames.extend(flow.close());
            active.push_back((flow, frames));
        }
        // Interleave: a few frames from each active connection in turn.
        let Some((flow, mut frames)) = active.pop_front() else {
            break;
        };
        for _ in 0..4 {
            if let Some((_, f)) = frames.pop_front() {
                ts += 20_000;
                written += 16 + f.len() as u64;
                w.packet(ts, &f).expect("write");
            }
        }
        if !frames.is_empty() {
            active.push_back((flow, frames));
        }
    }
    eprintln!("{out}: {conn} connections, {:.1} MB", written as f64 / 1e6);
}
