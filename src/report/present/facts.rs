//! The connection's FACTS block: hellos, the server's chain, the certificate request, the client
//! certificate, CertificateVerify, alerts, JSSE's own lines, decryption, inferences, capture
//! coverage and anomalies — one row per fact, in the order an engineer reads them. The text
//! report, its Markdown form and the TUI's details pane print this block.

use super::{Block, Row, Span, Tone};
use crate::model::{
    label_list, short_version, Alert, CertInfo, ClientCert, CodePoint, Connection,
    DecryptionStatus, DecryptionUnsupported, EvidenceUnit, Fact, JsseLog, StoreReport,
};
use crate::safe::safe;

/// The FACTS block of one connection. Evidence numbers count the connection's own unit (`frame`
/// in a capture, `line` in a javax.net.debug log).
pub fn connection_facts(c: &Connection) -> Block {
    let unit = c.evidence_unit.word();
    let t = &c.tls;
    let mut rows = Vec::new();
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
        rows.push(Row::plain(
            "ClientHello",
            format!(
                "offers {} · {} cipher suites · SNI {} · ALPN {}",
                versions,
                h.cipher_suites.len(),
                safe(h.sni.as_deref().unwrap_or("–")),
                if h.alpn.is_empty() {
                    "–".to_owned()
                } else {
                    safe(&h.alpn.join(",")).into_owned()
                }
            ),
        ));
        rows.push(Row::plain(
            "",
            format!(
                "signature algorithms: {}",
                label_list(&h.signature_algorithms, 6)
            ),
        ));
        rows.push(Row::plain(
            "",
            format!(
                "groups: {} · post_handshake_auth {} · JA3 {} · JA4 {}",
                label_list(&h.supported_groups, 5),
                if h.post_handshake_auth { "yes" } else { "no" },
                h.ja3_hash,
                h.ja4
            ),
        ));
    } else {
        rows.push(Row::plain("ClientHello", "not in the capture"));
    }
    if let Some(h) = &t.hello_retry_request {
        rows.push(Row::plain(
            "HelloRetryReq",
            format!(
                "asks for group {}",
                h.key_share_group
                    .as_ref()
                    .map(CodePoint::label)
                    .unwrap_or_else(|| "–".into())
            ),
        ));
    }
    if let Some(h) = &t.server_hello {
        rows.push(Row::plain(
            "ServerHello",
            format!(
                "{} · {}{}",
                short_version(&h.version),
                h.cipher_suite.label(),
                h.alpn
                    .as_deref()
                    .map(|a| format!(" · ALPN {}", safe(a)))
                    .unwrap_or_default()
            ),
        ));
    }
    for (i, cert) in t.server_certificates.iter().enumerate() {
        let l = if i == 0 { "Server chain" } else { "" };
        rows.push(Row::plain(l, cert_line(cert)));
    }
    let before = rows.len();
    certificate_request(c, &mut rows);
    client_certificate(c, unit, &mut rows);
    for r in rows.iter_mut().skip(before) {
        r.answer = true;
    }
    if let Some(v) = &t.client_certificate_verify {
        rows.push(Row::plain(
            "CertVerify",
            format!(
                "{} ({unit} {})",
                v.algorithm
                    .as_ref()
                    .map(CodePoint::label)
                    .unwrap_or_else(|| "–".into()),
                v.frame
            ),
        ));
    }
    for (i, a) in t.alerts.iter().enumerate() {
        let l = if i == 0 { "Alerts" } else { "" };
        rows.push(Row::plain(l, alert_line(a, unit)));
    }
    if let Some(j) = &c.jsse_log {
        jsse(j, &mut rows);
    }
    if let Some(d) = decryption(c) {
        rows.push(Row::plain("Decryption", d));
    }
    for inf in &t.inferences {
        rows.push(Row::plain(
            "Inference",
            format!(
                "{} (confidence {}; {}) [inferred, not decrypted]",
                safe(&inf.what),
                inf.confidence,
                safe(&inf.basis)
            ),
        ));
    }
    let cov = &c.capture;
    // A log has no TCP coverage to describe.
    let is_capture = c.evidence_unit == EvidenceUnit::Frame;
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
                "{} bytes missing from the {} before {unit} {}",
                g.missing_bytes,
                g.side.as_str(),
                g.frame
            ));
        }
        rows.push(Row::plain("Capture", notes.join("; ")));
    }
    for an in &t.anomalies {
        rows.push(Row {
            label: "Anomaly",
            answer: false,
            value: vec![
                Span::toned("⚠", Tone::Warn),
                Span::plain(format!(
                    " {}{}: {}",
                    an.kind,
                    an.frame
                        .map(|f| format!(" ({unit} {f})"))
                        .unwrap_or_default(),
                    safe(&an.detail)
                )),
            ],
        });
    }
    Block {
        title: "FACTS",
        rows,
    }
}

/// The CertificateRequest with its CA names, or what is known of its absence: "none" only when
/// the server's flight was seen without a request.
fn certificate_request(c: &Connection, rows: &mut Vec<Row>) {
    let t = &c.tls;
    if let Some(r) = &t.certificate_request {
        let types = if r.certificate_types.is_empty() {
            String::new()
        } else {
            format!("types {} · ", label_list(&r.certificate_types, 8))
        };
        rows.push(Row::plain(
            "CertRequest",
            format!(
                "{}{} signature algorithms · {} CA name{}{}",
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
            ),
        ));
        for dn in &r.certificate_authorities {
            rows.push(Row::plain("", format!("  {}", safe(&dn.text))));
        }
    } else if t.server_hello.is_some() {
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
        rows.push(Row::plain("CertRequest", text));
    }
}

/// The client's Certificate message: `⚠ EMPTY` (the finding this tool exists for), or what was
/// sent with its chain; nothing when absent or unknown (the request row says why).
fn client_certificate(c: &Connection, unit: &str, rows: &mut Vec<Row>) {
    match c.tls.client_certificate_fact() {
        Fact::Known(ClientCert::Empty(cc)) => rows.push(Row::toned(
            "Client cert",
            format!(
                "⚠ EMPTY — 0 certificates, certificates length {} ({unit} {})",
                cc.certificates_length, cc.frame
            ),
            Tone::Warn,
        )),
        Fact::Known(ClientCert::Sent(cc)) => {
            rows.push(Row::plain(
                "Client cert",
                format!(
                    "{} certificate{}{} ({unit} {})",
                    cc.count,
                    if cc.count == 1 { "" } else { "s" },
                    // A log does not print the message's length.
                    if c.evidence_unit == EvidenceUnit::Line {
                        String::new()
                    } else {
                        format!(", length {}", cc.certificates_length)
                    },
                    cc.frame
                ),
            ));
            for cert in &cc.chain {
                rows.push(Row::plain("", format!("  {}", cert_line(cert))));
            }
        }
        Fact::Absent | Fact::Unknown(_) => {}
    }
}

/// One certificate: subject, issuer, key and validity dates.
fn cert_line(c: &CertInfo) -> String {
    if let Some(e) = &c.parse_error {
        return format!("unparseable certificate ({} bytes): {}", c.length, safe(e));
    }
    format!(
        "{}  ← issued by {}  ({}, valid {} … {})",
        safe(&c.subject.text),
        if c.self_signed {
            "itself (self-signed)".into()
        } else {
            safe(&c.issuer.text)
        },
        safe(&c.public_key.label()),
        date_part(&c.not_before),
        date_part(&c.not_after)
    )
}

fn date_part(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}

/// `client sent fatal handshake_failure (40) (frame 9)`, `server sent an encrypted alert (frame 12)`.
fn alert_line(a: &Alert, unit: &str) -> String {
    match a.message {
        Some(m) => format!(
            "{} sent {} ({unit} {}){}",
            a.from.as_str(),
            m.text(),
            a.frame,
            if a.decrypted { " [decrypted]" } else { "" }
        ),
        None => format!(
            "{} sent an encrypted alert ({unit} {})",
            a.from.as_str(),
            a.frame
        ),
    }
}

/// How the protected part was read, or why it was not; nothing when nothing was protected.
fn decryption(c: &Connection) -> Option<String> {
    let t = &c.tls;
    Some(match t.decryption {
        DecryptionStatus::Decrypted if c.jsse_log.is_some() => "shown in the clear by JSSE's debug log (it logs TLS 1.3 messages after decrypting them)".to_owned(),
        DecryptionStatus::Decrypted => "decrypted with the key log".to_owned(),
        DecryptionStatus::NoKey if t.is_tls13() => {
            "encrypted; no matching key in the key log (or none given)".to_owned()
        }
        // TLS ≤ 1.2: only set when a key log was given and had no CLIENT_RANDOM for us.
        DecryptionStatus::NoKey => "records after ChangeCipherSpec stay encrypted: no matching key (CLIENT_RANDOM) in the key log".to_owned(),
        DecryptionStatus::Failed => {
            "failed: the key log's secrets do not decrypt this connection".to_owned()
        }
        DecryptionStatus::Unsupported => {
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
            format!("not decrypted: {what} — tlsdiag does not decrypt it (docs/decoding.md lists what it decrypts)")
        }
        DecryptionStatus::NotNeeded => return None,
    })
}

/// What JSSE's debug log said besides the messages: the stores it loaded and its own lines about
/// choosing a client certificate, each with its line.
fn jsse(j: &JsseLog, rows: &mut Vec<Row>) {
    let store = |s: &Option<StoreReport>| match s {
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
    rows.push(Row::plain(
        "JSSE",
        format!(
            "JSSE {} on thread {} (id {})",
            j.role.as_str(),
            safe(&j.thread),
            j.thread_id
        ),
    ));
    rows.push(Row::plain("", format!("keystore {}", store(&j.keystore))));
    rows.push(Row::plain(
        "",
        format!("truststore {}", store(&j.truststore)),
    ));
    for k in &j.key_entries {
        rows.push(Row::plain(
            "",
            format!(
                "key entry '{}': {}{} (line {})",
                safe(&k.alias),
                safe(k.subject.as_ref().map(|d| d.text.as_str()).unwrap_or("?")),
                k.issuer
                    .as_ref()
                    .map(|d| format!(" ← issued by {}", safe(&d.text)))
                    .unwrap_or_default(),
                k.line
            ),
        ));
    }
    for s in &j.selection {
        rows.push(Row::plain(
            "",
            format!("line {}: {}", s.line, safe(&s.text)),
        ));
    }
    if let Some(f) = &j.fatal {
        rows.push(Row::plain(
            "",
            format!("line {}: {}", f.line, safe(&f.text)),
        ));
    }
}
