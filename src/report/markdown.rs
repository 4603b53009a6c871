//! `--format markdown`: the same answer as the text report, for tickets and forums — the answer
//! (outcome, diagnosis with its fix), the evidence (each finding's frames and fields) and the
//! handshake ladder and facts (the text report's own lines, in a code block, so one formatter
//! serves both). Text from captures, servers and files is escaped twice: for the terminal
//! ([`super::safe`]) and for Markdown (so a DN or an SNI cannot open a link, a table cell or a
//! heading).

use super::groups::{Dimension, Groups, TEXT_THRESHOLD};
use super::present;
use super::safe::safe;
use super::text::{self, Detail, Style, TextOptions};
use crate::model::{Analysis, Connection, Finding, OutcomeStatus};
use std::io::{self, Write};

/// Text made inert in Markdown prose and table cells (after terminal escaping).
pub fn md(s: &str) -> String {
    let s = safe(s);
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        if matches!(
            ch,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// An inline code span that holds `s` whatever backticks it contains.
fn code(s: &str) -> String {
    let s = safe(s);
    let ticks = if s.contains('`') { "``" } else { "`" };
    format!("{ticks}{s}{ticks}")
}

pub fn write_analysis(out: &mut dyn Write, a: &Analysis, opts: &TextOptions) -> io::Result<()> {
    let unit = text::unit_of(a);
    let n = a.connections.len();
    let failed = count(a, OutcomeStatus::Failed);
    let incomplete = count(a, OutcomeStatus::Incomplete);
    writeln!(out, "# TLS diagnosis: {}", md(&a.source.name))?;
    writeln!(out)?;
    let mut head = format!("**{n} TLS connection{}", if n == 1 { "" } else { "s" });
    if failed > 0 {
        head.push_str(&format!(", {failed} failed"));
    }
    if incomplete > 0 {
        head.push_str(&format!(", {incomplete} incomplete"));
    }
    head.push_str("**");
    writeln!(
        out,
        "{head} · {}, {} {unit}s",
        md(&a.source.format),
        a.source.frames
    )?;
    for an in &a.anomalies {
        writeln!(out, "- ⚠ {}: {}", md(&an.kind), md(&an.detail))?;
    }
    if n == 0 {
        writeln!(out)?;
        writeln!(
            out,
            "No TLS connection found ({} TCP flows).",
            a.source.tcp_flows
        )?;
        return Ok(());
    }
    if n > TEXT_THRESHOLD {
        write_groups(out, &Groups::of(&a.connections))?;
    }
    if n > 1 {
        writeln!(out)?;
        writeln!(
            out,
            "| # | | connection | SNI | version | client cert | outcome | diagnosis |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|---|")?;
        for c in &a.connections {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                c.id,
                mark(c),
                md(&c.endpoints_label()),
                md(c.tls
                    .client_hello
                    .as_ref()
                    .and_then(|h| h.sni.as_deref())
                    .unwrap_or("–")),
                md(&text::version_label(c)),
                md(&text::client_cert_status(c)),
                md(&text::outcome_word(c)),
                c.diagnosis
                    .first()
                    .map(|f| code(&f.code))
                    .unwrap_or_default()
            )?;
        }
    }
    let full_all = opts.detail == Detail::All || n <= 3;
    for c in &a.connections {
        if full_all || text::needs_detail(c) {
            writeln!(out)?;
            write_connection(out, c)?;
        }
    }
    Ok(())
}

fn count(a: &Analysis, s: OutcomeStatus) -> usize {
    a.connections
        .iter()
        .filter(|c| c.tls.outcome.status == s)
        .count()
}

fn mark(c: &Connection) -> &'static str {
    match c.tls.outcome.status {
        OutcomeStatus::Completed | OutcomeStatus::CompletedEncrypted => "✓",
        OutcomeStatus::Failed => "✗",
        OutcomeStatus::Incomplete => "?",
    }
}

fn write_groups(out: &mut dyn Write, g: &Groups) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "## Failures: {}", g.failures)?;
    for (title, d) in [
        ("by cause", &g.by_cause),
        ("by server", &g.by_server),
        ("by client", &g.by_client),
    ] {
        write_dimension(out, title, d)?;
    }
    Ok(())
}

fn write_dimension(out: &mut dyn Write, title: &str, d: &Dimension) -> io::Result<()> {
    if d.groups.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "| {title} | count | first | last | example |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for g in d.groups.iter().take(super::groups::TEXT_ROWS) {
        writeln!(
            out,
            "| {} | {} | {} | {} | #{} |",
            md(&g.key.label()),
            g.count,
            md(&g.first_time),
            md(&g.last_time),
            g.example
        )?;
    }
    let more = d.groups.len().saturating_sub(super::groups::TEXT_ROWS);
    if more > 0 || d.other > 0 {
        writeln!(
            out,
            "| … {} more group{} | {} | | | |",
            more + usize::from(d.other > 0),
            if more == 1 { "" } else { "s" },
            d.groups
                .iter()
                .skip(super::groups::TEXT_ROWS)
                .map(|g| g.count)
                .sum::<usize>()
                + d.other
        )?;
    }
    Ok(())
}

pub fn write_connection(out: &mut dyn Write, c: &Connection) -> io::Result<()> {
    let st = Style::plain(c.evidence_unit.word());
    let sni = c
        .tls
        .client_hello
        .as_ref()
        .and_then(|h| h.sni.as_deref())
        .map(|s| format!(" (SNI {})", md(s)))
        .unwrap_or_default();
    writeln!(
        out,
        "## {} #{} {}{sni} · {}",
        mark(c),
        c.id,
        md(&c.endpoints_label()),
        md(&text::version_label(c)),
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "**{}** · started {}, {}s {}–{}",
        md(&text::status_summary(c)),
        md(&c.start_time),
        st.unit,
        c.first_frame,
        c.last_frame
    )?;
    if !c.diagnosis.is_empty() {
        writeln!(out)?;
        writeln!(out, "### Diagnosis")?;
        for f in &c.diagnosis {
            write_finding(out, f, st.unit)?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "### Handshake (→ client to server, ← server to client)"
    )?;
    writeln!(out)?;
    writeln!(out, "```text")?;
    text::write_ladder(out, &c.tls.messages, &st)?;
    writeln!(out, "```")?;
    writeln!(out)?;
    writeln!(out, "### Facts")?;
    writeln!(out)?;
    writeln!(out, "```text")?;
    text::write_facts(out, c, &st)?;
    writeln!(out, "```")?;
    Ok(())
}

fn write_finding(out: &mut dyn Write, f: &Finding, unit: &str) -> io::Result<()> {
    // report::present escaped each text for the terminal; `md` (whose terminal escape then
    // changes nothing) makes it inert in Markdown.
    let v = present::finding_view(f);
    writeln!(out)?;
    writeln!(out, "**{}** {}", v.severity, code(&v.code))?;
    writeln!(out)?;
    writeln!(out, "{}", md(&v.message))?;
    if !v.details.is_empty() {
        writeln!(out)?;
        for d in &v.details {
            let depth = d.chars().take_while(|c| *c == ' ').count() / 2;
            writeln!(out, "{}- {}", "  ".repeat(depth), md(d.trim_start()))?;
        }
    }
    if !v.verdicts.is_empty() {
        writeln!(out)?;
        writeln!(out, "| would this identity be sent? | | why |")?;
        writeln!(out, "|---|---|---|")?;
        for s in &v.verdicts {
            writeln!(out, "| {} | {} | {} |", md(&s.label), s.word, md(&s.reason))?;
        }
    }
    if !v.evidence.is_empty() {
        writeln!(out)?;
        writeln!(out, "Evidence:")?;
        writeln!(out)?;
        for e in &v.evidence {
            let at = e.frame.map(|n| format!("{unit} {n}: ")).unwrap_or_default();
            writeln!(out, "- {at}{} = {}", md(&e.field), md(&e.value))?;
        }
    }
    if let Some(fix) = &v.fix {
        writeln!(out)?;
        writeln!(out, "**Fix:** {}", md(fix))?;
    }
    Ok(())
}
