//! TLS after a plaintext preamble, over the real captures made by captures/scripts/reach.sh:
//! tinyproxy (CONNECT, 407), dante (SOCKS5, a refused SOCKS5 and a refused SOCKS4a), HAProxy
//! (PROXY v1/v2), postfix, dovecot (IMAP, POP3), vsftpd, slapd, prosody, PostgreSQL (accepted
//! and refused) and MariaDB. Each asserts the preamble facts, and for the accepted ones the
//! handshake behind them: the server's CertificateRequest with its CA names and the client's
//! Certificate.

use std::path::PathBuf;
use tlsdiag::model::{Analysis, Connection, Side, UpgradeProtocol as P, UpgradeResult as R};

fn analyze(name: &str) -> Analysis {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name);
    let mut a = tlsdiag::analyze::analyze_path(&p, &Default::default()).expect("analyze");
    tlsdiag::diagnose::diagnose_analysis(&mut a, &Default::default());
    a
}

const CAS: [&str; 2] = [
    "CN=Partner Issuing CA,O=Partner Corp,C=DE",
    "CN=Partner Root CA,O=Partner Corp,C=DE",
];

/// The handshake behind the preamble: CertificateRequest with the partner CAs, the client's
/// certificate (customer-client first), a completed handshake.
fn assert_mtls(c: &Connection, certs: usize) {
    assert_mtls_cas(c, certs, &CAS);
}

/// Prosody and MariaDB ask for a certificate with an empty CA list (they load the CA file for
/// verification only): that too is what the capture shows.
fn assert_mtls_cas(c: &Connection, certs: usize, cas: &[&str]) {
    let cr = c
        .tls
        .certificate_request
        .as_ref()
        .expect("CertificateRequest");
    let names: Vec<&str> = cr
        .certificate_authorities
        .iter()
        .map(|d| d.text.as_str())
        .collect();
    assert_eq!(names, cas, "CA names");
    let cc = c
        .tls
        .client_certificate
        .as_ref()
        .expect("client Certificate");
    assert_eq!(cc.count, certs, "client certificates");
    assert!(cc.chain[0].subject.text.starts_with("CN=customer-client"));
    assert_eq!(
        c.tls.outcome.status,
        tlsdiag::model::OutcomeStatus::Completed
    );
    assert!(
        c.diagnosis.iter().all(|f| !f.code.starts_with("capture-")),
        "{:?}",
        c.diagnosis
    );
}

/// The one connection with a preamble, and the preamble.
fn only(a: &Analysis) -> (&Connection, &tlsdiag::model::Preamble) {
    let mut with = a.connections.iter().filter(|c| c.preamble.is_some());
    let c = with.next().expect("a connection with a preamble");
    assert!(with.next().is_none(), "one preamble connection");
    (c, c.preamble.as_ref().unwrap())
}

#[test]
fn http_connect_through_tinyproxy() {
    let a = analyze("reach-http-connect.pcap");
    // client → proxy (with the CONNECT), and the proxy's own connection to the server.
    assert_eq!(a.connections.len(), 2);
    let (c, p) = only(&a);
    assert_eq!((p.protocol, p.result), (P::HttpConnect, R::Accepted));
    assert_eq!(c.server.port, 8610, "the TCP endpoint stays the proxy");
    assert_eq!(p.target.as_deref(), Some("localhost:8611"));
    assert_eq!(
        p.command.as_ref().unwrap().text,
        "CONNECT localhost:8611 HTTP/1.1"
    );
    assert_eq!(p.reply_code, Some(200));
    assert_eq!(
        p.reply.as_ref().unwrap().text,
        "HTTP/1.0 200 Connection established"
    );
    assert_eq!(
        (p.client_tls_frame, p.server_tls_frame),
        (Some(11), Some(17))
    );
    assert_mtls(c, 1);
    let direct = a.connections.iter().find(|c| c.preamble.is_none()).unwrap();
    assert_eq!(direct.server.port, 8611);
    assert_mtls(direct, 1);
    // The same ClientHello went through the tunnel unchanged.
    assert_eq!(
        c.tls.client_hello.as_ref().unwrap().random_hex,
        direct.tls.client_hello.as_ref().unwrap().random_hex
    );
}

#[test]
fn proxy_407_then_basic_credentials() {
    let a = analyze("reach-http-connect-407.pcap");
    let refused = &a.connections[0];
    let p = refused.preamble.as_ref().unwrap();
    assert_eq!(
        (p.protocol, p.result, p.reply_code),
        (P::HttpConnect, R::Refused, Some(407))
    );
    assert_eq!(p.proxy_authenticate, ["Basic"]);
    assert!(p.proxy_authorization.is_empty());
    assert!(refused.tls.client_hello.is_none());
    let f = &refused.diagnosis[0];
    assert_eq!(f.code, "proxy-auth-required");
    assert!(f.message.contains("Basic") && f.message.contains("no Proxy-Authorization"));
    assert!(refused
        .diagnosis
        .iter()
        .all(|f| f.code != "capture-handshake-missing"));
    // The second call sent Basic credentials: scheme and length only, never the value.
    let ok = &a.connections[1];
    let p = ok.preamble.as_ref().unwrap();
    assert_eq!((p.result, p.reply_code), (R::Accepted, Some(200)));
    assert_eq!(p.proxy_authorization.len(), 1);
    assert_eq!(p.proxy_authorization[0].scheme, "Basic");
    assert_eq!(p.proxy_authorization[0].length, 36);
    let json = serde_json::to_string(&a.connections).unwrap();
    assert!(
        !json.contains("dGxzZGlhZzp0ZXN0LW9ubHktcGFzc3dvcmQ="),
        "credentials leaked"
    );
    assert!(!json.contains("test-only-password"));
    assert_mtls(ok, 1);
}

#[test]
fn socks5_through_dante() {
    let a = analyze("reach-socks5.pcap");
    let (c, p) = only(&a);
    assert_eq!(
        (p.protocol, p.result, p.reply_code),
        (P::Socks5, R::Accepted, Some(0))
    );
    assert_eq!(p.target.as_deref(), Some("localhost:8615"));
    assert_eq!(p.steps[0].text, "greeting: no authentication, GSSAPI");
    assert_eq!(p.steps[1].text, "method: no authentication");
    assert_eq!(
        (p.client_tls_frame, p.server_tls_frame),
        (Some(13), Some(18))
    );
    assert_mtls(c, 1);
}

#[test]
fn socks_refusals_are_facts_and_findings() {
    let a = analyze("reach-socks5-refused.pcap");
    let (c, p) = only(&a);
    assert_eq!(
        (p.protocol, p.result, p.reply_code),
        (P::Socks5, R::Refused, Some(2))
    );
    assert_eq!(p.target.as_deref(), Some("localhost:8619"));
    assert_eq!(c.diagnosis[0].code, "socks-refused");
    assert!(c.diagnosis[0]
        .message
        .contains("connection not allowed by ruleset"));

    let a = analyze("reach-socks4a-refused.pcap");
    let (c, p) = only(&a);
    assert_eq!(
        (p.protocol, p.result, p.reply_code),
        (P::Socks4a, R::Refused, Some(91))
    );
    assert_eq!(p.target.as_deref(), Some("localhost:8617"));
    assert_eq!(c.diagnosis[0].code, "socks-refused");
}

#[test]
fn haproxy_proxy_protocol_v1_and_v2() {
    for (file, proto, front) in [
        ("reach-proxy-v1.pcap", P::ProxyV1, 8620),
        ("reach-proxy-v2.pcap", P::ProxyV2, 8622),
    ] {
        let a = analyze(file);
        let (c, p) = only(&a);
        assert_eq!((p.protocol, p.result), (proto, R::Accepted), "{file}");
        let oc = p.original_client.as_ref().expect("original client");
        assert_eq!(oc.ip.to_string(), "127.0.0.1");
        assert_ne!(
            oc.port, c.client.port,
            "the original client is curl's, not haproxy's"
        );
        assert_eq!(p.original_destination.as_ref().unwrap().port, front);
        assert_eq!((p.client_tls_frame, p.server_tls_frame), (Some(5), Some(7)));
        assert_mtls(c, 1);
    }
}

#[test]
fn starttls_per_protocol() {
    // (capture, protocol, request, answer, answer code, client certificates sent, CA names)
    let cases = [
        (
            "reach-smtp-starttls.pcap",
            P::Smtp,
            "STARTTLS",
            "220 2.0.0 Ready to start TLS",
            Some(220),
            2,
            &CAS[..],
        ),
        (
            "reach-imap-starttls.pcap",
            P::Imap,
            ". STARTTLS",
            ". OK Begin TLS negotiation now.",
            None,
            2,
            &CAS,
        ),
        (
            "reach-pop3-stls.pcap",
            P::Pop3,
            "STLS",
            "+OK Begin TLS negotiation now.",
            None,
            2,
            &CAS,
        ),
        (
            "reach-ftp-auth-tls.pcap",
            P::Ftp,
            "AUTH TLS",
            "234 Proceed with negotiation.",
            Some(234),
            2,
            &CAS,
        ),
        (
            "reach-ldap-starttls.pcap",
            P::Ldap,
            "extendedRequest StartTLS (1.3.6.1.4.1.1466.20037), messageID 1",
            "extendedResponse resultCode 0 (success)",
            Some(0),
            1,
            &CAS,
        ),
        (
            "reach-xmpp-starttls.pcap",
            P::Xmpp,
            "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
            "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
            None,
            2,
            &[],
        ),
        (
            "reach-postgres-sslrequest.pcap",
            P::Postgres,
            "SSLRequest",
            "S: the server accepts SSL",
            None,
            1,
            &CAS,
        ),
    ];
    for (file, proto, request, answer, code, certs, cas) in cases {
        let a = analyze(file);
        let (c, p) = only(&a);
        assert_eq!((p.protocol, p.result), (proto, R::Accepted), "{file}");
        assert_eq!(p.command.as_ref().unwrap().text, request, "{file}");
        assert_eq!(p.command.as_ref().unwrap().from, Side::Client);
        assert_eq!(p.reply.as_ref().unwrap().text, answer, "{file}");
        assert_eq!(p.reply_code, code, "{file}");
        assert!(p.client_tls_frame.unwrap() > p.command.as_ref().unwrap().frame);
        assert!(p.server_tls_frame.unwrap() > p.reply.as_ref().unwrap().frame);
        assert_mtls_cas(c, certs, cas);
    }
}

#[test]
fn mysql_ssl_request_has_no_answer_but_tls() {
    let a = analyze("reach-mysql-ssl.pcap");
    let (c, p) = only(&a);
    assert_eq!((p.protocol, p.result), (P::Mysql, R::Accepted));
    assert!(
        p.steps[0].text.starts_with("greeting: server "),
        "{}",
        p.steps[0].text
    );
    assert!(p.steps[0].text.ends_with("offers SSL"));
    assert!(p.command.as_ref().unwrap().text.starts_with("SSL request"));
    assert!(
        p.reply.is_none(),
        "MySQL answers an SSL request with TLS itself"
    );
    assert_mtls_cas(c, 1, &[]);
}

#[test]
fn postgres_refusing_ssl_is_a_finding() {
    let a = analyze("reach-postgres-refused.pcap");
    let (c, p) = only(&a);
    assert_eq!((p.protocol, p.result), (P::Postgres, R::Refused));
    assert_eq!(
        p.reply.as_ref().unwrap().text,
        "N: the server does not accept SSL"
    );
    assert!(c.tls.client_hello.is_none());
    assert_eq!(c.diagnosis[0].code, "starttls-refused");
    assert!(c.diagnosis[0].fix.as_ref().unwrap().contains("ssl = on"));
    // The plaintext startup that followed is a step, its parameters are not shown.
    assert!(p
        .steps
        .iter()
        .any(|s| s.text.starts_with("StartupMessage in plaintext")));
}

#[test]
fn text_report_shows_the_preamble_above_the_ladder() {
    let a = analyze("reach-http-connect-407.pcap");
    let mut out = Vec::new();
    tlsdiag::report::text::write_connection(
        &mut out,
        &a.connections[0],
        &tlsdiag::report::text::TextOptions::plain(),
    )
    .unwrap();
    let s = String::from_utf8(out).unwrap();
    let before = s.find("BEFORE TLS").expect("preamble block");
    let ladder = s.find("HANDSHAKE").unwrap();
    assert!(before < ladder);
    assert!(
        s.contains("refused (407) · proxy asks for Basic · no TLS"),
        "{s}"
    );
    assert!(
        s.lines()
            .nth(1)
            .unwrap()
            .contains("no TLS: HTTP CONNECT proxy refused"),
        "{s}"
    );
}
