//! Loader tests over files made by openssl 3 and keytool (tests/data/identity/generate.sh).

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

fn check_multi(ks: &Keystore) {
    let aliases = ks.aliases();
    for a in ["client", "ec", "selfsigned", "rootca"] {
        assert!(
            aliases.iter().any(|x| x == a),
            "{a} missing from {aliases:?}"
        );
    }
    let client = ks.entry("client").unwrap();
    assert_eq!(client.kind, EntryKind::PrivateKey);
    // As imported from the openssl PKCS#12: leaf and issuing CA, not the root (which is a
    // separate trusted-certificate entry).
    assert_eq!(client.chain.len(), 2, "client chain: leaf, issuing CA");
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
    check_multi(&ks);
    assert!(ks.entry("client").unwrap().created_unix.unwrap() > 1_600_000_000);
}

#[test]
fn keytool_pkcs12_with_aliases() {
    let ks = open(&data("multi.p12"), Some(&pw())).unwrap();
    assert_eq!(ks.format, KeystoreFormat::Pkcs12);
    check_multi(&ks);
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
    assert_eq!(ks.aliases(), vec!["issuingca", "rootca"]);
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
    assert!(matches!(e, IdentityError::Read { .. }), "{e}");
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
