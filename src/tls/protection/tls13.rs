//! TLS 1.3 record protection (RFC 8446): §7.1 HKDF-Expand-Label, §7.3 traffic keys (`key`,
//! `iv`), §5.3 per-record nonce (iv XOR sequence number), §5.2/§5.4 additional data = the
//! record header and an inner plaintext that ends with the real content type then zero
//! padding, §7.2 KeyUpdate ("traffic upd"). AEAD and HKDF from ring.

use super::{suite_params, DecryptError, RecordCipher, SuiteHash};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::hkdf;

/// The suite's AEAD and hash (RFC 8446 §B.4).
#[derive(Debug, Clone, Copy)]
pub struct Suite {
    aead: &'static aead::Algorithm,
    hkdf: hkdf::Algorithm,
    hash_len: usize,
}

impl Suite {
    /// A TLS 1.3 suite from the typed table; CCM suites (0x1304, 0x1305) are unsupported.
    pub fn tls13(code: u16) -> Result<Suite, DecryptError> {
        let p = suite_params(code)?;
        if !p.tls13 {
            return Err(DecryptError::UnsupportedSuite(code));
        }
        let aead = match p.cipher {
            RecordCipher::AesGcm { key_len: 16 } => &aead::AES_128_GCM,
            RecordCipher::AesGcm { key_len: 32 } => &aead::AES_256_GCM,
            RecordCipher::ChaCha20Poly1305 => &aead::CHACHA20_POLY1305,
            _ => return Err(DecryptError::UnsupportedSuite(code)),
        };
        let (hkdf, hash_len) = match p.hash {
            SuiteHash::Sha256 => (hkdf::HKDF_SHA256, 32),
            SuiteHash::Sha384 => (hkdf::HKDF_SHA384, 48),
        };
        Ok(Suite {
            aead,
            hkdf,
            hash_len,
        })
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
