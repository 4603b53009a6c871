use super::*;
use crate::model::{OutcomeStatus, Provenance, Side};

fn p(frame: u64) -> Provenance {
    Provenance {
        frame,
        ts_ns: frame * 1_000_000,
    }
}

fn record(ct: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![ct, 3, 3];
    v.extend_from_slice(&(body.len() as u16).to_be_bytes());
    v.extend_from_slice(body);
    v
}

fn hs(t: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![t];
    let n = body.len();
    v.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    v.extend_from_slice(body);
    v
}

#[test]
fn garbage_first_is_not_tls() {
    let mut d = ConnectionDecoder::new(0, DecodeOptions::default());
    d.feed(Side::Client, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", p(1));
    assert_eq!(d.is_tls(), Some(false));
    let f = d.finish();
    assert!(f.messages.is_empty());
}

#[test]
fn lying_record_length_is_an_anomaly_and_keeps_earlier_facts() {
    let mut d = ConnectionDecoder::new(0, DecodeOptions::default());
    // A valid alert record first, then a record claiming 60000 bytes.
    let mut bytes = record(21, &[2, 40]);
    bytes.extend_from_slice(&[22, 3, 3, 0xea, 0x60, 1, 2, 3]);
    d.feed(Side::Server, &bytes, p(3));
    let f = d.finish();
    assert_eq!(f.alerts.len(), 1);
    assert_eq!(
        f.alerts[0].description(),
        Some(crate::model::AlertDescription::HANDSHAKE_FAILURE)
    );
    assert!(
        f.anomalies.iter().any(|a| a.kind == "bad_record_length"),
        "{:?}",
        f.anomalies
    );
}

#[test]
fn handshake_claiming_16_mb_is_not_buffered() {
    let mut d = ConnectionDecoder::new(0, DecodeOptions::default());
    let bytes = record(22, &[11, 0xff, 0xff, 0xff, 0, 0, 0]);
    d.feed(Side::Client, &bytes, p(4));
    for i in 0..100 {
        d.feed(Side::Client, &record(22, &[0u8; 1000]), p(5 + i));
    }
    let f = d.finish();
    assert!(
        f.anomalies.iter().any(|a| a.kind == "handshake_too_large"),
        "{:?}",
        f.anomalies
    );
}

#[test]
fn empty_client_certificate_across_tiny_chunks() {
    // An empty TLS 1.2 Certificate message: list length 0.
    let bytes = record(22, &hs(11, &[0, 0, 0]));
    let mut d = ConnectionDecoder::new(0, DecodeOptions::default());
    for (i, b) in bytes.iter().enumerate() {
        d.feed(Side::Client, std::slice::from_ref(b), p(10 + i as u64));
    }
    let f = d.finish();
    let cc = f.client_certificate.expect("client certificate");
    assert_eq!(cc.count, 0);
    assert_eq!(cc.certificates_length, 0);
    // Cited at the frame where the message completed.
    assert_eq!(cc.frame, 10 + bytes.len() as u64 - 1);
}

#[test]
fn alert_after_ccs_is_encrypted() {
    let mut d = ConnectionDecoder::new(0, DecodeOptions::default());
    d.feed(Side::Server, &record(20, &[1]), p(1));
    d.feed(Side::Server, &record(21, &[9; 26]), p(2));
    let f = d.finish();
    assert_eq!(f.alerts.len(), 1);
    assert!(f.alerts[0].encrypted);
    assert_eq!(f.alerts[0].code(), None);
    assert_eq!(f.outcome.status, OutcomeStatus::Failed);
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(a in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
                                   b in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
        let mut d = ConnectionDecoder::new(0, DecodeOptions::default());
        d.feed(Side::Client, &a, p(1));
        d.feed(Side::Server, &b, p(2));
        let _ = d.snapshot();
        let _ = d.finish();
    }

    #[test]
    fn arbitrary_handshake_bodies_never_panic(t in 0u8..30, body in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
        let mut d = ConnectionDecoder::new(0, DecodeOptions::default());
        d.feed(Side::Server, &record(22, &hs(t, &body)), p(1));
        d.feed(Side::Client, &record(22, &hs(t, &body)), p(2));
        let _ = d.finish();
    }
}

/// The FoxIO JA4 spec's examples for the ALPN characters ("ALPN Extension Value").
#[test]
fn ja4_alpn_follows_the_spec_examples() {
    use super::messages::ja4_alpn;
    let two = |b: &[u8]| ja4_alpn(Some(b)).iter().collect::<String>();
    assert_eq!(two(b"h2"), "h2");
    assert_eq!(two(b"http/1.1"), "h1");
    assert_eq!(two(b"a"), "aa");
    assert_eq!(two(&[0xab]), "ab");
    assert_eq!(two(&[0xab, 0xcd]), "ad");
    assert_eq!(two(&[0x30, 0xab]), "3b");
    assert_eq!(two(&[0x30, 0x31, 0xab, 0xcd]), "3d");
    assert_eq!(two(&[0x30, 0xab, 0xcd, 0x31]), "01");
    // Non-alphanumeric ASCII at either end also switches to hex: "-x-" is 2d 78 2d.
    assert_eq!(two(b"-x-"), "2d");
    assert_eq!(two(b"x/"), "7f");
    assert_eq!(two(b""), "00");
    assert_eq!(ja4_alpn(None), ['0', '0']);
}

/// A ClientHello whose first ALPN value is not UTF-8: the fingerprint reads the bytes (a lossy
/// string turned 0xab into U+FFFD, whose UTF-8 hex "efbfbd" gave "ed").
#[test]
fn ja4_of_a_client_hello_with_a_binary_alpn() {
    let mut body = vec![3, 3];
    body.extend_from_slice(&[0u8; 32]);
    body.push(0); // session id
    body.extend_from_slice(&[0, 2, 0x13, 0x01]);
    body.extend_from_slice(&[1, 0]);
    // extensions: ALPN with the values [0xab, 0xcd] and "h2".
    let alpn_list = [2, 0xab, 0xcd, 2, b'h', b'2'];
    let mut ext = vec![0, 16];
    ext.extend_from_slice(&((alpn_list.len() + 2) as u16).to_be_bytes());
    ext.extend_from_slice(&(alpn_list.len() as u16).to_be_bytes());
    ext.extend_from_slice(&alpn_list);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let h = super::messages::client_hello(&body, 1, 0.0).expect("decodes");
    assert!(h.ja4.starts_with("t12i0101ad_"), "{}", h.ja4);
}

/// An SSLv2-format header whose 15-bit length cannot even hold the type and version: bad bytes,
/// not a record (hand-made: malformed input).
#[test]
fn sslv2_header_too_short_is_not_tls() {
    let mut d = ConnectionDecoder::new(0, DecodeOptions::default());
    d.feed(Side::Client, &[0x80, 0x02, 0x01, 0x03, 0x03, 0, 0], p(1));
    assert_eq!(d.is_tls(), Some(false));
}

/// An SSLv2-format ClientHello whose challenge is too short is a malformed ClientHello, and the
/// TLS records after it are still read.
#[test]
fn sslv2_hello_with_bad_fields_is_an_anomaly_and_decoding_goes_on() {
    let mut d = ConnectionDecoder::new(0, DecodeOptions::default());
    // length 3 + 6: type, version 3.3, spec len 0, session 0, challenge 4 (< 16).
    d.feed(
        Side::Client,
        &[0x80, 0x09, 0x01, 0x03, 0x03, 0, 0, 0, 0, 0, 4],
        p(1),
    );
    d.feed(Side::Server, &record(21, &[2, 40]), p(2));
    let f = d.finish();
    assert!(f.anomalies.iter().any(|a| a.kind == "malformed_handshake"));
    assert_eq!(
        f.alerts[0].description(),
        Some(crate::model::AlertDescription::HANDSHAKE_FAILURE)
    );
}
