//! The probe over an in-memory pipe (a Unix socket pair): configure → exchange → decode with an
//! in-process rustls server on the other end that requires a client certificate; and how the
//! HTTP reader types answers that are not complete responses.

use super::http::read_response;
use super::*;
use crate::model::probe::AnswerFailure;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::PrivateKeyDer;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::Arc;

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

/// A rustls server on `sock` requiring a client certificate from Partner Root CA's tree; reads
/// the request head and answers `answer`. Returns the request head it read.
fn serve(sock: UnixStream, answer: &'static str) -> std::thread::JoinHandle<String> {
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
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .unwrap();
    std::thread::spawn(move || {
        sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let conn = rustls::ServerConnection::new(Arc::new(cfg)).unwrap();
        let mut s = rustls::StreamOwned::new(conn, sock);
        let mut head = Vec::new();
        let mut b = [0u8; 4096];
        for _ in 0..50 {
            match s.read(&mut b) {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&b[..n]),
            }
            if head.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
        let _ = s.write_all(answer.as_bytes());
        s.conn.send_close_notify();
        let _ = s.flush();
        String::from_utf8_lossy(&head).into_owned()
    })
}

#[test]
fn probe_over_a_socket_pair_records_and_decodes_the_exchange() {
    let (client, server) = UnixStream::pair().unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let h = serve(
        server,
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4\r\nConnection: close\r\n\r\n<ok>",
    );
    let pw = crate::identity::SecretString::new("changeit".into());
    let id =
        crate::identity::load(&pki("keystores/client.jks"), Some("client"), Some(&pw)).unwrap();
    let opts = ProbeOptions {
        url: "https://partner.test:8443/orders".into(),
        identity: Some(id),
        trust: Some(certs("pki/partner-root.pem")),
        timeout: Duration::from_secs(5),
        ..Default::default()
    };
    let u = url::parse(&opts.url).unwrap();
    let ends: (SocketAddr, SocketAddr) = (
        ([127, 0, 0, 1], 40_001).into(),
        ([127, 0, 0, 1], 8443).into(),
    );
    let (_sock, r) = over(
        client,
        &opts,
        &u,
        opts.timeout,
        ends,
        Timings::default(),
        Instant::now(),
    )
    .unwrap();
    let request = h.join().unwrap();
    assert!(
        request.starts_with("POST /orders HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(request.contains("Host: partner.test:8443\r\n"), "{request}");
    assert!(r.succeeded, "{:?}", r.error);
    assert_eq!(r.http.as_ref().map(|h| h.status), Some(200));
    assert_eq!(r.http.as_ref().map(|h| h.body_bytes), Some(4));
    // The server's request, decoded from our own recording (TLS 1.3 through our key log).
    let c = r.connection.as_ref().unwrap();
    assert_eq!(c.server.to_string(), "127.0.0.1:8443");
    let req = c.tls.certificate_request.as_ref().unwrap();
    assert_eq!(
        req.certificate_authorities
            .iter()
            .map(|d| d.text.as_str())
            .collect::<Vec<_>>(),
        ["CN=Partner Root CA,O=Partner Corp,C=DE"]
    );
    // What was sent: the identity's chain, on the wire.
    let cc = c.tls.client_certificate.as_ref().unwrap();
    assert_eq!(cc.count, 2);
    assert_eq!(
        cc.chain[0].subject.text,
        "CN=customer-client,O=Customer Inc,C=US"
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "probe-sent-certificate")
        .unwrap();
    assert!(
        f.message.contains(&format!("frame {}", cc.frame)),
        "{}",
        f.message
    );
    // The decision agrees, and the CA list is not repeated in the finding.
    let d = r.client_certificate_decision.as_ref().unwrap();
    assert!(d.sent);
    assert_eq!(d.ca_hints, ["CN=Partner Root CA,O=Partner Corp,C=DE"]);
    assert_eq!(f.details.len(), 1, "{:?}", f.details);
    // The pcap written by --save holds the exact bytes: the ClientHello first.
    assert_eq!(&r.pcap[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
    assert!(r.keylog_text.contains("CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
}

#[test]
fn recording_stream_keeps_both_directions_in_order() {
    let (a, mut b) = UnixStream::pair().unwrap();
    let mut rec = record::RecordingStream::new(a);
    rec.write_all(b"hello").unwrap();
    b.write_all(b"world").unwrap();
    let mut got = [0u8; 5];
    rec.read_exact(&mut got).unwrap();
    let (_, log) = rec.into_parts();
    assert_eq!(log.len(), 2);
    assert!(log[0].from_client && log[0].data == b"hello");
    assert!(!log[1].from_client && log[1].data == b"world");
    assert!(log[0].ts_ns <= log[1].ts_ns);
}

fn answer(bytes: &'static [u8]) -> Result<http::Answer, AnswerFailure> {
    read_response(
        &mut std::io::Cursor::new(bytes),
        &Instant::now(),
        Duration::from_secs(5),
    )
}

#[test]
fn answers_that_are_not_complete_responses_are_typed() {
    assert!(matches!(
        answer(b"garbage\r\n\r\n"),
        Err(AnswerFailure::NotHttp { start }) if start.starts_with("garbage")
    ));
    assert!(matches!(
        answer(b""),
        Err(AnswerFailure::ClosedBeforeAnswer)
    ));
    let a = answer(b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n0123456789a").unwrap();
    assert_eq!(a.result.status, 200);
    assert_eq!(
        a.incomplete,
        Some(AnswerFailure::BodyCut {
            got: 11,
            expected: Some(200)
        })
    );
    let a = answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nx")
        .unwrap();
    assert!(matches!(a.incomplete, Some(AnswerFailure::BadChunk(_))));
    // Control characters in the reason or a header value: httparse refuses them, the answer
    // is still read (and escaped where it is shown).
    let a = answer(
        b"HTTP/1.1 401 Un\x1b[2Jauthorized\r\nWWW-Authenticate: Basic realm=\"L\x1b]0;x\x07\"\r\nContent-Length: 2\r\n\r\nno",
    )
    .unwrap();
    assert_eq!(a.result.status, 401);
    assert_eq!(a.result.reason, "Un\x1b[2Jauthorized");
    assert_eq!(a.result.headers[0].1, "Basic realm=\"L\x1b]0;x\x07\"");
    assert_eq!(a.result.body_bytes, 2);
    assert_eq!(a.incomplete, None);
    // An interim 100 Continue is skipped; the final answer is read.
    let a = answer(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n").unwrap();
    assert_eq!(a.result.status, 204);
    assert_eq!(a.incomplete, None);
}
