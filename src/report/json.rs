//! The JSON document (`--json`): a public contract for scripts. The envelope lives here; the
//! per-connection objects are the model's own serde form, whose field names are the contract
//! (docs/json-schema.md). Bump [`SCHEMA_VERSION`] and add a changelog line on any change that
//! renames, removes or changes the meaning of a field; adding a field is a minor change.

use crate::model::{Analysis, Anomaly, Connection, OutcomeStatus, Severity, SourceInfo};
use serde::Serialize;
use std::io::Write;

/// Major.minor: scripts should check the major number.
pub const SCHEMA_VERSION: &str = "1.4";

#[derive(Debug, Serialize)]
pub struct Document<'a> {
    pub schema_version: &'static str,
    pub tool: Tool,
    pub source: &'a SourceInfo,
    pub summary: Summary,
    pub connections: &'a [Connection],
    pub anomalies: &'a [Anomaly],
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub connections: usize,
    pub completed: usize,
    pub failed: usize,
    pub incomplete: usize,
    pub empty_client_certificates: usize,
    /// Connections without TLS that carried plain HTTP (since 1.3); not counted as completed,
    /// failed or incomplete.
    pub plain_http: usize,
    pub findings_error: usize,
    pub findings_warning: usize,
    /// Failures grouped by cause, server and client (since 1.3).
    pub groups: super::groups::GroupCounter,
}

impl Summary {
    pub fn of(analysis: &Analysis) -> Summary {
        let mut s = Summary::default();
        for c in &analysis.connections {
            s.add(c);
        }
        s
    }

    /// Counts one more connection (the streaming output keeps only these counters).
    pub fn add(&mut self, c: &Connection) {
        self.connections += 1;
        match c.tls.outcome.status {
            _ if c.is_plain_http() => self.plain_http += 1,
            OutcomeStatus::Completed | OutcomeStatus::CompletedEncrypted => self.completed += 1,
            OutcomeStatus::Failed => self.failed += 1,
            OutcomeStatus::Incomplete => self.incomplete += 1,
        }
        if c.tls
            .client_certificate_fact()
            .known()
            .is_some_and(|cc| cc.is_empty())
        {
            self.empty_client_certificates += 1;
        }
        self.groups.add(c);
        for f in &c.diagnosis {
            match f.severity {
                Severity::Error => self.findings_error += 1,
                Severity::Warning => self.findings_warning += 1,
                Severity::Info => {}
            }
        }
    }
}

pub fn document(analysis: &Analysis) -> Document<'_> {
    Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "tlsdiag",
            version: env!("CARGO_PKG_VERSION"),
        },
        source: &analysis.source,
        summary: Summary::of(analysis),
        connections: &analysis.connections,
        anomalies: &analysis.anomalies,
    }
}

/// One line of the streaming output (`--stream`, JSON Lines).
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamLine<'a> {
    Connection {
        schema_version: &'static str,
        connection: &'a Connection,
    },
    End {
        schema_version: &'static str,
        tool: Tool,
        source: &'a SourceInfo,
        summary: &'a Summary,
        anomalies: &'a [Anomaly],
    },
}

impl Tool {
    pub fn this() -> Tool {
        Tool {
            name: "tlsdiag",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// Writes one JSON Lines record.
pub fn write_line(out: &mut dyn Write, line: &StreamLine<'_>) -> std::io::Result<()> {
    // Serialised into memory first: serde_json's many small writes stay monomorphic instead of
    // each going through `dyn Write` (a third of `--stream`'s time before).
    let mut buf = Vec::with_capacity(16 * 1024);
    serde_json::to_writer(&mut buf, line).map_err(std::io::Error::from)?;
    buf.push(b'\n');
    out.write_all(&buf)
}

/// Writes the document, pretty-printed, followed by a newline.
pub fn write(out: &mut dyn Write, analysis: &Analysis) -> std::io::Result<()> {
    // A typed buffer in front of `dyn Write`: serde_json's small writes are inlined copies.
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut buffered, &document(analysis))
        .map_err(std::io::Error::from)?;
    writeln!(buffered)?;
    buffered.flush()
}

/// `value` pretty-printed as serde_json prints it, every line after the first indented by
/// `indent` (a JSON string never holds a raw newline, so this only touches layout).
fn write_indented<T: Serialize + ?Sized>(
    out: &mut impl Write,
    value: &T,
    indent: &str,
) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(16 * 1024);
    serde_json::to_writer_pretty(&mut buf, value).map_err(std::io::Error::from)?;
    let mut rest = buf.as_slice();
    while let Some(i) = rest.iter().position(|b| *b == b'\n') {
        let (line, tail) = rest.split_at(i + 1);
        out.write_all(line)?;
        out.write_all(indent.as_bytes())?;
        rest = tail;
    }
    out.write_all(rest)
}

/// The `--json` document written as the capture is decoded: the head, each connection as it
/// arrives (in start order), then `source`, `summary` and `anomalies`, which are known only at
/// the end. Same fields and values as [`write`]; only the order of the top-level keys differs.
#[derive(Debug)]
pub struct DocumentWriter<W: Write> {
    out: W,
    count: usize,
    started: bool,
}

impl<W: Write> DocumentWriter<W> {
    /// Writes nothing yet: a file that cannot be read leaves standard output empty.
    pub fn new(out: W) -> Self {
        DocumentWriter {
            out,
            count: 0,
            started: false,
        }
    }

    fn head(&mut self) -> std::io::Result<()> {
        if !self.started {
            self.started = true;
            write!(
                self.out,
                "{{\n  \"schema_version\": \"{SCHEMA_VERSION}\",\n  \"tool\": "
            )?;
            write_indented(&mut self.out, &Tool::this(), "  ")?;
            self.out.write_all(b",\n  \"connections\": [")?;
        }
        Ok(())
    }

    pub fn connection(&mut self, c: &Connection) -> std::io::Result<()> {
        self.head()?;
        if self.count > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"\n    ")?;
        write_indented(&mut self.out, c, "    ")?;
        self.count += 1;
        Ok(())
    }

    pub fn finish(
        mut self,
        source: &SourceInfo,
        summary: &Summary,
        anomalies: &[Anomaly],
    ) -> std::io::Result<W> {
        self.head()?;
        if self.count > 0 {
            self.out.write_all(b"\n  ")?;
        }
        self.out.write_all(b"],\n  \"source\": ")?;
        write_indented(&mut self.out, source, "  ")?;
        self.out.write_all(b",\n  \"summary\": ")?;
        write_indented(&mut self.out, summary, "  ")?;
        self.out.write_all(b",\n  \"anomalies\": ")?;
        write_indented(&mut self.out, anomalies, "  ")?;
        self.out.write_all(b"\n}\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}
