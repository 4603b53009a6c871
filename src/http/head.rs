//! Request and response heads through httparse, bounded: at most [`MAX_HEAD`] bytes and
//! [`MAX_HEADERS`] headers; a longer head is an error, never a bigger buffer. Header names and
//! values are kept as text (invalid UTF-8 replaced), in order. Also what frames the body
//! (RFC 9112 §6.3): chunked, a Content-Length, nothing, or everything until the close.

use super::header;

/// The largest head read (request or status line + headers + the empty line).
pub const MAX_HEAD: usize = 64 << 10;
/// The most headers one head may carry.
pub const MAX_HEADERS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHead {
    pub method: String,
    /// The request target as sent (`/soap`, `http://host/x` through a proxy, `host:443` for CONNECT).
    pub target: String,
    /// `1` for HTTP/1.1, `0` for HTTP/1.0.
    pub minor_version: u8,
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    pub minor_version: u8,
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
}

/// A head parsed from the start of a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed<T> {
    /// The head and its length in bytes (the body starts there).
    Complete(T, usize),
    /// More bytes are needed (the buffer holds less than [`MAX_HEAD`]).
    Partial,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeadError {
    #[error("HTTP head larger than {MAX_HEAD} bytes")]
    TooLarge,
    #[error("more than {MAX_HEADERS} headers")]
    TooManyHeaders,
    /// httparse's reason ("invalid token", "invalid HTTP version", …).
    #[error("not an HTTP/1.x head: {0}")]
    Invalid(String),
    #[error("invalid Content-Length {0:?}")]
    BadContentLength(String),
}

/// How a message's body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLength {
    /// No body (a request without framing headers; 1xx, 204, 304, the answer to HEAD).
    Empty,
    Length(u64),
    Chunked,
    /// A response without length: the body runs until the server closes the connection.
    UntilClose,
}

/// Control bytes httparse refuses in a value (all but HTAB, CR, LF). Servers do send them (a
/// realm with terminal escapes): the head is parsed with them replaced, and the values are
/// then taken from the original bytes (the caller escapes them before they reach a terminal).
fn is_ctl(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')) || b == 0x7f
}

/// The bytes httparse reads: `buf`'s window, with control bytes replaced by an obs-text byte
/// when there are any (same length, so offsets map back to `buf`).
fn parse_copy(buf: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let w = window(buf);
    if w.iter().any(|b| is_ctl(*b)) {
        std::borrow::Cow::Owned(
            w.iter()
                .map(|b| if is_ctl(*b) { 0x80 } else { *b })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(w)
    }
}

/// The bytes of `orig` where `part` (a slice of `copy`) lies in `copy`.
fn original<'a>(orig: &'a [u8], copy: &[u8], part: &[u8]) -> &'a [u8] {
    let off = (part.as_ptr() as usize).saturating_sub(copy.as_ptr() as usize);
    orig.get(off..off.saturating_add(part.len()))
        .unwrap_or_default()
}

fn owned(orig: &[u8], copy: &[u8], headers: &[httparse::Header<'_>]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| {
            (
                h.name.to_owned(),
                String::from_utf8_lossy(original(orig, copy, h.value))
                    .trim()
                    .to_owned(),
            )
        })
        .collect()
}

/// The reason phrase from the original status line (everything after the status code).
fn reason_of(orig: &[u8]) -> String {
    let end = orig
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(orig.len().min(1024));
    let line = orig.get(..end).unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = String::from_utf8_lossy(line);
    let mut parts = text.trim_start().splitn(2, ' ');
    let _version = parts.next();
    let rest = parts.next().unwrap_or_default().trim_start_matches(' ');
    rest.split_once(' ')
        .map(|(_, r)| r.trim().to_owned())
        .unwrap_or_default()
}

fn error(e: httparse::Error) -> HeadError {
    match e {
        httparse::Error::TooManyHeaders => HeadError::TooManyHeaders,
        e => HeadError::Invalid(e.to_string()),
    }
}

/// The part of `buf` handed to httparse: a head that does not end within [`MAX_HEAD`] bytes
/// is too large whatever follows.
fn window(buf: &[u8]) -> &[u8] {
    buf.get(..MAX_HEAD).unwrap_or(buf)
}

fn partial<T>(buf: &[u8]) -> Result<Parsed<T>, HeadError> {
    if buf.len() >= MAX_HEAD {
        Err(HeadError::TooLarge)
    } else {
        Ok(Parsed::Partial)
    }
}

/// A request head at the start of `buf`.
pub fn parse_request(buf: &[u8]) -> Result<Parsed<RequestHead>, HeadError> {
    let copy = parse_copy(buf);
    let mut hs = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut hs);
    match req.parse(&copy).map_err(error)? {
        httparse::Status::Partial => partial(buf),
        httparse::Status::Complete(n) => Ok(Parsed::Complete(
            RequestHead {
                method: req.method.unwrap_or_default().to_owned(),
                target: req.path.unwrap_or_default().to_owned(),
                minor_version: req.version.unwrap_or(1),
                headers: owned(buf, &copy, req.headers),
            },
            n,
        )),
    }
}

/// A response head at the start of `buf`. Tolerates what servers in the wild send: obsolete
/// line folding, several spaces around the status code, control bytes in values.
pub fn parse_response(buf: &[u8]) -> Result<Parsed<ResponseHead>, HeadError> {
    let copy = parse_copy(buf);
    let mut hs = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut res = httparse::Response::new(&mut hs);
    let status = httparse::ParserConfig::default()
        .allow_obsolete_multiline_headers_in_responses(true)
        .allow_multiple_spaces_in_response_status_delimiters(true)
        .parse_response(&mut res, &copy)
        .map_err(error)?;
    match status {
        httparse::Status::Partial => partial(buf),
        httparse::Status::Complete(n) => Ok(Parsed::Complete(
            ResponseHead {
                minor_version: res.version.unwrap_or(1),
                status: res.code.unwrap_or(0),
                reason: reason_of(buf),
                headers: owned(buf, &copy, res.headers),
            },
            n,
        )),
    }
}

/// Whether `buf` begins like an HTTP/1.x request line (`METHOD SP target SP HTTP/1.`): what
/// tells a plain-HTTP flow on any port. Needs the whole first line (or 16 bytes of method).
pub fn looks_like_request(buf: &[u8]) -> bool {
    let line_end = super::find(buf, b"\r\n").or_else(|| super::find(buf, b"\n"));
    let Some(end) = line_end else {
        return false;
    };
    let line = buf.get(..end).unwrap_or_default();
    let mut parts = line.split(|b| *b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !method.is_empty()
        && method.len() <= 16
        && method.iter().all(|b| b.is_ascii_uppercase() || *b == b'-')
        && !target.is_empty()
        && version.starts_with(b"HTTP/1.")
}

/// Whether a client's first bytes start like an HTTP/1.x request: a known method and a space
/// (the whole request line may not have arrived yet). No TLS record starts with an upper-case
/// ASCII letter (content types are 20–24, an SSLv2 hello has its top bit set), so this tells a
/// plain-HTTP flow from TLS on any port.
pub fn starts_like_request(buf: &[u8]) -> bool {
    const METHODS: [&[u8]; 9] = [
        b"GET ",
        b"POST ",
        b"PUT ",
        b"HEAD ",
        b"DELETE ",
        b"OPTIONS ",
        b"PATCH ",
        b"TRACE ",
        b"PROPFIND ",
    ];
    METHODS.iter().any(|m| buf.starts_with(m))
}

/// A Content-Length: digits only; several headers (or a list) must agree (RFC 9112 §6.3 item 5).
fn content_length(headers: &[(String, String)]) -> Result<Option<u64>, HeadError> {
    let mut found: Option<u64> = None;
    for v in super::headers_named(headers, "content-length") {
        for part in v.split(',') {
            let p = part.trim();
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(HeadError::BadContentLength(v.chars().take(40).collect()));
            }
            let n: u64 = p
                .parse()
                .map_err(|_| HeadError::BadContentLength(v.chars().take(40).collect()))?;
            if found.is_some_and(|f| f != n) {
                return Err(HeadError::BadContentLength(v.chars().take(40).collect()));
            }
            found = Some(n);
        }
    }
    Ok(found)
}

/// The last transfer coding is `chunked` (RFC 9112 §6.3 item 4: it then overrides a length).
fn is_chunked(headers: &[(String, String)]) -> bool {
    super::headers_named(headers, "transfer-encoding")
        .flat_map(|v| v.split(','))
        .filter(|c| !c.trim().is_empty())
        .last()
        .is_some_and(|c| c.trim().eq_ignore_ascii_case("chunked"))
}

impl RequestHead {
    /// A header's value (first of that name).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// RFC 9112 §6.3: chunked, else Content-Length, else no body.
    pub fn body_length(&self) -> Result<BodyLength, HeadError> {
        if is_chunked(&self.headers) {
            return Ok(BodyLength::Chunked);
        }
        Ok(match content_length(&self.headers)? {
            Some(n) => BodyLength::Length(n),
            None => BodyLength::Empty,
        })
    }
}

impl ResponseHead {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// RFC 9112 §6.3 for an answer to `request_method` (when known): HEAD, 1xx, 204 and 304
    /// have no body, a 2xx to CONNECT starts a tunnel (no body here either), then chunked,
    /// Content-Length, or until the close.
    pub fn body_length(&self, request_method: Option<&str>) -> Result<BodyLength, HeadError> {
        let head = request_method.is_some_and(|m| m.eq_ignore_ascii_case("HEAD"));
        let tunnel = request_method.is_some_and(|m| m.eq_ignore_ascii_case("CONNECT"))
            && (200..300).contains(&self.status);
        if head || tunnel || (100..200).contains(&self.status) || matches!(self.status, 204 | 304) {
            return Ok(BodyLength::Empty);
        }
        if is_chunked(&self.headers) {
            return Ok(BodyLength::Chunked);
        }
        Ok(match content_length(&self.headers)? {
            Some(n) => BodyLength::Length(n),
            None => BodyLength::UntilClose,
        })
    }
}
