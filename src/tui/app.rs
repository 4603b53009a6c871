//! The UI state. Owned by the UI thread and changed only by [`App::update`]; views read it. No
//! I/O here: what must happen outside (run a probe, quit) is returned as an [`Effect`].
//! The probe form's keys are in form.rs, the probe result's in result.rs; the main view's and
//! compare's stay here beside the state they change (a little over 600 lines for that).

use super::form::{Field, ProbeForm};
pub use super::result::ProbeRun;
use crate::compare::Comparison;
use crate::model::{Analysis, Connection, OutcomeStatus};
use crate::probe::request::ProbeRequest;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Connections,
    Ladder,
    Details,
    Diagnosis,
}

impl Pane {
    fn next(self) -> Pane {
        match self {
            Pane::Connections => Pane::Ladder,
            Pane::Ladder => Pane::Diagnosis,
            Pane::Diagnosis => Pane::Details,
            Pane::Details => Pane::Connections,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Main,
    /// Failures grouped by cause, server and client (`summary_view`).
    Summary,
    Compare,
    ProbeForm,
    /// What the last probe found (also its error).
    ProbeResult,
    Help,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Frame,
    Outcome,
    Server,
}

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// A new (partial or final) analysis from the loader or the live capture.
    Analysis(Box<Analysis>),
    Progress {
        done: u64,
        total: u64,
    },
    LoadFinished,
    LoadFailed(String),
    Live {
        frames: u64,
        our_drops: u64,
        pcap_drops: u64,
    },
    ProbeDone(Box<ProbeRun>),
    /// The terminal's size (columns, rows): scroll limits depend on it.
    Resize(u16, u16),
    /// A mouse click or wheel turn at (column, row).
    Mouse(MouseAct, u16, u16),
    Tick,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseAct {
    Click,
    WheelUp,
    WheelDown,
}

#[derive(Debug, Clone)]
pub enum Effect {
    Quit,
    /// Run the probe in the background: the form as the library's typed request, turned into
    /// probe options by the same code as `tlsdiag probe`'s.
    RunProbe(Box<ProbeRequest>),
    /// Put this text on the terminal's clipboard (OSC 52, where the terminal allows it).
    Copy(String),
}

#[derive(Debug, Clone)]
pub struct App {
    pub title: String,
    pub analysis: Analysis,
    pub selected: usize,
    pub pane: Pane,
    pub view: View,
    pub sort: Sort,
    pub filter: String,
    pub editing_filter: bool,
    pub ladder_scroll: u16,
    pub details_scroll: u16,
    pub diagnosis_scroll: u16,
    /// Highlighted ladder frame (jump to evidence).
    pub mark_frame: Option<u64>,
    /// The ladder message selected (index into the connection's messages): Details shows it.
    pub ladder_sel: Option<usize>,
    pub progress: Option<(u64, u64)>,
    pub loading: bool,
    pub live: Option<(u64, u64, u64)>,
    /// Live capture: the interface and the BPF filter, shown from the first second.
    pub live_source: Option<(String, Option<String>)>,
    pub status: String,
    pub form: ProbeForm,
    pub probe_running: bool,
    /// The last probe run from the form (its report or error, the files it saved).
    pub probe: Option<ProbeRun>,
    pub comparison: Option<Comparison>,
    pub compare_scroll: u16,
    /// Where Esc in compare returns (the main view or the probe result).
    pub compare_from: View,
    pub result_scroll: u16,
    pub color: bool,
    /// Terminal size (columns, rows), from `Msg::Resize`.
    pub size: (u16, u16),
    /// The view the help overlay was opened from (its keys are shown, Esc returns there).
    pub help_from: View,
    /// The identity under test (`tui --identity`): per-stack verdicts in the diagnosis.
    pub diagnose: crate::diagnose::Context,
    /// The summary view's groups (recomputed with every analysis), its selected group and
    /// first line shown, and whether it may still open by itself (until the first key).
    pub summary: crate::report::groups::Groups,
    pub summary_sel: usize,
    pub summary_top: u16,
    pub summary_auto: bool,
    /// The connection list shows only this group's failures (Enter in the summary).
    pub group: Option<crate::report::groups::GroupKey>,
}

impl App {
    pub fn new(title: &str, color: bool) -> App {
        App {
            title: title.to_owned(),
            analysis: Analysis::default(),
            selected: 0,
            pane: Pane::Connections,
            view: View::Main,
            sort: Sort::Frame,
            filter: String::new(),
            editing_filter: false,
            ladder_scroll: 0,
            details_scroll: 0,
            diagnosis_scroll: 0,
            mark_frame: None,
            ladder_sel: None,
            progress: None,
            loading: false,
            live: None,
            live_source: None,
            status: String::new(),
            form: ProbeForm::default(),
            probe_running: false,
            probe: None,
            comparison: None,
            compare_scroll: 0,
            compare_from: View::Main,
            result_scroll: 0,
            color,
            size: (80, 24),
            help_from: View::Main,
            diagnose: crate::diagnose::Context::default(),
            summary: Default::default(),
            summary_sel: 0,
            summary_top: 0,
            summary_auto: true,
            group: None,
        }
    }

    /// Connections as shown: filtered and sorted. Indices into `analysis.connections`.
    pub fn visible(&self) -> Vec<usize> {
        let f = self.filter.to_lowercase();
        let mut v: Vec<usize> = self
            .analysis
            .connections
            .iter()
            .enumerate()
            .filter(|(_, c)| f.is_empty() || haystack(c).contains(&f))
            .filter(|(_, c)| self.group.as_ref().is_none_or(|g| g.matches(c)))
            .map(|(i, _)| i)
            .collect();
        let conns = &self.analysis.connections;
        match self.sort {
            Sort::Frame => {}
            Sort::Outcome => v.sort_by_key(|i| {
                conns
                    .get(*i)
                    .map(|c| rank(c.tls.outcome.status))
                    .unwrap_or(9)
            }),
            Sort::Server => v.sort_by_key(|i| {
                conns
                    .get(*i)
                    .map(|c| c.server.to_string())
                    .unwrap_or_default()
            }),
        }
        v
    }

    pub fn current(&self) -> Option<&Connection> {
        let v = self.visible();
        v.get(self.selected)
            .and_then(|i| self.analysis.connections.get(*i))
    }

    fn select_first_failed(&mut self) {
        let v = self.visible();
        if let Some(pos) = v.iter().position(|i| {
            self.analysis
                .connections
                .get(*i)
                .is_some_and(|c| c.tls.outcome.status == OutcomeStatus::Failed)
        }) {
            self.selected = pos;
        }
    }

    fn clamp(&mut self) {
        let n = self.visible().len();
        if n == 0 {
            self.selected = 0;
        } else if self.selected >= n {
            self.selected = n - 1;
        }
    }

    fn reset_scroll(&mut self) {
        self.ladder_scroll = 0;
        self.details_scroll = 0;
        self.diagnosis_scroll = 0;
        self.mark_frame = None;
        self.ladder_sel = None;
    }

    /// Selects ladder message `i` (clamped), shows it in Details and scrolls the ladder so it
    /// is in view.
    fn select_message(&mut self, i: i64) {
        let n = self.current().map(|c| c.tls.messages.len()).unwrap_or(0);
        if n == 0 {
            return;
        }
        let max = i64::try_from(n - 1).unwrap_or(0);
        let i = usize::try_from(i.clamp(0, max)).unwrap_or(0);
        self.ladder_sel = Some(i);
        self.details_scroll = 0;
        let area = ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1);
        let r = super::views::main_areas(self, area).ladder;
        let (lines, starts) =
            super::views::ladder_layout(self, usize::from(r.width.saturating_sub(2)));
        let h = usize::from(r.height.saturating_sub(2)).max(1);
        let first = starts.get(i).copied().unwrap_or(0);
        let end = starts.get(i + 1).copied().unwrap_or(lines.len());
        let mut top = usize::from(self.ladder_scroll);
        if first < top {
            top = first;
        } else if end > top + h {
            top = end.saturating_sub(h).min(first);
        }
        self.ladder_scroll = u16::try_from(top).unwrap_or(u16::MAX);
    }

    /// Click selects (a connection, a ladder message) or focuses a pane; the wheel scrolls
    /// the pane under the pointer.
    fn mouse(&mut self, act: MouseAct, x: u16, y: u16) {
        if matches!(self.view, View::ProbeResult | View::Compare) {
            // The full-screen views scroll with the wheel as with ↑↓ (three lines a turn).
            let code = match act {
                MouseAct::WheelUp => KeyCode::Up,
                MouseAct::WheelDown => KeyCode::Down,
                MouseAct::Click => return,
            };
            for _ in 0..3 {
                self.key(KeyEvent::new(code, KeyModifiers::NONE));
            }
            return;
        }
        if self.view != View::Main {
            return;
        }
        let area = ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1);
        let a = super::views::main_areas(self, area);
        let pos = ratatui::layout::Position::new(x, y);
        let pane = if a.list.contains(pos) {
            Pane::Connections
        } else if a.ladder.contains(pos) {
            Pane::Ladder
        } else if a.diagnosis.contains(pos) {
            Pane::Diagnosis
        } else if a.details.contains(pos) {
            Pane::Details
        } else {
            return;
        };
        self.pane = pane;
        match act {
            MouseAct::WheelUp => self.scroll(if pane == Pane::Connections { -1 } else { -3 }),
            MouseAct::WheelDown => self.scroll(if pane == Pane::Connections { 1 } else { 3 }),
            MouseAct::Click => match pane {
                Pane::Connections => {
                    // Border and header rows first; the view scrolls to keep the selection.
                    let body = usize::from(a.list.height.saturating_sub(3)).max(1);
                    let offset = self.selected.saturating_sub(body - 1);
                    let Some(row) = usize::from(y).checked_sub(usize::from(a.list.y) + 2) else {
                        return;
                    };
                    let i = offset + row;
                    if i < self.visible().len() && i != self.selected {
                        self.selected = i;
                        self.reset_scroll();
                    }
                }
                Pane::Ladder => {
                    let w = usize::from(a.ladder.width.saturating_sub(2));
                    let (lines, starts) = super::views::ladder_layout(self, w);
                    let max = lines
                        .len()
                        .saturating_sub(usize::from(a.ladder.height.saturating_sub(2)));
                    let top = usize::from(self.ladder_scroll).min(max);
                    let Some(row) = usize::from(y).checked_sub(usize::from(a.ladder.y) + 1) else {
                        return;
                    };
                    let line = top + row;
                    if line < lines.len() {
                        let i = starts.iter().rposition(|s| *s <= line).unwrap_or(0);
                        self.mark_frame = None;
                        self.select_message(i64::try_from(i).unwrap_or(0));
                    }
                }
                _ => {}
            },
        }
    }

    /// What `y` copies: the focused pane's text, unwrapped (Diagnosis), else what Details shows.
    fn copy_text(&self) -> String {
        let lines = match self.pane {
            Pane::Diagnosis => super::views::diagnosis_content(self, 100_000),
            Pane::Ladder if self.ladder_sel.is_none() => {
                super::views::ladder_content(self, 100_000)
            }
            _ => super::views::details_content(self, 100_000),
        };
        let mut out = String::new();
        for l in &lines {
            out.push_str(super::text::line_text(l).trim_end());
            out.push('\n');
        }
        out
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Analysis(a) => {
                let first = self.analysis.connections.is_empty();
                let keep_id = self.current().map(|c| c.id);
                self.analysis = *a;
                crate::diagnose::diagnose_analysis(&mut self.analysis, &self.diagnose);
                self.summary_update();
                if first {
                    self.select_first_failed();
                } else if let Some(id) = keep_id {
                    if let Some(pos) = self.visible().iter().position(|i| {
                        self.analysis
                            .connections
                            .get(*i)
                            .is_some_and(|c| c.id == id)
                    }) {
                        self.selected = pos;
                    }
                }
                self.clamp();
                vec![]
            }
            Msg::Progress { done, total } => {
                self.progress = Some((done, total));
                vec![]
            }
            Msg::LoadFinished => {
                self.loading = false;
                self.progress = None;
                vec![]
            }
            Msg::LoadFailed(e) => {
                self.loading = false;
                self.status = e;
                vec![]
            }
            Msg::Live {
                frames,
                our_drops,
                pcap_drops,
            } => {
                self.live = Some((frames, our_drops, pcap_drops));
                vec![]
            }
            Msg::ProbeDone(run) => {
                self.probe_done(*run);
                vec![]
            }
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.summary_follow();
                vec![]
            }
            Msg::Mouse(act, x, y) => {
                self.mouse(act, x, y);
                vec![]
            }
            Msg::Tick => vec![],
            Msg::Key(k) => self.key(k),
        }
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
            return vec![Effect::Quit];
        }
        // The summary opens by itself only before the user has done anything.
        self.summary_auto = false;
        match self.view {
            View::Help => {
                self.view = self.help_from;
                return vec![];
            }
            View::Summary => return self.summary_key(k),
            View::ProbeForm => return self.form_key(k),
            View::ProbeResult => return self.result_key(k),
            View::Compare => {
                let body = super::views::compare_body(ratatui::layout::Rect::new(
                    0,
                    0,
                    self.size.0,
                    self.size.1,
                ));
                let inner_w = usize::from(body.width.saturating_sub(2));
                let max = u16::try_from(
                    super::views::compare_content(self, inner_w)
                        .len()
                        .saturating_sub(usize::from(body.height.saturating_sub(2))),
                )
                .unwrap_or(u16::MAX);
                let by: i64 = match k.code {
                    KeyCode::Esc | KeyCode::Char('c') | KeyCode::Char('q') => {
                        self.view = self.compare_from;
                        0
                    }
                    KeyCode::Char('p') => {
                        self.form.editing = false;
                        self.view = View::ProbeForm;
                        0
                    }
                    KeyCode::Char('?') | KeyCode::F(1) => {
                        self.help_from = View::Compare;
                        self.view = View::Help;
                        0
                    }
                    KeyCode::Down | KeyCode::Char('j') => 1,
                    KeyCode::Up | KeyCode::Char('k') => -1,
                    KeyCode::PageDown => 10,
                    KeyCode::PageUp => -10,
                    KeyCode::Home | KeyCode::Char('g') => -100_000,
                    KeyCode::End | KeyCode::Char('G') => 100_000,
                    _ => 0,
                };
                let v = (i64::from(self.compare_scroll.min(max)) + by).clamp(0, i64::from(max));
                self.compare_scroll = u16::try_from(v).unwrap_or(0);
                return vec![];
            }
            View::Main => {}
        }
        if self.editing_filter {
            match k.code {
                KeyCode::Enter | KeyCode::Esc => self.editing_filter = false,
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char(c) => self.filter.push(c),
                _ => {}
            }
            self.selected = 0;
            self.clamp();
            return vec![];
        }
        match k.code {
            KeyCode::Char('q') => return vec![Effect::Quit],
            KeyCode::Char('?') | KeyCode::F(1) => {
                self.help_from = View::Main;
                self.view = View::Help;
            }
            KeyCode::Char('S') => {
                self.status.clear();
                self.view = View::Summary;
                self.summary_follow();
            }
            KeyCode::Tab => self.pane = self.pane.next(),
            KeyCode::BackTab => {
                for _ in 0..3 {
                    self.pane = self.pane.next();
                }
            }
            KeyCode::Char('/') => {
                self.editing_filter = true;
                self.filter.clear();
            }
            KeyCode::Char('s') => {
                self.sort = match self.sort {
                    Sort::Frame => Sort::Outcome,
                    Sort::Outcome => Sort::Server,
                    Sort::Server => Sort::Frame,
                };
                self.status = format!("sorted by {:?}", self.sort).to_lowercase();
            }
            KeyCode::Char('p') => {
                if self.form.get(Field::Url).is_empty() {
                    if let Some(c) = self.current() {
                        let host = c
                            .tls
                            .client_hello
                            .as_ref()
                            .and_then(|h| h.sni.clone())
                            .unwrap_or_else(|| c.server.ip.to_string());
                        // Port 0: the source (a javax.net.debug log) did not name it.
                        let url = match c.server.port {
                            0 => format!("https://{host}/"),
                            port => format!("https://{host}:{port}/"),
                        };
                        self.form.set(Field::Url, &url);
                    }
                }
                self.form.editing = false;
                self.view = View::ProbeForm;
            }
            KeyCode::Char('r') => {
                if self.probe.is_some() {
                    self.view = View::ProbeResult;
                } else {
                    self.status = "no probe yet: press p to run one".into();
                }
            }
            KeyCode::Char('c') => {
                if self.comparison.is_some() {
                    self.compare_scroll = 0;
                    self.compare_from = View::Main;
                    self.view = View::Compare;
                } else {
                    self.status = "no probe yet: press p to run one".into();
                }
            }
            KeyCode::Char('e') | KeyCode::Enter if self.pane == Pane::Diagnosis => {
                // Jump to the first evidence frame of the first finding, on the ladder.
                let frame = self
                    .current()
                    .and_then(|c| c.diagnosis.first())
                    .and_then(|f| f.evidence.iter().find_map(|e| e.frame));
                if let Some(fr) = frame {
                    self.mark_frame = Some(fr);
                    self.pane = Pane::Ladder;
                    let pos = self
                        .current()
                        .and_then(|c| c.tls.messages.iter().position(|m| m.frame == fr))
                        .unwrap_or(0);
                    self.select_message(i64::try_from(pos).unwrap_or(0));
                }
            }
            KeyCode::Enter if self.pane == Pane::Connections => self.pane = Pane::Details,
            KeyCode::Enter if self.pane == Pane::Ladder => {
                if self.ladder_sel.is_none() {
                    self.select_message(0);
                }
                self.pane = Pane::Details;
            }
            KeyCode::Char('y') => {
                let text = self.copy_text();
                self.status = format!(
                    "copied {} lines (OSC 52: where the terminal allows it)",
                    text.lines().count()
                );
                return vec![Effect::Copy(text)];
            }
            KeyCode::Esc if self.pane == Pane::Ladder && self.ladder_sel.is_some() => {
                self.ladder_sel = None;
                self.mark_frame = None;
                self.details_scroll = 0;
            }
            KeyCode::Esc if self.pane == Pane::Connections && self.group.is_some() => {
                // Back from a summary group to every connection, on the same one.
                let id = self.current().map(|c| c.id);
                self.group = None;
                self.status.clear();
                self.selected = self
                    .visible()
                    .iter()
                    .position(|i| self.analysis.connections.get(*i).map(|c| c.id) == id)
                    .unwrap_or(0);
            }
            KeyCode::Esc => self.pane = Pane::Connections,
            KeyCode::Down | KeyCode::Char('j') => self.scroll(1),
            KeyCode::Up | KeyCode::Char('k') => self.scroll(-1),
            KeyCode::PageDown => self.scroll(10),
            KeyCode::PageUp => self.scroll(-10),
            KeyCode::Home | KeyCode::Char('g') => self.scroll(-100_000),
            KeyCode::End | KeyCode::Char('G') => self.scroll(100_000),
            _ => {}
        }
        vec![]
    }

    fn scroll(&mut self, by: i64) {
        // Never past the last line: End shows the last lines, not a blank pane.
        let max = i64::from(super::views::scroll_limit(self, self.pane));
        let apply = |v: u16| -> u16 {
            u16::try_from((i64::from(v).min(max) + by).clamp(0, max)).unwrap_or(0)
        };
        match self.pane {
            Pane::Connections => {
                let n = self.visible().len();
                let s = i64::try_from(self.selected).unwrap_or(0) + by;
                let max = i64::try_from(n.saturating_sub(1)).unwrap_or(0);
                self.selected = usize::try_from(s.clamp(0, max)).unwrap_or(0);
                self.reset_scroll();
            }
            Pane::Ladder => {
                // The ladder selects a message (Details shows it in full).
                let cur = self
                    .ladder_sel
                    .map(|i| i64::try_from(i).unwrap_or(0))
                    .unwrap_or(if by > 0 { -1 } else { 0 });
                self.mark_frame = None;
                self.select_message(cur.saturating_add(by));
            }
            Pane::Details => self.details_scroll = apply(self.details_scroll),
            Pane::Diagnosis => self.diagnosis_scroll = apply(self.diagnosis_scroll),
        }
    }
}

fn rank(s: OutcomeStatus) -> u8 {
    match s {
        OutcomeStatus::Failed => 0,
        OutcomeStatus::Incomplete => 1,
        OutcomeStatus::CompletedEncrypted => 2,
        OutcomeStatus::Completed => 3,
    }
}

fn haystack(c: &Connection) -> String {
    let mut s = format!("{} {} ", c.client, c.server);
    if let Some(h) = &c.tls.client_hello {
        s.push_str(h.sni.as_deref().unwrap_or(""));
    }
    s.push(' ');
    s.push_str(&c.tls.outcome.summary);
    for f in &c.diagnosis {
        s.push(' ');
        s.push_str(&f.code);
    }
    s.to_lowercase()
}
