//! HTTP/1.1 for the probe: one POST of a SOAP envelope (SOAP 1.1: `text/xml` + `SOAPAction`;
//! SOAP 1.2: `application/soap+xml; action=…`) and the answer read off the stream: the head and
//! the body's framing parsed by `crate::http` (httparse; chunked decoding with checked sizes),
//! the reads bounded by `--timeout` (from the request) and a 4 MiB body, and every way an answer
//! can be missing or incomplete typed ([`AnswerFailure`]). A SOAP Fault is picked out of the
//! body by `crate::http::soap`. Redirects are reported, never followed.

use super::error::io_failure;
use super::{url::Url, ProbeOptions};
use crate::http::chunked::Dechunker;
use crate::http::head::{self, BodyLength, HeadError, Parsed, ResponseHead};
pub use crate::http::soap::soap_fault;
pub use crate::http::split_unquoted;
pub use crate::model::http::SoapFault;
use crate::model::probe::AnswerFailure;
pub use crate::model::probe::HttpResult;
use crate::model::Finding;
use std::io::{self, Read};
use std::time::{Duration, Instant};

/// Body bytes kept at most.
const MAX_BODY: usize = 4 << 20;

pub const DEFAULT_ENVELOPE_11: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body/></soapenv:Envelope>"#;
pub const DEFAULT_ENVELOPE_12: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Header/><env:Body/></env:Envelope>"#;

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

/// One answer as read: the response (its body possibly incomplete), the time to its first byte
/// (ms since the request was sent), and why it is incomplete, if it is.
#[derive(Debug, Clone)]
pub struct Answer {
    pub result: HttpResult,
    pub first_byte_ms: f64,
    /// The head came but the body did not end as it should (timeout, cap, cut, bad chunking).
    pub incomplete: Option<AnswerFailure>,
}

/// Interim (1xx) answers skipped at most before the final one.
const MAX_INTERIM: usize = 4;

/// Where the reading stands against `--timeout` (counted from the request).
struct Clock<'a> {
    sent: &'a Instant,
    timeout: Duration,
}

impl Clock<'_> {
    fn expired(&self) -> bool {
        self.sent.elapsed() > self.timeout
    }
    fn secs(&self) -> u64 {
        self.timeout.as_secs().max(1)
    }
}

/// What one read gave.
enum Got {
    Bytes(usize),
    /// The peer closed (FIN, or TLS without close_notify).
    Closed,
    /// No byte within the socket's timeout.
    TimedOut,
    Failed(io::Error),
}

fn read_some(r: &mut impl Read, buf: &mut [u8]) -> Got {
    match r.read(buf) {
        Ok(0) => Got::Closed,
        Ok(n) => Got::Bytes(n),
        Err(e) => match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Got::TimedOut,
            io::ErrorKind::UnexpectedEof => Got::Closed,
            io::ErrorKind::Interrupted => Got::Bytes(0),
            _ => Got::Failed(e),
        },
    }
}

fn not_http(buf: &[u8]) -> AnswerFailure {
    let start = buf.get(..64).unwrap_or(buf);
    AnswerFailure::NotHttp {
        start: String::from_utf8_lossy(start).into_owned(),
    }
}

/// Reads one response (RFC 9112: interim 1xx answers skipped; the body by chunked encoding,
/// Content-Length or the connection's end), bounded by `timeout` from `sent` and by the caps.
/// `Err` when there is no usable response head; an incomplete body is an `Ok` with
/// `incomplete` set.
pub fn read_response(
    r: &mut impl Read,
    sent: &Instant,
    timeout: Duration,
) -> Result<Answer, AnswerFailure> {
    let clock = Clock { sent, timeout };
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    let mut first_byte = None;
    let mut interim = 0;
    let head: ResponseHead = loop {
        if !buf.is_empty() {
            match head::parse_response(&buf) {
                Ok(Parsed::Complete(h, n)) => {
                    buf.drain(..n.min(buf.len()));
                    if (100..200).contains(&h.status) && h.status != 101 && interim < MAX_INTERIM {
                        interim += 1;
                        continue;
                    }
                    break h;
                }
                Ok(Parsed::Partial) => {}
                Err(HeadError::TooLarge | HeadError::TooManyHeaders) => {
                    return Err(AnswerFailure::HeadTooLarge {
                        cap: head::MAX_HEAD,
                    })
                }
                Err(_) => return Err(not_http(&buf)),
            }
        }
        if clock.expired() {
            return Err(head_timeout(&buf, &clock));
        }
        match read_some(r, &mut chunk) {
            Got::Bytes(n) => {
                if n > 0 {
                    first_byte.get_or_insert_with(|| sent.elapsed().as_secs_f64() * 1000.0);
                }
                buf.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
            }
            Got::TimedOut => return Err(head_timeout(&buf, &clock)),
            Got::Closed if buf.is_empty() => return Err(AnswerFailure::ClosedBeforeAnswer),
            Got::Closed if buf.starts_with(b"HTTP/") => {
                return Err(AnswerFailure::ClosedBeforeAnswer)
            }
            Got::Closed => return Err(not_http(&buf)),
            Got::Failed(e) => return Err(AnswerFailure::Io(io_failure(&e, timeout))),
        }
    };
    let framing = head
        .body_length(Some("POST"))
        .map_err(|e| AnswerFailure::BadLength(e.to_string()))?;
    let rest = buf;
    let (body, incomplete) = match framing {
        BodyLength::Empty => (Vec::new(), None),
        BodyLength::Chunked => read_chunked(r, rest, &clock, &mut chunk),
        BodyLength::Length(l) => read_plain(r, rest, Some(l), &clock, &mut chunk),
        BodyLength::UntilClose => read_plain(r, rest, None, &clock, &mut chunk),
    };
    let text = String::from_utf8_lossy(&body).into_owned();
    let preview: String = text.chars().take(2048).collect();
    let redirect = if (300..400).contains(&head.status) {
        head.header("Location").map(str::to_owned)
    } else {
        None
    };
    Ok(Answer {
        result: HttpResult {
            status: head.status,
            reason: head.reason,
            headers: head.headers,
            body_bytes: body.len(),
            soap_fault: soap_fault(&text),
            body_preview: preview,
            redirect,
            auth: None,
            challenges: Vec::new(),
        },
        first_byte_ms: first_byte.unwrap_or(0.0),
        incomplete,
    })
}

fn head_timeout(buf: &[u8], clock: &Clock<'_>) -> AnswerFailure {
    if buf.is_empty() {
        AnswerFailure::Silent { secs: clock.secs() }
    } else if b"HTTP/".starts_with(buf.get(..5.min(buf.len())).unwrap_or(&[])) {
        AnswerFailure::HeadTimeout {
            secs: clock.secs(),
            got: buf.len(),
        }
    } else {
        not_http(buf)
    }
}

/// A body framed by Content-Length, or by the connection's end.
fn read_plain(
    r: &mut impl Read,
    mut body: Vec<u8>,
    length: Option<u64>,
    clock: &Clock<'_>,
    chunk: &mut [u8],
) -> (Vec<u8>, Option<AnswerFailure>) {
    let want = |b: &Vec<u8>| length.is_none_or(|l| (b.len() as u64) < l);
    if let Some(l) = length {
        body.truncate(usize::try_from(l).unwrap_or(usize::MAX));
    }
    while want(&body) {
        if body.len() > MAX_BODY {
            body.truncate(MAX_BODY);
            return (
                body,
                Some(AnswerFailure::BodyOverCap {
                    cap: MAX_BODY,
                    expected: length,
                }),
            );
        }
        if clock.expired() {
            let got = body.len();
            return (body, Some(body_timeout(clock, got, length)));
        }
        match read_some(r, chunk) {
            Got::Bytes(n) => body.extend_from_slice(chunk.get(..n).unwrap_or(&[])),
            Got::TimedOut => {
                let got = body.len();
                return (body, Some(body_timeout(clock, got, length)));
            }
            Got::Closed if length.is_none() => return (body, None),
            Got::Closed => {
                let got = body.len();
                return (
                    body,
                    Some(AnswerFailure::BodyCut {
                        got,
                        expected: length,
                    }),
                );
            }
            Got::Failed(e) => {
                return (body, Some(AnswerFailure::Io(io_failure(&e, clock.timeout))))
            }
        }
    }
    if let Some(l) = length {
        body.truncate(usize::try_from(l).unwrap_or(usize::MAX));
    }
    (body, None)
}

fn body_timeout(clock: &Clock<'_>, got: usize, expected: Option<u64>) -> AnswerFailure {
    AnswerFailure::BodyTimeout {
        secs: clock.secs(),
        got,
        expected,
    }
}

/// A chunked body, decoded as it arrives (`crate::http::chunked`: checked sizes).
fn read_chunked(
    r: &mut impl Read,
    rest: Vec<u8>,
    clock: &Clock<'_>,
    chunk: &mut [u8],
) -> (Vec<u8>, Option<AnswerFailure>) {
    let mut d = Dechunker::new(MAX_BODY);
    let mut pending = rest;
    loop {
        if let Err(e) = d.push(&pending) {
            return (d.into_body(), Some(AnswerFailure::BadChunk(e.to_string())));
        }
        if d.is_done() {
            return (d.into_body(), None);
        }
        if d.total() > MAX_BODY as u64 {
            return (
                d.into_body(),
                Some(AnswerFailure::BodyOverCap {
                    cap: MAX_BODY,
                    expected: None,
                }),
            );
        }
        let got = d.body().len();
        if clock.expired() {
            return (d.into_body(), Some(body_timeout(clock, got, None)));
        }
        match read_some(r, chunk) {
            Got::Bytes(n) => pending = chunk.get(..n).unwrap_or(&[]).to_vec(),
            Got::TimedOut => return (d.into_body(), Some(body_timeout(clock, got, None))),
            Got::Closed => {
                return (
                    d.into_body(),
                    Some(AnswerFailure::BodyCut {
                        got,
                        expected: None,
                    }),
                )
            }
            Got::Failed(e) => {
                return (
                    d.into_body(),
                    Some(AnswerFailure::Io(io_failure(&e, clock.timeout))),
                )
            }
        }
    }
}

/// The finding of an answer's status (diagnose/probe.rs), with its challenges parsed here.
pub fn status_finding(h: &HttpResult) -> Option<Finding> {
    crate::diagnose::probe::status_finding(h, &crate::http::auth::challenges(&h.headers))
}

/// The authentication schemes of the `WWW-Authenticate` headers, with their realm when given:
/// `("Basic", Some("orders"))`.
pub fn challenges(h: &HttpResult) -> Vec<(String, Option<String>)> {
    crate::http::auth::challenges(&h.headers)
        .into_iter()
        .map(|c| (c.scheme, c.realm))
        .collect()
}
