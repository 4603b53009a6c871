//! The client itself ended the handshake with handshake_failure after the server's
//! CertificateRequest. JSSE (`CertificateRequest.T12CertificateRequestConsumer`) intersects the
//! server's signature algorithms with its own enabled ones; when nothing is left it sends fatal
//! handshake_failure itself ("No supported signature algorithm") instead of an empty Certificate.
//! Who sent the alert is the whole difference from the empty-certificate case.

use super::{ev, fatal_alert, finding, names, Context};
use crate::model::{AlertDescription, Connection, Finding, Severity, Side};

pub fn check(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let unit = c.evidence_unit.word();
    let Some(req) = &c.tls.certificate_request else {
        return vec![];
    };
    let Some(a) = fatal_alert(c).filter(|a| a.from == Side::Client && a.frame >= req.frame) else {
        return vec![];
    };
    if a.description() != Some(AlertDescription::HANDSHAKE_FAILURE)
        || c.tls.client_certificate.is_some()
    {
        return vec![];
    }
    let offered = c
        .tls
        .client_hello
        .as_ref()
        .map(|h| h.signature_algorithms.clone())
        .unwrap_or_default();
    let common: Vec<_> = req
        .signature_algorithms
        .iter()
        .filter(|s| offered.iter().any(|o| o.code == s.code))
        .cloned()
        .collect();
    let mut f = finding(
        "client-aborted-after-certificate-request",
        Severity::Error,
        format!(
            "The client itself aborted with {} ({unit} {}) right after the server's CertificateRequest ({unit} {}): it found no usable signature algorithm or key type for the request (JSSE does this instead of sending an empty Certificate).",
            a.text(),
            a.frame,
            req.frame
        ),
    );
    f.evidence.push(ev(
        Some(req.frame),
        "CertificateRequest.signature_algorithms",
        names(&req.signature_algorithms, 12),
    ));
    f.evidence.push(ev(
        c.tls.client_hello.as_ref().map(|h| h.frame),
        "ClientHello.signature_algorithms",
        names(&offered, 12),
    ));
    f.evidence.push(ev(Some(a.frame), "client Alert", a.text()));
    f.details.push(format!(
        "Signature algorithms both sides list: {}",
        if common.is_empty() {
            "none".to_owned()
        } else {
            names(&common, 12)
        }
    ));
    f.fix = Some("Enable on the client a signature algorithm the server requests (Java: jdk.tls.client.SignatureSchemes, jdk.tls.disabledAlgorithms in java.security), or use a key type the server accepts; or ask the partner to allow common algorithms such as rsa_pss_rsae_sha256 and ecdsa_secp256r1_sha256.".to_owned());
    vec![f]
}
