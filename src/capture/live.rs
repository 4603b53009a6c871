//! Live capture through libpcap (the `pcap` crate): open an interface with an optional BPF filter,
//! read with a short timeout so the caller can poll a stop flag, optionally save to a pcap file.
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

/// An owned frame from a live capture.
#[derive(Debug, Clone)]
pub struct LiveFrame {
    pub ts_ns: u64,
    pub linktype: LinkType,
    pub data: Vec<u8>,
    pub orig_len: u32,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct LiveStats {
    pub received: u64,
    /// Dropped by the kernel/libpcap (buffer full).
    pub dropped: u64,
    pub if_dropped: u64,
}

pub use imp::LiveCapture;

#[cfg(feature = "live")]
mod imp {
    use super::{LinkType, LiveError, LiveFrame, LiveStats};

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
        /// Opens `iface` (read timeout 100 ms) with an optional BPF `filter`, saving to `write` if set.
        pub fn open(
            iface: &str,
            filter: Option<&str>,
            write: Option<&std::path::Path>,
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
                .timeout(100)
                .immediate_mode(true)
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

        /// The next frame, or `None` when the read timeout passed with nothing captured.
        pub fn next_frame(&mut self) -> Result<Option<LiveFrame>, LiveError> {
            match self.cap.next_packet() {
                Ok(p) => {
                    if let Some(s) = self.save.as_mut() {
                        s.write(&p);
                    }
                    let tv = p.header.ts;
                    let secs = u64::try_from(tv.tv_sec).unwrap_or(0);
                    let usecs = u64::try_from(tv.tv_usec).unwrap_or(0);
                    Ok(Some(LiveFrame {
                        ts_ns: secs
                            .saturating_mul(1_000_000_000)
                            .saturating_add(usecs.saturating_mul(1000)),
                        linktype: self.linktype,
                        data: p.data.to_vec(),
                        orig_len: p.header.len,
                    }))
                }
                Err(pcap::Error::TimeoutExpired) => Ok(None),
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
    use super::{LinkType, LiveError, LiveFrame, LiveStats};

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

        pub fn linktype(&self) -> LinkType {
            match self.never {}
        }

        pub fn next_frame(&mut self) -> Result<Option<LiveFrame>, LiveError> {
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
