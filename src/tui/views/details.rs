//! The details pane: the connection's main facts (CertificateRequest, client certificate,
//! hellos, server chain, alerts, HTTP layer), or the ladder's selected message (message.rs).

use super::message::message_details;
use super::{inner, scroll_limit_for, Theme};
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
    pub(super) fn kv(&mut self, k: &str, val: String) {
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
        self.lines.extend(wrap(
            vec![
                Span::styled(key, Style::default().add_modifier(Modifier::BOLD)),
                Span::raw(val),
            ],
            self.w,
            self.key_w,
        ));
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
    let mut v = Kv::new(w);
    // "frame" in a capture, "line" in a javax.net.debug log.
    let unit = c.evidence_unit.word();
    let names =
        |x: &[crate::model::CodePoint]| x.iter().map(|c| c.label()).collect::<Vec<_>>().join(" ");
    if let Some(r) = &c.tls.certificate_request {
        v.head(format!(
            "CertificateRequest ({unit} {}){}",
            r.frame,
            if r.decrypted { " [decrypted]" } else { "" }
        ));
        if r.certificate_authorities.is_empty() {
            v.kv("certificate_authorities", "(empty: any issuer)".into());
        }
        for (i, dn) in r.certificate_authorities.iter().enumerate() {
            v.kv(
                if i == 0 {
                    "certificate_authorities"
                } else {
                    ""
                },
                safe(&dn.text),
            );
        }
        if !r.certificate_types.is_empty() {
            v.kv("certificate_types", names(&r.certificate_types));
        }
        v.kv(
            "signature_algorithms",
            format!(
                "({}) {}",
                r.signature_algorithms.len(),
                names(&r.signature_algorithms)
            ),
        );
    }
    if let Some(cc) = &c.tls.client_certificate {
        v.kv(
            "client Certificate",
            format!(
                "{} certificates, length {} ({unit} {})",
                cc.count, cc.certificates_length, cc.frame
            ),
        );
        for cert in &cc.chain {
            v.kv(
                "",
                format!("{} ← {}", safe(&cert.subject.text), safe(&cert.issuer.text)),
            );
        }
    } else if let Some(i) = c.tls.client_certificate_inference() {
        v.kv(
            "client Certificate",
            format!(
                "inferred ({} confidence): {} — {}",
                i.confidence.as_str(),
                safe(&i.what),
                safe(&i.basis)
            ),
        );
    }
    if let Some(h) = &c.tls.client_hello {
        v.kv(
            "ClientHello",
            format!(
                "{unit} {} · SNI {} · {} suites · JA4 {}",
                h.frame,
                h.sni.as_deref().map(safe).unwrap_or_else(|| "–".into()),
                h.cipher_suites.len(),
                h.ja4
            ),
        );
        v.kv("  versions", names(&h.supported_versions));
        v.kv("  signature_algorithms", names(&h.signature_algorithms));
        v.kv("  groups", names(&h.supported_groups));
    }
    if let Some(s) = &c.tls.server_hello {
        v.kv(
            "ServerHello",
            format!(
                "{unit} {} · {} · {}",
                s.frame,
                s.version.label(),
                s.cipher_suite.label()
            ),
        );
    }
    for (i, cert) in c.tls.server_certificates.iter().enumerate() {
        v.kv(
            if i == 0 { "server chain" } else { "" },
            format!(
                "{} ← {} (until {})",
                safe(&cert.subject.text),
                safe(&cert.issuer.text),
                cert.not_after.get(..10).unwrap_or(&cert.not_after)
            ),
        );
    }
    for a in &c.tls.alerts {
        v.kv(
            "alert",
            format!(
                "{} {} {} ({unit} {})",
                a.from.as_str(),
                a.level_label(),
                a.description_label(),
                a.frame
            ),
        );
    }
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
