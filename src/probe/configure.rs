//! Configure: the rustls client for one probe — versions, roots (`--trust` or the system's),
//! `--insecure`, the recording client-certificate resolver with the identity, an in-memory key
//! log (for `--keylog` and for decoding our own TLS 1.3 handshake), SNI.

use super::error::ProbeError;
use super::resolver::RecordingResolver;
use super::url::Url;
use super::ProbeOptions;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use std::sync::{Arc, Mutex};

/// A client ready to start: its config, the name it sends, and the two recorders it shares
/// with rustls (what the resolver decided, the session secrets).
#[derive(Debug, Clone)]
pub struct Configured {
    pub config: Arc<rustls::ClientConfig>,
    pub server_name: ServerName<'static>,
    pub resolver: Arc<RecordingResolver>,
    pub keylog: Arc<MemKeyLog>,
}

/// Collects the TLS secrets for the SSLKEYLOGFILE file and for decoding our own handshake.
#[derive(Debug, Default)]
pub struct MemKeyLog {
    lines: Mutex<Vec<String>>,
}

impl MemKeyLog {
    /// The NSS key log text (one line per secret).
    pub fn text(&self) -> String {
        self.lines
            .lock()
            .map(|l| l.join("\n") + "\n")
            .unwrap_or_default()
    }
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

pub fn configure(opts: &ProbeOptions, u: &Url) -> Result<Configured, ProbeError> {
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
        .map_err(ProbeError::Tls)?;
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
            let key_der: PrivateKeyDer<'static> =
                id.key_der().ok_or_else(|| ProbeError::NoPrivateKey {
                    alias: id.alias().to_owned(),
                })?;
            let signing = provider
                .key_provider
                .load_private_key(key_der)
                .map_err(ProbeError::KeyCannotSign)?;
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
    let server_name =
        ServerName::try_from(sni.clone()).map_err(|_| ProbeError::ServerName { name: sni })?;
    Ok(Configured {
        config: Arc::new(config),
        server_name,
        resolver,
        keylog,
    })
}
