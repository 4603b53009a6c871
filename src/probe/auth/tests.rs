use super::*;

fn h(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn challenges_carry_realm_and_token_kind_and_length_only() {
    // A Kerberos AP-REP inside a SPNEGO NegTokenResp, as a 200 of RFC 4559 carries it.
    let hs = h(&[
        (
            "WWW-Authenticate",
            "Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==",
        ),
        ("www-authenticate", "Basic realm=\"Orders, EU\", NTLM"),
    ]);
    let c = challenges(&hs);
    assert_eq!(c.len(), 3);
    assert_eq!(c[0].scheme, "Negotiate");
    assert_eq!(c[0].token_len, Some(22));
    assert_eq!(c[0].token_kind.as_deref(), Some("spnego-response"));
    assert_eq!(c[1].scheme, "Basic");
    assert_eq!(c[1].realm.as_deref(), Some("Orders, EU"));
    assert_eq!(c[1].token_len, None);
    assert_eq!(c[2].scheme, "NTLM");
    assert_eq!(
        negotiate_token(&hs).map(|t| t.len()),
        Some(22),
        "the mutual-auth token is found for the GSSAPI step"
    );
}

#[test]
fn a_bare_negotiate_challenge_has_no_token() {
    let c = challenges(&h(&[("WWW-Authenticate", "Negotiate")]));
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].token_len, None);
    assert!(negotiate_token(&h(&[("WWW-Authenticate", "Negotiate")])).is_none());
}

#[test]
fn tokens_and_cookies_are_redacted_from_kept_headers() {
    let mut hs = h(&[
        (
            "WWW-Authenticate",
            "Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==",
        ),
        ("WWW-Authenticate", "Basic realm=\"x\""),
        (
            "Set-Cookie",
            "LtpaToken2=AbCdEf0123456789; Path=/; HttpOnly",
        ),
        ("Content-Type", "text/xml"),
    ]);
    redact_headers(&mut hs);
    assert_eq!(hs[0].1, "Negotiate <token: 22 bytes>");
    assert_eq!(hs[1].1, "Basic realm=\"x\"");
    assert_eq!(hs[2].1, "LtpaToken2=<16 bytes>; Path=/; HttpOnly");
    assert_eq!(hs[3].1, "text/xml");
    let all: String = hs.iter().map(|(_, v)| v.as_str()).collect();
    assert!(!all.contains("oRQw") && !all.contains("AbCdEf"));
}

#[test]
fn default_spn_is_http_slash_host() {
    let o = NegotiateOptions::default();
    assert_eq!(o.spn_for("Partner.Example"), "HTTP/partner.example");
    let o = NegotiateOptions {
        spn: Some("HTTP/alias.example@EXAMPLE.COM".into()),
        ..Default::default()
    };
    assert_eq!(o.spn_for("x"), "HTTP/alias.example@EXAMPLE.COM");
}

#[test]
fn http_dates() {
    // RFC 9110 §5.6.7's example; `date -u -d '1994-11-06 08:49:37' +%s` = 784111777.
    assert_eq!(
        http_date_unix("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777)
    );
    assert_eq!(
        http_date_unix("Wed, 02 Dec 2026 05:49:06 GMT"),
        Some(1_796_190_546)
    );
    assert_eq!(http_date_unix("Sunday, 06-Nov-94 08:49:37 GMT"), None);
    assert_eq!(http_date_unix("Sun, 06 Nov 1994 08:49:37 CET"), None);
    assert_eq!(http_date_unix(""), None);
}
