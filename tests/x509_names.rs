//! Distinguished names as tlsdiag prints them (RFC 4514), held against the two renderings the
//! README promises: `openssl x509 -noout -subject -nameopt RFC2253` and Java's
//! `X500Principal.getName()`, on certificates covering every ASN.1 string type, an attribute
//! type nobody names, control characters, RFC 4514's special characters and a multi-valued RDN
//! (captures/pki/dn/, made with `openssl asn1parse -genconf` by captures/scripts/wild.sh).
//!
//! We follow OpenSSL's RFC 2253 output with `-esc_msb` off (non-ASCII as characters) and keep a
//! multi-valued RDN in its encoded order; every place where OpenSSL or Java prints something
//! else is asserted below, so a change on either side shows. openssl and java are required in
//! CI (scripts/setup.sh installs them); elsewhere a missing tool skips its test, said on stderr.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;

fn dn_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/pki/dn")
}

fn der_of(pem_file: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(pem_file).expect("read PEM");
    let b64: String = text
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("base64")
}

fn ours(file: &str) -> String {
    let info = tlsdiag::tls::x509::cert_info(&der_of(&dn_dir().join(file)));
    assert!(info.parse_error.is_none(), "{file}: {:?}", info.parse_error);
    assert_eq!(info.subject.text, info.issuer.text, "{file} is self-issued");
    info.subject.text
}

/// Our text for every certificate of the zoo: the facts, independent of any other tool.
const OURS: &[(&str, &str)] = &[
    (
        "printable.pem",
        r"CN=Smith\, John \+ Co. = ok?,O=Zoo (Printable),C=DE",
    ),
    (
        "utf8.pem",
        r#"CN=\#1 \"q\" \<a\>\;b\\c\ ,O=Müller & Söhne,C=DE"#,
    ),
    (
        "ia5.pem",
        "emailAddress=ops@partner.test,CN=*.kakao.com,DC=test",
    ),
    ("t61.pem", "CN=*.kakao.com,O=Société Générale,C=FR"),
    ("bmp.pem", "CN=*.kakao.com,O=카카오 Kakao Corp,C=KR"),
    ("universal.pem", "CN=Universal 𝄞 clef,O=Zoo,C=DE"),
    ("numeric.pem", "CN=0123 4567,O=Zoo,C=DE"),
    ("visible.pem", "CN=Visible*Name,O=Zoo,C=DE"),
    (
        "unknown.pem",
        "CN=unknown attributes,1.2.3.4.5=#0C0D707269766174652076616C7565,jurisdictionC=DE",
    ),
    (
        "multi.pem",
        r"CN=multi+OU=\ lead\+trail\ ,O=tab\09and\01ctrl",
    ),
    (
        "server.pem",
        "CN=*.kakao.com,1.2.3.4.5=#0C07746C7364696167,O=카카오 Kakao Corp,C=KR",
    ),
];

#[test]
fn every_string_type_renders_as_rfc4514_text() {
    for (file, want) in OURS {
        assert_eq!(ours(file), *want, "{file}");
    }
}

/// Every attribute type with a short name in our table, one RDN each (v1 = CN … v32 =
/// jurisdictionC), printed most specific first.
#[test]
fn every_named_attribute_type_uses_openssls_short_name() {
    let names = [
        "CN",
        "SN",
        "serialNumber",
        "C",
        "L",
        "ST",
        "street",
        "O",
        "OU",
        "title",
        "description",
        "businessCategory",
        "postalAddress",
        "postalCode",
        "postOfficeBox",
        "telephoneNumber",
        "name",
        "GN",
        "initials",
        "generationQualifier",
        "dnQualifier",
        "pseudonym",
        "role",
        "organizationIdentifier",
        "DC",
        "UID",
        "emailAddress",
        "unstructuredName",
        "unstructuredAddress",
        "jurisdictionL",
        "jurisdictionST",
        "jurisdictionC",
    ];
    let want: Vec<String> = names
        .iter()
        .enumerate()
        .rev()
        .map(|(i, n)| format!("{n}=v{}", i + 1))
        .collect();
    assert_eq!(ours("names.pem"), want.join(","));
}

fn tool_required(tool: &str, probe: &[&str]) -> bool {
    let ok = Command::new(tool)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{tool} is required in CI (scripts/setup.sh installs it)"
    );
    eprintln!("SKIPPED: {tool} not installed (run scripts/setup.sh)");
    false
}

/// `openssl x509 -noout -subject -nameopt OPTS` without its `subject=` prefix, or None when
/// OpenSSL cannot read the certificate.
fn openssl_subject(file: &str, nameopt: &str) -> Option<String> {
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-subject", "-nameopt", nameopt, "-in"])
        .arg(dn_dir().join(file))
        .output()
        .expect("run openssl");
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).expect("UTF-8 from openssl");
    Some(
        s.trim_end_matches('\n')
            .strip_prefix("subject=")
            .expect("subject= prefix")
            .to_owned(),
    )
}

#[test]
fn same_as_openssl_rfc2253_without_esc_msb() {
    if !tool_required("openssl", &["version"]) {
        return;
    }
    for (file, want) in OURS {
        let theirs = openssl_subject(file, "RFC2253,-esc_msb");
        match *file {
            // OpenSSL cannot decode a Name holding a VisibleString at all (its
            // X509_NAME_ENTRY value type has no VisibleString): we print the string.
            "visible.pem" => assert_eq!(theirs, None, "{file}"),
            // OpenSSL reverses the attributes of a multi-valued RDN along with the RDNs; we keep
            // the encoded order (as Java and tshark do). RFC 4514 §2.2 allows either.
            "multi.pem" => assert_eq!(
                theirs.as_deref(),
                Some(r"OU=\ lead\+trail\ +CN=multi,O=tab\09and\01ctrl"),
                "{file}"
            ),
            _ => assert_eq!(theirs.as_deref(), Some(*want), "{file}"),
        }
    }
    let all = openssl_subject("names.pem", "RFC2253,-esc_msb");
    assert_eq!(all, Some(ours("names.pem")));
}

/// OpenSSL's plain `-nameopt RFC2253` escapes every non-ASCII octet (`esc_msb`); RFC 4514 allows
/// both, and we print the characters, as Java does.
#[test]
fn openssl_default_rfc2253_escapes_non_ascii_octets() {
    if !tool_required("openssl", &["version"]) {
        return;
    }
    assert_eq!(
        openssl_subject("utf8.pem", "RFC2253").as_deref(),
        Some(r#"CN=\#1 \"q\" \<a\>\;b\\c\ ,O=M\C3\BCller & S\C3\B6hne,C=DE"#)
    );
    assert_eq!(
        openssl_subject("bmp.pem", "RFC2253").as_deref(),
        Some(r"CN=*.kakao.com,O=\EC\B9\B4\EC\B9\B4\EC\98\A4 Kakao Corp,C=KR")
    );
}

/// Java's `X500Principal.getName()` for every zoo certificate (tests/data/x500/DnNames.java,
/// run with the JDK's source launcher).
fn java_names() -> BTreeMap<String, String> {
    let java = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/x500/DnNames.java");
    let files: Vec<PathBuf> = OURS.iter().map(|(f, _)| dn_dir().join(f)).collect();
    let out = Command::new("java")
        .arg(&java)
        .args(&files)
        .output()
        .expect("run java");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8 from Java")
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(f, n)| {
            let base = Path::new(f).file_name().unwrap().to_string_lossy();
            (base.into_owned(), n.to_owned())
        })
        .collect()
}

/// Where Java agrees with us, and what it prints where it does not (JDK 17).
#[test]
fn against_java_x500principal_get_name() {
    if !tool_required("java", &["-version"]) {
        return;
    }
    let java = java_names();
    let differs: &[(&str, &str)] = &[
        // Java escapes '=' too (RFC 4514 does not ask for it).
        (
            "printable.pem",
            r"CN=Smith\, John \+ Co. \= ok?,O=Zoo (Printable),C=DE",
        ),
        // Java names only RFC 2253's nine attribute types; the rest are dotted OIDs with the
        // value's DER in lower-case hex.
        (
            "ia5.pem",
            "1.2.840.113549.1.9.1=#16106f707340706172746e65722e74657374,CN=*.kakao.com,DC=test",
        ),
        (
            "unknown.pem",
            "CN=unknown attributes,1.2.3.4.5=#0c0d707269766174652076616c7565,1.3.6.1.4.1.311.60.2.1.3=#13024445",
        ),
        // JDK 17 reads a TeletexString's octets as UTF-8 (so Latin-1 é becomes U+FFFD) and a
        // BMPString's too (so every ASCII character gets a NUL before it); OpenSSL, tshark's
        // display aside, and we read T61 as Latin-1 and BMP as UTF-16.
        (
            "t61.pem",
            "CN=*.kakao.com,O=Soci\u{fffd}t\u{fffd} G\u{fffd}n\u{fffd}rale,C=FR",
        ),
        // UniversalString, NumericString and VisibleString are not among the types Java prints
        // as text: `#` + DER.
        (
            "universal.pem",
            "CN=#1c40000000550000006e0000006900000076000000650000007200000073000000610000006c000000200001d11e00000020000000630000006c0000006500000066,O=#1c0c0000005a0000006f0000006f,C=DE",
        ),
        ("numeric.pem", "CN=#1209303132332034353637,O=Zoo,C=DE"),
        ("visible.pem", "CN=#1a0c56697369626c652a4e616d65,O=#1a035a6f6f,C=DE"),
        // Control characters stay raw in Java; OpenSSL and we write \09 and \01.
        ("multi.pem", "CN=multi+OU=\\ lead\\+trail\\ ,O=tab\tand\u{1}ctrl"),
    ];
    for (file, want) in OURS {
        let got = java
            .get(*file)
            .unwrap_or_else(|| panic!("{file}: no Java line"));
        if let Some((_, j)) = differs.iter().find(|(f, _)| f == file) {
            assert_eq!(got, j, "{file}: Java's rendering changed");
        } else if *file == "bmp.pem" || *file == "server.pem" {
            // The BMPString O: NULs between ASCII characters, U+FFFD for the Hangul.
            assert!(got.contains("O=\u{fffd}"), "{file}: {got}");
            assert!(got.contains(r"\00K\00a\00k\00a\00o"), "{file}: {got}");
        } else {
            assert_eq!(got, want, "{file}: Java agrees with us");
        }
    }
}
