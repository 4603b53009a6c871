//! Issue 16 §1: a capture with thousands of connections opens with the capture-wide summary —
//! failures grouped by cause, by server and by client — in text, in JSON (`summary.groups`), and
//! the counts agree with tshark's. The capture is generated here (not committed) from three real
//! captures, every copy moved to its own addresses and ports (IPv4 header checksum recomputed;
//! the TLS bytes untouched): 2,000 connections — 200 copies of the seed call (empty client
//! Certificate, handshake_failure) from 10.0.0.5 to 10.1.2.3:443, 40 of a client certificate the
//! server does not trust (unknown_ca) from 10.0.0.7 to 10.1.2.4:443, and 1,760 good mTLS calls
//! from 10.0.1.x to 10.1.2.3:443.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Pcap {
    header: Vec<u8>,
    /// (ts_sec, ts_usec, frame)
    frames: Vec<(u32, u32, Vec<u8>)>,
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn read_pcap(p: &Path) -> Pcap {
    let d = std::fs::read(p).unwrap();
    assert_eq!(&d[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "little-endian µs pcap");
    assert_eq!(le32(&d, 20), 1, "Ethernet");
    let mut frames = Vec::new();
    let mut pos = 24;
    while pos + 16 <= d.len() {
        let incl = le32(&d, pos + 8) as usize;
        frames.push((
            le32(&d, pos),
            le32(&d, pos + 4),
            d[pos + 16..pos + 16 + incl].to_vec(),
        ));
        pos += 16 + incl;
    }
    Pcap {
        header: d[..24].to_vec(),
        frames,
    }
}

fn ipv4_checksum(h: &[u8]) -> u16 {
    let mut sum = 0u32;
    for (i, w) in h.chunks(2).enumerate() {
        if i == 5 {
            continue; // the checksum field itself
        }
        sum += u32::from(u16::from_be_bytes([w[0], *w.get(1).unwrap_or(&0)]));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// One copy of a one-connection capture on new endpoints, its first frame at `start_us`.
fn copy(
    base: &Pcap,
    server_port: u16,
    client: ([u8; 4], u16),
    server: ([u8; 4], u16),
    start_us: u64,
    out: &mut Vec<(u64, Vec<u8>)>,
) {
    let t0 = u64::from(base.frames[0].0) * 1_000_000 + u64::from(base.frames[0].1);
    for (s, us, f) in &base.frames {
        let mut f = f.clone();
        assert_eq!(&f[12..14], &[0x08, 0x00], "IPv4");
        let ihl = usize::from(f[14] & 0x0f) * 4;
        let t = 14 + ihl;
        let sport = u16::from_be_bytes([f[t], f[t + 1]]);
        let (src, dst) = if sport == server_port {
            (server, client)
        } else {
            (client, server)
        };
        f[26..30].copy_from_slice(&src.0);
        f[30..34].copy_from_slice(&dst.0);
        f[t..t + 2].copy_from_slice(&src.1.to_be_bytes());
        f[t + 2..t + 4].copy_from_slice(&dst.1.to_be_bytes());
        let c = ipv4_checksum(&f[14..14 + ihl]);
        f[24..26].copy_from_slice(&c.to_be_bytes());
        let ts = u64::from(*s) * 1_000_000 + u64::from(*us) - t0 + start_us;
        out.push((ts, f));
    }
}

fn cap(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

fn generate(path: &Path) {
    let seed = read_pcap(&cap("seed-jsse-empty-cert.pcap"));
    let untrusted = read_pcap(&cap("server-untrusts-client.pcap"));
    let ok = read_pcap(&cap("jsse-mtls-ok.pcap"));
    let t0 = |p: &Pcap| u64::from(p.frames[0].0) * 1_000_000 + u64::from(p.frames[0].1);
    let base = t0(&seed);
    let mut frames = Vec::new();
    for k in 0..2000u32 {
        let off = u64::from(k) * 20_000; // a new connection every 20 ms
        let port = 20_000 + k as u16;
        let at = base + off;
        if k % 10 == 0 {
            copy(
                &seed,
                8443,
                ([10, 0, 0, 5], port),
                ([10, 1, 2, 3], 443),
                at,
                &mut frames,
            );
        } else if k % 50 == 1 {
            copy(
                &untrusted,
                8449,
                ([10, 0, 0, 7], port),
                ([10, 1, 2, 4], 443),
                at,
                &mut frames,
            );
        } else {
            let ip = [10, 0, 1, (k % 200) as u8 + 1];
            copy(&ok, 8444, (ip, port), ([10, 1, 2, 3], 443), at, &mut frames);
        }
    }
    frames.sort_by_key(|(ts, _)| *ts);
    let mut out = seed.header.clone();
    for (ts, f) in frames {
        out.extend_from_slice(&((ts / 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&((ts % 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&f);
    }
    std::fs::write(path, out).unwrap();
}

fn tshark_lines(p: &Path, filter: &str, fields: &[&str]) -> Vec<String> {
    let mut args = vec![
        "-n",
        "-r",
        p.to_str().unwrap(),
        "-Y",
        filter,
        "-T",
        "fields",
    ];
    for f in fields {
        args.push("-e");
        args.push(f);
    }
    let o = Command::new("tshark").args(&args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn tshark_available() -> bool {
    let ok = Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "tshark is required in CI (scripts/setup.sh installs it)"
        );
        eprintln!("SKIPPED: tshark not installed (run scripts/setup.sh)");
    }
    ok
}

fn tlsdiag(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args(args)
        .env_remove("SSLKEYLOGFILE")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn thousands_of_connections_open_with_the_grouped_summary_counted_like_tshark() {
    if !tshark_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.pcap");
    generate(&big);
    let b = big.to_str().unwrap();

    // tshark's view: every connection's ClientHello; the server's fatal alerts by description
    // and server address; who received them.
    let hellos = tshark_lines(&big, "tls.handshake.type == 1", &["frame.number"]).len();
    assert_eq!(hellos, 2000);
    let alerts = tshark_lines(
        &big,
        "tls.alert_message.level == 2",
        &["tls.alert_message.desc", "ip.src", "tcp.srcport", "ip.dst"],
    );
    let mut by_desc: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_server: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_client: BTreeMap<String, usize> = BTreeMap::new();
    for l in &alerts {
        let f: Vec<&str> = l.split('\t').collect();
        *by_desc.entry(f[0].to_owned()).or_default() += 1;
        *by_server.entry(format!("{}:{}", f[1], f[2])).or_default() += 1;
        *by_client.entry(f[3].to_owned()).or_default() += 1;
    }
    assert_eq!(by_desc.get("40"), Some(&200), "{by_desc:?}"); // handshake_failure
    assert_eq!(by_desc.get("48"), Some(&40), "{by_desc:?}"); // unknown_ca

    // JSON: summary.groups.
    let doc: serde_json::Value = serde_json::from_str(&tlsdiag(&["analyze", b, "--json"])).unwrap();
    let g = &doc["summary"]["groups"];
    assert_eq!(doc["summary"]["connections"], hellos);
    assert_eq!(g["failures"], alerts.len());
    let causes = g["by_cause"]["groups"].as_array().unwrap();
    assert_eq!(causes.len(), 2, "{causes:?}");
    assert_eq!(causes[0]["cause"], "client-sent-empty-certificate");
    assert_eq!(causes[0]["count"], by_desc["40"]);
    assert_eq!(causes[1]["cause"], "server-rejected-client-certificate");
    assert_eq!(causes[1]["count"], by_desc["48"]);
    assert_eq!(causes[0]["example"], 1);
    assert!(causes[0]["first_time"].as_str().unwrap() < causes[0]["last_time"].as_str().unwrap());
    let servers = g["by_server"]["groups"].as_array().unwrap();
    assert_eq!(servers.len(), by_server.len());
    for s in servers {
        let key = format!(
            "{}:{}",
            s["server"]["ip"].as_str().unwrap(),
            s["server"]["port"]
        );
        assert_eq!(s["count"], by_server[&key], "{key}");
        assert_eq!(s["sni"], "partner.test");
    }
    let clients = g["by_client"]["groups"].as_array().unwrap();
    assert_eq!(clients.len(), by_client.len());
    for c in clients {
        assert_eq!(c["count"], by_client[c["client"].as_str().unwrap()]);
    }

    // Text: the report opens with the grouped summary, before the first connection line.
    let text = tlsdiag(&["analyze", b]);
    let head: Vec<&str> = text.lines().take(12).collect();
    assert!(
        head[0].contains("2000 TLS connections, 240 failed"),
        "{head:#?}"
    );
    assert_eq!(
        head[2].trim(),
        "FAILURES   240 of 2000 connections failed",
        "{head:#?}"
    );
    assert!(
        head[3].starts_with("    by cause      200 × client-sent-empty-certificate"),
        "{head:#?}"
    );
    assert!(
        head[4].contains("40 × server-rejected-client-certificate"),
        "{head:#?}"
    );
    assert!(
        head[5].starts_with("    by server     200 × 10.1.2.3:443 (SNI partner.test)"),
        "{head:#?}"
    );
    assert!(
        head[6].contains("40 × 10.1.2.4:443 (SNI partner.test)"),
        "{head:#?}"
    );
    assert!(
        head[7].starts_with("    by client     200 × 10.0.0.5"),
        "{head:#?}"
    );
    assert!(head[8].contains("40 × 10.0.0.7"), "{head:#?}");
    let first_conn = text.lines().position(|l| l.contains("#1 ")).unwrap();
    assert!(first_conn > 8);
    // Past 1,000 connections the report folds (issue 13 §4, report::fold): it lists the first 3
    // failures of each of the 2 causes and the first 20 other connections, and says how many of
    // tshark's ClientHellos it counted without listing them.
    let listed: Vec<&str> = text
        .lines()
        .filter(|l| {
            ["✓ #", "✗ #", "? #"].iter().any(|m| l.starts_with(m)) && l.contains("  client cert: ")
        })
        .collect();
    assert_eq!(listed.len(), 3 + 3 + 20, "{listed:#?}");
    assert_eq!(
        head[9].trim(),
        format!(
            "… {} of {hellos} connections are folded into the summary above, not listed",
            hellos - listed.len()
        )
    );
    assert_eq!(
        listed
            .iter()
            .filter(|l| l.contains("client-sent-empty-certificate"))
            .count(),
        3
    );
}
