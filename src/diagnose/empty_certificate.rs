//! The seed case: the server sent a CertificateRequest and the client answered with an empty
//! Certificate (RFC 5246 §7.4.6 / RFC 8446 §4.4.2: "If the client does not send any
//! certificates, ... certificate_list length zero"). Which stacks do that and why:
//! JSSE (`X509KeyManagerImpl`/`SunX509KeyManagerImpl.chooseClientAlias`) sends nothing when no
//! keystore entry has a certificate in its chain issued by a listed CA, or its key type is not
//! allowed, or no signature scheme fits; OpenSSL/curl send the configured certificate anyway;
//! Go and .NET filter by the issuer list like JSSE. With an empty CA list any issuer is
//! acceptable, so an empty answer means the client had no usable key at all.

use super::{ev, fatal_alert, finding, names, Context};
use crate::model::{ClientCert, ClientStack, Connection, Fact, Finding, Severity, Side, Verdict};

pub fn check(c: &Connection, ctx: &Context) -> Vec<Finding> {
    let unit = c.evidence_unit.word();
    let (Fact::Known(req), Fact::Known(ClientCert::Empty(cc))) = (
        c.tls.certificate_request_fact(),
        c.tls.client_certificate_fact(),
    ) else {
        return vec![];
    };
    let alert = fatal_alert(c).filter(|a| a.from == Side::Server && a.frame >= cc.frame);
    let ended = match alert {
        Some(a) if a.message.is_some() => format!(
            ", and the server ended the handshake with {} in {unit} {}",
            a.text(),
            a.frame
        ),
        Some(a) => format!(
            ", and the server answered with an encrypted alert in {unit} {}",
            a.frame
        ),
        None => String::new(),
    };
    let any_issuer = req.certificate_authorities.is_empty();
    let mut f = if any_issuer {
        finding(
            "client-had-no-certificate",
            Severity::Error,
            format!(
                "The server asked for a client certificate from any issuer (its CA list is empty) and the client sent none (Certificate message with 0 certificates, {unit} {}){ended}: the client had no certificate and key loaded at all.",
                cc.frame
            ),
        )
    } else {
        let n = req.certificate_authorities.len();
        finding(
            "client-sent-empty-certificate",
            Severity::Error,
            format!(
                "The server asked for a client certificate issued by one of {n} CA{}; the client sent none (Certificate message, certificates length 0, {unit} {}){ended}.",
                if n == 1 { "" } else { "s" },
                cc.frame
            ),
        )
    };
    f.evidence.push(ev(
        Some(req.frame),
        "CertificateRequest.certificate_authorities",
        format!("{} names", req.certificate_authorities.len()),
    ));
    if !req.certificate_types.is_empty() {
        f.evidence.push(ev(
            Some(req.frame),
            "CertificateRequest.certificate_types",
            names(&req.certificate_types, 10),
        ));
    }
    f.evidence.push(ev(
        Some(req.frame),
        "CertificateRequest.signature_algorithms",
        names(&req.signature_algorithms, 6),
    ));
    f.evidence.push(ev(
        Some(cc.frame),
        "client Certificate.certificates_length",
        cc.certificates_length.to_string(),
    ));
    if let Some(a) = alert {
        f.evidence.push(ev(Some(a.frame), "server Alert", a.text()));
    }
    if !any_issuer {
        f.details.push("Accepted issuers:".to_owned());
        for dn in &req.certificate_authorities {
            f.details.push(format!("  {}", dn.text));
        }
    }
    let types = if req.certificate_types.is_empty() {
        String::new()
    } else {
        format!(" (requested: {})", names(&req.certificate_types, 10))
    };
    match &ctx.identity {
        Some(id) => {
            let version = c
                .tls
                .tls_version
                .as_ref()
                .and_then(|v| u16::try_from(v.code).ok());
            let check = crate::identity::check::check(
                id,
                req,
                version,
                super::capture_unix(c),
                c.tls.client_certificate_fact(),
            );
            f.stack_verdicts = crate::identity::check::headline(&check);
            let jsse = f
                .stack_verdicts
                .iter()
                .find(|v| v.stack == ClientStack::JsseSunX509);
            let openssl = f
                .stack_verdicts
                .iter()
                .find(|v| v.stack == ClientStack::OpenSsl);
            let source = id.source();
            if let Some(j) = jsse {
                if j.verdict == Verdict::NotSent {
                    f.message.push_str(&format!(
                        " With {source}: JSSE sends no certificate because {}.",
                        crate::identity::check::short_reason(&j.reason)
                    ));
                } else if !check.jsse_choices.is_empty() {
                    let pick = |s: ClientStack| {
                        check
                            .jsse_choices
                            .iter()
                            .find(|c| c.key_manager == s)
                            .and_then(|c| c.alias.clone())
                            .map_or("nothing".to_owned(), |a| format!("'{a}'"))
                    };
                    f.message.push_str(&format!(
                        " With {source}, JSSE would send {} (SunX509; PKIX: {}): the client that made this capture did not use this keystore — check which keystore it really loads.",
                        pick(ClientStack::JsseSunX509),
                        pick(ClientStack::JssePkix)
                    ));
                } else {
                    f.message.push_str(&format!(
                        " With {source}, JSSE would send it ({}): the client that made this capture did not use this entry — check which keystore and alias it really loads.",
                        j.reason
                    ));
                }
            }
            if let Some(o) = openssl {
                let jsse_none = jsse.is_some_and(|j| j.verdict == Verdict::NotSent);
                if o.verdict != Verdict::NotSent && jsse_none {
                    f.details.push(
                        "OpenSSL/curl (and SoapUI-style clients that pick the key explicitly) would have sent it anyway: that is why \"curl works, Java doesn't\"."
                            .to_owned(),
                    );
                }
            }
            f.details
                .extend(super::identity_check::choice_details(&check));
            f.identity_check = Some(Box::new(check));
            f.fix = Some(fix_text(any_issuer, &req.certificate_authorities));
        }
        None => {
            f.details
                .push("Likely causes (most likely first):".to_owned());
            if any_issuer {
                f.details.push("  1. no keystore/key configured for this client (wrong keystore path, wrong property, or the product's own keystore alias is not applied to this call)".to_owned());
                f.details.push(
                    "  2. the keystore entry is a trusted-certificate entry (no private key)"
                        .to_owned(),
                );
                f.details.push(format!(
                    "  3. the key type is not allowed{types}, or no common signature algorithm"
                ));
            } else {
                f.details.push("  1. no certificate in the client's key entry chain was issued by an accepted CA (JSSE, Go and .NET then send nothing)".to_owned());
                f.details.push(format!(
                    "  2. the key type is not allowed{types}, or no common signature algorithm"
                ));
                f.details.push("  3. no private key loaded (wrong keystore or alias, or a trusted-certificate entry)".to_owned());
            }
            f.details.push(format!(
                "Check your keystore against this request: tlsdiag analyze <capture> --identity <keystore> --alias <alias> --conn {}",
                c.id
            ));
            f.fix = Some(fix_text(any_issuer, &req.certificate_authorities));
        }
    }
    vec![f]
}

fn fix_text(any_issuer: bool, cas: &[crate::model::DistinguishedName]) -> String {
    if any_issuer {
        "Configure the client with a keystore entry that holds a private key and its certificate (check the keystore path, password and alias the client really uses).".to_owned()
    } else {
        let first = cas
            .first()
            .map(|d| d.text.as_str())
            .unwrap_or("an accepted CA");
        format!(
            "Use a client certificate issued by one of the accepted CAs (e.g. ask the partner to sign your CSR with {first}) and import it with its chain into the keystore entry the client actually uses; or, if your certificate's issuer should be accepted, ask the partner to add that CA to the server's client-CA list."
        )
    }
}
