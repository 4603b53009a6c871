//! The probe form overlay.

use super::{centered, inner, Theme};
use crate::tui::app::{App, FORM_FIELDS};
use crate::tui::text::{fit, safe, tail, width, wrap_str};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub(super) fn probe_form(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let r = centered(area, 78, 14);
    f.render_widget(Clear, r);
    let w = usize::from(inner(r).width);
    let label_w = FORM_FIELDS.iter().map(|n| width(n)).max().unwrap_or(0);
    let value_w = w.saturating_sub(label_w + 3);
    let mut lines = Vec::new();
    for (i, name) in FORM_FIELDS.iter().enumerate() {
        let raw = app.form.values.get(i).cloned().unwrap_or_default();
        let shown = if *name == "Password" {
            "•".repeat(raw.chars().count())
        } else {
            safe(&raw)
        };
        let here = app.form.field == i;
        let cursor = if here { "▏" } else { "" };
        let st = if here {
            th.selected()
        } else {
            Style::default()
        };
        // The field being edited shows its end (where typing goes), the others their start.
        let shown = if here {
            tail(&format!("{shown}{cursor}"), value_w)
        } else {
            fit(&shown, value_w)
        };
        lines.push(Line::from(vec![
            Span::raw(format!("{name:>label_w$}: ")),
            Span::styled(shown, st),
        ]));
    }
    lines.push(Line::from(""));
    let hint = if app.probe_running {
        "probing … (the UI stays live)".to_owned()
    } else if app.form.editing {
        "EDITING: type · Enter done · Tab next field · Esc undo · Ctrl-U clear".to_owned()
    } else {
        "↑↓ field · Enter edit · r run the probe · Esc close".to_owned()
    };
    lines.extend(wrap_str(&hint, th.dim(), w, 0));
    if !app.status.is_empty() {
        lines.extend(wrap_str(&safe(&app.status), Style::default(), w, 2));
    }
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Probe: our own SOAP call "),
        ),
        r,
    );
}
