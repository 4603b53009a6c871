//! Inputs as users have them: magic-byte sniffing, gzip/zstd streams (multi-member, multi-frame,
//! skippable frames, damage), readers that deliver a byte at a time (pipes), and the time merge.
//! Hand-made bytes only where the input is meant to be malformed.

use super::input::{natural_cmp, open_reader, Input};
use super::sniff::{sniff, Compression, Kind};
use super::synth::PcapWriter;
use super::*;
use std::io::{Read, Write};

fn seed_bytes() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/captures/seed-jsse-empty-cert.pcap"
    ))
    .unwrap()
}

fn pcapng_bytes() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/captures/two-interfaces-ipv6.pcapng"
    ))
    .unwrap()
}

type FrameList = Vec<(u64, u64, u32, Vec<u8>)>;

fn open_bytes(name: &str, bytes: Vec<u8>) -> Result<Input, CaptureError> {
    open_reader(name.into(), Box::new(std::io::Cursor::new(bytes)))
}

fn frames_of(inp: Input) -> (FrameList, FileSummary) {
    let mut fr = FrameReader::from_input(inp).unwrap();
    let mut v = Vec::new();
    while fr.advance() {
        let f = fr.frame().unwrap();
        v.push((f.index, f.ts_ns, f.linktype.0, f.data.to_vec()));
    }
    (v, fr.into_summary())
}

fn plain_frames(bytes: Vec<u8>) -> FrameList {
    let (f, s) = frames_of(open_bytes("plain", bytes).unwrap());
    assert!(s.truncated.is_none() && s.read_error.is_none());
    f
}

/// The frames before the cut of a capture cut anywhere.
fn plain_frames_lenient(bytes: Vec<u8>) -> FrameList {
    frames_of(open_bytes("plain", bytes).unwrap()).0
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

#[test]
fn sniffs_by_magic_bytes() {
    assert_eq!(sniff(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]), Kind::Pcap);
    assert_eq!(sniff(&[0xa1, 0xb2, 0xc3, 0xd4, 0, 2]), Kind::Pcap);
    assert_eq!(
        sniff(&[0x4d, 0x3c, 0xb2, 0xa1]),
        Kind::Pcap,
        "ns, little-endian"
    );
    assert_eq!(sniff(&[0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0]), Kind::PcapNg);
    assert_eq!(
        sniff(&[0x1f, 0x8b, 8, 0]),
        Kind::Compressed(Compression::Gzip)
    );
    assert_eq!(
        sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0x24]),
        Kind::Compressed(Compression::Zstd)
    );
    assert_eq!(
        sniff(&[0x5e, 0x2a, 0x4d, 0x18, 4, 0, 0, 0]),
        Kind::Compressed(Compression::Zstd),
        "a zstd stream opening with a skippable frame"
    );
    assert_eq!(
        sniff(b"\xfd7zXZ\x00\x00\x04"),
        Kind::Compressed(Compression::Xz)
    );
    assert!(
        matches!(sniff(b"BZh91AY&SY"), Kind::Unsupported { what, .. } if what.contains("bzip2"))
    );
    assert!(
        matches!(sniff(b"PK\x03\x04\x14\x00"), Kind::Unsupported { what, .. } if what.contains("zip"))
    );
    let mut tar = b"capture.pcap".to_vec();
    tar.resize(257, 0);
    tar.extend_from_slice(b"ustar\x0000");
    assert!(matches!(sniff(&tar), Kind::Unsupported { what, .. } if what.contains("tar")));
    assert_eq!(sniff(b"javax.net.ssl|DEBUG|01|main|2026-11-24"), Kind::Text);
    // A UTF-8 character cut by the end of the prefix is still text.
    assert_eq!(sniff("grüß".as_bytes().get(..4).unwrap()), Kind::Text);
    assert_eq!(sniff(&[0x00, 0x01, 0x02, 0xff, 0xfe]), Kind::Unknown);
    assert_eq!(sniff(&[]), Kind::Unknown);
}

#[test]
fn names_sort_with_numbers_as_numbers() {
    let mut v = vec!["dump10", "dump2", "dump", "dump1", "a/x.pcap", "dump02"];
    v.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(
        v,
        ["a/x.pcap", "dump", "dump1", "dump2", "dump02", "dump10"]
    );
}

#[test]
fn gzip_and_zstd_read_as_the_plain_capture() {
    let plain = seed_bytes();
    let want = plain_frames(plain.clone());
    assert!(want.len() > 10);
    for (c, packed) in [
        (Compression::Gzip, gzip(&plain)),
        (Compression::Zstd, zstd(&plain)),
    ] {
        let inp = open_bytes("x", packed).unwrap();
        assert_eq!((inp.kind, inp.compression), (Kind::Pcap, Some(c)));
        let (got, sum) = frames_of(inp);
        assert_eq!(got, want, "{c:?}");
        assert_eq!(sum.compression, Some(c));
        assert!(
            sum.truncated.is_none() && sum.read_error.is_none(),
            "{sum:?}"
        );
    }
    let ng = pcapng_bytes();
    let want = plain_frames(ng.clone());
    let inp = open_bytes("x", gzip(&ng)).unwrap();
    assert_eq!(inp.kind, Kind::PcapNg);
    assert_eq!(frames_of(inp).0, want);
}

#[test]
fn concatenated_gzip_members_and_zstd_frames_are_one_stream() {
    let plain = seed_bytes();
    let want = plain_frames(plain.clone());
    let (a, b) = plain.split_at(plain.len() / 3);
    // `cat a.gz b.gz` and pigz both make several members.
    let mut gz = gzip(a);
    gz.extend(gzip(b));
    assert_eq!(frames_of(open_bytes("x", gz).unwrap()).0, want);
    // zstd: a skippable frame first, two frames, a skippable frame between them.
    let mut zs = vec![0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9];
    zs.extend(zstd(a));
    zs.extend([0x5f, 0x2a, 0x4d, 0x18, 0, 0, 0, 0]);
    zs.extend(zstd(b));
    let inp = open_bytes("x", zs).unwrap();
    assert_eq!(inp.compression, Some(Compression::Zstd));
    assert_eq!(frames_of(inp).0, want);
}

#[test]
fn a_corrupt_or_cut_stream_keeps_the_frames_before_it() {
    let plain = seed_bytes();
    let all = plain_frames(plain.clone()).len();
    // Cut: the stream ends early.
    let gz = gzip(&plain);
    let cut = gz.get(..gz.len() * 2 / 3).unwrap().to_vec();
    let (got, sum) = frames_of(open_bytes("cut.gz", cut).unwrap());
    assert!(!got.is_empty() && got.len() < all, "{} of {all}", got.len());
    assert!(
        sum.truncated.is_some() || sum.read_error.is_some(),
        "{sum:?}"
    );
    // Damage in the middle: the deflate data or the member's CRC no longer checks out (the CRC
    // only at the member's end, so frames may all have been read by then).
    let mut bad = gz.clone();
    let mid = bad.len() / 2;
    for b in bad.get_mut(mid..mid + 16).unwrap() {
        *b ^= 0x5a;
    }
    let (got, sum) = frames_of(open_bytes("bad.gz", bad).unwrap());
    assert!(got.len() <= all);
    let err = sum.read_error.expect("a read error");
    assert!(err.contains("gzip stream"), "{err}");
    // A good member followed by garbage: its frames are kept, then the error is reported
    // with the number of the last frame read.
    let (a, _) = plain.split_at(plain.len() / 2);
    let first_half = plain_frames_lenient(a.to_vec());
    let mut bad = gzip(a);
    bad.extend_from_slice(&[
        0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0xff, 0xff,
    ]);
    let (got, sum) = frames_of(open_bytes("bad.gz", bad).unwrap());
    assert_eq!(got, first_half);
    let err = sum.read_error.expect("a read error");
    assert!(
        err.starts_with(&format!(
            "reading stopped after frame {}: gzip stream",
            got.len()
        )),
        "{err}"
    );
    // zstd cut inside its second frame (a block decodes only whole): the first frame's packets
    // are kept.
    let (a, b) = plain.split_at(plain.len() / 2);
    let mut zs = zstd(a);
    let second = zstd(b);
    zs.extend_from_slice(second.get(..second.len() / 2).unwrap());
    let (got, sum) = frames_of(open_bytes("cut.zst", zs).unwrap());
    assert_eq!(got, plain_frames_lenient(a.to_vec()));
    assert!(
        sum.read_error.is_some() || sum.truncated.is_some(),
        "{sum:?}"
    );
}

#[test]
fn hostile_zstd_window_is_refused_before_allocating() {
    // Single-segment frame whose content size (= window) claims 1 TiB: ruzstd checks its
    // 100 MiB limit only on a decoder reset, which the primed decoder guarantees.
    let mut z = vec![0x28, 0xb5, 0x2f, 0xfd, 0xe0];
    z.extend((1u64 << 40).to_le_bytes());
    z.extend([0u8; 16]);
    let e = open_bytes("bomb.zst", z).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, CaptureError::Read { .. }), "{msg}");
    assert!(msg.contains("zstd stream"), "{msg}");
}

/// A reader that hands out one byte per call, as a slow pipe may.
struct Trickle(std::io::Cursor<Vec<u8>>);

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(1);
        self.0.read(&mut buf[..n])
    }
}

#[test]
fn a_pipe_delivering_byte_by_byte_reads_like_a_file() {
    for bytes in [seed_bytes(), pcapng_bytes()] {
        let want = plain_frames(bytes.clone());
        let inp = open_reader(
            "pipe".into(),
            Box::new(Trickle(std::io::Cursor::new(bytes.clone()))),
        )
        .unwrap();
        assert_eq!(frames_of(inp).0, want);
        let inp = open_reader(
            "pipe.gz".into(),
            Box::new(Trickle(std::io::Cursor::new(gzip(&bytes)))),
        )
        .unwrap();
        assert_eq!(frames_of(inp).0, want);
    }
}

#[test]
fn what_is_not_a_capture_is_named() {
    let e = open_bytes("app.log", b"javax.net.ssl|DEBUG|01|main|\n".to_vec())
        .unwrap()
        .require_capture()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "app.log is not a pcap or pcapng capture (text)"
    );
    let e = open_bytes("x.bz2", b"BZh91AY&SY\x01\x02\x03\x04\x05\x06".to_vec())
        .unwrap()
        .require_capture()
        .unwrap_err();
    assert!(e
        .to_string()
        .starts_with("x.bz2 is a bzip2-compressed file: decompress it first"));
    assert!(matches!(
        open_bytes("empty", Vec::new()).unwrap_err(),
        CaptureError::Empty { .. }
    ));
    assert!(matches!(
        open_bytes("empty.gz", gzip(b"")).unwrap_err(),
        CaptureError::Empty { path } if path == "empty.gz (after gzip decompression)"
    ));
    // gzip of text: decompressed, then named as text.
    let inp = open_bytes("log.gz", gzip(b"2026-11-24 12:00:00 INFO started\n")).unwrap();
    assert_eq!(inp.kind, Kind::Text);
    assert_eq!(inp.compression, Some(Compression::Gzip));
}

/// Writes `frames` (ts, bytes) as an Ethernet pcap file.
fn write_pcap(path: &std::path::Path, frames: &[(u64, Vec<u8>)]) {
    let mut w = PcapWriter::new(Vec::new()).unwrap();
    for (ts, d) in frames {
        w.packet(*ts, d).unwrap();
    }
    std::fs::write(path, w.into_inner()).unwrap();
}

#[test]
fn merge_orders_frames_by_time_across_files() {
    let want = plain_frames(seed_bytes());
    // Frames alternately in two files, and the second file given first: the merge restores
    // the capture's order (timestamps strictly increase in the seed capture).
    assert!(want.windows(2).all(|w| w[0].1 < w[1].1));
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.pcap"), dir.path().join("b.pcap"));
    let pick = |odd: bool| -> Vec<(u64, Vec<u8>)> {
        want.iter()
            .filter(|f| (f.0 % 2 == 1) == odd)
            .map(|f| (f.1, f.3.clone()))
            .collect()
    };
    write_pcap(&a, &pick(true));
    write_pcap(&b, &pick(false));
    let paths = [InputPath::File(b.clone()), InputPath::File(a.clone())];
    let mut m = MergeReader::open(&paths).unwrap();
    let mut got = Vec::new();
    while m.advance() {
        let f = m.frame().unwrap();
        got.push((f.index, f.ts_ns, f.linktype.0, f.data.to_vec()));
    }
    let sum = m.into_summary();
    assert_eq!(got, want);
    assert_eq!(sum.frames, want.len() as u64);
    assert_eq!(sum.parts.len(), 2);
    assert_eq!(sum.parts[0].name, b.display().to_string());
    assert_eq!(sum.parts[0].frames + sum.parts[1].frames, sum.frames);
    // The last frame of the capture is odd-numbered, so it came from a.pcap (given second).
    assert_eq!(sum.parts[1].last_frame, Some(want.len() as u64));
}

#[test]
fn merge_breaks_timestamp_ties_by_input_order_and_keeps_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.pcap"), dir.path().join("b.pcap"));
    // a: t=5 "a1", t=5 "a2", t=3 "a3" (time goes back inside a file); b: t=5 "b1", t=4 "b2".
    let f = |ts: u64, tag: &str| (ts, tag.as_bytes().to_vec());
    write_pcap(&a, &[f(5, "a1"), f(5, "a2"), f(3, "a3")]);
    write_pcap(&b, &[f(5, "b1"), f(4, "b2")]);
    let mut m = MergeReader::open(&[InputPath::File(a), InputPath::File(b)]).unwrap();
    let mut got = Vec::new();
    while m.advance() {
        got.push(String::from_utf8(m.frame().unwrap().data.to_vec()).unwrap());
    }
    // mergecap's rule: the earliest current frame, the first file on a tie.
    assert_eq!(got, ["a1", "a2", "a3", "b1", "b2"]);
}

#[test]
fn merge_of_many_files_reopens_them_lazily_in_order() {
    // More files than are kept open: each is closed after its first frame and opened again
    // when the merge reaches it; the result is the same order.
    let dir = tempfile::tempdir().unwrap();
    let n = 40u64;
    let mut paths = Vec::new();
    for i in 0..n {
        let p = dir.path().join(format!("ring{i}.pcap"));
        // File i holds t = i*10 .. i*10+2, and one frame overlapping the next file.
        write_pcap(
            &p,
            &[
                (i * 10, vec![i as u8, 0]),
                (i * 10 + 2, vec![i as u8, 1]),
                (i * 10 + 11, vec![i as u8, 2]),
            ],
        );
        paths.push(InputPath::File(p));
    }
    paths.reverse();
    let mut m = MergeReader::open(&paths).unwrap();
    let mut ts = Vec::new();
    while m.advance() {
        let f = m.frame().unwrap();
        assert_eq!(f.index, ts.len() as u64 + 1);
        ts.push(f.ts_ns);
    }
    assert_eq!(ts.len() as u64, 3 * n);
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "{ts:?}");
}

#[test]
fn merge_counts_an_empty_ring_file_as_a_part_without_frames() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("dump0"), dir.path().join("dump1"));
    write_pcap(&a, &[(1, vec![1]), (2, vec![2])]);
    std::fs::write(&b, b"").unwrap();
    let paths = [InputPath::File(a), InputPath::File(b)];
    let sum = Frames::open(&paths).unwrap().drain(&mut |_| {});
    assert_eq!(sum.frames, 2);
    assert_eq!(sum.parts[1].truncated.as_deref(), Some("the file is empty"));
}
