//! The typed code points keep their 1.0 JSON text; the three-valued accessors tell "absent"
//! from "unknown" and say why. Real captures exercise the same accessors in
//! tests/captures.rs; these cover the branches no capture shows yet.

use super::*;
use serde_json::json;

fn cp(code: u32) -> CodePoint {
    CodePoint::new(code, None)
}

fn client_hello() -> ClientHello {
    ClientHello {
        frame: 4,
        time: 0.0,
        legacy_version: cp(0x0303),
        max_version: cp(0x0303),
        supported_versions: vec![],
        random_hex: String::new(),
        session_id_len: 0,
        cipher_suites: vec![],
        compression_methods: vec![0],
        sni: None,
        alpn: vec![],
        signature_algorithms: vec![],
        signature_algorithms_cert: vec![],
        supported_groups: vec![],
        key_share_groups: vec![],
        ec_point_formats: vec![],
        post_handshake_auth: false,
        renegotiation_info: false,
        extended_master_secret: false,
        session_ticket: false,
        status_request: false,
        extensions: vec![],
        ja3: String::new(),
        ja3_hash: String::new(),
        ja4: String::new(),
    }
}

fn server_hello(version: u32) -> ServerHello {
    ServerHello {
        frame: 6,
        time: 0.0,
        legacy_version: cp(0x0303),
        version: cp(version),
        cipher_suite: cp(0xc02f),
        compression_method: 0,
        random_hex: String::new(),
        session_id_len: 0,
        extensions: vec![],
        key_share_group: None,
        alpn: None,
        renegotiation_info: false,
        extended_master_secret: false,
        is_hello_retry_request: false,
    }
}

fn msg(frame: u64, from: Side, kind: MessageKind) -> Message {
    Message {
        frame,
        time: 0.0,
        from,
        kind,
        detail: None,
        length: 0,
        encrypted: false,
        decrypted: false,
        certificate_count: None,
    }
}

fn hs(t: HandshakeType) -> MessageKind {
    MessageKind::Handshake(t)
}

/// A TLS 1.2 handshake up to the server's flight: ClientHello, ServerHello, Certificate.
fn tls12() -> TlsFacts {
    let mut t = TlsFacts {
        client_hello: Some(client_hello()),
        server_hello: Some(server_hello(0x0303)),
        tls_version: Some(cp(0x0303)),
        server_certificate_frame: Some(6),
        ..TlsFacts::default()
    };
    t.messages = vec![
        msg(4, Side::Client, hs(HandshakeType::CLIENT_HELLO)),
        msg(6, Side::Server, hs(HandshakeType::SERVER_HELLO)),
        msg(6, Side::Server, hs(HandshakeType::CERTIFICATE)),
    ];
    t
}

fn unknown(reason: UnknownReason, reveal: Option<Reveal>) -> Unknown {
    Unknown::new(reason, reveal)
}

#[test]
fn code_points_keep_their_numbers_and_1_0_labels() {
    assert_eq!(AlertDescription(40).label(), "handshake_failure");
    assert_eq!(AlertDescription(200).label(), "unknown_200");
    assert_eq!(AlertLevel(2).label(), "fatal");
    assert_eq!(AlertLevel(7).label(), "unknown(7)");
    assert_eq!(HandshakeType(99).label(), "Handshake(99)");
    assert_eq!(ContentType(25).name(), None);
    assert_eq!(
        serde_json::to_value(AlertDescription(116)).unwrap(),
        json!({"code": 116, "name": "certificate_required"})
    );
    for (kind, name, code) in [
        (hs(HandshakeType::CERTIFICATE), "Certificate", 11),
        (MessageKind::ChangeCipherSpec, "ChangeCipherSpec", 20),
        (MessageKind::Alert, "Alert", 21),
        (MessageKind::EncryptedHandshake, "EncryptedHandshake", 22),
        (MessageKind::ApplicationData, "ApplicationData", 23),
        (MessageKind::EncryptedRecord, "EncryptedRecord", 23),
        (MessageKind::Heartbeat, "Heartbeat", 24),
    ] {
        assert_eq!((kind.label().as_ref(), kind.code()), (name, code));
    }
}

#[test]
fn alert_json_is_the_1_0_form() {
    let read = Alert {
        from: Side::Server,
        message: Some(AlertMessage {
            level: AlertLevel(3),
            description: AlertDescription(48),
        }),
        frame: 9,
        time: 0.5,
        encrypted: false,
        decrypted: false,
    };
    assert_eq!(
        serde_json::to_value(&read).unwrap(),
        json!({"from": "server", "level": "unknown(3)", "description": "unknown_ca", "code": 48,
               "frame": 9, "time": 0.5, "encrypted": false, "decrypted": false})
    );
    assert!(!read.is_fatal(), "an unknown level is not fatal");
    let hidden = Alert {
        message: None,
        encrypted: true,
        ..read
    };
    assert_eq!(
        serde_json::to_value(&hidden).unwrap(),
        json!({"from": "server", "level": "encrypted", "description": "encrypted", "code": null,
               "frame": 9, "time": 0.5, "encrypted": true, "decrypted": false})
    );
}

#[test]
fn fact_json_says_state_reason_and_reveal() {
    let k: Fact<u32> = Fact::Known(3);
    assert_eq!(
        serde_json::to_value(k).unwrap(),
        json!({"state": "known", "value": 3})
    );
    assert_eq!(
        serde_json::to_value(Fact::<u32>::Absent).unwrap(),
        json!({"state": "absent"})
    );
    let u: Fact<u32> = Fact::Unknown(unknown(
        UnknownReason::Truncated,
        Some(Reveal::LargerSnapLength),
    ));
    assert_eq!(
        serde_json::to_value(u).unwrap(),
        json!({"state": "unknown", "reason": "truncated", "reveal": "larger_snap_length"})
    );
}

#[test]
fn request_absent_only_once_the_server_flight_is_seen() {
    let mut t = tls12();
    // The capture ends after the server's Certificate: its request may still come.
    assert_eq!(
        t.certificate_request_fact().map(|_| ()),
        Fact::Unknown(unknown(
            UnknownReason::NotCaptured,
            Some(Reveal::CompleteCapture)
        ))
    );
    t.messages
        .push(msg(6, Side::Server, hs(HandshakeType::SERVER_HELLO_DONE)));
    assert!(t.certificate_request_fact().is_absent());
    // Absent, so the client sent nothing; but its flight is not in the capture yet.
    assert!(!t.client_certificate_fact().is_known());
    t.messages
        .push(msg(8, Side::Client, hs(HandshakeType::CLIENT_KEY_EXCHANGE)));
    assert!(t.client_certificate_fact().is_absent());
}

#[test]
fn a_gap_in_the_server_direction_makes_its_request_unknown_even_when_the_client_answered() {
    let mut t = tls12();
    t.decode_stops.server.gap = Some(7);
    t.messages
        .push(msg(8, Side::Client, hs(HandshakeType::CLIENT_KEY_EXCHANGE)));
    let truncated = unknown(UnknownReason::Truncated, Some(Reveal::CompleteCapture));
    assert_eq!(
        t.certificate_request_fact().map(|_| ()),
        Fact::Unknown(truncated)
    );
    // Without the gap the client's answer shows the server's flight ended.
    t.decode_stops.server.gap = None;
    assert!(t.certificate_request_fact().is_absent());
    // Damage instead of a gap.
    t.decode_stops.server.damaged = Some(7);
    assert_eq!(
        t.certificate_request_fact().map(|_| ()),
        Fact::Unknown(unknown(UnknownReason::Malformed, None))
    );
}

#[test]
fn an_empty_certificate_is_known_empty_and_a_chain_is_sent() {
    let mut t = tls12();
    t.client_certificate = Some(ClientCertificate {
        frame: 8,
        time: 0.0,
        count: 0,
        certificates_length: 0,
        chain: vec![],
        decrypted: false,
    });
    assert!(matches!(
        t.client_certificate_fact(),
        Fact::Known(ClientCert::Empty(cc)) if cc.frame == 8
    ));
    assert_eq!(
        FactsView::of(&t).client_certificate,
        Fact::Known(SeenCertificates { frame: 8, count: 0 })
    );
    if let Some(cc) = t.client_certificate.as_mut() {
        cc.count = 2;
    }
    assert!(matches!(
        t.client_certificate_fact(),
        Fact::Known(ClientCert::Sent(_))
    ));
}

#[test]
fn tls13_without_keys_is_unknown_and_keeps_the_inference_apart() {
    let mut t = tls12();
    t.tls_version = Some(cp(0x0304));
    t.server_certificate_frame = None;
    t.decryption = DecryptionStatus::NoKey;
    t.inferences.push(Inference {
        what: "the client sent a certificate".into(),
        confidence: Confidence::High,
        basis: String::new(),
        frames: vec![10],
        claim: InferenceClaim::ClientCertificateSent,
    });
    let no_key = unknown(UnknownReason::EncryptedWithoutKeys, Some(Reveal::KeyLog));
    assert_eq!(
        t.certificate_request_fact().map(|_| ()),
        Fact::Unknown(no_key)
    );
    assert_eq!(
        t.client_certificate_fact().map(|_| ()),
        Fact::Unknown(no_key)
    );
    assert_eq!(t.server_chain_fact().map(|_| ()), Fact::Unknown(no_key));
    assert_eq!(t.fatal_alert_fact().map(|_| ()), Fact::Unknown(no_key));
    let inf = t
        .client_certificate_inference()
        .map(|i| (i.claim, i.confidence));
    assert_eq!(
        inf,
        Some((InferenceClaim::ClientCertificateSent, Confidence::High))
    );
    // Keys that do not match say so.
    t.decryption = DecryptionStatus::Failed;
    assert_eq!(
        t.certificate_request_fact().map(|_| ()),
        Fact::Unknown(unknown(UnknownReason::KeysDoNotMatch, Some(Reveal::KeyLog)))
    );
}

#[test]
fn an_unread_renegotiation_hides_the_request() {
    let mut t = tls12();
    t.messages
        .push(msg(6, Side::Server, hs(HandshakeType::SERVER_HELLO_DONE)));
    t.messages
        .push(msg(8, Side::Client, hs(HandshakeType::CLIENT_KEY_EXCHANGE)));
    assert!(t.certificate_request_fact().is_absent());
    t.renegotiation_frames.push(20);
    let no_key = unknown(UnknownReason::EncryptedWithoutKeys, Some(Reveal::KeyLog));
    assert_eq!(
        t.certificate_request_fact().map(|_| ()),
        Fact::Unknown(no_key)
    );
    assert_eq!(
        t.client_certificate_fact().map(|_| ()),
        Fact::Unknown(no_key)
    );
    t.decryption = DecryptionStatus::Decrypted;
    assert!(t.certificate_request_fact().is_absent());
}

#[test]
fn a_capture_that_starts_late_or_a_refused_hello() {
    let late = TlsFacts::default();
    let not_captured = unknown(UnknownReason::NotCaptured, Some(Reveal::CaptureFromStart));
    assert_eq!(late.version_fact().map(|_| ()), Fact::Unknown(not_captured));
    assert_eq!(FactsView::of(&late), FactsView::default());
    let mut refused = TlsFacts {
        client_hello: Some(client_hello()),
        ..TlsFacts::default()
    };
    refused.alerts.push(Alert {
        from: Side::Server,
        message: Some(AlertMessage {
            level: AlertLevel::FATAL,
            description: AlertDescription::HANDSHAKE_FAILURE,
        }),
        frame: 5,
        time: 0.0,
        encrypted: false,
        decrypted: false,
    });
    refused.outcome.status = OutcomeStatus::Failed;
    assert!(refused.version_fact().is_absent());
    assert!(refused.certificate_request_fact().is_absent());
    assert!(matches!(
        refused.fatal_alert_fact(),
        Fact::Known(a) if a.description() == Some(AlertDescription::HANDSHAKE_FAILURE)
    ));
    // A completed TLS 1.2 handshake with no alert: absent.
    let mut done = tls12();
    done.outcome.status = OutcomeStatus::Completed;
    assert!(done.fatal_alert_fact().is_absent());
}
