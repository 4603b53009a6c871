//! The probe form overlay: every probe option as a labelled field, the list scrolled to keep
//! the selected field in view (it fits 80×24), the selected field's value whole (wrapped) and
//! its one-line help, the keys, and the last status (a failed probe's error).

use super::{centered, inner, Theme};
use crate::tui::app::App;
use crate::tui::form::{Kind, FIELDS};
use crate::tui::text::{fit, safe, width, wrap, wrap_str};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// The form's field lines at `w` columns and the line index of each shown field's start.
pub fn form_fields(app: &App, w: usize, th: &Theme) -> (Vec<Line<'static>>, Vec<(usize, usize)>) {
    let form = &app.form;
    let label_w = FIELDS.iter().map(|s| width(s.label)).max().unwrap_or(0);
    let value_w = w.saturating_sub(label_w + 2).max(1);
    let mut lines = Vec::new();
    let mut starts = Vec::new();
    for i in form.shown() {
        let Some(spec) = FIELDS.get(i) else { continue };
        starts.push((i, lines.len()));
        let here = form.field == i;
        let mut value = form.shown_value(i);
        let label = format!("{:>label_w$}: ", spec.label);
        if here {
            if form.editing && matches!(spec.kind, Kind::Text | Kind::Secret | Kind::Number) {
                value.push('▏');
            }
            if value.is_empty() {
                value.push(' ');
            }
            // The selected field whole, wrapped under itself.
            lines.extend(wrap(
                vec![Span::raw(label), Span::styled(value, th.selected())],
                w,
                label_w + 2,
            ));
        } else {
            lines.push(Line::from(vec![
                Span::raw(label),
                Span::raw(fit(&value, value_w)),
            ]));
        }
    }
    (lines, starts)
}

pub(super) fn probe_form(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    // As wide as the terminal allows up to 78 columns, as tall as needed (set below).
    let r = centered(area, 78, area.height);
    let w = usize::from(inner(r).width);
    let h = usize::from(inner(r).height);
    let form = &app.form;
    // Under the fields: the selected field's help, the keys, the status.
    let mut foot: Vec<Line<'static>> = vec![Line::from("")];
    if let Some(spec) = FIELDS.get(form.field) {
        foot.extend(wrap_str(spec.help, th.dim(), w, 2));
    }
    let hint = if app.probe_running {
        "probing … (the UI stays live)"
    } else if form.editing {
        match FIELDS.get(form.field).map(|s| s.kind) {
            Some(Kind::Switch | Kind::Choice(_)) => {
                "EDITING: Space/←→ change · Tab next field · Enter done"
            }
            _ => "EDITING: type · Enter done · Tab next field · Esc undo · Ctrl-U clear",
        }
    } else {
        "↑↓ field · Enter edit/change · Space/←→ switch, choice · r run · Esc close"
    };
    foot.extend(wrap_str(
        hint,
        Style::default().add_modifier(Modifier::BOLD),
        w,
        0,
    ));
    if !app.status.is_empty() {
        foot.extend(wrap_str(&safe(&app.status), th.yellow(), w, 2));
    }
    let (fields, starts) = form_fields(app, w, th);
    let room = h.saturating_sub(foot.len()).max(1);
    // Scroll the fields so the selected one (all its lines) is in view.
    let first = starts
        .iter()
        .find(|(i, _)| *i == form.field)
        .map(|(_, s)| *s)
        .unwrap_or(0);
    let end = starts
        .iter()
        .skip_while(|(i, _)| *i != form.field)
        .nth(1)
        .map(|(_, s)| *s)
        .unwrap_or(fields.len());
    let top = if end > room {
        end.saturating_sub(room).min(first)
    } else {
        0
    };
    let n = fields.len();
    let mut lines: Vec<Line<'static>> = fields.into_iter().skip(top).take(room).collect();
    lines.extend(foot);
    let pos = starts
        .iter()
        .position(|(i, _)| *i == form.field)
        .map(|p| p + 1)
        .unwrap_or(0);
    let more = if n > room {
        format!(" {pos}/{} ↑↓ ", starts.len())
    } else {
        String::new()
    };
    let title = fit(
        &format!(" Probe: our own SOAP call {more}"),
        w.saturating_sub(1),
    );
    // Shrink the box to its content on tall terminals.
    let used = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let r = centered(area, r.width, used.min(r.height));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        r,
    );
}
