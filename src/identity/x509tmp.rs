//! TEMPORARY x509 → `model::CertInfo` builder, used only until `tls::x509::cert_info` (owned by
//! the tls room) lands on main; then this file is deleted and callers switch to that one.

use crate::model::{CertInfo, DistinguishedName, PublicKeyInfo};
use sha2::{Digest, Sha256};
use x509_parser::prelude::*;

pub fn cert_info(der: &[u8]) -> CertInfo {
    let fp = hex::encode_upper(Sha256::digest(der));
    let length = u32::try_from(der.len()).unwrap_or(u32::MAX);
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
        sha256_fingerprint: fp,
        is_ca: false,
        self_signed: false,
        extended_key_usage: vec![],
        key_usage: vec![],
        length,
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
    let dn = |n: &X509Name| DistinguishedName {
        text: n.to_string(),
        der: n.as_raw().to_vec(),
    };
    info.subject = dn(cert.subject());
    info.issuer = dn(cert.issuer());
    info.serial_hex = hex::encode(cert.raw_serial());
    info.not_before_unix = cert.validity().not_before.timestamp();
    info.not_after_unix = cert.validity().not_after.timestamp();
    info.not_before = rfc3339(info.not_before_unix);
    info.not_after = rfc3339(info.not_after_unix);
    info.self_signed = cert.subject().as_raw() == cert.issuer().as_raw();
    info.is_ca = cert.is_ca();
    if let Some(spki) = super::key::cert_spki(der) {
        let bits = match spki.algorithm.as_str() {
            "RSA" | "RSASSA-PSS" => cert.public_key().parsed().ok().and_then(|p| match p {
                x509_parser::public_key::PublicKey::RSA(r) => u32::try_from(r.key_size()).ok(),
                _ => None,
            }),
            "EC" => match spki.curve.as_deref() {
                Some("secp384r1") => Some(384),
                Some("secp521r1") => Some(521),
                Some(_) => Some(256),
                None => None,
            },
            "Ed25519" => Some(256),
            _ => None,
        };
        info.public_key = PublicKeyInfo {
            algorithm: spki.algorithm,
            bits,
            curve: spki.curve,
        };
    }
    let sig_oid = cert.signature_algorithm.algorithm.to_id_string();
    info.signature_algorithm = match sig_oid.as_str() {
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption".to_owned(),
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption".to_owned(),
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption".to_owned(),
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption".to_owned(),
        "1.2.840.113549.1.1.10" => "rsassaPss".to_owned(),
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256".to_owned(),
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384".to_owned(),
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512".to_owned(),
        "1.3.101.112" => "Ed25519".to_owned(),
        o => o.to_owned(),
    };
    if let Ok(Some(eku)) = cert.extended_key_usage() {
        let e = eku.value;
        let mut v = vec![];
        if e.any {
            v.push("anyExtendedKeyUsage".to_owned());
        }
        if e.server_auth {
            v.push("serverAuth".to_owned());
        }
        if e.client_auth {
            v.push("clientAuth".to_owned());
        }
        if e.code_signing {
            v.push("codeSigning".to_owned());
        }
        if e.email_protection {
            v.push("emailProtection".to_owned());
        }
        if e.time_stamping {
            v.push("timeStamping".to_owned());
        }
        if e.ocsp_signing {
            v.push("OCSPSigning".to_owned());
        }
        for o in &e.other {
            v.push(o.to_id_string());
        }
        info.extended_key_usage = v;
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
                GeneralName::IPAddress(b) => info.san_ip.push(hex::encode(b)),
                _ => {}
            }
        }
    }
    info
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
