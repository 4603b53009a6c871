//! TLSCompressed → TLSPlaintext (RFC 5246 §6.2.2) for the DEFLATE method (RFC 3749, method 1),
//! after decryption. One inflater per direction keeps its state across records — RFC 3749 §2:
//! the compressor flushes at each record boundary but never resets — so every compressed record
//! of that direction, application data included, must pass through it in order. OpenSSL (the
//! one stack that shipped it) writes a zlib stream (RFC 1950 header), as Wireshark expects; a
//! raw RFC 1951 stream is accepted too. Bounded: a record may inflate to at most 2^14 bytes
//! (§6.2.2; more is a decompression_failure), and a direction's compressed input is followed
//! for at most [`MAX_INPUT`] bytes. Must not decode what it inflates.

use flate2::{Decompress, FlushDecompress, Status};

/// Largest TLSPlaintext fragment (RFC 5246 §6.2.1).
const MAX_PLAINTEXT: usize = 1 << 14;
/// Compressed bytes followed per direction (the inflater must see application data too).
pub(crate) const MAX_INPUT: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InflateError {
    #[error("the compressed record does not inflate (DEFLATE stream broken)")]
    Corrupt,
    #[error("the record inflates to more than 2^14 bytes (RFC 5246 6.2.2)")]
    TooLarge,
    #[error("more than {MAX_INPUT} compressed bytes in this direction; not followed further")]
    LimitReached,
}

pub(crate) struct Inflater {
    z: Decompress,
    /// Records inflated so far (the zlib header is looked for in the first).
    records: u64,
    input: u64,
}

impl std::fmt::Debug for Inflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inflater")
            .field("records", &self.records)
            .finish()
    }
}

impl Inflater {
    pub(crate) fn new() -> Inflater {
        Inflater {
            z: Decompress::new(true),
            records: 0,
            input: 0,
        }
    }

    /// Inflates one record's compressed fragment.
    pub(crate) fn inflate(&mut self, compressed: &[u8]) -> Result<Vec<u8>, InflateError> {
        self.input = self.input.saturating_add(compressed.len() as u64);
        if self.input > MAX_INPUT {
            return Err(InflateError::LimitReached);
        }
        if self.records == 0 && !zlib_header(compressed) {
            // A raw DEFLATE stream (RFC 1951) without the zlib wrapper.
            self.z = Decompress::new(false);
        }
        self.records += 1;
        // One byte of room beyond the limit tells "exactly 2^14" from "more".
        let mut out = Vec::with_capacity(MAX_PLAINTEXT + 1);
        let mut rest = compressed;
        loop {
            let before_in = self.z.total_in();
            let before_out = out.len();
            let status = self
                .z
                .decompress_vec(rest, &mut out, FlushDecompress::Sync)
                .map_err(|_| InflateError::Corrupt)?;
            let used =
                usize::try_from(self.z.total_in().saturating_sub(before_in)).unwrap_or(usize::MAX);
            rest = rest.get(used..).unwrap_or(&[]);
            if out.len() > MAX_PLAINTEXT {
                return Err(InflateError::TooLarge);
            }
            match status {
                Status::StreamEnd => return Ok(out),
                _ if rest.is_empty() => return Ok(out),
                // Input left but nothing consumed or produced: the stream is stuck (a full
                // output was refused above). Never loop on it.
                _ if used == 0 && out.len() == before_out => return Err(InflateError::Corrupt),
                _ => {}
            }
        }
    }
}

/// RFC 1950 §2.2: CM = 8 (deflate), CINFO ≤ 7, and CMF·256 + FLG a multiple of 31.
fn zlib_header(b: &[u8]) -> bool {
    match b {
        [cmf, flg, ..] => {
            cmf & 0x0f == 8 && cmf >> 4 <= 7 && (u16::from(*cmf) * 256 + u16::from(*flg)) % 31 == 0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compress, Compression, FlushCompress};

    /// What a compressing TLS stack does: one deflate stream, a sync flush per record.
    fn records(parts: &[&[u8]], zlib: bool) -> Vec<Vec<u8>> {
        let mut c = Compress::new(Compression::default(), zlib);
        parts
            .iter()
            .map(|p| {
                let mut out = Vec::with_capacity(p.len() + 64);
                c.compress_vec(p, &mut out, FlushCompress::Sync).unwrap();
                out
            })
            .collect()
    }

    #[test]
    fn state_carries_across_records_zlib_and_raw() {
        for zlib in [true, false] {
            let parts: [&[u8]; 3] = [
                b"\x14\x00\x00\x0cfinished1234",
                b"GET / HTTP/1.1\r\n\r\n",
                b"\x01\x00",
            ];
            let mut inf = Inflater::new();
            for (rec, want) in records(&parts, zlib).iter().zip(parts) {
                assert_eq!(inf.inflate(rec).unwrap(), want, "zlib {zlib}");
            }
        }
    }

    #[test]
    fn a_record_that_inflates_beyond_2_14_is_refused_and_garbage_never_panics() {
        let big = vec![b'a'; MAX_PLAINTEXT + 10];
        let rec = records(&[&big], true);
        assert_eq!(
            Inflater::new().inflate(&rec[0]),
            Err(InflateError::TooLarge)
        );
        for n in 0..64u8 {
            let junk: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            let _ = Inflater::new().inflate(&junk);
        }
    }
}
