//! The probe form and the probe result view (issue 18 §3, issue 14 §1's form part), drawn on
//! ratatui's TestBackend at 80×24, 120×40 and 200×50: every field reachable and whole, secrets
//! never on screen, keys never typed into a field by accident, the form turned into the
//! library's typed `ProbeRequest`; and the result of real probes against `openssl s_server`
//! (started and stopped by PID here) — finding code, HTTP status, SOAP fault and every CA name
//! the server sent appear whole, the saved pcap exists, compare opens from the result.

mod tui_harness;

use crossterm::event::KeyCode;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tlsdiag::probe::request::{HttpAuthRequest, Secret, SoapVersion, TlsVersions};
use tlsdiag::tui::app::{Effect, Msg, ProbeRun, View};
use tlsdiag::tui::form::{Field, FIELDS};
use tui_harness::*;

#[test]
fn every_field_is_reachable_whole_and_fits_at_every_size() {
    for (w, h) in SIZES {
        let mut app = seed_app();
        app.update(key(KeyCode::Char('p')));
        assert_eq!(app.view, View::ProbeForm);
        // Negotiate shows the Kerberos fields, Basic the user.
        for (auth, extra, hidden) in [
            (
                2,
                &[Field::Spn, Field::Principal, Field::Keytab][..],
                Field::User,
            ),
            (1, &[Field::User, Field::HttpPassword][..], Field::Spn),
        ] {
            select(&mut app, Field::HttpAuth);
            while app.form.choice(Field::HttpAuth) != auth {
                app.update(key(KeyCode::Right));
            }
            let shown: Vec<Field> = app.form.shown().iter().map(|i| FIELDS[*i].field).collect();
            for f in extra {
                assert!(shown.contains(f), "{f:?} not shown for auth {auth}");
            }
            assert!(!shown.contains(&hidden), "{hidden:?} shown for auth {auth}");
            // Every shown field, selected in turn, is on screen with its label whole, inside a
            // box that fits the terminal (its top and bottom border on screen).
            for f in &shown {
                select(&mut app, *f);
                let lines = screen(&mut app, w, h);
                let spec = FIELDS.iter().find(|s| s.field == *f).unwrap();
                assert!(
                    has_whole(&lines, &format!("{}:", spec.label)),
                    "{w}x{h}: field {} not on screen:\n{}",
                    spec.label,
                    lines.join("\n")
                );
                assert!(has_whole(&lines, spec.help.split(' ').next().unwrap()));
                let top = lines
                    .iter()
                    .position(|l| l.contains("Probe: our own SOAP call"))
                    .unwrap_or_else(|| panic!("{w}x{h}: no form title"));
                assert!(
                    lines.iter().skip(top + 1).any(|l| l.contains('└')),
                    "{w}x{h}: the form has no bottom border:\n{}",
                    lines.join("\n")
                );
            }
        }
    }
}

#[test]
fn secrets_are_masked_and_keys_never_land_in_a_field_by_accident() {
    let mut app = seed_app();
    app.update(key(KeyCode::Char('p')));
    fill(&mut app, Field::KeystorePassword, "s3cret-ks");
    select(&mut app, Field::HttpAuth);
    app.update(key(KeyCode::Char(' ')));
    assert_eq!(app.form.choice(Field::HttpAuth), 1, "Space: Basic");
    fill(&mut app, Field::HttpPassword, "s3cret-http");
    for (w, h) in SIZES {
        for f in [Field::KeystorePassword, Field::HttpPassword] {
            select(&mut app, f);
            let all = screen(&mut app, w, h).join("\n");
            assert!(!all.contains("s3cret"), "{w}x{h}: a password on screen");
            assert!(all.contains("•••••••••"), "{w}x{h}: the mask is shown");
        }
    }
    // Not editing: letters are commands, not text (q closes, nothing typed).
    let before = app.form.text.clone();
    select(&mut app, Field::Alias);
    app.update(key(KeyCode::Char('x')));
    assert_eq!(app.form.text, before);
    // Editing reaches a switch with Tab: letters are ignored there (neither typed nor run),
    // Space flips it.
    select(&mut app, Field::Alias);
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab));
    assert_eq!(app.form.selected(), Field::SendAnyway);
    assert!(app.form.editing);
    let fx = app.update(key(KeyCode::Char('r')));
    assert!(fx.is_empty(), "r while editing must not run the probe");
    assert_eq!(app.form.text, before);
    assert!(!app.form.on(Field::SendAnyway));
    app.update(key(KeyCode::Char(' ')));
    assert!(app.form.on(Field::SendAnyway));
    app.update(key(KeyCode::Enter));
    assert!(!app.form.editing, "Enter ends editing on a switch too");
    // Numbers take digits only.
    fill(&mut app, Field::Timeout, "7x5");
    assert_eq!(app.form.get(Field::Timeout), "75");
}

#[test]
fn the_form_becomes_the_typed_request() {
    let mut app = seed_app();
    app.update(key(KeyCode::Char('p')));
    fill(&mut app, Field::Url, "https://127.0.0.1:1/orders");
    fill(&mut app, Field::Identity, "/k/client.jks");
    fill(&mut app, Field::Alias, "client");
    fill(&mut app, Field::KeystorePassword, "changeit");
    select(&mut app, Field::SendAnyway);
    app.update(key(KeyCode::Enter));
    fill(&mut app, Field::Trust, "/k/roots.pem");
    select(&mut app, Field::Insecure);
    app.update(key(KeyCode::Char(' ')));
    fill(&mut app, Field::Sni, "partner.test");
    select(&mut app, Field::Tls);
    app.update(key(KeyCode::Left));
    fill(&mut app, Field::Timeout, "5");
    fill(&mut app, Field::Proxy, "http://127.0.0.1:3128");
    select(&mut app, Field::Soap);
    app.update(key(KeyCode::Right));
    fill(&mut app, Field::SoapAction, "urn:submit");
    fill(&mut app, Field::Envelope, "/k/env.xml");
    fill(&mut app, Field::Header, "X-Trace: 1");
    select(&mut app, Field::HttpAuth);
    app.update(key(KeyCode::Left));
    select(&mut app, Field::AuthMode);
    app.update(key(KeyCode::Right));
    fill(&mut app, Field::Spn, "HTTP/soap.test");
    fill(&mut app, Field::Principal, "alice@TEST");
    fill(&mut app, Field::Keytab, "/k/alice.keytab");
    select(&mut app, Field::Delegate);
    app.update(key(KeyCode::Char(' ')));
    fill(&mut app, Field::Lifetime, "600");
    fill(&mut app, Field::SavePcap, "/tmp/x.pcap");
    fill(&mut app, Field::SaveKeylog, "/tmp/x.keys");
    let fx = app.update(key(KeyCode::Char('r')));
    let [Effect::RunProbe(r)] = &fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(r.url, "https://127.0.0.1:1/orders");
    assert_eq!(r.identity, Some(PathBuf::from("/k/client.jks")));
    assert_eq!(r.alias.as_deref(), Some("client"));
    assert!(matches!(&r.keystore_password, Secret::Typed(Some(p)) if p.expose() == "changeit"));
    assert!(r.send_anyway && r.insecure);
    assert_eq!(r.trust, Some(PathBuf::from("/k/roots.pem")));
    assert_eq!(r.sni.as_deref(), Some("partner.test"));
    assert_eq!(r.tls, TlsVersions::Tls13Only);
    assert_eq!(r.timeout_secs, 5);
    assert_eq!(r.proxy.as_deref(), Some("http://127.0.0.1:3128"));
    assert_eq!(r.soap, SoapVersion::Soap12);
    assert_eq!(r.soap_action.as_deref(), Some("urn:submit"));
    assert_eq!(r.envelope, Some(PathBuf::from("/k/env.xml")));
    assert_eq!(r.headers, vec!["X-Trace: 1".to_owned()]);
    assert_eq!(
        r.http_auth,
        HttpAuthRequest::Negotiate {
            spn: Some("HTTP/soap.test".into()),
            principal: Some("alice@TEST".into()),
            keytab: Some(PathBuf::from("/k/alice.keytab")),
            delegate: true,
            lifetime: Some(600),
        }
    );
    assert_eq!(
        r.auth_mode,
        Some(tlsdiag::model::http_auth::AuthMode::Challenge)
    );
    assert_eq!(r.save, Some(PathBuf::from("/tmp/x.pcap")));
    assert_eq!(r.keylog, Some(PathBuf::from("/tmp/x.keys")));
    assert!(app.probe_running);
    // Debug output (logs) never carries a typed secret.
    assert!(!format!("{r:?}").contains("changeit"));
    // The same request through the library's conversion (the CLI's code): the identity file
    // does not exist, and the error names it.
    let e = tlsdiag::probe::error_text(&r.options().unwrap_err());
    assert!(e.contains("/k/client.jks"), "{e}");
    // Basic without a user does not run; the form says why.
    let mut app = seed_app();
    app.update(key(KeyCode::Char('p')));
    select(&mut app, Field::HttpAuth);
    app.update(key(KeyCode::Right));
    assert!(app.update(key(KeyCode::Char('r'))).is_empty());
    assert!(screen(&mut app, 80, 24)
        .join("\n")
        .contains("HTTP auth Basic needs a user"));
}

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        // Our own child, by PID.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `openssl s_server` on 127.0.0.1 for one connection, demanding a client certificate from the
/// Partner CAs (and refusing any other), answering `answer` from its standard input. Returns
/// once it prints ACCEPT (bounded: 20 s).
fn partner_server(answer: &str) -> (u16, Killed) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new("openssl")
        .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-cert"])
        .arg(cap("pki/server.pem"))
        .arg("-key")
        .arg(cap("pki/server.key"))
        .arg("-cert_chain")
        .arg(cap("pki/partner-issuing.pem"))
        .args(["-Verify", "2", "-verify_return_error", "-CAfile"])
        .arg(cap("pki/partner-cas.pem"))
        .args(["-naccept", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl (scripts/setup.sh installs it)");
    child
        .stdin
        .as_mut()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            if l.contains("ACCEPT") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("s_server did not start listening");
    (port, Killed(child))
}

#[test]
fn result_view_of_a_rejected_certificate_sent_anyway() {
    let (port, _server) =
        partner_server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("probe.pcap");
    let mut app = seed_app();
    app.update(key(KeyCode::Char('p')));
    fill(
        &mut app,
        Field::Url,
        &format!("https://127.0.0.1:{port}/orders"),
    );
    fill(
        &mut app,
        Field::Identity,
        &cap("keystores/ssos.jks").display().to_string(),
    );
    fill(&mut app, Field::Alias, "ssos");
    fill(&mut app, Field::KeystorePassword, "changeit");
    select(&mut app, Field::SendAnyway);
    app.update(key(KeyCode::Char(' ')));
    fill(
        &mut app,
        Field::Trust,
        &cap("pki/partner-root.pem").display().to_string(),
    );
    fill(&mut app, Field::SavePcap, &pcap.display().to_string());
    let run = run_probe(&mut app);
    assert_eq!(app.view, View::ProbeResult);
    let rep = run.result.as_ref().unwrap();
    assert!(!rep.succeeded);
    let code = "server-rejected-client-certificate";
    assert_eq!(
        tlsdiag::tui::views::probe_findings(rep)[0].code,
        code,
        "the answer first"
    );
    let cas = &rep.client_certificate_decision.as_ref().unwrap().ca_hints;
    assert_eq!(cas.len(), 2, "{cas:?}");
    // The probe's CA hints are the CertificateRequest's names as decoded from its own
    // recording (the same decoder tshark is checked against in tests/tshark_crosscheck.rs).
    let cr = rep
        .connection
        .as_ref()
        .unwrap()
        .tls
        .certificate_request
        .clone();
    let decoded: Vec<String> = cr
        .unwrap()
        .certificate_authorities
        .iter()
        .map(|d| d.text.clone())
        .collect();
    assert_eq!(&decoded, cas);
    assert!(pcap.exists(), "the pcap was saved");
    assert_eq!(run.saved, vec![pcap.display().to_string()]);
    for (w, h) in SIZES {
        app.update(key(KeyCode::Home));
        let first = screen(&mut app, w, h);
        assert!(
            first[2].contains("✗ the server sent alert unknown_ca"),
            "{w}x{h}: the answer is the first line:\n{}",
            first.join("\n")
        );
        let lines = all_result_lines(&mut app, w, h);
        let all = lines.join("\n");
        assert!(has_whole(&lines, code), "{w}x{h}: {code} not whole:\n{all}");
        for ca in cas {
            assert!(has_whole(&lines, ca), "{w}x{h}: CA {ca} not whole:\n{all}");
        }
        assert!(has_whole(&lines, "Fix:"), "{w}x{h}");
        assert!(has_whole(&lines, "Handshake (our own call"), "{w}x{h}");
        assert!(has_whole(&lines, "Alert"), "{w}x{h}: the probe's ladder");
        assert!(!all.contains("changeit"), "{w}x{h}: password on screen");
        assert!(
            has_whole(&lines, &format!("saved {}", pcap.display())),
            "{w}x{h}:\n{all}"
        );
        // Nothing cut: every content line fits the pane (wrapped, never clipped).
        let inner = usize::from(w - 2);
        for l in tlsdiag::tui::views::result_content(&app, inner) {
            let t: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            assert!(
                unicode_width::UnicodeWidthStr::width(t.as_str()) <= inner,
                "{w}x{h}: line wider than the pane: {t}"
            );
        }
    }
    // Compare opens from the result; Esc returns to it.
    app.update(key(KeyCode::Char('c')));
    assert_eq!(app.view, View::Compare);
    let s = screen(&mut app, 120, 40).join("\n");
    assert!(s.contains("Decisive difference:"), "{s}");
    app.update(key(KeyCode::Esc));
    assert_eq!(app.view, View::ProbeResult);
    // `r` in the main view returns to the result.
    app.update(key(KeyCode::Esc));
    assert_eq!(app.view, View::Main);
    app.update(key(KeyCode::Char('r')));
    assert_eq!(app.view, View::ProbeResult);
}

#[test]
fn result_view_of_an_http_answer_with_a_soap_fault() {
    let body = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>Order service unavailable</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
    let (port, _server) = partner_server(&format!(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    let mut app = seed_app();
    app.update(key(KeyCode::Char('p')));
    fill(
        &mut app,
        Field::Url,
        &format!("https://127.0.0.1:{port}/orders"),
    );
    fill(
        &mut app,
        Field::Identity,
        &cap("keystores/client.jks").display().to_string(),
    );
    fill(&mut app, Field::Alias, "client");
    fill(&mut app, Field::KeystorePassword, "changeit");
    fill(
        &mut app,
        Field::Trust,
        &cap("pki/partner-root.pem").display().to_string(),
    );
    fill(&mut app, Field::SoapAction, "urn:partner:orders/submit");
    let run = run_probe(&mut app);
    let rep = run.result.as_ref().unwrap();
    let http = rep.http.as_ref().expect("an HTTP answer");
    assert_eq!(http.status, 500);
    let fault = http.soap_fault.as_ref().expect("the SOAP fault is read");
    assert_eq!(fault.code.as_deref(), Some("soapenv:Server"));
    let codes: Vec<String> = tlsdiag::tui::views::probe_findings(rep)
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert!(codes.iter().any(|c| c == "soap-fault"), "{codes:?}");
    for (w, h) in SIZES {
        app.update(key(KeyCode::Home));
        let first = screen(&mut app, w, h);
        assert!(
            first[2].contains("✗ HTTP 500 Internal Server Error"),
            "{w}x{h}: the answer is the first line:\n{}",
            first.join("\n")
        );
        let lines = all_result_lines(&mut app, w, h);
        let all = lines.join("\n");
        assert!(has_whole(&lines, "500 Internal Server Error"), "{w}x{h}");
        assert!(has_whole(&lines, "soap-fault"), "{w}x{h}:\n{all}");
        assert!(has_whole(&lines, "soapenv:Server"), "{w}x{h}:\n{all}");
        assert!(has_whole(&lines, "none sent"), "{w}x{h}: the auth row");
        assert!(
            has_whole(&lines, "probe-sent-certificate"),
            "{w}x{h}:\n{all}"
        );
    }
}

#[test]
fn a_probe_that_cannot_start_shows_its_error_escaped_in_the_result_view() {
    // Nothing listens on a port just freed: the real refusal.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut app = seed_app();
    app.update(key(KeyCode::Char('p')));
    fill(&mut app, Field::Url, &format!("https://127.0.0.1:{port}/"));
    let run = run_probe(&mut app);
    let e = run.result.as_ref().unwrap_err();
    assert!(e.contains("refused"), "{e}");
    assert_eq!(app.view, View::ProbeResult);
    for (w, h) in SIZES {
        let s = screen(&mut app, w, h).join("\n");
        assert!(s.contains("✗ probe failed: connection to"), "{w}x{h}:\n{s}");
        assert!(s.contains("refused"), "{w}x{h}:\n{s}");
    }
    // An error text with terminal control characters (from a file or a server) is escaped.
    app.update(Msg::ProbeDone(Box::new(ProbeRun {
        result: Err("bad\u{1b}[2J\u{202e}name".into()),
        saved: Vec::new(),
        save_error: None,
    })));
    let s = screen(&mut app, 120, 40).join("\n");
    assert!(!s.contains('\u{1b}') && !s.contains('\u{202e}'), "{s}");
    assert!(s.contains("\\u{1b}"), "{s}");
}

/// The wheel scrolls the result view (three lines a turn) and back; a click does nothing there.
#[test]
fn the_wheel_scrolls_the_result_view() {
    use tlsdiag::tui::app::MouseAct;
    let mut app = seed_app();
    let long: String = (0..60).map(|i| format!("word{i} ")).collect();
    app.update(Msg::ProbeDone(Box::new(ProbeRun {
        result: Err(long.repeat(10)),
        saved: Vec::new(),
        save_error: None,
    })));
    screen(&mut app, 80, 24);
    app.update(Msg::Mouse(MouseAct::WheelDown, 10, 10));
    assert_eq!(app.result_scroll, 3);
    app.update(Msg::Mouse(MouseAct::Click, 10, 10));
    assert_eq!(app.result_scroll, 3);
    app.update(Msg::Mouse(MouseAct::WheelUp, 10, 10));
    assert_eq!(app.result_scroll, 0);
    assert_eq!(app.view, View::ProbeResult);
}

/// The result view's help fits at every size with every entry whole, and any key returns to
/// the result.
#[test]
fn result_help_fits_at_every_size() {
    for (w, h) in SIZES {
        let mut app = seed_app();
        app.update(Msg::ProbeDone(Box::new(ProbeRun {
            result: Err("connection to 127.0.0.1:9 refused (nothing listens there)".into()),
            saved: Vec::new(),
            save_error: None,
        })));
        app.update(key(KeyCode::Char('?')));
        assert_eq!(app.view, View::Help);
        let lines = screen(&mut app, w, h);
        let y0 = lines
            .iter()
            .position(|l| l.contains("Keys (any key closes)"))
            .unwrap_or_else(|| panic!("{w}x{h}: no help box"));
        let y1 = (y0 + 1..lines.len())
            .find(|y| lines[*y].contains('└'))
            .unwrap_or_else(|| panic!("{w}x{h}: the help box has no bottom"));
        let text = lines[y0 + 1..y1]
            .iter()
            .map(|l| l.replace('│', " "))
            .collect::<Vec<_>>()
            .join(" ");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for (k, v) in tlsdiag::tui::views::RESULT_HELP {
            let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(&v), "{w}x{h}: help '{k}' cut: {text}");
        }
        app.update(key(KeyCode::Esc));
        assert_eq!(app.view, View::ProbeResult);
    }
}

/// HTTP Basic from the form against a server that answers 401 with a Basic challenge: the
/// result shows the scheme sent (kind and length, never the password), the challenge and the
/// finding; the typed password is nowhere on screen.
#[test]
fn result_view_of_a_basic_login_refused() {
    let (port, _server) = partner_server(
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"orders\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    let mut app = seed_app();
    app.update(key(KeyCode::Char('p')));
    fill(
        &mut app,
        Field::Url,
        &format!("https://127.0.0.1:{port}/orders"),
    );
    fill(
        &mut app,
        Field::Identity,
        &cap("keystores/client.jks").display().to_string(),
    );
    fill(&mut app, Field::Alias, "client");
    fill(&mut app, Field::KeystorePassword, "changeit");
    fill(
        &mut app,
        Field::Trust,
        &cap("pki/partner-root.pem").display().to_string(),
    );
    select(&mut app, Field::HttpAuth);
    app.update(key(KeyCode::Right));
    fill(&mut app, Field::User, "alice");
    fill(&mut app, Field::HttpPassword, "pa55-w0rd");
    let run = run_probe(&mut app);
    let rep = run.result.as_ref().unwrap();
    let http = rep.http.as_ref().expect("an HTTP answer");
    assert_eq!(http.status, 401);
    let codes: Vec<String> = tlsdiag::tui::views::probe_findings(rep)
        .iter()
        .map(|f| f.code.clone())
        .collect();
    assert_eq!(codes[0], "http-basic-rejected");
    // The probe found it, and so did the diagnosis of its recorded connection (the same
    // 401 read from the HTTP it recorded): the view shows it once, with both evidences
    // and the probe's fix.
    let own = rep.findings.iter().find(|f| f.code == codes[0]).unwrap();
    let recorded = rep
        .connection
        .as_ref()
        .unwrap()
        .diagnosis
        .iter()
        .find(|f| f.code == codes[0])
        .expect("the recorded connection's finding");
    let shown = tlsdiag::tui::views::probe_findings(rep);
    assert_eq!(
        shown.iter().filter(|f| f.code == codes[0]).count(),
        1,
        "{codes:?}"
    );
    assert_eq!(shown[0].fix, own.fix);
    for e in own.evidence.iter().chain(&recorded.evidence) {
        assert!(
            shown[0]
                .evidence
                .iter()
                .any(|s| s.field == e.field && s.value == e.value),
            "evidence {} = {} lost",
            e.field,
            e.value
        );
    }
    for (w, h) in SIZES {
        let lines = all_result_lines(&mut app, w, h);
        let all = lines.join("\n");
        assert!(
            lines[2].contains("✗ HTTP 401"),
            "{w}x{h}: the answer first:\n{all}"
        );
        assert!(has_whole(&lines, "401 Unauthorized"), "{w}x{h}:\n{all}");
        assert!(
            has_whole(&lines, "WWW-Authenticate: Basic realm=\"orders\""),
            "{w}x{h}:\n{all}"
        );
        assert!(has_whole(&lines, "Authorization: Basic"), "{w}x{h}:\n{all}");
        assert!(has_whole(&lines, &codes[0]), "{w}x{h}:\n{all}");
        // Once in the findings (a heading line is the mark and the code), besides the
        // answer's "first of N findings" line at the top.
        let content: Vec<String> = tlsdiag::tui::views::result_content(&app, usize::from(w - 2))
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        let heading = format!("✗ {}", codes[0]);
        assert_eq!(
            content.iter().filter(|l| l.trim() == heading).count(),
            1,
            "{w}x{h}: {heading} not exactly once:\n{}",
            content.join("\n")
        );
        assert_eq!(
            content.iter().filter(|l| l.contains(&codes[0])).count(),
            2,
            "{w}x{h}: the code besides the heading and the top line:\n{}",
            content.join("\n")
        );
        assert!(
            !all.contains("pa55-w0rd") && !all.contains("changeit"),
            "{w}x{h}"
        );
    }
}
