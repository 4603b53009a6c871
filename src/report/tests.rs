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
        super::text::short_reason(r),
        "no certificate in the chain of entry 'ssos' is issued by a CA the server lists"
    );
}
