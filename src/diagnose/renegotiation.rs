//! Client certificates requested late. TLS ≤1.2 renegotiation: encrypted handshake records after
//! application data — how IIS (and others with per-path client-cert settings) ask for the
//! certificate after reading the request line. HTTP/2 forbids renegotiation, TLS 1.3 removed it,
//! rustls never does it. TLS 1.3 post-handshake authentication (RFC 8446 §4.6.2) only works if
//! the client offered the post_handshake_auth extension (curl does; Go and many others don't).

use super::{ev, finding, Context};
use crate::model::{Connection, Finding, Severity};

pub fn check(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let unit = c.evidence_unit.word();
    let mut out = Vec::new();
    if let Some(first) = c.tls.renegotiation_frames.first() {
        let mut f = finding(
            "renegotiation-after-request",
            Severity::Warning,
            format!(
                "The server started a renegotiation after application data had flowed (encrypted handshake records from {unit} {first}): this is how servers such as IIS ask for a client certificate only after reading the request. The CertificateRequest is inside the encrypted renegotiation."
            ),
        );
        for fr in &c.tls.renegotiation_frames {
            f.evidence.push(ev(
                Some(*fr),
                "encrypted handshake record after application data",
                "renegotiation",
            ));
        }
        let later = c
            .tls
            .certificate_request
            .iter()
            .chain(c.tls.post_handshake_certificate_requests.iter());
        if let Some(req) = later.clone().find(|r| r.post_handshake && r.decrypted) {
            f.message = format!(
                "The server renegotiated after application data had flowed (from {unit} {first}) and asked for a client certificate in the renegotiation (CertificateRequest, {unit} {}, decrypted with the key log): this is how servers such as IIS ask for a client certificate only after reading the request.",
                req.frame
            );
            f.details
                .push("Accepted issuers (renegotiated CertificateRequest):".into());
            f.details.extend(
                req.certificate_authorities
                    .iter()
                    .map(|d| format!("  {}", d.text)),
            );
            if let Some(cc) = &c.tls.client_certificate {
                f.details.push(format!(
                    "The client answered with {} certificate(s) ({unit} {}).",
                    cc.count, cc.frame
                ));
            }
        }
        f.details.push("Clients that cannot renegotiate (rustls, HTTP/2, anything on TLS 1.3) fail here; JSSE and OpenSSL can.".into());
        f.fix = Some(
            if c.tls.decryption == crate::model::DecryptionStatus::Decrypted {
                "Make sure the client can renegotiate (HTTP/1.1 over TLS 1.2; JSSE and OpenSSL can, rustls and HTTP/2 cannot), or ask the partner to require the client certificate in the initial handshake (IIS: SslNegotiateCert / \"negotiate client certificate\").".into()
            } else {
                "Give the key log (--keylog) to read the renegotiated CertificateRequest, or ask the partner to require the client certificate in the initial handshake (IIS: SslNegotiateCert / \"negotiate client certificate\").".into()
            },
        );
        out.push(f);
    }
    let mut requests = c
        .tls
        .certificate_request
        .iter()
        .chain(c.tls.post_handshake_certificate_requests.iter());
    if let Some(req) = requests.find(|r| r.post_handshake && r.tls13) {
        let offered = c
            .tls
            .client_hello
            .as_ref()
            .is_some_and(|h| h.post_handshake_auth);
        let mut f = finding(
            "post-handshake-auth",
            if offered { Severity::Info } else { Severity::Warning },
            format!(
                "The server asked for a client certificate after the handshake (TLS 1.3 post-handshake authentication, {unit} {}); the client {} the post_handshake_auth extension.",
                req.frame,
                if offered { "had offered" } else { "had NOT offered" }
            ),
        );
        f.evidence.push(ev(
            Some(req.frame),
            "CertificateRequest (post-handshake)",
            "after application data",
        ));
        out.push(f);
    }
    out
}
