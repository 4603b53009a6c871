//! HTTP authentication facts: what an HTTP client sent (scheme, token kind and length — never a
//! token or password), what the server answered each time (status, the `WWW-Authenticate`
//! schemes), and for SPNEGO/Kerberos the GSSAPI outcome with its typed error. The probe fills
//! them from its own exchange; the rules in `diagnose/http_auth.rs` read only these.
//! Must not parse HTTP or call GSSAPI (probe/auth does) and must not format.
//!
//! Field names are the JSON contract (`probe.http.auth`, docs/json-schema.md, since 1.2).

use serde::Serialize;

/// The HTTP authentication scheme a client used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum AuthScheme {
    Basic,
    /// SPNEGO (RFC 4178) over HTTP (RFC 4559), Kerberos inside.
    Negotiate,
}

impl AuthScheme {
    /// The scheme name as it appears in the `Authorization` header.
    pub fn header_name(self) -> &'static str {
        match self {
            AuthScheme::Basic => "Basic",
            AuthScheme::Negotiate => "Negotiate",
        }
    }
}

/// When the credentials were sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum AuthMode {
    /// With the first request, before any challenge (what JAX-WS/WebSphere do).
    #[default]
    Preemptive,
    /// Only after a 401 whose `WWW-Authenticate` offers the scheme (what browsers and curl do).
    Challenge,
}

/// One `WWW-Authenticate` challenge: the scheme, its realm if given, and the length of a token
/// if the server sent one (a Negotiate answer carries the mutual-authentication token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Challenge {
    pub scheme: String,
    pub realm: Option<String>,
    /// Length in bytes of the decoded token (Negotiate/NTLM); null when there was none.
    pub token_len: Option<usize>,
    /// What the token is (`spnego-response`, `krb5-ap-rep`, `ntlm` …); null without a token.
    pub token_kind: Option<String>,
}

/// What one request carried in its `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentCredential {
    pub scheme: AuthScheme,
    /// `basic-credentials`, `spnego-init` (SPNEGO NegTokenInit wrapping a Kerberos AP-REQ),
    /// `krb5-ap-req`, `spnego-response`.
    pub token_kind: String,
    /// Length in bytes of the token (Basic: of `user:password` base64-encoded, as sent).
    pub token_len: usize,
}

/// One request/response round of the exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthAttempt {
    /// 1 for the first request on the connection.
    pub request: u32,
    /// The credential sent, or null when the request went without one.
    pub sent: Option<SentCredential>,
    /// The status of the answer; null when none was read (see `note`).
    pub status: Option<u16>,
    /// The challenges of the answer.
    pub challenges: Vec<Challenge>,
    /// Why this round happened or ended as it did, when that is not plain from the rest.
    pub note: Option<String>,
}

/// Where the Kerberos credentials came from (the WebSphere `spnegoLoginMechanism`s a Linux
/// client has).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CredentialSource {
    /// A credential cache made by `kinit` (KRB5CCNAME or the default).
    Ccache,
    /// A keytab and a principal (`--keytab F --principal P`).
    Keytab,
    /// A principal and a password: a TGT is requested from the KDC.
    Password,
}

/// The cause of a GSSAPI/Kerberos failure, from the MIT minor status code (the krb5 com_err
/// table) or the GSSAPI major status — never from the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KerberosErrorKind {
    /// KDC_ERR_S_PRINCIPAL_UNKNOWN: "Server … not found in Kerberos database".
    SpnUnknown,
    /// KDC_ERR_C_PRINCIPAL_UNKNOWN: the client principal does not exist.
    ClientUnknown,
    /// KRB5_KDC_UNREACH / KRB5_REALM_CANT_RESOLVE: "Cannot contact any KDC for realm".
    KdcUnreachable,
    /// KRB_AP_ERR_SKEW: "Clock skew too great".
    ClockSkew,
    /// KDC_ERR_ETYPE_NOSUPP or no usable enctype in the cache.
    EnctypeUnsupported,
    /// KDC_ERR_PREAUTH_FAILED / bad integrity: the password or key is wrong.
    PreauthFailed,
    /// No credential cache or no TGT in it (GSS_S_NO_CRED).
    NoCredentials,
    /// The TGT in the cache has expired.
    TicketExpired,
    /// The keytab has no key for the principal, or cannot be read.
    KeytabUnusable,
    /// Anything else (the codes and texts are kept).
    Other,
}

/// Which GSSAPI call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KerberosStage {
    /// Getting the client's credentials (TGT): gss_acquire_cred[_with_password].
    AcquireCredentials,
    /// Getting a service ticket and building the token: gss_init_sec_context.
    InitContext,
    /// Checking the server's answer token (mutual authentication).
    MutualAuth,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KerberosFailure {
    pub stage: KerberosStage,
    pub kind: KerberosErrorKind,
    /// GSSAPI major status code and its text ("Unspecified GSS failure. …").
    pub major: u32,
    pub major_text: String,
    /// Mechanism (MIT krb5) minor status code and its text — the real cause, e.g.
    /// "Server HTTP/x@REALM not found in Kerberos database".
    pub minor: u32,
    pub minor_text: String,
}

/// Whether the server proved its identity back (RFC 4559 §5: the final `WWW-Authenticate:
/// Negotiate <token>` of the 200 carries the Kerberos AP-REP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MutualAuth {
    /// The server's token completed the context: the server holds the service key.
    Verified,
    /// The success answer carried no Negotiate token, so the server was not verified.
    NotSent,
    /// The server's token did not verify (see the failure).
    Failed,
    /// No success answer to check.
    NotReached,
}

/// SPNEGO/Kerberos facts of the probe's exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KerberosFacts {
    pub credential_source: CredentialSource,
    /// The client principal as GSSAPI named it (`alice@REALM`), when credentials were acquired.
    pub client_principal: Option<String>,
    /// The service principal asked for (`HTTP/host`).
    pub spn: String,
    /// `--delegate`: a forwardable TGT was offered to the server (GSS_C_DELEG_FLAG).
    pub delegation_requested: bool,
    /// Whether the context came out with delegation (the KDC and the service account allow it).
    pub delegation_granted: Option<bool>,
    /// `--lifetime` in seconds (the credential lifetime asked for), null = as long as possible.
    pub lifetime_requested_s: Option<u64>,
    /// Remaining lifetime of the credentials acquired, in seconds.
    pub credential_lifetime_s: Option<u64>,
    pub mutual_auth: MutualAuth,
    pub failure: Option<KerberosFailure>,
}

/// The whole HTTP authentication story of one probe: `probe.http.auth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpAuth {
    pub scheme: AuthScheme,
    pub mode: AuthMode,
    /// The user for Basic (`--user`); null for Negotiate (see `kerberos.client_principal`).
    pub user: Option<String>,
    /// The requests of the exchange, in order.
    pub attempts: Vec<AuthAttempt>,
    /// `true` when the final answer is neither 401 nor 407 after credentials were sent, i.e. the
    /// server accepted them (its status may still be an error of the service).
    pub accepted: bool,
    /// One sentence on how the credentials went: "Basic sent preemptively",
    /// "Negotiate sent after a 401 Negotiate challenge", "not sent: …".
    pub summary: String,
    /// The last answer's `Date` minus this host's clock when it arrived, in seconds; null
    /// without a readable `Date`. Kerberos tolerates 300 s by default (krb5.conf clockskew).
    pub server_clock_offset_s: Option<i64>,
    pub kerberos: Option<KerberosFacts>,
}
