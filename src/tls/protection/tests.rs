use super::tls13::expand_label;
use super::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

/// RFC 8448 §3 (Simple 1-RTT Handshake): the server handshake traffic secret expands to the
/// published write key and IV.
#[test]
fn rfc8448_server_handshake_key_and_iv() {
    let secret = h("b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38");
    let key = expand_label(ring::hkdf::HKDF_SHA256, &secret, "key", &[], 16).unwrap();
    let iv = expand_label(ring::hkdf::HKDF_SHA256, &secret, "iv", &[], 12).unwrap();
    assert_eq!(key, h("3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc"));
    assert_eq!(iv, h("5d 31 3e b2 67 12 76 ee 13 00 0b 30"));
}

#[test]
fn garbage_records_never_panic_and_fail_authentication() {
    let suite = Suite::tls13(0x1301).unwrap();
    let mut d = Decrypter::new(suite, &[7u8; 32]).unwrap();
    for n in [0usize, 1, 15, 16, 17, 100] {
        assert_eq!(
            d.open([23, 3, 3, 0, n as u8], &vec![0xab; n]).unwrap_err(),
            DecryptError::BadTag
        );
    }
    assert_eq!(d.seq, 6, "the sequence number advances per record");
    assert!(matches!(
        Suite::tls13(0x1304),
        Err(DecryptError::UnsupportedSuite(0x1304))
    ));
    let (mut c, _) =
        tls12_decrypters(0xc030, 0x0303, &[1u8; 48], &[2u8; 32], &[3u8; 32], false).unwrap();
    assert!(c.open(22, [3, 3], &[0u8; 5]).is_err());
    assert!(
        matches!(
            tls12_decrypters(0x000a, 0x0303, &[1u8; 48], &[2u8; 32], &[3u8; 32], false),
            Err(DecryptError::UnsupportedSuite(0x000a))
        ),
        "3DES is reported unsupported"
    );
}

/// CBC records of every length, with and without encrypt_then_mac, under the wrong key: the MAC
/// (or the padding) fails — no panic, no plaintext.
#[test]
fn cbc_garbage_records_never_panic_and_fail_the_mac() {
    // TLS_RSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, ..._AES_128_CBC_SHA256
    // TLS 1.2: ..._AES_128_CBC_SHA, ..._AES_256_CBC_SHA384, ..._AES_128_CBC_SHA256; TLS 1.0
    // (chained IVs) and 1.1: ..._AES_128_CBC_SHA.
    for (suite, version) in [
        (0x002fu16, 0x0303u16),
        (0xc028, 0x0303),
        (0xc027, 0x0303),
        (0x002f, 0x0301),
        (0x002f, 0x0302),
    ] {
        for etm in [false, true] {
            let (mut c, _) =
                tls12_decrypters(suite, version, &[1u8; 48], &[2u8; 32], &[3u8; 32], etm).unwrap();
            for n in (0usize..130).chain([255, 1000]) {
                let frag: Vec<u8> = (0..n).map(|i| (i * 37 % 251) as u8).collect();
                assert_eq!(
                    c.open(22, [3, 3], &frag).unwrap_err(),
                    DecryptError::BadTag,
                    "suite {suite:04x} version {version:04x} etm {etm} len {n}"
                );
            }
            assert_eq!(c.seq, 132);
            c.skip_record(&[9u8; 3]);
            c.skip_record(&[]);
            assert_eq!(c.seq, 134);
        }
    }
    // SHA-256/384 suites do not exist before TLS 1.2; AEAD neither.
    for suite in [0xc027u16, 0xc030] {
        assert!(matches!(
            tls12_decrypters(suite, 0x0302, &[1u8; 48], &[2u8; 32], &[3u8; 32], false),
            Err(DecryptError::UnsupportedSuite(_))
        ));
    }
}

/// RFC 2246's PRF, checked against OpenSSL 3.0: `openssl kdf -keylen 32 -kdfopt digest:MD5-SHA1
/// -kdfopt secret:secret-of-odd-len -kdfopt seed:"key expansionseed" TLS1-PRF` (an odd-length
/// secret: the halves share the middle byte).
const PRF10_OPENSSL: &str = "c8a48130c33fdbc9e9f944abf38d118829a7778b41916b1a3c2fc816d83b033a";

#[test]
fn tls10_prf_matches_openssl() {
    let got = prf10_for_test(b"secret-of-odd-len", b"key expansionseed", 32);
    assert_eq!(hex::encode(got), PRF10_OPENSSL);
}

#[test]
fn keylog_parsing_skips_bad_lines() {
    let r = "ab".repeat(32);
    let text = format!("# comment\nCLIENT_HANDSHAKE_TRAFFIC_SECRET {r} 0011\nCLIENT_RANDOM {r} 2233\nGARBAGE\nSERVER_HANDSHAKE_TRAFFIC_SECRET zz 11\n");
    let kl = crate::tls::keylog::KeyLog::parse(&text);
    assert_eq!(kl.len(), 1);
    assert_eq!(kl.skipped_lines, 2);
    let s = kl.get(&h(&r)).unwrap();
    assert_eq!(s.client_handshake.as_deref(), Some(&[0x00, 0x11][..]));
    assert_eq!(s.master.as_deref(), Some(&[0x22, 0x33][..]));
}

/// The typed table, not the name, chooses the protection: every suite the decoder supported
/// when it matched name parts keeps its parameters, and CCM/3DES/Camellia/TLS 1.3-in-1.2 are
/// refused.
#[test]
fn suite_table_gives_cipher_mac_and_prf() {
    let p = |c| suite_params(c).unwrap();
    assert_eq!(p(0xc02f).cipher, RecordCipher::AesGcm { key_len: 16 });
    assert_eq!(p(0xc02f).hash, SuiteHash::Sha256);
    assert_eq!(p(0xc030).cipher, RecordCipher::AesGcm { key_len: 32 });
    assert_eq!(p(0xc030).hash, SuiteHash::Sha384);
    assert_eq!(p(0xcca8).cipher, RecordCipher::ChaCha20Poly1305);
    assert_eq!(
        p(0x002f).cipher,
        RecordCipher::AesCbc {
            key_len: 16,
            mac: Mac::Sha1
        }
    );
    // Pre-1.2 suites use the TLS 1.2 default PRF (P_SHA256) in TLS 1.2.
    assert_eq!(p(0x002f).hash, SuiteHash::Sha256);
    assert_eq!(
        p(0xc028).cipher,
        RecordCipher::AesCbc {
            key_len: 32,
            mac: Mac::Sha384
        }
    );
    assert_eq!(p(0xc028).hash, SuiteHash::Sha384);
    assert!(p(0x1301).tls13 && !p(0xc02f).tls13);
    for unsupported in [0x000a, 0xc09c, 0x0041, 0x1304, 0xffff] {
        assert_eq!(
            suite_params(unsupported).map(|_| ()),
            Err(DecryptError::UnsupportedSuite(unsupported)),
            "{unsupported:04x}"
        );
    }
    assert!(matches!(
        tls12_decrypters(0x1301, 0x0303, &[1u8; 48], &[2u8; 32], &[3u8; 32], false),
        Err(DecryptError::UnsupportedSuite(0x1301))
    ));
}
