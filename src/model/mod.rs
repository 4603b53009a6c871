//! The model: owned, serializable facts about TLS connections, each citing the frame it came from.
//!
//! Owns the types every other room speaks: [`Analysis`], [`Connection`], the decoded handshake
//! messages, [`Anomaly`] and [`Finding`]; the typed one-byte code points (`codes.rs`); what
//! happened on the wire — ladder, alerts, outcome, inferences (`events.rs`); and the
//! three-valued facts — known / absent / unknown with why and what reveals it (`fact.rs`) —
//! with the accessors that derive them (`view.rs`). It must not parse or format: decoding
//! lives in `tls/`, rendering in `report/` and `tui/`, rules in `diagnose/`.
//!
//! Field names here are the public JSON contract (docs/json-schema.md): renaming one is a
//! schema change and needs a `schema_version` bump and a changelog line. Types whose Rust form
//! is typed but whose JSON keeps 1.0 strings serialize by hand (`wire.rs`).

pub mod http;
pub mod http_auth;
pub mod probe;

use serde::Serialize;
use std::net::IpAddr;

mod certs;
mod codes;
mod events;
mod fact;
mod labels;
mod view;
mod wire;

pub use certs::{
    CertInfo, CertificateRequest, CertificateVerify, ClientCertificate, DistinguishedName,
    PublicKeyInfo,
};
pub use codes::{
    AlertDescription, AlertLevel, Confidence, ContentType, HandshakeType, MessageKind,
};
pub use events::{
    Alert, AlertMessage, EndingAlert, Inference, InferenceClaim, Message, Outcome, OutcomeStatus,
};
pub use fact::{Fact, Reveal, Unknown, UnknownReason};
pub use labels::{label_list, short_version};
pub use view::{ClientCert, FactsView, SeenAlert, SeenCertificates, SeenRequest, ServerChain};
mod diagnosis;
mod jsse;
mod preamble;
mod timestamp;
pub use diagnosis::{
    ClientStack, EntryCheck, Evidence, Finding, IdentityCheck, JsseChoice, PkixCheck, Severity,
    StackVerdict, Verdict, VerdictCause, WireCheck, WireStatus,
};
pub use jsse::{JsseLog, KeyEntryReport, LogStatement, StoreReport};
pub use preamble::{Preamble, PreambleStep, ProxyCredential, UpgradeProtocol, UpgradeResult};
pub use timestamp::rfc3339;

/// Which peer of a connection. The client is the side that sent the ClientHello (or, before
/// that is known, the side that sent the SYN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Client,
    Server,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

/// Where a chunk of bytes came from: the capture frame (1-based, as Wireshark numbers them)
/// and its absolute timestamp in nanoseconds since the Unix epoch. The probe synthesises a
/// pcap of its own connection, so its chunks have frame numbers too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Provenance {
    pub frame: u64,
    pub ts_ns: u64,
}

/// A TLS code point (cipher suite, signature scheme, group, extension, version, certificate
/// type, ...): the number always, the IANA name when we know it. Unknown values survive as
/// numbers (`name: null`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CodePoint {
    pub code: u32,
    /// From the name tables (no allocation per code point; 24 bytes in all, and a connection
    /// holds a hundred of these).
    pub name: Option<&'static str>,
}

impl CodePoint {
    pub fn new(code: u32, name: Option<&'static str>) -> Self {
        CodePoint { code, name }
    }
    /// A code point whose name comes from a static table.
    pub fn known(code: u32, name: Option<&'static str>) -> Self {
        CodePoint { code, name }
    }
    /// The name, or the number in hex (`0x1a2b`) when the value is unknown.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => n.to_string(),
            None => format!("0x{:04x}", self.code),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Endpoint {
    pub ip: IpAddr,
    pub port: u16,
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ip {
            IpAddr::V4(a) => write!(f, "{a}:{}", self.port),
            IpAddr::V6(a) => write!(f, "[{a}]:{}", self.port),
        }
    }
}

/// One whole analysis of a capture (or of a probe's own recorded connection).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Analysis {
    pub source: SourceInfo,
    pub connections: Vec<Connection>,
    /// Problems not tied to one connection (a truncated file, an unknown link type, ...).
    pub anomalies: Vec<Anomaly>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SourceInfo {
    /// File path, interface name, or `probe`.
    pub name: String,
    /// `pcap`, `pcapng`, `live`, `probe`, or `javax.net.debug` (a Java debug log: `frames` then
    /// counts its lines).
    pub format: String,
    /// Link types seen, by name (`ETHERNET`, `LINUX_SLL2`, ...).
    pub link_types: Vec<String>,
    pub frames: u64,
    pub bytes: u64,
    /// Frames that were not IP/TCP or could not be parsed as such (counted, not an error).
    pub skipped_frames: u64,
    /// TCP flows seen in all (TLS or not).
    pub tcp_flows: u64,
    /// Absolute timestamp (ns since the epoch) of the first frame.
    pub first_ts_ns: Option<u64>,
    /// The compression removed while reading (`gzip`, `zstd`, `xz`), or none.
    pub compression: Option<String>,
    /// The inputs of a merged capture (`analyze --merge`), in the order given; empty otherwise.
    pub files: Vec<SourceFile>,
    /// The address filter given (`--host 10.0.0.1 --port 443`), if any (schema 1.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// TCP flows the filter left out (counted up to 65,536 distinct flows; schema 1.2). With a
    /// filter, `tcp_flows` counts only the flows that matched.
    #[serde(skip_serializing_if = "is_zero")]
    pub filtered_out_flows: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One input of a merged capture.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SourceFile {
    pub name: String,
    /// `pcap` or `pcapng`.
    pub format: String,
    pub compression: Option<String>,
    pub frames: u64,
}

/// One TCP connection that carried TLS (or that we tried to read as TLS).
#[derive(Debug, Clone, Serialize)]
pub struct Connection {
    /// 1-based, in order of the connection's first frame.
    pub id: usize,
    pub client: Endpoint,
    pub server: Endpoint,
    /// RFC 3339 UTC time of the connection's first frame.
    pub start_time: String,
    #[serde(skip)]
    pub start_ts_ns: u64,
    /// Seconds from the first frame of the capture to this connection's first frame.
    pub start_offset: f64,
    pub first_frame: u64,
    pub last_frame: u64,
    pub capture: Coverage,
    /// What the evidence numbers of this connection count (`frame` in a capture, `line` in a
    /// javax.net.debug log): every `frame` field, `first_frame` and `last_frame` use it.
    #[serde(default)]
    pub evidence_unit: EvidenceUnit,
    /// Set when the connection was read from a javax.net.debug log: what JSSE itself said
    /// (thread, role, keystore and truststore it loaded, its key-selection lines).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub jsse_log: Option<Box<JsseLog>>,
    /// Plaintext before TLS (proxy CONNECT/SOCKS, PROXY header, STARTTLS); absent when TLS
    /// started with the connection. `client`/`server` stay the TCP endpoints (the proxy).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub preamble: Option<Preamble>,
    #[serde(flatten)]
    pub tls: TlsFacts,
    /// Filled by `diagnose`.
    #[serde(default)]
    pub diagnosis: Vec<Finding>,
}

/// What a connection's evidence numbers count. Captures and the probe number frames (1-based, as
/// Wireshark does); a javax.net.debug log numbers lines (1-based, as an editor does).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceUnit {
    #[default]
    Frame,
    Line,
}

impl EvidenceUnit {
    /// `frame` or `line`, for "frame 8" / "line 305".
    pub fn word(self) -> &'static str {
        match self {
            EvidenceUnit::Frame => "frame",
            EvidenceUnit::Line => "line",
        }
    }
}

impl Connection {
    /// A connection without TLS that carried plain HTTP (its facts are `tls.http` alone).
    pub fn is_plain_http(&self) -> bool {
        self.tls
            .http
            .as_ref()
            .is_some_and(|h| h.transport == http::HttpTransport::Plain)
    }

    /// "frame 8" in a capture, "line 305" in a log.
    pub fn at(&self, n: u64) -> String {
        format!("{} {n}", self.evidence_unit.word())
    }
    /// The endpoints for a one-line header: `10.0.0.1:40000 → 10.0.0.2:443`, or for a log
    /// (which names no addresses) `JSSE client (thread main) → partner.test`.
    pub fn endpoints_label(&self) -> String {
        match &self.jsse_log {
            Some(j) => {
                let host = self
                    .tls
                    .client_hello
                    .as_ref()
                    .and_then(|h| h.sni.clone())
                    .unwrap_or_else(|| "server (not named in the log)".to_owned());
                let who = format!("JSSE {} (thread {})", j.role.as_str(), j.thread);
                match j.role {
                    Side::Client => format!("{who} → {host}"),
                    Side::Server => format!("client → {who}"),
                }
            }
            None => format!("{} → {}", self.client, self.server),
        }
    }
}

/// What the capture holds of this connection: lets the diagnosis say "only one direction was
/// captured" or "the handshake is not in the capture" instead of guessing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    pub syn_seen: bool,
    pub fin_or_rst_seen: bool,
    pub client_bytes: u64,
    pub server_bytes: u64,
    pub client_frames: u64,
    pub server_frames: u64,
    /// Holes in a direction's byte stream (lost or uncaptured segments).
    pub gaps: Vec<Gap>,
    /// `true` when the client/server roles were inferred from content (no SYN seen).
    pub roles_inferred: bool,
    /// Frames of this connection cut by the capture's snap length (schema 1.2; absent when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snap: Option<SnapCut>,
}

/// Frames whose captured length is less than their original length (`tcpdump -s N`): their
/// bytes past the snap length are not in the capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SnapCut {
    /// How many frames of the connection were cut.
    pub frames: u64,
    pub first_frame: u64,
    /// The longest captured length among them (the snap length, link header included).
    pub captured_length: u32,
    /// The longest original length among them.
    pub original_length: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub side: Side,
    /// The first frame after the hole.
    pub frame: u64,
    pub missing_bytes: u64,
}

/// Everything the TLS decoder learned about one connection. Its JSON form (`wire.rs`) is these
/// fields in this order, then `facts`: the three-valued view derived when it is written.
#[derive(Debug, Clone, Default)]
pub struct TlsFacts {
    /// Negotiated version (from ServerHello, incl. supported_versions); null before that.
    pub tls_version: Option<CodePoint>,
    pub client_hello: Option<ClientHello>,
    pub server_hello: Option<ServerHello>,
    pub hello_retry_request: Option<ServerHello>,
    /// TLS 1.3 EncryptedExtensions when decrypted (ALPN etc.).
    pub encrypted_extensions: Option<EncryptedExtensions>,
    /// Shared (`Arc`): the same certificate seen on many connections is parsed and held once.
    pub server_certificates: Vec<std::sync::Arc<CertInfo>>,
    /// Frame of the server's Certificate message, when seen.
    pub server_certificate_frame: Option<u64>,
    /// The first CertificateRequest of the connection.
    pub certificate_request: Option<CertificateRequest>,
    /// Later requests: by renegotiation (TLS <= 1.2) or post-handshake authentication (TLS 1.3).
    pub post_handshake_certificate_requests: Vec<CertificateRequest>,
    /// The client's first Certificate message.
    pub client_certificate: Option<ClientCertificate>,
    pub client_certificate_verify: Option<CertificateVerify>,
    pub alerts: Vec<Alert>,
    /// The ladder: every record-level event in wire order.
    pub messages: Vec<Message>,
    pub outcome: Outcome,
    pub application_data: AppDataStats,
    /// How the encrypted part of the handshake was read: `not_needed` (TLS <= 1.2 with no
    /// renegotiation), `decrypted`, `no_key` (no matching secret in the key log), `inferred`.
    pub decryption: DecryptionStatus,
    /// Inferences from record sizes/order where decryption was not possible (issue 6).
    pub inferences: Vec<Inference>,
    /// Frames of encrypted handshake records seen after application data (TLS <= 1.2): a
    /// renegotiation, which is how IIS asks for a client certificate after the request line.
    pub renegotiation_frames: Vec<u64>,
    pub anomalies: Vec<Anomaly>,
    /// With `decryption: unsupported`: the suite or version tlsdiag does not decrypt (JSON: the
    /// `decryption_unsupported` anomaly says it in words).
    pub decryption_unsupported: Option<DecryptionUnsupported>,
    /// Where decoding of each direction stopped early (a gap, damaged bytes): lets the
    /// accessors tell "not sent" from "not seen". Not serialized (`capture.gaps` and
    /// `anomalies` say it in JSON).
    pub decode_stops: DecodeStops,
    /// The HTTP/1.1 layer (JSON `http`, since 1.3): the exchanges read from decrypted
    /// application data or a plain-HTTP connection; `None` when no application data flowed.
    pub http: Option<http::HttpLayer>,
}

/// Where the decoder stopped following one direction before its end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecodeStop {
    /// First frame after bytes missing from the capture.
    pub gap: Option<u64>,
    /// Frame of bytes that were not TLS (or broke a bound) after TLS had been seen.
    pub damaged: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecodeStops {
    pub client: DecodeStop,
    pub server: DecodeStop,
}

impl DecodeStops {
    pub fn side(&self, side: Side) -> DecodeStop {
        match side {
            Side::Client => self.client,
            Side::Server => self.server,
        }
    }
    pub fn side_mut(&mut self, side: Side) -> &mut DecodeStop {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecryptionStatus {
    #[default]
    NotNeeded,
    Decrypted,
    NoKey,
    Failed,
    /// The key log has this connection's secret but tlsdiag does not decrypt its cipher suite
    /// or version (`TlsFacts::decryption_unsupported` says which). Since schema 1.2.
    Unsupported,
}

/// Why a connection whose secret is known was not decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecryptionUnsupported {
    /// The negotiated cipher suite (AES-CCM, Camellia, ARIA, 3DES, …).
    CipherSuite(CodePoint),
    /// The protocol version (SSL 3.0, TLS 1.3 drafts before 25).
    Version(CodePoint),
    /// A compression method other than none and DEFLATE (RFC 3749).
    Compression(u8),
}

/// TLS 1.3 or one of its pre-RFC drafts (draft-ietf-tls-tls13-14 … -28 as 0x7f0e–0x7f1c, and
/// Facebook's drafts 23 and 26 as 0xfb17, 0xfb1a — the values Wireshark names): after the
/// ServerHello everything is protected.
pub fn is_tls13_version(code: u32) -> bool {
    matches!(code, 0x0304 | 0x7f0e..=0x7f1c | 0xfb17 | 0xfb1a)
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AppDataStats {
    pub client_records: u64,
    pub client_bytes: u64,
    pub server_records: u64,
    pub server_bytes: u64,
    /// Frame of the first application-data record, if any.
    pub first_frame: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientHello {
    pub frame: u64,
    /// Seconds since the connection's first frame.
    pub time: f64,
    pub legacy_version: CodePoint,
    /// Highest version offered (supported_versions if present, else legacy_version).
    pub max_version: CodePoint,
    pub supported_versions: Vec<CodePoint>,
    pub random_hex: String,
    pub session_id_len: u8,
    pub cipher_suites: Vec<CodePoint>,
    pub compression_methods: Vec<u8>,
    pub sni: Option<String>,
    pub alpn: Vec<String>,
    pub signature_algorithms: Vec<CodePoint>,
    pub signature_algorithms_cert: Vec<CodePoint>,
    pub supported_groups: Vec<CodePoint>,
    pub key_share_groups: Vec<CodePoint>,
    pub ec_point_formats: Vec<u8>,
    pub post_handshake_auth: bool,
    pub renegotiation_info: bool,
    pub extended_master_secret: bool,
    pub session_ticket: bool,
    pub status_request: bool,
    /// Extensions in wire order.
    pub extensions: Vec<CodePoint>,
    pub ja3: String,
    pub ja3_hash: String,
    pub ja4: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerHello {
    pub frame: u64,
    pub time: f64,
    pub legacy_version: CodePoint,
    /// Negotiated version (supported_versions if present, else legacy_version).
    pub version: CodePoint,
    pub cipher_suite: CodePoint,
    pub compression_method: u8,
    pub random_hex: String,
    pub session_id_len: u8,
    pub extensions: Vec<CodePoint>,
    /// key_share group (TLS 1.3) or the requested group in a HelloRetryRequest.
    pub key_share_group: Option<CodePoint>,
    pub alpn: Option<String>,
    pub renegotiation_info: bool,
    pub extended_master_secret: bool,
    pub is_hello_retry_request: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EncryptedExtensions {
    pub frame: u64,
    pub extensions: Vec<CodePoint>,
    pub alpn: Option<String>,
    pub server_name_acknowledged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    /// Stable snake_case kind: `truncated_frame`, `bad_record_length`, `handshake_too_large`,
    /// `not_tls`, `capture_gap`, `malformed_handshake`, `unknown_link_type`, ...
    pub kind: String,
    pub frame: Option<u64>,
    pub side: Option<Side>,
    pub detail: String,
}

impl Anomaly {
    pub fn new(
        kind: &str,
        frame: Option<u64>,
        side: Option<Side>,
        detail: impl Into<String>,
    ) -> Self {
        Anomaly {
            kind: kind.to_owned(),
            frame,
            side,
            detail: detail.into(),
        }
    }
}

#[cfg(test)]
mod tests;
