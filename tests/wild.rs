//! Issue 11, the TLS-level classes of traffic from the wild, each on a real capture made by
//! captures/scripts/wild.sh: HelloRetryRequest (OpenSSL and JDK 17 clients), an SSLv2-format
//! ClientHello (JDK 17's SSLv2Hello), DEFLATE compression (OpenSSL built with zlib), a NULL
//! cipher, cipher suites our decryption does not implement, a TLS 1.3 draft-26 handshake
//! (tlslite-ng), and certificate names of every string type. The expected facts are tshark's
//! (noted per test, `tshark -r F -o tls.keylog_file:K -Y tls -T fields -e frame.number -e
//! tls.handshake.type …`); tests/tshark_crosscheck.rs compares the same captures field by field.
//!
//! The facts are read from `tlsdiag analyze --json` (the public contract), so they hold whatever
//! the decoder's inner types become. Tests marked `#[ignore = "issue 11: …"]` fail today: the
//! decoder fix (helper core) removes the mark.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn cap(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

/// `tlsdiag analyze FILE [--keylog FILE.keylog] ARGS…` → stdout. The key log, when asked for,
/// is the one beside the capture.
fn run(name: &str, keylog: bool, args: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tlsdiag"));
    cmd.arg("analyze").arg(cap(name)).args(args);
    cmd.env_remove("SSLKEYLOGFILE");
    if keylog {
        let k = cap(name).with_extension("keylog");
        assert!(k.exists(), "{} has no key log", name);
        cmd.arg("--keylog").arg(k);
    }
    let out = cmd.output().expect("run tlsdiag");
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The only connection of a capture, as JSON.
fn only(name: &str, keylog: bool) -> Value {
    let doc: Value = serde_json::from_str(&run(name, keylog, &["--json"])).expect("JSON");
    let conns = doc["connections"].as_array().expect("connections");
    assert_eq!(conns.len(), 1, "{name}: {} TLS connections", conns.len());
    conns[0].clone()
}

fn text(name: &str, keylog: bool) -> String {
    run(name, keylog, &["--color", "never", "--all"])
}

/// Record-level entries of the ladder: their `code` is a content type, not a handshake type.
const RECORD_NAMES: &[&str] = &[
    "ChangeCipherSpec",
    "Alert",
    "ApplicationData",
    "EncryptedHandshake",
    "EncryptedRecord",
    "Heartbeat",
];

/// Handshake message types per frame, as tshark's `tls.handshake.type` lists them: messages
/// that were read (plaintext or decrypted), in wire order.
fn handshake_types(c: &Value) -> BTreeMap<u64, Vec<u64>> {
    let mut m: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for msg in c["messages"].as_array().expect("messages") {
        let name = msg["name"].as_str().unwrap_or_default();
        let unread = msg["encrypted"] == true && msg["decrypted"] != true;
        if RECORD_NAMES.contains(&name) || unread {
            continue;
        }
        if let (Some(f), Some(t)) = (msg["frame"].as_u64(), msg["code"].as_u64()) {
            m.entry(f).or_default().push(t);
        }
    }
    m
}

fn frames(expected: &[(u64, &[u64])]) -> BTreeMap<u64, Vec<u64>> {
    expected.iter().map(|(f, t)| (*f, t.to_vec())).collect()
}

/// Every alert as (frame, from, level, description code).
fn alerts(c: &Value) -> Vec<(u64, String, String, u64)> {
    c["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .map(|a| {
            (
                a["frame"].as_u64().unwrap_or(0),
                a["from"].as_str().unwrap_or_default().to_owned(),
                a["level"].as_str().unwrap_or_default().to_owned(),
                a["code"].as_u64().unwrap_or(999),
            )
        })
        .collect()
}

fn close_notify(client_frame: u64, server_frame: u64) -> Vec<(u64, String, String, u64)> {
    vec![
        (client_frame, "client".into(), "warning".into(), 0),
        (server_frame, "server".into(), "warning".into(), 0),
    ]
}

fn ca_names(c: &Value) -> Vec<String> {
    c["certificate_request"]["certificate_authorities"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(|d| d.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

const PARTNER_CAS: [&str; 2] = [
    "CN=Partner Issuing CA,O=Partner Corp,C=DE",
    "CN=Partner Root CA,O=Partner Corp,C=DE",
];

// ---- HelloRetryRequest (RFC 8446 §4.1.4) ----

/// OpenSSL s_client key-shares x25519; the server takes only secp384r1 and retries. tshark with
/// the key log: 4 ClientHello, 6 HRR (type 2), 8 the second ClientHello, 9 ServerHello +
/// EncryptedExtensions + CertificateRequest + Certificate + CertificateVerify + Finished, 10 the
/// client's Certificate (2 certificates) + CertificateVerify + Finished, 11/12 NewSessionTicket,
/// close_notify from the client (18) and the server (21).
#[test]
fn hrr_second_client_hello_and_real_server_hello_decode_with_key_log() {
    let c = only("wild-hrr.pcap", true);
    assert_eq!(
        handshake_types(&c),
        frames(&[
            (4, &[1]),
            (6, &[2]),
            (8, &[1]),
            (9, &[2, 8, 13, 11, 15, 20]),
            (10, &[11, 15, 20]),
            (11, &[4]),
            (12, &[4]),
        ])
    );
    assert_eq!(c["tls_version"]["code"], 0x0304);
    assert_eq!(c["hello_retry_request"]["frame"], 6);
    assert_eq!(
        c["hello_retry_request"]["key_share_group"]["name"],
        "secp384r1"
    );
    assert_eq!(c["server_hello"]["frame"], 9);
    assert_eq!(c["server_hello"]["is_hello_retry_request"], false);
    assert_eq!(c["server_hello"]["cipher_suite"]["code"], 0x1302);
    assert_eq!(c["decryption"], "decrypted");
    assert_eq!(ca_names(&c), PARTNER_CAS);
    assert_eq!(c["client_certificate"]["count"], 2);
    assert_eq!(alerts(&c), close_notify(18, 21));
    assert_eq!(c["outcome"]["status"], "completed");
}

/// Without the key log the second ClientHello and the ServerHello are still plaintext
/// (tshark: 4 → 1, 6 → 2, 8 → 1, 9 → 2); the version is TLS 1.3, not "TLS ?".
#[test]
fn hrr_without_key_log_still_shows_second_hello_pair_and_version() {
    let c = only("wild-hrr.pcap", false);
    assert_eq!(
        handshake_types(&c),
        frames(&[(4, &[1]), (6, &[2]), (8, &[1]), (9, &[2])])
    );
    assert_eq!(c["tls_version"]["code"], 0x0304);
    assert_eq!(c["server_hello"]["frame"], 9);
    assert_eq!(c["server_hello"]["cipher_suite"]["code"], 0x1302);
}

/// JDK 17 JSSE key-shares only x25519 against a P-384-only server: the HRR JDK clients meet
/// against such servers. No key log (JSSE writes none); the client sends its middlebox-compat
/// ChangeCipherSpec only after the second ClientHello (frame 11).
#[test]
fn hrr_from_jdk17_client_against_p384_only_server() {
    let c = only("wild-hrr-jsse.pcap", false);
    assert_eq!(
        handshake_types(&c),
        frames(&[(4, &[1]), (6, &[2]), (8, &[1]), (9, &[2])])
    );
    assert_eq!(c["tls_version"]["code"], 0x0304);
    assert_eq!(
        c["hello_retry_request"]["key_share_group"]["name"],
        "secp384r1"
    );
    assert_eq!(c["server_hello"]["frame"], 9);
    assert_eq!(c["server_hello"]["cipher_suite"]["code"], 0x1302);
    // Without keys a TLS 1.3 handshake is never "completed" (its Finished are not read):
    // application data flowed both ways.
    assert_eq!(c["outcome"]["status"], "completed_encrypted");
    assert_eq!(
        c["facts"]["certificate_request"]["reason"],
        "encrypted_without_keys"
    );
}

// ---- SSLv2-format ClientHello (RFC 5246 Appendix E.2) ----

/// JDK 17 with SSLv2Hello enabled sends its first ClientHello in the SSLv2 record format
/// (tshark: record version 0x0002, handshake version 0x0303, 36 cipher specs of which 34 are TLS
/// suites, first 0x00c02c); OpenSSL answers in TLS 1.2 and asks for a certificate, and the
/// handshake completes with the client's 2-certificate chain.
#[test]
fn sslv2_format_client_hello_from_jdk_starts_a_tls12_connection() {
    let c = only("wild-sslv2-hello.pcap", false);
    assert_eq!(
        handshake_types(&c),
        frames(&[
            (4, &[1]),
            (6, &[2, 11, 12, 13, 14]),
            (8, &[11]),
            (9, &[16]),
            (11, &[15]),
        ])
    );
    let ch = &c["client_hello"];
    assert_eq!(ch["frame"], 4);
    assert_eq!(ch["legacy_version"]["code"], 0x0303);
    let suites: Vec<u64> = ch["cipher_suites"]
        .as_array()
        .expect("cipher_suites")
        .iter()
        .filter_map(|s| s["code"].as_u64())
        .collect();
    assert_eq!(suites.len(), 34, "{suites:x?}");
    assert_eq!(suites.first(), Some(&0xc02c));
    assert_eq!(c["tls_version"]["code"], 0x0303);
    assert_eq!(c["server_hello"]["cipher_suite"]["code"], 0x009f);
    assert_eq!(ca_names(&c), PARTNER_CAS);
    assert_eq!(c["client_certificate"]["count"], 2);
    assert_eq!(c["outcome"]["status"], "completed");
}

/// The same SSLv2-format hello against a server at OpenSSL's default security level: the hello
/// has no signature_algorithms extension, so the server could sign only with SHA-1 and refuses
/// (tshark: frame 6, fatal handshake_failure from the server).
#[test]
fn sslv2_format_client_hello_refused_by_server_is_a_failed_connection() {
    let c = only("wild-sslv2-hello-refused.pcap", false);
    assert_eq!(handshake_types(&c), frames(&[(4, &[1])]));
    assert_eq!(
        alerts(&c),
        vec![(6, "server".to_owned(), "fatal".to_owned(), 40)]
    );
    assert_eq!(c["outcome"]["status"], "failed");
    assert_eq!(c["outcome"]["alert_from"], "server");
}

// ---- NULL cipher (RFC 5246 §6.2.3: no encryption, only the MAC) ----

/// TLS_RSA_WITH_NULL_SHA256: after ChangeCipherSpec the records are plaintext + HMAC. tshark
/// reads them with or without the key log: Finished in frames 8 and 9, close_notify from the
/// client (15) and the server (17). They must not be "encrypted".
#[test]
fn null_cipher_finished_and_close_notify_are_readable() {
    for keylog in [false, true] {
        let c = only("wild-null-cipher.pcap", keylog);
        assert_eq!(
            handshake_types(&c),
            frames(&[(4, &[1]), (6, &[2, 11, 14]), (8, &[16, 20]), (9, &[4, 20])]),
            "key log: {keylog}"
        );
        assert_eq!(c["server_hello"]["cipher_suite"]["code"], 0x003b);
        assert_eq!(alerts(&c), close_notify(15, 17), "key log: {keylog}");
        assert_ne!(c["decryption"], "failed", "key log: {keylog}");
        assert_eq!(c["outcome"]["status"], "completed");
    }
}

// ---- Cipher suites our decryption does not implement ----

/// With a key log that holds the session's secret, a suite we cannot decrypt is said so by
/// name — "unsupported cipher suite (NAME)" — not "failed: the key log's secrets do not
/// decrypt this connection" (they would).
fn assert_unsupported(name: &str, suite: u64, suite_name: &str) {
    let c = only(name, true);
    assert_eq!(c["server_hello"]["cipher_suite"]["code"], suite, "{name}");
    assert_eq!(c["decryption"], "unsupported", "{name}");
    // TLS 1.3 records stay unread: application data flowed both ways, the Finished were not
    // seen (the same status as without a key log).
    let status = if c["tls_version"]["code"] == 0x0304 {
        "completed_encrypted"
    } else {
        "completed"
    };
    assert_eq!(c["outcome"]["status"], status, "{name}");
    // What the unread records hold is unknown because tlsdiag does not decrypt them (not
    // "no key"): the closing alerts, and in TLS 1.3 the request too.
    let request = if status == "completed" {
        "absent"
    } else {
        "unknown"
    };
    assert_eq!(
        c["facts"]["certificate_request"]["state"], request,
        "{name}"
    );
    assert_eq!(
        c["facts"]["fatal_alert"]["reason"], "decoder_unsupported",
        "{name}"
    );
    let t = text(name, true);
    let want = format!("unsupported cipher suite ({suite_name})");
    assert!(t.contains(&want), "{name}: no '{want}' in\n{t}");
    assert!(!t.contains("secrets do not decrypt"), "{name}:\n{t}");
}

/// tshark decrypts this one (Finished in frames 8/9, close_notify 15/17); we do not implement
/// AES-CCM.
#[test]
fn aes_ccm_tls12_is_unsupported_not_failed() {
    assert_unsupported(
        "wild-aes-ccm-tls12.pcap",
        0xc09e,
        "TLS_DHE_RSA_WITH_AES_128_CCM",
    );
}

/// tshark decrypts it (Finished 8/9, close_notify 15/18); we do not implement Camellia.
#[test]
fn camellia_tls12_is_unsupported_not_failed() {
    assert_unsupported(
        "wild-camellia-tls12.pcap",
        0xc076,
        "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256",
    );
}

/// Neither tshark 4.0 nor we decrypt ARIA-GCM: tshark shows "Encrypted Handshake Message".
#[test]
fn aria_tls12_is_unsupported_not_failed() {
    assert_unsupported(
        "wild-aria-tls12.pcap",
        0xc060,
        "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256",
    );
}

/// TLS 1.3 TLS_AES_128_CCM_SHA256: tshark decrypts the whole handshake (6: 2, 8, 11, 15, 20).
#[test]
fn aes_ccm_tls13_is_unsupported_not_failed() {
    assert_unsupported("wild-aes-ccm-tls13.pcap", 0x1304, "TLS_AES_128_CCM_SHA256");
}

// ---- TLS 1.3 draft versions (draft-ietf-tls-tls13-26: 0x7f1a) ----

/// tlslite-ng 0.8.0-alpha10 at both ends speaks draft 26. tshark with the key log: 4 ClientHello
/// (supported_versions 0x7f1a, 0x0303, 0x0302, 0x0301), 6 ServerHello (0x7f1a), then
/// EncryptedExtensions (10), Certificate (12), CertificateVerify (14), Finished (16), the
/// client's Finished (18); close_notify from the server (23) and the client (24).
#[test]
fn tls13_draft26_decodes_and_decrypts_as_tls13() {
    let c = only("wild-tls13-draft26.pcap", true);
    assert_eq!(
        handshake_types(&c),
        frames(&[
            (4, &[1]),
            (6, &[2]),
            (10, &[8]),
            (12, &[11]),
            (14, &[15]),
            (16, &[20]),
            (18, &[20]),
        ])
    );
    assert_eq!(c["tls_version"]["code"], 0x7f1a);
    let name = c["tls_version"]["name"].as_str().unwrap_or_default();
    assert!(name.starts_with("TLS 1.3") && name.contains("26"), "{name}");
    assert_eq!(c["decryption"], "decrypted");
    assert_eq!(
        alerts(&c),
        vec![
            (23, "server".to_owned(), "warning".to_owned(), 0),
            (24, "client".to_owned(), "warning".to_owned(), 0),
        ]
    );
    assert_eq!(c["outcome"]["status"], "completed");
}

/// Without keys a draft-26 connection is a TLS 1.3 connection whose handshake is encrypted:
/// only the two hellos are read, and the TLS 1.3 reading applies (no "Finished" guessed from a
/// TLS 1.2 record layout).
#[test]
fn tls13_draft26_without_key_log_is_tls13_encrypted() {
    let c = only("wild-tls13-draft26.pcap", false);
    assert_eq!(handshake_types(&c), frames(&[(4, &[1]), (6, &[2])]));
    assert_eq!(c["server_hello"]["version"]["code"], 0x7f1a);
    let codes: Vec<&str> = c["diagnosis"]
        .as_array()
        .map(|d| d.iter().filter_map(|f| f["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(codes.contains(&"tls13-handshake-encrypted"), "{codes:?}");
}

// ---- Compression (RFC 3749 DEFLATE) ----

/// An OpenSSL built with zlib at both ends (`-comp`, SECLEVEL 1; Debian's has no zlib):
/// compression method 1, ECDHE-RSA-AES256-GCM-SHA384. tshark with the key log decrypts *and*
/// inflates: Finished in frames 8 and 9, the request (11, 12) and answer (14), close_notify from
/// the client (16) and the server (18). With the key the report must hold more facts than
/// without it, never fewer (today the inflated bytes are read as a 10 MB handshake message).
#[test]
fn compressed_session_decrypts_to_finished_and_close_notify() {
    let c = only("wild-compressed.pcap", true);
    assert_eq!(
        handshake_types(&c),
        frames(&[
            (4, &[1]),
            (6, &[2, 11, 12, 14]),
            (8, &[16, 20]),
            (9, &[4, 20])
        ])
    );
    assert_eq!(c["server_hello"]["compression_method"], 1);
    assert_eq!(c["decryption"], "decrypted");
    assert_eq!(alerts(&c), close_notify(16, 18));
    assert_eq!(c["anomalies"], serde_json::json!([]));
    let without = only("wild-compressed.pcap", false);
    let read = |c: &Value| handshake_types(c).values().map(Vec::len).sum::<usize>();
    assert!(read(&c) > read(&without));
    assert_eq!(c["outcome"]["status"], "completed");
}

// ---- Facts that already hold (guards for the captures themselves) ----

/// The first hellos of every capture here decode today; if a regenerated capture changed its
/// scenario (another group, suite or version), these say so before the ignored tests mislead.
#[test]
fn wild_captures_hold_the_scenarios_they_claim() {
    let hrr = only("wild-hrr.pcap", false);
    assert_eq!(hrr["hello_retry_request"]["frame"], 6);
    assert_eq!(hrr["client_hello"]["key_share_groups"][0]["name"], "x25519");
    let jsse = only("wild-hrr-jsse.pcap", false);
    assert_eq!(
        jsse["client_hello"]["key_share_groups"][0]["name"],
        "x25519"
    );
    assert_eq!(
        jsse["hello_retry_request"]["key_share_group"]["name"],
        "secp384r1"
    );
    for (f, suite) in [
        ("wild-null-cipher.pcap", 0x003b),
        ("wild-aes-ccm-tls12.pcap", 0xc09e),
        ("wild-camellia-tls12.pcap", 0xc076),
        ("wild-aria-tls12.pcap", 0xc060),
        ("wild-aes-ccm-tls13.pcap", 0x1304),
    ] {
        let c = only(f, false);
        assert_eq!(c["server_hello"]["cipher_suite"]["code"], suite, "{f}");
    }
    let z = only("wild-compressed.pcap", false);
    assert_eq!(
        z["client_hello"]["compression_methods"],
        serde_json::json!([1, 0])
    );
    assert_eq!(z["server_hello"]["compression_method"], 1);
    let d = only("wild-tls13-draft26.pcap", false);
    let offered: Vec<u64> = d["client_hello"]["supported_versions"]
        .as_array()
        .expect("supported_versions")
        .iter()
        .filter_map(|v| v["code"].as_u64())
        .collect();
    assert_eq!(offered, [0x7f1a, 0x0303, 0x0302, 0x0301]);
}

// ---- Certificate names (RFC 4514 text of every ASN.1 string type) ----

/// The DN zoo on the wire: the server's certificate has a T61String CN (`*.kakao.com`, as the
/// issue saw it), a BMPString O and an attribute type nobody names; its CertificateRequest lists
/// the subjects of captures/pki/dn/ca-list.pem. tshark shows 9 names in frame 6 (the cross-check
/// compares the ones it displays without loss); the texts are OpenSSL's `-nameopt
/// RFC2253,-esc_msb` (tests/x509_names.rs), and the DER of each is the certificate's subject.
#[test]
fn dn_strings_on_the_wire_render_as_rfc4514() {
    let c = only("wild-dn-strings.pcap", false);
    assert_eq!(
        c["server_certificates"][0]["subject"],
        "CN=*.kakao.com,1.2.3.4.5=#0C07746C7364696167,O=카카오 Kakao Corp,C=KR"
    );
    assert_eq!(c["certificate_request"]["frame"], 6);
    assert_eq!(
        ca_names(&c),
        [
            r"CN=Smith\, John \+ Co. = ok?,O=Zoo (Printable),C=DE",
            r#"CN=\#1 \"q\" \<a\>\;b\\c\ ,O=Müller & Söhne,C=DE"#,
            "emailAddress=ops@partner.test,CN=*.kakao.com,DC=test",
            "CN=*.kakao.com,O=Société Générale,C=FR",
            "CN=*.kakao.com,O=카카오 Kakao Corp,C=KR",
            "CN=Universal 𝄞 clef,O=Zoo,C=DE",
            "CN=0123 4567,O=Zoo,C=DE",
            "CN=unknown attributes,1.2.3.4.5=#0C0D707269766174652076616C7565,jurisdictionC=DE",
            r"CN=multi+OU=\ lead\+trail\ ,O=tab\09and\01ctrl",
        ]
    );
    // The names are the certificates' subjects byte for byte (what Go compares).
    let a = tlsdiag::analyze::analyze_path(&cap("wild-dn-strings.pcap"), &Default::default())
        .expect("analyse");
    let req = a.connections[0]
        .tls
        .certificate_request
        .as_ref()
        .expect("CertificateRequest");
    let pem = std::fs::read_to_string(cap("pki/dn/ca-list.pem")).expect("ca-list.pem");
    let subjects: Vec<Vec<u8>> = pem
        .split("-----END CERTIFICATE-----")
        .filter(|p| p.contains("BEGIN"))
        .map(|p| {
            use base64::Engine as _;
            let b64: String = p.lines().filter(|l| !l.starts_with("-----")).collect();
            let der = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .expect("base64");
            tlsdiag::tls::x509::cert_info(&der).subject.der
        })
        .collect();
    let ders: Vec<Vec<u8>> = req
        .certificate_authorities
        .iter()
        .map(|d| d.der.clone())
        .collect();
    assert_eq!(ders, subjects);
}
