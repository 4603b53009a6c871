//! PEM (and bare DER) certificate and key files: `CERTIFICATE`, `TRUSTED CERTIFICATE`,
//! `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC1), `ENCRYPTED
//! PRIVATE KEY` (PKCS#8 PBES2) and legacy OpenSSL encryption (`Proc-Type: 4,ENCRYPTED` +
//! `DEK-Info`, key = EVP_BytesToKey(MD5, password, IV[..8], 1)). Builds entries: one per key
//! (its certificate first, then the file's other certificates in order, which is what curl
//! sends) or, with no key, one trusted-certificate entry per certificate (a CA bundle).

use std::path::Path;

use base64::Engine as _;
use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, KeyIvInit};
use md5::{Digest, Md5};
use zeroize::Zeroizing;

use super::der;
use super::key::{KeyEncoding, KeyMatch, PrivateKey};
use super::pbe::{self, Budget, Password, PbeError};
use super::{Entry, EntryKind, IdentityError, SecretString};

/// Most PEM blocks read from one file: Mozilla's whole CA bundle is about 150 certificates.
const MAX_BLOCKS: usize = 10_000;

/// What the PEM/DER files given together contained, in file order.
#[derive(Default)]
pub struct Items {
    pub certs: Vec<Vec<u8>>,
    pub keys: Vec<PrivateKey>,
    /// Key-derivation work left for all the files read together.
    pub budget: Budget,
}

pub fn looks_like_pem(data: &[u8]) -> bool {
    let head = data.get(..data.len().min(64 * 1024)).unwrap_or(data);
    String::from_utf8_lossy(head).contains("-----BEGIN ")
}

struct Block {
    label: String,
    headers: Vec<(String, String)>,
    body: Zeroizing<Vec<u8>>,
}

fn corrupt(path: &Path, detail: impl Into<String>) -> IdentityError {
    IdentityError::Corrupt {
        path: path.to_owned(),
        format: "PEM",
        detail: detail.into(),
    }
}

/// Splits PEM text into blocks; text outside blocks (openssl's "Bag Attributes" lines,
/// comments) is ignored as OpenSSL does.
fn blocks(path: &Path, data: &[u8]) -> Result<Vec<Block>, IdentityError> {
    let text = Zeroizing::new(String::from_utf8_lossy(data).into_owned());
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let line = line.trim();
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut headers = Vec::new();
        let mut b64 = Zeroizing::new(String::new());
        let mut closed = false;
        for l in lines.by_ref() {
            let l = l.trim();
            if l == end {
                closed = true;
                break;
            }
            if b64.is_empty() {
                if let Some((k, v)) = l.split_once(": ") {
                    headers.push((k.trim().to_owned(), v.trim().to_owned()));
                    continue;
                }
            }
            b64.push_str(l);
        }
        if !closed {
            return Err(corrupt(path, format!("'{label}' block has no END line")));
        }
        if out.len() >= MAX_BLOCKS {
            return Err(corrupt(
                path,
                format!("more than {MAX_BLOCKS} PEM blocks (a CA bundle holds a few hundred)"),
            ));
        }
        let body = base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|e| corrupt(path, format!("bad base64 in '{label}' block: {e}")))?;
        out.push(Block {
            label: label.to_owned(),
            headers,
            body: Zeroizing::new(body),
        });
    }
    Ok(out)
}

/// Adds the certificates and keys of one PEM file to `items`.
pub fn collect(
    path: &Path,
    data: &[u8],
    password: Option<&SecretString>,
    items: &mut Items,
) -> Result<(), IdentityError> {
    let blocks = blocks(path, data)?;
    if blocks.is_empty() {
        return Err(corrupt(path, "no PEM blocks"));
    }
    for b in blocks {
        match b.label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" => items.certs.push(b.body.to_vec()),
            // OpenSSL's trusted form: the certificate followed by its trust settings.
            "TRUSTED CERTIFICATE" => {
                let (cert, _) = der::read_tlv(&b.body)
                    .ok_or_else(|| corrupt(path, "bad TRUSTED CERTIFICATE block"))?;
                items.certs.push(cert.raw.to_vec());
            }
            "PRIVATE KEY" => items
                .keys
                .push(parse_key(path, &b.body, KeyEncoding::Pkcs8)?),
            "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
                let enc = if b.label.starts_with("RSA") {
                    KeyEncoding::Pkcs1
                } else {
                    KeyEncoding::Sec1
                };
                let encrypted = b
                    .headers
                    .iter()
                    .any(|(k, v)| k == "Proc-Type" && v.contains("ENCRYPTED"));
                if encrypted {
                    let plain = legacy_decrypt(path, &b, password)?;
                    let key =
                        PrivateKey::parse(&plain, enc).ok_or(IdentityError::WrongPassword {
                            path: path.to_owned(),
                            format: "encrypted PEM key",
                        })?;
                    items.keys.push(key);
                } else {
                    items.keys.push(parse_key(path, &b.body, enc)?);
                }
            }
            "ENCRYPTED PRIVATE KEY" => {
                let plain = pkcs8_decrypt(path, &b.body, password, &mut items.budget)?;
                items
                    .keys
                    .push(parse_key(path, &plain, KeyEncoding::Pkcs8)?);
            }
            "DSA PRIVATE KEY" => {
                return Err(IdentityError::UnsupportedEncryption {
                    path: path.to_owned(),
                    detail: "DSA keys in PKCS#1-style PEM are not supported (TLS 1.3 has no DSA)"
                        .to_owned(),
                })
            }
            // EC PARAMETERS, X509 CRL, CERTIFICATE REQUEST, ...: not part of an identity.
            _ => {}
        }
    }
    Ok(())
}

/// A bare DER file: a certificate, an unencrypted PKCS#8/PKCS#1/SEC1 key or an encrypted
/// PKCS#8 key (`openssl pkcs8 -topk8 -outform DER`).
pub fn collect_der(
    path: &Path,
    data: &[u8],
    password: Option<&SecretString>,
    items: &mut Items,
) -> Result<(), IdentityError> {
    use x509_parser::prelude::FromDer;
    if x509_parser::certificate::X509Certificate::from_der(data).is_ok() {
        items.certs.push(data.to_vec());
        return Ok(());
    }
    // Encrypted first: its SEQUENCE { AlgorithmIdentifier, OCTET STRING } must not be taken
    // for a key.
    if split_encrypted_key(data).is_some() {
        let plain = pkcs8_decrypt(path, data, password, &mut items.budget)?;
        items
            .keys
            .push(parse_key(path, &plain, KeyEncoding::Pkcs8)?);
        return Ok(());
    }
    for enc in [KeyEncoding::Pkcs8, KeyEncoding::Pkcs1, KeyEncoding::Sec1] {
        if let Some(k) = PrivateKey::parse(data, enc) {
            items.keys.push(k);
            return Ok(());
        }
    }
    Err(IdentityError::UnknownFormat {
        path: path.to_owned(),
    })
}

fn parse_key(path: &Path, der: &[u8], enc: KeyEncoding) -> Result<PrivateKey, IdentityError> {
    PrivateKey::parse(der, enc)
        .ok_or_else(|| corrupt(path, format!("malformed {enc:?} private key")))
}

fn need_password<'a>(
    path: &Path,
    password: Option<&'a SecretString>,
) -> Result<&'a SecretString, IdentityError> {
    password.ok_or(IdentityError::PasswordRequired {
        path: path.to_owned(),
        what: "the private key",
    })
}

/// `EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier,
/// encryptedData OCTET STRING }` (RFC 5958 §3), decrypted by `pbe` (PBES2 with PBKDF2 or
/// scrypt, or PKCS#12 PBE) with its parameters capped before any work.
fn pkcs8_decrypt(
    path: &Path,
    body: &[u8],
    password: Option<&SecretString>,
    budget: &mut Budget,
) -> Result<Zeroizing<Vec<u8>>, IdentityError> {
    let ((alg, params), ct) = split_encrypted_key(body)
        .ok_or_else(|| corrupt(path, "bad ENCRYPTED PRIVATE KEY structure"))?;
    let pw = need_password(path, password)?;
    match pbe::decrypt(&alg, params, ct, &Password::new(pw.expose()), budget) {
        Ok(plain) => Ok(plain),
        Err(PbeError::WrongPassword) => Err(IdentityError::WrongPassword {
            path: path.to_owned(),
            format: "encrypted PKCS#8 key",
        }),
        Err(PbeError::Limit(detail)) => Err(IdentityError::KdfLimit {
            path: path.to_owned(),
            detail,
        }),
        Err(PbeError::Unsupported(alg)) => Err(IdentityError::UnsupportedEncryption {
            path: path.to_owned(),
            detail: format!(
                "cannot decrypt this PKCS#8 key ({alg}); re-encrypt it with PBES2/AES: openssl pkcs8 -topk8 -v2 aes-256-cbc"
            ),
        }),
        Err(PbeError::Malformed(what)) => Err(corrupt(path, what)),
    }
}

type Algorithm<'a> = (String, Option<der::Tlv<'a>>);

/// The algorithm and ciphertext of an EncryptedPrivateKeyInfo; `None` if it is not one.
fn split_encrypted_key(body: &[u8]) -> Option<(Algorithm<'_>, &[u8])> {
    let (seq, _) = der::read_tlv(body).filter(|(t, _)| t.tag == der::SEQUENCE)?;
    let f = der::children(seq.value)?;
    let (alg, ct) = match f.as_slice() {
        [a, c] if c.tag == der::OCTET_STRING => (a, c),
        _ => return None,
    };
    let alg = pbe::split_algorithm(alg).ok()?;
    Some((alg, ct.value))
}

/// OpenSSL's pre-PKCS#8 PEM encryption (PEM_read_bio_PrivateKey / PEM_do_header).
fn legacy_decrypt(
    path: &Path,
    b: &Block,
    password: Option<&SecretString>,
) -> Result<Zeroizing<Vec<u8>>, IdentityError> {
    let dek = b
        .headers
        .iter()
        .find(|(k, _)| k == "DEK-Info")
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| corrupt(path, "encrypted PEM key without DEK-Info header"))?;
    let (cipher, iv_hex) = dek
        .split_once(',')
        .ok_or_else(|| corrupt(path, "malformed DEK-Info header"))?;
    let iv = hex::decode(iv_hex.trim()).map_err(|_| corrupt(path, "malformed DEK-Info IV"))?;
    let pw = need_password(path, password)?;
    let key_len = match cipher.trim() {
        "AES-128-CBC" => 16,
        "AES-192-CBC" => 24,
        "AES-256-CBC" => 32,
        "DES-EDE3-CBC" => 24,
        "DES-CBC" => 8,
        other => {
            return Err(IdentityError::UnsupportedEncryption {
                path: path.to_owned(),
                detail: format!(
                "legacy PEM cipher {other} is not supported; convert: openssl pkey -in KEY -aes256"
            ),
            })
        }
    };
    let salt = iv
        .get(..8)
        .ok_or_else(|| corrupt(path, "DEK-Info IV too short"))?;
    let key = evp_bytes_to_key(pw.expose().as_bytes(), salt, key_len);
    let mut buf = Zeroizing::new(b.body.to_vec());
    let wrong = || IdentityError::WrongPassword {
        path: path.to_owned(),
        format: "encrypted PEM key",
    };
    let bad_iv = || corrupt(path, "DEK-Info IV has the wrong length for its cipher");
    let plain_len = match cipher.trim() {
        "AES-128-CBC" => cbc::Decryptor::<aes::Aes128>::new_from_slices(&key, &iv)
            .map_err(|_| bad_iv())?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map_err(|_| wrong())?
            .len(),
        "AES-192-CBC" => cbc::Decryptor::<aes::Aes192>::new_from_slices(&key, &iv)
            .map_err(|_| bad_iv())?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map_err(|_| wrong())?
            .len(),
        "AES-256-CBC" => cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, &iv)
            .map_err(|_| bad_iv())?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map_err(|_| wrong())?
            .len(),
        "DES-EDE3-CBC" => cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
            .map_err(|_| bad_iv())?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map_err(|_| wrong())?
            .len(),
        _ => cbc::Decryptor::<des::Des>::new_from_slices(&key, &iv)
            .map_err(|_| bad_iv())?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map_err(|_| wrong())?
            .len(),
    };
    buf.truncate(plain_len);
    Ok(buf)
}

/// EVP_BytesToKey with MD5 and one iteration: D_i = MD5(D_{i-1} || password || salt).
fn evp_bytes_to_key(password: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut prev: Vec<u8> = Vec::new();
    while out.len() < len {
        let mut h = Md5::new();
        h.update(&prev);
        h.update(password);
        h.update(salt);
        prev = h.finalize().to_vec();
        out.extend_from_slice(&prev);
    }
    out.truncate(len);
    out
}

/// Turns the collected items into keystore entries.
pub fn into_entries(path: &Path, stem: &str, items: Items) -> Result<Vec<Entry>, IdentityError> {
    let Items { certs, keys, .. } = items;
    if keys.is_empty() {
        if certs.is_empty() {
            return Err(corrupt(path, "no certificates or keys found"));
        }
        // A CA bundle / truststore: one trusted-certificate entry per certificate.
        let n = certs.len();
        return Ok(certs
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let alias = if n == 1 {
                    stem.to_owned()
                } else {
                    format!("{stem}-{}", i.saturating_add(1))
                };
                Entry::new(alias, EntryKind::TrustedCertificate, vec![c], None)
            })
            .collect());
    }
    let nkeys = keys.len();
    let mut entries = Vec::new();
    for (i, key) in keys.into_iter().enumerate() {
        // The leaf is the certificate whose public key is this key's; if none matches, the
        // first certificate (curl would pair them the same way and fail the key check).
        let leaf_idx = certs
            .iter()
            .position(|c| key.matches_certificate(c) == KeyMatch::Yes)
            .or(if certs.is_empty() { None } else { Some(0) });
        let mut chain = Vec::new();
        if let Some(li) = leaf_idx {
            if let Some(leaf) = certs.get(li) {
                chain.push(leaf.clone());
            }
            chain.extend(
                certs
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != li)
                    .map(|(_, c)| c.clone()),
            );
        }
        let alias = if nkeys == 1 {
            stem.to_owned()
        } else {
            format!("{stem}-{}", i.saturating_add(1))
        };
        entries.push(Entry::new(alias, EntryKind::PrivateKey, chain, Some(key)));
    }
    Ok(entries)
}
