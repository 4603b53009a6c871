//! HTTP/1.1 for the probe: one POST of a SOAP envelope (SOAP 1.1: `text/xml` + `SOAPAction`;
//! SOAP 1.2: `application/soap+xml; action=…`), the response read by Content-Length, chunked
//! encoding or connection close (bounded), and a SOAP Fault picked out of the body (1.1
//! faultcode/faultstring/detail, 1.2 Code/Value, Reason/Text, Detail) by a tolerant scan.
//! Redirects are reported, never followed.

use super::{url::Url, ProbeOptions};
use crate::model::{Finding, Severity};
use serde::Serialize;
use std::io::{self, Read};
use std::time::{Duration, Instant};

/// Body bytes kept at most.
const MAX_BODY: usize = 4 << 20;
const MAX_HEAD: usize = 64 << 10;

pub const DEFAULT_ENVELOPE_11: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body/></soapenv:Envelope>"#;
pub const DEFAULT_ENVELOPE_12: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Header/><env:Body/></env:Envelope>"#;

#[derive(Debug, Clone, Serialize, Default)]
pub struct SoapFault {
    pub code: Option<String>,
    pub reason: Option<String>,
    pub detail: Option<String>,
    pub soap_version: String,
}

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

/// Reads one response; returns it and the time to the first byte (ms since `sent`).
pub fn read_response(
    r: &mut impl Read,
    sent: &Instant,
    timeout: Duration,
) -> io::Result<(HttpResult, f64)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let mut first_byte = None;
    let head_end = loop {
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
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "response header larger than 64 KiB",
            ));
        }
    };
    let head = String::from_utf8_lossy(buf.get(..head_end).unwrap_or(&[])).into_owned();
    let mut body: Vec<u8> = buf.get(head_end + 4..).unwrap_or(&[]).to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let _version = parts.next();
    let status: u16 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let reason = parts.next().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let chunked =
        get("Transfer-Encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length: Option<usize> = get("Content-Length").and_then(|v| v.parse().ok());
    // Read the rest of the body (bounded).
    loop {
        let done = match (chunked, length) {
            (true, _) => find(&body, b"\r\n0\r\n\r\n").is_some() || body.starts_with(b"0\r\n\r\n"),
            (false, Some(l)) => body.len() >= l,
            (false, None) => false,
        };
        if done || body.len() > MAX_BODY || sent.elapsed() > timeout {
            break;
        }
        match r.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => body.extend_from_slice(chunk.get(..n).unwrap_or(&[])),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionAborted
                ) =>
            {
                break
            }
            Err(e) => {
                if body.is_empty() {
                    return Err(e);
                }
                break;
            }
        }
    }
    if chunked {
        body = dechunk(&body);
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    let preview: String = text.chars().take(2048).collect();
    let redirect = if (300..400).contains(&status) {
        get("Location")
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

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

fn dechunk(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = b;
    while let Some(i) = find(rest, b"\r\n") {
        let size_line = String::from_utf8_lossy(rest.get(..i).unwrap_or(&[])).into_owned();
        let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        let start = i + 2;
        if size == 0 {
            break;
        }
        let Some(data) = rest.get(start..start + size) else {
            out.extend_from_slice(rest.get(start..).unwrap_or(&[]));
            break;
        };
        out.extend_from_slice(data);
        rest = rest.get(start + size + 2..).unwrap_or(&[]);
    }
    out
}

/// The text inside the first element whose local name is `name` (any prefix).
fn element(xml: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = xml.get(from..)?.find('<') {
        let at = from + i + 1;
        let tag_end = at + xml.get(at..)?.find('>')?;
        let tag = xml.get(at..tag_end)?;
        let tag_name = tag.split_whitespace().next().unwrap_or("");
        let local = tag_name.rsplit(':').next().unwrap_or("");
        if local == name && !tag.starts_with('/') {
            if tag.ends_with('/') {
                return Some(String::new());
            }
            let close = format!("</{tag_name}>");
            let end = tag_end + 1 + xml.get(tag_end + 1..)?.find(&close)?;
            return Some(strip_tags(xml.get(tag_end + 1..end)?).trim().to_owned());
        }
        from = tag_end + 1;
    }
    None
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

pub fn soap_fault(body: &str) -> Option<SoapFault> {
    element(body, "Fault")?;
    if body.contains("http://www.w3.org/2003/05/soap-envelope") {
        Some(SoapFault {
            code: element(body, "Value"),
            reason: element(body, "Text"),
            detail: element(body, "Detail"),
            soap_version: "1.2".into(),
        })
    } else {
        Some(SoapFault {
            code: element(body, "faultcode"),
            reason: element(body, "faultstring"),
            detail: element(body, "detail"),
            soap_version: "1.1".into(),
        })
    }
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
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for (_, v) in h
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("www-authenticate"))
    {
        for piece in split_unquoted(v) {
            let piece = piece.trim();
            let first = piece.split(' ').next().unwrap_or_default();
            if !first.is_empty() && !first.contains('=') {
                out.push((first.to_owned(), None));
            }
            let realm = piece
                .split_once("realm=")
                .map(|(_, r)| r.trim().trim_matches('"').to_owned());
            if let (Some(r), Some(last)) = (realm, out.last_mut()) {
                last.1.get_or_insert(r);
            }
        }
    }
    out.truncate(8);
    out
}

/// Splits a header value at commas outside double quotes (`realm="Orders, EU"` stays whole).
pub(crate) fn split_unquoted(v: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, ch) in v.char_indices() {
        match ch {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(v.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(v.get(start..).unwrap_or_default());
    out
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
