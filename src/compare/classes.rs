//! The answers of the precedence classes: a client certificate sent on one side only (1), one
//! rejected (2), the server's certificate rejected (3), and the parameters or SNI (4, 5).

use super::decide::{alert_of, SideCtx};
use super::rows::{
    ROW_CLIENT_CERT, ROW_CLIENT_KEY, ROW_GROUP, ROW_GROUPS, ROW_NEGOTIATED, ROW_SERVER_CERT,
    ROW_SERVER_KEY, ROW_SIGALGS, ROW_SNI, ROW_SUITES, ROW_VERIFY, ROW_VERSIONS,
};
use super::sides::{end, end_text, expired_at_start, leaf, name_of, CertState, End};
use super::{decisive, Decisive, DecisiveKind, Parameter, Position, RejectReason, Row};
use crate::model::{AlertDescription, CertInfo, ClientCertificate, CodePoint, Fact, Side};

pub(super) fn client_cert_sent(
    sent: &SideCtx<'_>,
    none: &SideCtx<'_>,
    cc: &ClientCertificate,
    none_state: CertState<'_>,
) -> Decisive {
    let how_none = match none_state {
        CertState::Empty => "an empty Certificate (no certificate)",
        CertState::NoMessage => "no Certificate message",
        _ => "no certificate (the server did not ask it for one)",
    };
    let leaf_text = leaf(&cc.chain)
        .map(|c| format!(" ({})", name_of(c)))
        .unwrap_or_default();
    let sent_end = match end(sent.c) {
        End::Completed => "the server accepted it".to_owned(),
        End::Failed {
            by: Some(Side::Server),
            alert: Fact::Known(d),
        } => format!(
            "the server rejected it with {} ({}){}",
            d.label(),
            d.0,
            alert_meaning(d)
        ),
        _ => format!("the handshake {}", end_text(sent.c)),
    };
    let mut d = decisive(
        DecisiveKind::ClientCertificateSent,
        Some(none.pos),
        format!(
            "the client certificate: the {} sent {how_none} and {}; the {} sent {} certificate(s){leaf_text} and {sent_end}.",
            none.label,
            end_text(none.c),
            sent.label,
            cc.count,
        ),
    );
    d.alert = alert_of(none.c);
    d.row = Some(ROW_CLIENT_CERT);
    d
}

/// What a server's rejection alert says about the certificate.
pub(super) fn alert_meaning(d: AlertDescription) -> &'static str {
    match d {
        AlertDescription::UNKNOWN_CA => ": the server does not trust the issuer",
        AlertDescription::CERTIFICATE_EXPIRED => ": the certificate is expired (or not yet valid)",
        AlertDescription::DECRYPT_ERROR => {
            ": the signature did not verify (the private key is not the certificate's)"
        }
        AlertDescription::BAD_CERTIFICATE | AlertDescription::CERTIFICATE_UNKNOWN => {
            ": the server could not verify the certificate"
        }
        _ => "",
    }
}

pub(super) fn client_cert_rejected(
    f: &SideCtx<'_>,
    fc: &ClientCertificate,
    g: &SideCtx<'_>,
    gc: &ClientCertificate,
) -> Option<Decisive> {
    let End::Failed {
        by: Some(Side::Server),
        alert,
    } = end(f.c)
    else {
        return None;
    };
    // The server ended it after the client's certificate was sent.
    let alert = alert.into_known();
    let (fl, gl) = (leaf(&fc.chain)?, leaf(&gc.chain)?);
    let g_end = match end(g.c) {
        End::Completed => "accepted".to_owned(),
        _ => format!("sent and the handshake {}", end_text(g.c)),
    };
    let (reason, why) = if alert == Some(AlertDescription::DECRYPT_ERROR) {
        (
            RejectReason::Key,
            format!(
                "its CertificateVerify signature did not verify: the private key the {} used is not the key of {}",
                f.label, fl.subject.text
            ),
        )
    } else if alert == Some(AlertDescription::CERTIFICATE_EXPIRED) || expired_at_start(fl, f.c) {
        (
            RejectReason::Expiry,
            format!(
                "the {}'s certificate is valid {} – {}, not at the time of the handshake",
                f.label, fl.not_before, fl.not_after
            ),
        )
    } else if fl.issuer.der != gl.issuer.der {
        (
            RejectReason::Issuer,
            format!(
                "the server does not accept the issuer {} (the accepted one was issued by {})",
                fl.issuer.text, gl.issuer.text
            ),
        )
    } else if fc.count < gc.count {
        (
            RejectReason::Chain,
            format!(
                "same issuer, but the {} sent {} certificate(s) where the {} sent {}: the chain is incomplete",
                f.label, fc.count, g.label, gc.count
            ),
        )
    } else {
        (
            RejectReason::Alert,
            "the certificates do not show why; only the alert does".to_owned(),
        )
    };
    let alert_text = alert
        .map(|d| d.with_code())
        .unwrap_or_else(|| "an alert".into());
    let mut d = decisive(
        DecisiveKind::ClientCertificateRejected,
        Some(f.pos),
        format!(
            "the server rejected the {}'s client certificate ({}) with {alert_text} and the {}'s ({}) was {g_end}: {why}.",
            f.label,
            name_of(fl),
            g.label,
            name_of(gl),
        ),
    );
    d.reason = Some(reason);
    d.alert = alert;
    d.row = Some(ROW_CLIENT_CERT);
    Some(d)
}

pub(super) fn server_cert_rejected(
    f: &SideCtx<'_>,
    g: &SideCtx<'_>,
    alert: AlertDescription,
) -> Decisive {
    fn chain<'a>(s: &SideCtx<'a>) -> Option<&'a CertInfo> {
        s.c.tls
            .server_chain_fact()
            .into_known()
            .and_then(|c| leaf(c.certificates))
    }
    let sni = |s: &SideCtx<'_>| {
        s.c.tls
            .client_hello
            .as_ref()
            .map(|h| h.sni.as_deref().map(str::to_ascii_lowercase))
    };
    let (fl, gl) = (chain(f), chain(g));
    let (reason, why) = match (fl, gl) {
        (Some(a), _) if expired_at_start(a, f.c) => (
            RejectReason::Expiry,
            format!(
                "the server's certificate is valid {} – {}, not at the time of the handshake",
                a.not_before, a.not_after
            ),
        ),
        (Some(a), Some(b)) if a.der != b.der => (
            if a.issuer.der != b.issuer.der {
                RejectReason::Issuer
            } else {
                RejectReason::Name
            },
            format!(
                "the server presented {} to the {} and {} to the {}",
                name_of(a),
                f.label,
                name_of(b),
                g.label
            ),
        ),
        _ => match (sni(f), sni(g)) {
            (Some(a), Some(b)) if a != b => (
                RejectReason::Name,
                format!(
                    "the clients asked for different names (SNI {} vs {}): the certificate does not carry the {}'s",
                    a.as_deref().unwrap_or("none"),
                    b.as_deref().unwrap_or("none"),
                    f.label
                ),
            ),
            _ => (
                RejectReason::Issuer,
                format!(
                    "the same server certificate{}: the {}'s client does not trust its issuer (check that client's truststore) or rejects it for its own reason",
                    fl.map(|a| format!(" ({})", name_of(a))).unwrap_or_default(),
                    f.label
                ),
            ),
        },
    };
    let mut d = decisive(
        DecisiveKind::ServerCertificateRejected,
        Some(f.pos),
        format!(
            "the {}'s client rejected the server's certificate ({} ({}) from the client, after the server's Certificate); the {} {}: {why}.",
            f.label,
            alert.label(),
            alert.0,
            g.label,
            end_text(g.c)
        ),
    );
    d.reason = Some(reason);
    d.alert = Some(alert);
    d.row = Some(ROW_SERVER_CERT);
    d
}

/// Class 4 and 5: the first differing parameter that can explain the failed side's ending.
pub(super) fn parameters(f: &SideCtx<'_>, g: &SideCtx<'_>, rows: &[Row]) -> Option<Decisive> {
    let differs = |fact: &str| rows.iter().any(|x| x.fact == fact && x.differs);
    let alert = alert_of(f.c);
    let mk = |param: Option<Parameter>, row: &'static str, what: String| {
        let kind = if param.is_some() {
            DecisiveKind::Parameters
        } else {
            DecisiveKind::Sni
        };
        let mut d = decisive(
            kind,
            Some(f.pos),
            format!(
                "{what}: the {} {}, the {} {}.",
                f.label,
                end_text(f.c),
                g.label,
                end_text(g.c)
            ),
        );
        d.parameter = param;
        d.alert = alert;
        d.row = Some(row);
        d
    };
    let cell = |fact: &str, pos: Position| {
        rows.iter()
            .find(|x| x.fact == fact)
            .map(|x| {
                if pos == Position::Left {
                    x.left.clone()
                } else {
                    x.right.clone()
                }
            })
            .unwrap_or_default()
    };
    let offered = |fact: &'static str, what: &str, p: Option<Parameter>| {
        mk(
            p,
            fact,
            format!(
                "the {what} offered: the {} offered {}, the {} {}",
                f.label,
                cell(fact, f.pos),
                g.label,
                cell(fact, g.pos)
            ),
        )
    };
    if f.c.tls.server_hello.is_none() && g.c.tls.server_hello.is_some() {
        // The server refused the failed side's ClientHello: what it offered decides; the
        // alert points to which offer.
        if alert == Some(AlertDescription::UNRECOGNIZED_NAME) && differs(ROW_SNI) {
            return Some(offered(ROW_SNI, "server name (SNI)", None));
        }
        // What the server chose for the other side and this side did not offer.
        if let (Some(fh), Some(gs)) = (&f.c.tls.client_hello, &g.c.tls.server_hello) {
            let offered_versions: Vec<u32> = if fh.supported_versions.is_empty() {
                vec![fh.legacy_version.code]
            } else {
                fh.supported_versions.iter().map(|v| v.code).collect()
            };
            let not_offered = |what: &str, chosen: &CodePoint| {
                format!(
                    "the {what}: the server chose {} for the {}, which the {} did not offer",
                    chosen.label(),
                    g.label,
                    f.label
                )
            };
            if !offered_versions.contains(&gs.version.code) {
                return Some(mk(
                    Some(Parameter::Version),
                    ROW_VERSIONS,
                    not_offered("TLS version", &gs.version),
                ));
            }
            if !fh
                .cipher_suites
                .iter()
                .any(|c| c.code == gs.cipher_suite.code)
            {
                return Some(mk(
                    Some(Parameter::CipherSuite),
                    ROW_SUITES,
                    not_offered("cipher suite", &gs.cipher_suite),
                ));
            }
            if let Some(gg) = &gs.key_share_group {
                if !fh.supported_groups.iter().any(|c| c.code == gg.code) {
                    return Some(mk(
                        Some(Parameter::Group),
                        ROW_GROUPS,
                        not_offered("key exchange group", gg),
                    ));
                }
            }
        }
        // Else the first offer that differs, in the order the alert points to.
        let version_first = alert == Some(AlertDescription::PROTOCOL_VERSION);
        let mut order = vec![
            (ROW_SUITES, "cipher suites", Some(Parameter::CipherSuite)),
            (ROW_GROUPS, "groups", Some(Parameter::Group)),
            (
                ROW_SIGALGS,
                "signature algorithms",
                Some(Parameter::SignatureAlgorithm),
            ),
            (ROW_SNI, "server name (SNI)", None),
        ];
        let versions = (ROW_VERSIONS, "TLS versions", Some(Parameter::Version));
        if version_first {
            order.insert(0, versions);
        } else {
            order.insert(order.len() - 1, versions);
        }
        for (row, what, p) in order {
            if differs(row) {
                return Some(offered(row, what, p));
            }
        }
        return None;
    }
    let negotiated = |fact: &'static str, what: &str, p: Option<Parameter>| {
        mk(
            p,
            fact,
            format!(
                "the {what}: {} for the {}, {} for the {}",
                cell(fact, f.pos),
                f.label,
                cell(fact, g.pos),
                g.label
            ),
        )
    };
    let vf = f.c.tls.version_fact().into_known().map(|v| v.code);
    let vg = g.c.tls.version_fact().into_known().map(|v| v.code);
    if vf.is_some() && vg.is_some() && vf != vg {
        return Some(negotiated(
            ROW_NEGOTIATED,
            "negotiated version",
            Some(Parameter::Version),
        ));
    }
    if differs(ROW_NEGOTIATED) {
        return Some(negotiated(
            ROW_NEGOTIATED,
            "negotiated cipher suite",
            Some(Parameter::CipherSuite),
        ));
    }
    for (row, what, p) in [
        (ROW_GROUP, "key exchange group", Some(Parameter::Group)),
        (
            ROW_VERIFY,
            "client's signature algorithm",
            Some(Parameter::SignatureAlgorithm),
        ),
        (
            ROW_SERVER_KEY,
            "server's key type",
            Some(Parameter::KeyType),
        ),
        (
            ROW_CLIENT_KEY,
            "client's key type",
            Some(Parameter::KeyType),
        ),
        (ROW_SNI, "server name (SNI)", None),
    ] {
        if differs(row) {
            return Some(negotiated(row, what, p));
        }
    }
    None
}
