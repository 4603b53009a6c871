//! The client sent a certificate and the server rejected it: a fatal alert from the server after
//! the client's Certificate (RFC 8446 §6.2 / RFC 5246 §7.2.2). bad_certificate(42),
//! unknown_ca(48) and certificate_unknown(46) mean the server cannot build a chain to a CA it
//! trusts — very often because the client sent only its leaf while the server holds only the
//! root; certificate_expired(45); unsupported_certificate(43) (key usage / EKU);
//! decrypt_error(51): CertificateVerify did not verify (key does not match the certificate, or a
//! signature scheme problem); access_denied(49): valid but not authorised.

use super::{ev, fatal_alert, finding, Context};
use crate::model::{ClientCert, Connection, Fact, Finding, Severity, Side};

const REJECTIONS: &[u8] = &[42, 43, 44, 45, 46, 48, 49, 51];

pub fn check(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let unit = c.evidence_unit.word();
    let Fact::Known(ClientCert::Sent(cc)) = c.tls.client_certificate_fact() else {
        return vec![];
    };
    let Some(a) = fatal_alert(c).filter(|a| a.from == Side::Server && a.frame >= cc.frame) else {
        return vec![];
    };
    let Some(code) = a.code().filter(|x| REJECTIONS.contains(x)) else {
        return vec![];
    };
    let leaf = cc.chain.first();
    let subject = leaf.map(|l| l.subject.text.clone()).unwrap_or_default();
    let cas = c
        .tls
        .certificate_request
        .as_ref()
        .map(|r| r.certificate_authorities.clone())
        .unwrap_or_default();
    let mut out = Vec::new();

    // Chain sent vs CA list: the leaf's issuer is not listed, but the list names a CA higher up.
    // Chain sent vs CA list: only the leaf was sent, its issuer is not listed, but the list names
    // a CA of the same organisation (typically the root above the leaf's intermediate). Without
    // the issuer's own certificate this stays a likely explanation, and the message says so.
    let org = |dn: &str| {
        dn.split(',')
            .find_map(|p| p.strip_prefix("O="))
            .map(str::to_owned)
    };
    let chain_incomplete = cc.count == 1
        && leaf.is_some_and(|l| {
            !l.self_signed
                && !cas
                    .iter()
                    .any(|ca| ca.der == l.issuer.der || ca.text == l.issuer.text)
                && org(&l.issuer.text).is_some_and(|o| {
                    cas.iter()
                        .any(|ca| org(&ca.text).as_deref() == Some(o.as_str()))
                })
        });
    let expired =
        leaf.filter(|l| l.not_after_unix != 0 && l.not_after_unix < super::capture_unix(c));

    let (fcode, message, fix) = if code == 51 {
        (
            "client-certificate-verify-failed",
            format!("The server rejected the client's CertificateVerify with {} ({unit} {}): the signature made with the client's private key did not verify against its certificate ({subject}).", a.text(), a.frame),
            "Make sure the private key in the keystore entry belongs to the certificate (compare their public keys: `tlsdiag identity inspect <keystore>` shows \"key matches certificate\"), and that the key supports one of the server's signature algorithms.".to_owned(),
        )
    } else if chain_incomplete && matches!(code, 42 | 46 | 48) {
        let issuer = leaf.map(|l| l.issuer.text.clone()).unwrap_or_default();
        (
            "client-chain-incomplete",
            format!(
                "The client sent only its own certificate ({subject}, issued by {issuer}) and the server rejected it with {} ({unit} {}); the server lists {} as accepted, so it most likely needs the intermediate certificate(s) up to it.",
                a.text(),
                a.frame,
                cas.iter().map(|d| d.text.clone()).collect::<Vec<_>>().join("; ")
            ),
            format!("Send the intermediate too: import the full chain ({subject} ← {issuer} ← …) into the client's keystore entry (keytool -importcert of the CA reply with the chain, or a PKCS#12 built with -certfile)."),
        )
    } else if let Some(l) = expired {
        (
            "client-certificate-expired",
            format!("The server rejected the client certificate {subject} with {} ({unit} {}): it expired on {}.", a.text(), a.frame, l.not_after),
            "Renew the client certificate and replace it in the client's keystore entry.".to_owned(),
        )
    } else {
        let why = match code {
            48 | 42 | 46 => "the server does not trust the issuer of the client certificate (it cannot build a chain to a CA it trusts)",
            45 => "the server considers the client certificate expired",
            43 => "the certificate's key usage / extended key usage does not allow client authentication",
            44 => "the client certificate is revoked",
            49 => "the certificate is valid but not authorised for this service",
            _ => "the server rejected the certificate",
        };
        (
            "server-rejected-client-certificate",
            format!("The client sent a certificate ({subject}) and the server rejected it with {} ({unit} {}): {why}.", a.text(), a.frame),
            match code {
                48 | 42 | 46 => "Use a certificate issued by a CA the server trusts (see the CA list it sends), and send the full chain; or ask the partner to trust your issuing CA.".to_owned(),
                43 => "Use a certificate whose extended key usage includes clientAuth and whose key usage allows digitalSignature.".to_owned(),
                49 => "Ask the partner to authorise this certificate (subject/serial) for the service.".to_owned(),
                _ => "Check the client certificate's validity and issuer against what the server expects.".to_owned(),
            },
        )
    };
    let mut f = finding(fcode, Severity::Error, message);
    f.evidence.push(ev(
        Some(cc.frame),
        "client Certificate.count",
        cc.count.to_string(),
    ));
    for (i, cert) in cc.chain.iter().enumerate() {
        f.evidence.push(ev(
            Some(cc.frame),
            &format!("client Certificate[{i}]"),
            format!("{} ← {}", cert.subject.text, cert.issuer.text),
        ));
    }
    f.evidence.push(ev(Some(a.frame), "server Alert", a.text()));
    if !cas.is_empty() {
        f.details
            .push("Accepted issuers (CertificateRequest):".to_owned());
        f.details
            .extend(cas.iter().map(|d| format!("  {}", d.text)));
    }
    f.fix = Some(fix);
    out.push(f);
    out
}
