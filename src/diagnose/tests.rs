use super::*;
use crate::model::*;

fn conn() -> Connection {
    Connection {
        id: 1,
        client: Endpoint {
            ip: "127.0.0.1".parse().unwrap(),
            port: 40000,
        },
        server: Endpoint {
            ip: "127.0.0.1".parse().unwrap(),
            port: 443,
        },
        start_time: String::new(),
        start_ts_ns: 1_700_000_000_000_000_000,
        start_offset: 0.0,
        first_frame: 1,
        last_frame: 10,
        capture: Coverage {
            syn_seen: true,
            client_bytes: 100,
            server_bytes: 100,
            ..Coverage::default()
        },
        evidence_unit: EvidenceUnit::Frame,
        jsse_log: None,
        preamble: None,
        tls: TlsFacts::default(),
        diagnosis: vec![],
    }
}

#[test]
fn no_findings_for_an_empty_connection_with_handshake() {
    let mut c = conn();
    c.tls.client_hello = None;
    let f = diagnose(&c, &Context::default());
    assert_eq!(
        f.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        vec!["capture-handshake-missing"]
    );
}

#[test]
fn one_direction_is_reported() {
    let mut c = conn();
    c.capture.server_bytes = 0;
    let f = diagnose(&c, &Context::default());
    assert!(f.iter().any(|f| f.code == "capture-one-direction"));
}
