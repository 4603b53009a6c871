//! The main view's frame: the title line, where the panes go (shared with the app's scroll
//! limits and mouse hit-testing), and the status line under them.

use super::{connections::connections, details::details, diagnosis::diagnosis, ladder::ladder};
use super::{details_content, diagnosis_content, inner, ladder_content, Theme};
use crate::model::OutcomeStatus;
use crate::tui::app::{App, Pane};
use crate::tui::text::{fit, safe};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub(super) fn title_line(app: &App, th: &Theme) -> Line<'static> {
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

pub(super) fn main_view(app: &App, f: &mut Frame, area: Rect, th: &Theme) {
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
