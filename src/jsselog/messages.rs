//! Message bodies → model structs: the ClientHello, ServerHello, CertificateRequest and
//! Certificate blocks JSSE prints (their `"field": value` lines, already cut into a block per
//! message by `body`), and JSSE's spellings of key usages and signature names. Pure functions of
//! the log text; `build` (connections per JVM thread) calls them.

use super::body::{self, Ext};
use super::dn;
use super::names as jn;
use crate::model::{
    Anomaly, CertInfo, CertificateRequest, ClientHello, CodePoint, DistinguishedName,
    PublicKeyInfo, ServerHello, Side,
};
use crate::tls::names;
use std::sync::Arc;

fn cps(
    items: &[&str],
    f: impl Fn(&str) -> Option<u16>,
    map: fn(u16) -> CodePoint,
) -> Vec<CodePoint> {
    items.iter().filter_map(|s| f(s)).map(map).collect()
}

pub(super) fn client_hello(
    b: &[String],
    line: u64,
    time: f64,
    anomalies: &mut Vec<Anomaly>,
) -> ClientHello {
    let legacy = body::field(b, "client version")
        .and_then(|(_, v)| jn::version(v))
        .unwrap_or(0);
    let random = body::field(b, "random").map(|(_, v)| v.to_ascii_lowercase());
    let sid = body::field(b, "session id").map_or(0, |(_, v)| v.len() / 2);
    let suites: Vec<u16> = body::field(b, "cipher suites")
        .map(|(_, v)| {
            body::list(v)
                .iter()
                .filter_map(|s| body::hex_code(s))
                .collect()
        })
        .unwrap_or_default();
    let compression = body::field(b, "compression methods")
        .and_then(|(_, v)| hex::decode(v.replace(' ', "")).ok())
        .unwrap_or_default();
    let exts = body::extensions(b);
    let ext = |code: u16| exts.iter().find(|e| e.code == code);
    let sni = ext(0).and_then(|e| {
        e.lines
            .iter()
            .find_map(|l| l.split_once("value=").map(|(_, v)| v.trim().to_owned()))
    });
    let list_of = |code: u16| {
        ext(code)
            .map(|e| body::first_list(e.lines))
            .unwrap_or_default()
    };
    let groups_raw: Vec<u16> = list_of(10).iter().filter_map(|s| jn::group(s)).collect();
    let sigalgs_raw: Vec<u16> = list_of(13)
        .iter()
        .filter_map(|s| jn::signature_scheme(s))
        .collect();
    let versions_raw: Vec<u16> = list_of(43).iter().filter_map(|s| jn::version(s)).collect();
    let point_formats: Vec<u8> = list_of(11)
        .iter()
        .filter_map(|s| jn::point_format(s))
        .collect();
    let key_shares: Vec<CodePoint> = ext(51)
        .map(|e| {
            e.lines
                .iter()
                .filter_map(|l| body::field_of_line(l, "named group"))
                .filter_map(jn::group)
                .map(names::group)
                .collect()
        })
        .unwrap_or_default();
    let alpn: Vec<String> = list_of(16).iter().map(|s| (*s).to_owned()).collect();
    // A name this reader does not know would silently drop a code point from the lists and
    // make the fingerprints wrong: say so instead.
    let unknown = unknown_names(&exts, &[10, 13, 43, 11, 50]);
    if !unknown.is_empty() && anomalies.len() < 64 {
        anomalies.push(Anomaly::new(
            "log_unknown_name",
            Some(line),
            None,
            format!(
                "ClientHello lists names this reader does not know ({}): they are left out, and JA3/JA4 are not computed",
                unknown.join(", ")
            ),
        ));
    }
    let ext_codes: Vec<u16> = exts.iter().map(|e| e.code).collect();
    let max = versions_raw.iter().copied().max().unwrap_or(legacy);
    let (ja3, ja3_hash, ja4) = if unknown.is_empty() && random.is_some() {
        fingerprints(
            legacy,
            &suites,
            &ext_codes,
            &groups_raw,
            &point_formats,
            max,
            sni.is_some(),
            alpn.first().map(String::as_str),
            &sigalgs_raw,
        )
    } else {
        (String::new(), String::new(), String::new())
    };
    ClientHello {
        frame: line,
        time,
        legacy_version: names::version(legacy),
        max_version: names::version(max),
        supported_versions: versions_raw.iter().map(|v| names::version(*v)).collect(),
        random_hex: random.unwrap_or_default(),
        session_id_len: u8::try_from(sid).unwrap_or(u8::MAX),
        cipher_suites: suites.iter().map(|s| names::cipher_suite(*s)).collect(),
        compression_methods: compression,
        sni,
        alpn,
        signature_algorithms: sigalgs_raw
            .iter()
            .map(|s| names::signature_scheme(*s))
            .collect(),
        signature_algorithms_cert: cps(&list_of(50), jn::signature_scheme, names::signature_scheme),
        supported_groups: groups_raw.iter().map(|g| names::group(*g)).collect(),
        key_share_groups: key_shares,
        ec_point_formats: point_formats,
        post_handshake_auth: ext(49).is_some(),
        renegotiation_info: ext(0xff01).is_some(),
        extended_master_secret: ext(23).is_some(),
        session_ticket: ext(35).is_some(),
        status_request: ext(5).is_some(),
        extensions: ext_codes.iter().map(|e| names::extension(*e)).collect(),
        ja3,
        ja3_hash,
        ja4,
    }
}

/// Names in the lists of the given extensions that the tables do not know.
fn unknown_names(exts: &[Ext<'_>], codes: &[u16]) -> Vec<String> {
    let mut out = Vec::new();
    for e in exts.iter().filter(|e| codes.contains(&e.code)) {
        for item in body::first_list(e.lines) {
            let known = match e.code {
                10 => jn::group(item).is_some(),
                13 | 50 => jn::signature_scheme(item).is_some(),
                43 => jn::version(item).is_some(),
                11 => jn::point_format(item).is_some(),
                _ => true,
            };
            if !known && out.len() < 8 {
                out.push(item.to_owned());
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn fingerprints(
    legacy: u16,
    suites: &[u16],
    exts: &[u16],
    groups: &[u16],
    formats: &[u8],
    max: u16,
    sni: bool,
    alpn: Option<&str>,
    sigalgs: &[u16],
) -> (String, String, String) {
    use md5::{Digest as _, Md5};
    let join = |v: &mut dyn Iterator<Item = u16>| {
        v.filter(|c| !names::is_grease(*c))
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join("-")
    };
    // JA3 (salesforce/ja3): version,ciphers,extensions,groups,point formats; GREASE removed.
    let ja3 = format!(
        "{legacy},{},{},{},{}",
        join(&mut suites.iter().copied()),
        join(&mut exts.iter().copied()),
        join(&mut groups.iter().copied()),
        join(&mut formats.iter().map(|f| u16::from(*f)))
    );
    let hash = hex::encode(Md5::digest(ja3.as_bytes()));
    let ja4 = crate::tls::messages::ja4(max, sni, suites, exts, alpn.map(str::as_bytes), sigalgs);
    (ja3, hash, ja4)
}

pub(super) fn server_hello(b: &[String], line: u64, time: f64) -> ServerHello {
    let legacy = body::field(b, "server version")
        .and_then(|(_, v)| jn::version(v))
        .unwrap_or(0);
    let exts = body::extensions(b);
    let ext = |code: u16| exts.iter().find(|e| e.code == code);
    let selected = ext(43).and_then(|e| {
        body::first_list(e.lines)
            .first()
            .and_then(|v| jn::version(v))
    });
    let suite = body::field(b, "cipher suite")
        .and_then(|(_, v)| body::hex_code(v))
        .unwrap_or(0);
    let group = ext(51).and_then(|e| {
        e.lines
            .iter()
            .find_map(|l| {
                body::field_of_line(l, "named group")
                    .or_else(|| body::field_of_line(l, "selected group"))
            })
            .and_then(jn::group)
            .map(names::group)
    });
    ServerHello {
        frame: line,
        time,
        legacy_version: names::version(legacy),
        version: names::version(selected.unwrap_or(legacy)),
        cipher_suite: names::cipher_suite(suite),
        compression_method: body::field(b, "compression methods")
            .and_then(|(_, v)| hex::decode(v).ok())
            .and_then(|v| v.first().copied())
            .unwrap_or(0),
        random_hex: body::field(b, "random")
            .map(|(_, v)| v.to_ascii_lowercase())
            .unwrap_or_default(),
        session_id_len: body::field(b, "session id")
            .map_or(0, |(_, v)| u8::try_from(v.len() / 2).unwrap_or(u8::MAX)),
        extensions: exts.iter().map(|e| names::extension(e.code)).collect(),
        key_share_group: group,
        alpn: ext(16).and_then(|e| body::first_list(e.lines).first().map(|s| (*s).to_owned())),
        renegotiation_info: ext(0xff01).is_some(),
        extended_master_secret: ext(23).is_some(),
        is_hello_retry_request: false,
    }
}

pub(super) fn certificate_request(
    b: &[String],
    line: u64,
    time: f64,
    anomalies: &mut Vec<Anomaly>,
) -> Option<CertificateRequest> {
    let tls13 = body::field(b, "certificate_request_context").is_some();
    let mut cas: Vec<DistinguishedName> = Vec::new();
    let mut bad_names = false;
    let mut inferred = false;
    let mut req = CertificateRequest {
        frame: line,
        time,
        tls13,
        certificate_types: vec![],
        signature_algorithms: vec![],
        signature_algorithms_cert: vec![],
        certificate_authorities: vec![],
        context_hex: String::new(),
        extensions: vec![],
        post_handshake: false,
        decrypted: false,
    };
    if tls13 {
        req.context_hex = body::field(b, "certificate_request_context")
            .map(|(_, v)| v.to_ascii_lowercase())
            .unwrap_or_default();
        let exts = body::extensions(b);
        req.extensions = exts.iter().map(|e| names::extension(e.code)).collect();
        for e in &exts {
            match e.code {
                13 => {
                    req.signature_algorithms = cps(
                        &body::first_list(e.lines),
                        jn::signature_scheme,
                        names::signature_scheme,
                    )
                }
                50 => {
                    req.signature_algorithms_cert = cps(
                        &body::first_list(e.lines),
                        jn::signature_scheme,
                        names::signature_scheme,
                    )
                }
                47 => {
                    // One name per line after `"certificate authorities": [`, the last closed by `]`.
                    let mut items: Vec<&str> = Vec::new();
                    let mut inside = false;
                    for l in e.lines {
                        let t = l.trim();
                        if !inside {
                            if let Some((_, v)) = t.split_once(": [") {
                                inside = true;
                                let v = v.trim();
                                let done = v.ends_with(']');
                                let v = v.strip_suffix(']').unwrap_or(v);
                                if !v.is_empty() {
                                    items.push(v);
                                }
                                if done {
                                    break;
                                }
                            }
                            continue;
                        }
                        let done = t.ends_with(']');
                        let v = t.strip_suffix(']').unwrap_or(t);
                        if !v.is_empty() {
                            items.push(v);
                        }
                        if done {
                            break;
                        }
                    }
                    for item in items {
                        match dn::dn(item) {
                            Some(d) => cas.push(d),
                            None => bad_names = true,
                        }
                    }
                }
                _ => {}
            }
        }
    } else {
        req.certificate_types = body::field(b, "certificate types")
            .map(|(_, v)| {
                body::list(v)
                    .iter()
                    .filter_map(|s| jn::certificate_type(s))
                    .map(names::certificate_type)
                    .collect()
            })
            .unwrap_or_default();
        req.signature_algorithms = body::field(b, "supported signature algorithms")
            .map(|(_, v)| {
                cps(
                    &body::list(v),
                    jn::signature_scheme,
                    names::signature_scheme,
                )
            })
            .unwrap_or_default();
        if let Some((_, v)) = body::field(b, "certificate authorities") {
            let v = body::unquote(v);
            let inner = v
                .strip_prefix('[')
                .map(|x| x.strip_suffix(']').unwrap_or(x))
                .unwrap_or(v);
            if !inner.trim().is_empty() && !inner.trim().eq_ignore_ascii_case("<empty>") {
                match dn::dn_list(&[inner]) {
                    Some((list, guessed)) => {
                        cas = list;
                        inferred = guessed;
                    }
                    None => bad_names = true,
                }
            }
        }
    }
    req.certificate_authorities = cas;
    if bad_names && anomalies.len() < 64 {
        anomalies.push(Anomaly::new(
            "log_unreadable_name",
            Some(line),
            Some(Side::Server),
            "a CA name in the CertificateRequest could not be read as a distinguished name: it is left out",
        ));
    }
    if inferred && req.certificate_authorities.len() > 1 && anomalies.len() < 64 {
        anomalies.push(Anomaly::new(
            "log_ca_names_split",
            Some(line),
            Some(Side::Server),
            format!(
                "JSSE prints a TLS 1.2 CA list on one line with the same \", \" between names as inside them, and these names are not printed alike: read as {} names by where an attribute type recurs — check them against a capture",
                req.certificate_authorities.len()
            ),
        ));
    }
    Some(req)
}

/// The certificates of a Certificate body: each `"certificate" : {` block's printed fields.
pub(super) fn certificates(b: &[String]) -> Vec<Arc<CertInfo>> {
    let starts: Vec<usize> = b
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("\"certificate\" : {"))
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::with_capacity(starts.len());
    for (k, s) in starts.iter().enumerate() {
        let end = starts.get(k.saturating_add(1)).copied().unwrap_or(b.len());
        let block = b.get(*s..end).unwrap_or_default();
        out.push(Arc::new(cert_info(block)));
        if out.len() >= 32 {
            break;
        }
    }
    out
}

fn cert_info(b: &[String]) -> CertInfo {
    let get = |k: &str| body::field(b, k).map(|(_, v)| v.to_owned());
    let dn_of = |k: &str| {
        get(k)
            .and_then(|v| dn::dn(&v))
            .unwrap_or(DistinguishedName {
                text: String::new(),
                der: Vec::new(),
            })
    };
    let subject = dn_of("subject");
    let issuer = dn_of("issuer");
    let time_of = |k: &str| -> (String, i64) {
        let Some(v) = get(k) else {
            return (String::new(), 0);
        };
        let line = format!("javax.net.ssl|X|0|t|{v}|s|m");
        let ns = super::reader::parse_header(&line, 0).and_then(|r| r.ts_ns);
        match ns {
            Some(ns) => {
                let secs = i64::try_from(ns / 1_000_000_000).unwrap_or(0);
                let text = time::OffsetDateTime::from_unix_timestamp(secs)
                    .ok()
                    .and_then(|t| {
                        t.format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    })
                    .unwrap_or_default();
                (text, secs)
            }
            None => (String::new(), 0),
        }
    };
    let (nb, nbu) = time_of("not before");
    let (na, nau) = time_of("not  after");
    let (na, nau) = if na.is_empty() {
        time_of("not after")
    } else {
        (na, nau)
    };
    // Extensions as sun.security.x509 prints them.
    let mut is_ca = false;
    let mut eku = Vec::new();
    let mut ku = Vec::new();
    let mut san_dns = Vec::new();
    let mut san_ip = Vec::new();
    let mut section = "";
    for l in b {
        let t = l.trim();
        if t.starts_with("CA:true") {
            is_ca = true;
        }
        if t.starts_with("ExtendedKeyUsages [") {
            section = "eku";
            continue;
        }
        if t.starts_with("KeyUsage [") {
            section = "ku";
            continue;
        }
        if t.starts_with("SubjectAlternativeName [") {
            section = "san";
            continue;
        }
        if t.starts_with(']') || t.starts_with('}') || t.starts_with("ObjectId:") {
            section = "";
            continue;
        }
        match section {
            "eku" => eku.push(t.to_owned()),
            "ku" => ku.push(key_usage_name(t)),
            "san" => {
                if let Some(d) = t.strip_prefix("DNSName:") {
                    san_dns.push(d.trim().to_owned());
                } else if let Some(ip) = t.strip_prefix("IPAddress:") {
                    // Java prints IPv6 uncompressed (0:0:0:0:0:0:0:1): the model's form is
                    // Rust's (::1), as the certificate decoder gives it.
                    let ip = ip.trim();
                    san_ip.push(
                        ip.parse::<std::net::IpAddr>()
                            .map(|a| a.to_string())
                            .unwrap_or_else(|_| ip.to_owned()),
                    );
                }
            }
            _ => {}
        }
    }
    CertInfo {
        self_signed: !subject.text.is_empty() && subject.text == issuer.text,
        subject,
        issuer,
        serial_hex: get("serial number")
            .map(|s| s.replace(':', "").to_ascii_lowercase())
            .unwrap_or_default(),
        not_before: nb,
        not_after: na,
        not_before_unix: nbu,
        not_after_unix: nau,
        san_dns,
        san_ip,
        public_key: PublicKeyInfo {
            algorithm: get("subject public key").unwrap_or_default(),
            bits: None,
            curve: None,
        },
        signature_algorithm: get("signature algorithm")
            .map(|s| signature_name(&s))
            .unwrap_or_default(),
        sha256_fingerprint: String::new(),
        is_ca,
        extended_key_usage: eku,
        key_usage: ku,
        length: 0,
        der: Vec::new(),
        parse_error: None,
    }
}

/// sun.security.x509.KeyUsageExtension prints `DigitalSignature`, `Key_Encipherment`, ...;
/// the model uses the RFC 5280 names (`digitalSignature`, `keyEncipherment`, ...).
fn key_usage_name(s: &str) -> String {
    match s {
        "DigitalSignature" => "digitalSignature",
        "Non_repudiation" => "nonRepudiation",
        "Key_Encipherment" => "keyEncipherment",
        "Data_Encipherment" => "dataEncipherment",
        "Key_Agreement" => "keyAgreement",
        "Key_CertSign" => "keyCertSign",
        "Crl_Sign" => "cRLSign",
        "Encipher_Only" => "encipherOnly",
        "Decipher_Only" => "decipherOnly",
        other => other,
    }
    .to_owned()
}

/// Java's algorithm names → the names our x509 decoder gives (OpenSSL's).
fn signature_name(s: &str) -> String {
    match s {
        "SHA1withRSA" => "sha1WithRSAEncryption",
        "SHA224withRSA" => "sha224WithRSAEncryption",
        "SHA256withRSA" => "sha256WithRSAEncryption",
        "SHA384withRSA" => "sha384WithRSAEncryption",
        "SHA512withRSA" => "sha512WithRSAEncryption",
        "RSASSA-PSS" => "rsassaPss",
        "SHA224withECDSA" => "ecdsa-with-SHA224",
        "SHA256withECDSA" => "ecdsa-with-SHA256",
        "SHA384withECDSA" => "ecdsa-with-SHA384",
        "SHA512withECDSA" => "ecdsa-with-SHA512",
        "Ed25519" => "ED25519",
        "Ed448" => "ED448",
        "SHA256withDSA" => "dsa_with_SHA256",
        other => other,
    }
    .to_owned()
}
