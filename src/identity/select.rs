//! Would a client stack send this identity? Encodes, per stack, the selection rules from
//! shared/knowledge/client-cert-selection.md (sources: OpenJDK `sun.security.ssl`
//! `CertificateRequest`, `SunX509KeyManagerImpl`, `X509KeyManagerImpl`; OpenSSL
//! `ssl3_check_client_certificate`; Go `crypto/tls` `CertificateRequestInfo.SupportsCertificate`;
//! .NET `SecureChannel`; rustls 0.23 `ResolvesClientCert`). Pure: reads the entry and the
//! model's `CertificateRequest`, never the network; says "depends" where a stack's choice
//! rests on something outside the keystore (the Windows certificate store, other entries).

use x509_parser::prelude::FromDer;

use super::jsse::jsse_key_type;
use super::{Entry, EntryKind, KeyMatch};
use crate::model::{
    CertificateRequest, CodePoint, DistinguishedName, PublicKeyInfo, StackVerdict, Verdict,
    VerdictCause,
};

/// The stacks simulated, in report order (the model's type: verdicts are model facts).
pub use crate::model::ClientStack as Stack;

pub const SENT: Verdict = Verdict::Sent;
pub const NOT_SENT: Verdict = Verdict::NotSent;
pub const DEPENDS: Verdict = Verdict::Depends;

type C = VerdictCause;

const TLS13: u16 = 0x0304;

/// How the entry's chain relates to the server's CA list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssuerMatch {
    /// The server sent no CA names: any issuer is acceptable.
    pub list_empty: bool,
    /// Some certificate in the chain has an issuer canonically equal (X500Principal: case-
    /// and whitespace-insensitive values) to a listed CA — JSSE's test.
    pub canonical: bool,
    /// ... byte-equal to a listed CA's DER — Go's test (`RawIssuer`).
    pub exact: bool,
    /// The listed CA that matched (text).
    pub matched: Option<String>,
    /// Set when a name matches canonically but not byte for byte: (issuer in the chain, CA
    /// as listed) — same text, different DER (string types, case, spacing).
    pub encoding_differs: Option<(String, String)>,
}

/// Compares every issuer in the chain with the server's list, canonically and byte-exact.
pub fn issuer_match(entry: &Entry, cas: &[DistinguishedName]) -> IssuerMatch {
    let mut m = IssuerMatch {
        list_empty: cas.is_empty(),
        ..IssuerMatch::default()
    };
    for cert in &entry.chain {
        let issuer = &cert.issuer;
        let issuer_canon = canonical(issuer);
        for ca in cas {
            if ca.der.is_empty() || issuer.der.is_empty() {
                // Only text on one side (e.g. a model read back from JSON): compare the text;
                // the byte-level question cannot be answered, so do not claim a difference.
                if !ca.text.is_empty() && normalise(&ca.text) == normalise(&issuer.text) {
                    if !m.canonical {
                        m.matched = Some(ca.text.clone());
                    }
                    m.canonical = true;
                    m.exact = true;
                }
                continue;
            }
            let exact = ca.der == issuer.der;
            let canon = exact || (issuer_canon.is_some() && issuer_canon == canonical(ca));
            if exact {
                m.exact = true;
            }
            if canon {
                if !m.canonical {
                    m.matched = Some(ca.text.clone());
                }
                m.canonical = true;
                if !exact && m.encoding_differs.is_none() {
                    m.encoding_differs = Some((issuer.text.clone(), ca.text.clone()));
                }
            }
        }
    }
    if m.exact {
        // A byte-equal match exists; a canonical-only one elsewhere does not change any verdict.
        m.encoding_differs = None;
    }
    m
}

/// X500Principal-style canonical form: RDNs in order, AVAs within an RDN sorted, values
/// decoded from whatever string type, trimmed, lower-cased, inner whitespace collapsed.
fn canonical(dn: &DistinguishedName) -> Option<Vec<Vec<(String, String)>>> {
    let (_, name) = x509_parser::x509::X509Name::from_der(&dn.der).ok()?;
    let mut out = Vec::new();
    for rdn in name.iter_rdn() {
        let mut avas: Vec<(String, String)> = rdn
            .iter()
            .map(|a| (a.attr_type().to_id_string(), normalise(&decode_value(a))))
            .collect();
        avas.sort();
        out.push(avas);
    }
    Some(out)
}

fn decode_value(a: &x509_parser::x509::AttributeTypeAndValue<'_>) -> String {
    if let Ok(s) = a.as_str() {
        return s.to_owned();
    }
    let v = a.attr_value();
    let data = v.data;
    match v.tag().0 {
        // BMPString: UTF-16BE.
        30 => {
            let units: Vec<u16> = data
                .chunks_exact(2)
                .map(|c| {
                    u16::from_be_bytes([
                        c.first().copied().unwrap_or(0),
                        c.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        // UniversalString: UTF-32BE.
        28 => data
            .chunks_exact(4)
            .filter_map(|c| {
                let mut b = [0u8; 4];
                b.copy_from_slice(c);
                char::from_u32(u32::from_be_bytes(b))
            })
            .collect(),
        // TeletexString: treated as Latin-1, as Java does in practice.
        20 => data.iter().map(|b| char::from(*b)).collect(),
        _ => format!("#{}", hex::encode(v.as_bytes())),
    }
}

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The signature schemes a key of this kind can produce, for a stack, in a TLS version
/// (RFC 8446 §4.2.3: TLS 1.3 drops PKCS#1 v1.5 and binds ECDSA schemes to the curve).
pub fn key_schemes(key: &PublicKeyInfo, tls13: bool, stack: Stack) -> Vec<u16> {
    let modern = matches!(stack, Stack::Rustls | Stack::OpenSsl);
    match key.algorithm.as_str() {
        "RSA" => {
            let mut v = vec![0x0804, 0x0805, 0x0806];
            if !tls13 {
                v.extend([0x0401, 0x0501, 0x0601]);
                // SHA-1: OpenSSL 3 (security level 1) and rustls refuse it; Java and Go offer it.
                if !modern && stack != Stack::DotNet {
                    v.push(0x0201);
                }
            }
            v
        }
        "RSASSA-PSS" => vec![0x0809, 0x080a, 0x080b],
        "EC" => {
            let bound = match key.curve.as_deref() {
                Some("secp256r1") => Some(0x0403),
                Some("secp384r1") => Some(0x0503),
                Some("secp521r1") => Some(0x0603),
                _ => None,
            };
            // ring (rustls) signs P-256 with SHA-256 and P-384 with SHA-384 only, in any version.
            if stack == Stack::Rustls {
                return match bound {
                    Some(s @ (0x0403 | 0x0503)) => vec![s],
                    _ => vec![],
                };
            }
            if tls13 {
                bound.into_iter().collect()
            } else if bound.is_some() {
                // TLS 1.2 ECDSA schemes are not tied to a curve (RFC 5246 §7.4.1.4.1).
                let mut v = vec![0x0403, 0x0503, 0x0603];
                if !modern {
                    v.push(0x0203);
                }
                v
            } else {
                vec![]
            }
        }
        "Ed25519" => vec![0x0807],
        "Ed448" => match stack {
            Stack::Rustls | Stack::Go => vec![],
            _ => vec![0x0808],
        },
        "DSA" => match (tls13, stack) {
            (true, _) | (_, Stack::Rustls | Stack::Go) => vec![],
            _ => vec![0x0402],
        },
        _ => vec![],
    }
}

/// TLS 1.2 certificate_types value that allows a key algorithm (RFC 5246 §7.4.4, RFC 8422
/// §5.5: ecdsa_sign also covers EdDSA).
fn type_for_key(alg: &str) -> Option<u32> {
    match alg {
        "RSA" | "RSASSA-PSS" => Some(1),
        "DSA" => Some(2),
        "EC" | "Ed25519" | "Ed448" => Some(64),
        _ => None,
    }
}

fn scheme_name(code: u16) -> String {
    match code {
        0x0201 => "rsa_pkcs1_sha1",
        0x0203 => "ecdsa_sha1",
        0x0401 => "rsa_pkcs1_sha256",
        0x0402 => "dsa_sha256",
        0x0403 => "ecdsa_secp256r1_sha256",
        0x0501 => "rsa_pkcs1_sha384",
        0x0503 => "ecdsa_secp384r1_sha384",
        0x0601 => "rsa_pkcs1_sha512",
        0x0603 => "ecdsa_secp521r1_sha512",
        0x0804 => "rsa_pss_rsae_sha256",
        0x0805 => "rsa_pss_rsae_sha384",
        0x0806 => "rsa_pss_rsae_sha512",
        0x0807 => "ed25519",
        0x0808 => "ed448",
        0x0809 => "rsa_pss_pss_sha256",
        0x080a => "rsa_pss_pss_sha384",
        0x080b => "rsa_pss_pss_sha512",
        other => return format!("0x{other:04x}"),
    }
    .to_owned()
}

fn labels(v: &[CodePoint]) -> String {
    if v.is_empty() {
        return "(none)".to_owned();
    }
    v.iter()
        .map(CodePoint::label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Everything about the entry and the request that the per-stack rules look at.
struct Facts {
    trusted_only: bool,
    no_key: Option<String>,
    mismatch: bool,
    key: Option<PublicKeyInfo>,
    tls13: bool,
    /// `Some(false)` when TLS 1.2 certificate_types excludes the key type.
    type_ok: Option<bool>,
    types_text: String,
    issuer: IssuerMatch,
    cas_text: String,
    validity: Option<String>,
    eku_lacks_client_auth: bool,
}

fn facts(entry: &Entry, req: &CertificateRequest, version: Option<u16>, at_unix: i64) -> Facts {
    let tls13 = req.tls13 || version == Some(TLS13);
    let key = entry
        .key
        .as_ref()
        .map(|k| k.info.clone())
        .or_else(|| entry.leaf().map(|c| c.public_key.clone()));
    let type_ok = if tls13 || req.certificate_types.is_empty() {
        None
    } else {
        key.as_ref().map(|k| {
            type_for_key(&k.algorithm)
                .is_some_and(|t| req.certificate_types.iter().any(|c| c.code == t))
        })
    };
    let leaf = entry.leaf();
    let validity = leaf.and_then(|c| {
        if c.parse_error.is_some() {
            None
        } else if at_unix > c.not_after_unix {
            Some(format!("expired on {}", c.not_after))
        } else if at_unix < c.not_before_unix {
            Some(format!("not valid before {}", c.not_before))
        } else {
            None
        }
    });
    let eku = leaf
        .map(|c| c.extended_key_usage.clone())
        .unwrap_or_default();
    let eku_lacks_client_auth = !eku.is_empty()
        && !eku
            .iter()
            .any(|e| e == "clientAuth" || e == "anyExtendedKeyUsage");
    let no_key = if entry.kind == EntryKind::TrustedCertificate {
        Some("it is a trusted-certificate entry (no private key)".to_owned())
    } else if entry.key.is_none() {
        Some(format!(
            "its private key is not usable ({})",
            entry.key_error.as_deref().unwrap_or("missing")
        ))
    } else if entry.chain.is_empty() {
        Some("it has no certificate".to_owned())
    } else {
        None
    };
    Facts {
        trusted_only: entry.kind == EntryKind::TrustedCertificate,
        no_key,
        mismatch: entry.key_match == Some(KeyMatch::No),
        key,
        tls13,
        type_ok,
        types_text: labels(&req.certificate_types),
        issuer: issuer_match(entry, &req.certificate_authorities),
        cas_text: req
            .certificate_authorities
            .iter()
            .map(|d| d.text.clone())
            .collect::<Vec<_>>()
            .join("; "),
        validity,
        eku_lacks_client_auth,
    }
}

fn common_schemes(f: &Facts, req: &CertificateRequest, stack: Stack) -> Vec<u16> {
    let Some(k) = &f.key else { return vec![] };
    let usable = key_schemes(k, f.tls13, stack);
    req.signature_algorithms
        .iter()
        .filter_map(|c| u16::try_from(c.code).ok())
        .filter(|c| usable.contains(c))
        .collect()
}

fn verdict(stack: Stack, v: Verdict, cause: VerdictCause, reason: String) -> StackVerdict {
    StackVerdict {
        stack,
        label: stack.label().to_owned(),
        verdict: v,
        reason,
        cause,
    }
}

/// For each stack: would it send this entry in answer to `req`? `version` is the negotiated
/// TLS version (0x0303, 0x0304) when known; `at_unix` the time of the handshake (validity).
pub fn simulate(
    entry: &Entry,
    req: &CertificateRequest,
    version: Option<u16>,
    at_unix: i64,
) -> Vec<StackVerdict> {
    let f = facts(entry, req, version, at_unix);
    Stack::ALL
        .iter()
        .map(|s| simulate_one(*s, entry, &f, req))
        .collect()
}

fn simulate_one(stack: Stack, entry: &Entry, f: &Facts, req: &CertificateRequest) -> StackVerdict {
    let alias = &entry.alias;
    // 1. No key: no stack can use the entry at all.
    if let Some(why) = &f.no_key {
        let what = if f.trusted_only {
            match stack {
                Stack::JsseSunX509 | Stack::JssePkix => format!("'{alias}' is never offered by the key manager: {why}; JSSE sends an empty Certificate"),
                _ => format!("'{alias}' cannot be configured as a client certificate: {why}"),
            }
        } else {
            format!("'{alias}' cannot be used: {why}")
        };
        return verdict(stack, NOT_SENT, C::NoPrivateKey, what);
    }
    let key_text = f.key.as_ref().map(PublicKeyInfo::label).unwrap_or_default();
    // 2. Key/certificate mismatch: most stacks refuse the pair when it is configured; JSSE
    // only finds out when the server checks CertificateVerify.
    if f.mismatch {
        return match stack {
            Stack::JsseSunX509 | Stack::JssePkix => verdict(
                stack,
                SENT, C::KeyMismatch,
                "the keystore does not check that the key belongs to the certificate: the certificate is sent, then the CertificateVerify signature fails and the server answers decrypt_error (51)".to_owned(),
            ),
            Stack::OpenSsl => verdict(stack, NOT_SENT, C::KeyMismatch, "the private key does not match the certificate: OpenSSL refuses the pair when loading it (\"key values mismatch\"), curl fails before connecting".to_owned()),
            Stack::Go => verdict(stack, NOT_SENT, C::KeyMismatch, "tls.X509KeyPair rejects the pair (\"private key does not match public key\") before any connection".to_owned()),
            Stack::Rustls => verdict(stack, NOT_SENT, C::KeyMismatch, "rustls rejects the pair when the client config is built (InconsistentKeys)".to_owned()),
            Stack::DotNet => verdict(stack, DEPENDS, C::KeyMismatch, "the private key does not match the certificate: .NET refuses to associate them (CopyWithPrivateKey) or the server fails CertificateVerify".to_owned()),
        };
    }
    if let Some(v) = key_size_verdict(stack, f) {
        return v;
    }
    let common = common_schemes(f, req, stack);
    let offered = labels(&req.signature_algorithms);
    let no_scheme = || {
        format!(
            "no common signature scheme: the server accepts [{offered}] but a {key_text} key can sign only [{}] here",
            key_schemes(f.key.as_ref().unwrap_or(&PublicKeyInfo { algorithm: String::new(), bits: None, curve: None }), f.tls13, stack)
                .iter()
                .map(|c| scheme_name(*c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let type_excluded = f.type_ok == Some(false);
    let type_text = || {
        format!(
            "the server's certificate_types [{}] do not allow a {key_text} key",
            f.types_text
        )
    };
    let ca_text = || {
        format!(
            "no certificate in the chain of entry '{alias}' is issued by a CA the server lists ({})",
            f.cas_text
        )
    };
    let matched_cause = if f.issuer.list_empty {
        C::AnyIssuer
    } else {
        C::IssuerListed
    };
    // OpenSSL and rustls send whatever the issuer: say so when it mattered.
    let sent_cause = if !f.issuer.list_empty && !f.issuer.canonical {
        C::CaListIgnored
    } else {
        matched_cause
    };
    let warn_after = |base: &str| -> String {
        let mut s = base.to_owned();
        if let Some(v) = &f.validity {
            s.push_str(&format!("; the certificate is {v}, so the server will likely answer certificate_expired (45)"));
        }
        if f.eku_lacks_client_auth {
            s.push_str("; its extended key usage lacks clientAuth, so the server may answer unsupported_certificate (43)");
        }
        s
    };
    match stack {
        Stack::JsseSunX509 | Stack::JssePkix => {
            // TLS 1.2: no scheme JSSE knows in the server's list → JSSE itself aborts.
            if !f.tls13
                && !req.signature_algorithms.is_empty()
                && req
                    .signature_algorithms
                    .iter()
                    .all(|s| jsse_key_type(s.code).is_none())
            {
                return verdict(stack, NOT_SENT, C::NoKnownSignatureAlgorithm, format!("none of the server's signature algorithms [{offered}] is one JSSE supports: the client itself aborts with a fatal handshake_failure (40) alert instead of sending a Certificate"));
            }
            if type_excluded {
                return verdict(stack, NOT_SENT, C::CertificateTypeExcluded, format!("{}; JSSE asks its key manager only for allowed key types (\"No X.509 cert selected for {}\") and sends an empty Certificate", type_text(), f.key.as_ref().map(|k| k.algorithm.as_str()).unwrap_or("?")));
            }
            if common.is_empty() {
                return verdict(stack, NOT_SENT, C::NoCommonSignatureScheme, format!("{}; JSSE derives no usable key type for this key and sends an empty Certificate", no_scheme()));
            }
            if !f.issuer.list_empty && !f.issuer.canonical {
                return verdict(stack, NOT_SENT, C::IssuerNotListed, format!("{}; the key manager returns no alias and JSSE sends an empty Certificate (\"No X.509 certificate for client authentication, use empty Certificate message instead\")", ca_text()));
            }
            let matched = match &f.issuer.matched {
                Some(ca) => format!("the chain has a certificate issued by the listed CA '{ca}'"),
                None => "the server's CA list is empty (any issuer)".to_owned(),
            };
            if stack == Stack::JsseSunX509 {
                return verdict(stack, SENT, matched_cause, warn_after(&format!("{matched}; SunX509 checks neither validity nor extended key usage (first matching alias wins)")));
            }
            // PKIX: validity and EKU make a match imperfect; the best imperfect one is still used.
            let mut imperfect = Vec::new();
            if let Some(v) = &f.validity {
                imperfect.push(format!("the certificate is {v}"));
            }
            if f.eku_lacks_client_auth {
                imperfect.push("its extended key usage lacks clientAuth".to_owned());
            }
            if imperfect.is_empty() {
                verdict(
                    stack,
                    SENT,
                    matched_cause,
                    format!("{matched}; key type, validity and extended key usage are fine"),
                )
            } else {
                verdict(stack, SENT, C::ImperfectMatch, format!("{matched}, but {} — an imperfect match: PKIX prefers any perfect entry in the same keystore, and sends this one when it is the best there is (the server will likely reject it)", imperfect.join(" and ")))
            }
        }
        Stack::OpenSsl => {
            if common.is_empty() {
                return verdict(
                    stack,
                    NOT_SENT,
                    C::NoCommonSignatureScheme,
                    format!("{}; OpenSSL then sends an empty Certificate", no_scheme()),
                );
            }
            let mut s = "OpenSSL sends the configured certificate whenever a signature scheme fits"
                .to_owned();
            if !f.issuer.list_empty && !f.issuer.canonical {
                s.push_str(" — it ignores the server's CA list, so it is sent although no listed CA issued it (the server will then likely reject it: unknown_ca / bad_certificate)");
            }
            if type_excluded {
                s.push_str("; the TLS 1.2 certificate_types are only enforced in strict mode");
            }
            verdict(stack, SENT, sent_cause, warn_after(&s))
        }
        Stack::Go => {
            if type_excluded {
                return verdict(stack, NOT_SENT, C::CertificateTypeExcluded, format!("{}; Go filters signature schemes by certificate_types and sends an empty Certificate", type_text()));
            }
            if common.is_empty() {
                return verdict(
                    stack,
                    NOT_SENT,
                    C::NoCommonSignatureScheme,
                    format!(
                        "{}; SupportsCertificate fails and Go sends an empty Certificate",
                        no_scheme()
                    ),
                );
            }
            if !f.issuer.list_empty && !f.issuer.exact {
                if let Some((have, listed)) = &f.issuer.encoding_differs {
                    return verdict(stack, NOT_SENT, C::IssuerEncodingDiffers, format!("the issuer '{have}' and the listed CA '{listed}' are the same name but differently encoded (DER string types, case or spacing); Go compares RawIssuer byte for byte, so it finds no match and sends an empty Certificate — JSSE, which compares canonically, would match"));
                }
                return verdict(stack, NOT_SENT, C::IssuerNotListed, format!("{}; Go's SupportsCertificate requires a byte-equal issuer and sends an empty Certificate", ca_text()));
            }
            verdict(stack, SENT, matched_cause, warn_after("a signature scheme fits and the issuer check passes (Go checks neither validity nor extended key usage of its own certificate)"))
        }
        Stack::DotNet => {
            if common.is_empty() {
                return verdict(
                    stack,
                    NOT_SENT,
                    C::NoCommonSignatureScheme,
                    format!("{}; no certificate is sent", no_scheme()),
                );
            }
            if !f.issuer.list_empty && !f.issuer.canonical {
                return verdict(stack, NOT_SENT, C::IssuerNotListed, format!("{}; .NET filters its candidates by the server's issuer list (\"Left with 0 client certificates to choose from\") and sends none — unless the chain it builds from the Windows certificate store reaches a listed CA", ca_text()));
            }
            if f.issuer.encoding_differs.is_some() {
                return verdict(stack, DEPENDS, C::IssuerEncodingDiffers, "the issuer matches a listed CA only canonically (the DER encodings differ); whether SChannel's name comparison accepts that depends on the platform".to_owned());
            }
            let mut s = "the issuer check passes (or the list is empty)".to_owned();
            if f.validity.is_some() || f.eku_lacks_client_auth {
                s.push_str("; automatic selection skips expired certificates and ones without clientAuth, an explicitly configured certificate is still sent");
                return verdict(stack, DEPENDS, C::Platform, warn_after(&s));
            }
            verdict(stack, SENT, matched_cause, s)
        }
        Stack::Rustls => {
            if common.is_empty() {
                return verdict(
                    stack,
                    NOT_SENT,
                    C::NoCommonSignatureScheme,
                    format!("{}; rustls then sends an empty Certificate", no_scheme()),
                );
            }
            let mut s = "the built-in resolver ignores the CA hints and sends the configured certificate when the key has a usable signature scheme".to_owned();
            if !f.issuer.list_empty && !f.issuer.canonical {
                s.push_str(
                    " — sent although no listed CA issued it (the server will likely reject it)",
                );
            }
            verdict(stack, SENT, sent_cause, warn_after(&s))
        }
    }
}

/// Minimum RSA key sizes the stacks enforce on their own client key (before any handshake).
fn key_size_verdict(stack: Stack, f: &Facts) -> Option<StackVerdict> {
    let k = f.key.as_ref()?;
    if k.algorithm != "RSA" && k.algorithm != "RSASSA-PSS" {
        return None;
    }
    let bits = k.bits?;
    match stack {
        // ring refuses RSA signing keys below 2048 bits.
        Stack::Rustls if bits < 2048 => Some(verdict(stack, NOT_SENT, C::KeyTooSmall, format!("rustls (ring) refuses a {bits}-bit RSA key when the client config is built; 2048 bits is the minimum"))),
        // jdk.certpath.disabledAlgorithms: RSA keySize < 1024; PKIX skips such entries.
        Stack::JssePkix if bits < 1024 => Some(verdict(stack, NOT_SENT, C::KeyTooSmall, format!("a {bits}-bit RSA key is disabled by jdk.certpath.disabledAlgorithms (RSA keySize < 1024): the PKIX key manager skips the entry"))),
        // Go 1.24+ crypto/rsa rejects keys below 1024 bits.
        Stack::Go if bits < 1024 => Some(verdict(stack, NOT_SENT, C::KeyTooSmall, format!("Go (1.24+) rejects {bits}-bit RSA keys (minimum 1024)"))),
        Stack::OpenSsl if bits < 1024 => Some(verdict(stack, NOT_SENT, C::KeyTooSmall, format!("OpenSSL's default security level refuses a {bits}-bit RSA key (\"ee key too small\")"))),
        Stack::OpenSsl if bits < 2048 => Some(verdict(stack, DEPENDS, C::KeyTooSmall, format!("a {bits}-bit RSA key is refused at SECLEVEL=2 (the Debian/Ubuntu/RHEL default: \"ee key too small\") and accepted at upstream's level 1"))),
        _ => None,
    }
}
