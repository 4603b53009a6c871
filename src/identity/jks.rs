//! Java KeyStore (JKS, magic 0xFEEDFEED) and JCEKS (0xCECECECE), read by our own code
//! (the layout of OpenJDK's `sun.security.provider.JavaKeyStore.engineLoad` and
//! `com.sun.crypto.provider.JceKeyStore`): every count and length is checked against the bytes
//! that remain before anything is taken, and entries are collected one by one as they are read,
//! never pre-allocated from a count — a chain count of 0x7fffffff costs nothing.
//!
//! Integrity: SHA-1 over the password (UTF-16BE), "Mighty Aphrodite" and every preceding byte,
//! checked with the store password as keytool does. Keys: JKS uses Sun's proprietary
//! KeyProtector (OID 1.3.6.1.4.1.42.2.17.1.1: a SHA-1 keystream from salt and password, then a
//! SHA-1 check over password + plaintext); JCEKS uses PBEWithMD5AndTripleDES (OID
//! 1.3.6.1.4.1.42.2.19.1, `com.sun.crypto.provider.PBES1Core`) with its iteration count capped
//! like every other KDF (`pbe::Budget`). Keys are decrypted with the store password (what JSSE's
//! KeyManagerFactory does); a different key password is reported on the entry, not fatal.
//! JCEKS secret-key entries (serialized Java objects) cannot be skipped and stop the read.

use std::path::Path;

use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, KeyIvInit};
use md5::Md5;
use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use super::der::{self, children, read_tlv};
use super::key::{KeyEncoding, PrivateKey};
use super::pbe::{self, Budget};
use super::{Entry, EntryKind, IdentityError, SecretString};

const MAGIC_JKS: u32 = 0xfeed_feed;
const MAGIC_JCEKS: u32 = 0xcece_cece;
const OID_SUN_KEY_PROTECTOR: &str = "1.3.6.1.4.1.42.2.17.1.1";
const OID_PBE_MD5_3DES: &str = "1.3.6.1.4.1.42.2.19.1";

/// A bounds-checked big-endian reader over the keystore bytes.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], Bad> {
        let rest = self.data.get(self.pos..).ok_or(Bad(what))?;
        let (head, _) = rest.split_at_checked(n).ok_or(Bad(what))?;
        self.pos = self.pos.saturating_add(n);
        Ok(head)
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, Bad> {
        let b = self.take(4, what)?;
        let a: [u8; 4] = b.try_into().map_err(|_| Bad(what))?;
        Ok(u32::from_be_bytes(a))
    }
    fn u64(&mut self, what: &'static str) -> Result<u64, Bad> {
        let b = self.take(8, what)?;
        let a: [u8; 8] = b.try_into().map_err(|_| Bad(what))?;
        Ok(u64::from_be_bytes(a))
    }
    /// A u32 length followed by that many bytes; the length must fit in what remains.
    fn block(&mut self, what: &'static str) -> Result<&'a [u8], Bad> {
        let n = usize::try_from(self.u32(what)?).map_err(|_| Bad(what))?;
        self.take(n, what)
    }
    /// `DataInput.readUTF`: a u16 length and modified UTF-8.
    fn utf(&mut self, what: &'static str) -> Result<String, Bad> {
        let b = self.take(2, what)?;
        let n = usize::from(u16::from_be_bytes([
            b.first().copied().unwrap_or(0),
            b.get(1).copied().unwrap_or(0),
        ]));
        Ok(modified_utf8(self.take(n, what)?))
    }
    fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }
    /// What remains before the 20-byte integrity digest.
    fn body_remaining(&self) -> usize {
        self.remaining().saturating_sub(20)
    }
}

/// What is wrong with the file, for "corrupt JKS file: ..." (never key material).
#[derive(Debug)]
struct Bad(&'static str);

/// Java's modified UTF-8 (NUL as C0 80, supplementary characters as surrogate pairs), decoded
/// through UTF-16 so every alias keytool writes reads back the same.
fn modified_utf8(b: &[u8]) -> String {
    let mut units = Vec::with_capacity(b.len());
    let mut i = b.iter().copied().peekable();
    while let Some(c) = i.next() {
        let u = if c < 0x80 {
            u16::from(c)
        } else if c & 0xe0 == 0xc0 {
            let c2 = i.next().unwrap_or(0);
            (u16::from(c & 0x1f) << 6) | u16::from(c2 & 0x3f)
        } else if c & 0xf0 == 0xe0 {
            let c2 = i.next().unwrap_or(0);
            let c3 = i.next().unwrap_or(0);
            (u16::from(c & 0x0f) << 12) | (u16::from(c2 & 0x3f) << 6) | u16::from(c3 & 0x3f)
        } else {
            0xfffd
        };
        units.push(u);
    }
    String::from_utf16_lossy(&units)
}

/// The keystore password as JKS hashes it: each Java char as two big-endian bytes.
fn utf16be(pw: &str) -> Zeroizing<Vec<u8>> {
    let mut v = Zeroizing::new(Vec::with_capacity(pw.len().saturating_mul(2)));
    for u in pw.encode_utf16() {
        v.extend_from_slice(&u.to_be_bytes());
    }
    v
}

/// One entry as stored, before its key is decrypted.
enum Raw<'a> {
    Key {
        alias: String,
        created_ms: u64,
        protected: &'a [u8],
        chain: Vec<&'a [u8]>,
    },
    Trusted {
        alias: String,
        created_ms: u64,
        cert: &'a [u8],
    },
}

/// Which of the two formats.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Jks,
    Jceks,
}

impl Flavour {
    fn name(self) -> &'static str {
        match self {
            Flavour::Jks => "JKS",
            Flavour::Jceks => "JCEKS",
        }
    }
}

pub fn open(
    path: &Path,
    data: &[u8],
    password: Option<&SecretString>,
) -> Result<Vec<Entry>, IdentityError> {
    let flavour = match data.get(..4) {
        Some([0xce, 0xce, 0xce, 0xce]) => Flavour::Jceks,
        _ => Flavour::Jks,
    };
    let format = flavour.name();
    let corrupt = |b: Bad| IdentityError::Corrupt {
        path: path.to_owned(),
        format,
        detail: b.0.to_owned(),
    };
    // Parse first: a corrupt file is "corrupt" whatever the password.
    let (raw, body_len) = parse(data, flavour).map_err(corrupt)?;
    let pw = password.ok_or(IdentityError::PasswordRequired {
        path: path.to_owned(),
        what: if flavour == Flavour::Jks {
            "this JKS keystore (its integrity check needs the store password)"
        } else {
            "this JCEKS keystore (its integrity check needs the store password)"
        },
    })?;
    let pw16 = utf16be(pw.expose());
    let body = data.get(..body_len).unwrap_or(data);
    let stored = data
        .get(body_len..)
        .and_then(|d| d.get(..20))
        .ok_or_else(|| corrupt(Bad("no integrity digest at the end")))?;
    let mut h = Sha1::new();
    h.update(&pw16[..]);
    h.update(b"Mighty Aphrodite");
    h.update(body);
    if h.finalize().as_slice() != stored {
        return Err(IdentityError::WrongPassword {
            path: path.to_owned(),
            format,
        });
    }
    let mut budget = Budget::default();
    let mut out = Vec::new();
    for r in raw {
        match r {
            Raw::Key {
                alias,
                created_ms,
                protected,
                chain,
            } => {
                let recovered = recover_key(protected, pw.expose(), &pw16, &mut budget);
                let password_differs = matches!(recovered, Err(KeyFailure::Password));
                let (key, key_error) = match recovered {
                    Ok(plain) => match PrivateKey::parse(&plain, KeyEncoding::Pkcs8) {
                        Some(k) => (Some(k), None),
                        None => (None, Some("the decrypted key is not a PKCS#8 key".to_owned())),
                    },
                    Err(KeyFailure::Password) => (None, Some("the key password differs from the store password (JSSE's KeyManagerFactory needs one password for all keys)".to_owned())),
                    Err(KeyFailure::Malformed(why)) => (None, Some(format!("the protected key is malformed ({why})"))),
                    Err(KeyFailure::Limit(detail)) => {
                        return Err(IdentityError::KdfLimit {
                            path: path.to_owned(),
                            detail,
                        })
                    }
                    Err(KeyFailure::Unsupported(alg)) => (None, Some(format!("the key is protected with an algorithm this tool cannot read ({alg})"))),
                };
                let chain_der = chain.into_iter().map(<[u8]>::to_vec).collect();
                let mut e = Entry::new(alias, EntryKind::PrivateKey, chain_der, key);
                e.key_password_differs = password_differs;
                e.key_error = key_error;
                e.created_unix = unix(created_ms);
                out.push(e);
            }
            Raw::Trusted {
                alias,
                created_ms,
                cert,
            } => {
                let mut e = Entry::new(
                    alias,
                    EntryKind::TrustedCertificate,
                    vec![cert.to_vec()],
                    None,
                );
                e.created_unix = unix(created_ms);
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// Walks the entries; returns them and where the integrity digest starts.
fn parse(data: &[u8], flavour: Flavour) -> Result<(Vec<Raw<'_>>, usize), Bad> {
    let mut r = Reader { data, pos: 0 };
    let magic = r.u32("no magic number")?;
    let want = match flavour {
        Flavour::Jks => MAGIC_JKS,
        Flavour::Jceks => MAGIC_JCEKS,
    };
    if magic != want {
        return Err(Bad("bad magic number"));
    }
    let version = r.u32("no version")?;
    if (flavour == Flavour::Jceks && version != 2) || !(1..=2).contains(&version) {
        return Err(Bad("unknown keystore version"));
    }
    let count = r.u32("no entry count")?;
    let mut out = Vec::new();
    for _ in 0..count {
        // The smallest entry (tag, empty alias, date, empty certificate) is 18 bytes: a count
        // larger than the file allows ends here instead of looping on.
        if r.body_remaining() < 18 {
            return Err(Bad("the entry count is larger than the file holds"));
        }
        let tag = r.u32("truncated entry")?;
        let alias = r.utf("truncated alias")?;
        let created_ms = r.u64("truncated entry date")?;
        match tag {
            1 => {
                let protected = r.block("truncated private key")?;
                let n = r.u32("truncated chain count")?;
                let mut chain = Vec::new();
                for _ in 0..n {
                    // Each certificate needs at least its 4-byte length (and, in version 2,
                    // its type's 2-byte length).
                    if r.body_remaining() < if version == 2 { 6 } else { 4 } {
                        return Err(Bad(
                            "the certificate chain count is larger than the file holds",
                        ));
                    }
                    if version == 2 {
                        let _cert_type = r.utf("truncated certificate type")?;
                    }
                    chain.push(r.block("truncated certificate")?);
                }
                out.push(Raw::Key {
                    alias,
                    created_ms,
                    protected,
                    chain,
                });
            }
            2 => {
                if version == 2 {
                    let _cert_type = r.utf("truncated certificate type")?;
                }
                let cert = r.block("truncated certificate")?;
                out.push(Raw::Trusted {
                    alias,
                    created_ms,
                    cert,
                });
            }
            3 if flavour == Flavour::Jceks => {
                return Err(Bad("it holds a secret-key entry (a serialized Java object) that this tool cannot read past; export the private-key entries with keytool -importkeystore -deststoretype pkcs12"));
            }
            _ => return Err(Bad("unknown entry tag")),
        }
    }
    if r.remaining() < 20 {
        return Err(Bad("truncated before the integrity digest"));
    }
    Ok((out, r.pos))
}

enum KeyFailure {
    Password,
    Malformed(&'static str),
    Limit(String),
    Unsupported(String),
}

/// `EncryptedPrivateKeyInfo` with Sun's KeyProtector (JKS) or PBEWithMD5AndTripleDES (JCEKS).
fn recover_key(
    protected: &[u8],
    pw: &str,
    pw16: &[u8],
    budget: &mut Budget,
) -> Result<Zeroizing<Vec<u8>>, KeyFailure> {
    let bad = || KeyFailure::Malformed("not an EncryptedPrivateKeyInfo");
    let (seq, _) = read_tlv(protected)
        .filter(|(t, _)| t.tag == der::SEQUENCE)
        .ok_or_else(bad)?;
    let f = children(seq.value).ok_or_else(bad)?;
    let (alg, params) = pbe::split_algorithm(f.first().ok_or_else(bad)?).map_err(|_| bad())?;
    let enc = f
        .get(1)
        .filter(|t| t.tag == der::OCTET_STRING)
        .ok_or_else(bad)?
        .value;
    match alg.as_str() {
        OID_SUN_KEY_PROTECTOR => sun_key_protector(enc, pw16),
        OID_PBE_MD5_3DES => {
            let (salt, iterations) = pbe::salt_and_iterations(params)
                .map_err(|_| KeyFailure::Malformed("bad PBE parameters"))?;
            // Two MD5 chains of `iterations` each.
            budget
                .spend("JCEKS PBE", iterations, 2)
                .map_err(|e| match e {
                    pbe::PbeError::Limit(l) => KeyFailure::Limit(l),
                    _ => KeyFailure::Malformed("bad PBE parameters"),
                })?;
            pbe_md5_3des(enc, pw, salt, iterations)
        }
        other => Err(KeyFailure::Unsupported(other.to_owned())),
    }
}

/// `sun.security.provider.KeyProtector.recover`: data = salt(20) ‖ encrypted key ‖ check(20);
/// keystream blocks D_i = SHA-1(password ‖ D_{i-1}), D_0 = salt; the plaintext is right when
/// SHA-1(password ‖ plaintext) equals the check.
fn sun_key_protector(enc: &[u8], pw16: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyFailure> {
    let too_short = KeyFailure::Malformed("protected key shorter than its salt and check");
    let (salt, rest) = enc.split_at_checked(20).ok_or(too_short)?;
    let body_len = rest.len().checked_sub(20).ok_or(KeyFailure::Malformed(
        "protected key shorter than its salt and check",
    ))?;
    let (cipher, check) = rest
        .split_at_checked(body_len)
        .ok_or(KeyFailure::Malformed("bad protected key"))?;
    let mut plain = Zeroizing::new(Vec::with_capacity(cipher.len()));
    let mut digest = salt.to_vec();
    for chunk in cipher.chunks(20) {
        let mut h = Sha1::new();
        h.update(pw16);
        h.update(&digest);
        digest = h.finalize().to_vec();
        plain.extend(chunk.iter().zip(digest.iter()).map(|(c, k)| c ^ k));
    }
    let mut h = Sha1::new();
    h.update(pw16);
    h.update(&plain[..]);
    if h.finalize().as_slice() != check {
        return Err(KeyFailure::Password);
    }
    Ok(plain)
}

/// `com.sun.crypto.provider.PBES1Core` for DESede: salt halves (the first reversed when both
/// are equal), each hashed with MD5 `iterations` times together with the ASCII password; the
/// 32 bytes give the 3DES key (24) and the IV (8).
fn pbe_md5_3des(
    enc: &[u8],
    pw: &str,
    salt: &[u8],
    iterations: u64,
) -> Result<Zeroizing<Vec<u8>>, KeyFailure> {
    let mut salt: [u8; 8] = salt
        .try_into()
        .map_err(|_| KeyFailure::Malformed("PBE salt is not 8 bytes"))?;
    let (a, b) = salt.split_at_mut(4);
    if a == b {
        a.reverse();
    }
    // PBEKey keeps the low 7 bits of each char (the JCE allows only ASCII here).
    let pw: Zeroizing<Vec<u8>> = Zeroizing::new(
        pw.chars()
            .map(|c| u8::try_from(u32::from(c) & 0x7f).unwrap_or(0))
            .collect(),
    );
    let mut derived = Zeroizing::new(Vec::with_capacity(32));
    for half in salt.chunks(4) {
        let mut h = Md5::new();
        h.update(half);
        h.update(&pw[..]);
        let mut t = h.finalize();
        for _ in 1..iterations {
            let mut h = Md5::new();
            h.update(t);
            h.update(&pw[..]);
            t = h.finalize();
        }
        derived.extend_from_slice(&t);
    }
    let (key, iv) = derived
        .split_at_checked(24)
        .ok_or(KeyFailure::Malformed("PBE derivation"))?;
    let mut buf = Zeroizing::new(enc.to_vec());
    let n = cbc::Decryptor::<des::TdesEde3>::new_from_slices(key, iv)
        .map_err(|_| KeyFailure::Malformed("PBE key size"))?
        .decrypt_padded::<Pkcs7>(&mut buf)
        .map_err(|_| KeyFailure::Password)?
        .len();
    buf.truncate(n);
    Ok(buf)
}

fn unix(ms: u64) -> Option<i64> {
    i64::try_from(ms / 1000).ok()
}
