//! A tee around the socket: every chunk read (from the server) and written (by the client) is
//! kept with its timestamp, so the probe's own connection can be written as a pcap and decoded
//! exactly like a capture.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Chunk {
    pub from_client: bool,
    pub ts_ns: u64,
    pub data: Vec<u8>,
}

/// Bytes recorded at most (a probe is one request; a huge response is cut, not buffered forever).
const MAX_RECORDED: usize = 64 << 20;

#[derive(Debug)]
pub struct RecordingStream {
    inner: TcpStream,
    log: Arc<Mutex<Vec<Chunk>>>,
    recorded: usize,
}

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

impl RecordingStream {
    pub fn new(inner: TcpStream) -> Self {
        RecordingStream {
            inner,
            log: Arc::new(Mutex::new(Vec::new())),
            recorded: 0,
        }
    }
    pub fn chunks(&self) -> Arc<Mutex<Vec<Chunk>>> {
        self.log.clone()
    }
    pub fn shutdown(&self) -> io::Result<()> {
        self.inner.shutdown(std::net::Shutdown::Both)
    }
    fn keep(&mut self, from_client: bool, data: &[u8]) {
        if data.is_empty() || self.recorded >= MAX_RECORDED {
            return;
        }
        self.recorded += data.len();
        if let Ok(mut l) = self.log.lock() {
            l.push(Chunk {
                from_client,
                ts_ns: now_ns(),
                data: data.to_vec(),
            });
        }
    }
}

impl Read for RecordingStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(got) = buf.get(..n) {
            let got = got.to_vec();
            self.keep(false, &got);
        }
        Ok(n)
    }
}

impl Write for RecordingStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(sent) = buf.get(..n) {
            let sent = sent.to_vec();
            self.keep(true, &sent);
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
