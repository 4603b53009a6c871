//! The summary view (issue 16 §1, issue 18 §5): the capture-wide failures grouped by cause, by
//! server and by client (`report::groups`, the text report's summary block), largest first. It is
//! the first view when a capture holds more connections than the text report's threshold
//! ([`TEXT_THRESHOLD`]) and the user has not pressed a key yet — in live mode too, as the
//! analysis grows. `S` toggles it. Every group is a selectable row; Enter shows the connection
//! list filtered to that group, on its example connection. Lines are wrapped, never cut; the
//! view scrolls to keep the selection in sight. Text from the capture goes through `safe`.

use super::app::{App, Effect, View};
use super::text::{fit, safe, wrap, wrap_str};
use crate::report::groups::{Group, Groups, TEXT_THRESHOLD};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// Groups listed per dimension at most (the JSON lists every group kept).
pub const MAX_ROWS: usize = 200;

/// Column where a group's label and its second line start ("▶ 123456 × ").
const INDENT: usize = 11;

/// The selectable groups in display order: by cause, by server, by client.
pub fn items(g: &Groups) -> Vec<&Group> {
    [&g.by_cause, &g.by_server, &g.by_client]
        .into_iter()
        .flat_map(|d| d.groups.iter().take(MAX_ROWS))
        .collect()
}

/// Whether the capture is big enough for the summary to be the first view.
pub fn wants_summary(connections: usize) -> bool {
    connections > TEXT_THRESHOLD
}

/// The view's lines at `w` columns, and for each selectable group (in [`items`] order) the
/// range of its lines.
pub fn summary_layout(app: &App, w: usize) -> (Vec<Line<'static>>, Vec<(usize, usize)>) {
    let g = &app.summary;
    let n = app.analysis.connections.len();
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let color = |c: Color| {
        if app.color {
            Style::default().fg(c).add_modifier(Modifier::BOLD)
        } else {
            bold
        }
    };
    let dim = if app.color {
        Style::default().fg(Color::DarkGray)
    } else {
        Style::default()
    };
    let mut lines = Vec::new();
    let mut ranges = Vec::new();
    // The answer first.
    let answer = match g.by_cause.groups.first() {
        None if g.failures == 0 => format!(
            "No failures among {n} connection{}",
            if n == 1 { "" } else { "s" }
        ),
        None => format!("{} of {n} connections failed", g.failures),
        Some(top) => format!(
            "{} of {n} connections failed — most: {} × {}",
            g.failures,
            top.count,
            safe(&top.key.label())
        ),
    };
    let answer_style = if g.failures == 0 {
        color(Color::Green)
    } else {
        color(Color::Red)
    };
    lines.extend(wrap_str(&answer, answer_style, w, 2));
    let mut index = 0;
    for (title, d) in [
        ("By cause", &g.by_cause),
        ("By server", &g.by_server),
        ("By client", &g.by_client),
    ] {
        if d.groups.is_empty() {
            continue;
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!(
                "{title} ({} group{})",
                d.groups.len(),
                if d.groups.len() == 1 { "" } else { "s" }
            ),
            bold,
        )));
        for grp in d.groups.iter().take(MAX_ROWS) {
            let sel = index == app.summary_sel;
            let start = lines.len();
            let st = if sel {
                if app.color {
                    Style::default().bg(Color::Blue).fg(Color::White)
                } else {
                    Style::default().add_modifier(Modifier::REVERSED)
                }
            } else {
                Style::default()
            };
            let marker = if sel { "▶" } else { " " };
            lines.extend(wrap(
                vec![
                    Span::styled(format!("{marker} {:>6} × ", grp.count), st),
                    Span::styled(safe(&grp.key.label()), st),
                ],
                w,
                INDENT,
            ));
            lines.extend(wrap(
                vec![
                    Span::raw(" ".repeat(INDENT)),
                    Span::styled(
                        format!(
                            "e.g. #{} · {}",
                            grp.example,
                            when(&grp.first_time, &grp.last_time)
                        ),
                        dim,
                    ),
                ],
                w,
                INDENT,
            ));
            ranges.push((start, lines.len()));
            index += 1;
        }
        let more: usize = d
            .groups
            .iter()
            .skip(MAX_ROWS)
            .map(|g| g.count)
            .sum::<usize>()
            + d.other;
        if more > 0 {
            lines.extend(wrap_str(
                &format!("  {more:>6} × in further groups (analyze --json lists them)"),
                dim,
                w,
                INDENT,
            ));
        }
    }
    (lines, ranges)
}

/// First and last start time, short: "2026-11-24 03:15:41 … 03:16:21 UTC" (the date once when
/// both share it, one time when they are equal, to the second). Not RFC 3339 text: as given.
fn when(first: &str, last: &str) -> String {
    let split = |t: &str| -> Option<(String, String)> {
        let (date, rest) = t.split_once('T')?;
        let time = rest.get(..8)?;
        (t.ends_with('Z') && date.len() == 10).then(|| (date.to_owned(), time.to_owned()))
    };
    match (split(first), split(last)) {
        (Some((d1, t1)), Some((d2, t2))) if d1 == d2 && t1 == t2 => format!("{d1} {t1} UTC"),
        (Some((d1, t1)), Some((d2, t2))) if d1 == d2 => format!("{d1} {t1} … {t2} UTC"),
        (Some((d1, t1)), Some((d2, t2))) => format!("{d1} {t1} … {d2} {t2} UTC"),
        _ => format!("{} … {}", safe(first), safe(last)),
    }
}

/// The body (the bordered box) of the summary view at a terminal of `area`.
pub fn summary_body(area: Rect) -> Rect {
    let [_, body, _] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    body
}

/// The help overlay's entries when opened from this view.
pub const SUMMARY_HELP: &[(&str, &str)] = &[
    (
        "what",
        "the capture's failures grouped by cause, by server (address and SNI) and by client; count, example connection, first … last start time",
    ),
    ("↑ ↓  PgUp PgDn", "select a group"),
    ("Home End", "first / last group"),
    (
        "Enter",
        "the connections of that group, on its example (Esc there: all again)",
    ),
    ("S  Esc", "the connection list"),
    ("?  F1", "this help"),
    ("q  Ctrl-C", "quit"),
];

const KEYS: &str = " ↑↓ select  ⏎ show group  S connections  ? help  q quit";

/// Draws the view: `title` (the main view's title line, with the live counters) on top.
pub fn render(app: &App, f: &mut Frame, area: Rect, title: Line<'static>) {
    let [top, _, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let body = summary_body(area);
    f.render_widget(Paragraph::new(title), top);
    let inner_w = usize::from(body.width.saturating_sub(2));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Summary: failures grouped ");
    let lines = if app.analysis.connections.is_empty() {
        let text = match &app.live_source {
            Some((iface, filter)) => format!(
                "waiting for traffic on {} (filter {}) — {} packets so far",
                safe(iface),
                filter.as_deref().map(safe).unwrap_or_else(|| "none".into()),
                app.live.unwrap_or_default().0
            ),
            None => "no connections yet".to_owned(),
        };
        wrap_str(&text, Style::default(), inner_w, 2)
    } else {
        summary_layout(app, inner_w).0
    };
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((app.summary_top, 0)),
        body,
    );
    let keys = if app.status.is_empty() {
        KEYS.to_owned()
    } else {
        format!(" {}", safe(&app.status))
    };
    f.render_widget(
        Paragraph::new(fit(&keys, usize::from(status.width))),
        status,
    );
}

impl App {
    /// Recomputes the groups from the analysis (a new snapshot), keeps the selected group
    /// selected where it still exists, and opens the summary for a big capture while the user
    /// has not pressed a key.
    pub(super) fn summary_update(&mut self) {
        let before = items(&self.summary)
            .get(self.summary_sel)
            .map(|g| g.key.clone());
        self.summary = Groups::of(&self.analysis.connections);
        let now = items(&self.summary);
        if let Some(k) = before {
            if let Some(i) = now.iter().position(|g| g.key == k) {
                self.summary_sel = i;
            }
        }
        self.summary_sel = self.summary_sel.min(now.len().saturating_sub(1));
        if self.summary_auto
            && self.view == View::Main
            && wants_summary(self.analysis.connections.len())
        {
            self.view = View::Summary;
            self.summary_auto = false;
            // Opened on the biggest cause.
            self.summary_sel = 0;
        }
        self.summary_follow();
    }

    /// Keys of the summary view.
    pub(super) fn summary_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let n = items(&self.summary).len();
        let last = n.saturating_sub(1);
        match k.code {
            KeyCode::Char('q') => return vec![Effect::Quit],
            KeyCode::Char('?') | KeyCode::F(1) => {
                self.help_from = View::Summary;
                self.view = View::Help;
            }
            KeyCode::Char('S') | KeyCode::Esc => self.view = View::Main,
            KeyCode::Down | KeyCode::Char('j') => {
                self.summary_sel = (self.summary_sel + 1).min(last)
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.summary_sel = self.summary_sel.saturating_sub(1)
            }
            KeyCode::PageDown => self.summary_sel = (self.summary_sel + 10).min(last),
            KeyCode::PageUp => self.summary_sel = self.summary_sel.saturating_sub(10),
            KeyCode::Home | KeyCode::Char('g') => self.summary_sel = 0,
            KeyCode::End | KeyCode::Char('G') => self.summary_sel = last,
            KeyCode::Enter => self.open_group(),
            _ => {}
        }
        self.summary_follow();
        vec![]
    }

    /// The connection list filtered to the selected group, on its example connection.
    fn open_group(&mut self) {
        let Some(g) = items(&self.summary)
            .get(self.summary_sel)
            .map(|g| (*g).clone())
        else {
            return;
        };
        self.group = Some(g.key.clone());
        self.filter.clear();
        self.view = View::Main;
        self.pane = super::app::Pane::Connections;
        let v = self.visible();
        self.selected = v
            .iter()
            .position(|i| {
                self.analysis
                    .connections
                    .get(*i)
                    .is_some_and(|c| c.id == g.example)
            })
            .unwrap_or(0);
        self.status = format!(
            "{} × {} — Esc shows all, S the summary",
            g.count,
            g.key.label()
        );
    }

    /// Scrolls so the selected group's lines are in sight.
    pub(super) fn summary_follow(&mut self) {
        let body = summary_body(Rect::new(0, 0, self.size.0, self.size.1));
        let h = usize::from(body.height.saturating_sub(2)).max(1);
        let (lines, ranges) = summary_layout(self, usize::from(body.width.saturating_sub(2)));
        let mut top = usize::from(self.summary_top);
        if let Some(&(start, end)) = ranges.get(self.summary_sel) {
            // The answer and the first heading stay in sight while the first group is selected.
            let start = if self.summary_sel == 0 { 0 } else { start };
            if start < top {
                top = start;
            } else if end > top + h {
                top = end.saturating_sub(h).min(start);
            }
        }
        top = top.min(lines.len().saturating_sub(h));
        self.summary_top = u16::try_from(top).unwrap_or(u16::MAX);
    }
}
