//! Bounded reads of files a user names on the command line or in the TUI: password files,
//! keystores and key/certificate PEM, trust files, key logs, SOAP envelopes. Owns the size cap
//! per kind and the refusal of things that are not files (directories, devices, sockets), so a
//! wrong path (`/dev/zero`, a disk image, a FIFO nobody writes to) costs neither memory nor a
//! hung terminal. Must not parse what it reads: the identity, tls and probe rooms do.
//!
//! Pipes are legitimate where a user may hand over a secret without writing it to disk
//! (`--password-file <(pass show x)`, a keystore from `<(base64 -d …)`): a FIFO or pipe is read
//! without blocking, for at most [`PIPE_TIMEOUT`], and never beyond the kind's cap. A FIFO
//! with no writer therefore ends in a "nothing arrived" error after that time, not a hang.

#[cfg(test)]
mod tests;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

/// How long a pipe may take to deliver its contents (all of them, or a password's first line).
pub const PIPE_TIMEOUT: Duration = Duration::from_secs(30);

/// What a file is for; each kind has its own size cap (see [`Kind::max_bytes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// `--password-file`: only the first line is used, and it must end within 4 KiB.
    Password,
    /// A keystore, PEM/DER certificate or key, or trust file: 16 MiB (keystores are
    /// kilobytes; the JDK's whole `cacerts` is ~200 KiB).
    Keystore,
    /// An NSS key log (SSLKEYLOGFILE): 64 MiB (~300,000 connections' secrets).
    KeyLog,
    /// A SOAP envelope / request body for the probe: 16 MiB.
    Envelope,
}

impl Kind {
    /// The largest file of this kind that is read.
    pub fn max_bytes(self) -> u64 {
        match self {
            Kind::Password => 4 * 1024,
            Kind::Keystore | Kind::Envelope => 16 * 1024 * 1024,
            Kind::KeyLog => 64 * 1024 * 1024,
        }
    }

    /// What the file is, for messages.
    pub fn what(self) -> &'static str {
        match self {
            Kind::Password => "password file",
            Kind::Keystore => "keystore",
            Kind::KeyLog => "key log",
            Kind::Envelope => "envelope",
        }
    }
}

/// Why a user file could not be read. Messages name the file once; the OS error, when there is
/// one, is the `source` (printed after a colon by `{:#}`), never repeated in the message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UserFileError {
    #[error("cannot open {} {}", kind.what(), path.display())]
    Open {
        kind: Kind,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {} {}", kind.what(), path.display())]
    Read {
        kind: Kind,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} {} is {what}, not a file", kind.what(), path.display())]
    NotAFile {
        kind: Kind,
        path: PathBuf,
        what: &'static str,
    },
    #[error("{} {} is larger than the {} limit for a {}", kind.what(), path.display(), size_text(kind.max_bytes()), kind.what())]
    TooLarge { kind: Kind, path: PathBuf },
    #[error("{} {}: its first line is longer than {} bytes", kind.what(), path.display(), kind.max_bytes())]
    LineTooLong { kind: Kind, path: PathBuf },
    #[error("{} {} is a pipe that delivered {} within {} s (no writer, or it never finished)", kind.what(), path.display(), if *got == 0 { "nothing".to_owned() } else { format!("only {got} bytes") }, PIPE_TIMEOUT.as_secs())]
    PipeTimeout {
        kind: Kind,
        path: PathBuf,
        got: usize,
    },
}

fn size_text(n: u64) -> String {
    if n >= 1024 * 1024 && n % (1024 * 1024) == 0 {
        format!("{} MiB", n / (1024 * 1024))
    } else if n >= 1024 && n % 1024 == 0 {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

/// Reads a whole user file of this kind (see the module docs for pipes and caps).
pub fn read(path: &Path, kind: Kind) -> Result<Zeroizing<Vec<u8>>, UserFileError> {
    read_with(path, kind, Stop::AtEnd, PIPE_TIMEOUT)
}

/// Reads the first line of a user file (without `\n` / `\r\n`), as a password file is read:
/// only as much as that line needs, at most [`Kind::max_bytes`].
pub fn read_first_line(path: &Path, kind: Kind) -> Result<Zeroizing<Vec<u8>>, UserFileError> {
    let mut data = read_with(path, kind, Stop::AtNewline, PIPE_TIMEOUT)?;
    if let Some(nl) = data.iter().position(|b| *b == b'\n') {
        data.truncate(nl);
    }
    if data.last() == Some(&b'\r') {
        data.pop();
    }
    Ok(data)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    AtEnd,
    AtNewline,
}

pub(crate) fn read_with(
    path: &Path,
    kind: Kind,
    stop: Stop,
    pipe_timeout: Duration,
) -> Result<Zeroizing<Vec<u8>>, UserFileError> {
    let file = open(path, kind)?;
    let meta = file.metadata().map_err(|source| UserFileError::Read {
        kind,
        path: path.to_owned(),
        source,
    })?;
    let cap = kind.max_bytes();
    match classify(&meta) {
        Class::Regular => {
            if stop == Stop::AtEnd && meta.len() > cap {
                return Err(UserFileError::TooLarge {
                    kind,
                    path: path.to_owned(),
                });
            }
            // Read one byte past the cap: a file that grew (or a /proc file that reports size
            // 0) is still caught.
            let mut data = Zeroizing::new(Vec::new());
            file.take(cap.saturating_add(1))
                .read_to_end(&mut data)
                .map_err(|source| UserFileError::Read {
                    kind,
                    path: path.to_owned(),
                    source,
                })?;
            check_cap(path, kind, stop, data)
        }
        Class::Pipe => read_pipe(file, path, kind, stop, pipe_timeout),
        Class::Other(what) => Err(UserFileError::NotAFile {
            kind,
            path: path.to_owned(),
            what,
        }),
    }
}

fn check_cap(
    path: &Path,
    kind: Kind,
    stop: Stop,
    data: Zeroizing<Vec<u8>>,
) -> Result<Zeroizing<Vec<u8>>, UserFileError> {
    let cap = usize::try_from(kind.max_bytes()).unwrap_or(usize::MAX);
    if data.len() <= cap {
        return Ok(data);
    }
    match stop {
        Stop::AtNewline if data.iter().take(cap).any(|b| *b == b'\n') => Ok(data),
        Stop::AtNewline => Err(UserFileError::LineTooLong {
            kind,
            path: path.to_owned(),
        }),
        Stop::AtEnd => Err(UserFileError::TooLarge {
            kind,
            path: path.to_owned(),
        }),
    }
}

/// Reads a FIFO or pipe without blocking: polls until end of file (after some data), the
/// first newline (`Stop::AtNewline`), the cap, or the deadline.
fn read_pipe(
    mut file: std::fs::File,
    path: &Path,
    kind: Kind,
    stop: Stop,
    timeout: Duration,
) -> Result<Zeroizing<Vec<u8>>, UserFileError> {
    let cap = usize::try_from(kind.max_bytes()).unwrap_or(usize::MAX);
    let deadline = Instant::now() + timeout;
    let mut data = Zeroizing::new(Vec::new());
    let mut buf = Zeroizing::new([0u8; 4096]);
    loop {
        match file.read(&mut buf[..]) {
            // End of file. On a FIFO that nobody has opened for writing yet this is also what
            // a non-blocking read returns, so with nothing read so far keep waiting for one.
            Ok(0) if !data.is_empty() => return check_cap(path, kind, stop, data),
            Ok(0) => {}
            Ok(n) => {
                data.extend_from_slice(buf.get(..n).unwrap_or(&[]));
                if stop == Stop::AtNewline && data.contains(&b'\n') {
                    return check_cap(path, kind, stop, data);
                }
                if data.len() > cap {
                    return check_cap(path, kind, stop, data);
                }
                continue;
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(UserFileError::Read {
                    kind,
                    path: path.to_owned(),
                    source,
                })
            }
        }
        if Instant::now() >= deadline {
            return Err(UserFileError::PipeTimeout {
                kind,
                path: path.to_owned(),
                got: data.len(),
            });
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

enum Class {
    Regular,
    Pipe,
    Other(&'static str),
}

fn classify(meta: &std::fs::Metadata) -> Class {
    let t = meta.file_type();
    if t.is_file() {
        return Class::Regular;
    }
    if t.is_dir() {
        return Class::Other("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Class::Pipe;
        }
        if t.is_char_device() {
            return Class::Other("a character device");
        }
        if t.is_block_device() {
            return Class::Other("a block device");
        }
        if t.is_socket() {
            return Class::Other("a socket");
        }
    }
    Class::Other("neither a regular file nor a pipe")
}

/// Opens without blocking: `open(2)` on a FIFO with no writer would otherwise wait forever.
fn open(path: &Path, kind: Kind) -> Result<std::fs::File, UserFileError> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    o.open(path).map_err(|source| UserFileError::Open {
        kind,
        path: path.to_owned(),
        source,
    })
}
