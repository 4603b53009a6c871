//! The probe: our own HTTPS/SOAP call with a chosen client identity over rustls, recording the
//! exact bytes of its connection, the server's client-certificate request as rustls hands it to
//! the resolver (CA hints, signature schemes) and what the resolver decided. Four steps:
//! [`dial`] (DNS, connect, `--proxy` tunnel) → [`configure`] (the rustls client) →
//! [`exchange`] (handshake and HTTP over any `Read + Write` stream, recorded) → [`decode`] (the
//! recording as a pcap through the capture pipeline, with our own key log, then diagnose/) —
//! so the evidence frame numbers are those of the pcap `--save` writes.
//! Must not format output (the report does) nor judge (diagnose/probe.rs does).

pub mod auth;
pub(crate) mod configure;
pub(crate) mod decode;
pub(crate) mod dial;
pub(crate) mod error;
pub(crate) mod exchange;
pub mod http;
mod plain;
pub mod proxy;
pub(crate) mod record;
pub mod request;
pub(crate) mod resolver;
pub(crate) mod url;

#[cfg(test)]
mod tests;

pub use crate::model::probe::{ProbeReport, Timings};
pub use error::{error_text, ProbeError};

use rustls::pki_types::CertificateDer;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `--timeout`, or 10 s when not given.
fn effective_timeout(t: Duration) -> Duration {
    if t.is_zero() {
        Duration::from_secs(10)
    } else {
        t
    }
}

/// Runs one probe: dial → configure → exchange → decode. `Err` only when nothing could be
/// attempted (bad URL, DNS, connect, proxy, configuration); a TLS or HTTP failure is a report
/// with `succeeded: false` and its typed `failure` — that is what the user came for.
pub fn run(opts: &ProbeOptions) -> Result<ProbeReport, ProbeError> {
    let started = Instant::now();
    let u = url::parse(&opts.url)?;
    let timeout = effective_timeout(opts.timeout);
    let d = dial::dial(opts, &u, timeout)?;
    let ends = (d.local, d.remote);
    let (tcp, report) = if u.tls {
        over(d.stream, opts, &u, timeout, ends, d.timings, started)?
    } else {
        plain::over(d.stream, opts, &u, timeout, ends, d.timings, started)
    };
    let _ = tcp.shutdown(std::net::Shutdown::Both);
    Ok(report)
}

/// The probe over an established stream (after dialling): configure, exchange, decode. The
/// stream is handed back with the report. `ends`: the local and remote addresses the
/// synthesised pcap shows.
pub(crate) fn over<S: Read + Write>(
    stream: S,
    opts: &ProbeOptions,
    u: &url::Url,
    timeout: Duration,
    ends: (SocketAddr, SocketAddr),
    mut timings: Timings,
    started: Instant,
) -> Result<(S, ProbeReport), ProbeError> {
    let cfg = configure::configure(opts, u)?;
    let x = exchange::exchange(stream, &cfg, u, opts, timeout)?;
    timings.tls_handshake_ms = x.tls_handshake_ms;
    timings.first_byte_ms = x.first_byte_ms;
    timings.total_ms = ms(started.elapsed());
    let report = decode::report(
        opts,
        decode::Recorded {
            local: Some(ends.0),
            remote: Some(ends.1),
            over_tls: true,
            recording: x.recording,
            keylog_text: cfg.keylog.text(),
            decision: cfg.resolver.decision(),
            failure: x.failure,
            http: x.http,
            timings,
        },
    );
    Ok((x.stream, report))
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
    let ks = crate::identity::open(path, password).map_err(ProbeError::Trust)?;
    let certs: Vec<CertificateDer<'static>> = ks
        .entries
        .iter()
        .flat_map(|e| e.chain_der.iter().cloned())
        .collect();
    if certs.is_empty() {
        return Err(ProbeError::TrustEmpty {
            path: path.display().to_string(),
        });
    }
    Ok(certs)
}
