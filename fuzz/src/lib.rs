//! The entry points of tlsdiag's fuzz targets (docs/fuzzing.md), through the public library API
//! only. Each takes the fuzzer's bytes, drives one input door of tlsdiag as the CLI does, checks
//! what must hold for any input (no panic — the fuzzer sees those —, the JSON report is JSON, the
//! text report holds no raw control character), and returns the number of output bytes it
//! produced, which the replay test (tests/fuzz_regressions.rs, which includes this file) bounds.
//!
//! This file is shared by the fuzz crate and that test: no crate attributes, no libFuzzer.

use std::io::Cursor;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tlsdiag::analyze::{AnalyzeOptions, Delivery};
use tlsdiag::identity::SecretString;
use tlsdiag::model::{Provenance, Side};
use tlsdiag::report::{json, text};
use tlsdiag::tls::keylog::KeyLog;
use tlsdiag::tls::{ConnectionDecoder, DecodeOptions};

/// The targets, by the names of their bins and of their regression folders.
pub const TARGETS: &[&str] = &["capture", "tls_conn", "keylog", "identity", "http"];

/// Runs target `name` on `data`; `None` for an unknown target name.
pub fn run(name: &str, data: &[u8]) -> Option<usize> {
    Some(match name {
        "capture" => capture(data),
        "tls_conn" => tls_conn(data),
        "keylog" => keylog(data),
        "identity" => identity(data),
        "http" => http(data),
        _ => return None,
    })
}

/// The committed key logs, all in one: seeds built from the keyed captures then reach the
/// decryption paths (a mutated record fails its AEAD tag, as it should).
const KEYLOGS: &[&str] = &[
    include_str!("../../captures/rule-renegotiation-cbc-etm.keylog"),
    include_str!("../../captures/rule-renegotiation-cbc.keylog"),
    include_str!("../../captures/rule-renegotiation.keylog"),
    include_str!("../../captures/rule-tls13-pha.keylog"),
    include_str!("../../captures/tls10-cbc.keylog"),
    include_str!("../../captures/tls11-cbc.keylog"),
    include_str!("../../captures/tls13-client-cert.keylog"),
    include_str!("../../captures/tls13-key-update.keylog"),
    include_str!("../../captures/tls13-no-client-cert.keylog"),
    include_str!("../../captures/wild-aes-ccm-tls12.keylog"),
    include_str!("../../captures/wild-aes-ccm-tls13.keylog"),
    include_str!("../../captures/wild-aria-tls12.keylog"),
    include_str!("../../captures/wild-camellia-tls12.keylog"),
    include_str!("../../captures/wild-compressed.keylog"),
    include_str!("../../captures/wild-hrr.keylog"),
    include_str!("../../captures/wild-null-cipher.keylog"),
    include_str!("../../captures/wild-tls13-draft26.keylog"),
];

fn keys() -> Arc<KeyLog> {
    static KEYS: OnceLock<Arc<KeyLog>> = OnceLock::new();
    KEYS.get_or_init(|| Arc::new(KeyLog::parse(&KEYLOGS.join("\n"))))
        .clone()
}

fn decode_options() -> DecodeOptions {
    DecodeOptions {
        keylog: Some(keys()),
        ..Default::default()
    }
}

/// A character that must never reach a terminal raw: C0/C1 controls other than newline and
/// tab, DEL, zero-width and bidirectional marks and overrides, line/paragraph separators, BOM
/// (what report::safe escapes).
fn unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{61c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

fn assert_terminal_safe(what: &str, s: &str) {
    if let Some((i, c)) = s.char_indices().find(|(_, c)| unsafe_for_terminal(*c)) {
        let before: String = s.get(..i).unwrap_or("").chars().rev().take(80).collect();
        let before: String = before.chars().rev().collect();
        panic!("{what}: raw {c:?} at byte {i}, after {before:?}");
    }
}

/// Capture decoding end to end: bytes as a file (pcap, pcapng, compressed, or a javax.net.debug
/// log, told apart by content as `tlsdiag analyze FILE` does) → analysis → diagnosis → the text
/// report (`analyze`) and the JSON document written connection by connection (`analyze --json`).
pub fn capture(data: &[u8]) -> usize {
    let opts = AnalyzeOptions {
        decode: decode_options(),
        ..Default::default()
    };
    let ctx = tlsdiag::diagnose::Context::default();
    let open = || {
        let inp = tlsdiag::capture::input::open_reader(
            "fuzz".into(),
            Box::new(Cursor::new(data.to_vec())),
        )
        .ok()?;
        tlsdiag::analyze::open_input(inp).ok()
    };
    // The text report (Delivery::Keep), as `tlsdiag analyze` prints it.
    let Some(opened) = open() else { return 0 };
    let Ok(mut a) = tlsdiag::analyze::analyze_opened(opened, "fuzz", &opts, Delivery::Keep) else {
        return 0;
    };
    tlsdiag::diagnose::diagnose_analysis(&mut a, &ctx);
    let mut out = Vec::new();
    text::write_analysis(&mut out, &a, &text::TextOptions::plain()).expect("text into memory");
    let report = String::from_utf8(out).expect("the text report is UTF-8");
    assert_terminal_safe("text report", &report);
    let mut produced = report.len();
    let mut whole = Vec::new();
    json::write(&mut whole, &a).expect("JSON into memory");
    let v: serde_json::Value = serde_json::from_slice(&whole).expect("the JSON report parses");
    assert!(
        v.get("schema_version").is_some(),
        "JSON without schema_version"
    );
    produced += whole.len();

    // The `--json` document as it is streamed: connections in start order through the sink.
    let Some(opened) = open() else {
        return produced;
    };
    let conns = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink_conns = conns.clone();
    let sink = Box::new(move |c: tlsdiag::model::Connection| sink_conns.borrow_mut().push(c));
    let Ok(a) = tlsdiag::analyze::analyze_opened(opened, "fuzz", &opts, Delivery::Ordered(sink))
    else {
        return produced;
    };
    let mut doc = json::DocumentWriter::new(Vec::new());
    let mut summary = json::Summary::default();
    for mut c in conns.borrow_mut().drain(..) {
        c.diagnosis = tlsdiag::diagnose::diagnose(&c, &ctx);
        summary.add(&c);
        doc.connection(&c).expect("JSON into memory");
    }
    let streamed = doc
        .finish(&a.source, &summary, &a.anomalies)
        .expect("JSON into memory");
    let v: serde_json::Value =
        serde_json::from_slice(&streamed).expect("the streamed JSON document parses");
    assert!(
        v.get("schema_version").is_some(),
        "JSON without schema_version"
    );
    produced + streamed.len()
}

/// TLS message decoding: one connection decoder fed a script of client/server chunks, gaps
/// and closes. Each step is 3 bytes — op, length (big-endian u16) — then, for a chunk, that
/// many bytes (fewer at the end). op bit 0: side (0 client, 1 server); bits 1-3: 0-5 chunk,
/// 6 gap of `length` bytes, 7 close (reset when `length` is odd).
pub fn tls_conn(data: &[u8]) -> usize {
    let mut dec = ConnectionDecoder::new(0, decode_options());
    let mut rest = data;
    let mut frame = 0u64;
    while let [op, hi, lo, tail @ ..] = rest {
        frame += 1;
        let prov = Provenance {
            frame,
            ts_ns: frame * 1_000,
        };
        let side = if op & 1 == 0 {
            Side::Client
        } else {
            Side::Server
        };
        let len = usize::from(u16::from_be_bytes([*hi, *lo]));
        rest = tail;
        match (op >> 1) & 7 {
            6 => dec.gap(side, prov, len as u64),
            7 => dec.closed(side, prov, len % 2 == 1),
            _ => {
                let (chunk, after) = rest.split_at(len.min(rest.len()));
                dec.feed(side, chunk, prov);
                rest = after;
            }
        }
        if frame % 16 == 0 {
            let _ = format!("{:?}", dec.snapshot());
        }
        let _ = (dec.wants_more(side), dec.is_tls());
    }
    format!("{:?}", dec.finish()).len()
}

/// Key-log parsing (`--keylog`, SSLKEYLOGFILE), as `KeyLog::from_file` reads a file's bytes.
pub fn keylog(data: &[u8]) -> usize {
    let text = String::from_utf8_lossy(data);
    let kl = KeyLog::parse(&text);
    let lines = text.lines().count();
    assert!(
        kl.len() <= lines,
        "{} client randoms from {lines} lines",
        kl.len()
    );
    // Every line's random, looked up as the decoder does.
    for line in text.lines().take(64) {
        if let Some(r) = line.split_whitespace().nth(1).and_then(hex_32) {
            let _ = kl.get(&r);
        }
    }
    kl.len()
}

fn hex_32(h: &str) -> Option<[u8; 32]> {
    let b = h.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(b.chunks(2)) {
        let s = std::str::from_utf8(pair).ok()?;
        *o = u8::from_str_radix(s, 16).ok()?;
    }
    Some(out)
}

/// The identity loaders (PEM with PKCS#8/PKCS#1/SEC1 keys, encrypted PKCS#8 and legacy
/// encrypted PEM, DER, PKCS#12, JKS, JCEKS), format told by content. The first byte picks the
/// password: none, the seeds' `changeit`, or a wrong one. A loaded keystore then goes through
/// `identity inspect` (text and JSON) and the client-identity check.
pub fn identity(data: &[u8]) -> usize {
    let Some((pick, file)) = data.split_first() else {
        return 0;
    };
    let password = match pick % 3 {
        0 => None,
        1 => Some(SecretString::from("changeit")),
        _ => Some(SecretString::from("wrong")),
    };
    let Ok(ks) = tlsdiag::identity::open_bytes(Path::new("fuzz.bin"), file, password.as_ref())
    else {
        return 0;
    };
    let mut produced = 0;
    for e in &ks.entries {
        if let (Some(key), Some(cert)) = (&e.key, e.chain_der.first()) {
            let _ = key.matches_certificate(cert);
        }
    }
    if let Ok(r) = tlsdiag::identity::inspect::inspect(&ks, None, 1_750_000_000) {
        let mut out = Vec::new();
        tlsdiag::identity::inspect::render_text(&r, &mut out).expect("text into memory");
        let s = String::from_utf8(out).expect("the inspect report is UTF-8");
        assert_terminal_safe("identity inspect", &s);
        produced += s.len();
        produced += serde_json::to_vec(&r).expect("inspect JSON").len();
    }
    let _ = tlsdiag::identity::check::Candidate::from_keystore(ks, None);
    produced
}

/// The HTTP/1.1 room (src/http) — request and response heads (httparse, bounded), body
/// framing, chunked decoding, authentication headers, SOAP — and the probe's response reader
/// over a reader that ends where the input ends. Chunked bodies are decoded whole and again in
/// two pieces (cut where the first byte says): both must agree.
pub fn http(data: &[u8]) -> usize {
    use tlsdiag::http::{auth, chunked, head, soap, BodyLength, Parsed};
    const KEEP: usize = 4096;
    let mut produced = 0;
    let _ = head::looks_like_request(data);
    if let Ok(Parsed::Complete(req, _)) = head::parse_request(data) {
        let _ = req.body_length();
        produced += auth::credentials(&req.headers).len();
        produced += soap::soap_action(&req.headers).map_or(0, |a| a.len());
    }
    if let Ok(Parsed::Complete(resp, n)) = head::parse_response(data) {
        let body = data.get(n..).unwrap_or_default();
        let _ = resp.body_length(Some("HEAD"));
        if let Ok(BodyLength::Chunked) = resp.body_length(None) {
            let whole = chunked::dechunk(body, KEEP);
            let cut = usize::from(data.first().copied().unwrap_or(0)) % (body.len() + 1);
            let (a, b) = body.split_at(cut);
            let mut d = chunked::Dechunker::new(KEEP);
            let split = d.push(a).and_then(|used| {
                if used == a.len() {
                    d.push(b).map(|_| ())
                } else {
                    Ok(())
                }
            });
            match (&whole, &split) {
                (Ok((w, done)), Ok(())) => {
                    assert_eq!(w.as_slice(), d.body(), "dechunk whole vs in two pieces");
                    assert_eq!(*done, d.is_done(), "dechunk whole vs in two pieces: done");
                }
                (Err(_), Err(_)) => {}
                _ => panic!("dechunk whole {whole:?} vs in two pieces {split:?} (cut {cut})"),
            }
            produced += d.body().len();
        }
        produced += auth::challenges(&resp.headers).len();
        if let Some(f) = soap::soap_fault(&String::from_utf8_lossy(body)) {
            produced += format!("{f:?}").len();
        }
    }
    let mut r = data;
    if let Ok(answer) =
        tlsdiag::probe::http::read_response(&mut r, &Instant::now(), Duration::from_secs(3600))
    {
        let h = &answer.result;
        let _ = tlsdiag::probe::http::status_finding(h);
        produced += tlsdiag::probe::http::challenges(h).len() + h.headers.len();
        produced += h.body_preview.len();
    }
    produced
}
