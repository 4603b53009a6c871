//! The probe against real servers on 127.0.0.1 started by the tests: an in-process rustls server
//! that requires a client certificate (its CA hint: Partner Root CA), answering HTTP 200 or a SOAP
//! Fault. Certificates and keystores are the committed test PKI of captures/.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tlsdiag::probe::{self, ProbeOptions};

fn pki(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

fn certs(name: &str) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_file_iter(pki(name))
        .unwrap()
        .map(|c| c.unwrap())
        .collect()
}

#[derive(Clone, Copy)]
enum Answer {
    Ok,
    SoapFault,
    /// A status line and extra header lines (each ending in CRLF), with a short text body.
    Status(&'static str, &'static str),
}

/// A one-connection HTTPS server requiring a client certificate from Partner Root CA's tree.
fn server(
    versions: &[&'static rustls::SupportedProtocolVersion],
    answer: Answer,
) -> (u16, std::thread::JoinHandle<()>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for c in certs("pki/partner-root.pem") {
        roots.add(c).unwrap();
    }
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let mut chain = certs("pki/server.pem");
    chain.extend(certs("pki/partner-issuing.pem"));
    let key = PrivateKeyDer::from_pem_file(pki("pki/server.key")).unwrap();
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        let Ok((tcp, _)) = listener.accept() else {
            return;
        };
        tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let conn = rustls::ServerConnection::new(Arc::new(cfg)).unwrap();
        let mut s = rustls::StreamOwned::new(conn, tcp);
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        // Read the request head and body (bounded); a failed handshake ends here.
        for _ in 0..50 {
            match s.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            let text = String::from_utf8_lossy(&buf);
            if let Some(i) = text.find("\r\n\r\n") {
                let len: usize = text
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if buf.len() >= i + 4 + len {
                    break;
                }
            }
        }
        let (status, extra, body) = match answer {
            Answer::Ok => ("200 OK", "", "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><ok/></soapenv:Body></soapenv:Envelope>"),
            Answer::SoapFault => (
                "500 Internal Server Error",
                "",
                "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>Order 4711 unknown</faultstring><detail><code>E42</code></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>",
            ),
            Answer::Status(status, extra) => (status, extra, "not here"),
        };
        let resp = format!("HTTP/1.1 {status}\r\n{extra}Content-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        let _ = s.write_all(resp.as_bytes());
        s.conn.send_close_notify();
        let _ = s.flush();
    });
    (port, h)
}

fn identity(jks: &str, alias: &str) -> tlsdiag::identity::LoadedIdentity {
    let pw = tlsdiag::identity::SecretString::new("changeit".into());
    tlsdiag::identity::load(&pki(jks), Some(alias), Some(&pw)).unwrap()
}

fn opts(port: u16, id: Option<tlsdiag::identity::LoadedIdentity>) -> ProbeOptions {
    ProbeOptions {
        url: format!("https://127.0.0.1:{port}/orders"),
        identity: id,
        trust: Some(certs("pki/partner-root.pem")),
        sni: Some("partner.test".into()),
        timeout: Duration::from_secs(5),
        soap_action: Some("urn:partner:orders/submit".into()),
        ..Default::default()
    }
}

fn matching_identity_succeeds(versions: &[&'static rustls::SupportedProtocolVersion], expect: u32) {
    let (port, h) = server(versions, Answer::Ok);
    let r = probe::run(&opts(
        port,
        Some(identity("keystores/client.jks", "client")),
    ))
    .unwrap();
    h.join().unwrap();
    assert!(r.succeeded, "{:?}", r.error);
    assert_eq!(r.http.as_ref().unwrap().status, 200);
    let d = r.client_certificate_decision.as_ref().unwrap();
    assert!(d.sent);
    assert!(r
        .findings
        .iter()
        .any(|f| f.code == "probe-sent-certificate"));
    assert_eq!(d.ca_hints, ["CN=Partner Root CA,O=Partner Corp,C=DE"]);
    let c = r.connection.as_ref().unwrap();
    assert_eq!(c.tls.tls_version.as_ref().unwrap().code, expect);
    // Our own handshake, decoded like a capture (TLS 1.3 through our own key log).
    let cc = c
        .tls
        .client_certificate
        .as_ref()
        .expect("the recorded handshake shows our certificate");
    assert_eq!(cc.count, 2);
    assert_eq!(
        cc.chain[0].subject.text,
        "CN=customer-client,O=Customer Inc,C=US"
    );
    assert_eq!(
        c.tls
            .certificate_request
            .as_ref()
            .unwrap()
            .certificate_authorities[0]
            .text,
        "CN=Partner Root CA,O=Partner Corp,C=DE"
    );
}

#[test]
fn matching_identity_succeeds_tls12() {
    matching_identity_succeeds(&[&rustls::version::TLS12], 0x0303);
}

#[test]
fn matching_identity_succeeds_tls13() {
    matching_identity_succeeds(&[&rustls::version::TLS13], 0x0304);
}

#[test]
fn identity_from_another_ca_sends_nothing_and_says_why() {
    let (port, h) = server(&[&rustls::version::TLS13], Answer::Ok);
    let r = probe::run(&opts(port, Some(identity("keystores/ssos.jks", "ssos")))).unwrap();
    h.join().unwrap();
    assert!(!r.succeeded);
    let d = r.client_certificate_decision.as_ref().unwrap();
    assert!(!d.sent);
    assert_eq!(d.issuer_in_hints, Some(false));
    assert!(
        d.reason
            .contains("no certificate in the identity's chain was issued by a CA the server lists"),
        "{}",
        d.reason
    );
    let c = r.connection.as_ref().unwrap();
    assert_eq!(c.tls.client_certificate.as_ref().unwrap().count, 0);
    assert_eq!(
        c.tls
            .certificate_request
            .as_ref()
            .unwrap()
            .certificate_authorities
            .len(),
        1
    );
    assert!(
        c.tls
            .alerts
            .iter()
            .any(|a| a.from == tlsdiag::model::Side::Server && a.is_fatal()),
        "{:?}",
        c.tls.alerts
    );
    assert_eq!(c.diagnosis[0].code, "client-sent-empty-certificate");
    assert!(r
        .findings
        .iter()
        .any(|f| f.code == "probe-sent-no-certificate"));
}

#[test]
fn soap_fault_is_parsed() {
    let (port, h) = server(
        &[&rustls::version::TLS12, &rustls::version::TLS13],
        Answer::SoapFault,
    );
    let r = probe::run(&opts(
        port,
        Some(identity("keystores/client.jks", "client")),
    ))
    .unwrap();
    h.join().unwrap();
    let http = r.http.as_ref().unwrap();
    assert_eq!(http.status, 500);
    let f = http.soap_fault.as_ref().unwrap();
    assert_eq!(
        (
            f.code.as_deref(),
            f.reason.as_deref(),
            f.soap_version.as_str()
        ),
        (Some("soapenv:Client"), Some("Order 4711 unknown"), "1.1")
    );
    assert!(r.findings.iter().any(|f| f.code == "soap-fault"));
}

#[test]
fn refused_timeout_and_untrusted_server_are_clear() {
    // Refused: a port nobody listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = probe::run(&opts(port, None)).unwrap_err();
    assert!(e.to_string().contains("refused"), "{e}");
    // Timeout: a server that accepts and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let sp = silent.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        let c = silent.accept();
        std::thread::sleep(Duration::from_secs(3));
        drop(c);
    });
    let mut o = opts(sp, None);
    o.timeout = Duration::from_secs(1);
    let r = probe::run(&o).unwrap();
    h.join().unwrap();
    assert!(!r.succeeded);
    let msg = r.error.unwrap();
    assert!(
        msg.contains("did not finish")
            || msg.contains("timed out")
            || msg.contains("connection error"),
        "{msg}"
    );
    // Untrusted: we trust only Other Root CA.
    let (port, h) = server(&[&rustls::version::TLS13], Answer::Ok);
    let mut o = opts(port, None);
    o.trust = Some(certs("pki/other-root.pem"));
    let r = probe::run(&o).unwrap();
    h.join().unwrap();
    let msg = r.error.unwrap();
    assert!(
        msg.contains("not trusted") && msg.contains("--trust"),
        "{msg}"
    );
    // The chain is still recorded and decoded.
    assert_eq!(r.connection.unwrap().tls.server_certificates.len(), 2);
}

#[test]
fn wrong_password_is_one_clear_line() {
    let o = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args([
            "probe",
            "https://127.0.0.1:9/x",
            "--identity",
            pki("keystores/client.jks").to_str().unwrap(),
        ])
        .env("TLSDIAG_PASSWORD", "not-the-password")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("wrong password"), "{e}");
    assert!(
        !e.contains("not-the-password"),
        "the password must never be printed"
    );
}

#[test]
fn saved_pcap_and_keylog_agree_with_tshark_and_compare_names_the_certificate() {
    let (port, h) = server(&[&rustls::version::TLS13], Answer::Ok);
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("probe.pcap");
    let keylog = dir.path().join("probe.keylog");
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args([
            "probe",
            &format!("https://127.0.0.1:{port}/orders"),
            "--sni",
            "partner.test",
            "--identity",
            pki("keystores/client.jks").to_str().unwrap(),
            "--password-file",
            pki("keystores/password.txt").to_str().unwrap(),
            "--trust",
            pki("pki/partner-root.pem").to_str().unwrap(),
            "--save",
            pcap.to_str().unwrap(),
            "--keylog",
            keylog.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    h.join().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&keylog).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Our decoding of the saved pcap with the key log …
    let kl = tlsdiag::tls::keylog::KeyLog::from_file(&keylog).unwrap();
    let o = tlsdiag::analyze::AnalyzeOptions {
        decode: tlsdiag::tls::DecodeOptions {
            keylog: Some(Arc::new(kl)),
            ..Default::default()
        },
        ..Default::default()
    };
    let a = tlsdiag::analyze::analyze_path(&pcap, &o).unwrap();
    let ours: Vec<(u64, u8)> = a.connections[0]
        .tls
        .messages
        .iter()
        .filter_map(|m| match m.kind {
            tlsdiag::model::MessageKind::Handshake(t) => Some((m.frame, t.0)),
            _ => None,
        })
        .collect();
    assert!(
        ours.iter().any(|(_, t)| *t == 13),
        "CertificateRequest decrypted"
    );
    // … equals tshark's.
    if let Ok(t) = Command::new("tshark")
        .args([
            "-r",
            pcap.to_str().unwrap(),
            "-o",
            &format!("tls.keylog_file:{}", keylog.display()),
            "-d",
            &format!("tcp.port=={port},tls"),
            "-Y",
            "tls.handshake.type",
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "tls.handshake.type",
        ])
        .output()
    {
        let text = String::from_utf8_lossy(&t.stdout);
        let mut theirs: Vec<(u64, u8)> = Vec::new();
        for line in text.lines() {
            let mut it = line.split('\t');
            let f: u64 = it.next().unwrap().parse().unwrap();
            for ty in it.next().unwrap_or("").split(',').filter(|s| !s.is_empty()) {
                theirs.push((f, ty.parse().unwrap()));
            }
        }
        let mut a = ours.clone();
        a.sort();
        theirs.sort();
        assert_eq!(a, theirs, "tlsdiag vs tshark on the probe's own pcap");
    }
    // compare: the seed capture vs this successful probe names the client certificate.
    let cmp = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args([
            "compare",
            pki("seed-jsse-empty-cert.pcap").to_str().unwrap(),
            "--probe-pcap",
            pcap.to_str().unwrap(),
            "--probe-keylog",
            keylog.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        cmp.status.success(),
        "{}",
        String::from_utf8_lossy(&cmp.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&cmp.stdout).unwrap();
    let decisive = v["comparison"]["decisive_difference"].as_str().unwrap();
    assert!(decisive.starts_with("the client certificate"), "{decisive}");
    let row = v["comparison"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["fact"] == "client certificate")
        .unwrap();
    assert_eq!(row["decisive"], true);
}

struct Killed(std::process::Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `openssl s_server` with the partner's server certificate, for one connection, with `extra`
/// arguments; returns once it listens (a test connection would use up its one accept).
fn one_shot_openssl_server(extra: &[&str]) -> (u16, Killed) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("openssl")
        .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-cert"])
        .arg(pki("pki/server.pem"))
        .arg("-key")
        .arg(pki("pki/server.key"))
        .args(extra)
        .args(["-naccept", "1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("openssl (scripts/setup.sh installs it)");
    std::thread::sleep(Duration::from_millis(800));
    (port, Killed(child))
}

/// Probes 127.0.0.1:`port` without verifying the server; the call must fail with finding `code`.
fn insecure_probe_with_finding(port: u16, code: &str) -> tlsdiag::model::Connection {
    let mut o = opts(port, None);
    o.insecure = true;
    let r = probe::run(&o).unwrap();
    assert!(!r.succeeded);
    assert!(
        r.findings.iter().any(|f| f.code == code),
        "{:?} {:?}",
        r.findings.iter().map(|f| &f.code).collect::<Vec<_>>(),
        r.error
    );
    r.connection.unwrap()
}

/// rustls speaks no TLS ≤ 1.1: against a TLS 1.1-only OpenSSL server the probe says so plainly.
#[test]
fn server_that_needs_tls_1_1_is_a_rustls_limit_said_out_loud() {
    let (port, _server) = one_shot_openssl_server(&["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"]);
    let c = insecure_probe_with_finding(port, "probe-server-needs-old-tls");
    assert_eq!(
        (c.tls.alerts[0].from, c.tls.alerts[0].code()),
        (tlsdiag::model::Side::Server, Some(70))
    );
}

/// rustls never renegotiates: an OpenSSL server that renegotiates to ask for a client
/// certificate after reading the request (`R` on s_server's stdin, what IIS does per path) is
/// named as such, from the probe's own decrypted recording (the server's HelloRequest after
/// application data, and rustls' no_renegotiation answer).
#[test]
fn server_renegotiation_is_a_rustls_limit_said_out_loud() {
    use std::io::BufRead;
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new("openssl")
        .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-cert"])
        .arg(pki("pki/server.pem"))
        .arg("-key")
        .arg(pki("pki/server.key"))
        .args(["-tls1_2", "-naccept", "1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("openssl (scripts/setup.sh installs it)");
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let _server = Killed(child);
    // s_server prints what it receives: a line reader tells when the request has arrived.
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(l) if l.contains("ACCEPT") => break,
            _ => {}
        }
    }
    let mut o = opts(port, None);
    o.insecure = true;
    o.timeout = Duration::from_secs(4);
    let probe = std::thread::spawn(move || probe::run(&o));
    let mut seen_request = false;
    while std::time::Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(l) if l.starts_with("POST /orders") => {
                seen_request = true;
                break;
            }
            _ => {}
        }
    }
    assert!(seen_request, "s_server never printed the request");
    // Renegotiate, asking for a client certificate; then quit, closing the connection.
    stdin.write_all(b"R\n").unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let _ = stdin.write_all(b"Q\n");
    let _ = stdin.flush();
    let r = probe.join().unwrap().unwrap();
    assert!(!r.succeeded);
    // OpenSSL answers the refusal with a fatal alert: reported as ending the exchange after the
    // request, not the handshake.
    let err = r.error.as_deref().unwrap_or_default();
    assert!(err.contains("while reading the response"), "{err}");
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "probe-renegotiation-unsupported")
        .unwrap_or_else(|| {
            panic!(
                "{:?}",
                r.findings.iter().map(|f| &f.code).collect::<Vec<_>>()
            )
        });
    let c = r.connection.as_ref().unwrap();
    // The server's renegotiation, decrypted with the probe's own key log: a HelloRequest.
    let first = *c.tls.renegotiation_frames.first().unwrap();
    assert!(c.tls.messages.iter().any(|m| m.kind
        == tlsdiag::model::MessageKind::Handshake(tlsdiag::model::HandshakeType::HELLO_REQUEST)
        && m.from == tlsdiag::model::Side::Server
        && m.frame == first
        && m.decrypted));
    // rustls refused it with a warning no_renegotiation (100), read from our recording too.
    let refusal = c
        .tls
        .alerts
        .iter()
        .find(|a| a.from == tlsdiag::model::Side::Client && a.code() == Some(100))
        .expect("no_renegotiation alert from the probe");
    assert_eq!(refusal.level(), Some(tlsdiag::model::AlertLevel::WARNING));
    assert!(f.evidence.iter().any(|e| e.frame == Some(first)));
    assert!(f.message.contains("no_renegotiation"), "{}", f.message);
}

/// HTTP answers that are not success are findings with the status, and redirects are reported,
/// never followed: 401 with a Basic challenge, 302 with a Location, 404.
#[test]
fn http_auth_redirect_and_error_answers_are_findings() {
    let cases = [
        (
            Answer::Status(
                "401 Unauthorized",
                "WWW-Authenticate: Basic realm=\"orders\"\r\n",
            ),
            "http-auth-required",
            401,
            vec!["Basic (realm \"orders\")", "tlsdiag probe URL --user USER"],
        ),
        (
            // What IIS with Windows authentication sends: two challenges, two headers.
            Answer::Status(
                "401 Unauthorized",
                "WWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM\r\n",
            ),
            "http-auth-required",
            401,
            vec![
                "Negotiate (SPNEGO/Kerberos), NTLM (Windows integrated)",
                "HTTP/<host>",
            ],
        ),
        (
            // The client certificate was accepted by TLS: a bare 403 is the certificate-to-user
            // mapping (diagnose/http_auth.rs), said once instead of the generic finding.
            Answer::Status("403 Forbidden", ""),
            "http-auth-after-client-certificate",
            403,
            vec![
                "not mapped to a user",
                "WebSphere certificate-to-user mapping",
            ],
        ),
        (
            Answer::Status("302 Found", "Location: https://partner.test/login\r\n"),
            "http-redirect",
            302,
            vec!["redirect to https://partner.test/login (not followed)"],
        ),
        (
            Answer::Status("404 Not Found", ""),
            "http-error",
            404,
            vec!["404 Not Found"],
        ),
    ];
    for (answer, code, status, needles) in cases {
        let (port, h) = server(&[&rustls::version::TLS13], answer);
        let r = probe::run(&opts(
            port,
            Some(identity("keystores/client.jks", "client")),
        ))
        .unwrap();
        h.join().unwrap();
        let http = r.http.as_ref().expect("an HTTP answer");
        assert_eq!(http.status, status);
        let f = r
            .findings
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("{code}: {:?}", r.findings));
        assert!(f.message.contains(&status.to_string()), "{}", f.message);
        for n in needles {
            let text = format!("{} {}", f.message, f.fix.as_deref().unwrap_or(""));
            assert!(text.contains(n), "{n:?} not in {text}");
        }
        if status == 302 {
            assert_eq!(http.redirect.as_deref(), Some("https://partner.test/login"));
        }
    }
}

/// A key that does not belong to its certificate: the probe says so before the server does, and
/// the server's decrypt_error after our CertificateVerify is diagnosed as such.
#[test]
fn key_mismatch_is_named_by_the_probe_and_the_diagnosis() {
    let (port, h) = server(&[&rustls::version::TLS12], Answer::Ok);
    // customer-client's chain (leaf + Partner Issuing CA) with another client's key, so that the
    // server's chain check passes and only the CertificateVerify signature is wrong.
    let dir = std::env::temp_dir().join(format!("tlsdiag-mismatch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("client-mismatch-chain.pem");
    let mut pem = std::fs::read(pki("pki/client.pem")).unwrap();
    pem.extend(std::fs::read(pki("pki/partner-issuing.pem")).unwrap());
    pem.extend(std::fs::read(pki("pki/client-other.key")).unwrap());
    std::fs::write(&file, pem).unwrap();
    let id = tlsdiag::identity::load(&file, None, None).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let r = probe::run(&opts(port, Some(id))).unwrap();
    h.join().unwrap();
    assert!(!r.succeeded);
    assert!(
        r.findings.iter().any(|f| f.code == "probe-key-mismatch"),
        "{:?}",
        r.findings.iter().map(|f| &f.code).collect::<Vec<_>>()
    );
    let c = r.connection.as_ref().unwrap();
    assert_eq!(c.tls.client_certificate.as_ref().unwrap().count, 2);
    let alert = c
        .tls
        .alerts
        .iter()
        .find(|a| a.from == tlsdiag::model::Side::Server)
        .expect("the server's alert");
    assert_eq!(alert.code(), Some(51), "{:?}", c.tls.alerts);
    assert_eq!(c.diagnosis[0].code, "client-certificate-verify-failed");
}

/// rustls offers only ECDHE key exchange with AEAD suites: an OpenSSL server that accepts only
/// static-RSA key exchange refuses the ClientHello, and the probe names that limit.
#[test]
fn server_that_needs_static_rsa_is_a_rustls_limit_said_out_loud() {
    let (port, _server) = one_shot_openssl_server(&[
        "-tls1_2",
        "-cipher",
        "AES128-SHA:AES256-SHA:AES128-GCM-SHA256",
    ]);
    let c = insecure_probe_with_finding(port, "probe-no-common-parameters");
    assert!(c.tls.server_hello.is_none());
    assert_eq!(
        (c.tls.alerts[0].from, c.tls.alerts[0].code()),
        (tlsdiag::model::Side::Server, Some(40))
    );
    assert_eq!(c.diagnosis[0].code, "no-common-parameters");
}

/// A one-connection HTTP proxy: reads the CONNECT head, then either answers `refuse` and closes,
/// or connects to the target, answers 200 and relays both ways. Returns the request head it read.
fn connect_proxy(refuse: Option<&'static str>) -> (u16, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        let Ok((mut client, _)) = listener.accept() else {
            return String::new();
        };
        client
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut head = Vec::new();
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
            match client.read(&mut b) {
                Ok(1) => head.push(b[0]),
                _ => break,
            }
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        if let Some(answer) = refuse {
            let _ = client.write_all(answer.as_bytes());
            return head;
        }
        let target = head.split(' ').nth(1).unwrap_or_default().to_owned();
        let Ok(mut server) = std::net::TcpStream::connect(&target) else {
            let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
            return head;
        };
        server
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .unwrap();
        let (mut c2, mut s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
        let up = std::thread::spawn(move || {
            let _ = std::io::copy(&mut c2, &mut s2);
            let _ = s2.shutdown(std::net::Shutdown::Write);
        });
        let _ = std::io::copy(&mut server, &mut client);
        let _ = client.shutdown(std::net::Shutdown::Write);
        let _ = up.join();
        head
    });
    (port, h)
}

/// `--proxy`: the call goes through CONNECT; the recording holds only the tunnelled TLS bytes, so
/// our own TLS 1.3 handshake still decodes (with the client certificate) from the saved pcap.
#[test]
fn probe_through_a_connect_proxy() {
    let (port, server_h) = server(&[&rustls::version::TLS13], Answer::Ok);
    let (pport, proxy_h) = connect_proxy(None);
    let mut o = opts(port, Some(identity("keystores/client.jks", "client")));
    o.proxy = Some(probe::proxy::parse(&format!("http://127.0.0.1:{pport}")).unwrap());
    let r = probe::run(&o).unwrap();
    let head = proxy_h.join().unwrap();
    server_h.join().unwrap();
    assert!(
        head.starts_with(&format!("CONNECT 127.0.0.1:{port} HTTP/1.1\r\n")),
        "{head}"
    );
    assert!(r.succeeded, "{:?}", r.error);
    assert_eq!(r.http.as_ref().unwrap().status, 200);
    assert_eq!(
        r.proxy.as_deref(),
        Some(format!("127.0.0.1:{pport}").as_str())
    );
    assert_eq!(
        r.server_addr.as_deref(),
        Some(format!("127.0.0.1:{pport}").as_str())
    );
    assert!(r.timings.proxy_connect_ms.is_some());
    let c = r
        .connection
        .as_ref()
        .expect("the tunnelled handshake decodes");
    assert_eq!(c.tls.tls_version.as_ref().unwrap().code, 0x0304);
    assert_eq!(c.tls.client_certificate.as_ref().unwrap().count, 2);
    assert!(c.tls.anomalies.is_empty(), "{:?}", c.tls.anomalies);
}

/// A proxy that wants credentials, or refuses the target, is one clear line from the binary
/// (exit 2: the probe could not be attempted); no credentials are ever taken from argv.
#[test]
fn proxy_refusals_are_one_clear_line() {
    let cases = [
        (
            "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n",
            vec!["407", "Proxy-Authenticate: Basic realm=\"corp\"", "does not send proxy credentials"],
        ),
        (
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
            vec!["refused CONNECT 127.0.0.1:9", "403 Forbidden"],
        ),
    ];
    for (answer, needles) in cases {
        let (pport, proxy_h) = connect_proxy(Some(answer));
        let out = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
            .args([
                "probe",
                "https://127.0.0.1:9/orders",
                "--timeout",
                "4",
                "--proxy",
                &format!("http://127.0.0.1:{pport}"),
            ])
            .output()
            .unwrap();
        let head = proxy_h.join().unwrap();
        assert!(head.starts_with("CONNECT 127.0.0.1:9 HTTP/1.1"), "{head}");
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        for n in needles {
            assert!(err.contains(n), "{n} not in {err}");
        }
    }
    // Credentials in the URL are refused and never echoed.
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args([
            "probe",
            "https://127.0.0.1:9/orders",
            "--proxy",
            "http://alice:s3cr3t@127.0.0.1:1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("credentials"), "{err}");
    assert!(!err.contains("s3cr3t"), "{err}");
}

/// WWW-Authenticate parsing: commas inside a quoted realm do not start a new challenge, and a
/// scheme without a specific fix still gets one.
#[test]
fn www_authenticate_challenges_are_parsed_with_quotes() {
    let h = tlsdiag::probe::http::HttpResult {
        status: 401,
        reason: "Unauthorized".into(),
        headers: vec![
            (
                "WWW-Authenticate".into(),
                "Digest realm=\"Orders, EU\", nonce=\"a,b\", qop=\"auth\"".into(),
            ),
            ("www-authenticate".into(), "Bearer".into()),
        ],
        body_bytes: 0,
        body_preview: String::new(),
        ..Default::default()
    };
    assert_eq!(
        tlsdiag::probe::http::challenges(&h),
        [
            ("Digest".to_owned(), Some("Orders, EU".to_owned())),
            ("Bearer".to_owned(), None)
        ]
    );
    let f = tlsdiag::probe::http::status_finding(&h).unwrap();
    assert!(
        f.message.contains("Digest (realm \"Orders, EU\"), Bearer"),
        "{}",
        f.message
    );
    assert!(!f.fix.as_deref().unwrap_or("").is_empty());
}

/// Issue 12 §3: against a real OpenSSL server that asks for a client certificate from its
/// private CA (`-verify -CAfile`), a probe that does not trust that server (no `--trust`) stops
/// at the server's certificate. It must never claim a certificate was sent: the resolver's
/// choice is reported as "would have sent", reconciled with the recording (no Certificate from
/// the probe on the wire), the hints it saw are the CertificateRequest's CAs (never "any
/// issuer"), and the CA list is printed once.
#[test]
fn untrusted_server_never_claims_a_certificate_was_sent() {
    let ca = "CN=Partner Root CA,O=Partner Corp,C=DE";
    let ca_file = pki("pki/partner-root.pem");
    let chain_file = pki("pki/partner-issuing.pem");
    for version in ["-tls1_3", "-tls1_2"] {
        let (port, _server) = one_shot_openssl_server(&[
            "-cert_chain",
            chain_file.to_str().unwrap(),
            "-verify",
            "1",
            "-CAfile",
            ca_file.to_str().unwrap(),
            "-www",
            version,
        ]);
        let mut o = opts(port, Some(identity("keystores/client.jks", "client")));
        o.trust = None;
        let r = probe::run(&o).unwrap();
        assert!(!r.succeeded);
        assert!(
            r.error.as_deref().unwrap().contains("not trusted"),
            "{:?}",
            r.error
        );
        let c = r.connection.as_ref().unwrap();
        assert!(
            c.tls.client_certificate.is_none(),
            "{version}: nothing on the wire"
        );
        assert_eq!(
            c.tls
                .certificate_request
                .as_ref()
                .unwrap()
                .certificate_authorities[0]
                .text,
            ca
        );
        let d = r.client_certificate_decision.as_ref().unwrap();
        assert_eq!(d.ca_hints, [ca], "{version}");
        let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
        assert!(
            !codes.contains(&"probe-sent-certificate"),
            "{version}: {codes:?}"
        );
        let f = r
            .findings
            .iter()
            .find(|f| f.code == "probe-certificate-not-sent")
            .unwrap_or_else(|| panic!("{version}: {codes:?}"));
        assert!(
            f.message.contains("would have sent CN=customer-client"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("no certificate was sent"),
            "{}",
            f.message
        );
        for f in r.findings.iter().chain(&c.diagnosis) {
            let text = format!("{} {}", f.message, f.details.join(" "));
            assert!(!text.contains("accepts any issuer"), "{version}: {text}");
            assert!(!text.contains("the probe sent CN="), "{version}: {text}");
        }
    }
    // The text report lists the CA once (with the CertificateRequest).
    let (port, _server) = one_shot_openssl_server(&[
        "-cert_chain",
        chain_file.to_str().unwrap(),
        "-verify",
        "1",
        "-CAfile",
        ca_file.to_str().unwrap(),
        "-www",
        "-tls1_3",
    ]);
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args([
            "probe",
            &format!("https://127.0.0.1:{port}/orders"),
            "--sni",
            "partner.test",
            "--timeout",
            "5",
            "--identity",
            pki("keystores/client.jks").to_str().unwrap(),
        ])
        .env("TLSDIAG_PASSWORD", "changeit")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(text.lines().filter(|l| l.trim() == ca).count(), 1, "{text}");
    assert!(text.contains("would have sent"), "{text}");
}

/// A one-connection HTTPS server (no client certificate asked) that reads the request head and
/// then misbehaves as `then` says; it stops when `then` returns or the probe closes.
fn misbehaving_server(
    then: fn(&mut rustls::StreamOwned<rustls::ServerConnection, std::net::TcpStream>),
) -> (u16, std::thread::JoinHandle<()>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut chain = certs("pki/server.pem");
    chain.extend(certs("pki/partner-issuing.pem"));
    let key = PrivateKeyDer::from_pem_file(pki("pki/server.key")).unwrap();
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        let Ok((tcp, _)) = listener.accept() else {
            return;
        };
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        tcp.set_write_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let conn = rustls::ServerConnection::new(Arc::new(cfg)).unwrap();
        let mut s = rustls::StreamOwned::new(conn, tcp);
        let mut head = Vec::new();
        let mut chunk = [0u8; 4096];
        for _ in 0..50 {
            match s.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&chunk[..n]),
            }
            if head.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
        then(&mut s);
    });
    (port, h)
}

/// Waits (bounded) until the probe closes the connection.
fn until_closed(s: &mut rustls::StreamOwned<rustls::ServerConnection, std::net::TcpStream>) {
    let mut b = [0u8; 1024];
    for _ in 0..100 {
        match s.read(&mut b) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

fn misbehaving_probe(
    then: fn(&mut rustls::StreamOwned<rustls::ServerConnection, std::net::TcpStream>),
    timeout_s: u64,
) -> tlsdiag::probe::ProbeReport {
    let (port, h) = misbehaving_server(then);
    let mut o = opts(port, None);
    o.timeout = Duration::from_secs(timeout_s);
    let r = probe::run(&o).unwrap();
    h.join().unwrap();
    r
}

fn only_finding<'a>(r: &'a tlsdiag::probe::ProbeReport, code: &str) -> &'a tlsdiag::model::Finding {
    assert!(!r.succeeded, "{code}: a failed answer is never ✓");
    assert!(r.error.is_some(), "{code}");
    let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes.iter().filter(|c| c.starts_with("probe-")).count(),
        1,
        "{code}: {codes:?}"
    );
    r.findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("{code} not in {codes:?}"))
}

/// Issue 13 §5: a body dripped one byte per second is cut by --timeout and said so (before:
/// "✓ HTTP 200" with 11 of 200 bytes).
#[test]
fn dripping_body_is_a_body_timeout() {
    let r = misbehaving_probe(
        |s| {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n");
            let _ = s.flush();
            for _ in 0..20 {
                if s.write_all(b"x").and_then(|_| s.flush()).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        },
        3,
    );
    let f = only_finding(&r, "probe-body-timeout");
    let h = r.http.as_ref().unwrap();
    assert_eq!(h.status, 200);
    assert!(h.body_bytes > 0 && h.body_bytes < 200, "{}", h.body_bytes);
    assert!(f.message.contains("of 200 bytes"), "{}", f.message);
    assert!(r
        .error
        .as_deref()
        .unwrap()
        .contains("did not arrive within 3 s"));
}

/// A body over the probe's 4 MiB cap: read up to the cap, then said (before: silently cut, ✓).
#[test]
fn body_over_the_cap_is_said() {
    let r = misbehaving_probe(
        |s| {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n");
            let block = vec![b'a'; 64 * 1024];
            for _ in 0..100 {
                if s.write_all(&block).is_err() {
                    return;
                }
            }
        },
        20,
    );
    let f = only_finding(&r, "probe-body-over-cap");
    assert!(
        f.message.contains("Content-Length 1073741824"),
        "{}",
        f.message
    );
    assert_eq!(r.http.as_ref().unwrap().body_bytes, 4 << 20);
}

/// A reply that is not HTTP (before: "✓ HTTP 0 LINE").
#[test]
fn garbage_status_line_is_not_http() {
    let r = misbehaving_probe(
        |s| {
            let _ = s.write_all(b"GARBAGE LINE\r\n\r\n");
            s.conn.send_close_notify();
            let _ = s.flush();
        },
        5,
    );
    let f = only_finding(&r, "probe-answer-not-http");
    assert!(f.message.contains("GARBAGE LINE"), "{}", f.message);
    assert!(r.http.is_none());
}

/// A server that completes TLS, reads the request and never answers (before: "Resource
/// temporarily unavailable (os error 11)").
#[test]
fn silent_server_is_said() {
    let r = misbehaving_probe(until_closed, 2);
    let f = only_finding(&r, "probe-server-silent");
    assert!(
        f.message.contains("no HTTP answer within 2 s"),
        "{}",
        f.message
    );
    assert!(
        !r.error.as_deref().unwrap().contains("os error"),
        "{:?}",
        r.error
    );
}

/// Chunk sizes are checked: ffffffffffffffff (over a signed 64-bit length) and 17 hex digits are
/// a malformed body, not an overflow (a panic in debug builds before); a chunk cut short is
/// said as such.
#[test]
fn huge_chunk_sizes_are_findings_not_overflows() {
    let r = misbehaving_probe(
        |s| {
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc",
            );
            s.conn.send_close_notify();
            let _ = s.flush();
        },
        5,
    );
    let f = only_finding(&r, "probe-bad-chunked-body");
    assert!(f.message.contains("ffffffffffffffff"), "{}", f.message);
    let r = misbehaving_probe(
        |s| {
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\nabc",
            );
            s.conn.send_close_notify();
            let _ = s.flush();
        },
        5,
    );
    let f = only_finding(&r, "probe-bad-chunked-body");
    assert!(f.message.contains("10000000000000000"), "{}", f.message);
    // A chunk announced and never sent: the server closes in the body.
    let r = misbehaving_probe(
        |s| {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\nabc");
            s.conn.send_close_notify();
            let _ = s.flush();
        },
        5,
    );
    let f = only_finding(&r, "probe-body-cut");
    assert!(f.message.contains("3 bytes"), "{}", f.message);
}
