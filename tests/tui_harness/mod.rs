//! The probe form driven as a user drives it, shared by tests/tui_probe.rs and
//! tests/tui_negotiate.rs: key events into `App`, the screen drawn on ratatui's TestBackend,
//! the probe run as the UI's worker runs it. Each test crate uses a part.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;
use tlsdiag::tui::app::{App, Effect, Msg, ProbeRun};
use tlsdiag::tui::form::{Field, FIELDS};

pub const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 50)];

pub fn cap(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

pub fn seed_app() -> App {
    let a = tlsdiag::analyze::analyze_path(&cap("seed-jsse-empty-cert.pcap"), &Default::default())
        .unwrap();
    let mut app = App::new("captures/seed-jsse-empty-cert.pcap", false);
    app.update(Msg::Analysis(Box::new(a)));
    app
}

pub fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// The screen's lines at `w`×`h` (the app is told the size first, as the terminal loop does).
pub fn screen(app: &mut App, w: u16, h: u16) -> Vec<String> {
    app.update(Msg::Resize(w, h));
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| tlsdiag::tui::views::render(app, f)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect()
}

/// Every line the result view shows while scrolled from top to bottom with ↓ (bounded).
pub fn all_result_lines(app: &mut App, w: u16, h: u16) -> Vec<String> {
    app.update(key(KeyCode::Home));
    let mut out = Vec::new();
    let mut last = u16::MAX;
    for _ in 0..400 {
        out.extend(screen(app, w, h));
        if app.result_scroll == last {
            break;
        }
        last = app.result_scroll;
        app.update(key(KeyCode::Down));
    }
    out
}

/// Moves the form's selection to `f` with ↓ (the list wraps; bounded).
pub fn select(app: &mut App, f: Field) {
    for _ in 0..FIELDS.len() + 1 {
        if app.form.selected() == f {
            return;
        }
        app.update(key(KeyCode::Down));
    }
    panic!("field {f:?} not reachable (not shown?)");
}

/// Types `v` into text field `f`: select, Enter, clear, type, Enter.
pub fn fill(app: &mut App, f: Field, v: &str) {
    select(app, f);
    app.update(key(KeyCode::Enter));
    assert!(app.form.editing, "{f:?}: Enter starts editing");
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    for ch in v.chars() {
        app.update(key(KeyCode::Char(ch)));
    }
    app.update(key(KeyCode::Enter));
    assert!(!app.form.editing);
}

pub fn has_whole(lines: &[String], needle: &str) -> bool {
    lines.iter().any(|l| l.contains(needle))
}

/// `r` in the form, the effect run as the UI's worker runs it, its result handed back.
pub fn run_probe(app: &mut App) -> ProbeRun {
    let fx = app.update(key(KeyCode::Char('r')));
    let [Effect::RunProbe(req)] = &fx[..] else {
        panic!("r runs the probe: {fx:?} (status: {})", app.status)
    };
    let run = ProbeRun::execute(req);
    app.update(Msg::ProbeDone(Box::new(run.clone())));
    run
}
