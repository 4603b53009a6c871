//! HTTP read out of a captured connection (decrypted with a key log, or plain HTTP): the
//! authentication rules of `http_auth.rs` applied to the exchanges the capture shows, a
//! 401/407 named with the schemes it asks for, Basic credentials sent without TLS, and a
//! SOAP Fault or HTTP error after a completed handshake. Reads `connection.http` only (and
//! whether a client certificate was sent).

use super::http_auth::{self, HttpAuthView};
use super::{ev, finding, Context};
use crate::model::http::{HttpExchange, HttpLayer, HttpResponse, HttpTransport};
use crate::model::http_auth::{
    AuthAttempt, AuthMode, AuthScheme, Challenge, HttpAuth, SentCredential,
};
use crate::model::{ClientCert, Connection, Finding, Severity};

pub(super) fn check(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let Some(h) = &c.tls.http else {
        return Vec::new();
    };
    let ex = h.known_exchanges();
    let over_tls = h.transport == HttpTransport::Tls;
    let mut out = Vec::new();
    if !over_tls {
        out.extend(basic_sent_in_clear(c, ex));
    }
    let Some((last, res)) = ex
        .iter()
        .rev()
        .find_map(|e| e.response.as_ref().map(|r| (e, r)))
    else {
        return out;
    };
    let auth = captured_auth(ex);
    let cert_accepted = c
        .tls
        .client_certificate_fact()
        .known()
        .is_some_and(|cc| matches!(cc, ClientCert::Sent(_)));
    let view = HttpAuthView {
        over_tls,
        client_certificate_accepted: cert_accepted,
        status: Some(res.status),
        challenges: &res.challenges,
        auth: auth.as_ref(),
    };
    let said_in_clear = !out.is_empty();
    for mut f in http_auth::check(&view) {
        if f.code == "http-basic-over-plain-http" {
            if said_in_clear {
                continue;
            }
            // The rule speaks for the probe, which never answers; the captured client may.
            f.message = f.message.replace(" tlsdiag did not send it.", "");
            f.evidence = vec![ev(
                Some(res.frame),
                "WWW-Authenticate",
                challenge_list(&res.challenges),
            )];
        }
        if f.code == "http-auth-accepted" {
            continue;
        }
        out.push(f);
    }
    let explained = out.iter().any(|f| f.severity == Severity::Error);
    if matches!(res.status, 401 | 407) && !explained {
        out.push(auth_required(c, h, last, res));
    } else if let Some(f) = &res.soap_fault {
        let mut x = finding(
            "soap-fault",
            Severity::Warning,
            format!(
                "{}the service answered HTTP {} with a SOAP {} Fault: {} — {}",
                if over_tls { "TLS worked; " } else { "" },
                res.status,
                f.soap_version,
                f.code.as_deref().unwrap_or("?"),
                f.reason.as_deref().unwrap_or("")
            ),
        );
        x.evidence = vec![ev(Some(res.frame), "HTTP status", res.status.to_string())];
        out.push(x);
    } else if res.status >= 400 && !explained && !matches!(res.status, 401 | 407) {
        let mut x = finding(
            "http-error",
            Severity::Warning,
            format!(
                "{}HTTP {} {} to {}",
                if over_tls { "TLS worked; " } else { "" },
                res.status,
                res.reason,
                request_label(last)
            ),
        );
        x.evidence = vec![ev(Some(res.frame), "HTTP status", res.status.to_string())];
        out.push(x);
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

fn request_label(e: &HttpExchange) -> String {
    e.request
        .as_ref()
        .map(|r| format!("{} {}", r.method, r.target))
        .unwrap_or_else(|| "a request not in the capture".into())
}

fn challenge_list(ch: &[Challenge]) -> String {
    ch.iter()
        .map(|c| {
            let mut s = c.scheme.clone();
            if let Some(r) = &c.realm {
                s.push_str(&format!(" realm=\"{r}\""));
            }
            if let (Some(n), Some(k)) = (c.token_len, &c.token_kind) {
                s.push_str(&format!(" <{k} token, {n} bytes>"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The client sent `Authorization: Basic` on a connection without TLS (RFC 7617 §4).
fn basic_sent_in_clear(c: &Connection, ex: &[HttpExchange]) -> Option<Finding> {
    let (req, cred) = ex.iter().find_map(|e| {
        let r = e.request.as_ref()?;
        let cr = r
            .credentials
            .iter()
            .find(|cr| cr.scheme.eq_ignore_ascii_case("basic"))?;
        Some((r, cr))
    })?;
    let mut f = finding(
        "http-basic-over-plain-http",
        Severity::Error,
        format!(
            "The client sent Basic credentials over plain HTTP ({} {} at {}, {} header): the user name and password are readable by anyone on the path (base64 is not encryption).",
            req.method,
            req.target,
            c.at(req.frame),
            cred.header
        ),
    );
    f.evidence = vec![ev(
        Some(req.frame),
        &cred.header,
        format!(
            "{} <{}, {} bytes, not shown>",
            cred.scheme, cred.token_kind, cred.token_len
        ),
    )];
    f.fix = Some("Call the https:// endpoint of the service (and ask the partner to switch plain HTTP off). The password has been exposed: change it.".into());
    Some(f)
}

/// The exchanges as the probe's authentication facts, when a request carried Basic or
/// Negotiate credentials — so the same rules judge the captured client.
fn captured_auth(ex: &[HttpExchange]) -> Option<HttpAuth> {
    let scheme_of = |s: &str| {
        if s.eq_ignore_ascii_case("basic") {
            Some(AuthScheme::Basic)
        } else if s.eq_ignore_ascii_case("negotiate") {
            Some(AuthScheme::Negotiate)
        } else {
            None
        }
    };
    let scheme = ex.iter().find_map(|e| {
        e.request.as_ref()?.credentials.iter().find_map(|cr| {
            cr.header
                .eq_ignore_ascii_case("authorization")
                .then(|| scheme_of(&cr.scheme))
                .flatten()
        })
    })?;
    let mut attempts = Vec::new();
    for (i, e) in ex.iter().enumerate() {
        let sent = e.request.as_ref().and_then(|r| {
            r.credentials
                .iter()
                .find(|cr| cr.header.eq_ignore_ascii_case("authorization"))
                .and_then(|cr| {
                    Some(SentCredential {
                        scheme: scheme_of(&cr.scheme)?,
                        token_kind: cr.token_kind.clone(),
                        token_len: cr.token_len,
                    })
                })
        });
        attempts.push(AuthAttempt {
            request: u32::try_from(i + 1).unwrap_or(u32::MAX),
            sent,
            status: e.response.as_ref().map(|r| r.status),
            challenges: e
                .response
                .as_ref()
                .map(|r| r.challenges.clone())
                .unwrap_or_default(),
            note: None,
        });
    }
    let first_sent = attempts.iter().position(|a| a.sent.is_some());
    let last = attempts.iter().rev().find(|a| a.status.is_some());
    let accepted = last.is_some_and(|l| l.sent.is_some() && !matches!(l.status, Some(401 | 407)));
    let mode = if first_sent == Some(0) {
        AuthMode::Preemptive
    } else {
        AuthMode::Challenge
    };
    Some(HttpAuth {
        scheme,
        mode,
        user: None,
        summary: format!(
            "{} sent {} (captured)",
            scheme.header_name(),
            match mode {
                AuthMode::Challenge => "after a 401 challenge",
                _ => "preemptively",
            }
        ),
        attempts,
        accepted,
        server_clock_offset_s: None,
        kerberos: None,
    })
}

/// A 401/407 the rules did not explain: which schemes the server asks for, and whether the
/// client answered.
fn auth_required(c: &Connection, h: &HttpLayer, e: &HttpExchange, res: &HttpResponse) -> Finding {
    let proxy = res.status == 407;
    let ch = if proxy {
        &res.proxy_challenges
    } else {
        &res.challenges
    };
    let has = |s: &str| ch.iter().any(|x| x.scheme.eq_ignore_ascii_case(s));
    let named: Vec<String> = ch
        .iter()
        .map(|x| {
            let what = match x.scheme.to_ascii_lowercase().as_str() {
                "negotiate" => format!("{} (SPNEGO/Kerberos)", x.scheme),
                "ntlm" => format!("{} (Windows integrated)", x.scheme),
                _ => x.scheme.clone(),
            };
            match &x.realm {
                Some(r) => format!("{what} (realm \"{r}\")"),
                None => what,
            }
        })
        .collect();
    let sent = e
        .request
        .as_ref()
        .map(|r| {
            r.credentials.iter().any(|cr| {
                cr.header.eq_ignore_ascii_case(if proxy {
                    "proxy-authorization"
                } else {
                    "authorization"
                })
            })
        })
        .unwrap_or(false);
    let asks = if named.is_empty() {
        "without naming a scheme".to_owned()
    } else {
        format!("asking for {}", named.join(", "))
    };
    let message = format!(
        "{}the server answered HTTP {} {} to {} ({}) {asks}; the request carried {}.",
        if h.transport == HttpTransport::Tls {
            "TLS worked; "
        } else {
            ""
        },
        res.status,
        res.reason,
        request_label(e),
        c.at(res.frame),
        if sent {
            "credentials that it did not accept"
        } else {
            "no credentials"
        }
    );
    let mut f = finding("http-auth-required", Severity::Warning, message);
    f.evidence = std::iter::once(ev(
        Some(res.frame),
        "HTTP status",
        format!("{} {}", res.status, res.reason),
    ))
    .chain(ch.iter().map(|x| {
        ev(
            Some(res.frame),
            if proxy {
                "Proxy-Authenticate"
            } else {
                "WWW-Authenticate"
            },
            challenge_list(std::slice::from_ref(x)),
        )
    }))
    .collect();
    let mut fixes = Vec::new();
    if has("negotiate") {
        fixes.push("Negotiate: the client needs a Kerberos ticket for the service principal HTTP/<host> (`klist`; `kinit` first, or the client's keytab/JAAS login); call the host by the DNS name its SPN is registered for; check it with `tlsdiag probe URL --negotiate`.");
    }
    if has("basic") {
        fixes.push("Basic: configure the user and password for this endpoint (JAX-WS: the BindingProvider username/password properties); try them with `tlsdiag probe URL --user USER`.");
    }
    if has("ntlm") && !has("negotiate") {
        fixes.push(
            "NTLM: the client must send Windows credentials (or ask for Negotiate/Kerberos).",
        );
    }
    if fixes.is_empty() {
        fixes.push("Configure the credentials the named scheme expects for this endpoint.");
    }
    f.fix = Some(fixes.join(" "));
    f
}
