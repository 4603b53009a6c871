//! The FACTS block over a real capture (captures/seed-jsse-empty-cert.pcap: JSSE client, OpenSSL
//! server asking for a certificate from two Partner CAs; the client sends an empty Certificate and
//! the server answers handshake_failure), and the text printer's tones.

use super::{connection_facts, Block, Tone};
use crate::model::Connection;

fn seed() -> Connection {
    let pcap =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/seed-jsse-empty-cert.pcap");
    let a = crate::analyze::analyze_path(&pcap, &Default::default()).unwrap();
    assert_eq!(a.connections.len(), 1);
    a.connections.into_iter().next().unwrap()
}

/// A row's value without tones.
fn text(r: &super::Row) -> String {
    r.value.iter().map(|s| s.text.as_str()).collect()
}

/// The rows under `label` (the labelled row and its continuation rows), as plain text.
fn section(b: &Block, label: &str) -> Vec<String> {
    let start = b.rows.iter().position(|r| r.label == label).unwrap();
    b.rows[start..]
        .iter()
        .enumerate()
        .take_while(|(i, r)| *i == 0 || r.label.is_empty())
        .map(|(_, r)| text(r))
        .collect()
}

#[test]
fn facts_block_names_the_ca_list_the_empty_certificate_and_the_alert() {
    let c = seed();
    let b = connection_facts(&c);
    assert_eq!(b.title, "FACTS");
    let labels: Vec<&str> = b
        .rows
        .iter()
        .map(|r| r.label)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        labels,
        [
            "ClientHello",
            "ServerHello",
            "Server chain",
            "CertRequest",
            "Client cert",
            "Alerts"
        ]
    );
    let req = section(&b, "CertRequest");
    assert!(req[0].ends_with("2 CA names:"), "{req:?}");
    assert_eq!(
        req[1..],
        [
            "  CN=Partner Issuing CA,O=Partner Corp,C=DE",
            "  CN=Partner Root CA,O=Partner Corp,C=DE"
        ]
    );
    let cc = c.tls.client_certificate.as_ref().unwrap();
    let row = b.rows.iter().find(|r| r.label == "Client cert").unwrap();
    assert_eq!(row.value.len(), 1);
    assert_eq!(row.value[0].tone, Tone::Warn);
    assert_eq!(
        row.value[0].text,
        format!(
            "⚠ EMPTY — 0 certificates, certificates length 0 (frame {})",
            cc.frame
        )
    );
    let alert = &c.tls.alerts[0];
    assert_eq!(
        section(&b, "Alerts"),
        [format!(
            "server sent fatal handshake_failure (40) (frame {})",
            alert.frame
        )]
    );
    // The server's leaf names its issuer and its key.
    let chain = section(&b, "Server chain");
    assert_eq!(chain.len(), 2);
    assert!(
        chain[0].starts_with(
            "CN=partner.test,O=Partner Corp,C=DE  ← issued by CN=Partner Issuing CA,O=Partner Corp,C=DE  (RSA 2048, valid "
        ),
        "{chain:?}"
    );
}

/// Tones become ANSI only with colour on; without colour the rows are the plain values.
#[test]
fn text_printer_colours_tones_only_when_asked() {
    use crate::report::text::{write_connection, TextOptions};
    let c = seed();
    let row = |color: bool| {
        let mut out = Vec::new();
        let opts = TextOptions {
            color,
            ..TextOptions::plain()
        };
        write_connection(&mut out, &c, &opts).unwrap();
        let s = String::from_utf8(out).unwrap();
        s.lines()
            .find(|l| l.contains("Client cert"))
            .unwrap()
            .to_owned()
    };
    let plain = row(false);
    assert!(
        plain.starts_with("    Client cert   ⚠ EMPTY — 0 certificates"),
        "{plain}"
    );
    assert!(!plain.contains('\u{1b}'));
    let coloured = row(true);
    assert!(
        coloured.starts_with("    Client cert   \u{1b}[1;33m⚠ EMPTY — 0 certificates"),
        "{coloured:?}"
    );
    assert!(coloured.ends_with("\u{1b}[0m"), "{coloured:?}");
}

/// A face with little room (the TUI's details pane) reads the request, its CA names and the
/// empty Certificate first; nothing is lost or repeated.
#[test]
fn answer_first_leads_with_the_request_and_the_client_certificate() {
    let b = connection_facts(&seed());
    let lead: Vec<(&str, String)> = b
        .answer_first()
        .take(4)
        .map(|r| (r.label, text(r)))
        .collect();
    assert_eq!(lead[0].0, "CertRequest");
    assert_eq!(lead[1].1, "  CN=Partner Issuing CA,O=Partner Corp,C=DE");
    assert_eq!(lead[2].1, "  CN=Partner Root CA,O=Partner Corp,C=DE");
    assert_eq!(lead[3].0, "Client cert");
    assert!(lead[3].1.starts_with("⚠ EMPTY"));
    let mut all: Vec<&super::Row> = b.answer_first().collect();
    assert_eq!(all.len(), b.rows.len());
    all.sort_by_key(|r| b.rows.iter().position(|x| std::ptr::eq(x, *r)));
    assert!(all.iter().zip(&b.rows).all(|(a, r)| std::ptr::eq(*a, r)));
}

/// The seed's first finding as every face reads it: the empty Certificate is an error (✗, Bad),
/// its evidence keeps the frames; a hostile message, detail, evidence value, verdict label and
/// fix come out escaped, and each verdict has its word and tone.
#[test]
fn finding_view_says_the_seed_finding_and_escapes_hostile_text() {
    use super::finding_view;
    use crate::model::{ClientStack, Severity, StackVerdict, Verdict};
    let c = seed();
    let found = crate::diagnose::diagnose(&c, &Default::default());
    let f = found.first().unwrap();
    assert_eq!(f.code, "client-sent-empty-certificate");
    let v = finding_view(f);
    assert_eq!((v.severity, v.mark, v.tone), ("error", "✗", Tone::Bad));
    assert_eq!(v.code, "client-sent-empty-certificate");
    assert_eq!(v.message, f.message);
    assert_eq!(
        v.evidence.iter().map(|e| e.frame).collect::<Vec<_>>(),
        f.evidence.iter().map(|e| e.frame).collect::<Vec<_>>()
    );
    assert!(v.evidence.iter().any(|e| e.frame.is_some()));
    assert!(v.fix.is_some());

    let mut h = f.clone();
    h.severity = Severity::Warning;
    h.message = "evil\u{1b}[2J".into();
    h.details = vec!["  \u{202e}moc.rentrap".into()];
    h.evidence[0].value = "x\u{1b}]0;title\u{7}".into();
    h.fix = Some("run\u{1b}[31m".into());
    h.stack_verdicts = vec![StackVerdict {
        stack: ClientStack::OpenSsl,
        label: "OpenSSL\u{1b}[1m".into(),
        verdict: Verdict::Depends,
        reason: "no CA names".into(),
        cause: crate::model::VerdictCause::AnyIssuer,
    }];
    let v = finding_view(&h);
    assert_eq!((v.severity, v.mark, v.tone), ("warning", "⚠", Tone::Warn));
    assert_eq!(v.message, "evil\\u{1b}[2J");
    assert_eq!(v.details, vec!["  \\u{202e}moc.rentrap".to_string()]);
    assert_eq!(v.evidence[0].value, "x\\u{1b}]0;title\\u{7}");
    assert_eq!(v.fix.as_deref(), Some("run\\u{1b}[31m"));
    assert_eq!(v.verdicts.len(), 1);
    assert_eq!(
        (v.verdicts[0].word, v.verdicts[0].tone),
        ("? depends", Tone::Warn)
    );
    assert_eq!(v.verdicts[0].label, "OpenSSL\\u{1b}[1m");
    assert_eq!(v.verdicts[0].reason, "no CA names");
}
