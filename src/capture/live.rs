//! Live capture through libpcap (the `pcap` crate): open an interface with an optional BPF filter,
//! read what the kernel has ready in batches ([`LiveCapture::read_batch`]), optionally save to a
//! pcap file; [`LiveCapture::stopper`] wakes a blocked read from another thread.
//!
//! Keeping up (issue 18 §5): the kernel ring is large ([`LiveConfig::buffer_bytes`], 64 MiB by
//! default, tcpdump's `-B`) and immediate mode is off, so libpcap uses TPACKET_V3, whose blocks
//! hold packets at their own length. Immediate mode forced TPACKET_V2, whose ring slots are sized
//! for the largest frame (about 64 KiB on `lo`): libpcap's default 2 MiB held ~32 packets and the
//! kernel dropped packets at a few thousand per second. The kernel hands a block over when it is
//! full or after [`LiveConfig::timeout_ms`].
//! Errors say what to do: missing permission (root or CAP_NET_RAW, or `tcpdump -w` and
//! `tlsdiag FILE`), unknown interface (the list of interfaces that exist).
//!
//! libpcap is linked only with the cargo feature `live` (default on). The static build
//! (README, "One static binary") leaves it out: then [`LiveCapture::open`] fails with
//! [`LiveError::NotBuilt`] and everything else works from files.

use super::LinkType;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LiveError {
    #[error("no permission to capture on {iface}: run as root or give the binary CAP_NET_RAW (setcap cap_net_raw,cap_net_admin=eip tlsdiag), or capture with `tcpdump -i {iface} -w file.pcap` and open it with `tlsdiag file.pcap`")]
    Permission { iface: String },
    #[error("no interface named {iface} (interfaces: {known})")]
    UnknownInterface { iface: String, known: String },
    #[error("bad capture filter {filter:?}: {detail}")]
    Filter { filter: String, detail: String },
    #[error("cannot capture on {iface}: {detail}")]
    Open { iface: String, detail: String },
    #[error("capture on {iface} failed: {detail}")]
    Read { iface: String, detail: String },
    #[error("cannot write {path}: {detail}")]
    Save { path: String, detail: String },
    #[error("built without live capture (cargo feature `live`); capture with `tcpdump -i {iface} -w file.pcap` and analyse the file with `tlsdiag analyze file.pcap`")]
    NotBuilt { iface: String },
}

/// How a live capture is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveConfig {
    /// The kernel's ring buffer in bytes (tcpdump's `-B`, in KiB there).
    pub buffer_bytes: u32,
    /// At most this long (ms) between a packet's arrival and its hand-over to us.
    pub timeout_ms: u16,
}

/// 64 MiB: at 1 Gbit/s the ring holds about half a second of traffic.
pub const DEFAULT_BUFFER_BYTES: u32 = 64 << 20;

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            buffer_bytes: DEFAULT_BUFFER_BYTES,
            timeout_ms: 100,
        }
    }
}

/// Frames read from a live capture in one go: their bytes back to back in one buffer (one
/// allocation reused batch after batch, not one per packet).
#[derive(Debug, Clone)]
pub struct LiveBatch {
    pub linktype: LinkType,
    /// (timestamp ns, length on the wire, end of the frame's bytes in `data`).
    meta: Vec<(u64, u32, usize)>,
    data: Vec<u8>,
}

impl LiveBatch {
    pub fn new(linktype: LinkType) -> Self {
        LiveBatch {
            linktype,
            meta: Vec::new(),
            data: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.meta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// Captured bytes held.
    pub fn bytes(&self) -> usize {
        self.data.len()
    }

    /// Bytes the buffer can hold without growing.
    pub fn capacity(&self) -> usize {
        self.data.capacity()
    }

    pub fn clear(&mut self) {
        self.meta.clear();
        self.data.clear();
    }

    pub fn push(&mut self, ts_ns: u64, orig_len: u32, bytes: &[u8]) {
        self.data.extend_from_slice(bytes);
        self.meta.push((ts_ns, orig_len, self.data.len()));
    }

    /// The frames as (timestamp ns, length on the wire, captured bytes).
    pub fn frames(&self) -> impl Iterator<Item = (u64, u32, &[u8])> + '_ {
        let mut start = 0;
        self.meta.iter().map(move |&(ts, orig, end)| {
            let bytes = self.data.get(start..end).unwrap_or(&[]);
            start = end;
            (ts, orig, bytes)
        })
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct LiveStats {
    pub received: u64,
    /// Dropped by the kernel/libpcap (buffer full).
    pub dropped: u64,
    pub if_dropped: u64,
}

pub use imp::{LiveCapture, LiveStopper};

#[cfg(feature = "live")]
mod imp {
    use super::{LinkType, LiveBatch, LiveConfig, LiveError, LiveStats};

    /// Wakes a [`LiveCapture::read_batch`] blocked in another thread (libpcap's breakloop).
    pub struct LiveStopper(pcap::BreakLoop);

    impl LiveStopper {
        pub fn stop(&self) {
            self.0.breakloop();
        }
    }

    impl std::fmt::Debug for LiveStopper {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("LiveStopper")
        }
    }

    pub struct LiveCapture {
        iface: String,
        cap: pcap::Capture<pcap::Active>,
        linktype: LinkType,
        save: Option<pcap::Savefile>,
    }

    impl std::fmt::Debug for LiveCapture {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("LiveCapture")
                .field("iface", &self.iface)
                .finish()
        }
    }

    impl LiveCapture {
        /// Opens `iface` with an optional BPF `filter`, saving to `write` if set, with the
        /// default [`LiveConfig`].
        pub fn open(
            iface: &str,
            filter: Option<&str>,
            write: Option<&std::path::Path>,
        ) -> Result<Self, LiveError> {
            Self::open_with(iface, filter, write, LiveConfig::default())
        }

        pub fn open_with(
            iface: &str,
            filter: Option<&str>,
            write: Option<&std::path::Path>,
            config: LiveConfig,
        ) -> Result<Self, LiveError> {
            let devices = pcap::Device::list().unwrap_or_default();
            if !devices.is_empty() && !devices.iter().any(|d| d.name == iface) {
                return Err(LiveError::UnknownInterface {
                    iface: iface.to_owned(),
                    known: devices
                        .iter()
                        .map(|d| d.name.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            let inactive = pcap::Capture::from_device(iface).map_err(|e| LiveError::Open {
                iface: iface.to_owned(),
                detail: e.to_string(),
            })?;
            let mut cap = inactive
                .promisc(false)
                .snaplen(262_144)
                .buffer_size(i32::try_from(config.buffer_bytes).unwrap_or(i32::MAX))
                .timeout(i32::from(config.timeout_ms.max(1)))
                // Off: TPACKET_V3 (see the module's head comment).
                .immediate_mode(false)
                .open()
                .map_err(|e| classify_open(iface, e))?;
            if let Some(f) = filter {
                cap.filter(f, true).map_err(|e| LiveError::Filter {
                    filter: f.to_owned(),
                    detail: e.to_string(),
                })?;
            }
            let linktype = LinkType(u32::try_from(cap.get_datalink().0).unwrap_or(u32::MAX));
            let save = match write {
                Some(p) => Some(cap.savefile(p).map_err(|e| LiveError::Save {
                    path: p.display().to_string(),
                    detail: e.to_string(),
                })?),
                None => None,
            };
            Ok(LiveCapture {
                iface: iface.to_owned(),
                cap,
                linktype,
                save,
            })
        }

        pub fn linktype(&self) -> LinkType {
            self.linktype
        }

        /// A handle that wakes a blocked [`Self::read_batch`] (which then returns 0).
        pub fn stopper(&mut self) -> LiveStopper {
            LiveStopper(self.cap.breakloop_handle())
        }

        /// Appends the frames the kernel has ready (one ring block, at most `max`) to `batch`,
        /// writing them to the save file too; blocks until a block is handed over (full or
        /// timed out) or the stopper is called. Returns the number added (0 when stopped).
        pub fn read_batch(
            &mut self,
            batch: &mut LiveBatch,
            max: usize,
        ) -> Result<usize, LiveError> {
            let save = &mut self.save;
            let r = self.cap.dispatch(Some(max.max(1)), |p| {
                if let Some(s) = save.as_mut() {
                    s.write(&p);
                }
                let tv = p.header.ts;
                let secs = u64::try_from(tv.tv_sec).unwrap_or(0);
                let usecs = u64::try_from(tv.tv_usec).unwrap_or(0);
                batch.push(
                    secs.saturating_mul(1_000_000_000)
                        .saturating_add(usecs.saturating_mul(1000)),
                    p.header.len,
                    p.data,
                );
            });
            match r {
                Ok(n) => Ok(n),
                // Woken by the stopper (PCAP_ERROR_BREAK) or the read timeout.
                Err(pcap::Error::TimeoutExpired) | Err(pcap::Error::NoMorePackets) => Ok(0),
                Err(e) => Err(LiveError::Read {
                    iface: self.iface.clone(),
                    detail: e.to_string(),
                }),
            }
        }

        pub fn flush(&mut self) {
            if let Some(s) = self.save.as_mut() {
                let _ = s.flush();
            }
        }

        pub fn stats(&mut self) -> LiveStats {
            match self.cap.stats() {
                Ok(s) => LiveStats {
                    received: u64::from(s.received),
                    dropped: u64::from(s.dropped),
                    if_dropped: u64::from(s.if_dropped),
                },
                Err(_) => LiveStats::default(),
            }
        }
    }

    fn classify_open(iface: &str, e: pcap::Error) -> LiveError {
        let s = e.to_string();
        let lower = s.to_lowercase();
        if lower.contains("permission") || lower.contains("not permitted") {
            LiveError::Permission {
                iface: iface.to_owned(),
            }
        } else if lower.contains("no such device") {
            LiveError::UnknownInterface {
                iface: iface.to_owned(),
                known: String::from("see `ip link`"),
            }
        } else {
            LiveError::Open {
                iface: iface.to_owned(),
                detail: s,
            }
        }
    }
}

/// Without libpcap: the same API, and opening says how to capture instead.
#[cfg(not(feature = "live"))]
mod imp {
    use super::{LinkType, LiveBatch, LiveConfig, LiveError, LiveStats};

    /// Cannot be constructed either.
    #[derive(Debug)]
    pub struct LiveStopper {
        never: std::convert::Infallible,
    }

    impl LiveStopper {
        pub fn stop(&self) {
            match self.never {}
        }
    }

    /// Cannot be constructed: [`LiveCapture::open`] always fails in this build.
    #[derive(Debug)]
    pub struct LiveCapture {
        never: std::convert::Infallible,
    }

    impl LiveCapture {
        pub fn open(
            iface: &str,
            _filter: Option<&str>,
            _write: Option<&std::path::Path>,
        ) -> Result<Self, LiveError> {
            Err(LiveError::NotBuilt {
                iface: iface.to_owned(),
            })
        }

        pub fn open_with(
            iface: &str,
            filter: Option<&str>,
            write: Option<&std::path::Path>,
            _config: LiveConfig,
        ) -> Result<Self, LiveError> {
            Self::open(iface, filter, write)
        }

        pub fn stopper(&mut self) -> LiveStopper {
            match self.never {}
        }

        pub fn read_batch(
            &mut self,
            _batch: &mut LiveBatch,
            _max: usize,
        ) -> Result<usize, LiveError> {
            match self.never {}
        }

        pub fn linktype(&self) -> LinkType {
            match self.never {}
        }

        pub fn flush(&mut self) {
            match self.never {}
        }

        pub fn stats(&mut self) -> LiveStats {
            match self.never {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_gives_back_each_frame_with_its_time_and_length() {
        let mut b = LiveBatch::new(LinkType::ETHERNET);
        b.push(1_000, 60, &[1, 2, 3]);
        b.push(2_000, 1514, &[]);
        b.push(3_000, 9000, &[4, 5]);
        let got: Vec<(u64, u32, Vec<u8>)> =
            b.frames().map(|(t, o, d)| (t, o, d.to_vec())).collect();
        assert_eq!(
            got,
            vec![
                (1_000, 60, vec![1, 2, 3]),
                (2_000, 1514, vec![]),
                (3_000, 9000, vec![4, 5])
            ]
        );
        assert_eq!((b.len(), b.bytes()), (3, 5));
        b.clear();
        assert!(b.is_empty());
        assert_eq!(b.frames().count(), 0);
        assert!(b.capacity() >= 5, "the buffer is kept for the next batch");
    }
}
