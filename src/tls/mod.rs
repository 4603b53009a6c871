//! TLS decoding, split along rustls's seams: the record layer (`record.rs`: framing, `None` =
//! need more bytes, `Err` = bad bytes), handshake-message joining (`handshake.rs`), record
//! protection (`protection/`: keys from a key log, decryption, a typed cipher-suite table),
//! message decoding (`messages.rs`, `x509.rs`), the outcome with its TLS 1.3 size inference
//! (`outcome.rs`) and a thin connection orchestrator (`connection/`). Input is
//! `(Side, bytes, Provenance)` chunks, so TCP reassembly and the probe's recorder feed
//! identical code. Must not do I/O.
//!
//! Bounds: a record longer than 2^14 + 2048 bytes (RFC 8446 §5.2) is damage, not a reason to
//! buffer; a handshake message is buffered up to [`MAX_HANDSHAKE`] bytes whatever its header
//! claims (a "16 MB" message is an anomaly, never an allocation); application data is skipped by
//! record length and never buffered.

pub(crate) mod codec;
mod compression;
mod connection;
mod handshake;
pub mod keylog;
pub(crate) mod messages;
pub(crate) mod names;
pub(crate) mod oid;
mod outcome;
pub(crate) mod protection;
mod record;
pub mod x509;

pub use connection::{ConnectionDecoder, DecodeOptions};
pub use handshake::MAX_HANDSHAKE;
pub use record::MAX_RECORD;

/// `true` when `bytes` begins with a TLS handshake record holding a ClientHello: used to infer
/// the client when the SYN is not in the capture.
pub fn starts_with_client_hello(bytes: &[u8]) -> bool {
    matches!(bytes, [0x16, 0x03, _, _, _, 0x01, ..])
        || record::sslv2_client_hello_start(bytes) == Some(true)
}

/// Whether `bytes` begin an SSLv2-format ClientHello (RFC 5246 Appendix E.2); `None` while too
/// short to tell. For readers that find where TLS starts (`upgrade`).
pub fn starts_with_sslv2_client_hello(bytes: &[u8]) -> Option<bool> {
    record::sslv2_client_hello_start(bytes)
}

/// `true` when `bytes` begins with a handshake record holding a ServerHello.
pub fn starts_with_server_hello(bytes: &[u8]) -> bool {
    matches!(bytes, [0x16, 0x03, _, _, _, 0x02, ..])
}

#[cfg(test)]
mod tests;
