//! HTTP authentication of the probe against real parts started by the tests: a throwaway MIT
//! realm whose KDC runs on loopback (`scripts/auth-lab/realm.sh`, `krb5kdc -n`, stopped by its
//! PID) and HTTPS SOAP endpoints (`scripts/auth-lab/soap_server.py`: Debian's python3-gssapi for
//! Negotiate, Basic, client-certificate mapping, plain HTTP), each on a free port. Every probe is
//! the `tlsdiag` binary with its own environment (KRB5_CONFIG, KRB5CCNAME, the HTTP password),
//! so the tests run in parallel, each with its own realm.
//!
//! Gated like the tshark tests: without krb5-kdc/krb5-admin-server/krb5-user, python3-gssapi or
//! faketime the Kerberos tests are skipped with a message, except in CI (`CI` set), where
//! `scripts/setup.sh` installs them and they must run.

mod auth_lab;

use auth_lab::*;
use serde_json::Value;
use std::process::{Command, Stdio};

fn assert_negotiate_ok(p: &Value, source: &str, principal: &str) {
    assert_eq!(p["succeeded"], true, "{p:#}");
    assert_eq!(p["error"], Value::Null);
    let h = &p["http"];
    assert_eq!(h["status"], 200);
    // The server saw who we are: its answer names the initiator.
    assert!(
        h["body_preview"]
            .as_str()
            .unwrap()
            .contains(&format!("user=\"{principal}\"")),
        "{}",
        h["body_preview"]
    );
    let a = &h["auth"];
    assert_eq!(a["scheme"], "negotiate");
    assert_eq!(a["accepted"], true);
    let k = &a["kerberos"];
    assert_eq!(k["credential_source"], source);
    assert_eq!(k["client_principal"], principal);
    assert_eq!(k["spn"], "HTTP/localhost");
    assert_eq!(k["mutual_auth"], "verified", "the server's AP-REP verified");
    assert_eq!(k["failure"], Value::Null);
    let sent = a["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| !t["sent"].is_null())
        .expect("a request with a token");
    assert_eq!(sent["sent"]["token_kind"], "spnego-init");
    assert!(sent["sent"]["token_len"].as_u64().unwrap() > 300);
    assert_eq!(sent["status"], 200);
    // The 200's challenge is the server's mutual-auth token: kind and length only.
    let ch = &sent["challenges"][0];
    assert_eq!(ch["scheme"], "Negotiate");
    assert_eq!(ch["token_kind"], "spnego-response");
    assert!(ch["token_len"].as_u64().unwrap() > 20);
    // No token value anywhere in the kept headers.
    let hdr = h["headers"].to_string();
    assert!(hdr.contains("Negotiate <token: "), "{hdr}");
    assert_eq!(
        codes(p).first().map(String::as_str),
        Some("http-auth-accepted")
    );
}

/// The "done when": a kinit cache, a keytab and a password each get HTTP 200 from a
/// server that demands Negotiate; mutual authentication is verified each time.
#[test]
fn negotiate_with_ccache_keytab_and_password_gets_200() {
    if !kerberos_parts() {
        return;
    }
    let lab = Lab::start();
    let srv = server(Some(&lab), &["--auth", "negotiate"]);
    let url = format!("https://localhost:{}/soap", srv.port);

    // 1. kinit credential cache (preemptive, the default).
    let cc = lab.kinit("cc-alice");
    let p = json(&url, &["--negotiate"], &kenv(&lab, &cc));
    assert_negotiate_ok(&p, "ccache", &format!("alice@{REALM}"));
    let a = &p["http"]["auth"];
    assert_eq!(a["mode"], "preemptive");
    assert_eq!(a["attempts"].as_array().unwrap().len(), 1);
    assert!(a["summary"]
        .as_str()
        .unwrap()
        .starts_with("Negotiate sent preemptively"));

    // 2. keytab + principal; the user's own ccache is neither read nor written.
    let untouched = lab.path("cc-untouched");
    let p = json(
        &url,
        &[
            "--negotiate",
            "--keytab",
            lab.path("svc.keytab").to_str().unwrap(),
            "--principal",
            "svc",
        ],
        &kenv(&lab, &format!("FILE:{}", untouched.display())),
    );
    assert_negotiate_ok(&p, "keytab", &format!("svc@{REALM}"));
    assert!(
        !untouched.exists(),
        "the keytab login wrote the user's ccache"
    );

    // 3. principal + password (from a file), with delegation and a lifetime.
    let p = json(
        &url,
        &[
            "--negotiate",
            "--principal",
            "alice",
            "--http-password-file",
            lab.path("alice.password").to_str().unwrap(),
            "--delegate",
            "--lifetime",
            "600",
        ],
        &kenv(&lab, &format!("FILE:{}", untouched.display())),
    );
    assert_negotiate_ok(&p, "password", &format!("alice@{REALM}"));
    let k = &p["http"]["auth"]["kerberos"];
    assert_eq!(k["delegation_requested"], true);
    assert_eq!(k["delegation_granted"], true, "forwardable TGT: {k:#}");
    assert_eq!(k["lifetime_requested_s"], 600);
    let life = k["credential_lifetime_s"].as_u64().unwrap();
    assert!(life <= 600 && life > 500, "lifetime {life}");

    // 4. On challenge (as curl does): a 401 Negotiate first, then the token, same connection.
    let p = json(
        &url,
        &["--negotiate", "--auth-mode", "challenge"],
        &kenv(&lab, &cc),
    );
    assert_negotiate_ok(&p, "ccache", &format!("alice@{REALM}"));
    let a = &p["http"]["auth"];
    assert_eq!(a["mode"], "challenge");
    let t = a["attempts"].as_array().unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0]["sent"], Value::Null);
    assert_eq!(t[0]["status"], 401);
    assert_eq!(t[0]["challenges"][0]["scheme"], "Negotiate");
    assert_eq!(t[1]["status"], 200);
    assert_eq!(
        a["summary"],
        "Negotiate sent after a 401 Negotiate challenge; accepted (HTTP 200)"
    );
    // One TLS connection for both requests.
    assert_eq!(p["connection"]["id"], 1);

    // The text report: the AUTH block says how it went, without any token.
    let o = probe(&url, &["--negotiate"], &kenv(&lab, &cc));
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.lines().nth(1).unwrap().contains("HTTP 200 OK"),
        "{text}"
    );
    assert!(text.contains("AUTH   Negotiate sent preemptively; accepted (HTTP 200)"));
    assert!(text.contains(&format!(
        "Kerberos: alice@{REALM} from the credential cache → HTTP/localhost · mutual authentication verified"
    )));
}

/// Each Kerberos failure provoked for real, named by its finding with MIT's own text.
#[test]
fn kerberos_failures_are_named_by_their_finding() {
    if !kerberos_parts() {
        return;
    }
    let lab = Lab::start();
    let srv = server(Some(&lab), &["--auth", "negotiate"]);
    let url = format!("https://localhost:{}/soap", srv.port);
    let cc = lab.kinit("cc-alice");
    let pwfile = lab.path("alice.password").display().to_string();
    let nowhere = format!("FILE:{}", lab.path("cc-none").display());
    let check = |p: &Value, code: &str, text: &str| {
        assert_eq!(p["succeeded"], false, "{p:#}");
        assert_eq!(codes(p).first().map(String::as_str), Some(code), "{p:#}");
        let f = finding(p, code);
        assert!(evidence(f).contains(text), "{code}: {}", evidence(f));
        assert!(f["fix"].as_str().is_some_and(|s| !s.is_empty()));
    };

    // SPN unknown to the KDC.
    let p = json(
        &url,
        &["--negotiate", "--spn", "HTTP/nosuch.test"],
        &kenv(&lab, &cc),
    );
    check(
        &p,
        "kerberos-spn-unknown",
        &format!("Server HTTP/nosuch.test@{REALM} not found in Kerberos database"),
    );
    assert!(p["error"]
        .as_str()
        .unwrap()
        .contains("not found in Kerberos database"));
    let k = &p["http"]["auth"]["kerberos"];
    assert_eq!(k["failure"]["kind"], "spn_unknown");
    assert_eq!(k["failure"]["stage"], "init_context");
    // Preemptive without a token: the request still went, so the server's challenge is seen.
    assert_eq!(p["http"]["auth"]["attempts"][0]["sent"], Value::Null);
    assert_eq!(p["http"]["status"], 401);

    // The KDC knows the SPN, the server holds no key for it: 401 again after a valid token.
    let p = json(
        &url,
        &["--negotiate", "--spn", "HTTP/nokey.test"],
        &kenv(&lab, &cc),
    );
    check(
        &p,
        "http-negotiate-rejected",
        "Authorization Negotiate (spnego-init",
    );
    assert_eq!(p["http"]["auth"]["attempts"][0]["status"], 401);
    assert_eq!(p["http"]["auth"]["kerberos"]["failure"], Value::Null);

    // Wrong password (every principal requires pre-authentication, as in AD).
    let bad = lab.path("bad.password");
    std::fs::write(&bad, "not-the-password\n").unwrap();
    let p = json(
        &url,
        &[
            "--negotiate",
            "--principal",
            "alice",
            "--http-password-file",
            bad.to_str().unwrap(),
        ],
        &kenv(&lab, &nowhere),
    );
    check(&p, "kerberos-preauth-failed", "Preauthentication failed");

    // No credentials at all: no ccache. On challenge too: the 401 Negotiate is answered with
    // nothing, so no second request goes out.
    for mode in ["preemptive", "challenge"] {
        let p = json(
            &url,
            &["--negotiate", "--auth-mode", mode],
            &kenv(&lab, &nowhere),
        );
        check(
            &p,
            "kerberos-no-credentials",
            "No credentials were supplied, or the credentials were unavailable or inaccessible",
        );
        let t = p["http"]["auth"]["attempts"].as_array().unwrap();
        assert_eq!(t.len(), 1, "{mode}: {t:?}");
        assert!(t[0]["note"]
            .as_str()
            .unwrap()
            .starts_with("no Negotiate token"));
    }

    // Enctype mismatch: the client permits only camellia, the KDC holds AES keys.
    let mut env = kenv(&lab, &nowhere);
    env[0].1 = lab.path("krb5-camellia.conf").display().to_string();
    let p = json(
        &url,
        &[
            "--negotiate",
            "--principal",
            "alice",
            "--http-password-file",
            &pwfile,
        ],
        &env,
    );
    check(
        &p,
        "kerberos-enctype-unsupported",
        "KDC has no support for encryption type",
    );

    // A server that accepts the ticket but sends no token back: not verified, said so.
    let silent = server(Some(&lab), &["--auth", "negotiate", "--no-mutual-token"]);
    let p = json(
        &format!("https://localhost:{}/soap", silent.port),
        &["--negotiate"],
        &kenv(&lab, &cc),
    );
    assert_eq!(p["http"]["status"], 200);
    assert_eq!(p["http"]["auth"]["kerberos"]["mutual_auth"], "not_sent");
    assert_eq!(
        codes(&p).first().map(String::as_str),
        Some("http-negotiate-no-mutual-auth")
    );

    // KDC unreachable (krb5.conf names a port nothing listens on).
    let mut env = kenv(&lab, &nowhere);
    env[0].1 = lab.path("krb5-unreachable.conf").display().to_string();
    let p = json(
        &url,
        &[
            "--negotiate",
            "--principal",
            "alice",
            "--http-password-file",
            &pwfile,
        ],
        &env,
    );
    check(
        &p,
        "kerberos-kdc-unreachable",
        &format!("Cannot contact any KDC for realm '{REALM}'"),
    );
}

/// Clock skew (the KDC's verdict, then the server's) and a KDC really stopped.
#[test]
fn clock_skew_and_stopped_kdc_are_named() {
    if !kerberos_parts() || !required("faketime (libfaketime)", have("faketime", &["--version"])) {
        return;
    }
    let mut lab = Lab::start();
    let srv = server(Some(&lab), &["--auth", "negotiate"]);
    let url = format!("https://localhost:{}/soap", srv.port);
    let skewed = |cc: &str| {
        let o = Command::new("faketime")
            .args(["-f", "+1h"])
            .arg(env!("CARGO_BIN_EXE_tlsdiag"))
            .arg("probe")
            .arg(&url)
            .arg("--trust")
            .arg(repo("captures/pki/partner-root.pem"))
            .args(["--negotiate", "--json"])
            .env("KRB5_CONFIG", lab.conf())
            .env("KRB5CCNAME", cc)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
        v["probe"].clone()
    };

    // A fresh TGT, our clock an hour ahead: the KDC refuses the ticket request.
    let cc = lab.kinit("cc-skew-kdc");
    let p = skewed(&cc);
    assert_eq!(
        codes(&p).first().map(String::as_str),
        Some("kerberos-clock-skew")
    );
    assert!(evidence(finding(&p, "kerberos-clock-skew")).contains("Clock skew too great"));
    assert_eq!(
        p["http"]["auth"]["kerberos"]["failure"]["kind"],
        "clock_skew"
    );

    // The service ticket already cached, our clock an hour ahead: no KDC is asked, the server
    // rejects the authenticator and answers 401 again; its HTTP Date shows the offset.
    let cc = lab.kinit("cc-skew-server");
    let ok = json(&url, &["--negotiate"], &kenv(&lab, &cc));
    assert_eq!(ok["http"]["status"], 200);
    let p = skewed(&cc);
    assert_eq!(
        codes(&p).first().map(String::as_str),
        Some("kerberos-clock-skew"),
        "{p:#}"
    );
    let off = p["http"]["auth"]["server_clock_offset_s"].as_i64().unwrap();
    assert!((-3700..=-3500).contains(&off), "offset {off}");
    assert!(evidence(finding(&p, "kerberos-clock-skew")).contains("Negotiate (spnego-init"));

    // The KDC stopped (by its PID) after kinit: the service ticket cannot be had.
    let cc = lab.kinit("cc-stopped");
    lab.stop_kdc();
    let p = json(&url, &["--negotiate"], &kenv(&lab, &cc));
    assert_eq!(
        codes(&p).first().map(String::as_str),
        Some("kerberos-kdc-unreachable")
    );
    assert!(evidence(finding(&p, "kerberos-kdc-unreachable"))
        .contains(&format!("Cannot contact any KDC for realm '{REALM}'")));
}

/// --negotiate against a server that only offers Basic: preemptively (a token is sent and the
/// server answers 401 Basic) and on challenge (no token is made at all).
#[test]
fn negotiate_not_offered_is_named() {
    if !kerberos_parts() {
        return;
    }
    let lab = Lab::start();
    let srv = server(None, &["--auth", "basic", "--realm", "Orders"]);
    let url = format!("https://localhost:{}/soap", srv.port);
    let cc = lab.kinit("cc-alice");
    for mode in ["preemptive", "challenge"] {
        let p = json(
            &url,
            &["--negotiate", "--auth-mode", mode],
            &kenv(&lab, &cc),
        );
        assert_eq!(
            codes(&p).first().map(String::as_str),
            Some("http-negotiate-not-offered"),
            "{mode}: {p:#}"
        );
        assert!(
            evidence(finding(&p, "http-negotiate-not-offered")).contains("Basic realm=\"Orders\"")
        );
        let t = &p["http"]["auth"]["attempts"][0];
        assert_eq!(t["sent"].is_null(), mode == "challenge", "{mode}");
        assert_eq!(p["succeeded"], false);
    }
}

fn basic_env(pw: &str) -> Vec<(&'static str, String)> {
    vec![("TLSDIAG_HTTP_PASSWORD", pw.to_owned())]
}

/// Basic preemptively and on challenge, a wrong password, and the password never shown.
#[test]
fn basic_preemptive_on_challenge_and_refused_never_showing_the_password() {
    if !python_parts() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pw = "s3cret:Pässword";
    let pwfile = dir.path().join("pw");
    std::fs::write(&pwfile, format!("{pw}\n")).unwrap();
    let srv = server(
        None,
        &[
            "--auth",
            "basic",
            "--basic-user",
            "bob",
            "--basic-password-file",
            pwfile.to_str().unwrap(),
        ],
    );
    let url = format!("https://localhost:{}/soap", srv.port);
    let b64 = base64_of(&format!("bob:{pw}"));

    let p = json(&url, &["--user", "bob"], &basic_env(pw));
    assert_eq!(p["succeeded"], true, "{p:#}");
    assert_eq!(p["http"]["status"], 200);
    let a = &p["http"]["auth"];
    assert_eq!(a["scheme"], "basic");
    assert_eq!(a["mode"], "preemptive");
    assert_eq!(a["user"], "bob");
    assert_eq!(a["summary"], "Basic sent preemptively; accepted (HTTP 200)");
    assert_eq!(a["attempts"][0]["sent"]["token_kind"], "basic-credentials");
    assert_eq!(a["attempts"][0]["sent"]["token_len"], b64.len());
    assert!(p["http"]["body_preview"]
        .as_str()
        .unwrap()
        .contains("user=\"bob\""));

    // From a file, on challenge.
    let p = json(
        &url,
        &[
            "--user",
            "bob",
            "--http-password-file",
            pwfile.to_str().unwrap(),
            "--auth-mode",
            "challenge",
        ],
        &[],
    );
    let a = &p["http"]["auth"];
    assert_eq!(
        a["summary"],
        "Basic sent after a 401 Basic challenge (realm \"tlsdiag-test\"); accepted (HTTP 200)"
    );
    let t = a["attempts"].as_array().unwrap();
    assert_eq!(
        (t[0]["status"].as_u64(), t[1]["status"].as_u64()),
        (Some(401), Some(200))
    );
    assert_eq!(t[0]["challenges"][0]["realm"], "tlsdiag-test");

    // Wrong password: refused, named.
    let p = json(&url, &["--user", "bob"], &basic_env("wrong"));
    assert_eq!(p["succeeded"], false);
    assert_eq!(
        codes(&p).first().map(String::as_str),
        Some("http-basic-rejected")
    );
    assert_eq!(
        p["error"],
        "HTTP 401 again after our Basic credentials: the server refused them"
    );
    // The JSON keeps both lists (the probe's finding and the one its recorded connection's
    // HTTP gives); the text report names the code once, with the probe's fix.
    assert_eq!(
        p["connection"]["diagnosis"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "http-basic-rejected")
            .count(),
        1,
        "{p:#}"
    );
    let o = probe(&url, &["--user", "bob"], &basic_env("wrong"));
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(text.matches("http-basic-rejected").count(), 1, "{text}");
    let fix = finding(&p, "http-basic-rejected")["fix"].as_str().unwrap();
    assert!(text.contains(&fix[..40]), "{text}");

    // Neither the text nor the JSON output, nor stderr, holds the password or the header value.
    for args in [&["--user", "bob"][..], &["--user", "bob", "--json"][..]] {
        let o = probe(&url, args, &basic_env(pw));
        for out in [&o.stdout, &o.stderr] {
            let s = String::from_utf8_lossy(out);
            assert!(!s.contains(pw) && !s.contains(&b64), "secret shown: {s}");
        }
    }

    // Auth options without credentials are a mistake, said before anything is sent.
    let o = probe(&url, &["--auth-mode", "challenge"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("need --user (Basic) or --negotiate"));

    // No password source and no terminal: a one-line error naming where it may come from.
    let o = probe(&url, &["--user", "bob"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("TLSDIAG_HTTP_PASSWORD") && e.lines().count() == 1,
        "{e}"
    );
}

fn base64_of(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A plain-HTTP endpoint that asks for Basic is named; the probe never sends Basic there.
#[test]
fn basic_over_plain_http_is_named_and_never_sent() {
    if !python_parts() {
        return;
    }
    let srv = server(None, &["--plain", "--auth", "basic", "--realm", "Legacy"]);
    let url = format!("http://localhost:{}/soap", srv.port);
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("plain.pcap");
    let p = json(&url, &["--save", pcap.to_str().unwrap()], &[]);
    assert_eq!(p["http"]["status"], 401);
    assert_eq!(p["connection"], Value::Null, "no TLS here");
    assert_eq!(
        codes(&p).first().map(String::as_str),
        Some("http-basic-over-plain-http")
    );
    assert!(evidence(finding(&p, "http-basic-over-plain-http")).contains("Basic realm=\"Legacy\""));
    let saved = std::fs::read(&pcap).unwrap();
    assert!(
        saved.windows(8).any(|w| w == b"POST /so")
            && !saved.windows(14).any(|w| w == b"Authorization:"),
        "the recording holds the request, without credentials"
    );

    // A realm with terminal control sequences is shown escaped, never interpreted.
    let evil = server(
        None,
        &[
            "--plain",
            "--auth",
            "basic",
            "--realm",
            "Legacy\u{1b}]0;owned\u{7}\u{1b}[2J",
        ],
    );
    let o = probe(&format!("http://localhost:{}/soap", evil.port), &[], &[]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("http-basic-over-plain-http"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(
        text.contains("Legacy\\u{1b}]0;owned\\u{7}\\u{1b}[2J"),
        "{text}"
    );

    // --user with http:// is refused before anything is sent.
    let o = probe(&url, &["--user", "bob"], &basic_env("pw"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("only sent over TLS"));
}

/// TLS accepts the client certificate, HTTP answers 403: the certificate-to-user mapping.
#[test]
fn forbidden_after_an_accepted_client_certificate_is_the_mapping() {
    if !python_parts() {
        return;
    }
    let srv = server(
        None,
        &[
            "--auth",
            "none",
            "--deny",
            "403",
            "--client-ca",
            repo("captures/pki/partner-root.pem").to_str().unwrap(),
        ],
    );
    let url = format!("https://localhost:{}/soap", srv.port);
    let p = json(
        &url,
        &[
            "--identity",
            repo("captures/keystores/client.p12").to_str().unwrap(),
            "--password-file",
            repo("captures/keystores/password.txt").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(p["client_certificate_decision"]["sent"], true, "{p:#}");
    assert_eq!(p["http"]["status"], 403);
    let c = codes(&p);
    assert_eq!(
        c.first().map(String::as_str),
        Some("http-auth-after-client-certificate"),
        "{c:?}"
    );
    assert!(!c.contains(&"http-auth-required".to_owned()), "{c:?}");
}

#[cfg(not(feature = "kerberos"))]
#[test]
fn negotiate_says_built_without_kerberos() {
    let o = probe("https://localhost:1/soap", &["--negotiate"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("built without Kerberos (feature kerberos)")
    );
}
