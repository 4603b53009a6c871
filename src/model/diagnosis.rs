//! The diagnosis's output in the model: findings with their evidence, and the per-stack verdicts
//! and identity checks an `--identity` adds (serialised as they are: part of the JSON contract).

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A diagnosis finding: a stable code, one sentence, the evidence and the fix.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable kebab-case code (`client-sent-empty-certificate`); see docs/diagnosis.md.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub evidence: Vec<Evidence>,
    /// Further lines (ranked likely causes, accepted issuers, ...).
    pub details: Vec<String>,
    pub fix: Option<String>,
    /// Per-stack verdicts when an identity was given.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub stack_verdicts: Vec<StackVerdict>,
    /// The identity checked against this connection's CertificateRequest (schema 1.2; only
    /// with `--identity`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub identity_check: Option<Box<IdentityCheck>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub frame: Option<u64>,
    pub field: String,
    pub value: String,
}

/// A client TLS stack whose certificate choice tlsdiag simulates (identity::select).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ClientStack {
    #[serde(rename = "jsse-sunx509")]
    JsseSunX509,
    #[serde(rename = "jsse-pkix")]
    JssePkix,
    #[serde(rename = "openssl")]
    OpenSsl,
    #[serde(rename = "go")]
    Go,
    #[serde(rename = "dotnet")]
    DotNet,
    #[serde(rename = "rustls")]
    Rustls,
}

impl ClientStack {
    /// Report order.
    pub const ALL: [ClientStack; 6] = [
        ClientStack::JsseSunX509,
        ClientStack::JssePkix,
        ClientStack::OpenSsl,
        ClientStack::Go,
        ClientStack::DotNet,
        ClientStack::Rustls,
    ];
    /// The JSON id (`jsse-sunx509`, ...).
    pub fn id(self) -> &'static str {
        match self {
            ClientStack::JsseSunX509 => "jsse-sunx509",
            ClientStack::JssePkix => "jsse-pkix",
            ClientStack::OpenSsl => "openssl",
            ClientStack::Go => "go",
            ClientStack::DotNet => "dotnet",
            ClientStack::Rustls => "rustls",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ClientStack::JsseSunX509 => "Java JSSE, SunX509 key manager (the default)",
            ClientStack::JssePkix => "Java JSSE, PKIX/NewSunX509 key manager",
            ClientStack::OpenSsl => "OpenSSL / curl",
            ClientStack::Go => "Go crypto/tls",
            ClientStack::DotNet => ".NET / SChannel",
            ClientStack::Rustls => "rustls (built-in resolver)",
        }
    }
}

/// Would the stack send the certificate?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Sent,
    NotSent,
    /// It rests on something outside the keystore (platform settings, which entry a client is
    /// configured with).
    Depends,
}

/// The fact that decided a verdict (JSON `cause`, schema 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictCause {
    /// A trusted-certificate entry, an unreadable key, or no certificate.
    NoPrivateKey,
    /// The private key does not belong to the certificate.
    KeyMismatch,
    /// The stack refuses a key this small.
    KeyTooSmall,
    /// TLS 1.2: none of the server's signature algorithms is one JSSE knows (JSSE aborts).
    NoKnownSignatureAlgorithm,
    /// TLS 1.2 certificate_types exclude the key type.
    CertificateTypeExcluded,
    /// No signature scheme both the server accepts and the key can make.
    NoCommonSignatureScheme,
    /// The server lists CAs and none issued a certificate of the chain.
    IssuerNotListed,
    /// The issuer equals a listed CA only canonically (DER encodings differ).
    IssuerEncodingDiffers,
    /// A listed CA issued a certificate of the chain.
    IssuerListed,
    /// The server's CA list is empty.
    AnyIssuer,
    /// The stack ignores the CA list and sends the configured certificate.
    CaListIgnored,
    /// JSSE PKIX: expired or without clientAuth, sent as the best imperfect match.
    ImperfectMatch,
    /// Several entries: this stack's key manager picks another entry (or none).
    OtherEntryChosen,
    /// Several entries: this stack sends whichever one entry it is configured with.
    ConfiguredEntry,
    /// Several entries: none of them fits the request.
    NoEntryFits,
    /// A JKS key needs a password other than the store's: SunX509 cannot even start.
    KeyPasswordDiffers,
    /// It rests on the platform (Windows certificate store, security level).
    Platform,
}

/// Would a given client stack send the given identity for a given CertificateRequest?
#[derive(Debug, Clone, Serialize)]
pub struct StackVerdict {
    /// `jsse-sunx509`, `jsse-pkix`, `openssl`, `go`, `dotnet`, `rustls`.
    pub stack: ClientStack,
    pub label: String,
    /// `sent`, `not_sent`, `depends`.
    pub verdict: Verdict,
    pub reason: String,
    pub cause: VerdictCause,
}

/// `--identity` checked against one CertificateRequest: per-entry verdicts, JSSE's own choice
/// when the keystore holds several private-key entries, and whether the certificate on the
/// wire is this identity's (JSON `identity_check`, schema 1.2).
#[derive(Debug, Clone, Serialize)]
pub struct IdentityCheck {
    /// The keystore or certificate file.
    pub keystore: String,
    /// `JKS`, `PKCS#12`, `PEM`, ...
    pub format: String,
    /// The entry checked (`--alias`, or the only private-key entry); null = every entry.
    pub alias: Option<String>,
    pub entries: Vec<EntryCheck>,
    /// With several private-key entries and no `--alias`: what each JSSE key manager picks.
    pub jsse_choices: Vec<JsseChoice>,
    pub wire: WireCheck,
}

/// One private-key entry's verdicts.
#[derive(Debug, Clone, Serialize)]
pub struct EntryCheck {
    pub alias: String,
    pub leaf_subject: Option<String>,
    pub leaf_sha256: Option<String>,
    pub verdicts: Vec<StackVerdict>,
}

/// `X509KeyManagerImpl.CheckResult` for a client certificate, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PkixCheck {
    Ok,
    Expired,
    ExtensionMismatch,
}

/// Which alias a JSSE key manager returns for this request.
#[derive(Debug, Clone, Serialize)]
pub struct JsseChoice {
    /// `jsse-sunx509` or `jsse-pkix`.
    pub key_manager: ClientStack,
    /// null: JSSE sends an empty Certificate (or, with `init_failure`, never connects).
    pub alias: Option<String>,
    /// Key types asked for, in order (`RSA`, `EC`, `RSASSA-PSS`, `EdDSA`, `DSA`).
    pub key_types: Vec<String>,
    /// Private-key aliases in the order the key manager walks them.
    pub order: Vec<String>,
    /// PKIX: how good the chosen match is.
    pub pkix_check: Option<PkixCheck>,
    pub reason: String,
    pub init_failure: Option<String>,
}

/// Is the certificate the client sent this identity's?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WireStatus {
    /// Same leaf (SHA-256) and the same chain, certificate for certificate.
    SameChain,
    /// Same leaf, another chain (more, fewer or other CA certificates).
    SameLeafOtherChain,
    /// Another leaf: this capture's client used another key.
    OtherCertificate,
    /// An empty Certificate message.
    EmptyCertificate,
    /// Seen to be absent: the client's flight went on (or the connection ended) without one.
    NoCertificate,
    /// Not visible (encrypted without keys, not captured, truncated): `unknown` says why and what
    /// would show it.
    Unknown,
}

#[derive(Debug, Clone, Serialize)]
pub struct WireCheck {
    pub status: WireStatus,
    /// The client Certificate message.
    pub frame: Option<u64>,
    /// The keystore entry whose leaf was sent (several entries: which one).
    pub alias: Option<String>,
    pub sent_leaf_subject: Option<String>,
    pub sent_leaf_sha256: Option<String>,
    pub sent_chain_length: Option<usize>,
    /// The chain length stored for `alias`.
    pub stored_chain_length: Option<usize>,
    /// With `status` `unknown`: why, and what would reveal it.
    pub unknown: Option<crate::model::Unknown>,
}
