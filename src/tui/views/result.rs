//! The probe result view: what our own call found, answer first — the outcome line, the
//! findings (with evidence and fix), the HTTP/SOAP answer (status, authentication, fault),
//! the client-certificate decision (every CA hint), the saved files, and the probe's own
//! handshake ladder. A probe that could not be attempted shows its error here. Everything
//! wrapped, nothing cut; scrolled with the keys of the other panes.

use super::diagnosis::finding_lines;
use super::ladder::ladder_lines;
use super::{inner, scroll_limit_for, Theme};
use crate::model::probe::ProbeReport;
use crate::model::{Finding, Severity};
use crate::tui::app::App;
use crate::tui::text::{fit, safe, wrap, wrap_str};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

fn head(lines: &mut Vec<Line<'static>>, s: &str) {
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        s.to_owned(),
        Style::default().add_modifier(Modifier::BOLD),
    )));
}

/// `key  value` with the value wrapped under itself.
fn kv(lines: &mut Vec<Line<'static>>, w: usize, k: &str, v: String) {
    let key_w = 14;
    lines.extend(wrap(
        vec![
            Span::styled(
                format!("  {k:<kw$}", kw = key_w - 2),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(v),
        ],
        w,
        key_w,
    ));
}

/// The findings of a probe: its own and its connection's, each code once, errors first (the
/// first is the answer) — [`ProbeReport::findings_once`], as the text report shows them.
pub fn probe_findings(r: &ProbeReport) -> Vec<Finding> {
    r.findings_once()
}

/// The result view's lines at `w` columns.
pub fn result_content(app: &App, w: usize) -> Vec<Line<'static>> {
    let th = Theme { on: app.color };
    let mut lines = Vec::new();
    let Some(run) = &app.probe else {
        lines.push(Line::from("no probe yet: press p to open the probe form"));
        return lines;
    };
    let r = match &run.result {
        Err(e) => {
            lines.extend(wrap(
                vec![
                    Span::styled("✗ probe failed: ", th.red()),
                    Span::raw(safe(e)),
                ],
                w,
                2,
            ));
            lines.extend(wrap_str(
                "Nothing was sent: the probe could not be attempted. p opens the form again.",
                th.dim(),
                w,
                0,
            ));
            saved(&mut lines, w, run, &th);
            return lines;
        }
        Ok(r) => r,
    };
    // The answer first.
    let (answer, st) = match (&r.error, &r.http) {
        // An answer came; an HTTP error status is still a failed call.
        (None, Some(h)) if h.status >= 400 => {
            (format!("✗ HTTP {} {}", h.status, safe(&h.reason)), th.red())
        }
        (None, Some(h)) => (
            format!("✓ HTTP {} {}", h.status, safe(&h.reason)),
            th.green(),
        ),
        (Some(e), _) => (format!("✗ {}", safe(e)), th.red()),
        (None, None) => ("✗ no response".to_owned(), th.red()),
    };
    lines.extend(wrap_str(&answer, st, w, 2));
    let findings = probe_findings(r);
    if let Some(f) = findings.first() {
        let mark = match f.severity {
            Severity::Error => "✗",
            Severity::Warning => "⚠",
            Severity::Info => "i",
        };
        lines.extend(wrap_str(
            &format!("{mark} {}  (first of {} findings)", f.code, findings.len()),
            Style::default().add_modifier(Modifier::BOLD),
            w,
            2,
        ));
    }
    let target = match &r.proxy {
        Some(p) => format!(
            "{} via proxy {} ({})",
            safe(&r.url),
            safe(p),
            safe(r.server_addr.as_deref().unwrap_or("?"))
        ),
        None => format!(
            "{} → {}",
            safe(&r.url),
            safe(r.server_addr.as_deref().unwrap_or("?"))
        ),
    };
    lines.extend(wrap_str(&target, Style::default(), w, 2));
    let t = &r.timings;
    let ms = |v: Option<f64>| {
        v.map(|v| format!("{v:.1} ms"))
            .unwrap_or_else(|| "–".into())
    };
    lines.extend(wrap_str(
        &format!(
            "dns {:.1} ms · connect {:.1} ms{} · TLS {} · first byte {} · total {:.1} ms",
            t.dns_ms,
            t.connect_ms,
            t.proxy_connect_ms
                .map(|v| format!(" · proxy CONNECT {v:.1} ms"))
                .unwrap_or_default(),
            ms(t.tls_handshake_ms),
            ms(t.first_byte_ms),
            t.total_ms
        ),
        th.dim(),
        w,
        2,
    ));
    saved(&mut lines, w, run, &th);

    head(&mut lines, "Findings");
    if findings.is_empty() {
        lines.push(Line::from(Span::styled("✓ nothing to report", th.green())));
    }
    for f in &findings {
        lines.extend(finding_lines(f, w, &th));
        for e in &f.evidence {
            let at = e.frame.map(|n| format!("frame {n}: ")).unwrap_or_default();
            lines.extend(wrap_str(
                &format!("  evidence {at}{} = {}", safe(&e.field), safe(&e.value)),
                th.dim(),
                w,
                4,
            ));
        }
        lines.push(Line::from(""));
    }

    head(&mut lines, "HTTP answer");
    match &r.http {
        None => kv(&mut lines, w, "status", "no HTTP answer".into()),
        Some(h) => {
            kv(
                &mut lines,
                w,
                "status",
                format!(
                    "{} {} · {} body bytes",
                    h.status,
                    safe(&h.reason),
                    h.body_bytes
                ),
            );
            for c in &h.challenges {
                let mut s = safe(&c.scheme);
                if let Some(realm) = &c.realm {
                    s.push_str(&format!(" realm=\"{}\"", safe(realm)));
                }
                if let (Some(n), Some(k)) = (c.token_len, &c.token_kind) {
                    s.push_str(&format!(" <{} token, {n} bytes>", safe(k)));
                }
                kv(&mut lines, w, "challenge", format!("WWW-Authenticate: {s}"));
            }
            if let Some(a) = &h.auth {
                kv(
                    &mut lines,
                    w,
                    "auth",
                    format!("{} · {}", a.scheme.header_name(), safe(&a.summary)),
                );
                for t in &a.attempts {
                    let sent = match &t.sent {
                        Some(c) => format!(
                            "Authorization: {} ({}, {} bytes)",
                            c.scheme.header_name(),
                            safe(&c.token_kind),
                            c.token_len
                        ),
                        None => "no Authorization".into(),
                    };
                    let status = t
                        .status
                        .map(|s| format!("HTTP {s}"))
                        .unwrap_or_else(|| "no answer".into());
                    kv(
                        &mut lines,
                        w,
                        "",
                        format!("request #{}: {sent} → {status}", t.request),
                    );
                }
                if let Some(k) = &a.kerberos {
                    kv(&mut lines, w, "Kerberos", safe(&k.summary()));
                    if let Some(fl) = &k.failure {
                        kv(
                            &mut lines,
                            w,
                            "GSSAPI",
                            format!(
                                "{} ({}) [minor {}]",
                                safe(&fl.major_text),
                                safe(&fl.minor_text),
                                fl.minor
                            ),
                        );
                    }
                }
            } else {
                kv(&mut lines, w, "auth", "none sent".into());
            }
            match &h.soap_fault {
                Some(fl) => kv(
                    &mut lines,
                    w,
                    "SOAP fault",
                    format!(
                        "{} {} (SOAP {})",
                        safe(fl.code.as_deref().unwrap_or("?")),
                        safe(fl.reason.as_deref().unwrap_or("")),
                        safe(&fl.soap_version)
                    ),
                ),
                None => kv(&mut lines, w, "SOAP fault", "none".into()),
            }
            if let Some(loc) = &h.redirect {
                kv(&mut lines, w, "redirect", safe(loc));
            }
        }
    }

    if let Some(d) = &r.client_certificate_decision {
        head(&mut lines, "Client certificate (what our resolver decided)");
        kv(
            &mut lines,
            w,
            "decision",
            match (&d.sent, &d.subject) {
                (true, Some(s)) => format!("send {}", safe(s)),
                (true, None) => "send".into(),
                (false, _) => "send none".into(),
            },
        );
        kv(&mut lines, w, "why", safe(&d.reason));
        if let Some(ok) = d.issuer_in_hints {
            kv(
                &mut lines,
                w,
                "issuer",
                if ok {
                    "among the accepted CAs".into()
                } else {
                    "NOT among the accepted CAs".into()
                },
            );
        }
        if d.ca_hints.is_empty() {
            kv(&mut lines, w, "accepted CAs", "(empty: any issuer)".into());
        }
        for (i, ca) in d.ca_hints.iter().enumerate() {
            kv(
                &mut lines,
                w,
                if i == 0 { "accepted CAs" } else { "" },
                safe(ca),
            );
        }
    }

    head(&mut lines, "Handshake (our own call, as recorded)");
    match &r.connection {
        Some(c) => lines.extend(ladder_lines(c, None, None, w, &th)),
        None => lines.push(Line::from("(nothing recorded)")),
    }
    lines
}

/// The files the probe wrote (or why it could not).
fn saved(lines: &mut Vec<Line<'static>>, w: usize, run: &crate::tui::app::ProbeRun, th: &Theme) {
    for p in &run.saved {
        lines.extend(wrap_str(&format!("saved {}", safe(p)), th.dim(), w, 2));
    }
    if let Some(e) = &run.save_error {
        lines.extend(wrap_str(&format!("✗ {}", safe(e)), th.red(), w, 2));
    }
}

/// The result view's body at `area`.
pub fn result_body(area: Rect) -> Rect {
    let [_, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    body
}

pub(super) fn result_view(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                " Probe result ",
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                fit(
                    " ↑↓ scroll  c compare  p form  y copy  Esc back  ? help",
                    usize::from(top.width).saturating_sub(14),
                ),
                th.dim(),
            ),
        ])),
        top,
    );
    let lines = result_content(app, usize::from(inner(body).width));
    let scroll = app.result_scroll.min(scroll_limit_for(&lines, body));
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::ALL)),
        body,
    );
}
