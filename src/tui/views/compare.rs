//! The compare view: the decisive difference first, then the facts side by side (or one after
//! the other when narrow), every cell wrapped.

use super::{inner, scroll_limit_for, Theme};
use crate::tui::app::App;
use crate::tui::text::{fit, safe, width, wrap, wrap_str};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The compare table at `w` columns: the fact column as wide as its longest label, the two
/// sides sharing the rest, every cell wrapped (never cut).
pub fn compare_content(app: &App, w: usize) -> Vec<Line<'static>> {
    let th = Theme { on: app.color };
    let Some(cmp) = &app.comparison else {
        return vec![Line::from(
            "no comparison yet: press p in the main view to run a probe",
        )];
    };
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let fact_w = cmp
        .rows
        .iter()
        .map(|r| width(&r.fact))
        .max()
        .unwrap_or(0)
        .clamp(4, (w / 4).max(4));
    let mark_w = 2;
    let side_w = w.saturating_sub(fact_w + mark_w + 3).max(2) / 2;
    let mut lines = Vec::new();
    // The answer first: the decisive difference, then the facts.
    let decisive = cmp
        .decisive_difference
        .as_deref()
        .map(safe)
        .unwrap_or_else(|| "No decisive difference: both ended the same way.".into());
    lines.extend(wrap(
        vec![
            Span::styled("Decisive difference: ", bold),
            Span::raw(decisive),
        ],
        w,
        2,
    ));
    lines.extend(wrap_str(
        "≠ differs   ≠! decisive (explains the different outcome)",
        th.dim(),
        w,
        2,
    ));
    lines.push(Line::from(""));
    // A list ("a; b") puts each item on its own line, so a CA name is cut only when a line
    // cannot hold it.
    let cell_lines = |s: &str, cw: usize| -> Vec<String> {
        s.split("; ")
            .flat_map(|part| wrap_str(part, Style::default(), cw, 2))
            .map(|l| crate::tui::text::line_text(&l))
            .collect()
    };
    let mark_of = |r: &crate::compare::Row| {
        if r.decisive {
            ("≠!", th.red())
        } else if r.differs {
            ("≠", th.yellow())
        } else {
            ("", Style::default())
        }
    };
    let pad = |t: &str, cw: usize| format!("{t}{}", " ".repeat(cw.saturating_sub(width(t))));
    if side_w < 40 {
        // Narrow: one fact after the other, each side on lines of its own, full width.
        let left = safe(&cmp.left_label);
        let right = safe(&cmp.right_label);
        let lab_w = width(&left).max(width(&right)).min(w / 3);
        let val_w = w.saturating_sub(lab_w + 5).max(2);
        for r in &cmp.rows {
            let (mark, st) = mark_of(r);
            lines.push(Line::from(vec![
                Span::styled(r.fact.clone(), bold),
                Span::raw(" "),
                Span::styled(mark.to_owned(), st),
            ]));
            for (lab, val) in [(&left, safe(&r.left)), (&right, safe(&r.right))] {
                for (i, t) in cell_lines(&val, val_w).iter().enumerate() {
                    let l = if i == 0 {
                        fit(lab, lab_w)
                    } else {
                        String::new()
                    };
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {}  ", pad(&l, lab_w)), th.dim()),
                        Span::styled(t.clone(), st),
                    ]));
                }
            }
        }
    } else {
        let mut row = |fact: &str, left: &str, right: &str, mark: &str, st: Style| {
            let a = cell_lines(fact, fact_w);
            let b = cell_lines(left, side_w);
            let c = cell_lines(right, side_w);
            let n = a.len().max(b.len()).max(c.len());
            for i in 0..n {
                let cell = |v: &Vec<String>, cw: usize| {
                    pad(v.get(i).map(String::as_str).unwrap_or(""), cw)
                };
                let m = if i == 0 { mark } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(cell(&a, fact_w), bold),
                    Span::raw(" "),
                    Span::styled(cell(&b, side_w), st),
                    Span::raw(" "),
                    Span::styled(cell(&c, side_w), st),
                    Span::raw(" "),
                    Span::styled(m.to_owned(), st),
                ]));
            }
        };
        row(
            "",
            &safe(&cmp.left_label),
            &safe(&cmp.right_label),
            "",
            bold,
        );
        for r in &cmp.rows {
            let (mark, st) = mark_of(r);
            row(&r.fact, &safe(&r.left), &safe(&r.right), mark, st);
        }
    }
    lines
}

/// The compare view's body area at `area`.
pub fn compare_body(area: Rect) -> Rect {
    let [_, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    body
}

pub(super) fn compare_view(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Compare ", Style::default().add_modifier(Modifier::BOLD)),
            Span::styled(
                fit(
                    " ↑↓ scroll  Esc back  p probe again  ? help",
                    usize::from(top.width).saturating_sub(9),
                ),
                th.dim(),
            ),
        ])),
        top,
    );
    let lines = compare_content(app, usize::from(inner(body).width));
    let scroll = app.compare_scroll.min(scroll_limit_for(&lines, body));
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::ALL)),
        body,
    );
}
