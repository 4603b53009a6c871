//! Which entry of a keystore JSSE sends, emulated from OpenJDK 17's own code (read in the
//! `openjdk-17-source` of Debian 12, 17.0.21):
//! - the key types asked for (`CertificateRequest.T12CertificateRequestConsumer.choosePossession`,
//!   `CertificateMessage` for TLS 1.3): the key algorithms of the server's signature schemes, in
//!   the server's order, deduplicated; TLS 1.2 also keeps only those the certificate_types allow
//!   (rsa_sign also allows RSASSA-PSS). All are handed to the key manager at once.
//! - `KeyStore.aliases()` order: JKS and JCEKS keep entries in a `java.util.Hashtable` keyed by the
//!   lower-cased alias (filled in file order); PKCS#12 in a `LinkedHashMap` (file order).
//! - SunX509 (`SunX509KeyManagerImpl`, the default `ssl.KeyManagerFactory.algorithm`): loads every
//!   key entry into a `HashMap` at init (a key it cannot decrypt with the store password fails the
//!   whole init); for each key type in order, the first alias in HashMap order whose leaf key
//!   algorithm is that type and, when the server listed CAs, whose chain has a certificate issued
//!   by one of them (X500Principal equality). No validity or usage check.
//! - PKIX/NewSunX509 (`X509KeyManagerImpl.chooseAlias`): walks `aliases()`; keyIndex = first key
//!   type matching the leaf; issuer check as above; algorithm constraints (RSA keys under 1024
//!   bits are skipped); then EKU (clientAuth or anyExtendedKeyUsage when present), key usage
//!   (digitalSignature for RSA, EC, DSA) and validity rank the match OK < EXPIRED <
//!   EXTENSION_MISMATCH. The first OK match for the first key type wins at once; otherwise the
//!   first candidate if it is OK, else the best by (rank, keyIndex), ties in walk order.
//!
//! Pure: reads entries and the model's `CertificateRequest`; checked against the real JDK by
//! `captures/identity-choice.pcap`, `tests/data/identity/{sunx509-choices,keystore-orders}.txt`.

use super::select::issuer_match;
use super::{Entry, EntryKind, KeystoreFormat};
use crate::model::{CertificateRequest, PublicKeyInfo};

const TLS13: u16 = 0x0304;

/// The two key managers JSSE ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyManager {
    SunX509,
    Pkix,
}

/// `X509KeyManagerImpl.CheckResult` for a client (INSENSITIVE is server-only), best first.
pub use crate::model::PkixCheck;

/// What a [`PkixCheck`] means, in words.
pub fn check_text(c: PkixCheck) -> &'static str {
    match c {
        PkixCheck::Ok => "a perfect match",
        PkixCheck::Expired => "expired or not yet valid",
        PkixCheck::ExtensionMismatch => {
            "key usage or extended key usage does not allow client authentication"
        }
    }
}

/// What a key manager would answer to `chooseClientAlias`, with the facts that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub key_manager: KeyManager,
    /// The alias returned (as the keystore spells it), `None` = JSSE sends an empty Certificate.
    pub alias: Option<String>,
    /// Key types asked for, in order.
    pub key_types: Vec<String>,
    /// Private-key aliases in the order the key manager walks them.
    pub order: Vec<String>,
    /// PKIX: how good the chosen match is.
    pub check: Option<PkixCheck>,
    /// Why, in one sentence (names the aliases and the rule).
    pub reason: String,
    /// SunX509 cannot even be initialised (an entry's key needs another password): the client
    /// fails before connecting.
    pub init_failure: Option<String>,
}

/// The JSSE key-type name a signature scheme needs (`SignatureScheme.keyAlgorithm`).
pub fn jsse_key_type(code: u32) -> Option<&'static str> {
    match code {
        0x0201 | 0x0301 | 0x0401 | 0x0501 | 0x0601 | 0x0804..=0x0806 => Some("RSA"),
        0x0809..=0x080b => Some("RSASSA-PSS"),
        0x0203 | 0x0303 | 0x0403 | 0x0503 | 0x0603 => Some("EC"),
        0x0807 | 0x0808 => Some("EdDSA"),
        0x0202 | 0x0302 | 0x0402 => Some("DSA"),
        _ => None,
    }
}

/// `PublicKey.getAlgorithm()` of a key as JSSE names it.
pub fn jsse_key_algorithm(k: &PublicKeyInfo) -> &str {
    match k.algorithm.as_str() {
        "Ed25519" | "Ed448" => "EdDSA",
        other => other,
    }
}

/// The key types JSSE asks its key manager for, in order.
pub fn key_types(req: &CertificateRequest, version: Option<u16>) -> Vec<String> {
    let tls13 = req.tls13 || version == Some(TLS13);
    let mut out: Vec<String> = Vec::new();
    for s in &req.signature_algorithms {
        let Some(t) = jsse_key_type(s.code) else {
            continue;
        };
        if !tls13 && !req.certificate_types.is_empty() {
            // rsa_sign (1) allows RSA and RSASSA-PSS, dss_sign (2) DSA, ecdsa_sign (64) EC and
            // EdDSA (X509Authentication's key types per certificate type).
            let need = match t {
                "RSA" | "RSASSA-PSS" => 1,
                "DSA" => 2,
                _ => 64,
            };
            if !req.certificate_types.iter().any(|c| c.code == need) {
                continue;
            }
        }
        if !out.iter().any(|k| k == t) {
            out.push(t.to_owned());
        }
    }
    out
}

/// Java's `String.hashCode` over UTF-16 code units.
fn java_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

fn unsigned(h: i32) -> u32 {
    u32::from_ne_bytes(h.to_ne_bytes())
}

/// Aliases in `java.util.HashMap` iteration order, given their insertion order: bucket
/// `(h ^ h>>>16) & (capacity-1)` (capacity 16, doubled past 0.75 load; resizing keeps the
/// relative order within a bucket), ties in insertion order.
pub fn java_hashmap_order(aliases: &[String]) -> Vec<String> {
    let mut cap: usize = 16;
    while aliases.len().saturating_mul(4) > cap.saturating_mul(3) {
        cap = cap.saturating_mul(2);
    }
    let mask = u32::try_from(cap.saturating_sub(1)).unwrap_or(u32::MAX);
    let mut v: Vec<(u32, usize, String)> = aliases
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let h = unsigned(java_hash(a));
            ((h ^ (h >> 16)) & mask, i, a.clone())
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, _, a)| a).collect()
}

/// `java.util.Hashtable` enumeration order after inserting `keys` in order: bucket
/// `(hash & 0x7fffffff) % capacity` (capacity 11, rehashed to 2n+1 when the count reaches 0.75
/// of it), new entries at the head of their bucket, enumerated from the last bucket down.
pub fn java_hashtable_order(keys: &[String]) -> Vec<String> {
    let index = |k: &str, cap: usize| -> usize {
        let h = unsigned(java_hash(k)) & 0x7fff_ffff;
        usize::try_from(h).unwrap_or(0) % cap.max(1)
    };
    let threshold = |cap: usize| cap.saturating_mul(3) / 4;
    let mut cap = 11usize;
    let mut table: Vec<Vec<String>> = vec![Vec::new(); cap];
    let mut count = 0usize;
    for k in keys {
        if count >= threshold(cap) {
            // Hashtable.rehash: old buckets from the last down, each chain from its head,
            // every entry pushed onto the head of its new bucket.
            let old = std::mem::take(&mut table);
            cap = cap.saturating_mul(2).saturating_add(1);
            table = vec![Vec::new(); cap];
            for chain in old.into_iter().rev() {
                for e in chain {
                    let i = index(&e, cap);
                    if let Some(b) = table.get_mut(i) {
                        b.insert(0, e);
                    }
                }
            }
        }
        let i = index(k, cap);
        if let Some(b) = table.get_mut(i) {
            b.insert(0, k.clone());
        }
        count = count.saturating_add(1);
    }
    table.into_iter().rev().flatten().collect()
}

/// The entries in `KeyStore.aliases()` order, each with the alias as JSSE returns it (JKS,
/// JCEKS and PKCS#12 lower-case their aliases).
pub fn aliases_order(format: KeystoreFormat, entries: &[Entry]) -> Vec<(String, &Entry)> {
    let lower = |e: &Entry| e.alias.to_lowercase();
    match format {
        KeystoreFormat::Jks | KeystoreFormat::Jceks => {
            let names: Vec<String> = entries.iter().map(lower).collect();
            java_hashtable_order(&names)
                .into_iter()
                .filter_map(|n| {
                    entries
                        .iter()
                        .find(|e| lower(e) == n)
                        .map(|e| (n.clone(), e))
                })
                .collect()
        }
        KeystoreFormat::Pkcs12 => entries.iter().map(|e| (lower(e), e)).collect(),
        // PEM/DER are not JSSE keystores; a KeyStore built from them holds them in this order.
        KeystoreFormat::Pem | KeystoreFormat::Der => {
            entries.iter().map(|e| (e.alias.clone(), e)).collect()
        }
    }
}

/// A private-key entry JSSE can hold: a key it decrypted and a certificate chain.
fn usable(e: &Entry) -> bool {
    e.kind == EntryKind::PrivateKey && e.key.is_some() && !e.chain.is_empty()
}

/// The leaf's key algorithm as JSSE names it (`certs[0].getPublicKey().getAlgorithm()`).
fn leaf_algorithm(e: &Entry) -> Option<String> {
    e.leaf()
        .map(|c| jsse_key_algorithm(&c.public_key).to_owned())
}

fn issuers_ok(e: &Entry, req: &CertificateRequest) -> bool {
    let m = issuer_match(e, &req.certificate_authorities);
    m.list_empty || m.canonical
}

fn list(v: &[String]) -> String {
    v.join(", ")
}

/// `SunX509KeyManagerImpl.chooseClientAlias`.
pub fn sunx509(
    format: KeystoreFormat,
    entries: &[Entry],
    req: &CertificateRequest,
    version: Option<u16>,
) -> Choice {
    let key_types = key_types(req, version);
    let walk = aliases_order(format, entries);
    let init_failure = walk
        .iter()
        .find(|(_, e)| e.kind == EntryKind::PrivateKey && e.key_password_differs)
        .map(|(a, _)| {
            format!("entry '{a}' needs a key password other than the store password: SunX509's KeyManagerFactory.init fails (UnrecoverableKeyException) and the client stops before connecting")
        });
    let keyed: Vec<(String, &Entry)> = walk.into_iter().filter(|(_, e)| usable(e)).collect();
    let order = java_hashmap_order(&keyed.iter().map(|(a, _)| a.clone()).collect::<Vec<_>>());
    let mut choice = Choice {
        key_manager: KeyManager::SunX509,
        alias: None,
        key_types: key_types.clone(),
        order: order.clone(),
        check: None,
        reason: String::new(),
        init_failure,
    };
    if let Some(f) = &choice.init_failure {
        choice.reason = f.clone();
        return choice;
    }
    for t in &key_types {
        for a in &order {
            let Some((_, e)) = keyed.iter().find(|(n, _)| n == a) else {
                continue;
            };
            if leaf_algorithm(e).as_deref() != Some(t.as_str()) || !issuers_ok(e, req) {
                continue;
            }
            let earlier: Vec<String> = order.iter().take_while(|x| *x != a).cloned().collect();
            let issuer = if req.certificate_authorities.is_empty() {
                "the server accepts any issuer".to_owned()
            } else {
                "its chain has a certificate issued by a listed CA".to_owned()
            };
            choice.reason = format!(
                "'{}' is the first {t} entry in SunX509's HashMap order ({}) and {issuer}{}; SunX509 checks neither validity nor key usage",
                e.alias,
                list(&order),
                if earlier.is_empty() {
                    String::new()
                } else {
                    format!(" ({} come{} first but do{} not fit)", list(&earlier), if earlier.len() == 1 { "s" } else { "" }, if earlier.len() == 1 { "es" } else { "" })
                }
            );
            choice.alias = Some(e.alias.clone());
            return choice;
        }
    }
    choice.reason = none_reason(&key_types, &keyed, req);
    choice
}

fn none_reason(
    key_types: &[String],
    keyed: &[(String, &Entry)],
    req: &CertificateRequest,
) -> String {
    if key_types.is_empty() {
        return "the server's signature algorithms name no key type JSSE can use".to_owned();
    }
    if keyed.is_empty() {
        return "the keystore holds no private-key entry JSSE can use".to_owned();
    }
    let typed: Vec<&String> = keyed
        .iter()
        .filter(|(_, e)| leaf_algorithm(e).is_some_and(|a| key_types.contains(&a)))
        .map(|(a, _)| a)
        .collect();
    if typed.is_empty() {
        return format!(
            "no entry has a key of the types asked for ({})",
            list(key_types)
        );
    }
    let _ = req;
    format!(
        "no entry of the types asked for ({}) has a certificate in its chain issued by a CA the server lists",
        list(key_types)
    )
}

/// `X509KeyManagerImpl.chooseAlias` (PKIX / NewSunX509) for a client.
pub fn pkix(
    format: KeystoreFormat,
    entries: &[Entry],
    req: &CertificateRequest,
    version: Option<u16>,
    at_unix: i64,
) -> Choice {
    let key_types = key_types(req, version);
    // getAliases walks key entries with a chain (the key itself is only read once chosen).
    let walk: Vec<(String, &Entry)> = aliases_order(format, entries)
        .into_iter()
        .filter(|(_, e)| e.kind == EntryKind::PrivateKey && !e.chain.is_empty())
        .collect();
    let order: Vec<String> = walk.iter().map(|(a, _)| a.clone()).collect();
    let mut results: Vec<(usize, PkixCheck, &Entry)> = Vec::new();
    let mut picked: Option<(usize, PkixCheck, &Entry)> = None;
    for (_, e) in &walk {
        let Some(alg) = leaf_algorithm(e) else {
            continue;
        };
        let Some(key_index) = key_types.iter().position(|t| *t == alg) else {
            continue;
        };
        if !issuers_ok(e, req) {
            continue;
        }
        // jdk.certpath.disabledAlgorithms: RSA keySize < 1024 (the chain's keys).
        if e.chain.iter().any(|c| {
            (c.public_key.algorithm == "RSA" || c.public_key.algorithm == "DSA")
                && c.public_key.bits.is_some_and(|b| b < 1024)
        }) {
            continue;
        }
        let check = e
            .leaf()
            .map(|c| client_check(c, at_unix))
            .unwrap_or(PkixCheck::Ok);
        if check == PkixCheck::Ok && key_index == 0 {
            picked = Some((key_index, check, e));
            break;
        }
        results.push((key_index, check, e));
    }
    let chosen = picked.or_else(|| match results.first() {
        Some(first) if first.1 == PkixCheck::Ok => Some(*first),
        _ => {
            // Collections.sort is stable: ties keep the walk order.
            let mut sorted = results.clone();
            sorted.sort_by_key(|(k, c, _)| (*c, *k));
            sorted.first().copied()
        }
    });
    let mut choice = Choice {
        key_manager: KeyManager::Pkix,
        alias: None,
        key_types: key_types.clone(),
        order: order.clone(),
        check: None,
        reason: String::new(),
        init_failure: None,
    };
    let Some((key_index, check, e)) = chosen else {
        let keyed: Vec<(String, &Entry)> = walk.into_iter().filter(|(_, e)| usable(e)).collect();
        choice.reason = none_reason(&key_types, &keyed, req);
        return choice;
    };
    choice.alias = Some(e.alias.clone());
    choice.check = Some(check);
    let t = key_types.get(key_index).cloned().unwrap_or_default();
    choice.reason = match check {
        PkixCheck::Ok if key_index == 0 => format!(
            "'{}' is the first entry in keystore order ({}) that is a perfect match for the first key type asked for ({t}): issuer listed (or any), clientAuth allowed, valid",
            e.alias,
            list(&order)
        ),
        PkixCheck::Ok => format!(
            "'{}' is a perfect match for {t}, and no entry fits the key types asked for before it ({})",
            e.alias,
            list(&key_types)
        ),
        other => format!(
            "no entry is a perfect match; '{}' is the best imperfect one ({}), and PKIX sends it anyway",
            e.alias,
            check_text(other)
        ),
    };
    choice
}

/// `CheckType.CLIENT.check`: extended key usage, key usage, then validity.
fn client_check(c: &crate::model::CertInfo, at_unix: i64) -> PkixCheck {
    let eku = &c.extended_key_usage;
    if !eku.is_empty()
        && !eku
            .iter()
            .any(|u| u == "clientAuth" || u == "anyExtendedKeyUsage")
    {
        return PkixCheck::ExtensionMismatch;
    }
    if !c.key_usage.is_empty()
        && matches!(c.public_key.algorithm.as_str(), "RSA" | "EC" | "DSA")
        && !c.key_usage.iter().any(|u| u == "digitalSignature")
    {
        return PkixCheck::ExtensionMismatch;
    }
    if c.parse_error.is_none() && (at_unix > c.not_after_unix || at_unix < c.not_before_unix) {
        return PkixCheck::Expired;
    }
    PkixCheck::Ok
}
