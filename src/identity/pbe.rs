//! Password-based decryption for keystores and key files, with every key-derivation parameter
//! checked against a cap before any work or allocation: PBES2 (RFC 8018 §6.2: PBKDF2 or scrypt
//! (RFC 7914) + AES-CBC / DES-EDE3-CBC / DES-CBC) for `ENCRYPTED PRIVATE KEY` PEM and modern
//! PKCS#12, PKCS#12's own PBE (RFC 7292 App. B/C: SHA-1 + 3DES or RC2) and its MAC key
//! derivation. Owns the caps ([`MAX_ITERATIONS`], [`MAX_SCRYPT_MEMORY`], [`MAX_SCRYPT_P`],
//! [`WORK_BUDGET`]); must not know the containers (pkcs12.rs, pem.rs, jks.rs walk those).
//!
//! Why these caps: keytool (JDK 17) writes PKCS#12 with 10,000 iterations and refuses
//! `-J-Dkeystore.pkcs12.*IterationCount` above 5,000,000 (`PKCS12KeyStore.MAX_ITERATION_COUNT`,
//! also its limit when reading); `openssl pkcs12`/`pkcs8` default to 2048 and document no maximum
//! (an `-iter 8388608` file is real: it loads); OpenSSL 3 refuses to create or read scrypt
//! parameters above 32 MiB (`scrypt_alg: memory limit exceeded`; its default N=16384, r=8 is
//! 16 MiB). Beyond the caps a file is refused with the parameter and its value, before any work:
//! PBKDF2 with 2^31-1 iterations would otherwise run for about twenty minutes even with a wrong
//! password, and scrypt N=2^40 would ask for 128 TiB.

use aes::cipher::{block_padding::Pkcs7, BlockModeDecrypt, KeyIvInit};
use zeroize::Zeroizing;

use super::der::{self, read_tlv, Tlv};

/// Largest iteration count accepted for one key derivation (PBKDF2, PKCS#12 KDF, JCEKS).
#[cfg(not(fuzzing))]
pub const MAX_ITERATIONS: u64 = 10_000_000;
/// Largest scrypt memory (128 · N · r bytes) accepted.
#[cfg(not(fuzzing))]
pub const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// Largest scrypt parallelisation p accepted.
pub const MAX_SCRYPT_P: u64 = 16;
/// All key derivations of one file together (iterations × output blocks): room for a MAC and
/// a dozen keys at keytool's maximum, and for an `openssl pkcs12 -legacy -iter 8388608` file
/// (MAC, RC2 certificate safe, 3DES key: 6 derivations of 8,388,608).
#[cfg(not(fuzzing))]
pub const WORK_BUDGET: u64 = 100_000_000;

// Fuzz builds only (cargo-fuzz sets `--cfg fuzzing`): the same checks with caps a hundred times
// lower, so that a mutated iteration count costs milliseconds, not seconds, per input and the
// fuzzer explores parsing instead of timing out inside PBKDF2 (docs/fuzzing.md). They still
// accept the defaults of the seeds (keytool 10,000, openssl 2048, scrypt N=16384 r=8).
#[cfg(fuzzing)]
pub const MAX_ITERATIONS: u64 = 100_000;
#[cfg(fuzzing)]
pub const MAX_SCRYPT_MEMORY: u64 = 16 * 1024 * 1024;
#[cfg(fuzzing)]
pub const WORK_BUDGET: u64 = 1_000_000;

/// Why a decryption did not produce plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PbeError {
    /// Bad padding after decryption: what a wrong password produces.
    WrongPassword,
    /// An algorithm this tool does not implement (its name or OID).
    Unsupported(String),
    /// A parameter over a cap: the parameter, its value and the cap, in words.
    Limit(String),
    /// The algorithm parameters are not well-formed DER.
    Malformed(&'static str),
}

/// The work left for one file's key derivations.
#[derive(Debug)]
pub struct Budget {
    left: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { left: WORK_BUDGET }
    }
}

impl Budget {
    /// Checks one derivation of `iterations` producing `blocks` hash-sized output blocks, and
    /// takes its work from the budget.
    pub fn spend(&mut self, what: &str, iterations: u64, blocks: u64) -> Result<(), PbeError> {
        if iterations > MAX_ITERATIONS {
            return Err(PbeError::Limit(format!(
                "{what} iteration count {iterations} exceeds the limit {MAX_ITERATIONS}"
            )));
        }
        let work = iterations.saturating_mul(blocks.max(1));
        if work > self.left {
            return Err(PbeError::Limit(format!(
                "the key derivations in this file need more than {WORK_BUDGET} iterations in all (limit)"
            )));
        }
        self.left = self.left.saturating_sub(work);
        Ok(())
    }
}

pub const OID_PBES2: &str = "1.2.840.113549.1.5.13";
const OID_PBKDF2: &str = "1.2.840.113549.1.5.12";
const OID_SCRYPT: &str = "1.3.6.1.4.1.11591.4.11";
const OID_PBE_SHA1_3DES: &str = "1.2.840.113549.1.12.1.3";
const OID_PBE_SHA1_2DES: &str = "1.2.840.113549.1.12.1.4";
const OID_PBE_SHA1_RC2_128: &str = "1.2.840.113549.1.12.1.5";
const OID_PBE_SHA1_RC2_40: &str = "1.2.840.113549.1.12.1.6";

/// Dotted text of an OID TLV's contents.
pub fn oid(t: &Tlv<'_>) -> Option<String> {
    if t.tag != der::OID {
        return None;
    }
    pkcs8::ObjectIdentifier::from_bytes(t.value)
        .ok()
        .map(|o| o.to_string())
}

/// A human name for the encryption algorithms users meet, for "unsupported" messages.
fn alg_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.12.1.1" => "pbeWithSHAAnd128BitRC4",
        "1.2.840.113549.1.12.1.2" => "pbeWithSHAAnd40BitRC4",
        "1.2.840.113549.1.5.3" => "pbeWithMD5AndDES-CBC (PBES1)",
        "1.2.840.113549.1.5.10" => "pbeWithSHA1AndDES-CBC (PBES1)",
        "1.2.840.113549.1.5.14" => "PBMAC1",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// A password in the two encodings the schemes use: UTF-8 (PBES2, RFC 8018 §3) and the
/// PKCS#12 BMPString form (UTF-16BE plus a two-byte zero terminator, RFC 7292 App. B.1).
pub struct Password {
    pub utf8: Zeroizing<Vec<u8>>,
    pub bmp: Zeroizing<Vec<u8>>,
}

impl Password {
    pub fn new(text: &str) -> Password {
        Password {
            utf8: Zeroizing::new(text.as_bytes().to_vec()),
            bmp: bmp_password(text),
        }
    }

    /// The forms an empty password takes in the wild, in the order they are tried: OpenSSL's
    /// "" (terminator only), a NULL password (no bytes: OpenSSL `-passin pass:` also tries it,
    /// and it is what JSSE derives from an empty char[]), and JSSE's retry with "\0"
    /// (`PKCS12KeyStore.RetryWithZero`).
    pub fn empty_variants() -> Vec<Password> {
        [vec![0u8, 0], vec![], vec![0u8, 0, 0, 0]]
            .into_iter()
            .map(|bmp| Password {
                utf8: Zeroizing::new(Vec::new()),
                bmp: Zeroizing::new(bmp),
            })
            .collect()
    }
}

/// Decrypts `ciphertext` with the algorithm named by an AlgorithmIdentifier's OID and
/// parameters (`params` is the raw parameters TLV, if any).
pub fn decrypt(
    alg_oid: &str,
    params: Option<Tlv<'_>>,
    ciphertext: &[u8],
    password: &Password,
    budget: &mut Budget,
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    match alg_oid {
        OID_PBES2 => pbes2(params, ciphertext, &password.utf8, budget),
        OID_PBE_SHA1_3DES | OID_PBE_SHA1_2DES | OID_PBE_SHA1_RC2_128 | OID_PBE_SHA1_RC2_40 => {
            pkcs12_pbe(alg_oid, params, ciphertext, password, budget)
        }
        other => Err(PbeError::Unsupported(alg_name(other))),
    }
}

/// Splits an AlgorithmIdentifier `SEQUENCE { OID, params OPTIONAL }`.
pub fn split_algorithm<'a>(seq: &Tlv<'a>) -> Result<(String, Option<Tlv<'a>>), PbeError> {
    if seq.tag != der::SEQUENCE {
        return Err(PbeError::Malformed("AlgorithmIdentifier is not a SEQUENCE"));
    }
    let (o, rest) = read_tlv(seq.value).ok_or(PbeError::Malformed("bad AlgorithmIdentifier"))?;
    let name = oid(&o).ok_or(PbeError::Malformed("bad algorithm OID"))?;
    let params = if rest.is_empty() {
        None
    } else {
        Some(
            read_tlv(rest)
                .ok_or(PbeError::Malformed("bad algorithm parameters"))?
                .0,
        )
    };
    Ok((name, params))
}

fn int_u64(t: &Tlv<'_>) -> Option<u64> {
    if t.tag != der::INTEGER || t.value.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let v = der::unsigned(t.value);
    if v.len() > 8 {
        // Larger than any u64: certainly over every cap.
        return Some(u64::MAX);
    }
    Some(v.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

fn pbes2(
    params: Option<Tlv<'_>>,
    ciphertext: &[u8],
    password: &[u8],
    budget: &mut Budget,
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    let bad = PbeError::Malformed("bad PBES2 parameters");
    let p = params.ok_or(bad.clone())?;
    let f = der::children(p.value).ok_or(bad.clone())?;
    let (kdf_seq, enc_seq) = match f.as_slice() {
        [k, e] => (k, e),
        _ => return Err(bad),
    };
    let (kdf_oid, kdf_params) = split_algorithm(kdf_seq)?;
    let (enc_oid, enc_params) = split_algorithm(enc_seq)?;
    let (cipher, key_len) = match enc_oid.as_str() {
        "2.16.840.1.101.3.4.1.2" => (Cipher::Aes128, 16),
        "2.16.840.1.101.3.4.1.22" => (Cipher::Aes192, 24),
        "2.16.840.1.101.3.4.1.42" => (Cipher::Aes256, 32),
        "1.2.840.113549.3.7" => (Cipher::DesEde3, 24),
        "1.3.14.3.2.7" => (Cipher::Des, 8),
        other => return Err(PbeError::Unsupported(format!("PBES2 cipher {other}"))),
    };
    let iv = enc_params
        .filter(|t| t.tag == der::OCTET_STRING)
        .ok_or(PbeError::Malformed("PBES2 cipher without an IV"))?
        .value;
    let key = match kdf_oid.as_str() {
        OID_PBKDF2 => {
            let kp = kdf_params.ok_or(PbeError::Malformed("PBKDF2 without parameters"))?;
            let f = der::children(kp.value).ok_or(PbeError::Malformed("bad PBKDF2 parameters"))?;
            let mut it = f.iter();
            let salt = it
                .next()
                .filter(|t| t.tag == der::OCTET_STRING)
                .ok_or(PbeError::Malformed("PBKDF2 salt is not an OCTET STRING"))?
                .value;
            let iterations = it
                .next()
                .and_then(int_u64)
                .ok_or(PbeError::Malformed("bad PBKDF2 iteration count"))?;
            // keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1.
            let mut prf = "1.2.840.113549.2.7".to_owned();
            for t in it {
                if t.tag == der::SEQUENCE {
                    prf = split_algorithm(t)?.0;
                }
            }
            let alg = match prf.as_str() {
                "1.2.840.113549.2.7" => ring::pbkdf2::PBKDF2_HMAC_SHA1,
                "1.2.840.113549.2.9" => ring::pbkdf2::PBKDF2_HMAC_SHA256,
                "1.2.840.113549.2.10" => ring::pbkdf2::PBKDF2_HMAC_SHA384,
                "1.2.840.113549.2.11" => ring::pbkdf2::PBKDF2_HMAC_SHA512,
                other => return Err(PbeError::Unsupported(format!("PBKDF2 PRF {other}"))),
            };
            let hash_len: u64 = match prf.as_str() {
                "1.2.840.113549.2.7" => 20,
                "1.2.840.113549.2.9" => 32,
                "1.2.840.113549.2.10" => 48,
                _ => 64,
            };
            budget.spend(
                "PBKDF2",
                iterations,
                u64::try_from(key_len)
                    .unwrap_or(u64::MAX)
                    .div_ceil(hash_len),
            )?;
            let n = std::num::NonZeroU32::new(u32::try_from(iterations).unwrap_or(u32::MAX))
                .ok_or(PbeError::Malformed("PBKDF2 iteration count 0"))?;
            let mut key = Zeroizing::new(vec![0u8; key_len]);
            ring::pbkdf2::derive(alg, n, salt, password, &mut key);
            key
        }
        OID_SCRYPT => {
            let kp = kdf_params.ok_or(PbeError::Malformed("scrypt without parameters"))?;
            let f = der::children(kp.value).ok_or(PbeError::Malformed("bad scrypt parameters"))?;
            let salt = f
                .first()
                .filter(|t| t.tag == der::OCTET_STRING)
                .ok_or(PbeError::Malformed("scrypt salt is not an OCTET STRING"))?
                .value;
            let num = |i: usize| f.get(i).and_then(int_u64);
            let (Some(n), Some(r), Some(p)) = (num(1), num(2), num(3)) else {
                return Err(PbeError::Malformed("bad scrypt parameters"));
            };
            budget.spend("scrypt", 1, 1)?;
            scrypt_checked(password, salt, n, r, p, key_len)?
        }
        other => {
            return Err(PbeError::Unsupported(format!(
                "PBES2 key derivation {other}"
            )))
        }
    };
    cbc_decrypt(cipher, &key, iv, ciphertext)
}

/// Checks scrypt's N, r, p against the caps (before allocating 128·N·r bytes), then derives.
fn scrypt_checked(
    password: &[u8],
    salt: &[u8],
    n: u64,
    r: u64,
    p: u64,
    key_len: usize,
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    if n < 2 || !n.is_power_of_two() {
        return Err(PbeError::Malformed("scrypt N is not a power of two"));
    }
    let log_n = n.trailing_zeros();
    let memory = 128u128 * u128::from(n) * u128::from(r);
    if memory > u128::from(MAX_SCRYPT_MEMORY) {
        return Err(PbeError::Limit(format!(
            "scrypt N=2^{log_n}, r={r} needs {} of memory, over the limit of {}",
            bytes_text(memory),
            bytes_text(u128::from(MAX_SCRYPT_MEMORY))
        )));
    }
    if p > MAX_SCRYPT_P {
        return Err(PbeError::Limit(format!(
            "scrypt p={p} exceeds the limit {MAX_SCRYPT_P}"
        )));
    }
    let params = scrypt::Params::new(
        u8::try_from(log_n).unwrap_or(u8::MAX),
        u32::try_from(r).unwrap_or(u32::MAX),
        u32::try_from(p).unwrap_or(u32::MAX),
        key_len,
    )
    .map_err(|_| PbeError::Malformed("scrypt parameters out of range"))?;
    let mut key = Zeroizing::new(vec![0u8; key_len]);
    scrypt::scrypt(password, salt, &params, &mut key)
        .map_err(|_| PbeError::Malformed("scrypt output length"))?;
    Ok(key)
}

fn bytes_text(n: u128) -> String {
    const UNITS: [(&str, u32); 6] = [
        ("EiB", 60),
        ("PiB", 50),
        ("TiB", 40),
        ("GiB", 30),
        ("MiB", 20),
        ("KiB", 10),
    ];
    for (u, shift) in UNITS {
        if n >= 1u128 << shift {
            let v = n >> shift;
            return format!("{v} {u}");
        }
    }
    format!("{n} bytes")
}

#[derive(Clone, Copy)]
enum Cipher {
    Aes128,
    Aes192,
    Aes256,
    DesEde3,
    Des,
    Rc2 { effective_bits: usize },
}

fn cbc_decrypt(
    cipher: Cipher,
    key: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    let bad_iv = PbeError::Malformed("IV length does not fit the cipher");
    let len = match cipher {
        Cipher::Aes128 => cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv)
            .map_err(|_| bad_iv)?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map_err(|_| PbeError::WrongPassword)?
            .len(),
        Cipher::Aes192 => cbc::Decryptor::<aes::Aes192>::new_from_slices(key, iv)
            .map_err(|_| bad_iv)?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map_err(|_| PbeError::WrongPassword)?
            .len(),
        Cipher::Aes256 => cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
            .map_err(|_| bad_iv)?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map_err(|_| PbeError::WrongPassword)?
            .len(),
        Cipher::DesEde3 => cbc::Decryptor::<des::TdesEde3>::new_from_slices(key, iv)
            .map_err(|_| bad_iv)?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map_err(|_| PbeError::WrongPassword)?
            .len(),
        Cipher::Des => cbc::Decryptor::<des::Des>::new_from_slices(key, iv)
            .map_err(|_| bad_iv)?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map_err(|_| PbeError::WrongPassword)?
            .len(),
        Cipher::Rc2 { effective_bits } => {
            use cbc::cipher::InnerIvInit;
            let rc2 = rc2::Rc2::new_with_eff_key_len(key, effective_bits);
            cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(rc2, iv)
                .map_err(|_| bad_iv)?
                .decrypt_padded::<Pkcs7>(&mut buf)
                .map_err(|_| PbeError::WrongPassword)?
                .len()
        }
    };
    buf.truncate(len);
    Ok(buf)
}

/// The password as PKCS#12 feeds it to its KDF: BMPString (UTF-16BE) plus a two-byte zero
/// terminator (RFC 7292 App. B.1). An empty password is the terminator alone, as OpenSSL writes.
pub fn bmp_password(password: &str) -> Zeroizing<Vec<u8>> {
    let mut v = Zeroizing::new(Vec::with_capacity(password.len().saturating_mul(2) + 2));
    for u in password.encode_utf16() {
        v.extend_from_slice(&u.to_be_bytes());
    }
    v.extend_from_slice(&[0, 0]);
    v
}

/// Which digest a PKCS#12 KDF or MAC uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Digest {
    pub fn from_oid(oid: &str) -> Option<Digest> {
        Some(match oid {
            "1.3.14.3.2.26" => Digest::Sha1,
            "2.16.840.1.101.3.4.2.4" => Digest::Sha224,
            "2.16.840.1.101.3.4.2.1" => Digest::Sha256,
            "2.16.840.1.101.3.4.2.2" => Digest::Sha384,
            "2.16.840.1.101.3.4.2.3" => Digest::Sha512,
            _ => return None,
        })
    }
    /// The hash's input block size (the PKCS#12 KDF's v).
    pub fn block_len(self) -> usize {
        match self {
            Digest::Sha1 | Digest::Sha224 | Digest::Sha256 => 64,
            Digest::Sha384 | Digest::Sha512 => 128,
        }
    }
    pub fn output_len(self) -> usize {
        match self {
            Digest::Sha1 => 20,
            Digest::Sha224 => 28,
            Digest::Sha256 => 32,
            Digest::Sha384 => 48,
            Digest::Sha512 => 64,
        }
    }
}

/// The PKCS#12 key derivation (RFC 7292 App. B.2): `id` 1 = key, 2 = IV, 3 = MAC key.
/// `password` is the BMPString form ([`bmp_password`]). The caller has checked the budget.
/// The iterated hash is ring's (SHA-224: RustCrypto's), which keeps a few million iterations
/// to seconds even in a debug build.
pub fn pkcs12_kdf(
    digest: Digest,
    password: &[u8],
    salt: &[u8],
    id: u8,
    iterations: u64,
    len: usize,
) -> Zeroizing<Vec<u8>> {
    // H^iterations(D || I): the first hash over both, then the digest alone, kept on the stack.
    let iterate = |d: &[u8], i: &[u8]| -> Zeroizing<Vec<u8>> {
        use ring::digest as r;
        let alg = match digest {
            Digest::Sha1 => &r::SHA1_FOR_LEGACY_USE_ONLY,
            Digest::Sha256 => &r::SHA256,
            Digest::Sha384 => &r::SHA384,
            Digest::Sha512 => &r::SHA512,
            Digest::Sha224 => {
                use sha2::Digest as _;
                let mut a = sha2::Sha224::new()
                    .chain_update(d)
                    .chain_update(i)
                    .finalize();
                for _ in 1..iterations {
                    a = sha2::Sha224::digest(a);
                }
                return Zeroizing::new(a.to_vec());
            }
        };
        let mut c = r::Context::new(alg);
        c.update(d);
        c.update(i);
        let mut a = c.finish();
        for _ in 1..iterations {
            a = r::digest(alg, a.as_ref());
        }
        Zeroizing::new(a.as_ref().to_vec())
    };
    let v = digest.block_len();
    let fill = |s: &[u8]| -> Vec<u8> {
        if s.is_empty() {
            return Vec::new();
        }
        let n = v.saturating_mul(s.len().div_ceil(v));
        s.iter().copied().cycle().take(n).collect()
    };
    let d = vec![id; v];
    let mut i = Zeroizing::new(fill(salt));
    i.extend_from_slice(&fill(password));
    let mut out = Zeroizing::new(Vec::with_capacity(len.saturating_add(64)));
    while out.len() < len {
        let a = iterate(&d, i.as_slice());
        out.extend_from_slice(&a);
        if out.len() >= len {
            break;
        }
        // I_j = (I_j + B + 1) mod 2^(8v), B = A repeated to v bytes.
        let b: Vec<u8> = a.iter().copied().cycle().take(v).collect();
        for block in i.chunks_mut(v) {
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().zip(b.iter()).rev() {
                let s = u16::from(*x) + u16::from(*y) + carry;
                *x = u8::try_from(s & 0xff).unwrap_or(0);
                carry = s >> 8;
            }
        }
    }
    out.truncate(len);
    out
}

/// PKCS#12 PBE (RFC 7292 App. C): parameters `SEQUENCE { salt OCTET STRING, iterations INTEGER }`,
/// key and IV from the PKCS#12 KDF with SHA-1.
fn pkcs12_pbe(
    alg: &str,
    params: Option<Tlv<'_>>,
    ciphertext: &[u8],
    password: &Password,
    budget: &mut Budget,
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    let (salt, iterations) = salt_and_iterations(params)?;
    let (cipher, key_len): (Cipher, usize) = match alg {
        OID_PBE_SHA1_3DES => (Cipher::DesEde3, 24),
        OID_PBE_SHA1_RC2_128 => (
            Cipher::Rc2 {
                effective_bits: 128,
            },
            16,
        ),
        OID_PBE_SHA1_RC2_40 => (Cipher::Rc2 { effective_bits: 40 }, 5),
        _ => {
            return Err(PbeError::Unsupported(
                "pbeWithSHAAnd2-KeyTripleDES-CBC".to_owned(),
            ))
        }
    };
    // Key: ceil(key_len / 20) blocks; IV: one block.
    let blocks = u64::try_from(key_len.div_ceil(20)).unwrap_or(u64::MAX) + 1;
    budget.spend("PKCS#12 PBE", iterations, blocks)?;
    let key = pkcs12_kdf(Digest::Sha1, &password.bmp, salt, 1, iterations, key_len);
    let iv = pkcs12_kdf(Digest::Sha1, &password.bmp, salt, 2, iterations, 8);
    cbc_decrypt(cipher, &key, &iv, ciphertext)
}

/// `SEQUENCE { salt OCTET STRING, iterations INTEGER }` (PKCS#12 PBE, JCEKS).
pub fn salt_and_iterations<'a>(params: Option<Tlv<'a>>) -> Result<(&'a [u8], u64), PbeError> {
    let bad = PbeError::Malformed("bad PBE parameters");
    let p = params
        .filter(|t| t.tag == der::SEQUENCE)
        .ok_or(bad.clone())?;
    let f = der::children(p.value).ok_or(bad.clone())?;
    let salt = f
        .first()
        .filter(|t| t.tag == der::OCTET_STRING)
        .ok_or(bad.clone())?
        .value;
    let iterations = f.get(1).and_then(int_u64).ok_or(bad)?;
    Ok((salt, iterations))
}
