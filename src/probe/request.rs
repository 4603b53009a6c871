//! What a user asks the probe for, as typed values — file paths, names, switches, choices and
//! where each secret comes from — and the one conversion of that request into the loaded
//! [`ProbeOptions`] (identity and trust store read, envelope read, proxy and headers parsed,
//! HTTP credentials assembled). `tlsdiag probe`/`compare` fill it from their flags, the
//! terminal UI from its probe form: both run the same code, so an option means the same thing
//! in both faces. Also writes what the request asked to keep (`--save`, `--keylog`).
//! Must not print (a face says what happened) nor log a secret.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::auth::{self, AuthMethod, AuthOptions, KerberosCredentials, NegotiateOptions};
use super::{ProbeError, ProbeOptions, ProbeReport};
use crate::identity::password::SecretString;
use crate::identity::IdentityError;
use crate::model::http_auth::AuthMode;

/// Where a password comes from.
#[derive(Debug, Clone)]
pub enum Secret {
    /// The command line's sources: the first line of this file, else the environment
    /// variable, else a prompt when standard input is a terminal — never argv.
    FileEnvOrPrompt(Option<PathBuf>),
    /// Typed into the terminal UI's form (masked); `None`: the field was left empty.
    Typed(Option<SecretString>),
}

impl Default for Secret {
    fn default() -> Self {
        Secret::FileEnvOrPrompt(None)
    }
}

/// The TLS versions offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsVersions {
    /// TLS 1.2 and 1.3.
    #[default]
    Both,
    Tls12Only,
    Tls13Only,
}

/// SOAP 1.1 (`text/xml` + `SOAPAction`) or 1.2 (`application/soap+xml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SoapVersion {
    #[default]
    Soap11,
    Soap12,
}

/// The HTTP authentication asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum HttpAuthRequest {
    #[default]
    None,
    /// HTTP Basic as this user (the password is [`ProbeRequest::http_password`]).
    Basic { user: String },
    /// SPNEGO/Kerberos: the `kinit` ticket cache, or `keytab` + `principal`, or `principal` and
    /// its password ([`ProbeRequest::http_password`]).
    Negotiate {
        spn: Option<String>,
        principal: Option<String>,
        keytab: Option<PathBuf>,
        delegate: bool,
        /// Seconds; `None` or 0: as long as the KDC allows.
        lifetime: Option<u64>,
    },
}

/// One probe as the user asked for it. Paths are read and strings parsed only by
/// [`ProbeRequest::options`].
#[derive(Debug, Clone, Default)]
pub struct ProbeRequest {
    pub url: String,
    /// Client identity: PEM (chain + key), PKCS#12 or JKS keystore.
    pub identity: Option<PathBuf>,
    pub alias: Option<String>,
    /// The keystore's (and the trust store's) password.
    pub keystore_password: Secret,
    /// Trusted CAs: PEM bundle or JKS/PKCS#12 truststore; `None`: the system roots.
    pub trust: Option<PathBuf>,
    /// Do not verify the server's certificate.
    pub insecure: bool,
    /// Server name to send instead of the URL's host.
    pub sni: Option<String>,
    pub tls: TlsVersions,
    /// Seconds for connect, handshake and response (at least 1).
    pub timeout_secs: u64,
    pub soap_action: Option<String>,
    /// File with the SOAP envelope to POST; `None`: a minimal valid envelope.
    pub envelope: Option<PathBuf>,
    pub soap: SoapVersion,
    /// Extra request headers as `K: V`.
    pub headers: Vec<String>,
    /// Send the identity even if its issuer is not among the server's accepted CAs.
    pub send_anyway: bool,
    /// `http://host:port` of a proxy to CONNECT through.
    pub proxy: Option<String>,
    pub http_auth: HttpAuthRequest,
    /// The HTTP password (Basic, or the Kerberos password of `principal`).
    pub http_password: Secret,
    /// When to send the credentials; `None`: preemptive.
    pub auth_mode: Option<AuthMode>,
    /// Save the probe's own connection as a pcap here.
    pub save: Option<PathBuf>,
    /// Write the TLS secrets (mode 0600) here.
    pub keylog: Option<PathBuf>,
}

/// Why a request could not become probe options (or its files could not be written). One
/// line each; the underlying error is the `source()`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    #[error("cannot use identity {path}")]
    Identity {
        path: String,
        #[source]
        source: IdentityError,
    },
    /// The identity error already names the file.
    #[error(transparent)]
    IdentityNamed(IdentityError),
    #[error("cannot use trust store {path}")]
    Trust {
        path: String,
        #[source]
        source: IdentityError,
    },
    #[error(transparent)]
    TrustNamed(IdentityError),
    #[error("trust store {path} holds no certificate")]
    TrustEmpty { path: String },
    #[error(transparent)]
    File(#[from] crate::userfile::UserFileError),
    #[error("envelope {path} is not UTF-8 text")]
    EnvelopeNotUtf8 { path: String },
    #[error("--header {header:?}: expected K:V")]
    Header { header: String },
    #[error(transparent)]
    Proxy(ProbeError),
    #[error("Basic credentials are only sent over TLS: use an https:// URL (a plain http:// probe without --user shows what the server asks for)")]
    BasicOverPlain,
    #[error("--http-password-file and --auth-mode need --user (Basic) or --negotiate")]
    AuthOptionsWithoutAuth,
    #[error("{}", auth::KERBEROS_MISSING)]
    NoKerberos,
    #[error("cannot read keytab {path}")]
    Keytab {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the HTTP password from {path}")]
    HttpPasswordFile {
        path: String,
        #[source]
        source: IdentityError,
    },
    #[error("{} is not UTF-8", auth::HTTP_PASSWORD_ENV)]
    HttpPasswordEnv,
    #[error("no HTTP password for {whose}: {hint}")]
    NoHttpPassword { whose: String, hint: &'static str },
    #[error("cannot read the password from the terminal")]
    Prompt(#[source] std::io::Error),
    #[error("cannot write {path}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// `error` with `path` as context, unless the error's own text already names the file.
fn naming(
    path: &Path,
    e: IdentityError,
    with: fn(String, IdentityError) -> RequestError,
    named: fn(IdentityError) -> RequestError,
) -> RequestError {
    let shown = path.display().to_string();
    if super::error_text(&e).contains(&shown) {
        named(e)
    } else {
        with(shown, e)
    }
}

impl ProbeRequest {
    /// Opens `path` (identity or trust store) with the keystore password from its source:
    /// typed, or the command line's file / environment / prompt (asked only if needed).
    fn with_keystore_password<T>(
        &self,
        open: impl Fn(Option<&SecretString>) -> Result<T, IdentityError>,
    ) -> Result<T, IdentityError> {
        match &self.keystore_password {
            Secret::FileEnvOrPrompt(f) => {
                crate::identity::password::with_password(f.as_deref(), open)
            }
            Secret::Typed(pw) => open(pw.as_ref()),
        }
    }

    /// The HTTP password for `whose` from its source.
    fn http_password(&self, whose: &str) -> Result<SecretString, RequestError> {
        match &self.http_password {
            Secret::Typed(Some(p)) => Ok(p.clone()),
            Secret::Typed(None) => Err(RequestError::NoHttpPassword {
                whose: whose.to_owned(),
                hint: "type it into the form's HTTP password field",
            }),
            Secret::FileEnvOrPrompt(Some(p)) => crate::identity::password::read_password_file(p)
                .map_err(|source| RequestError::HttpPasswordFile {
                    path: p.display().to_string(),
                    source,
                }),
            Secret::FileEnvOrPrompt(None) => {
                use std::io::IsTerminal as _;
                if let Some(v) = std::env::var_os(auth::HTTP_PASSWORD_ENV) {
                    let v = v.into_string().map_err(|_| RequestError::HttpPasswordEnv)?;
                    return Ok(SecretString::new(v));
                }
                if !std::io::stdin().is_terminal() {
                    return Err(RequestError::NoHttpPassword {
                        whose: whose.to_owned(),
                        hint: "give --http-password-file FILE or set TLSDIAG_HTTP_PASSWORD (it is never read from the command line)",
                    });
                }
                let p = rpassword::prompt_password(format!("HTTP password for {whose}: "))
                    .map_err(RequestError::Prompt)?;
                Ok(SecretString::new(p))
            }
        }
    }

    fn http_password_given(&self) -> bool {
        matches!(
            self.http_password,
            Secret::FileEnvOrPrompt(Some(_)) | Secret::Typed(Some(_))
        )
    }

    /// The HTTP credentials asked for, with their password read.
    fn auth_options(&self) -> Result<Option<AuthOptions>, RequestError> {
        let mode = self.auth_mode.unwrap_or(AuthMode::Preemptive);
        match &self.http_auth {
            HttpAuthRequest::None => {
                if self.http_password_given() || self.auth_mode.is_some() {
                    return Err(RequestError::AuthOptionsWithoutAuth);
                }
                Ok(None)
            }
            HttpAuthRequest::Basic { user } => {
                // RFC 7617 §4: the password would cross the network readable.
                if !self.url.starts_with("https://") {
                    return Err(RequestError::BasicOverPlain);
                }
                let password = self.http_password(user)?;
                Ok(Some(AuthOptions {
                    mode,
                    method: AuthMethod::Basic {
                        user: user.clone(),
                        password,
                    },
                }))
            }
            HttpAuthRequest::Negotiate {
                spn,
                principal,
                keytab,
                delegate,
                lifetime,
            } => {
                if !auth::KERBEROS_BUILT {
                    return Err(RequestError::NoKerberos);
                }
                let credentials = match (keytab, principal) {
                    (Some(k), Some(p)) => KerberosCredentials::Keytab {
                        keytab: k.clone(),
                        principal: p.clone(),
                    },
                    (None, Some(p)) => KerberosCredentials::Password {
                        principal: p.clone(),
                        password: self.http_password(p)?,
                    },
                    _ => KerberosCredentials::Ccache,
                };
                if let Some(k) = keytab {
                    // Fail here, with the path, rather than as a GSSAPI "key table entry not
                    // found".
                    std::fs::metadata(k).map_err(|source| RequestError::Keytab {
                        path: k.display().to_string(),
                        source,
                    })?;
                }
                Ok(Some(AuthOptions {
                    mode,
                    method: AuthMethod::Negotiate(NegotiateOptions {
                        spn: spn.clone(),
                        credentials,
                        delegate: *delegate,
                        lifetime: lifetime.filter(|s| *s > 0).map(Duration::from_secs),
                    }),
                }))
            }
        }
    }

    /// The request as probe options: every file read, every string parsed, here only.
    pub fn options(&self) -> Result<ProbeOptions, RequestError> {
        let identity = match &self.identity {
            Some(p) => Some(
                self.with_keystore_password(|pw| {
                    crate::identity::load(p, self.alias.as_deref(), pw)
                })
                .map_err(|e| {
                    naming(
                        p,
                        e,
                        |path, source| RequestError::Identity { path, source },
                        RequestError::IdentityNamed,
                    )
                })?,
            ),
            None => None,
        };
        let trust = match &self.trust {
            Some(p) => {
                let ks = self
                    .with_keystore_password(|pw| crate::identity::open(p, pw))
                    .map_err(|e| {
                        naming(
                            p,
                            e,
                            |path, source| RequestError::Trust { path, source },
                            RequestError::TrustNamed,
                        )
                    })?;
                let certs: Vec<_> = ks
                    .entries
                    .iter()
                    .flat_map(|e| e.chain_der.iter().cloned())
                    .collect();
                if certs.is_empty() {
                    return Err(RequestError::TrustEmpty {
                        path: p.display().to_string(),
                    });
                }
                Some(certs)
            }
            None => None,
        };
        let envelope = match &self.envelope {
            Some(p) => Some(
                String::from_utf8(
                    crate::userfile::read(p, crate::userfile::Kind::Envelope)?.to_vec(),
                )
                .map_err(|_| RequestError::EnvelopeNotUtf8 {
                    path: p.display().to_string(),
                })?,
            ),
            None => None,
        };
        let mut headers = Vec::new();
        for h in &self.headers {
            let (k, v) = h
                .split_once(':')
                .ok_or_else(|| RequestError::Header { header: h.clone() })?;
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
        Ok(ProbeOptions {
            url: self.url.clone(),
            identity,
            trust,
            insecure: self.insecure,
            sni: self.sni.clone(),
            tls12_only: self.tls == TlsVersions::Tls12Only,
            tls13_only: self.tls == TlsVersions::Tls13Only,
            timeout: Duration::from_secs(self.timeout_secs.max(1)),
            soap_action: self.soap_action.clone(),
            envelope,
            soap12: self.soap == SoapVersion::Soap12,
            headers,
            send_anyway: self.send_anyway,
            proxy: self
                .proxy
                .as_deref()
                .map(super::proxy::parse)
                .transpose()
                .map_err(RequestError::Proxy)?,
            auth: self.auth_options()?,
        })
    }

    /// Whether HTTP credentials travel in the saved call (the key log then decrypts them).
    pub fn sends_credentials(&self) -> bool {
        self.http_auth != HttpAuthRequest::None
    }

    /// Writes what the request asked to keep: the pcap of the probe's own connection
    /// (`save`) and its key log (`keylog`, mode 0600). Returns the paths written.
    pub fn save_outputs(&self, report: &ProbeReport) -> Result<Vec<PathBuf>, RequestError> {
        let mut written = Vec::new();
        let failed = |p: &Path| {
            let path = p.display().to_string();
            move |source| RequestError::Write { path, source }
        };
        if let Some(p) = &self.save {
            std::fs::write(p, &report.pcap).map_err(failed(p))?;
            written.push(p.clone());
        }
        if let Some(p) = &self.keylog {
            report.write_keylog(p).map_err(failed(p))?;
            written.push(p.clone());
        }
        Ok(written)
    }
}
