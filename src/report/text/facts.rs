//! The FACTS section of the text report (and of Markdown's code blocks): hellos, chains, the
//! certificate request, the client certificate, alerts, JSSE's own lines, decryption,
//! inferences, capture coverage and anomalies.

use super::{short_version, Style};
use crate::model::{
    Alert, CertInfo, ClientCert, CodePoint, Connection, DecryptionUnsupported, Fact,
};
use crate::safe::safe;
use std::io::{self, Write};

fn list_names(v: &[CodePoint], max: usize) -> String {
    let mut s: Vec<String> = v.iter().take(max).map(CodePoint::label).collect();
    if v.len() > max {
        s.push(format!("… ({} in all)", v.len()));
    }
    s.join(", ")
}

fn cert_line(c: &CertInfo) -> String {
    if let Some(e) = &c.parse_error {
        return format!("unparseable certificate ({} bytes): {}", c.length, safe(e));
    }
    let key = match (&c.public_key.curve, c.public_key.bits) {
        (Some(curve), _) => format!("{} {curve}", c.public_key.algorithm),
        (None, Some(b)) => format!("{} {b}", c.public_key.algorithm),
        _ => c.public_key.algorithm.clone(),
    };
    format!(
        "{}  ← issued by {}  ({}, valid {} … {})",
        safe(&c.subject.text),
        if c.self_signed {
            "itself (self-signed)".into()
        } else {
            safe(&c.issuer.text)
        },
        safe(&key),
        date_part(&c.not_before),
        date_part(&c.not_after)
    )
}

fn date_part(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}

pub(in crate::report) fn write_facts(
    out: &mut dyn Write,
    c: &Connection,
    st: &Style,
) -> io::Result<()> {
    let t = &c.tls;
    let label = |s: &str| format!("    {s:<14}");
    if let Some(h) = &t.client_hello {
        let versions = if h.supported_versions.is_empty() {
            short_version(&h.legacy_version)
        } else {
            h.supported_versions
                .iter()
                .map(short_version)
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(
            out,
            "{}offers {} · {} cipher suites · SNI {} · ALPN {}",
            label("ClientHello"),
            versions,
            h.cipher_suites.len(),
            safe(h.sni.as_deref().unwrap_or("–")),
            if h.alpn.is_empty() {
                "–".to_owned()
            } else {
                safe(&h.alpn.join(",")).into_owned()
            }
        )?;
        writeln!(
            out,
            "{}signature algorithms: {}",
            label(""),
            list_names(&h.signature_algorithms, 6)
        )?;
        writeln!(
            out,
            "{}groups: {} · post_handshake_auth {} · JA3 {} · JA4 {}",
            label(""),
            list_names(&h.supported_groups, 5),
            if h.post_handshake_auth { "yes" } else { "no" },
            h.ja3_hash,
            h.ja4
        )?;
    } else {
        writeln!(out, "{}not in the capture", label("ClientHello"))?;
    }
    if let Some(h) = &t.hello_retry_request {
        writeln!(
            out,
            "{}asks for group {}",
            label("HelloRetryReq"),
            h.key_share_group
                .as_ref()
                .map(CodePoint::label)
                .unwrap_or_else(|| "–".into())
        )?;
    }
    if let Some(h) = &t.server_hello {
        writeln!(
            out,
            "{}{} · {}{}",
            label("ServerHello"),
            short_version(&h.version),
            h.cipher_suite.label(),
            h.alpn
                .as_deref()
                .map(|a| format!(" · ALPN {}", safe(a)))
                .unwrap_or_default()
        )?;
    }
    for (i, cert) in t.server_certificates.iter().enumerate() {
        let l = if i == 0 { "Server chain" } else { "" };
        writeln!(out, "{}{}", label(l), cert_line(cert))?;
    }
    if let Some(r) = &t.certificate_request {
        let types = if r.certificate_types.is_empty() {
            String::new()
        } else {
            format!("types {} · ", list_names(&r.certificate_types, 8))
        };
        writeln!(
            out,
            "{}{}{} signature algorithms · {} CA name{}{}",
            label("CertRequest"),
            types,
            r.signature_algorithms.len(),
            r.certificate_authorities.len(),
            if r.certificate_authorities.len() == 1 {
                ""
            } else {
                "s"
            },
            if r.certificate_authorities.is_empty() {
                " (any issuer)"
            } else {
                ":"
            }
        )?;
        for dn in &r.certificate_authorities {
            writeln!(out, "{}  {}", label(""), safe(&dn.text))?;
        }
    } else if t.server_hello.is_some() {
        // Say "none" only when the server's flight was seen without a request.
        let text = match t.certificate_request_fact() {
            Fact::Unknown(_) if t.handshake_hidden() => {
                "not visible (TLS 1.3 handshake is encrypted; give --keylog)".to_owned()
            }
            Fact::Unknown(u) => format!(
                "unknown: {}{}",
                if t.renegotiation_frames.is_empty() {
                    u.reason.as_str()
                } else {
                    "the renegotiation is encrypted (a server may ask there)"
                },
                u.reveal
                    .map(|r| format!(" — {}", r.as_str()))
                    .unwrap_or_default()
            ),
            _ => "none (the server did not ask for a client certificate)".to_owned(),
        };
        writeln!(out, "{}{}", label("CertRequest"), text)?;
    }
    match t.client_certificate_fact() {
        Fact::Known(ClientCert::Empty(cc)) => writeln!(
            out,
            "{}{}",
            label("Client cert"),
            st.yellow(&format!(
                "⚠ EMPTY — 0 certificates, certificates length {} ({} {})",
                cc.certificates_length, st.unit, cc.frame
            ))
        )?,
        Fact::Known(ClientCert::Sent(cc)) => {
            writeln!(
                out,
                "{}{} certificate{}{} ({} {})",
                label("Client cert"),
                cc.count,
                if cc.count == 1 { "" } else { "s" },
                // A log does not print the message's length.
                if c.evidence_unit == crate::model::EvidenceUnit::Line {
                    String::new()
                } else {
                    format!(", length {}", cc.certificates_length)
                },
                st.unit,
                cc.frame
            )?;
            for cert in &cc.chain {
                writeln!(out, "{}  {}", label(""), cert_line(cert))?;
            }
        }
        Fact::Absent | Fact::Unknown(_) => {}
    }
    if let Some(v) = &t.client_certificate_verify {
        writeln!(
            out,
            "{}{} ({} {})",
            label("CertVerify"),
            v.algorithm
                .as_ref()
                .map(CodePoint::label)
                .unwrap_or_else(|| "–".into()),
            st.unit,
            v.frame
        )?;
    }
    for (i, a) in t.alerts.iter().enumerate() {
        let l = if i == 0 { "Alerts" } else { "" };
        writeln!(out, "{}{}", label(l), alert_text(a, st.unit))?;
    }
    if let Some(j) = &c.jsse_log {
        write_jsse(out, j, &label)?;
    }
    match t.decryption {
        crate::model::DecryptionStatus::Decrypted if c.jsse_log.is_some() => writeln!(
            out,
            "{}shown in the clear by JSSE's debug log (it logs TLS 1.3 messages after decrypting them)",
            label("Decryption")
        )?,
        crate::model::DecryptionStatus::Decrypted => {
            writeln!(out, "{}decrypted with the key log", label("Decryption"))?
        }
        crate::model::DecryptionStatus::NoKey if t.is_tls13() =>
        {
            writeln!(
                out,
                "{}encrypted; no matching key in the key log (or none given)",
                label("Decryption")
            )?
        }
        // TLS ≤ 1.2: only set when a key log was given and had no CLIENT_RANDOM for us.
        crate::model::DecryptionStatus::NoKey => writeln!(
            out,
            "{}records after ChangeCipherSpec stay encrypted: no matching key (CLIENT_RANDOM) in the key log",
            label("Decryption")
        )?,
        crate::model::DecryptionStatus::Failed => writeln!(
            out,
            "{}failed: the key log's secrets do not decrypt this connection",
            label("Decryption")
        )?,
        crate::model::DecryptionStatus::Unsupported => {
            let what = match &t.decryption_unsupported {
                Some(DecryptionUnsupported::CipherSuite(cs)) => {
                    format!("unsupported cipher suite ({})", cs.label())
                }
                Some(DecryptionUnsupported::Version(v)) => {
                    format!("unsupported version ({})", v.label())
                }
                Some(DecryptionUnsupported::Compression(m)) => {
                    format!("unsupported compression method ({m})")
                }
                None => "unsupported".to_owned(),
            };
            writeln!(
                out,
                "{}not decrypted: {what} — tlsdiag does not decrypt it (docs/decoding.md lists what it decrypts)",
                label("Decryption")
            )?
        }
        crate::model::DecryptionStatus::NotNeeded => {}
    }
    for inf in &t.inferences {
        writeln!(
            out,
            "{}{} (confidence {}; {}) [inferred, not decrypted]",
            label("Inference"),
            safe(&inf.what),
            inf.confidence,
            safe(&inf.basis)
        )?;
    }
    let cov = &c.capture;
    // A log has no TCP coverage to describe.
    let is_capture = c.evidence_unit == crate::model::EvidenceUnit::Frame;
    if is_capture && (!cov.gaps.is_empty() || cov.roles_inferred || !cov.syn_seen) {
        let mut notes = Vec::new();
        if !cov.syn_seen {
            notes.push("no SYN (capture started mid-connection)".to_owned());
        }
        if cov.roles_inferred {
            notes.push("client/server roles inferred from content".to_owned());
        }
        for g in &cov.gaps {
            notes.push(format!(
                "{} bytes missing from the {} before {} {}",
                g.missing_bytes,
                g.side.as_str(),
                st.unit,
                g.frame
            ));
        }
        writeln!(out, "{}{}", label("Capture"), notes.join("; "))?;
    }
    for an in &t.anomalies {
        writeln!(
            out,
            "{}{} {}{}: {}",
            label("Anomaly"),
            st.yellow("⚠"),
            an.kind,
            an.frame
                .map(|f| format!(" ({} {f})", st.unit))
                .unwrap_or_default(),
            safe(&an.detail)
        )?;
    }
    Ok(())
}

/// What JSSE's debug log said besides the messages: the stores it loaded and its own lines about
/// choosing a client certificate, each with its line.
fn write_jsse(
    out: &mut dyn Write,
    j: &crate::model::JsseLog,
    label: &dyn Fn(&str) -> String,
) -> io::Result<()> {
    let store = |s: &Option<crate::model::StoreReport>| match s {
        Some(s) => format!(
            "{}{} (line {})",
            safe(&s.path),
            s.store_type
                .as_deref()
                .map(|t| format!(", type {}", safe(t)))
                .unwrap_or_default(),
            s.line
        ),
        None => "not shown in the log".to_owned(),
    };
    writeln!(
        out,
        "{}JSSE {} on thread {} (id {})",
        label("JSSE"),
        j.role.as_str(),
        safe(&j.thread),
        j.thread_id
    )?;
    writeln!(out, "{}keystore {}", label(""), store(&j.keystore))?;
    writeln!(out, "{}truststore {}", label(""), store(&j.truststore))?;
    for k in &j.key_entries {
        writeln!(
            out,
            "{}key entry '{}': {}{} (line {})",
            label(""),
            safe(&k.alias),
            safe(k.subject.as_ref().map(|d| d.text.as_str()).unwrap_or("?")),
            k.issuer
                .as_ref()
                .map(|d| format!(" ← issued by {}", safe(&d.text)))
                .unwrap_or_default(),
            k.line
        )?;
    }
    for s in &j.selection {
        writeln!(out, "{}line {}: {}", label(""), s.line, safe(&s.text))?;
    }
    if let Some(f) = &j.fatal {
        writeln!(out, "{}line {}: {}", label(""), f.line, safe(&f.text))?;
    }
    Ok(())
}

fn alert_text(a: &Alert, unit: &str) -> String {
    if a.encrypted && !a.decrypted {
        return format!(
            "{} sent an encrypted alert ({unit} {})",
            a.from.as_str(),
            a.frame
        );
    }
    format!(
        "{} sent {} {}{} ({unit} {}){}",
        a.from.as_str(),
        a.level_label(),
        a.description_label(),
        a.code().map(|c| format!(" ({c})")).unwrap_or_default(),
        a.frame,
        if a.decrypted { " [decrypted]" } else { "" }
    )
}
