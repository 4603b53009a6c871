//! The `tlsdiag analyze` command as a user and a script see it: the seed report, the JSON
//! contract, exit codes, and hostile input (empty, not a capture, cut mid-packet, lying TLS
//! lengths) giving one-line errors or anomalies — never a panic — while keeping what was decoded.

use std::path::PathBuf;
use std::process::{Command, Output};

fn cap(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

fn tlsdiag(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args(args)
        .env_remove("TLSDIAG_PASSWORD")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn seed_report_answers_first() {
    let o = tlsdiag(&[
        "analyze",
        cap("seed-jsse-empty-cert.pcap").to_str().unwrap(),
        "--color",
        "never",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    let dx = s.find("DIAGNOSIS").expect("diagnosis block");
    let ladder = s.find("HANDSHAKE").expect("ladder");
    let facts = s.find("FACTS").expect("facts");
    assert!(
        dx < ladder && ladder < facts,
        "answer first, evidence, then raw facts"
    );
    assert!(s.contains("client-sent-empty-certificate"));
    assert!(s.contains("CN=Partner Issuing CA,O=Partner Corp,C=DE"));
    assert!(s.contains("CN=Partner Root CA,O=Partner Corp,C=DE"));
    assert!(
        s.contains("Certificate ⚠ EMPTY  0 certificates (length 0)"),
        "{s}"
    );
    assert!(s.contains("Alert  fatal handshake_failure (40)"));
    assert!(s.contains("server sent fatal handshake_failure (40)"));
}

#[test]
fn seed_with_keystore_names_jsse_and_openssl_verdicts() {
    let o = tlsdiag(&[
        "analyze",
        cap("seed-jsse-empty-cert.pcap").to_str().unwrap(),
        "--identity",
        cap("keystores/ssos.jks").to_str().unwrap(),
        "--alias",
        "ssos",
        "--password-file",
        cap("keystores/password.txt").to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["connections"][0]["diagnosis"][0];
    assert_eq!(f["code"], "client-sent-empty-certificate");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains(
            "JSSE sends no certificate because no certificate in the chain of entry 'ssos'"
        ),
        "{msg}"
    );
    let verdict = |stack: &str| {
        f["stack_verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["stack"] == stack)
            .unwrap()["verdict"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(verdict("jsse-sunx509"), "not_sent");
    assert_eq!(verdict("openssl"), "sent");
    assert_eq!(verdict("go"), "not_sent");
    assert!(f["fix"].as_str().unwrap().contains("Partner Issuing CA"));
    // The password never appears in the output.
    assert!(!String::from_utf8_lossy(&o.stdout).contains("changeit"));
}

#[test]
fn json_contract_fields() {
    let o = tlsdiag(&[
        "analyze",
        cap("seed-jsse-empty-cert.pcap").to_str().unwrap(),
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema_version"], tlsdiag::report::json::SCHEMA_VERSION);
    let c = &v["connections"][0];
    for k in [
        "client",
        "server",
        "start_time",
        "tls_version",
        "client_hello",
        "server_hello",
        "server_certificates",
        "certificate_request",
        "client_certificate",
        "alerts",
        "outcome",
        "anomalies",
        "diagnosis",
    ] {
        assert!(c.get(k).is_some(), "missing {k}");
    }
    for k in [
        "sni",
        "alpn",
        "cipher_suites",
        "signature_algorithms",
        "supported_groups",
        "extensions",
        "ja3",
        "ja4",
    ] {
        assert!(c["client_hello"].get(k).is_some(), "client_hello.{k}");
    }
    assert_eq!(c["server_hello"]["cipher_suite"]["code"], 0xc030);
    assert_eq!(
        c["server_hello"]["cipher_suite"]["name"],
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
    );
    assert_eq!(
        c["certificate_request"]["certificate_authorities"][1],
        "CN=Partner Root CA,O=Partner Corp,C=DE"
    );
    assert_eq!(c["client_certificate"]["count"], 0);
    assert_eq!(c["client_certificate"]["certificates_length"], 0);
    assert_eq!(c["alerts"][0]["from"], "server");
    assert_eq!(c["alerts"][0]["description"], "handshake_failure");
    assert_eq!(c["alerts"][0]["code"], 40);
    assert_eq!(c["outcome"]["status"], "failed");
    assert_eq!(v["summary"]["empty_client_certificates"], 1);
}

#[test]
fn fail_on_error_exits_1_for_scripts() {
    let failing = tlsdiag(&[
        "analyze",
        cap("seed-jsse-empty-cert.pcap").to_str().unwrap(),
        "--fail-on",
        "error",
        "--json",
    ]);
    assert_eq!(failing.status.code(), Some(1));
    let ok = tlsdiag(&[
        "analyze",
        cap("jsse-mtls-ok.pcap").to_str().unwrap(),
        "--fail-on",
        "error",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
}

fn one_line_error(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(o);
    assert_eq!(e.trim_end().lines().count(), 1, "one line: {e:?}");
    assert!(e.contains(needle), "{e}");
    assert!(!e.contains("panicked"));
}

#[test]
fn unreadable_inputs_give_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.pcap");
    std::fs::write(&empty, b"").unwrap();
    one_line_error(&tlsdiag(&["analyze", empty.to_str().unwrap()]), "is empty");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, b"this is not a capture, just some text\n".repeat(10)).unwrap();
    one_line_error(
        &tlsdiag(&["analyze", text.to_str().unwrap()]),
        "not a pcap or pcapng",
    );
    one_line_error(&tlsdiag(&["analyze", "/nonexistent/x.pcap"]), "cannot open");
}

#[test]
fn truncated_capture_keeps_what_was_decoded() {
    let bytes = std::fs::read(cap("seed-jsse-empty-cert.pcap")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Cut in the middle of the last packet.
    let cut = dir.path().join("cut.pcap");
    std::fs::write(&cut, &bytes[..bytes.len() - 30]).unwrap();
    let o = tlsdiag(&["analyze", cut.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["anomalies"][0]["kind"], "truncated_file");
    assert_eq!(
        v["connections"][0]["client_certificate"]["count"], 0,
        "facts before the cut are kept"
    );
    assert_eq!(v["connections"][0]["alerts"][0]["code"], 40);
}

/// Rewrites the server's first record length in a real capture to a lie (0xffff), as a hostile
/// or corrupt capture would have it.
#[test]
fn lying_record_length_is_an_anomaly_not_a_panic() {
    let mut bytes = std::fs::read(cap("seed-jsse-empty-cert.pcap")).unwrap();
    // Find the ServerHello record header: 16 03 03 xx xx 02.
    let pos = bytes
        .windows(6)
        .position(|w| w[0] == 0x16 && w[1] == 3 && w[2] == 3 && w[5] == 2)
        .unwrap();
    bytes[pos + 3] = 0xff;
    bytes[pos + 4] = 0xff;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("lie.pcap");
    std::fs::write(&p, &bytes).unwrap();
    let o = tlsdiag(&["analyze", p.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = &v["connections"][0];
    assert_eq!(c["anomalies"][0]["kind"], "bad_record_length");
    assert_eq!(c["anomalies"][0]["side"], "server");
    assert_eq!(
        c["client_hello"]["sni"], "partner.test",
        "what came before the damage is kept"
    );
}

#[test]
fn garbage_tcp_payload_on_a_tls_port_is_not_a_connection() {
    // The plain HTTP flows of many-connections.pcap run on a port inside the TLS port range.
    let o = tlsdiag(&[
        "analyze",
        cap("many-connections.pcap").to_str().unwrap(),
        "--port",
        "8489",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // Since schema 1.3 they are listed as plain HTTP: no TLS facts, never a TLS connection.
    let conns = v["connections"].as_array().unwrap();
    assert!(!conns.is_empty());
    for c in conns {
        assert_eq!(c["http"]["transport"], "plain", "{c:#}");
        assert_eq!(c["client_hello"], serde_json::Value::Null);
    }
    assert_eq!(v["summary"]["plain_http"], conns.len());
    assert_eq!(v["summary"]["incomplete"], 0);
    assert!(v["source"]["tcp_flows"].as_u64().unwrap() >= 1);
}

#[test]
fn unknown_connection_number_is_an_error() {
    let o = tlsdiag(&[
        "analyze",
        cap("seed-jsse-empty-cert.pcap").to_str().unwrap(),
        "--conn",
        "7",
    ]);
    one_line_error(&o, "no connection #7");
}

#[test]
fn every_subcommand_has_valid_help() {
    for sub in ["analyze", "probe", "compare", "identity", "tui", "live"] {
        let o = tlsdiag(&[sub, "--help"]);
        assert!(o.status.success(), "{sub} --help: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
}

#[test]
fn stream_mode_gives_the_same_facts_as_the_document() {
    let f = cap("many-connections.pcap");
    let doc = tlsdiag(&["analyze", f.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&doc.stdout).unwrap();
    let st = tlsdiag(&["analyze", f.to_str().unwrap(), "--stream"]);
    assert!(st.status.success());
    let lines: Vec<serde_json::Value> = stdout(&st)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (end, conns) = lines.split_last().unwrap();
    assert_eq!(end["type"], "end");
    assert_eq!(end["summary"], v["summary"]);
    let key = |c: &serde_json::Value| {
        (
            c["server"]["port"].as_u64().unwrap(),
            c["outcome"]["summary"].as_str().unwrap().to_owned(),
            c["diagnosis"].as_array().unwrap().len(),
        )
    };
    let mut a: Vec<_> = v["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(key)
        .collect();
    let mut b: Vec<_> = conns
        .iter()
        .map(|l| {
            assert_eq!(l["type"], "connection");
            key(&l["connection"])
        })
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn live_capture_on_an_unknown_interface_is_a_clear_error() {
    let o = tlsdiag(&["live", "-i", "nosuch-if0"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("nosuch-if0")
            && (e.contains("no interface named") || e.contains("cannot capture")),
        "{e}"
    );
    assert!(!e.contains("panicked"));
}

/// `--json` writes its document while the capture is decoded (connections in start order, the
/// source and summary at the end): on every capture it holds exactly what the whole analysis
/// holds, field for field, with the same numbering.
#[test]
fn json_document_written_while_decoding_equals_the_whole_analysis() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("pcap" | "pcapng")
            )
        })
        .collect();
    files.sort();
    assert!(files.len() >= 30);
    let mut connections = 0;
    for f in files {
        let mut a = tlsdiag::analyze::analyze_path(&f, &Default::default()).unwrap();
        tlsdiag::diagnose::diagnose_analysis(&mut a, &Default::default());
        let mut whole = Vec::new();
        tlsdiag::report::json::write(&mut whole, &a).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
            .args(["analyze", f.to_str().unwrap(), "--json"])
            .env_remove("SSLKEYLOGFILE")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}: {}", f.display(), stderr(&o));
        let text = stdout(&o);
        assert!(text.starts_with("{\n  \"schema_version\": "), "{text:.80}");
        assert!(text.ends_with("\n}\n"));
        let streamed: serde_json::Value = serde_json::from_str(&text).unwrap();
        let expected: serde_json::Value = serde_json::from_slice(&whole).unwrap();
        assert_eq!(streamed, expected, "{}", f.display());
        connections += a.connections.len();
    }
    assert!(connections >= 40, "{connections}");
}

/// "none (the server did not ask …)" only when the server's flight was seen without a request:
/// bytes missing from the server, or an IIS-style renegotiation read without keys, leave it
/// unknown — and the report says what would show it.
#[test]
fn cert_request_line_says_unknown_when_it_was_not_seen() {
    let gap = stdout(&tlsdiag(&[
        "analyze",
        cap("derived-gap.pcap").to_str().unwrap(),
        "--color",
        "never",
        "--all",
    ]));
    assert!(
        gap.contains("CertRequest   unknown: bytes missing from the capture"),
        "{gap}"
    );
    let reneg = stdout(&tlsdiag(&[
        "analyze",
        cap("rule-renegotiation.pcap").to_str().unwrap(),
        "--color",
        "never",
        "--all",
    ]));
    assert!(
        reneg.contains("CertRequest   unknown: the renegotiation is encrypted (a server may ask there) — give --keylog"),
        "{reneg}"
    );
    assert!(!reneg.contains("the server did not ask"), "{reneg}");
    let plain = stdout(&tlsdiag(&[
        "analyze",
        cap("tls10-cbc.pcap").to_str().unwrap(),
        "--color",
        "never",
        "--all",
    ]));
    assert!(
        plain.contains("CertRequest   none (the server did not ask for a client certificate)"),
        "{plain}"
    );
}
