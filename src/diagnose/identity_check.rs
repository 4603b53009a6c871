//! `--identity` on a connection whose client did send a certificate, or was never seen
//! answering (issue 12 §4): whatever the outcome — success, unknown_ca, certificate_expired —
//! an engineer asks "would my keystore have worked here, and is that what the client used?".
//! One informational finding with the per-stack verdicts (identity::select, and JSSE's own
//! choice among several entries: identity::jsse) and whether the certificate on the wire is
//! this identity's (same leaf by SHA-256, same chain). The empty-Certificate case is told by
//! `empty_certificate`, which carries the same verdicts. Reads the model and the identity only.

use super::{ev, finding, Context};
use crate::model::{
    ClientCert, ClientStack, Connection, Fact, Finding, IdentityCheck, Severity, StackVerdict,
    Verdict, WireStatus,
};

pub fn check(c: &Connection, ctx: &Context) -> Vec<Finding> {
    let (Some(id), Fact::Known(req)) = (&ctx.identity, c.tls.certificate_request_fact()) else {
        return vec![];
    };
    let sent = c.tls.client_certificate_fact();
    // An empty Certificate is told, with the same verdicts, by empty_certificate.
    if matches!(sent, Fact::Known(ClientCert::Empty(_))) {
        return vec![];
    }
    let version = c
        .tls
        .tls_version
        .as_ref()
        .and_then(|v| u16::try_from(v.code).ok());
    let check = crate::identity::check::check(id, req, version, super::capture_unix(c), sent);
    let verdicts = crate::identity::check::headline(&check);
    let unit = c.evidence_unit.word();
    let source = id.source();
    let mut message = wire_sentence(&check, &source, unit);
    message.push(' ');
    message.push_str(&choice_sentence(&check, &verdicts));
    let mut f = finding("identity-check", Severity::Info, message);
    f.evidence.push(ev(
        Some(req.frame),
        "CertificateRequest.certificate_authorities",
        format!("{} names", req.certificate_authorities.len()),
    ));
    if let (Some(frame), Some(sha)) = (check.wire.frame, &check.wire.sent_leaf_sha256) {
        f.evidence.push(ev(
            Some(frame),
            "client Certificate leaf SHA-256",
            sha.clone(),
        ));
    }
    // The identity's leaf: the entry seen on the wire, else the entries checked (at most 3).
    let shown: Vec<_> = match &check.wire.alias {
        Some(a) => check.entries.iter().filter(|e| &e.alias == a).collect(),
        None => check.entries.iter().take(3).collect(),
    };
    for e in shown {
        if let Some(sha) = &e.leaf_sha256 {
            f.evidence.push(ev(
                None,
                &format!("identity '{}' leaf SHA-256", e.alias),
                sha.clone(),
            ));
        }
    }
    f.details.extend(choice_details(&check));
    f.stack_verdicts = verdicts;
    f.identity_check = Some(Box::new(check));
    vec![f]
}

/// One line per JSSE key manager: which entry it picks and why (walk order, key types).
pub(crate) fn choice_details(check: &IdentityCheck) -> Vec<String> {
    check
        .jsse_choices
        .iter()
        .map(|j| {
            format!(
                "{}: {}",
                if j.key_manager == ClientStack::JsseSunX509 {
                    "JSSE SunX509 (default)"
                } else {
                    "JSSE PKIX"
                },
                match &j.alias {
                    Some(a) => format!("'{a}' — {}", j.reason),
                    None => format!("no entry — {}", j.reason),
                }
            )
        })
        .collect()
}

fn short_sha(s: &str) -> String {
    s.chars().take(16).collect()
}

/// The first sentence: what the client sent, compared with the identity.
fn wire_sentence(check: &IdentityCheck, source: &str, unit: &str) -> String {
    let w = &check.wire;
    let at = w
        .frame
        .map(|n| format!(" ({unit} {n})"))
        .unwrap_or_default();
    let n = w.sent_chain_length.unwrap_or(0);
    let certs = format!("{n} certificate{}", if n == 1 { "" } else { "s" });
    let which = |alias: &Option<String>| match (alias, &check.alias) {
        (Some(a), Some(b)) if a == b => format!("the certificate of {source}"),
        (Some(a), Some(_)) => format!("entry '{a}' of {}, not the entry checked", check.keystore),
        (Some(a), None) => format!("entry '{a}' of {}", check.keystore),
        (None, _) => format!("a certificate of {source}"),
    };
    match w.status {
        WireStatus::SameChain => format!(
            "The client sent {} with the same chain{at}: {certs}, leaf SHA-256 {}….",
            which(&w.alias),
            short_sha(w.sent_leaf_sha256.as_deref().unwrap_or(""))
        ),
        WireStatus::SameLeafOtherChain => format!(
            "The client sent {} but another chain{at}: {certs} on the wire, {} in the keystore.",
            which(&w.alias),
            w.stored_chain_length.unwrap_or(0)
        ),
        WireStatus::OtherCertificate => format!(
            "The client sent another certificate{at} ({}, leaf SHA-256 {}…), not {source}'s: this capture's client used another key.",
            w.sent_leaf_subject.as_deref().unwrap_or("unparsed"),
            short_sha(w.sent_leaf_sha256.as_deref().unwrap_or(""))
        ),
        WireStatus::EmptyCertificate => "The client sent an empty Certificate.".to_owned(),
        WireStatus::NoCertificate => "The client sent no Certificate message after the request (it stopped, or answered without one).".to_owned(),
        WireStatus::Unknown => match &w.unknown {
            Some(u) => format!(
                "What the client answered is unknown: {}{}.",
                u.reason.as_str(),
                u.reveal
                    .map(|r| format!(" — {}", r.as_str()))
                    .unwrap_or_default()
            ),
            None => "What the client answered is unknown.".to_owned(),
        },
    }
}

/// The second: what the stacks would do with this identity here.
fn choice_sentence(check: &IdentityCheck, verdicts: &[StackVerdict]) -> String {
    let v = |s: ClientStack| verdicts.iter().find(|x| x.stack == s);
    if !check.jsse_choices.is_empty() {
        let pick = |s: ClientStack| {
            check
                .jsse_choices
                .iter()
                .find(|j| j.key_manager == s)
                .and_then(|j| j.alias.clone())
        };
        let name = |a: Option<String>| a.map_or("nothing".to_owned(), |a| format!("'{a}'"));
        let sun = pick(ClientStack::JsseSunX509);
        let pkix = pick(ClientStack::JssePkix);
        let mut s = format!(
            "For this request JSSE's default key manager (SunX509) would send {}, PKIX {}",
            name(sun.clone()),
            name(pkix.clone())
        );
        if let Some(sent) = &check.wire.alias {
            if sun.as_deref() == Some(sent.as_str()) {
                s.push_str(" — the wire shows SunX509's choice");
            } else if pkix.as_deref() == Some(sent.as_str()) {
                s.push_str(" — the wire shows PKIX's choice");
            }
        }
        s.push('.');
        return s;
    }
    let word = |x: Option<&StackVerdict>| match x.map(|x| x.verdict) {
        Some(Verdict::Sent) => "would send it",
        Some(Verdict::NotSent) => "would send nothing",
        _ => "might send it",
    };
    format!(
        "For this request JSSE {}, OpenSSL/curl {}, Go {}.",
        word(v(ClientStack::JsseSunX509)),
        word(v(ClientStack::OpenSsl)),
        word(v(ClientStack::Go))
    )
}
