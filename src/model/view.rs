//! The three-valued accessors over one connection's decoded facts: was a CertificateRequest
//! sent (and its CAs), what the client answered, the server's chain, the negotiated version
//! and suite, the alert that ended it. Each says *known*, *absent* or *unknown (why, what would
//! show it)* from typed fields only — the ladder's message kinds, the decryption status, where
//! decoding stopped and the outcome — never from display text. Consumers (report, tui,
//! compare, diagnose) reason over these; `FactsView` is their JSON form (schema 1.2).

use super::{
    Alert, AlertDescription, CertInfo, CertificateRequest, ClientCertificate, CodePoint,
    DecryptionStatus, Fact, HandshakeType, Inference, InferenceClaim, MessageKind, OutcomeStatus,
    Reveal, Side, TlsFacts, Unknown, UnknownReason,
};
use serde::Serialize;
use std::sync::Arc;

/// How far the handshake went past the place of a fact that was not seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reached {
    No,
    /// Its sender sent a later message of the same flight (or a later flight).
    Own,
    /// Only the peer's answer shows the sender's flight ended (bytes may be missing).
    ByPeer,
}

/// The client's Certificate message, as seen.
#[derive(Debug, Clone, Copy)]
pub enum ClientCert<'a> {
    /// With `count` ≥ 1 certificates.
    Sent(&'a ClientCertificate),
    /// An empty certificate_list (length 0): "the client had nothing to send".
    Empty(&'a ClientCertificate),
}

impl<'a> ClientCert<'a> {
    pub fn message(self) -> &'a ClientCertificate {
        match self {
            ClientCert::Sent(c) | ClientCert::Empty(c) => c,
        }
    }
    pub fn is_empty(self) -> bool {
        matches!(self, ClientCert::Empty(_))
    }
}

/// The server's Certificate message, as seen.
#[derive(Debug, Clone, Copy)]
pub struct ServerChain<'a> {
    pub frame: u64,
    pub certificates: &'a [Arc<CertInfo>],
}

/// JSON form of the three-valued facts (`facts`, since schema 1.2): small values that point
/// into the connection's full fields (frame numbers, counts).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactsView {
    /// The negotiated version (`tls_version`).
    pub version: Fact<CodePoint>,
    /// The negotiated cipher suite (`server_hello.cipher_suite`).
    pub cipher_suite: Fact<CodePoint>,
    pub server_certificates: Fact<SeenCertificates>,
    pub certificate_request: Fact<SeenRequest>,
    /// `count` 0 = an empty Certificate; absent = the client sent no Certificate message.
    pub client_certificate: Fact<SeenCertificates>,
    /// The first fatal alert that could be read; unknown when an alert (or, in TLS 1.3, any
    /// record) could not be read.
    pub fatal_alert: Fact<SeenAlert>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SeenCertificates {
    pub frame: u64,
    pub count: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SeenRequest {
    pub frame: u64,
    /// Number of CA names (0 = any issuer).
    pub certificate_authorities: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SeenAlert {
    pub from: Side,
    pub frame: u64,
    pub description: AlertDescription,
}

impl Default for FactsView {
    /// Nothing decoded: every fact unknown, not captured.
    fn default() -> Self {
        let u = Unknown::new(UnknownReason::NotCaptured, Some(Reveal::CaptureFromStart));
        FactsView {
            version: Fact::Unknown(u),
            cipher_suite: Fact::Unknown(u),
            server_certificates: Fact::Unknown(u),
            certificate_request: Fact::Unknown(u),
            client_certificate: Fact::Unknown(u),
            fatal_alert: Fact::Unknown(u),
        }
    }
}

impl FactsView {
    pub fn of(t: &TlsFacts) -> FactsView {
        FactsView {
            version: t.version_fact().map(Clone::clone),
            cipher_suite: t.cipher_suite_fact().map(Clone::clone),
            server_certificates: t.server_chain_fact().map(|c| SeenCertificates {
                frame: c.frame,
                count: c.certificates.len(),
            }),
            certificate_request: t.certificate_request_fact().map(|r| SeenRequest {
                frame: r.frame,
                certificate_authorities: r.certificate_authorities.len(),
            }),
            client_certificate: t.client_certificate_fact().map(|c| SeenCertificates {
                frame: c.message().frame,
                count: c.message().count,
            }),
            fatal_alert: t.fatal_alert_fact().map(|a| SeenAlert {
                from: a.from,
                frame: a.frame,
                description: a.description().unwrap_or(AlertDescription(0)),
            }),
        }
    }
}

impl TlsFacts {
    /// The negotiated version is TLS 1.3.
    pub fn is_tls13(&self) -> bool {
        self.tls_version
            .as_ref()
            .is_some_and(|v| super::is_tls13_version(v.code))
    }

    /// TLS 1.3 whose handshake could not be read (no key, or keys that do not match).
    pub fn handshake_hidden(&self) -> bool {
        self.is_tls13() && self.decryption != DecryptionStatus::Decrypted
    }

    /// Why protected records could not be read, from the decryption status.
    pub fn protection_unknown(&self) -> Unknown {
        match self.decryption {
            DecryptionStatus::Failed => {
                Unknown::new(UnknownReason::KeysDoNotMatch, Some(Reveal::KeyLog))
            }
            // Our own handshake with the same server shows what it asks for.
            DecryptionStatus::Unsupported => {
                Unknown::new(UnknownReason::DecoderUnsupported, Some(Reveal::ProbeView))
            }
            _ => Unknown::new(UnknownReason::EncryptedWithoutKeys, Some(Reveal::KeyLog)),
        }
    }

    /// The negotiated version (from the ServerHello).
    pub fn version_fact(&self) -> Fact<&CodePoint> {
        match &self.tls_version {
            Some(v) => Fact::Known(v),
            None => self.missing(Side::Server, Reached::No, false),
        }
    }

    /// The negotiated cipher suite (from the ServerHello).
    pub fn cipher_suite_fact(&self) -> Fact<&CodePoint> {
        match &self.server_hello {
            Some(h) => Fact::Known(&h.cipher_suite),
            None => self.missing(Side::Server, Reached::No, false),
        }
    }

    /// The server's certificate chain. Absent in a resumed session (no Certificate message).
    pub fn server_chain_fact(&self) -> Fact<ServerChain<'_>> {
        match self.server_certificate_frame {
            Some(frame) => Fact::Known(ServerChain {
                frame,
                certificates: &self.server_certificates,
            }),
            None => self.missing(
                Side::Server,
                self.server_flight_done(),
                self.handshake_hidden(),
            ),
        }
    }

    /// Did the server ask for a client certificate (the first CertificateRequest, with its CA
    /// list)? Unknown while the request would sit in records that were not read: a TLS 1.3
    /// handshake or a TLS ≤ 1.2 renegotiation without keys.
    pub fn certificate_request_fact(&self) -> Fact<&CertificateRequest> {
        if let Some(r) = &self.certificate_request {
            return Fact::Known(r);
        }
        if self.hidden_renegotiation() {
            return Fact::Unknown(self.protection_unknown());
        }
        self.missing(
            Side::Server,
            self.server_flight_done(),
            self.handshake_hidden(),
        )
    }

    /// What the client answered: a Certificate with certificates, an empty one, none at all
    /// (absent), or unknown. For TLS 1.3 without keys see also
    /// [`TlsFacts::client_certificate_inference`] — an inference, never a known fact.
    pub fn client_certificate_fact(&self) -> Fact<ClientCert<'_>> {
        if let Some(cc) = &self.client_certificate {
            return Fact::Known(if cc.count == 0 {
                ClientCert::Empty(cc)
            } else {
                ClientCert::Sent(cc)
            });
        }
        if self.hidden_renegotiation() {
            return Fact::Unknown(self.protection_unknown());
        }
        let reached = if self.client_flight_done() {
            Reached::Own
        } else {
            Reached::No
        };
        self.missing(Side::Client, reached, self.handshake_hidden())
    }

    /// The size inference about the client certificate (TLS 1.3 without keys), if one was made.
    pub fn client_certificate_inference(&self) -> Option<&Inference> {
        self.inferences.iter().find(|i| {
            matches!(
                i.claim,
                InferenceClaim::ClientCertificateSent
                    | InferenceClaim::NoClientCertificate
                    | InferenceClaim::ClientCertificateUndetermined
            )
        })
    }

    /// The first fatal alert that could be read. Unknown when an alert could not be read, or
    /// when TLS 1.3 records were not read (an alert there looks like any other record).
    pub fn fatal_alert_fact(&self) -> Fact<&Alert> {
        if let Some(a) = self.alerts.iter().find(|a| a.is_fatal()) {
            return Fact::Known(a);
        }
        if self.alerts.iter().any(|a| a.message.is_none()) || self.handshake_hidden() {
            return Fact::Unknown(self.protection_unknown());
        }
        match self.outcome.status {
            OutcomeStatus::Completed | OutcomeStatus::Failed => Fact::Absent,
            OutcomeStatus::CompletedEncrypted | OutcomeStatus::Incomplete => {
                self.missing(Side::Server, Reached::No, false)
            }
        }
    }

    /// A fact that was not seen: absent when its sender went past its place (`Reached::Own`);
    /// otherwise unknown — protected records, a capture that started late, a gap or damage in
    /// the sender's direction — unless the peer answered past it or the handshake ended
    /// before it (then absent); else the capture ends before it.
    fn missing<T>(&self, side: Side, reached: Reached, protected: bool) -> Fact<T> {
        if reached == Reached::Own {
            return Fact::Absent;
        }
        if protected {
            return Fact::Unknown(self.protection_unknown());
        }
        if self.client_hello.is_none() {
            return Fact::Unknown(Unknown::new(
                UnknownReason::NotCaptured,
                Some(Reveal::CaptureFromStart),
            ));
        }
        let stop = self.decode_stops.side(side);
        if stop.gap.is_some() {
            return Fact::Unknown(Unknown::new(
                UnknownReason::Truncated,
                Some(Reveal::CompleteCapture),
            ));
        }
        if stop.damaged.is_some() {
            return Fact::Unknown(Unknown::new(UnknownReason::Malformed, None));
        }
        if reached == Reached::ByPeer || self.outcome.status == OutcomeStatus::Failed {
            // The peer answered past it, or the handshake ended (alert or close) before it.
            return Fact::Absent;
        }
        Fact::Unknown(Unknown::new(
            UnknownReason::NotCaptured,
            Some(Reveal::CompleteCapture),
        ))
    }

    /// TLS ≤ 1.2 renegotiation records that were not decrypted (IIS asks for the client
    /// certificate there).
    fn hidden_renegotiation(&self) -> bool {
        !self.renegotiation_frames.is_empty() && self.decryption != DecryptionStatus::Decrypted
    }

    /// The server's first flight is over: its ServerHelloDone (TLS ≤ 1.2), its Finished, its
    /// ChangeCipherSpec in TLS ≤ 1.2 (a resumed session) — or, seen by the peer, the client's
    /// answer to it.
    fn server_flight_done(&self) -> Reached {
        // TLS 1.3's compatibility ChangeCipherSpec precedes the server's flight.
        let legacy = !self.is_tls13();
        let own = self.messages.iter().any(|m| {
            m.from == Side::Server
                && match m.kind {
                    MessageKind::Handshake(t) => {
                        t == HandshakeType::SERVER_HELLO_DONE || t == HandshakeType::FINISHED
                    }
                    MessageKind::ChangeCipherSpec | MessageKind::EncryptedHandshake => legacy,
                    _ => false,
                }
        });
        if own {
            Reached::Own
        } else if self.client_flight_done() {
            Reached::ByPeer
        } else {
            Reached::No
        }
    }

    /// The client's second flight reached the point after its Certificate: ClientKeyExchange,
    /// CertificateVerify or Finished (or, TLS ≤ 1.2, its ChangeCipherSpec).
    fn client_flight_done(&self) -> bool {
        let legacy = !self.is_tls13();
        self.messages.iter().any(|m| {
            m.from == Side::Client
                && match m.kind {
                    MessageKind::Handshake(t) => {
                        t == HandshakeType::CLIENT_KEY_EXCHANGE
                            || t == HandshakeType::CERTIFICATE_VERIFY
                            || t == HandshakeType::FINISHED
                    }
                    MessageKind::ChangeCipherSpec | MessageKind::EncryptedHandshake => legacy,
                    _ => false,
                }
        })
    }
}
