//! Loader tests over files made by openssl 3 and keytool (tests/data/identity/generate.sh). Over
//! 600 lines: one table of cases per keystore format (PEM, PKCS#8, PKCS#12, JKS, JCEKS) kept together.

use std::path::{Path, PathBuf};

use super::*;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/identity")
        .join(name)
}

fn pw() -> SecretString {
    password::read_password_file(&data("password.txt")).unwrap()
}

fn cn(e: &Entry, i: usize) -> String {
    e.chain[i].subject.text.clone()
}

#[test]
fn password_file_first_line_without_newline() {
    assert_eq!(pw().expose(), "changeit");
    assert_eq!(format!("{:?}", pw()), "SecretString(<redacted>)");
}

#[test]
fn pem_key_encodings_all_load_and_match_the_certificate() {
    let p = pw();
    for key in [
        "client.key",
        "client-pkcs1.key",
        "client-enc-pkcs8.key",
        "client-legacy-aes.key",
        "client-legacy-3des.key",
    ] {
        let id = load_files(&[&data("client-chain.pem"), &data(key)], None, Some(&p))
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        assert_eq!(id.format, KeystoreFormat::Pem, "{key}");
        let k = id.entry.key.as_ref().unwrap();
        assert_eq!(k.info.algorithm, "RSA", "{key}");
        assert_eq!(k.info.bits, Some(2048), "{key}");
        assert_eq!(id.entry.key_match, Some(KeyMatch::Yes), "{key}");
        assert_eq!(id.entry.chain.len(), 2, "{key}");
        assert!(cn(&id.entry, 0).contains("client.example"), "{key}");
        assert!(cn(&id.entry, 1).contains("Issuing CA"), "{key}");
        assert!(id.key_der().is_some());
    }
}

#[test]
fn pem_combined_file_and_key_before_cert() {
    let id = load(&data("client-combined.pem"), None, None).unwrap();
    assert_eq!(id.alias(), "client-combined");
    assert_eq!(id.entry.chain.len(), 2);
    assert_eq!(id.entry.key_match, Some(KeyMatch::Yes));
    assert_eq!(id.entry.chain[0].extended_key_usage, vec!["clientAuth"]);
}

#[test]
fn encrypted_pem_without_password_or_with_wrong_one() {
    let k = data("client-enc-pkcs8.key");
    let chain = data("client-chain.pem");
    let e = load_files(&[&chain, &k], None, None).unwrap_err();
    assert!(matches!(e, IdentityError::PasswordRequired { .. }), "{e}");
    let wrong = SecretString::from("nope");
    for key in [
        "client-enc-pkcs8.key",
        "client-legacy-aes.key",
        "client-legacy-3des.key",
    ] {
        let e = load_files(&[&chain, &data(key)], None, Some(&wrong)).unwrap_err();
        assert!(
            matches!(e, IdentityError::WrongPassword { .. }),
            "{key}: {e}"
        );
        assert!(e.to_string().contains("wrong password"), "{e}");
    }
}

#[test]
fn key_certificate_mismatch_is_a_fact_not_an_error() {
    let ks = open_files(&[&data("client.pem"), &data("other.key")], None).unwrap();
    assert_eq!(ks.entries.len(), 1);
    assert_eq!(ks.entries[0].key_match, Some(KeyMatch::No));
    // EC key against an RSA certificate: also a mismatch.
    let ks = open_files(&[&data("client.pem"), &data("ec-client.key")], None).unwrap();
    assert_eq!(ks.entries[0].key_match, Some(KeyMatch::No));
}

#[test]
fn ec_sec1_key_loads_with_curve() {
    let id = load_files(
        &[&data("ec-client.pem"), &data("ec-client.key")],
        None,
        None,
    )
    .unwrap();
    let k = id.entry.key.as_ref().unwrap();
    assert_eq!(k.info.algorithm, "EC");
    assert_eq!(k.info.curve.as_deref(), Some("secp256r1"));
    assert_eq!(k.info.bits, Some(256));
    assert_eq!(id.entry.key_match, Some(KeyMatch::Yes));
}

#[test]
fn pem_bundle_is_a_truststore() {
    let ks = open(&data("ca-bundle.pem"), None).unwrap();
    assert_eq!(ks.entries.len(), 2);
    assert!(ks
        .entries
        .iter()
        .all(|e| e.kind == EntryKind::TrustedCertificate));
    assert!(ks.entries[0].chain[0].subject.text.contains("Root CA"));
    let e = load(&data("ca-bundle.pem"), None, None).unwrap_err();
    assert!(matches!(e, IdentityError::NoPrivateKey { .. }), "{e}");
}

#[test]
fn openssl_pkcs12_aes_and_legacy() {
    for f in ["client-openssl-aes.p12", "client-openssl-legacy.p12"] {
        let id = load(&data(f), None, Some(&pw())).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(id.format, KeystoreFormat::Pkcs12);
        assert_eq!(id.alias(), "client", "{f}");
        assert_eq!(id.entry.chain.len(), 2, "{f}");
        assert!(cn(&id.entry, 0).contains("client.example"));
        assert!(cn(&id.entry, 1).contains("Issuing CA"));
        assert_eq!(id.entry.key_match, Some(KeyMatch::Yes), "{f}");
    }
}

#[test]
fn pkcs12_wrong_password_and_missing_password() {
    let e = load(
        &data("client-openssl-aes.p12"),
        None,
        Some(&SecretString::from("x")),
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            IdentityError::WrongPassword {
                format: "PKCS#12",
                ..
            }
        ),
        "{e}"
    );
    let e = load(&data("client-openssl-aes.p12"), None, None).unwrap_err();
    assert!(matches!(e, IdentityError::PasswordRequired { .. }), "{e}");
}

#[test]
fn openssl_pkcs12_truststore_keeps_certificates() {
    let ks = open(&data("truststore-openssl.p12"), Some(&pw())).unwrap();
    assert_eq!(ks.entries.len(), 2);
    assert!(ks
        .entries
        .iter()
        .all(|e| e.kind == EntryKind::TrustedCertificate));
}

fn check_multi(ks: &Keystore, client_chain: usize) {
    let aliases = ks.aliases();
    for a in ["client", "ec", "selfsigned", "rootca"] {
        assert!(
            aliases.iter().any(|x| x == a),
            "{a} missing from {aliases:?}"
        );
    }
    let client = ks.entry("client").unwrap();
    assert_eq!(client.kind, EntryKind::PrivateKey);
    // JKS keeps the chain as imported from the openssl PKCS#12: leaf and issuing CA. A
    // PKCS#12 links chains on load through every certificate in the file, the trusted root
    // entry included, so JSSE and `keytool -list -v` see 3 there (and JSSE sends 3:
    // captures/identity-choice.pcap).
    assert_eq!(client.chain.len(), client_chain, "client chain");
    assert!(client.chain[1].subject.text.contains("Issuing CA"));
    assert_eq!(client.key_match, Some(KeyMatch::Yes));
    let ec = ks.entry("ec").unwrap();
    assert_eq!(ec.key.as_ref().unwrap().info.algorithm, "EC");
    // Java writes EC keys without the public point: matched by deriving it.
    assert_eq!(ec.key_match, Some(KeyMatch::Yes));
    let ss = ks.entry("selfsigned").unwrap();
    assert_eq!(ss.chain.len(), 1);
    assert!(ss.chain[0].self_signed);
    assert_eq!(ss.key_match, Some(KeyMatch::Yes));
    let root = ks.entry("rootca").unwrap();
    assert_eq!(root.kind, EntryKind::TrustedCertificate);
    assert!(root.key.is_none());
}

#[test]
fn keytool_jks_with_aliases() {
    let ks = open(&data("multi.jks"), Some(&pw())).unwrap();
    assert_eq!(ks.format, KeystoreFormat::Jks);
    check_multi(&ks, 2);
    assert!(ks.entry("client").unwrap().created_unix.unwrap() > 1_600_000_000);
}

#[test]
fn keytool_pkcs12_with_aliases() {
    let ks = open(&data("multi.p12"), Some(&pw())).unwrap();
    assert_eq!(ks.format, KeystoreFormat::Pkcs12);
    check_multi(&ks, 3);
    assert!(ks.entry("client").unwrap().chain[2].self_signed);
}

#[test]
fn alias_selection_and_errors() {
    let p = pw();
    let id = load(&data("multi.jks"), Some("EC"), Some(&p)).unwrap();
    assert_eq!(id.alias(), "ec");
    let e = load(&data("multi.jks"), Some("nosuch"), Some(&p)).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, IdentityError::UnknownAlias { .. }));
    assert!(
        msg.contains("'nosuch'") && msg.contains("selfsigned") && msg.contains("rootca"),
        "{msg}"
    );
    let e = load(&data("multi.jks"), None, Some(&p)).unwrap_err();
    assert!(matches!(e, IdentityError::AmbiguousAlias { .. }), "{e}");
    let e = load(&data("multi.jks"), Some("rootca"), Some(&p)).unwrap_err();
    assert!(matches!(e, IdentityError::NoPrivateKey { .. }), "{e}");
    assert!(e.to_string().contains("trusted-certificate"));
}

#[test]
fn jks_wrong_password_and_truststore() {
    let e = open(&data("multi.jks"), Some(&SecretString::from("wrong"))).unwrap_err();
    assert!(
        matches!(e, IdentityError::WrongPassword { format: "JKS", .. }),
        "{e}"
    );
    let ks = open(&data("truststore.jks"), Some(&pw())).unwrap();
    // File order (JSSE's own enumeration order is emulated where it matters: select.rs).
    assert_eq!(ks.aliases(), vec!["rootca", "issuingca"]);
    assert!(ks
        .entries
        .iter()
        .all(|e| e.kind == EntryKind::TrustedCertificate && e.key.is_none()));
}

#[test]
fn corrupt_and_unknown_files_are_clear_errors() {
    let p = pw();
    let e = open(&data("corrupt.p12"), Some(&p)).unwrap_err();
    assert!(
        matches!(
            e,
            IdentityError::Corrupt {
                format: "PKCS#12",
                ..
            } | IdentityError::UnknownFormat { .. }
        ),
        "{e}"
    );
    let e = open(&data("corrupt.jks"), Some(&p)).unwrap_err();
    assert!(
        matches!(e, IdentityError::Corrupt { format: "JKS", .. }),
        "{e}"
    );
    let e = open(&data("garbage.bin"), Some(&p)).unwrap_err();
    assert!(matches!(e, IdentityError::UnknownFormat { .. }), "{e}");
    let e = open(&data("does-not-exist.p12"), Some(&p)).unwrap_err();
    assert!(matches!(e, IdentityError::File(_)), "{e}");
}

#[test]
fn truncations_never_panic() {
    let p = pw();
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "multi.jks",
        "multi.p12",
        "client-combined.pem",
        "client-openssl-legacy.p12",
    ] {
        let bytes = std::fs::read(data(f)).unwrap();
        for cut in (1..bytes.len()).step_by(97) {
            let path = dir.path().join(format!("cut-{cut}"));
            std::fs::write(&path, &bytes[..cut]).unwrap();
            let _ = open(&path, Some(&p));
            // Flip one byte too.
            let mut flipped = bytes.clone();
            flipped[cut] ^= 0x5a;
            std::fs::write(&path, &flipped).unwrap();
            let _ = open(&path, Some(&p));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Stack selection simulation

mod sim {
    use super::*;
    use crate::identity::jsse;
    use crate::identity::select::{NOT_SENT, SENT};
    use crate::model::{CertificateRequest, CodePoint, DistinguishedName, StackVerdict};

    pub fn req(
        tls13: bool,
        types: &[u32],
        algs: &[u32],
        cas: Vec<DistinguishedName>,
    ) -> CertificateRequest {
        CertificateRequest {
            frame: 7,
            time: 0.0,
            tls13,
            certificate_types: types.iter().map(|c| CodePoint::new(*c, None)).collect(),
            signature_algorithms: algs.iter().map(|c| CodePoint::new(*c, None)).collect(),
            signature_algorithms_cert: vec![],
            certificate_authorities: cas,
            context_hex: String::new(),
            extensions: vec![],
            post_handshake: false,
            decrypted: false,
        }
    }

    fn subject_of(file: &str) -> DistinguishedName {
        let ks = open(&data(file), None).unwrap();
        ks.entries[0].chain[0].subject.clone()
    }

    fn pem_identity(cert: &str, key: &str) -> Entry {
        open_files(&[&data(cert), &data(key)], None)
            .unwrap()
            .entries
            .remove(0)
    }

    fn get<'a>(v: &'a [StackVerdict], stack: &str) -> &'a StackVerdict {
        v.iter().find(|s| s.stack.id() == stack).unwrap()
    }

    /// The test certificates are valid for ten years from generation (generate.sh).
    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    }
    const RSA_EC_TYPES: &[u32] = &[1, 64];
    const TYPICAL_ALGS: &[u32] = &[0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501];

    #[test]
    fn chain_reaching_a_listed_ca_is_sent_by_every_stack() {
        let e = pem_identity("client-chain.pem", "client.key");
        let r = req(
            false,
            RSA_EC_TYPES,
            TYPICAL_ALGS,
            vec![subject_of("root-ca.pem")],
        );
        let v = select::simulate(&e, &r, Some(0x0303), now());
        assert_eq!(v.len(), 6);
        for s in &v {
            assert_eq!(s.verdict, SENT, "{:?}: {}", s.stack, s.reason);
        }
        assert!(get(&v, "jsse-sunx509")
            .reason
            .contains("tlsdiag Test Root CA"));
    }

    #[test]
    fn leaf_only_while_server_lists_the_root_jsse_sends_nothing_openssl_sends() {
        // The seed case: the entry holds only the leaf, the server lists only the root.
        let e = pem_identity("client.pem", "client.key");
        assert_eq!(e.chain.len(), 1);
        let r = req(
            false,
            RSA_EC_TYPES,
            TYPICAL_ALGS,
            vec![subject_of("root-ca.pem")],
        );
        let v = select::simulate(&e, &r, Some(0x0303), now());
        let jsse = get(&v, "jsse-sunx509");
        assert_eq!(jsse.verdict, NOT_SENT);
        assert!(
            jsse.reason
                .contains("no certificate in the chain of entry 'client'"),
            "{}",
            jsse.reason
        );
        assert!(
            jsse.reason.contains("tlsdiag Test Root CA"),
            "{}",
            jsse.reason
        );
        assert!(jsse.reason.contains("empty Certificate"));
        assert_eq!(get(&v, "jsse-pkix").verdict, NOT_SENT);
        assert_eq!(get(&v, "go").verdict, NOT_SENT);
        assert_eq!(get(&v, "dotnet").verdict, NOT_SENT);
        let ossl = get(&v, "openssl");
        assert_eq!(ossl.verdict, SENT);
        assert!(
            ossl.reason.contains("ignores the server's CA list"),
            "{}",
            ossl.reason
        );
        assert_eq!(get(&v, "rustls").verdict, SENT);
        // Listing the issuing CA instead makes the same leaf acceptable everywhere.
        let r = req(
            false,
            RSA_EC_TYPES,
            TYPICAL_ALGS,
            vec![subject_of("int-ca.pem")],
        );
        let v = select::simulate(&e, &r, Some(0x0303), now());
        assert!(v.iter().all(|s| s.verdict == SENT), "{v:?}");
    }

    /// DER of a Name whose every attribute is a PrintableString (openssl writes O and CN as
    /// UTF8String): same text as the issuing CA, different bytes.
    fn printable_issuing_ca() -> DistinguishedName {
        fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
            assert!(body.len() < 128);
            let mut v = vec![tag, body.len() as u8];
            v.extend_from_slice(body);
            v
        }
        let ava = |oid_last: u8, s: &str| {
            let mut seq = tlv(0x06, &[0x55, 0x04, oid_last]);
            seq.extend(tlv(0x13, s.as_bytes()));
            tlv(0x31, &tlv(0x30, &seq))
        };
        let mut body = ava(6, "DE");
        body.extend(ava(10, "tlsdiag test"));
        body.extend(ava(3, "tlsdiag Test Issuing CA"));
        DistinguishedName {
            text: "CN=tlsdiag Test Issuing CA, O=tlsdiag test, C=DE".to_owned(),
            der: tlv(0x30, &body),
        }
    }

    #[test]
    fn same_name_different_encoding_jsse_matches_go_does_not() {
        let e = pem_identity("client.pem", "client.key");
        let listed = printable_issuing_ca();
        assert_ne!(
            listed.der, e.chain[0].issuer.der,
            "encodings must differ for this test"
        );
        let m = select::issuer_match(&e, std::slice::from_ref(&listed));
        assert!(m.canonical && !m.exact);
        assert!(m.encoding_differs.is_some());
        let r = req(false, RSA_EC_TYPES, TYPICAL_ALGS, vec![listed]);
        let v = select::simulate(&e, &r, Some(0x0303), now());
        assert_eq!(get(&v, "jsse-sunx509").verdict, SENT);
        let go = get(&v, "go");
        assert_eq!(go.verdict, NOT_SENT);
        assert!(go.reason.contains("differently encoded"), "{}", go.reason);
        assert!(go.reason.contains("byte for byte"));
    }

    #[test]
    fn text_only_ca_names_match_by_text_without_claiming_an_encoding_difference() {
        let e = pem_identity("client.pem", "client.key");
        let mut listed = subject_of("int-ca.pem");
        listed.der.clear();
        let m = select::issuer_match(&e, std::slice::from_ref(&listed));
        assert!(m.canonical && m.encoding_differs.is_none());
        let r = req(false, RSA_EC_TYPES, TYPICAL_ALGS, vec![listed]);
        let v = select::simulate(&e, &r, Some(0x0303), now());
        assert_eq!(get(&v, "go").verdict, SENT);
    }

    #[test]
    fn certificate_types_exclude_the_key_type() {
        let e = pem_identity("client-chain.pem", "client.key");
        // ecdsa_sign only, RSA key.
        let r = req(false, &[64], TYPICAL_ALGS, vec![]);
        let v = select::simulate(&e, &r, Some(0x0303), now());
        let jsse = get(&v, "jsse-sunx509");
        assert_eq!(jsse.verdict, NOT_SENT);
        assert!(jsse.reason.contains("certificate_types"), "{}", jsse.reason);
        assert_eq!(get(&v, "go").verdict, NOT_SENT);
        assert_eq!(get(&v, "openssl").verdict, SENT);
    }

    #[test]
    fn no_common_signature_scheme() {
        let rsa = pem_identity("client-chain.pem", "client.key");
        let r = req(false, RSA_EC_TYPES, &[0x0403], vec![]);
        let v = select::simulate(&rsa, &r, Some(0x0303), now());
        for s in &v {
            assert_eq!(s.verdict, NOT_SENT, "{:?}: {}", s.stack, s.reason);
        }
        assert!(get(&v, "openssl")
            .reason
            .contains("no common signature scheme"));
        // TLS 1.3 binds ECDSA to the curve: a P-256 key cannot answer ecdsa_secp384r1_sha384,
        // which TLS 1.2 allows (except in rustls/ring, which pairs P-256 with SHA-256 only).
        let ec = pem_identity("ec-client.pem", "ec-client.key");
        let r13 = req(true, &[], &[0x0503, 0x0804], vec![]);
        let v = select::simulate(&ec, &r13, Some(0x0304), now());
        assert!(v.iter().all(|s| s.verdict == NOT_SENT), "{v:?}");
        let r12 = req(false, RSA_EC_TYPES, &[0x0503, 0x0804], vec![]);
        let v = select::simulate(&ec, &r12, Some(0x0303), now());
        assert_eq!(get(&v, "jsse-sunx509").verdict, SENT);
        assert_eq!(get(&v, "go").verdict, SENT);
        assert_eq!(get(&v, "rustls").verdict, NOT_SENT);
        // TLS 1.3 and an RSA key: only PSS counts.
        let r13 = req(true, &[], &[0x0401, 0x0403], vec![]);
        let v = select::simulate(&rsa, &r13, None, now());
        assert!(v.iter().all(|s| s.verdict == NOT_SENT), "{v:?}");
    }

    #[test]
    fn small_rsa_key_refused_by_rustls_and_strict_openssl() {
        let e = pem_identity("rsa1024.pem", "rsa1024.key");
        assert_eq!(e.key.as_ref().unwrap().info.bits, Some(1024));
        let r = req(false, RSA_EC_TYPES, TYPICAL_ALGS, vec![]);
        let v = select::simulate(&e, &r, Some(0x0303), now());
        let rustls = get(&v, "rustls");
        assert_eq!(rustls.verdict, NOT_SENT);
        assert!(rustls.reason.contains("1024-bit"), "{}", rustls.reason);
        assert_eq!(get(&v, "openssl").verdict, select::DEPENDS);
        assert_eq!(get(&v, "jsse-sunx509").verdict, SENT);
        assert_eq!(get(&v, "go").verdict, SENT);
    }

    #[test]
    fn jsse_aborts_itself_when_no_signature_scheme_is_known() {
        let rsa = pem_identity("client-chain.pem", "client.key");
        let r = req(false, RSA_EC_TYPES, &[0xfe01], vec![]);
        let v = select::simulate(&rsa, &r, Some(0x0303), now());
        assert!(get(&v, "jsse-sunx509")
            .reason
            .contains("handshake_failure (40)"));
    }

    #[test]
    fn expired_certificate_pkix_still_sends_the_best_imperfect_match() {
        let e = pem_identity("expired.pem", "expired.key");
        let r = req(false, RSA_EC_TYPES, TYPICAL_ALGS, vec![]);
        let v = select::simulate(&e, &r, Some(0x0303), now());
        let sun = get(&v, "jsse-sunx509");
        assert_eq!(sun.verdict, SENT);
        assert!(
            sun.reason.contains("expired on 2021-01-01"),
            "{}",
            sun.reason
        );
        assert!(sun.reason.contains("certificate_expired (45)"));
        let pkix = get(&v, "jsse-pkix");
        assert_eq!(pkix.verdict, SENT);
        assert!(pkix.reason.contains("imperfect match"), "{}", pkix.reason);
        // Before it expired it is a perfect match.
        let v = select::simulate(&e, &r, Some(0x0303), 1_600_000_000);
        assert!(!get(&v, "jsse-pkix").reason.contains("imperfect"));
    }

    #[test]
    fn eku_without_client_auth() {
        let e = pem_identity("server-only.pem", "server-only.key");
        let r = req(false, RSA_EC_TYPES, TYPICAL_ALGS, vec![]);
        let v = select::simulate(&e, &r, Some(0x0303), now());
        assert!(get(&v, "jsse-pkix").reason.contains("lacks clientAuth"));
        assert!(!get(&v, "jsse-sunx509").reason.contains("imperfect"));
        assert!(get(&v, "jsse-sunx509")
            .reason
            .contains("unsupported_certificate (43)"));
    }

    #[test]
    fn trusted_certificate_entry_is_never_sent() {
        let ks = open(&data("truststore.jks"), Some(&pw())).unwrap();
        let root = ks.entry("rootca").unwrap();
        let r = req(false, RSA_EC_TYPES, TYPICAL_ALGS, vec![]);
        let v = select::simulate(root, &r, Some(0x0303), now());
        for s in &v {
            assert_eq!(s.verdict, NOT_SENT, "{:?}", s.stack);
            assert!(
                s.reason.contains("trusted-certificate entry"),
                "{}",
                s.reason
            );
        }
    }

    #[test]
    fn key_mismatch_jsse_sends_then_fails_others_refuse_to_load() {
        let e = pem_identity("client-chain.pem", "other.key");
        let r = req(false, RSA_EC_TYPES, TYPICAL_ALGS, vec![]);
        let v = select::simulate(&e, &r, Some(0x0303), now());
        let jsse = get(&v, "jsse-sunx509");
        assert_eq!(jsse.verdict, SENT);
        assert!(jsse.reason.contains("decrypt_error (51)"));
        assert_eq!(get(&v, "openssl").verdict, NOT_SENT);
        assert_eq!(get(&v, "go").verdict, NOT_SENT);
        assert_eq!(get(&v, "rustls").verdict, NOT_SENT);
    }

    #[test]
    fn java_hashmap_order_follows_string_hashcode_buckets() {
        // String.hashCode: "ec" = 'e'*31 + 'c' = 101*31 + 99 = 3230 → bucket (3230 ^ 0) & 15 = 14.
        // "a" = 97 → bucket 1. So "a" comes first whatever the insertion order.
        let order = jsse::java_hashmap_order(&["ec".into(), "a".into()]);
        assert_eq!(order, vec!["a", "ec"]);
        // The JDK's own SunX509 choice recorded in sunx509-choices.txt ("any RSA selfsigned")
        // needs "selfsigned" before "client".
        let order = jsse::java_hashmap_order(&["client".into(), "ec".into(), "selfsigned".into()]);
        let pos = |a: &str| order.iter().position(|x| x == a).unwrap();
        assert!(pos("selfsigned") < pos("client"), "{order:?}");
    }

    /// The JDK's SunX509 key manager's answers (recorded by generate.sh from multi.jks with
    /// ChooseAlias.java) against our simulation.
    #[test]
    fn sunx509_choice_agrees_with_the_jdk() {
        let ks = open(&data("multi.jks"), Some(&pw())).unwrap();
        let recorded = std::fs::read_to_string(data("sunx509-choices.txt")).unwrap();
        let mut checked = 0;
        for line in recorded.lines().filter(|l| l.starts_with("SunX509 ")) {
            let f: Vec<&str> = line.split(' ').collect();
            let cas = match f[1] {
                "any" => vec![],
                "root" => vec![subject_of("root-ca.pem")],
                _ => vec![subject_of("int-ca.pem")],
            };
            // Key types in the request's order via one scheme per type.
            let algs: Vec<u32> = f[2]
                .split(',')
                .map(|t| if t == "RSA" { 0x0804 } else { 0x0403 })
                .collect();
            let r = req(false, RSA_EC_TYPES, &algs, cas);
            let c = jsse::sunx509(ks.format, &ks.entries, &r, Some(0x0303));
            let expected = if f[3] == "null" {
                None
            } else {
                Some(f[3].to_owned())
            };
            assert_eq!(c.alias, expected, "{line} (examined {:?})", c.order);
            checked += 1;
        }
        assert_eq!(checked, 9);
    }
}

/// keytool's own `-list` output (recorded by generate.sh): same aliases, same entry types,
/// same leaf SHA-256 fingerprints as our loaders.
#[test]
fn loaders_agree_with_keytool_list() {
    for (store, listing) in [
        ("multi.jks", "keytool-list-multi-jks.txt"),
        ("multi.p12", "keytool-list-multi-p12.txt"),
    ] {
        let ks = open(&data(store), Some(&pw())).unwrap();
        let text = std::fs::read_to_string(data(listing)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut seen = 0;
        for (i, l) in lines.iter().enumerate() {
            let kind = if l.ends_with("PrivateKeyEntry, ") {
                EntryKind::PrivateKey
            } else if l.ends_with("trustedCertEntry, ") {
                EntryKind::TrustedCertificate
            } else {
                continue;
            };
            let alias = l.split(',').next().unwrap();
            let fp = lines[i + 1]
                .strip_prefix("Certificate fingerprint (SHA-256): ")
                .unwrap()
                .replace(':', "");
            let e = ks.entry(alias).unwrap();
            assert_eq!(e.kind, kind, "{store} {alias}");
            assert_eq!(
                e.chain[0]
                    .sha256_fingerprint
                    .replace(':', "")
                    .to_uppercase(),
                fp,
                "{store} {alias}"
            );
            seen += 1;
        }
        assert_eq!(
            seen,
            ks.entries.len(),
            "{store}: keytool lists every entry we found"
        );
        assert_eq!(seen, 4);
    }
}

/// Keys and certificates name curves from one table (`tls::oid`), brainpool included; the
/// certificate side is tls::x509_tests::one_oid_table_for_certificates_and_keys. (Here, not
/// there, so that no `tls` code, test code included, imports `identity`, which stands above it.)
#[test]
fn key_curve_names_come_from_the_tls_oid_table() {
    for (oid, name) in [
        ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"),
        ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1"),
        ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1"),
        ("1.2.840.10045.3.1.7", "secp256r1"),
    ] {
        assert_eq!(super::key::curve_name(oid).as_deref(), Some(name));
        assert_eq!(crate::tls::x509::curve_name(oid), name);
    }
    assert_eq!(super::key::curve_name("1.2.3"), None);
}

#[test]
fn open_bytes_reads_what_open_reads() {
    for f in [
        "client-openssl-aes.p12",
        "multi.jks",
        "client.jceks",
        "client-combined.pem",
        "client-enc-pkcs8.der",
    ] {
        let path = data(f);
        let bytes = std::fs::read(&path).unwrap();
        let a = open(&path, Some(&pw())).unwrap_or_else(|e| panic!("{f}: {e}"));
        let b = open_bytes(&path, &bytes, Some(&pw())).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(a.format, b.format, "{f}");
        assert_eq!(a.aliases(), b.aliases(), "{f}");
        let keys = |ks: &Keystore| {
            ks.entries
                .iter()
                .map(|e| e.key.is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(&a), keys(&b), "{f}");
    }
    assert!(matches!(
        open_bytes(Path::new("x"), b"", None),
        Err(IdentityError::Empty { .. })
    ));
    assert!(matches!(
        open_bytes(Path::new("x"), b"not a keystore", None),
        Err(IdentityError::UnknownFormat { .. })
    ));
}
