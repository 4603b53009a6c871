//! One ladder message in full for the details pane: every CA name, every algorithm, each
//! certificate with subject, issuer, key, validity, SAN and EKU.

use super::details::Kv;
use crate::model::{Connection, MessageKind, Side};
use crate::tui::text::safe;
use ratatui::text::Line;

fn cert_lines(v: &mut Kv, n: usize, cert: &crate::model::CertInfo) {
    v.head(format!("certificate {n}"));
    v.kv("subject", safe(&cert.subject.text));
    v.kv("issuer", safe(&cert.issuer.text));
    v.kv("key", safe(&cert.public_key.label()));
    v.kv(
        "validity",
        format!("{} to {}", safe(&cert.not_before), safe(&cert.not_after)),
    );
    let san: Vec<String> = cert
        .san_dns
        .iter()
        .map(|d| format!("DNS:{}", safe(d)))
        .chain(cert.san_ip.iter().map(|i| format!("IP:{}", safe(i))))
        .collect();
    v.kv(
        "SAN",
        if san.is_empty() {
            "–".into()
        } else {
            san.join(" ")
        },
    );
    v.kv(
        "EKU",
        if cert.extended_key_usage.is_empty() {
            "– (none: any use)".into()
        } else {
            cert.extended_key_usage
                .iter()
                .map(|e| safe(e))
                .collect::<Vec<_>>()
                .join(" ")
        },
    );
    if !cert.key_usage.is_empty() {
        v.kv(
            "key usage",
            cert.key_usage
                .iter()
                .map(|e| safe(e))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    let mut flags = Vec::new();
    if cert.is_ca {
        flags.push("CA");
    }
    if cert.self_signed {
        flags.push("self-signed");
    }
    if !flags.is_empty() {
        v.kv("", flags.join(", "));
    }
    v.kv("serial", safe(&cert.serial_hex));
    v.kv("signature", safe(&cert.signature_algorithm));
    v.kv("SHA-256", safe(&cert.sha256_fingerprint));
    if let Some(e) = &cert.parse_error {
        v.kv("parse error", safe(e));
    }
}

/// One message in full: every CA name, every algorithm, each certificate.
pub fn message_details(c: &Connection, m: &crate::model::Message, w: usize) -> Vec<Line<'static>> {
    use crate::model::HandshakeType as H;
    let mut v = Kv::new(w);
    let unit = c.evidence_unit.word();
    let list = |x: &[crate::model::CodePoint]| {
        if x.is_empty() {
            "–".to_owned()
        } else {
            format!(
                "({}) {}",
                x.len(),
                x.iter().map(|c| c.label()).collect::<Vec<_>>().join(" ")
            )
        }
    };
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    v.head(format!(
        "{} — {unit} {}, {:.3} s, {} → {}, {} bytes{}{}",
        m.name(),
        m.frame,
        m.time,
        m.from.as_str(),
        match m.from {
            Side::Client => "server",
            Side::Server => "client",
        },
        m.length,
        if m.encrypted { ", encrypted" } else { "" },
        if m.decrypted { " (decrypted)" } else { "" },
    ));
    if let Some(d) = &m.detail {
        v.kv("summary", safe(d));
    }
    let is = |t: H| m.kind.is(t);
    if is(H::CLIENT_HELLO) {
        if let Some(h) = c.tls.client_hello.as_ref().filter(|h| h.frame == m.frame) {
            v.kv(
                "SNI",
                h.sni.as_deref().map(safe).unwrap_or_else(|| "–".into()),
            );
            v.kv("legacy_version", h.legacy_version.label());
            v.kv("supported_versions", list(&h.supported_versions));
            v.kv("cipher_suites", list(&h.cipher_suites));
            v.kv("signature_algorithms", list(&h.signature_algorithms));
            if !h.signature_algorithms_cert.is_empty() {
                v.kv("sig_algs_cert", list(&h.signature_algorithms_cert));
            }
            v.kv("supported_groups", list(&h.supported_groups));
            v.kv("key_share", list(&h.key_share_groups));
            v.kv(
                "ALPN",
                if h.alpn.is_empty() {
                    "–".into()
                } else {
                    h.alpn.iter().map(|a| safe(a)).collect::<Vec<_>>().join(" ")
                },
            );
            v.kv("extensions", list(&h.extensions));
            v.kv("post_handshake_auth", yes(h.post_handshake_auth));
            v.kv("ext. master secret", yes(h.extended_master_secret));
            v.kv("renegotiation_info", yes(h.renegotiation_info));
            v.kv("session_id length", h.session_id_len.to_string());
            v.kv("JA3", format!("{} ({})", h.ja3_hash, h.ja3));
            v.kv("JA4", h.ja4.clone());
        }
    } else if is(H::SERVER_HELLO) {
        if let Some(h) = c.tls.server_hello.as_ref().filter(|h| h.frame == m.frame) {
            v.kv("version", h.version.label());
            v.kv("cipher_suite", h.cipher_suite.label());
            if let Some(g) = &h.key_share_group {
                v.kv("key_share", g.label());
            }
            v.kv(
                "ALPN",
                h.alpn.as_deref().map(safe).unwrap_or_else(|| "–".into()),
            );
            v.kv("extensions", list(&h.extensions));
            v.kv("ext. master secret", yes(h.extended_master_secret));
            v.kv("renegotiation_info", yes(h.renegotiation_info));
            if h.is_hello_retry_request {
                v.kv("", "HelloRetryRequest".into());
            }
        }
    } else if is(H::CERTIFICATE_REQUEST) {
        if let Some(r) = c
            .tls
            .certificate_request
            .as_ref()
            .filter(|r| r.frame == m.frame)
        {
            if r.certificate_authorities.is_empty() {
                v.kv("certificate_authorities", "(empty: any issuer)".into());
            }
            for (i, dn) in r.certificate_authorities.iter().enumerate() {
                let k = if i == 0 {
                    "certificate_authorities"
                } else {
                    ""
                };
                v.kv(k, safe(&dn.text));
            }
            v.kv("certificate_types", list(&r.certificate_types));
            v.kv("signature_algorithms", list(&r.signature_algorithms));
            if !r.signature_algorithms_cert.is_empty() {
                v.kv("sig_algs_cert", list(&r.signature_algorithms_cert));
            }
            if r.tls13 {
                v.kv("context", safe(&r.context_hex));
                v.kv("extensions", list(&r.extensions));
            }
        } else {
            v.kv("", "a later CertificateRequest: see the first one".into());
        }
    } else if is(H::CERTIFICATE) {
        let chain: Vec<&crate::model::CertInfo> = match m.from {
            Side::Client => c
                .tls
                .client_certificate
                .iter()
                .filter(|cc| cc.frame == m.frame)
                .flat_map(|cc| cc.chain.iter().map(|a| a.as_ref()))
                .collect(),
            Side::Server => c
                .tls
                .server_certificates
                .iter()
                .map(|a| a.as_ref())
                .collect(),
        };
        if let Some(n) = m.certificate_count {
            v.kv("certificates", n.to_string());
        }
        for (i, cert) in chain.iter().enumerate() {
            cert_lines(&mut v, i + 1, cert);
        }
    } else if m.kind == MessageKind::Alert {
        for a in c
            .tls
            .alerts
            .iter()
            .filter(|a| a.frame == m.frame && a.from == m.from)
        {
            v.kv("level", a.level_label().into_owned());
            v.kv("description", a.description_label().into_owned());
            v.kv("encrypted", yes(a.encrypted));
        }
    }
    v.lines
}
