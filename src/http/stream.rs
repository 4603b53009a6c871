//! HTTP/1.1 read out of a connection's two byte streams — decrypted TLS application data or a
//! plain flow — into `model::http` exchanges. Bounded: heads ≤ 64 KiB; of each body only the
//! first [`BODY_KEPT`] bytes are looked at (for a SOAP Fault) and then dropped, the rest is
//! counted; at most [`MAX_EXCHANGES`] exchanges kept; at most [`READ_LIMIT`] bytes read per
//! direction (the TLS decoder stops decrypting application data for HTTP after that).
//! Responses pair with requests in order (HTTP/1.1 has no other way); interim 1xx answers
//! are skipped; a 101 or a 2xx to CONNECT ends reading (another protocol follows).

use super::chunked::Dechunker;
use super::head::{self, BodyLength, Parsed, RequestHead, ResponseHead};
use crate::model::http::{BodyFraming, HttpBody, HttpExchange, HttpRequest, HttpResponse};
use crate::model::Side;

/// Body bytes looked at per message (for its SOAP Fault): 16 KiB.
pub const BODY_KEPT: usize = 16 << 10;
/// Exchanges kept per connection.
pub const MAX_EXCHANGES: usize = 16;
/// Bytes read per direction: 1 MiB.
pub const READ_LIMIT: u64 = 1 << 20;
/// Characters kept of a request target, a reason phrase, a header value shown.
const MAX_TEXT: usize = 1024;

#[derive(Debug, Default)]
enum State {
    #[default]
    Head,
    Body(Box<Body>),
    Stopped,
}

#[derive(Debug)]
struct Body {
    framing: BodyLength,
    /// Bytes still to come (Length).
    left: u64,
    dechunker: Option<Dechunker>,
    kept: Vec<u8>,
    read: u64,
    /// Frame of the latest body bytes.
    last_frame: u64,
    /// Which exchange, and whether it is the response.
    exchange: usize,
    response: bool,
}

#[derive(Debug, Default)]
struct Dir {
    state: State,
    buf: Vec<u8>,
    head_frame: u64,
    read: u64,
}

/// One connection's HTTP reader.
#[derive(Debug, Default)]
pub struct Reader {
    client: Dir,
    server: Dir,
    exchanges: Vec<HttpExchange>,
    /// Method of each kept exchange's request (for the response's framing).
    methods: Vec<Option<String>>,
    /// The next exchange a response pairs with.
    next_response: usize,
    not_kept: u32,
    stopped: Option<String>,
    /// Bytes were fed.
    fed: bool,
    /// The first bytes read were not HTTP/1.x.
    not_http: bool,
}

fn text(s: &str) -> String {
    s.chars().take(MAX_TEXT).collect()
}

fn version(minor: u8) -> String {
    format!("HTTP/1.{minor}")
}

fn framing_of(b: BodyLength) -> (BodyFraming, Option<u64>) {
    match b {
        BodyLength::Empty => (BodyFraming::None, None),
        BodyLength::Length(n) => (BodyFraming::Length, Some(n)),
        BodyLength::Chunked => (BodyFraming::Chunked, None),
        BodyLength::UntilClose => (BodyFraming::UntilClose, None),
    }
}

fn body_fact(b: BodyLength) -> HttpBody {
    let (framing, declared_length) = framing_of(b);
    HttpBody {
        framing,
        declared_length,
        bytes_read: 0,
        complete: b == BodyLength::Empty || b == BodyLength::Length(0),
    }
}

impl Reader {
    fn dir(&self, side: Side) -> &Dir {
        match side {
            Side::Client => &self.client,
            Side::Server => &self.server,
        }
    }

    fn dir_mut(&mut self, side: Side) -> &mut Dir {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }

    /// Whether bytes of `side` are still read (the TLS decoder decrypts for HTTP only then).
    pub fn wants(&self, side: Side) -> bool {
        let d = self.dir(side);
        !matches!(d.state, State::Stopped) && d.read < READ_LIMIT
    }

    /// Bytes were fed (decrypted application data or a plain flow's bytes).
    pub fn fed(&self) -> bool {
        self.fed
    }

    /// In-order bytes of one direction; `frame` holds them.
    pub fn push(&mut self, side: Side, data: &[u8], frame: u64) {
        if data.is_empty() || !self.wants(side) {
            return;
        }
        self.fed = true;
        let d = self.dir_mut(side);
        let room = READ_LIMIT.saturating_sub(d.read);
        let take = usize::try_from(room).unwrap_or(usize::MAX).min(data.len());
        d.read = d.read.saturating_add(take as u64);
        let mut data = data.get(..take).unwrap_or_default();
        while !data.is_empty() {
            let used = match std::mem::take(&mut self.dir_mut(side).state) {
                State::Stopped => {
                    self.dir_mut(side).state = State::Stopped;
                    break;
                }
                State::Head => self.head_bytes(side, data, frame),
                State::Body(b) => self.body_bytes(side, b, data, frame),
            };
            data = data.get(used..).unwrap_or_default();
            if used == 0 {
                break;
            }
        }
        if !self.wants(side) && self.dir(side).read >= READ_LIMIT {
            self.stop(
                side,
                format!(
                    "only the first {} KiB of each direction are read",
                    READ_LIMIT >> 10
                ),
            );
        }
    }

    /// Stops one direction (and says why, once); a body being read ends incomplete.
    fn stop(&mut self, side: Side, why: String) {
        let d = self.dir_mut(side);
        let state = std::mem::replace(&mut d.state, State::Stopped);
        d.buf = Vec::new();
        if let State::Body(b) = state {
            self.finish_body(&b, None);
        }
        self.stopped.get_or_insert(why);
    }

    fn stop_both(&mut self, why: String) {
        self.stop(Side::Client, why.clone());
        self.stop(Side::Server, why);
    }

    /// Head bytes: returns how many of `data` were used.
    fn head_bytes(&mut self, side: Side, data: &[u8], frame: u64) -> usize {
        let first = self.exchanges.is_empty() && self.not_kept == 0;
        let d = self.dir_mut(side);
        if d.buf.is_empty() {
            d.head_frame = frame;
        }
        let before = d.buf.len();
        let take = head::MAX_HEAD.saturating_sub(before).min(data.len());
        d.buf
            .extend_from_slice(data.get(..take).unwrap_or_default());
        let parsed = match side {
            Side::Client => head::parse_request(&d.buf).map(|p| match p {
                Parsed::Complete(h, n) => Some((Msg::Req(h), n)),
                Parsed::Partial => None,
            }),
            Side::Server => head::parse_response(&d.buf).map(|p| match p {
                Parsed::Complete(h, n) => Some((Msg::Res(h), n)),
                Parsed::Partial => None,
            }),
        };
        let head_frame = d.head_frame;
        let h2 = d.buf.starts_with(b"PRI * HTTP/2.0");
        match parsed {
            Ok(None) => take,
            Ok(Some((msg, n))) => {
                d.buf.clear();
                let used = n.saturating_sub(before).min(take);
                match msg {
                    Msg::Req(h) => self.request(h, head_frame, frame),
                    Msg::Res(h) => self.response(h, head_frame, frame),
                }
                used
            }
            Err(e) => {
                if first {
                    self.not_http = true;
                }
                let why = if h2 {
                    "HTTP/2 (connection preface): not read".to_owned()
                } else {
                    format!(
                        "the {} sent bytes that are not HTTP/1.x ({e}) at frame {head_frame}",
                        side.as_str()
                    )
                };
                self.stop_both(why);
                take
            }
        }
    }

    fn request(&mut self, h: RequestHead, frame: u64, head_end: u64) {
        let framing = match h.body_length() {
            Ok(f) => f,
            Err(e) => {
                self.stop_both(format!("request at frame {frame}: {e}"));
                return;
            }
        };
        let method = h.method.clone();
        let connect = method.eq_ignore_ascii_case("CONNECT");
        let req = HttpRequest {
            frame,
            method: text(&h.method),
            target: text(&h.target),
            version: version(h.minor_version),
            host: h.header("host").map(text),
            soap_action: super::soap::soap_action(&h.headers),
            content_type: h.header("content-type").map(text),
            credentials: super::auth::credentials(&h.headers),
            body: body_fact(framing),
            end_frame: (!has_body(framing)).then_some(head_end),
        };
        let exchange = if self.exchanges.len() < MAX_EXCHANGES {
            self.exchanges.push(HttpExchange {
                request: Some(req),
                response: None,
            });
            self.methods.push(Some(method));
            Some(self.exchanges.len() - 1)
        } else {
            self.not_kept = self.not_kept.saturating_add(1);
            None
        };
        let _ = connect;
        self.start_body(Side::Client, framing, exchange, false);
    }

    fn response(&mut self, h: ResponseHead, frame: u64, head_end: u64) {
        if (100..200).contains(&h.status) && h.status != 101 {
            return; // interim (100 Continue): the final answer follows.
        }
        let method = self.methods.get(self.next_response).cloned().flatten();
        let framing = match h.body_length(method.as_deref()) {
            Ok(f) => f,
            Err(e) => {
                self.stop_both(format!("response at frame {frame}: {e}"));
                return;
            }
        };
        let res = HttpResponse {
            frame,
            version: version(h.minor_version),
            status: h.status,
            reason: text(&h.reason),
            challenges: super::auth::challenges(&h.headers),
            proxy_challenges: super::auth::challenges_in(&h.headers, "proxy-authenticate"),
            content_type: h.header("content-type").map(text),
            soap_fault: None,
            body: body_fact(framing),
            end_frame: (!has_body(framing)).then_some(head_end),
        };
        let exchange = if self.next_response < self.exchanges.len() {
            let i = self.next_response;
            if let Some(e) = self.exchanges.get_mut(i) {
                e.response = Some(res);
            }
            self.next_response += 1;
            Some(i)
        } else if self.exchanges.len() < MAX_EXCHANGES && self.not_kept == 0 {
            // An answer without its request (the capture started between them).
            self.exchanges.push(HttpExchange {
                request: None,
                response: Some(res),
            });
            self.methods.push(None);
            self.next_response = self.exchanges.len();
            Some(self.exchanges.len() - 1)
        } else {
            None
        };
        let tunnel = h.status == 101
            || (method
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case("CONNECT"))
                && (200..300).contains(&h.status));
        if tunnel {
            self.stop_both(format!(
                "HTTP {} at frame {frame}: another protocol follows",
                h.status
            ));
            return;
        }
        self.start_body(Side::Server, framing, exchange, true);
    }

    fn start_body(
        &mut self,
        side: Side,
        framing: BodyLength,
        exchange: Option<usize>,
        response: bool,
    ) {
        let left = match framing {
            BodyLength::Empty | BodyLength::Length(0) => return,
            BodyLength::Length(n) => n,
            _ => 0,
        };
        let d = self.dir_mut(side);
        if matches!(d.state, State::Stopped) {
            return;
        }
        d.state = State::Body(Box::new(Body {
            framing,
            left,
            dechunker: (framing == BodyLength::Chunked).then(|| Dechunker::new(BODY_KEPT)),
            kept: Vec::new(),
            read: 0,
            last_frame: 0,
            exchange: exchange.unwrap_or(usize::MAX),
            response,
        }));
    }

    fn body_bytes(&mut self, side: Side, mut b: Box<Body>, data: &[u8], frame: u64) -> usize {
        b.last_frame = frame;
        let (used, done) = match b.framing {
            BodyLength::Length(_) => {
                let n = usize::try_from(b.left)
                    .unwrap_or(usize::MAX)
                    .min(data.len());
                keep(&mut b.kept, data.get(..n).unwrap_or_default());
                b.left -= n as u64;
                b.read += n as u64;
                (n, b.left == 0)
            }
            BodyLength::Chunked => {
                let Some(dc) = b.dechunker.as_mut() else {
                    return data.len();
                };
                match dc.push(data) {
                    Ok(n) => {
                        b.read = dc.total();
                        (n, dc.is_done())
                    }
                    Err(e) => {
                        b.read = dc.total();
                        self.dir_mut(side).state = State::Body(b);
                        self.stop(side, format!("chunked body: {e}"));
                        return data.len();
                    }
                }
            }
            _ => {
                keep(&mut b.kept, data);
                b.read += data.len() as u64;
                (data.len(), false)
            }
        };
        if done {
            self.finish_body(&b, Some(frame));
        } else {
            self.dir_mut(side).state = State::Body(b);
        }
        used
    }

    /// Writes a body's facts (and its SOAP Fault) into its exchange.
    /// `end`: the frame where the body ended; `None` when it did not (cut short).
    fn finish_body(&mut self, b: &Body, end: Option<u64>) {
        let complete = end.is_some();
        let Some(e) = self.exchanges.get_mut(b.exchange) else {
            return;
        };
        let kept: &[u8] = match &b.dechunker {
            Some(dc) => dc.body(),
            None => &b.kept,
        };
        if b.response {
            if let Some(r) = e.response.as_mut() {
                r.body.bytes_read = b.read;
                r.body.complete = complete;
                r.end_frame = end;
                r.soap_fault = super::soap::soap_fault(&String::from_utf8_lossy(kept));
            }
        } else if let Some(r) = e.request.as_mut() {
            r.body.bytes_read = b.read;
            r.body.complete = complete;
            r.end_frame = end;
        }
    }

    /// Bytes of `side` are missing from the capture: nothing more is read from it.
    pub fn gap(&mut self, side: Side) {
        if self.fed {
            self.stop(
                side,
                format!(
                    "bytes of the {} are missing from the capture",
                    side.as_str()
                ),
            );
        } else {
            self.dir_mut(side).state = State::Stopped;
        }
    }

    /// The exchanges as they stand; bodies still open are written as read so far (a body that
    /// runs until the close is complete when `closed` says that side closed).
    pub fn exchanges(&self, closed: [bool; 2]) -> Vec<HttpExchange> {
        let mut out = self.exchanges.clone();
        let [client_closed, server_closed] = closed;
        for (d, closed) in [(&self.client, client_closed), (&self.server, server_closed)] {
            let State::Body(b) = &d.state else { continue };
            let Some(e) = out.get_mut(b.exchange) else {
                continue;
            };
            let complete = b.framing == BodyLength::UntilClose && closed;
            let kept: &[u8] = match &b.dechunker {
                Some(dc) => dc.body(),
                None => &b.kept,
            };
            if b.response {
                if let Some(r) = e.response.as_mut() {
                    r.body.bytes_read = b.read;
                    r.body.complete = complete;
                    r.end_frame = complete.then_some(b.last_frame);
                    r.soap_fault = super::soap::soap_fault(&String::from_utf8_lossy(kept));
                }
            } else if let Some(r) = e.request.as_mut() {
                r.body.bytes_read = b.read;
                r.body.complete = complete;
                r.end_frame = complete.then_some(b.last_frame);
            }
        }
        out
    }

    pub fn not_kept(&self) -> u32 {
        self.not_kept
    }

    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    /// The client's first bytes were not HTTP/1.x.
    pub fn not_http(&self) -> bool {
        self.not_http
    }
}

enum Msg {
    Req(RequestHead),
    Res(ResponseHead),
}

fn has_body(b: BodyLength) -> bool {
    !matches!(b, BodyLength::Empty | BodyLength::Length(0))
}

fn keep(kept: &mut Vec<u8>, data: &[u8]) {
    let room = BODY_KEPT.saturating_sub(kept.len());
    kept.extend_from_slice(data.get(..room.min(data.len())).unwrap_or_default());
}
