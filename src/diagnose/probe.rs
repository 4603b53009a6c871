//! Rules over a probe's report (`model::probe::ProbeReport`: plain data the probe filled):
//! rustls' limits said out loud (TLS ≤ 1.1, static RSA/CBC, renegotiation), a key that does not
//! match its certificate, the client certificate — what the resolver *decided* reconciled with
//! what the probe's own decoded recording shows it *sent* — answers that are not a complete
//! HTTP response (silent server, body timeout, body over the cap, not HTTP, bad chunking), and
//! the HTTP status and authentication findings. Reads the model only.

use super::{ev, finding};
use crate::model::http_auth::Challenge;
use crate::model::probe::{
    AnswerFailure, Decision, HandshakeFailure, HttpResult, IoFailure, ProbeFailure, ProbeReport,
};
use crate::model::{AlertDescription, ClientCert, Connection, Fact, Finding, Severity, Side};

/// Every probe finding, errors first (rule order kept inside a severity).
pub fn findings(r: &ProbeReport) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(client_certificate(r));
    out.extend(key_mismatch(r));
    out.extend(limits(r));
    out.extend(r.connection.as_ref().and_then(renegotiation));
    out.extend(answer(r));
    out.extend(http(r));
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

fn key_mismatch(r: &ProbeReport) -> Option<Finding> {
    let m = r.identity_key_mismatch.as_ref()?;
    let mut f = finding(
        "probe-key-mismatch",
        Severity::Error,
        format!(
            "The private key in {} (alias {}) does not belong to its certificate: a server verifying the CertificateVerify signature rejects it (decrypt_error).",
            m.path, m.alias
        ),
    );
    f.fix = Some("Pair the certificate with its own private key (`tlsdiag identity inspect` shows which entries match).".into());
    Some(f)
}

/// rustls' limits, from the handshake's failure: no TLS ≤ 1.1, no static-RSA key exchange or
/// CBC suites. Only a failure before the server chose anything can be such a limit.
fn limits(r: &ProbeReport) -> Option<Finding> {
    let Some(ProbeFailure::Handshake(HandshakeFailure::AlertReceived(code))) = &r.failure else {
        return None;
    };
    let before_server_hello = r
        .connection
        .as_ref()
        .is_none_or(|c| c.tls.server_hello.is_none());
    if !before_server_hello {
        return None;
    }
    let (code_s, msg, fix) = match AlertDescription(*code) {
        AlertDescription::PROTOCOL_VERSION => (
            "probe-server-needs-old-tls",
            "The server refused TLS 1.2 and 1.3 (protocol_version): it likely speaks only TLS 1.0/1.1, which rustls — and so this probe — does not implement.",
            "Ask the partner to enable TLS 1.2; check with `openssl s_client -connect host:port -tls1_1`.",
        ),
        AlertDescription::HANDSHAKE_FAILURE => (
            "probe-no-common-parameters",
            "The server refused our ClientHello with handshake_failure before choosing parameters. rustls offers only ECDHE key exchange and AEAD suites: a server that requires static-RSA key exchange or CBC suites cannot be probed with rustls.",
            "Compare with `openssl s_client -connect host:port -cipher AES128-SHA` to see whether the server needs RSA key exchange.",
        ),
        _ => return None,
    };
    let mut f = finding(code_s, Severity::Error, msg.to_owned());
    f.evidence.push(ev(
        None,
        "rustls error",
        format!(
            "received fatal alert: {}",
            AlertDescription(*code).with_code()
        ),
    ));
    f.fix = Some(fix.to_owned());
    Some(f)
}

/// The third limit, read from the recording rather than from an error (rustls refuses a
/// renegotiation with a `no_renegotiation` warning and carries on; the server then typically
/// closes or answers 403): the server sent handshake records after application data.
fn renegotiation(c: &Connection) -> Option<Finding> {
    let first = *c.tls.renegotiation_frames.first()?;
    let refusal = c.tls.alerts.iter().find(|a| {
        a.from == Side::Client && a.description() == Some(AlertDescription::NO_RENEGOTIATION)
    });
    let mut f = finding(
        "probe-renegotiation-unsupported",
        Severity::Error,
        format!(
            "The server started a renegotiation after our request (frame {first}) — this is how IIS and others ask for a client certificate only for some paths. rustls never renegotiates{}, so this probe cannot complete the exchange: its result says nothing about the identity.",
            if refusal.is_some() {
                " (it answered no_renegotiation)"
            } else {
                ""
            }
        ),
    );
    f.evidence = c
        .tls
        .renegotiation_frames
        .iter()
        .map(|fr| {
            ev(
                Some(*fr),
                "server handshake record after application data",
                "renegotiation",
            )
        })
        .collect();
    if let Some(a) = refusal {
        f.evidence.push(ev(
            Some(a.frame),
            "probe's alert",
            format!("{} no_renegotiation (100)", a.level_label()),
        ));
    }
    f.fix = Some("Ask the partner to request the client certificate in the initial handshake (IIS: enable client-certificate negotiation on the binding, `netsh http add sslcert ... clientcertnegotiation=enable`). Clients that renegotiate (JSSE, OpenSSL/curl, .NET) can get through meanwhile.".into());
    Some(f)
}

/// The client certificate, one finding: what the wire shows the probe sent (its own decoded
/// recording), with the resolver's decision as the reason — or, when the handshake ended before
/// the probe's Certificate message, what the resolver *would* have sent and that nothing was.
/// The CA names are listed here only when the decoded CertificateRequest does not show them
/// (the connection block lists the request's CAs).
fn client_certificate(r: &ProbeReport) -> Option<Finding> {
    let d = r.client_certificate_decision.as_ref()?;
    let c = r.connection.as_ref();
    let req = c.and_then(|c| c.tls.certificate_request.as_ref());
    let wire = c.map(|c| c.tls.client_certificate_fact());
    let subject = |fallback: &str| d.subject.clone().unwrap_or_else(|| fallback.to_owned());
    let mut f = match wire {
        Some(Fact::Known(ClientCert::Sent(cc))) => {
            let leaf = cc
                .chain
                .first()
                .map(|c| c.subject.text.clone())
                .unwrap_or_else(|| subject("a certificate"));
            let mut f = finding(
                "probe-sent-certificate",
                Severity::Info,
                format!(
                    "The server asked for a client certificate and the probe sent {leaf} ({} certificate{}, frame {}): the resolver chose it because {}.",
                    cc.count,
                    if cc.count == 1 { "" } else { "s" },
                    cc.frame,
                    d.reason
                ),
            );
            f.evidence.push(ev(
                Some(cc.frame),
                "client Certificate",
                format!("{} certificates", cc.count),
            ));
            f
        }
        Some(Fact::Known(ClientCert::Empty(cc))) => {
            let why = if d.sent {
                format!(
                    "the resolver chose {} but rustls could not use it",
                    subject("the identity")
                )
            } else {
                d.reason.clone()
            };
            let mut f = finding(
                "probe-sent-no-certificate",
                Severity::Warning,
                format!(
                    "The server asked for a client certificate and the probe sent none (an empty Certificate, frame {}): {why}.",
                    cc.frame
                ),
            );
            f.evidence.push(ev(
                Some(cc.frame),
                "client Certificate.certificates_length",
                cc.certificates_length.to_string(),
            ));
            f
        }
        // Not on the wire: the handshake ended before the probe's Certificate (or its bytes
        // could not be decoded). The decision is only a decision.
        _ => {
            let would = if d.sent {
                format!("would have sent {} ({})", subject("its identity"), d.reason)
            } else {
                format!("would have sent none ({})", d.reason)
            };
            let ended = match &r.failure {
                Some(f) => format!(
                    "the handshake ended before the probe's Certificate message ({})",
                    failure_words(f)
                ),
                None => "the recording shows no Certificate message from the probe".into(),
            };
            finding(
                "probe-certificate-not-sent",
                Severity::Warning,
                format!(
                    "The server asked for a client certificate; the probe's resolver {would}, but {ended}: no certificate was sent, so this result says nothing about the identity."
                ),
            )
        }
    };
    if let Some(req) = req {
        f.evidence.insert(
            0,
            ev(
                Some(req.frame),
                "CertificateRequest.certificate_authorities",
                format!("{} names", req.certificate_authorities.len()),
            ),
        );
    }
    f.details = hints(d, req);
    if !d.sent && d.issuer_in_hints == Some(false) {
        f.fix = Some("Use an identity issued by one of the accepted CAs; `--send-anyway` sends it regardless (as curl/OpenSSL would) to see what the server says.".into());
    }
    Some(f)
}

/// The hints the resolver saw, said once: when the decoded CertificateRequest lists the same
/// names (the connection block prints them) only that they agree; else the names themselves.
fn hints(d: &Decision, req: Option<&crate::model::CertificateRequest>) -> Vec<String> {
    let wire: Option<Vec<&str>> = req.map(|r| {
        r.certificate_authorities
            .iter()
            .map(|dn| dn.text.as_str())
            .collect()
    });
    let seen: Vec<&str> = d.ca_hints.iter().map(String::as_str).collect();
    match (wire, req) {
        (Some(w), Some(req)) if w == seen => vec![if seen.is_empty() {
            format!(
                "The CertificateRequest (frame {}) names no CAs: any issuer.",
                req.frame
            )
        } else {
            format!(
                "The resolver saw the {} CA name{} of the CertificateRequest (frame {}, listed with the handshake below).",
                seen.len(),
                if seen.len() == 1 { "" } else { "s" },
                req.frame
            )
        }],
        (Some(w), Some(req)) if seen.is_empty() => vec![format!(
            "The CertificateRequest (frame {}) lists {} CA name{} (below, with the handshake), but rustls handed the resolver none.",
            req.frame,
            w.len(),
            if w.len() == 1 { "" } else { "s" }
        )],
        _ if seen.is_empty() => vec!["rustls handed the resolver no CA names (any issuer)".into()],
        _ => std::iter::once("CA names rustls handed the resolver:".to_owned())
            .chain(seen.iter().map(|h| format!("  {h}")))
            .collect(),
    }
}

/// A failure in a few words, for a sentence about something else.
fn failure_words(f: &ProbeFailure) -> String {
    match f {
        ProbeFailure::Handshake(HandshakeFailure::ServerCertificateRejected(c)) => {
            format!("the probe did not trust the server's certificate: {c}")
        }
        ProbeFailure::Handshake(HandshakeFailure::AlertReceived(a)) => {
            format!("the server sent alert {}", AlertDescription(*a).with_code())
        }
        ProbeFailure::Handshake(HandshakeFailure::Tls(e)) => format!("TLS error: {e}"),
        ProbeFailure::Handshake(HandshakeFailure::Io(IoFailure::TimedOut { .. }))
        | ProbeFailure::HandshakeTimeout { .. } => "the handshake timed out".into(),
        ProbeFailure::Handshake(HandshakeFailure::Io(_)) => "the connection failed".into(),
        _ => "the call failed".into(),
    }
}

/// An answer that is not a complete HTTP response: its own finding each.
fn answer(r: &ProbeReport) -> Option<Finding> {
    let (code, sev, msg, fix): (&str, Severity, String, &str) = match &r.failure {
        Some(ProbeFailure::Handshake(HandshakeFailure::Io(IoFailure::TimedOut { secs })))
        | Some(ProbeFailure::HandshakeTimeout { secs }) => {
            let got_server_hello = r
                .connection
                .as_ref()
                .is_some_and(|c| c.tls.server_hello.is_some());
            if got_server_hello {
                return None;
            }
            (
                "probe-server-silent",
                Severity::Error,
                format!("The server accepted the TCP connection but sent nothing within {secs} s: no answer to our ClientHello."),
                "Check that this port speaks TLS (a plain-HTTP port or a stalled backend behind a load balancer waits like this); raise --timeout if the server is only slow.",
            )
        }
        Some(ProbeFailure::Answer(a)) => match a {
            AnswerFailure::Silent { secs } => (
                "probe-server-silent",
                Severity::Error,
                format!("TLS worked, but the server sent no HTTP answer within {secs} s of the request."),
                "The service behind TLS is stalled or waits for something else (a different path, a proxy protocol); raise --timeout if it is only slow.",
            ),
            AnswerFailure::ClosedBeforeAnswer => (
                "probe-closed-without-answer",
                Severity::Error,
                "The server closed the connection after the request without any HTTP answer.".into(),
                "The server's logs say why (a rejected request or client certificate mapping, a crashed backend).",
            ),
            AnswerFailure::NotHttp { start } => (
                "probe-answer-not-http",
                Severity::Error,
                format!("The answer is not HTTP/1.x: it starts with {start:?}."),
                "Check the URL's port: this service speaks another protocol (or HTTP/2 only).",
            ),
            AnswerFailure::HeadTimeout { secs, got } => (
                "probe-body-timeout",
                Severity::Error,
                format!("The HTTP answer started, but its header did not finish within {secs} s (--timeout): {got} bytes of it read."),
                "The service sends very slowly or stalls; raise --timeout to see the end, or look at the service.",
            ),
            AnswerFailure::HeadTooLarge { cap } => (
                "probe-answer-not-http",
                Severity::Error,
                format!("The answer's header has no end within {} KiB (or over 100 fields): not a usable HTTP response.", cap / 1024),
                "Check the URL's port and what the service sends.",
            ),
            AnswerFailure::BodyTimeout { secs, got, expected } => (
                "probe-body-timeout",
                Severity::Error,
                format!(
                    "The HTTP answer started, but its body did not finish within {secs} s (--timeout): {} read.",
                    match expected {
                        Some(n) => format!("{got} of {n} bytes"),
                        None => format!("{got} bytes"),
                    }
                ),
                "The service sends its body very slowly or stalls; raise --timeout to see the end, or look at the service.",
            ),
            AnswerFailure::BodyOverCap { cap, expected } => (
                "probe-body-over-cap",
                Severity::Warning,
                format!(
                    "The body is larger than the {} MiB the probe reads{}; the rest was not read, so the answer is incomplete.",
                    cap >> 20,
                    expected.map(|n| format!(" (Content-Length {n})")).unwrap_or_default()
                ),
                "The status and headers are as received; fetch the body with another client if it matters.",
            ),
            AnswerFailure::BodyCut { got, expected } => (
                "probe-body-cut",
                Severity::Error,
                format!(
                    "The server closed the connection before the body ended: {} read.",
                    match expected {
                        Some(n) => format!("{got} of {n} bytes"),
                        None => format!("{got} bytes"),
                    }
                ),
                "The service or a proxy in between cut the answer; its logs say why.",
            ),
            AnswerFailure::BadLength(why) => (
                "probe-answer-not-http",
                Severity::Error,
                format!("The answer's head does not frame its body: {why}."),
                "The service (or a proxy) sends a broken Content-Length.",
            ),
            AnswerFailure::BadChunk(why) => (
                "probe-bad-chunked-body",
                Severity::Error,
                format!("The chunked body is malformed: {why}."),
                "The service (or a proxy) sends a broken Transfer-Encoding: chunked body.",
            ),
            AnswerFailure::Io(_) => return None,
        },
        _ => return None,
    };
    let mut f = finding(code, sev, msg);
    f.fix = Some(fix.to_owned());
    Some(f)
}

/// The HTTP findings: the authentication rules (http_auth.rs) over this exchange, then the
/// generic status finding unless a rule already explains a 401/403.
fn http(r: &ProbeReport) -> Vec<Finding> {
    let h = r.http.as_ref();
    let a = h.and_then(|h| h.auth.as_ref());
    let final_challenges: &[Challenge] = match a.and_then(|a| a.attempts.last()) {
        Some(t) => &t.challenges,
        None => h.map(|h| h.challenges.as_slice()).unwrap_or_default(),
    };
    let sent_certificate = r.connection.as_ref().is_some_and(|c| {
        matches!(
            c.tls.client_certificate_fact(),
            Fact::Known(ClientCert::Sent(_))
        )
    });
    let view = super::http_auth::HttpAuthView {
        over_tls: r.over_tls,
        client_certificate_accepted: sent_certificate && h.is_some(),
        status: h.map(|h| h.status),
        challenges: final_challenges,
        auth: a,
    };
    let mut out = super::http_auth::check(&view);
    if let Some(h) = h {
        // With credentials tried, or without any challenge, the rules say all there is; a
        // challenge the probe was not asked to answer keeps its per-scheme advice.
        let explained = matches!(h.status, 401 | 403)
            && (a.is_some() || final_challenges.is_empty())
            && out.iter().any(|f| f.severity == Severity::Error);
        if !explained {
            out.extend(status_finding(h, final_challenges));
        }
    }
    out
}

/// The finding of an HTTP answer's status: a SOAP fault, a redirect, 401/403, other errors.
pub fn status_finding(h: &HttpResult, challenges: &[Challenge]) -> Option<Finding> {
    if let Some(f) = &h.soap_fault {
        return Some(finding(
            "soap-fault",
            Severity::Warning,
            format!(
                "TLS worked; the service answered HTTP {} with a SOAP {} Fault: {} — {}",
                h.status,
                f.soap_version,
                f.code.as_deref().unwrap_or("?"),
                f.reason.as_deref().unwrap_or("")
            ),
        ));
    }
    if let Some(loc) = &h.redirect {
        return Some(finding(
            "http-redirect",
            Severity::Warning,
            format!("HTTP {} redirect to {loc} (not followed)", h.status),
        ));
    }
    match h.status {
        401 | 403 => Some(auth_finding(h, challenges)),
        s if s >= 400 => Some(finding(
            "http-error",
            Severity::Warning,
            format!("TLS worked; HTTP {} {}", h.status, h.reason),
        )),
        _ => None,
    }
}

fn auth_finding(h: &HttpResult, ch: &[Challenge]) -> Finding {
    let named: Vec<String> = ch
        .iter()
        .map(|c| {
            let scheme = &c.scheme;
            let what = match scheme.to_ascii_lowercase().as_str() {
                "negotiate" => format!("{scheme} (SPNEGO/Kerberos)"),
                "ntlm" => format!("{scheme} (Windows integrated)"),
                _ => scheme.clone(),
            };
            match &c.realm {
                Some(r) => format!("{what} (realm \"{r}\")"),
                None => what,
            }
        })
        .collect();
    let has = |s: &str| ch.iter().any(|c| c.scheme.eq_ignore_ascii_case(s));
    let message = if named.is_empty() {
        format!(
            "TLS worked; HTTP {} {}: the service refused the request without asking for HTTP credentials — with client certificates this usually means the certificate was accepted by TLS but not mapped to an authorised user (IIS client-certificate mapping, WebSphere certificate-to-user mapping).",
            h.status, h.reason
        )
    } else {
        format!(
            "TLS worked; HTTP {} {}: the service asks for HTTP authentication: {}.",
            h.status,
            h.reason,
            named.join(", ")
        )
    };
    let mut fixes = Vec::new();
    if has("basic") {
        fixes.push("Basic: configure the user and password for this endpoint (JAX-WS: the BindingProvider username/password properties; WebSphere: HTTP basic authentication in the policy set binding); try them with `tlsdiag probe URL --user USER` (password from a prompt, TLSDIAG_HTTP_PASSWORD or --http-password-file).");
    }
    if has("negotiate") {
        fixes.push("Negotiate: the client needs a Kerberos ticket for the service principal HTTP/<host> (`klist`); call the host by the DNS name its SPN is registered for, not an IP or an alias; try it with `tlsdiag probe URL --negotiate`.");
    }
    if has("ntlm") && !has("negotiate") {
        fixes.push("NTLM: the client must send Windows credentials (JSSE: an Authenticator; or ask for Negotiate/Kerberos).");
    }
    if named.is_empty() {
        fixes.push("Ask the partner which user the client certificate must map to, or whether this path needs another certificate.");
    } else if fixes.is_empty() {
        fixes.push("Configure the credentials the named scheme expects for this endpoint (the probe speaks Basic and Negotiate).");
    }
    let mut f = finding("http-auth-required", Severity::Warning, message);
    f.evidence = h
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("www-authenticate"))
        .take(8)
        .map(|(k, v)| ev(None, k, v.chars().take(200).collect::<String>()))
        .collect();
    f.fix = Some(fixes.join(" "));
    f
}
