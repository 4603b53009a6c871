//! The auth lab of the tests, shared by tests/auth.rs and tests/compare_http.rs: a throwaway MIT
//! realm whose KDC runs on loopback (`scripts/auth-lab/realm.sh`, `krb5kdc -n`, stopped by its
//! PID), the HTTPS SOAP endpoints of `scripts/auth-lab/soap_server.py` (stopped by PID), and
//! `tlsdiag probe` with exactly the environment a test gives. Each test crate uses a part.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const PYTHON: &str = "/usr/bin/python3";
pub const REALM: &str = "TLSDIAG.TEST";

pub fn repo(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(p)
}

pub fn have(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether the parts for `what` are installed; skipped (said on stderr) when not, except in CI.
pub fn required(what: &str, present: bool) -> bool {
    if present {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is required in CI (scripts/setup.sh installs it)"
    );
    eprintln!("SKIPPED: {what} not installed (run scripts/setup.sh)");
    false
}

pub fn kerberos_parts() -> bool {
    if !cfg!(feature = "kerberos") {
        eprintln!("SKIPPED: built without the kerberos feature");
        return false;
    }
    required(
        "an MIT KDC (krb5-kdc, krb5-admin-server, krb5-user) and python3-gssapi",
        Path::new("/usr/sbin/krb5kdc").exists()
            && Path::new("/usr/sbin/kadmin.local").exists()
            && Path::new("/usr/bin/kinit").exists()
            && have(PYTHON, &["-c", "import gssapi"]),
    )
}

pub fn python_parts() -> bool {
    required("python3", Path::new(PYTHON).exists())
}

/// A port nothing listens on (TCP and UDP free a moment ago).
pub fn free_port() -> u16 {
    loop {
        let t = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = t.local_addr().unwrap().port();
        if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

pub fn wait_for_port(port: u16, child: &mut Child, what: &str) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        if let Ok(Some(st)) = child.try_wait() {
            eprintln!("{what} exited early: {st}");
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A throwaway realm and its running KDC; the KDC is stopped by its PID on drop.
pub struct Lab {
    pub dir: tempfile::TempDir,
    pub kdc: Option<Child>,
}

impl Lab {
    pub fn start() -> Lab {
        for _ in 0..3 {
            let dir = tempfile::Builder::new()
                .prefix("tlsdiag-auth-")
                .tempdir()
                .unwrap();
            let port = free_port();
            let dead = free_port();
            let st = Command::new("bash")
                .arg(repo("scripts/auth-lab/realm.sh"))
                .arg(dir.path())
                .arg(port.to_string())
                .arg(dead.to_string())
                .status()
                .unwrap();
            assert!(st.success(), "realm.sh failed");
            let mut kdc = Command::new("/usr/sbin/krb5kdc")
                .arg("-n")
                .env("KRB5_CONFIG", dir.path().join("krb5.conf"))
                .env("KRB5_KDC_PROFILE", dir.path().join("kdc.conf"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            if wait_for_port(port, &mut kdc, "krb5kdc") {
                return Lab {
                    dir,
                    kdc: Some(kdc),
                };
            }
            let _ = kdc.kill();
            let _ = kdc.wait();
        }
        panic!("the KDC did not start (3 tries)");
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn conf(&self) -> PathBuf {
        self.path("krb5.conf")
    }

    /// `kinit alice` into a fresh file ccache of this lab; returns its KRB5CCNAME value.
    pub fn kinit(&self, name: &str) -> String {
        let cc = format!("FILE:{}", self.path(name).display());
        let pw = std::fs::File::open(self.path("alice.password")).unwrap();
        let o = Command::new("kinit")
            .arg("alice")
            .env("KRB5_CONFIG", self.conf())
            .env("KRB5CCNAME", &cc)
            .stdin(pw)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "kinit: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        cc
    }

    /// Stops the KDC (by PID) and waits for it.
    pub fn stop_kdc(&mut self) {
        if let Some(mut k) = self.kdc.take() {
            let _ = k.kill();
            let _ = k.wait();
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.stop_kdc();
    }
}

/// A soap_server.py instance; stopped by its PID on drop.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn server(lab: Option<&Lab>, args: &[&str]) -> Server {
    let mut c = Command::new(PYTHON);
    c.arg(repo("scripts/auth-lab/soap_server.py"))
        .args(["--exit-with-parent", "--max-seconds", "120"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if !args.contains(&"--plain") {
        c.arg("--cert")
            .arg(repo("captures/pki/server-chain.pem"))
            .arg("--key")
            .arg(repo("captures/pki/server.key"));
    }
    if let Some(l) = lab {
        c.env("KRB5_CONFIG", l.conf()).env(
            "KRB5_KTNAME",
            format!("FILE:{}", l.path("http.keytab").display()),
        );
    }
    let mut child = c.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(15)).unwrap_or_default();
    let port = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| {
            let _ = child.kill();
            panic!("soap_server.py did not start: {line:?}")
        });
    Server { child, port }
}

/// Runs `tlsdiag probe URL ARGS` with exactly the given extra environment.
pub fn probe(url: &str, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tlsdiag"));
    c.arg("probe")
        .arg(url)
        .arg("--trust")
        .arg(repo("captures/pki/partner-root.pem"))
        .args(args)
        .env_remove("TLSDIAG_PASSWORD")
        .env_remove("TLSDIAG_HTTP_PASSWORD")
        .env_remove("KRB5CCNAME")
        .env_remove("KRB5_CONFIG")
        .env_remove("KRB5_CLIENT_KTNAME")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

pub fn json(url: &str, args: &[&str], env: &[(&str, String)]) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    let o = probe(url, &a, env);
    assert!(
        o.status.code() != Some(2),
        "probe could not run: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    v["probe"].clone()
}

pub fn codes(p: &Value) -> Vec<String> {
    p["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

pub fn finding<'a>(p: &'a Value, code: &str) -> &'a Value {
    p["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}: {p:#}", codes(p)))
}

/// All evidence values of a finding, joined.
pub fn evidence(f: &Value) -> String {
    f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["value"].as_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" | ")
}

pub fn kenv(lab: &Lab, cc: &str) -> Vec<(&'static str, String)> {
    vec![
        ("KRB5_CONFIG", lab.conf().display().to_string()),
        ("KRB5CCNAME", cc.to_owned()),
    ]
}
