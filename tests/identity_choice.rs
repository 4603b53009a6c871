//! `analyze --identity` against what real clients did (issue 12 §4/§5): the verdicts and JSSE's
//! choice among several keystore entries are checked against the certificate each real client
//! put on the wire — Java 17 JSSE (SunX509 and PKIX, JKS and PKCS#12:
//! captures/identity-choice.pcap), OpenSSL s_client (server-untrusts-client,
//! rule-client-cert-expired, leaf-only-server-has-root), JSSE with one entry (jsse-mtls-ok, the
//! seed case) and Go 1.19 (go-client-choice.pcap). Everything through the CLI's JSON, the public
//! contract.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn analyze(capture: &str, identity: &Path, extra: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .env_remove("TLSDIAG_PASSWORD")
        .env_remove("SSLKEYLOGFILE")
        .arg("analyze")
        .arg(root().join("captures").join(capture))
        .arg("--identity")
        .arg(identity)
        .arg("--password-file")
        .arg(root().join("captures/keystores/password.txt"))
        .arg("--json")
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A PEM identity (certificate(s) + key) in one temporary file.
fn pem(dir: &Path, name: &str, parts: &[&str]) -> PathBuf {
    let mut text = String::new();
    for p in parts {
        text.push_str(&std::fs::read_to_string(root().join("captures/pki").join(p)).unwrap());
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn by_port(doc: &Value, port: u64) -> &Value {
    doc["connections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["server"]["port"] == port)
        .unwrap_or_else(|| panic!("no connection to port {port}"))
}

/// The finding that carries the identity check, and the check.
fn check(conn: &Value) -> (&Value, &Value) {
    let f = conn["diagnosis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f.get("identity_check").is_some())
        .unwrap_or_else(|| panic!("no identity_check in {}", conn["diagnosis"]));
    (f, &f["identity_check"])
}

fn verdict<'a>(finding: &'a Value, stack: &str) -> &'a Value {
    finding["stack_verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["stack"] == stack)
        .unwrap()
}

fn choice<'a>(check: &'a Value, km: &str) -> &'a Value {
    check["jsse_choices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key_manager"] == km)
        .unwrap()
}

/// Every one of the 16 real JSSE handshakes: the entry our emulation says the key manager in
/// use picks is the entry whose leaf and chain are on the wire.
#[test]
fn jsse_choice_among_several_entries_matches_real_jsse() {
    // (first port of the group, entry SunX509 sent, entry PKIX sent) — read from the wire by
    // tshark when the capture was made (captures/README.md).
    let groups = [
        (8700, "partner-ec", "partner-ec"),
        (8704, "partner-expired", "partner-client"),
        (8708, "other-client", "other-client"),
        (8712, "ssos", "ssos"),
    ];
    let mut checked = 0;
    for (store, offset) in [("multi.jks", 0u64), ("multi.p12", 2)] {
        let doc = analyze(
            "identity-choice.pcap",
            &root().join("captures/keystores").join(store),
            &[],
        );
        for (base, sun, pkix) in groups {
            for (km, delta, want) in [("jsse-sunx509", 0u64, sun), ("jsse-pkix", 1, pkix)] {
                let port = base + offset + delta;
                let conn = by_port(&doc, port);
                let (finding, c) = check(conn);
                assert_eq!(finding["code"], "identity-check", "{port}");
                assert_eq!(c["alias"], Value::Null, "all entries checked");
                assert_eq!(c["entries"].as_array().unwrap().len(), 5);
                assert_eq!(
                    c["wire"]["status"], "same_chain",
                    "{port} {store}: {}",
                    c["wire"]
                );
                assert_eq!(c["wire"]["alias"], want, "{port} {store}: wire");
                let ch = choice(c, km);
                assert_eq!(ch["alias"], want, "{port} {store} {km}: {}", ch["reason"]);
                let v = verdict(finding, km);
                assert_eq!(v["verdict"], "sent");
                assert!(
                    v["reason"]
                        .as_str()
                        .unwrap()
                        .starts_with(&format!("chooses '{want}'")),
                    "{v}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 16);
}

#[test]
fn sunx509_sends_the_expired_entry_pkix_the_valid_one() {
    let doc = analyze(
        "identity-choice.pcap",
        &root().join("captures/keystores/multi.jks"),
        &[],
    );
    // JKS + SunX509 on 8704: the server answered certificate_expired.
    let conn = by_port(&doc, 8704);
    let codes: Vec<&str> = conn["diagnosis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes[0], "client-certificate-expired", "{codes:?}");
    let (f, c) = check(conn);
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("the wire shows SunX509's choice"), "{msg}");
    assert_eq!(choice(c, "jsse-pkix")["pkix_check"], "ok");
    let sun = choice(c, "jsse-sunx509");
    assert!(sun["order"].as_array().unwrap().len() == 5);
    // PKIX on 8705: HTTP 200, and PKIX's choice is what was sent.
    let (f, _) = check(by_port(&doc, 8705));
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("the wire shows PKIX's choice"),
        "{}",
        f["message"]
    );
}

#[test]
fn alias_narrows_to_one_entry_and_names_the_entry_really_sent() {
    let doc = analyze(
        "identity-choice.pcap",
        &root().join("captures/keystores/multi.jks"),
        &["--alias", "partner-client"],
    );
    // 8704 (SunX509) sent partner-expired: another entry of the same keystore.
    let (f, c) = check(by_port(&doc, 8704));
    assert_eq!(c["alias"], "partner-client");
    assert_eq!(c["entries"].as_array().unwrap().len(), 1);
    assert!(c["jsse_choices"].as_array().unwrap().is_empty());
    assert_eq!(c["wire"]["alias"], "partner-expired");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("not the entry checked"),
        "{}",
        f["message"]
    );
    assert_eq!(verdict(f, "jsse-sunx509")["verdict"], "sent");
    assert_eq!(verdict(f, "jsse-sunx509")["cause"], "issuer_listed");
}

/// Single identities on captures made by other clients: the verdicts agree with what the
/// real client there did.
#[test]
fn verdicts_on_success_unknown_ca_and_expired_captures() {
    let dir = tempfile::tempdir().unwrap();
    // JSSE with client.jks, HTTP 200: JSSE sends it, and the wire is this identity.
    let doc = analyze(
        "jsse-mtls-ok.pcap",
        &root().join("captures/keystores/client.jks"),
        &[],
    );
    let conn = &doc["connections"][0];
    let (f, c) = check(conn);
    assert_eq!(f["severity"], "info");
    assert_eq!(c["wire"]["status"], "same_chain");
    assert_eq!(c["wire"]["sent_chain_length"], 2);
    assert_eq!(verdict(f, "jsse-sunx509")["verdict"], "sent");

    // s_client sent customer-client ← Other Root CA, the server listed Partner CAs and answered
    // unknown_ca: OpenSSL sends it regardless (what happened), JSSE and Go would not.
    let other = pem(
        dir.path(),
        "other.pem",
        &["client-other.pem", "client-other.key"],
    );
    let doc = analyze("server-untrusts-client.pcap", &other, &[]);
    let (f, c) = check(&doc["connections"][0]);
    assert_eq!(c["wire"]["status"], "same_chain");
    assert_eq!(verdict(f, "openssl")["verdict"], "sent");
    assert_eq!(verdict(f, "openssl")["cause"], "ca_list_ignored");
    assert_eq!(verdict(f, "jsse-sunx509")["verdict"], "not_sent");
    assert_eq!(verdict(f, "go")["cause"], "issuer_not_listed");

    // s_client with the expired certificate (+ issuing CA), certificate_expired: OpenSSL sends
    // it; PKIX would too, as an imperfect match.
    let expired = pem(
        dir.path(),
        "expired.pem",
        &[
            "client-expired.pem",
            "partner-issuing.pem",
            "client-expired.key",
        ],
    );
    let doc = analyze("rule-client-cert-expired.pcap", &expired, &[]);
    let (f, c) = check(&doc["connections"][0]);
    assert_eq!(c["wire"]["status"], "same_chain", "{}", c["wire"]);
    assert_eq!(verdict(f, "openssl")["verdict"], "sent");
    assert_eq!(verdict(f, "jsse-pkix")["cause"], "imperfect_match");

    // s_client sent only its leaf; the keystore entry holds leaf + issuing CA.
    let doc = analyze(
        "leaf-only-server-has-root.pcap",
        &root().join("captures/keystores/client.jks"),
        &[],
    );
    let (f, c) = check(&doc["connections"][0]);
    assert_eq!(c["wire"]["status"], "same_leaf_other_chain");
    assert_eq!(c["wire"]["sent_chain_length"], 1);
    assert_eq!(c["wire"]["stored_chain_length"], 2);
    assert!(f["message"].as_str().unwrap().contains("but another chain"));

    // Another identity than the one used: "this capture's client used another key".
    let doc = analyze(
        "jsse-mtls-ok.pcap",
        &root().join("captures/keystores/ssos.jks"),
        &[],
    );
    let (f, c) = check(&doc["connections"][0]);
    assert_eq!(c["wire"]["status"], "other_certificate");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("this capture's client used another key"));
}

/// Go 1.19: an empty Certificate where no pair's issuer is listed (our Go verdict: not sent,
/// OpenSSL: sent), and the matching pair sent (Go: sent).
#[test]
fn go_client_choices_agree_with_the_go_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let other = pem(
        dir.path(),
        "other.pem",
        &["client-other.pem", "client-other.key"],
    );
    let doc = analyze("go-client-choice.pcap", &other, &[]);
    let conn = by_port(&doc, 8720);
    assert_eq!(conn["client_certificate"]["count"], 0);
    let (f, c) = check(conn);
    assert_eq!(f["code"], "client-sent-empty-certificate");
    assert_eq!(c["wire"]["status"], "empty_certificate");
    assert_eq!(verdict(f, "go")["verdict"], "not_sent");
    assert_eq!(verdict(f, "openssl")["verdict"], "sent");

    let good = pem(
        dir.path(),
        "client.pem",
        &["client.pem", "partner-issuing.pem", "client.key"],
    );
    let doc = analyze("go-client-choice.pcap", &good, &[]);
    for port in [8721, 8722] {
        let (f, c) = check(by_port(&doc, port));
        assert_eq!(c["wire"]["status"], "same_chain", "{port}");
        assert_eq!(verdict(f, "go")["verdict"], "sent", "{port}");
    }
}

/// The seed case (JSSE sent an empty Certificate) checked against a keystore that JSSE would
/// have answered from: the empty-certificate finding names each key manager's pick.
#[test]
fn empty_certificate_with_a_multi_entry_keystore_names_jsse_picks() {
    let doc = analyze(
        "seed-jsse-empty-cert.pcap",
        &root().join("captures/keystores/multi.jks"),
        &[],
    );
    let (f, c) = check(&doc["connections"][0]);
    assert_eq!(f["code"], "client-sent-empty-certificate");
    assert_eq!(c["wire"]["status"], "empty_certificate");
    // openssl s_server offers ECDSA first: SunX509 takes the EC entry; PKIX finds it not yet
    // valid at the capture's time (it was made after the capture) and takes the valid RSA one.
    assert_eq!(choice(c, "jsse-sunx509")["alias"], "partner-ec");
    assert_eq!(choice(c, "jsse-pkix")["alias"], "partner-client");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("JSSE would send 'partner-ec' (SunX509; PKIX: 'partner-client')"),
        "{msg}"
    );
}

/// JSSE aborted by itself after the CertificateRequest (it sent handshake_failure, no
/// Certificate): the wire check says the Certificate is absent — seen, not guessed.
#[test]
fn a_client_that_stopped_before_its_certificate_is_no_certificate() {
    let doc = analyze(
        "rule-jsse-no-sigalg.pcap",
        &root().join("captures/keystores/client.jks"),
        &[],
    );
    let (f, c) = check(&doc["connections"][0]);
    assert_eq!(f["code"], "identity-check");
    assert_eq!(c["wire"]["status"], "no_certificate");
    assert_eq!(c["wire"]["unknown"], Value::Null);
}
