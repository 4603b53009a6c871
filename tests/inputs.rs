//! Captures as users hand them over: compressed by gzip/zstd/xz (made here by the system tools),
//! read from standard input, several files in one run (one report each, or one capture with
//! `--merge`), a directory, and the real tcpdump ring buffer in captures/ring/ whose one
//! connection spans three files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn cap(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

fn ring() -> Vec<PathBuf> {
    (0..3).map(|i| cap(&format!("ring/dump{i}.pcap"))).collect()
}

fn tlsdiag_in(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlsdiag"))
        .args(args)
        .env_remove("SSLKEYLOGFILE")
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        let mut w = child.stdin.take().unwrap();
        // Written from a thread: the child may fill stdout before it has read all of stdin.
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = w.write_all(&bytes);
        });
    }
    child.wait_with_output().unwrap()
}

fn tlsdiag(args: &[&str]) -> Output {
    tlsdiag_in(args, None)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The document without the fields that name the input (`source.name`, `source.compression`).
fn without_input_name(mut v: serde_json::Value) -> serde_json::Value {
    let src = v["source"].as_object_mut().unwrap();
    src.remove("name");
    src.remove("compression");
    v
}

/// A system tool the test needs: present, or the test is skipped — except in CI, where
/// scripts/setup.sh installs it.
fn tool(name: &str) -> bool {
    let ok = Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is required in CI (scripts/setup.sh installs it)"
        );
        eprintln!("SKIPPED: {name} not installed (run scripts/setup.sh)");
    }
    ok
}

/// `tool -c FILE > out` (gzip, zstd and xz all take `-c`).
fn compress(tool: &str, input: &Path, out: &Path) {
    let o = Command::new(tool).arg("-c").arg(input).output().unwrap();
    assert!(o.status.success(), "{tool}: {}", stderr(&o));
    std::fs::write(out, o.stdout).unwrap();
}

#[test]
fn compressed_seed_reports_exactly_like_the_plain_file() {
    let seed = cap("seed-jsse-empty-cert.pcap");
    let plain_json = json(&tlsdiag(&["analyze", s(&seed), "--json"]));
    let plain_text = tlsdiag(&["analyze", s(&seed)]);
    let plain_text = String::from_utf8(plain_text.stdout).unwrap();
    assert!(plain_text.contains("client-sent-empty-certificate"));
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (tool_name, ext, compression) in [
        ("gzip", "gz", "gzip"),
        ("zstd", "zst", "zstd"),
        ("xz", "xz", "xz"),
    ] {
        if !tool(tool_name) {
            continue;
        }
        // Named without the usual extension: the content decides, not the name.
        let packed = dir.path().join(format!("seed-{ext}.bin"));
        compress(tool_name, &seed, &packed);
        let v = json(&tlsdiag(&["analyze", s(&packed), "--json"]));
        assert_eq!(v["source"]["compression"], compression);
        assert_eq!(v["source"]["name"], s(&packed));
        assert_eq!(v["source"]["format"], "pcap");
        assert_eq!(
            without_input_name(v),
            without_input_name(plain_json.clone()),
            "{tool_name}"
        );
        // The text report too, but for the name in its first line.
        let t = tlsdiag(&["analyze", s(&packed)]);
        let t = String::from_utf8(t.stdout).unwrap();
        assert_eq!(
            t.replacen(s(&packed), s(&seed), 1),
            plain_text,
            "{tool_name}"
        );
        checked += 1;
    }
    assert!(checked > 0 || std::env::var_os("CI").is_none());
    assert_eq!(plain_json["source"]["compression"], serde_json::Value::Null);
    assert_eq!(plain_json["source"]["files"], serde_json::json!([]));
}

#[test]
fn standard_input_plain_and_compressed() {
    let seed = cap("seed-jsse-empty-cert.pcap");
    let bytes = std::fs::read(&seed).unwrap();
    let plain = json(&tlsdiag(&["analyze", s(&seed), "--json"]));
    let v = json(&tlsdiag_in(&["analyze", "-", "--json"], Some(&bytes)));
    assert_eq!(v["source"]["name"], "standard input");
    assert_eq!(without_input_name(v), without_input_name(plain.clone()));
    if tool("gzip") {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("seed.pcap.gz");
        compress("gzip", &seed, &gz);
        let gz = std::fs::read(gz).unwrap();
        let v = json(&tlsdiag_in(&["analyze", "-", "--json"], Some(&gz)));
        assert_eq!(v["source"]["compression"], "gzip");
        assert_eq!(without_input_name(v), without_input_name(plain.clone()));
        // --stream reads a pipe as it comes too.
        let o = tlsdiag_in(&["analyze", "-", "--stream"], Some(&gz));
        let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["connection"]["client_certificate"]["count"], 0);
        assert_eq!(lines[1]["source"]["name"], "standard input");
    }
    // The pcapng test capture through a pipe (its header is read before pcap-parser starts).
    let ng = cap("two-interfaces-ipv6.pcapng");
    let want = json(&tlsdiag(&["analyze", s(&ng), "--json"]));
    let v = json(&tlsdiag_in(
        &["analyze", "-", "--json"],
        Some(&std::fs::read(&ng).unwrap()),
    ));
    assert_eq!(without_input_name(v), without_input_name(want));
    // Empty standard input: a one-line error.
    let o = tlsdiag_in(&["analyze", "-"], Some(b""));
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "tlsdiag: standard input is empty\n");
}

#[test]
fn several_files_each_get_their_report() {
    let (a, b) = (cap("seed-jsse-empty-cert.pcap"), cap("jsse-mtls-ok.pcap"));
    let v = json(&tlsdiag(&["analyze", s(&a), s(&b), "--json"]));
    let docs = v.as_array().expect("an array of documents");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["source"]["name"], s(&a));
    assert_eq!(docs[1]["source"]["name"], s(&b));
    assert_eq!(docs[0]["summary"]["failed"], 1);
    assert_eq!(docs[1]["summary"]["completed"], 1);
    assert_eq!(
        docs[1]["schema_version"],
        tlsdiag::report::json::SCHEMA_VERSION
    );
    // Text: one block per file, each opening with its own header line.
    let o = tlsdiag(&["analyze", s(&a), s(&b)]);
    let t = String::from_utf8(o.stdout).unwrap();
    let heads: Vec<&str> = t
        .lines()
        .filter(|l| l.contains(" TLS connection"))
        .collect();
    assert_eq!(heads.len(), 2, "{t}");
    assert!(heads[0].starts_with(s(&a)) && heads[0].contains("1 failed"));
    assert!(heads[1].starts_with(s(&b)));
    // --stream: each file's connection lines, then its end line.
    let o = tlsdiag(&["analyze", s(&a), s(&b), "--stream"]);
    let types: Vec<String> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["type"].to_string())
        .collect();
    assert_eq!(
        types,
        [r#""connection""#, r#""end""#, r#""connection""#, r#""end""#]
    );
    // --fail-on looks at every report.
    let o = tlsdiag(&["analyze", s(&b), s(&a), "--fail-on", "error"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn an_unreadable_file_among_several_is_named_and_the_others_reported() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("notes.pcap");
    std::fs::write(&bad, "meeting notes, not a capture\n").unwrap();
    let seed = cap("seed-jsse-empty-cert.pcap");
    let o = tlsdiag(&["analyze", s(&bad), s(&seed), "--json"]);
    assert_eq!(o.status.code(), Some(2), "the run is not a success");
    assert_eq!(
        stderr(&o),
        format!(
            // The file is named once (issue 13 §6: no "cannot analyse X: X is …").
            "tlsdiag: {} is not a pcap or pcapng capture (text)\n",
            s(&bad)
        )
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["source"]["name"], s(&seed));
    // --conn needs one report.
    let o = tlsdiag(&["analyze", s(&seed), s(&seed), "--conn", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--conn selects a connection of one report"));
}

#[test]
fn a_directory_means_its_capture_files_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let seed = cap("seed-jsse-empty-cert.pcap");
    std::fs::copy(&seed, dir.path().join("dump10")).unwrap();
    std::fs::copy(cap("jsse-mtls-ok.pcap"), dir.path().join("dump2")).unwrap();
    std::fs::write(dir.path().join("README.txt"), "captured on host a\n").unwrap();
    std::fs::create_dir(dir.path().join("old")).unwrap();
    let o = tlsdiag(&["analyze", s(dir.path()), "--json"]);
    let v = json(&o);
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["source"]["name"].as_str().unwrap())
        .collect();
    let p = |n: &str| dir.path().join(n).display().to_string();
    assert_eq!(names, [p("dump2"), p("dump10")]);
    assert_eq!(
        stderr(&o),
        format!(
            "tlsdiag: skipped {}: text, not a capture\ntlsdiag: skipped {}: a directory (not searched)\n",
            p("README.txt"),
            p("old")
        )
    );
    // A directory with one capture is still an array: the shape follows the command line.
    let one = tempfile::tempdir().unwrap();
    std::fs::copy(&seed, one.path().join("only.pcap")).unwrap();
    assert!(json(&tlsdiag(&["analyze", s(one.path()), "--json"])).is_array());
    // An empty directory is an error.
    let none = tempfile::tempdir().unwrap();
    let o = tlsdiag(&["analyze", s(none.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no capture files in directory"));
}

#[test]
fn ring_buffer_pieces_alone_show_fragments() {
    // dump0 holds only the TCP handshake; dump1 the ClientHello and the server's flight; dump2
    // the client's empty Certificate and the alert, without the handshake's start.
    let r = ring();
    let v = json(&tlsdiag(&[
        "analyze",
        s(&r[0]),
        s(&r[1]),
        s(&r[2]),
        "--json",
    ]));
    let docs = v.as_array().unwrap();
    assert!(docs[0]["connections"].as_array().unwrap().is_empty());
    let c1 = &docs[1]["connections"][0];
    assert_eq!(c1["outcome"]["status"], "incomplete");
    assert_eq!(
        c1["certificate_request"]["certificate_authorities"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(c1["client_certificate"], serde_json::Value::Null);
    let c2 = &docs[2]["connections"][0];
    assert_eq!(c2["client_hello"], serde_json::Value::Null);
    assert_eq!(c2["client_certificate"]["count"], 0);
    let codes: Vec<&str> = c2["diagnosis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"capture-handshake-missing"), "{codes:?}");
    assert!(
        !codes.contains(&"client-sent-empty-certificate"),
        "{codes:?}"
    );
}

#[test]
fn ring_buffer_merged_is_one_connection_with_the_seed_diagnosis() {
    let r = ring();
    let v = json(&tlsdiag(&[
        "analyze",
        "--merge",
        s(&r[2]),
        s(&r[0]),
        s(&r[1]),
        "--json",
    ]));
    let conns = v["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 1, "one connection across the three files");
    let c = &conns[0];
    assert_eq!(c["outcome"]["status"], "failed");
    assert_eq!(c["capture"]["syn_seen"], true);
    assert_eq!(c["first_frame"], 1);
    assert_eq!(c["client_hello"]["sni"], "partner.test");
    assert_eq!(c["client_certificate"]["count"], 0);
    assert_eq!(
        c["certificate_request"]["certificate_authorities"][0],
        "CN=Partner Issuing CA,O=Partner Corp,C=DE"
    );
    assert_eq!(c["alerts"][0]["code"], 40);
    assert_eq!(c["diagnosis"][0]["code"], "client-sent-empty-certificate");
    // The source lists the parts in the order given.
    let files: Vec<&str> = v["source"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(files, [s(&r[2]), s(&r[0]), s(&r[1])]);
    assert_eq!(v["source"]["frames"], 13);
    // The directory gives the same capture, named after the directory.
    let d = json(&tlsdiag(&["analyze", "--merge", s(&cap("ring")), "--json"]));
    assert_eq!(d["source"]["name"], s(&cap("ring")));
    assert_eq!(d["connections"], v["connections"]);
    // The text report says it was merged.
    let t = tlsdiag(&["analyze", "--merge", s(&cap("ring"))]);
    let first = String::from_utf8(t.stdout).unwrap();
    let first = first.lines().next().unwrap();
    assert!(
        first.ends_with("(pcap, ETHERNET, 13 frames, 3 files merged)"),
        "{first}"
    );
}

/// Our merge numbers frames as `mergecap` does (earliest first, the first file on a tie), so the
/// frame numbers in a report are those Wireshark shows for `mergecap -w all.pcap FILES`.
#[test]
fn merge_equals_mergecap() {
    if !tool_mergecap() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let r = ring();
    // Also two captures whose connections interleave in time with a compressed piece.
    let merged = dir.path().join("all.pcap");
    let o = Command::new("mergecap")
        .arg("-F")
        .arg("pcap")
        .arg("-w")
        .arg(&merged)
        .args(&r)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let want = json(&tlsdiag(&["analyze", s(&merged), "--json"]));
    let got = json(&tlsdiag(&[
        "analyze",
        "--merge",
        s(&r[1]),
        s(&r[2]),
        s(&r[0]),
        "--json",
    ]));
    let strip = |mut v: serde_json::Value| {
        v.as_object_mut().unwrap().remove("source");
        v
    };
    assert_eq!(strip(got), strip(want));
}

fn tool_mergecap() -> bool {
    let ok = Command::new("mergecap")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "mergecap is required in CI (scripts/setup.sh installs tshark, which brings it)"
        );
        eprintln!("SKIPPED: mergecap not installed");
    }
    ok
}

#[test]
fn a_corrupt_compressed_file_keeps_what_was_decoded() {
    if !tool("gzip") {
        return;
    }
    let seed = cap("seed-jsse-empty-cert.pcap");
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("seed.pcap.gz");
    compress("gzip", &seed, &gz);
    // A second gzip member that breaks off: what the first member held is analysed.
    let mut bytes = std::fs::read(&gz).unwrap();
    bytes.extend_from_slice(&[0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0xff, 0x01]);
    std::fs::write(&gz, &bytes).unwrap();
    let o = tlsdiag(&["analyze", s(&gz), "--json"]);
    let v = json(&o);
    assert_eq!(v["connections"][0]["client_certificate"]["count"], 0);
    let a = &v["anomalies"][0];
    assert_eq!(a["kind"], "read_error");
    assert_eq!(a["frame"], 17);
    let detail = a["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("reading stopped after frame 17: gzip stream:"),
        "{detail}"
    );
    // Text: the anomaly is the second line, under the header.
    let t = tlsdiag(&["analyze", s(&gz)]);
    let t = String::from_utf8(t.stdout).unwrap();
    assert!(t.lines().nth(1).unwrap().contains("read_error"), "{t}");
}

#[test]
fn other_archive_formats_are_named_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let z = dir.path().join("capture.zip");
    std::fs::write(&z, b"PK\x03\x04\x14\x00\x00\x00\x08\x00capture.pcap").unwrap();
    let o = tlsdiag(&["analyze", s(&z)]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "tlsdiag: {0} is a zip archive: extract it first (unzip FILE) and analyse the capture files inside\n",
            s(&z)
        )
    );
}

/// A javax.net.debug log goes through the same door: compressed or from standard input it is
/// recognised after decompression and read like the plain log.
#[test]
fn a_compressed_java_debug_log_reads_like_the_plain_log() {
    let log = cap("jsselog/jdk17-seed-tls12.log");
    let plain = json(&tlsdiag(&["analyze", s(&log), "--json"]));
    assert_eq!(plain["source"]["format"], "javax.net.debug");
    assert_eq!(
        plain["connections"][0]["diagnosis"][0]["code"],
        "client-sent-empty-certificate"
    );
    let via_stdin = json(&tlsdiag_in(
        &["analyze", "-", "--json"],
        Some(&std::fs::read(&log).unwrap()),
    ));
    assert_eq!(
        without_input_name(via_stdin),
        without_input_name(plain.clone())
    );
    if !tool("gzip") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("app.log.gz");
    compress("gzip", &log, &gz);
    let v = json(&tlsdiag(&["analyze", s(&gz), "--json"]));
    assert_eq!(v["source"]["compression"], "gzip");
    assert_eq!(without_input_name(v), without_input_name(plain));
}
