//! Three-valued facts: a fact is *known* (seen), *absent* (seen not to be there: the handshake
//! went past the point where it would have been), or *unknown* — with why (encrypted without
//! keys, not captured, truncated, …) and what would reveal it. An unknown is never a
//! difference and never a "no". Owns the types only; the accessors that derive them from the
//! decoded facts are in `view.rs`.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// A fact about one connection, as far as the capture shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact<T> {
    /// Seen on the wire (in clear or decrypted).
    Known(T),
    /// Seen not to be there: the handshake went past the place where it would be.
    Absent,
    /// Not visible in this capture; says why and what would show it.
    Unknown(Unknown),
}

impl<T> Fact<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Fact::Known(v) => Some(v),
            _ => None,
        }
    }
    pub fn into_known(self) -> Option<T> {
        match self {
            Fact::Known(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_known(&self) -> bool {
        matches!(self, Fact::Known(_))
    }
    pub fn is_absent(&self) -> bool {
        matches!(self, Fact::Absent)
    }
    pub fn unknown(&self) -> Option<&Unknown> {
        match self {
            Fact::Unknown(u) => Some(u),
            _ => None,
        }
    }
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fact<U> {
        match self {
            Fact::Known(v) => Fact::Known(f(v)),
            Fact::Absent => Fact::Absent,
            Fact::Unknown(u) => Fact::Unknown(u),
        }
    }
    pub fn as_ref(&self) -> Fact<&T> {
        match self {
            Fact::Known(v) => Fact::Known(v),
            Fact::Absent => Fact::Absent,
            Fact::Unknown(u) => Fact::Unknown(*u),
        }
    }
    /// The state word of the JSON form: `known`, `absent`, `unknown`.
    pub fn state(&self) -> &'static str {
        match self {
            Fact::Known(_) => "known",
            Fact::Absent => "absent",
            Fact::Unknown(_) => "unknown",
        }
    }
}

/// Why a fact is not visible, and what would show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Unknown {
    pub reason: UnknownReason,
    /// What would reveal it; `None` when nothing the user can do would (tlsdiag's own limits
    /// are named by the reason).
    pub reveal: Option<Reveal>,
}

impl Unknown {
    pub fn new(reason: UnknownReason, reveal: Option<Reveal>) -> Unknown {
        Unknown { reason, reveal }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnknownReason {
    /// Protected records and no key (no key log, or no entry for this connection).
    EncryptedWithoutKeys,
    /// A key log was given but its secrets do not decrypt this connection.
    KeysDoNotMatch,
    /// The capture started after it (no handshake start) or ended before it.
    NotCaptured,
    /// Bytes are missing from the capture (lost segments, or a snap length that cut frames).
    Truncated,
    /// Decoding stopped at damaged bytes before it.
    Malformed,
    /// tlsdiag does not decode this (a cipher suite it cannot decrypt, …).
    DecoderUnsupported,
}

impl UnknownReason {
    pub fn as_str(self) -> &'static str {
        match self {
            UnknownReason::EncryptedWithoutKeys => "encrypted (no key)",
            UnknownReason::KeysDoNotMatch => "encrypted (the key log does not match)",
            UnknownReason::NotCaptured => "not in the capture",
            UnknownReason::Truncated => "bytes missing from the capture",
            UnknownReason::Malformed => "decoding stopped at malformed bytes",
            UnknownReason::DecoderUnsupported => "not decoded by tlsdiag",
        }
    }
}

/// What would reveal an unknown fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reveal {
    /// The client's key log (`--keylog`, SSLKEYLOGFILE) for this connection.
    KeyLog,
    /// `tlsdiag probe`: its own handshake is decrypted with its own keys.
    ProbeView,
    /// A capture started before the connection (with its SYN and ClientHello).
    CaptureFromStart,
    /// A capture without loss that runs to the end of the handshake.
    CompleteCapture,
    /// A capture with a larger snap length (`tcpdump -s 0`).
    LargerSnapLength,
}

impl Reveal {
    pub fn as_str(self) -> &'static str {
        match self {
            Reveal::KeyLog => "give --keylog",
            Reveal::ProbeView => "run tlsdiag probe to see our own decrypted handshake",
            Reveal::CaptureFromStart => "capture from before the connection starts",
            Reveal::CompleteCapture => "capture the whole handshake without loss",
            Reveal::LargerSnapLength => "capture with a larger snap length (tcpdump -s 0)",
        }
    }
}

/// JSON: `{"state": "known", "value": …}`, `{"state": "absent"}`,
/// `{"state": "unknown", "reason": …, "reveal": …}`.
impl<T: Serialize> Serialize for Fact<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Fact::Known(v) => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("state", "known")?;
                m.serialize_entry("value", v)?;
                m.end()
            }
            Fact::Absent => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("state", "absent")?;
                m.end()
            }
            Fact::Unknown(u) => {
                let mut m = s.serialize_map(Some(3))?;
                m.serialize_entry("state", "unknown")?;
                m.serialize_entry("reason", &u.reason)?;
                m.serialize_entry("reveal", &u.reveal)?;
                m.end()
            }
        }
    }
}
