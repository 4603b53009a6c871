//! PKCS#12 (.p12/.pfx, RFC 7292), read by our own bounded DER walk: every length is checked
//! against the bytes that remain (`der::read_tlv`), nothing is allocated from a count, nested
//! SafeContents are followed at most [`MAX_DEPTH`] deep, and every key derivation (MAC,
//! encrypted safes, shrouded keys) goes through `pbe`'s caps and per-file work budget. Reads
//! what keytool (JDK 17: PBES2/PBKDF2-SHA256/AES-256, HmacPBESHA256; `keystore.pkcs12.legacy`:
//! SHA-1 3DES/RC2-40) and openssl 3 (`pkcs12 -export`, also `-legacy`) write.
//!
//! Then we link the bags ourselves: a key bag's certificate is the bag with the same
//! localKeyId (else the one whose public key matches), the chain follows issuer → subject among
//! the other certificates, and certificates without a key become trusted-certificate entries —
//! both Java's (they carry Oracle's trusted-key-usage attribute) and OpenSSL's `-nokeys`
//! bundles. Aliases are the friendlyName (keytool's alias). Must not print key material.

use std::path::Path;

use hmac::Mac as _;
use zeroize::Zeroizing;

use super::der::{self, children, read_tlv, Tlv};
use super::key::{KeyEncoding, KeyMatch, PrivateKey};
use super::pbe::{self, Budget, Digest, Password, PbeError};
use super::{Entry, EntryKind, IdentityError, SecretString};

/// How deep SafeContents may nest inside safeContentsBag bags (keytool and openssl never nest).
const MAX_DEPTH: usize = 4;

const OID_DATA: &str = "1.2.840.113549.1.7.1";
const OID_ENCRYPTED_DATA: &str = "1.2.840.113549.1.7.6";
const OID_KEY_BAG: &str = "1.2.840.113549.1.12.10.1.1";
const OID_SHROUDED_KEY_BAG: &str = "1.2.840.113549.1.12.10.1.2";
const OID_CERT_BAG: &str = "1.2.840.113549.1.12.10.1.3";
const OID_SAFE_CONTENTS_BAG: &str = "1.2.840.113549.1.12.10.1.6";
const OID_X509_CERT: &str = "1.2.840.113549.1.9.22.1";
const OID_FRIENDLY_NAME: &str = "1.2.840.113549.1.9.20";
const OID_LOCAL_KEY_ID: &str = "1.2.840.113549.1.9.21";
/// Oracle's trustedKeyUsage: keytool marks trusted-certificate entries with it.
const OID_TRUSTED_KEY_USAGE: &str = "2.16.840.1.113894.746875.1.1";

struct CertBag {
    der: Vec<u8>,
    local_key_id: Option<Vec<u8>>,
    friendly_name: Option<String>,
    trusted: bool,
}

struct KeyBag {
    key: Option<PrivateKey>,
    error: Option<String>,
    local_key_id: Option<Vec<u8>>,
    friendly_name: Option<String>,
}

#[derive(Default)]
struct Bags {
    keys: Vec<KeyBag>,
    certs: Vec<CertBag>,
}

/// The outer PFX: the authenticated-safe bytes and the MAC data, if any.
struct Pfx<'a> {
    auth_safe: Zeroizing<Vec<u8>>,
    mac: Option<Tlv<'a>>,
}

pub fn open(
    path: &Path,
    data: &[u8],
    password: Option<&SecretString>,
) -> Result<Vec<Entry>, IdentityError> {
    let corrupt = |detail: &str| IdentityError::Corrupt {
        path: path.to_owned(),
        format: "PKCS#12",
        detail: detail.to_owned(),
    };
    let pfx = parse_pfx(data).map_err(corrupt)?;
    let mut budget = Budget::default();
    let candidates = match password {
        Some(p) if !p.expose().is_empty() => vec![Password::new(p.expose())],
        // No password, or an empty one: PKCS#12 files are often exported with an empty
        // password, which tools encode in three ways.
        _ => Password::empty_variants(),
    };
    for pw in &candidates {
        match decode(&pfx, pw, &mut budget) {
            Ok(bags) => return Ok(link(bags)),
            Err(Failure::WrongPassword) => {}
            Err(e) => return Err(e.into_error(path)),
        }
    }
    Err(match password {
        None => IdentityError::PasswordRequired {
            path: path.to_owned(),
            what: "this PKCS#12 file",
        },
        Some(_) => IdentityError::WrongPassword {
            path: path.to_owned(),
            format: "PKCS#12",
        },
    })
}

enum Failure {
    WrongPassword,
    Corrupt(String),
    Unsupported(String),
    Limit(String),
}

impl Failure {
    fn into_error(self, path: &Path) -> IdentityError {
        match self {
            Failure::WrongPassword => IdentityError::WrongPassword {
                path: path.to_owned(),
                format: "PKCS#12",
            },
            Failure::Corrupt(detail) => IdentityError::Corrupt {
                path: path.to_owned(),
                format: "PKCS#12",
                detail,
            },
            Failure::Unsupported(alg) => IdentityError::UnsupportedEncryption {
                path: path.to_owned(),
                detail: format!("PKCS#12 uses an algorithm this tool cannot read ({alg}); re-export it with openssl pkcs12 -export (AES-256, SHA-256 MAC)"),
            },
            Failure::Limit(detail) => IdentityError::KdfLimit {
                path: path.to_owned(),
                detail,
            },
        }
    }
}

impl From<PbeError> for Failure {
    fn from(e: PbeError) -> Self {
        match e {
            PbeError::WrongPassword => Failure::WrongPassword,
            PbeError::Unsupported(a) => Failure::Unsupported(a),
            PbeError::Limit(l) => Failure::Limit(l),
            PbeError::Malformed(m) => Failure::Corrupt(m.to_owned()),
        }
    }
}

fn corrupt(d: &str) -> Failure {
    Failure::Corrupt(d.to_owned())
}

/// `PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData MacData OPTIONAL }`.
fn parse_pfx(data: &[u8]) -> Result<Pfx<'_>, &'static str> {
    let (outer, _) =
        read_tlv(data).ok_or("not a DER SEQUENCE (truncated, or BER indefinite lengths)")?;
    if outer.tag != der::SEQUENCE {
        return Err("not a PFX SEQUENCE");
    }
    let f = children(outer.value).ok_or("malformed PFX")?;
    let mut it = f.into_iter();
    let version = it
        .next()
        .filter(|t| t.tag == der::INTEGER)
        .ok_or("no version")?;
    if version.value != [3] {
        return Err("PFX version is not 3");
    }
    let auth = it.next().ok_or("no authSafe")?;
    let (ctype, content) = content_info(&auth).ok_or("malformed authSafe ContentInfo")?;
    if ctype != OID_DATA {
        // signedData (public-key integrity mode) is not used by keytool or openssl.
        return Err(
            "authSafe is not a data ContentInfo (public-key integrity mode is not supported)",
        );
    }
    let auth_safe =
        octets(content.ok_or("empty authSafe")?).ok_or("authSafe is not an OCTET STRING")?;
    Ok(Pfx {
        auth_safe,
        mac: it.next(),
    })
}

/// `ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY OPTIONAL }`.
fn content_info<'a>(t: &Tlv<'a>) -> Option<(String, Option<Tlv<'a>>)> {
    if t.tag != der::SEQUENCE {
        return None;
    }
    let (o, rest) = read_tlv(t.value)?;
    let ctype = pbe::oid(&o)?;
    if rest.is_empty() {
        return Some((ctype, None));
    }
    let (explicit, _) = read_tlv(rest)?;
    if explicit.tag != 0xa0 {
        return None;
    }
    let (inner, _) = read_tlv(explicit.value)?;
    Some((ctype, Some(inner)))
}

/// An OCTET STRING's contents, also in BER's constructed form (concatenated pieces).
fn octets(t: Tlv<'_>) -> Option<Zeroizing<Vec<u8>>> {
    match t.tag {
        der::OCTET_STRING | 0x80 => Some(Zeroizing::new(t.value.to_vec())),
        0x24 | 0xa0 => {
            let mut out = Zeroizing::new(Vec::new());
            for piece in children(t.value)? {
                if piece.tag != der::OCTET_STRING {
                    return None;
                }
                out.extend_from_slice(piece.value);
            }
            Some(out)
        }
        _ => None,
    }
}

fn decode(pfx: &Pfx<'_>, pw: &Password, budget: &mut Budget) -> Result<Bags, Failure> {
    if let Some(mac) = &pfx.mac {
        verify_mac(mac, pw, &pfx.auth_safe, budget)?;
    }
    let (seq, _) =
        read_tlv(&pfx.auth_safe).ok_or_else(|| corrupt("malformed AuthenticatedSafe"))?;
    if seq.tag != der::SEQUENCE {
        return Err(corrupt("AuthenticatedSafe is not a SEQUENCE"));
    }
    let mut bags = Bags::default();
    for ci in children(seq.value).ok_or_else(|| corrupt("malformed AuthenticatedSafe"))? {
        let (ctype, content) = content_info(&ci).ok_or_else(|| corrupt("malformed ContentInfo"))?;
        let safe = match ctype.as_str() {
            OID_DATA => match content {
                Some(c) => {
                    octets(c).ok_or_else(|| corrupt("data ContentInfo is not an OCTET STRING"))?
                }
                None => continue,
            },
            OID_ENCRYPTED_DATA => match content {
                Some(c) => encrypted_data(&c, pw, budget)?,
                None => continue,
            },
            other => return Err(Failure::Unsupported(format!("ContentInfo type {other}"))),
        };
        safe_contents(&safe, pw, budget, &mut bags, 0)?;
    }
    Ok(bags)
}

/// `MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }`:
/// HMAC over the authenticated safe with a key from the PKCS#12 KDF (id 3).
fn verify_mac(
    mac: &Tlv<'_>,
    pw: &Password,
    data: &[u8],
    budget: &mut Budget,
) -> Result<(), Failure> {
    let bad = || corrupt("malformed MacData");
    if mac.tag != der::SEQUENCE {
        return Err(bad());
    }
    let f = children(mac.value).ok_or_else(bad)?;
    let digest_info = f
        .first()
        .filter(|t| t.tag == der::SEQUENCE)
        .ok_or_else(bad)?;
    let di = children(digest_info.value).ok_or_else(bad)?;
    let (alg, _) = pbe::split_algorithm(di.first().ok_or_else(bad)?)?;
    let expected = di
        .get(1)
        .filter(|t| t.tag == der::OCTET_STRING)
        .ok_or_else(bad)?
        .value;
    let salt = f
        .get(1)
        .filter(|t| t.tag == der::OCTET_STRING)
        .ok_or_else(bad)?
        .value;
    let iterations = match f.get(2) {
        Some(t) => int(t).ok_or_else(bad)?,
        None => 1,
    };
    let digest = Digest::from_oid(&alg).ok_or_else(|| {
        Failure::Unsupported(if alg == "1.2.840.113549.1.5.14" {
            "PBMAC1 integrity (RFC 9579)".to_owned()
        } else {
            format!("MAC digest {alg}")
        })
    })?;
    // The MAC key is one digest output: one block.
    budget.spend("PKCS#12 MAC", iterations, 1)?;
    let key = pbe::pkcs12_kdf(digest, &pw.bmp, salt, 3, iterations, digest.output_len());
    let ok = match digest {
        Digest::Sha1 => hmac_ok!(sha1::Sha1, &key, data, expected),
        Digest::Sha224 => hmac_ok!(sha2::Sha224, &key, data, expected),
        Digest::Sha256 => hmac_ok!(sha2::Sha256, &key, data, expected),
        Digest::Sha384 => hmac_ok!(sha2::Sha384, &key, data, expected),
        Digest::Sha512 => hmac_ok!(sha2::Sha512, &key, data, expected),
    };
    if ok {
        Ok(())
    } else {
        Err(Failure::WrongPassword)
    }
}

/// HMAC-`$d` of `$data` under `$key` equals `$expected` (constant-time compare).
macro_rules! hmac_ok {
    ($d:ty, $key:expr, $data:expr, $expected:expr) => {
        match hmac::Hmac::<$d>::new_from_slice($key) {
            Ok(mut m) => {
                m.update($data);
                m.verify_slice($expected).is_ok()
            }
            Err(_) => false,
        }
    };
}
use hmac_ok;

fn int(t: &Tlv<'_>) -> Option<u64> {
    if t.tag != der::INTEGER || t.value.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let v = der::unsigned(t.value);
    if v.len() > 8 {
        return Some(u64::MAX);
    }
    Some(v.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

/// `EncryptedData ::= SEQUENCE { version, EncryptedContentInfo SEQUENCE { contentType,
/// contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL } }`.
fn encrypted_data(
    t: &Tlv<'_>,
    pw: &Password,
    budget: &mut Budget,
) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let bad = || corrupt("malformed EncryptedData");
    if t.tag != der::SEQUENCE {
        return Err(bad());
    }
    let f = children(t.value).ok_or_else(bad)?;
    let eci = f
        .get(1)
        .filter(|t| t.tag == der::SEQUENCE)
        .ok_or_else(bad)?;
    let e = children(eci.value).ok_or_else(bad)?;
    let (alg, params) = pbe::split_algorithm(e.get(1).ok_or_else(bad)?)?;
    let Some(content) = e.get(2) else {
        return Ok(Zeroizing::new(Vec::new()));
    };
    let ct = octets(*content).ok_or_else(bad)?;
    Ok(pbe::decrypt(&alg, params, &ct, pw, budget)?)
}

/// `SafeContents ::= SEQUENCE OF SafeBag`,
/// `SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OPTIONAL }`.
fn safe_contents(
    data: &[u8],
    pw: &Password,
    budget: &mut Budget,
    bags: &mut Bags,
    depth: usize,
) -> Result<(), Failure> {
    if depth > MAX_DEPTH {
        return Err(corrupt("SafeContents nested too deep"));
    }
    if data.is_empty() {
        return Ok(());
    }
    let bad = || corrupt("malformed SafeContents");
    // A wrong password without a MAC decrypts to garbage that happens to pad correctly about
    // once in 256 tries: call that a wrong password, not a corrupt file.
    let (seq, _) = read_tlv(data).ok_or(Failure::WrongPassword)?;
    if seq.tag != der::SEQUENCE {
        return Err(Failure::WrongPassword);
    }
    for bag in children(seq.value).ok_or_else(bad)? {
        if bag.tag != der::SEQUENCE {
            return Err(bad());
        }
        let f = children(bag.value).ok_or_else(bad)?;
        let bag_id = f.first().and_then(pbe::oid).ok_or_else(bad)?;
        let value = f
            .get(1)
            .filter(|t| t.tag == 0xa0)
            .and_then(|t| read_tlv(t.value))
            .map(|(v, _)| v)
            .ok_or_else(bad)?;
        let attrs = attributes(f.get(2));
        match bag_id.as_str() {
            OID_CERT_BAG => {
                // CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT OCTET STRING }
                let c = children(value.value).ok_or_else(bad)?;
                if c.first().and_then(pbe::oid).as_deref() != Some(OID_X509_CERT) {
                    continue; // SDSI certificates: not for TLS.
                }
                let der = c
                    .get(1)
                    .filter(|t| t.tag == 0xa0)
                    .and_then(|t| read_tlv(t.value))
                    .and_then(|(o, _)| octets(o))
                    .ok_or_else(bad)?;
                bags.certs.push(CertBag {
                    der: der.to_vec(),
                    local_key_id: attrs.local_key_id,
                    friendly_name: attrs.friendly_name,
                    trusted: attrs.trusted,
                });
            }
            OID_KEY_BAG => {
                let key = PrivateKey::parse(value.raw, KeyEncoding::Pkcs8);
                bags.keys.push(KeyBag {
                    error: key
                        .is_none()
                        .then(|| "the key bag does not hold a readable PKCS#8 key".to_owned()),
                    key,
                    local_key_id: attrs.local_key_id,
                    friendly_name: attrs.friendly_name,
                });
            }
            OID_SHROUDED_KEY_BAG => {
                // EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }
                let e = children(value.value).ok_or_else(bad)?;
                let (alg, params) = pbe::split_algorithm(e.first().ok_or_else(bad)?)?;
                let ct = e
                    .get(1)
                    .filter(|t| t.tag == der::OCTET_STRING)
                    .ok_or_else(bad)?
                    .value;
                let plain = pbe::decrypt(&alg, params, ct, pw, budget)?;
                let key = PrivateKey::parse(&plain, KeyEncoding::Pkcs8);
                bags.keys.push(KeyBag {
                    error: key
                        .is_none()
                        .then(|| "the decrypted key bag is not a readable PKCS#8 key".to_owned()),
                    key,
                    local_key_id: attrs.local_key_id,
                    friendly_name: attrs.friendly_name,
                });
            }
            OID_SAFE_CONTENTS_BAG => {
                safe_contents(value.raw, pw, budget, bags, depth.saturating_add(1))?;
            }
            // CRL and secret bags: not part of a client identity.
            _ => {}
        }
    }
    Ok(())
}

#[derive(Default)]
struct Attrs {
    friendly_name: Option<String>,
    local_key_id: Option<Vec<u8>>,
    trusted: bool,
}

/// `SET OF SEQUENCE { attrId OID, attrValues SET OF ANY }`: friendlyName (BMPString),
/// localKeyId (OCTET STRING), Oracle's trustedKeyUsage. Malformed attributes are ignored, as
/// JSSE ignores unknown ones.
fn attributes(set: Option<&Tlv<'_>>) -> Attrs {
    let mut a = Attrs::default();
    let Some(items) = set
        .filter(|t| t.tag == 0x31)
        .and_then(|t| children(t.value))
    else {
        return a;
    };
    for item in items {
        let Some(f) = children(item.value) else {
            continue;
        };
        let (Some(id), Some(values)) = (f.first().and_then(pbe::oid), f.get(1)) else {
            continue;
        };
        let first = children(values.value).and_then(|v| v.into_iter().next());
        match id.as_str() {
            OID_FRIENDLY_NAME => {
                a.friendly_name = first.filter(|v| v.tag == 0x1e).map(|v| bmp_text(v.value));
            }
            OID_LOCAL_KEY_ID => {
                a.local_key_id = first
                    .filter(|v| v.tag == der::OCTET_STRING)
                    .map(|v| v.value.to_vec());
            }
            OID_TRUSTED_KEY_USAGE => a.trusted = true,
            _ => {}
        }
    }
    a
}

fn bmp_text(v: &[u8]) -> String {
    let units: Vec<u16> = v
        .chunks_exact(2)
        .map(|c| match c {
            [a, b] => u16::from_be_bytes([*a, *b]),
            _ => 0xfffd,
        })
        .collect();
    String::from_utf16_lossy(&units)
}

fn subject_issuer(der: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    use x509_parser::prelude::FromDer;
    let (_, c) = x509_parser::certificate::X509Certificate::from_der(der).ok()?;
    Some((c.subject().as_raw().to_vec(), c.issuer().as_raw().to_vec()))
}

fn link(bags: Bags) -> Vec<Entry> {
    let Bags { keys, certs } = bags;
    let names: Vec<Option<(Vec<u8>, Vec<u8>)>> =
        certs.iter().map(|c| subject_issuer(&c.der)).collect();
    let mut used = vec![false; certs.len()];
    let mut entries = Vec::new();
    let has_keys = !keys.is_empty();
    for (ki, kb) in keys.into_iter().enumerate() {
        let by_id = kb.local_key_id.as_ref().and_then(|id| {
            certs
                .iter()
                .position(|c| c.local_key_id.as_deref() == Some(id.as_slice()))
        });
        let leaf = by_id.or_else(|| {
            kb.key.as_ref().and_then(|k| {
                certs
                    .iter()
                    .position(|c| k.matches_certificate(&c.der) == KeyMatch::Yes)
            })
        });
        let mut chain_idx = Vec::new();
        if let Some(li) = leaf {
            chain_idx.push(li);
            let mut cur = li;
            // Bounded: each step adds a new index.
            while chain_idx.len() < certs.len() {
                let Some(Some((subj, iss))) = names.get(cur) else {
                    break;
                };
                if subj == iss {
                    break;
                }
                // As JDK's PKCS12KeyStore.findIssuer: among all certificates of the file,
                // trusted-certificate entries included (a keytool-made PKCS#12 whose trust
                // anchor is its own entry gives JSSE, and keytool -list, a 3-certificate chain
                // where the JKS it came from held 2: captures/identity-choice.pcap shows JSSE
                // sending it).
                let next = names.iter().enumerate().position(|(j, n)| {
                    !chain_idx.contains(&j) && n.as_ref().is_some_and(|(s, _)| s == iss)
                });
                match next {
                    Some(j) => {
                        chain_idx.push(j);
                        cur = j;
                    }
                    None => break,
                }
            }
        }
        for i in &chain_idx {
            if let Some(u) = used.get_mut(*i) {
                *u = true;
            }
        }
        let chain: Vec<Vec<u8>> = chain_idx
            .iter()
            .filter_map(|i| certs.get(*i).map(|c| c.der.clone()))
            .collect();
        let alias = kb
            .friendly_name
            .clone()
            .or_else(|| {
                leaf.and_then(|l| certs.get(l))
                    .and_then(|c| c.friendly_name.clone())
            })
            .unwrap_or_else(|| format!("{}", ki.saturating_add(1)));
        let mut e = Entry::new(alias, EntryKind::PrivateKey, chain, kb.key);
        e.key_error = kb.error;
        entries.push(e);
    }
    // Trusted-certificate entries: Java marks trust anchors explicitly (they stay entries of
    // their own even when a key's chain runs through them); with no keys at all (an OpenSSL
    // `-nokeys` truststore) every certificate is one.
    for (i, c) in certs.iter().enumerate() {
        let in_chain = used.get(i).copied().unwrap_or(true);
        let entry = if has_keys { c.trusted } else { !in_chain };
        if !entry {
            continue;
        }
        let alias = c
            .friendly_name
            .clone()
            .unwrap_or_else(|| super::cert_info(&c.der).subject.text.clone());
        entries.push(Entry::new(
            alias,
            EntryKind::TrustedCertificate,
            vec![c.der.clone()],
            None,
        ));
    }
    entries
}
