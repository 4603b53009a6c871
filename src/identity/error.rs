//! The identity room's error type: one line per failure a user can fix (wrong password, unknown
//! alias, corrupt file, entry without a key). Messages never contain key material or passwords.

use std::path::PathBuf;

/// Why a keystore or key file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// The file could not be read (missing, a directory or device, over the size cap, a
    /// pipe that delivered nothing): see `userfile`.
    #[error(transparent)]
    File(#[from] crate::userfile::UserFileError),
    #[error("{}: empty file", path.display())]
    Empty { path: PathBuf },
    #[error("{}: not a keystore or key file this tool reads (PEM, PKCS#12/.p12/.pfx, JKS, DER certificate or key)", path.display())]
    UnknownFormat { path: PathBuf },
    #[error("{}: {format} keystores are not supported ({hint})", path.display())]
    UnsupportedFormat {
        path: PathBuf,
        format: &'static str,
        hint: &'static str,
    },
    #[error("{}: corrupt {format} file: {detail}", path.display())]
    Corrupt {
        path: PathBuf,
        format: &'static str,
        detail: String,
    },
    #[error("{}: wrong password for this {format} file (integrity check or decryption failed)", path.display())]
    WrongPassword { path: PathBuf, format: &'static str },
    #[error("{}: {what} is password-protected; give --password-file FILE or set TLSDIAG_PASSWORD", path.display())]
    PasswordRequired { path: PathBuf, what: &'static str },
    #[error("{}: {detail}", path.display())]
    UnsupportedEncryption { path: PathBuf, detail: String },
    /// A key-derivation parameter over tlsdiag's cap (identity::pbe): refused before any work.
    #[error("{}: {detail}; refusing to derive the key (keytool writes at most 5000000 iterations, openssl 2048 by default)", path.display())]
    KdfLimit { path: PathBuf, detail: String },
    #[error("{}: no entry with alias '{alias}'; aliases in this file: {}", path.display(), list(available))]
    UnknownAlias {
        path: PathBuf,
        alias: String,
        available: Vec<String>,
    },
    #[error("{}: several private-key entries ({}); choose one with --alias (`tlsdiag analyze --identity` shows which one JSSE would pick)", path.display(), list(available))]
    AmbiguousAlias {
        path: PathBuf,
        available: Vec<String>,
    },
    #[error("{}: entry '{alias}' has no private key ({why}); it cannot be used as a client identity", path.display())]
    NoPrivateKey {
        path: PathBuf,
        alias: String,
        why: &'static str,
    },
    #[error("{}: no certificate found for the private key; add the certificate (chain) file", path.display())]
    NoCertificate { path: PathBuf },
    #[error("cannot read the password from the terminal: {0}")]
    PasswordPrompt(std::io::Error),
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "(none)".to_owned()
    } else {
        v.join(", ")
    }
}
