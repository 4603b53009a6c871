//! Exchange: the TLS handshake and the HTTP rounds over any byte stream (`S: Read + Write`: a
//! `TcpStream` from [`super::dial`], a socket pair in the tests), through a
//! [`RecordingStream`] that keeps every byte. What it hands back is the stream, the recording
//! and what happened — typed — never a judgement (diagnose/probe.rs judges).

use super::auth;
use super::configure::Configured;
use super::error::{handshake_failure, ProbeError};
use super::record::{Chunk, RecordingStream};
use super::url::Url;
use super::{ms, ProbeOptions};
use crate::model::probe::{HttpResult, ProbeFailure};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// What one exchange left.
#[derive(Debug)]
pub struct Exchanged<S> {
    /// The stream, handed back (to be shut down by its owner).
    pub stream: S,
    /// Every chunk read and written, in order, with its time.
    pub recording: Vec<Chunk>,
    /// Why the call did not complete.
    pub failure: Option<ProbeFailure>,
    pub tls_handshake_ms: Option<f64>,
    pub first_byte_ms: Option<f64>,
    /// The (last) HTTP answer, with the authentication facts when credentials were given.
    pub http: Option<HttpResult>,
}

/// Runs the handshake, then the HTTP request(s), then close_notify. Reads and writes are bounded
/// by the stream's own timeouts and by `timeout` overall (checked between reads). `Err` only
/// when rustls refuses the configuration.
pub fn exchange<S: Read + Write>(
    stream: S,
    cfg: &Configured,
    u: &Url,
    opts: &ProbeOptions,
    timeout: Duration,
) -> Result<Exchanged<S>, ProbeError> {
    let conn = rustls::ClientConnection::new(cfg.config.clone(), cfg.server_name.clone())
        .map_err(ProbeError::Tls)?;
    let mut tls = rustls::StreamOwned::new(conn, RecordingStream::new(stream));
    let started = Instant::now();
    let mut failure = None;
    while tls.conn.is_handshaking() {
        if let Err(e) = tls.conn.complete_io(&mut tls.sock) {
            failure = Some(ProbeFailure::Handshake(handshake_failure(&e, timeout)));
            break;
        }
        if started.elapsed() > timeout {
            failure = Some(ProbeFailure::HandshakeTimeout {
                secs: timeout.as_secs().max(1),
            });
            break;
        }
    }
    let mut out_http = None;
    let mut tls_handshake_ms = None;
    let mut first_byte_ms = None;
    if failure.is_none() {
        tls_handshake_ms = Some(ms(started.elapsed()));
        let x = auth::exchange::run(&mut tls, u, opts, true, timeout);
        first_byte_ms = x.first_byte_ms;
        failure = x.error;
        out_http = x.response.map(|mut h| {
            h.auth = x.auth;
            h
        });
        tls.conn.send_close_notify();
        let _ = tls.conn.complete_io(&mut tls.sock);
    }
    let (_, recorder) = tls.into_parts();
    let (stream, recording) = recorder.into_parts();
    Ok(Exchanged {
        stream,
        recording,
        failure,
        tls_handshake_ms,
        first_byte_ms,
        http: out_http,
    })
}
