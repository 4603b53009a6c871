//! The compare view with the HTTP layer (issue 14 §4): the captured 401 Negotiate beside the
//! same call that logged in (both captures decrypted with their key logs) — at 80×24, 120×40
//! and 200×50 the decisive line names HTTP authentication and the HTTP rows' cells (`401
//! Unauthorized`, `200 OK`, `Negotiate`) appear whole on some screen while scrolling.

use super::app::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;

fn analysed(pcap: &str, keylog: &str) -> crate::model::Analysis {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut opts = crate::analyze::AnalyzeOptions::default();
    opts.decode.keylog = Some(std::sync::Arc::new(
        crate::tls::keylog::KeyLog::from_file(&root.join(keylog)).unwrap(),
    ));
    crate::analyze::analyze_path(&root.join(pcap), &opts).unwrap()
}

fn lines(app: &App, w: u16, h: u16) -> Vec<String> {
    let mut app = app.clone();
    app.update(Msg::Resize(w, h));
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| super::views::render(&app, f)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_owned()).collect())
        .collect()
}

#[test]
fn compare_view_shows_the_http_rows_and_names_http_authentication() {
    let captured = analysed("http-negotiate-401.pcap", "http-negotiate-401.keylog");
    let ok = analysed("http-negotiate-ok.pcap", "http-negotiate-ok.keylog");
    let mut app = App::new("captures/http-negotiate-401.pcap", false);
    app.update(Msg::Analysis(Box::new(captured)));
    let cur = app.current().unwrap().clone();
    app.comparison = Some(crate::compare::compare(
        &cur,
        "captured #1",
        &ok.connections[0],
        "probe",
    ));
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::NONE,
    )));
    assert_eq!(app.view, View::Compare);
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let first = lines(&app, w, h).join("\n");
        assert!(
            first.contains("Decisive difference: the HTTP authentication"),
            "{w}x{h}:\n{first}"
        );
        let wanted = ["HTTP status", "401 Unauthorized", "200 OK", "Negotiate"];
        let mut seen = [false; 4];
        let mut a = app.clone();
        for _ in 0..60 {
            for l in lines(&a, w, h) {
                for (i, s) in wanted.iter().enumerate() {
                    seen[i] |= l.contains(s);
                }
            }
            a.update(Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)));
        }
        assert_eq!(seen, [true; 4], "{w}x{h}: {wanted:?} not all whole");
    }
}
