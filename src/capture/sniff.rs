//! What kind of input a file is, by its first bytes (never by its name): a pcap or pcapng
//! capture, or a Java javax.net.debug text log. The one place where input formats are told
//! apart; readers for each live in their own rooms (`capture::file`, `jsselog`).

use std::io::Read;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputKind {
    /// pcap (any magic) or pcapng, or anything else the capture reader is to judge.
    Capture,
    /// A javax.net.debug log (JDK 11+ format, or JDK 8's, which the reader refuses clearly).
    JavaDebugLog,
}

/// pcap magics (µs and ns, both byte orders) and the pcapng section header block type.
fn is_capture_magic(head: &[u8]) -> bool {
    matches!(
        head.get(..4),
        Some([0xd4, 0xc3, 0xb2, 0xa1])
            | Some([0xa1, 0xb2, 0xc3, 0xd4])
            | Some([0x4d, 0x3c, 0xb2, 0xa1])
            | Some([0xa1, 0xb2, 0x3c, 0x4d])
            | Some([0x0a, 0x0d, 0x0d, 0x0a])
    )
}

/// Classifies the start of an input.
pub fn sniff(head: &[u8]) -> InputKind {
    if !is_capture_magic(head) && crate::jsselog::sniff(head).is_some() {
        InputKind::JavaDebugLog
    } else {
        InputKind::Capture
    }
}

/// Classifies a file by its first bytes; an unreadable file is left to the capture reader,
/// whose error names the problem.
pub fn sniff_path(path: &Path) -> InputKind {
    let Ok(f) = std::fs::File::open(path) else {
        return InputKind::Capture;
    };
    let mut head = Vec::with_capacity(crate::jsselog::SNIFF_BYTES);
    let limit = u64::try_from(crate::jsselog::SNIFF_BYTES).unwrap_or(u64::MAX);
    if f.take(limit).read_to_end(&mut head).is_err() {
        return InputKind::Capture;
    }
    sniff(&head)
}
