//! The JSSE emulation against the JDK's own answers: `KeyStore.aliases()` order
//! (tests/data/identity/keystore-orders.txt, from orders.sh) and the SunX509 / NewSunX509
//! choices of ChooseAlias.java (sunx509-choices.txt). The real handshakes are checked in
//! tests/identity_choice.rs against captures/identity-choice.pcap.

use std::path::{Path, PathBuf};

use super::jsse::{self, KeyManager, PkixCheck};
use super::*;
use crate::model::{CertificateRequest, CodePoint, DistinguishedName};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/identity")
        .join(name)
}

fn root(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn pw() -> SecretString {
    SecretString::from("changeit")
}

fn req(types: &[u32], algs: &[u32], cas: Vec<DistinguishedName>) -> CertificateRequest {
    CertificateRequest {
        frame: 7,
        time: 0.0,
        tls13: false,
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

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn keystore_aliases_order_agrees_with_the_jdk() {
    let recorded = std::fs::read_to_string(data("keystore-orders.txt")).unwrap();
    let mut checked = 0;
    for line in recorded.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let path = if f[0].starts_with("captures/") {
            root(f[0])
        } else {
            data(f[0])
        };
        let ks = open(&path, Some(&pw())).unwrap();
        let ours: Vec<String> = jsse::aliases_order(ks.format, &ks.entries)
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        assert_eq!(ours.join(","), f[2], "{line}");
        checked += 1;
    }
    assert_eq!(checked, 7);
}

/// Past 8 entries Hashtable rehashes 11 → 23 buckets. The orders below are what JDK 17's
/// `java.util.Hashtable.keys()` printed for these insertions.
#[test]
fn hashtable_order_matches_java_across_a_rehash() {
    let keys: Vec<String> = (1..=12).map(|i| format!("k{i}")).collect();
    assert_eq!(
        jsse::java_hashtable_order(&keys).join(","),
        "k12,k11,k10,k9,k8,k7,k6,k5,k4,k3,k2,k1"
    );
    let keys: Vec<String> = [
        "partner-root",
        "partner-ec",
        "ssos",
        "other-client",
        "partner-expired",
        "partner-client",
        "zeta",
        "alpha",
        "beta",
        "gamma",
        "delta",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(
        jsse::java_hashtable_order(&keys).join(","),
        "partner-ec,gamma,partner-client,alpha,ssos,other-client,zeta,partner-expired,partner-root,beta,delta"
    );
}

/// NewSunX509 answers recorded from the JDK by ChooseAlias.java (multi.jks: client RSA,
/// ec EC, selfsigned RSA (keytool-made, no EKU), rootca trusted).
#[test]
fn pkix_choice_agrees_with_the_jdk() {
    let ks = open(&data("multi.jks"), Some(&pw())).unwrap();
    let recorded = std::fs::read_to_string(data("sunx509-choices.txt")).unwrap();
    let subject_of = |f: &str| {
        open(&data(f), None).unwrap().entries[0].chain[0]
            .subject
            .clone()
    };
    let mut checked = 0;
    for line in recorded.lines().filter(|l| l.starts_with("NewSunX509 ")) {
        let f: Vec<&str> = line.split(' ').collect();
        let cas = match f[1] {
            "any" => vec![],
            "root" => vec![subject_of("root-ca.pem")],
            _ => vec![subject_of("int-ca.pem")],
        };
        let algs: Vec<u32> = f[2]
            .split(',')
            .map(|t| if t == "RSA" { 0x0804 } else { 0x0403 })
            .collect();
        let r = req(&[1, 64], &algs, cas);
        let c = jsse::pkix(ks.format, &ks.entries, &r, Some(0x0303), now());
        let expected = (f[3] != "null").then(|| f[3].to_owned());
        assert_eq!(c.alias, expected, "{line}: {}", c.reason);
        checked += 1;
    }
    assert_eq!(checked, 9);
}

/// The keystore of captures/identity-choice.pcap, request B (Partner CAs, RSA only): SunX509
/// picks the expired entry (first in its HashMap order), PKIX the valid one.
#[test]
fn sunx509_and_pkix_differ_on_an_expired_entry() {
    let partner = open(&root("captures/pki/partner-cas.pem"), None).unwrap();
    let cas: Vec<DistinguishedName> = partner
        .entries
        .iter()
        .map(|e| e.chain[0].subject.clone())
        .collect();
    let r = req(&[1, 2, 64], &[0x0804, 0x0805, 0x0401, 0x0501], cas);
    for f in [
        "captures/keystores/multi.jks",
        "captures/keystores/multi.p12",
    ] {
        let ks = open(&root(f), Some(&pw())).unwrap();
        let s = jsse::sunx509(ks.format, &ks.entries, &r, Some(0x0303));
        assert_eq!(s.key_manager, KeyManager::SunX509);
        assert_eq!(
            s.alias.as_deref(),
            Some("partner-expired"),
            "{f}: {}",
            s.reason
        );
        assert_eq!(s.key_types, vec!["RSA"]);
        let p = jsse::pkix(ks.format, &ks.entries, &r, Some(0x0303), now());
        assert_eq!(
            p.alias.as_deref(),
            Some("partner-client"),
            "{f}: {}",
            p.reason
        );
        assert_eq!(p.check, Some(PkixCheck::Ok));
        assert!(p.reason.contains("perfect match"), "{}", p.reason);
    }
}

#[test]
fn a_key_with_its_own_password_stops_sunx509_init() {
    let ks = open(&data("multi.jks"), Some(&pw())).unwrap();
    let mut entries = ks.entries.clone();
    let e = entries.iter_mut().find(|e| e.alias == "ec").unwrap();
    e.key = None;
    e.key_password_differs = true;
    let r = req(&[1, 64], &[0x0804], vec![]);
    let s = jsse::sunx509(ks.format, &entries, &r, Some(0x0303));
    assert!(s.alias.is_none());
    assert!(
        s.init_failure.as_deref().unwrap().contains("'ec'"),
        "{:?}",
        s.init_failure
    );
}
