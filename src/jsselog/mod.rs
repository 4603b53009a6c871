//! Java's own TLS debug log (`-Djavax.net.debug=ssl:handshake`, `ssl`, `all`) as evidence: the
//! same `model::Analysis` a capture gives, built from what JSSE printed — the ClientHello and
//! ServerHello, the CertificateRequest with its CA names (also TLS 1.3's, which a capture shows
//! only encrypted), the client Certificate JSSE sent or its "No X.509 cert selected" lines,
//! alerts and who sent them, the keystore and truststore it reported loading. Evidence numbers
//! are log line numbers (`Connection.evidence_unit = line`).
//!
//! Owns the log format (JDK 11+ `SSLLogger` lines; JDK 8's `*** ClientHello` format is detected
//! and refused with a clear message: no real log of it has been read). Must not invent: what the
//! log does not print (addresses, ports, message lengths, certificate fingerprints) stays empty
//! or `0.0.0.0:0` and is documented as unknown. Must not format output.

mod body;
mod build;
mod dn;
mod messages;
mod names;
mod reader;

#[cfg(test)]
mod tests;

use crate::model::{Analysis, Anomaly, Connection, Coverage, Endpoint, EvidenceUnit, SourceInfo};
use std::io::{BufRead, BufReader, Read};
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

/// `SourceInfo.format` of a log source.
pub const FORMAT: &str = "javax.net.debug";

/// How many leading bytes [`sniff`] needs at most.
pub const SNIFF_BYTES: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JsseLogError {
    #[error("cannot read {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} looks like a JDK 8 javax.net.debug log (\"*** ClientHello\" format), which tlsdiag does not read yet; run the client on JDK 11 or later with -Djavax.net.debug=ssl:handshake")]
    Jdk8Format { path: String },
    #[error("--host and --port cannot select connections in a javax.net.debug log: it names no addresses (use --sni or --conn)")]
    AddressFilter,
}

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// JDK 11+ `javax.net.ssl|LEVEL|...` lines.
    Jdk11,
    /// JDK 8's `*** ClientHello, TLSv1.2` / `main, WRITE: ...` lines.
    Jdk8,
}

/// Recognises a javax.net.debug log by content: a line that starts with `javax.net.ssl|` and
/// has the SSLLogger header shape (JDK 11+), or JDK 8's handshake markers. `head` is the start
/// of the file ([`SNIFF_BYTES`] is plenty: the first SSL line comes with the first handshake).
pub fn sniff(head: &[u8]) -> Option<LogKind> {
    let text = String::from_utf8_lossy(head);
    let mut jdk8 = false;
    for line in text.lines() {
        if reader::parse_header(line, 0).is_some() {
            return Some(LogKind::Jdk11);
        }
        let t = line.trim_start();
        if t.starts_with("*** ClientHello, ")
            || t.starts_with("*** ServerHello, ")
            || t.starts_with("*** CertificateRequest")
            || t.starts_with("*** Certificate chain")
        {
            jdk8 = true;
        }
    }
    jdk8.then_some(LogKind::Jdk8)
}

/// Options that apply to a log (the capture filters that can).
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    /// Only connections whose ClientHello names this server (case-insensitive).
    pub sni: Option<String>,
}

/// Reads a log file into an analysis.
pub fn analyze_path(path: &Path, opts: &LogOptions) -> Result<Analysis, JsseLogError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| JsseLogError::Read {
        path: name.clone(),
        source,
    })?;
    analyze_reader(&name, BufReader::with_capacity(64 * 1024, file), opts)
}

/// Reads a log from any reader.
pub fn analyze_reader(
    name: &str,
    mut input: impl BufRead,
    opts: &LogOptions,
) -> Result<Analysis, JsseLogError> {
    let head = input.fill_buf().map_err(|source| JsseLogError::Read {
        path: name.to_owned(),
        source,
    })?;
    if sniff(head) == Some(LogKind::Jdk8) {
        return Err(JsseLogError::Jdk8Format {
            path: name.to_owned(),
        });
    }
    let mut anomalies = Vec::new();
    let mut b = build::Builder::default();
    let mut counting = CountingReader {
        inner: input,
        bytes: 0,
    };
    let counts = reader::read_records(&mut counting, &mut anomalies, &mut |r| b.record(r))
        .map_err(|source| JsseLogError::Read {
            path: name.to_owned(),
            source,
        })?;
    if let Some(zone) = &b.odd_zone {
        anomalies.push(Anomaly::new(
            "log_time_zone",
            None,
            None,
            format!("the log's timestamps are in zone '{zone}': start times are that wall-clock time read as UTC; times within a connection are exact"),
        ));
    }
    if b.dropped() > 0 {
        anomalies.push(Anomaly::new(
            "log_too_many_connections",
            None,
            None,
            format!(
                "{} handshakes after the first 100000 were not followed",
                b.dropped()
            ),
        ));
    }
    if !b.orphans.is_empty() {
        let lines: Vec<String> = b
            .orphans
            .iter()
            .map(|o| format!("line {}: {}", o.line, o.text))
            .collect();
        anomalies.push(Anomaly::new(
            "log_handshake_not_logged",
            b.orphans.first().map(|o| o.line),
            None,
            format!(
                "JSSE logged handshake events without the handshake messages ({}); run with -Djavax.net.debug=ssl:handshake (or all) to see them",
                lines.join("; ")
            ),
        ));
    }
    anomalies.append(&mut b.anomalies);
    let first_ts = b.first_ts_ns;
    let mut conns: Vec<Connection> = Vec::with_capacity(b.conns.len());
    for (i, c) in b.conns.into_iter().enumerate() {
        let outcome = build::outcome(&c);
        let mut facts = c.facts;
        facts.outcome = outcome;
        if let Some(want) = &opts.sni {
            let sni = facts.client_hello.as_ref().and_then(|h| h.sni.as_deref());
            if !sni.is_some_and(|s| s.eq_ignore_ascii_case(want)) {
                continue;
            }
        }
        let unknown = Endpoint {
            ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            port: 0,
        };
        conns.push(Connection {
            id: i.saturating_add(1),
            client: unknown.clone(),
            server: unknown,
            start_time: crate::model::rfc3339(c.start_ts_ns),
            start_ts_ns: c.start_ts_ns,
            start_offset: c.start_ts_ns.saturating_sub(first_ts.unwrap_or(0)) as f64 / 1e9,
            first_frame: c.first_line,
            last_frame: c.last_line,
            // A log is not a capture: no bytes, no frames, no TCP facts.
            capture: Coverage::default(),
            evidence_unit: EvidenceUnit::Line,
            jsse_log: Some(Box::new(c.jsse)),
            preamble: None,
            tls: facts,
            diagnosis: Vec::new(),
        });
    }
    // Numbered in log order, as captures are numbered in frame order.
    for (i, c) in conns.iter_mut().enumerate() {
        c.id = i.saturating_add(1);
    }
    Ok(Analysis {
        source: SourceInfo {
            name: name.to_owned(),
            format: FORMAT.to_owned(),
            link_types: Vec::new(),
            frames: counts.lines,
            bytes: counting.bytes,
            skipped_frames: counts.other_lines,
            tcp_flows: 0,
            first_ts_ns: first_ts,
            ..SourceInfo::default()
        },
        connections: conns,
        anomalies,
    })
}

struct CountingReader<R> {
    inner: R,
    bytes: u64,
}

impl<R: BufRead> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes = self
            .bytes
            .saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
        Ok(n)
    }
}

impl<R: BufRead> BufRead for CountingReader<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.bytes = self
            .bytes
            .saturating_add(u64::try_from(amt).unwrap_or(u64::MAX));
        self.inner.consume(amt);
    }
}
