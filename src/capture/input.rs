//! Opening an input — a file path, or `-` for standard input — as users have it: sniffed by its
//! first bytes ([`super::sniff`]), decompressed while read when it is gzip, zstd or xz, and
//! handed on as a reader positioned at the first byte with its [`Kind`]. Every command reads its
//! files through [`open`], so a format added here (a javax.net.debug log arrives as
//! [`Kind::Text`]) is known everywhere. Directories expand to their capture files here too.
//! Must not parse the content.

use super::decompress;
use super::file::CaptureError;
use super::sniff::{self, Compression, Kind, SNIFF_LEN, TAR_SNIFF_LEN};
use std::ffi::OsStr;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A pcapng Section Header Block longer than this is not read ahead (pcap-parser then reports
/// the damage); real ones are a few hundred bytes.
const MAX_SHB_PEEK: usize = 64 * 1024;
/// The pcap file header (and more than the first 12 bytes of a pcapng block header).
const PCAP_HEADER_LEN: usize = 24;

/// Where an input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPath {
    /// `-`: standard input (`tcpdump -w - | tlsdiag analyze -`).
    Stdin,
    File(PathBuf),
}

impl InputPath {
    /// `-` is standard input; anything else a path (`./-` names a file called `-`).
    pub fn from_arg(arg: &OsStr) -> InputPath {
        if arg == "-" {
            InputPath::Stdin
        } else {
            InputPath::File(PathBuf::from(arg))
        }
    }

    /// The name reports use: the path as given, or `standard input`.
    pub fn name(&self) -> String {
        match self {
            InputPath::Stdin => "standard input".to_owned(),
            InputPath::File(p) => p.display().to_string(),
        }
    }

    pub fn is_stdin(&self) -> bool {
        matches!(self, InputPath::Stdin)
    }
}

impl From<&Path> for InputPath {
    fn from(p: &Path) -> Self {
        InputPath::File(p.to_path_buf())
    }
}

/// An opened input: what it is and its (decompressed) bytes from the first one.
pub struct Input {
    pub name: String,
    /// The compression layer removed while reading, if any.
    pub compression: Option<Compression>,
    /// What the (decompressed) content is.
    pub kind: Kind,
    /// The first bytes, already read (to sniff; handed on before `rest`).
    head: Vec<u8>,
    rest: Box<dyn Read + Send>,
    /// Bytes read from the file itself (compressed bytes for a compressed file).
    consumed: Arc<AtomicU64>,
}

/// Counts the bytes read from the underlying file, for progress against the file size.
struct Counting<R> {
    inner: R,
    n: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n.fetch_add(k as u64, Ordering::Relaxed);
        Ok(k)
    }
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("name", &self.name)
            .field("compression", &self.compression)
            .field("kind", &self.kind)
            .finish()
    }
}

impl Input {
    /// A counter of the bytes read so far from the file itself — compressed bytes for a
    /// compressed file, so that it can be compared with the file's size.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        self.consumed.clone()
    }

    /// The content as a byte stream from its first byte (for readers of non-capture formats,
    /// e.g. javax.net.debug logs).
    pub fn into_reader(self) -> Box<dyn Read + Send> {
        Box::new(io::Cursor::new(self.head).chain(self.rest))
    }

    /// The first `n` bytes of the content (fewer if it is shorter), read ahead and kept: a
    /// reader of another format may need more than [`super::sniff`] looked at to recognise it.
    pub fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        fill(&mut self.head, &mut self.rest, n)?;
        Ok(&self.head)
    }

    /// Fails unless the content is a pcap or pcapng capture, saying what it is instead.
    pub fn require_capture(&self) -> Result<(), CaptureError> {
        let path = self.name.clone();
        match self.kind {
            Kind::Pcap | Kind::PcapNg => Ok(()),
            Kind::Unsupported { what, hint } => Err(CaptureError::Unsupported { path, what, hint }),
            Kind::Text => Err(CaptureError::NotACapture {
                path,
                looks_like: "text",
            }),
            Kind::Compressed(_) => Err(CaptureError::NotACapture {
                path,
                looks_like: "compressed twice",
            }),
            Kind::Unknown => Err(CaptureError::NotACapture {
                path,
                looks_like: "unrecognised header",
            }),
        }
    }
}

/// Opens `path`: sniffs it, starts decompressing it if needed, sniffs the content.
pub fn open(path: &InputPath) -> Result<Input, CaptureError> {
    let name = path.name();
    let raw: Box<dyn Read + Send> = match path {
        InputPath::Stdin => Box::new(io::stdin()),
        InputPath::File(p) => {
            if p.is_dir() {
                return Err(CaptureError::IsDirectory { path: name });
            }
            let f = std::fs::File::open(p).map_err(|error| CaptureError::Open {
                path: name.clone(),
                error,
            })?;
            Box::new(f)
        }
    };
    open_reader(name, raw)
}

/// As [`open`], for bytes from any reader (`name` is what reports call it).
pub fn open_reader(name: String, raw: Box<dyn Read + Send>) -> Result<Input, CaptureError> {
    let consumed = Arc::new(AtomicU64::new(0));
    let raw: Box<dyn Read + Send> = Box::new(Counting {
        inner: raw,
        n: consumed.clone(),
    });
    let read_err = |e: io::Error| CaptureError::Read {
        path: name.clone(),
        detail: e.to_string(),
    };
    let (kind, head, raw) = peek_kind(raw).map_err(read_err)?;
    if head.is_empty() {
        return Err(CaptureError::Empty { path: name });
    }
    let Kind::Compressed(c) = kind else {
        return finish(name, None, kind, head, raw, consumed);
    };
    let packed = Box::new(io::Cursor::new(head).chain(raw));
    let unpacked = decompress::spawn(c, packed).map_err(read_err)?;
    let (kind, head, unpacked) = peek_kind(Box::new(unpacked)).map_err(read_err)?;
    if head.is_empty() {
        return Err(CaptureError::Empty {
            path: format!("{name} (after {} decompression)", c.name()),
        });
    }
    finish(name, Some(c), kind, head, unpacked, consumed)
}

/// Reads the first bytes of a capture up to the end of its file header (pcap: 24 bytes; pcapng:
/// the whole Section Header Block), so that pcap-parser's first read sees the whole header even
/// from a pipe that delivers a few bytes at a time (it parses the header from its first read
/// only).
fn finish(
    name: String,
    compression: Option<Compression>,
    kind: Kind,
    mut head: Vec<u8>,
    mut rest: Box<dyn Read + Send>,
    consumed: Arc<AtomicU64>,
) -> Result<Input, CaptureError> {
    let read_err = |e: io::Error| CaptureError::Read {
        path: name.clone(),
        detail: e.to_string(),
    };
    if matches!(kind, Kind::Pcap | Kind::PcapNg) {
        fill(&mut head, &mut rest, PCAP_HEADER_LEN).map_err(read_err)?;
        if kind == Kind::PcapNg {
            if let Some(len) = shb_len(&head) {
                fill(&mut head, &mut rest, len.min(MAX_SHB_PEEK)).map_err(read_err)?;
            }
        }
    }
    Ok(Input {
        name,
        compression,
        kind,
        head,
        rest,
        consumed,
    })
}

/// The Section Header Block's total length (bytes 4..8, in the byte order its magic at 8..12
/// says).
fn shb_len(head: &[u8]) -> Option<usize> {
    let len: [u8; 4] = head.get(4..8)?.try_into().ok()?;
    let n = match head.get(8..12)? {
        [0x4d, 0x3c, 0x2b, 0x1a] => u32::from_le_bytes(len),
        [0x1a, 0x2b, 0x3c, 0x4d] => u32::from_be_bytes(len),
        _ => return None,
    };
    usize::try_from(n).ok()
}

type Peeked = (Kind, Vec<u8>, Box<dyn Read + Send>);

/// Reads enough of `r` to know what it is; returns the bytes read so they can be put back.
fn peek_kind(mut r: Box<dyn Read + Send>) -> io::Result<Peeked> {
    let mut head = Vec::with_capacity(TAR_SNIFF_LEN);
    fill(&mut head, &mut r, SNIFF_LEN)?;
    let mut kind = sniff::sniff(&head);
    // Only text-looking or unknown bytes can still turn out to be a tar header.
    if matches!(kind, Kind::Text | Kind::Unknown) && head.len() == SNIFF_LEN {
        fill(&mut head, &mut r, TAR_SNIFF_LEN)?;
        kind = sniff::sniff(&head);
    }
    Ok((kind, head, r))
}

/// Reads until `buf` holds `want` bytes or the input ends.
fn fill(buf: &mut Vec<u8>, r: &mut dyn Read, want: usize) -> io::Result<()> {
    let mut chunk = [0u8; 4096];
    while buf.len() < want {
        let room = (want - buf.len()).min(chunk.len());
        let n = match r.read(chunk.get_mut(..room).unwrap_or(&mut [])) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
    }
    Ok(())
}

/// A directory's capture files and what was left out (with why).
#[derive(Debug, Default)]
pub struct DirListing {
    /// Sorted by name, runs of digits compared as numbers (`dump2` before `dump10`).
    pub files: Vec<PathBuf>,
    pub skipped: Vec<(PathBuf, String)>,
}

/// The capture files in `dir` (not its subdirectories): every regular file whose first bytes
/// say pcap, pcapng, or gzip/zstd/xz (their content is checked when it is read).
pub fn list_dir(dir: &Path) -> Result<DirListing, CaptureError> {
    let name = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|error| CaptureError::Open {
        path: name.clone(),
        error,
    })?;
    let mut out = DirListing::default();
    for e in entries {
        let e = e.map_err(|error| CaptureError::Open {
            path: name.clone(),
            error,
        })?;
        let p = e.path();
        if p.is_dir() {
            out.skipped.push((p, "a directory (not searched)".into()));
            continue;
        }
        match sniff_file(&p) {
            Ok(k) if k.is_capture() || matches!(k, Kind::Compressed(_)) => out.files.push(p),
            Ok(Kind::Unsupported { what, .. }) => out.skipped.push((p, what.to_owned())),
            Ok(Kind::Text) => out.skipped.push((p, "text, not a capture".into())),
            Ok(_) => out.skipped.push((p, "not a capture".into())),
            Err(e) => out.skipped.push((p, format!("unreadable: {e}"))),
        }
    }
    out.files
        .sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
    out.skipped
        .sort_by(|a, b| natural_cmp(&a.0.to_string_lossy(), &b.0.to_string_lossy()));
    Ok(out)
}

fn sniff_file(p: &Path) -> io::Result<Kind> {
    let mut f = std::fs::File::open(p)?;
    let mut head = Vec::new();
    fill(&mut head, &mut f, TAR_SNIFF_LEN)?;
    if head.is_empty() {
        return Ok(Kind::Unknown);
    }
    Ok(sniff::sniff(&head))
}

/// Name order with digit runs compared by value (tcpdump `-C` without `-W` names its files
/// `dump`, `dump1`, … `dump10` unpadded).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut a, mut b) = (a, b);
    loop {
        let (Some(ca), Some(cb)) = (a.chars().next(), b.chars().next()) else {
            return a.len().cmp(&b.len());
        };
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let da = a.len() - a.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let db = b.len() - b.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let (na, ra) = a.split_at(da);
            let (nb, rb) = b.split_at(db);
            let (ta, tb) = (na.trim_start_matches('0'), nb.trim_start_matches('0'));
            let ord = ta
                .len()
                .cmp(&tb.len())
                .then_with(|| ta.cmp(tb))
                .then_with(|| na.len().cmp(&nb.len()));
            if ord != Ordering::Equal {
                return ord;
            }
            a = ra;
            b = rb;
        } else {
            if ca != cb {
                return ca.cmp(&cb);
            }
            a = a.get(ca.len_utf8()..).unwrap_or("");
            b = b.get(cb.len_utf8()..).unwrap_or("");
        }
    }
}
