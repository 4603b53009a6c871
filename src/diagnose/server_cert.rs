//! The server's certificate: rejected by the client (a fatal alert from the client after the
//! server's Certificate — unknown_ca(48), bad_certificate(42), certificate_unknown(46) as JSSE
//! sends for "PKIX path building failed", certificate_expired(45)) — a truststore problem; and
//! properties visible in the capture: the SNI not covered by the certificate's names (RFC 6125),
//! a certificate expired at capture time.

use super::{capture_unix, ev, fatal_alert, finding, Context};
use crate::model::{CertInfo, Connection, Finding, Severity, Side};

pub fn check_rejected(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let unit = c.evidence_unit.word();
    let Some(frame) = c.tls.server_certificate_frame else {
        return vec![];
    };
    let Some(a) = fatal_alert(c).filter(|a| a.from == Side::Client && a.frame >= frame) else {
        return vec![];
    };
    if !matches!(a.code(), Some(42 | 43 | 44 | 45 | 46 | 48)) {
        return vec![];
    }
    let chain = &c.tls.server_certificates;
    let top = chain.last();
    let must_trust = top
        .map(|t| {
            if t.self_signed {
                t.subject.text.clone()
            } else {
                t.issuer.text.clone()
            }
        })
        .unwrap_or_default();
    let mut f = finding(
        "client-rejected-server-certificate",
        Severity::Error,
        format!(
            "The client rejected the server's certificate with {} ({unit} {}): it does not trust the chain the server sent — a truststore problem on the client side, not a client-certificate problem.",
            a.text(),
            a.frame
        ),
    );
    f.details.push("Server chain as sent:".to_owned());
    for cert in chain {
        f.details
            .push(format!("  {} ← {}", cert.subject.text, cert.issuer.text));
    }
    f.details
        .push(format!("The client must trust: {must_trust}"));
    f.evidence.push(ev(
        Some(frame),
        "server Certificate.count",
        chain.len().to_string(),
    ));
    f.evidence.push(ev(Some(a.frame), "client Alert", a.text()));
    f.fix = Some(format!(
        "Import the CA certificate \"{must_trust}\" into the truststore the client really uses (for Java: the javax.net.ssl.trustStore / the product's truststore alias, then reload it), or have the server send its full chain."
    ));
    vec![f]
}

/// Name and validity of the server certificate against the SNI and the capture's own time.
pub fn check_properties(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let Some(leaf) = c.tls.server_certificates.first() else {
        return vec![];
    };
    if leaf.parse_error.is_some() {
        return vec![];
    }
    let frame = c.tls.server_certificate_frame;
    let mut out = Vec::new();
    if let Some(sni) = c.tls.client_hello.as_ref().and_then(|h| h.sni.as_deref()) {
        if !name_matches(leaf, sni) {
            let mut f = finding(
                "server-name-mismatch",
                Severity::Warning,
                format!(
                    "The server's certificate does not cover the name the client asked for ({sni}): its names are {}. Clients that check host names (JSSE, curl, Go, .NET) reject it.",
                    cert_names(leaf)
                ),
            );
            f.evidence.push(ev(
                frame,
                "server Certificate[0].subject",
                leaf.subject.text.clone(),
            ));
            f.evidence.push(ev(
                c.tls.client_hello.as_ref().map(|h| h.frame),
                "ClientHello.server_name",
                sni,
            ));
            f.fix = Some(format!("Call the server by a name in its certificate, or have the partner issue a certificate with {sni} in subjectAltName."));
            out.push(f);
        }
    }
    let now = capture_unix(c);
    if leaf.not_after_unix != 0 && leaf.not_after_unix < now {
        let mut f = finding(
            "server-certificate-expired",
            Severity::Warning,
            format!("The server's certificate {} had expired at the time of the capture (valid until {}).", leaf.subject.text, leaf.not_after),
        );
        f.evidence.push(ev(
            frame,
            "server Certificate[0].not_after",
            leaf.not_after.clone(),
        ));
        f.fix = Some("The server operator must renew the certificate.".to_owned());
        out.push(f);
    }
    out
}

fn cert_names(c: &CertInfo) -> String {
    let mut v: Vec<String> = c.san_dns.clone();
    v.extend(c.san_ip.iter().cloned());
    if v.is_empty() {
        v.push(c.subject.text.clone());
    }
    v.join(", ")
}

/// RFC 6125 §6.4: DNS SANs (one left-most wildcard label), else the CN when there are no SANs.
fn name_matches(c: &CertInfo, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let dns_match = |pat: &str| {
        let pat = pat.to_ascii_lowercase();
        if let Some(rest) = pat.strip_prefix("*.") {
            host.split_once('.')
                .is_some_and(|(first, tail)| !first.is_empty() && tail == rest)
        } else {
            pat == host
        }
    };
    if c.san_dns.iter().any(|d| dns_match(d)) || c.san_ip.contains(&host) {
        return true;
    }
    if c.san_dns.is_empty() && c.san_ip.is_empty() {
        return c
            .subject
            .text
            .split(',')
            .filter_map(|p| p.strip_prefix("CN="))
            .any(dns_match);
    }
    false
}
