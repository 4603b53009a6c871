//! The record layer of one direction: TLSPlaintext/TLSCiphertext framing (RFC 8446 §5.1,
//! RFC 5246 §6.2) over a byte stream that arrives in chunks of any size. As rustls's deframer:
//! `None` means "need more bytes", `Err` means "these bytes are not a record" (and the
//! direction stops). Framing only: what a record means is the connection's business, and the
//! caller says after each header whether the body is kept, only its tail, or nothing
//! (application data is skipped by length, never buffered).

use crate::model::ContentType;

/// Largest record fragment accepted: 2^14 plus the largest expansion any version allows
/// (RFC 8446 §5.2: 2^14 + 256; RFC 5246 §6.2.3: 2^14 + 2048).
pub const MAX_RECORD: usize = (1 << 14) + 2048;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordHeader {
    /// `HANDSHAKE` for an SSLv2-format ClientHello (see `v2`).
    pub content_type: ContentType,
    /// Fragment length.
    pub len: usize,
    /// The five header bytes (TLS 1.3 AEAD additional data; the version for TLS ≤ 1.2 MACs).
    pub raw: [u8; 5],
    /// An SSLv2-format ClientHello (RFC 5246 Appendix E.2): `raw` is its 2-byte length, the
    /// message type (1) and the version; the body is the rest of the message.
    pub v2: bool,
}

impl RecordHeader {
    pub fn version(&self) -> [u8; 2] {
        let [_, major, minor, _, _] = self.raw;
        [major, minor]
    }
}

/// What the caller keeps of a record's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    All,
    /// Only the last `n` bytes (TLS 1.0 CBC: the next record's IV).
    Tail(usize),
    Nothing,
}

#[derive(Debug)]
pub(crate) struct Record {
    pub header: RecordHeader,
    /// The fragment, when kept (`Keep::All`).
    pub body: Vec<u8>,
    /// Its last bytes, when only those were kept.
    pub tail: Vec<u8>,
}

#[derive(Debug)]
pub(crate) enum Deframed {
    /// A header was read: call [`Deframer::keep`] before the next call.
    Header(RecordHeader),
    Record(Record),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecordError {
    /// Not a TLS record header (content type 20..=24, version 3.x with x ≤ 4).
    NotAHeader([u8; 5]),
    /// A length beyond [`MAX_RECORD`].
    TooLong(usize),
}

#[derive(Debug, Default)]
enum State {
    /// Before the direction's first record: an SSLv2-format ClientHello may come here.
    #[default]
    First,
    Header,
    Body {
        header: RecordHeader,
        need: usize,
        keep: Keep,
    },
    /// Damaged bytes or a gap: nothing more is read in this direction.
    Stopped,
}

#[derive(Debug, Default)]
pub(crate) struct Deframer {
    hdr: Vec<u8>,
    state: State,
    body: Vec<u8>,
    tail: Vec<u8>,
}

impl Deframer {
    /// Reads from `data` (advancing it) up to the next header or whole record.
    pub fn next(&mut self, data: &mut &[u8]) -> Option<Result<Deframed, RecordError>> {
        loop {
            match &mut self.state {
                State::Stopped => return None,
                State::Body { header, need, keep } => {
                    if *need == 0 {
                        let header = *header;
                        self.state = State::Header;
                        return Some(Ok(Deframed::Record(Record {
                            header,
                            body: std::mem::take(&mut self.body),
                            tail: std::mem::take(&mut self.tail),
                        })));
                    }
                    if data.is_empty() {
                        return None;
                    }
                    let n = (*need).min(data.len());
                    let (chunk, rest) = data.split_at_checked(n).unwrap_or((data, &[]));
                    match *keep {
                        Keep::All => self.body.extend_from_slice(chunk),
                        Keep::Tail(k) => {
                            self.tail.extend_from_slice(chunk);
                            let excess = self.tail.len().saturating_sub(k);
                            self.tail.drain(..excess);
                        }
                        Keep::Nothing => {}
                    }
                    *need -= chunk.len();
                    *data = rest;
                }
                State::First | State::Header => {
                    if data.is_empty() {
                        return None;
                    }
                    let first = matches!(self.state, State::First);
                    let want = 5usize.saturating_sub(self.hdr.len());
                    let (h, rest) = data
                        .split_at_checked(want.min(data.len()))
                        .unwrap_or((data, &[]));
                    self.hdr.extend_from_slice(h);
                    *data = rest;
                    let Ok(raw) = <[u8; 5]>::try_from(self.hdr.as_slice()) else {
                        return None;
                    };
                    self.hdr.clear();
                    if first && sslv2_client_hello_start(&raw) == Some(true) {
                        let [b0, b1, ..] = raw;
                        // The 15-bit length counts the type and version already read.
                        let total = usize::from(u16::from_be_bytes([b0 & 0x7f, b1]));
                        let Some(len) = total.checked_sub(3) else {
                            self.state = State::Stopped;
                            return Some(Err(RecordError::NotAHeader(raw)));
                        };
                        let header = RecordHeader {
                            content_type: ContentType::HANDSHAKE,
                            len,
                            raw,
                            v2: true,
                        };
                        return Some(Ok(self.begin(header)));
                    }
                    let [ct, major, minor, l1, l2] = raw;
                    let len = usize::from(u16::from_be_bytes([l1, l2]));
                    let content_type = ContentType(ct);
                    if !content_type.is_known() || major != 3 || minor > 4 {
                        self.state = State::Stopped;
                        return Some(Err(RecordError::NotAHeader(raw)));
                    }
                    if len > MAX_RECORD {
                        self.state = State::Stopped;
                        return Some(Err(RecordError::TooLong(len)));
                    }
                    let header = RecordHeader {
                        content_type,
                        len,
                        raw,
                        v2: false,
                    };
                    return Some(Ok(self.begin(header)));
                }
            }
        }
    }

    fn begin(&mut self, header: RecordHeader) -> Deframed {
        self.body.clear();
        self.tail.clear();
        self.state = State::Body {
            header,
            need: header.len,
            keep: Keep::All,
        };
        Deframed::Header(header)
    }

    /// After a header: what to keep of its body (default: all).
    pub fn keep(&mut self, k: Keep) {
        if let State::Body { keep, .. } = &mut self.state {
            *keep = k;
        }
    }

    /// Stops this direction (damage, a gap): later bytes are ignored.
    pub fn stop(&mut self) {
        self.state = State::Stopped;
        self.body = Vec::new();
        self.tail = Vec::new();
    }

    pub fn is_stopped(&self) -> bool {
        matches!(self.state, State::Stopped)
    }
}

/// Whether `b` begins an SSLv2-format ClientHello (RFC 5246 Appendix E.2): a 2-byte header
/// with the high bit set, message type 1, version 3.x (x ≤ 3). `None` while too short to tell.
pub fn sslv2_client_hello_start(b: &[u8]) -> Option<bool> {
    let ok = |i: usize, f: &dyn Fn(u8) -> bool| b.get(i).map(|v| f(*v));
    let checks = [
        ok(0, &|v| v & 0x80 != 0),
        ok(2, &|v| v == 1),
        ok(3, &|v| v == 3),
        ok(4, &|v| v <= 3),
    ];
    if checks.contains(&Some(false)) {
        return Some(false);
    }
    (b.len() >= 5).then_some(true)
}
