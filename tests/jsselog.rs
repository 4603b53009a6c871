//! javax.net.debug logs as evidence (captures/jsselog/, made by captures/scripts/jsselog.sh):
//! each log was written by a real JDK during the same run whose pcap lies beside it. The log and
//! the wire must agree on every fact both show (hellos, fingerprints, CA names, the client
//! Certificate, alerts and who sent them); where the wire is encrypted (TLS 1.3) the log must
//! show what the capture cannot. The pcap side is our capture pipeline, which
//! tests/tshark_crosscheck.rs checks against tshark on the same files.

use std::path::{Path, PathBuf};
use std::process::Command;
use tlsdiag::analyze::{analyze_path, AnalyzeOptions};
use tlsdiag::model::{Analysis, Connection, EvidenceUnit, OutcomeStatus, Side};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/jsselog")
}

fn load(name: &str) -> Analysis {
    let mut a = analyze_path(&dir().join(name), &AnalyzeOptions::default()).unwrap();
    tlsdiag::diagnose::diagnose_analysis(&mut a, &Default::default());
    a
}

/// The pcap connection with the same ClientHello random as the log's.
fn wire_twin<'a>(wire: &'a Analysis, log: &Connection) -> &'a Connection {
    let r = &log.tls.client_hello.as_ref().unwrap().random_hex;
    wire.connections
        .iter()
        .find(|c| {
            c.tls
                .client_hello
                .as_ref()
                .is_some_and(|h| &h.random_hex == r)
        })
        .unwrap_or_else(|| panic!("no connection with client random {r} in the pcap"))
}

fn codes(v: &[tlsdiag::model::CodePoint]) -> Vec<u32> {
    v.iter().map(|c| c.code).collect()
}

fn ca_names(c: &Connection) -> Vec<String> {
    c.tls
        .certificate_request
        .as_ref()
        .unwrap()
        .certificate_authorities
        .iter()
        .map(|d| d.text.clone())
        .collect()
}

const PARTNER_CAS: [&str; 2] = [
    "CN=Partner Issuing CA,O=Partner Corp,C=DE",
    "CN=Partner Root CA,O=Partner Corp,C=DE",
];

/// Facts both sources always show: the hellos.
fn assert_hellos_agree(log: &Connection, wire: &Connection) {
    let (lh, wh) = (
        log.tls.client_hello.as_ref().unwrap(),
        wire.tls.client_hello.as_ref().unwrap(),
    );
    assert_eq!(lh.sni, wh.sni);
    assert_eq!(lh.legacy_version.code, wh.legacy_version.code);
    assert_eq!(lh.session_id_len, wh.session_id_len);
    assert_eq!(codes(&lh.cipher_suites), codes(&wh.cipher_suites));
    assert_eq!(
        codes(&lh.extensions),
        codes(&wh.extensions),
        "extension order"
    );
    assert_eq!(codes(&lh.supported_groups), codes(&wh.supported_groups));
    assert_eq!(
        codes(&lh.signature_algorithms),
        codes(&wh.signature_algorithms)
    );
    assert_eq!(
        codes(&lh.signature_algorithms_cert),
        codes(&wh.signature_algorithms_cert)
    );
    assert_eq!(codes(&lh.supported_versions), codes(&wh.supported_versions));
    assert_eq!(codes(&lh.key_share_groups), codes(&wh.key_share_groups));
    assert_eq!(lh.ec_point_formats, wh.ec_point_formats);
    assert_eq!(lh.ja3, wh.ja3);
    assert_eq!(lh.ja3_hash, wh.ja3_hash);
    assert_eq!(lh.ja4, wh.ja4);
    let (ls, ws) = (
        log.tls.server_hello.as_ref().unwrap(),
        wire.tls.server_hello.as_ref().unwrap(),
    );
    assert_eq!(ls.random_hex, ws.random_hex);
    assert_eq!(ls.version.code, ws.version.code);
    assert_eq!(ls.cipher_suite.code, ws.cipher_suite.code);
    assert_eq!(codes(&ls.extensions), codes(&ws.extensions));
    assert_eq!(
        ls.key_share_group.as_ref().map(|g| g.code),
        ws.key_share_group.as_ref().map(|g| g.code)
    );
    assert_eq!(
        log.tls.tls_version.as_ref().map(|v| v.code),
        wire.tls.tls_version.as_ref().map(|v| v.code)
    );
}

/// TLS 1.2: everything is plaintext on the wire, so every fact must agree.
fn assert_tls12_agree(log: &Connection, wire: &Connection) {
    assert_hellos_agree(log, wire);
    let subjects = |c: &Connection| -> Vec<String> {
        c.tls
            .server_certificates
            .iter()
            .map(|x| format!("{} / {} / {}", x.subject.text, x.issuer.text, x.serial_hex))
            .collect()
    };
    assert_eq!(subjects(log), subjects(wire));
    match (&log.tls.certificate_request, &wire.tls.certificate_request) {
        (Some(l), Some(w)) => {
            assert_eq!(codes(&l.certificate_types), codes(&w.certificate_types));
            assert_eq!(
                codes(&l.signature_algorithms),
                codes(&w.signature_algorithms)
            );
            assert_eq!(ca_names(log), ca_names(wire));
        }
        (None, None) => {}
        other => panic!("CertificateRequest differs: {other:?}"),
    }
    assert_eq!(
        log.tls.client_certificate.as_ref().map(|c| c.count),
        wire.tls.client_certificate.as_ref().map(|c| c.count)
    );
    let alerts = |c: &Connection| -> Vec<(Side, Option<u8>, bool)> {
        c.tls
            .alerts
            .iter()
            .map(|a| (a.from, a.code(), a.is_fatal()))
            .collect()
    };
    // The wire may hold a close_notify after the fatal alert or an encrypted one JSSE never
    // logged; the fatal ones must be the same.
    let fatal =
        |v: Vec<(Side, Option<u8>, bool)>| v.into_iter().filter(|a| a.2).collect::<Vec<_>>();
    assert_eq!(fatal(alerts(log)), fatal(alerts(wire)));
    assert_eq!(log.tls.outcome.status, wire.tls.outcome.status);
    assert_eq!(log.tls.outcome.alert_from, wire.tls.outcome.alert_from);
    let code = |c: &Connection| {
        c.tls
            .outcome
            .alert
            .and_then(tlsdiag::model::EndingAlert::description)
    };
    assert_eq!(code(log), code(wire));
    assert_eq!(log.tls.outcome.failed_after, wire.tls.outcome.failed_after);
}

#[test]
fn seed_case_log_gives_the_empty_certificate_diagnosis_and_agrees_with_its_pcap() {
    for jdk in ["jdk17", "jdk25"] {
        let name = format!("{jdk}-seed-tls12");
        let log = load(&format!("{name}.log"));
        let wire = load(&format!("{name}.pcap"));
        assert_eq!(log.source.format, "javax.net.debug");
        assert_eq!(log.connections.len(), 1, "{name}");
        let c = &log.connections[0];
        assert_eq!(c.evidence_unit, EvidenceUnit::Line);
        assert_eq!(c.tls.tls_version.as_ref().unwrap().code, 0x0303);
        assert_eq!(ca_names(c), PARTNER_CAS);
        let cc = c.tls.client_certificate.as_ref().unwrap();
        assert_eq!(cc.count, 0);
        let a = &c.tls.alerts[0];
        assert_eq!((a.from, a.code()), (Side::Server, Some(40)));
        let f = &c.diagnosis[0];
        assert_eq!(f.code, "client-sent-empty-certificate", "{name}");
        assert!(f.details.iter().any(|d| d.trim() == PARTNER_CAS[0]));
        // Evidence cites log lines: the CertificateRequest line holds the message header.
        let req_line = c.tls.certificate_request.as_ref().unwrap().frame;
        let text = std::fs::read_to_string(dir().join(format!("{name}.log"))).unwrap();
        let line = text
            .lines()
            .nth(usize::try_from(req_line).unwrap() - 1)
            .unwrap();
        assert!(
            line.contains("Consuming CertificateRequest handshake message"),
            "{line}"
        );
        let j = c.jsse_log.as_ref().unwrap();
        assert_eq!(j.role, Side::Client);
        assert_eq!(j.thread, "main");
        assert!(j
            .selection
            .iter()
            .any(|s| s.text.starts_with("No X.509 cert selected")));
        assert_tls12_agree(c, wire_twin(&wire, c));
    }
}

#[test]
fn tls13_log_shows_what_the_capture_cannot() {
    for jdk in ["jdk17", "jdk25"] {
        let name = format!("{jdk}-tls13-empty");
        let log = load(&format!("{name}.log"));
        let wire = load(&format!("{name}.pcap"));
        let c = &log.connections[0];
        let w = wire_twin(&wire, c);
        assert_hellos_agree(c, w);
        assert_eq!(c.tls.tls_version.as_ref().unwrap().code, 0x0304);
        // On the wire (no key log) the CertificateRequest, the Certificate and the alert are
        // encrypted; the log has them in the clear.
        assert!(w.tls.certificate_request.is_none());
        assert!(w.tls.client_certificate.is_none());
        let req = c.tls.certificate_request.as_ref().unwrap();
        assert!(req.tls13);
        assert_eq!(ca_names(c), PARTNER_CAS);
        assert_eq!(c.tls.client_certificate.as_ref().unwrap().count, 0);
        let a = &c.tls.alerts[0];
        assert_eq!((a.from, a.code()), (Side::Server, Some(116)));
        // Without a key log the wire cannot name the alert.
        assert!(w.tls.alerts.iter().all(|a| a.code().is_none()));
        assert_eq!(
            w.tls
                .outcome
                .alert
                .and_then(tlsdiag::model::EndingAlert::description),
            None
        );
        assert_eq!(c.tls.outcome.status, OutcomeStatus::Failed);
        assert_eq!(
            c.diagnosis[0].code, "client-sent-empty-certificate",
            "{name}"
        );
        assert!(c.diagnosis.iter().any(|f| f.code == "certificate-required"));
    }
}

#[test]
fn mtls_logs_agree_with_the_wire() {
    let log = load("jdk17-mtls-tls12.log");
    let wire = load("jdk17-mtls-tls12.pcap");
    let c = &log.connections[0];
    assert_tls12_agree(c, wire_twin(&wire, c));
    let cc = c.tls.client_certificate.as_ref().unwrap();
    assert_eq!(cc.count, 2);
    assert_eq!(
        cc.chain[0].subject.text,
        "CN=customer-client,O=Customer Inc,C=US"
    );
    let cv = c.tls.client_certificate_verify.as_ref().unwrap();
    let wcv = wire_twin(&wire, c)
        .tls
        .client_certificate_verify
        .as_ref()
        .unwrap();
    assert_eq!(cv.algorithm, wcv.algorithm);
    assert_eq!(cv.signature_length, wcv.signature_length);
    assert_eq!(c.tls.outcome.status, OutcomeStatus::Completed);

    let log = load("jdk17-mtls-tls13.log");
    let wire = load("jdk17-mtls-tls13.pcap");
    let c = &log.connections[0];
    assert_hellos_agree(c, wire_twin(&wire, c));
    assert_eq!(c.tls.client_certificate.as_ref().unwrap().count, 2);
    assert_eq!(c.tls.outcome.status, OutcomeStatus::Completed);
    assert!(c
        .diagnosis
        .iter()
        .all(|f| f.severity != tlsdiag::model::Severity::Error));
}

#[test]
fn client_rejecting_the_server_chain_is_the_clients_alert() {
    let log = load("jdk17-client-untrusts.log");
    let wire = load("jdk17-client-untrusts.pcap");
    let c = &log.connections[0];
    assert_tls12_agree(c, wire_twin(&wire, c));
    let a = &c.tls.alerts[0];
    assert_eq!((a.from, a.code()), (Side::Client, Some(46)));
    assert!(c
        .jsse_log
        .as_ref()
        .unwrap()
        .fatal
        .as_ref()
        .unwrap()
        .text
        .contains("PKIX path building failed"));
    assert_eq!(c.diagnosis[0].code, "client-rejected-server-certificate");
}

#[test]
fn interleaved_threads_are_two_connections() {
    let log = load("jdk17-parallel.log");
    let wire = load("jdk17-parallel.pcap");
    assert_eq!(log.connections.len(), 2);
    assert_eq!(wire.connections.len(), 2);
    let threads: Vec<&str> = log
        .connections
        .iter()
        .map(|c| c.jsse_log.as_ref().unwrap().thread.as_str())
        .collect();
    assert_eq!(threads, ["pool-1-thread-2", "pool-1-thread-1"]);
    // The lines of the two handshakes interleave.
    let (a, b) = (&log.connections[0], &log.connections[1]);
    assert!(b.first_frame < a.last_frame && a.first_frame < b.first_frame);
    for c in &log.connections {
        let w = wire_twin(&wire, c);
        if c.tls.tls_version.as_ref().unwrap().code == 0x0303 {
            assert_tls12_agree(c, w);
            assert_eq!(c.diagnosis[0].code, "client-sent-empty-certificate");
        } else {
            assert_hellos_agree(c, w);
            assert!(c.tls.certificate_request.is_none());
            assert_eq!(c.tls.outcome.status, OutcomeStatus::Completed);
        }
    }
}

#[test]
fn verbosity_all_and_keystores() {
    let log = load("jdk17-tls13-empty-all.log");
    let wire = load("jdk17-tls13-empty-all.pcap");
    assert_eq!(log.connections.len(), 1);
    let c = &log.connections[0];
    assert_hellos_agree(c, wire_twin(&wire, c));
    assert_eq!(ca_names(c), PARTNER_CAS);
    let j = c.jsse_log.as_ref().unwrap();
    let ks = j.keystore.as_ref().unwrap();
    assert!(ks.path.ends_with("keystores/ssos.jks"), "{}", ks.path);
    assert_eq!(ks.store_type.as_deref(), Some("pkcs12"));
    assert!(j
        .truststore
        .as_ref()
        .unwrap()
        .path
        .ends_with("keystores/truststore.jks"));
    assert_eq!(j.key_entries.len(), 1);
    assert_eq!(j.key_entries[0].alias, "ssos");
    assert_eq!(
        j.key_entries[0].subject.as_ref().unwrap().text,
        "CN=ssos,OU=Integration Server,O=Software AG,C=US"
    );
    assert_eq!(c.diagnosis[0].code, "client-sent-empty-certificate");
}

#[test]
fn ssl_only_verbosity_has_no_handshake_and_says_so() {
    let log = load("jdk17-seed-tls12-ssl.log");
    assert!(log.connections.is_empty());
    let a = log
        .anomalies
        .iter()
        .find(|a| a.kind == "log_handshake_not_logged")
        .unwrap();
    assert!(a.detail.contains("handshake_failure"), "{}", a.detail);
}

fn tlsdiag(args: &[&str]) -> (String, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.success(),
    )
}

#[test]
fn cli_analyze_reports_lines_not_frames() {
    let p = dir().join("jdk17-seed-tls12.log");
    let (out, ok) = tlsdiag(&["analyze", p.to_str().unwrap(), "--color", "never"]);
    assert!(ok);
    assert!(out.contains("client-sent-empty-certificate"), "{out}");
    assert!(
        out.contains("line 306: client Certificate.certificates_length = 0"),
        "{out}"
    );
    assert!(!out.contains("frame 306"), "{out}");
    assert!(
        out.contains("JSSE client (thread main) → partner.test"),
        "{out}"
    );
    let (json, ok) = tlsdiag(&["analyze", p.to_str().unwrap(), "--json"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["source"]["format"], "javax.net.debug");
    assert_eq!(v["connections"][0]["evidence_unit"], "line");
    assert_eq!(v["connections"][0]["jsse_log"]["thread"], "main");
    assert_eq!(
        v["connections"][0]["certificate_request"]["certificate_authorities"][0],
        PARTNER_CAS[0]
    );
}

#[test]
fn cli_identity_verdicts_on_a_log() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let log = root.join("jsselog/jdk17-tls13-empty.log");
    let ks = root.join("keystores/ssos.jks");
    let pw = root.join("keystores/password.txt");
    let (out, ok) = tlsdiag(&[
        "analyze",
        log.to_str().unwrap(),
        "--identity",
        ks.to_str().unwrap(),
        "--password-file",
        pw.to_str().unwrap(),
        "--color",
        "never",
    ]);
    assert!(ok, "{out}");
    // The report wraps at the terminal width, and the keystore path (whose length depends on where
    // the repository is checked out) is part of the wrapped sentence: compare with whitespace folded.
    let folded = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(folded.contains("client-sent-empty-certificate"), "{out}");
    assert!(
        folded.contains("JSSE sends no certificate because"),
        "{out}"
    );
    let client = root.join("keystores/client.jks");
    let (out, ok) = tlsdiag(&[
        "analyze",
        log.to_str().unwrap(),
        "--identity",
        client.to_str().unwrap(),
        "--password-file",
        pw.to_str().unwrap(),
        "--color",
        "never",
        "--json",
    ]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let verdicts = v["connections"][0]["diagnosis"][0]["stack_verdicts"]
        .as_array()
        .unwrap();
    let jsse = verdicts
        .iter()
        .find(|x| x["stack"] == "jsse-sunx509")
        .unwrap();
    assert_eq!(jsse["verdict"], "sent", "{jsse}");
}

#[test]
fn cli_compare_takes_a_log_on_either_side() {
    let root = dir();
    let log = root.join("jdk17-seed-tls12.log");
    let ok_pcap = root.join("jdk17-mtls-tls12.pcap");
    let (out, ok) = tlsdiag(&[
        "compare",
        log.to_str().unwrap(),
        "--probe-pcap",
        ok_pcap.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    assert!(
        out.contains("Decisive difference: the client certificate"),
        "{out}"
    );
    let ok_log = root.join("jdk17-mtls-tls12.log");
    let seed_pcap =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/seed-jsse-empty-cert.pcap");
    let (out2, ok) = tlsdiag(&[
        "compare",
        seed_pcap.to_str().unwrap(),
        "--probe-pcap",
        ok_log.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{out2}");
    let v: serde_json::Value = serde_json::from_str(&out2).unwrap();
    assert_eq!(v["probe"]["evidence_unit"], "line");
    assert_eq!(v["captured"]["evidence_unit"], "frame");
}

#[test]
fn address_filters_are_refused_for_a_log() {
    let p = dir().join("jdk17-seed-tls12.log");
    let out = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args(["analyze", p.to_str().unwrap(), "--port", "443"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("names no addresses"), "{err}");
}

#[test]
fn tui_loader_opens_a_log() {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use tlsdiag::tui::app::{App, Msg};
    let p = dir().join("jdk17-tls13-empty.log");
    let (tx, rx) = crossbeam_channel::bounded(16);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    tlsdiag::tui::run::spawn_loader(p, AnalyzeOptions::default(), tx, stop);
    let mut app = App::new("jdk17-tls13-empty.log", false);
    loop {
        let m = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the loader answers");
        let done = matches!(m, Msg::LoadFinished | Msg::LoadFailed(_));
        if let Msg::LoadFailed(e) = &m {
            panic!("{e}");
        }
        app.update(m);
        if done {
            break;
        }
    }
    let mut t = Terminal::new(TestBackend::new(140, 40)).unwrap();
    t.draw(|f| tlsdiag::tui::views::render(&app, f)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut screen = String::new();
    for y in 0..40 {
        for x in 0..140 {
            screen.push_str(buf[(x, y)].symbol());
        }
        screen.push('\n');
    }
    assert!(screen.contains("JSSE thread main"), "{screen}");
    assert!(screen.contains("client-sent-empty-certificate"), "{screen}");
    assert!(!screen.contains("0.0.0.0"), "{screen}");
}
