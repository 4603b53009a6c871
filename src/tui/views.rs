//! Pure views: `render(&App, &mut Frame)` draws everything from the state, nothing else. The
//! layout follows design/screens.md: connections on top, the ladder and the diagnosis side by
//! side, details below; compare, probe form and help as full views. Works from 80×24 up.

use super::app::{App, Pane, View, FORM_FIELDS};
use super::text::{fit, safe, tail, width, wrap, wrap_str};
use crate::model::{
    Connection, Fact, InferenceClaim, MessageKind, OutcomeStatus, Severity, Side, Verdict,
};
use crate::report::text::{client_cert_status, short_reason};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table};
use ratatui::Frame;

struct Theme {
    on: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.on {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    fn red(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    fn yellow(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    fn green(&self) -> Style {
        self.fg(Color::Green)
    }
    fn dim(&self) -> Style {
        if self.on {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        }
    }
    fn selected(&self) -> Style {
        if self.on {
            Style::default().bg(Color::Blue).fg(Color::White)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
    fn focus(&self, yes: bool) -> Style {
        if yes {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }
}

pub fn render(app: &App, f: &mut Frame) {
    let th = Theme { on: app.color };
    let area = f.area();
    match app.view {
        View::Main => main_view(app, f, area, &th),
        View::Compare => compare_view(app, f, area, &th),
        View::ProbeForm => {
            main_view(app, f, area, &th);
            probe_form(app, f, area, &th);
        }
        View::Help => {
            if app.help_from == View::Compare {
                compare_view(app, f, area, &th);
            } else {
                main_view(app, f, area, &th);
            }
            help(app, f, area);
        }
    }
    neutralise(f.buffer_mut());
}

/// The safety net behind `safe`: a cell that would still carry a control character or a
/// bidirectional override to the terminal (text some view forgot to escape) shows U+FFFD.
fn neutralise(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        if cell.symbol().chars().any(crate::report::safe::needs_escape) {
            cell.set_symbol("\u{fffd}");
        }
    }
}

fn title_line(app: &App, th: &Theme) -> Line<'static> {
    let n = app.analysis.connections.len();
    let failed = app
        .analysis
        .connections
        .iter()
        .filter(|c| c.tls.outcome.status == OutcomeStatus::Failed)
        .count();
    let mut spans = vec![
        Span::styled(" tlsdiag ", Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(format!(
            "─ {} ─ {n} connection{}",
            safe(&app.title),
            if n == 1 { "" } else { "s" }
        )),
    ];
    if failed > 0 {
        spans.push(Span::styled(format!(", {failed} failed"), th.red()));
    }
    if let Some((done, total)) = app.progress {
        let pct = done
            .saturating_mul(100)
            .checked_div(total)
            .unwrap_or_default();
        let filled = usize::try_from(pct / 5).unwrap_or(0).min(20);
        spans.push(Span::raw(format!(
            "  loading [{}{}] {pct}%",
            "█".repeat(filled),
            "·".repeat(20 - filled)
        )));
    }
    if app.live.is_some() || app.live_source.is_some() {
        let (frames, ours, pcap) = app.live.unwrap_or_default();
        spans.push(Span::raw(format!(
            "  live: {frames} packets, {n} handshakes, dropped {ours} (ours) {pcap} (libpcap)"
        )));
    }
    spans.push(Span::styled("   ? help  q quit", th.dim()));
    Line::from(spans)
}

/// Where the main view's panes are, for a terminal of `area`: the view draws into these and
/// the app clamps its scroll offsets with them.
pub struct MainAreas {
    pub top: Rect,
    pub list: Rect,
    pub ladder: Rect,
    pub diagnosis: Rect,
    pub details: Rect,
    pub status: Rect,
}

pub fn main_areas(app: &App, area: Rect) -> MainAreas {
    let list_h = u16::try_from(app.visible().len() + 3)
        .unwrap_or(u16::MAX)
        .clamp(4, (area.height / 3).max(4));
    let [top, list, mid, details, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(list_h),
        Constraint::Min(6),
        Constraint::Percentage(30),
        Constraint::Length(1),
    ])
    .areas(area);
    let [ladder, diagnosis] =
        Layout::horizontal([Constraint::Percentage(52), Constraint::Percentage(48)]).areas(mid);
    MainAreas {
        top,
        list,
        ladder,
        diagnosis,
        details,
        status,
    }
}

/// The inside of a bordered block.
fn inner(r: Rect) -> Rect {
    Block::default().borders(Borders::ALL).inner(r)
}

/// The largest useful scroll offset of a pane at the app's terminal size: the last line at the
/// bottom of the pane, never a blank pane.
pub fn scroll_limit(app: &App, pane: Pane) -> u16 {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let a = main_areas(app, area);
    let (r, n) = match pane {
        Pane::Connections => return 0,
        Pane::Ladder => {
            let r = inner(a.ladder);
            (r, ladder_content(app, usize::from(r.width)).len())
        }
        Pane::Diagnosis => {
            let r = inner(a.diagnosis);
            (r, diagnosis_content(app, usize::from(r.width)).len())
        }
        Pane::Details => {
            let r = inner(a.details);
            (r, details_content(app, usize::from(r.width)).len())
        }
    };
    u16::try_from(n.saturating_sub(usize::from(r.height))).unwrap_or(u16::MAX)
}

fn main_view(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let a = main_areas(app, area);
    f.render_widget(Paragraph::new(title_line(app, th)), a.top);
    connections(app, f, a.list, th);
    ladder(app, f, a.ladder, th);
    diagnosis(app, f, a.diagnosis, th);
    details(app, f, a.details, th);
    let keys = if app.editing_filter {
        format!(" filter: {}▏ (Enter to apply)", safe(&app.filter))
    } else if !app.status.is_empty() {
        format!(" {}", safe(&app.status))
    } else {
        " ↑↓ select  Tab pane  / filter  s sort  e evidence  p probe  c compare  ? help  q quit"
            .to_owned()
    };
    f.render_widget(
        Paragraph::new(Span::styled(
            fit(&keys, usize::from(a.status.width)),
            th.dim(),
        )),
        a.status,
    );
}

fn outcome_text(c: &Connection) -> (String, u8) {
    if c.is_plain_http() {
        let status = c
            .tls
            .http
            .as_ref()
            .and_then(|h| h.last_response())
            .map(|r| format!(" {}", r.status))
            .unwrap_or_default();
        return (format!("· plain HTTP{status}"), 0);
    }
    let o = &c.tls.outcome;
    match o.status {
        OutcomeStatus::Completed => ("✓ completed".into(), 0),
        OutcomeStatus::CompletedEncrypted => ("✓ encrypted".into(), 0),
        OutcomeStatus::Incomplete => ("? incomplete".into(), 1),
        OutcomeStatus::Failed => (
            format!(
                "✗ {}",
                o.alert
                    .map(|a| a.label())
                    .unwrap_or_else(|| "failed".into())
            ),
            2,
        ),
    }
}

/// The client-certificate cell: the fact, or for TLS 1.3 without keys the size inference with
/// its confidence, marked `≈` as inferred (`≈ sent (high)`), instead of a bare "encrypted".
pub fn client_cert_cell(c: &Connection) -> (String, u8) {
    let status = client_cert_status(c);
    if status == "EMPTY" {
        return ("⚠ EMPTY".into(), 1);
    }
    if let Fact::Known(_) = c.tls.client_certificate_fact() {
        return (status, 0);
    }
    if let Some(i) = c.tls.client_certificate_inference() {
        let what = match i.claim {
            InferenceClaim::ClientCertificateSent => "sent",
            InferenceClaim::NoClientCertificate => "none",
            _ => "unclear",
        };
        return (
            format!("≈ {what} ({})", i.confidence.as_str()),
            u8::from(i.claim == InferenceClaim::NoClientCertificate),
        );
    }
    (status, 0)
}

struct Column {
    head: &'static str,
    short: &'static str,
    /// Lower comes first when space is short.
    priority: u8,
    cells: Vec<(String, Style)>,
}

/// Column widths from content: in priority order each column gets its natural width while it
/// fits; the first that does not gets what is left (cut with …) if that is at least 6 columns,
/// else it is hidden. `None` = hidden.
fn column_widths(cols: &[Column], total: usize) -> Vec<Option<usize>> {
    let natural: Vec<usize> = cols
        .iter()
        .map(|c| {
            c.cells
                .iter()
                .map(|(s, _)| width(s))
                .max()
                .unwrap_or(0)
                .max(width(c.short))
        })
        .collect();
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|i| cols.get(*i).map(|c| c.priority).unwrap_or(u8::MAX));
    let mut out = vec![None; cols.len()];
    let mut used = 0usize;
    for i in order {
        let sep = usize::from(used > 0);
        let want = natural.get(i).copied().unwrap_or(0);
        let left = total.saturating_sub(used + sep);
        let w = if want <= left {
            want
        } else if left >= 6 {
            left
        } else {
            continue;
        };
        if let Some(slot) = out.get_mut(i) {
            *slot = Some(w);
        }
        used += sep + w;
    }
    out
}

fn connections(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let vis = app.visible();
    let conns: Vec<&Connection> = vis
        .iter()
        .filter_map(|i| app.analysis.connections.get(*i))
        .collect();
    let plain = Style::default();
    let col = |head, short, priority, cells| Column {
        head,
        short,
        priority,
        cells,
    };
    // A javax.net.debug log names no addresses: the JVM thread stands for the client.
    let ends = |c: &Connection| match &c.jsse_log {
        Some(j) => (format!("JSSE thread {}", safe(&j.thread)), "–".to_owned()),
        None => (c.client.to_string(), c.server.to_string()),
    };
    let cols = vec![
        col(
            "#",
            "#",
            0,
            conns.iter().map(|c| (c.id.to_string(), plain)).collect(),
        ),
        col(
            "client",
            "client",
            7,
            conns.iter().map(|c| (ends(c).0, plain)).collect(),
        ),
        col(
            "server",
            "server",
            6,
            conns.iter().map(|c| (ends(c).1, plain)).collect(),
        ),
        col(
            "SNI",
            "SNI",
            5,
            conns
                .iter()
                .map(|c| {
                    let sni = c.tls.client_hello.as_ref().and_then(|h| h.sni.as_deref());
                    (sni.map(safe).unwrap_or_else(|| "–".into()), plain)
                })
                .collect(),
        ),
        col(
            "ver",
            "ver",
            4,
            conns
                .iter()
                .map(|c| {
                    let v = c.tls.tls_version.as_ref();
                    let v = v.map(|v| v.label().replace("TLS ", ""));
                    (v.unwrap_or_else(|| "–".into()), plain)
                })
                .collect(),
        ),
        col(
            "client cert",
            "cert",
            2,
            conns
                .iter()
                .map(|c| {
                    let (t, warn) = client_cert_cell(c);
                    (t, if warn > 0 { th.yellow() } else { plain })
                })
                .collect(),
        ),
        col(
            "outcome",
            "outcome",
            1,
            conns
                .iter()
                .map(|c| {
                    let (t, level) = outcome_text(c);
                    let st = match level {
                        0 => th.green(),
                        1 => th.yellow(),
                        _ => th.red(),
                    };
                    (t, st)
                })
                .collect(),
        ),
        col(
            "diagnosis",
            "diagnosis",
            0,
            conns
                .iter()
                .map(|c| {
                    let code = c.diagnosis.first().map(|d| d.code.clone());
                    let more = c.diagnosis.len().saturating_sub(1);
                    let mut t = code.unwrap_or_default();
                    if more > 0 {
                        t.push_str(&format!(" +{more}"));
                    }
                    (t, plain)
                })
                .collect(),
        ),
    ];
    let widths = column_widths(&cols, usize::from(inner(area).width));
    let shown: Vec<(&Column, usize)> = cols
        .iter()
        .zip(&widths)
        .filter_map(|(c, w)| w.map(|w| (c, w)))
        .collect();
    let header = Row::new(
        shown
            .iter()
            .map(|(c, w)| Cell::from(if width(c.head) <= *w { c.head } else { c.short }))
            .collect::<Vec<_>>(),
    )
    .style(Style::default().add_modifier(Modifier::BOLD));
    let rows: Vec<Row> = (0..conns.len())
        .map(|r| {
            let cells: Vec<Cell> = shown
                .iter()
                .map(|(c, w)| {
                    let (t, st) = c.cells.get(r).cloned().unwrap_or_default();
                    Cell::from(Span::styled(fit(&t, *w), st))
                })
                .collect();
            let row = Row::new(cells);
            if r == app.selected {
                row.style(th.selected())
            } else {
                row
            }
        })
        .collect();
    let constraints: Vec<Constraint> = shown
        .iter()
        .map(|(_, w)| Constraint::Length(u16::try_from(*w).unwrap_or(u16::MAX)))
        .collect();
    let filter = if app.filter.is_empty() {
        String::new()
    } else {
        format!(" filter \"{}\"", safe(&app.filter))
    };
    if conns.is_empty() {
        if let Some((iface, filter)) = &app.live_source {
            // Live: say what is being watched before anything arrives.
            let filter = filter.as_deref().map(safe).unwrap_or_else(|| "none".into());
            let (frames, _, _) = app.live.unwrap_or_default();
            let text = format!(
                "waiting for traffic on {} (filter {filter}) — {frames} packets so far",
                safe(iface)
            );
            let p = Paragraph::new(wrap_str(
                &text,
                th.yellow(),
                usize::from(inner(area).width),
                2,
            ))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Connections "),
            );
            f.render_widget(p, area);
            return;
        }
    }
    // Keep the selected row in view.
    let body = usize::from(inner(area).height.saturating_sub(1)).max(1);
    let offset = app.selected.saturating_sub(body - 1);
    let rows: Vec<Row> = rows.into_iter().skip(offset).collect();
    let t = Table::new(rows, constraints)
        .header(header)
        .column_spacing(1)
        .block(Block::default().borders(Borders::ALL).title(Span::styled(
            format!(" Connections{filter} "),
            th.focus(app.pane == Pane::Connections),
        )));
    f.render_widget(t, area);
}

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
        let empty = m.from == Side::Client && m.is_empty_certificate();
        let mut text = m.name().into_owned();
        if empty {
            text.push_str(" ⚠ EMPTY");
        }
        if let Some(d) = &m.detail {
            text.push_str("  ");
            text.push_str(&safe(d));
        }
        let style = if app.ladder_sel == Some(i) || app.mark_frame == Some(m.frame) {
            th.selected()
        } else if m.kind == MessageKind::Alert {
            th.red()
        } else if empty {
            th.yellow()
        } else {
            Style::default()
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

fn ladder(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
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

fn scroll_limit_for(lines: &[Line<'_>], area: Rect) -> u16 {
    let h = usize::from(inner(area).height);
    u16::try_from(lines.len().saturating_sub(h)).unwrap_or(u16::MAX)
}

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
    let bold = Style::default().add_modifier(Modifier::BOLD);
    for d in &c.diagnosis {
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
        lines.push(Line::from(""));
    }
    lines
}

fn diagnosis(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
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

/// `key  value` lines: the key in a column of its own, the value wrapped under itself.
struct Kv {
    w: usize,
    key_w: usize,
    lines: Vec<Line<'static>>,
}

impl Kv {
    fn new(w: usize) -> Kv {
        // Narrow panes give the value more room.
        let key_w = if w >= 70 { 24 } else { 14 };
        Kv {
            w,
            key_w,
            lines: Vec::new(),
        }
    }
    fn head(&mut self, s: String) {
        self.lines.extend(wrap_str(
            &s,
            Style::default().add_modifier(Modifier::BOLD),
            self.w,
            2,
        ));
    }
    fn kv(&mut self, k: &str, val: String) {
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

fn cert_lines(v: &mut Kv, n: usize, cert: &crate::model::CertInfo) {
    v.head(format!("certificate {n}"));
    v.kv("subject", safe(&cert.subject.text));
    v.kv("issuer", safe(&cert.issuer.text));
    let k = &cert.public_key;
    let mut key = safe(&k.algorithm);
    if let Some(b) = k.bits {
        key.push_str(&format!(" {b} bits"));
    }
    if let Some(cv) = &k.curve {
        key.push_str(&format!(" {}", safe(cv)));
    }
    v.kv("key", key);
    v.kv(
        "validity",
        format!("{} to {}", safe(&cert.not_before), safe(&cert.not_after)),
    );
    let san: Vec<String> = cert
        .san_dns
        .iter()
        .map(|d| format!("DNS:{}", safe(d)))
        .chain(cert.san_ip.iter().map(|i| format!("IP:{}", safe(i))))
        .collect();
    v.kv(
        "SAN",
        if san.is_empty() {
            "–".into()
        } else {
            san.join(" ")
        },
    );
    v.kv(
        "EKU",
        if cert.extended_key_usage.is_empty() {
            "– (none: any use)".into()
        } else {
            cert.extended_key_usage
                .iter()
                .map(|e| safe(e))
                .collect::<Vec<_>>()
                .join(" ")
        },
    );
    if !cert.key_usage.is_empty() {
        v.kv(
            "key usage",
            cert.key_usage
                .iter()
                .map(|e| safe(e))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    let mut flags = Vec::new();
    if cert.is_ca {
        flags.push("CA");
    }
    if cert.self_signed {
        flags.push("self-signed");
    }
    if !flags.is_empty() {
        v.kv("", flags.join(", "));
    }
    v.kv("serial", safe(&cert.serial_hex));
    v.kv("signature", safe(&cert.signature_algorithm));
    v.kv("SHA-256", safe(&cert.sha256_fingerprint));
    if let Some(e) = &cert.parse_error {
        v.kv("parse error", safe(e));
    }
}

/// One message in full: every CA name, every algorithm, each certificate.
pub fn message_details(c: &Connection, m: &crate::model::Message, w: usize) -> Vec<Line<'static>> {
    use crate::model::HandshakeType as H;
    let mut v = Kv::new(w);
    let unit = c.evidence_unit.word();
    let list = |x: &[crate::model::CodePoint]| {
        if x.is_empty() {
            "–".to_owned()
        } else {
            format!(
                "({}) {}",
                x.len(),
                x.iter().map(|c| c.label()).collect::<Vec<_>>().join(" ")
            )
        }
    };
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    v.head(format!(
        "{} — {unit} {}, {:.3} s, {} → {}, {} bytes{}{}",
        m.name(),
        m.frame,
        m.time,
        m.from.as_str(),
        match m.from {
            Side::Client => "server",
            Side::Server => "client",
        },
        m.length,
        if m.encrypted { ", encrypted" } else { "" },
        if m.decrypted { " (decrypted)" } else { "" },
    ));
    if let Some(d) = &m.detail {
        v.kv("summary", safe(d));
    }
    let is = |t: H| m.kind.is(t);
    if is(H::CLIENT_HELLO) {
        if let Some(h) = c.tls.client_hello.as_ref().filter(|h| h.frame == m.frame) {
            v.kv(
                "SNI",
                h.sni.as_deref().map(safe).unwrap_or_else(|| "–".into()),
            );
            v.kv("legacy_version", h.legacy_version.label());
            v.kv("supported_versions", list(&h.supported_versions));
            v.kv("cipher_suites", list(&h.cipher_suites));
            v.kv("signature_algorithms", list(&h.signature_algorithms));
            if !h.signature_algorithms_cert.is_empty() {
                v.kv("sig_algs_cert", list(&h.signature_algorithms_cert));
            }
            v.kv("supported_groups", list(&h.supported_groups));
            v.kv("key_share", list(&h.key_share_groups));
            v.kv(
                "ALPN",
                if h.alpn.is_empty() {
                    "–".into()
                } else {
                    h.alpn.iter().map(|a| safe(a)).collect::<Vec<_>>().join(" ")
                },
            );
            v.kv("extensions", list(&h.extensions));
            v.kv("post_handshake_auth", yes(h.post_handshake_auth));
            v.kv("ext. master secret", yes(h.extended_master_secret));
            v.kv("renegotiation_info", yes(h.renegotiation_info));
            v.kv("session_id length", h.session_id_len.to_string());
            v.kv("JA3", format!("{} ({})", h.ja3_hash, h.ja3));
            v.kv("JA4", h.ja4.clone());
        }
    } else if is(H::SERVER_HELLO) {
        if let Some(h) = c.tls.server_hello.as_ref().filter(|h| h.frame == m.frame) {
            v.kv("version", h.version.label());
            v.kv("cipher_suite", h.cipher_suite.label());
            if let Some(g) = &h.key_share_group {
                v.kv("key_share", g.label());
            }
            v.kv(
                "ALPN",
                h.alpn.as_deref().map(safe).unwrap_or_else(|| "–".into()),
            );
            v.kv("extensions", list(&h.extensions));
            v.kv("ext. master secret", yes(h.extended_master_secret));
            v.kv("renegotiation_info", yes(h.renegotiation_info));
            if h.is_hello_retry_request {
                v.kv("", "HelloRetryRequest".into());
            }
        }
    } else if is(H::CERTIFICATE_REQUEST) {
        if let Some(r) = c
            .tls
            .certificate_request
            .as_ref()
            .filter(|r| r.frame == m.frame)
        {
            if r.certificate_authorities.is_empty() {
                v.kv("certificate_authorities", "(empty: any issuer)".into());
            }
            for (i, dn) in r.certificate_authorities.iter().enumerate() {
                let k = if i == 0 {
                    "certificate_authorities"
                } else {
                    ""
                };
                v.kv(k, safe(&dn.text));
            }
            v.kv("certificate_types", list(&r.certificate_types));
            v.kv("signature_algorithms", list(&r.signature_algorithms));
            if !r.signature_algorithms_cert.is_empty() {
                v.kv("sig_algs_cert", list(&r.signature_algorithms_cert));
            }
            if r.tls13 {
                v.kv("context", safe(&r.context_hex));
                v.kv("extensions", list(&r.extensions));
            }
        } else {
            v.kv("", "a later CertificateRequest: see the first one".into());
        }
    } else if is(H::CERTIFICATE) {
        let chain: Vec<&crate::model::CertInfo> = match m.from {
            Side::Client => c
                .tls
                .client_certificate
                .iter()
                .filter(|cc| cc.frame == m.frame)
                .flat_map(|cc| cc.chain.iter().map(|a| a.as_ref()))
                .collect(),
            Side::Server => c
                .tls
                .server_certificates
                .iter()
                .map(|a| a.as_ref())
                .collect(),
        };
        if let Some(n) = m.certificate_count {
            v.kv("certificates", n.to_string());
        }
        for (i, cert) in chain.iter().enumerate() {
            cert_lines(&mut v, i + 1, cert);
        }
    } else if m.kind == MessageKind::Alert {
        for a in c
            .tls
            .alerts
            .iter()
            .filter(|a| a.frame == m.frame && a.from == m.from)
        {
            v.kv("level", a.level_label().into_owned());
            v.kv("description", a.description_label().into_owned());
            v.kv("encrypted", yes(a.encrypted));
        }
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
fn http_details(v: &mut Kv, h: &crate::model::http::HttpLayer, unit: &str) {
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

fn details(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
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
            .map(|l| super::text::line_text(&l))
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

fn compare_view(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
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

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn probe_form(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
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
    ("s", "sort: by frame, outcome, server"),
    ("p", "probe form: make our own SOAP call with an identity"),
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
    ("Esc  c  q", "back to the connections"),
    ("?  F1", "this help"),
];

/// The help text of the view it was opened from, wrapped to `w` columns.
pub fn help_content(app: &App, w: usize) -> Vec<Line<'static>> {
    let entries = match app.help_from {
        View::Compare => COMPARE_HELP,
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

fn help(app: &App, f: &mut Frame, area: Rect) {
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
