//! One whole handshake message → the model: the hellos (and the parameters key derivation
//! needs), certificates, CertificateRequest, CertificateVerify, EncryptedExtensions, and the
//! protection changes a decrypted Finished or KeyUpdate brings (RFC 8446 §7.2, §4.6.3). Bodies
//! are parsed in `messages.rs`; this file decides what they mean for the connection.

use super::{ConnectionDecoder, Read};
use crate::model::{
    is_tls13_version, CertificateVerify, ClientCertificate, DecryptionStatus, HandshakeType,
    MessageKind, Provenance, Side,
};
use crate::tls::messages;
use crate::tls::outcome::{Phase, Protocol};
use crate::tls::protection::{Decrypter, Protection};
use crate::tls::record::RecordHeader;

impl ConnectionDecoder {
    pub(super) fn handshake_message(
        &mut self,
        side: Side,
        t: HandshakeType,
        body: &[u8],
        prov: Provenance,
        read: Read,
    ) {
        let time = self.time(prov);
        let frame = prov.frame;
        let mut detail: Option<String> = None;
        let mut certificate_count = None;
        let malformed = |s: &mut Self, what: &str| {
            s.anomaly(
                "malformed_handshake",
                side,
                prov,
                format!("{what} could not be parsed ({} bytes)", body.len()),
            );
        };
        let tls13 = self.progress.protocol == Protocol::Tls13;
        match t {
            HandshakeType::CLIENT_HELLO => match messages::client_hello(body, frame, time) {
                Some(h) => detail = Some(self.client_hello_seen(h)),
                None => malformed(self, "ClientHello"),
            },
            HandshakeType::SERVER_HELLO => match messages::server_hello(body, frame, time) {
                Some(h) => {
                    let hrr = h.is_hello_retry_request;
                    detail = Some(format!(
                        "{} · {}{}",
                        h.version.label(),
                        h.cipher_suite.label(),
                        if hrr { " · HelloRetryRequest" } else { "" }
                    ));
                    if hrr {
                        // RFC 8446 §4.1.4: a HelloRetryRequest is TLS 1.3's. The second
                        // ClientHello and the real ServerHello follow in clear, with the
                        // middlebox-compatibility ChangeCipherSpecs (§D.4) around them: those
                        // must not start TLS 1.2 protection.
                        if is_tls13_version(h.version.code) {
                            self.progress.protocol = Protocol::Tls13;
                        }
                        self.facts.hello_retry_request = Some(h);
                    } else {
                        let suite = u16::try_from(h.cipher_suite.code).unwrap_or(0);
                        let version = u16::try_from(h.version.code).unwrap_or(0);
                        self.keys.server_random = hex::decode(&h.random_hex).unwrap_or_default();
                        self.keys.suite = suite;
                        // RFC 7366: encrypt_then_mac (extension 22) in the ServerHello.
                        self.keys.etm = h.extensions.iter().any(|e| e.code == 22);
                        self.keys.compression = h.compression_method;
                        self.keys.version = version;
                        if is_tls13_version(u32::from(version)) {
                            self.progress.protocol = Protocol::Tls13;
                            // RFC 8446 §2: everything after the ServerHello is protected.
                            self.progress.client.phase =
                                self.progress.client.phase.max(Phase::Protected);
                            self.progress.server.phase =
                                self.progress.server.phase.max(Phase::Protected);
                            self.facts.decryption = DecryptionStatus::NoKey;
                            self.facts.tls_version = Some(h.version.clone());
                            self.facts.server_hello = Some(h);
                            self.setup_decryption(suite, version, prov);
                        } else {
                            if self.progress.protocol != Protocol::Tls13 {
                                self.progress.protocol = Protocol::Legacy {
                                    signature_fields: version >= 0x0303,
                                };
                            }
                            if self.facts.server_hello.is_none() {
                                self.facts.tls_version = Some(h.version.clone());
                                self.facts.server_hello = Some(h);
                            }
                        }
                    }
                }
                None => malformed(self, "ServerHello"),
            },
            HandshakeType::CERTIFICATE => {
                match messages::certificate(body, tls13, &self.opts.cert_cache) {
                    Some((certs, list_len)) => {
                        detail = Some(format!("{} certificates (length {list_len})", certs.len()));
                        certificate_count = Some(certs.len());
                        match side {
                            Side::Server => {
                                self.facts.server_certificates = certs;
                                self.facts.server_certificate_frame = Some(frame);
                            }
                            Side::Client if self.facts.client_certificate.is_none() => {
                                self.facts.client_certificate = Some(ClientCertificate {
                                    frame,
                                    time,
                                    count: certs.len(),
                                    certificates_length: list_len,
                                    chain: certs,
                                    decrypted: read == Read::Decrypted,
                                });
                            }
                            Side::Client => {}
                        }
                    }
                    None => malformed(self, "Certificate"),
                }
            }
            HandshakeType::CERTIFICATE_REQUEST => {
                let req = if tls13 {
                    messages::certificate_request_13(body, frame, time)
                } else {
                    let sig = self.progress.protocol.signature_fields();
                    messages::certificate_request_12(body, sig, frame, time)
                };
                match req {
                    Some(mut r) => {
                        r.post_handshake = self.app_data_seen();
                        r.decrypted = read == Read::Decrypted;
                        detail = Some(format!(
                            "{} CA names · {} signature algorithms{}",
                            r.certificate_authorities.len(),
                            r.signature_algorithms.len(),
                            if r.certificate_types.is_empty() {
                                String::new()
                            } else {
                                format!(
                                    " · types {}",
                                    r.certificate_types
                                        .iter()
                                        .map(|c| c.label())
                                        .collect::<Vec<_>>()
                                        .join(" ")
                                )
                            }
                        ));
                        if self.facts.certificate_request.is_none() {
                            self.facts.certificate_request = Some(r);
                        } else if self.facts.post_handshake_certificate_requests.len() < 16 {
                            self.facts.post_handshake_certificate_requests.push(r);
                        }
                    }
                    None => malformed(self, "CertificateRequest"),
                }
            }
            HandshakeType::CERTIFICATE_VERIFY => {
                let sig = self.progress.protocol.signature_fields();
                match messages::certificate_verify(body, sig) {
                    Some((alg, sig_len)) => {
                        detail = alg.as_ref().map(|a| a.label());
                        if side == Side::Client {
                            self.facts.client_certificate_verify = Some(CertificateVerify {
                                frame,
                                time,
                                algorithm: alg,
                                signature_length: sig_len,
                            });
                        }
                    }
                    None => malformed(self, "CertificateVerify"),
                }
            }
            HandshakeType::ENCRYPTED_EXTENSIONS => {
                if let Some(ee) = messages::encrypted_extensions(body, frame) {
                    self.facts.encrypted_extensions = Some(ee);
                }
            }
            // Read at all (decrypted, or a NULL cipher's plaintext): this side is finished.
            HandshakeType::FINISHED if read != Read::Clear => self.finished(side),
            HandshakeType::KEY_UPDATE if read == Read::Decrypted => {
                // RFC 8446 §7.2: the next generation of this side's traffic secret.
                let prot = &mut self.dir(side).protection;
                if let Protection::Tls13 { dec, .. } = prot {
                    match dec.next_generation() {
                        Some(next) => **dec = next,
                        None => *prot = Protection::None,
                    }
                }
            }
            _ => {}
        }
        let mut m = self.msg(
            side,
            prov,
            MessageKind::Handshake(t),
            detail,
            body.len(),
            read,
        );
        m.certificate_count = certificate_count;
        self.push_message(m);
    }

    /// The ClientHello's facts and its ladder text.
    fn client_hello_seen(&mut self, h: crate::model::ClientHello) -> String {
        self.keys.client_random = hex::decode(&h.random_hex).unwrap_or_default();
        let detail = format!(
            "SNI {} · offers up to {} · {} cipher suites",
            h.sni.as_deref().unwrap_or("–"),
            h.max_version.label(),
            h.cipher_suites.len()
        );
        if self.facts.client_hello.is_none() {
            self.facts.client_hello = Some(h);
        }
        detail
    }

    /// An SSLv2-format ClientHello record (RFC 5246 Appendix E.2: old JSSE with SSLv2Hello,
    /// embedded clients): read as the ClientHello it stands for; TLS records follow.
    pub(super) fn sslv2_client_hello(
        &mut self,
        side: Side,
        header: &RecordHeader,
        body: &[u8],
        prov: Provenance,
    ) {
        let [_, _, _, major, minor] = header.raw;
        let version = u16::from_be_bytes([major, minor]);
        let time = self.time(prov);
        let detail = match messages::client_hello_v2(version, body, prov.frame, time) {
            Some(h) => Some(format!("SSLv2-format · {}", self.client_hello_seen(h))),
            None => {
                self.anomaly(
                    "malformed_handshake",
                    side,
                    prov,
                    format!(
                        "SSLv2-format ClientHello could not be parsed ({} bytes)",
                        body.len()
                    ),
                );
                None
            }
        };
        let kind = MessageKind::Handshake(HandshakeType::CLIENT_HELLO);
        // Its length counts the version and what follows (as a handshake body would).
        let m = self.msg(side, prov, kind, detail, body.len() + 2, Read::Clear);
        self.push_message(m);
    }

    /// A decrypted Finished: this side's handshake is over. RFC 8446 §7.2/§4.4.4: from here it
    /// protects records with its application traffic secret.
    fn finished(&mut self, side: Side) {
        self.progress.side_mut(side).phase = Phase::Finished;
        let suite = self.keys.suite13;
        let prot = &mut self.dir(side).protection;
        if let Protection::Tls13 {
            next_secret,
            app_records: None,
            ..
        } = prot
        {
            let next = match (suite, next_secret.take()) {
                (Some(su), Some(sec)) => Decrypter::new(su, &sec),
                _ => None,
            };
            *prot = match next {
                Some(dec) => Protection::Tls13 {
                    dec: Box::new(dec),
                    next_secret: None,
                    app_records: Some(0),
                },
                None => Protection::None,
            };
        }
    }
}
