//! The static offline build (README, "One static binary"): `cargo build --target
//! x86_64-unknown-linux-musl --no-default-features` links nothing but itself — its ELF file asks
//! for no program interpreter and no shared library, `ldd` agrees — and it runs `analyze` on the
//! seed capture inside an empty chroot, where no libc, libpcap or anything else exists.
//!
//! Building it takes minutes (docs/performance.md has the figures), so this test builds only when
//! `TLSDIAG_STATIC_TEST=1`; `.ci/run` sets it when the musl target and musl-gcc are installed.
//! The build goes to its own target directory under cargo's test scratch space, with the cheap
//! `static-test` profile (no optimisation, no debug info); the release build the README documents
//! differs only in optimisation, not in what it links.

use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "x86_64-unknown-linux-musl";

fn cap(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

/// What the ELF file says about dynamic linking: (has a PT_INTERP program header, the DT_NEEDED
/// library count). Test code over our own build output, so plain indexing is fine here.
fn elf_dynamic_needs(bytes: &[u8]) -> (bool, usize) {
    assert_eq!(&bytes[..4], b"\x7fELF", "not an ELF file");
    assert_eq!(bytes[4], 2, "64-bit ELF expected");
    assert_eq!(bytes[5], 1, "little-endian ELF expected");
    let u16at = |o: usize| u16::from_le_bytes(bytes[o..o + 2].try_into().unwrap()) as usize;
    let u64at = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().unwrap()) as usize;
    let (phoff, phentsize, phnum) = (u64at(0x20), u16at(0x36), u16at(0x38));
    let mut interp = false;
    let mut needed = 0;
    for i in 0..phnum {
        let ph = phoff + i * phentsize;
        let p_type = u32::from_le_bytes(bytes[ph..ph + 4].try_into().unwrap());
        match p_type {
            3 => interp = true, // PT_INTERP
            2 => {
                // PT_DYNAMIC: count DT_NEEDED (1) entries up to DT_NULL (0).
                let (off, size) = (u64at(ph + 8), u64at(ph + 32));
                let mut e = off;
                while e + 16 <= off + size {
                    match u64at(e) {
                        0 => break,
                        1 => needed += 1,
                        _ => {}
                    }
                    e += 16;
                }
            }
            _ => {}
        }
    }
    (interp, needed)
}

fn musl_ready() -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup: {e}"))?;
    if !String::from_utf8_lossy(&installed.stdout).contains(TARGET) {
        return Err(format!("rustup target {TARGET} is not installed"));
    }
    let gcc = Command::new("musl-gcc").arg("--version").output();
    if !gcc.is_ok_and(|o| o.status.success()) {
        return Err("musl-gcc is not installed (Debian: musl-tools)".into());
    }
    Ok(())
}

fn build_static(target_dir: &Path) -> PathBuf {
    let o = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "build",
            "--locked",
            "--no-default-features",
            "--bin",
            "tlsdiag",
            "--profile",
            "static-test",
        ])
        .args(["--target", TARGET])
        .arg("--target-dir")
        .arg(target_dir)
        // ring compiles C and assembly: with musl's compiler wrapper, for musl's libc.
        .env("CC_x86_64_unknown_linux_musl", "musl-gcc")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "static build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    target_dir.join(TARGET).join("static-test").join("tlsdiag")
}

#[test]
fn static_binary_links_nothing_and_analyses_the_seed_in_an_empty_root() {
    if std::env::var_os("TLSDIAG_STATIC_TEST").is_none() {
        eprintln!("SKIPPED: set TLSDIAG_STATIC_TEST=1 to build and check the static binary");
        return;
    }
    if let Err(why) = musl_ready() {
        panic!("TLSDIAG_STATIC_TEST=1 but {why} (scripts/setup.sh installs what it can)");
    }
    let bin = build_static(&PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("static"));
    let bytes = std::fs::read(&bin).unwrap();
    assert_eq!(
        elf_dynamic_needs(&bytes),
        (false, 0),
        "no program interpreter, no shared library"
    );
    // ldd prints "statically linked" (static-pie) or "not a dynamic executable" (static).
    if let Ok(o) = Command::new("ldd").arg(&bin).output() {
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            said.contains("statically linked") || said.contains("not a dynamic executable"),
            "ldd: {said}"
        );
    }

    // A root directory holding nothing but the binary and the capture: no libc, no libpcap, no
    // loader. chroot needs root; elsewhere the binary runs with an empty environment instead.
    let root = tempfile::tempdir().unwrap();
    std::fs::copy(&bin, root.path().join("tlsdiag")).unwrap();
    std::fs::copy(
        cap("seed-jsse-empty-cert.pcap"),
        root.path().join("seed.pcap"),
    )
    .unwrap();
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let run = |args: &[&str]| {
        let mut c = if is_root {
            let mut c = Command::new("chroot");
            c.arg(root.path()).arg("/tlsdiag");
            c
        } else {
            eprintln!("not root: running without chroot (the ELF check above is the proof)");
            let mut c = Command::new(root.path().join("tlsdiag"));
            c.current_dir(root.path());
            c
        };
        // PATH only to find chroot itself: inside the new root there is nothing to find.
        c.args(args)
            .env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .output()
            .unwrap()
    };
    let seed = if is_root { "/seed.pcap" } else { "seed.pcap" };
    let o = run(&["analyze", seed, "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = &v["connections"][0];
    assert_eq!(c["client_certificate"]["count"], 0);
    assert_eq!(c["diagnosis"][0]["code"], "client-sent-empty-certificate");
    // The text report, and the live command saying what to do instead.
    let o = run(&["analyze", seed]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("client-sent-empty-certificate"));
    let o = run(&["live", "-i", "lo"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("built without live capture") && err.contains("tcpdump -i lo -w"),
        "{err}"
    );
}
