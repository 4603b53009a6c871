//! TCP stream reassembly for one direction of one connection: delivers the payload bytes in
//! sequence order exactly once, whatever the capture did — out-of-order segments are held (up to a
//! bound), retransmissions and overlaps are trimmed, sequence numbers wrap, a stream may start
//! without its SYN. A hole that can no longer be filled is reported as a [`Event::Gap`] and the
//! stream jumps past it, so nothing after a loss is ever presented as contiguous with what came
//! before. Must not inspect the payload.
//!
//! Offsets are kept as `u64` distances from the first sequence number seen (the approach of
//! pcap-analyzer's tcp_reassembly: relative, wrapping-safe sequence numbers).

use crate::model::Provenance;
use std::collections::BTreeMap;

/// Bytes held out of order per direction before the oldest hole is declared lost.
pub const MAX_PENDING_BYTES: usize = 4 << 20;
/// Segments held out of order per direction before the oldest hole is declared lost.
pub const MAX_PENDING_SEGMENTS: usize = 4096;

/// What the stream hands on, in order.
#[derive(Debug, PartialEq, Eq)]
pub enum Event<'a> {
    Data(&'a [u8], Provenance),
    /// `missing` bytes were never captured before the data of frame `prov.frame`.
    Gap {
        missing: u64,
        prov: Provenance,
    },
}

#[derive(Debug, Default)]
pub struct Stream {
    /// The sequence number at offset 0.
    base: Option<u32>,
    /// Next expected offset.
    next: u64,
    pending: BTreeMap<u64, (Vec<u8>, Provenance)>,
    pending_bytes: usize,
    /// Frames and bytes that carried payload for this direction (retransmissions included).
    pub frames: u64,
    pub bytes: u64,
    pub fin: bool,
}

impl Stream {
    /// A SYN was seen with initial sequence number `isn`: data starts at `isn + 1`.
    pub fn syn(&mut self, isn: u32) {
        if self.base.is_none() {
            self.base = Some(isn.wrapping_add(1));
            self.next = 0;
        }
    }

    pub fn has_started(&self) -> bool {
        self.base.is_some()
    }

    /// Offset of `seq` relative to the expected position, signed: negative = old data.
    fn rel(&self, seq: u32) -> i64 {
        let base = self.base.unwrap_or(seq);
        // Position of `next` as a sequence number, then the signed 32-bit distance to `seq`.
        let next_seq = base.wrapping_add(self.next as u32);
        i64::from(seq.wrapping_sub(next_seq) as i32)
    }

    /// Accepts one segment's payload; calls `out` for every in-order event it makes possible.
    pub fn segment(
        &mut self,
        seq: u32,
        payload: &[u8],
        prov: Provenance,
        out: &mut dyn FnMut(Event<'_>),
    ) {
        if payload.is_empty() {
            return;
        }
        self.frames += 1;
        self.bytes += payload.len() as u64;
        if self.base.is_none() {
            // Mid-stream start: the first byte seen is offset 0.
            self.base = Some(seq);
            self.next = 0;
        }
        self.place(seq, payload, prov, out);
    }

    /// Whether any byte was handed on (or held) since the stream started.
    pub fn is_untouched(&self) -> bool {
        self.next == 0 && self.pending.is_empty()
    }

    /// Starts the stream again at `isn + 1` (another SYN's initial sequence number, the one the
    /// peer acknowledged) as long as no byte was handed on yet: segments held against the old
    /// start are placed again against the new one. Returns whether the start changed.
    pub fn rebase(&mut self, isn: u32, out: &mut dyn FnMut(Event<'_>)) -> bool {
        let new_base = isn.wrapping_add(1);
        if self.next != 0 || self.base == Some(new_base) {
            return false;
        }
        let old_base = self.base.unwrap_or(new_base);
        let held = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        self.base = Some(new_base);
        for (off, (data, prov)) in held {
            // Offsets are below 2^32 before anything was delivered (next == 0).
            let seq = old_base.wrapping_add(u32::try_from(off).unwrap_or(u32::MAX));
            self.place(seq, &data, prov, out);
        }
        true
    }

    /// Puts one segment's payload in place: delivers it (and what it unblocks) when it is next,
    /// trims what was already delivered, holds what is ahead.
    fn place(
        &mut self,
        seq: u32,
        payload: &[u8],
        prov: Provenance,
        out: &mut dyn FnMut(Event<'_>),
    ) {
        let rel = self.rel(seq);
        if rel <= 0 {
            let skip = usize::try_from(-rel).unwrap_or(usize::MAX);
            if let Some(fresh) = payload.get(skip..) {
                if !fresh.is_empty() {
                    self.next += fresh.len() as u64;
                    out(Event::Data(fresh, prov));
                    self.drain(out);
                }
            }
            return;
        }
        // Ahead of what we have: hold it.
        let off = self.next + rel as u64;
        match self.pending.get(&off) {
            Some((have, _)) if have.len() >= payload.len() => {}
            _ => {
                if let Some((old, _)) = self.pending.insert(off, (payload.to_vec(), prov)) {
                    self.pending_bytes = self.pending_bytes.saturating_sub(old.len());
                }
                self.pending_bytes += payload.len();
            }
        }
        if self.pending_bytes > MAX_PENDING_BYTES || self.pending.len() > MAX_PENDING_SEGMENTS {
            self.skip_hole(out);
        }
    }

    /// Delivers held segments that are now in order.
    fn drain(&mut self, out: &mut dyn FnMut(Event<'_>)) {
        while let Some((&off, _)) = self.pending.first_key_value() {
            if off > self.next {
                break;
            }
            let Some((data, prov)) = self.pending.remove(&off) else {
                break;
            };
            self.pending_bytes = self.pending_bytes.saturating_sub(data.len());
            let skip = usize::try_from(self.next - off).unwrap_or(usize::MAX);
            if let Some(fresh) = data.get(skip..) {
                if !fresh.is_empty() {
                    self.next += fresh.len() as u64;
                    out(Event::Data(fresh, prov));
                }
            }
        }
    }

    /// Declares the first hole lost: reports it and continues after it.
    pub fn skip_hole(&mut self, out: &mut dyn FnMut(Event<'_>)) {
        let Some((&off, (_, prov))) = self.pending.first_key_value() else {
            return;
        };
        let prov = *prov;
        if off > self.next {
            out(Event::Gap {
                missing: off - self.next,
                prov,
            });
            self.next = off;
        }
        self.drain(out);
    }

    /// The peer acknowledged up to `ack`: a hole below it will never be filled by this capture
    /// (the receiver got bytes the capture missed).
    pub fn acked(&mut self, ack: u32, out: &mut dyn FnMut(Event<'_>)) {
        if self.base.is_none() {
            return;
        }
        while let Some((&off, _)) = self.pending.first_key_value() {
            let rel_ack = self.rel(ack);
            let first_rel = off.saturating_sub(self.next);
            if rel_ack > 0 && (rel_ack as u64) > first_rel {
                self.skip_hole(out);
            } else {
                break;
            }
        }
    }

    /// End of the stream (FIN/RST or end of capture): whatever is held is delivered after its holes.
    pub fn flush(&mut self, out: &mut dyn FnMut(Event<'_>)) {
        while !self.pending.is_empty() {
            let before = self.pending.len();
            self.skip_hole(out);
            if self.pending.len() == before {
                // Nothing moved (cannot happen: skip_hole always drains the first entry); stop.
                self.pending.clear();
                self.pending_bytes = 0;
            }
        }
    }

    pub fn pending_bytes(&self) -> usize {
        self.pending_bytes
    }
}

#[cfg(test)]
mod tests;
