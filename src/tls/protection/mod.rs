//! Record protection: the keys a key log gives and the decryption of protected records, per
//! direction. Which AEAD, block cipher, MAC and PRF a suite uses comes from a typed table
//! (tls-parser's cipher-suite registry has key exchange, cipher, mode, key size, MAC and PRF as
//! fields), never from the suite's name. Crypto is ring (AEAD, HMAC, HKDF) and RustCrypto
//! (`aes`/`cbc`, MD5 for the TLS 1.0 PRF) — no home-made ciphers. A failed tag or MAC means a
//! wrong key: it is reported, never decoded. Must not decode messages or keep model facts.

mod cbc;
mod prf;
mod tls12;
mod tls13;

pub use tls12::{tls12_decrypters, Decrypter12};
pub use tls13::{Decrypter, Suite};

#[cfg(test)]
pub(crate) use prf::prf10 as prf10_for_test;

use tls_parser::{TlsCipherEnc, TlsCipherEncMode, TlsCipherKx, TlsCipherMac, TlsPRF};

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecryptError {
    #[error("cipher suite {name} (0x{code:04x}) is not supported for decryption", name = crate::tls::names::cipher_suite(*.0).label(), code = .0)]
    UnsupportedSuite(u16),
    #[error("{name} (0x{code:04x}) is not supported for decryption", name = crate::tls::names::version(*.0).label(), code = .0)]
    UnsupportedVersion(u16),
    #[error("compression method {0} is not supported (only DEFLATE, RFC 3749)")]
    UnsupportedCompression(u8),
    #[error("the record does not authenticate with this key (wrong or missing key-log entry)")]
    BadTag,
    #[error("the decrypted record has no content type")]
    NoContentType,
}

/// TLS 1.3 versions whose records we can open: the RFC's, and drafts from 25 on — draft 25
/// made the record header the AEAD's additional data (before it was empty), and draft 20 set
/// the "tls13 " label prefix. Facebook's draft 26 is draft 26.
pub fn tls13_version_supported(version: u16) -> bool {
    matches!(version, 0x0304 | 0x7f19..=0x7f1c | 0xfb1a)
}

/// How a suite protects records (the parts of tls-parser's table decryption needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecordCipher {
    /// AES-GCM (RFC 5288; RFC 8446 §5.3 in TLS 1.3), key length in bytes.
    AesGcm { key_len: usize },
    /// ChaCha20-Poly1305 (RFC 7905).
    ChaCha20Poly1305,
    /// AES-CBC with an HMAC (RFC 5246 §6.2.3.2), key length in bytes.
    AesCbc { key_len: usize, mac: Mac },
    /// No encryption, only an HMAC of `mac_len` bytes (RFC 5246 §6.2.3.1, e.g.
    /// TLS_RSA_WITH_NULL_SHA256): records are readable without keys.
    Null { mac_len: usize },
}

/// Record MAC of a CBC suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mac {
    Sha1,
    Sha256,
    Sha384,
}

impl Mac {
    pub(crate) fn algorithm(self) -> ring::hmac::Algorithm {
        match self {
            Mac::Sha1 => ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Mac::Sha256 => ring::hmac::HMAC_SHA256,
            Mac::Sha384 => ring::hmac::HMAC_SHA384,
        }
    }
    pub(crate) fn len(self) -> usize {
        match self {
            Mac::Sha1 => 20,
            Mac::Sha256 => 32,
            Mac::Sha384 => 48,
        }
    }
}

/// The suite's hash: TLS 1.2's PRF (RFC 5246 §5) or TLS 1.3's HKDF (RFC 8446 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SuiteHash {
    Sha256,
    Sha384,
}

/// One suite as decryption sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SuiteParams {
    pub(crate) cipher: RecordCipher,
    pub(crate) hash: SuiteHash,
    /// A TLS 1.3 suite (RFC 8446 §B.4): usable only with TLS 1.3 key schedules.
    pub(crate) tls13: bool,
}

/// The protection parameters of suite `code`, or why it cannot be decrypted.
pub(crate) fn suite_params(code: u16) -> Result<SuiteParams, DecryptError> {
    let unsupported = DecryptError::UnsupportedSuite(code);
    let s = tls_parser::TlsCipherSuite::from_id(code).ok_or(unsupported)?;
    let aes_key = match s.enc_size {
        128 => Ok(16),
        256 => Ok(32),
        _ => Err(unsupported),
    };
    let cipher = match (s.enc, s.enc_mode, s.mac) {
        (TlsCipherEnc::Aes, TlsCipherEncMode::Gcm, TlsCipherMac::Aead) => {
            RecordCipher::AesGcm { key_len: aes_key? }
        }
        (TlsCipherEnc::Chacha20_Poly1305, _, TlsCipherMac::Aead) => RecordCipher::ChaCha20Poly1305,
        (TlsCipherEnc::Null, _, mac) if mac != TlsCipherMac::Aead => RecordCipher::Null {
            mac_len: usize::from(s.mac_size / 8),
        },
        (TlsCipherEnc::Aes, TlsCipherEncMode::Cbc, mac) => RecordCipher::AesCbc {
            key_len: aes_key?,
            mac: match mac {
                TlsCipherMac::HmacSha1 => Mac::Sha1,
                TlsCipherMac::HmacSha256 => Mac::Sha256,
                TlsCipherMac::HmacSha384 => Mac::Sha384,
                _ => return Err(unsupported),
            },
        },
        _ => return Err(unsupported),
    };
    // `Default` is the TLS 1.2 PRF, P_SHA256 (RFC 5246 §5); TLS 1.0/1.1 use their own PRF
    // whatever the table says (chosen by version in tls12.rs).
    let hash = match s.prf {
        TlsPRF::Default | TlsPRF::Sha256 => SuiteHash::Sha256,
        TlsPRF::Sha384 => SuiteHash::Sha384,
        _ => return Err(unsupported),
    };
    Ok(SuiteParams {
        cipher,
        hash,
        tls13: s.kx == TlsCipherKx::Tls13,
    })
}

/// The MAC length of a NULL-cipher suite, `None` for any other (or unknown) suite.
pub(crate) fn null_cipher_mac_len(suite: u16) -> Option<usize> {
    match suite_params(suite) {
        Ok(SuiteParams {
            cipher: RecordCipher::Null { mac_len },
            ..
        }) => Some(mac_len),
        _ => None,
    }
}

/// One direction's record protection as the decoder follows it.
#[derive(Debug, Default)]
pub(crate) enum Protection {
    /// No keys: protected records are counted, not read.
    #[default]
    None,
    /// TLS 1.3: the current epoch's decrypter, the application traffic secret to switch to
    /// after this side's Finished, and — once in the application epoch — how many of its
    /// records were read.
    Tls13 {
        dec: Box<Decrypter>,
        next_secret: Option<zeroize::Zeroizing<Vec<u8>>>,
        app_records: Option<u64>,
    },
    /// TLS ≤ 1.2 with a CLIENT_RANDOM master secret, after this side's ChangeCipherSpec.
    Tls12(Decrypter12),
    /// TLS ≤ 1.2 with a NULL cipher after this side's ChangeCipherSpec: plaintext + MAC.
    Null { mac_len: usize },
}

#[cfg(test)]
mod tests;
