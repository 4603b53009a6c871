//! The driver: frames → TCP flows → per-direction reassembly → one TLS decoder per flow →
//! `model::Analysis`. Incremental (`push_frame`, `snapshot`, `finish`) so files, live captures
//! and the probe's synthesised pcap share it. A closed flow is finished at once and only its
//! small `TlsFacts` are kept: memory grows with open connections, not with the file.
//! Must not format output.

use crate::capture::{self, Frame, InputPath};
use crate::model::{
    Analysis, Anomaly, Connection, Coverage, Endpoint, Gap, Provenance, Side, SourceFile,
    SourceInfo,
};
use crate::net::{self, Segment, ACK, FIN, RST, SYN};
use crate::reassembly::{Event, Stream};
use crate::tls::{self, ConnectionDecoder, DecodeOptions};
use crate::upgrade;
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;

mod ending;
mod entry;
mod flow_io;
use ending::connection_of;
pub mod live;
pub use entry::{
    analyze_bytes, analyze_frames, analyze_inputs, analyze_opened, analyze_path,
    analyze_path_ordered, analyze_path_streaming, finish_with, open, open_input, source_name,
    Delivery, Opened,
};
use flow_io::{deliver, feed, rebase_to, split};

#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// Only connections with this address at either end.
    pub host: Option<IpAddr>,
    /// Only connections with this port at either end.
    pub port: Option<u16>,
    /// Only connections whose ClientHello SNI equals this (case-insensitive).
    pub sni: Option<String>,
    pub decode: DecodeOptions,
    /// At most this many flows followed at once (default [`MAX_OPEN_FLOWS`]); past it the least
    /// recently active one is ended early and counted (anomaly `flows_evicted`).
    pub max_open_flows: Option<usize>,
}

/// Flows followed at once before the least recently active is ended early (memory bound: a
/// capture of hundreds of thousands of half-open connections stays under 256 MiB).
pub const MAX_OPEN_FLOWS: usize = 10_000;
/// How long (capture time) a closed flow (both FINs, or a RST) still takes its late segments:
/// the peer's data already on the wire when the other side reset (a server's Certificate after
/// the client's RST), retransmissions. Ended earlier by a new SYN on the same 4-tuple.
pub const LINGER_NS: u64 = 5_000_000_000;
/// 4-tuples of ended flows remembered, so that their later segments (a retransmitted alert, late
/// data) start no new connection; the oldest are forgotten first.
pub const MAX_ENDED_TUPLES: usize = 65_536;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnalyzeError {
    #[error(transparent)]
    Capture(#[from] capture::CaptureError),
    #[error(transparent)]
    JsseLog(#[from] crate::jsselog::JsseLogError),
}

type Key = (IpAddr, u16, IpAddr, u16);
/// The flow table: one lookup per frame, so foldhash (seeded per process) instead of SipHash;
/// flows boxed (a `Flow` is ~5 KB) so the table stays small and growing it moves pointers.
type FlowMap = HashMap<Key, Box<Flow>, foldhash::fast::RandomState>;

struct Flow {
    /// Endpoint 0 is the first sender seen; `client` says which index is the client once known.
    ep: [(IpAddr, u16); 2],
    client: Option<usize>,
    roles_inferred: bool,
    streams: [Stream; 2],
    decoder: ConnectionDecoder,
    /// Plaintext before TLS (proxy, PROXY header, STARTTLS): it hands the decoder only TLS.
    upgrade: upgrade::Reader,
    syn_seen: bool,
    /// Initial sequence number of each direction's SYN, when seen.
    isn: [Option<u32>; 2],
    fin: [bool; 2],
    rst: bool,
    first_frame: u64,
    last_frame: u64,
    start_ts_ns: u64,
    gaps: Vec<Gap>,
    /// Frames cut by the snap length.
    snap: Option<crate::model::SnapCut>,
    not_tls: bool,
    /// Held until the client is known: (dir index, seq, payload, prov). Bounded: only the first
    /// segments of a flow without SYN.
    early: Vec<(usize, u32, Vec<u8>, Provenance)>,
    /// Every initial sequence number seen per direction (several SYN-ACKs with different ISNs):
    /// the stream follows the one the peer acknowledges.
    syn_isns: [[Option<u32>; MAX_ISNS]; 2],
    /// Its place in the recency order ([`Analyzer::lru`]).
    tick: u64,
    /// Both FINs or a RST seen: waiting [`LINGER_NS`] for late segments.
    closing: bool,
}

const MAX_ISNS: usize = 4;

const EARLY_LIMIT: usize = 16;

impl Flow {
    fn side_of(&self, dir: usize) -> Side {
        match self.client {
            Some(c) if c == dir => Side::Client,
            _ => Side::Server,
        }
    }
    fn done(&self) -> bool {
        self.rst || (self.fin[0] && self.fin[1])
    }
}

/// Frames in, analysis out.
pub struct Analyzer {
    opts: AnalyzeOptions,
    flows: FlowMap,
    finished: Vec<Connection>,
    source: SourceInfo,
    anomalies: Vec<Anomaly>,
    /// Streaming: finished connections go here (numbered in the order they end) instead of
    /// being kept, so memory holds only open connections.
    sink: Option<Box<dyn FnMut(Connection)>>,
    streamed: usize,
    /// Ordered streaming (`--json`): finished connections wait in `pending` until no open flow
    /// started before them, then go to the sink numbered by start, as the document numbers them.
    ordered: bool,
    open_starts: std::collections::BTreeSet<u64>,
    pending: std::collections::BTreeMap<u64, Connection>,
    pending_cap: usize,
    /// Link types already named in `source.link_types` (checked per frame without allocating).
    seen_links: Vec<capture::LinkType>,
    /// Closed flows in the order they closed: (close time, key, first frame).
    closing: std::collections::VecDeque<(u64, Key, u64)>,
    /// 4-tuples of ended flows (value: a generation, so a forgotten and re-ended tuple is told
    /// apart in `ended_order`), bounded by [`MAX_ENDED_TUPLES`].
    ended: HashMap<Key, u64, foldhash::fast::RandomState>,
    ended_order: std::collections::VecDeque<(Key, u64)>,
    ended_gen: u64,
    /// Open flows by recency (tick of their last segment).
    lru: std::collections::BTreeMap<u64, Key>,
    tick: u64,
    max_flows: usize,
    /// Flows ended early because too many were open, and the frame of the first.
    evicted: u64,
    first_eviction: Option<u64>,
    /// Flows the address filter left out (bounded by FILTERED_OUT_CAP).
    filtered_out: std::collections::HashSet<Key>,
}

/// At most this many filtered-out flows are told apart (then counting stops: "at least").
const FILTERED_OUT_CAP: usize = 65_536;

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("open_flows", &self.flows.len())
            .field("finished", &self.finished.len())
            .finish()
    }
}

/// Ordered streaming: at most this many finished connections wait for an earlier open one.
const MAX_PENDING: usize = 4096;

fn key(a: (IpAddr, u16), b: (IpAddr, u16)) -> Key {
    if a <= b {
        (a.0, a.1, b.0, b.1)
    } else {
        (b.0, b.1, a.0, a.1)
    }
}

impl Analyzer {
    pub fn new(opts: AnalyzeOptions) -> Self {
        let mut filter = Vec::new();
        if let Some(h) = opts.host {
            filter.push(format!("--host {h}"));
        }
        if let Some(p) = opts.port {
            filter.push(format!("--port {p}"));
        }
        let source = SourceInfo {
            filter: (!filter.is_empty()).then(|| filter.join(" ")),
            ..SourceInfo::default()
        };
        Analyzer {
            max_flows: opts.max_open_flows.unwrap_or(MAX_OPEN_FLOWS).max(2),
            opts,
            flows: FlowMap::default(),
            finished: Vec::new(),
            source,
            anomalies: Vec::new(),
            sink: None,
            streamed: 0,
            ordered: false,
            open_starts: std::collections::BTreeSet::new(),
            pending: std::collections::BTreeMap::new(),
            pending_cap: MAX_PENDING,
            seen_links: Vec::new(),
            closing: std::collections::VecDeque::new(),
            ended: HashMap::default(),
            ended_order: std::collections::VecDeque::new(),
            ended_gen: 0,
            lru: std::collections::BTreeMap::new(),
            tick: 0,
            evicted: 0,
            first_eviction: None,
            filtered_out: std::collections::HashSet::new(),
        }
    }

    /// Hands every finished connection to `sink` instead of keeping it (see [`analyze_path_streaming`]).
    pub fn set_sink(&mut self, sink: Box<dyn FnMut(Connection)>) {
        self.sink = Some(sink);
    }

    /// Like [`Analyzer::set_sink`], but connections reach the sink in the order they started
    /// (by first frame) and numbered so — the same numbers as [`Analyzer::finish`] gives. A
    /// connection waits only while an earlier one is still open.
    pub fn set_ordered_sink(&mut self, sink: Box<dyn FnMut(Connection)>) {
        self.sink = Some(sink);
        self.ordered = true;
    }

    /// Names the source (`path`, `pcapng`) for the report.
    pub fn set_source(&mut self, name: &str, format: &str) {
        self.source.name = name.to_owned();
        self.source.format = format.to_owned();
    }

    pub fn add_anomaly(&mut self, a: Anomaly) {
        self.anomalies.push(a);
    }

    pub fn push_frame(&mut self, frame: &Frame<'_>) {
        self.source.frames += 1;
        self.source.bytes += frame.data.len() as u64;
        if self.source.first_ts_ns.is_none() {
            self.source.first_ts_ns = Some(frame.ts_ns);
        }
        if !self.seen_links.contains(&frame.linktype) {
            self.seen_links.push(frame.linktype);
            self.source.link_types.push(frame.linktype.name());
        }
        // Captured length < original length: the snap length cut the frame.
        let cut = (frame.data.len() < frame.orig_len as usize).then(|| {
            (
                u32::try_from(frame.data.len()).unwrap_or(u32::MAX),
                frame.orig_len,
            )
        });
        let parsed = match net::parse(frame.linktype, frame.data) {
            Err(_) if cut.is_some() => net::parse_cut(frame.linktype, frame.data),
            r => r,
        };
        let seg = match parsed {
            Ok(s) => s,
            Err(_) => {
                self.source.skipped_frames += 1;
                return;
            }
        };
        let host_out = self.opts.host.is_some_and(|h| seg.src != h && seg.dst != h);
        let port_out = self
            .opts
            .port
            .is_some_and(|p| seg.sport != p && seg.dport != p);
        if host_out || port_out {
            // Counted so that "none matched" can say how many flows there were.
            let starts = !seg.payload.is_empty() || seg.has(SYN);
            if starts && self.filtered_out.len() < FILTERED_OUT_CAP {
                self.filtered_out
                    .insert(key((seg.src, seg.sport), (seg.dst, seg.dport)));
                self.source.filtered_out_flows = self.filtered_out.len() as u64;
            }
            return;
        }
        let prov = Provenance {
            frame: frame.index,
            ts_ns: frame.ts_ns,
        };
        self.segment(&seg, prov, cut);
    }

    fn segment(&mut self, seg: &Segment<'_>, prov: Provenance, cut: Option<(u32, u32)>) {
        let src = (seg.src, seg.sport);
        let dst = (seg.dst, seg.dport);
        let k = key(src, dst);
        self.expire(prov.ts_ns);
        let pure_syn = seg.has(SYN) && !seg.has(ACK);
        // A SYN (without ACK) with a new initial sequence number on a known 4-tuple starts a new
        // connection; the same SYN again (a retransmission, or the copy a multi-interface
        // capture holds) does not.
        if pure_syn {
            let restart = self.flows.get(&k).is_some_and(|f| {
                let dir = usize::from(f.ep[0] != src);
                let isn = f.isn.get(dir).copied().flatten();
                let started = f.streams.get(dir).is_some_and(Stream::has_started);
                isn != Some(seg.seq) && (isn.is_some() || f.done() || started)
            });
            if restart {
                if let Some(old) = self.flows.remove(&k) {
                    self.finish_flow(old);
                }
            }
        }
        let decode = &self.opts.decode;
        let flow = match self.flows.entry(k) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            // A bare ACK, FIN or RST of a flow we do not hold (the last ACK after both FINs, or
            // the tail of a connection whose start is not in the capture) starts nothing: it
            // would open a flow that never ends and hold its memory until the end of the file.
            std::collections::hash_map::Entry::Vacant(_)
                if seg.payload.is_empty() && !seg.has(SYN) =>
            {
                return;
            }
            // A segment of a connection that already ended (a retransmitted alert, data after
            // both FINs or a RST, later than the linger): it belongs to that connection, whose
            // report is written; only a new SYN starts a new one.
            std::collections::hash_map::Entry::Vacant(_)
                if !pure_syn && self.ended.contains_key(&k) =>
            {
                return;
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                self.ended.remove(&k);
                self.source.tcp_flows += 1;
                if self.ordered {
                    self.open_starts.insert(prov.frame);
                }
                v.insert(Box::new(Flow {
                    ep: [src, dst],
                    client: None,
                    roles_inferred: false,
                    streams: [Stream::default(), Stream::default()],
                    decoder: ConnectionDecoder::new(prov.ts_ns, decode.clone()),
                    upgrade: upgrade::Reader::new(),
                    syn_seen: false,
                    isn: [None, None],
                    fin: [false, false],
                    rst: false,
                    first_frame: prov.frame,
                    last_frame: prov.frame,
                    start_ts_ns: prov.ts_ns,
                    gaps: Vec::new(),
                    snap: None,
                    not_tls: false,
                    early: Vec::new(),
                    syn_isns: [[None; MAX_ISNS]; 2],
                    tick: 0,
                    closing: false,
                }))
            }
        };
        flow.last_frame = prov.frame;
        self.tick += 1;
        self.lru.remove(&flow.tick);
        flow.tick = self.tick;
        self.lru.insert(self.tick, k);
        if let Some((captured, original)) = cut {
            let s = flow.snap.get_or_insert(crate::model::SnapCut {
                frames: 0,
                first_frame: prov.frame,
                captured_length: captured,
                original_length: original,
            });
            s.frames += 1;
            s.captured_length = s.captured_length.max(captured);
            s.original_length = s.original_length.max(original);
        }
        let dir = usize::from(flow.ep[0] != src);
        let other = 1 - dir;
        // Payload in a SYN (TCP Fast Open, RFC 7413) starts one past the SYN's sequence number.
        let data_seq = if seg.has(SYN) {
            seg.seq.wrapping_add(1)
        } else {
            seg.seq
        };
        if seg.has(SYN) {
            flow.syn_seen = true;
            if let Some(i) = flow.isn.get_mut(dir) {
                i.get_or_insert(seg.seq);
            }
            if let Some(cands) = flow.syn_isns.get_mut(dir) {
                if !cands.contains(&Some(seg.seq)) {
                    if let Some(free) = cands.iter_mut().find(|c| c.is_none()) {
                        *free = Some(seg.seq);
                    }
                }
            }
            if let Some(s) = flow.streams.get_mut(dir) {
                s.syn(seg.seq);
            }
            if flow.client.is_none() {
                flow.client = Some(if seg.has(ACK) { other } else { dir });
            }
        } else {
            // Several SYNs with different ISNs in one direction (a SYN-ACK with a new ISN after
            // a retransmitted SYN): the stream starts after the one the peer acknowledges, or
            // the one this direction's first data continues.
            if seg.has(ACK) {
                rebase_to(flow, other, seg.ack);
            }
            if !seg.payload.is_empty() {
                rebase_to(flow, dir, seg.seq);
            }
        }
        if !seg.payload.is_empty() && !flow.not_tls {
            if flow.client.is_none() {
                if tls::starts_with_client_hello(seg.payload) {
                    flow.client = Some(dir);
                    flow.roles_inferred = true;
                } else if tls::starts_with_server_hello(seg.payload) {
                    flow.client = Some(other);
                    flow.roles_inferred = true;
                } else if flow.early.len() < EARLY_LIMIT {
                    flow.early.push((dir, data_seq, seg.payload.to_vec(), prov));
                    return;
                } else {
                    // No hello in sight: the side with the higher (ephemeral) port is the client.
                    let c = if flow.ep[0].1 >= flow.ep[1].1 { 0 } else { 1 };
                    flow.client = Some(c);
                    flow.roles_inferred = true;
                }
                let early = std::mem::take(&mut flow.early);
                for (d, seq, data, p) in early {
                    feed(flow, d, seq, &data, p);
                }
            }
            feed(flow, dir, data_seq, seg.payload, prov);
        }
        if seg.has(ACK) && flow.client.is_some() {
            let side = flow.side_of(other);
            let (streams, mut tls) = split(flow);
            if let Some(s) = streams.get_mut(other) {
                s.acked(seg.ack, &mut |e| deliver(&mut tls, side, e));
            }
        }
        if seg.has(FIN) || seg.has(RST) {
            if seg.has(RST) {
                flow.rst = true;
            }
            if let Some(f) = flow.fin.get_mut(dir) {
                *f = true;
            }
            if flow.client.is_some() {
                let side = flow.side_of(dir);
                let (streams, mut tls) = split(flow);
                if let Some(s) = streams.get_mut(dir) {
                    s.flush(&mut |e| deliver(&mut tls, side, e));
                }
                flow.decoder.closed(side, prov, seg.has(RST));
            }
        }
        // Plain HTTP is not TLS but is followed (its exchanges are the connection's facts).
        let newly_not_tls = !flow.not_tls
            && ((flow.decoder.is_tls() == Some(false) && !flow.decoder.is_plain_http())
                || flow.upgrade.is_plain());
        if newly_not_tls {
            flow.not_tls = true;
        }
        let (done, first) = (flow.done(), flow.first_frame);
        if done && !flow.closing {
            flow.closing = true;
            self.closing.push_back((prov.ts_ns, k, first));
        }
        if newly_not_tls && self.ordered {
            // Not TLS: it will never be written, so it holds no later connection back.
            self.open_starts.remove(&first);
            self.release();
        }
        while self.flows.len() > self.max_flows {
            if !self.evict_one(prov) {
                break;
            }
        }
    }

    /// The analysis so far, without ending open connections (for live and progressive views).
    pub fn snapshot(&self) -> Analysis {
        let mut conns = self.finished.clone();
        for flow in self.flows.values() {
            if let Some(c) = self.open_connection(flow) {
                conns.push(c);
            }
        }
        self.assemble(conns)
    }

    fn open_connection(&self, flow: &Flow) -> Option<Connection> {
        let client = flow.client?;
        let plain_http = flow.decoder.is_plain_http();
        if (flow.not_tls || flow.decoder.is_tls() == Some(false)) && !plain_http {
            return None;
        }
        let facts = flow.decoder.snapshot();
        if !plain_http {
            facts.client_hello.as_ref()?;
        }
        let coverage = Coverage {
            syn_seen: flow.syn_seen,
            roles_inferred: flow.roles_inferred,
            gaps: flow.gaps.clone(),
            snap: flow.snap,
            ..Coverage::default()
        };
        Some(connection_of(
            flow,
            client,
            coverage,
            flow.upgrade.snapshot(),
            facts,
        ))
    }

    fn assemble(&self, mut conns: Vec<Connection>) -> Analysis {
        conns.sort_by_key(|c| c.first_frame);
        let first = self.source.first_ts_ns.unwrap_or(0);
        for (i, c) in conns.iter_mut().enumerate() {
            c.id = i + 1;
            c.start_offset = c.start_ts_ns.saturating_sub(first) as f64 / 1e9;
        }
        Analysis {
            source: self.source.clone(),
            connections: conns,
            anomalies: self.anomalies.clone(),
        }
    }

    /// Ends every open connection and returns the analysis.
    pub fn finish(mut self) -> Analysis {
        // Closed flows end in the order they closed, then the open ones in the order they
        // started: the order `--stream` writes them in does not depend on the hash table.
        while let Some((_, k, first)) = self.closing.pop_front() {
            self.end_if_closing(k, first);
        }
        let mut open: Vec<(u64, Key)> = self
            .flows
            .iter()
            .map(|(k, f)| (f.first_frame, *k))
            .collect();
        open.sort_unstable();
        for (_, k) in open {
            if let Some(f) = self.flows.remove(&k) {
                self.finish_flow(f);
            }
        }
        if self.evicted > 0 {
            let detail = format!(
                "{} connections were ended early: more than {} were open at once (the cap that \
                 bounds memory), so the least recently active were written with what was seen so \
                 far and their later segments not followed",
                self.evicted, self.max_flows
            );
            self.anomalies.push(Anomaly::new(
                "flows_evicted",
                self.first_eviction,
                None,
                detail,
            ));
        }
        let conns = std::mem::take(&mut self.finished);
        self.assemble(conns)
    }

    pub fn open_flows(&self) -> usize {
        self.flows.len()
    }
}

#[cfg(test)]
#[path = "ordered_tests.rs"]
mod ordered_tests;
