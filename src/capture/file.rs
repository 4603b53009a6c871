//! pcap and pcapng files, read as a stream (bounded buffer, refilled): memory does not grow with
//! the file. pcap: µs and ns magic, both byte orders. pcapng: several sections and interfaces,
//! each with its own link type and timestamp resolution (`if_tsresol`) and offset.
//! A file cut mid-packet keeps every frame before the cut and reports it as `truncated`; a read
//! error (a corrupt compressed stream, an I/O error) keeps them too and is reported as
//! `read_error`.
//!
//! [`FrameReader`] is pull-based (`advance`, then `frame`), so several files can be merged by
//! time ([`super::merge`]); [`read_file`] and [`read_reader`] push every frame to a callback.

use super::input::{self, InputPath};
use super::sniff::Compression;
use super::{Frame, LinkType};
use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{PcapBlockOwned, PcapError};
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Read buffer; a pcapng block larger than this grows the buffer up to [`MAX_BLOCK`].
const BUF_SIZE: usize = 1 << 20;
/// A block claiming more than this is treated as corruption (snap lengths are ≤ 256 KiB).
const MAX_BLOCK: usize = 16 << 20;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaptureError {
    /// The operating system's reason is part of the message and not also a `source()`: an
    /// error chain printed in full says it once (issue 13 §6).
    #[error("cannot open {path}: {error}")]
    Open { path: String, error: std::io::Error },
    #[error("{path} is empty")]
    Empty { path: String },
    #[error("{path} is not a pcap or pcapng capture ({looks_like})")]
    NotACapture {
        path: String,
        looks_like: &'static str,
    },
    #[error("{path} is {what}: {hint}")]
    Unsupported {
        path: String,
        what: &'static str,
        hint: &'static str,
    },
    #[error("{path} is a directory (give it to `tlsdiag analyze`, which reads its capture files)")]
    IsDirectory { path: String },
    #[error("cannot read {path}: {detail}")]
    Read { path: String, detail: String },
}

/// What the reader saw besides frames.
#[derive(Debug, Clone, Default)]
pub struct FileSummary {
    /// The input's name (path, or `standard input`).
    pub name: String,
    /// `pcap` or `pcapng` (for a merge: each distinct format, joined by `+`).
    pub format: String,
    /// The compression layer removed while reading.
    pub compression: Option<Compression>,
    pub link_types: Vec<LinkType>,
    pub frames: u64,
    pub bytes: u64,
    /// Set when the file ends inside a record/block (cut mid-packet) or a block is corrupt:
    /// the frames before it were delivered.
    pub truncated: Option<String>,
    /// Set when reading failed after some frames (a corrupt gzip/zstd/xz stream, an I/O error):
    /// the frames before it were delivered.
    pub read_error: Option<String>,
    /// For a merge: each input, in the order given.
    pub parts: Vec<FileSummary>,
    /// In a merge's parts: the merged number of the last frame taken from this input.
    pub last_frame: Option<u64>,
}

impl FileSummary {
    /// This summary and, for a merge, its parts: everything that may carry damage.
    pub fn all(&self) -> impl Iterator<Item = &FileSummary> {
        std::iter::once(self).chain(self.parts.iter())
    }
}

#[derive(Clone, Copy)]
struct Iface {
    linktype: LinkType,
    /// Timestamp units per second.
    resolution: u64,
    offset_s: i64,
}

/// The frame [`FrameReader::advance`] moved to: its fields and where its bytes are in the
/// reader's buffer (kept as offsets so the buffer is borrowed only by [`FrameReader::frame`]).
#[derive(Clone, Copy)]
struct Current {
    ts_ns: u64,
    linktype: LinkType,
    orig_len: u32,
    start: usize,
    len: usize,
}

/// Keeps the text of the last I/O error of the wrapped reader: pcap-parser turns every read
/// error into a bare `ReadError`, and "gzip stream: corrupt deflate stream" is what the user
/// needs to see.
struct ErrSlot<R> {
    inner: R,
    slot: Arc<Mutex<Option<String>>>,
}

impl<R: Read> Read for ErrSlot<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    if let Ok(mut s) = self.slot.lock() {
                        *s = Some(e.to_string());
                    }
                    return Err(e);
                }
                ok => return ok,
            }
        }
    }
}

/// Frames of one pcap/pcapng stream, one at a time (`'a`: the reader's lifetime; `'static`
/// for files).
pub struct FrameReader<'a> {
    rd: Box<dyn PcapReaderIterator + Send + 'a>,
    legacy: Option<Iface>,
    ifaces: Vec<Iface>,
    /// Frames delivered so far (the current frame's 1-based index).
    index: u64,
    grown: usize,
    /// Bytes of the current block, consumed when moving to the next one.
    pending: usize,
    cur: Option<Current>,
    done: bool,
    summary: FileSummary,
    last_error: Arc<Mutex<Option<String>>>,
}

impl std::fmt::Debug for FrameReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameReader")
            .field("name", &self.summary.name)
            .field("index", &self.index)
            .finish()
    }
}

impl FrameReader<'static> {
    /// Opens any input ([`input::open`]: file or standard input, compressed or not).
    pub fn open(path: &InputPath) -> Result<Self, CaptureError> {
        Self::from_input(input::open(path)?)
    }

    /// Starts reading an opened input; fails unless it is a pcap or pcapng capture.
    pub fn from_input(inp: input::Input) -> Result<Self, CaptureError> {
        Self::from_input_buffered(inp, BUF_SIZE)
    }

    /// As [`FrameReader::from_input`] with a read buffer of `buf_size` bytes (it grows for
    /// blocks that need more).
    pub fn from_input_buffered(inp: input::Input, buf_size: usize) -> Result<Self, CaptureError> {
        inp.require_capture()?;
        let (name, compression) = (inp.name.clone(), inp.compression);
        FrameReader::new(&name, inp.into_reader(), compression, buf_size)
    }
}

impl<'a> FrameReader<'a> {
    /// Reads a pcap/pcapng stream from `reader` (no sniffing or decompression).
    pub fn new(
        name: &str,
        reader: impl Read + Send + 'a,
        compression: Option<Compression>,
        buf_size: usize,
    ) -> Result<Self, CaptureError> {
        let last_error = Arc::new(Mutex::new(None));
        let wrapped = ErrSlot {
            inner: reader,
            slot: last_error.clone(),
        };
        let not_capture = || CaptureError::NotACapture {
            path: name.to_owned(),
            looks_like: "unrecognised header",
        };
        let rd = match pcap_parser::create_reader(buf_size, wrapped) {
            Ok(r) => r,
            Err(PcapError::HeaderNotRecognized)
            | Err(PcapError::Incomplete(_))
            | Err(PcapError::Eof) => return Err(not_capture()),
            Err(PcapError::ReadError) => {
                let detail = last_error
                    .lock()
                    .ok()
                    .and_then(|mut s| s.take())
                    .unwrap_or_else(|| "read error".into());
                return Err(CaptureError::Read {
                    path: name.to_owned(),
                    detail,
                });
            }
            Err(e) => {
                return Err(CaptureError::Read {
                    path: name.to_owned(),
                    detail: format!("{e:?}"),
                })
            }
        };
        Ok(FrameReader {
            rd,
            legacy: None,
            ifaces: Vec::new(),
            index: 0,
            grown: buf_size,
            pending: 0,
            cur: None,
            done: false,
            summary: FileSummary {
                name: name.to_owned(),
                compression,
                ..FileSummary::default()
            },
            last_error,
        })
    }

    /// The frame [`FrameReader::advance`] moved to.
    pub fn frame(&self) -> Option<Frame<'_>> {
        let c = self.cur?;
        let data = self.rd.data().get(c.start..c.start.checked_add(c.len)?)?;
        Some(Frame {
            index: self.index,
            ts_ns: c.ts_ns,
            linktype: c.linktype,
            data,
            orig_len: c.orig_len,
        })
    }

    pub fn summary(&self) -> &FileSummary {
        &self.summary
    }

    pub fn into_summary(self) -> FileSummary {
        self.summary
    }

    /// Moves to the next frame; `false` at the end of the input or at damage (recorded in the
    /// summary; every frame before it was delivered).
    pub fn advance(&mut self) -> bool {
        self.cur = None;
        if self.pending > 0 {
            self.rd.consume(self.pending);
            self.pending = 0;
        }
        while !self.done {
            if self.step() {
                return true;
            }
        }
        false
    }

    fn damage(&mut self, what: String) {
        self.summary.truncated.get_or_insert(what);
        self.done = true;
    }

    fn read_failed(&mut self) {
        let detail = self
            .last_error
            .lock()
            .ok()
            .and_then(|mut s| s.take())
            .unwrap_or_else(|| "read error".into());
        let index = self.index;
        self.summary
            .read_error
            .get_or_insert(format!("reading stopped after frame {index}: {detail}"));
        self.done = true;
    }

    /// Handles one block or buffer event; `true` when it produced a frame.
    fn step(&mut self) -> bool {
        let index = self.index;
        match self.rd.next() {
            Ok((offset, block)) => {
                // (ts, linktype, orig_len, data pointer, data length) of a packet block.
                let mut packet: Option<(u64, LinkType, u32, usize, usize)> = None;
                let mut note: Option<String> = None;
                match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        self.summary.format = "pcap".into();
                        self.legacy = Some(Iface {
                            linktype: LinkType(u32::try_from(h.network.0).unwrap_or(u32::MAX)),
                            resolution: if h.is_nanosecond_precision() {
                                1_000_000_000
                            } else {
                                1_000_000
                            },
                            offset_s: 0,
                        });
                    }
                    PcapBlockOwned::Legacy(b) => {
                        if let Some(ifc) = self.legacy {
                            let frac = u64::from(b.ts_usec);
                            let ts_ns = u64::from(b.ts_sec)
                                .saturating_mul(1_000_000_000)
                                .saturating_add(scale_to_ns(frac, ifc.resolution));
                            packet = Some((
                                ts_ns,
                                ifc.linktype,
                                b.origlen,
                                b.data.as_ptr() as usize,
                                b.data.len(),
                            ));
                        }
                    }
                    PcapBlockOwned::NG(Block::SectionHeader(_)) => {
                        self.summary.format = "pcapng".into();
                        // Interface ids are per section.
                        self.ifaces.clear();
                    }
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        self.ifaces.push(Iface {
                            linktype: LinkType(u32::try_from(idb.linktype.0).unwrap_or(u32::MAX)),
                            resolution: idb.ts_resolution().unwrap_or(1_000_000),
                            offset_s: idb.ts_offset(),
                        });
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        let ifc = usize::try_from(epb.if_id)
                            .ok()
                            .and_then(|i| self.ifaces.get(i))
                            .copied();
                        if let Some(ifc) = ifc {
                            let raw = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                            let secs = raw / ifc.resolution.max(1);
                            let frac = raw % ifc.resolution.max(1);
                            let secs = secs.saturating_add_signed(ifc.offset_s);
                            let ts_ns = secs
                                .saturating_mul(1_000_000_000)
                                .saturating_add(scale_to_ns(frac, ifc.resolution));
                            let data = epb
                                .data
                                .get(..usize::try_from(epb.caplen).unwrap_or(0))
                                .unwrap_or(epb.data);
                            packet = Some((
                                ts_ns,
                                ifc.linktype,
                                epb.origlen,
                                data.as_ptr() as usize,
                                data.len(),
                            ));
                        } else {
                            note =
                                Some(format!("packet block for unknown interface {}", epb.if_id));
                        }
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                        if let Some(ifc) = self.ifaces.first().copied() {
                            packet = Some((
                                0,
                                ifc.linktype,
                                spb.origlen,
                                spb.data.as_ptr() as usize,
                                spb.data.len(),
                            ));
                        }
                    }
                    PcapBlockOwned::NG(_) => {}
                }
                if let Some(n) = note {
                    self.summary.truncated.get_or_insert(n);
                }
                let Some((ts_ns, linktype, orig_len, ptr, len)) = packet else {
                    self.rd.consume(offset);
                    return false;
                };
                // The packet's bytes lie in the reader's buffer, which does not move until the
                // block is consumed: keep their position, not a borrow.
                let base = self.rd.data().as_ptr() as usize;
                let start = ptr.wrapping_sub(base);
                if start
                    .checked_add(len)
                    .is_none_or(|e| e > self.rd.data().len())
                {
                    self.damage(format!("a packet block after frame {index} is malformed"));
                    return false;
                }
                self.index += 1;
                self.summary.frames += 1;
                self.summary.bytes += len as u64;
                if !self.summary.link_types.contains(&linktype) {
                    self.summary.link_types.push(linktype);
                }
                self.cur = Some(Current {
                    ts_ns,
                    linktype,
                    orig_len,
                    start,
                    len,
                });
                self.pending = offset;
                true
            }
            Err(PcapError::Eof) => {
                self.done = true;
                false
            }
            Err(PcapError::Incomplete(_)) => {
                if self.rd.refill().is_err() {
                    self.read_failed();
                    return false;
                }
                // refill() at EOF leaves the buffer unchanged: detect no progress.
                if self.rd.reader_exhausted() {
                    // One more try to parse what is in the buffer, then give up.
                    let cut = matches!(
                        self.rd.next(),
                        Err(PcapError::Incomplete(_)) | Err(PcapError::UnexpectedEof)
                    );
                    if cut {
                        self.damage(format!(
                            "the file ends in the middle of a packet after frame {index}"
                        ));
                    }
                }
                false
            }
            Err(PcapError::UnexpectedEof) => {
                self.damage(format!(
                    "the file ends in the middle of a packet after frame {index}"
                ));
                false
            }
            Err(PcapError::BufferTooSmall) => {
                if self.grown >= MAX_BLOCK {
                    self.damage(format!(
                        "a block after frame {index} claims more than {MAX_BLOCK} bytes"
                    ));
                    return false;
                }
                self.grown *= 2;
                if !self.rd.grow(self.grown) {
                    self.damage(format!("cannot read a block after frame {index}"));
                } else if self.rd.refill().is_err() {
                    self.read_failed();
                }
                false
            }
            Err(PcapError::ReadError) => {
                self.read_failed();
                false
            }
            Err(e) => {
                let e = format!("{e:?}");
                self.damage(format!("corrupt data after frame {index}: {e}"));
                false
            }
        }
    }
}

/// Reads `path` (file or `-`; compressed or not), calling `on_frame` for every packet in file
/// order.
pub fn read_file(
    path: &Path,
    on_frame: &mut dyn FnMut(Frame<'_>),
) -> Result<FileSummary, CaptureError> {
    read_input(&InputPath::from_arg(path.as_os_str()), on_frame)
}

/// As [`read_file`], for any [`InputPath`].
pub fn read_input(
    path: &InputPath,
    on_frame: &mut dyn FnMut(Frame<'_>),
) -> Result<FileSummary, CaptureError> {
    drain(FrameReader::open(path)?, on_frame)
}

/// As [`read_file`], from any reader holding a pcap/pcapng stream (the probe passes its
/// in-memory pcap); no sniffing or decompression.
pub fn read_reader(
    name: &str,
    reader: impl Read + Send,
    on_frame: &mut dyn FnMut(Frame<'_>),
) -> Result<FileSummary, CaptureError> {
    drain(FrameReader::new(name, reader, None, BUF_SIZE)?, on_frame)
}

fn drain(
    mut fr: FrameReader<'_>,
    on_frame: &mut dyn FnMut(Frame<'_>),
) -> Result<FileSummary, CaptureError> {
    while fr.advance() {
        if let Some(f) = fr.frame() {
            on_frame(f);
        }
    }
    Ok(fr.into_summary())
}

fn scale_to_ns(frac: u64, resolution: u64) -> u64 {
    match resolution {
        0 => 0,
        1_000_000_000 => frac,
        r if r < 1_000_000_000 => frac.saturating_mul(1_000_000_000 / r),
        r => frac / (r / 1_000_000_000),
    }
}
