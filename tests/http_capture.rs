//! HTTP read out of captured connections (issue 14 §4), on real captures made by
//! captures/scripts/http-auth.sh (curl against the auth-lab SOAP server, SSLKEYLOGFILE):
//! a TLS 1.3 401 Negotiate, a TLS 1.2 Negotiate exchange that succeeds, Basic over plain HTTP.
//! tshark is the reference for the HTTP fields (request method, response code,
//! WWW-Authenticate) read with the same key log.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn cap(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

fn tlsdiag(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args(args)
        .output()
        .unwrap()
}

fn analyze_json(pcap: &str, keylog: Option<&str>) -> Value {
    let p = cap(pcap);
    let k = keylog.map(cap);
    let mut args = vec!["analyze", p.to_str().unwrap(), "--json"];
    if let Some(k) = &k {
        args.push("--keylog");
        args.push(k.to_str().unwrap());
    }
    let o = tlsdiag(&args);
    assert!(
        o.status.code() != Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn analyze_text(pcap: &str, keylog: Option<&str>) -> String {
    let p = cap(pcap);
    let k = keylog.map(cap);
    let mut args = vec!["analyze", p.to_str().unwrap()];
    if let Some(k) = &k {
        args.push("--keylog");
        args.push(k.to_str().unwrap());
    }
    String::from_utf8(tlsdiag(&args).stdout).unwrap()
}

fn codes(c: &Value) -> Vec<String> {
    c["diagnosis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

fn tshark_required() -> bool {
    if Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "tshark is required in CI (scripts/setup.sh installs it)"
    );
    eprintln!("SKIPPED: tshark not installed (run scripts/setup.sh)");
    false
}

/// tshark's HTTP fields per frame: (frame, method, response code, WWW-Authenticate schemes).
fn tshark_http(pcap: &str, keylog: Option<&str>) -> Vec<(u64, String, String, String)> {
    let mut c = Command::new("tshark");
    c.arg("-n").arg("-r").arg(cap(pcap));
    if let Some(k) = keylog {
        c.arg("-o")
            .arg(format!("tls.keylog_file:{}", cap(k).display()));
    }
    c.args([
        "-Y",
        "http",
        "-T",
        "fields",
        "-E",
        "separator=|",
        "-e",
        "frame.number",
        "-e",
        "http.request.method",
        "-e",
        "http.response.code",
        "-e",
        "http.www_authenticate",
    ]);
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('|').collect();
            // A Negotiate challenge carries a token: keep the scheme only.
            let schemes = f[3]
                .split(',')
                .filter_map(|x| x.split_whitespace().next())
                .collect::<Vec<_>>()
                .join(",");
            (
                f[0].parse().unwrap(),
                f[1].to_owned(),
                f[2].to_owned(),
                schemes,
            )
        })
        .collect()
}

/// Ours in tshark's shape (tshark numbers an HTTP message by the frame where it is complete).
fn ours(c: &Value) -> Vec<(u64, String, String, String)> {
    let mut out = Vec::new();
    for e in c["http"]["exchanges"]["value"].as_array().unwrap() {
        let r = &e["request"];
        if !r.is_null() {
            out.push((
                r["end_frame"].as_u64().unwrap(),
                r["method"].as_str().unwrap().to_owned(),
                String::new(),
                String::new(),
            ));
        }
        let s = &e["response"];
        if !s.is_null() {
            let schemes = s["challenges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["scheme"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
                .join(",");
            out.push((
                s["end_frame"].as_u64().unwrap(),
                String::new(),
                s["status"].to_string(),
                schemes,
            ));
        }
    }
    out
}

#[test]
fn a_keylogged_401_negotiate_is_named_with_its_scheme() {
    let d = analyze_json("http-negotiate-401.pcap", Some("http-negotiate-401.keylog"));
    let c = &d["connections"][0];
    assert_eq!(c["tls_version"]["name"], "TLS 1.3");
    let h = &c["http"];
    assert_eq!(h["transport"], "tls");
    assert_eq!(h["exchanges"]["state"], "known");
    let ex = h["exchanges"]["value"].as_array().unwrap();
    assert_eq!(ex.len(), 1, "{h:#}");
    let req = &ex[0]["request"];
    assert_eq!(req["method"], "POST");
    assert_eq!(req["target"], "/soap");
    assert_eq!(req["soap_action"], "urn:tlsdiag:Ping");
    assert_eq!(req["credentials"], serde_json::json!([]));
    let res = &ex[0]["response"];
    assert_eq!(res["status"], 401);
    assert_eq!(res["challenges"][0]["scheme"], "Negotiate");
    assert_eq!(codes(c)[0], "http-auth-required", "{:?}", codes(c));
    let f = &c["diagnosis"][0];
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("Negotiate (SPNEGO/Kerberos)")
            && f["message"].as_str().unwrap().contains("no credentials"),
        "{f:#}"
    );
    assert_eq!(d["schema_version"], "1.4");

    let text = analyze_text("http-negotiate-401.pcap", Some("http-negotiate-401.keylog"));
    assert!(text.contains("HTTP   inside TLS"), "{text}");
    assert!(
        text.contains("401 Unauthorized · WWW-Authenticate: Negotiate"),
        "{text}"
    );

    if tshark_required() {
        assert_eq!(
            ours(c),
            tshark_http("http-negotiate-401.pcap", Some("http-negotiate-401.keylog"))
        );
    }
}

#[test]
fn without_the_key_log_the_http_layer_is_unknown_not_absent() {
    let d = analyze_json("http-negotiate-401.pcap", None);
    let h = &d["connections"][0]["http"];
    assert_eq!(h["exchanges"]["state"], "unknown");
    assert_eq!(h["exchanges"]["reason"], "encrypted_without_keys");
    assert_eq!(h["exchanges"]["reveal"], "key_log");
    assert!(!codes(&d["connections"][0]).contains(&"http-auth-required".to_owned()));
    let text = analyze_text("http-negotiate-401.pcap", None);
    assert!(
        text.contains("HTTP   not visible: encrypted (no key) — give --keylog"),
        "{text}"
    );
}

#[test]
fn tls12_negotiate_exchange_shows_token_kinds_and_lengths_never_tokens() {
    let d = analyze_json("http-negotiate-ok.pcap", Some("http-negotiate-ok.keylog"));
    let c = &d["connections"][0];
    assert_eq!(c["tls_version"]["name"], "TLS 1.2");
    let ex = c["http"]["exchanges"]["value"].as_array().unwrap();
    let last = ex.last().unwrap();
    let cred = &last["request"]["credentials"][0];
    assert_eq!(cred["header"], "Authorization");
    assert_eq!(cred["scheme"], "Negotiate");
    assert_eq!(cred["token_kind"], "spnego-init");
    assert!(cred["token_len"].as_u64().unwrap() > 500, "{cred}");
    assert_eq!(last["response"]["status"], 200);
    assert_eq!(
        last["response"]["challenges"][0]["token_kind"],
        "spnego-response"
    );
    // The tokens as sent (base64) appear nowhere in our output; tshark shows them.
    let all = serde_json::to_string(&d).unwrap()
        + &analyze_text("http-negotiate-ok.pcap", Some("http-negotiate-ok.keylog"));
    if tshark_required() {
        let o = Command::new("tshark")
            .arg("-n")
            .arg("-r")
            .arg(cap("http-negotiate-ok.pcap"))
            .arg("-o")
            .arg(format!(
                "tls.keylog_file:{}",
                cap("http-negotiate-ok.keylog").display()
            ))
            .args(["-Y", "http", "-T", "fields", "-e", "http.authorization"])
            .output()
            .unwrap();
        let auth = String::from_utf8(o.stdout).unwrap();
        let token = auth
            .split_whitespace()
            .nth(1)
            .expect("tshark shows the token");
        assert!(token.len() > 100);
        assert!(!all.contains(&token[..40]), "the token leaked");
        assert_eq!(
            ours(c),
            tshark_http("http-negotiate-ok.pcap", Some("http-negotiate-ok.keylog"))
        );
    }
    assert!(!all.contains("YIIC"), "no SPNEGO token text in the output");
}

#[test]
fn basic_over_plain_http_is_named_without_the_password() {
    let d = analyze_json("http-basic-plain.pcap", None);
    assert_eq!(d["summary"]["plain_http"], 1);
    assert_eq!(d["summary"]["incomplete"], 0);
    let c = &d["connections"][0];
    assert_eq!(c["http"]["transport"], "plain");
    assert_eq!(codes(c)[0], "http-basic-over-plain-http");
    let cred = &c["http"]["exchanges"]["value"][0]["request"]["credentials"][0];
    assert_eq!(cred["scheme"], "Basic");
    assert_eq!(cred["token_kind"], "basic-credentials");
    // base64("alice:alice-Basic-Secret-7") is 36 characters.
    assert_eq!(cred["token_len"], 36);
    let text = analyze_text("http-basic-plain.pcap", None);
    assert!(text.contains("1 plain HTTP"), "{text}");
    assert!(text.contains("http-basic-over-plain-http"), "{text}");
    let all = serde_json::to_string(&d).unwrap() + &text;
    for secret in [
        "alice-Basic-Secret-7",
        "YWxpY2U6YWxpY2UtQmFzaWMtU2VjcmV0LTc",
    ] {
        assert!(!all.contains(secret), "{secret} leaked");
    }
    // The password is in the capture (that is the finding): tshark shows it.
    if tshark_required() {
        let t = tshark_http("http-basic-plain.pcap", None);
        assert_eq!(ours(c), t);
    }
}
