//! Handshake message bodies → model facts: ClientHello (with JA3/JA4), ServerHello and
//! HelloRetryRequest, Certificate (TLS ≤1.2 and the TLS 1.3 form with context and per-entry
//! extensions), CertificateRequest (TLS 1.2 and TLS 1.3, RFC 8446 §4.3.2), CertificateVerify,
//! EncryptedExtensions. tls-parser 0.12 has no TLS 1.3 CertificateRequest/Certificate parser, so
//! all of these share the bounds-checked `codec::Reader` instead. `None` = malformed.

use super::codec::Reader;
use super::names;
use crate::model::{
    CertInfo, CertificateRequest, ClientHello, CodePoint, EncryptedExtensions, ServerHello,
};
use md5::{Digest as _, Md5};
use sha2::Sha256;
use std::fmt::Write as _;

/// RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest.
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

pub fn client_hello(body: &[u8], frame: u64, time: f64) -> Option<ClientHello> {
    let mut r = Reader::new(body);
    let legacy_version = r.u16()?;
    let random = r.take(32)?;
    let session_id = r.vec8()?;
    let suites = r.vec16()?.u16s();
    let compression: Vec<u8> = r.vec8()?.rest().to_vec();
    let mut h = ClientHello {
        frame,
        time,
        legacy_version: names::version(legacy_version),
        max_version: names::version(legacy_version),
        supported_versions: vec![],
        random_hex: hex::encode(random),
        session_id_len: u8::try_from(session_id.len()).unwrap_or(u8::MAX),
        cipher_suites: suites.iter().map(|s| names::cipher_suite(*s)).collect(),
        compression_methods: compression,
        sni: None,
        alpn: vec![],
        signature_algorithms: vec![],
        signature_algorithms_cert: vec![],
        supported_groups: vec![],
        key_share_groups: vec![],
        ec_point_formats: vec![],
        post_handshake_auth: false,
        renegotiation_info: suites.contains(&0x00ff),
        extended_master_secret: false,
        session_ticket: false,
        status_request: false,
        extensions: vec![],
        ja3: String::new(),
        ja3_hash: String::new(),
        ja4: String::new(),
    };
    let mut ext_types: Vec<u16> = Vec::new();
    let mut sigalgs_raw: Vec<u16> = Vec::new();
    let mut groups_raw: Vec<u16> = Vec::new();
    let mut versions_raw: Vec<u16> = Vec::new();
    // The first ALPN value as sent: JA4 reads its bytes, not the lossy display string.
    let mut first_alpn: Option<&[u8]> = None;
    if !r.is_empty() {
        let mut exts = r.vec16()?;
        while !exts.is_empty() {
            let t = exts.u16()?;
            let mut data = exts.vec16()?;
            ext_types.push(t);
            h.extensions.push(names::extension(t));
            match t {
                0 => {
                    // server_name_list: name_type(1) + host_name<1..2^16-1>
                    let mut list = data.vec16()?;
                    while !list.is_empty() {
                        let kind = list.u8()?;
                        let name = list.vec16()?.rest();
                        if kind == 0 && h.sni.is_none() {
                            h.sni = Some(String::from_utf8_lossy(name).into_owned());
                        }
                    }
                }
                5 => h.status_request = true,
                10 => {
                    groups_raw = data.vec16()?.u16s();
                    h.supported_groups = groups_raw.iter().map(|g| names::group(*g)).collect();
                }
                11 => h.ec_point_formats = data.vec8()?.rest().to_vec(),
                13 => {
                    sigalgs_raw = data.vec16()?.u16s();
                    h.signature_algorithms = sigalgs_raw
                        .iter()
                        .map(|s| names::signature_scheme(*s))
                        .collect();
                }
                16 => {
                    let mut list = data.vec16()?;
                    while !list.is_empty() {
                        let p = list.vec8()?.rest();
                        first_alpn.get_or_insert(p);
                        h.alpn.push(String::from_utf8_lossy(p).into_owned());
                    }
                }
                23 => h.extended_master_secret = true,
                35 => h.session_ticket = true,
                43 => {
                    versions_raw = data.vec8()?.u16s();
                    h.supported_versions =
                        versions_raw.iter().map(|v| names::version(*v)).collect();
                }
                49 => h.post_handshake_auth = true,
                50 => {
                    h.signature_algorithms_cert = data
                        .vec16()?
                        .u16s()
                        .iter()
                        .map(|s| names::signature_scheme(*s))
                        .collect();
                }
                51 => {
                    let mut list = data.vec16()?;
                    while !list.is_empty() {
                        let g = list.u16()?;
                        let _ = list.vec16()?;
                        h.key_share_groups.push(names::group(g));
                    }
                }
                0xff01 => h.renegotiation_info = true,
                _ => {}
            }
        }
    }
    let max = versions_raw
        .iter()
        .copied()
        .filter(|v| !names::is_grease(*v))
        .max()
        .unwrap_or(legacy_version);
    h.max_version = names::version(max);
    // JA3: version,ciphers,extensions,groups,point formats; GREASE removed (salesforce/ja3).
    let mut ja3 = String::with_capacity(256);
    let _ = write!(ja3, "{legacy_version},");
    join_codes(&mut ja3, suites.iter().copied(), '-', false);
    ja3.push(',');
    join_codes(&mut ja3, ext_types.iter().copied(), '-', false);
    ja3.push(',');
    join_codes(&mut ja3, groups_raw.iter().copied(), '-', false);
    ja3.push(',');
    join_codes(
        &mut ja3,
        h.ec_point_formats.iter().map(|f| u16::from(*f)),
        '-',
        false,
    );
    h.ja3 = ja3;
    h.ja3_hash = hex::encode(Md5::digest(h.ja3.as_bytes()));
    h.ja4 = ja4(
        max,
        h.sni.is_some(),
        &suites,
        &ext_types,
        first_alpn,
        &sigalgs_raw,
    );
    Some(h)
}

/// Appends the non-GREASE `codes` separated by `sep`, in decimal (JA3) or 4-digit hex (JA4).
/// An SSLv2-format ClientHello (RFC 5246 Appendix E.2), as a TLS server reads it: `version` is
/// the record's (3.x), `body` the bytes after it (cipher-spec, session-id and challenge lengths,
/// then the three fields). Only cipher specs whose first byte is 0 are TLS suites; the random is
/// the challenge right-aligned in 32 bytes with leading zeros; there are no compression methods
/// and no extensions. Built as the equivalent TLS ClientHello body, so every field comes from
/// the one parser.
pub fn client_hello_v2(version: u16, body: &[u8], frame: u64, time: f64) -> Option<ClientHello> {
    let mut r = Reader::new(body);
    let specs_len = usize::from(r.u16()?);
    let session_len = usize::from(r.u16()?);
    let challenge_len = usize::from(r.u16()?);
    if specs_len % 3 != 0 || !(16..=32).contains(&challenge_len) || session_len > 32 {
        return None;
    }
    let specs = r.take(specs_len)?;
    let session = r.take(session_len)?;
    let challenge = r.take(challenge_len)?;
    let suites: Vec<u8> = specs
        .chunks_exact(3)
        .filter_map(|c| match c {
            [0, a, b] => Some([*a, *b]),
            _ => None,
        })
        .flatten()
        .collect();
    let mut v3 = Vec::with_capacity(2 + 32 + 1 + session.len() + 2 + suites.len() + 1);
    v3.extend_from_slice(&version.to_be_bytes());
    v3.resize(2 + 32 - challenge.len(), 0);
    v3.extend_from_slice(challenge);
    v3.push(u8::try_from(session.len()).ok()?);
    v3.extend_from_slice(session);
    v3.extend_from_slice(&u16::try_from(suites.len()).ok()?.to_be_bytes());
    v3.extend_from_slice(&suites);
    v3.push(0);
    let mut h = client_hello(&v3, frame, time)?;
    // JA3 is defined over TLS handshake records (salesforce/ja3 reads only those; tshark gives
    // none for an SSLv2-format hello): none here. JA4 takes the offered version, as specified.
    h.ja3.clear();
    h.ja3_hash.clear();
    Some(h)
}

fn join_codes(out: &mut String, codes: impl Iterator<Item = u16>, sep: char, hex4: bool) {
    let mut first = true;
    for c in codes.filter(|c| !names::is_grease(*c)) {
        if !first {
            out.push(sep);
        }
        first = false;
        let _ = if hex4 {
            write!(out, "{c:04x}")
        } else {
            write!(out, "{c}")
        };
    }
}

/// The two ALPN characters of JA4's first part, from the first ALPN value's bytes (FoxIO JA4
/// spec, "ALPN Extension Value"): no value or an empty one gives `00`; a value whose first and
/// last bytes are ASCII alphanumeric gives those two characters (one byte counts as both);
/// otherwise the first and last characters of the value's hex form, i.e. the high nibble of the
/// first byte and the low nibble of the last (`0x30 0xAB` → `3b`). Bytes, not a UTF-8 string:
/// a lossy conversion would turn `0xAB` into U+FFFD and give `ed` instead of `ab`.
pub fn ja4_alpn(alpn: Option<&[u8]>) -> [char; 2] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hex = |n: u8| char::from(HEX.get(usize::from(n & 0xf)).copied().unwrap_or(b'0'));
    match alpn {
        Some([first, .., last]) | Some([first @ last]) => {
            if first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric() {
                [char::from(*first), char::from(*last)]
            } else {
                [hex(first >> 4), hex(*last)]
            }
        }
        _ => ['0', '0'],
    }
}

/// JA4 (FoxIO, TCP): `t{ver}{d|i}{#ciphers}{#exts}{alpn}_{cipher hash}_{ext hash}`.
pub fn ja4(
    max_version: u16,
    sni: bool,
    suites: &[u16],
    exts: &[u16],
    alpn: Option<&[u8]>,
    sigalgs: &[u16],
) -> String {
    let ver = match max_version {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        _ => "00",
    };
    let ciphers: Vec<u16> = suites
        .iter()
        .copied()
        .filter(|c| !names::is_grease(*c))
        .collect();
    let extensions: Vec<u16> = exts
        .iter()
        .copied()
        .filter(|c| !names::is_grease(*c))
        .collect();
    let alpn_part = ja4_alpn(alpn);
    let a = format!(
        "t{ver}{}{:02}{:02}{}{}",
        if sni { 'd' } else { 'i' },
        ciphers.len().min(99),
        extensions.len().min(99),
        alpn_part[0],
        alpn_part[1]
    );
    let hash12 = |s: &str| -> String {
        if s.is_empty() {
            "000000000000".to_owned()
        } else {
            let h = hex::encode(Sha256::digest(s.as_bytes()));
            h.get(..12).unwrap_or(&h).to_owned()
        }
    };
    let mut c_sorted = ciphers.clone();
    c_sorted.sort_unstable();
    let mut c_str = String::with_capacity(c_sorted.len() * 5);
    join_codes(&mut c_str, c_sorted.iter().copied(), ',', true);
    let b = hash12(&c_str);
    let mut e_sorted: Vec<u16> = extensions
        .iter()
        .copied()
        .filter(|e| *e != 0x0000 && *e != 0x0010)
        .collect();
    e_sorted.sort_unstable();
    let mut e_str = String::with_capacity((e_sorted.len() + sigalgs.len() + 1) * 5);
    join_codes(&mut e_str, e_sorted.iter().copied(), ',', true);
    if sigalgs.iter().any(|s| !names::is_grease(*s)) {
        e_str.push('_');
        join_codes(&mut e_str, sigalgs.iter().copied(), ',', true);
    }
    let c = if e_sorted.is_empty() {
        "000000000000".to_owned()
    } else {
        hash12(&e_str)
    };
    format!("{a}_{b}_{c}")
}

pub fn server_hello(body: &[u8], frame: u64, time: f64) -> Option<ServerHello> {
    let mut r = Reader::new(body);
    let legacy = r.u16()?;
    let random = r.take(32)?;
    let session_id = r.vec8()?;
    let suite = r.u16()?;
    let compression = r.u8()?;
    let mut h = ServerHello {
        frame,
        time,
        legacy_version: names::version(legacy),
        version: names::version(legacy),
        cipher_suite: names::cipher_suite(suite),
        compression_method: compression,
        random_hex: hex::encode(random),
        session_id_len: u8::try_from(session_id.len()).unwrap_or(u8::MAX),
        extensions: vec![],
        key_share_group: None,
        alpn: None,
        renegotiation_info: false,
        extended_master_secret: false,
        is_hello_retry_request: random == HRR_RANDOM,
    };
    if !r.is_empty() {
        let mut exts = r.vec16()?;
        while !exts.is_empty() {
            let t = exts.u16()?;
            let mut data = exts.vec16()?;
            h.extensions.push(names::extension(t));
            match t {
                43 => {
                    if let Some(v) = data.u16() {
                        h.version = names::version(v);
                    }
                }
                51 => {
                    // ServerHello: KeyShareEntry; HelloRetryRequest: just the selected group.
                    if let Some(g) = data.u16() {
                        h.key_share_group = Some(names::group(g));
                    }
                }
                16 => {
                    let mut list = data.vec16()?;
                    if let Some(mut p) = list.vec8() {
                        h.alpn = Some(String::from_utf8_lossy(p.rest()).into_owned());
                    }
                }
                23 => h.extended_master_secret = true,
                0xff01 => h.renegotiation_info = true,
                _ => {}
            }
        }
    }
    Some(h)
}

pub fn encrypted_extensions(body: &[u8], frame: u64) -> Option<EncryptedExtensions> {
    let mut r = Reader::new(body);
    let mut exts = r.vec16()?;
    let mut ee = EncryptedExtensions {
        frame,
        ..EncryptedExtensions::default()
    };
    while !exts.is_empty() {
        let t = exts.u16()?;
        let mut data = exts.vec16()?;
        ee.extensions.push(names::extension(t));
        match t {
            0 => ee.server_name_acknowledged = true,
            16 => {
                let mut list = data.vec16()?;
                if let Some(mut p) = list.vec8() {
                    ee.alpn = Some(String::from_utf8_lossy(p.rest()).into_owned());
                }
            }
            _ => {}
        }
    }
    Some(ee)
}

/// A Certificate message: (certificates, certificate_list length in bytes).
pub fn certificate(
    body: &[u8],
    tls13: bool,
    cache: &super::x509::CertCache,
) -> Option<(Vec<std::sync::Arc<CertInfo>>, u32)> {
    let mut r = Reader::new(body);
    if tls13 {
        let _context = r.vec8()?;
    }
    let list_len = {
        let mut peek = r.clone();
        peek.u24()?
    };
    let mut list = r.vec24()?;
    let mut certs = Vec::new();
    while !list.is_empty() {
        let der = list.vec24()?.rest();
        if tls13 {
            let _exts = list.vec16()?;
        }
        certs.push(cache.get_or_parse(der));
    }
    Some((certs, u32::try_from(list_len).unwrap_or(u32::MAX)))
}

fn dn_list(mut r: Reader<'_>) -> Option<Vec<crate::model::DistinguishedName>> {
    let mut v = Vec::new();
    while !r.is_empty() {
        let der = r.vec16()?.rest();
        v.push(super::x509::dn_from_der(der));
    }
    Some(v)
}

/// TLS ≤1.2 CertificateRequest (RFC 5246 §7.4.4; no signature algorithms before TLS 1.2).
pub fn certificate_request_12(
    body: &[u8],
    has_sigalgs: bool,
    frame: u64,
    time: f64,
) -> Option<CertificateRequest> {
    let mut r = Reader::new(body);
    let types = r
        .vec8()?
        .rest()
        .iter()
        .map(|t| names::certificate_type(*t))
        .collect();
    let sigalgs = if has_sigalgs {
        r.vec16()?
            .u16s()
            .iter()
            .map(|s| names::signature_scheme(*s))
            .collect()
    } else {
        vec![]
    };
    let cas = dn_list(r.vec16()?)?;
    Some(CertificateRequest {
        frame,
        time,
        tls13: false,
        certificate_types: types,
        signature_algorithms: sigalgs,
        signature_algorithms_cert: vec![],
        certificate_authorities: cas,
        context_hex: String::new(),
        extensions: vec![],
        post_handshake: false,
        decrypted: false,
    })
}

/// TLS 1.3 CertificateRequest (RFC 8446 §4.3.2): context + extensions.
pub fn certificate_request_13(body: &[u8], frame: u64, time: f64) -> Option<CertificateRequest> {
    let mut r = Reader::new(body);
    let context = r.vec8()?.rest();
    let mut exts = r.vec16()?;
    let mut req = CertificateRequest {
        frame,
        time,
        tls13: true,
        certificate_types: vec![],
        signature_algorithms: vec![],
        signature_algorithms_cert: vec![],
        certificate_authorities: vec![],
        context_hex: hex::encode(context),
        extensions: vec![],
        post_handshake: false,
        decrypted: false,
    };
    while !exts.is_empty() {
        let t = exts.u16()?;
        let mut data = exts.vec16()?;
        req.extensions.push(names::extension(t));
        match t {
            13 => {
                req.signature_algorithms = data
                    .vec16()?
                    .u16s()
                    .iter()
                    .map(|s| names::signature_scheme(*s))
                    .collect()
            }
            50 => {
                req.signature_algorithms_cert = data
                    .vec16()?
                    .u16s()
                    .iter()
                    .map(|s| names::signature_scheme(*s))
                    .collect()
            }
            47 => req.certificate_authorities = dn_list(data.vec16()?)?,
            _ => {}
        }
    }
    Some(req)
}

/// CertificateVerify: (algorithm, signature length). TLS ≤1.1 has no algorithm field.
pub fn certificate_verify(body: &[u8], has_scheme: bool) -> Option<(Option<CodePoint>, u32)> {
    let mut r = Reader::new(body);
    let alg = if has_scheme {
        Some(names::signature_scheme(r.u16()?))
    } else {
        None
    };
    let sig = r.vec16()?;
    Some((alg, u32::try_from(sig.len()).unwrap_or(u32::MAX)))
}
