//! protocol_version(70): the version ranges do not overlap (RFC 8446 §4.2.1, RFC 5246 App. E).
//! unrecognized_name(112): the server has no virtual host for the SNI sent (RFC 6066 §3).
//! No SNI, or an IP literal as SNI (RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not
//! permitted"): servers that choose their certificate or client-CA list by name fail or pick the
//! default one.

use super::{ev, finding, names, Context};
use crate::model::{AlertDescription, Connection, Finding, Severity};

pub fn check_protocol_version(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let unit = c.evidence_unit.word();
    let Some(a) = c
        .tls
        .alerts
        .iter()
        .find(|a| a.description() == Some(AlertDescription::PROTOCOL_VERSION))
    else {
        return vec![];
    };
    let offered = c
        .tls
        .client_hello
        .as_ref()
        .map(|h| {
            if h.supported_versions.is_empty() {
                h.legacy_version.label()
            } else {
                names(&h.supported_versions, 6)
            }
        })
        .unwrap_or_else(|| "unknown".into());
    let mut f = finding(
        "protocol-version-mismatch",
        Severity::Error,
        format!(
            "The {} refused the protocol version with {} ({unit} {}): the client offered {offered} and the server accepts none of them.",
            a.from.as_str(),
            a.text(),
            a.frame
        ),
    );
    f.evidence.push(ev(Some(a.frame), "Alert", a.text()));
    f.fix = Some("Enable a common TLS version on both sides (Java: https.protocols / jdk.tls.client.protocols; servers disabling TLS 1.2 need a TLS 1.3 capable client).".into());
    vec![f]
}

pub fn check_unrecognized_name(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let unit = c.evidence_unit.word();
    let Some(a) = c
        .tls
        .alerts
        .iter()
        .find(|a| a.description() == Some(AlertDescription::UNRECOGNIZED_NAME))
    else {
        return vec![];
    };
    let sni = c.tls.client_hello.as_ref().and_then(|h| h.sni.clone());
    let mut f = finding(
        "unrecognized-name",
        if a.is_fatal() { Severity::Error } else { Severity::Warning },
        format!(
            "The server answered with {} ({unit} {}): it has no site configured for the name the client sent ({}).",
            a.text(),
            a.frame,
            sni.as_deref().unwrap_or("no SNI at all")
        ),
    );
    f.evidence.push(ev(Some(a.frame), "Alert", a.text()));
    f.fix = Some("Call the service by the host name the server is configured for (the SNI comes from the URL's host), not by an IP address or alias.".into());
    vec![f]
}

pub fn check_sni(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let Some(h) = &c.tls.client_hello else {
        return vec![];
    };
    if c.tls
        .alerts
        .iter()
        .any(|a| a.description() == Some(AlertDescription::UNRECOGNIZED_NAME))
    {
        return vec![];
    }
    match &h.sni {
        None => {
            let mut f = finding(
                "sni-missing",
                if c.tls.outcome.status == crate::model::OutcomeStatus::Failed { Severity::Warning } else { Severity::Info },
                "The client sent no server name (SNI). Servers that host several sites pick their certificate and client-CA list by this name; without it they use a default that may not be the partner's service (Java sends no SNI when the URL uses an IP address).".to_owned(),
            );
            f.evidence
                .push(ev(Some(h.frame), "ClientHello.server_name", "absent"));
            f.fix = Some("Use the partner's host name in the URL instead of an IP address (or set SNI explicitly).".into());
            vec![f]
        }
        Some(name) if name.parse::<std::net::IpAddr>().is_ok() => {
            let mut f = finding(
                "sni-ip-literal",
                Severity::Warning,
                format!("The client sent an IP address ({name}) as server name; RFC 6066 forbids IP literals in SNI and servers may reject or ignore it."),
            );
            f.evidence
                .push(ev(Some(h.frame), "ClientHello.server_name", name.clone()));
            f.fix = Some("Use the host name in the URL.".into());
            vec![f]
        }
        Some(_) => vec![],
    }
}
