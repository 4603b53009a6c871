//! The probe's URL: `https://host[:port][/path]` (IPv6 in brackets), or `http://…` to see
//! what a plain-HTTP endpoint asks for (no TLS, and never any Basic credentials there).

use super::ProbeError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub host: String,
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: String,
    /// `https://` (the default) rather than `http://`.
    pub tls: bool,
}

pub fn parse(url: &str) -> Result<Url, ProbeError> {
    let bad = |why: &str| ProbeError::Url {
        url: url.to_owned(),
        why: why.to_owned(),
    };
    let (rest, tls) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(r), _) => (r, true),
        (None, Some(r)) => (r, false),
        (None, None) => return Err(bad("only https:// (or http://) URLs can be probed")),
    };
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
    let (host, port) = host_port(authority, if tls { 443 } else { 80 }).map_err(bad)?;
    Ok(Url {
        host,
        port,
        path: path.to_owned(),
        tls,
    })
}

/// `host[:port]` or `[v6][:port]` → (host, port), `default_port` when none is given. IPv6
/// literals must be bracketed; the host must not be empty.
pub fn host_port(authority: &str, default_port: u16) -> Result<(String, u16), &'static str> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or("unclosed [ in host")?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| "bad port")?,
            None if after.is_empty() => default_port,
            None => return Err("unexpected text after ]"),
        };
        (h.to_owned(), port)
    } else if authority.matches(':').count() > 1 {
        return Err("an IPv6 address goes in brackets: [::1]:port");
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), p.parse().map_err(|_| "bad port")?),
            None => (authority.to_owned(), default_port),
        }
    };
    if host.is_empty() {
        return Err("no host");
    }
    Ok((host, port))
}
