//! Two handshakes side by side — a captured connection and a probe (or any two connections) —
//! one row per fact, differing rows marked, and the decisive difference named: the fact that
//! explains why one failed and the other did not, taken from the diagnosis where possible.
//! Pure: formats nothing (report/text.rs renders it).

use crate::model::{ClientCert, CodePoint, Connection, Fact, OutcomeStatus};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub fact: String,
    pub left: String,
    pub right: String,
    pub differs: bool,
    pub decisive: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub left_label: String,
    pub right_label: String,
    pub rows: Vec<Row>,
    /// One sentence, or null when nothing explains a different outcome.
    pub decisive_difference: Option<String>,
}

fn names(v: &[CodePoint]) -> String {
    v.iter()
        .map(CodePoint::label)
        .collect::<Vec<_>>()
        .join(", ")
}

fn short_list(v: &[CodePoint], n: usize) -> String {
    if v.is_empty() {
        return "–".into();
    }
    let mut s = v
        .iter()
        .take(n)
        .map(CodePoint::label)
        .collect::<Vec<_>>()
        .join(", ");
    if v.len() > n {
        s.push_str(&format!(" … ({})", v.len()));
    }
    s
}

fn ok(c: &Connection) -> bool {
    matches!(
        c.tls.outcome.status,
        OutcomeStatus::Completed | OutcomeStatus::CompletedEncrypted
    )
}

fn outcome(c: &Connection) -> String {
    let o = &c.tls.outcome;
    match o.status {
        OutcomeStatus::Completed => "✓ completed".into(),
        OutcomeStatus::CompletedEncrypted => "✓ completed (encrypted)".into(),
        OutcomeStatus::Incomplete => "? incomplete".into(),
        OutcomeStatus::Failed => format!(
            "✗ {}{}",
            o.alert
                .map(|a| a.label().into_owned())
                .unwrap_or_else(|| "failed".into()),
            o.alert_from
                .map(|s| format!(" ({})", s.as_str()))
                .unwrap_or_default()
        ),
    }
}

fn client_cert(c: &Connection) -> String {
    match c.tls.client_certificate_fact() {
        Fact::Known(ClientCert::Empty(_)) => "⚠ none (length 0)".into(),
        Fact::Known(ClientCert::Sent(cc)) => {
            let leaf = cc
                .chain
                .first()
                .map(|l| format!("{} ← {}", l.subject.text, l.issuer.text))
                .unwrap_or_default();
            format!(
                "{} cert(s), length {}: {leaf}",
                cc.count, cc.certificates_length
            )
        }
        _ if c.tls.certificate_request.is_some() => "requested, none seen".into(),
        _ => "not requested".into(),
    }
}

fn cas(c: &Connection) -> String {
    match &c.tls.certificate_request {
        None => "–".into(),
        Some(r) if r.certificate_authorities.is_empty() => "any issuer (empty list)".into(),
        Some(r) => r
            .certificate_authorities
            .iter()
            .map(|d| d.text.clone())
            .collect::<Vec<_>>()
            .join("; "),
    }
}

pub fn compare(
    left: &Connection,
    left_label: &str,
    right: &Connection,
    right_label: &str,
) -> Comparison {
    let lh = left.tls.client_hello.as_ref();
    let rh = right.tls.client_hello.as_ref();
    let ch = |h: Option<&crate::model::ClientHello>,
              f: &dyn Fn(&crate::model::ClientHello) -> String| {
        h.map(f).unwrap_or_else(|| "–".into())
    };
    let mut rows: Vec<Row> = Vec::new();
    let mut add = |fact: &str, l: String, r: String, compare_on: Option<(String, String)>| {
        let differs = match compare_on {
            Some((a, b)) => a != b,
            None => l != r,
        };
        rows.push(Row {
            fact: fact.into(),
            left: l,
            right: r,
            differs,
            decisive: false,
        });
    };
    let versions = |h: &crate::model::ClientHello| {
        if h.supported_versions.is_empty() {
            h.legacy_version.label()
        } else {
            names(&h.supported_versions)
        }
    };
    add(
        "ClientHello versions",
        ch(lh, &versions),
        ch(rh, &versions),
        None,
    );
    add(
        "cipher suites",
        ch(lh, &|h| short_list(&h.cipher_suites, 3)),
        ch(rh, &|h| short_list(&h.cipher_suites, 3)),
        Some((
            ch(lh, &|h| names(&h.cipher_suites)),
            ch(rh, &|h| names(&h.cipher_suites)),
        )),
    );
    add(
        "signature algorithms",
        ch(lh, &|h| short_list(&h.signature_algorithms, 3)),
        ch(rh, &|h| short_list(&h.signature_algorithms, 3)),
        Some((
            ch(lh, &|h| names(&h.signature_algorithms)),
            ch(rh, &|h| names(&h.signature_algorithms)),
        )),
    );
    add(
        "groups",
        ch(lh, &|h| short_list(&h.supported_groups, 4)),
        ch(rh, &|h| short_list(&h.supported_groups, 4)),
        None,
    );
    add(
        "SNI",
        ch(lh, &|h| h.sni.clone().unwrap_or_else(|| "–".into())),
        ch(rh, &|h| h.sni.clone().unwrap_or_else(|| "–".into())),
        None,
    );
    add(
        "ALPN",
        ch(lh, &|h| h.alpn.join(",")),
        ch(rh, &|h| h.alpn.join(",")),
        None,
    );
    add(
        "extensions",
        ch(lh, &|h| format!("{} extensions", h.extensions.len())),
        ch(rh, &|h| format!("{} extensions", h.extensions.len())),
        Some((
            ch(lh, &|h| names(&h.extensions)),
            ch(rh, &|h| names(&h.extensions)),
        )),
    );
    let neg = |c: &Connection| {
        c.tls
            .server_hello
            .as_ref()
            .map(|s| format!("{} {}", s.version.label(), s.cipher_suite.label()))
            .unwrap_or_else(|| "–".into())
    };
    add("negotiated", neg(left), neg(right), None);
    add("CertificateRequest CAs", cas(left), cas(right), None);
    let types = |c: &Connection| {
        c.tls
            .certificate_request
            .as_ref()
            .map(|r| names(&r.certificate_types))
            .unwrap_or_else(|| "–".into())
    };
    add("certificate types", types(left), types(right), None);
    let req_sig = |c: &Connection| {
        c.tls
            .certificate_request
            .as_ref()
            .map(|r| format!("{} algorithms", r.signature_algorithms.len()))
            .unwrap_or_else(|| "–".into())
    };
    add(
        "requested signature algs",
        req_sig(left),
        req_sig(right),
        None,
    );
    add(
        "client certificate",
        client_cert(left),
        client_cert(right),
        None,
    );
    let alerts = |c: &Connection| {
        if c.tls.alerts.is_empty() {
            "–".to_owned()
        } else {
            c.tls
                .alerts
                .iter()
                .map(|a| {
                    format!(
                        "{} {} {}",
                        a.from.as_str(),
                        a.level_label(),
                        a.description_label()
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        }
    };
    add("alerts", alerts(left), alerts(right), None);
    add("outcome", outcome(left), outcome(right), None);

    let decisive = decide(left, left_label, right, right_label, &mut rows);
    Comparison {
        left_label: left_label.into(),
        right_label: right_label.into(),
        rows,
        decisive_difference: decisive,
    }
}

fn mark(rows: &mut [Row], fact: &str) {
    if let Some(r) = rows.iter_mut().find(|r| r.fact == fact) {
        r.decisive = true;
    }
}

fn decide(l: &Connection, ll: &str, r: &Connection, rl: &str, rows: &mut [Row]) -> Option<String> {
    if ok(l) == ok(r) {
        return None;
    }
    let (bad, bad_label, good, good_label) = if ok(l) {
        (r, rl, l, ll)
    } else {
        (l, ll, r, rl)
    };
    let sent = |c: &Connection| {
        matches!(
            c.tls.client_certificate_fact(),
            Fact::Known(ClientCert::Sent(_))
        )
    };
    let requested = |c: &Connection| c.tls.certificate_request_fact().is_known();
    let code = bad
        .diagnosis
        .first()
        .map(|f| format!(" ({})", f.code))
        .unwrap_or_default();
    if requested(bad) && !sent(bad) && sent(good) {
        mark(rows, "client certificate");
        let leaf = good
            .tls
            .client_certificate
            .as_ref()
            .and_then(|cc| cc.chain.first())
            .map(|c| format!("{} issued by {}", c.subject.text, c.issuer.text))
            .unwrap_or_default();
        return Some(format!(
            "the client certificate: the {good_label} sent {leaf}, accepted by the server; the {bad_label} sent none{code}."
        ));
    }
    if sent(bad) && sent(good) {
        let issuer = |c: &Connection| {
            c.tls
                .client_certificate
                .as_ref()
                .and_then(|cc| cc.chain.first())
                .map(|x| x.issuer.text.clone())
        };
        if issuer(bad) != issuer(good)
            || bad.tls.client_certificate.as_ref().map(|c| c.count)
                != good.tls.client_certificate.as_ref().map(|c| c.count)
        {
            mark(rows, "client certificate");
            return Some(format!(
                "the client certificate: the {bad_label}'s ({}) was rejected, the {good_label}'s ({}) accepted{code}.",
                client_cert(bad),
                client_cert(good)
            ));
        }
    }
    if bad.tls.server_hello.is_none() {
        mark(rows, "cipher suites");
        mark(rows, "ClientHello versions");
        return Some(format!(
            "the ClientHello: the server refused the {bad_label}'s offer before choosing parameters (versions, cipher suites, groups or signature algorithms){code}."
        ));
    }
    if cas(bad) != cas(good) {
        mark(rows, "CertificateRequest CAs");
        return Some(format!(
            "the server asked the two clients for different CAs{code}."
        ));
    }
    let first = rows
        .iter()
        .position(|r| r.differs && r.fact != "outcome" && r.fact != "alerts");
    if let Some(i) = first {
        if let Some(r) = rows.get_mut(i) {
            r.decisive = true;
            return Some(format!(
                "{} differs, and only the {good_label} succeeded{code}.",
                r.fact
            ));
        }
    }
    None
}
