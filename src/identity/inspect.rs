//! The `tlsdiag identity inspect` report: every entry like `keytool -list -v` (alias, type,
//! creation date, chain with owner/issuer/serial/validity/SHA-256/algorithms) plus what keytool
//! does not say: key type and size, whether the key matches the certificate, whether the entry
//! can be a client identity at all, EKU clientAuth, validity now. Builds a serialisable view
//! and renders text to any `Write`; never includes key bytes.

use std::io::{self, Write};

use serde::Serialize;

use super::{Entry, EntryKind, IdentityError, KeyMatch, Keystore};
use crate::model::{CertInfo, PublicKeyInfo};

#[derive(Debug, Clone, Serialize)]
pub struct InspectReport {
    pub file: String,
    pub format: String,
    pub entries: Vec<EntryReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntryReport {
    pub alias: String,
    /// keytool's words: `PrivateKeyEntry` or `trustedCertEntry`.
    pub entry_type: String,
    /// RFC 3339, when the format stores it (JKS).
    pub created: Option<String>,
    pub chain_length: usize,
    pub chain: Vec<CertInfo>,
    pub private_key: Option<PublicKeyInfo>,
    /// `yes`, `no`, `unknown`; null without a key.
    pub key_matches_certificate: Option<String>,
    pub key_match_detail: Option<String>,
    pub key_error: Option<String>,
    pub usable_as_client_identity: bool,
    /// `present`, `absent` (EKU lists other purposes only), `no_eku` (extension absent: any use).
    pub client_auth_eku: Option<String>,
    /// `valid`, `expired`, `not_yet_valid`.
    pub validity: Option<String>,
    /// One line per problem that would stop or spoil client authentication.
    pub problems: Vec<String>,
}

/// Builds the report; `alias` restricts it to one entry (error listing the aliases otherwise).
pub fn inspect(
    ks: &Keystore,
    alias: Option<&str>,
    at_unix: i64,
) -> Result<InspectReport, IdentityError> {
    let entries: Vec<&Entry> = match alias {
        Some(a) => vec![ks.entry(a)?],
        None => ks.entries.iter().collect(),
    };
    Ok(InspectReport {
        file: ks.path.display().to_string(),
        format: ks.format.name().to_owned(),
        entries: entries
            .into_iter()
            .map(|e| entry_report(e, at_unix))
            .collect(),
    })
}

fn entry_report(e: &Entry, at: i64) -> EntryReport {
    let leaf = e.leaf();
    let mut problems = Vec::new();
    let (km, km_detail) = match &e.key_match {
        None => (None, None),
        Some(KeyMatch::Yes) => (Some("yes".to_owned()), None),
        Some(KeyMatch::No) => {
            problems.push("the private key does not belong to the certificate: the server will fail CertificateVerify (decrypt_error), OpenSSL/curl refuse to load the pair (\"invalid private key\")".to_owned());
            (Some("no".to_owned()), None)
        }
        Some(KeyMatch::Unknown(why)) => (Some("unknown".to_owned()), Some(why.clone())),
    };
    if e.kind == EntryKind::TrustedCertificate {
        problems.push("trusted-certificate entry without a private key: it cannot be used as a client identity (it belongs in a truststore)".to_owned());
    } else if e.key.is_none() {
        problems.push(format!(
            "private key not usable: {}",
            e.key_error.as_deref().unwrap_or("missing")
        ));
    }
    if e.kind == EntryKind::PrivateKey && e.chain.is_empty() {
        problems.push("no certificate for the private key".to_owned());
    }
    let client_auth = leaf.filter(|_| e.kind == EntryKind::PrivateKey).map(|c| {
        if c.extended_key_usage.is_empty() {
            "no_eku".to_owned()
        } else if c
            .extended_key_usage
            .iter()
            .any(|u| u == "clientAuth" || u == "anyExtendedKeyUsage")
        {
            "present".to_owned()
        } else {
            problems.push(format!(
                "extended key usage [{}] lacks clientAuth: servers answer unsupported_certificate (43); JSSE PKIX ranks it as an imperfect match",
                c.extended_key_usage.join(", ")
            ));
            "absent".to_owned()
        }
    });
    let validity = leaf.filter(|c| c.parse_error.is_none()).map(|c| {
        if at > c.not_after_unix {
            problems.push(format!("the certificate expired on {}", c.not_after));
            "expired".to_owned()
        } else if at < c.not_before_unix {
            problems.push(format!(
                "the certificate is not valid before {}",
                c.not_before
            ));
            "not_yet_valid".to_owned()
        } else {
            "valid".to_owned()
        }
    });
    if e.kind == EntryKind::PrivateKey && e.chain.len() == 1 && leaf.is_some_and(|c| !c.self_signed)
    {
        problems.push("the chain holds only the leaf: if the server lists the issuing CA's issuer (e.g. the root), JSSE finds no match and sends no certificate; import the CA reply so the chain is complete".to_owned());
    }
    EntryReport {
        alias: e.alias.clone(),
        entry_type: match e.kind {
            EntryKind::PrivateKey => "PrivateKeyEntry",
            EntryKind::TrustedCertificate => "trustedCertEntry",
        }
        .to_owned(),
        created: e.created_unix.map(rfc3339),
        chain_length: e.chain.len(),
        chain: e.chain.clone(),
        private_key: e.key.as_ref().map(|k| k.info.clone()),
        key_matches_certificate: km,
        key_match_detail: km_detail,
        key_error: e.key_error.clone(),
        usable_as_client_identity: e.kind == EntryKind::PrivateKey
            && e.key.is_some()
            && !e.chain.is_empty()
            && e.key_match != Some(KeyMatch::No),
        client_auth_eku: client_auth,
        validity,
        problems,
    }
}

fn rfc3339(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ts.to_string())
}

/// keytool-style colon-separated hex.
fn colon_hex(s: &str) -> String {
    if s.contains(':') {
        return s.to_uppercase();
    }
    let chars: Vec<char> = s.to_uppercase().chars().collect();
    chars
        .chunks(2)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(":")
}

/// Renders the report as text, keytool-style, with the extra facts.
/// Text from the keystore (aliases, names) goes through the one terminal-safety function.
pub fn render_text(r: &InspectReport, w: &mut dyn Write) -> io::Result<()> {
    use crate::safe::safe;
    writeln!(w, "Keystore: {} ({})", safe(&r.file), r.format)?;
    let n = r.entries.len();
    writeln!(
        w,
        "Your keystore contains {n} entr{}",
        if n == 1 { "y" } else { "ies" }
    )?;
    for e in &r.entries {
        writeln!(w)?;
        writeln!(w, "Alias name: {}", safe(&e.alias))?;
        if let Some(c) = &e.created {
            writeln!(w, "Creation date: {c}")?;
        }
        writeln!(w, "Entry type: {}", e.entry_type)?;
        match &e.private_key {
            Some(k) => {
                let m = match e.key_matches_certificate.as_deref() {
                    Some("yes") => "yes".to_owned(),
                    Some("no") => "NO".to_owned(),
                    Some(_) => format!(
                        "unknown ({})",
                        safe(e.key_match_detail.as_deref().unwrap_or("not checked"))
                    ),
                    None => "no certificate".to_owned(),
                };
                writeln!(
                    w,
                    "Private key: {}; matches the certificate: {m}",
                    k.label()
                )?;
            }
            None if e.entry_type == "PrivateKeyEntry" => writeln!(
                w,
                "Private key: not usable ({})",
                safe(e.key_error.as_deref().unwrap_or("missing"))
            )?,
            None => writeln!(w, "Private key: none (trusted certificate)")?,
        }
        writeln!(
            w,
            "Usable as a client identity: {}",
            if e.usable_as_client_identity {
                "yes"
            } else {
                "no"
            }
        )?;
        if let Some(eku) = &e.client_auth_eku {
            let t = match eku.as_str() {
                "present" => "present",
                "no_eku" => "no EKU extension (any purpose allowed)",
                _ => "ABSENT",
            };
            writeln!(w, "EKU clientAuth: {t}")?;
        }
        if let Some(v) = &e.validity {
            let t = match v.as_str() {
                "valid" => "valid now",
                "expired" => "EXPIRED",
                _ => "NOT YET VALID",
            };
            writeln!(w, "Validity: {t}")?;
        }
        writeln!(w, "Certificate chain length: {}", e.chain_length)?;
        for (i, c) in e.chain.iter().enumerate() {
            writeln!(w, "Certificate[{}]:", i.saturating_add(1))?;
            if let Some(err) = &c.parse_error {
                writeln!(w, "  (cannot be parsed: {})", safe(err))?;
                continue;
            }
            writeln!(w, "  Owner: {}", safe(&c.subject.text))?;
            writeln!(w, "  Issuer: {}", safe(&c.issuer.text))?;
            writeln!(w, "  Serial number: {}", c.serial_hex)?;
            writeln!(w, "  Valid from: {} until: {}", c.not_before, c.not_after)?;
            writeln!(w, "  SHA256: {}", colon_hex(&c.sha256_fingerprint))?;
            writeln!(w, "  Signature algorithm name: {}", c.signature_algorithm)?;
            writeln!(
                w,
                "  Subject Public Key Algorithm: {}",
                c.public_key.label()
            )?;
            if !c.extended_key_usage.is_empty() {
                writeln!(
                    w,
                    "  Extended key usage: {}",
                    c.extended_key_usage.join(", ")
                )?;
            }
            if c.is_ca {
                writeln!(w, "  CA: yes")?;
            }
        }
        for p in &e.problems {
            writeln!(w, "! {}", safe(p))?;
        }
        writeln!(w, "*******************************************")?;
    }
    Ok(())
}
