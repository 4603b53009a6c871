//! What a file is, from its first bytes — the one place tlsdiag decides how to read an input.
//! Magic numbers, never file names: tickets carry `capture.pcap.gz` renamed to `.txt`, tcpdump
//! ring files have no extension, and standard input has no name at all.
//! Pure functions over a prefix; must not read anything itself (`open` does the reading).

/// Bytes of prefix [`sniff`] looks at (more only to recognise a tar archive).
pub const SNIFF_LEN: usize = 16;
/// A tar archive says `ustar` at offset 257 (POSIX.1-1988 header).
pub const TAR_SNIFF_LEN: usize = 262;

/// A compression layer tlsdiag unpacks while reading (streamed, never to disk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Compression {
    /// RFC 1952 (also several concatenated members, as `pigz` and `cat a.gz b.gz` make).
    Gzip,
    /// RFC 8878 Zstandard (several frames and skippable frames included).
    Zstd,
    /// The .xz container (LZMA2), several streams included.
    Xz,
}

impl Compression {
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Xz => "xz",
        }
    }
}

/// What the first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// libpcap format (µs or ns magic, either byte order; also the "modified" Kuznetzov format).
    Pcap,
    /// pcapng (Section Header Block type 0x0A0D0D0A).
    PcapNg,
    Compressed(Compression),
    /// A format we recognise but do not read; `hint` says what to do instead.
    Unsupported {
        what: &'static str,
        hint: &'static str,
    },
    /// Printable text (a log — e.g. javax.net.debug output — or a text export of packets).
    Text,
    Unknown,
}

impl Kind {
    pub fn is_capture(self) -> bool {
        matches!(self, Kind::Pcap | Kind::PcapNg)
    }
}

/// Classifies an input by its first bytes (`prefix` may be shorter at the end of a tiny file;
/// give [`TAR_SNIFF_LEN`] bytes when available to recognise tar archives).
pub fn sniff(prefix: &[u8]) -> Kind {
    let starts = |m: &[u8]| prefix.starts_with(m);
    // pcap magic in either byte order: µs (a1b2c3d4), ns (a1b23c4d), modified (a1b2cd34).
    const PCAP: [[u8; 4]; 6] = [
        [0xa1, 0xb2, 0xc3, 0xd4],
        [0xd4, 0xc3, 0xb2, 0xa1],
        [0xa1, 0xb2, 0x3c, 0x4d],
        [0x4d, 0x3c, 0xb2, 0xa1],
        [0xa1, 0xb2, 0xcd, 0x34],
        [0x34, 0xcd, 0xb2, 0xa1],
    ];
    if PCAP.iter().any(|m| starts(m)) {
        return Kind::Pcap;
    }
    if starts(&[0x0a, 0x0d, 0x0d, 0x0a]) {
        return Kind::PcapNg;
    }
    if starts(&[0x1f, 0x8b]) {
        return Kind::Compressed(Compression::Gzip);
    }
    if starts(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Kind::Compressed(Compression::Zstd);
    }
    // A zstd stream may open with a skippable frame (magic 0x184D2A50..5F, little-endian).
    if prefix.len() >= 4
        && prefix.get(1..4) == Some(&[0x2a, 0x4d, 0x18][..])
        && prefix.first().is_some_and(|b| b & 0xf0 == 0x50)
    {
        return Kind::Compressed(Compression::Zstd);
    }
    if starts(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        return Kind::Compressed(Compression::Xz);
    }
    if starts(b"BZh") && prefix.get(3).is_some_and(|d| (b'1'..=b'9').contains(d)) {
        return Kind::Unsupported {
            what: "a bzip2-compressed file",
            hint: "decompress it first (bunzip2 -k FILE) or recompress with gzip, zstd or xz",
        };
    }
    if starts(b"PK\x03\x04") {
        return Kind::Unsupported {
            what: "a zip archive",
            hint: "extract it first (unzip FILE) and analyse the capture files inside",
        };
    }
    if starts(&[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) {
        return Kind::Unsupported {
            what: "a 7-Zip archive",
            hint: "extract it first (7z x FILE) and analyse the capture files inside",
        };
    }
    if starts(&[0x04, 0x22, 0x4d, 0x18]) {
        return Kind::Unsupported {
            what: "an lz4-compressed file",
            hint: "decompress it first (lz4 -d FILE) or recompress with gzip, zstd or xz",
        };
    }
    if prefix.get(257..262) == Some(&b"ustar"[..]) {
        return Kind::Unsupported {
            what: "a tar archive",
            hint: "extract it first (tar -xf FILE) and analyse the capture files inside",
        };
    }
    if looks_like_text(prefix) {
        return Kind::Text;
    }
    Kind::Unknown
}

/// UTF-8 without control characters other than tab, CR, LF, FF and ESC (coloured logs), allowing
/// a character cut at the end of the prefix.
fn looks_like_text(prefix: &[u8]) -> bool {
    if prefix.is_empty() {
        return false;
    }
    let valid = match std::str::from_utf8(prefix) {
        Ok(s) => s,
        // A multi-byte character cut by the prefix end is still text.
        Err(e) if e.error_len().is_none() => prefix
            .get(..e.valid_up_to())
            .and_then(|p| std::str::from_utf8(p).ok())
            .unwrap_or(""),
        Err(_) => return false,
    };
    !valid.is_empty()
        && valid
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x1b'))
}
