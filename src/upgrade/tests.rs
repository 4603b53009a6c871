//! Unit tests of the preamble reader: hostile and damaged input (the real protocols are tested
//! over real captures in tests/upgrade.rs).
use super::*;
use proptest::prelude::*;

fn p(frame: u64) -> Provenance {
    Provenance { frame, ts_ns: 0 }
}

/// Feeds (side, bytes) chunks; returns the TLS bytes handed on per side and the result.
fn run(chunks: &[(Side, &[u8])]) -> (Vec<u8>, Vec<u8>, Found, Reader) {
    let mut r = Reader::new();
    let (mut c, mut s) = (Vec::new(), Vec::new());
    for (i, (side, b)) in chunks.iter().enumerate() {
        r.data(*side, b, p(i as u64 + 1), &mut |sd, bytes, _| match sd {
            Side::Client => c.extend_from_slice(bytes),
            Side::Server => s.extend_from_slice(bytes),
        });
    }
    let found = r.finish(&mut |sd, bytes, _| match sd {
        Side::Client => c.extend_from_slice(bytes),
        Side::Server => s.extend_from_slice(bytes),
    });
    (c, s, found, r)
}

#[test]
fn tls_from_the_first_byte_passes_through_without_holding() {
    let hello = [0x16, 3, 1, 0, 4, 1, 0, 0, 0];
    let (c, _, found, r) = run(&[(Side::Client, &hello)]);
    assert_eq!(c, hello);
    assert_eq!(found, Found::Nothing);
    assert!(r.inner.is_none(), "nothing allocated for plain TLS");
}

#[test]
fn unknown_plaintext_goes_to_the_decoder_unchanged() {
    let (c, s, found, _) = run(&[
        (Side::Client, b"GET / HTTP/1.1\r\n"),
        (Side::Server, b"HTTP/1.1 200 OK\r\n"),
    ]);
    assert_eq!(c, b"GET / HTTP/1.1\r\n");
    assert_eq!(s, b"HTTP/1.1 200 OK\r\n");
    assert_eq!(found, Found::Nothing);
}

#[test]
fn a_connect_head_that_never_ends_is_not_buffered_without_bound() {
    let mut r = Reader::new();
    r.data(
        Side::Client,
        b"CONNECT a:443 HTTP/1.1\r\n",
        p(1),
        &mut |_, _, _| {},
    );
    let junk = vec![b'x'; 4096];
    for i in 0..100 {
        r.data(Side::Client, &junk, p(2 + i), &mut |_, _, _| {
            panic!("not TLS")
        });
    }
    let held: usize = r
        .inner
        .as_ref()
        .map_or(0, |i| i.sides.iter().map(|s| s.buf.len()).sum());
    assert!(held <= MAX_MESSAGE + junk.len(), "held {held}");
}

#[test]
fn socks5_password_is_never_kept() {
    let (_, _, found, _) = run(&[
        (Side::Client, &[5, 1, 2]),
        (Side::Server, &[5, 2]),
        (Side::Client, b"\x01\x05alice\x0bhunter2-pwd"),
        (Side::Server, &[1, 1]),
    ]);
    let Found::Preamble(pre) = found else {
        panic!("{found:?}")
    };
    assert_eq!(pre.result, UpgradeResult::Refused);
    assert_eq!(pre.reply_code, Some(1));
    let all = format!("{pre:?}");
    assert!(!all.contains("hunter2") && !all.contains("alice"), "{all}");
    assert!(all.contains("password 11 bytes"));
}

#[test]
fn smtp_auth_before_starttls_shows_the_mechanism_only() {
    let (_, _, found, _) = run(&[
        (Side::Server, b"220 mx ESMTP\r\n"),
        (Side::Client, b"EHLO c\r\n"),
        (Side::Client, b"AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"),
        (Side::Client, b"AGFsaWNlAHNlY3JldA==\r\n"),
        (Side::Client, b"STARTTLS\r\n"),
        (Side::Server, b"454 4.7.0 TLS not available\r\n"),
    ]);
    let Found::Preamble(pre) = found else {
        panic!("{found:?}")
    };
    assert_eq!(
        (pre.protocol, pre.result, pre.reply_code),
        (UpgradeProtocol::Smtp, UpgradeResult::Refused, Some(454))
    );
    let all = format!("{pre:?}");
    assert!(!all.contains("AGFsaWNl"), "{all}");
    assert!(all.contains("AUTH PLAIN …"));
}

proptest! {
    /// Arbitrary bytes in arbitrary chunks on both sides: no panic, and what is handed to the
    /// decoder is a prefix-preserving subsequence of each side's input (never invented bytes).
    #[test]
    fn arbitrary_bytes_never_panic(
        prefix in prop::sample::select(vec![&b""[..], b"CONNECT ", b"\x05\x01\x00", b"\x04\x01", b"PROXY ",
            b"\r\n\r\n\0\r\nQUIT\n", b"\0\0\0\x08\x04\xd2\x16\x2f", b"0", b"EHLO x\r\n", b"<?xml"]),
        chunks in prop::collection::vec((any::<bool>(), prop::collection::vec(any::<u8>(), 0..300)), 0..20),
    ) {
        let mut r = Reader::new();
        let mut out = [0usize; 2];
        let mut sent = [prefix.len(), 0];
        r.data(Side::Client, prefix, p(1), &mut |sd, b, _| out[usize::from(sd == Side::Server)] += b.len());
        for (i, (server, b)) in chunks.iter().enumerate() {
            let side = if *server { Side::Server } else { Side::Client };
            sent[usize::from(*server)] += b.len();
            r.data(side, b, p(i as u64 + 2), &mut |sd, b, _| out[usize::from(sd == Side::Server)] += b.len());
        }
        let _ = r.finish(&mut |sd, b, _| out[usize::from(sd == Side::Server)] += b.len());
        prop_assert!(out[0] <= sent[0] && out[1] <= sent[1]);
    }
}
