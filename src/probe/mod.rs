//! The probe: our own HTTPS/SOAP call with a chosen client identity over rustls, recording the
//! exact bytes of its TCP connection (a tee around the socket), the server's client-certificate
//! request as rustls hands it to the resolver (CA hints, signature schemes) and what we chose to
//! send and why. The recording is written as a pcap (Ethernet/IP/TCP synthesised around the exact
//! TLS bytes) and decoded by the same pipeline as any capture, with our own key log for TLS 1.3 —
//! so the evidence frame numbers are those of the pcap `--save` writes.
//! Must not format output (the report does).

pub mod auth;
pub mod http;
mod plain;
pub mod proxy;
pub mod record;
pub mod resolver;
pub mod url;

use crate::analyze::{analyze_bytes, AnalyzeOptions};
use crate::capture::synth::{PcapWriter, TcpFlow};
use crate::model::{AlertDescription, Connection, Evidence, Finding, Severity};
use crate::tls::keylog::KeyLog;
use record::{Chunk, RecordingStream};
use resolver::{Decision, RecordingResolver};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use serde::Serialize;
use std::io::Write;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    #[error("bad URL {url:?}: {why}")]
    Url { url: String, why: String },
    #[error("cannot resolve {host}: {detail}")]
    Dns { host: String, detail: String },
    #[error("connection to {addr} refused (nothing listens there)")]
    Refused { addr: String },
    #[error("connection to {addr} timed out after {secs} s")]
    ConnectTimeout { addr: String, secs: u64 },
    #[error("cannot connect to {addr}: {detail}")]
    Connect { addr: String, detail: String },
    #[error("proxy {proxy}: {detail}")]
    Proxy { proxy: String, detail: String },
    #[error("cannot configure TLS: {0}")]
    Config(String),
    #[error("cannot use the identity: {0}")]
    Identity(#[from] crate::identity::IdentityError),
    #[error("cannot read the trust store {path}: {detail}")]
    Trust { path: String, detail: String },
    #[error("cannot read the envelope {path}: {detail}")]
    Envelope { path: String, detail: String },
}

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct ProbeOptions {
    pub url: String,
    /// A loaded client identity (chain + key), or none.
    pub identity: Option<crate::identity::LoadedIdentity>,
    /// Trusted roots (DER); `None` = the system roots.
    pub trust: Option<Vec<CertificateDer<'static>>>,
    pub insecure: bool,
    pub sni: Option<String>,
    pub tls12_only: bool,
    pub tls13_only: bool,
    pub timeout: Duration,
    pub soap_action: Option<String>,
    pub envelope: Option<String>,
    pub soap12: bool,
    pub headers: Vec<(String, String)>,
    /// Send the identity even when its issuer is not among the server's CA hints (what
    /// OpenSSL/curl and rustls' built-in resolver do). Default: behave like JSSE and send none.
    pub send_anyway: bool,
    /// Reach the server through this HTTP proxy (`CONNECT host:port`).
    pub proxy: Option<proxy::Proxy>,
    /// HTTP credentials (Basic or Negotiate) and when to send them; `None` = none.
    pub auth: Option<auth::AuthOptions>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub dns_ms: f64,
    pub connect_ms: f64,
    /// With `--proxy`: the CONNECT exchange (after the TCP connect to the proxy).
    pub proxy_connect_ms: Option<f64>,
    pub tls_handshake_ms: Option<f64>,
    pub first_byte_ms: Option<f64>,
    pub total_ms: f64,
}

/// Everything one probe learned.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    pub url: String,
    /// The address we connected to (the proxy's with `--proxy`).
    pub server_addr: Option<String>,
    /// `host:port` of the HTTP proxy the call went through, or null.
    pub proxy: Option<String>,
    /// `true` when the TLS handshake completed and an HTTP response was read.
    pub succeeded: bool,
    /// The failure as one sentence (TLS or HTTP level), if any.
    pub error: Option<String>,
    pub client_certificate_decision: Option<Decision>,
    pub http: Option<http::HttpResult>,
    pub timings: Timings,
    /// The handshake as decoded from our own recording (same object as `analyze`).
    pub connection: Option<Connection>,
    /// Probe-level findings (rustls limits, trust problems), before the connection's diagnosis.
    pub findings: Vec<Finding>,
    #[serde(skip)]
    pub pcap: Vec<u8>,
    #[serde(skip)]
    pub keylog_text: String,
}

/// Collects the TLS secrets for the SSLKEYLOGFILE file and for decoding our own handshake.
#[derive(Debug, Default)]
struct MemKeyLog {
    lines: Mutex<Vec<String>>,
}

impl rustls::KeyLog for MemKeyLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        if let Ok(mut l) = self.lines.lock() {
            l.push(format!(
                "{label} {} {}",
                hex::encode(client_random),
                hex::encode(secret)
            ));
        }
    }
}

/// Accepts any server certificate (`--insecure`) but still checks the handshake signatures; the
/// chain is recorded by the tee and decoded like any other.
#[derive(Debug)]
struct AcceptAnyServer {
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for AcceptAnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs one probe. `Err` only when nothing could be attempted (bad URL, DNS, connect, config);
/// a TLS or HTTP failure is a report with `succeeded: false` — that is what the user came for.
pub fn run(opts: &ProbeOptions) -> Result<ProbeReport, ProbeError> {
    let started = Instant::now();
    let u = url::parse(&opts.url)?;
    let timeout = if opts.timeout.is_zero() {
        Duration::from_secs(10)
    } else {
        opts.timeout
    };

    // With a proxy we resolve and connect to the proxy; the proxy resolves the server's name.
    let (dial_host, dial_port) = match &opts.proxy {
        Some(p) => (p.host.as_str(), p.port),
        None => (u.host.as_str(), u.port),
    };
    let t0 = Instant::now();
    let addrs: Vec<SocketAddr> = (dial_host, dial_port)
        .to_socket_addrs()
        .map_err(|e| ProbeError::Dns {
            host: dial_host.to_owned(),
            detail: e.to_string(),
        })?
        .collect();
    let addr = *addrs.first().ok_or_else(|| ProbeError::Dns {
        host: dial_host.to_owned(),
        detail: "no address".into(),
    })?;
    let dns_ms = ms(t0.elapsed());

    let t1 = Instant::now();
    let connected = TcpStream::connect_timeout(&addr, timeout);
    let connected = match (&opts.proxy, connected) {
        (Some(p), Err(e)) => {
            return Err(ProbeError::Proxy {
                proxy: p.to_string(),
                detail: format!("cannot connect to the proxy at {addr}: {e}"),
            })
        }
        (_, c) => c,
    };
    let mut tcp = connected.map_err(|e| match e.kind() {
        std::io::ErrorKind::ConnectionRefused => ProbeError::Refused {
            addr: addr.to_string(),
        },
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            ProbeError::ConnectTimeout {
                addr: addr.to_string(),
                secs: timeout.as_secs(),
            }
        }
        _ => ProbeError::Connect {
            addr: addr.to_string(),
            detail: e.to_string(),
        },
    })?;
    let connect_ms = ms(t1.elapsed());
    let _ = tcp.set_read_timeout(Some(timeout));
    let _ = tcp.set_write_timeout(Some(timeout));
    let proxy_connect_ms = match &opts.proxy {
        Some(p) => {
            let t = Instant::now();
            proxy::open_tunnel(&mut tcp, p, &u.host, u.port, timeout)?;
            Some(ms(t.elapsed()))
        }
        None => None,
    };
    if !u.tls {
        let timings = Timings {
            dns_ms,
            connect_ms,
            proxy_connect_ms,
            ..Default::default()
        };
        return Ok(plain::run(opts, &u, tcp, addr, started, timeout, timings));
    }
    let local = tcp.local_addr().unwrap_or(addr);

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let versions: Vec<&'static rustls::SupportedProtocolVersion> = if opts.tls12_only {
        vec![&rustls::version::TLS12]
    } else if opts.tls13_only {
        vec![&rustls::version::TLS13]
    } else {
        vec![&rustls::version::TLS13, &rustls::version::TLS12]
    };
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| ProbeError::Config(e.to_string()))?;
    let mut roots = rustls::RootCertStore::empty();
    match &opts.trust {
        Some(certs) => {
            for c in certs {
                let _ = roots.add(c.clone());
            }
        }
        None => {
            for c in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(c);
            }
        }
    }
    let key = match &opts.identity {
        Some(id) => {
            let key_der: PrivateKeyDer<'static> = id.key_der().ok_or_else(|| {
                ProbeError::Config(format!("the entry '{}' has no private key", id.alias()))
            })?;
            let signing = provider
                .key_provider
                .load_private_key(key_der)
                .map_err(|e| ProbeError::Config(format!("the private key cannot sign: {e}")))?;
            Some((
                Arc::new(rustls::sign::CertifiedKey::new(id.chain_der(), signing)),
                id.entry.chain.clone(),
            ))
        }
        None => None,
    };
    let resolver = Arc::new(RecordingResolver::new(key, opts.send_anyway));
    let mut config = builder
        .with_root_certificates(roots)
        .with_client_cert_resolver(resolver.clone());
    if opts.insecure {
        config
            .dangerous()
            .set_certificate_verifier(Arc::new(AcceptAnyServer {
                provider: provider.clone(),
            }));
    }
    let keylog = Arc::new(MemKeyLog::default());
    config.key_log = keylog.clone();
    config.enable_sni = true;

    let sni = opts.sni.clone().unwrap_or_else(|| u.host.clone());
    let server_name = ServerName::try_from(sni.clone())
        .map_err(|_| ProbeError::Config(format!("{sni:?} is not a valid server name")))?;
    let conn = rustls::ClientConnection::new(Arc::new(config), server_name)
        .map_err(|e| ProbeError::Config(e.to_string()))?;
    let recorder = RecordingStream::new(tcp);
    let chunks = recorder.chunks();
    let mut tls = rustls::StreamOwned::new(conn, recorder);

    let mut error: Option<String> = None;
    let mut tls_failure: Option<std::io::Error> = None;
    let mut findings = Vec::new();
    let t2 = Instant::now();
    let mut tls_ms = None;
    let mut http_result = None;
    let mut first_byte_ms = None;
    let mut http_auth = None;
    loop {
        if !tls.conn.is_handshaking() {
            break;
        }
        if let Err(e) = tls.conn.complete_io(&mut tls.sock) {
            error = Some(describe_tls_error(&e));
            tls_failure = Some(e);
            break;
        }
        if t2.elapsed() > timeout {
            error = Some(format!(
                "the TLS handshake did not finish within {} s",
                timeout.as_secs()
            ));
            break;
        }
    }
    if error.is_none() {
        tls_ms = Some(ms(t2.elapsed()));
        let x = auth::exchange::run(&mut tls, &u, opts, true, timeout);
        first_byte_ms = x.first_byte_ms;
        error = x.error;
        http_auth = x.auth;
        http_result = x.response.map(|mut h| {
            h.auth = http_auth.clone();
            h
        });
        tls.conn.send_close_notify();
        let _ = tls.conn.complete_io(&mut tls.sock);
    }
    let _ = tls.sock.shutdown();
    let total_ms = ms(started.elapsed());

    // Our own recording, as a pcap, through the same pipeline as captures.
    let recorded: Vec<Chunk> = chunks.lock().map(|c| c.clone()).unwrap_or_default();
    let pcap = synthesise_pcap(local, addr, &recorded);
    let keylog_text = keylog
        .lines
        .lock()
        .map(|l| l.join("\n") + "\n")
        .unwrap_or_default();
    let decode = crate::tls::DecodeOptions {
        keylog: Some(Arc::new(KeyLog::parse(&keylog_text))),
        ..Default::default()
    };
    let mut connection = analyze_bytes(
        "probe",
        &pcap,
        &AnalyzeOptions {
            decode,
            ..Default::default()
        },
    )
    .ok()
    .and_then(|a| a.connections.into_iter().next());
    let ctx = crate::diagnose::Context {
        identity: opts.identity.as_ref().map(|id| {
            crate::diagnose::IdentityContext::one(
                id.path.display().to_string(),
                id.format,
                id.entry.clone(),
            )
        }),
    };
    if let Some(c) = connection.as_mut() {
        c.diagnosis = crate::diagnose::diagnose(c, &ctx);
    }
    if let Some(e) = &tls_failure {
        // Only a failure before the server chose anything can be a rustls limit.
        let before_server_hello = connection
            .as_ref()
            .is_none_or(|c| c.tls.server_hello.is_none());
        findings.extend(limit_findings(e, before_server_hello));
    }
    if let Some(f) = connection.as_ref().and_then(renegotiation_finding) {
        findings.push(f);
    }
    let decision = resolver.decision();
    if let Some(id) = &opts.identity {
        if id.entry.key_match == Some(crate::identity::KeyMatch::No) {
            findings.push(Finding {
                code: "probe-key-mismatch".into(),
                severity: Severity::Error,
                message: format!(
                    "The private key in {} (alias {}) does not belong to its certificate: a server verifying the CertificateVerify signature rejects it (decrypt_error).",
                    id.path.display(),
                    id.alias()
                ),
                evidence: vec![],
                details: vec![],
                fix: Some("Pair the certificate with its own private key (`tlsdiag identity inspect` shows which entries match).".into()),
                stack_verdicts: vec![],
                identity_check: None,
            });
        }
    }
    if let Some(f) = decision_finding(&decision, connection.as_ref()) {
        findings.insert(0, f);
    }
    findings.extend(auth::findings(
        http_result.as_ref(),
        http_auth.as_ref(),
        true,
        decision.as_ref().is_some_and(|d| d.sent),
    ));
    // Errors first, as the connection's diagnosis orders them: the first finding is the answer.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let succeeded = error.is_none() && http_result.is_some();
    Ok(ProbeReport {
        url: opts.url.clone(),
        server_addr: Some(addr.to_string()),
        proxy: opts.proxy.as_ref().map(|p| p.to_string()),
        succeeded,
        error,
        client_certificate_decision: decision,
        http: http_result,
        timings: Timings {
            dns_ms,
            connect_ms,
            proxy_connect_ms,
            tls_handshake_ms: tls_ms,
            first_byte_ms,
            total_ms,
        },
        connection,
        findings,
        pcap,
        keylog_text,
    })
}

/// The recorded chunks as Ethernet/IP/TCP frames with their real timestamps.
pub(crate) fn synthesise_pcap(local: SocketAddr, remote: SocketAddr, chunks: &[Chunk]) -> Vec<u8> {
    let mut flow = TcpFlow::new(
        (local.ip(), local.port()),
        (remote.ip(), remote.port()),
        0x1000_0000,
        0x2000_0000,
    );
    flow.mss = 16_384;
    let Ok(mut w) = PcapWriter::new(Vec::new()) else {
        return Vec::new();
    };
    let first_ts = chunks.first().map(|c| c.ts_ns).unwrap_or(0);
    let open_ts = first_ts.saturating_sub(1_000);
    for (_, f) in flow.open() {
        let _ = w.packet(open_ts, &f);
    }
    let mut last = first_ts;
    for c in chunks {
        for (_, f) in flow.data(c.from_client, &c.data) {
            let _ = w.packet(c.ts_ns, &f);
        }
        last = c.ts_ns;
    }
    for (_, f) in flow.close() {
        let _ = w.packet(last.saturating_add(1_000), &f);
    }
    w.into_inner()
}

pub(crate) fn describe_io_error(e: &std::io::Error, doing: &str) -> String {
    if let Some(inner) = e.get_ref().and_then(|x| x.downcast_ref::<rustls::Error>()) {
        // After the handshake: an alert here ends the connection, not the handshake.
        if let rustls::Error::AlertReceived(a) = inner {
            return format!("the server sent alert {} while {doing}", alert_name(*a));
        }
        return describe_tls_error(inner);
    }
    match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
            format!("timed out while {doing}")
        }
        std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset => {
            format!("the server closed the connection while {doing}")
        }
        _ => format!("error while {doing}: {e}"),
    }
}

/// The RFC name of an alert (`handshake_failure (40)`), as the rest of the report writes it.
fn alert_name(a: rustls::AlertDescription) -> String {
    let code = u8::from(a);
    let name = crate::tls::names::alert_description(code).unwrap_or("unknown");
    format!("{name} ({code})")
}

fn describe_tls_error(e: &(dyn std::error::Error + 'static)) -> String {
    let tls = e
        .downcast_ref::<rustls::Error>()
        .or_else(|| e.source().and_then(|s| s.downcast_ref::<rustls::Error>()))
        .or_else(|| {
            e.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|x| x.downcast_ref::<rustls::Error>())
        });
    match tls {
        Some(rustls::Error::InvalidCertificate(c)) => format!(
            "the server's certificate is not trusted ({c:?}): give the CA with --trust FILE, or --insecure to look anyway"
        ),
        Some(rustls::Error::AlertReceived(a)) => {
            format!("the server ended the handshake with alert {}", alert_name(*a))
        }
        Some(other) => format!("TLS error: {other}"),
        None => format!("connection error: {e}"),
    }
}

/// rustls' limits said out loud, from its error: no TLS ≤ 1.1, no static-RSA key exchange or CBC
/// suites (renegotiation: [`renegotiation_finding`]).
fn limit_findings(
    e: &(dyn std::error::Error + 'static),
    before_server_hello: bool,
) -> Vec<Finding> {
    let tls = e
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
        .and_then(|x| x.downcast_ref::<rustls::Error>())
        .or_else(|| e.downcast_ref::<rustls::Error>());
    let mut out = Vec::new();
    let f = |code: &str, msg: &str, fix: &str| Finding {
        code: code.to_owned(),
        severity: Severity::Error,
        message: msg.to_owned(),
        evidence: vec![Evidence {
            frame: None,
            field: "rustls error".into(),
            value: tls.map(|t| t.to_string()).unwrap_or_default(),
        }],
        details: vec![],
        fix: Some(fix.to_owned()),
        stack_verdicts: vec![],
        identity_check: None,
    };
    match tls {
        Some(rustls::Error::AlertReceived(rustls::AlertDescription::ProtocolVersion)) if before_server_hello => out.push(f(
            "probe-server-needs-old-tls",
            "The server refused TLS 1.2 and 1.3 (protocol_version): it likely speaks only TLS 1.0/1.1, which rustls — and so this probe — does not implement.",
            "Ask the partner to enable TLS 1.2; check with `openssl s_client -connect host:port -tls1_1`.",
        )),
        Some(rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure)) if before_server_hello => out.push(f(
            "probe-no-common-parameters",
            "The server refused our ClientHello with handshake_failure before choosing parameters. rustls offers only ECDHE key exchange and AEAD suites: a server that requires static-RSA key exchange or CBC suites cannot be probed with rustls.",
            "Compare with `openssl s_client -connect host:port -cipher AES128-SHA` to see whether the server needs RSA key exchange.",
        )),
        _ => {}
    }
    out
}

/// The third limit, read from our own recording rather than from an error (rustls refuses a
/// renegotiation with a `no_renegotiation` warning and carries on; the server then typically
/// closes or answers 403): the server sent handshake records after application data.
fn renegotiation_finding(c: &Connection) -> Option<Finding> {
    let first = *c.tls.renegotiation_frames.first()?;
    let refusal = c.tls.alerts.iter().find(|a| {
        a.from == crate::model::Side::Client
            && a.description() == Some(AlertDescription::NO_RENEGOTIATION)
    });
    let mut evidence: Vec<Evidence> = c
        .tls
        .renegotiation_frames
        .iter()
        .map(|fr| Evidence {
            frame: Some(*fr),
            field: "server handshake record after application data".into(),
            value: "renegotiation".into(),
        })
        .collect();
    if let Some(a) = refusal {
        evidence.push(Evidence {
            frame: Some(a.frame),
            field: "probe's alert".into(),
            value: format!("{} no_renegotiation (100)", a.level_label()),
        });
    }
    Some(Finding {
        code: "probe-renegotiation-unsupported".into(),
        severity: Severity::Error,
        message: format!(
            "The server started a renegotiation after our request (frame {first}) — this is how IIS and others ask for a client certificate only for some paths. rustls never renegotiates{}, so this probe cannot complete the exchange: its result says nothing about the identity.",
            if refusal.is_some() {
                " (it answered no_renegotiation)"
            } else {
                ""
            }
        ),
        evidence,
        details: vec![],
        fix: Some("Ask the partner to request the client certificate in the initial handshake (IIS: enable client-certificate negotiation on the binding, `netsh http add sslcert ... clientcertnegotiation=enable`). Clients that renegotiate (JSSE, OpenSSL/curl, .NET) can get through meanwhile.".into()),
        stack_verdicts: vec![],
        identity_check: None,
    })
}

fn decision_finding(d: &Option<Decision>, c: Option<&Connection>) -> Option<Finding> {
    let d = d.as_ref()?;
    let requested = c.and_then(|c| c.tls.certificate_request.as_ref());
    let mut f = Finding {
        code: if d.sent {
            "probe-sent-certificate".into()
        } else {
            "probe-sent-no-certificate".into()
        },
        severity: if d.sent {
            Severity::Info
        } else {
            Severity::Warning
        },
        message: if d.sent {
            format!(
                "The server asked for a client certificate and the probe sent {}: {}.",
                d.subject.as_deref().unwrap_or("its identity"),
                d.reason
            )
        } else {
            format!(
                "The server asked for a client certificate and the probe sent none: {}.",
                d.reason
            )
        },
        evidence: requested
            .map(|r| {
                vec![Evidence {
                    frame: Some(r.frame),
                    field: "CertificateRequest.certificate_authorities".into(),
                    value: format!("{} names", r.certificate_authorities.len()),
                }]
            })
            .unwrap_or_default(),
        details: if d.ca_hints.is_empty() {
            vec!["The server named no CAs (any issuer)".into()]
        } else {
            std::iter::once("Accepted issuers (as rustls received them):".to_owned())
                .chain(d.ca_hints.iter().map(|h| format!("  {h}")))
                .collect()
        },
        fix: None,
        stack_verdicts: vec![],
        identity_check: None,
    };
    if !d.sent && d.issuer_in_hints == Some(false) {
        f.fix = Some("Use an identity issued by one of the accepted CAs; `--send-anyway` sends it regardless (as curl/OpenSSL would) to see what the server says.".into());
    }
    Some(f)
}

impl ProbeReport {
    /// Writes the key log with mode 0600 (it decrypts the session).
    pub fn write_keylog(&self, path: &std::path::Path) -> std::io::Result<()> {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let mut f = o.open(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        f.write_all(self.keylog_text.as_bytes())
    }
}

/// Reads a trust store: a PEM bundle, or a JKS / PKCS#12 keystore's certificates.
pub fn load_trust(
    path: &std::path::Path,
    password: Option<&crate::identity::SecretString>,
) -> Result<Vec<CertificateDer<'static>>, ProbeError> {
    let ks = crate::identity::open(path, password).map_err(|e| ProbeError::Trust {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    let certs: Vec<CertificateDer<'static>> = ks
        .entries
        .iter()
        .flat_map(|e| e.chain_der.iter().cloned())
        .collect();
    if certs.is_empty() {
        return Err(ProbeError::Trust {
            path: path.display().to_string(),
            detail: "no certificate in it".into(),
        });
    }
    Ok(certs)
}
