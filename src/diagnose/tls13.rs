//! TLS 1.3 client authentication. certificate_required(116) (RFC 8446 §4.4.2.4: "servers MAY
//! abort the handshake with a certificate_required alert" when the client sends no
//! certificate), or the legacy no_certificate(41). Without a key log the CertificateRequest,
//! both Certificates and the alert are encrypted: the finding says what cannot be observed, what
//! the record sizes suggest, and what would reveal it (--keylog, or `tlsdiag probe`).

use super::{ev, finding, Context};
use crate::model::{
    AlertDescription, ClientCert, Connection, Fact, Finding, OutcomeStatus, Severity,
};

pub fn check_certificate_required(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let unit = c.evidence_unit.word();
    let Some(a) = c.tls.alerts.iter().find(|a| {
        matches!(
            a.description(),
            Some(AlertDescription::CERTIFICATE_REQUIRED | AlertDescription::NO_CERTIFICATE)
        )
    }) else {
        return vec![];
    };
    // The empty-certificate rule already explains a decrypted empty Certificate in full.
    let already = matches!(
        c.tls.client_certificate_fact(),
        Fact::Known(ClientCert::Empty(_))
    ) && c.tls.certificate_request_fact().is_known();
    let mut f = finding(
        "certificate-required",
        if already { Severity::Info } else { Severity::Error },
        format!(
            "The server ended the handshake with {} ({unit} {}): it requires a client certificate and the client sent none.",
            a.text(),
            a.frame
        ),
    );
    f.evidence.push(ev(Some(a.frame), "Alert", a.text()));
    f.fix = Some("Configure the client with a certificate issued by a CA the server accepts (see the CertificateRequest's certificate_authorities).".into());
    vec![f]
}

pub fn check_not_visible(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    if !c.tls.handshake_hidden() {
        return vec![];
    }
    let failed = c.tls.outcome.status == OutcomeStatus::Failed;
    let mut f = finding(
        "tls13-handshake-encrypted",
        if failed { Severity::Warning } else { Severity::Info },
        format!(
            "This is TLS 1.3: the server's CertificateRequest (its accepted CAs), both Certificate messages and {}are encrypted in the capture, so they cannot be read without the session keys.",
            if failed { "the alert that ended the handshake " } else { "any alert " }
        ),
    );
    for inf in &c.tls.inferences {
        f.details.push(format!(
            "Inferred (not decrypted, confidence {}): {} — {}.",
            inf.confidence, inf.what, inf.basis
        ));
        if let Some(fr) = inf.frames.first() {
            f.evidence
                .push(ev(Some(*fr), "client encrypted flight", inf.basis.clone()));
        }
    }
    f.fix = Some(
        "Capture again with the client's key log and run `tlsdiag analyze <capture> --keylog <file>`: curl and Firefox/NSS write it to the file named by SSLKEYLOGFILE, openssl s_client with -keylogfile; Go only through tls.Config.KeyLogWriter and rustls only through a KeyLogFile set in the program. Java (JSSE) has no SSLKEYLOGFILE: start it with a key-log agent (-javaagent: jSSLKeyLog or extract-tls-secrets), or give its -Djavax.net.debug=ssl:handshake log to `tlsdiag analyze`. Or run `tlsdiag probe <url> --identity <keystore>`: its own handshake is decrypted with its own keys."
            .into(),
    );
    vec![f]
}
