//! Pure views: `render(&App, &mut Frame)` draws everything from the state, nothing else. The
//! layout follows design/screens.md: connections on top, the ladder and the diagnosis side by
//! side, details below; compare, probe form and help as full views. Works from 80×24 up.

use super::app::{App, Pane, View, FORM_FIELDS};
use crate::model::{Connection, MessageKind, OutcomeStatus, Severity, Side};
use crate::report::text::client_cert_status;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};
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
            main_view(app, f, area, &th);
            help(f, area);
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
            app.title,
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
    if let Some((frames, ours, pcap)) = app.live {
        spans.push(Span::raw(format!(
            "  live: {frames} frames, dropped {ours} (ours) {pcap} (libpcap)"
        )));
    }
    spans.push(Span::styled("   ? help  q quit", th.dim()));
    Line::from(spans)
}

fn main_view(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let list_h = u16::try_from(app.visible().len() + 3)
        .unwrap_or(u16::MAX)
        .clamp(4, (area.height / 3).max(4));
    let [top, list, mid, details_area, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(list_h),
        Constraint::Min(6),
        Constraint::Percentage(30),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(title_line(app, th)), top);
    connections(app, f, list, th);
    let [ladder_area, dx_area] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(mid);
    ladder(app, f, ladder_area, th);
    diagnosis(app, f, dx_area, th);
    details(app, f, details_area, th);
    let keys = if app.editing_filter {
        format!(" filter: {}▏ (Enter to apply)", app.filter)
    } else if !app.status.is_empty() {
        format!(" {}", app.status)
    } else {
        " ↑↓ select  Tab pane  / filter  s sort  e evidence  p probe  c compare  ? help  q quit"
            .to_owned()
    };
    f.render_widget(Paragraph::new(Span::styled(keys, th.dim())), status);
}

fn outcome_cell(c: &Connection, th: &Theme) -> Cell<'static> {
    let o = &c.tls.outcome;
    match o.status {
        OutcomeStatus::Completed => Cell::from(Span::styled("✓ completed", th.green())),
        OutcomeStatus::CompletedEncrypted => Cell::from(Span::styled("✓ encrypted", th.green())),
        OutcomeStatus::Incomplete => Cell::from(Span::styled("? incomplete", th.yellow())),
        OutcomeStatus::Failed => Cell::from(Span::styled(
            format!(
                "✗ {}",
                o.alert
                    .map(|a| a.label().into_owned())
                    .unwrap_or_else(|| "failed".into())
            ),
            th.red(),
        )),
    }
}

fn connections(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let vis = app.visible();
    // Below 110 columns the client address gives way to what the user came for.
    let wide = area.width >= 110;
    let rows: Vec<Row> = vis
        .iter()
        .enumerate()
        .filter_map(|(pos, i)| app.analysis.connections.get(*i).map(|c| (pos, c)))
        .map(|(pos, c)| {
            let sni = c
                .tls
                .client_hello
                .as_ref()
                .and_then(|h| h.sni.clone())
                .unwrap_or_else(|| "–".into());
            let ver = c
                .tls
                .tls_version
                .as_ref()
                .map(|v| v.label().replace("TLS ", ""))
                .unwrap_or_else(|| "–".into());
            let cert = client_cert_status(c);
            let cert_cell = if cert == "EMPTY" {
                Cell::from(Span::styled("⚠ EMPTY", th.yellow()))
            } else {
                Cell::from(cert)
            };
            let dx = c
                .diagnosis
                .first()
                .map(|d| d.code.clone())
                .unwrap_or_default();
            let mut cells = vec![Cell::from(c.id.to_string())];
            // A javax.net.debug log names no addresses: the JVM thread stands for the client.
            let (client, server) = match &c.jsse_log {
                Some(j) => (format!("JSSE thread {}", j.thread), "–".to_owned()),
                None => (c.client.to_string(), c.server.to_string()),
            };
            if wide {
                cells.push(Cell::from(client));
            }
            cells.extend([
                Cell::from(server),
                Cell::from(sni),
                Cell::from(ver),
                cert_cell,
                outcome_cell(c, th),
                Cell::from(dx),
            ]);
            let row = Row::new(cells);
            if pos == app.selected {
                row.style(th.selected())
            } else {
                row
            }
        })
        .collect();
    let mut head = vec!["#"];
    let mut widths = vec![Constraint::Length(3)];
    if wide {
        head.push("client");
        widths.push(Constraint::Length(22));
    }
    head.extend([
        "server",
        "SNI",
        "ver",
        "client cert",
        "outcome",
        "diagnosis",
    ]);
    widths.extend([
        Constraint::Length(if wide { 22 } else { 15 }),
        Constraint::Length(if wide { 16 } else { 12 }),
        Constraint::Length(4),
        Constraint::Length(if wide { 13 } else { 9 }),
        Constraint::Length(if wide { 22 } else { 19 }),
        Constraint::Min(10),
    ]);
    let header = Row::new(head).style(Style::default().add_modifier(Modifier::BOLD));
    let filter = if app.filter.is_empty() {
        String::new()
    } else {
        format!(" filter \"{}\"", app.filter)
    };
    let t = Table::new(rows, widths).header(header).block(
        Block::default().borders(Borders::ALL).title(Span::styled(
            format!(" Connections{filter} "),
            th.focus(app.pane == Pane::Connections),
        )),
    );
    f.render_widget(t, area);
}

fn ladder_lines(c: &Connection, app: &App, th: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut last_frame = None;
    for m in &c.tls.messages {
        let when = if last_frame == Some(m.frame) {
            format!("{:>7} {:>6}", "", "")
        } else {
            format!("{:>7.3} {:>6}", m.time, format!("#{}", m.frame))
        };
        last_frame = Some(m.frame);
        let arrow = match m.from {
            Side::Client => "→",
            Side::Server => "←",
        };
        let empty = m.from == Side::Client && m.is_empty_certificate();
        let mut text = m.name().into_owned();
        if empty {
            // First, so it survives a narrow terminal.
            text.push_str(" ⚠ EMPTY");
        }
        if let Some(d) = &m.detail {
            text.push_str("  ");
            text.push_str(d);
        }
        let style = if app.mark_frame == Some(m.frame) {
            th.selected()
        } else if m.kind == MessageKind::Alert {
            th.red()
        } else if empty {
            th.yellow()
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(when, th.dim()),
            Span::raw(format!(" {arrow} ")),
            Span::styled(text, style),
        ]));
    }
    if lines.is_empty() {
        lines.push(Line::from("(no TLS message)"));
    }
    lines
}

fn ladder(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let lines = app
        .current()
        .map(|c| ladder_lines(c, app, th))
        .unwrap_or_default();
    let p = Paragraph::new(lines).scroll((app.ladder_scroll, 0)).block(
        Block::default().borders(Borders::ALL).title(Span::styled(
            " Ladder  client → server / ← ",
            th.focus(app.pane == Pane::Ladder),
        )),
    );
    f.render_widget(p, area);
}

fn diagnosis(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let mut lines: Vec<Line> = Vec::new();
    if let Some(c) = app.current() {
        if c.diagnosis.is_empty() {
            lines.push(Line::from(Span::styled("✓ nothing to report", th.green())));
        }
        for d in &c.diagnosis {
            let (mark, st) = match d.severity {
                Severity::Error => ("✗", th.red()),
                Severity::Warning => ("⚠", th.yellow()),
                Severity::Info => ("i", th.dim()),
            };
            lines.push(Line::from(Span::styled(format!("{mark} {}", d.code), st)));
            lines.push(Line::from(d.message.clone()));
            for x in &d.details {
                lines.push(Line::from(Span::styled(x.clone(), th.dim())));
            }
            if let Some(fix) = &d.fix {
                lines.push(Line::from(vec![
                    Span::styled("Fix: ", Style::default().add_modifier(Modifier::BOLD)),
                    Span::raw(fix.clone()),
                ]));
            }
            lines.push(Line::from(""));
        }
    }
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((app.diagnosis_scroll, 0))
        .block(Block::default().borders(Borders::ALL).title(Span::styled(
            " Diagnosis  e: jump to evidence ",
            th.focus(app.pane == Pane::Diagnosis),
        )));
    f.render_widget(p, area);
}

fn detail_lines(c: &Connection) -> Vec<Line<'static>> {
    let mut v: Vec<Line> = Vec::new();
    // "frame" in a capture, "line" in a javax.net.debug log.
    let unit = c.evidence_unit.word();
    let kv = |k: &str, val: String| {
        Line::from(vec![
            Span::styled(
                format!("{k:<24}"),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(val),
        ])
    };
    let names =
        |x: &[crate::model::CodePoint]| x.iter().map(|c| c.label()).collect::<Vec<_>>().join(" ");
    if let Some(r) = &c.tls.certificate_request {
        v.push(Line::from(Span::styled(
            format!(
                "CertificateRequest ({unit} {}){}",
                r.frame,
                if r.decrypted { " [decrypted]" } else { "" }
            ),
            Style::default().add_modifier(Modifier::BOLD),
        )));
        if !r.certificate_types.is_empty() {
            v.push(kv("certificate_types", names(&r.certificate_types)));
        }
        v.push(kv(
            "signature_algorithms",
            format!(
                "{} ({})",
                names(&r.signature_algorithms),
                r.signature_algorithms.len()
            ),
        ));
        if r.certificate_authorities.is_empty() {
            v.push(kv("certificate_authorities", "(empty: any issuer)".into()));
        }
        for (i, dn) in r.certificate_authorities.iter().enumerate() {
            v.push(kv(
                if i == 0 {
                    "certificate_authorities"
                } else {
                    ""
                },
                dn.text.clone(),
            ));
        }
    }
    if let Some(cc) = &c.tls.client_certificate {
        v.push(kv(
            "client Certificate",
            format!(
                "{} certificates, length {} ({unit} {})",
                cc.count, cc.certificates_length, cc.frame
            ),
        ));
        for cert in &cc.chain {
            v.push(kv(
                "",
                format!("{} ← {}", cert.subject.text, cert.issuer.text),
            ));
        }
    }
    if let Some(h) = &c.tls.client_hello {
        v.push(kv(
            "ClientHello",
            format!(
                "{unit} {} · SNI {} · {} suites · JA4 {}",
                h.frame,
                h.sni.as_deref().unwrap_or("–"),
                h.cipher_suites.len(),
                h.ja4
            ),
        ));
        v.push(kv("  versions", names(&h.supported_versions)));
        v.push(kv("  signature_algorithms", names(&h.signature_algorithms)));
        v.push(kv("  groups", names(&h.supported_groups)));
    }
    if let Some(s) = &c.tls.server_hello {
        v.push(kv(
            "ServerHello",
            format!(
                "{unit} {} · {} · {}",
                s.frame,
                s.version.label(),
                s.cipher_suite.label()
            ),
        ));
    }
    for (i, cert) in c.tls.server_certificates.iter().enumerate() {
        v.push(kv(
            if i == 0 { "server chain" } else { "" },
            format!(
                "{} ← {} (until {})",
                cert.subject.text,
                cert.issuer.text,
                cert.not_after.get(..10).unwrap_or(&cert.not_after)
            ),
        ));
    }
    for a in &c.tls.alerts {
        v.push(kv(
            "alert",
            format!(
                "{} {} {} ({unit} {})",
                a.from.as_str(),
                a.level_label(),
                a.description_label(),
                a.frame
            ),
        ));
    }
    v
}

fn details(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let lines = app.current().map(detail_lines).unwrap_or_default();
    let p = Paragraph::new(lines).scroll((app.details_scroll, 0)).block(
        Block::default().borders(Borders::ALL).title(Span::styled(
            " Details ",
            th.focus(app.pane == Pane::Details),
        )),
    );
    f.render_widget(p, area);
}

fn compare_view(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
    let [top, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(3),
    ])
    .areas(area);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Compare ", Style::default().add_modifier(Modifier::BOLD)),
            Span::styled(" Esc back  p probe again", th.dim()),
        ])),
        top,
    );
    let Some(cmp) = &app.comparison else {
        f.render_widget(Paragraph::new("no comparison yet"), body);
        return;
    };
    let rows: Vec<Row> = cmp
        .rows
        .iter()
        .map(|r| {
            let mark = if r.decisive {
                "≠ decisive"
            } else if r.differs {
                "≠"
            } else {
                ""
            };
            let row = Row::new(vec![
                Cell::from(r.fact.clone()),
                Cell::from(r.left.clone()),
                Cell::from(r.right.clone()),
                Cell::from(mark),
            ]);
            if r.decisive {
                row.style(th.red())
            } else if r.differs {
                row.style(th.yellow())
            } else {
                row
            }
        })
        .collect();
    let t = Table::new(
        rows,
        [
            Constraint::Length(22),
            Constraint::Fill(1),
            Constraint::Fill(1),
            Constraint::Length(10),
        ],
    )
    .header(
        Row::new(vec![
            "".to_owned(),
            cmp.left_label.clone(),
            cmp.right_label.clone(),
            String::new(),
        ])
        .style(Style::default().add_modifier(Modifier::BOLD)),
    )
    .block(Block::default().borders(Borders::ALL));
    f.render_widget(t, body);
    let decisive = cmp
        .decisive_difference
        .clone()
        .unwrap_or_else(|| "No decisive difference: both ended the same way.".into());
    f.render_widget(
        Paragraph::new(format!("Decisive difference: {decisive}")).wrap(Wrap { trim: true }),
        foot,
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
    let r = centered(area, 76, 12);
    f.render_widget(Clear, r);
    let mut lines = Vec::new();
    for (i, name) in FORM_FIELDS.iter().enumerate() {
        let raw = app.form.values.get(i).cloned().unwrap_or_default();
        let shown = if *name == "Password" {
            "•".repeat(raw.chars().count())
        } else {
            raw
        };
        let cursor = if app.form.field == i { "▏" } else { "" };
        let st = if app.form.field == i {
            th.selected()
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::raw(format!("{name:>16}: ")),
            Span::styled(format!("{shown}{cursor}"), st),
        ]));
    }
    lines.push(Line::from(""));
    let hint = if app.probe_running {
        "probing … (the UI stays live)".to_owned()
    } else {
        "Tab next field · Enter run · Esc cancel".to_owned()
    };
    lines.push(Line::from(Span::styled(hint, th.dim())));
    if !app.status.is_empty() {
        lines.push(Line::from(app.status.clone()));
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
    ("↑ ↓  j k", "select a connection / scroll the focused pane"),
    ("PgUp PgDn Home End", "scroll faster"),
    ("Tab  Shift-Tab", "next / previous pane"),
    (
        "Enter",
        "open details (connections) / jump to evidence (diagnosis)",
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
    ("Esc", "back"),
    ("?  F1", "this help"),
    ("q  Ctrl-C", "quit"),
];

fn help(f: &mut Frame, area: Rect) {
    let r = centered(area, 78, u16::try_from(HELP.len() + 4).unwrap_or(20));
    f.render_widget(Clear, r);
    let lines: Vec<Line> = HELP
        .iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(
                    format!("{k:>20}  "),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(*v),
            ])
        })
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Keys (any key closes) "),
        ),
        r,
    );
}
