//! Dial: resolve the name, connect (bounded by `--timeout`), set the socket's read and write
//! timeouts, and open a `CONNECT` tunnel with `--proxy` — so what follows holds only the
//! server's bytes.

use super::error::ProbeError;
use super::url::Url;
use super::{ms, proxy, ProbeOptions};
use crate::model::probe::Timings;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// A connected socket and how long getting it took.
#[derive(Debug)]
pub struct Dialed {
    pub stream: TcpStream,
    /// The address connected to (the proxy's with `--proxy`).
    pub remote: SocketAddr,
    pub local: SocketAddr,
    /// `dns_ms`, `connect_ms`, `proxy_connect_ms`.
    pub timings: Timings,
}

pub fn dial(opts: &ProbeOptions, u: &Url, timeout: Duration) -> Result<Dialed, ProbeError> {
    // With a proxy we resolve and connect to the proxy; the proxy resolves the server's name.
    let (dial_host, dial_port) = match &opts.proxy {
        Some(p) => (p.host.as_str(), p.port),
        None => (u.host.as_str(), u.port),
    };
    let t0 = Instant::now();
    let addr = (dial_host, dial_port)
        .to_socket_addrs()
        .map_err(|source| ProbeError::Dns {
            host: dial_host.to_owned(),
            source,
        })?
        .next()
        .ok_or_else(|| ProbeError::NoAddress {
            host: dial_host.to_owned(),
        })?;
    let dns_ms = ms(t0.elapsed());

    let t1 = Instant::now();
    let mut tcp = TcpStream::connect_timeout(&addr, timeout).map_err(|e| match &opts.proxy {
        Some(p) => ProbeError::ProxyConnect {
            proxy: p.to_string(),
            addr: addr.to_string(),
            source: e,
        },
        None => match e.kind() {
            std::io::ErrorKind::ConnectionRefused => ProbeError::Refused {
                addr: addr.to_string(),
            },
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                ProbeError::ConnectTimeout {
                    addr: addr.to_string(),
                    secs: timeout.as_secs(),
                }
            }
            _ => ProbeError::Connect {
                addr: addr.to_string(),
                source: e,
            },
        },
    })?;
    let connect_ms = ms(t1.elapsed());
    let _ = tcp.set_read_timeout(Some(timeout));
    let _ = tcp.set_write_timeout(Some(timeout));
    let proxy_connect_ms = match &opts.proxy {
        Some(p) => {
            let t = Instant::now();
            proxy::open_tunnel(&mut tcp, p, &u.host, u.port, timeout)?;
            Some(ms(t.elapsed()))
        }
        None => None,
    };
    let local = tcp.local_addr().unwrap_or(addr);
    Ok(Dialed {
        stream: tcp,
        remote: addr,
        local,
        timings: Timings {
            dns_ms,
            connect_ms,
            proxy_connect_ms,
            ..Default::default()
        },
    })
}
