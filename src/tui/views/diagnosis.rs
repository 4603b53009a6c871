//! The diagnosis pane: each finding's code (whole), message, verdicts, details and fix.

use super::{inner, scroll_limit_for, Theme};
use crate::model::Finding;
use crate::report::present::finding_view;
use crate::tui::app::{App, Pane};
use crate::tui::text::{wrap, wrap_str};
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
/// identity was given, details, fix — laid out from `report::present`'s [`finding_view`]
/// (which escaped every text and chose the tones).
pub(super) fn finding_lines(d: &Finding, w: usize, th: &Theme) -> Vec<Line<'static>> {
    let v = finding_view(d);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let bold = Style::default().add_modifier(Modifier::BOLD);
    lines.extend(wrap_str(
        &format!("{} {}", v.mark, v.code),
        th.tone(v.tone),
        w,
        2,
    ));
    lines.extend(wrap_str(&v.message, Style::default(), w, 0));
    // With --identity, the verdicts are the answer: right under the message.
    if !v.verdicts.is_empty() {
        lines.push(Line::from(Span::styled(
            "Would this identity be sent?",
            bold,
        )));
        for s in v.verdicts {
            lines.extend(wrap(
                vec![
                    Span::styled(format!("  {:<10} ", s.word), th.tone(s.tone)),
                    Span::raw(s.label),
                ],
                w,
                13,
            ));
            lines.extend(wrap_str(
                &format!("             {}", s.reason),
                th.dim(),
                w,
                13,
            ));
        }
    }
    for x in &v.details {
        let lead = x.chars().take_while(|c| *c == ' ').count();
        lines.extend(wrap_str(x, th.dim(), w, lead + 3));
    }
    if let Some(fix) = v.fix {
        lines.extend(wrap(
            vec![Span::styled("Fix: ", bold), Span::raw(fix)],
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
