use super::*;

#[test]
fn proxy_forms() {
    assert_eq!(
        parse("http://proxy.corp:8080/").unwrap(),
        Proxy {
            host: "proxy.corp".into(),
            port: 8080
        }
    );
    assert_eq!(parse("127.0.0.1:3129").unwrap().port, 3129);
    assert_eq!(parse("proxy").unwrap().port, 1080);
    let v6 = parse("http://[::1]:8888").unwrap();
    assert_eq!((v6.host.as_str(), v6.port), ("::1", 8888));
    assert_eq!(v6.to_string(), "[::1]:8888");
    for bad in [
        "https://proxy:443",
        "socks5://proxy:1080",
        "http://user:secret@proxy:8080",
        "http://proxy:80/path",
        "http://proxy:notaport",
        "http://:8080",
        "::1",
        "http://[::1]junk",
    ] {
        let e = parse(bad).unwrap_err().to_string();
        assert!(!e.contains("secret"), "{e}");
        assert!(e.starts_with("proxy "), "{e}");
    }
}
