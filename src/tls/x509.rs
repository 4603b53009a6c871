//! X.509 certificates → `model::CertInfo`, and distinguished names → RFC 4514 text. The text
//! follows RFC 4514 §2 and is what `openssl x509 -noout -subject -nameopt RFC2253,-esc_msb`
//! prints (OpenSSL's attribute names and string decoding, `\XX` for control characters, `#` +
//! the whole DER of values that are not strings and of attribute types without a name), except
//! that the attributes of a multi-valued RDN keep their encoded order (as Java and tshark show
//! them; OpenSSL reverses them with the RDNs). README "Certificate names" lists where Java's
//! `X500Principal.getName()` differs; tests/x509_names.rs runs both. The DER is kept beside the
//! text because Go compares issuer names byte for byte. Must not: read anything but the DER given.

use super::oid;
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
    let key_oid = spki.algorithm.algorithm.to_id_string();
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| curve_name(&o.to_id_string()));
    let bits = match key_oid.as_str() {
        oid::OID_RSA | oid::OID_RSA_PSS => rsa_bits(cert),
        oid::OID_EC => curve.as_deref().and_then(oid::curve_bits),
        oid::OID_ED25519 => Some(256),
        oid::OID_ED448 => Some(456),
        _ => None,
    };
    PublicKeyInfo {
        algorithm: oid::key_algorithm_name(&key_oid).map_or_else(|| key_oid.clone(), str::to_owned),
        curve: if key_oid == oid::OID_EC { curve } else { None },
        bits,
    }
}

fn rsa_bits(cert: &X509Certificate<'_>) -> Option<u32> {
    match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(r)) => u32::try_from(r.key_size()).ok(),
        _ => None,
    }
}

/// A curve's name, or its dotted OID when the table has none.
pub fn curve_name(curve_oid: &str) -> String {
    oid::curve_name(curve_oid).map_or_else(|| curve_oid.to_owned(), str::to_owned)
}

fn signature_name(sig_oid: &str) -> String {
    oid::signature_name(sig_oid).map_or_else(|| sig_oid.to_owned(), str::to_owned)
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
    dn_from_der(n.as_raw())
}

/// A bare `Name` DER (a CertificateRequest's CA, a certificate's subject or issuer) → RFC 4514
/// text. A DER that is not a Name becomes `#` + its hex, so nothing is lost.
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
    let text = rfc4514_from_der(der).unwrap_or_else(|| format!("#{}", hex_upper(der)));
    if let Ok(mut m) = cache.lock() {
        if m.len() >= DN_CACHE_MAX {
            m.clear();
        }
        m.insert(der.into(), text.clone());
    }
    text
}

/// RFC 4514 text of a `Name` (RFC 5280 §4.1.2.4: a SEQUENCE OF RelativeDistinguishedName, each a
/// SET OF AttributeTypeAndValue), or `None` when the DER is not one. RDNs most specific first
/// (RFC 4514 §2.1: the reverse of the encoded order), `,` between them, `+` between the
/// attributes of one RDN in their encoded order.
pub fn rfc4514_from_der(der: &[u8]) -> Option<String> {
    let (name, rest) = Tlv::read(der)?;
    if name.tag != TAG_SEQUENCE || !rest.is_empty() {
        return None;
    }
    let mut rdns = Vec::new();
    let mut input = name.content;
    while !input.is_empty() {
        let (rdn, rest) = Tlv::read(input)?;
        input = rest;
        if rdn.tag != TAG_SET {
            return None;
        }
        let mut avas = Vec::new();
        let mut inner = rdn.content;
        while !inner.is_empty() {
            let (ava, rest) = Tlv::read(inner)?;
            inner = rest;
            let (ty, after_type) = Tlv::read(ava.content)?;
            let (value, after_value) = Tlv::read(after_type)?;
            if ava.tag != TAG_SEQUENCE || ty.tag != TAG_OID || !after_value.is_empty() {
                return None;
            }
            avas.push(attribute_text(&oid_text(ty.content)?, &value));
        }
        // X.501: a RelativeDistinguishedName holds at least one attribute.
        if avas.is_empty() {
            return None;
        }
        rdns.push(avas.join("+"));
    }
    rdns.reverse();
    Some(rdns.join(","))
}

const TAG_SEQUENCE: u8 = 0x30;
const TAG_SET: u8 = 0x31;
const TAG_OID: u8 = 0x06;

/// One DER element: its first identifier octet, its contents, and the whole encoding (tag and
/// length included: RFC 4514 §2.4's `#` form is the hex of exactly that).
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    whole: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// The element at the front of `input` and what follows it. Definite lengths only (DER); a
    /// high tag number (X.690 §8.1.2.4) is stepped over so an odd value still stays whole.
    fn read(input: &'a [u8]) -> Option<(Self, &'a [u8])> {
        let tag = *input.first()?;
        let mut pos = 1usize;
        if tag & 0x1f == 0x1f {
            loop {
                let b = *input.get(pos)?;
                pos = pos.checked_add(1)?;
                if b & 0x80 == 0 {
                    break;
                }
                if pos > 5 {
                    return None;
                }
            }
        }
        let first = *input.get(pos)?;
        pos = pos.checked_add(1)?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            // 0x80 is BER's indefinite length: not in DER. More than 4 length octets would
            // claim more than 4 GiB.
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return None;
            }
            let mut l = 0usize;
            for _ in 0..n {
                l = l
                    .checked_mul(256)?
                    .checked_add(usize::from(*input.get(pos)?))?;
                pos = pos.checked_add(1)?;
            }
            l
        };
        let end = pos.checked_add(len)?;
        let tlv = Tlv {
            tag,
            content: input.get(pos..end)?,
            whole: input.get(..end)?,
        };
        Some((tlv, input.get(end..)?))
    }
}

/// Dotted text of an OBJECT IDENTIFIER's contents (X.690 §8.19: base-128 subidentifiers, the
/// first one carrying two arcs). Arcs up to 128 bits (UUID arcs under 2.25 are that long).
fn oid_text(content: &[u8]) -> Option<String> {
    use std::fmt::Write;
    let mut arcs: Vec<u128> = Vec::new();
    let mut cur: u128 = 0;
    let mut pending = false;
    for &b in content {
        cur = cur.checked_mul(128)?.checked_add(u128::from(b & 0x7f))?;
        pending = b & 0x80 != 0;
        if !pending {
            arcs.push(cur);
            cur = 0;
        }
    }
    let (&first, rest) = arcs.split_first()?;
    if pending {
        return None;
    }
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first.checked_sub(40)?),
        _ => (2, first.checked_sub(80)?),
    };
    let mut out = format!("{a}.{b}");
    for arc in rest {
        let _ = write!(out, ".{arc}");
    }
    Some(out)
}

/// `type=value` for one attribute. A type with a short name ([`oid::attribute_short_name`]) and
/// a string value prints the string, escaped; a value that is not a string of a known kind (or
/// not valid in its kind: bad UTF-8, an odd-length BMPString) prints as `#` + its DER, as does
/// every value of a type in dotted form (RFC 4514 §2.4; OpenSSL's dump_unknown).
fn attribute_text(oid: &str, value: &Tlv<'_>) -> String {
    match oid::attribute_short_name(oid) {
        Some(name) => match string_value(value) {
            Some(s) => format!("{name}={}", escape(&s)),
            None => format!("{name}=#{}", hex_upper(value.whole)),
        },
        None => format!("{oid}=#{}", hex_upper(value.whole)),
    }
}

/// The characters of an ASN.1 string value, decoded from its kind (universal, primitive tags).
fn string_value(v: &Tlv<'_>) -> Option<String> {
    let d = v.content;
    match v.tag {
        // UTF8String
        0x0c => std::str::from_utf8(d).ok().map(str::to_owned),
        // NumericString, PrintableString, TeletexString (T61String), IA5String, UTCTime,
        // GeneralizedTime, VisibleString: one octet per character, read as Latin-1 as OpenSSL
        // does (nobody uses T.61's own repertoire; `*.kakao.com` was a TeletexString).
        0x12 | 0x13 | 0x14 | 0x16 | 0x17 | 0x18 | 0x1a => {
            Some(d.iter().map(|b| char::from(*b)).collect())
        }
        // BMPString: UTF-16BE (UCS-2 in X.680; surrogate pairs accepted, lone ones refused).
        0x1e => {
            let units: Option<Vec<u16>> = d
                .chunks(2)
                .map(|c| <[u8; 2]>::try_from(c).ok().map(u16::from_be_bytes))
                .collect();
            char::decode_utf16(units?)
                .collect::<Result<String, _>>()
                .ok()
        }
        // UniversalString: UTF-32BE.
        0x1c => d
            .chunks(4)
            .map(|c| {
                <[u8; 4]>::try_from(c)
                    .ok()
                    .and_then(|b| char::from_u32(u32::from_be_bytes(b)))
            })
            .collect(),
        _ => None,
    }
}

/// RFC 4514 §2.4 escaping, as OpenSSL's RFC 2253 mode does it: `,+"\<>;` anywhere, `#` or space
/// first and space last get a backslash; control characters (NUL, which the RFC requires, the
/// rest of C0, DEL, and C1, which OpenSSL would pass raw) become `\XX` per UTF-8 octet. Other
/// characters stay themselves (OpenSSL's default `\XX` for every non-ASCII octet is `esc_msb`;
/// Java prints them as characters, and so do we).
fn escape(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len());
    let last = s.chars().count().saturating_sub(1);
    for (i, c) in s.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && matches!(c, '#' | ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
            out.push(c);
        } else if c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "\\{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn hex_upper(b: &[u8]) -> String {
    hex::encode_upper(b)
}

#[cfg(test)]
#[path = "x509_tests.rs"]
mod tests;
