//! JSSE's names for TLS code points (sun.security.ssl.SignatureScheme, NamedGroup,
//! ProtocolVersion, ClientCertificateType, Alert) → numbers, so facts from a log carry the same
//! `{code, name}` as facts from the wire. Names JSSE prints with their number (cipher suites
//! `NAME(0xC02F)`, extensions `name (23)`) are read from the number instead.

use crate::model::CodePoint;
use crate::tls::names;

/// `TLSv1.3` → 0x0304.
pub fn version(s: &str) -> Option<u16> {
    Some(match s.trim().trim_matches('"') {
        "TLSv1.3" => 0x0304,
        "TLSv1.2" => 0x0303,
        "TLSv1.1" => 0x0302,
        "TLSv1" | "TLSv1.0" => 0x0301,
        "SSLv3" => 0x0300,
        "SSLv2Hello" => 0x0002,
        "DTLSv1.0" => 0xfeff,
        "DTLSv1.2" => 0xfefd,
        _ => return None,
    })
}

pub fn version_cp(s: &str) -> Option<CodePoint> {
    version(s).map(names::version)
}

/// JSSE SignatureScheme names (JDK 11–25). Most are the IANA names; the legacy ones differ
/// (`rsa_sha224`, `ecdsa_sha224`, `dsa_sha256`, `rsa_md5`).
pub fn signature_scheme(s: &str) -> Option<u16> {
    Some(match s.trim() {
        "ed25519" => 0x0807,
        "ed448" => 0x0808,
        "ecdsa_secp256r1_sha256" => 0x0403,
        "ecdsa_secp384r1_sha384" => 0x0503,
        "ecdsa_secp521r1_sha512" => 0x0603,
        "ecdsa_brainpoolP256r1tls13_sha256" => 0x081a,
        "ecdsa_brainpoolP384r1tls13_sha384" => 0x081b,
        "ecdsa_brainpoolP512r1tls13_sha512" => 0x081c,
        "rsa_pss_rsae_sha256" => 0x0804,
        "rsa_pss_rsae_sha384" => 0x0805,
        "rsa_pss_rsae_sha512" => 0x0806,
        "rsa_pss_pss_sha256" => 0x0809,
        "rsa_pss_pss_sha384" => 0x080a,
        "rsa_pss_pss_sha512" => 0x080b,
        "rsa_pkcs1_sha256" => 0x0401,
        "rsa_pkcs1_sha384" => 0x0501,
        "rsa_pkcs1_sha512" => 0x0601,
        "dsa_sha256" => 0x0402,
        "dsa_sha384" => 0x0502,
        "dsa_sha512" => 0x0602,
        "ecdsa_sha224" => 0x0303,
        "rsa_sha224" => 0x0301,
        "dsa_sha224" => 0x0302,
        "ecdsa_sha1" => 0x0203,
        "rsa_pkcs1_sha1" => 0x0201,
        "dsa_sha1" => 0x0202,
        "rsa_md5" => 0x0101,
        "rsa_pkcs1_sha256_legacy" => 0x0420,
        "rsa_pkcs1_sha384_legacy" => 0x0520,
        "rsa_pkcs1_sha512_legacy" => 0x0620,
        "mldsa44" => 0x0904,
        "mldsa65" => 0x0905,
        "mldsa87" => 0x0906,
        _ => return None,
    })
}

/// JSSE NamedGroup names.
pub fn group(s: &str) -> Option<u16> {
    Some(match s.trim().trim_matches('"') {
        "secp256r1" => 23,
        "secp384r1" => 24,
        "secp521r1" => 25,
        "x25519" => 29,
        "x448" => 30,
        "ffdhe2048" => 256,
        "ffdhe3072" => 257,
        "ffdhe4096" => 258,
        "ffdhe6144" => 259,
        "ffdhe8192" => 260,
        "brainpoolP256r1tls13" => 31,
        "brainpoolP384r1tls13" => 32,
        "brainpoolP512r1tls13" => 33,
        "sect163k1" => 1,
        "sect163r1" => 2,
        "sect163r2" => 3,
        "sect193r1" => 4,
        "sect193r2" => 5,
        "sect233k1" => 6,
        "sect233r1" => 7,
        "sect239k1" => 8,
        "sect283k1" => 9,
        "sect283r1" => 10,
        "sect409k1" => 11,
        "sect409r1" => 12,
        "sect571k1" => 13,
        "sect571r1" => 14,
        "secp160k1" => 15,
        "secp160r1" => 16,
        "secp160r2" => 17,
        "secp192k1" => 18,
        "secp192r1" => 19,
        "secp224k1" => 20,
        "secp224r1" => 21,
        "secp256k1" => 22,
        "X25519MLKEM768" => 0x11ec,
        "SecP256r1MLKEM768" => 0x11eb,
        "SecP384r1MLKEM1024" => 0x11ed,
        _ => return None,
    })
}

/// TLS 1.2 ClientCertificateType as JSSE prints it.
pub fn certificate_type(s: &str) -> Option<u8> {
    Some(match s.trim() {
        "rsa_sign" => 1,
        "dss_sign" => 2,
        "rsa_fixed_dh" => 3,
        "dss_fixed_dh" => 4,
        "rsa_ephemeral_dh" => 5,
        "dss_ephemeral_dh" => 6,
        "fortezza_dms" => 20,
        "ecdsa_sign" => 64,
        "rsa_fixed_ecdh" => 65,
        "ecdsa_fixed_ecdh" => 66,
        _ => return None,
    })
}

/// EC point formats (RFC 8422 §5.1.2) as JSSE prints them.
pub fn point_format(s: &str) -> Option<u8> {
    Some(match s.trim() {
        "uncompressed" => 0,
        "ansiX962_compressed_prime" => 1,
        "ansiX962_compressed_char2" => 2,
        _ => return None,
    })
}

/// Alert description name (JSSE prints the IANA names, upper-cased in `Fatal (NAME)`).
pub fn alert(s: &str) -> Option<u8> {
    let want = s.trim().to_ascii_lowercase();
    (0u8..=255).find(|v| names::alert_description(*v) == Some(want.as_str()))
}
