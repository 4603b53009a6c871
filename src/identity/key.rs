//! Private keys: the DER held in zeroize-on-drop memory, what kind of key it is (algorithm,
//! size, curve), and whether it belongs to a certificate's public key — the classic "invalid
//! private key" (`WS_CLIENT_INVALID_PRIVATE_KEY`, CertificateVerify → `decrypt_error`) failure.
//! Never prints or serialises key bytes.

use rustls_pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};
use zeroize::Zeroizing;

use super::der::{self, children, read_tlv, unsigned};
use crate::model::PublicKeyInfo;

// One OID table for certificates and keys (issue 17: the two tables disagreed on brainpool).
pub use crate::tls::oid::{OID_EC, OID_ED25519, OID_ED448, OID_RSA, OID_RSA_PSS};

/// How the key bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyEncoding {
    /// PKCS#8 PrivateKeyInfo (also what JKS and PKCS#12 hold once decrypted).
    Pkcs8,
    /// PKCS#1 RSAPrivateKey (`BEGIN RSA PRIVATE KEY`).
    Pkcs1,
    /// SEC1 ECPrivateKey (`BEGIN EC PRIVATE KEY`).
    Sec1,
}

/// A private key. The bytes are zeroed on drop; `Debug` shows only the key facts.
#[derive(Clone)]
pub struct PrivateKey {
    der: Zeroizing<Vec<u8>>,
    pub encoding: KeyEncoding,
    pub info: PublicKeyInfo,
    /// Public key material derived from the private key where the encoding carries it
    /// (RSA modulus+exponent, EC point when present, Ed25519 public key when present).
    public: PublicPart,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKey")
            .field("encoding", &self.encoding)
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Default)]
enum PublicPart {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    Ec {
        /// The private scalar (zeroized).
        d: Zeroizing<Vec<u8>>,
        point: Option<Vec<u8>>,
    },
    Ed25519 {
        seed: Zeroizing<Vec<u8>>,
        public: Option<Vec<u8>>,
    },
    #[default]
    Unknown,
}

/// Whether a private key belongs to a certificate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyMatch {
    Yes,
    No,
    /// Could not be checked (unsupported algorithm or curve); the text says why.
    Unknown(String),
}

impl PrivateKey {
    /// Parses a key in the given encoding. `None` when it is not a well-formed key of that kind.
    pub fn parse(bytes: &[u8], encoding: KeyEncoding) -> Option<PrivateKey> {
        let der = Zeroizing::new(bytes.to_vec());
        let (info, public) = match encoding {
            KeyEncoding::Pkcs8 => parse_pkcs8(bytes)?,
            KeyEncoding::Pkcs1 => parse_pkcs1(bytes)?,
            KeyEncoding::Sec1 => parse_sec1(bytes, None)?,
        };
        Some(PrivateKey {
            der,
            encoding,
            info,
            public,
        })
    }

    /// A copy of the key as rustls wants it (pki-types implements `Zeroize` on it; the
    /// caller owns that copy).
    pub fn to_rustls(&self) -> PrivateKeyDer<'static> {
        let v = self.der.to_vec();
        match self.encoding {
            KeyEncoding::Pkcs8 => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(v)),
            KeyEncoding::Pkcs1 => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(v)),
            KeyEncoding::Sec1 => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(v)),
        }
    }

    /// The raw DER in [`Self::encoding`]. Do not log it.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Checks this key against a certificate's SubjectPublicKeyInfo (DER of the certificate).
    pub fn matches_certificate(&self, cert_der: &[u8]) -> KeyMatch {
        let Some(spki) = cert_spki(cert_der) else {
            return KeyMatch::Unknown("certificate could not be parsed".to_owned());
        };
        let cert_alg = spki.algorithm.as_str();
        let key_alg = self.info.algorithm.as_str();
        let same_family = cert_alg == key_alg
            || (cert_alg == "RSASSA-PSS" && key_alg == "RSA")
            || (cert_alg == "RSA" && key_alg == "RSASSA-PSS");
        if !same_family {
            return KeyMatch::No;
        }
        match &self.public {
            PublicPart::Rsa { n, e } => {
                let Some(fields) =
                    read_tlv(&spki.key_bits).and_then(|(seq, _)| children(seq.value))
                else {
                    return KeyMatch::Unknown("certificate RSA key is malformed".to_owned());
                };
                match (fields.first(), fields.get(1)) {
                    (Some(cn), Some(ce)) => {
                        if unsigned(cn.value) == n.as_slice() && unsigned(ce.value) == e.as_slice()
                        {
                            KeyMatch::Yes
                        } else {
                            KeyMatch::No
                        }
                    }
                    _ => KeyMatch::Unknown("certificate RSA key is malformed".to_owned()),
                }
            }
            PublicPart::Ec { d, point } => {
                if self.info.curve != spki.curve {
                    return KeyMatch::No;
                }
                if let Some(p) = point {
                    return if p.as_slice() == spki.key_bits.as_slice() {
                        KeyMatch::Yes
                    } else {
                        KeyMatch::No
                    };
                }
                // No public key stored beside the scalar (Java writes EC keys that way): let
                // ring derive d·G and compare it with the certificate's point.
                let alg: &'static ring::signature::EcdsaSigningAlgorithm =
                    match self.info.curve.as_deref() {
                        Some("secp256r1") => &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
                        Some("secp384r1") => &ring::signature::ECDSA_P384_SHA384_ASN1_SIGNING,
                        other => {
                            return KeyMatch::Unknown(format!(
                                "cannot check EC keys on curve {}",
                                other.unwrap_or("(unknown)")
                            ))
                        }
                    };
                let rng = ring::rand::SystemRandom::new();
                match ring::signature::EcdsaKeyPair::from_private_key_and_public_key(
                    alg,
                    d,
                    &spki.key_bits,
                    &rng,
                ) {
                    Ok(_) => KeyMatch::Yes,
                    Err(_) => KeyMatch::No,
                }
            }
            PublicPart::Ed25519 { seed, public } => {
                if let Some(p) = public {
                    return if p.as_slice() == spki.key_bits.as_slice() {
                        KeyMatch::Yes
                    } else {
                        KeyMatch::No
                    };
                }
                match ring::signature::Ed25519KeyPair::from_seed_and_public_key(
                    seed,
                    &spki.key_bits,
                ) {
                    Ok(_) => KeyMatch::Yes,
                    Err(_) => KeyMatch::No,
                }
            }
            PublicPart::Unknown => {
                KeyMatch::Unknown(format!("cannot check {} keys", self.info.algorithm))
            }
        }
    }
}

/// The certificate's public key: algorithm name, curve, and the subjectPublicKey bits.
pub struct Spki {
    pub algorithm: String,
    pub curve: Option<String>,
    pub key_bits: Vec<u8>,
}

pub fn cert_spki(cert_der: &[u8]) -> Option<Spki> {
    use x509_parser::prelude::FromDer;
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(cert_der).ok()?;
    let spki = &cert.tbs_certificate.subject_pki;
    let oid = spki.algorithm.algorithm.to_id_string();
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .and_then(|o| curve_name(&o.to_id_string()));
    Some(Spki {
        algorithm: algorithm_name(&oid),
        curve: if oid == OID_EC { curve } else { None },
        key_bits: spki.subject_public_key.data.to_vec(),
    })
}

pub fn algorithm_name(oid: &str) -> String {
    crate::tls::oid::key_algorithm_name(oid).map_or_else(|| oid.to_owned(), str::to_owned)
}

pub fn curve_name(oid: &str) -> Option<String> {
    crate::tls::oid::curve_name(oid).map(str::to_owned)
}

fn curve_bits(curve: Option<&str>) -> Option<u32> {
    crate::tls::oid::curve_bits(curve?)
}

/// Bit length of an unsigned big-endian integer.
fn bit_len(n: &[u8]) -> Option<u32> {
    let n = unsigned(n);
    let first = n.first()?;
    let bytes = u32::try_from(n.len()).ok()?;
    bytes
        .checked_sub(1)?
        .checked_mul(8)?
        .checked_add(8 - first.leading_zeros())
}

fn parse_pkcs8(bytes: &[u8]) -> Option<(PublicKeyInfo, PublicPart)> {
    let pki = pkcs8::PrivateKeyInfo::try_from(bytes).ok()?;
    let oid = pki.algorithm.oid.to_string();
    match oid.as_str() {
        OID_RSA | OID_RSA_PSS => {
            let (mut info, part) = parse_pkcs1(pki.private_key)?;
            info.algorithm = algorithm_name(&oid);
            Some((info, part))
        }
        OID_EC => {
            let curve = pki
                .algorithm
                .parameters_oid()
                .ok()
                .and_then(|o| curve_name(&o.to_string()));
            parse_sec1(pki.private_key, curve)
        }
        OID_ED25519 => {
            // RFC 8410: the private key is an OCTET STRING holding the 32-byte seed.
            let (seed, _) = read_tlv(pki.private_key)?;
            let public = pki
                .public_key
                .map(|p| p.to_vec())
                // PKCS#8 v2 BIT STRING contents come without the unused-bits byte here.
                .filter(|p| p.len() == 32);
            Some((
                PublicKeyInfo {
                    algorithm: "Ed25519".to_owned(),
                    bits: Some(256),
                    curve: None,
                },
                PublicPart::Ed25519 {
                    seed: Zeroizing::new(seed.value.to_vec()),
                    public,
                },
            ))
        }
        other => Some((
            PublicKeyInfo {
                algorithm: algorithm_name(other),
                bits: if other == OID_ED448 { Some(456) } else { None },
                curve: None,
            },
            PublicPart::Unknown,
        )),
    }
}

/// RFC 8017 A.1.2 RSAPrivateKey: version, n, e, d, p, q, ...
fn parse_pkcs1(bytes: &[u8]) -> Option<(PublicKeyInfo, PublicPart)> {
    let (seq, _) = read_tlv(bytes)?;
    if seq.tag != der::SEQUENCE {
        return None;
    }
    let f = children(seq.value)?;
    let n = f.get(1).filter(|t| t.tag == der::INTEGER)?;
    let e = f.get(2).filter(|t| t.tag == der::INTEGER)?;
    // A private key needs at least d as well.
    f.get(3).filter(|t| t.tag == der::INTEGER)?;
    Some((
        PublicKeyInfo {
            algorithm: "RSA".to_owned(),
            bits: bit_len(n.value),
            curve: None,
        },
        PublicPart::Rsa {
            n: unsigned(n.value).to_vec(),
            e: unsigned(e.value).to_vec(),
        },
    ))
}

/// RFC 5915 ECPrivateKey: version, privateKey OCTET STRING, [0] parameters, [1] publicKey.
fn parse_sec1(
    bytes: &[u8],
    curve_from_pkcs8: Option<String>,
) -> Option<(PublicKeyInfo, PublicPart)> {
    let (seq, _) = read_tlv(bytes)?;
    if seq.tag != der::SEQUENCE {
        return None;
    }
    let f = children(seq.value)?;
    // version INTEGER 1 (ecPrivkeyVer1): without it any SEQUENCE { x, OCTET STRING } would pass.
    f.first()
        .filter(|t| t.tag == der::INTEGER && t.value == [1])?;
    let d = f.get(1).filter(|t| t.tag == der::OCTET_STRING)?;
    let mut curve = curve_from_pkcs8;
    let mut point = None;
    for t in f.iter().skip(2) {
        match t.tag {
            0xa0 => {
                if let Some((oid, _)) = read_tlv(t.value).filter(|(o, _)| o.tag == der::OID) {
                    if curve.is_none() {
                        curve = oid_text(oid.value).and_then(|s| curve_name(&s));
                    }
                }
            }
            0xa1 => {
                if let Some((bits, _)) = read_tlv(t.value).filter(|(b, _)| b.tag == der::BIT_STRING)
                {
                    // Skip the unused-bits count byte.
                    point = bits.value.get(1..).map(<[u8]>::to_vec);
                }
            }
            _ => {}
        }
    }
    let bits = curve_bits(curve.as_deref());
    Some((
        PublicKeyInfo {
            algorithm: "EC".to_owned(),
            bits,
            curve,
        },
        PublicPart::Ec {
            d: Zeroizing::new(d.value.to_vec()),
            point,
        },
    ))
}

/// Dotted text of an OID's contents octets.
fn oid_text(v: &[u8]) -> Option<String> {
    pkcs8::ObjectIdentifier::from_bytes(v)
        .ok()
        .map(|o| o.to_string())
}
