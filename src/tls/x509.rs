//! X.509 certificates → `model::CertInfo`, and distinguished names → RFC 4514 text. The text is
//! what `openssl x509 -nameopt RFC2253` and Java's `X500Principal.getName()` print: RDNs most
//! specific first, `,` between them, `+` inside multi-valued RDNs, RFC 4514 §2.4 escaping. The DER
//! is kept beside it because Go compares issuer names byte for byte.

use crate::model::{CertInfo, DistinguishedName, PublicKeyInfo};
use sha2::{Digest, Sha256};
use x509_parser::prelude::*;

/// Parsed certificates by SHA-256 of their DER: a capture with thousands of connections to one
/// server parses (and holds) its chain once. Bounded: cleared when full.
#[derive(Debug, Default)]
pub struct CertCache {
    /// Keyed by the DER itself (foldhash, then a byte comparison): cheaper than a SHA-256 per
    /// certificate per connection, and exact.
    map: std::sync::Mutex<
        std::collections::HashMap<Box<[u8]>, std::sync::Arc<CertInfo>, foldhash::fast::RandomState>,
    >,
}

const CERT_CACHE_MAX: usize = 4096;

impl CertCache {
    pub fn get_or_parse(&self, der: &[u8]) -> std::sync::Arc<CertInfo> {
        if let Ok(m) = self.map.lock() {
            if let Some(c) = m.get(der) {
                return c.clone();
            }
        }
        let info = std::sync::Arc::new(cert_info(der));
        if let Ok(mut m) = self.map.lock() {
            if m.len() >= CERT_CACHE_MAX {
                m.clear();
            }
            m.insert(der.into(), info.clone());
        }
        info
    }
}

/// Builds the model view of a DER certificate. A certificate that does not parse still yields a
/// `CertInfo` (length, fingerprint, `parse_error`), never an error: it came from the wire.
pub fn cert_info(der: &[u8]) -> CertInfo {
    let empty_dn = || DistinguishedName {
        text: String::new(),
        der: Vec::new(),
    };
    let mut info = CertInfo {
        subject: empty_dn(),
        issuer: empty_dn(),
        serial_hex: String::new(),
        not_before: String::new(),
        not_after: String::new(),
        not_before_unix: 0,
        not_after_unix: 0,
        san_dns: vec![],
        san_ip: vec![],
        public_key: PublicKeyInfo {
            algorithm: String::new(),
            bits: None,
            curve: None,
        },
        signature_algorithm: String::new(),
        sha256_fingerprint: hex::encode(Sha256::digest(der)),
        is_ca: false,
        self_signed: false,
        extended_key_usage: vec![],
        key_usage: vec![],
        length: u32::try_from(der.len()).unwrap_or(u32::MAX),
        der: der.to_vec(),
        parse_error: None,
    };
    let cert = match X509Certificate::from_der(der) {
        Ok((_, c)) => c,
        Err(e) => {
            info.parse_error = Some(e.to_string());
            return info;
        }
    };
    info.subject = dn_of(cert.subject());
    info.issuer = dn_of(cert.issuer());
    info.serial_hex = hex::encode(cert.raw_serial());
    info.not_before_unix = cert.validity().not_before.timestamp();
    info.not_after_unix = cert.validity().not_after.timestamp();
    info.not_before = rfc3339(info.not_before_unix);
    info.not_after = rfc3339(info.not_after_unix);
    info.self_signed = cert.subject().as_raw() == cert.issuer().as_raw();
    info.is_ca = cert.is_ca();
    info.public_key = public_key(&cert);
    info.signature_algorithm = signature_name(&cert.signature_algorithm.algorithm.to_id_string());
    if let Ok(Some(eku)) = cert.extended_key_usage() {
        let e = eku.value;
        let flags = [
            (e.any, "anyExtendedKeyUsage"),
            (e.server_auth, "serverAuth"),
            (e.client_auth, "clientAuth"),
            (e.code_signing, "codeSigning"),
            (e.email_protection, "emailProtection"),
            (e.time_stamping, "timeStamping"),
            (e.ocsp_signing, "OCSPSigning"),
        ];
        info.extended_key_usage = flags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, n)| (*n).to_owned())
            .collect();
        info.extended_key_usage
            .extend(e.other.iter().map(|o| o.to_id_string()));
    }
    if let Ok(Some(ku)) = cert.key_usage() {
        let k = ku.value;
        let names = [
            (k.digital_signature(), "digitalSignature"),
            (k.non_repudiation(), "nonRepudiation"),
            (k.key_encipherment(), "keyEncipherment"),
            (k.data_encipherment(), "dataEncipherment"),
            (k.key_agreement(), "keyAgreement"),
            (k.key_cert_sign(), "keyCertSign"),
            (k.crl_sign(), "cRLSign"),
        ];
        info.key_usage = names
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, n)| (*n).to_owned())
            .collect();
    }
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for g in &san.value.general_names {
            match g {
                GeneralName::DNSName(d) => info.san_dns.push((*d).to_owned()),
                GeneralName::IPAddress(b) => info.san_ip.push(ip_text(b)),
                _ => {}
            }
        }
    }
    info
}

fn ip_text(b: &[u8]) -> String {
    if let Ok(a) = <[u8; 4]>::try_from(b) {
        std::net::Ipv4Addr::from(a).to_string()
    } else if let Ok(a) = <[u8; 16]>::try_from(b) {
        std::net::Ipv6Addr::from(a).to_string()
    } else {
        hex::encode(b)
    }
}

fn public_key(cert: &X509Certificate<'_>) -> PublicKeyInfo {
    let spki = cert.public_key();
    let oid = spki.algorithm.algorithm.to_id_string();
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| curve_name(&o.to_id_string()));
    let (algorithm, bits) = match oid.as_str() {
        "1.2.840.113549.1.1.1" => ("RSA".to_owned(), rsa_bits(cert)),
        "1.2.840.113549.1.1.10" => ("RSASSA-PSS".to_owned(), rsa_bits(cert)),
        "1.2.840.10045.2.1" => {
            let bits = match curve.as_deref() {
                Some("secp256r1") => Some(256),
                Some("secp384r1") => Some(384),
                Some("secp521r1") => Some(521),
                _ => None,
            };
            ("EC".to_owned(), bits)
        }
        "1.3.101.112" => ("Ed25519".to_owned(), Some(256)),
        "1.3.101.113" => ("Ed448".to_owned(), Some(456)),
        "1.2.840.10040.4.1" => ("DSA".to_owned(), None),
        o => (o.to_owned(), None),
    };
    PublicKeyInfo {
        curve: if algorithm == "EC" { curve } else { None },
        algorithm,
        bits,
    }
}

fn rsa_bits(cert: &X509Certificate<'_>) -> Option<u32> {
    match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(r)) => u32::try_from(r.key_size()).ok(),
        _ => None,
    }
}

pub fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "secp256r1".into(),
        "1.3.132.0.34" => "secp384r1".into(),
        "1.3.132.0.35" => "secp521r1".into(),
        "1.3.132.0.10" => "secp256k1".into(),
        "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1".into(),
        o => o.to_owned(),
    }
}

fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "ED25519",
        "1.3.101.113" => "ED448",
        "2.16.840.1.101.3.4.3.2" => "dsa_with_SHA256",
        o => return o.to_owned(),
    }
    .to_owned()
}

fn rfc3339(ts: i64) -> String {
    ::time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(&::time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

fn dn_of(n: &X509Name<'_>) -> DistinguishedName {
    DistinguishedName {
        text: rfc4514(n),
        der: n.as_raw().to_vec(),
    }
}

/// A bare `Name` DER (as listed in a CertificateRequest) → RFC 4514 text. An undecodable name
/// becomes `#<hex>` so nothing is lost.
pub fn dn_from_der(der: &[u8]) -> DistinguishedName {
    DistinguishedName {
        text: dn_text_cached(der),
        der: der.to_vec(),
    }
}

/// The same CA lists arrive on every connection to a server: their RFC 4514 text is computed once
/// per distinct DER (a bounded process-wide cache, emptied when full).
fn dn_text_cached(der: &[u8]) -> String {
    type DnMap = std::collections::HashMap<Box<[u8]>, String, foldhash::fast::RandomState>;
    static CACHE: std::sync::OnceLock<std::sync::Mutex<DnMap>> = std::sync::OnceLock::new();
    const DN_CACHE_MAX: usize = 16 * 1024;
    let cache = CACHE.get_or_init(Default::default);
    if let Some(t) = cache.lock().ok().and_then(|m| m.get(der).cloned()) {
        return t;
    }
    let text = match X509Name::from_der(der) {
        Ok((_, n)) => rfc4514(&n),
        Err(_) => format!("#{}", hex::encode(der)),
    };
    if let Ok(mut m) = cache.lock() {
        if m.len() >= DN_CACHE_MAX {
            m.clear();
        }
        m.insert(der.into(), text.clone());
    }
    text
}

fn attr_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.6" => "C",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "2.5.4.5" => "serialNumber",
        "2.5.4.4" => "SN",
        "2.5.4.42" => "GN",
        "2.5.4.12" => "title",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.97" => "organizationIdentifier",
        "2.5.4.17" => "postalCode",
        _ => return None,
    })
}

/// RFC 4514 §2: RDNs in reverse order of the encoding.
pub fn rfc4514(n: &X509Name<'_>) -> String {
    let rdns: Vec<String> = n
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let oid = atv.attr_type().to_id_string();
                    let value = match atv.as_str() {
                        Ok(s) => escape(s),
                        Err(_) => format!("#{}", hex::encode(atv.attr_value().data)),
                    };
                    match attr_name(&oid) {
                        Some(short) => format!("{short}={value}"),
                        None => format!("{oid}={value}"),
                    }
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

/// RFC 4514 §2.4 escaping.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let n = s.chars().count();
    for (i, c) in s.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i + 1 == n && c == ' ');
        if special {
            out.push('\\');
            out.push(c);
        } else if c == '\0' {
            out.push_str("\\00");
        } else {
            out.push(c);
        }
    }
    out
}
