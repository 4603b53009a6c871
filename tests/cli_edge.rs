//! The CLI edge (issues 16 §4, 17 §6, 13 §6): examples in every `--help`, shell completions
//! and the manual page, `--color` and NO_COLOR for every printing command, `--quiet`, `-v`
//! logging that shows rustls's own records in a probe against a real `openssl s_server`, and
//! errors that say their cause once.

use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn cap(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn tlsdiag(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args(args)
        .env_remove("TLSDIAG_PASSWORD")
        .env_remove("NO_COLOR")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SUBCOMMANDS: &[&str] = &[
    "analyze",
    "identity",
    "probe",
    "compare",
    "tui",
    "live",
    "completions",
    "man",
];

#[test]
fn every_help_has_examples() {
    let mut pages: Vec<Vec<&str>> = vec![vec!["--help"], vec!["identity", "inspect", "--help"]];
    pages.extend(SUBCOMMANDS.iter().map(|s| vec![*s, "--help"]));
    for args in pages {
        let o = tlsdiag(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
        let help = out(&o);
        let ex = help
            .find("\nExamples:\n")
            .unwrap_or_else(|| panic!("{args:?} has no examples:\n{help}"));
        // At least one example line that runs tlsdiag.
        assert!(
            help[ex..]
                .lines()
                .any(|l| l.trim_start().starts_with("tlsdiag ") || l.contains("| tlsdiag ")),
            "{args:?}:\n{help}"
        );
    }
}

#[test]
fn completions_for_bash_zsh_fish_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let o = tlsdiag(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", err(&o));
        let script = out(&o);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
        // Options of a subcommand are completed too.
        assert!(script.contains("password-file"), "{shell}");
    }
    assert!(out(&tlsdiag(&["completions", "bash"])).contains("complete -F _tlsdiag"));
    assert!(out(&tlsdiag(&["completions", "fish"])).contains("complete -c tlsdiag"));
    assert!(out(&tlsdiag(&["completions", "zsh"])).starts_with("#compdef tlsdiag"));
    // A global flag before the command, and an unknown shell is a usage error.
    assert_eq!(
        tlsdiag(&["-q", "completions", "bash"]).status.code(),
        Some(0)
    );
    assert_eq!(tlsdiag(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn man_page_is_roff_with_every_subcommand() {
    let o = tlsdiag(&["man"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let page = out(&o);
    assert!(
        page.lines().any(|l| l.starts_with(".TH tlsdiag 1")),
        "{page}"
    );
    assert!(page.contains(".SH SYNOPSIS") && page.contains(".SH SUBCOMMANDS"));
    for sub in SUBCOMMANDS {
        assert!(page.contains(sub), "man page lacks {sub}");
    }
    let o = tlsdiag(&["man", "analyze"]);
    let page = out(&o);
    assert!(
        page.lines().any(|l| l.starts_with(".TH tlsdiag-analyze 1")),
        "{page}"
    );
    assert!(page.contains("password\\-file"), "{page}");
    let o = tlsdiag(&["man", "nosuch"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no command \"nosuch\""), "{}", err(&o));
}

/// `tlsdiag completions bash` was read as a capture named "completions" (issue 16).
#[test]
fn subcommand_names_are_not_read_as_files() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["completions", "man"] {
        std::fs::write(dir.path().join(name), b"not a capture").unwrap();
    }
    let o = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args(["completions", "bash"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("_tlsdiag"));
    // A file and a command at once is refused, not silently half-ignored.
    let seed = cap("seed-jsse-empty-cert.pcap");
    let o = tlsdiag(&[&seed, "analyze", &seed]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("not both"), "{}", err(&o));
}

const ESC: u8 = 0x1b;

fn has_esc(o: &Output) -> bool {
    o.stdout.contains(&ESC) || o.stderr.contains(&ESC)
}

#[test]
fn color_never_and_always_for_analyze_compare_identity() {
    let seed = cap("seed-jsse-empty-cert.pcap");
    let ok = cap("jsse-mtls-ok.pcap");
    let analyze = ["analyze", seed.as_str()];
    let compare = ["compare", seed.as_str(), "--probe-pcap", ok.as_str()];
    let pem = cap("pki/client.pem");
    let key = cap("pki/client.key");
    let identity = ["identity", "inspect", pem.as_str(), key.as_str()];
    for cmd in [&analyze[..], &compare[..], &identity[..]] {
        for flag in [vec!["--color", "never"], vec!["--color=never"]] {
            // The flag is global: before or after the command.
            for args in [
                [flag.as_slice(), cmd].concat(),
                [cmd, flag.as_slice()].concat(),
            ] {
                let o = tlsdiag(&args);
                assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
                assert!(!out(&o).is_empty(), "{args:?}");
                assert!(!has_esc(&o), "{args:?} printed ESC");
            }
        }
    }
    // The test has teeth: the analyze report is coloured when asked.
    assert!(has_esc(&tlsdiag(&["--color", "always", "analyze", &seed])));
}

/// Runs `tlsdiag ARGS` with standard output on a pseudo-terminal (util-linux `script`), so that
/// `--color auto` sees a terminal.
fn on_a_terminal(args: &[&str], no_color: Option<&str>) -> Vec<u8> {
    let line = std::iter::once(env!("CARGO_BIN_EXE_tlsdiag"))
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut c = Command::new("script");
    c.args(["-qec", &line, "/dev/null"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    match no_color {
        Some(v) => c.env("NO_COLOR", v),
        None => c.env_remove("NO_COLOR"),
    };
    let o = c.output().expect("script (util-linux, scripts/setup.sh)");
    assert!(o.status.success(), "{line}: {}", err(&o));
    o.stdout
}

#[test]
fn no_color_is_honoured_on_a_terminal() {
    let seed = cap("seed-jsse-empty-cert.pcap");
    let args = ["analyze", seed.as_str()];
    assert!(
        on_a_terminal(&args, None).contains(&ESC),
        "auto on a terminal colours"
    );
    assert!(
        !on_a_terminal(&args, Some("1")).contains(&ESC),
        "NO_COLOR=1"
    );
    // no-color.org: an empty NO_COLOR does not count, an explicit flag wins over it.
    assert!(on_a_terminal(&args, Some("")).contains(&ESC));
    assert!(on_a_terminal(&["--color", "always", "analyze", &seed], Some("1")).contains(&ESC));
    // Piped, auto never colours.
    assert!(!has_esc(&tlsdiag(&args)));
}

/// `openssl s_server` on a free loopback port with the partner's server certificate, ready
/// when it says ACCEPT; killed (by its own PID) on drop.
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Server {
    fn start() -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new("openssl")
            .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-www"])
            .args([
                "-cert",
                &cap("pki/server.pem"),
                "-key",
                &cap("pki/server.key"),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl (scripts/setup.sh installs it)");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        // s_server prints ACCEPT once it listens; at most a few lines before it.
        let ready = lines
            .by_ref()
            .take(20)
            .any(|l| l.is_ok_and(|l| l.contains("ACCEPT")));
        assert!(ready, "openssl s_server did not start");
        // Keep draining its output so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, port }
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}/", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn probe_vv_shows_rustls_own_log_lines_and_color_never_has_no_esc() {
    let server = Server::start();
    let url = server.url();
    // s_server -www answers GET only: the probe's POST ends with a read timeout after the
    // handshake, which is all this test needs.
    let base = ["probe", url.as_str(), "--insecure", "--timeout", "1"];
    let o = tlsdiag(&[&["-vv", "--color", "never"][..], &base[..]].concat());
    let log = err(&o);
    assert!(
        log.lines()
            .any(|l| l.starts_with("[DEBUG rustls::client::hs] Using ciphersuite TLS13_")),
        "no rustls line in:\n{log}"
    );
    assert!(log.contains("[INFO  tlsdiag::cmd::probe] probing"), "{log}");
    assert!(!has_esc(&o), "--color never printed ESC");
    assert!(out(&o).contains("probe https://127.0.0.1:"), "{}", out(&o));

    // Without -v: neither rustls's records nor ours.
    let o = tlsdiag(&base);
    assert!(!err(&o).contains("rustls::"), "{}", err(&o));
    assert!(!err(&o).contains("[INFO"), "{}", err(&o));
    // RUST_LOG picks targets by itself.
    let o = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args(base)
        .env("RUST_LOG", "rustls=debug")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(err(&o).contains("[DEBUG rustls::"), "{}", err(&o));
    assert!(!err(&o).contains("tlsdiag::cmd::probe"), "{}", err(&o));
}

/// What the error line says, with its cause counted: each must occur once.
fn error_once(o: &Output, phrases: &[&str]) {
    assert_eq!(o.status.code(), Some(2), "{}", out(o));
    let e = err(o);
    assert_eq!(e.trim_end().lines().count(), 1, "one line: {e:?}");
    for p in phrases {
        assert_eq!(e.matches(p).count(), 1, "{p:?} is not said once in {e:?}");
    }
}

#[test]
fn errors_say_their_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let seed = cap("seed-jsse-empty-cert.pcap");
    let missing = dir.path().join("missing.pcap");
    let missing = missing.to_str().unwrap();
    // Missing file: was "cannot analyse M: cannot open M: No such file or directory (os error
    // 2): No such file or directory (os error 2)".
    error_once(
        &tlsdiag(&["analyze", missing]),
        &[missing, "No such file or directory (os error 2)"],
    );
    // A directory where one capture is expected.
    error_once(
        &tlsdiag(&["compare", d, "--probe-pcap", &seed]),
        &[d, "is a directory"],
    );
    error_once(
        &tlsdiag(&["analyze", &seed, "--identity", d]),
        &[d, "is a directory"],
    );
    // /dev/zero as the password file.
    let pem = cap("pki/client.pem");
    error_once(
        &tlsdiag(&[
            "analyze",
            &seed,
            "--identity",
            &pem,
            "--password-file",
            "/dev/zero",
        ]),
        &["/dev/zero", "character device"],
    );
    // A missing keystore for the probe's trust.
    let nothere = format!("{d}/trust.pem");
    error_once(
        &tlsdiag(&["probe", "https://127.0.0.1:1/", "--trust", &nothere]),
        &[&nothere, "No such file or directory (os error 2)"],
    );
}

#[test]
fn file_names_in_errors_are_escaped_for_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let evil = dir.path().join("x\x1b[2J\x1b[31mred.pcap");
    let o = tlsdiag(&["analyze", evil.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!has_esc(&o), "raw ESC in {:?}", err(&o));
    assert!(err(&o).contains("\\u{1b}[2J"), "{}", err(&o));
}

#[test]
fn quiet_leaves_out_notes_but_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(cap("seed-jsse-empty-cert.pcap"), dir.path().join("a.pcap")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"hello").unwrap();
    let d = dir.path().to_str().unwrap();
    let loud = tlsdiag(&["analyze", d]);
    assert!(err(&loud).contains("skipped"), "{}", err(&loud));
    let quiet = tlsdiag(&["-q", "analyze", d]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(err(&quiet), "");
    assert_eq!(out(&quiet), out(&loud));
    let o = tlsdiag(&["--quiet", "analyze", "/nonexistent/x.pcap"]);
    assert!(err(&o).contains("cannot open"), "{}", err(&o));
    // -q and -v contradict each other.
    assert_eq!(tlsdiag(&["-q", "-v", "analyze", d]).status.code(), Some(2));
}
