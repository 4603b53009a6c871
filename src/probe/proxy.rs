//! `--proxy`: an HTTP proxy reached with `CONNECT host:port` (RFC 9110 §9.3.6), as curl's
//! `--proxy http://proxy:3128` does for https URLs. The tunnel is set up before the recording
//! starts, so the saved pcap holds exactly the TLS bytes (between us and the proxy's address).
//!
//! Proxy credentials are not supported yet: a `user:password@` in the proxy URL would put a
//! password on the command line, which tlsdiag never accepts; a 407 answer is reported as such.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::ProbeError;

/// The proxy's `host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub host: String,
    pub port: u16,
}

impl std::fmt::Display for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&authority(&self.host, self.port))
    }
}

/// `host:port` with IPv6 literals in brackets (as CONNECT and Host want them).
pub fn authority(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Accepts `http://host:port[/]`, `host:port` and `host` (port 1080 then, as curl assumes).
pub fn parse(s: &str) -> Result<Proxy, ProbeError> {
    // Never echo credentials someone put in the URL anyway.
    let shown = match s.rsplit_once('@') {
        Some((_, h)) => format!("(credentials removed)@{h}"),
        None => s.to_owned(),
    };
    let bad = |why: &str| ProbeError::Proxy {
        proxy: shown.clone(),
        detail: why.to_owned(),
    };
    let rest = if let Some(r) = s.strip_prefix("http://") {
        r
    } else if s.starts_with("https://") {
        return Err(bad(
            "TLS to the proxy itself (https:// proxy) is not supported; use http://",
        ));
    } else if s.contains("://") {
        return Err(bad("only http:// proxies (CONNECT) are supported"));
    } else {
        s
    };
    let rest = rest.trim_end_matches('/');
    if rest.contains('@') {
        return Err(bad(
            "proxy credentials in the URL are not accepted (a password on the command line); proxy authentication is not supported yet",
        ));
    }
    if rest.contains('/') {
        return Err(bad("a proxy URL has no path"));
    }
    let (host, port) = super::url::host_port(rest, 1080).map_err(bad)?;
    Ok(Proxy { host, port })
}

/// The longest CONNECT answer head we read (a proxy sending more is not an HTTP proxy).
const MAX_HEAD: usize = 16 * 1024;

/// Sends `CONNECT target` and reads the answer head byte by byte (so that nothing of the
/// tunnel's first bytes is consumed). `Ok` on 2xx; otherwise the status as a clear error.
pub fn open_tunnel(
    tcp: &mut TcpStream,
    proxy: &Proxy,
    target_host: &str,
    target_port: u16,
    timeout: Duration,
) -> Result<(), ProbeError> {
    let err = |detail: String| ProbeError::Proxy {
        proxy: proxy.to_string(),
        detail,
    };
    let target = authority(target_host, target_port);
    let req = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: tlsdiag/{}\r\nProxy-Connection: Keep-Alive\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    tcp.write_all(req.as_bytes())
        .and_then(|_| tcp.flush())
        .map_err(|e| err(format!("cannot send CONNECT {target}: {e}")))?;
    let started = Instant::now();
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_HEAD {
            return Err(err(format!(
                "the answer to CONNECT has no end of headers within {MAX_HEAD} bytes: not an HTTP proxy?"
            )));
        }
        if started.elapsed() > timeout {
            return Err(err(format!(
                "no answer to CONNECT {target} within {} s",
                timeout.as_secs()
            )));
        }
        match tcp.read(&mut byte) {
            Ok(0) => {
                return Err(err(format!(
                    "the proxy closed the connection without answering CONNECT {target}"
                )))
            }
            Ok(_) => head.push(byte[0]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(err(format!(
                    "no answer to CONNECT {target} within {} s",
                    timeout.as_secs()
                )))
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(err(format!("reading the answer to CONNECT: {e}"))),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let proto = parts.next().unwrap_or_default();
    let status: Option<u16> = parts.next().and_then(|c| c.parse().ok());
    let reason = parts.next().unwrap_or_default().trim();
    let Some(status) = status.filter(|_| proto.starts_with("HTTP/")) else {
        return Err(err(format!(
            "the answer to CONNECT is not HTTP: {:?}",
            status_line.chars().take(80).collect::<String>()
        )));
    };
    match status {
        200..=299 => Ok(()),
        407 => {
            let challenge = lines
                .filter_map(|l| l.split_once(':'))
                .filter(|(k, _)| k.trim().eq_ignore_ascii_case("proxy-authenticate"))
                .map(|(_, v)| v.trim().chars().take(120).collect::<String>())
                .collect::<Vec<_>>()
                .join("; ");
            Err(err(format!(
                "the proxy wants credentials (407 {reason}{}); tlsdiag does not send proxy credentials yet",
                if challenge.is_empty() {
                    String::new()
                } else {
                    format!(", Proxy-Authenticate: {challenge}")
                }
            )))
        }
        _ => Err(err(format!(
            "the proxy refused CONNECT {target}: {status} {reason}"
        ))),
    }
}

#[cfg(test)]
#[path = "proxy_tests.rs"]
mod tests;
