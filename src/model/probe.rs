//! What one probe learned, as plain data: the call's timings, the client-certificate resolver's
//! *decision* (what it would send and why, from the hints rustls handed it), the HTTP answer as
//! read, the typed reason the call stopped, and the handshake decoded from the probe's own
//! recording. `probe/` fills it; `diagnose/probe.rs` reasons over it; `report/` renders it.
//! Field names are the JSON contract of `tlsdiag probe --json` (docs/json-schema.md).

use super::{Connection, Finding};
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub dns_ms: f64,
    pub connect_ms: f64,
    /// With `--proxy`: the CONNECT exchange (after the TCP connect to the proxy).
    pub proxy_connect_ms: Option<f64>,
    pub tls_handshake_ms: Option<f64>,
    pub first_byte_ms: Option<f64>,
    pub total_ms: f64,
}

/// The resolver's decision when the server asked for a client certificate: what it *would*
/// send, from the hints rustls handed it. Whether anything was sent is the wire's word (the
/// decoded recording), not this.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Decision {
    /// The server's acceptable CA names (RFC 4514), as rustls received them.
    pub ca_hints: Vec<String>,
    pub signature_schemes: Vec<String>,
    /// The resolver handed rustls a certificate (rustls then sends it if the handshake goes on).
    pub sent: bool,
    pub subject: Option<String>,
    /// Whether any certificate in our chain was issued by a hinted CA (`None`: no identity or
    /// empty hint list).
    pub issuer_in_hints: Option<bool>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct HttpResult {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body_bytes: usize,
    /// The first 2 KiB of the body, as text.
    pub body_preview: String,
    pub soap_fault: Option<super::http::SoapFault>,
    /// `Location` of a 3xx answer (not followed).
    pub redirect: Option<String>,
    /// The HTTP authentication exchange when credentials were given (`--user`, `--negotiate`).
    pub auth: Option<super::http_auth::HttpAuth>,
    /// The challenges of the answer's `WWW-Authenticate` headers (scheme, realm, token kind
    /// and length), as the probe parsed them.
    #[serde(skip)]
    pub challenges: Vec<super::http_auth::Challenge>,
}

/// Why the probe's call did not complete, typed (the report's one-line `error` is its text).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProbeFailure {
    /// The TLS handshake failed.
    Handshake(HandshakeFailure),
    /// The handshake did not finish within `--timeout`.
    HandshakeTimeout { secs: u64 },
    /// The request could not be sent.
    Send(IoFailure),
    /// The answer was not a complete HTTP response.
    Answer(AnswerFailure),
    /// The HTTP authentication failed (the exchange's sentence).
    Auth(String),
}

/// How the handshake failed, from rustls' error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HandshakeFailure {
    /// The server sent this fatal alert (its code).
    AlertReceived(u8),
    /// rustls did not accept the server's certificate (rustls' words).
    ServerCertificateRejected(String),
    /// Another TLS error (rustls' words).
    Tls(String),
    /// The connection failed underneath.
    Io(IoFailure),
}

/// An I/O failure, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IoFailure {
    /// No byte within `--timeout`.
    TimedOut { secs: u64 },
    /// The peer closed (FIN or reset).
    Closed,
    /// The server sent this alert after the handshake.
    AlertReceived(u8),
    /// Anything else (the OS's words).
    Other(String),
}

/// What was wrong with the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswerFailure {
    /// Not one byte of an answer within `--timeout`.
    Silent { secs: u64 },
    /// The server closed the connection before answering.
    ClosedBeforeAnswer,
    /// The first bytes are not an HTTP/1.x status line (the first ≤ 64 bytes, lossy text).
    NotHttp { start: String },
    /// Part of a response head came, not all of it, within `--timeout` (bytes got).
    HeadTimeout { secs: u64, got: usize },
    /// The response head is over the caps (bytes; at most 100 fields).
    HeadTooLarge { cap: usize },
    /// The head came, the body did not finish within `--timeout`.
    BodyTimeout {
        secs: u64,
        got: usize,
        expected: Option<u64>,
    },
    /// The body is larger than the probe reads (cap in bytes); the rest was not read.
    BodyOverCap { cap: usize, expected: Option<u64> },
    /// The connection ended before the body's declared end.
    BodyCut { got: usize, expected: Option<u64> },
    /// The head's Content-Length is not a length (what httparse's caller said).
    BadLength(String),
    /// The chunked encoding is malformed (what is wrong with it).
    BadChunk(String),
    /// The connection failed while reading.
    Io(IoFailure),
}

/// Everything one probe learned.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    pub url: String,
    /// The address we connected to (the proxy's with `--proxy`).
    pub server_addr: Option<String>,
    /// `host:port` of the HTTP proxy the call went through, or null.
    pub proxy: Option<String>,
    /// `true` when the TLS handshake completed and a complete HTTP response was read.
    pub succeeded: bool,
    /// The failure as one sentence (TLS or HTTP level), if any.
    pub error: Option<String>,
    pub client_certificate_decision: Option<Decision>,
    pub http: Option<HttpResult>,
    pub timings: Timings,
    /// The handshake as decoded from our own recording (same object as `analyze`).
    pub connection: Option<Connection>,
    /// Probe-level findings (diagnose/probe.rs), errors first, before the connection's diagnosis.
    pub findings: Vec<Finding>,
    /// `https://` (TLS) rather than `http://`.
    #[serde(skip)]
    pub over_tls: bool,
    /// The typed form of `error`.
    #[serde(skip)]
    pub failure: Option<ProbeFailure>,
    /// The private key of `--identity` does not belong to its certificate.
    #[serde(skip)]
    pub identity_key_mismatch: Option<IdentityKeyMismatch>,
    #[serde(skip)]
    pub pcap: Vec<u8>,
    #[serde(skip)]
    pub keylog_text: String,
}

/// `--identity` whose private key does not match its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityKeyMismatch {
    pub path: String,
    pub alias: String,
}

impl ProbeReport {
    /// The probe's own findings and its recorded connection's, each code once, errors first
    /// (stable: the first is the answer). A code both lists hold (the probe's
    /// http-basic-rejected and the one read from the HTTP it recorded) is the probe's finding
    /// with the connection's evidence and detail lines it lacks added; the probe's fix stays
    /// (the connection's only when the probe has none). The JSON keeps both lists as they are.
    pub fn findings_once(&self) -> Vec<Finding> {
        let mut all: Vec<Finding> = Vec::new();
        let theirs = self.connection.iter().flat_map(|c| c.diagnosis.iter());
        for f in self.findings.iter().chain(theirs) {
            match all.iter_mut().find(|g| g.code == f.code) {
                Some(g) => merge_into(g, f),
                None => all.push(f.clone()),
            }
        }
        all.sort_by_key(|f| std::cmp::Reverse(f.severity));
        all
    }
}

/// Adds to `kept` what `other` (the same code) knows and it does not.
fn merge_into(kept: &mut Finding, other: &Finding) {
    kept.severity = kept.severity.max(other.severity);
    for e in &other.evidence {
        match kept
            .evidence
            .iter_mut()
            .find(|k| k.field == e.field && k.value == e.value)
        {
            // The same fact; the recording adds where it was seen.
            Some(k) => {
                if k.frame.is_none() {
                    k.frame = e.frame;
                }
            }
            None => kept.evidence.push(e.clone()),
        }
    }
    for d in &other.details {
        if !kept.details.contains(d) {
            kept.details.push(d.clone());
        }
    }
    if kept.fix.is_none() {
        kept.fix.clone_from(&other.fix);
    }
    if kept.stack_verdicts.is_empty() {
        kept.stack_verdicts.clone_from(&other.stack_verdicts);
    }
    if kept.identity_check.is_none() {
        kept.identity_check.clone_from(&other.identity_check);
    }
}
