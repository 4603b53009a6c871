//! One short text per kind of fact (issue 17 §4: "one formatter per kind of fact"): a key
//! (`RSA 2048`, `EC secp256r1`), an alert (`fatal handshake_failure (40)`), a list of code
//! points cut after a few. Every face (text, Markdown, TUI, compare, diagnosis sentences, the
//! probe's failure sentences, the decoders' outcome summaries) names these facts through here,
//! so they read the same everywhere. Names only: no layout, no colour, no terminal escaping
//! (the faces escape what came from the wire; these texts hold only our names and numbers,
//! except a key's algorithm or curve, which is an OID's dotted text when unknown, and the
//! Kerberos line's principal and SPN).

use super::http_auth::{CredentialSource, KerberosFacts, MutualAuth};
use super::{Alert, AlertDescription, AlertMessage, CodePoint, PublicKeyInfo};

impl PublicKeyInfo {
    /// `RSA 2048`, `EC secp256r1` (the curve names the size), `Ed25519`, or the algorithm alone
    /// when neither size nor curve is known.
    pub fn label(&self) -> String {
        match (&self.curve, self.bits) {
            (Some(curve), _) => format!("{} {curve}", self.algorithm),
            (None, Some(b)) => format!("{} {b}", self.algorithm),
            (None, None) => self.algorithm.clone(),
        }
    }
}

impl AlertDescription {
    /// `handshake_failure (40)`, `unknown_200 (200)`.
    pub fn with_code(self) -> String {
        format!("{} ({})", self.label(), self.0)
    }
}

impl AlertMessage {
    /// `fatal handshake_failure (40)`.
    pub fn text(self) -> String {
        format!("{} {}", self.level.label(), self.description.with_code())
    }
}

impl Alert {
    /// `fatal handshake_failure (40)`, or `an encrypted alert` when it could not be read.
    pub fn text(&self) -> String {
        match self.message {
            Some(m) => m.text(),
            None => "an encrypted alert".to_owned(),
        }
    }
}

/// The first `max` names, then `… (N in all)`: `x25519, secp256r1, … (10 in all)`.
pub fn label_list(v: &[CodePoint], max: usize) -> String {
    let mut s: Vec<String> = v.iter().take(max).map(CodePoint::label).collect();
    if v.len() > max {
        s.push(format!("… ({} in all)", v.len()));
    }
    s.join(", ")
}

/// A protocol version as the reports write it: `TLS 1.2`, `SSL 3.0`; other values (drafts,
/// JSSE's names, unknown numbers) by their code point's label.
pub fn short_version(v: &CodePoint) -> String {
    match v.code {
        0x0300 => "SSL 3.0".into(),
        0x0301 => "TLS 1.0".into(),
        0x0302 => "TLS 1.1".into(),
        0x0303 => "TLS 1.2".into(),
        0x0304 => "TLS 1.3".into(),
        _ => v.label(),
    }
}

impl KerberosFacts {
    /// One line of what the Kerberos side did, as every face shows it: "alice@REALM from the
    /// credential cache → HTTP/host · mutual authentication verified" (+ delegation, lifetime).
    /// Raw names: each face escapes it for the terminal.
    pub fn summary(&self) -> String {
        let source = match self.credential_source {
            CredentialSource::Ccache => "the credential cache",
            CredentialSource::Keytab => "a keytab",
            CredentialSource::Password => "a password",
        };
        let mutual = match self.mutual_auth {
            MutualAuth::Verified => "mutual authentication verified",
            MutualAuth::NotSent => "no mutual-authentication token from the server",
            MutualAuth::Failed => "mutual authentication FAILED",
            MutualAuth::NotReached => "mutual authentication not reached",
        };
        let mut line = format!(
            "{} from {source} → {} · {mutual}",
            self.client_principal.as_deref().unwrap_or("?"),
            self.spn
        );
        if self.delegation_requested {
            line.push_str(match self.delegation_granted {
                Some(true) => " · delegation granted",
                Some(false) => " · delegation requested, not granted",
                None => " · delegation requested",
            });
        }
        if let Some(l) = self.credential_lifetime_s {
            line.push_str(&format!(" · credentials valid {l} s"));
        }
        line
    }
}
