//! The client-certificate resolver: records what the server asked for — the CA names and
//! signature schemes rustls hands to `ResolvesClientCert::resolve` — and decides like JSSE's key
//! manager by default (send nothing when no certificate in the chain was issued by a listed CA,
//! or no signature scheme fits), or like OpenSSL/curl and rustls' built-in resolver with
//! `--send-anyway` (ignore the CA list). The decision and its reason go into the report as a
//! decision: whether a certificate was sent is what the decoded recording shows.

pub use crate::model::probe::Decision;
use crate::model::CertInfo;
use rustls::sign::CertifiedKey;
use std::sync::{Arc, Mutex};

#[derive(Debug)]
pub struct RecordingResolver {
    key: Option<(Arc<CertifiedKey>, Vec<Arc<CertInfo>>)>,
    send_anyway: bool,
    log: Mutex<Option<Decision>>,
}

impl RecordingResolver {
    pub fn new(key: Option<(Arc<CertifiedKey>, Vec<CertInfo>)>, send_anyway: bool) -> Self {
        RecordingResolver {
            key: key.map(|(k, chain)| (k, chain.into_iter().map(Arc::new).collect())),
            send_anyway,
            log: Mutex::new(None),
        }
    }
    /// `None` when the server never asked for a certificate.
    pub fn decision(&self) -> Option<Decision> {
        self.log.lock().ok().and_then(|d| d.clone())
    }
}

impl rustls::client::ResolvesClientCert for RecordingResolver {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        sigschemes: &[rustls::SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        let hints: Vec<crate::model::DistinguishedName> = root_hint_subjects
            .iter()
            .map(|der| {
                // rustls hands the DER of the Name's contents in TLS 1.2 and the full Name in
                // TLS 1.3 depending on the version; accept either by re-wrapping when needed.
                let dn = crate::tls::x509::dn_from_der(der);
                if dn.text.starts_with('#') {
                    let mut wrapped = vec![0x30];
                    wrapped.extend(der_len(der.len()));
                    wrapped.extend_from_slice(der);
                    crate::tls::x509::dn_from_der(&wrapped)
                } else {
                    dn
                }
            })
            .collect();
        let mut d = Decision {
            ca_hints: hints.iter().map(|h| h.text.clone()).collect(),
            signature_schemes: sigschemes.iter().map(|s| format!("{s:?}")).collect(),
            ..Decision::default()
        };
        let chosen = match &self.key {
            None => {
                d.reason = "no identity was given (--identity)".into();
                None
            }
            Some((key, chain)) => {
                d.subject = chain.first().map(|c| c.subject.text.clone());
                let in_hints = !hints.is_empty()
                    && chain.iter().any(|c| {
                        hints
                            .iter()
                            .any(|h| h.text == c.issuer.text || h.der == c.issuer.der)
                    });
                if !hints.is_empty() {
                    d.issuer_in_hints = Some(in_hints);
                }
                if key.key.choose_scheme(sigschemes).is_none() {
                    d.reason = "the key supports none of the server's signature schemes".into();
                    None
                } else if !hints.is_empty() && !in_hints && !self.send_anyway {
                    d.reason = "no certificate in the identity's chain was issued by a CA the server lists (JSSE, Go and .NET send nothing then; --send-anyway sends it as curl/OpenSSL would)".into();
                    None
                } else if !hints.is_empty() && !in_hints {
                    d.reason =
                        "--send-anyway ignores the CA list (as curl/OpenSSL do), although no listed CA issued it"
                            .into();
                    Some(key.clone())
                } else if hints.is_empty() {
                    d.reason =
                        "rustls handed it no CA names (a request naming no CAs accepts any issuer)"
                            .into();
                    Some(key.clone())
                } else {
                    d.reason =
                        "its chain contains a certificate issued by a CA the server lists".into();
                    Some(key.clone())
                }
            }
        };
        d.sent = chosen.is_some();
        if let Ok(mut l) = self.log.lock() {
            *l = Some(d);
        }
        chosen
    }

    fn has_certs(&self) -> bool {
        self.key.is_some()
    }
}

fn der_len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        vec![u8::try_from(n).unwrap_or(0)]
    } else if n < 0x100 {
        vec![0x81, u8::try_from(n).unwrap_or(0)]
    } else {
        let b = u16::try_from(n).unwrap_or(u16::MAX).to_be_bytes();
        vec![0x82, b[0], b[1]]
    }
}
