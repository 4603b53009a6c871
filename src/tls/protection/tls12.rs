//! TLS 1.0–1.2 record protection from a CLIENT_RANDOM master secret.

use super::cbc::Cbc;
use super::prf::{p_hash, prf10};
use super::{suite_params, DecryptError, RecordCipher, SuiteHash};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};

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
    let unsupported = DecryptError::UnsupportedSuite(suite_code);
    if version < 0x0301 {
        // SSL 3.0 (RFC 6101) derives keys with its own MD5/SHA-1 construction and MAC.
        return Err(DecryptError::UnsupportedVersion(version));
    }
    let params = suite_params(suite_code)?;
    if params.tls13 {
        return Err(unsupported);
    }
    let prf = match params.hash {
        SuiteHash::Sha256 => ring::hmac::HMAC_SHA256,
        SuiteHash::Sha384 => ring::hmac::HMAC_SHA384,
    };
    let mut seed = b"key expansion".to_vec();
    seed.extend_from_slice(server_random);
    seed.extend_from_slice(client_random);
    if let RecordCipher::AesCbc { key_len, mac } = params.cipher {
        let (aes256, mac_alg, mac_len) = (key_len == 32, mac.algorithm(), mac.len());
        // client MAC key, server MAC key, client key, server key, client IV, server IV (the
        // IVs serve TLS 1.0 only: 1.1+ sends an explicit IV per record).
        let len = 2 * mac_len + 2 * key_len + 2 * 16;
        let block = zeroize::Zeroizing::new(match version {
            0x0303.. => p_hash(prf, master, &seed, len),
            // TLS 1.0/1.1 know only the HMAC-SHA1 AES suites.
            0x0301 | 0x0302 if mac_len == 20 => prf10(master, &seed, len),
            _ => return Err(unsupported),
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
        return Err(unsupported);
    }
    // RFC 5288 §3: 4-byte salt + 8-byte explicit nonce; RFC 7905 §2: 12-byte IV XOR seq.
    let (aead_alg, key_len, iv_len, explicit) = match params.cipher {
        RecordCipher::AesGcm { key_len: 16 } => (&aead::AES_128_GCM, 16, 4, true),
        RecordCipher::AesGcm { key_len: 32 } => (&aead::AES_256_GCM, 32, 4, true),
        RecordCipher::ChaCha20Poly1305 => (&aead::CHACHA20_POLY1305, 32, 12, false),
        _ => return Err(unsupported),
    };
    let block = p_hash(prf, master, &seed, 2 * key_len + 2 * iv_len);
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
