//! A finished probe in the UI: what the worker hands back ([`ProbeRun`]), how the app takes it
//! (the result view opens, the comparison with the selected connection is made) and the keys
//! of the result view (scroll, `c` compare, `p` the form again, `y` copy, Esc back).

use super::app::{App, Effect, View};
use crate::probe::request::ProbeRequest;
use crate::probe::ProbeReport;
use crossterm::event::{KeyCode, KeyEvent};

/// One probe run from the form, as the worker thread reports it.
#[derive(Debug, Clone)]
pub struct ProbeRun {
    /// The report, or why nothing could be attempted (one line, secrets never in it).
    pub result: Result<ProbeReport, String>,
    /// Files written as the form asked (pcap, key log), and notes on them.
    pub saved: Vec<String>,
    /// Why a file could not be written.
    pub save_error: Option<String>,
}

impl ProbeRun {
    /// Runs the form's probe (on a worker thread: it blocks up to the timeout): the request
    /// becomes options through the library's `ProbeRequest::options` (the CLI's code), then
    /// the probe, then the files it asked for.
    pub fn execute(req: &ProbeRequest) -> ProbeRun {
        let text = |e: &(dyn std::error::Error + 'static)| crate::probe::error_text(e);
        let result = match req.options() {
            Err(e) => Err(text(&e)),
            Ok(opts) => crate::probe::run(&opts).map_err(|e| text(&e)),
        };
        let mut run = ProbeRun {
            result,
            saved: Vec::new(),
            save_error: None,
        };
        if let Ok(rep) = &run.result {
            match req.save_outputs(rep) {
                Ok(paths) => {
                    run.saved = paths.iter().map(|p| p.display().to_string()).collect();
                    if req.keylog.is_some() && req.sends_credentials() {
                        run.saved.push(
                            "(the key log decrypts the HTTP credentials too: keep it as private as the password)"
                                .into(),
                        );
                    }
                }
                Err(e) => run.save_error = Some(text(&e)),
            }
        }
        run
    }
}

impl App {
    /// A probe finished: its result view opens (also for an error), and the comparison of
    /// the selected captured connection with the probe's own is ready for `c`.
    pub(super) fn probe_done(&mut self, run: ProbeRun) {
        self.probe_running = false;
        self.status = match &run.result {
            Ok(rep) => match (&rep.error, &rep.http) {
                (None, Some(h)) => format!("probe: HTTP {} {}", h.status, h.reason),
                (Some(e), _) => format!("probe: {e}"),
                _ => "probe finished".into(),
            },
            Err(e) => format!("probe failed: {e}"),
        };
        self.comparison = None;
        if let (Some(cur), Ok(rep)) = (self.current().cloned(), &run.result) {
            if let Some(pc) = &rep.connection {
                self.comparison = Some(crate::compare::compare(
                    &cur,
                    &format!("captured #{}", cur.id),
                    pc,
                    "probe",
                ));
            }
        }
        self.probe = Some(run);
        self.result_scroll = 0;
        self.compare_scroll = 0;
        // Back from the result, the form is not in a field: the next key is a command.
        self.form.editing = false;
        self.view = View::ProbeResult;
    }

    /// What `y` copies in the result view: all of it, unwrapped.
    fn result_text(&self) -> String {
        let mut out = String::new();
        for l in &super::views::result_content(self, 100_000) {
            out.push_str(super::text::line_text(l).trim_end());
            out.push('\n');
        }
        out
    }

    /// Keys in the probe result view.
    pub(super) fn result_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let body =
            super::views::result_body(ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1));
        let inner_w = usize::from(body.width.saturating_sub(2));
        let max = u16::try_from(
            super::views::result_content(self, inner_w)
                .len()
                .saturating_sub(usize::from(body.height.saturating_sub(2))),
        )
        .unwrap_or(u16::MAX);
        let by: i64 = match k.code {
            KeyCode::Esc | KeyCode::Char('q') => {
                self.view = View::Main;
                0
            }
            KeyCode::Char('p') => {
                self.form.editing = false;
                self.view = View::ProbeForm;
                0
            }
            KeyCode::Char('c') => {
                if self.comparison.is_some() {
                    self.compare_scroll = 0;
                    self.compare_from = View::ProbeResult;
                    self.view = View::Compare;
                } else {
                    self.status = "nothing to compare: the probe recorded no handshake, or no captured connection is selected".into();
                }
                0
            }
            KeyCode::Char('y') => {
                let text = self.result_text();
                self.status = format!(
                    "copied {} lines (OSC 52: where the terminal allows it)",
                    text.lines().count()
                );
                return vec![Effect::Copy(text)];
            }
            KeyCode::Char('?') | KeyCode::F(1) => {
                self.help_from = View::ProbeResult;
                self.view = View::Help;
                0
            }
            KeyCode::Down | KeyCode::Char('j') => 1,
            KeyCode::Up | KeyCode::Char('k') => -1,
            KeyCode::PageDown | KeyCode::Char(' ') => 10,
            KeyCode::PageUp => -10,
            KeyCode::Home | KeyCode::Char('g') => -100_000,
            KeyCode::End | KeyCode::Char('G') => 100_000,
            _ => 0,
        };
        let v = (i64::from(self.result_scroll.min(max)) + by).clamp(0, i64::from(max));
        self.result_scroll = u16::try_from(v).unwrap_or(0);
        vec![]
    }
}
