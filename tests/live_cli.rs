//! `tlsdiag live --no-tui` on the loopback interface: a handshake made during the test is in the
//! report printed after Ctrl-C (SIGINT), and the counters line says what was captured and that
//! nothing was dropped. Needs root or CAP_NET_RAW, as CI has (skipped elsewhere).

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn live_without_ui_reports_a_handshake_made_now_after_ctrl_c() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut live = Killed(
        Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
            .args([
                "live",
                "-i",
                "lo",
                "-f",
                &format!("tcp port {port}"),
                "--no-tui",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // Its first line on standard error: capturing (or why not).
    let mut err = BufReader::new(live.0.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    if !first.contains("capturing on lo (filter tcp port") {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root and must capture: {first}"
        );
        eprintln!("SKIPPED: cannot capture on lo here: {first}");
        return;
    }
    let pki = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/pki");
    let _server = Killed(
        Command::new("openssl")
            .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-cert"])
            .arg(pki.join("server.pem"))
            .arg("-key")
            .arg(pki.join("server.key"))
            .args(["-tls1_2", "-naccept", "1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_millis(500));
    let client = Command::new("timeout")
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
        .status()
        .unwrap();
    assert!(client.success(), "the handshake itself worked");
    // The kernel hands packets over within 100 ms; give the capture that and more.
    std::thread::sleep(Duration::from_millis(700));
    let pid = live.0.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = live.0.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "tlsdiag live did not end after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut out = String::new();
    live.0
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(status.success(), "{status:?}: {rest}");
    // The report of what was seen: the connection with its SNI and its server.
    assert!(out.contains("1 TLS connection"), "{out}");
    assert!(out.contains("partner.test"), "{out}");
    assert!(out.contains(&format!("127.0.0.1:{port}")), "{out}");
    // The counters: packets seen (a TLS 1.2 handshake is more than 8), nothing dropped.
    let line = rest
        .lines()
        .find(|l| l.contains("frames analysed"))
        .unwrap_or_else(|| panic!("no counters line: {rest}"));
    let frames: u64 = line
        .split(": ")
        .nth(2)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(frames >= 8, "{line}");
    assert!(line.contains(" 1 connection;"), "{line}");
    assert!(line.contains("dropped 0; dropped by tlsdiag 0"), "{line}");
}
