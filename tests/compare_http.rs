//! `tlsdiag compare` with the HTTP layer beside the TLS rows (issue 14 §4, compare part): the
//! captured 401 Negotiate (captures/http-negotiate-401.pcap, curl without a ticket, with its key
//! log) against the same call that logged in (captures/http-negotiate-ok.pcap, and a live
//! `probe --negotiate` against the auth lab's server), the capture without its key log (the HTTP
//! side unknown: never a difference), two equal answers, and the Markdown face with
//! `--redact` (issue 16 §2, compare part). HTTP facts are checked against tshark's fields.

mod auth_lab;

use auth_lab::*;
use serde_json::Value;
use std::process::{Command, Stdio};

fn cap(name: &str) -> String {
    repo("captures").join(name).to_string_lossy().into_owned()
}

/// `compare LEFT --probe-pcap RIGHT` with optional key logs and extra arguments.
fn run(left: &str, lkey: Option<&str>, right: &str, rkey: Option<&str>, extra: &[&str]) -> String {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tlsdiag"));
    c.arg("compare").arg(cap(left));
    if let Some(k) = lkey {
        c.arg("--capture-keylog").arg(cap(k));
    }
    c.arg("--probe-pcap").arg(cap(right));
    if let Some(k) = rkey {
        c.arg("--probe-keylog").arg(cap(k));
    }
    let o = c
        .args(extra)
        .env("COLUMNS", "160")
        .env("NO_COLOR", "1")
        .env_remove("SSLKEYLOGFILE")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn json(left: &str, lkey: Option<&str>, right: &str, rkey: Option<&str>) -> Value {
    serde_json::from_str(&run(left, lkey, right, rkey, &["--json"])).unwrap()
}

fn row<'a>(v: &'a Value, fact: &str) -> &'a Value {
    v["comparison"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["fact"] == fact)
        .unwrap_or_else(|| panic!("no row {fact}: {v:#}"))
}

fn http_rows(v: &Value) -> Vec<&Value> {
    v["comparison"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            [
                "HTTP request",
                "HTTP credentials sent",
                "HTTP status",
                "WWW-Authenticate",
                "SOAP fault",
            ]
            .contains(&r["fact"].as_str().unwrap_or(""))
        })
        .collect()
}

fn decisive(v: &Value) -> &Value {
    &v["comparison"]["decisive"]
}

/// tshark's reading of one capture's HTTP, or None without tshark (then the README's values are
/// used; in CI tshark is required).
struct Tshark {
    method: String,
    uri: String,
    /// `401 Unauthorized`.
    status: String,
    /// The WWW-Authenticate value: scheme and, if any, base64 token.
    challenge: String,
    /// The Authorization value (scheme and base64 token), empty without one.
    authorization: String,
    /// The SOAPAction header's value, unquoted.
    soap_action: String,
}

fn tshark_http(pcap: &str, keylog: &str) -> Option<Tshark> {
    let o = Command::new("tshark")
        .args(["-n", "-r", &cap(pcap), "-o"])
        .arg(format!("tls.keylog_file:{}", cap(keylog)))
        .args(["-Y", "http", "-T", "fields", "-E", "separator=|"])
        .args(["-e", "http.request.method", "-e", "http.request.uri"])
        .args(["-e", "http.response.code", "-e", "http.response.phrase"])
        .args(["-e", "http.www_authenticate", "-e", "http.authorization"])
        .args(["-e", "http.request.line"])
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success());
    let Some(o) = o else {
        assert!(std::env::var_os("CI").is_none(), "tshark is required in CI");
        eprintln!("tshark not installed: using the values captures/README.md lists");
        return None;
    };
    let mut t = Tshark {
        method: String::new(),
        uri: String::new(),
        status: String::new(),
        challenge: String::new(),
        authorization: String::new(),
        soap_action: String::new(),
    };
    for line in String::from_utf8(o.stdout).unwrap().lines() {
        let f: Vec<&str> = line.split('|').collect();
        if !f[0].is_empty() {
            t.method = f[0].into();
            t.uri = f[1].into();
            t.authorization = f[5].into();
            for h in f[6].split(',') {
                if let Some(v) = h.strip_prefix("SOAPAction:") {
                    t.soap_action = v.trim().trim_end_matches("\\r\\n").trim_matches('"').into();
                }
            }
        }
        if !f[2].is_empty() {
            t.status = format!("{} {}", f[2], f[3]);
            t.challenge = f[4].into();
        }
    }
    Some(t)
}

/// The decoded length of a header value's base64 token (`Negotiate <token>`).
fn token_len(value: &str) -> usize {
    let b64 = value.split_whitespace().nth(1).unwrap_or("");
    let pad = b64.chars().rev().take_while(|c| *c == '=').count();
    b64.len() / 4 * 3 - pad
}

#[test]
fn captured_401_vs_captured_200_names_http_authentication() {
    let v = json(
        "http-negotiate-401.pcap",
        Some("http-negotiate-401.keylog"),
        "http-negotiate-ok.pcap",
        Some("http-negotiate-ok.keylog"),
    );
    let (l, r) = match (
        tshark_http("http-negotiate-401.pcap", "http-negotiate-401.keylog"),
        tshark_http("http-negotiate-ok.pcap", "http-negotiate-ok.keylog"),
    ) {
        (Some(l), Some(r)) => (l, r),
        _ => (
            Tshark {
                method: "POST".into(),
                uri: "/soap".into(),
                status: "401 Unauthorized".into(),
                challenge: "Negotiate".into(),
                authorization: String::new(),
                soap_action: "urn:tlsdiag:Ping".into(),
            },
            Tshark {
                method: "POST".into(),
                uri: "/soap".into(),
                status: "200 OK".into(),
                challenge: format!("Negotiate {}", "A".repeat(248)),
                authorization: format!("Negotiate {}", "A".repeat(1020)),
                soap_action: "urn:tlsdiag:Ping".into(),
            },
        ),
    };
    // The facts as tshark reads them.
    let req = row(&v, "HTTP request");
    assert!(
        req["left"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{} {}", l.method, l.uri)),
        "{req}"
    );
    assert!(
        req["left"]
            .as_str()
            .unwrap()
            .ends_with(&format!(" · SOAPAction {}", l.soap_action)),
        "{req} vs tshark {}",
        l.soap_action
    );
    assert_eq!(l.soap_action, "urn:tlsdiag:Ping");
    let st = row(&v, "HTTP status");
    assert_eq!(st["left"], l.status.as_str());
    assert_eq!(st["right"], r.status.as_str());
    assert_eq!(st["differs"], true);
    assert_eq!(st["decisive"], true);
    let ch = row(&v, "WWW-Authenticate");
    assert_eq!(ch["left"], l.challenge.as_str());
    assert_eq!(
        ch["right"],
        format!(
            "Negotiate <spnego-response token, {} bytes>",
            token_len(&r.challenge)
        )
    );
    let cr = row(&v, "HTTP credentials sent");
    assert!(l.authorization.is_empty());
    assert_eq!(cr["left"], "none");
    assert_eq!(
        cr["right"],
        format!(
            "Negotiate <spnego-init, {} bytes>",
            token_len(&r.authorization)
        )
    );
    assert_eq!(row(&v, "SOAP fault")["left"], "–");

    let d = decisive(&v);
    assert_eq!(d["kind"], "http", "{d:#}");
    assert_eq!(d["http_reason"], "authentication");
    assert_eq!(d["side"], "left");
    assert_eq!(d["row"], "HTTP status");
    let s = d["sentence"].as_str().unwrap();
    assert!(
        s.starts_with("the HTTP authentication: both TLS handshakes completed;"),
        "{s}"
    );
    assert!(
        s.contains("the captured #1 sent POST /soap without credentials and got 401 Unauthorized (WWW-Authenticate: Negotiate): it sent no credentials"),
        "{s}"
    );
    assert!(s.contains("and got 200 OK"), "{s}");
    // The TLS versions differ (1.3 vs 1.2) but both completed: not the answer.
    let neg = row(&v, "negotiated");
    assert_eq!(neg["differs"], true);
    assert_eq!(neg["decisive"], false);
    let decisive_rows: Vec<&Value> = v["comparison"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["decisive"] == true)
        .collect();
    assert_eq!(decisive_rows.len(), 1);

    // The text names it; no token value is ever printed, in any face.
    let text = run(
        "http-negotiate-401.pcap",
        Some("http-negotiate-401.keylog"),
        "http-negotiate-ok.pcap",
        Some("http-negotiate-ok.keylog"),
        &[],
    );
    // The answer is the first line, the facts under it.
    assert!(
        text.starts_with("Decisive difference: the HTTP authentication:"),
        "{text}"
    );
    assert!(text.contains("HTTP status"), "{text}");
    let whole = serde_json::to_string(&v).unwrap();
    for secret in [&r.authorization, &r.challenge] {
        if let Some(tok) = secret.split_whitespace().nth(1) {
            let probe = &tok[..40.min(tok.len())];
            assert!(
                !whole.contains(probe) && !text.contains(probe),
                "token shown"
            );
        }
    }
}

#[test]
fn capture_without_key_log_leaves_http_unknown_never_a_difference() {
    let v = json(
        "http-negotiate-401.pcap",
        None,
        "http-negotiate-ok.pcap",
        Some("http-negotiate-ok.keylog"),
    );
    let rows = http_rows(&v);
    assert_eq!(rows.len(), 5, "{v:#}");
    for r in &rows {
        assert!(r["left"].as_str().unwrap().starts_with("? unknown"), "{r}");
        assert_eq!(r["unknown"], true, "{r}");
        assert_eq!(r["differs"], false, "{r}");
        assert_eq!(r["decisive"], false, "{r}");
    }
    assert_eq!(row(&v, "HTTP status")["right"], "200 OK");
    let d = decisive(&v);
    assert_eq!(d["kind"], "unknown", "{d:#}");
    assert_eq!(d["side"], "left");
    let u = &d["unknown"][0];
    assert_eq!(u["side"], "left");
    assert_eq!(u["fact"], "http_exchange");
    assert_eq!(u["reason"], "encrypted_without_keys");
    assert_eq!(u["reveal"], "key_log");
    let s = d["sentence"].as_str().unwrap();
    assert!(
        s.starts_with("Not decided: both TLS handshakes completed"),
        "{s}"
    );
    assert!(s.contains("its HTTP exchange is unknown"), "{s}");
    assert!(s.contains("--capture-keylog"), "{s}");
    assert!(
        s.contains("the probe sent POST /soap with Negotiate"),
        "{s}"
    );
    assert!(v["comparison"]["decisive_difference"].is_string());

    // Neither side read: no HTTP rows, and the answer says HTTP was not compared.
    let v = json(
        "http-negotiate-401.pcap",
        None,
        "http-negotiate-ok.pcap",
        None,
    );
    assert!(http_rows(&v).is_empty(), "{v:#}");
    let d = decisive(&v);
    assert_eq!(d["kind"], "same_outcome");
    let s = d["sentence"].as_str().unwrap();
    assert!(s.contains("HTTP is not compared"), "{s}");
}

#[test]
fn the_same_http_answer_is_no_difference() {
    let v = json(
        "http-negotiate-ok.pcap",
        Some("http-negotiate-ok.keylog"),
        "http-negotiate-ok.pcap",
        Some("http-negotiate-ok.keylog"),
    );
    let d = decisive(&v);
    assert_eq!(d["kind"], "same_outcome", "{d:#}");
    let s = d["sentence"].as_str().unwrap();
    assert!(
        s.contains(
            "both completed, for the same reason, and both HTTP exchanges ended with 200 OK"
        ),
        "{s}"
    );
    for r in http_rows(&v) {
        assert_eq!(r["differs"], false, "{r}");
    }
}

/// Every address, port, host name and certificate value of both captures as tshark reads them
/// (values shorter than 3 characters, such as the country, are not redacted by design).
fn originals(pcaps: &[&str]) -> Option<(Vec<String>, Vec<String>)> {
    let mut names = std::collections::BTreeSet::new();
    let mut ports = std::collections::BTreeSet::new();
    for p in pcaps {
        let o = Command::new("tshark")
            .args(["-n", "-r", &cap(p), "-T", "fields", "-E", "separator=|"])
            .args(["-e", "ip.src", "-e", "ip.dst"])
            .args(["-e", "tls.handshake.extensions_server_name"])
            .args(["-e", "x509sat.printableString", "-e", "x509sat.uTF8String"])
            .args(["-e", "x509ce.dNSName", "-e", "x509af.serialNumber"])
            .args(["-e", "tcp.srcport", "-e", "tcp.dstport"])
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())?;
        for line in String::from_utf8(o.stdout).unwrap().lines() {
            let f: Vec<&str> = line.split('|').collect();
            for (i, field) in f.iter().enumerate() {
                for v in field.split(',').filter(|v| v.len() >= 3) {
                    if i >= 7 {
                        ports.insert(v.to_owned());
                    } else {
                        names.insert(v.to_owned());
                    }
                }
            }
        }
    }
    Some((names.into_iter().collect(), ports.into_iter().collect()))
}

#[test]
fn markdown_answer_first_and_redacted_without_addresses_or_names() {
    let args = |extra: &[&str]| {
        run(
            "http-negotiate-401.pcap",
            Some("http-negotiate-401.keylog"),
            "http-negotiate-ok.pcap",
            Some("http-negotiate-ok.keylog"),
            extra,
        )
    };
    let md = args(&["--format", "markdown"]);
    let mut lines = md.lines();
    assert_eq!(
        lines.next(),
        Some("# TLS comparison: captured \\#1 vs probe")
    );
    assert_eq!(lines.next(), Some(""));
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("**Decisive difference:** the HTTP authentication:"),
        "{md}"
    );
    assert!(md.contains("| fact | captured \\#1 | probe | |"), "{md}");
    assert!(
        md.contains("| HTTP status | **401 Unauthorized** | **200 OK** | **≠ decisive** |"),
        "{md}"
    );
    assert!(md.contains("| SNI | localhost | localhost |  |"), "{md}");

    let (names, ports) = originals(&["http-negotiate-401.pcap", "http-negotiate-ok.pcap"])
        .unwrap_or_else(|| {
            assert!(std::env::var_os("CI").is_none(), "tshark is required in CI");
            (
                vec!["127.0.0.1".into(), "localhost".into()],
                vec!["40757".into()],
            )
        });
    assert!(names.iter().any(|n| n == "127.0.0.1"), "{names:?}");
    assert!(names.iter().any(|n| n == "localhost"), "{names:?}");
    let check = |what: &str, out: &str| {
        let lower = out.to_ascii_lowercase();
        for n in &names {
            assert!(
                !lower.contains(&n.to_ascii_lowercase().replace(':', "")),
                "{what}: {n} survived:\n{out}"
            );
        }
        for p in &ports {
            assert!(!out.contains(&format!(":{p}")), "{what}: port {p} survived");
            assert!(
                !out.contains(&format!("\"port\": {p}")),
                "{what}: port {p} survived"
            );
        }
    };
    let red = args(&["--format", "markdown", "--redact", "--redact-ports"]);
    check("markdown", &red);
    assert!(
        red.contains("**Decisive difference:** the HTTP authentication:"),
        "{red}"
    );
    assert!(red.contains("| SNI | host-1 | host-1 |  |"), "{red}");
    assert!(red.contains("*Redacted: "), "{red}");
    // Text (cells cut to the width are redacted before they are cut) and JSON too.
    let text = args(&["--redact", "--redact-ports"]);
    check("text", &text);
    assert!(text.contains("Decisive difference: the HTTP authentication"));
    let js = args(&["--json", "--redact", "--redact-ports"]);
    check("json", &js);
    let doc: Value = serde_json::from_str(&js).unwrap();
    assert_eq!(doc["comparison"]["decisive"]["kind"], "http");
    assert_eq!(
        doc["captured"]["http"]["exchanges"]["value"][0]["request"]["host"], "host-1:port-2",
        "{doc:#}"
    );
    assert!(doc["redaction"]["replaced"]["addr"].as_u64().unwrap() >= 1);
}

/// The live half: the captured 401 Negotiate beside `compare --url … --negotiate` that logs in
/// with a ticket against a fresh auth-lab server — with the capture's key log (HTTP decisive:
/// 401 Negotiate vs 200) and without it (the captured HTTP unknown, never a difference).
#[test]
fn captured_401_vs_live_negotiate_probe_200() {
    if !kerberos_parts() {
        return;
    }
    let lab = Lab::start();
    let srv = server(Some(&lab), &["--auth", "negotiate"]);
    let url = format!("https://localhost:{}/soap", srv.port);
    let cc = lab.kinit("cc-compare");
    let compare = |keylog: bool, extra: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tlsdiag"));
        c.arg("compare").arg(cap("http-negotiate-401.pcap"));
        if keylog {
            c.arg("--capture-keylog")
                .arg(cap("http-negotiate-401.keylog"));
        }
        c.arg("--url")
            .arg(&url)
            .arg("--trust")
            .arg(cap("pki/partner-root.pem"))
            .arg("--negotiate")
            .args(extra)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "160")
            .env_remove("KRB5_CLIENT_KTNAME")
            .env_remove("TLSDIAG_HTTP_PASSWORD")
            .env_remove("SSLKEYLOGFILE")
            .stdin(Stdio::null());
        for (k, v) in kenv(&lab, &cc) {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };

    let v: Value = serde_json::from_str(&compare(true, &["--json"])).unwrap();
    // The probe's own answer, as the probe read it, is the row's right side.
    assert_eq!(v["http"]["status"], 200, "{:#}", v["http"]);
    let st = row(&v, "HTTP status");
    assert_eq!(st["left"], "401 Unauthorized");
    assert_eq!(st["right"], "200 OK");
    assert_eq!(st["decisive"], true);
    assert_eq!(row(&v, "WWW-Authenticate")["left"], "Negotiate");
    let cr = row(&v, "HTTP credentials sent");
    assert_eq!(cr["left"], "none");
    assert!(
        cr["right"]
            .as_str()
            .unwrap()
            .starts_with("Negotiate <spnego-init, "),
        "{cr}"
    );
    let d = decisive(&v);
    assert_eq!(d["kind"], "http", "{d:#}");
    assert_eq!(d["http_reason"], "authentication");
    assert_eq!(d["side"], "left");
    assert_eq!(row(&v, "outcome")["differs"], false);
    let text = compare(true, &[]);
    assert!(
        text.contains("Decisive difference: the HTTP authentication: both TLS handshakes completed; the captured #1 sent POST /soap without credentials and got 401 Unauthorized"),
        "{text}"
    );

    // Without the capture's key log: unknown on the captured side, no HTTP row differs.
    let v: Value = serde_json::from_str(&compare(false, &["--json"])).unwrap();
    for r in http_rows(&v) {
        assert_eq!(r["differs"], false, "{r}");
        assert_eq!(r["unknown"], true, "{r}");
    }
    assert_eq!(row(&v, "HTTP status")["right"], "200 OK");
    let d = decisive(&v);
    assert_eq!(d["kind"], "unknown", "{d:#}");
    assert_eq!(d["unknown"][0]["fact"], "http_exchange");
    assert_eq!(d["unknown"][0]["side"], "left");
}

/// The `status` class on real parts: the captured successful call (200, with its key log) beside
/// a live probe that the lab server answers 403 without any authentication scheme (`--auth none
/// --deny 403`): the probe's side is the one the answer is about.
#[test]
fn captured_200_vs_live_probe_403_is_the_http_status() {
    if !python_parts() {
        return;
    }
    let srv = server(None, &["--auth", "none", "--deny", "403"]);
    let url = format!("https://localhost:{}/soap", srv.port);
    let o = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .arg("compare")
        .arg(cap("http-negotiate-ok.pcap"))
        .arg("--capture-keylog")
        .arg(cap("http-negotiate-ok.keylog"))
        .args(["--url", &url, "--trust"])
        .arg(cap("pki/partner-root.pem"))
        .arg("--json")
        .env_remove("SSLKEYLOGFILE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["http"]["status"], 403);
    let st = row(&v, "HTTP status");
    assert_eq!(st["left"], "200 OK");
    assert_eq!(st["right"], "403 Forbidden");
    assert_eq!(st["decisive"], true);
    assert_eq!(row(&v, "HTTP credentials sent")["right"], "none");
    assert_eq!(row(&v, "WWW-Authenticate")["right"], "–");
    let d = decisive(&v);
    assert_eq!(d["kind"], "http", "{d:#}");
    assert_eq!(d["http_reason"], "status");
    assert_eq!(d["side"], "right");
    let s = d["sentence"].as_str().unwrap();
    assert!(
        s.starts_with("the HTTP status: both TLS handshakes completed; the probe sent POST /soap without credentials and got 403 Forbidden;"),
        "{s}"
    );
}
