//! Decode: the recording becomes a pcap (Ethernet/IP/TCP synthesised around the exact bytes,
//! with their real times), decoded by the same pipeline as any capture with our own key log;
//! the connection's diagnosis and the probe's findings (diagnose/) are computed over the
//! resulting plain data.

use super::record::Chunk;
use super::ProbeOptions;
use crate::analyze::{analyze_bytes, AnalyzeOptions};
use crate::capture::synth::{PcapWriter, TcpFlow};
use crate::model::probe::{
    Decision, HttpResult, IdentityKeyMismatch, ProbeFailure, ProbeReport, Timings,
};
use crate::model::Connection;
use crate::tls::keylog::KeyLog;
use std::net::SocketAddr;
use std::sync::Arc;

/// What an exchange left, with where it went.
#[derive(Debug, Default)]
pub struct Recorded {
    pub local: Option<SocketAddr>,
    pub remote: Option<SocketAddr>,
    /// `https://`: decode the recording as TLS.
    pub over_tls: bool,
    pub recording: Vec<Chunk>,
    pub keylog_text: String,
    pub decision: Option<Decision>,
    pub failure: Option<ProbeFailure>,
    pub http: Option<HttpResult>,
    pub timings: Timings,
}

/// The report of one probe: the recording decoded, diagnosed, and the probe's findings.
pub fn report(opts: &ProbeOptions, r: Recorded) -> ProbeReport {
    let fallback: SocketAddr = ([127, 0, 0, 1], 443).into();
    let remote = r.remote.unwrap_or(fallback);
    let local = r.local.unwrap_or(([127, 0, 0, 1], 40_000).into());
    let pcap = synthesise_pcap(local, remote, &r.recording);
    let mut connection = if r.over_tls {
        decode(&pcap, &r.keylog_text)
    } else {
        None
    };
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
    let identity_key_mismatch = opts
        .identity
        .as_ref()
        .filter(|id| id.entry.key_match == Some(crate::identity::KeyMatch::No))
        .map(|id| IdentityKeyMismatch {
            path: id.path.display().to_string(),
            alias: id.alias().to_string(),
        });
    let mut http = r.http;
    if let Some(h) = http.as_mut() {
        h.challenges = super::auth::challenges(&h.headers);
    }
    let mut report = ProbeReport {
        url: opts.url.clone(),
        server_addr: r.remote.map(|a| a.to_string()),
        proxy: opts.proxy.as_ref().map(|p| p.to_string()),
        succeeded: r.failure.is_none() && http.is_some(),
        error: r.failure.as_ref().map(super::error::sentence),
        client_certificate_decision: r.decision,
        http,
        timings: r.timings,
        connection,
        findings: Vec::new(),
        over_tls: r.over_tls,
        failure: r.failure,
        identity_key_mismatch,
        pcap,
        keylog_text: r.keylog_text,
    };
    report.findings = crate::diagnose::probe::findings(&report);
    report
}

/// Our own recording through the capture pipeline, with our own key log.
fn decode(pcap: &[u8], keylog_text: &str) -> Option<Connection> {
    let decode = crate::tls::DecodeOptions {
        keylog: Some(Arc::new(KeyLog::parse(keylog_text))),
        ..Default::default()
    };
    analyze_bytes(
        "probe",
        pcap,
        &AnalyzeOptions {
            decode,
            ..Default::default()
        },
    )
    .ok()
    .and_then(|a| a.connections.into_iter().next())
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
