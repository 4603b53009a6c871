use super::*;
use proptest::prelude::*;

fn read(text: &[u8]) -> Analysis {
    analyze_reader("t.log", text, &LogOptions::default()).unwrap()
}

#[test]
fn header_with_a_bar_in_the_thread_name() {
    let r = reader::parse_header(
        "javax.net.ssl|DEBUG|1F|pool|a|b|2026-12-02 05:35:05.541 UTC|ClientHello.java:639|Produced ClientHello handshake message (",
        7,
    )
    .unwrap();
    assert_eq!(r.thread, "pool|a|b");
    assert_eq!(r.thread_id, "1F");
    assert_eq!(r.line, 7);
    assert_eq!(r.message, "Produced ClientHello handshake message (");
    assert_eq!(r.ts_ns, Some(1_796_189_705_541_000_000));
}

#[test]
fn numeric_zone_offsets_are_converted() {
    let utc = reader::parse_header(
        "javax.net.ssl|DEBUG|1|m|2026-12-02 05:35:05.000 UTC|X.java:1|x",
        1,
    )
    .unwrap();
    let plus = reader::parse_header(
        "javax.net.ssl|DEBUG|1|m|2026-12-02 06:35:05.000 +0100|X.java:1|x",
        1,
    )
    .unwrap();
    assert_eq!(utc.ts_ns, plus.ts_ns);
}

#[test]
fn jsse_names_render_as_rfc4514() {
    assert_eq!(
        dn::dn("CN=Partner Issuing CA, O=Partner Corp, C=DE")
            .unwrap()
            .text,
        "CN=Partner Issuing CA,O=Partner Corp,C=DE"
    );
    // Quoted values (RFC 1779, as X500Principal.toString() prints a comma), multi-valued RDNs,
    // attributes without a keyword, emailAddress.
    assert_eq!(
        dn::dn("CN=\"Doe, John\" + UID=jdoe, OU=R&D, OID.2.5.4.97=VATDE-123, EMAILADDRESS=a@b.test, C=DE")
            .unwrap()
            .text,
        "CN=Doe\\, John+UID=jdoe,OU=R&D,organizationIdentifier=VATDE-123,emailAddress=a@b.test,C=DE"
    );
    assert_eq!(
        dn::dn("ST=Bayern, L=München").unwrap().text,
        "ST=Bayern,L=München"
    );
    assert!(dn::dn("not a name").is_none());
    assert!(dn::dn("FOO=bar").is_none());
}

#[test]
fn one_line_ca_lists_split_where_names_restart() {
    let (names, inferred) = dn::dn_list(&["CN=A, O=X, C=DE, CN=B, OU=Y, O=X, C=US, CN=C"]).unwrap();
    let t: Vec<&str> = names.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(t, ["CN=A,O=X,C=DE", "CN=B,OU=Y,O=X,C=US", "CN=C"]);
    assert!(inferred, "names of different shapes: the split is a guess");
    let (names, inferred) = dn::dn_list(&["CN=A, O=X, C=DE, CN=B, O=X, C=DE"]).unwrap();
    assert_eq!(names.len(), 2);
    assert!(!inferred);
    // Country first (names printed in encoding order).
    let (names, _) = dn::dn_list(&["C=DE, O=X, CN=A, C=US, O=Y, CN=B"]).unwrap();
    let t: Vec<&str> = names.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(t, ["C=DE,O=X,CN=A", "C=US,O=Y,CN=B"]);
}

#[test]
fn jdk8_format_is_refused_with_a_clear_message() {
    let text =
        b"trigger seeding of SecureRandom\n*** ClientHello, TLSv1.2\nRandomCookie:  GMT: 1\n";
    let e = analyze_reader("old.log", &text[..], &LogOptions::default()).unwrap_err();
    assert!(e.to_string().contains("JDK 8"), "{e}");
    assert_eq!(sniff(b"\xd4\xc3\xb2\xa1"), None);
    assert_eq!(
        crate::capture::sniff::sniff(b"\xd4\xc3\xb2\xa1javax.net.ssl|"),
        crate::capture::Kind::Pcap
    );
}

#[test]
fn a_huge_line_is_cut_and_said() {
    let mut text = b"javax.net.ssl|DEBUG|1|main|2026-12-02 05:35:05.000 UTC|X.java:1|Produced ClientHello handshake message (\n".to_vec();
    text.extend(std::iter::repeat_n(b'A', reader::MAX_LINE * 3));
    text.extend_from_slice(b"\n)\n");
    let a = read(&text);
    assert!(a
        .anomalies
        .iter()
        .any(|x| x.kind == "log_line_too_long" && x.frame == Some(2)));
    assert_eq!(a.source.frames, 3);
    // A ClientHello whose body holds nothing readable is still the handshake's start: what it
    // did not print stays empty.
    let h = a.connections[0].tls.client_hello.as_ref().unwrap();
    assert!(h.cipher_suites.is_empty() && h.random_hex.is_empty() && h.ja3.is_empty());
}

#[test]
fn control_characters_never_reach_the_model() {
    let text = b"javax.net.ssl|DEBUG|1|ma\x1b[2Jin|2026-12-02 05:35:05.000 UTC|X.java:1|Produced ClientHello handshake message (\n\"ClientHello\": {\n  \"extensions\": [\n    \"server_name (0)\": {\n      type=host_name (0), value=evil\x1b]0;x\x07.test\n    }\n  ]\n}\n)\n";
    let a = read(text);
    let c = &a.connections[0];
    let sni = c.tls.client_hello.as_ref().unwrap().sni.clone().unwrap();
    assert!(!sni.chars().any(char::is_control), "{sni:?}");
    assert!(!c
        .jsse_log
        .as_ref()
        .unwrap()
        .thread
        .chars()
        .any(char::is_control));
}

#[test]
fn an_unterminated_body_is_reported_and_the_next_record_still_read() {
    let text = b"javax.net.ssl|DEBUG|1|main|2026-12-02 05:35:05.000 UTC|X.java:1|Produced ClientHello handshake message (\n\"ClientHello\": {\njavax.net.ssl|DEBUG|1|main|2026-12-02 05:35:05.100 UTC|Alert.java:238|Received alert message (\n\"Alert\": {\n  \"level\"      : \"fatal\",\n  \"description\": \"handshake_failure\"\n}\n)\n";
    let a = read(text);
    assert!(a
        .anomalies
        .iter()
        .any(|x| x.kind == "log_record_unterminated"));
    let c = &a.connections[0];
    assert_eq!(c.tls.alerts[0].code(), Some(40));
    assert_eq!(c.tls.alerts[0].from, crate::model::Side::Server);
    assert_eq!(c.tls.alerts[0].frame, 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes never panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = analyze_reader("x", &bytes[..], &LogOptions::default());
    }

    /// Real log lines cut, shuffled and mixed with junk never panic either, and every fact
    /// cites a line that exists.
    #[test]
    fn mangled_real_logs_never_panic(
        cut in 0usize..400,
        junk in proptest::collection::vec(".{0,80}", 0..20),
        drop_every in 2usize..9,
    ) {
        let real = include_str!("../../captures/jsselog/jdk17-seed-tls12.log");
        let mut lines: Vec<String> = real.lines().enumerate()
            .filter(|(i, _)| i % drop_every != 0)
            .map(|(_, l)| l.to_owned())
            .take(cut)
            .collect();
        for (i, j) in junk.into_iter().enumerate() {
            let at = (i * 37) % (lines.len() + 1);
            lines.insert(at, j);
        }
        let text = lines.join("\n");
        let a = analyze_reader("x", text.as_bytes(), &LogOptions::default()).unwrap();
        for c in &a.connections {
            prop_assert!(c.last_frame <= a.source.frames);
            for m in &c.tls.messages {
                prop_assert!(m.frame >= 1 && m.frame <= a.source.frames);
            }
        }
    }
}
