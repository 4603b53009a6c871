//! Pure views: `render(&App, &mut Frame)` draws everything from the state, nothing else. The
//! layout follows design/screens.md: connections on top, the ladder and the diagnosis side by
//! side, details below; compare, probe form and help as full views. Works from 80×24 up.
//! One file per view or pane; this one holds the dispatch, the theme and the small layout
//! helpers they share.

mod compare;
mod connections;
mod details;
mod diagnosis;
mod form;
mod help;
mod ladder;
mod main_view;
mod message;
mod result;

pub use compare::{compare_body, compare_content};
pub use connections::client_cert_cell;
pub use details::{details_content, details_title};
pub use diagnosis::diagnosis_content;
pub use help::{help_content, COMPARE_HELP, HELP, RESULT_HELP};
pub use ladder::{ladder_content, ladder_layout};
pub use main_view::{main_areas, scroll_limit, MainAreas};
pub use message::message_details;
pub use result::{probe_findings, result_body, result_content};

use super::app::{App, View};
use compare::compare_view;
use form::probe_form;
use help::help;
use main_view::{main_view, title_line};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;
use result::result_view;

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
    /// A presentation tone (report::present) as this theme's style.
    fn tone(&self, t: crate::report::present::Tone) -> Style {
        use crate::report::present::Tone;
        match t {
            Tone::Plain => Style::default(),
            Tone::Good => self.green(),
            Tone::Bad => self.red(),
            Tone::Warn => self.yellow(),
            Tone::Dim => self.dim(),
            Tone::Strong => Style::default().add_modifier(Modifier::BOLD),
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
        View::Summary => super::summary_view::render(app, f, area, title_line(app, &th)),
        View::Compare => compare_view(app, f, area, &th),
        View::ProbeResult => result_view(app, f, area, &th),
        View::ProbeForm => {
            main_view(app, f, area, &th);
            probe_form(app, f, area, &th);
        }
        View::Help => {
            match app.help_from {
                View::Compare => compare_view(app, f, area, &th),
                View::ProbeResult => result_view(app, f, area, &th),
                View::Summary => {
                    super::summary_view::render(app, f, area, title_line(app, &th));
                }
                _ => main_view(app, f, area, &th),
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

/// The inside of a bordered block.
fn inner(r: Rect) -> Rect {
    Block::default().borders(Borders::ALL).inner(r)
}

fn scroll_limit_for(lines: &[Line<'_>], area: Rect) -> u16 {
    let h = usize::from(inner(area).height);
    u16::try_from(lines.len().saturating_sub(h)).unwrap_or(u16::MAX)
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
