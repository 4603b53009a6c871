//! pcap and pcapng files, read as a stream (bounded buffer, refilled): memory does not grow with
//! the file. pcap: µs and ns magic, both byte orders. pcapng: several sections and interfaces,
//! each with its own link type and timestamp resolution (`if_tsresol`) and offset.
//! A file cut mid-packet keeps every frame before the cut and reports it as `truncated`.

use super::{Frame, LinkType};
use pcap_parser::pcapng::Block;
use pcap_parser::{PcapBlockOwned, PcapError};
use std::io::Read;
use std::path::Path;

/// Read buffer; a pcapng block larger than this grows the buffer up to [`MAX_BLOCK`].
const BUF_SIZE: usize = 1 << 20;
/// A block claiming more than this is treated as corruption (snap lengths are ≤ 256 KiB).
const MAX_BLOCK: usize = 16 << 20;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaptureError {
    #[error("cannot open {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is empty")]
    Empty { path: String },
    #[error("{path} is not a pcap or pcapng capture (unrecognised header)")]
    NotACapture { path: String },
    #[error("cannot read {path}: {detail}")]
    Read { path: String, detail: String },
}

/// What the reader saw besides frames.
#[derive(Debug, Clone, Default)]
pub struct FileSummary {
    /// `pcap` or `pcapng`.
    pub format: String,
    pub link_types: Vec<LinkType>,
    pub frames: u64,
    pub bytes: u64,
    /// Set when the file ends inside a record/block (cut mid-packet) or a block is corrupt:
    /// the frames before it were delivered.
    pub truncated: Option<String>,
}

#[derive(Clone, Copy)]
struct Iface {
    linktype: LinkType,
    /// Timestamp units per second.
    resolution: u64,
    offset_s: i64,
}

/// Reads `path`, calling `on_frame` for every packet in file order.
pub fn read_file(
    path: &Path,
    on_frame: &mut dyn FnMut(Frame<'_>),
) -> Result<FileSummary, CaptureError> {
    let p = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| CaptureError::Open {
        path: p.clone(),
        source,
    })?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len == 0 {
        return Err(CaptureError::Empty { path: p });
    }
    read_reader(&p, file, on_frame)
}

/// As [`read_file`], from any reader (the probe passes its in-memory pcap).
pub fn read_reader(
    name: &str,
    reader: impl Read + Send,
    on_frame: &mut dyn FnMut(Frame<'_>),
) -> Result<FileSummary, CaptureError> {
    let mut rd = match pcap_parser::create_reader(BUF_SIZE, reader) {
        Ok(r) => r,
        Err(PcapError::HeaderNotRecognized)
        | Err(PcapError::Incomplete(_))
        | Err(PcapError::Eof) => {
            return Err(CaptureError::NotACapture {
                path: name.to_owned(),
            })
        }
        Err(e) => {
            return Err(CaptureError::Read {
                path: name.to_owned(),
                detail: format!("{e:?}"),
            })
        }
    };
    let mut sum = FileSummary::default();
    let mut legacy: Option<Iface> = None;
    let mut ifaces: Vec<Iface> = Vec::new();
    let mut index: u64 = 0;
    let mut grown = BUF_SIZE;
    let mut first_block = true;
    loop {
        match rd.next() {
            Ok((offset, block)) => {
                let mut emit = |linktype: LinkType, ts_ns: u64, data: &[u8], orig_len: u32| {
                    index += 1;
                    sum.frames += 1;
                    sum.bytes += data.len() as u64;
                    if !sum.link_types.contains(&linktype) {
                        sum.link_types.push(linktype);
                    }
                    on_frame(Frame {
                        index,
                        ts_ns,
                        linktype,
                        data,
                        orig_len,
                    });
                };
                match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        sum.format = "pcap".into();
                        legacy = Some(Iface {
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
                        if let Some(ifc) = legacy {
                            let frac = u64::from(b.ts_usec);
                            let ts_ns = u64::from(b.ts_sec)
                                .saturating_mul(1_000_000_000)
                                .saturating_add(scale_to_ns(frac, ifc.resolution));
                            emit(ifc.linktype, ts_ns, b.data, b.origlen);
                        }
                    }
                    PcapBlockOwned::NG(Block::SectionHeader(_)) => {
                        sum.format = "pcapng".into();
                        // Interface ids are per section.
                        ifaces.clear();
                    }
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        ifaces.push(Iface {
                            linktype: LinkType(u32::try_from(idb.linktype.0).unwrap_or(u32::MAX)),
                            resolution: idb.ts_resolution().unwrap_or(1_000_000),
                            offset_s: idb.ts_offset(),
                        });
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        let ifc = usize::try_from(epb.if_id)
                            .ok()
                            .and_then(|i| ifaces.get(i))
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
                            emit(ifc.linktype, ts_ns, data, epb.origlen);
                        } else if sum.truncated.is_none() {
                            sum.truncated =
                                Some(format!("packet block for unknown interface {}", epb.if_id));
                        }
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                        if let Some(ifc) = ifaces.first().copied() {
                            emit(ifc.linktype, 0, spb.data, spb.origlen);
                        }
                    }
                    PcapBlockOwned::NG(_) => {}
                }
                first_block = false;
                rd.consume(offset);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => {
                if rd.refill().is_err() {
                    sum.truncated = Some("read error while refilling the buffer".into());
                    break;
                }
                // refill() at EOF leaves the buffer unchanged: detect no progress.
                if rd.reader_exhausted() {
                    // One more try to parse what is in the buffer, then give up.
                    match rd.next() {
                        Err(PcapError::Incomplete(_)) | Err(PcapError::UnexpectedEof) => {
                            sum.truncated = Some(format!(
                                "the file ends in the middle of a packet after frame {index}"
                            ));
                            break;
                        }
                        _ => continue,
                    }
                }
            }
            Err(PcapError::UnexpectedEof) => {
                sum.truncated = Some(format!(
                    "the file ends in the middle of a packet after frame {index}"
                ));
                break;
            }
            Err(PcapError::BufferTooSmall) => {
                if grown >= MAX_BLOCK {
                    sum.truncated = Some(format!(
                        "a block after frame {index} claims more than {MAX_BLOCK} bytes"
                    ));
                    break;
                }
                grown *= 2;
                if !rd.grow(grown) || rd.refill().is_err() {
                    sum.truncated = Some(format!("cannot read a block after frame {index}"));
                    break;
                }
            }
            Err(e) => {
                if first_block {
                    return Err(CaptureError::NotACapture {
                        path: name.to_owned(),
                    });
                }
                sum.truncated = Some(format!("corrupt data after frame {index}: {e:?}"));
                break;
            }
        }
    }
    Ok(sum)
}

fn scale_to_ns(frac: u64, resolution: u64) -> u64 {
    match resolution {
        0 => 0,
        1_000_000_000 => frac,
        r if r < 1_000_000_000 => frac.saturating_mul(1_000_000_000 / r),
        r => frac / (r / 1_000_000_000),
    }
}
