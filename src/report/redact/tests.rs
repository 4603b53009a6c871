//! Unit tests of report/redact.rs (kept apart so that file stays under ~600 lines).

use super::*;

#[test]
fn whole_words_only() {
    assert_eq!(
        replace_words(
            "10.0.0.1:443 and 10.0.0.10 and 110.0.0.1.",
            "10.0.0.1",
            "addr-1"
        ),
        "addr-1:443 and 10.0.0.10 and 110.0.0.1."
    );
    assert_eq!(
        replace_words(
            "CN=partner.test,O=x (SNI partner.test)",
            "partner.test",
            "host-1"
        ),
        "CN=host-1,O=x (SNI host-1)"
    );
}

#[test]
fn escaped_forms_are_replaced_and_tokens_escaped_alike() {
    let mut r = Redactor {
        pairs: vec![
            ("svc_partner.test".into(), "host-1".into()),
            ("CN=a_b,C=X*".into(), "CN=name-1,C=X*".into()),
            ("evil\u{1b}x.test".into(), "host-2".into()),
        ],
        ..Default::default()
    };
    r.escaped_forms();
    assert_eq!(
        r.text("(SNI svc\\_partner.test) svc_partner.test"),
        "(SNI host-1) host-1"
    );
    // The kept C= value inside the token stays inert in Markdown.
    assert_eq!(r.text("CN=a\\_b,C=X\\*"), "CN=name-1,C=X\\*");
    assert_eq!(r.text("SNI evil\\u{1b}x.test"), "SNI host-2");
    assert_eq!(r.pairs.len(), 7, "{:?}", r.pairs);
}

#[test]
fn host_names_in_plaintext_words() {
    assert_eq!(host_in_word("250-partner.test"), Some("partner.test"));
    assert_eq!(host_in_word("<ops@client.test>"), Some("client.test"));
    assert_eq!(
        host_in_word("mail.partner.test."),
        Some("mail.partner.test")
    );
    for no in ["2.0.0", "v1.2", "ESMTP", "250-SIZE", "10240000", "a.b1"] {
        assert_eq!(host_in_word(no), None, "{no}");
    }
    assert_eq!(
        replace_words("250-partner.test my-partner.test", "partner.test", "host-1"),
        "250-host-1 my-partner.test"
    );
}

#[test]
fn host_of_strips_the_port_only() {
    assert_eq!(host_of("partner.test:8443"), "partner.test");
    assert_eq!(host_of("partner.test"), "partner.test");
    assert_eq!(host_of("[::1]:443"), "::1");
    assert_eq!(host_of("::1"), "::1");
    assert_eq!(host_of("[fe80::1]"), "fe80::1");
}

#[test]
fn dn_values_split() {
    assert_eq!(
        dn_values("CN=a\\,b,O=Partner Corp+OU=x,C=DE"),
        vec![
            ("CN".into(), "a\\,b".into()),
            ("O".into(), "Partner Corp".into()),
            ("OU".into(), "x".into()),
            ("C".into(), "DE".into())
        ]
    );
}
