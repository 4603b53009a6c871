//! The terminal UI for real: the built binary in a tmux pseudo-terminal on the seed capture,
//! driven with keys; and live capture on the loopback interface of a handshake made during the
//! test (needs root or CAP_NET_RAW, as CI has).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn cap(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

struct Tmux {
    sock: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let o = Command::new("tmux")
            .arg("-L")
            .arg(&self.sock)
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }
    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) || start.elapsed() > Duration::from_secs(15) {
                return s;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Our own tmux server on its own socket: stopping it stops only what this test started.
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.sock)
            .arg("kill-server")
            .output();
    }
}

#[test]
fn seed_capture_in_a_real_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required in CI (scripts/setup.sh installs it)"
        );
        eprintln!("SKIPPED: tmux not installed");
        return;
    }
    let t = Tmux {
        sock: format!("tlsdiag-e2e-{}", std::process::id()),
    };
    let cmd = format!(
        "{} tui {} --no-color",
        env!("CARGO_BIN_EXE_tlsdiag"),
        cap("seed-jsse-empty-cert.pcap").display()
    );
    t.run(&[
        "-u",
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "140",
        "-y",
        "40",
        &cmd,
    ]);
    let s = t.wait_for("client-sent-empty-certificate");
    assert!(s.contains("Connections"), "{s}");
    assert!(
        s.contains("⚠ EMPTY"),
        "the empty Certificate must be visible:\n{s}"
    );
    assert!(s.contains("client-sent-empty-certificate"), "{s}");
    assert!(
        s.contains("CN=Partner Issuing CA,O=Partner Corp,C=DE"),
        "{s}"
    );
    // Diagnosis pane (Tab twice), jump to the evidence frame, then the help overlay.
    t.run(&["send-keys", "-t", "t", "Tab", "Tab", "e"]);
    std::thread::sleep(Duration::from_millis(300));
    t.run(&["send-keys", "-t", "t", "?"]);
    // Wait for the line asserted (under load a capture can catch the box half drawn).
    let s = t.wait_for("jump to the first finding's evidence frame");
    assert!(s.contains("Keys (any key closes)"), "{s}");
    assert!(
        s.contains("jump to the first finding's evidence frame"),
        "{s}"
    );
    // Escape alone (followed at once by "q" a terminal would read Alt-q).
    t.run(&["send-keys", "-t", "t", "Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    t.run(&["send-keys", "-t", "t", "q"]);
    let start = Instant::now();
    while t.run(&["list-sessions"]).contains("t:") && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!t.run(&["list-sessions"]).contains("t:"), "q quits");
}

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits (bounded: 20 s) until `openssl s_server` says ACCEPT on its standard output (which must
/// be piped), then keeps draining it so the server never blocks on a full pipe. A fixed sleep
/// was not enough on a loaded machine: the probe or s_client found nothing listening yet.
fn wait_accept(child: &mut Child) {
    use std::io::{BufRead, BufReader};
    let out = child.stdout.take().expect("s_server's stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            if l.contains("ACCEPT") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("s_server did not start listening within 20 s");
}

/// A local partner server: `openssl s_server` on 127.0.0.1 for one connection, requiring a client
/// certificate from the Partner CAs (plus `extra` options), answering the first request with
/// `answer` fed on its standard input. Returns once it listens; stopped by PID on drop.
fn partner_server(extra: &[&str], answer: &str) -> (u16, Killed) {
    use std::io::Write;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let pki = cap("pki");
    let mut child = Command::new("openssl")
        .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-cert"])
        .arg(pki.join("server.pem"))
        .arg("-key")
        .arg(pki.join("server.key"))
        .arg("-cert_chain")
        .arg(pki.join("partner-issuing.pem"))
        .args(["-Verify", "2"])
        .args(extra)
        .arg("-CAfile")
        .arg(pki.join("partner-cas.pem"))
        .args(["-naccept", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_accept(&mut child);
    child
        .stdin
        .as_mut()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    (port, Killed(child))
}

#[test]
fn live_capture_on_loopback_sees_a_handshake_made_now() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let stop = Arc::new(AtomicBool::new(false));
    let rx = match tlsdiag::tui::run::live_headless(
        "lo",
        Some(&format!("tcp port {port}")),
        None,
        stop.clone(),
    ) {
        Ok(rx) => rx,
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs as root and must capture: {e}"
            );
            eprintln!("SKIPPED: cannot capture on lo here: {e}");
            return;
        }
    };
    let pki = cap("pki");
    let mut server = Killed(
        Command::new("openssl")
            .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-cert"])
            .arg(pki.join("server.pem"))
            .arg("-key")
            .arg(pki.join("server.key"))
            .args(["-tls1_2", "-naccept", "1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_accept(&mut server.0);
    let _client = Command::new("timeout")
        .args([
            "5",
            "openssl",
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-servername",
            "partner.test",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let start = Instant::now();
    let mut seen = None;
    while start.elapsed() < Duration::from_secs(10) {
        if let Ok(tlsdiag::tui::app::Msg::Analysis(a)) = rx.recv_timeout(Duration::from_millis(200))
        {
            if let Some(c) = a
                .connections
                .iter()
                .find(|c| c.server.port == port && !c.tls.server_certificates.is_empty())
            {
                seen = Some(c.clone());
                break;
            }
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let c = seen.expect("the live capture shows the handshake made during the test");
    assert_eq!(
        c.tls.client_hello.as_ref().unwrap().sni.as_deref(),
        Some("partner.test")
    );
    assert_eq!(
        c.tls.server_certificates[0].subject.text,
        "CN=partner.test,O=Partner Corp,C=DE"
    );
}

#[test]
fn probe_from_the_ui_lands_in_the_comparison() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "tmux is required in CI");
        eprintln!("SKIPPED: tmux not installed");
        return;
    }
    // A local partner server: OpenSSL requiring a client certificate from the Partner CAs and
    // answering the first request with a canned HTTP 200 fed on its standard input.
    let body = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body/></soapenv:Envelope>";
    let resp = format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    let (port, _server) = partner_server(&[], &resp);

    let t = Tmux {
        sock: format!("tlsdiag-e2e-probe-{}", std::process::id()),
    };
    let cmd = format!(
        "{} tui {} --no-color",
        env!("CARGO_BIN_EXE_tlsdiag"),
        cap("seed-jsse-empty-cert.pcap").display()
    );
    t.run(&[
        "-u",
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "140",
        "-y",
        "40",
        &cmd,
    ]);
    t.wait_for("client-sent-empty-certificate");
    t.run(&["send-keys", "-t", "t", "p"]);
    t.wait_for("Probe: our own SOAP call");
    // The form opens without edit focus, on the URL: each text field is Enter, Ctrl-U (clear
    // what is there), the text, Enter; ↓ moves on.
    let fields = [
        format!("https://127.0.0.1:{port}/orders"),
        cap("keystores/client.jks").display().to_string(),
        "client".to_owned(),
        "changeit".to_owned(),
    ];
    for (i, v) in fields.iter().enumerate() {
        if i > 0 {
            t.run(&["send-keys", "-t", "t", "Down"]);
        }
        t.run(&["send-keys", "-t", "t", "Enter", "C-u"]);
        t.run(&["send-keys", "-t", "t", "-l", v]);
        t.run(&["send-keys", "-t", "t", "Enter"]);
    }
    // Past "Send anyway" to the trust store.
    t.run(&["send-keys", "-t", "t", "Down", "Down", "Enter"]);
    t.run(&[
        "send-keys",
        "-t",
        "t",
        "-l",
        &cap("pki/partner-root.pem").display().to_string(),
    ]);
    t.run(&["send-keys", "-t", "t", "Enter"]);
    let form = t.wait_for("partner-root.pem");
    assert!(
        !form.contains("changeit"),
        "the password is masked:\n{form}"
    );
    t.run(&["send-keys", "-t", "t", "r"]);
    // The result view first, then compare from it.
    let s = t.wait_for("Probe result");
    assert!(s.contains("✓ HTTP 200 OK"), "{s}");
    t.run(&["send-keys", "-t", "t", "c"]);
    let s = t.wait_for("Decisive difference");
    assert!(
        s.contains("Decisive difference: the client certificate"),
        "{s}"
    );
    assert!(s.contains("≠!"), "{s}");
    assert!(s.contains("CN=customer-client"), "{s}");
}

/// Issue 18 §3: a probe run FROM THE FORM against a local `openssl s_server` that demands a
/// client certificate from the Partner CAs and refuses others — "Send anyway" on with the
/// self-signed `ssos` identity, "Save pcap" set — opens its result view with the finding that
/// names the rejection; the pcap exists and `tlsdiag analyze` reads it; compare opens from the
/// result with its decisive line.
#[test]
fn probe_from_the_form_send_anyway_saved_pcap_result_then_compare() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "tmux is required in CI");
        eprintln!("SKIPPED: tmux not installed");
        return;
    }
    let (port, _server) = partner_server(
        &["-verify_return_error"],
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
    );
    // Stopped by PID when the test ends (Killed's Drop).
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("probe.pcap");

    let t = Tmux {
        sock: format!("tlsdiag-e2e-form-{}", std::process::id()),
    };
    let cmd = format!(
        "{} tui {} --no-color",
        env!("CARGO_BIN_EXE_tlsdiag"),
        cap("seed-jsse-empty-cert.pcap").display()
    );
    t.run(&[
        "-u",
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "120",
        "-y",
        "40",
        &cmd,
    ]);
    t.wait_for("client-sent-empty-certificate");
    t.run(&["send-keys", "-t", "t", "p"]);
    t.wait_for("Probe: our own SOAP call");
    let text = |t: &Tmux, v: &str| {
        t.run(&["send-keys", "-t", "t", "Enter", "C-u"]);
        t.run(&["send-keys", "-t", "t", "-l", v]);
        t.run(&["send-keys", "-t", "t", "Enter"]);
    };
    text(&t, &format!("https://127.0.0.1:{port}/orders"));
    t.run(&["send-keys", "-t", "t", "Down"]);
    text(&t, &cap("keystores/ssos.jks").display().to_string());
    t.run(&["send-keys", "-t", "t", "Down"]);
    text(&t, "ssos");
    t.run(&["send-keys", "-t", "t", "Down"]);
    text(&t, "changeit");
    // "Send anyway" is a switch: Space turns it on.
    t.run(&["send-keys", "-t", "t", "Down", "Space"]);
    t.run(&["send-keys", "-t", "t", "Down"]);
    text(&t, &cap("pki/partner-root.pem").display().to_string());
    // "Save pcap" is the last but one field.
    t.run(&["send-keys", "-t", "t", "End", "Up"]);
    text(&t, &pcap.display().to_string());
    let form = t.wait_for("probe.pcap");
    assert!(form.contains("Send anyway: [x] on"), "{form}");
    assert!(form.contains("Save pcap:"), "{form}");
    assert!(
        !form.contains("changeit"),
        "the password is masked:\n{form}"
    );
    t.run(&["send-keys", "-t", "t", "r"]);
    let s = t.wait_for("server-rejected-client-certificate");
    assert!(s.contains("Probe result"), "{s}");
    assert!(s.contains("server-rejected-client-certificate"), "{s}");
    assert!(s.contains("✗ the server sent alert unknown_ca"), "{s}");
    assert!(pcap.exists(), "the form's \"Save pcap\" was written");
    let o = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .arg("analyze")
        .arg(&pcap)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("1 TLS connection, 1 failed"), "{out}");
    t.run(&["send-keys", "-t", "t", "c"]);
    let s = t.wait_for("Decisive difference");
    let line = s
        .lines()
        .find(|l| l.contains("Decisive difference"))
        .unwrap_or_default()
        .to_owned();
    assert!(
        line.contains(
            "Decisive difference: the client certificate: the captured #1 sent an empty Certificate"
        ),
        "{s}"
    );
    t.run(&["send-keys", "-t", "t", "q"]);
    let s = t.wait_for("Probe result");
    assert!(
        s.contains("server-rejected-client-certificate"),
        "q in compare returns to the result:\n{s}"
    );
}

/// Issue 18 §4: `tui --identity --alias --password-file` shows the per-stack verdicts in the
/// diagnosis pane (the self-signed `ssos` entry: JSSE would not send it, OpenSSL would), the
/// password never on screen, and the probe form prefilled with the identity and alias.
#[test]
fn tui_with_an_identity_shows_the_verdicts() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "tmux is required in CI");
        eprintln!("SKIPPED: tmux not installed");
        return;
    }
    let t = Tmux {
        sock: format!("tlsdiag-e2e-identity-{}", std::process::id()),
    };
    let cmd = format!(
        "{} tui {} --identity {} --alias ssos --password-file {} --no-color",
        env!("CARGO_BIN_EXE_tlsdiag"),
        cap("seed-jsse-empty-cert.pcap").display(),
        cap("keystores/ssos.jks").display(),
        cap("keystores/password.txt").display(),
    );
    t.run(&[
        "-u",
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "120",
        "-y",
        "40",
        &cmd,
    ]);
    let s = t.wait_for("Would this identity be sent?");
    assert!(s.contains("Would this identity be sent?"), "{s}");
    assert!(s.contains("✗ not sent"), "{s}");
    assert!(s.contains("✓ sent"), "{s}");
    assert!(s.contains("JSSE"), "{s}");
    assert!(!s.contains("changeit"), "{s}");
    t.run(&["send-keys", "-t", "t", "p"]);
    let s = t.wait_for("Probe: our own SOAP call");
    assert!(s.contains("ssos.jks"), "{s}");
    assert!(s.contains("Alias: ssos"), "{s}");
    t.run(&["send-keys", "-t", "t", "Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    t.run(&["send-keys", "-t", "t", "q"]);
}
