//! Chunked transfer coding (RFC 9112 §7.1), decoded incrementally with checked arithmetic: a
//! chunk size is hex digits that must fit a signed 64-bit length (what Java's and Go's HTTP
//! stacks accept), so `ffffffffffffffff` is an error, not an overflow; the running total is
//! checked too. At most `keep` bytes of data are kept (the rest is counted); a size line or
//! the trailer section longer than its bound is an error. Bytes after the final CRLF belong
//! to the next message and are left to the caller.

/// The largest chunk size accepted: `i64::MAX`.
pub const MAX_CHUNK: u64 = i64::MAX as u64;
/// The longest chunk-size line (size + extensions).
pub const MAX_SIZE_LINE: usize = 4096;
/// The most trailer bytes.
pub const MAX_TRAILER: usize = 64 << 10;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    #[error("chunk size line is not hexadecimal: {0:?}")]
    BadSize(String),
    #[error("chunk size {0} exceeds {MAX_CHUNK} (it does not fit a signed 64-bit length)")]
    SizeTooLarge(String),
    #[error("chunked body longer than 2^63 bytes in total")]
    TotalOverflow,
    #[error("chunk data not followed by CRLF")]
    MissingCrlf,
    #[error("chunk size line longer than {MAX_SIZE_LINE} bytes")]
    SizeLineTooLong,
    #[error("trailer section longer than {MAX_TRAILER} bytes")]
    TrailerTooLong,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    SizeLine,
    Data(u64),
    /// After a chunk's data: `\r\n` expected (how many of its bytes were seen).
    DataEnd(u8),
    Trailer,
    Done,
    Failed,
}

/// An incremental chunked-body decoder.
#[derive(Debug, Clone)]
pub struct Dechunker {
    state: State,
    /// The current size line or trailer line, bounded.
    line: Vec<u8>,
    trailer_bytes: usize,
    keep: usize,
    kept: Vec<u8>,
    /// Data bytes read so far.
    total: u64,
    /// Sum of the chunk sizes announced so far (checked against [`MAX_CHUNK`]).
    announced: u64,
}

fn hex_size(line: &[u8]) -> Result<u64, ChunkError> {
    let text = || {
        String::from_utf8_lossy(line)
            .chars()
            .take(40)
            .collect::<String>()
    };
    // Extensions (`;name=value`) and whitespace before them are ignored.
    let digits: &[u8] = line
        .split(|b| *b == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    if digits.is_empty() {
        return Err(ChunkError::BadSize(text()));
    }
    let mut n: u64 = 0;
    for d in digits {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => return Err(ChunkError::BadSize(text())),
        };
        n = n
            .checked_mul(16)
            .and_then(|n| n.checked_add(u64::from(v)))
            .ok_or_else(|| ChunkError::SizeTooLarge(text()))?;
    }
    if n > MAX_CHUNK {
        return Err(ChunkError::SizeTooLarge(text()));
    }
    Ok(n)
}

impl Dechunker {
    /// A decoder that keeps at most `keep` bytes of the decoded body.
    pub fn new(keep: usize) -> Self {
        Dechunker {
            state: State::SizeLine,
            line: Vec::new(),
            trailer_bytes: 0,
            keep,
            kept: Vec::new(),
            total: 0,
            announced: 0,
        }
    }

    /// The final chunk and the trailer section were read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// The decoded bytes kept (at most `keep`).
    pub fn body(&self) -> &[u8] {
        &self.kept
    }

    pub fn into_body(self) -> Vec<u8> {
        self.kept
    }

    /// Decoded body bytes seen, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Feeds bytes; returns how many were used (fewer than given only once the body ended:
    /// the rest is the next message's). After an error the decoder stays failed.
    pub fn push(&mut self, data: &[u8]) -> Result<usize, ChunkError> {
        let mut used = 0usize;
        while used < data.len() {
            let rest = data.get(used..).unwrap_or_default();
            match self.state {
                State::Done | State::Failed => break,
                State::SizeLine | State::Trailer => {
                    let nl = rest.iter().position(|b| *b == b'\n');
                    let take = nl.map_or(rest.len(), |i| i + 1);
                    let piece = rest.get(..take).unwrap_or_default();
                    used += take;
                    let limit = if self.state == State::SizeLine {
                        MAX_SIZE_LINE
                    } else {
                        self.trailer_bytes = self.trailer_bytes.saturating_add(take);
                        if self.trailer_bytes > MAX_TRAILER {
                            return self.fail(ChunkError::TrailerTooLong);
                        }
                        MAX_TRAILER
                    };
                    if self.line.len() + piece.len() > limit {
                        return self.fail(if self.state == State::SizeLine {
                            ChunkError::SizeLineTooLong
                        } else {
                            ChunkError::TrailerTooLong
                        });
                    }
                    self.line.extend_from_slice(piece);
                    if nl.is_some() {
                        let line = std::mem::take(&mut self.line);
                        let content = line
                            .strip_suffix(b"\n")
                            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
                            .unwrap_or(&line);
                        if let Err(e) = self.line_done(content) {
                            return self.fail(e);
                        }
                    }
                }
                State::Data(left) => {
                    let n = usize::try_from(left).unwrap_or(usize::MAX).min(rest.len());
                    let piece = rest.get(..n).unwrap_or_default();
                    let room = self.keep.saturating_sub(self.kept.len());
                    self.kept
                        .extend_from_slice(piece.get(..room.min(n)).unwrap_or_default());
                    used += n;
                    self.total = self.total.saturating_add(n as u64);
                    let left = left.saturating_sub(n as u64);
                    self.state = if left == 0 {
                        State::DataEnd(0)
                    } else {
                        State::Data(left)
                    };
                }
                State::DataEnd(seen) => {
                    let b = rest.first().copied().unwrap_or_default();
                    used += 1;
                    self.state = match (seen, b) {
                        (0, b'\r') => State::DataEnd(1),
                        // A bare LF is tolerated (as most servers do).
                        (0, b'\n') | (1, b'\n') => State::SizeLine,
                        _ => return self.fail(ChunkError::MissingCrlf),
                    };
                }
            }
        }
        Ok(used)
    }

    fn line_done(&mut self, content: &[u8]) -> Result<(), ChunkError> {
        match self.state {
            State::SizeLine => {
                let n = hex_size(content)?;
                if n == 0 {
                    self.state = State::Trailer;
                } else {
                    self.announced = self
                        .announced
                        .checked_add(n)
                        .filter(|t| *t <= MAX_CHUNK)
                        .ok_or(ChunkError::TotalOverflow)?;
                    self.state = State::Data(n);
                }
            }
            State::Trailer if content.is_empty() => self.state = State::Done,
            _ => {}
        }
        Ok(())
    }

    fn fail(&mut self, e: ChunkError) -> Result<usize, ChunkError> {
        self.state = State::Failed;
        self.line.clear();
        Err(e)
    }
}

/// Decodes a whole chunked body held in memory, keeping at most `keep` bytes. `Ok((body,
/// done))`: `done` is false when the bytes end before the final chunk.
pub fn dechunk(b: &[u8], keep: usize) -> Result<(Vec<u8>, bool), ChunkError> {
    let mut d = Dechunker::new(keep);
    d.push(b)?;
    let done = d.is_done();
    Ok((d.into_body(), done))
}
