//! The decoded facts of every real capture in captures/ (made by captures/scripts/generate.sh
//! with JSSE, OpenSSL and curl): the CA names, the empty Certificate, the alert and who sent it,
//! the outcome, the diagnosis code. Each test is named after what it guards.

use std::path::PathBuf;
use tlsdiag::analyze::{analyze_path, AnalyzeOptions};
use tlsdiag::model::{
    AlertDescription, AlertLevel, Analysis, ClientCert, Confidence, Connection, Fact,
    HandshakeType, InferenceClaim, MessageKind, OutcomeStatus, Reveal, Side, UnknownReason,
};

fn cap(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

fn analyze(name: &str) -> Analysis {
    let mut a = analyze_path(&cap(name), &AnalyzeOptions::default()).expect(name);
    tlsdiag::diagnose::diagnose_analysis(&mut a, &Default::default());
    a
}

fn only(name: &str) -> Connection {
    let a = analyze(name);
    assert_eq!(
        a.connections.len(),
        1,
        "{name}: {} connections",
        a.connections.len()
    );
    a.connections.into_iter().next().unwrap()
}

fn codes(c: &Connection) -> Vec<&str> {
    c.diagnosis.iter().map(|f| f.code.as_str()).collect()
}

const PARTNER_CAS: [&str; 2] = [
    "CN=Partner Issuing CA,O=Partner Corp,C=DE",
    "CN=Partner Root CA,O=Partner Corp,C=DE",
];

fn assert_seed(c: &Connection) {
    let ch = c.tls.client_hello.as_ref().unwrap();
    assert_eq!(ch.sni.as_deref(), Some("partner.test"));
    assert_eq!(c.tls.tls_version.as_ref().unwrap().name, Some("TLS 1.2"));
    let req = c
        .tls
        .certificate_request
        .as_ref()
        .expect("CertificateRequest");
    let cas: Vec<&str> = req
        .certificate_authorities
        .iter()
        .map(|d| d.text.as_str())
        .collect();
    assert_eq!(cas, PARTNER_CAS);
    let types: Vec<&str> = req
        .certificate_types
        .iter()
        .filter_map(|t| t.name)
        .collect();
    assert_eq!(types, ["rsa_sign", "dss_sign", "ecdsa_sign"]);
    let cc = c
        .tls
        .client_certificate
        .as_ref()
        .expect("client Certificate");
    assert_eq!((cc.count, cc.certificates_length), (0, 0));
    let a = &c.tls.alerts[0];
    assert_eq!(
        (a.from, a.level(), a.description(), a.code()),
        (
            Side::Server,
            Some(AlertLevel::FATAL),
            Some(AlertDescription::HANDSHAKE_FAILURE),
            Some(40)
        )
    );
    assert!(a.frame > cc.frame);
    assert_eq!(c.tls.outcome.status, OutcomeStatus::Failed);
    assert_eq!(c.tls.outcome.alert_from, Some(Side::Server));
    assert_eq!(
        c.tls.outcome.failed_after.as_deref(),
        Some("client Certificate (empty)")
    );
    assert_eq!(codes(c).first(), Some(&"client-sent-empty-certificate"));
    assert_eq!(c.tls.server_certificates.len(), 2);
    assert_eq!(
        c.tls.server_certificates[0].subject.text,
        "CN=partner.test,O=Partner Corp,C=DE"
    );
    assert_eq!(
        c.tls.server_certificates[0].san_dns,
        ["partner.test", "localhost"]
    );
}

#[test]
fn seed_jsse_empty_certificate_and_server_handshake_failure() {
    let c = only("seed-jsse-empty-cert.pcap");
    assert_seed(&c);
    assert!(c.capture.syn_seen && !c.capture.roles_inferred);
}

#[test]
fn seed_variants_sll2_and_nanosecond_decode_the_same() {
    let a = analyze("seed-jsse-empty-cert-any.pcap");
    assert_eq!(a.source.link_types, ["LINUX_SLL2"]);
    assert_seed(&a.connections[0]);
    let n = analyze("seed-jsse-empty-cert-nano.pcap");
    assert_seed(&n.connections[0]);
    // Nanosecond timestamps survive: the start time has sub-microsecond digits in ts_ns.
    assert_ne!(
        n.connections[0].start_ts_ns % 1000,
        0,
        "nanosecond precision lost"
    );
}

#[test]
fn jsse_mutual_tls_success_with_chain() {
    let c = only("jsse-mtls-ok.pcap");
    assert_eq!(c.tls.outcome.status, OutcomeStatus::Completed);
    let cc = c.tls.client_certificate.as_ref().unwrap();
    assert_eq!(cc.count, 2);
    assert_eq!(
        cc.chain[0].subject.text,
        "CN=customer-client,O=Customer Inc,C=US"
    );
    assert_eq!(cc.chain[0].issuer.text, PARTNER_CAS[0]);
    assert_eq!(cc.chain[0].extended_key_usage, ["clientAuth"]);
    assert!(c
        .tls
        .client_certificate_verify
        .as_ref()
        .unwrap()
        .algorithm
        .is_some());
    assert!(c.tls.application_data.client_records > 0 && c.tls.application_data.server_records > 0);
    assert!(
        c.diagnosis
            .iter()
            .all(|f| f.severity < tlsdiag::model::Severity::Warning),
        "{:?}",
        codes(&c)
    );
}

#[test]
fn tls13_without_keys_is_encrypted_and_inferred() {
    let fail = only("tls13-no-client-cert.pcap");
    assert_eq!(fail.tls.tls_version.as_ref().unwrap().code, 0x0304);
    assert!(
        fail.tls.certificate_request.is_none(),
        "encrypted: must not be invented"
    );
    assert_eq!(fail.tls.outcome.status, OutcomeStatus::Failed);
    assert!(
        fail.tls.inferences[0].what.contains("no certificate"),
        "{:?}",
        fail.tls.inferences
    );
    assert!(codes(&fail).contains(&"tls13-handshake-encrypted"));
    let ok = only("tls13-client-cert.pcap");
    assert_eq!(ok.tls.outcome.status, OutcomeStatus::CompletedEncrypted);
    assert!(
        ok.tls.inferences[0].what.contains("sent a certificate"),
        "{:?}",
        ok.tls.inferences
    );
}

#[test]
fn no_shared_cipher_fails_right_after_client_hello() {
    let c = only("no-shared-cipher.pcap");
    assert!(c.tls.server_hello.is_none());
    assert_eq!(c.tls.alerts[0].code(), Some(40));
    assert_eq!(c.tls.alerts[0].from, Side::Server);
    assert_eq!(codes(&c), ["no-common-parameters"]);
}

#[test]
fn client_that_does_not_trust_the_server_sends_the_alert() {
    let c = only("client-untrusts-server.pcap");
    let a = &c.tls.alerts[0];
    assert_eq!(
        (a.from, a.description()),
        (Side::Client, Some(AlertDescription::CERTIFICATE_UNKNOWN))
    );
    assert_eq!(codes(&c)[0], "client-rejected-server-certificate");
    assert!(c.diagnosis[0]
        .details
        .iter()
        .any(|d| d.contains("The client must trust: CN=Partner Root CA")));
}

#[test]
fn server_that_does_not_trust_the_client_issuer() {
    let c = only("server-untrusts-client.pcap");
    assert_eq!(
        c.tls.client_certificate.as_ref().unwrap().chain[0]
            .issuer
            .text,
        "CN=Other Root CA,O=Other Trust Services,C=US"
    );
    assert_eq!(
        (c.tls.alerts[0].from, c.tls.alerts[0].code()),
        (Side::Server, Some(48))
    );
    assert_eq!(codes(&c)[0], "server-rejected-client-certificate");
}

#[test]
fn client_sends_only_its_leaf_while_server_holds_only_the_root() {
    let c = only("leaf-only-server-has-root.pcap");
    let req = c.tls.certificate_request.as_ref().unwrap();
    assert_eq!(
        req.certificate_authorities
            .iter()
            .map(|d| d.text.as_str())
            .collect::<Vec<_>>(),
        [PARTNER_CAS[1]]
    );
    assert_eq!(c.tls.client_certificate.as_ref().unwrap().count, 1);
    assert_eq!(codes(&c)[0], "client-chain-incomplete");
}

#[test]
fn big_chain_and_long_ca_list_across_mtu_1500_segments() {
    let c = only("big-chain-mtu1500.pcap");
    assert_eq!(c.tls.server_certificates.len(), 5);
    let req = c.tls.certificate_request.as_ref().unwrap();
    assert_eq!(req.certificate_authorities.len(), 50);
    assert_eq!(
        req.certificate_authorities[0].text,
        "CN=Partner Member CA 1,OU=Certification Services,O=Partner Group Member 1,C=DE"
    );
    assert!(
        c.capture.server_frames > 5,
        "the flight must really span many segments"
    );
    assert_eq!(c.tls.outcome.status, OutcomeStatus::Completed);
}

#[test]
fn reordered_and_duplicated_segments_decode_like_the_original() {
    let a = only("big-chain-mtu1500.pcap");
    let b = only("derived-reordered-duplicated.pcap");
    let names = |c: &Connection| {
        c.tls
            .messages
            .iter()
            .map(|m| (m.from, m.kind, m.detail.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a), names(&b));
    assert_eq!(
        a.tls.certificate_request.unwrap().certificate_authorities,
        b.tls.certificate_request.unwrap().certificate_authorities
    );
    assert!(b.capture.gaps.is_empty());
}

#[test]
fn gap_marks_capture_incomplete_and_nothing_after_is_decoded() {
    let c = only("derived-gap.pcap");
    assert_eq!(c.capture.gaps.len(), 1);
    let g = &c.capture.gaps[0];
    assert_eq!(g.side, Side::Server);
    assert!(
        c.tls
            .messages
            .iter()
            .all(|m| !(m.from == Side::Server && m.frame > g.frame)),
        "decoded past the gap"
    );
    assert_eq!(c.tls.outcome.status, OutcomeStatus::Incomplete);
    assert!(codes(&c).contains(&"capture-gap"));
}

#[test]
fn one_direction_and_missing_handshake_are_said() {
    let c = only("derived-one-direction.pcap");
    assert_eq!(c.capture.client_bytes, 0);
    assert!(codes(&c).contains(&"capture-one-direction"));
    let m = only("derived-handshake-missing.pcap");
    assert!(m.tls.client_hello.is_none());
    assert!(codes(&m).contains(&"capture-handshake-missing"));
}

#[test]
fn many_connections_mixed_with_plain_http() {
    let a = analyze("many-connections.pcap");
    // Since schema 1.3 the plain-HTTP flows are listed as such (never as TLS).
    let plain: Vec<_> = a.connections.iter().filter(|c| c.is_plain_http()).collect();
    assert_eq!(plain.len(), 4);
    let mut seen = Vec::new();
    for c in &plain {
        assert!(c.tls.client_hello.is_none() && c.tls.messages.is_empty());
        let h = c.tls.http.as_ref().unwrap();
        let e = &h.known_exchanges()[0];
        let (req, res) = (e.request.as_ref().unwrap(), e.response.as_ref().unwrap());
        assert_eq!(req.method, "GET");
        seen.push(format!("{} {}", req.target, res.status));
        let codes: Vec<&str> = c.diagnosis.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            if res.status == 404 {
                vec!["http-error"]
            } else {
                vec![]
            }
        );
    }
    // python3 -m http.server: three `GET /`, one `GET /captures` that it does not have.
    assert_eq!(seen, ["/ 200", "/ 200", "/ 200", "/captures 404"]);
    assert_eq!(a.connections.len() - plain.len(), 9, "9 TLS connections");
    assert!(a.source.tcp_flows > 9);
    let empty = a
        .connections
        .iter()
        .filter(|c| {
            c.tls
                .client_certificate
                .as_ref()
                .is_some_and(|cc| cc.count == 0)
        })
        .count();
    assert_eq!(empty, 2);
    let ids: Vec<usize> = a.connections.iter().map(|c| c.id).collect();
    assert_eq!(ids, (1..=13).collect::<Vec<_>>());
    assert!(a
        .connections
        .windows(2)
        .all(|w| w[0].first_frame < w[1].first_frame));
}

#[test]
fn pcapng_with_two_link_types_and_ipv6() {
    let a = analyze("two-interfaces-ipv6.pcapng");
    assert_eq!(a.source.format, "pcapng");
    assert_eq!(a.source.link_types, ["LINUX_SLL", "ETHERNET"]);
    assert_eq!(a.connections.len(), 2);
    assert_eq!(a.connections[0].client.ip.to_string(), "::1");
    assert_eq!(
        a.connections[0].tls.outcome.status,
        OutcomeStatus::Completed
    );
    assert_eq!(
        a.connections[1]
            .tls
            .client_certificate
            .as_ref()
            .unwrap()
            .count,
        0
    );
}

#[test]
fn connection_filters() {
    let by_port = analyze_path(
        &cap("many-connections.pcap"),
        &AnalyzeOptions {
            port: Some(8481),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(by_port.connections.len(), 1);
    assert_eq!(by_port.connections[0].server.port, 8481);
    let by_sni = analyze_path(
        &cap("many-connections.pcap"),
        &AnalyzeOptions {
            sni: Some("PARTNER.TEST".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(by_sni
        .connections
        .iter()
        .all(|c| c.tls.client_hello.as_ref().unwrap().sni.as_deref() == Some("partner.test")));
    assert!(!by_sni.connections.is_empty() && by_sni.connections.len() < 9);
}

// ---- diagnosis rules, each shown by a real capture ----

#[test]
fn rule_empty_ca_list_means_no_key_loaded() {
    let c = only("rule-empty-ca-list.pcap");
    assert!(c
        .tls
        .certificate_request
        .as_ref()
        .unwrap()
        .certificate_authorities
        .is_empty());
    assert_eq!(codes(&c)[0], "client-had-no-certificate");
}

#[test]
fn rule_client_certificate_expired() {
    let c = only("rule-client-cert-expired.pcap");
    assert_eq!(
        c.tls.alerts[0].description(),
        Some(AlertDescription::CERTIFICATE_EXPIRED)
    );
    assert_eq!(codes(&c)[0], "client-certificate-expired");
}

#[test]
fn rule_hostname_mismatch_and_server_expired() {
    let c = only("rule-hostname-mismatch.pcap");
    assert_eq!(
        c.tls.client_hello.as_ref().unwrap().sni.as_deref(),
        Some("wrong-name.test")
    );
    assert_eq!(
        codes(&c),
        ["client-rejected-server-certificate", "server-name-mismatch"]
    );
    let e = only("rule-server-cert-expired.pcap");
    assert_eq!(
        (e.tls.alerts[0].from, e.tls.alerts[0].code()),
        (Side::Client, Some(45))
    );
    assert!(codes(&e).contains(&"server-certificate-expired"));
}

#[test]
fn rule_jsse_aborts_itself_without_a_common_signature_algorithm() {
    let c = only("rule-jsse-no-sigalg.pcap");
    assert_eq!(
        (c.tls.alerts[0].from, c.tls.alerts[0].code()),
        (Side::Client, Some(40))
    );
    assert!(c.tls.client_certificate.is_none());
    assert_eq!(codes(&c)[0], "client-aborted-after-certificate-request");
}

#[test]
fn rule_protocol_version_unrecognized_name_and_missing_sni() {
    assert_eq!(
        codes(&only("rule-protocol-version.pcap"))[0],
        "protocol-version-mismatch"
    );
    let u = only("rule-unrecognized-name.pcap");
    assert_eq!(u.tls.alerts[0].code(), Some(112));
    assert_eq!(codes(&u)[0], "unrecognized-name");
    let n = only("rule-no-sni.pcap");
    assert!(n.tls.client_hello.as_ref().unwrap().sni.is_none());
    assert_eq!(codes(&n), ["client-sent-empty-certificate", "sni-missing"]);
}

#[test]
fn rule_renegotiation_after_application_data() {
    let c = only("rule-renegotiation.pcap");
    assert!(!c.tls.renegotiation_frames.is_empty());
    let first_app = c.tls.application_data.first_frame.unwrap();
    assert!(c.tls.renegotiation_frames[0] > first_app);
    assert!(codes(&c).contains(&"renegotiation-after-request"));
}

// ---- TLS 1.3 / renegotiation with key logs (issue 6) ----

fn with_keylog(name: &str, keylog: &str) -> Connection {
    let kl = tlsdiag::tls::keylog::KeyLog::from_file(&cap(keylog)).unwrap();
    let opts = AnalyzeOptions {
        decode: tlsdiag::tls::DecodeOptions {
            keylog: Some(std::sync::Arc::new(kl)),
            ..Default::default()
        },
        ..Default::default()
    };
    let mut a = analyze_path(&cap(name), &opts).unwrap();
    tlsdiag::diagnose::diagnose_analysis(&mut a, &Default::default());
    a.connections.into_iter().next().unwrap()
}

/// The connection ended with a decrypted close_notify from each side, client first.
fn assert_both_close_notify_decrypted(c: &Connection, pcap: &str) {
    assert_eq!(
        c.tls
            .alerts
            .iter()
            .map(|a| (a.from, a.code(), a.decrypted))
            .collect::<Vec<_>>(),
        [(Side::Client, Some(0), true), (Side::Server, Some(0), true)],
        "{pcap}"
    );
}

/// Options with the key log `name` whose secrets are reversed: the right client randoms with
/// wrong keys.
fn with_reversed_secrets(name: &str) -> AnalyzeOptions {
    let text = std::fs::read_to_string(cap(name)).unwrap();
    let broken: String = text
        .lines()
        .map(|l| {
            let mut p: Vec<String> = l.split(' ').map(str::to_owned).collect();
            if p.len() == 3 {
                p[2] = p[2].chars().rev().collect();
            }
            p.join(" ") + "\n"
        })
        .collect();
    AnalyzeOptions {
        decode: tlsdiag::tls::DecodeOptions {
            keylog: Some(std::sync::Arc::new(tlsdiag::tls::keylog::KeyLog::parse(
                &broken,
            ))),
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn tls13_keylog_reveals_ca_list_empty_certificate_and_certificate_required() {
    let c = with_keylog("tls13-no-client-cert.pcap", "tls13-no-client-cert.keylog");
    assert_eq!(
        c.tls.decryption,
        tlsdiag::model::DecryptionStatus::Decrypted
    );
    let req = c.tls.certificate_request.as_ref().unwrap();
    assert!(req.tls13 && req.decrypted);
    assert_eq!(
        req.certificate_authorities
            .iter()
            .map(|d| d.text.as_str())
            .collect::<Vec<_>>(),
        PARTNER_CAS
    );
    let cc = c.tls.client_certificate.as_ref().unwrap();
    assert_eq!(
        (cc.count, cc.certificates_length, cc.decrypted),
        (0, 0, true)
    );
    let a = c.tls.alerts.iter().find(|a| a.is_fatal()).unwrap();
    assert_eq!(
        (a.from, a.description(), a.code(), a.decrypted),
        (
            Side::Server,
            Some(AlertDescription::CERTIFICATE_REQUIRED),
            Some(116),
            true
        )
    );
    assert_eq!(c.tls.outcome.status, OutcomeStatus::Failed);
    assert_eq!(codes(&c)[0], "client-sent-empty-certificate");
    assert!(codes(&c).contains(&"certificate-required"));
    assert!(!codes(&c).contains(&"tls13-handshake-encrypted"));
}

#[test]
fn tls13_inference_agrees_with_the_decrypted_truth() {
    for (pcap, keylog) in [
        ("tls13-no-client-cert.pcap", "tls13-no-client-cert.keylog"),
        ("tls13-client-cert.pcap", "tls13-client-cert.keylog"),
        ("rule-tls13-pha.pcap", "rule-tls13-pha.keylog"),
    ] {
        let inferred = only(pcap);
        let truth = with_keylog(pcap, keylog);
        let sent = truth
            .tls
            .client_certificate
            .as_ref()
            .is_some_and(|cc| cc.count > 0);
        let inf = &inferred.tls.inferences[0];
        let says_sent = inf.what.contains("sent a certificate");
        assert_eq!(
            says_sent, sent,
            "{pcap}: inferred {:?} but the decrypted Certificate says sent={sent}",
            inf.what
        );
        assert_ne!(inf.confidence, Confidence::Low, "{pcap}");
        // Outcome agrees too.
        let ok = |s: OutcomeStatus| {
            matches!(
                s,
                OutcomeStatus::Completed | OutcomeStatus::CompletedEncrypted
            )
        };
        assert_eq!(
            ok(inferred.tls.outcome.status),
            ok(truth.tls.outcome.status),
            "{pcap}"
        );
    }
}

#[test]
fn wrong_key_log_says_no_matching_key_never_garbage() {
    // Another connection's key log: no entry for this client random.
    let c = with_keylog("tls13-no-client-cert.pcap", "tls13-client-cert.keylog");
    assert_eq!(c.tls.decryption, tlsdiag::model::DecryptionStatus::NoKey);
    assert!(c.tls.certificate_request.is_none() && c.tls.client_certificate.is_none());
    // The right client random with wrong secrets: the AEAD tag fails, reported as such.
    let opts = with_reversed_secrets("tls13-no-client-cert.keylog");
    let a = analyze_path(&cap("tls13-no-client-cert.pcap"), &opts).unwrap();
    let c = &a.connections[0];
    assert_eq!(c.tls.decryption, tlsdiag::model::DecryptionStatus::Failed);
    assert!(c
        .tls
        .anomalies
        .iter()
        .any(|x| x.kind == "decryption_failed" && x.detail.contains("no matching key")));
    assert!(
        c.tls.certificate_request.is_none(),
        "no garbage facts from a wrong key"
    );
}

#[test]
fn renegotiation_request_read_with_tls12_key_log() {
    let c = with_keylog("rule-renegotiation.pcap", "rule-renegotiation.keylog");
    let req = c
        .tls
        .certificate_request
        .as_ref()
        .expect("renegotiated CertificateRequest");
    assert!(req.post_handshake && req.decrypted);
    assert_eq!(req.certificate_authorities.len(), 2);
    assert_eq!(c.tls.client_certificate.as_ref().unwrap().count, 2);
    let f = c
        .diagnosis
        .iter()
        .find(|f| f.code == "renegotiation-after-request")
        .unwrap();
    assert!(
        f.message.contains("decrypted with the key log"),
        "{}",
        f.message
    );
}

/// Older IIS prefers AES-CBC with HMAC: the renegotiation is read through CBC records too, with
/// MAC-then-encrypt (what SChannel and JSSE do; HMAC-SHA1) and with encrypt_then_mac (RFC 7366,
/// OpenSSL's default; HMAC-SHA384).
#[test]
fn renegotiation_request_read_through_cbc_suites() {
    for (pcap, keylog, suite, etm) in [
        (
            "rule-renegotiation-cbc.pcap",
            "rule-renegotiation-cbc.keylog",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            false,
        ),
        (
            "rule-renegotiation-cbc-etm.pcap",
            "rule-renegotiation-cbc-etm.keylog",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            true,
        ),
    ] {
        let c = with_keylog(pcap, keylog);
        let sh = c.tls.server_hello.as_ref().unwrap();
        assert_eq!(sh.cipher_suite.name, Some(suite), "{pcap}");
        assert_eq!(sh.extensions.iter().any(|e| e.code == 22), etm, "{pcap}");
        assert_eq!(
            c.tls.decryption,
            tlsdiag::model::DecryptionStatus::Decrypted,
            "{pcap}"
        );
        assert!(c.tls.anomalies.is_empty(), "{pcap}: {:?}", c.tls.anomalies);
        let req = c.tls.certificate_request.as_ref().expect(pcap);
        assert!(req.post_handshake && req.decrypted, "{pcap}");
        assert_eq!(
            req.certificate_authorities
                .iter()
                .map(|d| d.text.as_str())
                .collect::<Vec<_>>(),
            PARTNER_CAS,
            "{pcap}"
        );
        let cc = c.tls.client_certificate.as_ref().unwrap();
        assert_eq!(cc.count, 2, "{pcap}");
        assert_eq!(
            cc.chain[0].subject.text,
            "CN=customer-client,O=Customer Inc,C=US"
        );
        // Both close_notify alerts, encrypted under the renegotiated keys, are read.
        assert_both_close_notify_decrypted(&c, pcap);
        assert!(codes(&c).contains(&"renegotiation-after-request"));

        // A wrong key (the secrets reversed) fails the MAC: reported, never decoded.
        let opts = with_reversed_secrets(keylog);
        let a = analyze_path(&cap(pcap), &opts).unwrap();
        let w = &a.connections[0];
        assert_eq!(w.tls.decryption, tlsdiag::model::DecryptionStatus::Failed);
        assert!(w.tls.certificate_request.is_none(), "{pcap}: no garbage");
        assert!(w
            .tls
            .anomalies
            .iter()
            .any(|x| x.kind == "decryption_failed"));
    }
}

/// TLS 1.0 and 1.1 with their client's key log: the older PRF (MD5 ⊕ SHA-1), explicit IVs in
/// 1.1 and IVs chained across records in 1.0 — including across the application data that is
/// skipped, not decrypted — so both close_notify alerts after the data are read.
#[test]
fn legacy_tls_key_logs_decrypt_cbc_records() {
    for (pcap, keylog, version) in [
        ("tls10-cbc.pcap", "tls10-cbc.keylog", 0x0301),
        ("tls11-cbc.pcap", "tls11-cbc.keylog", 0x0302),
    ] {
        let c = with_keylog(pcap, keylog);
        assert_eq!(c.tls.tls_version.as_ref().unwrap().code, version, "{pcap}");
        assert_eq!(
            c.tls.server_hello.as_ref().unwrap().cipher_suite.name,
            Some("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")
        );
        assert_eq!(
            c.tls.decryption,
            tlsdiag::model::DecryptionStatus::Decrypted,
            "{pcap}"
        );
        assert!(c.tls.anomalies.is_empty(), "{pcap}: {:?}", c.tls.anomalies);
        assert!(c.tls.application_data.client_records > 0, "{pcap}");
        assert_both_close_notify_decrypted(&c, pcap);
        assert_eq!(c.tls.outcome.status, OutcomeStatus::Completed);
    }
}

#[test]
fn post_handshake_auth_request_read_with_key_log() {
    let c = with_keylog("rule-tls13-pha.pcap", "rule-tls13-pha.keylog");
    assert!(c.tls.client_hello.as_ref().unwrap().post_handshake_auth);
    let later = &c.tls.post_handshake_certificate_requests;
    assert_eq!(later.len(), 1);
    assert!(later[0].post_handshake && later[0].tls13);
    assert!(codes(&c).contains(&"post-handshake-auth"));
}

#[test]
fn link_types_vlan_and_byte_order_variants_of_the_seed() {
    for (name, link) in [
        ("derived-seed-null.pcap", "NULL"),
        ("derived-seed-raw.pcap", "RAW"),
        ("derived-seed-qinq.pcap", "ETHERNET"),
        ("derived-seed-bigendian.pcap", "ETHERNET"),
    ] {
        let a = analyze(name);
        assert_eq!(a.source.link_types, [link], "{name}");
        assert_eq!(a.connections.len(), 1, "{name}");
        assert_seed(&a.connections[0]);
    }
}

#[test]
fn a_reused_four_tuple_is_two_connections() {
    let a = analyze("derived-port-reuse.pcap");
    assert_eq!(a.connections.len(), 2);
    let (x, y) = (&a.connections[0], &a.connections[1]);
    assert_eq!(
        (x.client.port, x.server.port),
        (y.client.port, y.server.port)
    );
    assert_eq!(x.tls.client_certificate.as_ref().unwrap().count, 0);
    assert_eq!(x.tls.outcome.status, OutcomeStatus::Failed);
    assert_eq!(y.tls.client_certificate.as_ref().unwrap().count, 2);
    assert_eq!(y.tls.outcome.status, OutcomeStatus::Completed);
}

#[test]
fn rule_certificate_verify_failed_with_a_mismatched_key() {
    let c = only("rule-key-mismatch.pcap");
    assert!(c.tls.client_certificate_verify.is_some());
    assert_eq!(
        (c.tls.alerts[0].from, c.tls.alerts[0].code()),
        (Side::Server, Some(51))
    );
    assert_eq!(codes(&c)[0], "client-certificate-verify-failed");
}

#[test]
fn rule_ip_literal_as_sni() {
    let c = only("rule-sni-ip-literal.pcap");
    assert_eq!(
        c.tls.client_hello.as_ref().unwrap().sni.as_deref(),
        Some("127.0.0.1")
    );
    assert!(codes(&c).contains(&"sni-ip-literal"));
}

#[test]
fn key_update_switches_to_the_next_traffic_secret() {
    let c = with_keylog("tls13-key-update.pcap", "tls13-key-update.keylog");
    let ku = c
        .tls
        .messages
        .iter()
        .find(|m| m.kind == MessageKind::Handshake(HandshakeType::KEY_UPDATE))
        .expect("KeyUpdate decrypted");
    assert_eq!(ku.from, Side::Server);
    // A record the server protected with the next generation of its secret still decrypts.
    let later = c
        .tls
        .alerts
        .iter()
        .find(|a| a.from == Side::Server && a.frame > ku.frame)
        .expect("server alert after KeyUpdate");
    assert!(later.decrypted);
    assert_eq!(later.description(), Some(AlertDescription::CLOSE_NOTIFY));
    assert!(c
        .tls
        .anomalies
        .iter()
        .all(|a| a.kind != "decryption_failed"));
}

// ---- three-valued facts (issue 12 §1): known / absent / unknown (why, what reveals it) ----

fn unknown(reason: UnknownReason, reveal: Reveal) -> Fact<()> {
    Fact::Unknown(tlsdiag::model::Unknown::new(reason, Some(reveal)))
}

/// JSSE's empty Certificate after a CertificateRequest naming two CAs: both known, the
/// certificate typed as empty (never read back from the ladder's "0 certificates" text).
#[test]
fn facts_empty_certificate_is_known_empty() {
    let c = only("seed-jsse-empty-cert.pcap");
    let Fact::Known(req) = c.tls.certificate_request_fact() else {
        panic!("request not known")
    };
    assert_eq!(req.certificate_authorities.len(), 2);
    assert!(matches!(
        c.tls.client_certificate_fact(),
        Fact::Known(ClientCert::Empty(cc)) if cc.certificates_length == 0
    ));
    let ladder = c
        .tls
        .messages
        .iter()
        .filter(|m| m.is_empty_certificate())
        .map(|m| m.from)
        .collect::<Vec<_>>();
    assert_eq!(ladder, vec![Side::Client]);
    assert!(matches!(
        c.tls.fatal_alert_fact(),
        Fact::Known(a) if a.from == Side::Server
            && a.description() == Some(AlertDescription::HANDSHAKE_FAILURE)
    ));
}

/// TLS 1.3 without the key log: the request and both certificates are unknown (encrypted; a
/// key log reveals them), the size inference stays an inference; with the key log all known.
#[test]
fn facts_tls13_unknown_without_keys_known_with_them() {
    let c = only("tls13-client-cert.pcap");
    let hidden = unknown(UnknownReason::EncryptedWithoutKeys, Reveal::KeyLog);
    assert_eq!(c.tls.certificate_request_fact().map(|_| ()), hidden);
    assert_eq!(c.tls.client_certificate_fact().map(|_| ()), hidden);
    assert_eq!(c.tls.server_chain_fact().map(|_| ()), hidden);
    assert!(c
        .tls
        .version_fact()
        .known()
        .is_some_and(|v| v.code == 0x0304));
    let inf = c.tls.client_certificate_inference().expect("inference");
    assert_eq!(
        (inf.claim, inf.confidence),
        (InferenceClaim::ClientCertificateSent, Confidence::High)
    );
    let d = with_keylog("tls13-client-cert.pcap", "tls13-client-cert.keylog");
    assert!(d.tls.certificate_request_fact().is_known());
    assert!(matches!(
        d.tls.client_certificate_fact(),
        Fact::Known(ClientCert::Sent(cc)) if cc.decrypted && cc.count >= 1
    ));
    assert!(d.tls.fatal_alert_fact().is_absent());
}

/// Where the capture holds nothing, nothing is "absent": a capture that starts after the
/// handshake, and bytes missing from the server before its request.
#[test]
fn facts_not_captured_and_truncated_are_unknown() {
    let late = only("derived-handshake-missing.pcap");
    let from_start = unknown(UnknownReason::NotCaptured, Reveal::CaptureFromStart);
    assert_eq!(late.tls.certificate_request_fact().map(|_| ()), from_start);
    assert_eq!(late.tls.version_fact().map(|_| ()), from_start);
    let gap = only("derived-gap.pcap");
    assert!(!gap.capture.gaps.is_empty());
    let truncated = unknown(UnknownReason::Truncated, Reveal::CompleteCapture);
    assert_eq!(gap.tls.certificate_request_fact().map(|_| ()), truncated);
    assert_eq!(gap.tls.server_chain_fact().map(|_| ()), truncated);
    // The client's side was captured whole: its certificate is known.
    assert!(gap.tls.client_certificate_fact().is_known());
}

/// Seen to be absent: a server that refused the ClientHello negotiated nothing and asked for
/// nothing; a TLS 1.0 server that finished its flight without a request.
#[test]
fn facts_absent_when_the_handshake_went_past_them() {
    let refused = only("no-shared-cipher.pcap");
    assert!(refused.tls.version_fact().is_absent());
    assert!(refused.tls.cipher_suite_fact().is_absent());
    assert!(refused.tls.certificate_request_fact().is_absent());
    assert!(refused.tls.fatal_alert_fact().is_known());
    let tls10 = only("tls10-cbc.pcap");
    assert!(tls10.tls.certificate_request_fact().is_absent());
    assert!(tls10.tls.client_certificate_fact().is_absent());
}

/// IIS-style renegotiation without keys: the first handshake asked for nothing, but the
/// renegotiation may: unknown, not "not requested". With the key log: known.
#[test]
fn facts_unread_renegotiation_is_unknown() {
    let c = only("rule-renegotiation.pcap");
    let hidden = unknown(UnknownReason::EncryptedWithoutKeys, Reveal::KeyLog);
    assert_eq!(c.tls.certificate_request_fact().map(|_| ()), hidden);
    assert_eq!(c.tls.client_certificate_fact().map(|_| ()), hidden);
    let d = with_keylog("rule-renegotiation.pcap", "rule-renegotiation.keylog");
    assert!(d.tls.certificate_request_fact().is_known());
    assert!(d.tls.client_certificate_fact().is_known());
    // The JSON form carries the same states.
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["facts"]["certificate_request"]["state"], "known");
    let v = serde_json::to_value(&c).unwrap();
    assert_eq!(v["facts"]["client_certificate"]["state"], "unknown");
    assert_eq!(
        v["facts"]["client_certificate"]["reason"],
        "encrypted_without_keys"
    );
}
