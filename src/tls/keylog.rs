//! NSS key log files (the SSLKEYLOGFILE format written by OpenSSL, curl, Firefox, rustls and
//! JSSE agents): `LABEL <client_random hex> <secret hex>` per line. TLS 1.3 traffic secrets and
//! the TLS 1.2 master secret (CLIENT_RANDOM). Unknown labels and bad lines are skipped and
//! counted, never fatal: a key log is often concatenated from several runs.

use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyLogError {
    /// Missing, not a file, over the 64 MiB cap, a pipe that delivered nothing: `userfile`.
    #[error(transparent)]
    Read(#[from] crate::userfile::UserFileError),
    #[error("{path} holds no key-log line (expected lines like `CLIENT_HANDSHAKE_TRAFFIC_SECRET <random> <secret>`)")]
    Empty { path: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    pub client_handshake: Option<Vec<u8>>,
    pub server_handshake: Option<Vec<u8>>,
    pub client_traffic_0: Option<Vec<u8>>,
    pub server_traffic_0: Option<Vec<u8>>,
    /// TLS 1.2 master secret (CLIENT_RANDOM).
    pub master: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Default)]
pub struct KeyLog {
    by_random: HashMap<[u8; 32], Secrets>,
    /// Lines that were not comments and could not be used.
    pub skipped_lines: usize,
    /// Where it came from, for messages.
    pub source: String,
}

impl KeyLog {
    pub fn parse(text: &str) -> KeyLog {
        let mut kl = KeyLog::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut it = line.split_whitespace();
            let (Some(label), Some(random), Some(secret)) = (it.next(), it.next(), it.next())
            else {
                kl.skipped_lines += 1;
                continue;
            };
            let (Ok(random), Ok(secret)) = (hex::decode(random), hex::decode(secret)) else {
                kl.skipped_lines += 1;
                continue;
            };
            let Ok(random) = <[u8; 32]>::try_from(random.as_slice()) else {
                kl.skipped_lines += 1;
                continue;
            };
            let e = kl.by_random.entry(random).or_default();
            match label {
                "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => e.client_handshake = Some(secret),
                "SERVER_HANDSHAKE_TRAFFIC_SECRET" => e.server_handshake = Some(secret),
                "CLIENT_TRAFFIC_SECRET_0" => e.client_traffic_0 = Some(secret),
                "SERVER_TRAFFIC_SECRET_0" => e.server_traffic_0 = Some(secret),
                "CLIENT_RANDOM" => e.master = Some(secret),
                // EXPORTER_SECRET, EARLY_EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET: not needed.
                _ => {}
            }
        }
        kl
    }

    pub fn from_file(path: &Path) -> Result<KeyLog, KeyLogError> {
        let p = path.display().to_string();
        let bytes = crate::userfile::read(path, crate::userfile::Kind::KeyLog)?;
        let mut kl = KeyLog::parse(&String::from_utf8_lossy(&bytes));
        if kl.by_random.is_empty() {
            return Err(KeyLogError::Empty { path: p });
        }
        kl.source = p;
        Ok(kl)
    }

    /// `--keylog FILE` if given, else the SSLKEYLOGFILE environment variable, else none.
    pub fn from_arg_or_env(arg: Option<&Path>) -> Result<Option<KeyLog>, KeyLogError> {
        match arg {
            Some(p) => KeyLog::from_file(p).map(Some),
            None => match std::env::var_os("SSLKEYLOGFILE") {
                Some(p) if Path::new(&p).exists() => KeyLog::from_file(Path::new(&p)).map(Some),
                _ => Ok(None),
            },
        }
    }

    pub fn get(&self, client_random: &[u8]) -> Option<&Secrets> {
        let r = <[u8; 32]>::try_from(client_random).ok()?;
        self.by_random.get(&r)
    }

    pub fn len(&self) -> usize {
        self.by_random.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_random.is_empty()
    }
}
