//! identity room: reads client identities and truststores — PEM (certificate chain + PKCS#8,
//! PKCS#1 or SEC1 key, encrypted PKCS#8, legacy OpenSSL `Proc-Type: 4,ENCRYPTED`), PKCS#12
//! (.p12/.pfx, OpenSSL or Java keytool made, with aliases), JKS — and simulates which client
//! stacks would send a given entry for a given `CertificateRequest` ([`select::simulate`]).
//! It must not know rustls configuration (the probe builds that) nor print key material.
//!
//! # API for the other rooms
//! - [`open`] / [`open_files`]`(paths, password) -> Keystore`: every entry of a file (or of a
//!   certificate file plus a key file), format detected by content, not by extension.
//! - [`load`]`(path, alias, password) -> LoadedIdentity`: one private-key entry usable as a
//!   client identity: [`LoadedIdentity::chain_der`] (leaf first, rustls-pki-types
//!   `CertificateDer`), [`LoadedIdentity::key_der`] (`PrivateKeyDer`, a copy the caller owns),
//!   and the model view in `entry.chain` (`model::CertInfo`). With `alias: None` the file must
//!   hold exactly one private-key entry.
//! - [`password::obtain`]`(password_file)`: `--password-file`, `TLSDIAG_PASSWORD`, a terminal
//!   prompt, or none. Passwords never come from argv. [`password::with_password`]`(file, |pw|
//!   load(path, alias, pw))` prompts only when the file turns out to need a password.
//! - [`select::simulate`]`(entry, request, version, at_unix) -> Vec<StackVerdict>`, and
//!   [`jsse::sunx509`] / [`jsse::pkix`] (which alias each JSSE key manager picks from a keystore).
//! - [`inspect::inspect`]: the `tlsdiag identity inspect` report (text and JSON).
//!
//! Errors are [`IdentityError`]: wrong password, unknown alias (listing the aliases that exist),
//! corrupt or unknown file, entry without a key — each one line.

pub mod check;
mod der;
mod error;
pub mod inspect;
mod jks;
pub(crate) mod jsse;
pub(crate) mod key;
pub mod password;
mod pbe;
mod pem;
mod pkcs12;
pub(crate) mod select;

#[cfg(test)]
mod bounds_tests;
#[cfg(test)]
mod jsse_tests;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use rustls_pki_types::{CertificateDer, PrivateKeyDer};

pub use error::IdentityError;
pub use key::{KeyMatch, PrivateKey};
pub use password::SecretString;

use crate::model::CertInfo;

/// The container a keystore was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeystoreFormat {
    Pem,
    Pkcs12,
    Jks,
    Jceks,
    /// A bare DER certificate or key.
    Der,
}

impl KeystoreFormat {
    pub fn name(self) -> &'static str {
        match self {
            KeystoreFormat::Pem => "PEM",
            KeystoreFormat::Pkcs12 => "PKCS#12",
            KeystoreFormat::Jks => "JKS",
            KeystoreFormat::Jceks => "JCEKS",
            KeystoreFormat::Der => "DER",
        }
    }
}

/// keytool's two entry kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A private key with its certificate chain: usable as a client identity.
    PrivateKey,
    /// A certificate without a key: a truststore entry, never a client identity.
    TrustedCertificate,
}

/// One keystore entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub alias: String,
    pub kind: EntryKind,
    /// Creation time (Unix seconds) when the format stores one (JKS does; PKCS#12 and PEM don't).
    pub created_unix: Option<i64>,
    /// Leaf first, in the order the keystore holds (and JSSE sends) them.
    pub chain_der: Vec<CertificateDer<'static>>,
    /// The same chain as model facts.
    pub chain: Vec<CertInfo>,
    pub key: Option<PrivateKey>,
    /// Whether the key belongs to the leaf certificate; `None` when there is no key or no leaf.
    pub key_match: Option<KeyMatch>,
    /// Why a private-key entry has no usable key (e.g. a JKS key password differing from the
    /// store password).
    pub key_error: Option<String>,
    /// The key did not decrypt with the store password (JKS/JCEKS key protected with its own
    /// password): JSSE's SunX509 KeyManagerFactory cannot be initialised with such a store.
    pub key_password_differs: bool,
}

impl Entry {
    fn new(
        alias: String,
        kind: EntryKind,
        chain_der: Vec<Vec<u8>>,
        key: Option<PrivateKey>,
    ) -> Self {
        let chain: Vec<CertInfo> = chain_der.iter().map(|d| cert_info(d)).collect();
        let key_match = match (&key, chain_der.first()) {
            (Some(k), Some(leaf)) => Some(k.matches_certificate(leaf)),
            _ => None,
        };
        Entry {
            alias,
            kind,
            created_unix: None,
            chain_der: chain_der.into_iter().map(CertificateDer::from).collect(),
            chain,
            key,
            key_match,
            key_error: None,
            key_password_differs: false,
        }
    }

    pub fn leaf(&self) -> Option<&CertInfo> {
        self.chain.first()
    }
}

/// Every entry of one keystore (or of a certificate file plus a key file).
#[derive(Debug, Clone)]
pub struct Keystore {
    pub path: PathBuf,
    pub format: KeystoreFormat,
    pub entries: Vec<Entry>,
}

impl Keystore {
    pub fn aliases(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.alias.clone()).collect()
    }

    /// The entry with this alias: exact match first, then case-insensitive (JKS and Java's
    /// PKCS#12 keystore treat aliases case-insensitively).
    pub fn entry(&self, alias: &str) -> Result<&Entry, IdentityError> {
        self.entries
            .iter()
            .find(|e| e.alias == alias)
            .or_else(|| {
                self.entries
                    .iter()
                    .find(|e| e.alias.eq_ignore_ascii_case(alias))
            })
            .ok_or_else(|| IdentityError::UnknownAlias {
                path: self.path.clone(),
                alias: alias.to_owned(),
                available: self.aliases(),
            })
    }
}

/// One private-key entry ready to be used as a client identity.
#[derive(Debug, Clone)]
pub struct LoadedIdentity {
    pub path: PathBuf,
    pub format: KeystoreFormat,
    pub entry: Entry,
}

impl LoadedIdentity {
    pub fn alias(&self) -> &str {
        &self.entry.alias
    }
    /// The certificate chain, leaf first.
    pub fn chain_der(&self) -> Vec<CertificateDer<'static>> {
        self.entry.chain_der.clone()
    }
    /// A copy of the private key for rustls. Always present on a `LoadedIdentity`.
    pub fn key_der(&self) -> Option<PrivateKeyDer<'static>> {
        self.entry.key.as_ref().map(PrivateKey::to_rustls)
    }
}

/// Builds the model view of a certificate.
pub(crate) fn cert_info(der: &[u8]) -> CertInfo {
    crate::tls::x509::cert_info(der)
}

/// Reads a keystore or key file within `userfile`'s cap for keystores (16 MiB).
fn read_file(path: &Path) -> Result<zeroize::Zeroizing<Vec<u8>>, IdentityError> {
    let data = crate::userfile::read(path, crate::userfile::Kind::Keystore)?;
    if data.is_empty() {
        return Err(IdentityError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(data)
}

/// Reads every entry of a keystore or key file.
pub fn open(path: &Path, password: Option<&SecretString>) -> Result<Keystore, IdentityError> {
    open_files(&[path], password)
}

/// Reads several files as one identity: typically a certificate (chain) PEM and a key PEM.
/// Non-PEM keystores (PKCS#12, JKS) must come alone.
pub fn open_files(
    paths: &[&Path],
    password: Option<&SecretString>,
) -> Result<Keystore, IdentityError> {
    let first = paths.first().copied().unwrap_or(Path::new(""));
    let mut pem_items = pem::Items::default();
    let mut any_pem = false;
    for path in paths {
        let data = read_file(path)?;
        match open_one(paths, path, &data, password, &mut pem_items)? {
            Parsed::Whole(ks) => return Ok(ks),
            Parsed::Pem => any_pem = true,
            Parsed::Der => {}
        }
    }
    pem_keystore(first, any_pem, pem_items)
}

/// [`open`] over bytes already in memory (`path` only names them in entries and errors): the
/// same format detection and parsers, without the file read or its size cap. The fuzz targets
/// (fuzz/, docs/fuzzing.md) enter here.
pub fn open_bytes(
    path: &Path,
    data: &[u8],
    password: Option<&SecretString>,
) -> Result<Keystore, IdentityError> {
    if data.is_empty() {
        return Err(IdentityError::Empty {
            path: path.to_owned(),
        });
    }
    let mut pem_items = pem::Items::default();
    match open_one(&[path], path, data, password, &mut pem_items)? {
        Parsed::Whole(ks) => Ok(ks),
        Parsed::Pem => pem_keystore(path, true, pem_items),
        Parsed::Der => pem_keystore(path, false, pem_items),
    }
}

/// What one file of [`open_files`] turned out to be.
enum Parsed {
    /// A keystore that must come alone (JKS, JCEKS, PKCS#12), read whole.
    Whole(Keystore),
    /// PEM items, added to the collection.
    Pem,
    /// A DER certificate or key, added to the collection.
    Der,
}

fn open_one(
    paths: &[&Path],
    path: &Path,
    data: &[u8],
    password: Option<&SecretString>,
    pem_items: &mut pem::Items,
) -> Result<Parsed, IdentityError> {
    match sniff(data) {
        Sniffed::Jks => single(paths, path, KeystoreFormat::Jks, || {
            jks::open(path, data, password)
        })
        .map(Parsed::Whole),
        Sniffed::Jceks => single(paths, path, KeystoreFormat::Jceks, || {
            jks::open(path, data, password)
        })
        .map(Parsed::Whole),
        Sniffed::Pkcs12 => single(paths, path, KeystoreFormat::Pkcs12, || {
            pkcs12::open(path, data, password)
        })
        .map(Parsed::Whole),
        Sniffed::Pem => {
            pem::collect(path, data, password, pem_items)?;
            Ok(Parsed::Pem)
        }
        Sniffed::Der => {
            pem::collect_der(path, data, password, pem_items)?;
            Ok(Parsed::Der)
        }
        Sniffed::Unknown => Err(IdentityError::UnknownFormat {
            path: path.to_path_buf(),
        }),
    }
}

/// The keystore made of the PEM/DER items collected from `first` (and the files after it).
fn pem_keystore(
    first: &Path,
    any_pem: bool,
    pem_items: pem::Items,
) -> Result<Keystore, IdentityError> {
    let format = if any_pem {
        KeystoreFormat::Pem
    } else {
        KeystoreFormat::Der
    };
    let stem = first
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("identity")
        .to_owned();
    let entries = pem::into_entries(first, &stem, pem_items)?;
    Ok(Keystore {
        path: first.to_path_buf(),
        format,
        entries,
    })
}

fn single(
    paths: &[&Path],
    path: &Path,
    format: KeystoreFormat,
    f: impl FnOnce() -> Result<Vec<Entry>, IdentityError>,
) -> Result<Keystore, IdentityError> {
    if paths.len() > 1 {
        return Err(IdentityError::UnsupportedFormat {
            path: path.to_path_buf(),
            format: format.name(),
            hint: "a keystore must be given alone, not combined with other files",
        });
    }
    Ok(Keystore {
        path: path.to_path_buf(),
        format,
        entries: f()?,
    })
}

/// Loads one private-key entry as a client identity (see the module docs).
pub fn load(
    path: &Path,
    alias: Option<&str>,
    password: Option<&SecretString>,
) -> Result<LoadedIdentity, IdentityError> {
    load_files(&[path], alias, password)
}

/// [`load`] over a certificate file plus a key file (PEM).
pub fn load_files(
    paths: &[&Path],
    alias: Option<&str>,
    password: Option<&SecretString>,
) -> Result<LoadedIdentity, IdentityError> {
    let ks = open_files(paths, password)?;
    let entry = match alias {
        Some(a) => ks.entry(a)?.clone(),
        None => {
            let keyed: Vec<&Entry> = ks
                .entries
                .iter()
                .filter(|e| e.kind == EntryKind::PrivateKey)
                .collect();
            match keyed.as_slice() {
                [one] => (*one).clone(),
                [] => {
                    return Err(IdentityError::NoPrivateKey {
                        path: ks.path.clone(),
                        alias: ks.aliases().join(", "),
                        why: "the file holds only certificates (a truststore)",
                    })
                }
                _ => {
                    return Err(IdentityError::AmbiguousAlias {
                        path: ks.path.clone(),
                        available: keyed.iter().map(|e| e.alias.clone()).collect(),
                    })
                }
            }
        }
    };
    usable_or_error(&ks, &entry)?;
    Ok(LoadedIdentity {
        path: ks.path,
        format: ks.format,
        entry,
    })
}

/// An entry that can be a client identity (a private key that decrypted, and a certificate),
/// or the one-line reason it cannot.
pub(crate) fn usable_or_error(ks: &Keystore, entry: &Entry) -> Result<(), IdentityError> {
    if entry.kind == EntryKind::TrustedCertificate {
        return Err(IdentityError::NoPrivateKey {
            path: ks.path.clone(),
            alias: entry.alias.clone(),
            why: "it is a trusted-certificate entry",
        });
    }
    if entry.key.is_none() {
        return Err(IdentityError::NoPrivateKey {
            path: ks.path.clone(),
            alias: entry.alias.clone(),
            why: "the key could not be decrypted",
        });
    }
    if entry.chain_der.is_empty() {
        return Err(IdentityError::NoCertificate {
            path: ks.path.clone(),
        });
    }
    Ok(())
}

enum Sniffed {
    Pem,
    Jks,
    Jceks,
    Pkcs12,
    Der,
    Unknown,
}

/// Format by content: JKS magic 0xFEEDFEED, JCEKS 0xCECECECE, PEM armour, PKCS#12 PFX
/// (SEQUENCE { INTEGER 3, ContentInfo, ... }), else another DER SEQUENCE (certificate or key).
fn sniff(data: &[u8]) -> Sniffed {
    match data.get(..4) {
        Some([0xfe, 0xed, 0xfe, 0xed]) => return Sniffed::Jks,
        Some([0xce, 0xce, 0xce, 0xce]) => return Sniffed::Jceks,
        _ => {}
    }
    if pem::looks_like_pem(data) {
        return Sniffed::Pem;
    }
    if let Some((seq, _)) = der::read_tlv(data).filter(|(t, _)| t.tag == der::SEQUENCE) {
        if let Some((ver, _)) = der::read_tlv(seq.value) {
            if ver.tag == der::INTEGER && ver.value == [3] {
                return Sniffed::Pkcs12;
            }
        }
        return Sniffed::Der;
    }
    Sniffed::Unknown
}
