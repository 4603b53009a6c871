//! Issue 11's flow-level classes, each on a real capture made by captures/scripts/flows.sh (or a
//! documented rewrite of one): segments after a RST, a ClientHello inside the SYN (TCP Fast
//! Open), TLS inside IP-in-IP and IPv6-in-IPv4 tunnels, several SYN-ACKs with different initial
//! sequence numbers, tiny non-TLS flows. The frame numbers are tshark's (`tshark -r F`), and
//! tests/tshark_crosscheck.rs compares every fact of these captures with tshark's, and our TCP
//! connection count with its `tcp.stream` count. Issue 13 §4: flows beyond the cap of open flows
//! are ended early and counted, never dropped (a capture of half-open connections generated here).
//!
//! Facts are read from `tlsdiag analyze --json` (the public contract).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn cap(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

fn analyze(path: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .arg("analyze")
        .arg(path)
        .args(args)
        .env_remove("SSLKEYLOGFILE")
        .output()
        .expect("run tlsdiag");
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn doc(name: &str, keylog: bool) -> Value {
    let mut args = vec!["--json".to_owned()];
    if keylog {
        args.push("--keylog".into());
        args.push(cap(name).with_extension("keylog").display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    serde_json::from_str(&analyze(&cap(name), &args)).expect("JSON")
}

fn conns(d: &Value) -> &Vec<Value> {
    d["connections"].as_array().expect("connections")
}

/// Handshake message names per frame (plaintext or decrypted ones).
fn messages(c: &Value) -> BTreeMap<u64, Vec<String>> {
    let mut m: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for msg in c["messages"].as_array().expect("messages") {
        if msg["encrypted"] == true && msg["decrypted"] != true {
            continue;
        }
        if let (Some(f), Some(n)) = (msg["frame"].as_u64(), msg["name"].as_str()) {
            m.entry(f).or_default().push(n.to_owned());
        }
    }
    m
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// flow-rst-server-data.pcap: frame 8 is the client's RST; the server's Certificate,
/// ServerKeyExchange and ServerHelloDone (frame 9, already on the wire) arrive after it, and the
/// client's kernel answers with another RST (frame 10). One connection (tshark: one tcp.stream),
/// holding the server's Certificate; before, frame 9 started a second "connection" and the
/// first one lacked the certificate.
#[test]
fn server_data_after_the_clients_reset_stays_on_its_connection() {
    let d = doc("flow-rst-server-data.pcap", false);
    assert_eq!(d["source"]["tcp_flows"], 1, "a phantom flow was opened");
    let cs = conns(&d);
    assert_eq!(cs.len(), 1);
    let c = &cs[0];
    let m = messages(c);
    assert_eq!(m.get(&6), Some(&names(&["ServerHello"])));
    assert_eq!(
        m.get(&9),
        Some(&names(&[
            "Certificate",
            "ServerKeyExchange",
            "ServerHelloDone"
        ]))
    );
    assert_eq!(c["server_certificates"].as_array().map(Vec::len), Some(2));
    assert_eq!(c["last_frame"], 10);
    // The reset is the client's, at frame 8 (what the client saw then was the ServerHello).
    assert_eq!(c["outcome"]["status"], "failed");
    assert_eq!(c["outcome"]["alert_from"], "client");
    assert_eq!(c["outcome"]["frame"], 8);
}

/// flow-tcp-fast-open.pcap: the second connection's SYN (frame 16) carries its ClientHello
/// (TFO cookie from the first connection). Before, the SYN's payload was read one byte off (the
/// SYN's own sequence number) and the connection was not seen as TLS at all.
#[test]
fn client_hello_in_the_syn_is_decoded() {
    let d = doc("flow-tcp-fast-open.pcap", true);
    assert_eq!(d["source"]["tcp_flows"], 2);
    let cs = conns(&d);
    assert_eq!(cs.len(), 2);
    let tfo = &cs[1];
    assert_eq!(tfo["first_frame"], 16);
    assert_eq!(tfo["client_hello"]["frame"], 16);
    assert_eq!(tfo["client_hello"]["sni"], "partner.test");
    assert_eq!(
        messages(tfo).get(&16),
        Some(&names(&["ClientHello"])),
        "the ClientHello is the SYN's payload"
    );
    assert_eq!(
        messages(tfo).get(&19).map(|v| v[0].clone()),
        Some("ServerHello".into())
    );
    assert_eq!(tfo["outcome"]["status"], "completed");
    assert_eq!(cs[0]["outcome"]["status"], "completed");
}

/// flow-ipip.pcap (IPv4 in IPv4, protocol 4) and flow-sit.pcap (IPv6 in IPv4, protocol 41): the
/// connection is the inner one, s_client with the customer-client certificate to s_server.
#[test]
fn tls_inside_ip_in_ip_and_sit_tunnels() {
    for (name, client, server, cert_frame, client_cert_frame) in [
        ("flow-ipip.pcap", "10.97.0.1", "10.97.0.2", 7, 11),
        ("flow-sit.pcap", "fd00:97::1", "fd00:97::2", 9, 13),
    ] {
        let d = doc(name, false);
        assert_eq!(d["source"]["tcp_flows"], 1, "{name}");
        let cs = conns(&d);
        assert_eq!(cs.len(), 1, "{name}");
        let c = &cs[0];
        assert_eq!(c["client"]["ip"], client, "{name}");
        assert_eq!(c["server"]["ip"], server, "{name}");
        assert_eq!(c["server_certificate_frame"], cert_frame, "{name}");
        assert_eq!(
            c["client_certificate"]["frame"], client_cert_frame,
            "{name}"
        );
        assert_eq!(c["client_certificate"]["count"], 2, "{name}");
        assert_eq!(c["outcome"]["status"], "completed", "{name}");
    }
}

/// derived-synack-isn.pcap (captures/scripts/synack.py): jsse-mtls-ok.pcap with two extra
/// SYN-ACKs of other ISNs before the real one (frames 2, 3; the real one is frame 4, the one the
/// client ACKs in frame 5). Before, the stream followed the first SYN-ACK: the server's bytes
/// were "missing" (a 704 MB gap) and nothing from the server was decoded.
#[test]
fn the_syn_ack_the_client_acknowledges_is_followed() {
    let d = doc("derived-synack-isn.pcap", false);
    let cs = conns(&d);
    assert_eq!(cs.len(), 1);
    let c = &cs[0];
    assert_eq!(c["capture"]["gaps"].as_array().map(Vec::len), Some(0));
    let m = messages(c);
    assert_eq!(
        m.get(&8),
        Some(&names(&[
            "ServerHello",
            "Certificate",
            "ServerKeyExchange",
            "CertificateRequest",
            "ServerHelloDone"
        ]))
    );
    assert_eq!(c["outcome"]["status"], "completed");
    // The same facts as the capture it was derived from, two frames later.
    let orig = doc("jsse-mtls-ok.pcap", false);
    let o = &conns(&orig)[0];
    assert_eq!(c["server_certificates"], o["server_certificates"]);
    assert_eq!(
        c["client_certificate"]["count"],
        o["client_certificate"]["count"]
    );
}

/// flow-tiny-non-tls.pcap: two connections seen mid-stream, 1-byte keep-alive payloads (0x00) on
/// port 80 and NetBIOS session keep-alives (85 00 00 00) on port 445. Two TCP flows (as tshark),
/// no TLS connection (before, the port-80 one was listed as "TLS ?").
#[test]
fn tiny_non_tls_flows_are_not_tls_connections() {
    let d = doc("flow-tiny-non-tls.pcap", false);
    assert_eq!(d["source"]["tcp_flows"], 2);
    assert_eq!(conns(&d).len(), 0);
    let text = analyze(&cap("flow-tiny-non-tls.pcap"), &["--color", "never"]);
    assert!(
        text.contains("No TLS connection found (2 TCP flows)"),
        "{text}"
    );
}

/// A capture of `n` half-open TLS connections (a SYN and a ClientHello each, never answered):
/// the client's SYN and ClientHello of captures/rule-no-sni.pcap (a real JSSE call) repeated
/// from other client addresses and ports, 50 µs apart (what bench/halfopen.py writes at scale).
fn half_open_capture(n: u32) -> PathBuf {
    let data = std::fs::read(cap("rule-no-sni.pcap")).expect("read capture");
    assert_eq!(&data[..4], b"\xd4\xc3\xb2\xa1", "little-endian pcap");
    let mut frames = Vec::new();
    let mut pos = 24;
    while pos + 16 <= data.len() {
        let incl = u32::from_le_bytes(data[pos + 8..pos + 12].try_into().unwrap()) as usize;
        frames.push(data[pos + 16..pos + 16 + incl].to_vec());
        pos += 16 + incl;
    }
    let (syn, hello) = (&frames[0], &frames[3]);
    assert_eq!(syn[14 + 20 + 13] & 0x12, 0x02, "frame 1 is the SYN");
    assert_eq!(hello[14 + 20 + 32], 0x16, "frame 4 is the ClientHello");
    let mut out = data[..24].to_vec();
    for i in 0..n {
        for (k, f) in [syn, hello].into_iter().enumerate() {
            let mut f = f.clone();
            f[26..30].copy_from_slice(&[127, 1, (1 + i / 250) as u8, (1 + i % 250) as u8]);
            f[34..36].copy_from_slice(&(20000 + i as u16).to_be_bytes());
            let us = 1_000_000u64 + u64::from(i) * 50 + k as u64 * 20;
            out.extend_from_slice(&((1_780_000_000 + us / 1_000_000) as u32).to_le_bytes());
            out.extend_from_slice(&((us % 1_000_000) as u32).to_le_bytes());
            out.extend_from_slice(&(f.len() as u32).to_le_bytes());
            out.extend_from_slice(&(f.len() as u32).to_le_bytes());
            out.extend_from_slice(&f);
        }
    }
    let path =
        std::env::temp_dir().join(format!("tlsdiag-halfopen-{}-{n}.pcap", std::process::id()));
    std::fs::write(&path, out).expect("write capture");
    path
}

/// Issue 13 §4: with at most 50 flows followed at once (`--max-flows 50`), 300 half-open
/// connections are all reported — 250 of them ended early — and the document says so: one
/// `flows_evicted` anomaly with the count, and a `flow_evicted` anomaly on each ended one. The
/// same in `--stream`'s end line and in the text report. (Peak memory at scale: bench/halfopen.sh,
/// docs/performance.md.)
#[test]
fn flows_beyond_the_cap_are_ended_early_and_counted() {
    let path = half_open_capture(300);
    let d: Value =
        serde_json::from_str(&analyze(&path, &["--json", "--max-flows", "50"])).expect("JSON");
    let cs = conns(&d);
    assert_eq!(cs.len(), 300, "every connection is reported");
    assert!(cs
        .iter()
        .all(|c| c["client_hello"]["cipher_suites"].is_array()));
    let evicted: Vec<&Value> = cs
        .iter()
        .filter(|c| {
            c["anomalies"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x["kind"] == "flow_evicted"))
        })
        .collect();
    assert_eq!(evicted.len(), 250);
    // The least recently active go first: the first 250 to start.
    assert!(evicted
        .iter()
        .all(|c| c["id"].as_u64().is_some_and(|id| id <= 250)));
    let summary: Vec<&Value> = d["anomalies"]
        .as_array()
        .expect("anomalies")
        .iter()
        .filter(|a| a["kind"] == "flows_evicted")
        .collect();
    assert_eq!(summary.len(), 1, "{:?}", d["anomalies"]);
    let detail = summary[0]["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with("250 connections were ended early"),
        "{detail}"
    );
    assert!(detail.contains("more than 50"), "{detail}");

    let stream = analyze(&path, &["--stream", "--max-flows", "50"]);
    let lines: Vec<Value> = stream
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(
        lines.iter().filter(|l| l["type"] == "connection").count(),
        300
    );
    let end = lines.last().expect("end line");
    assert_eq!(end["type"], "end");
    assert!(end["anomalies"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x["kind"] == "flows_evicted")));

    let text = analyze(&path, &["--color", "never", "--max-flows", "50"]);
    assert!(text.contains("250 connections were ended early"), "{text}");

    // The default cap is far above 300: nothing is ended early.
    let d: Value = serde_json::from_str(&analyze(&path, &["--json"])).expect("JSON");
    assert_eq!(conns(&d).len(), 300);
    assert!(d["anomalies"]
        .as_array()
        .is_some_and(|a| a.iter().all(|x| x["kind"] != "flows_evicted")));
    let _ = std::fs::remove_file(&path);
}

/// tshark's field `field` of every frame matching `filter`, port 8468 read as TLS (`None` when tshark is not installed,
/// which CI does not allow).
fn tshark(path: &Path, filter: &str, field: &str) -> Option<Vec<String>> {
    let out = match Command::new("tshark")
        .args(["-n", "-r"])
        .arg(path)
        // The server's port (8468) is TLS: client port 20000 is DNP 3.0's to tshark.
        .args(["-d", "tcp.port==8468,tls"])
        .args(["-Y", filter, "-T", "fields", "-e", field])
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            assert!(std::env::var_os("CI").is_none(), "tshark is required in CI");
            eprintln!("SKIPPED the tshark comparison: tshark not installed");
            return None;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect(),
    )
}

/// Issue 13 §4: past `report::fold::FOLD_THRESHOLD` (1000) connections the text report keeps
/// only what it lists — the first 3 failures of each cause, the first 20 other connections — and
/// counts every connection into its head line and its summary groups, saying how many it folded
/// and where to see them. 1,200 half-open connections: tshark counts 1,200 TCP streams and 1,200
/// ClientHellos; the report counts 1,200 incomplete connections, all under one cause and one
/// server, 1,200 clients (10 listed), lists #1–#3 and folds 1,197. At exactly 1,000 connections
/// nothing is folded (every connection has its line, no note).
#[test]
fn the_text_report_of_many_connections_folds_them_into_its_summary() {
    let path = half_open_capture(1200);
    if let Some(streams) = tshark(&path, "tcp", "tcp.stream") {
        let distinct: std::collections::BTreeSet<&String> = streams.iter().collect();
        assert_eq!(distinct.len(), 1200);
        let hellos = tshark(&path, "tls.handshake.type == 1", "frame.number").unwrap_or_default();
        assert_eq!(hellos.len(), 1200);
    }
    let text = analyze(&path, &["--color", "never"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].contains(" — 1200 TLS connections, 1200 incomplete "),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[2].trim(),
        "FAILURES   1200 of 1200 connections failed"
    );
    assert!(
        lines[3].starts_with("    by cause     1200 × capture-one-direction   "),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with("    by server    1200 × 127.0.0.1:8468 (no SNI)   "),
        "{}",
        lines[4]
    );
    assert!(lines[5].starts_with("    by client       1 × 127.1.1.1   "));
    assert_eq!(lines[15].trim(), "1190 × in 1190 more groups");
    assert_eq!(
        lines[16].trim(),
        "… 1197 of 1200 connections are folded into the summary above, not listed"
    );
    assert_eq!(
        lines[18].trim(),
        "All of them: --json or --stream; one of them: --conn N."
    );
    let listed: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("? #") && l.contains("client cert:"))
        .copied()
        .collect();
    assert_eq!(listed.len(), 3, "{listed:#?}");
    for (l, id) in listed.iter().zip(["#1 ", "#2 ", "#3 "]) {
        assert!(l.starts_with(&format!("? {id}")), "{l}");
    }
    // Each listed connection is also written in full (incomplete), and no other.
    assert_eq!(text.matches("\n  DIAGNOSIS\n").count(), 3);
    // --json still holds every connection, numbered the same way.
    let d: Value = serde_json::from_str(&analyze(&path, &["--json"])).expect("JSON");
    assert_eq!(conns(&d).len(), 1200);
    assert_eq!(
        d["summary"]["groups"]["by_cause"]["groups"][0]["count"],
        1200
    );
    assert_eq!(
        d["summary"]["groups"]["by_cause"]["groups"][0]["cause"],
        "capture-one-direction"
    );
    // The command the note points to: one connection of the 1,200, numbered as listed.
    let one = analyze(&path, &["--color", "never", "--conn", "1150"]);
    let head = one.lines().next().unwrap_or_default();
    assert!(head.contains(" — 1 TLS connection, 1 incomplete"), "{head}");
    assert!(
        one.contains("\n? #1150 127.1.5.150:21149 → 127.0.0.1:8468 "),
        "{one}"
    );
    let d: Value =
        serde_json::from_str(&analyze(&path, &["--json", "--conn", "1150"])).expect("JSON");
    assert_eq!(conns(&d).len(), 1);
    assert_eq!(conns(&d)[0]["id"], 1150);
    assert_eq!(conns(&d)[0]["client"]["ip"], "127.1.5.150");
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .arg("analyze")
        .arg(&path)
        .args(["--conn", "1201"])
        .output()
        .expect("run tlsdiag");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no connection #1201 in "), "{err}");
    assert!(err.contains("(1200 TLS connections)"), "{err}");
    let _ = std::fs::remove_file(&path);

    let path = half_open_capture(1000);
    let text = analyze(&path, &["--color", "never"]);
    assert!(text
        .lines()
        .next()
        .is_some_and(|l| l.contains(" — 1000 TLS connections")));
    assert!(!text.contains("folded"), "{text}");
    let listed = text
        .lines()
        .filter(|l| l.starts_with("? #") && l.contains("client cert:"))
        .count();
    assert_eq!(listed, 1000);
    let _ = std::fs::remove_file(&path);
}
