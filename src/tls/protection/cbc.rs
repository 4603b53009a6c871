//! AES-CBC record protection of TLS ≤ 1.2 (RFC 5246 §6.2.3.2): explicit IVs (1.1+) or IVs
//! chained across records (1.0), MAC-then-encrypt or encrypt-then-MAC (RFC 7366). The MAC is
//! always checked; padding is checked in full.

use super::DecryptError;

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
pub(super) struct Cbc<'a> {
    pub(super) aes256: bool,
    pub(super) key: &'a [u8],
    pub(super) mac: &'a ring::hmac::Key,
    pub(super) mac_len: usize,
    pub(super) etm: bool,
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

    pub(super) fn open(
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
