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
