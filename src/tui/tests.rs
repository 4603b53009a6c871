//! The TUI on the seed and many-connections captures: navigation, snapshots of every view at
//! three sizes, the answer never cut, help, End/Home, the `p`-key bug, per-message details, live,
//! mouse, the HTTP layer. Over 600 lines because the size × view checks share their helpers here;
//! the probe form and result view have their own file (tests/tui_probe.rs).

use super::app::*;
use super::form::Field;
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

/// A typed secret's text (tests only).
fn typed(s: &crate::probe::request::Secret) -> Option<String> {
    match s {
        crate::probe::request::Secret::Typed(p) => p.as_ref().map(|p| p.expose().to_owned()),
        _ => None,
    }
}

fn failed_probe(e: &str) -> Msg {
    Msg::ProbeDone(Box::new(ProbeRun {
        result: Err(e.into()),
        saved: Vec::new(),
        save_error: None,
    }))
}

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// The screen as text, with start times (wall-clock of the capture) kept: the captures are
/// committed, so the frame is deterministic.
fn draw(app: &App, w: u16, h: u16) -> String {
    grid(app, w, h)
        .iter()
        .map(|row| row.concat() + "\n")
        .collect()
}

/// The screen as cells (one string per cell), at a terminal of `w`×`h` (the app is told the
/// size first, as the terminal loop does).
fn grid(app: &App, w: u16, h: u16) -> Vec<Vec<String>> {
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
fn opens_on_the_first_failed_connection() {
    let app = many_app();
    let c = app.current().unwrap();
    assert_eq!(c.tls.outcome.status, crate::model::OutcomeStatus::Failed);
}

#[test]
fn filter_sort_and_navigation() {
    let mut app = many_app();
    let n = app.visible().len();
    assert_eq!(n, 13, "9 TLS connections and 4 plain HTTP");
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
    assert_eq!(app.visible().len(), 13);
    app.update(key(KeyCode::Char('s')));
    assert_eq!(app.sort, Sort::Outcome);
    let first = app.visible()[0];
    assert_eq!(
        app.analysis.connections[first].tls.outcome.status,
        crate::model::OutcomeStatus::Failed
    );
    app.update(key(KeyCode::End));
    assert_eq!(app.selected, 12);
    app.update(key(KeyCode::Tab));
    assert_eq!(app.pane, Pane::Ladder);
    assert!(matches!(
        app.update(key(KeyCode::Char('q')))[..],
        [Effect::Quit]
    ));
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
    let url = app.form.get(Field::Url).to_owned();
    assert!(url.starts_with("https://partner.test:8443"), "{url}");
    for _ in 0..3 {
        app.update(key(KeyCode::Tab));
    }
    app.update(key(KeyCode::Enter));
    assert!(app.form.editing);
    for ch in "s3cret".chars() {
        app.update(key(KeyCode::Char(ch)));
    }
    let screen = draw(&app, 100, 30);
    assert!(!screen.contains("s3cret"), "password shown");
    assert!(screen.contains("••••••"));
    // On to the HTTP proxy, still editing (Tab passes the switches and choices between).
    while app.form.selected() != Field::Proxy {
        app.update(key(KeyCode::Tab));
    }
    assert!(app.form.editing);
    for ch in "http://127.0.0.1:3128".chars() {
        app.update(key(KeyCode::Char(ch)));
    }
    app.update(key(KeyCode::Enter));
    assert!(!app.form.editing);
    assert!(draw(&app, 100, 30).contains("HTTP proxy: http://127.0.0.1:3128"));
    let fx = app.update(key(KeyCode::Char('r')));
    let [Effect::RunProbe(req)] = &fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(typed(&req.keystore_password).as_deref(), Some("s3cret"));
    assert_eq!(req.proxy.as_deref(), Some("http://127.0.0.1:3128"));
    assert!(app.probe_running);
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

/// Snapshots of every view at 80×24, 120×40 and 200×50 (review with `cargo insta review`).
#[test]
fn snapshots_of_every_view_at_three_sizes() {
    for (w, h) in SIZES {
        let mut app = seed_app();
        insta::assert_snapshot!(format!("main_{w}x{h}"), draw(&app, w, h));
        insta::assert_snapshot!(format!("many_{w}x{h}"), draw(&many_app(), w, h));
        app.update(key(KeyCode::Enter));
        assert_eq!(app.pane, Pane::Details);
        insta::assert_snapshot!(format!("details_focus_{w}x{h}"), draw(&app, w, h));
        app.update(key(KeyCode::Esc));
        app.update(key(KeyCode::Char('?')));
        insta::assert_snapshot!(format!("help_{w}x{h}"), draw(&app, w, h));
        app.update(key(KeyCode::Esc));
        with_probe_comparison(&mut app);
        app.update(key(KeyCode::Char('c')));
        assert_eq!(app.view, View::Compare);
        insta::assert_snapshot!(format!("compare_{w}x{h}"), draw(&app, w, h));
        app.update(key(KeyCode::Esc));
        app.update(key(KeyCode::Char('p')));
        insta::assert_snapshot!(format!("probe_form_{w}x{h}"), draw(&app, w, h));
    }
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

/// Text inside a rectangle of cells, rows joined by spaces, whitespace collapsed.
fn region(g: &[Vec<String>], x0: usize, y0: usize, x1: usize, y1: usize) -> String {
    let mut s = String::new();
    for row in g.iter().take(y1).skip(y0) {
        s.push(' ');
        s.push_str(&row.iter().take(x1).skip(x0).cloned().collect::<String>());
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn lines_of(g: &[Vec<String>]) -> Vec<String> {
    g.iter().map(|r| r.concat()).collect()
}

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 50)];

/// Issue 18 §1: the answer is never cut. At each size and in every view of the seed capture,
/// the diagnosis code and each accepted CA name appear whole on one line of the screen.
#[test]
fn the_answer_is_whole_at_every_size_in_every_view() {
    let base = seed_app();
    let code = "client-sent-empty-certificate";
    let cas: Vec<String> = base
        .current()
        .unwrap()
        .tls
        .certificate_request
        .as_ref()
        .unwrap()
        .certificate_authorities
        .iter()
        .map(|d| d.text.clone())
        .collect();
    assert_eq!(cas.len(), 2);
    let check = |what: &str, app: &App, w: u16, h: u16| {
        let g = grid(app, w, h);
        let lines = lines_of(&g);
        let all = lines.join("\n");
        assert!(
            lines.iter().any(|l| l.contains(code)),
            "{what} {w}x{h}: diagnosis code not whole:\n{all}"
        );
        for ca in &cas {
            assert!(
                lines.iter().any(|l| l.contains(ca.as_str())),
                "{what} {w}x{h}: CA name {ca} not whole:\n{all}"
            );
        }
    };
    for (w, h) in SIZES {
        for pane in [
            Pane::Connections,
            Pane::Ladder,
            Pane::Diagnosis,
            Pane::Details,
        ] {
            let mut app = base.clone();
            app.pane = pane;
            check(&format!("main/{pane:?}"), &app, w, h);
        }
        // The connections table: the code and the outcome whole in its row.
        let lines = lines_of(&grid(&base, w, h));
        let row = lines.iter().find(|l| l.contains("⚠ EMPTY")).unwrap();
        assert!(
            row.contains(code) && row.contains("✗ handshake_failure"),
            "{row}"
        );
        // Compare (captured vs the mutual-TLS success standing in for a probe).
        let mut app = base.clone();
        with_probe_comparison(&mut app);
        app.update(key(KeyCode::Char('c')));
        let g = grid(&app, w, h);
        let lines = lines_of(&g);
        let all = lines.join("\n");
        for ca in &cas {
            let mut app2 = app.clone();
            // Scroll until the CA list is on screen (a short terminal shows it further down).
            let mut seen = lines.iter().any(|l| l.contains(ca.as_str()));
            for _ in 0..40 {
                if seen {
                    break;
                }
                app2.update(key(KeyCode::Down));
                seen = lines_of(&grid(&app2, w, h))
                    .iter()
                    .any(|l| l.contains(ca.as_str()));
            }
            assert!(seen, "compare {w}x{h}: {ca} never whole:\n{all}");
        }
        assert!(all.contains("Decisive difference"), "{all}");
    }
}

/// Help boxes fit the terminal and every entry of them is on screen, whole (wrapped inside the
/// box, never cut), for the main view and for compare.
#[test]
fn help_fits_at_every_size() {
    for (w, h) in SIZES {
        for from_compare in [false, true] {
            let mut app = seed_app();
            if from_compare {
                with_probe_comparison(&mut app);
                app.update(key(KeyCode::Char('c')));
            }
            app.update(key(KeyCode::Char('?')));
            assert_eq!(app.view, View::Help);
            let g = grid(&app, w, h);
            let lines = lines_of(&g);
            let y0 = lines
                .iter()
                .position(|l| l.contains("Keys (any key closes)"))
                .unwrap_or_else(|| panic!("no help box at {w}x{h}"));
            let row = &g[y0];
            let x0 = row.iter().position(|c| c == "┌").unwrap();
            let x1 = row.iter().rposition(|c| c == "┐").unwrap();
            let y1 = (y0 + 1..g.len())
                .find(|y| g[*y][x0] == "└")
                .unwrap_or_else(|| panic!("help box has no bottom at {w}x{h}"));
            let text = region(&g, x0 + 1, y0 + 1, x1, y1);
            let entries = if from_compare {
                super::views::COMPARE_HELP
            } else {
                super::views::HELP
            };
            for (k, v) in entries {
                let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(text.contains(&v), "{w}x{h}: help '{k}' cut: {text}");
            }
            app.update(key(KeyCode::Esc));
            let back = if from_compare {
                View::Compare
            } else {
                View::Main
            };
            assert_eq!(app.view, back);
        }
    }
}

/// `End` shows the last lines of the focused pane (not a blank pane); `Home` the first.
#[test]
fn end_and_home_show_the_last_and_first_lines() {
    for (w, h) in SIZES {
        for pane in [Pane::Ladder, Pane::Diagnosis, Pane::Details] {
            let mut app = seed_app();
            app.update(Msg::Resize(w, h));
            app.pane = pane;
            app.update(key(KeyCode::End));
            let a = super::views::main_areas(&app, ratatui::layout::Rect::new(0, 0, w, h));
            let (r, content) = match pane {
                Pane::Ladder => (
                    a.ladder,
                    super::views::ladder_content(&app, usize::from(a.ladder.width - 2)),
                ),
                Pane::Diagnosis => (
                    a.diagnosis,
                    super::views::diagnosis_content(&app, usize::from(a.diagnosis.width - 2)),
                ),
                _ => (
                    a.details,
                    super::views::details_content(&app, usize::from(a.details.width - 2)),
                ),
            };
            let last = content
                .iter()
                .map(super::text::line_text)
                .rfind(|l| !l.trim().is_empty())
                .unwrap();
            let g = grid(&app, w, h);
            let inside = |y: u16| {
                g[usize::from(y)]
                    .iter()
                    .take(usize::from(r.x + r.width - 1))
                    .skip(usize::from(r.x + 1))
                    .cloned()
                    .collect::<String>()
            };
            let rows: Vec<String> = (r.y + 1..r.y + r.height - 1).map(inside).collect();
            assert!(
                rows.iter().any(|l| l.trim_end() == last.trim_end()),
                "{pane:?} {w}x{h}: End does not show the last line {last:?}: {rows:#?}"
            );
            assert!(
                !rows.iter().all(|l| l.trim().is_empty()),
                "{pane:?} {w}x{h}: blank pane after End"
            );
            // One step up from End moves at once (the offset was not left past the end).
            let before = (app.ladder_scroll, app.diagnosis_scroll, app.details_scroll);
            app.update(key(KeyCode::Up));
            let after = (app.ladder_scroll, app.diagnosis_scroll, app.details_scroll);
            if pane == Pane::Ladder {
                // On the ladder, End/Up select the last / previous message.
                let n = app.current().unwrap().tls.messages.len();
                assert_eq!(app.ladder_sel, Some(n - 2), "{w}x{h}");
            } else if before != (0, 0, 0) {
                assert_ne!(before, after, "{pane:?} {w}x{h}");
            }
            app.update(key(KeyCode::Home));
            assert_eq!(
                (app.ladder_scroll, app.diagnosis_scroll, app.details_scroll),
                (0, 0, 0)
            );
        }
    }
}

/// Issue 18: after a failed probe, `p` (or any letter) is not typed into the password field —
/// the form comes back without edit focus; typing needs Enter first.
#[test]
fn a_key_after_a_failed_probe_is_not_typed_into_a_field() {
    let mut app = seed_app();
    app.update(key(KeyCode::Char('p')));
    for _ in 0..3 {
        app.update(key(KeyCode::Tab));
    }
    app.update(key(KeyCode::Enter));
    for ch in "changeit".chars() {
        app.update(key(KeyCode::Char(ch)));
    }
    // Still editing the password when the probe is started from the keyboard? Enter ends the
    // edit; r runs.
    app.update(key(KeyCode::Enter));
    let fx = app.update(key(KeyCode::Char('r')));
    assert!(
        matches!(&fx[..], [Effect::RunProbe(r)] if typed(&r.keystore_password).as_deref() == Some("changeit"))
    );
    app.update(failed_probe("connection refused"));
    // The failure is shown in the result view; `p` opens the form again, not in a field.
    assert_eq!(app.view, View::ProbeResult);
    assert!(draw(&app, 80, 24).contains("probe failed: connection refused"));
    let before = app.form.text.clone();
    app.update(key(KeyCode::Char('p')));
    assert_eq!(app.view, View::ProbeForm);
    assert!(!app.form.editing);
    app.update(key(KeyCode::Char('p')));
    app.update(key(KeyCode::Char('x')));
    assert_eq!(
        app.form.text, before,
        "a command key was typed into a field"
    );
    // A second run sends the same password.
    let fx = app.update(key(KeyCode::Char('r')));
    assert!(
        matches!(&fx[..], [Effect::RunProbe(r)] if typed(&r.keystore_password).as_deref() == Some("changeit")),
        "{fx:?}"
    );
    // Even when the probe failed while a field was being edited.
    let mut app = seed_app();
    app.update(key(KeyCode::Char('p')));
    let fx = app.update(key(KeyCode::Char('r')));
    assert!(!fx.is_empty());
    app.update(key(KeyCode::Enter));
    assert!(app.form.editing);
    app.update(failed_probe("refused"));
    let url = app.form.get(Field::Url).to_owned();
    app.update(key(KeyCode::Char('p')));
    app.update(key(KeyCode::Char('p')));
    assert_eq!(app.form.get(Field::Url), url);
}

/// Issue 18 §2: selecting a ladder line shows that message in full — every CA name and every
/// signature algorithm of the CertificateRequest, each server certificate with subject, issuer,
/// key, validity, SAN and EKU — and `y` copies it.
#[test]
fn a_ladder_message_in_full_and_copied() {
    let mut app = seed_app();
    app.update(Msg::Resize(80, 24));
    app.pane = Pane::Ladder;
    let c = app.current().unwrap().clone();
    let at = |kind: crate::model::HandshakeType, from: crate::model::Side| {
        c.tls
            .messages
            .iter()
            .position(|m| m.kind.is(kind) && m.from == from)
            .unwrap()
    };
    let cr = at(
        crate::model::HandshakeType::CERTIFICATE_REQUEST,
        crate::model::Side::Server,
    );
    for _ in 0..=cr {
        app.update(key(KeyCode::Down));
    }
    assert_eq!(app.ladder_sel, Some(cr));
    let text: String = super::views::details_content(&app, 78)
        .iter()
        .map(|l| super::text::line_text(l) + "\n")
        .collect();
    let req = c.tls.certificate_request.as_ref().unwrap();
    for dn in &req.certificate_authorities {
        assert!(text.contains(&dn.text), "{text}");
    }
    assert_eq!(req.signature_algorithms.len(), 20);
    for a in &req.signature_algorithms {
        assert!(
            text.contains(a.label().as_str()),
            "{} missing:\n{text}",
            a.label()
        );
    }
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("Details: CertificateRequest (frame 6)"),
        "{screen}"
    );
    for dn in &req.certificate_authorities {
        assert!(screen.contains(&dn.text), "{screen}");
    }
    // y: the same text on the clipboard.
    let fx = app.update(key(KeyCode::Char('y')));
    match &fx[..] {
        [Effect::Copy(t)] => {
            for dn in &req.certificate_authorities {
                assert!(t.contains(&dn.text), "{t}");
            }
        }
        other => panic!("{other:?}"),
    }
    // The server's Certificate: each certificate with its facts.
    let sc = at(
        crate::model::HandshakeType::CERTIFICATE,
        crate::model::Side::Server,
    );
    for _ in 0..10 {
        app.update(key(KeyCode::Up));
    }
    for _ in 0..sc {
        app.update(key(KeyCode::Down));
    }
    assert_eq!(app.ladder_sel, Some(sc));
    let text: String = super::views::details_content(&app, 78)
        .iter()
        .map(|l| super::text::line_text(l) + "\n")
        .collect();
    assert_eq!(c.tls.server_certificates.len(), 2);
    for cert in &c.tls.server_certificates {
        assert!(text.contains(&cert.subject.text), "{text}");
        assert!(text.contains(&cert.issuer.text), "{text}");
        assert!(text.contains(&cert.not_after), "{text}");
        for d in &cert.san_dns {
            assert!(text.contains(&format!("DNS:{d}")), "{text}");
        }
        for e in &cert.extended_key_usage {
            assert!(text.contains(e.as_str()), "{text}");
        }
        // The key as every face names it (model::PublicKeyInfo::label): `RSA 2048`.
        let key = cert.public_key.label();
        assert!(
            text.lines()
                .any(|l| l.starts_with("key ") && l.trim_end().ends_with(&key)),
            "{key}:\n{text}"
        );
    }
    for k in ["subject", "issuer", "key", "validity", "SAN", "EKU"] {
        assert!(text.lines().any(|l| l.starts_with(k)), "{k}:\n{text}");
    }
    // Esc on the ladder: back to the connection's facts.
    app.update(key(KeyCode::Esc));
    assert_eq!(app.ladder_sel, None);
    assert!(draw(&app, 80, 24).contains("Details: connection"));
}

/// Issue 18 §5: live mode says what it watches before any packet arrives, with counters.
#[test]
fn live_waits_visibly_with_interface_filter_and_counters() {
    let mut app = App::new("live on lo", false);
    app.live_source = Some(("lo".into(), Some("tcp port 8443".into())));
    let s = draw(&app, 80, 24);
    assert!(
        s.contains("waiting for traffic on lo (filter tcp port 8443)"),
        "{s}"
    );
    app.update(Msg::Live {
        frames: 12,
        our_drops: 0,
        pcap_drops: 3,
    });
    let s = draw(&app, 120, 40);
    assert!(s.contains("12 packets so far"), "{s}");
    assert!(
        s.contains("live: 12 packets, 0 handshakes, dropped 0 (ours) 3 (libpcap)"),
        "{s}"
    );
}

/// Issue 18 §6: a click selects a connection or a ladder message; the wheel scrolls the pane
/// under the pointer.
#[test]
fn mouse_click_selects_and_wheel_scrolls() {
    let mut app = many_app();
    app.update(Msg::Resize(120, 40));
    let a = super::views::main_areas(&app, ratatui::layout::Rect::new(0, 0, 120, 40));
    // Third data row of the connections table (border, header, rows).
    app.update(Msg::Mouse(MouseAct::Click, 5, a.list.y + 4));
    assert_eq!(app.selected, 2);
    assert_eq!(app.pane, Pane::Connections);
    // A click on the ladder's first line selects its first message.
    app.update(Msg::Mouse(MouseAct::Click, a.ladder.x + 5, a.ladder.y + 1));
    assert_eq!(app.pane, Pane::Ladder);
    assert_eq!(app.ladder_sel, Some(0));
    // The wheel over the connections moves the selection; over the diagnosis it focuses it.
    app.update(Msg::Mouse(MouseAct::WheelDown, 5, a.list.y + 3));
    assert_eq!(app.selected, 3);
    app.update(Msg::Mouse(
        MouseAct::WheelDown,
        a.diagnosis.x + 3,
        a.diagnosis.y + 3,
    ));
    assert_eq!(app.pane, Pane::Diagnosis);
}

#[test]
fn details_show_the_http_layer_of_a_keylogged_capture() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut opts = crate::analyze::AnalyzeOptions::default();
    opts.decode.keylog = Some(std::sync::Arc::new(
        crate::tls::keylog::KeyLog::from_file(&dir.join("http-negotiate-401.keylog")).unwrap(),
    ));
    let a = crate::analyze::analyze_path(&dir.join("http-negotiate-401.pcap"), &opts).unwrap();
    let mut app = App::new("captures/http-negotiate-401.pcap", false);
    app.update(Msg::Analysis(Box::new(a)));
    let text: Vec<String> = super::views::details_content(&app, 200)
        .iter()
        .map(super::text::line_text)
        .collect();
    let all = text.join("\n");
    assert!(all.contains("HTTP (inside TLS)"), "{all}");
    assert!(
        all.contains("POST /soap (frame 10) · SOAPAction urn:tlsdiag:Ping"),
        "{all}"
    );
    assert!(
        all.contains("401 Unauthorized (frame 13) · WWW-Authenticate Negotiate"),
        "{all}"
    );
}
