//! Ordered streaming (`--json`): connections in start order with the numbers `finish` gives,
//! and, when more connections wait than the cap allows, every connection still written once.

use super::*;
use std::sync::{Arc, Mutex};

fn cap_file() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures/overlapping-connections.pcap")
}

fn ordered(cap: usize) -> Vec<Connection> {
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    let mut an = Analyzer::new(AnalyzeOptions::default());
    an.set_ordered_sink(Box::new(move |c| g.lock().unwrap().push(c)));
    an.pending_cap = cap;
    capture::read_file(&cap_file(), &mut |f| an.push_frame(&f)).unwrap();
    an.finish();
    let v = got.lock().unwrap().clone();
    v
}

#[test]
fn ordered_sink_numbers_like_the_whole_analysis() {
    let whole = analyze_path(&cap_file(), &AnalyzeOptions::default()).unwrap();
    let got = ordered(MAX_PENDING);
    // A (port 8478) starts first and ends last; B (8479) starts later and ends first.
    assert_eq!(
        whole
            .connections
            .iter()
            .map(|c| c.server.port)
            .collect::<Vec<_>>(),
        [8478, 8479]
    );
    let key = |c: &Connection| (c.id, c.first_frame, c.client.port);
    assert_eq!(
        got.iter().map(key).collect::<Vec<_>>(),
        whole.connections.iter().map(key).collect::<Vec<_>>()
    );
}

#[test]
fn past_the_cap_every_connection_is_still_written_once() {
    let whole = analyze_path(&cap_file(), &AnalyzeOptions::default()).unwrap();
    let got = ordered(0);
    // With no room to wait, B is written when it ends, before A.
    assert_eq!(
        got.iter().map(|c| c.server.port).collect::<Vec<_>>(),
        [8479, 8478]
    );
    // Numbered 1..=n in the order written …
    assert_eq!(
        got.iter().map(|c| c.id).collect::<Vec<_>>(),
        (1..=whole.connections.len()).collect::<Vec<_>>()
    );
    // … and the same connections as the whole analysis.
    let mut a: Vec<u64> = got.iter().map(|c| c.first_frame).collect();
    let mut b: Vec<u64> = whole.connections.iter().map(|c| c.first_frame).collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
}
