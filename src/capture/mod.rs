//! Capture sources: frames (index, timestamp, link type, bytes) from pcap/pcapng files, read as a
//! stream with pcap-parser (pure Rust, so pcapng files whose interfaces have different link types
//! work — libpcap refuses those), and from live interfaces through libpcap (`live`, a cargo
//! feature). Inputs are files or standard input, recognised by their first bytes (`sniff`),
//! gzip/zstd/xz decompressed while read (`decompress`), one or several merged by time (`merge`).
//! Must not parse above the link layer.

mod decompress;
pub(crate) mod file;
pub mod input;
pub(crate) mod live;
pub(crate) mod merge;
pub(crate) mod sniff;
pub mod synth;

pub use file::{read_file, read_input, read_reader, CaptureError, FileSummary, FrameReader};
pub use input::{open, InputPath};
pub use merge::MergeReader;
pub use sniff::{Compression, Kind};

/// The frames of one input, or of several merged by time.
#[derive(Debug)]
pub enum Frames {
    One(Box<FrameReader<'static>>),
    Merged(MergeReader),
}

impl Frames {
    /// One input is read as it is; several are merged by time ([`MergeReader`]).
    pub fn open(paths: &[InputPath]) -> Result<Frames, CaptureError> {
        match paths {
            [one] => Ok(Frames::One(Box::new(FrameReader::open(one)?))),
            many => Ok(Frames::Merged(MergeReader::open(many)?)),
        }
    }

    pub fn advance(&mut self) -> bool {
        match self {
            Frames::One(r) => r.advance(),
            Frames::Merged(m) => m.advance(),
        }
    }

    pub fn frame(&self) -> Option<Frame<'_>> {
        match self {
            Frames::One(r) => r.frame(),
            Frames::Merged(m) => m.frame(),
        }
    }

    pub fn into_summary(self) -> FileSummary {
        match self {
            Frames::One(r) => r.into_summary(),
            Frames::Merged(m) => m.into_summary(),
        }
    }

    /// Calls `on_frame` for every frame, then returns the summary.
    pub fn drain(mut self, on_frame: &mut dyn FnMut(Frame<'_>)) -> FileSummary {
        while self.advance() {
            if let Some(f) = self.frame() {
                on_frame(f);
            }
        }
        self.into_summary()
    }
}

/// A link-layer type number (LINKTYPE_*, tcpdump.org/linktypes.html).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkType(pub u32);

impl LinkType {
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    pub const RAW_BSD12: LinkType = LinkType(12);
    pub const RAW_BSD14: LinkType = LinkType(14);
    pub const RAW: LinkType = LinkType(101);
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);

    pub fn name(self) -> String {
        match self.0 {
            0 => "NULL".into(),
            1 => "ETHERNET".into(),
            12 | 14 | 101 => "RAW".into(),
            108 => "LOOP".into(),
            113 => "LINUX_SLL".into(),
            228 => "IPV4".into(),
            229 => "IPV6".into(),
            276 => "LINUX_SLL2".into(),
            n => format!("LINKTYPE_{n}"),
        }
    }
}

/// One captured frame. `index` is 1-based like Wireshark's frame numbers.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    pub index: u64,
    pub ts_ns: u64,
    pub linktype: LinkType,
    pub data: &'a [u8],
    /// Length on the wire (may exceed `data.len()` when the snap length cut the frame).
    pub orig_len: u32,
}

#[cfg(test)]
mod tests;
