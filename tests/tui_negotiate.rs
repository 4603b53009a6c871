//! HTTP Negotiate FROM THE PROBE FORM (issue 14 §1/§2, TUI part) against real parts: the auth
//! lab's throwaway MIT realm (its KDC on loopback, stopped by PID) and its HTTPS SOAP server
//! demanding Negotiate (scripts/auth-lab/soap_server.py, stopped by PID). The form is driven
//! with key events, the probe runs as the UI's worker runs it (`ProbeRun::execute`, in this
//! process), and the result view is read off ratatui's TestBackend at 80×24 and 120×40.
//!
//! The probe takes the Kerberos configuration and the kinit cache from the environment, as
//! `tlsdiag tui` run by a user does (KRB5_CONFIG, KRB5CCNAME); this crate sets them for the
//! whole process, so it holds ONE test (the cases run one after another, no other thread
//! reads the environment meanwhile).
//!
//! Skipped with a message when built without the kerberos feature or when the KDC tools or
//! python3-gssapi are missing — except in CI (`CI` set), where scripts/setup.sh installs them
//! and a missing part fails the test.

mod auth_lab;
mod tui_harness;

use auth_lab::{kerberos_parts, server, Lab, REALM};
use crossterm::event::KeyCode;
use tlsdiag::model::http_auth::{AuthScheme, KerberosErrorKind, MutualAuth};
use tlsdiag::tui::app::{App, View};
use tlsdiag::tui::form::Field;
use tui_harness::*;

const NEG_SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// The result view's screens (scrolled top to bottom) as one text: borders dropped, runs of
/// white space made one, so a fact wrapped over lines reads whole — and a fact cut off (by
/// the pane's edge or by `fit`) does not.
fn flat(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| l.replace(['│', '┌', '┐', '└', '┘', '─'], " "))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every content line of the result view fits its pane at width `w` (wrapped, never clipped).
fn nothing_cut(app: &App, w: u16) {
    let inner = usize::from(w - 2);
    for l in tlsdiag::tui::views::result_content(app, inner) {
        let t: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(
            unicode_width::UnicodeWidthStr::width(t.as_str()) <= inner,
            "{w}: line wider than the pane: {t}"
        );
    }
}

/// The form filled for a Negotiate probe of `url` (the lab's server certificate is issued
/// under the Partner root), with `spn` typed if given.
fn negotiate_form(url: &str, spn: Option<&str>) -> App {
    let mut app = seed_app();
    app.update(key(KeyCode::Char('p')));
    assert_eq!(app.view, View::ProbeForm);
    fill(&mut app, Field::Url, url);
    fill(
        &mut app,
        Field::Trust,
        &cap("pki/partner-root.pem").display().to_string(),
    );
    select(&mut app, Field::HttpAuth);
    for _ in 0..3 {
        if app.form.choice(Field::HttpAuth) == 2 {
            break;
        }
        app.update(key(KeyCode::Right));
    }
    assert_eq!(app.form.choice(Field::HttpAuth), 2, "Negotiate chosen");
    if let Some(s) = spn {
        fill(&mut app, Field::Spn, s);
    }
    app
}

#[test]
fn negotiate_from_the_form_against_a_real_kdc() {
    if !kerberos_parts() {
        return;
    }
    let lab = Lab::start();
    let srv = server(Some(&lab), &["--auth", "negotiate"]);
    let url = format!("https://localhost:{}/soap", srv.port);
    let cc = lab.kinit("cc-alice");
    // What a user's shell gives `tlsdiag tui` after kinit (see the head comment).
    std::env::set_var("KRB5_CONFIG", lab.conf());
    std::env::set_var("KRB5CCNAME", &cc);
    std::env::remove_var("KRB5_CLIENT_KTNAME");
    let alice = format!("alice@{REALM}");

    // (a) The kinit cache: HTTP 200, Negotiate, the server's answer token verified.
    let mut app = negotiate_form(&url, None);
    let run = run_probe(&mut app);
    assert_eq!(app.view, View::ProbeResult);
    let rep = run.result.as_ref().expect("the probe ran");
    assert!(rep.succeeded, "{:?}", rep.error);
    let http = rep.http.as_ref().expect("an HTTP answer");
    assert_eq!(http.status, 200);
    let a = http.auth.as_ref().expect("the auth story");
    assert_eq!(a.scheme, AuthScheme::Negotiate);
    assert!(a.accepted);
    let k = a.kerberos.as_ref().expect("Kerberos facts");
    assert_eq!(k.client_principal.as_deref(), Some(alice.as_str()));
    assert_eq!(k.spn, "HTTP/localhost");
    assert_eq!(k.mutual_auth, MutualAuth::Verified);
    let sent = a
        .attempts
        .iter()
        .find_map(|t| t.sent.as_ref())
        .expect("a request with a token");
    assert_eq!(sent.token_kind, "spnego-init");
    let first = tlsdiag::tui::views::probe_findings(rep);
    assert_eq!(first[0].code, "http-auth-accepted");
    for (w, h) in NEG_SIZES {
        let lines = all_result_lines(&mut app, w, h);
        let all = lines.join("\n");
        assert!(
            lines[2].contains("✓ HTTP 200 OK"),
            "{w}x{h}: the answer first:\n{all}"
        );
        let text = flat(&lines);
        for fact in [
            "http-auth-accepted".to_owned(),
            format!("auth Negotiate · {}", a.summary),
            format!(
                "Authorization: Negotiate (spnego-init, {} bytes) → HTTP 200",
                sent.token_len
            ),
            format!(
                "Kerberos {alice} from the credential cache → HTTP/localhost · mutual authentication verified"
            ),
        ] {
            assert!(text.contains(&fact), "{w}x{h}: '{fact}' not whole:\n{all}");
        }
        assert!(a.summary.starts_with("Negotiate sent preemptively"));
        nothing_cut(&app, w);
    }

    // (b) An SPN the KDC does not know: the finding names it with the KDC's own text.
    let mut app = negotiate_form(&url, Some("HTTP/nosuch.test"));
    let run = run_probe(&mut app);
    let rep = run.result.as_ref().expect("the probe ran");
    assert!(!rep.succeeded);
    let k = rep
        .http
        .as_ref()
        .and_then(|h| h.auth.as_ref())
        .and_then(|a| a.kerberos.as_ref())
        .expect("Kerberos facts");
    let fail = k.failure.as_ref().expect("the GSSAPI failure");
    assert_eq!(fail.kind, KerberosErrorKind::SpnUnknown);
    let mit = format!("Server HTTP/nosuch.test@{REALM} not found in Kerberos database");
    assert!(fail.minor_text.contains(&mit), "{}", fail.minor_text);
    let findings = tlsdiag::tui::views::probe_findings(rep);
    assert_eq!(findings[0].code, "kerberos-spn-unknown", "the answer first");
    assert!(
        findings[0].evidence.iter().any(|e| e.value.contains(&mit)),
        "{:?}",
        findings[0].evidence
    );
    let fix = findings[0].fix.clone().expect("a fix");
    for (w, h) in NEG_SIZES {
        let lines = all_result_lines(&mut app, w, h);
        let all = lines.join("\n");
        assert!(lines[2].contains('✗'), "{w}x{h}: a failure first:\n{all}");
        app.update(key(KeyCode::Home));
        let top = flat(&screen(&mut app, w, h));
        assert!(
            top.contains("✗ kerberos-spn-unknown (first of"),
            "{w}x{h}: the finding under the answer:\n{all}"
        );
        let text = flat(&lines);
        assert!(text.contains(&mit), "{w}x{h}: MIT's text not whole:\n{all}");
        assert!(
            text.contains("→ HTTP/nosuch.test"),
            "{w}x{h}: the SPN asked for:\n{all}"
        );
        let fix_flat = fix.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&fix_flat), "{w}x{h}: fix not whole:\n{all}");
        nothing_cut(&app, w);
    }
}
