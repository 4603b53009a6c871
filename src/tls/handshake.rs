//! Handshake-message joining for one direction (RFC 8446 §5.1: handshake messages may be
//! split across records and several may share one). Bytes go in record by record; whole
//! messages come out. Bounded: at most [`MAX_HANDSHAKE`] bytes are buffered whatever a header
//! claims — a "16 MB" message is an error, never an allocation. Joining only: message bodies
//! are decoded in `messages.rs`.

use crate::model::HandshakeType;

/// Largest handshake message buffered (a long certificate chain is ~10–60 KB).
pub const MAX_HANDSHAKE: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JoinError {
    /// More than [`MAX_HANDSHAKE`] bytes would be waiting.
    TooMuch { buffered: usize },
    /// A header claims a body longer than [`MAX_HANDSHAKE`].
    TooLarge { typ: HandshakeType, len: usize },
}

/// One whole handshake message: its type and its bytes including the 4-byte header.
#[derive(Debug)]
pub(crate) struct HandshakeMessage {
    pub typ: HandshakeType,
    bytes: Vec<u8>,
}

impl HandshakeMessage {
    pub fn body(&self) -> &[u8] {
        self.bytes.get(4..).unwrap_or(&[])
    }
}

#[derive(Debug, Default)]
pub(crate) struct Joiner {
    buf: Vec<u8>,
}

impl Joiner {
    /// Appends the bytes of one handshake record (plaintext or decrypted).
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), JoinError> {
        let buffered = self.buf.len().saturating_add(bytes.len());
        if buffered > MAX_HANDSHAKE + 4 {
            return Err(JoinError::TooMuch { buffered });
        }
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    /// The next whole message; `None` until one is complete.
    pub fn next(&mut self) -> Option<Result<HandshakeMessage, JoinError>> {
        let &[t, a, b, c] = self
            .buf
            .get(..4)
            .and_then(|h| <&[u8; 4]>::try_from(h).ok())?;
        let typ = HandshakeType(t);
        let len = (usize::from(a) << 16) | (usize::from(b) << 8) | usize::from(c);
        if len > MAX_HANDSHAKE {
            return Some(Err(JoinError::TooLarge { typ, len }));
        }
        if self.buf.len() < 4 + len {
            return None;
        }
        let rest = self.buf.split_off(4 + len);
        let bytes = std::mem::replace(&mut self.buf, rest);
        Some(Ok(HandshakeMessage { typ, bytes }))
    }

    /// Drops what is buffered (the direction stopped).
    pub fn clear(&mut self) {
        self.buf = Vec::new();
    }
}
