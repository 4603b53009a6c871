//! The diagnosis pane: each finding's code (whole), message, verdicts, details and fix.

use super::{inner, scroll_limit_for, Theme};
use crate::model::{Finding, Severity, Verdict};
use crate::report::text::short_reason;
use crate::tui::app::{App, Pane};
use crate::tui::text::{safe, wrap, wrap_str};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The diagnosis pane's lines at `w` columns: each finding's code (whole), message, details,
/// the per-stack verdicts when an identity was given, the fix.
pub fn diagnosis_content(app: &App, w: usize) -> Vec<Line<'static>> {
    let th = Theme { on: app.color };
    let mut lines: Vec<Line<'static>> = Vec::new();
    let Some(c) = app.current() else {
        return lines;
    };
    if c.diagnosis.is_empty() {
        lines.push(Line::from(Span::styled("✓ nothing to report", th.green())));
    }
    for d in &c.diagnosis {
        lines.extend(finding_lines(d, w, &th));
        lines.push(Line::from(""));
    }
    lines
}

/// One finding at `w` columns: its code (whole), message, the per-stack verdicts when an
/// identity was given, details, fix.
pub(super) fn finding_lines(d: &Finding, w: usize, th: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let (mark, st) = match d.severity {
        Severity::Error => ("✗", th.red()),
        Severity::Warning => ("⚠", th.yellow()),
        Severity::Info => ("i", th.dim()),
    };
    lines.extend(wrap_str(&format!("{mark} {}", d.code), st, w, 2));
    lines.extend(wrap_str(&safe(&d.message), Style::default(), w, 0));
    // With --identity, the verdicts are the answer: right under the message.
    if !d.stack_verdicts.is_empty() {
        lines.push(Line::from(Span::styled(
            "Would this identity be sent?",
            bold,
        )));
        for v in &d.stack_verdicts {
            let (mark, st) = match v.verdict {
                Verdict::Sent => ("✓ sent    ", th.green()),
                Verdict::NotSent => ("✗ not sent", th.red()),
                Verdict::Depends => ("? depends ", th.yellow()),
            };
            lines.extend(wrap(
                vec![
                    Span::styled(format!("  {mark} "), st),
                    Span::raw(safe(&v.label)),
                ],
                w,
                13,
            ));
            lines.extend(wrap_str(
                &format!("             {}", safe(&short_reason(&v.reason))),
                th.dim(),
                w,
                13,
            ));
        }
    }
    for x in &d.details {
        let x = safe(x);
        let lead = x.chars().take_while(|c| *c == ' ').count();
        lines.extend(wrap_str(&x, th.dim(), w, lead + 3));
    }
    if let Some(fix) = &d.fix {
        lines.extend(wrap(
            vec![Span::styled("Fix: ", bold), Span::raw(safe(fix))],
            w,
            5,
        ));
    }
    lines
}

pub(super) fn diagnosis(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let lines = diagnosis_content(app, usize::from(inner(area).width));
    let scroll = app.diagnosis_scroll.min(scroll_limit_for(&lines, area));
    let p = Paragraph::new(lines).scroll((scroll, 0)).block(
        Block::default().borders(Borders::ALL).title(Span::styled(
            " Diagnosis  e: evidence ",
            th.focus(app.pane == Pane::Diagnosis),
        )),
    );
    f.render_widget(p, area);
}
