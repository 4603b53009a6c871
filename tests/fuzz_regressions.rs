//! Replays every input kept in tests/fuzz_regressions/<target>/ through the fuzz targets' own
//! entry points (fuzz/src/lib.rs, included here, so the replay is the same code the fuzzer
//! ran): each input that ever crashed a target, and a few minimised inputs of each target's
//! corpus. No panic, and a result bounded by the input's size. docs/fuzzing.md tells how the
//! files got here.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod entries;

use std::path::Path;

/// Output allowed per input byte (reports describe what they read, with fixed text per fact),
/// plus a floor for tiny inputs. Loose on purpose: it catches a report that grows without
/// bound (a loop, a repeated section), not a wordy one.
const PER_INPUT_BYTE: usize = 200;
const FLOOR: usize = 256 * 1024;

#[test]
fn every_kept_input_replays_without_panic_and_bounded() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut replayed = 0;
    for target in entries::TARGETS {
        let dir = root.join(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
            .collect();
        files.sort();
        assert!(
            !files.is_empty(),
            "{}: no input kept for target {target}",
            dir.display()
        );
        for f in files {
            let data = std::fs::read(&f).expect("read kept input");
            let out = entries::run(target, &data).expect("a known target");
            let bound = FLOOR + PER_INPUT_BYTE * data.len();
            assert!(
                out <= bound,
                "{}: {out} output bytes from {} input bytes (bound {bound})",
                f.display(),
                data.len()
            );
            replayed += 1;
        }
    }
    assert!(replayed >= entries::TARGETS.len());
}

/// The replay reaches the decoders: a real capture from the seeds gives a report, a keystore
/// with its password gives entries, a key log gives its secrets (a replay of inputs that all
/// stop at the first check would prove nothing).
#[test]
fn entry_points_reach_the_decoders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pcap = std::fs::read(root.join("captures/tls13-client-cert.pcap")).expect("capture");
    assert!(entries::capture(&pcap) > 1000);
    let keylog = std::fs::read(root.join("captures/tls13-client-cert.keylog")).expect("keylog");
    assert!(entries::keylog(&keylog) >= 1);
    let mut p12 = vec![1u8];
    p12.extend(std::fs::read(root.join("captures/keystores/client.p12")).expect("p12"));
    assert!(entries::identity(&p12) > 0);
    let http = std::fs::read(root.join("captures/scripts/http-200.txt")).expect("http");
    assert!(entries::http(&http) > 0);
    // One step script: the client's first chunk of a real handshake is a ClientHello.
    let mut script = vec![0u8];
    let hello = client_hello(&pcap);
    script.extend((hello.len() as u16).to_be_bytes());
    script.extend(&hello);
    assert!(entries::tls_conn(&script) > 0);
}

/// The first TCP payload of the capture sent to port 443 or 4433 by the client (what the seed
/// script takes from tshark; here from the frames, via the library's own reader).
fn client_hello(pcap: &[u8]) -> Vec<u8> {
    let mut first = None;
    tlsdiag::capture::read_reader("t", pcap, &mut |f| {
        if first.is_some() {
            return;
        }
        // Ethernet (14) + IPv4 (20, no options) + TCP (data offset); loopback captures here
        // are Ethernet or Linux cooked; find the TLS handshake record start instead.
        if let Some(i) = f.data.windows(3).position(|w| w == [0x16, 0x03, 0x01]) {
            if f.data.get(i + 5) == Some(&1) {
                first = Some(f.data[i..].to_vec());
            }
        }
    })
    .expect("the capture reads");
    first.expect("a ClientHello in the capture")
}
