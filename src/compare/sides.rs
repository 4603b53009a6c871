//! Typed views of one side of a comparison: how its handshake ended, what its client answered
//! to a certificate request, and the certificate helpers the decision needs.

use crate::model::{
    AlertDescription, CertInfo, ClientCert, ClientCertificate, Connection, EndingAlert, Fact,
    HandshakeType, MessageKind, OutcomeStatus, Side, Unknown,
};

/// How the handshake ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum End {
    Completed,
    /// Ended by `by` (None: not known who), with an alert read (Known), seen but unreadable
    /// (Unknown), or closed without one (Absent).
    Failed {
        by: Option<Side>,
        alert: Fact<AlertDescription>,
    },
    Incomplete,
}

pub(super) fn end(c: &Connection) -> End {
    let o = &c.tls.outcome;
    match o.status {
        OutcomeStatus::Completed | OutcomeStatus::CompletedEncrypted => End::Completed,
        OutcomeStatus::Incomplete => End::Incomplete,
        OutcomeStatus::Failed => End::Failed {
            by: o.alert_from,
            alert: match o.alert {
                Some(EndingAlert::Read(d)) => Fact::Known(d),
                Some(EndingAlert::Unreadable) => Fact::Unknown(c.tls.protection_unknown()),
                None => Fact::Absent,
            },
        },
    }
}

pub(super) fn end_text(c: &Connection) -> String {
    match end(c) {
        End::Completed => "completed".into(),
        End::Incomplete => "did not end in the capture".into(),
        End::Failed { by, alert } => {
            let who = by.map(|s| format!(" from the {}", s.as_str()));
            match alert {
                Fact::Known(d) => format!(
                    "failed with {} ({}){}",
                    d.label(),
                    d.0,
                    who.unwrap_or_default()
                ),
                Fact::Unknown(u) => format!(
                    "failed with an alert{} that could not be read ({})",
                    who.unwrap_or_default(),
                    u.reason.as_str()
                ),
                Fact::Absent => match by {
                    Some(s) => format!("failed: the {} closed the connection", s.as_str()),
                    None => "failed: the connection was closed".into(),
                },
            }
        }
    }
}

/// The client's certificate, as far as a comparison needs it.
#[derive(Debug, Clone, Copy)]
pub(super) enum CertState<'a> {
    /// Certificates were sent.
    Sent(&'a ClientCertificate),
    /// An empty Certificate.
    Empty,
    /// The client answered the request without a Certificate message.
    NoMessage,
    /// The server did not ask (and the handshake went past where it would have).
    NotAsked,
    /// The handshake ended before the client would have answered.
    NotReached,
    Unknown(Unknown),
}

impl CertState<'_> {
    pub(super) fn sent(&self) -> bool {
        matches!(self, CertState::Sent(_))
    }
    /// Seen not to send one: empty, no message, or not asked.
    pub(super) fn not_sent(&self) -> bool {
        matches!(
            self,
            CertState::Empty | CertState::NoMessage | CertState::NotAsked
        )
    }
}

/// The client sent its second flight (after the point where its Certificate would be).
pub(super) fn client_answered(c: &Connection) -> bool {
    let legacy = !c.tls.is_tls13();
    c.tls.messages.iter().any(|m| {
        m.from == Side::Client
            && match m.kind {
                MessageKind::Handshake(t) => {
                    t == HandshakeType::CLIENT_KEY_EXCHANGE
                        || t == HandshakeType::CERTIFICATE_VERIFY
                        || t == HandshakeType::FINISHED
                }
                MessageKind::ChangeCipherSpec => legacy,
                _ => false,
            }
    })
}

pub(super) fn cert_state(c: &Connection) -> CertState<'_> {
    match c.tls.client_certificate_fact() {
        Fact::Known(ClientCert::Sent(cc)) => CertState::Sent(cc),
        Fact::Known(ClientCert::Empty(_)) => CertState::Empty,
        Fact::Unknown(u) => CertState::Unknown(u),
        Fact::Absent => match c.tls.certificate_request_fact() {
            Fact::Unknown(u) => CertState::Unknown(u),
            _ if !client_answered(c) => CertState::NotReached,
            Fact::Known(_) => CertState::NoMessage,
            Fact::Absent => CertState::NotAsked,
        },
    }
}

pub(super) fn leaf(chain: &[std::sync::Arc<CertInfo>]) -> Option<&CertInfo> {
    chain.first().map(|c| c.as_ref())
}

pub(super) fn name_of(c: &CertInfo) -> String {
    format!("{} ← {}", c.subject.text, c.issuer.text)
}

/// Seconds since the epoch at the connection's start.
pub(super) fn start_s(c: &Connection) -> i64 {
    i64::try_from(c.start_ts_ns / 1_000_000_000).unwrap_or(i64::MAX)
}

pub(super) fn expired_at_start(cert: &CertInfo, c: &Connection) -> bool {
    let t = start_s(c);
    cert.not_after_unix < t || cert.not_before_unix > t
}

pub(super) fn is_certificate_alert(d: AlertDescription) -> bool {
    matches!(d.0, 42..=46 | 48 | 49 | 113 | 114)
}
