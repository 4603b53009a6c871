//! Issue 13 §1: hostile keystores and key files (hand-made bytes: they are malformed on
//! purpose) end in one-line errors, quickly and without large allocations; real files made by
//! keytool and openssl with every KDF setting they offer still load.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha1::{Digest, Sha1};

use super::pbe::{Budget, PbeError, MAX_ITERATIONS, WORK_BUDGET};
use super::*;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/identity")
        .join(name)
}

fn pw() -> SecretString {
    SecretString::from("changeit")
}

fn write_tmp(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    (d, p)
}

/// DER TLV with a definite length.
fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    let n = body.len();
    if n < 0x80 {
        v.push(n as u8);
    } else if n < 0x100 {
        v.extend([0x81, n as u8]);
    } else if n < 0x10000 {
        v.extend([0x82, (n >> 8) as u8, n as u8]);
    } else {
        v.extend([0x83, (n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    v.extend_from_slice(body);
    v
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn oid(dotted: &str) -> Vec<u8> {
    let o = pkcs8::ObjectIdentifier::new(dotted).unwrap();
    tlv(0x06, o.as_bytes())
}

fn int(n: u64) -> Vec<u8> {
    let mut b = n.to_be_bytes().to_vec();
    while b.len() > 1 && b[0] == 0 && b[1] & 0x80 == 0 {
        b.remove(0);
    }
    if b[0] & 0x80 != 0 {
        b.insert(0, 0);
    }
    tlv(0x02, &b)
}

fn octets(b: &[u8]) -> Vec<u8> {
    tlv(0x04, b)
}

/// A JKS file from raw entry bytes, with a correct integrity digest for "changeit", so the
/// reader gets past the digest to the malformed part.
fn jks(count: u32, entries: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(0xfeedfeed_u32.to_be_bytes());
    v.extend(2u32.to_be_bytes());
    v.extend(count.to_be_bytes());
    v.extend_from_slice(entries);
    let mut h = Sha1::new();
    for u in "changeit".encode_utf16() {
        h.update(u.to_be_bytes());
    }
    h.update(b"Mighty Aphrodite");
    h.update(&v);
    v.extend(h.finalize());
    v
}

fn utf(s: &str) -> Vec<u8> {
    let mut v = (s.len() as u16).to_be_bytes().to_vec();
    v.extend(s.as_bytes());
    v
}

fn jks_key_entry(key: &[u8], chain_count: u32, certs: &[&[u8]]) -> Vec<u8> {
    let mut e = 1u32.to_be_bytes().to_vec();
    e.extend(utf("k"));
    e.extend(0u64.to_be_bytes());
    e.extend((key.len() as u32).to_be_bytes());
    e.extend_from_slice(key);
    e.extend(chain_count.to_be_bytes());
    for c in certs {
        e.extend(utf("X.509"));
        e.extend((c.len() as u32).to_be_bytes());
        e.extend_from_slice(c);
    }
    e
}

fn quick<T>(f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let r = f();
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );
    r
}

fn corrupt_detail(e: &IdentityError) -> &str {
    match e {
        IdentityError::Corrupt { detail, .. } => detail,
        other => panic!("expected Corrupt, got {other}"),
    }
}

#[test]
fn jks_chain_count_0x7fffffff_is_corrupt_not_an_abort() {
    let cert = std::fs::read(data("root-ca.pem")).unwrap();
    let bytes = jks(1, &jks_key_entry(b"\x30\x00", 0x7fff_ffff, &[&cert]));
    let (_d, p) = write_tmp("chain.jks", &bytes);
    let e = quick(|| open(&p, Some(&pw())).unwrap_err());
    assert_eq!(
        corrupt_detail(&e),
        "the certificate chain count is larger than the file holds"
    );
    assert!(e.to_string().contains("corrupt JKS file"), "{e}");
}

#[test]
fn jks_entry_count_and_lengths_beyond_the_file_are_corrupt() {
    let bytes = jks(0x7fff_ffff, &jks_key_entry(b"\x30\x00", 0, &[]));
    let (_d, p) = write_tmp("count.jks", &bytes);
    let e = quick(|| open(&p, Some(&pw())).unwrap_err());
    assert_eq!(
        corrupt_detail(&e),
        "the entry count is larger than the file holds"
    );
    // A key length of 0xffffffff.
    let mut entry = 1u32.to_be_bytes().to_vec();
    entry.extend(utf("k"));
    entry.extend(0u64.to_be_bytes());
    entry.extend(u32::MAX.to_be_bytes());
    entry.extend([0u8; 64]);
    let (_d2, p2) = write_tmp("keylen.jks", &jks(1, &entry));
    let e = quick(|| open(&p2, Some(&pw())).unwrap_err());
    assert_eq!(corrupt_detail(&e), "truncated private key");
}

#[test]
fn jks_key_length_0_is_an_entry_problem_not_a_crash() {
    let cert = pem_cert(&data("client.pem"));
    let bytes = jks(1, &jks_key_entry(b"", 1, &[&cert]));
    let (_d, p) = write_tmp("key0.jks", &bytes);
    let ks = quick(|| open(&p, Some(&pw())).unwrap());
    let e = &ks.entries[0];
    assert_eq!(e.kind, EntryKind::PrivateKey);
    assert!(e.key.is_none());
    assert!(
        e.key_error.as_deref().unwrap().contains("malformed"),
        "{:?}",
        e.key_error
    );
    assert_eq!(e.chain.len(), 1);
}

fn pem_cert(p: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(p).unwrap();
    let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

/// A PFX whose MAC asks for `iterations` (and an empty authenticated safe).
fn pfx_with_mac_iterations(iterations: u64) -> Vec<u8> {
    let auth_safe = seq(&[]);
    let content_info = seq(&[oid("1.2.840.113549.1.7.1"), tlv(0xa0, &octets(&auth_safe))]);
    let mac = seq(&[
        seq(&[
            seq(&[oid("2.16.840.1.101.3.4.2.1"), vec![5, 0]]),
            octets(&[0u8; 32]),
        ]),
        octets(&[1u8; 8]),
        int(iterations),
    ]);
    seq(&[int(3), content_info, mac])
}

#[test]
fn pkcs12_mac_iterations_2_31_are_refused_before_any_work() {
    let (_d, p) = write_tmp("mac.p12", &pfx_with_mac_iterations(0x7fff_ffff));
    let e = quick(|| open(&p, Some(&pw())).unwrap_err());
    assert!(matches!(e, IdentityError::KdfLimit { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("PKCS#12 MAC iteration count 2147483647 exceeds the limit 10000000"),
        "{e}"
    );
    assert_eq!(e.to_string().lines().count(), 1);
    // Without a password the empty-password tries meet the same cap, not "password required".
    let e = quick(|| open(&p, None).unwrap_err());
    assert!(matches!(e, IdentityError::KdfLimit { .. }), "{e}");
}

/// PBES2 AlgorithmIdentifier with PBKDF2 (HMAC-SHA256) and AES-256-CBC.
fn pbes2_pbkdf2(iterations: u64) -> Vec<u8> {
    seq(&[
        oid("1.2.840.113549.1.5.13"),
        seq(&[
            seq(&[
                oid("1.2.840.113549.1.5.12"),
                seq(&[
                    octets(&[2u8; 8]),
                    int(iterations),
                    seq(&[oid("1.2.840.113549.2.9"), vec![5, 0]]),
                ]),
            ]),
            seq(&[oid("2.16.840.1.101.3.4.1.42"), octets(&[3u8; 16])]),
        ]),
    ])
}

fn pbes2_scrypt(n: u64, r: u64, p: u64) -> Vec<u8> {
    seq(&[
        oid("1.2.840.113549.1.5.13"),
        seq(&[
            seq(&[
                oid("1.3.6.1.4.1.11591.4.11"),
                seq(&[octets(&[2u8; 8]), int(n), int(r), int(p)]),
            ]),
            seq(&[oid("2.16.840.1.101.3.4.1.42"), octets(&[3u8; 16])]),
        ]),
    ])
}

fn encrypted_pem(alg: Vec<u8>) -> Vec<u8> {
    use base64::Engine as _;
    let der = seq(&[alg, octets(&[0u8; 32])]);
    format!(
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n{}\n-----END ENCRYPTED PRIVATE KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(der)
    )
    .into_bytes()
}

fn kdf_limit(bytes: &[u8]) -> String {
    let (_d, p) = write_tmp("key.pem", bytes);
    let e = quick(|| open(&p, Some(&pw())).unwrap_err());
    assert!(matches!(e, IdentityError::KdfLimit { .. }), "{e}");
    e.to_string()
}

#[test]
fn encrypted_pem_kdf_parameters_are_capped_with_their_values_named() {
    let m = kdf_limit(&encrypted_pem(pbes2_pbkdf2(0x7fff_ffff)));
    assert!(
        m.contains("PBKDF2 iteration count 2147483647 exceeds the limit 10000000"),
        "{m}"
    );
    let m = kdf_limit(&encrypted_pem(pbes2_scrypt(1 << 40, 8, 1)));
    assert!(
        m.contains("scrypt N=2^40, r=8 needs 1 PiB of memory, over the limit of 256 MiB"),
        "{m}"
    );
    let m = kdf_limit(&encrypted_pem(pbes2_scrypt(1 << 24, 8, 1)));
    assert!(
        m.contains("scrypt N=2^24, r=8 needs 16 GiB of memory"),
        "{m}"
    );
    let m = kdf_limit(&encrypted_pem(pbes2_scrypt(1 << 14, 8, 1000)));
    assert!(m.contains("scrypt p=1000 exceeds the limit 16"), "{m}");
    // An iteration count wider than 64 bits is over every cap, not an overflow.
    let alg = seq(&[
        oid("1.2.840.113549.1.5.13"),
        seq(&[
            seq(&[
                oid("1.2.840.113549.1.5.12"),
                seq(&[octets(&[2u8; 8]), tlv(0x02, &[0x7f; 12])]),
            ]),
            seq(&[oid("2.16.840.1.101.3.4.1.42"), octets(&[3u8; 16])]),
        ]),
    ]);
    let m = kdf_limit(&encrypted_pem(alg));
    assert!(m.contains("exceeds the limit 10000000"), "{m}");
}

#[test]
fn pkcs12_encrypted_safe_with_huge_pbkdf2_is_refused() {
    // No MAC, one encrypted safe whose PBES2 asks for 2^31-1 iterations.
    let enc = seq(&[
        int(0),
        seq(&[
            oid("1.2.840.113549.1.7.1"),
            pbes2_pbkdf2(0x7fff_ffff),
            tlv(0x80, &[0u8; 32]),
        ]),
    ]);
    let auth_safe = seq(&[seq(&[oid("1.2.840.113549.1.7.6"), tlv(0xa0, &enc)])]);
    let pfx = seq(&[
        int(3),
        seq(&[oid("1.2.840.113549.1.7.1"), tlv(0xa0, &octets(&auth_safe))]),
    ]);
    let (_d, p) = write_tmp("safe.p12", &pfx);
    let e = quick(|| open(&p, Some(&pw())).unwrap_err());
    assert!(
        e.to_string()
            .contains("PBKDF2 iteration count 2147483647 exceeds the limit 10000000"),
        "{e}"
    );
}

#[test]
fn the_work_budget_bounds_a_file_of_many_derivations() {
    let mut b = Budget::default();
    // keytool's maximum, many times: allowed until the budget is spent.
    let mut n = 0;
    let err = loop {
        match b.spend("PBKDF2", 5_000_000, 1) {
            Ok(()) => n += 1,
            Err(e) => break e,
        }
    };
    assert_eq!(n, WORK_BUDGET / 5_000_000);
    assert!(
        matches!(err, PbeError::Limit(ref m) if m.contains("in all")),
        "{err:?}"
    );
    // One derivation over the cap is refused on its own.
    let mut b = Budget::default();
    assert!(b.spend("PBKDF2", MAX_ITERATIONS, 1).is_ok());
    assert!(matches!(
        b.spend("PBKDF2", MAX_ITERATIONS + 1, 1),
        Err(PbeError::Limit(_))
    ));
}

#[test]
fn many_pem_blocks_are_refused() {
    let block = "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n";
    let text = block.repeat(10_001);
    let (_d, p) = write_tmp("many.pem", text.as_bytes());
    let e = quick(|| open(&p, None).unwrap_err());
    assert!(e.to_string().contains("more than 10000 PEM blocks"), "{e}");
}

// ---- real files (tests/data/identity/generate-kdf.sh) ----

fn leaf_cn(ks: &Keystore, alias: &str) -> String {
    ks.entry(alias).unwrap().chain[0].subject.text.clone()
}

#[test]
fn openssl_pkcs12_above_the_old_million_iteration_limit_loads() {
    // p12-keystore refused this as "corrupt PKCS#12 file" (its cap was 1,000,000).
    let ks = open(&data("client-iter1048577.p12"), Some(&pw())).unwrap();
    let e = ks.entry("client").unwrap();
    assert_eq!(e.key_match, Some(KeyMatch::Yes));
    assert_eq!(e.chain.len(), 2);
    assert_eq!(
        leaf_cn(&ks, "client"),
        "CN=client.example,O=tlsdiag test,C=DE"
    );
    let e = open(
        &data("client-iter1048577.p12"),
        Some(&SecretString::from("nope")),
    )
    .unwrap_err();
    assert!(matches!(e, IdentityError::WrongPassword { .. }), "{e}");
}

/// Slow in a debug build (3 × 8,388,608 iterations): `cargo test -- --ignored` runs it;
/// docs/identity.md gives the release-build timing.
#[test]
#[ignore]
fn openssl_pkcs12_with_8388608_iterations_loads() {
    let ks = open(&data("client-iter8388608.p12"), Some(&pw())).unwrap();
    assert_eq!(ks.entry("client").unwrap().key_match, Some(KeyMatch::Yes));
}

#[test]
fn openssl_encrypted_pkcs8_variants_load() {
    let want = open(&data("client.key"), None).unwrap().entries[0]
        .key
        .as_ref()
        .unwrap()
        .info
        .clone();
    for f in [
        "client-scrypt.key",
        "client-sha1-3des.key",
        "client-enc-pkcs8.der",
    ] {
        let ks = open(&data(f), Some(&pw())).unwrap_or_else(|e| panic!("{f}: {e}"));
        let k = ks.entries[0].key.as_ref().unwrap();
        assert_eq!(k.info, want, "{f}");
        let e = open(&data(f), Some(&SecretString::from("nope"))).unwrap_err();
        assert!(matches!(e, IdentityError::WrongPassword { .. }), "{f}: {e}");
    }
}

#[test]
fn keytool_legacy_pkcs12_and_jceks_load() {
    let ks = open(&data("client-keytool-legacy.p12"), Some(&pw())).unwrap();
    assert_eq!(ks.entry("client").unwrap().key_match, Some(KeyMatch::Yes));
    assert_eq!(ks.entry("client").unwrap().chain.len(), 2);

    let ks = open(&data("client.jceks"), Some(&pw())).unwrap();
    assert_eq!(ks.format, KeystoreFormat::Jceks);
    // keytool -list (keytool-list-jceks.txt) shows the same two entries.
    let listed = std::fs::read_to_string(data("keytool-list-jceks.txt")).unwrap();
    for e in &ks.entries {
        let kind = match e.kind {
            EntryKind::PrivateKey => "PrivateKeyEntry",
            EntryKind::TrustedCertificate => "trustedCertEntry",
        };
        assert!(listed.contains(&format!("{}, ", e.alias)), "{}", e.alias);
        assert!(listed.contains(kind));
        let fp = e.chain[0]
            .sha256_fingerprint
            .to_uppercase()
            .as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(":");
        assert!(listed.contains(&fp), "{} {fp}", e.alias);
    }
    let client = ks.entry("client").unwrap();
    assert_eq!(client.key_match, Some(KeyMatch::Yes));
    assert!(client.created_unix.is_some());
    let e = open(&data("client.jceks"), Some(&SecretString::from("nope"))).unwrap_err();
    assert!(
        matches!(
            e,
            IdentityError::WrongPassword {
                format: "JCEKS",
                ..
            }
        ),
        "{e}"
    );
}

/// Mutations of real files never panic and never take long. The JKS digest is recomputed after
/// each mutation and the PKCS#12 has no MAC, so the damage reaches the entry and bag parsers.
#[test]
fn mutated_keystores_never_panic() {
    let jks_file = std::fs::read(data("multi.jks")).unwrap();
    let p12 = std::fs::read(data("client-nomac.p12")).unwrap();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    for round in 0..300 {
        for (name, orig) in [("m.jks", &jks_file), ("m.p12", &p12)] {
            let mut b = orig.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() % b.len() as u64) as usize;
                b[i] = next() as u8;
            }
            if name == "m.jks" {
                let body = b.len() - 20;
                let mut h = Sha1::new();
                for u in "changeit".encode_utf16() {
                    h.update(u.to_be_bytes());
                }
                h.update(b"Mighty Aphrodite");
                h.update(&b[..body]);
                let d = h.finalize();
                b[body..].copy_from_slice(&d);
            }
            let p = dir.path().join(format!("{round}-{name}"));
            std::fs::write(&p, &b).unwrap();
            let _ = open(&p, Some(&pw()));
        }
    }
    assert!(started.elapsed() < Duration::from_secs(120));
}

#[test]
fn a_million_empty_bags_are_refused_without_a_huge_list() {
    // SafeContents of 1,000,000 empty SEQUENCEs (2 MB): at most der::MAX_CHILDREN (65,536)
    // are listed before the walk gives up, instead of 40 MB of list entries.
    let safe = tlv(0x30, &[0x30u8, 0x00].repeat(1_000_000));
    let auth_safe = seq(&[seq(&[
        oid("1.2.840.113549.1.7.1"),
        tlv(0xa0, &octets(&safe)),
    ])]);
    let pfx = seq(&[
        int(3),
        seq(&[oid("1.2.840.113549.1.7.1"), tlv(0xa0, &octets(&auth_safe))]),
    ]);
    let (_d, p) = write_tmp("bags.p12", &pfx);
    let e = quick(|| open(&p, Some(&pw())).unwrap_err());
    assert!(
        e.to_string()
            .contains("corrupt PKCS#12 file: malformed SafeContents"),
        "{e}"
    );
}

#[test]
fn der_children_are_capped() {
    use super::der::{children, MAX_CHILDREN};
    let at_cap = [0x30u8, 0x00].repeat(MAX_CHILDREN);
    assert_eq!(children(&at_cap).unwrap().len(), MAX_CHILDREN);
    let over = [0x30u8, 0x00].repeat(MAX_CHILDREN + 1);
    assert!(children(&over).is_none());
}
