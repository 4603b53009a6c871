//! Certificates and the messages that carry or ask for them: the parsed X.509 facts, RFC 4514
//! names (with their DER), the CertificateRequest, the client's Certificate and
//! CertificateVerify. Owned and serializable; parsing is `tls::x509` and `tls::messages`.

use super::CodePoint;
use serde::Serialize;

/// A distinguished name as RFC 4514 text (what openssl -nameopt RFC2253 and Java's
/// X500Principal.getName() print), with the raw DER kept for byte-exact comparison (Go).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DistinguishedName {
    pub text: String,
    #[serde(skip)]
    pub der: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicKeyInfo {
    /// `RSA`, `EC`, `Ed25519`, `Ed448`, `DSA`, `RSASSA-PSS`, or the OID when unknown.
    pub algorithm: String,
    pub bits: Option<u32>,
    /// Named curve for EC keys (`secp256r1`, ...).
    pub curve: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertInfo {
    pub subject: DistinguishedName,
    pub issuer: DistinguishedName,
    pub serial_hex: String,
    /// RFC 3339 UTC.
    pub not_before: String,
    pub not_after: String,
    #[serde(skip)]
    pub not_before_unix: i64,
    #[serde(skip)]
    pub not_after_unix: i64,
    pub san_dns: Vec<String>,
    pub san_ip: Vec<String>,
    pub public_key: PublicKeyInfo,
    pub signature_algorithm: String,
    pub sha256_fingerprint: String,
    pub is_ca: bool,
    pub self_signed: bool,
    /// Extended key usages by name (`clientAuth`, `serverAuth`, ...); empty = extension absent.
    pub extended_key_usage: Vec<String>,
    /// Key usage bits by name; empty = extension absent.
    pub key_usage: Vec<String>,
    /// DER length in bytes.
    pub length: u32,
    #[serde(skip)]
    pub der: Vec<u8>,
    /// Set when the certificate could not be parsed; the other fields are then empty.
    pub parse_error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertificateRequest {
    pub frame: u64,
    pub time: f64,
    /// `true` for the TLS 1.3 form (context + extensions).
    pub tls13: bool,
    /// TLS 1.2 `certificate_types` (empty in TLS 1.3).
    pub certificate_types: Vec<CodePoint>,
    pub signature_algorithms: Vec<CodePoint>,
    pub signature_algorithms_cert: Vec<CodePoint>,
    /// Empty list = the server accepts any issuer (or, in TLS 1.3, did not say).
    pub certificate_authorities: Vec<DistinguishedName>,
    /// TLS 1.3 certificate_request_context, hex; empty for TLS <= 1.2.
    pub context_hex: String,
    pub extensions: Vec<CodePoint>,
    /// `true` when this request came after application data (renegotiation or TLS 1.3
    /// post-handshake authentication).
    pub post_handshake: bool,
    /// `true` when read from decrypted records.
    pub decrypted: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientCertificate {
    pub frame: u64,
    pub time: f64,
    /// Number of certificates in the message; 0 is the classic "client sent nothing".
    pub count: usize,
    /// The certificate_list length field in bytes ("Certificates Length" in Wireshark).
    pub certificates_length: u32,
    pub chain: Vec<std::sync::Arc<CertInfo>>,
    pub decrypted: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertificateVerify {
    pub frame: u64,
    pub time: f64,
    /// TLS 1.2+/1.3 signature scheme; null for TLS <= 1.1 (no algorithm field).
    pub algorithm: Option<CodePoint>,
    pub signature_length: u32,
}
