//! What a connection carried in plaintext before its TLS handshake: an HTTP CONNECT or SOCKS
//! exchange with a proxy, a HAProxy PROXY protocol header, or a STARTTLS-style upgrade (SMTP,
//! IMAP, POP3, FTP, LDAP, XMPP, PostgreSQL, MySQL). Facts only, each citing its frame; the
//! `upgrade` room reads them, the report shows them above the handshake ladder. Credentials are
//! never kept: of a Proxy-Authorization header only its scheme and length, of a SOCKS5
//! username/password only the lengths, and text protocols' login commands only their verb.

use super::{Endpoint, Side};
use serde::Serialize;

/// The plaintext protocol spoken before TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UpgradeProtocol {
    /// HTTP `CONNECT host:port` to a proxy (RFC 9110 §9.3.6).
    HttpConnect,
    Socks4,
    /// SOCKS4 with the host name sent to the proxy (address 0.0.0.x).
    Socks4a,
    /// RFC 1928.
    Socks5,
    /// HAProxy PROXY protocol, text header.
    ProxyV1,
    /// HAProxy PROXY protocol, binary header.
    ProxyV2,
    /// SMTP STARTTLS (RFC 3207).
    Smtp,
    /// IMAP STARTTLS (RFC 9051 §6.2.1).
    Imap,
    /// POP3 STLS (RFC 2595 §4).
    Pop3,
    /// FTP AUTH TLS (RFC 4217 §4).
    Ftp,
    /// LDAP StartTLS extended operation 1.3.6.1.4.1.1466.20037 (RFC 4511 §4.14).
    Ldap,
    /// XMPP `<starttls/>` (RFC 6120 §5).
    Xmpp,
    /// PostgreSQL SSLRequest (protocol 3, "SSL Session Encryption").
    Postgres,
    /// MySQL/MariaDB SSL request packet (CLIENT_SSL in the handshake response).
    Mysql,
}

impl UpgradeProtocol {
    /// How the report names it.
    pub fn label(self) -> &'static str {
        match self {
            UpgradeProtocol::HttpConnect => "HTTP CONNECT proxy",
            UpgradeProtocol::Socks4 => "SOCKS4 proxy",
            UpgradeProtocol::Socks4a => "SOCKS4a proxy",
            UpgradeProtocol::Socks5 => "SOCKS5 proxy",
            UpgradeProtocol::ProxyV1 => "PROXY protocol v1 header",
            UpgradeProtocol::ProxyV2 => "PROXY protocol v2 header",
            UpgradeProtocol::Smtp => "SMTP STARTTLS",
            UpgradeProtocol::Imap => "IMAP STARTTLS",
            UpgradeProtocol::Pop3 => "POP3 STLS",
            UpgradeProtocol::Ftp => "FTP AUTH TLS",
            UpgradeProtocol::Ldap => "LDAP StartTLS",
            UpgradeProtocol::Xmpp => "XMPP STARTTLS",
            UpgradeProtocol::Postgres => "PostgreSQL SSLRequest",
            UpgradeProtocol::Mysql => "MySQL SSL request",
        }
    }

    /// A proxy in the path (the TCP server is the proxy, the target is named).
    pub fn is_proxy(self) -> bool {
        matches!(
            self,
            UpgradeProtocol::HttpConnect
                | UpgradeProtocol::Socks4
                | UpgradeProtocol::Socks4a
                | UpgradeProtocol::Socks5
        )
    }
}

/// What became of the request to start TLS (or to open the tunnel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UpgradeResult {
    /// The peer agreed (HTTP 2xx, SOCKS granted, SMTP 220, IMAP OK, POP3 +OK, FTP 234, LDAP
    /// success, XMPP `<proceed/>`, PostgreSQL `S`); for a PROXY header (no answer exists): sent.
    Accepted,
    /// The peer said no (407, 403, a SOCKS failure code, SMTP 454, PostgreSQL `N`, ...).
    Refused,
    /// The request is in the capture, an answer is not.
    NoAnswer,
}

/// One plaintext message of the preamble, as the ladder shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreambleStep {
    pub from: Side,
    pub frame: u64,
    /// The message as text (one line of a text protocol, a summary of a binary one); never a
    /// credential. Untrusted: the report escapes it.
    pub text: String,
}

/// A Proxy-Authorization header the client sent: the scheme, never the credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProxyCredential {
    pub frame: u64,
    /// `Basic`, `Negotiate`, `NTLM`, `Digest`, ...
    pub scheme: String,
    /// Length in bytes of what followed the scheme.
    pub length: usize,
}

/// The plaintext exchange before TLS on one connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preamble {
    pub protocol: UpgradeProtocol,
    pub result: UpgradeResult,
    /// CONNECT authority or SOCKS destination (`host:port`) the client asked the proxy for.
    pub target: Option<String>,
    /// PROXY protocol: the client the proxy accepted, and the address it was connected to.
    pub original_client: Option<Endpoint>,
    pub original_destination: Option<Endpoint>,
    /// The request that asks for TLS or for the tunnel (the last one, when repeated).
    pub command: Option<PreambleStep>,
    /// The answer to it.
    pub reply: Option<PreambleStep>,
    /// The answer's code: HTTP status, SOCKS reply code, SMTP/FTP reply code, LDAP resultCode.
    pub reply_code: Option<u32>,
    /// Proxy-Authorization headers sent (scheme and length only).
    pub proxy_authorization: Vec<ProxyCredential>,
    /// Schemes a 407's Proxy-Authenticate headers offered (`Basic realm="x"` → `Basic`).
    pub proxy_authenticate: Vec<String>,
    /// The plaintext messages in order (bounded; `steps_omitted` counts the rest).
    pub steps: Vec<PreambleStep>,
    pub steps_omitted: u32,
    /// First frame of TLS from each side, when TLS followed.
    pub client_tls_frame: Option<u64>,
    pub server_tls_frame: Option<u64>,
}
