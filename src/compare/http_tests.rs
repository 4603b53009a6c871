//! The HTTP decision on the real exchange of captures/http-negotiate-ok.pcap (decrypted with its
//! key log), its answer changed in the model to reach the classes the captures do not show: a
//! differing status without authentication, the same status with different SOAP faults, an
//! answer not in the capture (unknown, never a difference), credentials refused on the right
//! side, and a 401 → 200 retry that ends like a single 200.

use super::{compare, DecisiveKind, HttpReason, Position};
use crate::model::http::{HttpResponse, SoapFault};
use crate::model::{Connection, UnknownReason};
use std::path::PathBuf;

fn ok() -> Connection {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut opts = crate::analyze::AnalyzeOptions::default();
    opts.decode.keylog = Some(std::sync::Arc::new(
        crate::tls::keylog::KeyLog::from_file(&root.join("http-negotiate-ok.keylog")).unwrap(),
    ));
    let a = crate::analyze::analyze_path(&root.join("http-negotiate-ok.pcap"), &opts).unwrap();
    a.connections.into_iter().next().unwrap()
}

fn exchanges(c: &mut Connection) -> &mut Vec<crate::model::http::HttpExchange> {
    match &mut c.tls.http.as_mut().unwrap().exchanges {
        crate::model::Fact::Known(ex) => ex,
        other => panic!("not read: {other:?}"),
    }
}

fn answer(c: &mut Connection, f: impl FnOnce(&mut HttpResponse)) {
    f(exchanges(c).last_mut().unwrap().response.as_mut().unwrap());
}

fn fault(code: &str, reason: &str) -> Option<SoapFault> {
    Some(SoapFault {
        code: Some(code.into()),
        reason: Some(reason.into()),
        detail: None,
        soap_version: "1.1".into(),
    })
}

fn cell<'a>(c: &'a super::Comparison, fact: &str) -> &'a super::Row {
    c.rows.iter().find(|r| r.fact == fact).unwrap()
}

#[test]
fn a_differing_status_without_authentication_is_the_status() {
    let mut l = ok();
    answer(&mut l, |r| {
        r.status = 500;
        r.reason = "Internal Server Error".into();
        r.challenges.clear();
    });
    let c = compare(&l, "captured #1", &ok(), "probe");
    assert_eq!(c.decisive.kind, DecisiveKind::Http);
    assert_eq!(c.decisive.http_reason, Some(HttpReason::Status));
    assert_eq!(c.decisive.side, Some(Position::Left));
    assert_eq!(c.decisive.row, Some("HTTP status"));
    let st = cell(&c, "HTTP status");
    assert_eq!(st.left, "500 Internal Server Error");
    assert!(st.decisive && st.differs);
    assert!(
        c.decisive.sentence.starts_with("the HTTP status: "),
        "{}",
        c.decisive.sentence
    );
}

#[test]
fn the_same_status_with_different_faults_is_the_soap_fault() {
    let mut l = ok();
    let mut r = ok();
    answer(&mut l, |x| {
        x.status = 500;
        x.soap_fault = fault("soap:Server", "no route to backend");
    });
    answer(&mut r, |x| {
        x.status = 500;
        x.soap_fault = fault("soap:Client", "bad request");
    });
    let c = compare(&l, "captured #1", &r, "probe");
    assert_eq!(c.decisive.kind, DecisiveKind::Http);
    assert_eq!(c.decisive.http_reason, Some(HttpReason::SoapFault));
    assert_eq!(c.decisive.row, Some("SOAP fault"));
    let f = cell(&c, "SOAP fault");
    assert_eq!(f.left, "soap:Server: no route to backend");
    assert_eq!(f.right, "soap:Client: bad request");
    assert!(f.decisive);
    assert!(!cell(&c, "HTTP status").differs);
}

#[test]
fn an_answer_not_in_the_capture_is_unknown_never_a_difference() {
    let mut l = ok();
    exchanges(&mut l)[0].response = None;
    let c = compare(&l, "captured #1", &ok(), "probe");
    assert_eq!(c.decisive.kind, DecisiveKind::Unknown);
    assert_eq!(c.decisive.unknown[0].fact, "http_exchange");
    assert_eq!(c.decisive.unknown[0].reason, UnknownReason::NotCaptured);
    let st = cell(&c, "HTTP status");
    assert!(st.left.starts_with("? unknown"), "{}", st.left);
    assert!(st.unknown && !st.differs && !st.decisive);
    // The request was seen: its row is known and equal.
    assert!(!cell(&c, "HTTP request").unknown);
}

#[test]
fn credentials_refused_on_the_right_side() {
    let mut r = ok();
    answer(&mut r, |x| {
        x.status = 401;
        x.reason = "Unauthorized".into();
    });
    let c = compare(&ok(), "captured #1", &r, "probe");
    assert_eq!(c.decisive.kind, DecisiveKind::Http);
    assert_eq!(c.decisive.http_reason, Some(HttpReason::Authentication));
    assert_eq!(c.decisive.side, Some(Position::Right));
    assert!(
        c.decisive
            .sentence
            .contains("the probe sent POST /soap with Negotiate <spnego-init, 764 bytes> and got 401 Unauthorized"),
        "{}",
        c.decisive.sentence
    );
    assert!(c
        .decisive
        .sentence
        .contains("the server refused its credentials"));
}

#[test]
fn a_retry_after_401_that_ends_in_200_is_the_same_answer() {
    let mut l = ok();
    let mut first = exchanges(&mut l)[0].clone();
    if let Some(q) = first.request.as_mut() {
        q.credentials.clear();
    }
    if let Some(x) = first.response.as_mut() {
        x.status = 401;
        x.reason = "Unauthorized".into();
    }
    exchanges(&mut l).insert(0, first);
    let c = compare(&l, "captured #1", &ok(), "probe");
    assert_eq!(c.decisive.kind, DecisiveKind::SameOutcome);
    assert!(
        c.decisive
            .sentence
            .ends_with("and both HTTP exchanges ended with 200 OK."),
        "{}",
        c.decisive.sentence
    );
    let st = cell(&c, "HTTP status");
    assert_eq!(st.left, "401 Unauthorized → 200 OK");
    assert!(st.differs && !st.decisive);
    assert_eq!(
        cell(&c, "HTTP credentials sent").left,
        "none → Negotiate <spnego-init, 764 bytes>"
    );
    assert_eq!(
        cell(&c, "HTTP request").left,
        "POST /soap · SOAPAction urn:tlsdiag:Ping"
    );
}
