//! The probe's URL: `https://host[:port][/path]` (IPv6 in brackets). Only https: the probe is
//! about TLS.

use super::ProbeError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub host: String,
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: String,
}

pub fn parse(url: &str) -> Result<Url, ProbeError> {
    let bad = |why: &str| ProbeError::Url {
        url: url.to_owned(),
        why: why.to_owned(),
    };
    let rest = url
        .strip_prefix("https://")
        .ok_or_else(|| bad("only https:// URLs can be probed"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => rest
            .split_at_checked(i)
            .ok_or_else(|| bad("cannot split"))?,
        None => (rest, "/"),
    };
    let authority = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6
            .split_once(']')
            .ok_or_else(|| bad("unclosed [ in host"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| bad("bad port"))?,
            None => 443,
        };
        (h.to_owned(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), p.parse().map_err(|_| bad("bad port"))?),
            None => (authority.to_owned(), 443),
        }
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    Ok(Url {
        host,
        port,
        path: path.to_owned(),
    })
}
