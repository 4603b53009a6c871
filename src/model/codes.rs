//! Typed TLS code points of one byte — record content type, handshake type, alert level and
//! alert description — and the ladder's message kind built from them. Each is a newtype over
//! the wire value with a `name()` from the IANA registries: unknown values survive as numbers
//! (tls-parser's `TlsRecordType`/`TlsHandshakeType` show the same idea). Also the typed
//! confidence of an inference. Owns the name tables of these four registries (tls/names.rs
//! delegates here); must not parse bytes.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::borrow::Cow;

/// Serializes a one-byte code point as `{"code": N, "name": "…" | null}` (the JSON convention).
fn code_point<S: Serializer>(
    s: S,
    code: u8,
    name: Option<&'static str>,
) -> Result<S::Ok, S::Error> {
    let mut st = s.serialize_struct("CodePoint", 2)?;
    st.serialize_field("code", &code)?;
    st.serialize_field("name", &name)?;
    st.end()
}

/// TLS record content type (RFC 8446 §5.1, RFC 6520 for heartbeat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentType(pub u8);

impl ContentType {
    pub const CHANGE_CIPHER_SPEC: ContentType = ContentType(20);
    pub const ALERT: ContentType = ContentType(21);
    pub const HANDSHAKE: ContentType = ContentType(22);
    pub const APPLICATION_DATA: ContentType = ContentType(23);
    pub const HEARTBEAT: ContentType = ContentType(24);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            20 => "change_cipher_spec",
            21 => "alert",
            22 => "handshake",
            23 => "application_data",
            24 => "heartbeat",
            _ => return None,
        })
    }

    /// The types a TLS 1.0–1.3 record header may carry (20..=24).
    pub fn is_known(self) -> bool {
        self.name().is_some()
    }
}

impl Serialize for ContentType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        code_point(s, self.0, self.name())
    }
}

/// Handshake message type (RFC 8446 §4, RFC 5246 §7.4, RFC 8879 for CompressedCertificate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HandshakeType(pub u8);

impl HandshakeType {
    pub const HELLO_REQUEST: HandshakeType = HandshakeType(0);
    pub const CLIENT_HELLO: HandshakeType = HandshakeType(1);
    pub const SERVER_HELLO: HandshakeType = HandshakeType(2);
    pub const NEW_SESSION_TICKET: HandshakeType = HandshakeType(4);
    pub const ENCRYPTED_EXTENSIONS: HandshakeType = HandshakeType(8);
    pub const CERTIFICATE: HandshakeType = HandshakeType(11);
    pub const SERVER_KEY_EXCHANGE: HandshakeType = HandshakeType(12);
    pub const CERTIFICATE_REQUEST: HandshakeType = HandshakeType(13);
    pub const SERVER_HELLO_DONE: HandshakeType = HandshakeType(14);
    pub const CERTIFICATE_VERIFY: HandshakeType = HandshakeType(15);
    pub const CLIENT_KEY_EXCHANGE: HandshakeType = HandshakeType(16);
    pub const FINISHED: HandshakeType = HandshakeType(20);
    pub const KEY_UPDATE: HandshakeType = HandshakeType(24);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "HelloRequest",
            1 => "ClientHello",
            2 => "ServerHello",
            3 => "HelloVerifyRequest",
            4 => "NewSessionTicket",
            5 => "EndOfEarlyData",
            8 => "EncryptedExtensions",
            11 => "Certificate",
            12 => "ServerKeyExchange",
            13 => "CertificateRequest",
            14 => "ServerHelloDone",
            15 => "CertificateVerify",
            16 => "ClientKeyExchange",
            20 => "Finished",
            21 => "CertificateUrl",
            22 => "CertificateStatus",
            23 => "SupplementalData",
            24 => "KeyUpdate",
            25 => "CompressedCertificate",
            254 => "MessageHash",
            _ => return None,
        })
    }

    /// The name, or `Handshake(N)` for a type we do not know (the ladder's text).
    pub fn label(self) -> Cow<'static, str> {
        match self.name() {
            Some(n) => Cow::Borrowed(n),
            None => Cow::Owned(format!("Handshake({})", self.0)),
        }
    }

    /// The type whose name is `name` (as JSSE's logs print them): `ClientHello` → 1.
    pub fn from_name(name: &str) -> Option<HandshakeType> {
        (0..=u8::MAX)
            .map(HandshakeType)
            .find(|t| t.name() == Some(name))
    }
}

impl Serialize for HandshakeType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        code_point(s, self.0, self.name())
    }
}

/// Alert level (RFC 5246 §7.2; RFC 8446 §6 keeps the field but ignores it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AlertLevel(pub u8);

impl AlertLevel {
    pub const WARNING: AlertLevel = AlertLevel(1);
    pub const FATAL: AlertLevel = AlertLevel(2);

    pub fn name(self) -> Option<&'static str> {
        match self.0 {
            1 => Some("warning"),
            2 => Some("fatal"),
            _ => None,
        }
    }

    /// `warning` → 1, `fatal` → 2 (as JSSE's logs print them).
    pub fn from_name(name: &str) -> Option<AlertLevel> {
        [AlertLevel::WARNING, AlertLevel::FATAL]
            .into_iter()
            .find(|l| l.name() == Some(name))
    }

    /// `warning`, `fatal`, or `unknown(N)` (the JSON `level` values since 1.0).
    pub fn label(self) -> Cow<'static, str> {
        match self.name() {
            Some(n) => Cow::Borrowed(n),
            None => Cow::Owned(format!("unknown({})", self.0)),
        }
    }
}

impl Serialize for AlertLevel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        code_point(s, self.0, self.name())
    }
}

/// Alert description (RFC 8446 §6, RFC 5246 §7.2, RFC 8446 §B.2 for the later ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AlertDescription(pub u8);

impl AlertDescription {
    pub const CLOSE_NOTIFY: AlertDescription = AlertDescription(0);
    pub const HANDSHAKE_FAILURE: AlertDescription = AlertDescription(40);
    pub const NO_CERTIFICATE: AlertDescription = AlertDescription(41);
    pub const BAD_CERTIFICATE: AlertDescription = AlertDescription(42);
    pub const CERTIFICATE_EXPIRED: AlertDescription = AlertDescription(45);
    pub const CERTIFICATE_UNKNOWN: AlertDescription = AlertDescription(46);
    pub const UNKNOWN_CA: AlertDescription = AlertDescription(48);
    pub const DECRYPT_ERROR: AlertDescription = AlertDescription(51);
    pub const PROTOCOL_VERSION: AlertDescription = AlertDescription(70);
    pub const NO_RENEGOTIATION: AlertDescription = AlertDescription(100);
    pub const UNRECOGNIZED_NAME: AlertDescription = AlertDescription(112);
    pub const CERTIFICATE_REQUIRED: AlertDescription = AlertDescription(116);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "close_notify",
            10 => "unexpected_message",
            20 => "bad_record_mac",
            21 => "decryption_failed",
            22 => "record_overflow",
            30 => "decompression_failure",
            40 => "handshake_failure",
            41 => "no_certificate",
            42 => "bad_certificate",
            43 => "unsupported_certificate",
            44 => "certificate_revoked",
            45 => "certificate_expired",
            46 => "certificate_unknown",
            47 => "illegal_parameter",
            48 => "unknown_ca",
            49 => "access_denied",
            50 => "decode_error",
            51 => "decrypt_error",
            60 => "export_restriction",
            70 => "protocol_version",
            71 => "insufficient_security",
            80 => "internal_error",
            86 => "inappropriate_fallback",
            90 => "user_canceled",
            100 => "no_renegotiation",
            109 => "missing_extension",
            110 => "unsupported_extension",
            111 => "certificate_unobtainable",
            112 => "unrecognized_name",
            113 => "bad_certificate_status_response",
            114 => "bad_certificate_hash_value",
            115 => "unknown_psk_identity",
            116 => "certificate_required",
            120 => "no_application_protocol",
            121 => "ech_required",
            _ => return None,
        })
    }

    /// The name, or `unknown_N` (the JSON `description` values since 1.0).
    pub fn label(self) -> Cow<'static, str> {
        match self.name() {
            Some(n) => Cow::Borrowed(n),
            None => Cow::Owned(format!("unknown_{}", self.0)),
        }
    }
}

impl Serialize for AlertDescription {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        code_point(s, self.0, self.name())
    }
}

/// What one line of the handshake ladder is. Its JSON form is the message's `name` and `code`
/// (unchanged since 1.0): a handshake type's name and number, or the record's content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageKind {
    /// A handshake message read in clear or decrypted.
    Handshake(HandshakeType),
    ChangeCipherSpec,
    Alert,
    ApplicationData,
    /// A TLS ≤ 1.2 handshake record after ChangeCipherSpec that was not decrypted (the
    /// Finished, or a renegotiation).
    EncryptedHandshake,
    /// A TLS 1.3 protected record read without keys, during the handshake.
    EncryptedRecord,
    Heartbeat,
}

impl MessageKind {
    /// The ladder name: `ClientHello`, `Handshake(99)`, `ChangeCipherSpec`, `Alert`, …
    pub fn label(self) -> Cow<'static, str> {
        match self {
            MessageKind::Handshake(t) => t.label(),
            MessageKind::ChangeCipherSpec => Cow::Borrowed("ChangeCipherSpec"),
            MessageKind::Alert => Cow::Borrowed("Alert"),
            MessageKind::ApplicationData => Cow::Borrowed("ApplicationData"),
            MessageKind::EncryptedHandshake => Cow::Borrowed("EncryptedHandshake"),
            MessageKind::EncryptedRecord => Cow::Borrowed("EncryptedRecord"),
            MessageKind::Heartbeat => Cow::Borrowed("Heartbeat"),
        }
    }

    /// Handshake type for handshake messages, else the record's content type.
    pub fn code(self) -> u8 {
        match self {
            MessageKind::Handshake(t) => t.0,
            MessageKind::ChangeCipherSpec => ContentType::CHANGE_CIPHER_SPEC.0,
            MessageKind::Alert => ContentType::ALERT.0,
            MessageKind::EncryptedHandshake => ContentType::HANDSHAKE.0,
            MessageKind::ApplicationData | MessageKind::EncryptedRecord => {
                ContentType::APPLICATION_DATA.0
            }
            MessageKind::Heartbeat => ContentType::HEARTBEAT.0,
        }
    }

    /// `true` for the handshake message of type `t`.
    pub fn is(self, t: HandshakeType) -> bool {
        self == MessageKind::Handshake(t)
    }
}

/// How sure an inference is (from record sizes and order, never decrypted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl std::fmt::Display for Confidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
