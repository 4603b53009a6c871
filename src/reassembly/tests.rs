use super::*;
use proptest::prelude::*;

fn p(frame: u64) -> Provenance {
    Provenance {
        frame,
        ts_ns: frame,
    }
}

fn collect(stream: &mut Stream, segs: &[(u32, Vec<u8>)]) -> (Vec<u8>, Vec<u64>) {
    let mut data = Vec::new();
    let mut gaps = Vec::new();
    for (i, (seq, payload)) in segs.iter().enumerate() {
        stream.segment(*seq, payload, p(i as u64 + 1), &mut |e| match e {
            Event::Data(d, _) => data.extend_from_slice(d),
            Event::Gap { missing, .. } => gaps.push(missing),
        });
    }
    stream.flush(&mut |e| match e {
        Event::Data(d, _) => data.extend_from_slice(d),
        Event::Gap { missing, .. } => gaps.push(missing),
    });
    (data, gaps)
}

#[test]
fn in_order_after_syn() {
    let mut s = Stream::default();
    s.syn(999);
    let (d, g) = collect(&mut s, &[(1000, b"abc".to_vec()), (1003, b"def".to_vec())]);
    assert_eq!(d, b"abcdef");
    assert!(g.is_empty());
}

#[test]
fn out_of_order_retransmit_and_overlap() {
    let mut s = Stream::default();
    s.syn(0);
    let segs = vec![
        (4, b"def".to_vec()),   // early
        (1, b"abc".to_vec()),   // fills the hole
        (1, b"abc".to_vec()),   // retransmission
        (3, b"cdefg".to_vec()), // overlap with new tail
    ];
    let (d, g) = collect(&mut s, &segs);
    assert_eq!(d, b"abcdefg");
    assert!(g.is_empty());
}

#[test]
fn sequence_numbers_wrap() {
    let mut s = Stream::default();
    s.syn(u32::MAX - 2);
    let (d, _) = collect(
        &mut s,
        &[(u32::MAX - 1, b"xy".to_vec()), (0, b"zw".to_vec())],
    );
    assert_eq!(d, b"xyzw");
}

#[test]
fn lost_segment_is_a_gap_not_glued_data() {
    let mut s = Stream::default();
    s.syn(0);
    let (d, g) = collect(&mut s, &[(1, b"abc".to_vec()), (10, b"xyz".to_vec())]);
    assert_eq!(g, vec![6]);
    assert_eq!(
        d, b"abcxyz",
        "data after the gap is delivered after a Gap event"
    );
}

#[test]
fn ack_beyond_hole_declares_it_lost_immediately() {
    let mut s = Stream::default();
    s.syn(0);
    let mut events = Vec::new();
    s.segment(1, b"abc", p(1), &mut |_| {});
    s.segment(10, b"xyz", p(2), &mut |_| {});
    s.acked(13, &mut |e| {
        if let Event::Gap { missing, prov } = e {
            events.push((missing, prov.frame));
        }
    });
    assert_eq!(events, vec![(6, 2)]);
}

#[test]
fn mid_stream_start_without_syn() {
    let mut s = Stream::default();
    let (d, g) = collect(&mut s, &[(5000, b"hello".to_vec()), (5005, b"!".to_vec())]);
    assert_eq!(d, b"hello!");
    assert!(g.is_empty());
}

proptest! {
    /// Any segmentation, reordering and duplication of a stream reassembles to the same bytes.
    #[test]
    fn any_segmentation_order_and_duplication(
        data in proptest::collection::vec(any::<u8>(), 1..2000),
        cuts in proptest::collection::vec(1usize..300, 1..40),
        isn in any::<u32>(),
        order_seed in any::<u64>(),
        dups in proptest::collection::vec(any::<prop::sample::Index>(), 0..10),
    ) {
        let mut segs = Vec::new();
        let mut at = 0usize;
        let mut ci = 0usize;
        while at < data.len() {
            let n = cuts[ci % cuts.len()].min(data.len() - at);
            segs.push((isn.wrapping_add(1).wrapping_add(at as u32), data[at..at + n].to_vec()));
            at += n;
            ci += 1;
        }
        for d in &dups {
            let s = segs[d.index(segs.len())].clone();
            segs.push(s);
        }
        // Deterministic shuffle.
        let mut x = order_seed | 1;
        for i in (1..segs.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            segs.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let mut s = Stream::default();
        s.syn(isn);
        let (out, gaps) = collect(&mut s, &segs);
        prop_assert!(gaps.is_empty());
        prop_assert_eq!(out, data);
    }
}
