//! The one table of X.509 object identifiers tlsdiag names: attribute types of distinguished
//! names, public-key algorithms, elliptic curves and signature algorithms. The certificate
//! decoder (`tls::x509`) and the keystore reader (`identity`) both name OIDs here, so a curve
//! or attribute is named the same wherever it appears. Owns names only: no parsing, no
//! formatting beyond the name itself; an OID not listed stays its dotted text at the caller.

/// The short name OpenSSL prints for a distinguished-name attribute type (`openssl x509
/// -nameopt RFC2253`, checked against OpenSSL 3 in tests/x509_names.rs). Java's
/// `X500Principal.getName()` knows only RFC 2253's nine (CN, C, L, ST, O, OU, STREET, DC, UID)
/// and prints the rest as dotted OIDs; we follow OpenSSL (README, "Certificate names").
pub fn attribute_short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "street",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.13" => "description",
        "2.5.4.15" => "businessCategory",
        "2.5.4.16" => "postalAddress",
        "2.5.4.17" => "postalCode",
        "2.5.4.18" => "postOfficeBox",
        "2.5.4.20" => "telephoneNumber",
        "2.5.4.41" => "name",
        "2.5.4.42" => "GN",
        "2.5.4.43" => "initials",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "2.5.4.72" => "role",
        "2.5.4.97" => "organizationIdentifier",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "1.2.840.113549.1.9.2" => "unstructuredName",
        "1.2.840.113549.1.9.8" => "unstructuredAddress",
        // EV certificates' jurisdiction of incorporation (CA/Browser Forum EV Guidelines 9.2.4).
        "1.3.6.1.4.1.311.60.2.1.1" => "jurisdictionL",
        "1.3.6.1.4.1.311.60.2.1.2" => "jurisdictionST",
        "1.3.6.1.4.1.311.60.2.1.3" => "jurisdictionC",
        _ => return None,
    })
}

pub const OID_RSA: &str = "1.2.840.113549.1.1.1";
pub const OID_RSA_PSS: &str = "1.2.840.113549.1.1.10";
pub const OID_EC: &str = "1.2.840.10045.2.1";
pub const OID_ED25519: &str = "1.3.101.112";
pub const OID_ED448: &str = "1.3.101.113";
pub const OID_DSA: &str = "1.2.840.10040.4.1";

/// Public-key algorithm of a SubjectPublicKeyInfo.
pub fn key_algorithm_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        OID_RSA => "RSA",
        OID_RSA_PSS => "RSASSA-PSS",
        OID_EC => "EC",
        OID_ED25519 => "Ed25519",
        OID_ED448 => "Ed448",
        OID_DSA => "DSA",
        _ => return None,
    })
}

/// Named elliptic curves (RFC 5480 §2.1.1.1 and RFC 5639 for brainpool), with their key size.
const CURVES: &[(&str, &str, u32)] = &[
    ("1.2.840.10045.3.1.7", "secp256r1", 256),
    ("1.3.132.0.34", "secp384r1", 384),
    ("1.3.132.0.35", "secp521r1", 521),
    ("1.3.132.0.10", "secp256k1", 256),
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1", 256),
    ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1", 384),
    ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1", 512),
];

pub fn curve_name(oid: &str) -> Option<&'static str> {
    CURVES
        .iter()
        .find(|(o, _, _)| *o == oid)
        .map(|(_, n, _)| *n)
}

/// Key size in bits of a curve named by [`curve_name`].
pub fn curve_bits(name: &str) -> Option<u32> {
    CURVES
        .iter()
        .find(|(_, n, _)| *n == name)
        .map(|(_, _, b)| *b)
}

/// Signature algorithm of a certificate (OpenSSL's long names, as `openssl x509 -text` shows).
pub fn signature_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "ED25519",
        "1.3.101.113" => "ED448",
        "2.16.840.1.101.3.4.3.2" => "dsa_with_SHA256",
        _ => return None,
    })
}
