//! Distinguished-name text from hand-made DER: the malformed and odd cases no certificate
//! generator makes (real certificates for every string type are in tests/x509_names.rs).

use super::*;

/// A Name of one single-valued RDN: `type OID contents` + `value` (a whole TLV).
fn name(oid: &[u8], value: &[u8]) -> Vec<u8> {
    let mut ava = vec![0x06, u8::try_from(oid.len()).unwrap()];
    ava.extend_from_slice(oid);
    ava.extend_from_slice(value);
    let mut seq = vec![0x30, u8::try_from(ava.len()).unwrap()];
    seq.extend(ava);
    let mut set = vec![0x31, u8::try_from(seq.len()).unwrap()];
    set.extend(seq);
    let mut n = vec![0x30, u8::try_from(set.len()).unwrap()];
    n.extend(set);
    n
}

const CN: &[u8] = &[0x55, 0x04, 0x03];

#[test]
fn nul_and_controls_are_hex_escaped_specials_backslashed() {
    assert_eq!(
        dn_from_der(&name(CN, b"\x0c\x05a\x00b\x7fc")).text,
        r"CN=a\00b\7Fc"
    );
    // C1 control U+0085 (NEL): escaped per UTF-8 octet, unlike OpenSSL's raw output.
    assert_eq!(
        dn_from_der(&name(CN, "\x0c\x02\u{85}".as_bytes())).text,
        r"CN=\C2\85"
    );
    assert_eq!(dn_from_der(&name(CN, b"\x0c\x01 ")).text, r"CN=\ ");
    assert_eq!(dn_from_der(&name(CN, b"\x0c\x03a#b")).text, "CN=a#b");
    assert_eq!(dn_from_der(&name(CN, b"\x0c\x00")).text, "CN=");
}

#[test]
fn values_that_are_not_valid_strings_take_the_der_hex_form() {
    // Not UTF-8.
    assert_eq!(
        dn_from_der(&name(CN, b"\x0c\x02\xc3\x28")).text,
        "CN=#0C02C328"
    );
    // BMPString of odd length, and a lone surrogate.
    assert_eq!(
        dn_from_der(&name(CN, b"\x1e\x03\x00a\x00")).text,
        "CN=#1E03006100"
    );
    assert_eq!(
        dn_from_der(&name(CN, b"\x1e\x02\xd8\x00")).text,
        "CN=#1E02D800"
    );
    // UniversalString beyond U+10FFFF.
    assert_eq!(
        dn_from_der(&name(CN, b"\x1c\x04\x00\x11\x00\x00")).text,
        "CN=#1C0400110000"
    );
    // Not a string type at all; a high tag number stays whole.
    assert_eq!(dn_from_der(&name(CN, b"\x02\x01\x05")).text, "CN=#020105");
    assert_eq!(
        dn_from_der(&name(CN, b"\x1f\x81\x01\x00")).text,
        "CN=#1F810100"
    );
}

#[test]
fn unknown_types_are_dotted_even_with_huge_arcs() {
    // 2.25.<128-bit UUID arc>: the largest arc RFC 4122 §3 makes.
    let mut oid = vec![0x69];
    oid.extend([
        0x83, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ]);
    oid.extend([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    assert_eq!(
        dn_from_der(&name(&oid, b"\x0c\x01x")).text,
        format!("2.25.{}=#0C0178", u128::MAX)
    );
    // One arc more than 128 bits cannot be said: the whole Name is shown as hex.
    let mut big = vec![0x69, 0x84];
    big.extend([0x80; 18]);
    big.push(0x00);
    let n = name(&big, b"\x0c\x01x");
    assert_eq!(dn_from_der(&n).text, format!("#{}", hex::encode_upper(&n)));
}

#[test]
fn what_is_not_a_name_is_kept_as_hex() {
    for bad in [
        &b""[..],
        b"\x30",
        b"\x30\x80\x00\x00",         // indefinite length (BER)
        b"\x30\x02\x31\x00",         // an empty RDN
        b"\x30\x03\x31\x01\x30",     // truncated
        b"\x30\x00\x00",             // trailing octets
        b"\x31\x00",                 // a SET, not a SEQUENCE
        b"\x30\x84\xff\xff\xff\xff", // 4 GiB claimed
        b"\x30\x09\x31\x07\x30\x05\x06\x03\x55\x04\x03", // no value
    ] {
        assert_eq!(
            dn_from_der(bad).text,
            format!("#{}", hex::encode_upper(bad)),
            "{bad:02x?}"
        );
    }
    assert_eq!(dn_from_der(b"\x30\x00").text, "");
}

#[test]
fn one_oid_table_for_certificates_and_keys() {
    for (oid, name) in [
        ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"),
        ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1"),
        ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1"),
        ("1.2.840.10045.3.1.7", "secp256r1"),
    ] {
        assert_eq!(curve_name(oid), name);
    }
    assert_eq!(oid::curve_bits("brainpoolP512r1"), Some(512));
    assert_eq!(curve_name("1.2.3"), "1.2.3");
    // identity's side of the one table: identity::tests::key_curve_names_come_from_the_tls_oid_table
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
        let t = dn_from_der(&b).text;
        proptest::prop_assert!(t.is_empty() || !t.contains('\n'));
    }

    #[test]
    fn any_utf8_value_round_trips_through_escaping(s in "\\PC{0,20}") {
        let mut v = vec![0x0c, u8::try_from(s.len()).unwrap()];
        v.extend_from_slice(s.as_bytes());
        let text = dn_from_der(&name(CN, &v)).text;
        proptest::prop_assert_eq!(unescape(text.strip_prefix("CN=").unwrap()), s);
    }
}

/// RFC 4514 §3 parsing of an escaped value (for the round-trip property only).
fn unescape(v: &str) -> String {
    let mut bytes = Vec::new();
    let mut it = v.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        let c = it.next().unwrap();
        if c.is_ascii_hexdigit() && it.peek().is_some_and(u8::is_ascii_hexdigit) {
            let d = it.next().unwrap();
            bytes.push(u8::from_str_radix(&format!("{}{}", c as char, d as char), 16).unwrap());
        } else {
            bytes.push(c);
        }
    }
    String::from_utf8(bytes).unwrap()
}
