//! Java KeyStore (JKS, magic 0xFEEDFEED) via the `jks` crate: store integrity is checked
//! with the store password (SHA-1 over password + "Mighty Aphrodite" + contents, as keytool
//! does), key entries are decrypted with the same password (keytool's default; a different
//! key password is reported per entry, not fatal). The crate indexes slices on malformed
//! input, so it runs under `catch_unwind`: a corrupt file is an error, never a crash.

use std::path::Path;

use super::key::{KeyEncoding, PrivateKey};
use super::{Entry, EntryKind, IdentityError, SecretString};

pub fn open(
    path: &Path,
    data: &[u8],
    password: Option<&SecretString>,
) -> Result<Vec<Entry>, IdentityError> {
    let pw = password.ok_or(IdentityError::PasswordRequired {
        path: path.to_owned(),
        what: "this JKS keystore (its integrity check needs the store password)",
    })?;
    let pw_bytes = pw.expose().as_bytes();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(data, pw_bytes)));
    match result {
        Ok(Ok(entries)) => Ok(entries),
        Ok(Err(e)) => Err(map_err(path, e)),
        Err(_) => Err(IdentityError::Corrupt {
            path: path.to_owned(),
            format: "JKS",
            detail: "malformed entry".to_owned(),
        }),
    }
}

fn map_err(path: &Path, e: jks::KeyStoreError) -> IdentityError {
    match e {
        jks::KeyStoreError::InvalidDigest => IdentityError::WrongPassword {
            path: path.to_owned(),
            format: "JKS",
        },
        other => IdentityError::Corrupt {
            path: path.to_owned(),
            format: "JKS",
            detail: other.to_string(),
        },
    }
}

fn read(data: &[u8], pw: &[u8]) -> Result<Vec<Entry>, jks::KeyStoreError> {
    let mut ks = jks::KeyStore::with_options(jks::KeyStoreOptions {
        ordered_aliases: true,
        ..Default::default()
    });
    ks.load(data, pw)?;
    let mut out = Vec::new();
    for alias in ks.aliases() {
        if ks.is_private_key_entry(&alias) {
            let chain = ks.get_private_key_entry_certificate_chain(&alias)?;
            let chain_der: Vec<Vec<u8>> = chain.into_iter().map(|c| c.content).collect();
            let (key, key_error, created) = match ks.get_private_key_entry(&alias, pw) {
                Ok(mut pke) => {
                    let k = PrivateKey::parse(&pke.private_key, KeyEncoding::Pkcs8);
                    zeroize::Zeroize::zeroize(&mut pke.private_key);
                    let err = if k.is_none() {
                        Some("the decrypted key is not a PKCS#8 key".to_owned())
                    } else {
                        None
                    };
                    (k, err, unix(pke.creation_time))
                }
                Err(_) => {
                    let created = ks
                        .get_raw_private_key_entry(&alias)
                        .ok()
                        .and_then(|p| unix(p.creation_time));
                    (
                        None,
                        Some("the key password differs from the store password (JSSE's KeyManagerFactory needs one password for all keys)".to_owned()),
                        created,
                    )
                }
            };
            let mut e = Entry::new(alias, EntryKind::PrivateKey, chain_der, key);
            e.key_error = key_error;
            e.created_unix = created;
            out.push(e);
        } else if let Ok(t) = ks.get_trusted_certificate_entry(&alias) {
            let mut e = Entry::new(
                alias,
                EntryKind::TrustedCertificate,
                vec![t.certificate.content],
                None,
            );
            e.created_unix = unix(t.creation_time);
            out.push(e);
        }
    }
    Ok(out)
}

fn unix(t: std::time::SystemTime) -> Option<i64> {
    t.duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
}
