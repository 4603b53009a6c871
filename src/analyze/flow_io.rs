//! A flow's bytes on their way: TCP segments into the per-direction streams, and the in-order
//! bytes through the preamble reader (STARTTLS, proxies) into the TLS decoder.

use super::*;

/// What a direction's in-order bytes go through: the preamble reader, then the TLS decoder.
pub(super) struct TlsPath<'a> {
    upgrade: &'a mut upgrade::Reader,
    decoder: &'a mut ConnectionDecoder,
    gaps: &'a mut Vec<Gap>,
}

/// Borrows a flow's streams apart from the path their bytes take.
pub(super) fn split(flow: &mut Flow) -> (&mut [Stream; 2], TlsPath<'_>) {
    (
        &mut flow.streams,
        TlsPath {
            upgrade: &mut flow.upgrade,
            decoder: &mut flow.decoder,
            gaps: &mut flow.gaps,
        },
    )
}

/// Moves direction `dir`'s stream start to the SYN whose ISN is `next - 1`, when that SYN was
/// seen, is not the one followed, and nothing was delivered yet.
pub(super) fn rebase_to(flow: &mut Flow, dir: usize, next: u32) {
    let isn = next.wrapping_sub(1);
    let known = flow
        .syn_isns
        .get(dir)
        .is_some_and(|c| c.contains(&Some(isn)));
    let current = flow.isn.get(dir).copied().flatten();
    if !known || current == Some(isn) || flow.client.is_none() {
        return;
    }
    let side = flow.side_of(dir);
    let (streams, mut tls) = split(flow);
    let moved = streams
        .get_mut(dir)
        .is_some_and(|s| s.rebase(isn, &mut |e| deliver(&mut tls, side, e)));
    if moved {
        if let Some(i) = flow.isn.get_mut(dir) {
            *i = Some(isn);
        }
    }
}

pub(super) fn feed(flow: &mut Flow, dir: usize, seq: u32, payload: &[u8], prov: Provenance) {
    let side = flow.side_of(dir);
    let (streams, mut tls) = split(flow);
    if let Some(s) = streams.get_mut(dir) {
        s.segment(seq, payload, prov, &mut |e| deliver(&mut tls, side, e));
    }
}

pub(super) fn deliver(tls: &mut TlsPath<'_>, side: Side, e: Event<'_>) {
    match e {
        Event::Data(d, p) => {
            let decoder = &mut *tls.decoder;
            tls.upgrade
                .data(side, d, p, &mut |s, b, pr| decoder.feed(s, b, pr));
        }
        Event::Gap { missing, prov } => {
            tls.gaps.push(Gap {
                side,
                frame: prov.frame,
                missing_bytes: missing,
            });
            tls.upgrade.gap(side);
            tls.decoder.gap(side, prov, missing);
        }
    }
}
