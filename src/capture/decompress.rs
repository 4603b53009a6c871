//! Streaming decompression of gzip, zstd and xz inputs (pure Rust: flate2/miniz_oxide, ruzstd,
//! lzma-rust2), never unpacked to disk. Each decoder runs in its own thread and hands chunks
//! over a bounded channel, so memory stays at a few chunks plus the decoder's window, the
//! capture reader works while the next chunk is decoded (two cores: about twice as fast on
//! big files), and a decoder that panics on hostile bytes becomes a read error instead of
//! ending the process. Must not interpret what it decompresses.

use super::sniff::Compression;
use crossbeam_channel::{bounded, Receiver, Sender};
use std::io::{self, BufRead, BufReader, Read};

/// Decompressed bytes per message; with [`QUEUE`] this bounds what waits between the threads.
const CHUNK: usize = 128 * 1024;
const QUEUE: usize = 4;
/// Compressed bytes read ahead of the decoder.
const INPUT_BUF: usize = 64 * 1024;
/// xz: refuse a block whose LZMA2 dictionary (+ decoder state) needs more than this. `xz -9`
/// needs 65 MiB; a hostile header can claim 4 GiB.
const XZ_MEM_LIMIT_KIB: u32 = 256 * 1024;

enum Msg {
    Data(Vec<u8>),
    Err(io::Error),
    End,
}

/// The reading end: decompressed bytes in order, then the decoder's error if it hit one.
pub(crate) struct PipeReader {
    rx: Receiver<Msg>,
    /// Emptied buffers go back to the decoder thread (no allocation per chunk).
    free: Sender<Vec<u8>>,
    cur: Vec<u8>,
    pos: usize,
    finished: bool,
    what: Compression,
}

impl std::fmt::Debug for PipeReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipeReader")
            .field("compression", &self.what)
            .finish()
    }
}

/// Starts decompressing `input` in a thread named after the format.
pub(crate) fn spawn(what: Compression, input: Box<dyn Read + Send>) -> io::Result<PipeReader> {
    let (tx, rx) = bounded::<Msg>(QUEUE);
    let (free_tx, free_rx) = bounded::<Vec<u8>>(QUEUE + 2);
    std::thread::Builder::new()
        .name(format!("tlsdiag-{}", what.name()))
        .spawn(move || decode_thread(what, input, &tx, &free_rx))?;
    Ok(PipeReader {
        rx,
        free: free_tx,
        cur: Vec::new(),
        pos: 0,
        finished: false,
        what,
    })
}

fn decode_thread(
    what: Compression,
    input: Box<dyn Read + Send>,
    tx: &Sender<Msg>,
    free: &Receiver<Vec<u8>>,
) {
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> io::Result<()> {
        let src = BufReader::with_capacity(INPUT_BUF, input);
        let mut dec: Box<dyn Read> = match what {
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(src)),
            Compression::Zstd => Box::new(ZstdReader::new(src)),
            Compression::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(
                src,
                true,
                XZ_MEM_LIMIT_KIB,
            )),
        };
        loop {
            let mut buf = free.try_recv().unwrap_or_default();
            buf.resize(CHUNK, 0);
            let n = loop {
                match dec.read(&mut buf) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    r => break r?,
                }
            };
            if n == 0 {
                return Ok(());
            }
            buf.truncate(n);
            // The reader was dropped (it stopped early): nothing more to do.
            if tx.send(Msg::Data(buf)).is_err() {
                return Ok(());
            }
        }
    }));
    let last = match run {
        Ok(Ok(())) => Msg::End,
        Ok(Err(e)) => Msg::Err(e),
        Err(_) => Msg::Err(io::Error::other(format!(
            "the {} decoder failed on these bytes",
            what.name()
        ))),
    };
    let _ = tx.send(last);
}

impl Read for PipeReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(rest) = self.cur.get(self.pos..).filter(|r| !r.is_empty()) {
                let n = rest.len().min(out.len());
                if let (Some(dst), Some(src)) = (out.get_mut(..n), rest.get(..n)) {
                    dst.copy_from_slice(src);
                }
                self.pos += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            let spent = std::mem::take(&mut self.cur);
            if spent.capacity() > 0 {
                let _ = self.free.try_send(spent);
            }
            self.pos = 0;
            match self.rx.recv() {
                Ok(Msg::Data(d)) => self.cur = d,
                Ok(Msg::End) => self.finished = true,
                Ok(Msg::Err(e)) => {
                    self.finished = true;
                    return Err(io::Error::new(
                        e.kind(),
                        format!("{} stream: {e}", self.what.name()),
                    ));
                }
                Err(_) => {
                    self.finished = true;
                    return Err(io::Error::other(format!(
                        "the {} decoder stopped",
                        self.what.name()
                    )));
                }
            }
        }
    }
}

/// Zstandard with every frame of the stream (ruzstd's `StreamingDecoder` reads one), skippable
/// frames skipped, content checksums verified, and the window bounded from the first frame on.
struct ZstdReader<R: BufRead> {
    src: R,
    dec: ruzstd::decoding::FrameDecoder,
    in_frame: bool,
}

/// An empty zstd frame (`zstd -c < /dev/null`). ruzstd checks a frame's window size against its
/// 100 MiB limit only when it resets an existing decoder state, not for the very first frame:
/// decoding this first makes every real frame go through the check.
const EMPTY_ZSTD_FRAME: [u8; 13] = [
    0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00, 0x01, 0x00, 0x00, 0x99, 0xe9, 0xd8, 0x51,
];

impl<R: BufRead> ZstdReader<R> {
    fn new(src: R) -> Self {
        let mut dec = ruzstd::decoding::FrameDecoder::new();
        let _ = dec.init(&EMPTY_ZSTD_FRAME[..]);
        ZstdReader {
            src,
            dec,
            in_frame: false,
        }
    }
}

fn bad(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

impl<R: BufRead> Read for ZstdReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
        use ruzstd::decoding::BlockDecodingStrategy;
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if !self.in_frame {
                // RFC 8878 §3: a stream is frames back to back; it may end after any of them.
                if self.src.fill_buf()?.is_empty() {
                    return Ok(0);
                }
                match self.dec.reset(&mut self.src) {
                    Ok(()) => self.in_frame = true,
                    Err(FrameDecoderError::ReadFrameHeaderError(
                        ReadFrameHeaderError::SkipFrame { length, .. },
                    )) => {
                        let want = u64::from(length);
                        let got = io::copy(&mut (&mut self.src).take(want), &mut io::sink())?;
                        if got < want {
                            return Err(io::Error::new(
                                io::ErrorKind::UnexpectedEof,
                                "the stream ends inside a skippable frame",
                            ));
                        }
                    }
                    Err(e) => return Err(bad(e)),
                }
                continue;
            }
            if self.dec.is_finished() && self.dec.can_collect() == 0 {
                if let (Some(want), Some(got)) = (
                    self.dec.get_checksum_from_data(),
                    self.dec.get_calculated_checksum(),
                ) {
                    if want != got {
                        return Err(bad("content checksum mismatch (corrupt frame)"));
                    }
                }
                self.in_frame = false;
                continue;
            }
            while self.dec.can_collect() < buf.len() && !self.dec.is_finished() {
                let need = buf.len().saturating_sub(self.dec.can_collect());
                self.dec
                    .decode_blocks(&mut self.src, BlockDecodingStrategy::UptoBytes(need))
                    .map_err(bad)?;
            }
            let n = self.dec.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
        }
    }
}
