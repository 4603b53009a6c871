//! Capture problems named right (issue 12 §6), on real captures: a `tcpdump -s 96` capture of a
//! real handshake (captures/scripts/compare.sh) is diagnosed as cut by the snap length — first,
//! and not as "the capture started after the handshake" while a SYN was seen; an address filter
//! that matches nothing says so; the key-log fix names only real sources per stack.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn cap(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn tlsdiag(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args(args)
        .env_remove("SSLKEYLOGFILE")
        .env("NO_COLOR", "1")
        .output()
        .expect("run tlsdiag");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&tlsdiag(args)).expect("JSON")
}

fn codes(c: &Value) -> Vec<String> {
    c["diagnosis"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|f| f["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn snap_length_is_named_first_and_agrees_with_its_evidence() {
    let v = json(&["analyze", &cap("capture-snaplen-96.pcap"), "--json"]);
    let c = &v["connections"][0];
    let snap = &c["capture"]["snap"];
    assert_eq!(snap["captured_length"], 96, "{snap}");
    assert!(snap["original_length"].as_u64().unwrap_or(0) > 96, "{snap}");
    assert!(snap["frames"].as_u64().unwrap_or(0) >= 1, "{snap}");
    assert_eq!(c["capture"]["syn_seen"], true);
    let codes = codes(c);
    let first_capture = codes.iter().find(|c| c.starts_with("capture-"));
    assert_eq!(
        first_capture.map(String::as_str),
        Some("capture-snap-length"),
        "{codes:?}"
    );
    // SYN seen: never "the capture started after the handshake"; both directions are there.
    assert!(
        !codes.iter().any(|c| c == "capture-handshake-missing"),
        "{codes:?}"
    );
    assert!(
        !codes.iter().any(|c| c == "capture-one-direction"),
        "{codes:?}"
    );
    let text = tlsdiag(&["analyze", &cap("capture-snaplen-96.pcap")]);
    assert!(text.contains("snap length"), "{text}");
    assert!(text.contains("tcpdump -s 0"), "{text}");
    assert!(!text.contains("started after"), "{text}");
}

#[test]
fn a_capture_that_started_late_still_says_so() {
    // No SYN, no ClientHello: the capture really started after the handshake.
    let v = json(&["analyze", &cap("derived-handshake-missing.pcap"), "--json"]);
    let c = &v["connections"][0];
    assert_eq!(c["capture"]["syn_seen"], false);
    assert!(c["capture"]["snap"].is_null());
    let f = c["diagnosis"]
        .as_array()
        .and_then(|d| d.iter().find(|f| f["code"] == "capture-handshake-missing"))
        .expect("capture-handshake-missing");
    assert!(f["message"]
        .as_str()
        .unwrap_or("")
        .contains("started after"));
}

#[test]
fn a_filter_that_matches_nothing_says_so() {
    let all = json(&["analyze", &cap("many-connections.pcap"), "--json"]);
    let flows = all["source"]["tcp_flows"].as_u64().expect("tcp_flows");
    assert!(flows > 0);
    let text = tlsdiag(&[
        "analyze",
        &cap("many-connections.pcap"),
        "--host",
        "10.0.0.1",
    ]);
    let want = format!("{flows} TCP flows, none matched --host 10.0.0.1");
    assert!(text.contains(&want), "{want}\n{text}");
    assert!(!text.contains("No TLS connection found"), "{text}");
    let v = json(&[
        "analyze",
        &cap("many-connections.pcap"),
        "--host",
        "10.0.0.1",
        "--json",
    ]);
    assert_eq!(v["source"]["filter"], "--host 10.0.0.1");
    assert_eq!(v["source"]["filtered_out_flows"], flows);
}

#[test]
fn key_log_fix_names_only_real_sources_per_stack() {
    let v = json(&["analyze", &cap("tls13-no-client-cert.pcap"), "--json"]);
    let fixes: Vec<String> = v["connections"][0]["diagnosis"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|f| f["fix"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let fix = fixes
        .iter()
        .find(|f| f.contains("--keylog"))
        .expect("a fix naming --keylog");
    // JSSE has no SSLKEYLOGFILE: the fix names a Java agent or the probe for Java.
    assert!(fix.contains("Java (JSSE) has no SSLKEYLOGFILE"), "{fix}");
    assert!(fix.contains("-javaagent"), "{fix}");
    assert!(fix.contains("tlsdiag probe"), "{fix}");
    // Go and rustls read no environment variable: only the program's own key-log setting.
    assert!(fix.contains("KeyLogWriter"), "{fix}");
}
