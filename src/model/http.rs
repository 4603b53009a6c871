//! HTTP facts: what an HTTP/1.1 exchange showed — a SOAP Fault, the credentials a request
//! carried (scheme, token kind and length; never the value). Must not parse or format.
//!
//! Field names are the JSON contract (docs/json-schema.md).

use serde::Serialize;

/// A SOAP Fault found in a response body (`probe.http.soap_fault`).
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct SoapFault {
    pub code: Option<String>,
    pub reason: Option<String>,
    pub detail: Option<String>,
    /// `1.1` or `1.2`.
    pub soap_version: String,
}

/// What one `Authorization` or `Proxy-Authorization` header carried.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Credential {
    /// `Authorization` or `Proxy-Authorization`, as spelled on the wire.
    pub header: String,
    /// The scheme as sent (`Basic`, `Negotiate`, `NTLM`, `Bearer`, `Digest` …).
    pub scheme: String,
    /// `basic-credentials`, `spnego-init`, `krb5-ap-req`, `ntlm`, `bearer`, `parameters`
    /// (Digest-style auth-params), `empty`, `unknown`.
    pub token_kind: String,
    /// Bytes: Basic and Bearer as sent (base64 text), Negotiate/NTLM the decoded token,
    /// parameters their text.
    pub token_len: usize,
}

/// How the HTTP bytes of a connection were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HttpTransport {
    /// Inside TLS: application data decrypted with a key log (or a NULL cipher).
    Tls,
    /// A connection without TLS whose client began with an HTTP request line.
    Plain,
}

/// How a message's body is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyFraming {
    None,
    Length,
    Chunked,
    UntilClose,
}

/// A message body: its framing and how much of it the capture showed (only the first
/// `http::stream::BODY_KEPT` bytes are looked at, and never kept in the model).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpBody {
    pub framing: BodyFraming,
    /// The Content-Length, when given.
    pub declared_length: Option<u64>,
    /// Body bytes read (after chunked decoding).
    pub bytes_read: u64,
    /// The body was read to its end (its length, the last chunk, or the close).
    pub complete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpRequest {
    /// Frame holding the first byte of the request head.
    pub frame: u64,
    pub method: String,
    pub target: String,
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    pub host: Option<String>,
    /// `SOAPAction` (SOAP 1.1) or the `action` parameter of the Content-Type (SOAP 1.2).
    pub soap_action: Option<String>,
    pub content_type: Option<String>,
    /// `Authorization` / `Proxy-Authorization`: scheme, token kind and length only.
    pub credentials: Vec<Credential>,
    pub body: HttpBody,
    /// Frame where the whole message (head and body) had arrived — where tshark shows it;
    /// null when the capture ends before.
    pub end_frame: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpResponse {
    pub frame: u64,
    pub version: String,
    pub status: u16,
    pub reason: String,
    /// `WWW-Authenticate` challenges (scheme, realm, token kind and length).
    pub challenges: Vec<super::http_auth::Challenge>,
    /// `Proxy-Authenticate` challenges.
    pub proxy_challenges: Vec<super::http_auth::Challenge>,
    pub content_type: Option<String>,
    pub soap_fault: Option<SoapFault>,
    pub body: HttpBody,
    /// As `HttpRequest::end_frame`.
    pub end_frame: Option<u64>,
}

/// One request and its answer; either may be missing (the capture ends, or starts, between).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpExchange {
    pub request: Option<HttpRequest>,
    pub response: Option<HttpResponse>,
}

/// `connection.http`: the HTTP/1.1 layer of a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpLayer {
    pub transport: HttpTransport,
    /// Known: the exchanges read (in order). Absent: the bytes were read and are not HTTP/1.x
    /// (`stopped` says what they are). Unknown: encrypted without keys, keys that do not match,
    /// a cipher tlsdiag does not decrypt.
    pub exchanges: super::Fact<Vec<HttpExchange>>,
    /// Exchanges after the first `http::stream::MAX_EXCHANGES`, counted, not kept.
    pub exchanges_not_kept: u32,
    /// Why reading ended before the connection did: the read limit per direction, an HTTP/2
    /// preface, a protocol switch, bytes that are not HTTP, a capture gap.
    pub stopped: Option<String>,
}

impl HttpLayer {
    /// The exchanges when known, else none.
    pub fn known_exchanges(&self) -> &[HttpExchange] {
        self.exchanges
            .known()
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The last exchange with a response.
    pub fn last_response(&self) -> Option<&HttpResponse> {
        self.known_exchanges()
            .iter()
            .rev()
            .find_map(|e| e.response.as_ref())
    }
}
