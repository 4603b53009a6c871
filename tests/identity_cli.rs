//! `tlsdiag identity inspect` end to end, over keystores made by keytool and openssl
//! (tests/data/identity/generate.sh). Guards: facts per entry in JSON, clear one-line errors
//! with exit code 2, and that the password never appears in any output.

use std::process::Command;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/identity");

fn tlsdiag() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tlsdiag"));
    c.env_remove("TLSDIAG_PASSWORD");
    c
}

fn path(name: &str) -> String {
    format!("{DIR}/{name}")
}

#[test]
fn inspect_jks_json_lists_entries_with_key_facts() {
    let out = tlsdiag()
        .args([
            "identity",
            "inspect",
            &path("multi.jks"),
            "--json",
            "--password-file",
        ])
        .arg(path("password.txt"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "JKS");
    let entries = v["entries"].as_array().unwrap();
    let by = |a: &str| entries.iter().find(|e| e["alias"] == a).unwrap().clone();
    let client = by("client");
    assert_eq!(client["entry_type"], "PrivateKeyEntry");
    assert_eq!(client["chain_length"], 2);
    assert_eq!(client["private_key"]["algorithm"], "RSA");
    assert_eq!(client["private_key"]["bits"], 2048);
    assert_eq!(client["key_matches_certificate"], "yes");
    assert_eq!(client["client_auth_eku"], "present");
    assert_eq!(client["usable_as_client_identity"], true);
    assert!(client["created"].as_str().unwrap().starts_with("20"));
    let root = by("rootca");
    assert_eq!(root["entry_type"], "trustedCertEntry");
    assert_eq!(root["usable_as_client_identity"], false);
    assert!(root["problems"][0]
        .as_str()
        .unwrap()
        .contains("cannot be used as a client identity"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("changeit"));
}

#[test]
fn inspect_text_flags_mismatch_expiry_and_missing_client_auth() {
    let out = tlsdiag()
        .args([
            "identity",
            "inspect",
            &path("client.pem"),
            &path("other.key"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("matches the certificate: NO"), "{text}");
    assert!(text.contains("Usable as a client identity: no"));

    let out = tlsdiag()
        .args([
            "identity",
            "inspect",
            &path("expired.pem"),
            &path("expired.key"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Validity: EXPIRED"), "{text}");
    assert!(text.contains("expired on 2021-01-01"));

    let out = tlsdiag()
        .args([
            "identity",
            "inspect",
            &path("server-only.pem"),
            &path("server-only.key"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("EKU clientAuth: ABSENT"), "{text}");
}

#[test]
fn password_from_environment_and_wrong_password_error() {
    let out = tlsdiag()
        .args([
            "identity",
            "inspect",
            &path("client-openssl-aes.p12"),
            "--alias",
            "client",
        ])
        .env("TLSDIAG_PASSWORD", "changeit")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Alias name: client"));

    let out = tlsdiag()
        .args(["identity", "inspect", &path("client-openssl-aes.p12")])
        .env("TLSDIAG_PASSWORD", "s3cret-wrong")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wrong password"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!err.contains("s3cret-wrong"));
}

#[test]
fn unknown_alias_lists_the_aliases() {
    let out = tlsdiag()
        .args([
            "identity",
            "inspect",
            &path("multi.p12"),
            "--alias",
            "ssos",
            "--password-file",
        ])
        .arg(path("password.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no entry with alias 'ssos'"), "{err}");
    assert!(
        err.contains("client") && err.contains("selfsigned"),
        "{err}"
    );
}

#[test]
fn corrupt_and_unknown_files() {
    for (f, want) in [
        ("corrupt.jks", "corrupt JKS"),
        ("garbage.bin", "not a keystore"),
    ] {
        let out = tlsdiag()
            .args(["identity", "inspect", &path(f), "--password-file"])
            .arg(path("password.txt"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{f}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{f}: {err}");
        assert!(!err.contains("panicked"), "{f}: {err}");
    }
}

/// Issue 13 §2: user-named files that are not files (or never end) are one clear line each,
/// quickly, with the OS error said once.
#[test]
fn devices_directories_and_pipes_named_as_user_files_are_refused_quickly() {
    let started = std::time::Instant::now();
    let dir = std::env::temp_dir();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "identity".into(),
                "inspect".into(),
                path("multi.jks"),
                "--password-file".into(),
                "/dev/zero".into(),
            ],
            "password file /dev/zero is a character device, not a file",
        ),
        (
            vec!["identity".into(), "inspect".into(), "/dev/zero".into()],
            "keystore /dev/zero is a character device, not a file",
        ),
        (
            vec![
                "identity".into(),
                "inspect".into(),
                dir.display().to_string(),
            ],
            "is a directory, not a file",
        ),
        (
            vec![
                "probe".into(),
                "https://127.0.0.1:9/".into(),
                "--envelope".into(),
                "/dev/zero".into(),
            ],
            "envelope /dev/zero is a character device, not a file",
        ),
        (
            vec![
                "analyze".into(),
                format!("{}/../../../captures/jsse-mtls-ok.pcap", DIR),
                "--keylog".into(),
                "/dev/zero".into(),
            ],
            "key log /dev/zero is a character device, not a file",
        ),
        (
            vec![
                "identity".into(),
                "inspect".into(),
                "/nonexistent/ks.jks".into(),
            ],
            "cannot open keystore /nonexistent/ks.jks: No such file or directory (os error 2)",
        ),
    ];
    for (args, want) in cases {
        let out = tlsdiag().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(!err.contains("(os error 21)"), "{err}");
        if let Some(os) = err.find("(os error") {
            assert_eq!(
                err.matches(&err[os..err.len().min(os + 12)]).count(),
                1,
                "said twice: {err}"
            );
        }
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}
