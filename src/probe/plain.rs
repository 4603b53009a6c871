//! The probe over plain HTTP (`http://`): no TLS, so no handshake facts — only what the endpoint
//! asks for (its status and `WWW-Authenticate` challenges), recorded like any probe. Exists so
//! that "this service offers Basic over plain HTTP" is said from a real answer; no Basic
//! credentials are ever sent here (the exchange refuses), Negotiate tokens may be.
//! Must not format output.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::record::RecordingStream;
use super::url::Url;
use super::{auth, decode, ms, ProbeOptions, ProbeReport, Timings};

/// Runs the HTTP exchange on the connected stream and builds the report; hands the stream back.
pub(crate) fn over<S: Read + Write>(
    stream: S,
    opts: &ProbeOptions,
    u: &Url,
    timeout: Duration,
    ends: (SocketAddr, SocketAddr),
    mut timings: Timings,
    started: Instant,
) -> (S, ProbeReport) {
    let mut s = RecordingStream::new(stream);
    let x = auth::exchange::run(&mut s, u, opts, false, timeout);
    let (stream, recording) = s.into_parts();
    timings.first_byte_ms = x.first_byte_ms;
    timings.total_ms = ms(started.elapsed());
    let http = x.response.map(|mut h| {
        h.auth = x.auth;
        h
    });
    let report = decode::report(
        opts,
        decode::Recorded {
            local: Some(ends.0),
            remote: Some(ends.1),
            over_tls: false,
            recording,
            keylog_text: String::new(),
            decision: None,
            failure: x.error,
            http,
            timings,
        },
    );
    (stream, report)
}
