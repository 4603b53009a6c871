//! The handshake ladder: one line per message (time, frame, direction, name), wrapped.

use super::{inner, scroll_limit_for, Theme};
use crate::model::{Connection, Side};
use crate::report::present::message_span;
use crate::tui::app::{App, Pane};
use crate::tui::text::{width, wrap};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The ladder, wrapped to `w` columns: time and frame, the direction, then the message; a long
/// message continues under its own text.
pub fn ladder_content(app: &App, w: usize) -> Vec<Line<'static>> {
    ladder_layout(app, w).0
}

/// The ladder's lines and, per message, the index of its first line.
pub fn ladder_layout(app: &App, w: usize) -> (Vec<Line<'static>>, Vec<usize>) {
    let th = Theme { on: app.color };
    let Some(c) = app.current() else {
        return (Vec::new(), Vec::new());
    };
    ladder_of(c, app.ladder_sel, app.mark_frame, w, &th)
}

/// The ladder of connection `c` (the probe result view shows the probe's own).
pub(super) fn ladder_lines(
    c: &Connection,
    sel: Option<usize>,
    mark: Option<u64>,
    w: usize,
    th: &Theme,
) -> Vec<Line<'static>> {
    ladder_of(c, sel, mark, w, th).0
}

fn ladder_of(
    c: &Connection,
    sel: Option<usize>,
    mark: Option<u64>,
    w: usize,
    th: &Theme,
) -> (Vec<Line<'static>>, Vec<usize>) {
    let mut lines = Vec::new();
    let mut starts = Vec::new();
    let mut last_frame = None;
    for (i, m) in c.tls.messages.iter().enumerate() {
        starts.push(lines.len());
        let when = if last_frame == Some(m.frame) {
            format!("{:>6} {:>5}", "", "")
        } else {
            format!("{:>6.3} {:>5}", m.time, format!("#{}", m.frame))
        };
        last_frame = Some(m.frame);
        let arrow = match m.from {
            Side::Client => "→",
            Side::Server => "←",
        };
        // The message as every face writes it (report::present), the tone as the theme's style.
        let span = message_span(m);
        let text = span.text;
        let style = if sel == Some(i) || mark == Some(m.frame) {
            th.selected()
        } else {
            th.tone(span.tone)
        };
        let prefix = format!("{when} {arrow} ");
        let indent = width(&prefix);
        lines.extend(wrap(
            vec![Span::styled(prefix, th.dim()), Span::styled(text, style)],
            w,
            indent,
        ));
    }
    if lines.is_empty() {
        lines.push(Line::from("(no TLS message)"));
    }
    (lines, starts)
}

pub(super) fn ladder(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let lines = ladder_content(app, usize::from(inner(area).width));
    let scroll = app.ladder_scroll.min(scroll_limit_for(&lines, area));
    let p = Paragraph::new(lines).scroll((scroll, 0)).block(
        Block::default().borders(Borders::ALL).title(Span::styled(
            " Ladder  ↑↓ select a message ",
            th.focus(app.pane == Pane::Ladder),
        )),
    );
    f.render_widget(p, area);
}
