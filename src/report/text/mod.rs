//! The human report of `tlsdiag analyze`: the answer first (outcome and diagnosis), the evidence
//! under it (the handshake ladder), raw facts last — the layout of design/screens.md.
//! Writes to any `impl Write`; colour only when asked (the caller decides from the terminal and
//! NO_COLOR). Must not decide anything: every judgement comes from the model and the diagnosis.
//!
//! This file holds the options, the colour style, the report's head and per-connection summary
//! lines and the connection section's frame; the sections live beside it: `finding.rs`,
//! `preamble.rs` (before TLS), `ladder.rs`, `http.rs`, `facts.rs`, `failures.rs` (the
//! capture-wide summary) and `probe.rs` (the probe's report).

use super::fold::Folded;
use super::groups;
use super::present::{self, Tone};
use super::safe::safe;

mod facts;
mod failures;
mod finding;
mod http;
mod ladder;
mod preamble;
mod probe;

use crate::model::{Analysis, ClientCert, Connection, EndingAlert, Fact, OutcomeStatus, Severity};
pub(super) use facts::write_facts;
use facts::write_rows;
use failures::{write_folded_note, write_groups};
use finding::write_finding;
use http::{write_http, write_plain_http};
pub(super) use ladder::write_ladder;
use preamble::{no_tls_summary, write_preamble};
pub use probe::write_probe;
use std::io::{self, Write};

/// How much of each connection to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Full sections for failed/incomplete connections and those with findings; one line for
    /// the rest (all connections in full when there are at most three).
    #[default]
    Auto,
    /// Full sections for every connection.
    All,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    pub color: bool,
    pub detail: Detail,
    /// Width used to wrap prose (findings); the ladder and facts are not wrapped.
    pub width: usize,
}

impl TextOptions {
    pub fn plain() -> Self {
        TextOptions {
            color: false,
            detail: Detail::Auto,
            width: 100,
        }
    }
}

pub(super) struct Style {
    on: bool,
    /// What evidence numbers count: `frame` (captures, the probe) or `line` (a javax.net.debug log).
    pub(super) unit: &'static str,
}

/// What an analysis's evidence numbers count: `line` for a javax.net.debug log, else `frame`.
pub(super) fn unit_of(a: &Analysis) -> &'static str {
    if a.source.format == crate::jsselog::FORMAT {
        "line"
    } else {
        "frame"
    }
}

impl Style {
    /// No colour (Markdown's code blocks).
    pub(super) fn plain(unit: &'static str) -> Style {
        Style { on: false, unit }
    }
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn red(&self, s: &str) -> String {
        self.paint("1;31", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.paint("1;33", s)
    }
    fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

/// Writes the whole report for an analysis.
pub fn write_analysis(out: &mut dyn Write, a: &Analysis, opts: &TextOptions) -> io::Result<()> {
    write_report(out, a, None, opts)
}

/// The report of a big capture whose connections were folded into the summary
/// (`report::fold`): counts and groups from `f`, connection lines for those `a` kept.
pub fn write_folded(
    out: &mut dyn Write,
    a: &Analysis,
    f: &Folded,
    opts: &TextOptions,
) -> io::Result<()> {
    write_report(out, a, Some(f), opts)
}

fn write_report(
    out: &mut dyn Write,
    a: &Analysis,
    folded: Option<&Folded>,
    opts: &TextOptions,
) -> io::Result<()> {
    let st = Style {
        on: opts.color,
        unit: unit_of(a),
    };
    let (failed, incomplete, n, plain) = match folded {
        Some(f) => (f.failed, f.incomplete, f.connections, f.plain_http),
        None => {
            let tls = |status| {
                a.connections
                    .iter()
                    .filter(|c| c.tls.outcome.status == status && !c.is_plain_http())
                    .count()
            };
            (
                tls(OutcomeStatus::Failed),
                tls(OutcomeStatus::Incomplete),
                a.connections.len(),
                a.connections.iter().filter(|c| c.is_plain_http()).count(),
            )
        }
    };
    let tls_n = n - plain;
    let mut head = format!(
        "{} — {} TLS connection{}",
        safe(&a.source.name),
        tls_n,
        if tls_n == 1 { "" } else { "s" }
    );
    if plain > 0 {
        head.push_str(&format!(", {plain} plain HTTP"));
    }
    if failed > 0 {
        head.push_str(&format!(", {failed} failed"));
    }
    if incomplete > 0 {
        head.push_str(&format!(", {incomplete} incomplete"));
    }
    let links = if a.source.link_types.is_empty() {
        "-".to_owned()
    } else {
        a.source.link_types.join("+")
    };
    let merged = match a.source.files.len() {
        0 => String::new(),
        n => format!(", {n} files merged"),
    };
    writeln!(
        out,
        "{}   ({}, {}, {} {}s{merged})",
        st.bold(&safe(&head)),
        a.source.format,
        links,
        a.source.frames,
        st.unit
    )?;
    for an in &a.anomalies {
        writeln!(
            out,
            "  {} {}{}: {}",
            st.yellow("⚠"),
            an.kind,
            an.frame
                .map(|f| format!(" ({} {f})", st.unit))
                .unwrap_or_default(),
            safe(&an.detail)
        )?;
    }
    if n == 0 {
        match &a.source.filter {
            Some(f) if a.source.tcp_flows == 0 => writeln!(
                out,
                "\nNo connection to show: {} TCP flows, none matched {}.",
                a.source.filtered_out_flows,
                safe(f)
            )?,
            _ => writeln!(
                out,
                "\nNo TLS connection found ({} TCP flows).",
                a.source.tcp_flows
            )?,
        }
        return Ok(());
    }
    match folded {
        Some(f) => {
            write_groups(out, &f.groups, n, &st)?;
            write_folded_note(out, f, &st)?;
        }
        None if n > groups::TEXT_THRESHOLD => {
            write_groups(out, &groups::Groups::of(&a.connections), n, &st)?
        }
        None => {}
    }
    let full_all = opts.detail == Detail::All || n <= 3;
    if n > 1 {
        writeln!(out)?;
        for c in &a.connections {
            writeln!(out, "{}", summary_line(c, &st))?;
        }
    }
    for c in &a.connections {
        if full_all || needs_detail(c) {
            writeln!(out)?;
            write_connection(out, c, opts)?;
        }
    }
    Ok(())
}

pub(super) fn needs_detail(c: &Connection) -> bool {
    if c.is_plain_http() {
        return c.diagnosis.iter().any(|f| f.severity >= Severity::Warning);
    }
    c.tls.outcome.status != OutcomeStatus::Completed
        || c.diagnosis.iter().any(|f| f.severity >= Severity::Warning)
        || c.tls
            .client_certificate_fact()
            .known()
            .is_some_and(|cc| cc.is_empty())
}

fn outcome_mark(c: &Connection, st: &Style) -> String {
    let mark = if c.is_plain_http() {
        "·"
    } else {
        match c.tls.outcome.status {
            OutcomeStatus::Completed | OutcomeStatus::CompletedEncrypted => "✓",
            OutcomeStatus::Failed => "✗",
            OutcomeStatus::Incomplete => "?",
        }
    };
    st.tone(present::outcome_tone(c), mark)
}

pub(super) fn version_label(c: &Connection) -> String {
    c.tls
        .tls_version
        .as_ref()
        .map(crate::model::short_version)
        .unwrap_or_else(|| "TLS ?".to_owned())
}

/// Client-certificate status in one word, for tables: `sent (2)`, `EMPTY`, `not requested`,
/// `encrypted`.
pub(crate) fn client_cert_status(c: &Connection) -> String {
    match c.tls.client_certificate_fact() {
        Fact::Known(ClientCert::Empty(_)) => "EMPTY".into(),
        Fact::Known(ClientCert::Sent(cc)) => format!("sent ({})", cc.count),
        _ if c.tls.certificate_request.is_some() => "requested, none seen".into(),
        _ if c.tls.handshake_hidden() => "encrypted".into(),
        _ => "not requested".into(),
    }
}

fn summary_line(c: &Connection, st: &Style) -> String {
    if c.is_plain_http() {
        let last = c
            .tls
            .http
            .as_ref()
            .and_then(|h| h.known_exchanges().last())
            .map(|e| {
                let req = e
                    .request
                    .as_ref()
                    .map(|r| format!("{} {}", safe(&r.method), safe(&r.target)))
                    .unwrap_or_else(|| "–".into());
                let res = e
                    .response
                    .as_ref()
                    .map(|r| r.status.to_string())
                    .unwrap_or_else(|| "no answer".into());
                format!("{req} → {res}")
            })
            .unwrap_or_default();
        let first = c
            .diagnosis
            .first()
            .map(|f| f.code.clone())
            .unwrap_or_default();
        return format!(
            "{} #{:<3} {}  plain HTTP  {last}  {first}",
            outcome_mark(c, st),
            c.id,
            c.endpoints_label()
        );
    }
    let sni = c
        .tls
        .client_hello
        .as_ref()
        .and_then(|h| h.sni.clone())
        .unwrap_or_else(|| "-".into());
    let cert = client_cert_status(c);
    let cert = if cert == "EMPTY" {
        st.yellow("⚠ EMPTY")
    } else {
        cert
    };
    let first = c
        .diagnosis
        .first()
        .map(|f| f.code.clone())
        .unwrap_or_default();
    let via = c
        .preamble
        .as_ref()
        .map(|p| match &p.target {
            Some(t) => format!(" ({} to {})", p.protocol.label(), safe(t)),
            None => format!(" ({})", p.protocol.label()),
        })
        .unwrap_or_default();
    format!(
        "{} #{:<3} {}{via}  {}  {}  client cert: {}  {}  {}",
        outcome_mark(c, st),
        c.id,
        safe(&c.endpoints_label()),
        safe(&sni),
        version_label(c),
        cert,
        outcome_word(c),
        first
    )
}

pub(super) fn outcome_word(c: &Connection) -> String {
    let o = &c.tls.outcome;
    match o.status {
        OutcomeStatus::Completed => "completed".into(),
        OutcomeStatus::CompletedEncrypted => "completed (encrypted handshake)".into(),
        OutcomeStatus::Incomplete => "incomplete".into(),
        OutcomeStatus::Failed => match (o.alert.map(EndingAlert::label), o.alert_from) {
            (Some(d), Some(s)) => format!("failed: {d} from {}", s.as_str()),
            (Some(d), None) => format!("failed: {d}"),
            _ => "failed".into(),
        },
    }
}

/// Writes one connection in full: header, diagnosis, handshake ladder, facts.
pub fn write_connection(out: &mut dyn Write, c: &Connection, opts: &TextOptions) -> io::Result<()> {
    let st = Style {
        on: opts.color,
        unit: c.evidence_unit.word(),
    };
    if c.is_plain_http() {
        return write_plain_http(out, c, opts, &st);
    }
    let sni = c
        .tls
        .client_hello
        .as_ref()
        .and_then(|h| h.sni.as_deref())
        .map(|s| format!(" (SNI {})", safe(s)))
        .unwrap_or_default();
    let suite = c
        .tls
        .server_hello
        .as_ref()
        .map(|h| h.cipher_suite.label())
        .unwrap_or_default();
    writeln!(
        out,
        "{} {} {}{}  {}  {}",
        outcome_mark(c, &st),
        st.bold(&format!("#{}", c.id)),
        safe(&c.endpoints_label()),
        sni,
        version_label(c),
        suite
    )?;
    let dur = last_time(c);
    let summary = status_summary(c);
    let painted = st.tone(present::outcome_tone(c), &summary);
    writeln!(
        out,
        "  {}   {}",
        painted,
        st.dim(&format!(
            "started {}, {}s {}–{}, {:.3} s",
            c.start_time, st.unit, c.first_frame, c.last_frame, dur
        ))
    )?;

    if !c.diagnosis.is_empty() {
        writeln!(out)?;
        writeln!(out, "  {}", st.bold("DIAGNOSIS"))?;
        for f in &c.diagnosis {
            write_finding(out, f, opts, &st)?;
        }
    }

    if let Some(p) = &c.preamble {
        write_preamble(out, c, p, &st)?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "  {}   {}",
        st.bold("HANDSHAKE"),
        st.dim("→ client to server   ← server to client")
    )?;
    write_ladder(out, &c.tls.messages, &st)?;
    write_http(out, c, &st)?;

    writeln!(out)?;
    let facts = present::connection_facts(c);
    writeln!(out, "  {}", st.tone(Tone::Strong, facts.title))?;
    write_rows(out, &facts, &st)?;
    Ok(())
}

/// The connection's status in one sentence (escaped for the terminal).
pub(super) fn status_summary(c: &Connection) -> String {
    if let Some(t) = c.preamble.as_ref().and_then(no_tls_summary) {
        t
    } else if c.tls.outcome.summary.is_empty() {
        outcome_word(c)
    } else {
        safe(&c.tls.outcome.summary).into_owned()
    }
}

fn last_time(c: &Connection) -> f64 {
    c.tls.messages.last().map(|m| m.time).unwrap_or(0.0)
}

/// Greedy word wrap; words longer than the width stay whole.
pub(crate) fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}
