//! HTTP/1.1 as bytes: request and response heads (httparse, bounded: a head ≤ 64 KiB, ≤ 100
//! headers), checked chunked decoding, SOAP Fault extraction, and the authentication headers
//! (`Authorization`, `WWW-Authenticate`, `Proxy-Authorization`, `Proxy-Authenticate`) reduced to
//! their scheme, the token's kind and its length — never a token or password value.
//! Used by the probe (which owns its socket I/O) and by the capture analysis (HTTP read out of
//! decrypted or plain connections). Must not do I/O, keep credential values, or format output.

pub mod auth;
pub mod chunked;
pub mod head;
pub mod soap;
pub(crate) mod stream;
pub mod token;

pub use head::{BodyLength, HeadError, Parsed, RequestHead, ResponseHead, MAX_HEAD, MAX_HEADERS};

/// The value of the first header called `name` (ASCII case-insensitive).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Every value of the headers called `name`, in order.
pub fn headers_named<'a>(
    headers: &'a [(String, String)],
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .iter()
        .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Splits a header value at commas outside double quotes (`realm="Orders, EU"` stays whole).
pub fn split_unquoted(v: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, ch) in v.char_indices() {
        match ch {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(v.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(v.get(start..).unwrap_or_default());
    out
}

/// The first position of `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests;
