//! PKCS#12 (.p12/.pfx) via p12-keystore's bag-level `Pkcs12Archive`, so we do the linking
//! ourselves: a key bag's certificate is the bag with the same localKeyId (else the one whose
//! public key matches), the chain follows issuer → subject among the other certificates, and
//! certificates without a key become trusted-certificate entries — both Java's (they carry
//! Oracle's trusted-key-usage attribute) and OpenSSL's `-nokeys` bundles (they don't, which
//! p12-keystore's own linking would drop). Aliases are the friendlyName (keytool's alias).

use std::path::Path;

use p12_keystore::{CertificateBag, Pkcs12Archive};

use super::key::{KeyEncoding, KeyMatch, PrivateKey};
use super::{Entry, EntryKind, IdentityError, SecretString};

pub fn open(
    path: &Path,
    data: &[u8],
    password: Option<&SecretString>,
) -> Result<Vec<Entry>, IdentityError> {
    let archive = match password {
        Some(p) => decode(path, data, p.expose())?,
        // No password given: PKCS#12 files are often exported with an empty one.
        None => match decode(path, data, "") {
            Err(IdentityError::WrongPassword { .. }) => {
                return Err(IdentityError::PasswordRequired {
                    path: path.to_owned(),
                    what: "this PKCS#12 file",
                })
            }
            other => other?,
        },
    };
    Ok(link(path, archive))
}

fn decode(path: &Path, data: &[u8], password: &str) -> Result<Pkcs12Archive, IdentityError> {
    use p12_keystore::error::Error as E;
    Pkcs12Archive::from_pkcs12(data, password).map_err(|e| match e {
        // MAC mismatch, or (MAC-less files) bad padding / garbage after decryption.
        E::MacError(_) | E::UnpadError | E::InvalidPrivateKey | E::Pkcs5Error(_) => {
            IdentityError::WrongPassword {
                path: path.to_owned(),
                format: "PKCS#12",
            }
        }
        E::UnsupportedEncryptionScheme | E::UnsupportedMacAlgorithm => {
            IdentityError::UnsupportedEncryption {
                path: path.to_owned(),
                detail: format!("PKCS#12 uses an algorithm this tool cannot read ({e}); re-export it with openssl pkcs12 -export (AES-256, SHA-256 MAC)"),
            }
        }
        other => IdentityError::Corrupt {
            path: path.to_owned(),
            format: "PKCS#12",
            detail: other.to_string(),
        },
    })
}

fn subject_issuer(der: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    use x509_parser::prelude::FromDer;
    let (_, c) = x509_parser::certificate::X509Certificate::from_der(der).ok()?;
    Some((c.subject().as_raw().to_vec(), c.issuer().as_raw().to_vec()))
}

fn link(path: &Path, archive: Pkcs12Archive) -> Vec<Entry> {
    let _ = path;
    let certs: Vec<&CertificateBag> = archive.certs.iter().collect();
    let names: Vec<Option<(Vec<u8>, Vec<u8>)>> = certs
        .iter()
        .map(|c| subject_issuer(c.cert.as_der()))
        .collect();
    let mut used = vec![false; certs.len()];
    let mut entries = Vec::new();
    for (ki, kb) in archive.keys.iter().enumerate() {
        let key = PrivateKey::parse(kb.key.as_der(), KeyEncoding::Pkcs8);
        let by_id = kb.local_key_id.as_ref().and_then(|id| {
            certs
                .iter()
                .position(|c| c.local_key_id.as_deref() == Some(id.0.as_slice()))
        });
        let leaf = by_id.or_else(|| {
            key.as_ref().and_then(|k| {
                certs
                    .iter()
                    .position(|c| k.matches_certificate(c.cert.as_der()) == KeyMatch::Yes)
            })
        });
        let mut chain_idx = Vec::new();
        if let Some(li) = leaf {
            chain_idx.push(li);
            let mut cur = li;
            // Bounded: each step adds a new index.
            while chain_idx.len() < certs.len() {
                let Some(Some((subj, iss))) = names.get(cur) else {
                    break;
                };
                if subj == iss {
                    break;
                }
                // Java's trust anchors (trusted attribute) are entries of their own, never
                // part of a key's stored chain.
                let next = names.iter().enumerate().position(|(j, n)| {
                    !chain_idx.contains(&j)
                        && !certs.get(j).is_some_and(|c| c.trusted)
                        && n.as_ref().is_some_and(|(s, _)| s == iss)
                });
                match next {
                    Some(j) => {
                        chain_idx.push(j);
                        cur = j;
                    }
                    None => break,
                }
            }
        }
        for i in &chain_idx {
            if let Some(u) = used.get_mut(*i) {
                *u = true;
            }
        }
        let chain: Vec<Vec<u8>> = chain_idx
            .iter()
            .filter_map(|i| certs.get(*i).map(|c| c.cert.as_der().to_vec()))
            .collect();
        let alias = kb
            .friendly_name
            .clone()
            .or_else(|| {
                leaf.and_then(|l| certs.get(l))
                    .and_then(|c| c.friendly_name.clone())
            })
            .unwrap_or_else(|| format!("{}", ki.saturating_add(1)));
        let mut e = Entry::new(alias, EntryKind::PrivateKey, chain, key);
        if e.key.is_none() {
            e.key_error = Some("the key bag does not hold a readable PKCS#8 key".to_owned());
        }
        entries.push(e);
    }
    // Certificates not in any key's chain. Java marks trust anchors explicitly; with no keys
    // at all (a truststore) every certificate is one.
    let has_keys = !archive.keys.is_empty();
    for (i, c) in certs.iter().enumerate() {
        if used.get(i).copied().unwrap_or(true) {
            continue;
        }
        if has_keys && !c.trusted {
            continue;
        }
        let alias = c
            .friendly_name
            .clone()
            .unwrap_or_else(|| super::cert_info(c.cert.as_der()).subject.text.clone());
        entries.push(Entry::new(
            alias,
            EntryKind::TrustedCertificate,
            vec![c.cert.as_der().to_vec()],
            None,
        ));
    }
    entries
}
