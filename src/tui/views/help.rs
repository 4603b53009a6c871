//! The key help overlay (the keys of the main view, compare or the probe result).

use super::centered;
use crate::tui::app::{App, View};
use crate::tui::text::{width, wrap};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub const HELP: &[(&str, &str)] = &[
    (
        "↑ ↓  j k",
        "select a connection / a ladder message / scroll the pane",
    ),
    ("PgUp PgDn", "scroll a page"),
    ("Home End  g G", "first / last line of the focused pane"),
    ("Tab  Shift-Tab", "next / previous pane"),
    (
        "Enter",
        "details (connections, ladder) / evidence (diagnosis)",
    ),
    (
        "y",
        "copy what Details (or the focused diagnosis) shows: OSC 52",
    ),
    (
        "e",
        "jump to the first finding's evidence frame on the ladder",
    ),
    (
        "/",
        "filter connections (address, SNI, outcome, diagnosis code)",
    ),
    (
        "s  S",
        "sort: frame, outcome, server · S: summary of failures",
    ),
    ("p", "probe form: make our own SOAP call with an identity"),
    (
        "r",
        "the last probe's result: findings, HTTP answer, its ladder",
    ),
    ("c", "compare the selected connection with the last probe"),
    (
        "≈",
        "client cert column: inferred from sizes (confidence), not seen",
    ),
    ("Esc", "back"),
    (
        "mouse",
        "click selects, wheel scrolls (Shift+drag selects text)",
    ),
    ("?  F1", "this help"),
    ("q  Ctrl-C", "quit"),
];

pub const COMPARE_HELP: &[(&str, &str)] = &[
    (
        "what",
        "the selected captured connection (left) beside our own probe (right), fact by fact",
    ),
    ("≠", "the two sides differ in this fact"),
    (
        "≠!",
        "decisive: this difference explains the different outcome",
    ),
    ("↑ ↓  PgUp PgDn", "scroll"),
    ("Home End", "first / last line"),
    ("p", "probe form again (change identity, SNI, ...)"),
    ("Esc  c  q", "back to the connections (or the probe result)"),
    ("?  F1", "this help"),
];

pub const RESULT_HELP: &[(&str, &str)] = &[
    (
        "what",
        "our own call: its answer, findings (evidence, fix), HTTP answer, client-certificate decision, saved files, its handshake",
    ),
    ("↑ ↓  PgUp PgDn", "scroll"),
    ("Home End", "first / last line"),
    ("c", "compare the selected captured connection with this probe"),
    ("p", "probe form again (change identity, SNI, ...)"),
    ("y", "copy the whole result: OSC 52"),
    ("Esc  q", "back to the connections (r returns here)"),
    ("?  F1", "this help"),
];

/// The help text of the view it was opened from, wrapped to `w` columns.
pub fn help_content(app: &App, w: usize) -> Vec<Line<'static>> {
    let entries = match app.help_from {
        View::Compare => COMPARE_HELP,
        View::ProbeResult => RESULT_HELP,
        View::Summary => super::super::summary_view::SUMMARY_HELP,
        _ => HELP,
    };
    let key_w = entries
        .iter()
        .map(|(k, _)| width(k))
        .max()
        .unwrap_or(0)
        .min(w / 3);
    let mut lines = Vec::new();
    for (k, v) in entries {
        lines.extend(wrap(
            vec![
                Span::styled(
                    format!("{k:>key_w$}  "),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(*v),
            ],
            w,
            key_w + 2,
        ));
    }
    lines
}

pub(super) fn help(app: &App, f: &mut Frame, area: Rect) {
    let w = area.width.min(78);
    let lines = help_content(app, usize::from(w.saturating_sub(2)));
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let r = centered(area, w, h);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Keys (any key closes) "),
        ),
        r,
    );
}
