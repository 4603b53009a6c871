use super::text::wrap;

#[test]
fn wrap_keeps_words_and_width() {
    let lines = wrap(
        "the server asked for a client certificate issued by one of 2 CAs",
        20,
    );
    assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
    assert_eq!(
        lines.join(" "),
        "the server asked for a client certificate issued by one of 2 CAs"
    );
}

#[test]
fn wrap_long_word_stays_whole() {
    let lines = wrap("CN=averyveryverylongcommonname,O=x short", 10);
    assert_eq!(lines[0], "CN=averyveryverylongcommonname,O=x");
    assert_eq!(lines[1], "short");
}

#[test]
fn short_reason_keeps_first_clause_without_ca_list() {
    let r = "no certificate in the chain of entry 'ssos' is issued by a CA the server lists (CN=A,O=B; CN=C); the key manager returns no alias";
    assert_eq!(
        crate::identity::check::short_reason(r),
        "no certificate in the chain of entry 'ssos' is issued by a CA the server lists"
    );
}

/// Found by the `capture` fuzz target (tests/fuzz_regressions/capture/crash-73cad875…): an
/// anomaly's detail quotes input (a javax.net.debug line, a file name) and reached the terminal
/// raw — a carriage return there can hide the start of a line.
#[test]
fn anomaly_details_and_source_name_are_escaped_for_the_terminal() {
    use super::text::{write_analysis, Detail, TextOptions};
    use crate::model::Anomaly;
    let pcap =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/tls13-client-cert.pcap");
    let mut a = crate::analyze::analyze_path(&pcap, &Default::default()).unwrap();
    a.source.name = "evil\r\u{1b}[2J.pcap".into();
    a.anomalies.push(Anomaly::new(
        "truncated_file",
        Some(1),
        None,
        "file \r\u{1b}[31mforged",
    ));
    a.connections[0].tls.anomalies.push(Anomaly::new(
        "record",
        Some(2),
        None,
        "conn \u{202e}reversed\r",
    ));
    let opts = TextOptions {
        detail: Detail::All,
        ..TextOptions::plain()
    };
    let mut out = Vec::new();
    write_analysis(&mut out, &a, &opts).unwrap();
    let s = String::from_utf8(out).unwrap();
    assert!(!s.contains(['\r', '\u{1b}', '\u{202e}']), "{s}");
    assert!(s.contains("evil\\u{d}\\u{1b}[2J.pcap"), "{s}");
    assert!(s.contains("file \\u{d}\\u{1b}[31mforged"), "{s}");
    assert!(s.contains("conn \\u{202e}reversed\\u{d}"), "{s}");
}
