//! The HTTP authentication rules over hand-built facts (the real exchanges are in tests/auth.rs):
//! which finding each fact pattern gives, and which it must not.

use super::*;
use crate::model::http_auth::{AuthAttempt, AuthMode, CredentialSource, SentCredential};

fn ch(scheme: &str, realm: Option<&str>) -> Challenge {
    Challenge {
        scheme: scheme.into(),
        realm: realm.map(Into::into),
        token_len: None,
        token_kind: None,
    }
}

fn attempt(sent: Option<AuthScheme>, status: u16, challenges: Vec<Challenge>) -> AuthAttempt {
    AuthAttempt {
        request: 1,
        sent: sent.map(|scheme| SentCredential {
            scheme,
            token_kind: "spnego-init".into(),
            token_len: 700,
        }),
        status: Some(status),
        challenges,
        note: None,
    }
}

fn kerberos(failure: Option<KerberosErrorKind>) -> KerberosFacts {
    KerberosFacts {
        credential_source: CredentialSource::Ccache,
        client_principal: Some("alice@EXAMPLE.COM".into()),
        spn: "HTTP/svc.example.com".into(),
        delegation_requested: false,
        delegation_granted: None,
        lifetime_requested_s: None,
        credential_lifetime_s: None,
        mutual_auth: MutualAuth::NotReached,
        failure: failure.map(|kind| KerberosFailure {
            stage: KerberosStage::InitContext,
            kind,
            major: 851_968,
            major_text: "Unspecified GSS failure.  Minor code may provide more information".into(),
            minor: 2_529_638_919,
            minor_text: "Server HTTP/svc.example.com@EXAMPLE.COM not found in Kerberos database"
                .into(),
        }),
    }
}

fn negotiate(attempts: Vec<AuthAttempt>, k: KerberosFacts, offset: Option<i64>) -> HttpAuth {
    let accepted = attempts
        .last()
        .is_some_and(|t| t.sent.is_some() && t.status != Some(401));
    HttpAuth {
        scheme: AuthScheme::Negotiate,
        mode: AuthMode::Preemptive,
        user: None,
        attempts,
        accepted,
        summary: "Negotiate sent preemptively".into(),
        server_clock_offset_s: offset,
        kerberos: Some(k),
    }
}

fn run(a: &HttpAuth, over_tls: bool, cert: bool) -> Vec<String> {
    let last = a.attempts.last();
    let view = HttpAuthView {
        over_tls,
        client_certificate_accepted: cert,
        status: last.and_then(|t| t.status),
        challenges: last.map(|t| t.challenges.as_slice()).unwrap_or(&[]),
        auth: Some(a),
    };
    check(&view).into_iter().map(|f| f.code).collect()
}

#[test]
fn each_kerberos_cause_has_its_code() {
    for (kind, code) in [
        (KerberosErrorKind::SpnUnknown, "kerberos-spn-unknown"),
        (
            KerberosErrorKind::KdcUnreachable,
            "kerberos-kdc-unreachable",
        ),
        (KerberosErrorKind::ClockSkew, "kerberos-clock-skew"),
        (
            KerberosErrorKind::EnctypeUnsupported,
            "kerberos-enctype-unsupported",
        ),
        (KerberosErrorKind::PreauthFailed, "kerberos-preauth-failed"),
        (KerberosErrorKind::NoCredentials, "kerberos-no-credentials"),
        (KerberosErrorKind::TicketExpired, "kerberos-ticket-expired"),
        (KerberosErrorKind::Other, "kerberos-error"),
    ] {
        let a = negotiate(
            vec![attempt(None, 401, vec![ch("Negotiate", None)])],
            kerberos(Some(kind)),
            None,
        );
        assert_eq!(run(&a, true, false), vec![code.to_owned()], "{kind:?}");
    }
}

#[test]
fn a_refused_ticket_is_no_key_unless_the_server_clock_is_off() {
    let refused = vec![attempt(
        Some(AuthScheme::Negotiate),
        401,
        vec![ch("Negotiate", None)],
    )];
    let a = negotiate(refused.clone(), kerberos(None), Some(12));
    assert_eq!(run(&a, true, false), vec!["http-negotiate-rejected"]);
    let a = negotiate(refused.clone(), kerberos(None), Some(-301));
    assert_eq!(run(&a, true, false), vec!["kerberos-clock-skew"]);
    // Exactly the tolerance is still fine.
    let a = negotiate(refused, kerberos(None), Some(300));
    assert_eq!(run(&a, true, false), vec!["http-negotiate-rejected"]);
}

#[test]
fn negotiate_not_offered_is_said_once() {
    // Preemptive token, the server only knows Basic: not "rejected" on top.
    let a = negotiate(
        vec![attempt(
            Some(AuthScheme::Negotiate),
            401,
            vec![ch("Basic", Some("Orders"))],
        )],
        kerberos(None),
        None,
    );
    assert_eq!(run(&a, true, false), vec!["http-negotiate-not-offered"]);
}

#[test]
fn mutual_authentication_outcomes() {
    let ok = vec![attempt(Some(AuthScheme::Negotiate), 200, vec![])];
    let mut k = kerberos(None);
    k.mutual_auth = MutualAuth::Verified;
    assert_eq!(
        run(&negotiate(ok.clone(), k.clone(), None), true, false),
        vec!["http-auth-accepted"]
    );
    k.mutual_auth = MutualAuth::NotSent;
    assert_eq!(
        run(&negotiate(ok.clone(), k.clone(), None), true, false),
        vec!["http-negotiate-no-mutual-auth", "http-auth-accepted"]
    );
    k.mutual_auth = MutualAuth::Failed;
    assert_eq!(
        run(&negotiate(ok, k, None), true, false),
        vec!["kerberos-mutual-auth-failed", "http-auth-accepted"]
    );
}

#[test]
fn certificate_mapping_only_when_no_credentials_were_refused() {
    let no_auth = HttpAuthView {
        over_tls: true,
        client_certificate_accepted: true,
        status: Some(401),
        challenges: &[],
        auth: None,
    };
    let codes: Vec<String> = check(&no_auth).into_iter().map(|f| f.code).collect();
    assert_eq!(codes, vec!["http-auth-after-client-certificate"]);
    // Without a client certificate a 401 is not a mapping question.
    let no_cert = HttpAuthView {
        client_certificate_accepted: false,
        ..no_auth
    };
    assert!(check(&no_cert).is_empty());
    // Credentials sent and refused: that is the finding, not the mapping.
    let mut a = negotiate(
        vec![attempt(
            Some(AuthScheme::Basic),
            401,
            vec![ch("Basic", Some("r"))],
        )],
        kerberos(None),
        None,
    );
    a.scheme = AuthScheme::Basic;
    a.kerberos = None;
    assert_eq!(run(&a, true, true), vec!["http-basic-rejected"]);
}

#[test]
fn basic_challenge_on_plain_http_only() {
    let basic = [ch("Basic", Some("Legacy"))];
    let plain = HttpAuthView {
        over_tls: false,
        client_certificate_accepted: false,
        status: Some(401),
        challenges: &basic,
        auth: None,
    };
    let codes: Vec<String> = check(&plain).into_iter().map(|f| f.code).collect();
    assert_eq!(codes, vec!["http-basic-over-plain-http"]);
    assert!(check(&HttpAuthView {
        over_tls: true,
        ..plain
    })
    .is_empty());
}
