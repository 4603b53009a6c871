//! The probe's errors. [`ProbeError`]: nothing could be attempted (bad URL, DNS, connect,
//! proxy, TLS configuration) — typed, with the OS's or rustls' error as its `source()` and never
//! repeated in its own text (`{:#}` prints the chain once). A call that was attempted and
//! failed is not an error but a report: its typed [`ProbeFailure`] (the model's) is built here
//! from rustls/io errors and said as one sentence by [`sentence`].

use crate::model::probe::{AnswerFailure, HandshakeFailure, IoFailure, ProbeFailure};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    #[error("bad URL {url:?}: {why}")]
    Url { url: String, why: String },
    #[error("cannot resolve {host}")]
    Dns {
        host: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot resolve {host}: no address")]
    NoAddress { host: String },
    #[error("connection to {addr} refused (nothing listens there)")]
    Refused { addr: String },
    #[error("connection to {addr} timed out after {secs} s")]
    ConnectTimeout { addr: String, secs: u64 },
    #[error("cannot connect to {addr}")]
    Connect {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("proxy {proxy}: cannot connect to the proxy at {addr}")]
    ProxyConnect {
        proxy: String,
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("proxy {proxy}: {detail}")]
    Proxy { proxy: String, detail: String },
    #[error("cannot configure TLS")]
    Tls(#[source] rustls::Error),
    #[error("the entry '{alias}' has no private key")]
    NoPrivateKey { alias: String },
    #[error("the private key cannot sign")]
    KeyCannotSign(#[source] rustls::Error),
    #[error("{name:?} is not a valid server name")]
    ServerName { name: String },
    #[error("cannot use the identity")]
    Identity(#[from] crate::identity::IdentityError),
    #[error("cannot read the trust store")]
    Trust(#[source] crate::identity::IdentityError),
    #[error("cannot read the trust store {path}: no certificate in it")]
    TrustEmpty { path: String },
}

/// An error and its sources, each said once: `a: b: c` (for faces that print one line).
pub fn error_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !t.is_empty() && !out.contains(&t) {
            out.push_str(": ");
            out.push_str(&t);
        }
        cur = s.source();
    }
    out
}

fn secs(d: Duration) -> u64 {
    d.as_secs().max(1)
}

/// The rustls error inside an io error (rustls' stream wraps it), or the error itself.
pub(crate) fn rustls_error<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    e.downcast_ref::<rustls::Error>()
        .or_else(|| {
            e.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|x| x.downcast_ref::<rustls::Error>())
        })
        .or_else(|| e.source().and_then(|s| s.downcast_ref::<rustls::Error>()))
}

/// An I/O error by kind (a rustls alert inside it included).
pub(crate) fn io_failure(e: &std::io::Error, timeout: Duration) -> IoFailure {
    if let Some(rustls::Error::AlertReceived(a)) = rustls_error(e) {
        return IoFailure::AlertReceived(u8::from(*a));
    }
    match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => IoFailure::TimedOut {
            secs: secs(timeout),
        },
        std::io::ErrorKind::UnexpectedEof
        | std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::ConnectionAborted
        | std::io::ErrorKind::BrokenPipe => IoFailure::Closed,
        _ => IoFailure::Other(e.to_string()),
    }
}

/// How a handshake failed, from what `complete_io` returned.
pub(crate) fn handshake_failure(e: &std::io::Error, timeout: Duration) -> HandshakeFailure {
    match rustls_error(e) {
        Some(rustls::Error::AlertReceived(a)) => HandshakeFailure::AlertReceived(u8::from(*a)),
        Some(rustls::Error::InvalidCertificate(c)) => {
            HandshakeFailure::ServerCertificateRejected(format!("{c:?}"))
        }
        Some(other) => HandshakeFailure::Tls(other.to_string()),
        None => HandshakeFailure::Io(io_failure(e, timeout)),
    }
}

/// The RFC name of an alert (`handshake_failure (40)`), as the rest of the report writes it.
fn alert_name(code: u8) -> String {
    crate::model::AlertDescription(code).with_code()
}

fn io_sentence(f: &IoFailure, doing: &str) -> String {
    match f {
        IoFailure::TimedOut { secs } => format!("timed out while {doing} (--timeout {secs} s)"),
        IoFailure::Closed => format!("the server closed the connection while {doing}"),
        IoFailure::AlertReceived(a) => {
            format!("the server sent alert {} while {doing}", alert_name(*a))
        }
        IoFailure::Other(e) => format!("error while {doing}: {e}"),
    }
}

fn of_expected(got: usize, expected: Option<u64>) -> String {
    match expected {
        Some(n) => format!("{got} of {n} bytes"),
        None => format!("{got} bytes"),
    }
}

/// The one sentence a report's `error` holds.
pub fn sentence(f: &ProbeFailure) -> String {
    match f {
        ProbeFailure::Handshake(h) => match h {
            HandshakeFailure::AlertReceived(a) => {
                format!("the server ended the handshake with alert {}", alert_name(*a))
            }
            HandshakeFailure::ServerCertificateRejected(c) => format!(
                "the server's certificate is not trusted ({c}): give the CA with --trust FILE, or --insecure to look anyway"
            ),
            HandshakeFailure::Tls(e) => format!("TLS error: {e}"),
            HandshakeFailure::Io(IoFailure::TimedOut { secs }) => format!(
                "the TLS handshake timed out: the server sent nothing more within {secs} s (--timeout)"
            ),
            HandshakeFailure::Io(IoFailure::Closed) => {
                "connection error: the server closed the connection during the handshake".into()
            }
            HandshakeFailure::Io(io) => io_sentence(io, "in the handshake"),
        },
        ProbeFailure::HandshakeTimeout { secs } => {
            format!("the TLS handshake did not finish within {secs} s")
        }
        ProbeFailure::Send(io) => io_sentence(io, "sending the request"),
        ProbeFailure::Answer(a) => match a {
            AnswerFailure::Silent { secs } => format!(
                "no answer: the server sent nothing within {secs} s after the request (--timeout)"
            ),
            AnswerFailure::ClosedBeforeAnswer => {
                "the server closed the connection while reading the response (before any answer)"
                    .into()
            }
            AnswerFailure::NotHttp { start } => {
                format!("the answer is not HTTP: it starts with {start:?}")
            }
            AnswerFailure::HeadTimeout { secs, got } => format!(
                "the response header did not finish within {secs} s (--timeout): {got} bytes of it read"
            ),
            AnswerFailure::HeadTooLarge { cap } => {
                format!("the response header is larger than {} KiB (or has over 100 fields)", cap / 1024)
            }
            AnswerFailure::BodyTimeout {
                secs,
                got,
                expected,
            } => format!(
                "the body did not arrive within {secs} s (--timeout): {} read",
                of_expected(*got, *expected)
            ),
            AnswerFailure::BodyOverCap { cap, expected } => format!(
                "the body is larger than the {} MiB the probe reads{}: the rest was not read",
                cap >> 20,
                expected
                    .map(|n| format!(" (Content-Length {n})"))
                    .unwrap_or_default()
            ),
            AnswerFailure::BodyCut { got, expected } => format!(
                "the server closed the connection in the body: {} read",
                of_expected(*got, *expected)
            ),
            AnswerFailure::BadChunk(why) => format!("the chunked body is malformed: {why}"),
            AnswerFailure::BadLength(why) => format!("the answer's body length is unusable: {why}"),
            AnswerFailure::Io(io) => io_sentence(io, "reading the response"),
        },
        ProbeFailure::Auth(s) => s.clone(),
    }
}
