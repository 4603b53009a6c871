//! How flows end: the linger of closed flows, eviction past `--max-flows`, and the
//! conversion of a finished flow into a model `Connection` that goes to the sink, the ordered
//! queue or the finished list. Split from mod.rs (a second `impl Analyzer`) to keep files small.

use super::*;

impl Analyzer {
    /// Ends the closed flows whose linger is over at capture time `now`.
    pub(super) fn expire(&mut self, now: u64) {
        while let Some(&(closed, k, first)) = self.closing.front() {
            if now < closed.saturating_add(LINGER_NS) {
                break;
            }
            self.closing.pop_front();
            self.end_if_closing(k, first);
        }
    }

    /// Ends the flow `k` if it is still the closed one that started at `first`.
    pub(super) fn end_if_closing(&mut self, k: Key, first: u64) -> bool {
        let current = self
            .flows
            .get(&k)
            .is_some_and(|f| f.closing && f.first_frame == first);
        if current {
            if let Some(f) = self.flows.remove(&k) {
                self.finish_flow(f);
            }
        }
        current
    }

    /// Too many flows open: ends the oldest closed one if any (a normal end), else the least
    /// recently active (counted as evicted). Returns whether a flow was ended.
    pub(super) fn evict_one(&mut self, prov: Provenance) -> bool {
        while let Some((_, k, first)) = self.closing.pop_front() {
            if self.end_if_closing(k, first) {
                return true;
            }
        }
        let Some((_, k)) = self.lru.pop_first() else {
            return false;
        };
        let Some(mut f) = self.flows.remove(&k) else {
            return true;
        };
        f.tick = 0;
        self.evicted += 1;
        self.first_eviction.get_or_insert(prov.frame);
        self.finish_flow_as(f, true);
        true
    }

    pub(super) fn finish_flow(&mut self, flow: Box<Flow>) {
        self.finish_flow_as(flow, false)
    }

    /// Ends a flow: its connection is written (`evicted`: ended early, said on the connection),
    /// its 4-tuple remembered so that late segments start nothing.
    pub(super) fn finish_flow_as(&mut self, flow: Box<Flow>, evicted: bool) {
        if flow.tick != 0 {
            self.lru.remove(&flow.tick);
        }
        let k = key(flow.ep[0], flow.ep[1]);
        self.ended_gen += 1;
        self.ended.insert(k, self.ended_gen);
        self.ended_order.push_back((k, self.ended_gen));
        while self.ended_order.len() > MAX_ENDED_TUPLES {
            if let Some((old, gen)) = self.ended_order.pop_front() {
                if self.ended.get(&old) == Some(&gen) {
                    self.ended.remove(&old);
                }
            }
        }
        if !self.ordered {
            return self.finish_flow_inner(flow, evicted);
        }
        self.open_starts.remove(&flow.first_frame);
        self.finish_flow_inner(flow, evicted);
        self.release();
    }

    /// Ordered streaming: writes the finished connections no open flow precedes (flows opened
    /// later start later). A long-lived connection would otherwise hold every later one in
    /// memory: past [`MAX_PENDING`] waiting connections the oldest are written anyway, so that
    /// one is then written out of start order (and numbered when it ends).
    pub(super) fn release(&mut self) {
        let bound = self.open_starts.first().copied().unwrap_or(u64::MAX);
        while let Some(first) = self.pending.first_key_value().map(|(f, _)| *f) {
            if first >= bound && self.pending.len() <= self.pending_cap {
                break;
            }
            if let Some((_, c)) = self.pending.pop_first() {
                self.emit(c);
            }
        }
    }

    /// Numbers a connection and hands it to the sink.
    pub(super) fn emit(&mut self, mut c: Connection) {
        self.streamed += 1;
        let first = self.source.first_ts_ns.unwrap_or(0);
        c.id = self.streamed;
        c.start_offset = c.start_ts_ns.saturating_sub(first) as f64 / 1e9;
        if let Some(sink) = self.sink.as_mut() {
            sink(c);
        }
    }

    pub(super) fn finish_flow_inner(&mut self, mut flow: Box<Flow>, evicted: bool) {
        if flow.client.is_none() && !flow.early.is_empty() {
            let c = if flow.ep[0].1 >= flow.ep[1].1 { 0 } else { 1 };
            flow.client = Some(c);
            flow.roles_inferred = true;
            let early = std::mem::take(&mut flow.early);
            for (d, seq, data, p) in early {
                feed(&mut flow, d, seq, &data, p);
            }
        }
        let Some(client) = flow.client else { return };
        for dir in 0..2 {
            let side = flow.side_of(dir);
            let (streams, mut tls) = split(&mut flow);
            if let Some(s) = streams.get_mut(dir) {
                s.flush(&mut |e| deliver(&mut tls, side, e));
            }
        }
        let decoder = &mut flow.decoder;
        let found = flow
            .upgrade
            .finish(&mut |side, bytes, prov| decoder.feed(side, bytes, prov));
        let plain_http = flow.decoder.is_plain_http();
        if (flow.not_tls || flow.decoder.is_tls() == Some(false) || found == upgrade::Found::Plain)
            && !plain_http
        {
            return;
        }
        // Not one TLS record header (nor an SSLv2 hello) in either direction, and no preamble
        // that asked for TLS: a few bytes of something else (a TCP keep-alive's byte, a NetBIOS
        // keep-alive), not a TLS connection.
        if flow.decoder.is_tls().is_none() && found == upgrade::Found::Nothing {
            return;
        }
        let preamble = match found {
            upgrade::Found::Preamble(p) => Some(*p),
            _ => None,
        };
        let server = 1 - client;
        let (cs, ss) = (flow.streams.get(client), flow.streams.get(server));
        if cs.map_or(0, |s| s.bytes) + ss.map_or(0, |s| s.bytes) == 0 {
            return;
        }
        let coverage = Coverage {
            syn_seen: flow.syn_seen,
            fin_or_rst_seen: flow.rst || flow.fin[0] || flow.fin[1],
            client_bytes: cs.map_or(0, |s| s.bytes),
            server_bytes: ss.map_or(0, |s| s.bytes),
            client_frames: cs.map_or(0, |s| s.frames),
            server_frames: ss.map_or(0, |s| s.frames),
            gaps: std::mem::take(&mut flow.gaps),
            roles_inferred: flow.roles_inferred,
            snap: flow.snap,
        };
        let mut facts = std::mem::take(&mut flow.decoder).finish();
        if evicted {
            facts.anomalies.push(Anomaly::new(
                "flow_evicted",
                Some(flow.last_frame),
                None,
                format!(
                    "ended early after frame {}: more than {} connections were open at once and \
                     this one was the least recently active; its later segments were not followed",
                    flow.last_frame, self.max_flows
                ),
            ));
        }
        if let Some(want) = &self.opts.sni {
            let sni = facts.client_hello.as_ref().and_then(|h| h.sni.as_deref());
            if !sni.is_some_and(|s| s.eq_ignore_ascii_case(want)) {
                return;
            }
        }
        let conn = connection_of(&flow, client, coverage, preamble, facts);
        if self.sink.is_none() {
            self.finished.push(conn);
        } else if self.ordered {
            self.pending.insert(conn.first_frame, conn);
        } else {
            self.emit(conn);
        }
    }
}

/// The model view of a flow whose client is endpoint `client` (0 or 1).
pub(super) fn connection_of(
    flow: &Flow,
    client: usize,
    capture: Coverage,
    preamble: Option<crate::model::Preamble>,
    tls: crate::model::TlsFacts,
) -> Connection {
    let ep = |i: usize| {
        let (ip, port) = flow.ep.get(i).copied().unwrap_or(flow.ep[0]);
        Endpoint { ip, port }
    };
    Connection {
        id: 0,
        client: ep(client),
        server: ep(1 - client),
        start_time: crate::model::rfc3339(flow.start_ts_ns),
        start_ts_ns: flow.start_ts_ns,
        start_offset: 0.0,
        first_frame: flow.first_frame,
        last_frame: flow.last_frame,
        capture,
        evidence_unit: crate::model::EvidenceUnit::Frame,
        jsse_log: None,
        preamble,
        tls,
        diagnosis: Vec::new(),
    }
}
