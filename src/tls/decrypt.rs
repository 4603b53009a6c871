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

/// TLS 1.2 AEAD record protection from a CLIENT_RANDOM master secret (RFC 5246 §6.3 key block,
/// RFC 5288 AES-GCM with a 4-byte salt and 8-byte explicit nonce, RFC 7905 ChaCha20-Poly1305 with
/// iv XOR sequence number). CBC suites are not supported (reported, not guessed).
pub struct Decrypter12 {
    key: LessSafeKey,
    iv: Vec<u8>,
    explicit_nonce: bool,
    pub seq: u64,
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

/// (client, server) decrypters for a TLS 1.2 connection.
pub fn tls12_decrypters(
    suite_code: u16,
    master: &[u8],
    client_random: &[u8],
    server_random: &[u8],
) -> Result<(Decrypter12, Decrypter12), DecryptError> {
    let name = tls_parser::TlsCipherSuite::from_id(suite_code)
        .map(|c| c.name)
        .unwrap_or("");
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
    let mut seed = b"key expansion".to_vec();
    seed.extend_from_slice(server_random);
    seed.extend_from_slice(client_random);
    let block = p_hash(hmac_alg, master, &seed, 2 * key_len + 2 * iv_len);
    let part = |from: usize, n: usize| block.get(from..from + n).map(<[u8]>::to_vec);
    let ck = part(0, key_len).ok_or(DecryptError::BadTag)?;
    let sk = part(key_len, key_len).ok_or(DecryptError::BadTag)?;
    let civ = part(2 * key_len, iv_len).ok_or(DecryptError::BadTag)?;
    let siv = part(2 * key_len + iv_len, iv_len).ok_or(DecryptError::BadTag)?;
    let mk = |k: &[u8], iv: Vec<u8>| -> Result<Decrypter12, DecryptError> {
        let key = LessSafeKey::new(UnboundKey::new(aead_alg, k).map_err(|_| DecryptError::BadTag)?);
        Ok(Decrypter12 {
            key,
            iv,
            explicit_nonce: explicit,
            seq: 0,
        })
    };
    Ok((mk(&ck, civ)?, mk(&sk, siv)?))
}

impl Decrypter12 {
    /// Decrypts one record of type `ct` and protocol `version`.
    pub fn open(
        &mut self,
        ct: u8,
        version: [u8; 2],
        fragment: &[u8],
    ) -> Result<Vec<u8>, DecryptError> {
        let seq = self.seq;
        self.seq = self.seq.wrapping_add(1);
        let (nonce, ciphertext) = if self.explicit_nonce {
            let (explicit, rest) = fragment.split_at_checked(8).ok_or(DecryptError::BadTag)?;
            let mut n = [0u8; 12];
            for (d, s) in n.iter_mut().zip(self.iv.iter().chain(explicit.iter())) {
                *d = *s;
            }
            (n, rest)
        } else {
            let mut n =
                <[u8; 12]>::try_from(self.iv.as_slice()).map_err(|_| DecryptError::BadTag)?;
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
        let plain = self
            .key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                &mut buf,
            )
            .map_err(|_| DecryptError::BadTag)?;
        Ok(plain.to_vec())
    }
}
