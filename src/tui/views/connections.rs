//! The connections table: columns sized from their content with the answer columns
//! (diagnosis, outcome, client certificate) first; the live "waiting for traffic" line.

use super::{inner, Theme};
use crate::model::{Connection, Fact, InferenceClaim, OutcomeStatus};
use crate::report::text::client_cert_status;
use crate::tui::app::{App, Pane};
use crate::tui::text::{fit, safe, width, wrap_str};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

fn outcome_text(c: &Connection) -> (String, u8) {
    if c.is_plain_http() {
        let status = c
            .tls
            .http
            .as_ref()
            .and_then(|h| h.last_response())
            .map(|r| format!(" {}", r.status))
            .unwrap_or_default();
        return (format!("· plain HTTP{status}"), 0);
    }
    let o = &c.tls.outcome;
    match o.status {
        OutcomeStatus::Completed => ("✓ completed".into(), 0),
        OutcomeStatus::CompletedEncrypted => ("✓ encrypted".into(), 0),
        OutcomeStatus::Incomplete => ("? incomplete".into(), 1),
        OutcomeStatus::Failed => (
            format!(
                "✗ {}",
                o.alert
                    .map(|a| a.label())
                    .unwrap_or_else(|| "failed".into())
            ),
            2,
        ),
    }
}

/// The client-certificate cell: the fact, or for TLS 1.3 without keys the size inference with
/// its confidence, marked `≈` as inferred (`≈ sent (high)`), instead of a bare "encrypted".
pub fn client_cert_cell(c: &Connection) -> (String, u8) {
    let status = client_cert_status(c);
    if status == "EMPTY" {
        return ("⚠ EMPTY".into(), 1);
    }
    if let Fact::Known(_) = c.tls.client_certificate_fact() {
        return (status, 0);
    }
    if let Some(i) = c.tls.client_certificate_inference() {
        let what = match i.claim {
            InferenceClaim::ClientCertificateSent => "sent",
            InferenceClaim::NoClientCertificate => "none",
            _ => "unclear",
        };
        return (
            format!("≈ {what} ({})", i.confidence.as_str()),
            u8::from(i.claim == InferenceClaim::NoClientCertificate),
        );
    }
    (status, 0)
}

struct Column {
    head: &'static str,
    short: &'static str,
    /// Lower comes first when space is short.
    priority: u8,
    cells: Vec<(String, Style)>,
}

/// Column widths from content: in priority order each column gets its natural width while it
/// fits; the first that does not gets what is left (cut with …) if that is at least 6 columns,
/// else it is hidden. `None` = hidden.
fn column_widths(cols: &[Column], total: usize) -> Vec<Option<usize>> {
    let natural: Vec<usize> = cols
        .iter()
        .map(|c| {
            c.cells
                .iter()
                .map(|(s, _)| width(s))
                .max()
                .unwrap_or(0)
                .max(width(c.short))
        })
        .collect();
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|i| cols.get(*i).map(|c| c.priority).unwrap_or(u8::MAX));
    let mut out = vec![None; cols.len()];
    let mut used = 0usize;
    for i in order {
        let sep = usize::from(used > 0);
        let want = natural.get(i).copied().unwrap_or(0);
        let left = total.saturating_sub(used + sep);
        let w = if want <= left {
            want
        } else if left >= 6 {
            left
        } else {
            continue;
        };
        if let Some(slot) = out.get_mut(i) {
            *slot = Some(w);
        }
        used += sep + w;
    }
    out
}

pub(super) fn connections(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let vis = app.visible();
    let conns: Vec<&Connection> = vis
        .iter()
        .filter_map(|i| app.analysis.connections.get(*i))
        .collect();
    let plain = Style::default();
    let col = |head, short, priority, cells| Column {
        head,
        short,
        priority,
        cells,
    };
    // A javax.net.debug log names no addresses: the JVM thread stands for the client.
    let ends = |c: &Connection| match &c.jsse_log {
        Some(j) => (format!("JSSE thread {}", safe(&j.thread)), "–".to_owned()),
        None => (c.client.to_string(), c.server.to_string()),
    };
    let cols = vec![
        col(
            "#",
            "#",
            0,
            conns.iter().map(|c| (c.id.to_string(), plain)).collect(),
        ),
        col(
            "client",
            "client",
            7,
            conns.iter().map(|c| (ends(c).0, plain)).collect(),
        ),
        col(
            "server",
            "server",
            6,
            conns.iter().map(|c| (ends(c).1, plain)).collect(),
        ),
        col(
            "SNI",
            "SNI",
            5,
            conns
                .iter()
                .map(|c| {
                    let sni = c.tls.client_hello.as_ref().and_then(|h| h.sni.as_deref());
                    (sni.map(safe).unwrap_or_else(|| "–".into()), plain)
                })
                .collect(),
        ),
        col(
            "ver",
            "ver",
            4,
            conns
                .iter()
                .map(|c| {
                    let v = c.tls.tls_version.as_ref();
                    let v = v.map(|v| v.label().replace("TLS ", ""));
                    (v.unwrap_or_else(|| "–".into()), plain)
                })
                .collect(),
        ),
        col(
            "client cert",
            "cert",
            2,
            conns
                .iter()
                .map(|c| {
                    let (t, warn) = client_cert_cell(c);
                    (t, if warn > 0 { th.yellow() } else { plain })
                })
                .collect(),
        ),
        col(
            "outcome",
            "outcome",
            1,
            conns
                .iter()
                .map(|c| {
                    let (t, level) = outcome_text(c);
                    let st = match level {
                        0 => th.green(),
                        1 => th.yellow(),
                        _ => th.red(),
                    };
                    (t, st)
                })
                .collect(),
        ),
        col(
            "diagnosis",
            "diagnosis",
            0,
            conns
                .iter()
                .map(|c| {
                    let code = c.diagnosis.first().map(|d| d.code.clone());
                    let more = c.diagnosis.len().saturating_sub(1);
                    let mut t = code.unwrap_or_default();
                    if more > 0 {
                        t.push_str(&format!(" +{more}"));
                    }
                    (t, plain)
                })
                .collect(),
        ),
    ];
    let widths = column_widths(&cols, usize::from(inner(area).width));
    let shown: Vec<(&Column, usize)> = cols
        .iter()
        .zip(&widths)
        .filter_map(|(c, w)| w.map(|w| (c, w)))
        .collect();
    let header = Row::new(
        shown
            .iter()
            .map(|(c, w)| Cell::from(if width(c.head) <= *w { c.head } else { c.short }))
            .collect::<Vec<_>>(),
    )
    .style(Style::default().add_modifier(Modifier::BOLD));
    let rows: Vec<Row> = (0..conns.len())
        .map(|r| {
            let cells: Vec<Cell> = shown
                .iter()
                .map(|(c, w)| {
                    let (t, st) = c.cells.get(r).cloned().unwrap_or_default();
                    Cell::from(Span::styled(fit(&t, *w), st))
                })
                .collect();
            let row = Row::new(cells);
            if r == app.selected {
                row.style(th.selected())
            } else {
                row
            }
        })
        .collect();
    let constraints: Vec<Constraint> = shown
        .iter()
        .map(|(_, w)| Constraint::Length(u16::try_from(*w).unwrap_or(u16::MAX)))
        .collect();
    let filter = if app.filter.is_empty() {
        String::new()
    } else {
        format!(" filter \"{}\"", safe(&app.filter))
    };
    if conns.is_empty() {
        if let Some((iface, filter)) = &app.live_source {
            // Live: say what is being watched before anything arrives.
            let filter = filter.as_deref().map(safe).unwrap_or_else(|| "none".into());
            let (frames, _, _) = app.live.unwrap_or_default();
            let text = format!(
                "waiting for traffic on {} (filter {filter}) — {frames} packets so far",
                safe(iface)
            );
            let p = Paragraph::new(wrap_str(
                &text,
                th.yellow(),
                usize::from(inner(area).width),
                2,
            ))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Connections "),
            );
            f.render_widget(p, area);
            return;
        }
    }
    // Keep the selected row in view.
    let body = usize::from(inner(area).height.saturating_sub(1)).max(1);
    let offset = app.selected.saturating_sub(body - 1);
    let rows: Vec<Row> = rows.into_iter().skip(offset).collect();
    let t = Table::new(rows, constraints)
        .header(header)
        .column_spacing(1)
        .block(Block::default().borders(Borders::ALL).title(Span::styled(
            format!(" Connections{filter} "),
            th.focus(app.pane == Pane::Connections),
        )));
    f.render_widget(t, area);
}
