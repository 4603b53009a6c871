//! `tlsdiag compare`: the decisive difference, chosen by the precedence of docs/compare.md, on
//! pairs of real captures (captured vs captured, or captured vs a pcap the probe saved of its own
//! run against `openssl s_server`: captures/scripts/compare.sh). One test per precedence class,
//! TLS 1.3 with and without key logs on either side, and the wrong stories of issue 12.

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

/// `compare LEFT --probe-pcap RIGHT` with optional key logs, as JSON.
fn compare(left: &str, lkey: Option<&str>, right: &str, rkey: Option<&str>) -> Value {
    let mut args = vec!["compare".to_owned(), cap(left)];
    if let Some(k) = lkey {
        args.extend(["--capture-keylog".into(), cap(k)]);
    }
    args.extend(["--probe-pcap".into(), cap(right)]);
    if let Some(k) = rkey {
        args.extend(["--probe-keylog".into(), cap(k)]);
    }
    args.push("--json".into());
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args(&args)
        .output()
        .expect("run tlsdiag");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn text(left: &str, right: &str, columns: &str, extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args(["compare", &cap(left), "--probe-pcap", &cap(right)])
        .args(extra)
        .env("COLUMNS", columns)
        .env_remove("NO_COLOR")
        .output()
        .expect("run tlsdiag");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn decisive(v: &Value) -> &Value {
    &v["comparison"]["decisive"]
}

fn kind(v: &Value) -> &str {
    decisive(v)["kind"].as_str().unwrap_or("")
}

fn sentence(v: &Value) -> &str {
    decisive(v)["sentence"].as_str().unwrap_or("")
}

fn row<'a>(v: &'a Value, fact: &str) -> &'a Value {
    v["comparison"]["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["fact"] == fact))
        .unwrap_or_else(|| panic!("no row {fact}"))
}

fn decisive_rows(v: &Value) -> Vec<String> {
    v["comparison"]["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter(|r| r["decisive"] == true)
                .map(|r| r["fact"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn same_outcome_same_reason_is_no_decisive_difference() {
    // The seed call captured twice (lo and any): the same empty Certificate, the same alert.
    let v = compare(
        "seed-jsse-empty-cert.pcap",
        None,
        "seed-jsse-empty-cert-any.pcap",
        None,
    );
    assert_eq!(kind(&v), "same_outcome");
    assert!(v["comparison"]["decisive_difference"].is_null());
    assert_eq!(decisive(&v)["alert"]["name"], "handshake_failure");
    assert!(decisive_rows(&v).is_empty());
}

#[test]
fn client_certificate_sent_on_one_side_only() {
    let v = compare("seed-jsse-empty-cert.pcap", None, "jsse-mtls-ok.pcap", None);
    assert_eq!(kind(&v), "client_certificate_sent");
    assert_eq!(decisive(&v)["side"], "left");
    assert_eq!(decisive_rows(&v), ["client certificate"]);
    let s = sentence(&v);
    assert!(s.contains("empty Certificate"), "{s}");
    assert!(s.contains("2 certificate(s)"), "{s}");
    assert!(s.contains("the server accepted it"), "{s}");
}

/// Issue 12 (b): a captured empty Certificate + handshake_failure against a probe that sent two
/// certificates and got unknown_ca was "No decisive difference". The contrast is the answer.
#[test]
fn empty_certificate_vs_probe_rejected_with_unknown_ca_is_the_contrast() {
    for (probe, key) in [
        (
            "compare-probe-unknown-ca.pcap",
            Some("compare-probe-unknown-ca.keylog"),
        ),
        // TLS 1.2: the probe's certificates and the alert are in clear without its key log.
        ("compare-probe-unknown-ca.pcap", None),
        (
            "compare-probe-unknown-ca-tls13.pcap",
            Some("compare-probe-unknown-ca-tls13.keylog"),
        ),
    ] {
        let v = compare("seed-jsse-empty-cert.pcap", None, probe, key);
        assert_eq!(kind(&v), "client_certificate_sent", "{probe} {key:?}");
        let s = sentence(&v);
        assert!(s.contains("sent 2 certificate(s)"), "{s}");
        assert!(s.contains("unknown_ca (48)"), "{s}");
        assert!(s.contains("does not trust the issuer"), "{s}");
        assert!(!s.contains("No decisive difference"), "{s}");
        assert_eq!(decisive(&v)["alert"]["name"], "handshake_failure");
    }
}

#[test]
fn server_rejects_one_client_certificate_and_says_why() {
    for (capture, reason, alert) in [
        ("server-untrusts-client.pcap", "issuer", "unknown_ca"),
        (
            "rule-client-cert-expired.pcap",
            "expiry",
            "certificate_expired",
        ),
        ("rule-key-mismatch.pcap", "key", "decrypt_error"),
        ("leaf-only-server-has-root.pcap", "chain", "unknown_ca"),
    ] {
        let v = compare(capture, None, "jsse-mtls-ok.pcap", None);
        assert_eq!(kind(&v), "client_certificate_rejected", "{capture}");
        assert_eq!(decisive(&v)["reason"], reason, "{capture}");
        assert_eq!(decisive(&v)["alert"]["name"], alert, "{capture}");
        assert_eq!(decisive_rows(&v), ["client certificate"], "{capture}");
    }
    let v = compare(
        "server-untrusts-client.pcap",
        None,
        "jsse-mtls-ok.pcap",
        None,
    );
    let s = sentence(&v);
    assert!(
        s.contains("does not accept the issuer CN=Other Root CA"),
        "{s}"
    );
    assert!(s.contains("issued by CN=Partner Issuing CA"), "{s}");
}

/// Issue 12 (c): a client that rejected the server's certificate, beside a good handshake, was
/// "the server asked the two clients for different CAs".
#[test]
fn client_rejecting_the_server_certificate_is_named() {
    let v = compare(
        "client-untrusts-server.pcap",
        None,
        "jsse-mtls-ok.pcap",
        None,
    );
    assert_eq!(kind(&v), "server_certificate_rejected");
    assert_eq!(decisive(&v)["alert"]["name"], "certificate_unknown");
    assert_eq!(decisive_rows(&v), ["server certificate"]);
    let s = sentence(&v);
    assert!(s.contains("rejected the server's certificate"), "{s}");
    assert!(s.contains("truststore"), "{s}");
    assert!(!s.contains("different CAs"), "{s}");
    // The same server certificate on both sides: its row does not differ.
    assert_eq!(row(&v, "server certificate")["differs"], false);
    // Hostname mismatch: JSSE checked a name the certificate does not carry.
    let v = compare(
        "rule-hostname-mismatch.pcap",
        None,
        "jsse-mtls-ok.pcap",
        None,
    );
    assert_eq!(kind(&v), "server_certificate_rejected");
    assert_eq!(decisive(&v)["reason"], "name");
    assert!(sentence(&v).contains("wrong-name.test"), "{}", sentence(&v));
    // An expired server certificate.
    let v = compare(
        "rule-server-cert-expired.pcap",
        None,
        "jsse-mtls-ok.pcap",
        None,
    );
    assert_eq!(kind(&v), "server_certificate_rejected");
    assert_eq!(decisive(&v)["reason"], "expiry");
}

#[test]
fn parameters_version_and_cipher_suite() {
    // s_client -tls1_2 against a TLS 1.3-only server, beside curl's TLS 1.3 call.
    let v = compare(
        "rule-protocol-version.pcap",
        None,
        "tls13-client-cert.pcap",
        Some("tls13-client-cert.keylog"),
    );
    assert_eq!(kind(&v), "parameters");
    assert_eq!(decisive(&v)["parameter"], "version");
    assert_eq!(decisive(&v)["alert"]["name"], "protocol_version");
    assert_eq!(decisive_rows(&v), ["ClientHello versions"]);
    assert!(sentence(&v).contains("TLS 1.3"), "{}", sentence(&v));
    // JSSE offering one suite the server does not allow.
    let v = compare("no-shared-cipher.pcap", None, "jsse-mtls-ok.pcap", None);
    assert_eq!(kind(&v), "parameters");
    assert_eq!(decisive(&v)["parameter"], "cipher_suite");
    assert_eq!(decisive_rows(&v), ["cipher suites"]);
}

#[test]
fn sni_decides_when_the_server_refuses_the_name() {
    // Both s_client: old-partner.test (unrecognized_name) vs a completed call.
    let v = compare(
        "rule-unrecognized-name.pcap",
        None,
        "rule-sni-ip-literal.pcap",
        None,
    );
    assert_eq!(kind(&v), "sni");
    assert_eq!(decisive_rows(&v), ["SNI"]);
    assert!(
        sentence(&v).contains("old-partner.test"),
        "{}",
        sentence(&v)
    );
}

/// Issue 12 (a): a TLS 1.3 side without keys showed "not requested", "CAs –" and then "the
/// server asked the two clients for different CAs". Unknown is never a difference.
#[test]
fn tls13_without_keys_is_unknown_never_a_difference() {
    let v = compare(
        "tls13-no-client-cert.pcap",
        None,
        "tls13-client-cert.pcap",
        None,
    );
    assert_eq!(kind(&v), "unknown");
    let s = sentence(&v);
    assert!(!s.contains("different CAs"), "{s}");
    assert!(s.contains("--capture-keylog"), "{s}");
    assert!(s.contains("--probe-keylog"), "{s}");
    assert!(s.contains("an inference, not seen"), "{s}");
    let unknown = decisive(&v)["unknown"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(unknown.iter().any(|u| u["side"] == "left"
        && u["fact"] == "client_certificate"
        && u["reason"] == "encrypted_without_keys"
        && u["reveal"] == "key_log"
        && u["inference"] == "no_client_certificate"));
    assert!(unknown
        .iter()
        .any(|u| u["side"] == "right" && u["inference"] == "client_certificate_sent"));
    for fact in [
        "CertificateRequest CAs",
        "client certificate",
        "server certificate",
    ] {
        let r = row(&v, fact);
        assert_eq!(r["unknown"], true, "{fact}");
        assert_eq!(r["differs"], false, "{fact}");
        assert!(r["left"].as_str().unwrap_or("").starts_with("? unknown"));
    }
    assert!(decisive_rows(&v).is_empty());
}

#[test]
fn tls13_with_key_logs_on_either_side() {
    // Both key logs: the empty Certificate and certificate_required are read.
    let v = compare(
        "tls13-no-client-cert.pcap",
        Some("tls13-no-client-cert.keylog"),
        "tls13-client-cert.pcap",
        Some("tls13-client-cert.keylog"),
    );
    assert_eq!(kind(&v), "client_certificate_sent");
    assert_eq!(decisive(&v)["alert"]["name"], "certificate_required");
    assert!(decisive(&v)["unknown"]
        .as_array()
        .is_some_and(|u| u.is_empty()));
    // Only the captured side's key log: the probe's answer is unknown, so nothing is decided,
    // and the answer names the probe's key log.
    let v = compare(
        "tls13-no-client-cert.pcap",
        Some("tls13-no-client-cert.keylog"),
        "tls13-client-cert.pcap",
        None,
    );
    assert_eq!(kind(&v), "unknown");
    let u = decisive(&v)["unknown"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(u.iter().all(|u| u["side"] == "right"), "{u:?}");
    assert!(sentence(&v).contains("--probe-keylog"));
    assert!(!sentence(&v).contains("--capture-keylog"));
    // Only the probe's key log.
    let v = compare(
        "tls13-no-client-cert.pcap",
        None,
        "tls13-client-cert.pcap",
        Some("tls13-client-cert.keylog"),
    );
    assert_eq!(kind(&v), "unknown");
    let u = decisive(&v)["unknown"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(u.iter().all(|u| u["side"] == "left"), "{u:?}");
    assert!(sentence(&v).contains("--capture-keylog"));
    // A TLS 1.2 capture vs a TLS 1.3 probe without its key log: the version differs, but it is
    // not named decisive while the probe's certificate answer is unknown.
    let v = compare(
        "seed-jsse-empty-cert.pcap",
        None,
        "compare-probe-unknown-ca-tls13.pcap",
        None,
    );
    assert_eq!(kind(&v), "unknown");
    assert!(decisive(&v)["parameter"].is_null());
    assert!(sentence(&v).contains("not decisive while that is unknown"));
}

#[test]
fn text_uses_the_width_colours_on_request_and_never_cuts_the_answer() {
    let narrow = text(
        "server-untrusts-client.pcap",
        "jsse-mtls-ok.pcap",
        "72",
        &["--color", "never"],
    );
    assert!(narrow.lines().all(|l| l.chars().count() <= 72), "{narrow}");
    assert!(!narrow.contains('\x1b'));
    // The decisive row is wrapped, not cut: both issuers are whole in it.
    let joined: String = narrow.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(joined.contains("CN=Other Root"), "{narrow}");
    let client_rows: Vec<&str> = narrow
        .lines()
        .skip_while(|l| !l.starts_with("client certificate"))
        .take_while(|l| !l.starts_with("client key"))
        .collect();
    assert!(client_rows.len() > 1, "{narrow}");
    assert!(!client_rows.iter().any(|l| l.contains('…')), "{narrow}");
    let wide = text(
        "server-untrusts-client.pcap",
        "jsse-mtls-ok.pcap",
        "160",
        &["--color", "never"],
    );
    assert!(wide.lines().any(|l| l.chars().count() > 100), "{wide}");
    let coloured = text(
        "server-untrusts-client.pcap",
        "jsse-mtls-ok.pcap",
        "100",
        &["--color", "always"],
    );
    assert!(coloured.contains("\x1b[1;31m"), "{coloured}");
}
