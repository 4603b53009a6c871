//! Authentication headers reduced to what may be shown: the scheme, the kind of token
//! (`spnego-init`, `krb5-ap-rep`, `ntlm`, `basic-credentials` …) and its length — never the
//! token, the password or a cookie value. RFC 7235 (challenges and credentials), RFC 7617
//! (Basic), RFC 4559 (Negotiate).

use base64::Engine as _;

use super::{split_unquoted, token};
use crate::model::http::Credential;
use crate::model::http_auth::Challenge;

/// Challenges kept per header list.
pub const MAX_CHALLENGES: usize = 8;

/// `name=value` (an auth-param), as opposed to a token68 that may end in `=` padding.
pub fn is_param(s: &str) -> bool {
    s.trim_end_matches('=').contains('=')
}

/// A base64 token68 (RFC 7235 §2.1), bounded to 96 KiB of text.
pub fn decode_token(s: &str) -> Option<Vec<u8>> {
    if s.len() > 96 * 1024 {
        return None;
    }
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

/// The decoded length of a base64 token, or its length as sent when it is not base64.
pub fn token_len(b64: &str) -> usize {
    decode_token(b64).map(|t| t.len()).unwrap_or(b64.len())
}

/// The challenges of the headers called `name` (`WWW-Authenticate` or `Proxy-Authenticate`),
/// with realm, token length and kind; at most [`MAX_CHALLENGES`]. A header may hold several
/// challenges separated by commas.
pub fn challenges_in(headers: &[(String, String)], name: &str) -> Vec<Challenge> {
    let mut out: Vec<Challenge> = Vec::new();
    for v in super::headers_named(headers, name) {
        for piece in split_unquoted(v) {
            let piece = piece.trim();
            let mut words = piece.splitn(2, ' ');
            let first = words.next().unwrap_or_default();
            let rest = words.next().unwrap_or_default().trim();
            if !first.is_empty() && !first.contains('=') {
                let token = (!rest.is_empty() && !rest.contains(' ') && !is_param(rest))
                    .then(|| decode_token(rest))
                    .flatten();
                out.push(Challenge {
                    scheme: first.to_owned(),
                    realm: None,
                    token_len: token.as_ref().map(Vec::len),
                    token_kind: token.as_deref().map(|t| token::kind(t).to_owned()),
                });
            }
            let realm = piece
                .split_once("realm=")
                .map(|(_, r)| r.trim().trim_matches('"').to_owned());
            if let (Some(r), Some(last)) = (realm, out.last_mut()) {
                last.realm.get_or_insert(r);
            }
            if out.len() >= MAX_CHALLENGES {
                return out;
            }
        }
    }
    out
}

/// The `WWW-Authenticate` challenges.
pub fn challenges(headers: &[(String, String)]) -> Vec<Challenge> {
    challenges_in(headers, "www-authenticate")
}

/// What an `Authorization` / `Proxy-Authorization` value carries: its scheme, the token's kind
/// and length. Basic: `basic-credentials`, the length of the base64 text as sent (what
/// `model::http_auth::SentCredential` counts); Negotiate/NTLM: the decoded token's kind and
/// length; Bearer: `bearer`, length as sent; parameters (Digest): `parameters`, their length.
pub fn credential(header: &str, value: &str) -> Credential {
    let value = value.trim();
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    let rest = rest.trim();
    let lower = scheme.to_ascii_lowercase();
    let (kind, len) = if rest.is_empty() {
        ("empty".to_owned(), 0)
    } else if lower == "basic" {
        ("basic-credentials".to_owned(), rest.len())
    } else if lower == "bearer" {
        ("bearer".to_owned(), rest.len())
    } else if is_param(rest) || rest.contains(' ') {
        ("parameters".to_owned(), rest.len())
    } else {
        match decode_token(rest) {
            Some(t) => (token::kind(&t).to_owned(), t.len()),
            None => ("unknown".to_owned(), rest.len()),
        }
    };
    Credential {
        header: header.to_owned(),
        scheme: scheme.chars().take(32).collect(),
        token_kind: kind,
        token_len: len,
    }
}

/// The credentials of a request's `Authorization` and `Proxy-Authorization` headers.
pub fn credentials(headers: &[(String, String)]) -> Vec<Credential> {
    headers
        .iter()
        .filter(|(k, _)| {
            k.eq_ignore_ascii_case("authorization") || k.eq_ignore_ascii_case("proxy-authorization")
        })
        .take(MAX_CHALLENGES)
        .map(|(k, v)| credential(k, v))
        .collect()
}

/// Replaces credential-bearing header values before they are kept: Negotiate/NTLM tokens (and
/// any token68, Basic's too) become `<token: N bytes>`, cookie values
/// (WebSphere's LtpaToken2 and other session cookies are bearer credentials) `<N bytes>`.
pub fn redact_headers(headers: &mut [(String, String)]) {
    for (k, v) in headers.iter_mut() {
        let auth = [
            "www-authenticate",
            "authorization",
            "proxy-authenticate",
            "proxy-authorization",
        ]
        .iter()
        .any(|n| k.eq_ignore_ascii_case(n));
        if auth {
            let redacted: Vec<String> = split_unquoted(v)
                .into_iter()
                .map(|piece| {
                    let piece = piece.trim();
                    match piece.split_once(' ') {
                        Some((scheme, rest))
                            if !scheme.contains('=')
                                && !rest.trim().contains(' ')
                                && !is_param(rest.trim()) =>
                        {
                            format!("{scheme} <token: {} bytes>", token_len(rest.trim()))
                        }
                        _ => piece.to_owned(),
                    }
                })
                .collect();
            *v = redacted.join(", ");
        } else if k.eq_ignore_ascii_case("set-cookie") {
            let (pair, attrs) = v.split_once(';').unwrap_or((v.as_str(), ""));
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let mut r = format!("{}=<{} bytes>", name.trim(), value.trim().len());
            if !attrs.is_empty() {
                r.push(';');
                r.push_str(attrs);
            }
            *v = r;
        } else if k.eq_ignore_ascii_case("cookie") {
            let parts: Vec<String> = v
                .split(';')
                .map(|p| {
                    let (name, value) = p.split_once('=').unwrap_or((p, ""));
                    format!("{}=<{} bytes>", name.trim(), value.trim().len())
                })
                .collect();
            *v = parts.join("; ");
        }
    }
}
