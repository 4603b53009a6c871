//! The TLS ≤ 1.2 PRFs: P_hash of RFC 5246 §5 (ring HMAC) and the TLS 1.0/1.1 PRF of RFC 2246
//! §5 (P_MD5 XOR P_SHA-1; HMAC-MD5 through RustCrypto, ring has no MD5).

/// P_hash of RFC 5246 §5.
pub(crate) fn p_hash(
    alg: ring::hmac::Algorithm,
    secret: &[u8],
    seed: &[u8],
    len: usize,
) -> Vec<u8> {
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
pub(crate) fn prf10(secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
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
