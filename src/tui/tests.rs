use super::app::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;

fn seed_app() -> App {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/seed-jsse-empty-cert.pcap");
    let a = crate::analyze::analyze_path(&p, &Default::default()).unwrap();
    let mut app = App::new("captures/seed-jsse-empty-cert.pcap", false);
    app.update(Msg::Analysis(Box::new(a)));
    app
}

fn many_app() -> App {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/many-connections.pcap");
    let a = crate::analyze::analyze_path(&p, &Default::default()).unwrap();
    let mut app = App::new("captures/many-connections.pcap", false);
    app.update(Msg::Analysis(Box::new(a)));
    app
}

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// The screen as text, with start times (wall-clock of the capture) kept: the captures are
/// committed, so the frame is deterministic.
fn draw(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| super::views::render(app, f)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut s = String::new();
    for y in 0..h {
        for x in 0..w {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

#[test]
fn opens_on_the_first_failed_connection() {
    let app = many_app();
    let c = app.current().unwrap();
    assert_eq!(c.tls.outcome.status, crate::model::OutcomeStatus::Failed);
}

#[test]
fn filter_sort_and_navigation() {
    let mut app = many_app();
    let n = app.visible().len();
    assert_eq!(n, 9);
    app.update(key(KeyCode::Char('/')));
    for ch in "protocol".chars() {
        app.update(key(KeyCode::Char(ch)));
    }
    app.update(key(KeyCode::Enter));
    assert_eq!(app.visible().len(), 1);
    assert!(app
        .current()
        .unwrap()
        .diagnosis
        .iter()
        .any(|f| f.code == "protocol-version-mismatch"));
    app.update(key(KeyCode::Char('/')));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.visible().len(), 9);
    app.update(key(KeyCode::Char('s')));
    assert_eq!(app.sort, Sort::Outcome);
    let first = app.visible()[0];
    assert_eq!(
        app.analysis.connections[first].tls.outcome.status,
        crate::model::OutcomeStatus::Failed
    );
    app.update(key(KeyCode::End));
    assert_eq!(app.selected, 8);
    app.update(key(KeyCode::Tab));
    assert_eq!(app.pane, Pane::Ladder);
    assert_eq!(app.update(key(KeyCode::Char('q'))), vec![Effect::Quit]);
}

#[test]
fn evidence_jump_marks_the_frame_on_the_ladder() {
    let mut app = seed_app();
    app.pane = Pane::Diagnosis;
    app.update(key(KeyCode::Char('e')));
    assert_eq!(app.pane, Pane::Ladder);
    assert!(app.mark_frame.is_some());
}

#[test]
fn probe_form_masks_the_password_and_emits_the_probe() {
    let mut app = seed_app();
    app.update(key(KeyCode::Char('p')));
    assert_eq!(app.view, View::ProbeForm);
    assert!(
        app.form.values[0].starts_with("https://partner.test:8443"),
        "{}",
        app.form.values[0]
    );
    for _ in 0..3 {
        app.update(key(KeyCode::Tab));
    }
    for ch in "s3cret".chars() {
        app.update(key(KeyCode::Char(ch)));
    }
    let screen = draw(&app, 100, 30);
    assert!(!screen.contains("s3cret"), "password shown");
    assert!(screen.contains("••••••"));
    // The last field: the HTTP proxy (Shift-Tab wraps around to it).
    for _ in 0..4 {
        app.update(key(KeyCode::BackTab));
    }
    for ch in "http://127.0.0.1:3128".chars() {
        app.update(key(KeyCode::Char(ch)));
    }
    assert!(draw(&app, 100, 30).contains("HTTP proxy: http://127.0.0.1:3128"));
    let fx = app.update(key(KeyCode::Enter));
    assert!(
        matches!(&fx[0], Effect::RunProbe { password: Some(p), proxy: Some(x), .. } if p == "s3cret" && x == "http://127.0.0.1:3128"),
        "{fx:?}"
    );
    assert!(app.probe_running);
}

#[test]
fn snapshot_main_80x24() {
    insta::assert_snapshot!("main_80x24", draw(&seed_app(), 80, 24));
}

#[test]
fn snapshot_main_140x40() {
    insta::assert_snapshot!("main_140x40", draw(&seed_app(), 140, 40));
}

#[test]
fn snapshot_many_80x24() {
    insta::assert_snapshot!("many_80x24", draw(&many_app(), 80, 24));
}

#[test]
fn snapshot_help_and_compare() {
    let mut app = seed_app();
    app.update(key(KeyCode::Char('?')));
    insta::assert_snapshot!("help_80x24", draw(&app, 80, 24));
    app.update(key(KeyCode::Esc));
    with_probe_comparison(&mut app);
    app.update(key(KeyCode::Char('c')));
    assert_eq!(app.view, View::Compare);
    let screen = draw(&app, 140, 40);
    assert!(screen.contains("decisive"));
    insta::assert_snapshot!("compare_140x40", screen);
}

#[test]
fn screen_shows_the_empty_certificate_and_the_diagnosis() {
    let s = draw(&seed_app(), 140, 40);
    assert!(s.contains("⚠ EMPTY"));
    assert!(s.contains("client-sent-empty-certificate"));
    assert!(s.contains("CN=Partner Issuing CA,O=Partner Corp,C=DE"));
}

#[test]
fn progress_bar_while_loading() {
    let mut app = seed_app();
    app.update(Msg::Progress {
        done: 50,
        total: 100,
    });
    let s = draw(&app, 120, 30);
    assert!(s.contains("loading [██████████··········] 50%"), "{s}");
    app.update(Msg::LoadFinished);
    assert!(!draw(&app, 120, 30).contains("loading"));
}

#[test]
fn snapshot_every_view_at_both_sizes() {
    let mut app = seed_app();
    with_probe_comparison(&mut app);
    app.update(key(KeyCode::Char('c')));
    insta::assert_snapshot!("compare_80x24", draw(&app, 80, 24));
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('p')));
    insta::assert_snapshot!("probe_form_80x24", draw(&app, 80, 24));
    insta::assert_snapshot!("probe_form_140x40", draw(&app, 140, 40));
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('?')));
    insta::assert_snapshot!("help_140x40", draw(&app, 140, 40));
    app.update(key(KeyCode::Esc));
    // Details focused and scrolled; diagnosis focused.
    app.update(key(KeyCode::Enter));
    assert_eq!(app.pane, Pane::Details);
    insta::assert_snapshot!("details_focus_80x24", draw(&app, 80, 24));
}

/// A comparison with the captured mutual-TLS success, standing in for a probe result.
fn with_probe_comparison(app: &mut App) {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/jsse-mtls-ok.pcap");
    let ok = crate::analyze::analyze_path(&p, &Default::default()).unwrap();
    let cur = app.current().unwrap().clone();
    app.comparison = Some(crate::compare::compare(
        &cur,
        "captured #1",
        &ok.connections[0],
        "probe",
    ));
}
