//! What happened on the wire, in order: the ladder's messages, the alerts, how the handshake
//! ended, and what record sizes suggest where nothing could be read (inferences). Typed; their
//! JSON forms keep the 1.0 field names (`wire.rs`).

use super::{AlertDescription, AlertLevel, Confidence, HandshakeType, MessageKind, Side};
use serde::Serialize;

/// One alert record. JSON (unchanged since 1.0): `level` (`warning`, `fatal`, `unknown(N)`, or
/// `encrypted` when it could not be read), `description` (name, `unknown_N`, or `encrypted`),
/// `code` (null when encrypted) — see `wire.rs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub from: Side,
    /// What the alert says; `None` when it could not be read (protected, no key).
    pub message: Option<AlertMessage>,
    pub frame: u64,
    pub time: f64,
    /// Sent protected (after ChangeCipherSpec, or in TLS 1.3).
    pub encrypted: bool,
    pub decrypted: bool,
}

/// The two bytes of a readable alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AlertMessage {
    pub level: AlertLevel,
    pub description: AlertDescription,
}

impl Alert {
    pub fn level(&self) -> Option<AlertLevel> {
        self.message.map(|m| m.level)
    }
    pub fn description(&self) -> Option<AlertDescription> {
        self.message.map(|m| m.description)
    }
    /// The description code (40); `None` when the alert could not be read.
    pub fn code(&self) -> Option<u8> {
        self.description().map(|d| d.0)
    }
    /// A readable alert of level fatal.
    pub fn is_fatal(&self) -> bool {
        self.level() == Some(AlertLevel::FATAL)
    }
    /// `fatal`, `warning`, `unknown(N)`, or `encrypted`.
    pub fn level_label(&self) -> std::borrow::Cow<'static, str> {
        self.level()
            .map(AlertLevel::label)
            .unwrap_or(std::borrow::Cow::Borrowed("encrypted"))
    }
    /// `handshake_failure`, `unknown_N`, or `encrypted`.
    pub fn description_label(&self) -> std::borrow::Cow<'static, str> {
        self.description()
            .map(AlertDescription::label)
            .unwrap_or(std::borrow::Cow::Borrowed("encrypted"))
    }
}

/// One line of the handshake ladder. JSON (unchanged since 1.0): `frame`, `time`, `from`,
/// `name` and `code` (from `kind`), `detail`, `length`, `encrypted`, `decrypted`.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub frame: u64,
    pub time: f64,
    pub from: Side,
    pub kind: MessageKind,
    /// Short text for the ladder: `0 certificates (length 0)`, `fatal handshake_failure (40)`.
    /// Display only: conclusions come from the typed fields.
    pub detail: Option<String>,
    /// Length of the message body (handshake) or record fragment.
    pub length: u32,
    pub encrypted: bool,
    pub decrypted: bool,
    /// Certificate messages: the number of certificates in the list (0 = an empty Certificate).
    pub certificate_count: Option<usize>,
}

impl Message {
    /// The ladder name (`ClientHello`, `Alert`, `EncryptedRecord`, …).
    pub fn name(&self) -> std::borrow::Cow<'static, str> {
        self.kind.label()
    }
    /// An empty Certificate message (no certificates).
    pub fn is_empty_certificate(&self) -> bool {
        self.kind.is(HandshakeType::CERTIFICATE) && self.certificate_count == Some(0)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeStatus {
    /// Both Finished (or application data both ways) seen, no fatal alert during the handshake.
    Completed,
    /// A fatal alert (or a close/reset mid-handshake) ended it.
    Failed,
    /// The capture does not hold enough to say (gap, only one direction, cut off).
    #[default]
    Incomplete,
    /// The handshake could not be followed (encrypted without keys) but application data flowed.
    CompletedEncrypted,
}

/// How the connection ended. JSON (unchanged since 1.0): `status`, `summary`, `failed_after`,
/// `alert_description` (name, or `encrypted`), `alert_code`, `alert_from`, `frame`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub status: OutcomeStatus,
    /// One line: `failed: server sent fatal handshake_failure (40) after client Certificate`.
    pub summary: String,
    /// The last handshake message seen before the failure (`Certificate` from client, ...).
    pub failed_after: Option<String>,
    /// The alert that ended the handshake, if one did.
    pub alert: Option<EndingAlert>,
    /// The side that ended it (by an alert, or by closing without one).
    pub alert_from: Option<Side>,
    pub frame: Option<u64>,
}

/// The alert that ended a handshake: read, or seen but not readable (protected, or inferred
/// from a TLS 1.3 record's size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndingAlert {
    Read(AlertDescription),
    Unreadable,
}

impl EndingAlert {
    /// `handshake_failure`, `unknown_N`, or `encrypted`.
    pub fn label(self) -> std::borrow::Cow<'static, str> {
        match self {
            EndingAlert::Read(d) => d.label(),
            EndingAlert::Unreadable => std::borrow::Cow::Borrowed("encrypted"),
        }
    }
    pub fn description(self) -> Option<AlertDescription> {
        match self {
            EndingAlert::Read(d) => Some(d),
            EndingAlert::Unreadable => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inference {
    pub what: String,
    pub confidence: Confidence,
    pub basis: String,
    pub frames: Vec<u64>,
    /// What is inferred, typed (schema 1.2).
    pub claim: InferenceClaim,
}

/// What an inference claims (TLS 1.3 without keys: from the size of the client's flight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InferenceClaim {
    ClientCertificateSent,
    NoClientCertificate,
    ClientCertificateUndetermined,
}
