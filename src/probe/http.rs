//! HTTP/1.1 for the probe: one POST of a SOAP envelope (SOAP 1.1: `text/xml` + `SOAPAction`;
//! SOAP 1.2: `application/soap+xml; action=…`), the response read by Content-Length, chunked
//! encoding or connection close (bounded), and a SOAP Fault picked out of the body (1.1
//! faultcode/faultstring/detail, 1.2 Code/Value, Reason/Text, Detail) by a tolerant scan.
//! Redirects are reported, never followed. The parsing itself (heads, chunked bodies, SOAP
//! Faults) is `crate::http`'s; this file owns the request bytes and the socket reads.

use super::{url::Url, ProbeOptions};
use crate::http::chunked;
use crate::http::head::{self, BodyLength, Parsed, ResponseHead};
pub use crate::http::soap::{soap_fault, SoapFault};
pub use crate::http::split_unquoted;
use crate::model::{Finding, Severity};
use serde::Serialize;
use std::io::{self, Read};
use std::time::{Duration, Instant};

/// Body bytes kept at most.
const MAX_BODY: usize = 4 << 20;

pub const DEFAULT_ENVELOPE_11: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body/></soapenv:Envelope>"#;
pub const DEFAULT_ENVELOPE_12: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Header/><env:Body/></env:Envelope>"#;

#[derive(Debug, Clone, Serialize, Default)]
pub struct HttpResult {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body_bytes: usize,
    /// The first 2 KiB of the body, as text.
    pub body_preview: String,
    pub soap_fault: Option<SoapFault>,
    /// `Location` of a 3xx answer (not followed).
    pub redirect: Option<String>,
    /// The HTTP authentication exchange when credentials were given (`--user`, `--negotiate`).
    pub auth: Option<crate::model::http_auth::HttpAuth>,
}

pub fn request(u: &Url, opts: &ProbeOptions) -> Vec<u8> {
    request_with(u, opts, None, true).to_vec()
}

/// The request with an optional `Authorization` value (zeroed with the request bytes on drop)
/// and `Connection: close` or not (a challenge round keeps the connection for the next request).
pub fn request_with(
    u: &Url,
    opts: &ProbeOptions,
    authorization: Option<&str>,
    close: bool,
) -> zeroize::Zeroizing<Vec<u8>> {
    let body = opts.envelope.clone().unwrap_or_else(|| {
        if opts.soap12 {
            DEFAULT_ENVELOPE_12.to_owned()
        } else {
            DEFAULT_ENVELOPE_11.to_owned()
        }
    });
    let action = opts.soap_action.clone().unwrap_or_default();
    let mut head = format!("POST {} HTTP/1.1\r\nHost: {}\r\n", u.path, host_header(u));
    if opts.soap12 {
        head.push_str(&format!(
            "Content-Type: application/soap+xml; charset=utf-8; action=\"{action}\"\r\n"
        ));
    } else {
        head.push_str("Content-Type: text/xml; charset=utf-8\r\n");
        head.push_str(&format!("SOAPAction: \"{action}\"\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nUser-Agent: tlsdiag/{}\r\n",
        body.len(),
        env!("CARGO_PKG_VERSION")
    ));
    if close {
        head.push_str("Connection: close\r\n");
    }
    for (k, v) in &opts.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    // One allocation, so no copy of the credentials is left behind by a reallocation.
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(
        head.len() + authorization.map_or(0, |a| a.len() + 19) + 2 + body.len(),
    ));
    out.extend_from_slice(head.as_bytes());
    if let Some(a) = authorization {
        out.extend_from_slice(b"Authorization: ");
        out.extend_from_slice(a.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body.as_bytes());
    out
}

fn host_header(u: &Url) -> String {
    let h = if u.host.contains(':') {
        format!("[{}]", u.host)
    } else {
        u.host.clone()
    };
    if u.port == if u.tls { 443 } else { 80 } {
        h
    } else {
        format!("{h}:{}", u.port)
    }
}

/// Reads one response; returns it and the time to the first byte (ms since `sent`). The head
/// is parsed by `crate::http` (≤ 64 KiB, ≤ 100 headers; interim 1xx answers are skipped), the
/// body read by its framing — Content-Length, chunked (checked: a bad chunk size is an error)
/// or until the close — and kept up to 4 MiB.
pub fn read_response(
    r: &mut impl Read,
    sent: &Instant,
    timeout: Duration,
) -> io::Result<(HttpResult, f64)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let mut first_byte = None;
    let head = loop {
        match head::parse_response(&buf) {
            Ok(Parsed::Complete(h, n)) => {
                buf.drain(..n.min(buf.len()));
                if (100..200).contains(&h.status) && h.status != 101 {
                    continue;
                }
                break h;
            }
            Ok(Parsed::Partial) => {}
            Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
        }
        if sent.elapsed() > timeout {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no complete response header",
            ));
        }
        let n = r.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed before a response",
            ));
        }
        first_byte.get_or_insert_with(|| sent.elapsed().as_secs_f64() * 1000.0);
        buf.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
    };
    let framing = head
        .body_length(Some("POST"))
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    let invalid = |e: chunked::ChunkError| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("invalid chunked body: {e}"),
        )
    };
    let mut dechunker = chunked::Dechunker::new(MAX_BODY);
    let mut body: Vec<u8> = Vec::new();
    let mut pending = buf;
    loop {
        let done = match framing {
            BodyLength::Empty => true,
            BodyLength::Length(l) => {
                let want = usize::try_from(l).unwrap_or(usize::MAX);
                let room = want.saturating_sub(body.len());
                body.extend_from_slice(pending.get(..room.min(pending.len())).unwrap_or(&[]));
                body.len() >= want
            }
            BodyLength::Chunked => {
                dechunker.push(&pending).map_err(invalid)?;
                dechunker.is_done()
            }
            BodyLength::UntilClose => {
                body.extend_from_slice(&pending);
                false
            }
        };
        pending.clear();
        let kept = body.len().max(dechunker.body().len());
        if done || kept > MAX_BODY || sent.elapsed() > timeout {
            break;
        }
        match r.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => pending.extend_from_slice(chunk.get(..n).unwrap_or(&[])),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionAborted
                ) =>
            {
                break
            }
            Err(e) => {
                if body.is_empty() && dechunker.total() == 0 {
                    return Err(e);
                }
                break;
            }
        }
    }
    if framing == BodyLength::Chunked {
        body = dechunker.into_body();
    }
    let ResponseHead {
        status,
        reason,
        headers,
        ..
    } = head;
    let text = String::from_utf8_lossy(&body).into_owned();
    let preview: String = text.chars().take(2048).collect();
    let redirect = if (300..400).contains(&status) {
        crate::http::header(&headers, "Location").map(str::to_owned)
    } else {
        None
    };
    Ok((
        HttpResult {
            status,
            reason,
            headers,
            body_bytes: body.len(),
            soap_fault: soap_fault(&text),
            body_preview: preview,
            redirect,
            auth: None,
        },
        first_byte.unwrap_or(0.0),
    ))
}

pub fn status_finding(h: &HttpResult) -> Option<Finding> {
    let mk = |code: &str, sev: Severity, msg: String| Finding {
        code: code.into(),
        severity: sev,
        message: msg,
        evidence: vec![],
        details: vec![],
        fix: None,
        stack_verdicts: vec![],
        identity_check: None,
    };
    if let Some(f) = &h.soap_fault {
        return Some(mk(
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
        return Some(mk(
            "http-redirect",
            Severity::Warning,
            format!("HTTP {} redirect to {loc} (not followed)", h.status),
        ));
    }
    match h.status {
        401 | 403 => Some(auth_finding(h)),
        s if s >= 400 => Some(mk(
            "http-error",
            Severity::Warning,
            format!("TLS worked; HTTP {} {}", h.status, h.reason),
        )),
        _ => None,
    }
}

/// The authentication schemes of the `WWW-Authenticate` headers, with their realm when given:
/// `("Basic", Some("orders"))`. A header may hold several challenges separated by commas.
pub fn challenges(h: &HttpResult) -> Vec<(String, Option<String>)> {
    crate::http::auth::challenges(&h.headers)
        .into_iter()
        .map(|c| (c.scheme, c.realm))
        .collect()
}

fn auth_finding(h: &HttpResult) -> Finding {
    let ch = challenges(h);
    let named: Vec<String> = ch
        .iter()
        .map(|(scheme, realm)| {
            let what = match scheme.to_ascii_lowercase().as_str() {
                "negotiate" => format!("{scheme} (SPNEGO/Kerberos)"),
                "ntlm" => format!("{scheme} (Windows integrated)"),
                _ => scheme.clone(),
            };
            match realm {
                Some(r) => format!("{what} (realm \"{r}\")"),
                None => what,
            }
        })
        .collect();
    let has = |s: &str| ch.iter().any(|(c, _)| c.eq_ignore_ascii_case(s));
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
    Finding {
        code: "http-auth-required".into(),
        severity: Severity::Warning,
        message,
        evidence: h
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("www-authenticate"))
            .take(8)
            .map(|(k, v)| crate::model::Evidence {
                frame: None,
                field: k.clone(),
                value: v.chars().take(200).collect(),
            })
            .collect(),
        details: vec![],
        fix: Some(fixes.join(" ")),
        stack_verdicts: vec![],
        identity_check: None,
    }
}
