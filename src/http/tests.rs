use super::chunked::{dechunk, ChunkError, Dechunker};
use super::head::{looks_like_request, parse_request, parse_response};
use super::*;

fn complete<T>(p: Result<Parsed<T>, HeadError>) -> (T, usize) {
    match p {
        Ok(Parsed::Complete(h, n)) => (h, n),
        other => panic!("not complete: {:?}", other.err()),
    }
}

#[test]
fn a_soap_request_head_is_read_with_its_body_framing() {
    let raw = b"POST /soap HTTP/1.1\r\nHost: localhost:8443\r\nContent-Type: text/xml\r\nSOAPAction: \"urn:Ping\"\r\nContent-Length: 12\r\n\r\n<x>body</x>\nNEXT";
    let (h, n) = complete(parse_request(raw));
    assert_eq!(h.method, "POST");
    assert_eq!(h.target, "/soap");
    assert_eq!(h.minor_version, 1);
    assert_eq!(h.header("host"), Some("localhost:8443"));
    assert_eq!(&raw[n..n + 3], b"<x>");
    assert_eq!(h.body_length(), Ok(BodyLength::Length(12)));
    assert_eq!(soap::soap_action(&h.headers).as_deref(), Some("urn:Ping"));
}

#[test]
fn soap12_action_comes_from_the_content_type() {
    let hs = vec![(
        "Content-Type".to_owned(),
        "application/soap+xml; charset=utf-8; action=\"urn:Order\"".to_owned(),
    )];
    assert_eq!(soap::soap_action(&hs).as_deref(), Some("urn:Order"));
    assert_eq!(soap::soap_action(&[]), None);
}

#[test]
fn a_partial_head_asks_for_more_and_a_huge_one_is_refused() {
    assert_eq!(
        parse_response(b"HTTP/1.1 401 Unauthorized\r\nWWW-Auth"),
        Ok(Parsed::Partial)
    );
    let mut big = b"HTTP/1.1 200 OK\r\nX: ".to_vec();
    big.resize(MAX_HEAD + 10, b'a');
    assert_eq!(parse_response(&big), Err(HeadError::TooLarge));
    // Exactly at the bound without an end: too large too (no bigger buffer is ever asked for).
    big.truncate(MAX_HEAD);
    assert_eq!(parse_response(&big), Err(HeadError::TooLarge));
}

#[test]
fn more_than_100_headers_is_an_error() {
    let mut raw = b"GET / HTTP/1.1\r\n".to_vec();
    for i in 0..=MAX_HEADERS {
        raw.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
    }
    raw.extend_from_slice(b"\r\n");
    assert_eq!(parse_request(&raw), Err(HeadError::TooManyHeaders));
    let mut ok = b"GET / HTTP/1.1\r\n".to_vec();
    for i in 0..MAX_HEADERS {
        ok.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
    }
    ok.extend_from_slice(b"\r\n");
    assert_eq!(complete(parse_request(&ok)).0.headers.len(), MAX_HEADERS);
}

#[test]
fn response_framing_follows_rfc9112() {
    let (h, _) = complete(parse_response(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 5\r\n\r\n",
    ));
    assert_eq!(h.body_length(None), Ok(BodyLength::Chunked));
    let (h, _) = complete(parse_response(b"HTTP/1.0 200 OK\r\n\r\n"));
    assert_eq!(h.body_length(None), Ok(BodyLength::UntilClose));
    assert_eq!(h.body_length(Some("HEAD")), Ok(BodyLength::Empty));
    let (h, _) = complete(parse_response(b"HTTP/1.1 204 No Content\r\n\r\n"));
    assert_eq!(h.body_length(None), Ok(BodyLength::Empty));
    let (h, _) = complete(parse_response(
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
    ));
    assert!(matches!(
        h.body_length(None),
        Err(HeadError::BadContentLength(_))
    ));
    let (h, _) = complete(parse_response(
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
    ));
    assert!(h.body_length(None).is_err());
    let (h, _) = complete(parse_response(
        b"HTTP/1.1 200 Connection established\r\n\r\n",
    ));
    assert_eq!(h.body_length(Some("CONNECT")), Ok(BodyLength::Empty));
}

#[test]
fn garbage_is_not_a_head() {
    assert!(matches!(
        parse_response(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"),
        Err(HeadError::Invalid(_))
    ));
    assert!(looks_like_request(b"POST /soap HTTP/1.1\r\nHost: x\r\n"));
    assert!(looks_like_request(b"GET / HTTP/1.0\n"));
    assert!(
        !looks_like_request(b"POST /soap HTTP/1.1"),
        "needs the whole line"
    );
    assert!(!looks_like_request(b"\x16\x03\x01\x00\x05hello\r\n"));
    assert!(!looks_like_request(b"EHLO mail.example\r\n"));
    assert!(!looks_like_request(b"SSH-2.0-OpenSSH_9.6\r\n"));
}

#[test]
fn chunked_bodies_decode_across_any_split() {
    let raw = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
    let whole = raw.len() - 4;
    for split in 0..raw.len() {
        let mut d = Dechunker::new(1 << 10);
        let a = d.push(&raw[..split]).unwrap();
        assert_eq!(a, split.min(whole));
        let b = d.push(&raw[split.min(whole)..]).unwrap();
        assert_eq!(split.min(whole) + b, whole, "split {split}");
        assert!(d.is_done());
        assert_eq!(d.body(), b"Wikipedia in\r\n\r\nchunks.");
        assert_eq!(d.total(), 23);
    }
}

#[test]
fn a_chunk_size_of_2_to_the_64_minus_1_is_an_error_not_an_overflow() {
    assert!(matches!(
        dechunk(b"ffffffffffffffff\r\nabc", 16),
        Err(ChunkError::SizeTooLarge(_))
    ));
    assert!(matches!(
        dechunk(b"10000000000000000\r\n", 16),
        Err(ChunkError::SizeTooLarge(_))
    ));
    assert!(
        Dechunker::new(16).push(b"7fffffffffffffff\r\n").is_ok(),
        "i64::MAX is allowed"
    );
    assert!(matches!(
        Dechunker::new(16).push(b"8000000000000000\r\n"),
        Err(ChunkError::SizeTooLarge(_))
    ));
}

#[test]
fn chunked_errors_and_bounds() {
    assert!(matches!(
        dechunk(b"zz\r\n", 16),
        Err(ChunkError::BadSize(_))
    ));
    assert!(matches!(dechunk(b"\r\n", 16), Err(ChunkError::BadSize(_))));
    assert!(matches!(
        dechunk(b"3\r\nabcX\r\n", 16),
        Err(ChunkError::MissingCrlf)
    ));
    let mut long = b"1".to_vec();
    long.resize(chunked::MAX_SIZE_LINE + 1, b' ');
    assert!(matches!(
        dechunk(&long, 16),
        Err(ChunkError::SizeLineTooLong)
    ));
    let mut trailer = b"0\r\n".to_vec();
    for _ in 0..(chunked::MAX_TRAILER / 10 + 1) {
        trailer.extend_from_slice(b"X-Y: abc\r\n");
    }
    assert!(matches!(
        dechunk(&trailer, 16),
        Err(ChunkError::TrailerTooLong)
    ));
    // Only `keep` bytes are kept; all are counted.
    let mut d = Dechunker::new(3);
    d.push(b"a\r\n0123456789\r\n0\r\n\r\n").unwrap();
    assert_eq!(d.body(), b"012");
    assert_eq!(d.total(), 10);
    assert!(d.is_done());
    // Not finished: the bytes end inside a chunk.
    assert_eq!(dechunk(b"5\r\nab", 16), Ok((b"ab".to_vec(), false)));
}

#[test]
fn credentials_show_scheme_kind_and_length_never_the_value() {
    let c = auth::credential("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    assert_eq!(c.scheme, "Basic");
    assert_eq!(c.token_kind, "basic-credentials");
    assert_eq!(c.token_len, 28);
    // A SPNEGO NegTokenResp, as base64.
    let c = auth::credential(
        "Authorization",
        "Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==",
    );
    assert_eq!(
        (c.token_kind.as_str(), c.token_len),
        ("spnego-response", 22)
    );
    let c = auth::credential(
        "Proxy-Authorization",
        "Digest username=\"u\", response=\"ab\"",
    );
    assert_eq!(
        (c.header.as_str(), c.token_kind.as_str()),
        ("Proxy-Authorization", "parameters")
    );
    let c = auth::credential("Authorization", "Bearer eyJhbGciOi.x.y");
    assert_eq!((c.token_kind.as_str(), c.token_len), ("bearer", 14));
    let c = auth::credential("Authorization", "Negotiate");
    assert_eq!((c.token_kind.as_str(), c.token_len), ("empty", 0));
    let json = serde_json::to_string(&auth::credentials(&[
        (
            "Authorization".into(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".into(),
        ),
        ("Host".into(), "x".into()),
    ]))
    .unwrap();
    assert!(!json.contains("QWxh"), "{json}");
    assert!(json.contains("\"token_len\":28"), "{json}");
}

#[test]
fn challenges_carry_realm_and_token_kind_and_length_only() {
    let hs = vec![
        (
            "WWW-Authenticate".to_owned(),
            "Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==".to_owned(),
        ),
        (
            "www-authenticate".to_owned(),
            "Basic realm=\"Orders, EU\", NTLM".to_owned(),
        ),
        (
            "Proxy-Authenticate".to_owned(),
            "Basic realm=\"proxy\"".to_owned(),
        ),
    ];
    let c = auth::challenges(&hs);
    assert_eq!(c.len(), 3);
    assert_eq!(c[0].token_kind.as_deref(), Some("spnego-response"));
    assert_eq!(c[1].realm.as_deref(), Some("Orders, EU"));
    let p = auth::challenges_in(&hs, "proxy-authenticate");
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].realm.as_deref(), Some("proxy"));
}

#[test]
fn redaction_covers_every_credential_header() {
    let mut hs = vec![
        (
            "Proxy-Authorization".to_owned(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".to_owned(),
        ),
        (
            "Cookie".to_owned(),
            "LtpaToken2=secretvalue; JSESSIONID=abc".to_owned(),
        ),
    ];
    auth::redact_headers(&mut hs);
    assert_eq!(hs[0].1, "Basic <token: 19 bytes>");
    assert_eq!(hs[1].1, "LtpaToken2=<11 bytes>; JSESSIONID=<3 bytes>");
}

#[test]
fn soap_faults_of_both_versions() {
    let f11 = soap::soap_fault("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>Access denied</faultstring></s:Fault></s:Body></s:Envelope>").unwrap();
    assert_eq!(f11.soap_version, "1.1");
    assert_eq!(f11.code.as_deref(), Some("s:Client"));
    assert_eq!(f11.reason.as_deref(), Some("Access denied"));
    let f12 = soap::soap_fault("<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang=\"en\">bad</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>").unwrap();
    assert_eq!(f12.soap_version, "1.2");
    assert_eq!(f12.code.as_deref(), Some("env:Sender"));
    assert_eq!(f12.reason.as_deref(), Some("bad"));
    assert!(soap::soap_fault("<Envelope><Body/></Envelope>").is_none());
    // A truncated body: the fault is still named, the missing field is null.
    let t = soap::soap_fault("<Fault><faultcode>Server</faultcode><faultstring>cut he").unwrap();
    assert_eq!(t.code.as_deref(), Some("Server"));
    assert_eq!(t.reason, None);
}

#[test]
fn split_unquoted_keeps_quoted_commas() {
    assert_eq!(
        split_unquoted("Basic realm=\"a, b\", Negotiate"),
        vec!["Basic realm=\"a, b\"", " Negotiate"]
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_request(&b);
            let _ = parse_response(&b);
            let _ = looks_like_request(&b);
            let mut d = Dechunker::new(64);
            let _ = d.push(&b);
            prop_assert!(d.body().len() <= 64);
        }
    }
}

#[test]
fn control_bytes_in_values_are_kept_for_the_caller_to_escape() {
    let raw = b"HTTP/1.1 401 Unauthorized \x1b[2J\r\nWWW-Authenticate: Basic realm=\"Legacy\x1b]0;owned\x07\"\r\nContent-Length: 0\r\n\r\n";
    let (h, n) = complete(parse_response(raw));
    assert_eq!(n, raw.len());
    assert_eq!(h.status, 401);
    assert_eq!(h.reason, "Unauthorized \u{1b}[2J");
    assert_eq!(
        h.header("www-authenticate"),
        Some("Basic realm=\"Legacy\u{1b}]0;owned\u{7}\"")
    );
    let (r, _) = complete(parse_request(b"GET /x HTTP/1.1\r\nX: a\x7fb\r\n\r\n"));
    assert_eq!(r.header("x"), Some("a\u{7f}b"));
}

mod stream_reader {
    use super::super::stream::{Reader, BODY_KEPT, MAX_EXCHANGES, READ_LIMIT};
    use crate::model::http::BodyFraming;
    use crate::model::Side;

    const REQ: &[u8] = b"POST /soap HTTP/1.1\r\nHost: h\r\nSOAPAction: \"urn:a\"\r\nAuthorization: Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==\r\nContent-Length: 5\r\n\r\nhello";
    fn fault() -> Vec<u8> {
        let mut v = b"HTTP/1.1 500 Server Error\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for piece in [
            "<s:Fault><faultcode>s:Cli",
            "ent</faultcode><faultstring>no",
            "</faultstring></s:Fault>",
        ] {
            v.extend_from_slice(format!("{:x}\r\n{piece}\r\n", piece.len()).as_bytes());
        }
        v.extend_from_slice(b"0\r\n\r\n");
        v
    }

    #[test]
    fn an_exchange_split_at_every_byte_reads_the_same() {
        for split in [1usize, 2, 7, 64, 4096] {
            let mut r = Reader::default();
            for (i, c) in REQ.chunks(split).enumerate() {
                r.push(Side::Client, c, 10 + i as u64);
            }
            let interim = b"HTTP/1.1 100 Continue\r\n\r\n";
            r.push(Side::Server, interim, 50);
            for c in fault().chunks(split) {
                r.push(Side::Server, c, 60);
            }
            let ex = r.exchanges([false, false]);
            assert_eq!(ex.len(), 1, "split {split}");
            let q = ex[0].request.as_ref().unwrap();
            assert_eq!(q.frame, 10);
            assert_eq!(q.soap_action.as_deref(), Some("urn:a"));
            assert_eq!(q.credentials[0].token_kind, "spnego-response");
            assert_eq!(q.body.bytes_read, 5);
            assert!(q.body.complete);
            let s = ex[0].response.as_ref().unwrap();
            assert_eq!(s.status, 500, "the 100 Continue is skipped");
            assert_eq!(s.body.framing, BodyFraming::Chunked);
            assert!(s.body.complete);
            assert_eq!(s.end_frame, Some(60));
            let f = s.soap_fault.as_ref().unwrap();
            assert_eq!(f.code.as_deref(), Some("s:Client"));
            assert_eq!(f.reason.as_deref(), Some("no"));
        }
    }

    #[test]
    fn pipelined_requests_pair_with_answers_in_order_and_the_cap_holds() {
        let mut r = Reader::default();
        let mut reqs = Vec::new();
        let mut resps = Vec::new();
        for i in 0..MAX_EXCHANGES + 3 {
            reqs.extend_from_slice(format!("GET /{i} HTTP/1.1\r\nHost: h\r\n\r\n").as_bytes());
            resps.extend_from_slice(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{i}",
                    i.to_string().len()
                )
                .as_bytes(),
            );
        }
        r.push(Side::Client, &reqs, 1);
        r.push(Side::Server, &resps, 2);
        let ex = r.exchanges([true, true]);
        assert_eq!(ex.len(), MAX_EXCHANGES);
        assert_eq!(r.not_kept(), 3);
        for (i, e) in ex.iter().enumerate() {
            assert_eq!(e.request.as_ref().unwrap().target, format!("/{i}"));
            let res = e.response.as_ref().unwrap();
            assert_eq!(res.body.bytes_read, i.to_string().len() as u64);
        }
    }

    #[test]
    fn bodies_are_looked_at_bounded_and_reading_stops_at_the_limit() {
        let mut r = Reader::default();
        r.push(
            Side::Server,
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
                3 * READ_LIMIT
            )
            .as_bytes(),
            1,
        );
        let chunk = vec![b'x'; 64 << 10];
        let mut n = 0;
        while r.wants(Side::Server) && n < 100 {
            r.push(Side::Server, &chunk, 2 + n);
            n += 1;
        }
        assert!(!r.wants(Side::Server));
        assert!(n <= (READ_LIMIT / (64 << 10)) + 1, "{n}");
        let ex = r.exchanges([false, false]);
        let s = ex[0].response.as_ref().unwrap();
        assert!(!s.body.complete);
        assert!(s.body.bytes_read < READ_LIMIT);
        assert_eq!(s.end_frame, None);
        assert!(
            r.stopped().unwrap().contains("1024 KiB"),
            "{:?}",
            r.stopped()
        );
        assert!(BODY_KEPT < READ_LIMIT as usize);
    }

    #[test]
    fn not_http_and_protocol_switches_stop_reading() {
        let mut r = Reader::default();
        r.push(Side::Client, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 1);
        assert!(r.not_http());
        assert!(r.exchanges([false, false]).is_empty());
        assert!(r.stopped().unwrap().contains("HTTP/2"));
        assert!(!r.wants(Side::Client) && !r.wants(Side::Server));

        let mut r = Reader::default();
        r.push(Side::Client, b"\x00\x01binary junk\r\n\r\n", 1);
        assert!(r.not_http());

        let mut r = Reader::default();
        r.push(
            Side::Client,
            b"GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
            1,
        );
        r.push(
            Side::Server,
            b"HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x05hello",
            2,
        );
        assert_eq!(
            r.exchanges([false, false])[0]
                .response
                .as_ref()
                .unwrap()
                .status,
            101
        );
        assert!(!r.wants(Side::Server));
        assert!(!r.not_http());
    }

    #[test]
    fn a_body_until_the_close_is_complete_only_when_the_server_closed() {
        let mut r = Reader::default();
        r.push(Side::Client, b"GET / HTTP/1.0\r\n\r\n", 1);
        r.push(Side::Server, b"HTTP/1.0 200 OK\r\n\r\nabc", 2);
        r.push(Side::Server, b"def", 3);
        let open = r.exchanges([false, false]);
        assert!(!open[0].response.as_ref().unwrap().body.complete);
        let closed = r.exchanges([false, true]);
        let s = closed[0].response.as_ref().unwrap();
        assert!(s.body.complete);
        assert_eq!(s.body.bytes_read, 6);
        assert_eq!(s.end_frame, Some(3));
    }

    #[test]
    fn a_bad_chunk_size_ends_the_body_incomplete_without_overflow() {
        let mut r = Reader::default();
        r.push(Side::Client, b"GET / HTTP/1.1\r\n\r\n", 1);
        r.push(
            Side::Server,
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc",
            2,
        );
        let ex = r.exchanges([false, false]);
        let s = ex[0].response.as_ref().unwrap();
        assert!(!s.body.complete);
        assert!(
            r.stopped().unwrap().contains("chunk size"),
            "{:?}",
            r.stopped()
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn arbitrary_streams_never_panic(
                c in proptest::collection::vec(any::<u8>(), 0..600),
                s in proptest::collection::vec(any::<u8>(), 0..600),
                split in 1usize..50,
            ) {
                let mut r = Reader::default();
                let mut head = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
                head.extend_from_slice(&c);
                for (i, (a, b)) in head.chunks(split).zip(s.chunks(split)).enumerate() {
                    r.push(Side::Client, a, i as u64);
                    r.push(Side::Server, b, i as u64);
                }
                let ex = r.exchanges([true, true]);
                prop_assert!(ex.len() <= MAX_EXCHANGES);
            }
        }
    }
}
