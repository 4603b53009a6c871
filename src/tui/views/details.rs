//! The details pane: the connection's FACTS block (built by `report::present`, the rows the text
//! report prints, tones as the theme's styles) and its HTTP layer, or the ladder's selected
//! message (message.rs).

use super::message::message_details;
use super::{inner, scroll_limit_for, Theme};
use crate::report::present;
use crate::tui::app::{App, Pane};
use crate::tui::text::{fit, safe, width, wrap, wrap_str};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// `key  value` lines: the key in a column of its own, the value wrapped under itself.
pub(super) struct Kv {
    w: usize,
    key_w: usize,
    pub(super) lines: Vec<Line<'static>>,
}

impl Kv {
    pub(super) fn new(w: usize) -> Kv {
        // Narrow panes give the value more room.
        let key_w = if w >= 70 { 24 } else { 14 };
        Kv {
            w,
            key_w,
            lines: Vec::new(),
        }
    }
    pub(super) fn head(&mut self, s: String) {
        self.lines.extend(wrap_str(
            &s,
            Style::default().add_modifier(Modifier::BOLD),
            self.w,
            2,
        ));
    }
    /// A key column of `key_w` whatever the width.
    pub(super) fn with_key_width(w: usize, key_w: usize) -> Kv {
        Kv {
            w,
            key_w,
            lines: Vec::new(),
        }
    }
    pub(super) fn kv(&mut self, k: &str, val: String) {
        self.kv_spans(k, vec![Span::raw(val)]);
    }
    /// A key and a value made of styled runs.
    pub(super) fn kv_spans(&mut self, k: &str, val: Vec<Span<'static>>) {
        let key = if width(k) + 1 > self.key_w {
            // A key longer than its column gets a line of its own.
            self.lines.extend(wrap_str(
                k,
                Style::default().add_modifier(Modifier::BOLD),
                self.w,
                2,
            ));
            " ".repeat(self.key_w)
        } else {
            format!("{k:<kw$}", kw = self.key_w)
        };
        let mut spans = vec![Span::styled(
            key,
            Style::default().add_modifier(Modifier::BOLD),
        )];
        spans.extend(val);
        self.lines.extend(wrap(spans, self.w, self.key_w));
    }
}

/// The details pane's lines at `w` columns (every value whole, wrapped): the message selected
/// on the ladder in full, or else the connection's main facts.
pub fn details_content(app: &App, w: usize) -> Vec<Line<'static>> {
    let Some(c) = app.current() else {
        return Vec::new();
    };
    if let Some(m) = app.ladder_sel.and_then(|i| c.tls.messages.get(i)) {
        return message_details(c, m, w);
    }
    // The connection's FACTS block, the same rows the text report prints (report::present), the
    // answer's rows (the request with its CA names, the client's certificate) first: the pane
    // has five lines at 80×24. Labels are at most 13 columns: the text report's key column, 14.
    let th = Theme { on: app.color };
    let mut v = Kv::with_key_width(w, 14);
    for r in present::connection_facts(c).answer_first() {
        let value = r
            .value
            .iter()
            .map(|s| Span::styled(s.text.clone(), th.tone(s.tone)))
            .collect();
        v.kv_spans(r.label, value);
    }
    // "frame" in a capture, "line" in a javax.net.debug log.
    let unit = c.evidence_unit.word();
    if let Some(h) = &c.tls.http {
        http_details(&mut v, h, unit);
    }
    v.lines
}

/// The title of the details pane: what it shows.
pub fn details_title(app: &App) -> String {
    let sel = app.current().and_then(|c| {
        app.ladder_sel
            .and_then(|i| c.tls.messages.get(i))
            .map(|m| (c, m))
    });
    match sel {
        Some((c, m)) => format!(
            " Details: {} ({} {})  y copy ",
            m.name(),
            c.evidence_unit.word(),
            m.frame
        ),
        None => " Details: connection  (↑↓ on the ladder: one message)  y copy ".into(),
    }
}

/// The HTTP layer: each exchange's request line, credentials (scheme, kind, length), status,
/// challenges and SOAP Fault — or why it cannot be seen.
pub(super) fn http_details(v: &mut Kv, h: &crate::model::http::HttpLayer, unit: &str) {
    use crate::model::http::HttpTransport;
    use crate::model::Fact;
    let how = match h.transport {
        HttpTransport::Tls => "inside TLS",
        HttpTransport::Plain => "plain, no TLS",
    };
    v.head(format!("HTTP ({how})"));
    match &h.exchanges {
        Fact::Unknown(u) => v.kv(
            "exchanges",
            format!(
                "unknown: {}{}",
                u.reason.as_str(),
                u.reveal
                    .map(|r| format!(" — {}", r.as_str()))
                    .unwrap_or_default()
            ),
        ),
        Fact::Absent => v.kv(
            "exchanges",
            format!(
                "not HTTP/1.x{}",
                h.stopped
                    .as_deref()
                    .map(|s| format!(": {}", safe(s)))
                    .unwrap_or_default()
            ),
        ),
        Fact::Known(ex) => {
            for e in ex {
                if let Some(r) = &e.request {
                    let mut s = format!(
                        "{} {} ({unit} {})",
                        safe(&r.method),
                        safe(&r.target),
                        r.frame
                    );
                    if let Some(a) = &r.soap_action {
                        s.push_str(&format!(" · SOAPAction {}", safe(a)));
                    }
                    for cr in &r.credentials {
                        s.push_str(&format!(
                            " · {} {} ({}, {} bytes)",
                            safe(&cr.header),
                            safe(&cr.scheme),
                            safe(&cr.token_kind),
                            cr.token_len
                        ));
                    }
                    v.kv("request", s);
                }
                if let Some(r) = &e.response {
                    let mut s = format!("{} {} ({unit} {})", r.status, safe(&r.reason), r.frame);
                    for c in &r.challenges {
                        s.push_str(&format!(" · WWW-Authenticate {}", safe(&c.scheme)));
                        if let Some(realm) = &c.realm {
                            s.push_str(&format!(" realm={}", safe(realm)));
                        }
                        if let (Some(n), Some(k)) = (c.token_len, &c.token_kind) {
                            s.push_str(&format!(" ({}, {n} bytes)", safe(k)));
                        }
                    }
                    if let Some(f) = &r.soap_fault {
                        s.push_str(&format!(
                            " · SOAP Fault {} {}",
                            safe(f.code.as_deref().unwrap_or("?")),
                            safe(f.reason.as_deref().unwrap_or(""))
                        ));
                    }
                    v.kv("response", s);
                }
            }
            if let Some(s) = &h.stopped {
                v.kv("stopped", safe(s));
            }
        }
    }
}

pub(super) fn details(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let lines = details_content(app, usize::from(inner(area).width));
    let scroll = app.details_scroll.min(scroll_limit_for(&lines, area));
    let title = fit(
        &details_title(app),
        usize::from(area.width.saturating_sub(2)),
    );
    let p = Paragraph::new(lines).scroll((scroll, 0)).block(
        Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(title, th.focus(app.pane == Pane::Details))),
    );
    f.render_widget(p, area);
}
