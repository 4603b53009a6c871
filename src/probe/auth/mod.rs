//! HTTP authentication for the probe, as SOAP clients do it: Basic (RFC 7617) and SPNEGO/
//! Kerberos `Negotiate` (RFC 4559), sent preemptively (JAX-WS, WebSphere) or after a 401
//! challenge (curl, browsers), on the one TLS connection the probe records. Owns the options,
//! the request/response rounds (`exchange.rs`) and the facts they leave
//! ([`crate::model::http_auth::HttpAuth`]). Must not decide what a failure means — the rules in
//! `diagnose/http_auth.rs` do — and must never print or store a password or token value: only
//! the scheme, the token's kind and its length.

pub mod basic;
pub mod exchange;
#[cfg(feature = "kerberos")]
pub mod negotiate;

/// Token kinds live with the HTTP parsing (`crate::http::token`).
pub use crate::http::token;

use std::path::PathBuf;
use std::time::Duration;

use crate::identity::password::SecretString;
use crate::model::http_auth::AuthMode;

pub use crate::model::http_auth::AuthScheme;

/// Whether this build can do `--negotiate` (cargo feature `kerberos`, which links MIT GSSAPI).
pub const KERBEROS_BUILT: bool = cfg!(feature = "kerberos");

/// What `--negotiate` says in a build without the feature.
pub const KERBEROS_MISSING: &str =
    "built without Kerberos (feature kerberos): --negotiate needs a build with `--features kerberos` and the system's MIT GSSAPI (libgssapi-krb5)";

/// The environment variable that may hold the HTTP password (Basic, or a Kerberos password
/// login) — distinct from the keystore password's `TLSDIAG_PASSWORD`.
pub const HTTP_PASSWORD_ENV: &str = "TLSDIAG_HTTP_PASSWORD";

/// HTTP credentials for the probe.
#[derive(Debug, Clone)]
pub struct AuthOptions {
    pub mode: AuthMode,
    pub method: AuthMethod,
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AuthMethod {
    Basic {
        user: String,
        password: SecretString,
    },
    Negotiate(NegotiateOptions),
}

impl AuthMethod {
    pub fn scheme(&self) -> AuthScheme {
        match self {
            AuthMethod::Basic { .. } => AuthScheme::Basic,
            AuthMethod::Negotiate(_) => AuthScheme::Negotiate,
        }
    }
}

/// `--negotiate` and its options (the WebSphere `spnego*` properties: docs/http-auth.md).
#[derive(Debug, Clone, Default)]
pub struct NegotiateOptions {
    /// `--spn`: the service principal; default `HTTP/<host of the URL>`.
    pub spn: Option<String>,
    pub credentials: KerberosCredentials,
    /// `--delegate`: ask for delegation (a forwarded TGT for the service).
    pub delegate: bool,
    /// `--lifetime`: credential lifetime to ask for; `None` = as long as possible.
    pub lifetime: Option<Duration>,
}

impl NegotiateOptions {
    /// The SPN to ask a ticket for.
    pub fn spn_for(&self, host: &str) -> String {
        self.spn
            .clone()
            .unwrap_or_else(|| format!("HTTP/{}", host.to_ascii_lowercase()))
    }
}

/// Where the Kerberos credentials come from.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum KerberosCredentials {
    /// The credential cache made by `kinit` (KRB5CCNAME or the default).
    #[default]
    Ccache,
    /// A keytab holding the principal's key (`--keytab F --principal P`).
    Keytab { keytab: PathBuf, principal: String },
    /// A principal and its password: a TGT is requested from the KDC.
    Password {
        principal: String,
        password: SecretString,
    },
}

use crate::http::auth::decode_token;
pub use crate::http::auth::{challenges, redact_headers};

/// The Negotiate token of an answer, decoded (the mutual-authentication token of a 200).
pub(crate) fn negotiate_token(headers: &[(String, String)]) -> Option<Vec<u8>> {
    headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("www-authenticate"))
        .flat_map(|(_, v)| crate::http::split_unquoted(v))
        .find_map(|piece| {
            let (scheme, rest) = piece.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("negotiate")
                .then(|| decode_token(rest.trim()))
                .flatten()
        })
}

/// An HTTP `Date` (IMF-fixdate, RFC 9110 §5.6.7: `Sun, 06 Nov 1994 08:49:37 GMT`) as Unix
/// seconds; the obsolete forms are not accepted (null then, as for no Date at all).
pub(crate) fn http_date_unix(v: &str) -> Option<i64> {
    let mut w = v.split_whitespace();
    let _weekday = w.next()?.strip_suffix(',')?;
    let day: i64 = w.next()?.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mon = w.next()?;
    let month = i64::try_from(MONTHS.iter().position(|m| *m == mon)? + 1).ok()?;
    let year: i64 = w.next()?.parse().ok()?;
    let mut hms = w.next()?.split(':').map(|x| x.parse::<i64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if w.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm), proleptic Gregorian.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3_600 + m * 60 + s)
}

#[cfg(test)]
mod tests;
