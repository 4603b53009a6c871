//! TLS 1.3 record decryption with the secrets of a key log, using ring (the crypto provider this
//! build of rustls uses) — no home-made ciphers. RFC 8446 §7.1 (HKDF-Expand-Label), §7.3 (traffic
//! keys: `key`, `iv`), §5.3 (per-record nonce = iv XOR sequence number), §5.2/§5.4 (additional
//! data = the record header; the inner plaintext ends with the real content type, then zero
//! padding), §7.2 (KeyUpdate: "traffic upd"). A failed AEAD tag means a wrong key: it is reported,
//! never turned into garbage.

use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::hkdf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecryptError {
    #[error("cipher suite 0x{0:04x} is not supported for decryption")]
    UnsupportedSuite(u16),
    #[error("the record does not authenticate with this key (wrong or missing key-log entry)")]
    BadTag,
    #[error("the decrypted record has no content type")]
    NoContentType,
}

/// The suite's AEAD and hash (RFC 8446 §B.4).
#[derive(Debug, Clone, Copy)]
pub struct Suite {
    aead: &'static aead::Algorithm,
    hkdf: hkdf::Algorithm,
    hash_len: usize,
}

impl Suite {
    pub fn tls13(code: u16) -> Result<Suite, DecryptError> {
        match code {
            0x1301 => Ok(Suite {
                aead: &aead::AES_128_GCM,
                hkdf: hkdf::HKDF_SHA256,
                hash_len: 32,
            }),
            0x1302 => Ok(Suite {
                aead: &aead::AES_256_GCM,
                hkdf: hkdf::HKDF_SHA384,
                hash_len: 48,
            }),
            0x1303 => Ok(Suite {
                aead: &aead::CHACHA20_POLY1305,
                hkdf: hkdf::HKDF_SHA256,
                hash_len: 32,
            }),
            other => Err(DecryptError::UnsupportedSuite(other)),
        }
    }
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-Expand-Label(secret, label, context, length) (RFC 8446 §7.1).
pub fn expand_label(
    alg: hkdf::Algorithm,
    secret: &[u8],
    label: &str,
    context: &[u8],
    len: usize,
) -> Option<Vec<u8>> {
    let full = format!("tls13 {label}");
    let len16 = u16::try_from(len).ok()?;
    let label_len = u8::try_from(full.len()).ok()?;
    let ctx_len = u8::try_from(context.len()).ok()?;
    let len_bytes = len16.to_be_bytes();
    let info: [&[u8]; 5] = [
        &len_bytes,
        &[label_len],
        full.as_bytes(),
        &[ctx_len],
        context,
    ];
    let prk = hkdf::Prk::new_less_safe(alg, secret);
    let okm = prk.expand(&info, Len(len)).ok()?;
    let mut out = vec![0u8; len];
    okm.fill(&mut out).ok()?;
    Some(out)
}

/// One direction's record protection in one epoch.
pub struct Decrypter {
    suite: Suite,
    secret: Vec<u8>,
    key: LessSafeKey,
    iv: [u8; 12],
    /// Sequence number of the next record (RFC 8446 §5.3).
    pub seq: u64,
}

impl std::fmt::Debug for Decrypter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print keys.
        f.debug_struct("Decrypter").field("seq", &self.seq).finish()
    }
}

impl Decrypter {
    pub fn new(suite: Suite, secret: &[u8]) -> Option<Decrypter> {
        let key_len = suite.aead.key_len();
        let key = expand_label(suite.hkdf, secret, "key", &[], key_len)?;
        let iv_v = expand_label(suite.hkdf, secret, "iv", &[], 12)?;
        let iv = <[u8; 12]>::try_from(iv_v.as_slice()).ok()?;
        let key = LessSafeKey::new(UnboundKey::new(suite.aead, &key).ok()?);
        Some(Decrypter {
            suite,
            secret: secret.to_vec(),
            key,
            iv,
            seq: 0,
        })
    }

    /// KeyUpdate: the next generation of this direction's traffic secret (RFC 8446 §7.2).
    pub fn next_generation(&self) -> Option<Decrypter> {
        let next = expand_label(
            self.suite.hkdf,
            &self.secret,
            "traffic upd",
            &[],
            self.suite.hash_len,
        )?;
        Decrypter::new(self.suite, &next)
    }

    /// Decrypts one TLSCiphertext: returns (inner content type, plaintext). The sequence number
    /// advances whether or not the tag verifies, as the peer's did.
    pub fn open(
        &mut self,
        header: [u8; 5],
        fragment: &[u8],
    ) -> Result<(u8, Vec<u8>), DecryptError> {
        let mut nonce = self.iv;
        let seq = self.seq.to_be_bytes();
        for (n, s) in nonce.iter_mut().skip(4).zip(seq.iter()) {
            *n ^= s;
        }
        self.seq = self.seq.wrapping_add(1);
        let mut buf = fragment.to_vec();
        let plain = self
            .key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(header),
                &mut buf,
            )
            .map_err(|_| DecryptError::BadTag)?;
        // Strip the zero padding, then the real content type.
        let end = plain
            .iter()
            .rposition(|b| *b != 0)
            .ok_or(DecryptError::NoContentType)?;
        let ct = *plain.get(end).ok_or(DecryptError::NoContentType)?;
        let body = plain.get(..end).unwrap_or(&[]).to_vec();
        Ok((ct, body))
    }
}

/// TLS 1.0–1.2 record protection from a CLIENT_RANDOM master secret (RFC 5246 §6.3 key block;
/// TLS 1.0/1.1 derive it with the MD5 ⊕ SHA-1 PRF of RFC 2246 §5, and TLS 1.0 chains CBC IVs):
/// AEAD — RFC 5288 AES-GCM with a 4-byte salt and 8-byte explicit nonce, RFC 7905
/// ChaCha20-Poly1305 with iv XOR sequence number (ring) — and AES-CBC with HMAC-SHA1/256/384
/// (RFC 5246 §6.2.3.2: explicit IV, MAC-then-encrypt, or encrypt-then-MAC when the ServerHello
/// carried encrypt_then_mac, RFC 7366), with the RustCrypto `aes`/`cbc` block ciphers and ring's
/// HMAC. The MAC is always checked: a wrong key is reported, never decoded. Other suites (3DES,
/// Camellia, ARIA, CCM) are reported as unsupported.
pub struct Decrypter12 {
    protection: Protection12,
    pub seq: u64,
}

enum Protection12 {
    Aead {
        key: Box<LessSafeKey>,
        iv: Vec<u8>,
        explicit_nonce: bool,
    },
    Cbc {
        aes256: bool,
        key: zeroize::Zeroizing<Vec<u8>>,
        mac: ring::hmac::Key,
        mac_len: usize,
        etm: bool,
        /// TLS 1.0: no explicit IV; each record's IV is the previous record's last
        /// ciphertext block (the key block's IV for the first).
        chained_iv: Option<[u8; 16]>,
    },
}

impl std::fmt::Debug for Decrypter12 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decrypter12")
            .field("seq", &self.seq)
            .finish()
    }
}

/// P_hash of RFC 5246 §5.
fn p_hash(alg: ring::hmac::Algorithm, secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let key = ring::hmac::Key::new(alg, secret);
    let mut out = Vec::with_capacity(len + 64);
    let mut a = ring::hmac::sign(&key, seed).as_ref().to_vec();
    while out.len() < len {
        let mut ctx = ring::hmac::Context::with_key(&key);
        ctx.update(&a);
        ctx.update(seed);
        out.extend_from_slice(ctx.sign().as_ref());
        a = ring::hmac::sign(&key, &a).as_ref().to_vec();
    }
    out.truncate(len);
    out
}

/// The CBC suites we decrypt: (AES-256?, MAC, MAC length, PRF hash) from the IANA name.
fn cbc_suite(name: &str) -> Option<(bool, ring::hmac::Algorithm, usize, ring::hmac::Algorithm)> {
    let aes256 = if name.contains("_WITH_AES_128_CBC_") {
        false
    } else if name.contains("_WITH_AES_256_CBC_") {
        true
    } else {
        return None;
    };
    if name.ends_with("_SHA384") {
        Some((aes256, ring::hmac::HMAC_SHA384, 48, ring::hmac::HMAC_SHA384))
    } else if name.ends_with("_SHA256") {
        Some((aes256, ring::hmac::HMAC_SHA256, 32, ring::hmac::HMAC_SHA256))
    } else if name.ends_with("_SHA") {
        Some((
            aes256,
            ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            20,
            ring::hmac::HMAC_SHA256,
        ))
    } else {
        None
    }
}

/// P_MD5 of RFC 2246 §5 (HMAC-MD5 through the RustCrypto `hmac` and `md-5` crates).
fn p_md5(secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    use hmac::Mac;
    type HmacMd5 = hmac::Hmac<md5::Md5>;
    let mac = |parts: &[&[u8]]| -> Vec<u8> {
        let Ok(mut m) = <HmacMd5 as Mac>::new_from_slice(secret) else {
            return Vec::new();
        };
        for p in parts {
            m.update(p);
        }
        m.finalize().into_bytes().to_vec()
    };
    let mut out = Vec::with_capacity(len + 16);
    let mut a = mac(&[seed]);
    while out.len() < len && !a.is_empty() {
        out.extend_from_slice(&mac(&[&a, seed]));
        a = mac(&[&a]);
    }
    out.truncate(len);
    out
}

/// The TLS 1.0/1.1 PRF (RFC 2246 §5): P_MD5 over the secret's first half XOR P_SHA-1 over its
/// second half (the halves share the middle byte when the length is odd).
fn prf10(secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let half = secret.len().div_ceil(2);
    let s1 = secret.get(..half).unwrap_or(&[]);
    let s2 = secret.get(secret.len() - half..).unwrap_or(&[]);
    let mut out = p_md5(s1, seed, len);
    let sha = p_hash(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, s2, seed, len);
    for (o, x) in out.iter_mut().zip(sha.iter()) {
        *o ^= x;
    }
    out
}

#[cfg(test)]
pub(crate) fn prf10_for_test(secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    prf10(secret, seed, len)
}

/// (client, server) decrypters for a connection of protocol `version` (0x0301 TLS 1.0 …
/// 0x0303 TLS 1.2). `etm`: the ServerHello carried encrypt_then_mac (CBC suites only).
pub fn tls12_decrypters(
    suite_code: u16,
    version: u16,
    master: &[u8],
    client_random: &[u8],
    server_random: &[u8],
    etm: bool,
) -> Result<(Decrypter12, Decrypter12), DecryptError> {
    let name = tls_parser::TlsCipherSuite::from_id(suite_code)
        .map(|c| c.name)
        .unwrap_or("");
    let mut seed = b"key expansion".to_vec();
    seed.extend_from_slice(server_random);
    seed.extend_from_slice(client_random);
    if let Some((aes256, mac_alg, mac_len, prf)) = cbc_suite(name) {
        let key_len = if aes256 { 32 } else { 16 };
        // client MAC key, server MAC key, client key, server key, client IV, server IV (the
        // IVs serve TLS 1.0 only: 1.1+ sends an explicit IV per record).
        let len = 2 * mac_len + 2 * key_len + 2 * 16;
        let block = zeroize::Zeroizing::new(match version {
            0x0303.. => p_hash(prf, master, &seed, len),
            // TLS 1.0/1.1 know only the HMAC-SHA1 AES suites.
            0x0301 | 0x0302 if mac_len == 20 => prf10(master, &seed, len),
            _ => return Err(DecryptError::UnsupportedSuite(suite_code)),
        });
        let part = |from: usize, n: usize| block.get(from..from + n).map(<[u8]>::to_vec);
        let mk =
            |mac_at: usize, key_at: usize, iv_at: usize| -> Result<Decrypter12, DecryptError> {
                let mac = part(mac_at, mac_len).ok_or(DecryptError::BadTag)?;
                let key = part(key_at, key_len).ok_or(DecryptError::BadTag)?;
                let iv = part(iv_at, 16).ok_or(DecryptError::BadTag)?;
                let chained_iv = if version == 0x0301 {
                    Some(<[u8; 16]>::try_from(iv.as_slice()).map_err(|_| DecryptError::BadTag)?)
                } else {
                    None
                };
                Ok(Decrypter12 {
                    protection: Protection12::Cbc {
                        aes256,
                        key: zeroize::Zeroizing::new(key),
                        mac: ring::hmac::Key::new(mac_alg, &mac),
                        mac_len,
                        etm,
                        chained_iv,
                    },
                    seq: 0,
                })
            };
        let keys = 2 * mac_len;
        let ivs = keys + 2 * key_len;
        return Ok((mk(0, keys, ivs)?, mk(mac_len, keys + key_len, ivs + 16)?));
    }
    if version < 0x0303 {
        // AEAD suites exist only in TLS 1.2.
        return Err(DecryptError::UnsupportedSuite(suite_code));
    }
    let (aead_alg, hmac_alg, key_len, iv_len, explicit) = if name.ends_with("AES_128_GCM_SHA256") {
        (&aead::AES_128_GCM, ring::hmac::HMAC_SHA256, 16, 4, true)
    } else if name.ends_with("AES_256_GCM_SHA384") {
        (&aead::AES_256_GCM, ring::hmac::HMAC_SHA384, 32, 4, true)
    } else if name.ends_with("CHACHA20_POLY1305_SHA256") {
        (
            &aead::CHACHA20_POLY1305,
            ring::hmac::HMAC_SHA256,
            32,
            12,
            false,
        )
    } else {
        return Err(DecryptError::UnsupportedSuite(suite_code));
    };
    let block = p_hash(hmac_alg, master, &seed, 2 * key_len + 2 * iv_len);
    let part = |from: usize, n: usize| block.get(from..from + n).map(<[u8]>::to_vec);
    let ck = part(0, key_len).ok_or(DecryptError::BadTag)?;
    let sk = part(key_len, key_len).ok_or(DecryptError::BadTag)?;
    let civ = part(2 * key_len, iv_len).ok_or(DecryptError::BadTag)?;
    let siv = part(2 * key_len + iv_len, iv_len).ok_or(DecryptError::BadTag)?;
    let mk = |k: &[u8], iv: Vec<u8>| -> Result<Decrypter12, DecryptError> {
        let key = LessSafeKey::new(UnboundKey::new(aead_alg, k).map_err(|_| DecryptError::BadTag)?);
        Ok(Decrypter12 {
            protection: Protection12::Aead {
                key: Box::new(key),
                iv,
                explicit_nonce: explicit,
            },
            seq: 0,
        })
    };
    Ok((mk(&ck, civ)?, mk(&sk, siv)?))
}

impl Decrypter12 {
    /// How many final bytes of a record that is not decrypted must still be seen: TLS 1.0 CBC
    /// chains IVs (the last ciphertext block, before the MAC with encrypt_then_mac).
    pub fn needs_tail(&self) -> Option<usize> {
        match &self.protection {
            Protection12::Cbc {
                chained_iv: Some(_),
                etm,
                mac_len,
                ..
            } => Some(16 + if *etm { *mac_len } else { 0 }),
            _ => None,
        }
    }

    /// Accounts for a record that is not decrypted (application data): its sequence number, and
    /// for TLS 1.0 the IV it leaves for the next record (`tail`: at least its last
    /// [`Decrypter12::needs_tail`] bytes).
    pub fn skip_record(&mut self, tail: &[u8]) {
        self.seq = self.seq.wrapping_add(1);
        if let Protection12::Cbc {
            chained_iv: Some(prev),
            etm,
            mac_len,
            ..
        } = &mut self.protection
        {
            let end = tail.len().saturating_sub(if *etm { *mac_len } else { 0 });
            if let Some(block) = end.checked_sub(16).and_then(|at| tail.get(at..end)) {
                if let Ok(b) = <[u8; 16]>::try_from(block) {
                    *prev = b;
                }
            }
        }
    }

    /// Decrypts one record of type `ct` and protocol `version`.
    pub fn open(
        &mut self,
        ct: u8,
        version: [u8; 2],
        fragment: &[u8],
    ) -> Result<Vec<u8>, DecryptError> {
        let seq = self.seq;
        self.seq = self.seq.wrapping_add(1);
        let (key, iv, explicit_nonce) = match &mut self.protection {
            Protection12::Aead {
                key,
                iv,
                explicit_nonce,
            } => (key, iv, *explicit_nonce),
            Protection12::Cbc {
                aes256,
                key,
                mac,
                mac_len,
                etm,
                chained_iv,
            } => {
                let cbc = Cbc {
                    aes256: *aes256,
                    key,
                    mac,
                    mac_len: *mac_len,
                    etm: *etm,
                };
                return cbc.open(chained_iv, seq, ct, version, fragment);
            }
        };
        let (nonce, ciphertext) = if explicit_nonce {
            let (explicit, rest) = fragment.split_at_checked(8).ok_or(DecryptError::BadTag)?;
            let mut n = [0u8; 12];
            for (d, s) in n.iter_mut().zip(iv.iter().chain(explicit.iter())) {
                *d = *s;
            }
            (n, rest)
        } else {
            let mut n = <[u8; 12]>::try_from(iv.as_slice()).map_err(|_| DecryptError::BadTag)?;
            for (d, s) in n.iter_mut().skip(4).zip(seq.to_be_bytes().iter()) {
                *d ^= s;
            }
            (n, fragment)
        };
        let plain_len =
            u16::try_from(ciphertext.len().saturating_sub(16)).map_err(|_| DecryptError::BadTag)?;
        let mut aad = Vec::with_capacity(13);
        aad.extend_from_slice(&seq.to_be_bytes());
        aad.push(ct);
        aad.extend_from_slice(&version);
        aad.extend_from_slice(&plain_len.to_be_bytes());
        let mut buf = ciphertext.to_vec();
        let plain = key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                &mut buf,
            )
            .map_err(|_| DecryptError::BadTag)?;
        Ok(plain.to_vec())
    }
}

/// The MAC input of RFC 5246 §6.2.3.1: seq_num + type + version + length + bytes.
fn mac_input(seq: u64, ct: u8, version: [u8; 2], bytes: &[u8]) -> Result<Vec<u8>, DecryptError> {
    let len = u16::try_from(bytes.len()).map_err(|_| DecryptError::BadTag)?;
    let mut m = Vec::with_capacity(13 + bytes.len());
    m.extend_from_slice(&seq.to_be_bytes());
    m.push(ct);
    m.extend_from_slice(&version);
    m.extend_from_slice(&len.to_be_bytes());
    m.extend_from_slice(bytes);
    Ok(m)
}

/// AES-CBC decryption of whole blocks (`iv` ‖ `blocks`); the TLS padding is checked by the caller.
fn cbc_decrypt(
    aes256: bool,
    key: &[u8],
    iv: &[u8],
    blocks: &[u8],
) -> Result<Vec<u8>, DecryptError> {
    use cbc::cipher::{block_padding::NoPadding, BlockModeDecrypt, KeyIvInit};
    if blocks.is_empty() || blocks.len() % 16 != 0 {
        return Err(DecryptError::BadTag);
    }
    let mut buf = blocks.to_vec();
    let n = if aes256 {
        cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
            .map_err(|_| DecryptError::BadTag)?
            .decrypt_padded::<NoPadding>(&mut buf)
            .map_err(|_| DecryptError::BadTag)?
            .len()
    } else {
        cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv)
            .map_err(|_| DecryptError::BadTag)?
            .decrypt_padded::<NoPadding>(&mut buf)
            .map_err(|_| DecryptError::BadTag)?
            .len()
    };
    buf.truncate(n);
    Ok(buf)
}

/// Removes the TLS CBC padding (`padding_length` + 1 bytes, each equal to it); `None` if malformed.
fn strip_padding(plain: &[u8]) -> Option<&[u8]> {
    let pad = usize::from(*plain.last()?);
    let keep = plain.len().checked_sub(pad + 1)?;
    let (body, padding) = plain.split_at_checked(keep)?;
    padding
        .iter()
        .all(|b| usize::from(*b) == pad)
        .then_some(body)
}

/// One direction's CBC parameters, borrowed for one record.
struct Cbc<'a> {
    aes256: bool,
    key: &'a [u8],
    mac: &'a ring::hmac::Key,
    mac_len: usize,
    etm: bool,
}

impl Cbc<'_> {
    /// Splits off the record's IV: explicit (TLS 1.1+) or chained from the previous record
    /// (TLS 1.0, whose next IV is this record's last ciphertext block).
    fn iv_and_blocks<'f>(
        chained: &mut Option<[u8; 16]>,
        enc: &'f [u8],
    ) -> Result<([u8; 16], &'f [u8]), DecryptError> {
        match chained {
            Some(prev) => {
                let iv = *prev;
                let tail = enc
                    .len()
                    .checked_sub(16)
                    .and_then(|at| enc.get(at..))
                    .ok_or(DecryptError::BadTag)?;
                *prev = <[u8; 16]>::try_from(tail).map_err(|_| DecryptError::BadTag)?;
                Ok((iv, enc))
            }
            None => {
                let (iv, blocks) = enc.split_at_checked(16).ok_or(DecryptError::BadTag)?;
                let iv = <[u8; 16]>::try_from(iv).map_err(|_| DecryptError::BadTag)?;
                Ok((iv, blocks))
            }
        }
    }

    fn open(
        &self,
        chained: &mut Option<[u8; 16]>,
        seq: u64,
        ct: u8,
        version: [u8; 2],
        fragment: &[u8],
    ) -> Result<Vec<u8>, DecryptError> {
        if self.etm {
            // RFC 7366: IV ‖ ciphertext ‖ MAC(seq, header, IV ‖ ciphertext).
            let (enc, tag) = self.split_tag(fragment)?;
            self.verify(seq, ct, version, enc, tag)?;
            let (iv, blocks) = Self::iv_and_blocks(chained, enc)?;
            let plain = cbc_decrypt(self.aes256, self.key, &iv, blocks)?;
            return strip_padding(&plain)
                .map(<[u8]>::to_vec)
                .ok_or(DecryptError::BadTag);
        }
        // MAC-then-encrypt: [IV ‖] E(content ‖ MAC ‖ padding).
        let (iv, blocks) = Self::iv_and_blocks(chained, fragment)?;
        let plain = cbc_decrypt(self.aes256, self.key, &iv, blocks)?;
        let unpadded = strip_padding(&plain).ok_or(DecryptError::BadTag)?;
        let (content, tag) = self.split_tag(unpadded)?;
        self.verify(seq, ct, version, content, tag)?;
        Ok(content.to_vec())
    }

    /// `bytes` ‖ MAC → (bytes, MAC).
    fn split_tag<'b>(&self, b: &'b [u8]) -> Result<(&'b [u8], &'b [u8]), DecryptError> {
        let cut = b
            .len()
            .checked_sub(self.mac_len)
            .ok_or(DecryptError::BadTag)?;
        b.split_at_checked(cut).ok_or(DecryptError::BadTag)
    }

    /// Checks the record MAC over `bytes` (RFC 5246 §6.2.3.1); a mismatch means a wrong key.
    fn verify(
        &self,
        seq: u64,
        ct: u8,
        version: [u8; 2],
        bytes: &[u8],
        tag: &[u8],
    ) -> Result<(), DecryptError> {
        ring::hmac::verify(self.mac, &mac_input(seq, ct, version, bytes)?, tag)
            .map_err(|_| DecryptError::BadTag)
    }
}
