use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::*;

fn mkfifo(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    let ok = std::process::Command::new("mkfifo")
        .arg(&p)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo failed");
    p
}

#[test]
fn dev_zero_is_refused_without_reading() {
    let t = Instant::now();
    let e = read(Path::new("/dev/zero"), Kind::Password).unwrap_err();
    assert!(
        matches!(
            e,
            UserFileError::NotAFile {
                what: "a character device",
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "password file /dev/zero is a character device, not a file"
    );
    let e = read(Path::new("/dev/zero"), Kind::Envelope).unwrap_err();
    assert!(matches!(e, UserFileError::NotAFile { .. }));
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_directory_is_named_once() {
    let d = tempfile::tempdir().unwrap();
    let e = read(d.path(), Kind::Keystore).unwrap_err();
    let text = format!("{:#}", anyhow::Error::from(e));
    assert!(text.ends_with("is a directory, not a file"), "{text}");
    assert_eq!(text.matches("directory").count(), 1, "{text}");
}

#[test]
fn a_missing_file_says_the_os_error_once() {
    let e = read(Path::new("/nonexistent/x.jks"), Kind::Keystore).unwrap_err();
    let text = format!("{:#}", anyhow::Error::from(e));
    assert_eq!(
        text,
        "cannot open keystore /nonexistent/x.jks: No such file or directory (os error 2)"
    );
}

#[test]
fn over_cap_regular_file_is_refused_by_its_size() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("big.log");
    let f = std::fs::File::create(&p).unwrap();
    // Sparse: the size is what counts, nothing is read.
    f.set_len(Kind::KeyLog.max_bytes() + 1).unwrap();
    let e = read(&p, Kind::KeyLog).unwrap_err();
    assert!(matches!(e, UserFileError::TooLarge { .. }), "{e:?}");
    assert!(
        e.to_string()
            .ends_with("is larger than the 64 MiB limit for a key log"),
        "{e}"
    );
    // Exactly at the cap is fine.
    f.set_len(Kind::KeyLog.max_bytes()).unwrap();
    assert_eq!(
        read(&p, Kind::KeyLog).unwrap().len() as u64,
        Kind::KeyLog.max_bytes()
    );
}

#[test]
fn password_first_line_only_and_bounded() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("pw");
    std::fs::write(&p, b"s3cret\r\nsecond line\n").unwrap();
    assert_eq!(&read_first_line(&p, Kind::Password).unwrap()[..], b"s3cret");
    // No newline at all: the whole (short) file.
    std::fs::write(&p, b"  spaced pw ").unwrap();
    assert_eq!(
        &read_first_line(&p, Kind::Password).unwrap()[..],
        b"  spaced pw "
    );
    // A long file whose first line is short: only the line matters.
    let mut long = b"short\n".to_vec();
    long.extend(std::iter::repeat_n(b'x', 100_000));
    std::fs::write(&p, &long).unwrap();
    assert_eq!(&read_first_line(&p, Kind::Password).unwrap()[..], b"short");
    // A first line beyond 4 KiB is refused.
    std::fs::write(&p, vec![b'y'; 5000]).unwrap();
    let e = read_first_line(&p, Kind::Password).unwrap_err();
    assert!(matches!(e, UserFileError::LineTooLong { .. }), "{e:?}");
}

#[test]
fn fifo_without_a_writer_times_out_instead_of_hanging() {
    let d = tempfile::tempdir().unwrap();
    let p = mkfifo(d.path(), "nobody");
    let t = Instant::now();
    let e = read_with(
        &p,
        Kind::Password,
        Stop::AtNewline,
        Duration::from_millis(300),
    )
    .unwrap_err();
    assert!(
        matches!(e, UserFileError::PipeTimeout { got: 0, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("delivered nothing"), "{e}");
    let waited = t.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(10),
        "{waited:?}"
    );
}

#[test]
fn fifo_with_a_writer_is_read_like_process_substitution() {
    let d = tempfile::tempdir().unwrap();
    let p = mkfifo(d.path(), "pw");
    let p2 = p.clone();
    let writer = std::thread::spawn(move || {
        // Blocks until the reader has opened its end, as `<(pass show x)` would.
        let mut f = std::fs::OpenOptions::new().write(true).open(&p2).unwrap();
        f.write_all(b"from-a-pipe\nrest").unwrap();
    });
    let pw = read_with(&p, Kind::Password, Stop::AtNewline, Duration::from_secs(20)).unwrap();
    writer.join().unwrap();
    assert!(
        pw.starts_with(b"from-a-pipe\n"),
        "{:?}",
        String::from_utf8_lossy(&pw)
    );
}

#[test]
fn endless_pipe_stops_at_the_cap() {
    let d = tempfile::tempdir().unwrap();
    let p = mkfifo(d.path(), "endless");
    let p2 = p.clone();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new().write(true).open(&p2).unwrap();
        let chunk = [b'z'; 65536];
        // Stops when the reader closes its end (EPIPE).
        for _ in 0..10_000 {
            if f.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let e = read_with(&p, Kind::Keystore, Stop::AtEnd, Duration::from_secs(20)).unwrap_err();
    assert!(matches!(e, UserFileError::TooLarge { .. }), "{e:?}");
    writer.join().unwrap();
}
