//! The summary view (issue 16 §1 / 18 §5) at 80×24, 120×40 and 200×50: every group's count and
//! cause whole on screen, Enter filters the list to a group, `S` toggles, live growth.

use super::app::*;
use crate::model::Analysis;
use crate::report::groups::{GroupKey, Groups};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;

/// Real captures with different failures (and some successes), analysed one by one and put
/// together as one analysis of more connections than the text report's threshold (20).
const CAPTURES: &[&str] = &[
    "many-connections.pcap",
    "seed-jsse-empty-cert.pcap",
    "rule-client-cert-expired.pcap",
    "rule-empty-ca-list.pcap",
    "rule-hostname-mismatch.pcap",
    "rule-protocol-version.pcap",
    "rule-server-cert-expired.pcap",
    "rule-unrecognized-name.pcap",
    "no-shared-cipher.pcap",
    "client-untrusts-server.pcap",
    "hostile-sni.pcap",
    "derived-gap.pcap",
];

fn combined(names: &[&str]) -> Analysis {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut all = Analysis::default();
    for name in names {
        let a = crate::analyze::analyze_path(&dir.join(name), &Default::default()).unwrap();
        all.connections.extend(a.connections);
    }
    for (i, c) in all.connections.iter_mut().enumerate() {
        c.id = i + 1;
    }
    all
}

fn big_app() -> App {
    let mut app = App::new("combined captures", false);
    app.update(Msg::Analysis(Box::new(combined(CAPTURES))));
    app
}

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn rows(app: &App, w: u16, h: u16) -> Vec<String> {
    let mut app = app.clone();
    app.update(Msg::Resize(w, h));
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| super::views::render(&app, f)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

#[test]
fn a_big_capture_opens_on_the_summary_and_its_answer_comes_first() {
    let app = big_app();
    let n = app.analysis.connections.len();
    assert!(n > 20, "{n} connections");
    assert_eq!(app.view, View::Summary);
    let g = Groups::of(&app.analysis.connections);
    assert_eq!(app.summary, g);
    let top = &g.by_cause.groups[0];
    let s = rows(&app, 80, 24);
    let want = format!(
        "{} of {n} connections failed — most: {} × {}",
        g.failures,
        top.count,
        top.key.label()
    );
    // Below the title line, the first line inside the box is the answer.
    assert!(s[2].contains(&want), "{s:#?}");
}

/// Every group of every dimension, its count and its label, appears whole on one screen row
/// (the selection walks through them; the view scrolls to it), at each size.
#[test]
fn every_group_appears_whole_at_every_size() {
    let app0 = big_app();
    let g = app0.summary.clone();
    let all: Vec<_> = super::summary_view::items(&g)
        .into_iter()
        .cloned()
        .collect();
    assert!(g.by_cause.groups.len() >= 6, "{:?}", g.by_cause);
    for (w, h) in [(80u16, 24u16), (120, 40), (200, 50)] {
        let mut app = app0.clone();
        app.update(Msg::Resize(w, h));
        for (i, grp) in all.iter().enumerate() {
            assert_eq!(app.summary_sel, i);
            let s = rows(&app, w, h);
            let label = crate::report::safe(&grp.key.label()).into_owned();
            let want = format!("▶ {:>6} × {label}", grp.count);
            // Long labels (a hostile SNI) wrap under themselves: the selected row starts
            // with the count and the label's start, and the label is whole across rows.
            let row = s
                .iter()
                .position(|r| r.contains(&format!("▶ {:>6} × ", grp.count)))
                .unwrap_or_else(|| panic!("{w}x{h}: group {i} {want:?} not on screen: {s:#?}"));
            let joined: String = s[row..]
                .iter()
                .take(4)
                .map(|r| r.trim_start_matches('│').trim_end_matches('│').trim())
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                joined.contains(want.trim_start_matches("▶ ").trim_start()),
                "{w}x{h}: {want:?} in {joined:?}"
            );
            if crate::tui::text::width(&want) + 2 <= usize::from(w) - 2 {
                assert!(
                    s[row].contains(&want),
                    "{w}x{h}: {want:?} cut: {:?}",
                    s[row]
                );
            }
            assert!(
                s.iter()
                    .any(|r| r.contains(&format!("e.g. #{}", grp.example))),
                "{w}x{h}: example of group {i}"
            );
            app.update(key(KeyCode::Down));
        }
    }
}

#[test]
fn enter_shows_the_groups_connections_on_its_example_and_esc_all_again() {
    let mut app = big_app();
    let total = app.visible().len();
    let first = app.summary.by_cause.groups[0].clone();
    app.update(key(KeyCode::Enter));
    assert_eq!(app.view, View::Main);
    let v = app.visible();
    assert_eq!(v.len(), first.count);
    for i in &v {
        let c = &app.analysis.connections[*i];
        assert_eq!(crate::report::groups::cause(c), first.key.label());
    }
    assert_eq!(app.current().unwrap().id, first.example);
    assert!(app
        .status
        .starts_with(&format!("{} × {}", first.count, first.key.label())));
    // Esc in the list: every connection again, still on the same one.
    app.update(key(KeyCode::Esc));
    assert_eq!(app.visible().len(), total);
    assert_eq!(app.current().unwrap().id, first.example);
    // A server group filters by address and SNI.
    app.update(key(KeyCode::Char('S')));
    assert_eq!(app.view, View::Summary);
    let n_cause = app.summary.by_cause.groups.len();
    for _ in 0..n_cause {
        app.update(key(KeyCode::Down));
    }
    let server = app.summary.by_server.groups[0].clone();
    assert!(matches!(server.key, GroupKey::Server { .. }));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.visible().len(), server.count);
    assert_eq!(app.current().unwrap().id, server.example);
}

#[test]
fn s_toggles_and_help_names_the_summary() {
    let mut app = big_app();
    app.update(key(KeyCode::Char('S')));
    assert_eq!(app.view, View::Main);
    let s = rows(&app, 120, 40).join("\n");
    assert!(s.contains("Connections"), "{s}");
    app.update(key(KeyCode::Char('?')));
    let s = rows(&app, 80, 24).join("\n");
    assert!(s.contains("S: summary of failures"), "{s}");
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('S')));
    assert_eq!(app.view, View::Summary);
    app.update(key(KeyCode::Char('?')));
    let s = rows(&app, 80, 24).join("\n");
    assert!(s.contains("the connections of that group"), "{s}");
    app.update(key(KeyCode::Esc));
    assert_eq!(app.view, View::Summary);
}

/// Live: a small analysis keeps the connection list; when it grows past 20 connections the
/// summary opens — unless the user has pressed a key meanwhile. The selected group stays
/// selected as counts change.
#[test]
fn live_growth_opens_the_summary_until_a_key_is_pressed() {
    let mut app = App::new("live on lo", false);
    app.live_source = Some(("lo".into(), Some("tcp".into())));
    let s = rows(&app, 80, 24).join("\n");
    assert!(s.contains("waiting for traffic on lo (filter tcp)"), "{s}");
    app.update(Msg::Analysis(Box::new(combined(&[
        "many-connections.pcap",
    ]))));
    assert_eq!(app.view, View::Main, "13 connections: the list");
    app.update(Msg::Analysis(Box::new(combined(CAPTURES))));
    assert_eq!(app.view, View::Summary);
    // Select the second cause group, then a bigger snapshot arrives: still that group.
    assert_eq!(app.summary_sel, 0, "opened on the biggest cause");
    app.update(key(KeyCode::Down));
    let k = super::summary_view::items(&app.summary)[1].key.clone();
    let mut more = CAPTURES.to_vec();
    more.extend(["rule-client-cert-expired.pcap"; 3]);
    app.update(Msg::Analysis(Box::new(combined(&more))));
    assert_eq!(
        super::summary_view::items(&app.summary)[app.summary_sel].key,
        k
    );
    // Once a key was pressed, growth no longer switches views.
    let mut app = App::new("live on lo", false);
    app.update(key(KeyCode::Down));
    app.update(Msg::Analysis(Box::new(combined(CAPTURES))));
    assert_eq!(app.view, View::Main);
}

#[test]
fn a_hostile_sni_is_escaped_in_the_summary() {
    let app = big_app();
    let g = &app.summary.by_server.groups;
    assert!(g.iter().any(|g| g.key.label().contains('\u{1b}')));
    let mut app = app.clone();
    for _ in 0..super::summary_view::items(&app.summary).len() {
        let s = rows(&app, 200, 50).join("\n");
        assert!(!s.contains('\u{1b}') && !s.contains('\u{202e}'));
        app.update(key(KeyCode::Down));
    }
    let s = {
        let (lines, _) = super::summary_view::summary_layout(&app, 500);
        lines
            .iter()
            .map(super::text::line_text)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(s.contains("(SNI evil\\u{1b}[2J"), "{s}");
}
#[test]
fn times_are_short_and_whole() {
    let app = big_app();
    let (lines, _) = super::summary_view::summary_layout(&app, 76);
    let text: Vec<String> = lines.iter().map(super::text::line_text).collect();
    let g = &app.summary.by_cause.groups[0];
    // The first cause group: connections on two days, so both dates.
    assert_eq!(&g.first_time[..10], "2026-11-24");
    assert_eq!(&g.last_time[..10], "2026-12-02");
    let want = format!(
        "e.g. #{} · 2026-11-24 {} … 2026-12-02 {} UTC",
        g.example,
        &g.first_time[11..19],
        &g.last_time[11..19]
    );
    assert!(text.iter().any(|l| l.trim() == want), "{text:#?}");
}
