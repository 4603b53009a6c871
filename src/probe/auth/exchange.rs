//! The probe's HTTP rounds on its one connection: a single request without credentials, or
//! with Basic/Negotiate credentials sent preemptively (first request) or after a 401 that
//! offers the scheme (the first request then keeps the connection open: HTTP/1.1 keep-alive,
//! as IIS, WebSphere and Apache keep it after a 401). Records every round as an
//! [`AuthAttempt`]; answers are kept with their token and cookie values redacted.
//! Must not judge the outcome beyond the one-line error a failed call needs.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use base64::Engine as _;
use zeroize::Zeroizing;

use super::{basic, challenges, negotiate_token, redact_headers, AuthMethod};
use crate::model::http_auth::{
    AuthAttempt, AuthMode, AuthScheme, Challenge, HttpAuth, KerberosFacts, KerberosStage,
    MutualAuth, SentCredential,
};
use crate::model::probe::ProbeFailure;
use crate::probe::http::{self, HttpResult};
use crate::probe::url::Url;
use crate::probe::ProbeOptions;

/// What the rounds left: the last answer, the time to its first byte, why the call failed (the
/// request could not be sent, the answer is missing or incomplete, the authentication failed)
/// and the authentication facts (when credentials were given).
#[derive(Debug, Default)]
pub struct Outcome {
    pub response: Option<HttpResult>,
    pub first_byte_ms: Option<f64>,
    pub error: Option<ProbeFailure>,
    pub auth: Option<HttpAuth>,
}

/// At most this many requests on the connection (a challenge round, then the credentials).
const MAX_ROUNDS: u32 = 2;

/// Runs the exchange on an established stream (TLS, or plain TCP for `http://`).
pub fn run<S: Read + Write>(
    s: &mut S,
    u: &Url,
    opts: &ProbeOptions,
    over_tls: bool,
    timeout: Duration,
) -> Outcome {
    let Some(a) = &opts.auth else {
        return match round(s, u, opts, None, true, timeout) {
            Ok(a) => {
                let mut h = a.result;
                redact_headers(&mut h.headers);
                Outcome {
                    response: Some(h),
                    first_byte_ms: Some(a.first_byte_ms),
                    error: a.incomplete.map(ProbeFailure::Answer),
                    ..Default::default()
                }
            }
            Err(e) => Outcome {
                error: Some(e),
                ..Default::default()
            },
        };
    };
    let scheme = a.method.scheme();
    let mut auth = HttpAuth {
        scheme,
        mode: a.mode,
        user: match &a.method {
            AuthMethod::Basic { user, .. } => Some(user.clone()),
            AuthMethod::Negotiate(_) => None,
        },
        attempts: Vec::new(),
        accepted: false,
        summary: String::new(),
        server_clock_offset_s: None,
        kerberos: None,
    };
    let mut out = Outcome::default();
    let mut negotiator = Negotiator::default();
    // Basic without TLS: one request without it (to show what the server offers), never more.
    let mut send_now = a.mode == AuthMode::Preemptive || (!over_tls && scheme == AuthScheme::Basic);
    let mut challenge: Option<Challenge> = None;
    let mut refused_plain = false;
    for n in 1..=MAX_ROUNDS {
        let mut note = None;
        let mut sent = None;
        let header: Option<Zeroizing<String>> = match (&a.method, send_now) {
            (_, false) => None,
            // RFC 7617 §4: Basic only over a protected connection; the request goes without it.
            (AuthMethod::Basic { .. }, true) if !over_tls => {
                refused_plain = true;
                note = Some("Basic credentials not sent: the connection is not TLS".to_owned());
                None
            }
            (AuthMethod::Basic { user, password }, true) => {
                let v = basic::header_value(user, password);
                sent = Some(SentCredential {
                    scheme: AuthScheme::Basic,
                    token_kind: "basic-credentials".into(),
                    token_len: v.len().saturating_sub("Basic ".len()),
                });
                Some(v)
            }
            (AuthMethod::Negotiate(o), true) => {
                let spn = o.spn_for(&u.host);
                match negotiator.start(o, &spn) {
                    Ok(token) => {
                        sent = Some(SentCredential {
                            scheme: AuthScheme::Negotiate,
                            token_kind: super::token::kind(&token).to_owned(),
                            token_len: token.len(),
                        });
                        let mut v = Zeroizing::new(String::from("Negotiate "));
                        base64::engine::general_purpose::STANDARD.encode_string(&token, &mut v);
                        Some(v)
                    }
                    Err(why) => {
                        note = Some(format!("no Negotiate token: {why}"));
                        None
                    }
                }
            }
        };
        if n > 1 && header.is_none() {
            // The challenge was answered with nothing to send (no Kerberos ticket): no second
            // request; the first answer stands.
            if let Some(last) = auth.attempts.last_mut() {
                last.note = note;
            }
            break;
        }
        let credential_sent = header.is_some();
        // Nothing follows a request that carried (or failed to make) the credentials.
        let close = send_now;
        let answer = round(
            s,
            u,
            opts,
            header.as_ref().map(|h| h.as_str()),
            close,
            timeout,
        );
        drop(header);
        let (mut h, fb, incomplete) = match answer {
            Ok(a) => (a.result, a.first_byte_ms, a.incomplete),
            Err(e) => {
                auth.attempts.push(AuthAttempt {
                    request: n,
                    sent,
                    status: None,
                    challenges: Vec::new(),
                    note: Some(crate::probe::error::sentence(&e)),
                });
                out.error = Some(e);
                break;
            }
        };
        auth.server_clock_offset_s = clock_offset(&h.headers);
        let ch = challenges(&h.headers);
        let server_token = negotiate_token(&h.headers);
        redact_headers(&mut h.headers);
        let offered = ch
            .iter()
            .find(|c| c.scheme.eq_ignore_ascii_case(scheme.header_name()))
            .cloned();
        let status = h.status;
        let closes = closes_connection(&h);
        auth.attempts.push(AuthAttempt {
            request: n,
            sent,
            status: Some(status),
            challenges: ch,
            note,
        });
        out.first_byte_ms = Some(fb);
        out.response = Some(h);
        if let Some(i) = incomplete {
            // An answer that did not end as it should ends the exchange.
            out.error = Some(ProbeFailure::Answer(i));
            break;
        }
        if credential_sent {
            auth.accepted = status != 401 && status != 407;
            if auth.accepted {
                negotiator.finish(server_token.as_deref());
            } else if let Some(t) = server_token.as_deref() {
                // A token in a 401 after ours: the server's KRB-ERROR or a continuation.
                negotiator.finish(Some(t));
            }
            break;
        }
        if send_now || status != 401 || offered.is_none() {
            break;
        }
        challenge = offered;
        if closes {
            if let Some(last) = auth.attempts.last_mut() {
                last.note = Some("the server closes the connection after its challenge; the credentials were not sent (--auth-mode preemptive sends them with the first request)".into());
            }
            break;
        }
        send_now = true;
    }
    auth.kerberos = negotiator.into_facts();
    auth.summary = summary(&auth, challenge.as_ref(), refused_plain);
    if out.error.is_none() {
        out.error = auth_error(&auth, refused_plain).map(ProbeFailure::Auth);
    }
    out.auth = Some(auth);
    out
}

/// One request and its answer.
fn round<S: Read + Write>(
    s: &mut S,
    u: &Url,
    opts: &ProbeOptions,
    authorization: Option<&str>,
    close: bool,
    timeout: Duration,
) -> Result<http::Answer, ProbeFailure> {
    let req = http::request_with(u, opts, authorization, close);
    let sent = Instant::now();
    s.write_all(&req)
        .and_then(|_| s.flush())
        .map_err(|e| ProbeFailure::Send(crate::probe::error::io_failure(&e, timeout)))?;
    drop(req);
    http::read_response(s, &sent, timeout).map_err(ProbeFailure::Answer)
}

/// The answer's `Date` minus our clock, in seconds.
fn clock_offset(headers: &[(String, String)]) -> Option<i64> {
    let date = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("date"))
        .and_then(|(_, v)| super::http_date_unix(v))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())?;
    Some(date.saturating_sub(now))
}

/// `Connection: close` or HTTP/1.0 without keep-alive: no second request on this connection.
fn closes_connection(h: &HttpResult) -> bool {
    h.headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("connection") && v.to_ascii_lowercase().contains("close")
    })
}

fn summary(a: &HttpAuth, challenge: Option<&Challenge>, refused_plain: bool) -> String {
    let name = a.scheme.header_name();
    let sent_at = a.attempts.iter().find(|t| t.sent.is_some());
    let last_status = a.attempts.last().and_then(|t| t.status);
    let how = match (sent_at, challenge) {
        (Some(_), Some(c)) => format!(
            "{name} sent after a 401 {} challenge{}",
            c.scheme,
            c.realm
                .as_ref()
                .map(|r| format!(" (realm \"{r}\")"))
                .unwrap_or_default()
        ),
        (Some(_), None) => format!("{name} sent preemptively"),
        (None, _) if refused_plain => format!("{name} not sent: the connection is not TLS"),
        (None, _) => match a.kerberos.as_ref().and_then(|k| k.failure.as_ref()) {
            Some(_) => format!("{name} not sent: no Kerberos ticket could be obtained"),
            None => match (a.mode, last_status) {
                (_, None) => format!("{name} not sent: no answer"),
                (AuthMode::Challenge, Some(401)) if challenge.is_some() => {
                    format!("{name} not sent: the server closed the connection after its challenge")
                }
                (AuthMode::Challenge, Some(401)) => {
                    format!("{name} not sent: the server's 401 does not offer {name}")
                }
                (_, Some(s)) => {
                    format!("{name} not sent: the server answered {s} without asking for it")
                }
            },
        },
    };
    match (sent_at, last_status) {
        (Some(_), Some(s)) if a.accepted => format!("{how}; accepted (HTTP {s})"),
        (Some(_), Some(s)) => format!("{how}; refused (HTTP {s} again)"),
        _ => how,
    }
}

/// The call's one-line error when the authentication failed.
fn auth_error(a: &HttpAuth, refused_plain: bool) -> Option<String> {
    let name = a.scheme.header_name();
    if refused_plain {
        return Some(format!(
            "{name} credentials are only sent over TLS: use an https:// URL"
        ));
    }
    if let Some(k) = &a.kerberos {
        if let Some(f) = &k.failure {
            let text = if f.minor_text.is_empty() {
                &f.major_text
            } else {
                &f.minor_text
            };
            return Some(match f.stage {
                KerberosStage::AcquireCredentials => {
                    format!("Kerberos: no credentials for the client: {text}")
                }
                KerberosStage::InitContext => {
                    format!("Kerberos: no service ticket for {}: {text}", k.spn)
                }
                KerberosStage::MutualAuth => format!(
                    "Kerberos: the server's answer token did not verify (mutual authentication): {text}"
                ),
            });
        }
        if a.accepted && k.mutual_auth == MutualAuth::Failed {
            return Some("Kerberos: the server's answer token did not complete the context (mutual authentication failed)".into());
        }
    }
    let sent = a.attempts.iter().any(|t| t.sent.is_some());
    let last = a.attempts.last()?;
    match last.status {
        Some(s @ (401 | 407)) if sent => Some(format!(
            "HTTP {s} again after our {name} credentials: the server refused them"
        )),
        Some(401)
            if !last
                .challenges
                .iter()
                .any(|c| c.scheme.eq_ignore_ascii_case(name)) =>
        {
            Some(format!("HTTP 401: the server does not offer {name}"))
        }
        _ => None,
    }
}

/// The SPNEGO context of the exchange, when this build has Kerberos.
#[derive(Default)]
struct Negotiator {
    #[cfg(feature = "kerberos")]
    session: Option<super::negotiate::Session>,
    facts: Option<KerberosFacts>,
}

impl Negotiator {
    /// The first token, or why there is none (one sentence; the typed cause is in the facts).
    fn start(&mut self, o: &super::NegotiateOptions, spn: &str) -> Result<Vec<u8>, String> {
        #[cfg(feature = "kerberos")]
        {
            match super::negotiate::start(o, spn) {
                Ok((s, token)) => {
                    self.session = Some(s);
                    Ok(token)
                }
                Err(facts) => {
                    let why = facts
                        .failure
                        .as_ref()
                        .map(|f| f.minor_text.clone())
                        .unwrap_or_default();
                    self.facts = Some(*facts);
                    Err(why)
                }
            }
        }
        #[cfg(not(feature = "kerberos"))]
        {
            let _ = (o, spn, &mut self.facts);
            Err(super::KERBEROS_MISSING.to_owned())
        }
    }

    fn finish(&mut self, server_token: Option<&[u8]>) {
        #[cfg(feature = "kerberos")]
        if let Some(s) = self.session.as_mut() {
            s.finish(server_token);
        }
        #[cfg(not(feature = "kerberos"))]
        let _ = server_token;
    }

    fn into_facts(self) -> Option<KerberosFacts> {
        #[cfg(feature = "kerberos")]
        if let Some(s) = &self.session {
            return Some(s.facts().clone());
        }
        self.facts
    }
}
