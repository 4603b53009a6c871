//! The probe over plain HTTP (`http://`): no TLS, so no handshake facts — only what the endpoint
//! asks for (its status and `WWW-Authenticate` challenges), recorded like any probe. Exists so
//! that "this service offers Basic over plain HTTP" is said from a real answer; no Basic
//! credentials are ever sent here (the exchange refuses), Negotiate tokens may be.
//! Must not format output.

use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use super::record::{Chunk, RecordingStream};
use super::url::Url;
use super::{auth, ms, synthesise_pcap, ProbeOptions, ProbeReport, Timings};

/// Runs the HTTP exchange on the connected socket and builds the report.
pub(crate) fn run(
    opts: &ProbeOptions,
    u: &Url,
    tcp: TcpStream,
    addr: SocketAddr,
    started: Instant,
    timeout: Duration,
    mut timings: Timings,
) -> ProbeReport {
    let local = tcp.local_addr().unwrap_or(addr);
    let mut s = RecordingStream::new(tcp);
    let chunks = s.chunks();
    let x = auth::exchange::run(&mut s, u, opts, false, timeout);
    let _ = s.shutdown();
    timings.first_byte_ms = x.first_byte_ms;
    timings.total_ms = ms(started.elapsed());
    let recorded: Vec<Chunk> = chunks.lock().map(|c| c.clone()).unwrap_or_default();
    let http = x.response.map(|mut h| {
        h.auth = x.auth.clone();
        h
    });
    let findings = auth::findings(http.as_ref(), x.auth.as_ref(), false, false);
    ProbeReport {
        url: opts.url.clone(),
        server_addr: Some(addr.to_string()),
        proxy: opts.proxy.as_ref().map(|p| p.to_string()),
        succeeded: x.error.is_none() && http.is_some(),
        error: x.error,
        client_certificate_decision: None,
        http,
        timings,
        connection: None,
        findings,
        pcap: synthesise_pcap(local, addr, &recorded),
        keylog_text: String::new(),
    }
}
