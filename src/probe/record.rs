//! A tee around any byte stream (a `TcpStream`, a Unix socket pair in the tests): every chunk
//! read (from the server) and written (by the client) is kept, with its timestamp, in a log the
//! stream owns — so the probe's own connection can be written as a pcap and decoded exactly
//! like a capture. [`RecordingStream::into_parts`] hands back the stream and the log.

use std::io::{self, Read, Write};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub from_client: bool,
    pub ts_ns: u64,
    pub data: Vec<u8>,
}

/// Bytes recorded at most (a probe is one request; a huge response is cut, not buffered forever).
const MAX_RECORDED: usize = 64 << 20;

#[derive(Debug)]
pub struct RecordingStream<S> {
    inner: S,
    log: Vec<Chunk>,
    recorded: usize,
}

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

impl<S> RecordingStream<S> {
    pub fn new(inner: S) -> Self {
        RecordingStream {
            inner,
            log: Vec::new(),
            recorded: 0,
        }
    }
    /// The stream and the recording.
    pub fn into_parts(self) -> (S, Vec<Chunk>) {
        (self.inner, self.log)
    }
    fn keep(&mut self, from_client: bool, data: &[u8]) {
        if data.is_empty() || self.recorded >= MAX_RECORDED {
            return;
        }
        let room = MAX_RECORDED - self.recorded;
        let data = data.get(..data.len().min(room)).unwrap_or(data);
        self.recorded += data.len();
        self.log.push(Chunk {
            from_client,
            ts_ns: now_ns(),
            data: data.to_vec(),
        });
    }
}

impl<S: Read> Read for RecordingStream<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(got) = buf.get(..n) {
            let got = got.to_vec();
            self.keep(false, &got);
        }
        Ok(n)
    }
}

impl<S: Write> Write for RecordingStream<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(sent) = buf.get(..n) {
            self.keep(true, sent);
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
