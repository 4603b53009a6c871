//! TLS decoding: record framing, handshake-message joining across records, message decode into
//! the model, key-log decryption. Input is `(Side, bytes, Provenance)` chunks so TCP reassembly
//! and the probe's recorder feed identical code. Must not do I/O.

use crate::model::{Provenance, Side, TlsFacts};

/// Options for decoding one connection.
#[derive(Debug, Clone, Default)]
pub struct DecodeOptions {}

/// Decodes one TCP connection's two byte streams into [`TlsFacts`].
///
/// Contract: `feed` is called with in-order bytes of one direction (chunks of any size, the two
/// directions interleaved in capture order); `gap` when bytes are missing in a direction
/// (nothing after a gap in that direction is decoded as TLS); `closed` on FIN/RST. `finish`
/// computes the outcome. Never panics on any input.
#[derive(Debug, Default)]
pub struct ConnectionDecoder {
    facts: TlsFacts,
}

impl ConnectionDecoder {
    pub fn new(_start_ts_ns: u64, _opts: DecodeOptions) -> Self {
        ConnectionDecoder::default()
    }
    pub fn feed(&mut self, _side: Side, _data: &[u8], _prov: Provenance) {}
    pub fn gap(&mut self, _side: Side, _prov: Provenance, _missing: u64) {}
    pub fn closed(&mut self, _side: Side, _prov: Provenance, _reset: bool) {}
    /// `false` once the handshake is over and this direction only carries application data
    /// that the decoder skips by record length: the caller may then stop buffering.
    pub fn wants_more(&self, _side: Side) -> bool {
        true
    }
    /// `Some(false)` once the stream is known not to be TLS.
    pub fn is_tls(&self) -> Option<bool> {
        None
    }
    pub fn finish(self) -> TlsFacts {
        self.facts
    }
    /// The facts so far, with the outcome as it stands (live and progressive views).
    pub fn snapshot(&self) -> TlsFacts {
        self.facts.clone()
    }
}

/// `true` when `bytes` begins with a TLS handshake record holding a ClientHello: used to infer
/// the client when the SYN is not in the capture.
pub fn starts_with_client_hello(bytes: &[u8]) -> bool {
    matches!(bytes, [0x16, 0x03, _, _, _, 0x01, ..])
}

/// `true` when `bytes` begins with a handshake record holding a ServerHello.
pub fn starts_with_server_hello(bytes: &[u8]) -> bool {
    matches!(bytes, [0x16, 0x03, _, _, _, 0x02, ..])
}
