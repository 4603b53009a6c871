//! The plaintext before TLS: reads the start of a connection's two byte streams and recognises
//! an HTTP CONNECT or SOCKS exchange with a proxy, a HAProxy PROXY protocol header, or a
//! STARTTLS-style upgrade (SMTP, IMAP, POP3, FTP, LDAP, XMPP, PostgreSQL, MySQL), records it as
//! a [`Preamble`] and tells where TLS starts in each direction. Pure: bytes in, facts and the
//! TLS bytes (with their provenance) out. Must not do I/O, decode TLS or keep credentials.
//!
//! How it works: each direction's bytes are held until the protocol is known from the first
//! messages (a TLS record first means there is no preamble: everything passes through at once,
//! nothing is held). Then each direction is read message by message; at every message
//! boundary, bytes that begin a TLS record are where TLS starts in that direction. The sides
//! are read independently because each one's TLS begins right after its own last plaintext
//! message (the client's after its STARTTLS/CONNECT, the server's after its "go ahead").
//!
//! Bounds: at most [`HOLD_LIMIT`] bytes are held while the protocol is unknown, at most
//! [`MAX_MESSAGE`] for one message, at most [`MAX_PLAINTEXT`] read per direction before giving
//! up, at most [`MAX_STEPS`] steps recorded.

mod binary;
mod proxy;
mod text;

#[cfg(test)]
mod tests;

use crate::model::{
    Preamble, PreambleStep, Provenance, ProxyCredential, Side, UpgradeProtocol, UpgradeResult,
};

/// Bytes held per direction while no protocol is recognised.
pub const HOLD_LIMIT: usize = 4096;
/// Largest single plaintext message buffered (an HTTP response head, an LDAP message).
pub const MAX_MESSAGE: usize = 16 * 1024;
/// Plaintext read per direction before the reader stops looking for TLS.
pub const MAX_PLAINTEXT: u64 = 64 * 1024;
/// Steps recorded per connection.
pub const MAX_STEPS: usize = 48;
/// Longest text kept for one step.
const MAX_STEP_TEXT: usize = 200;

/// What [`Reader::finish`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// An upgrade (or tunnel) was asked for: the facts.
    Preamble(Box<Preamble>),
    /// A known plaintext protocol that never asked for TLS: not a TLS connection.
    Plain,
    /// No preamble: the bytes went to the TLS decoder unchanged.
    Nothing,
}

/// Receives the bytes that belong to TLS, in order per direction.
pub type TlsOut<'o> = dyn FnMut(Side, &[u8], Provenance) + 'o;

/// One connection's preamble reader. Small while it passes everything through.
#[derive(Debug, Default)]
pub struct Reader {
    mode: Mode,
    inner: Option<Box<Inner>>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Nothing seen yet, or held bytes whose protocol is not known.
    #[default]
    Detect,
    /// Reading a known protocol.
    Reading,
    /// Everything goes to the TLS decoder (no preamble, or TLS started both ways).
    Passthrough,
    /// A plaintext protocol that did not turn into TLS: bytes are dropped.
    Stopped,
}

#[derive(Debug, Default)]
struct Inner {
    sides: [SideBuf; 2],
    ctx: Option<Ctx>,
}

/// One direction's held bytes and where each of them came from.
#[derive(Debug, Default)]
struct SideBuf {
    buf: Vec<u8>,
    /// Absolute stream offset of `buf[0]`.
    base: u64,
    /// (absolute offset, provenance) of each chunk's first byte, ascending.
    marks: Vec<(u64, Provenance)>,
    /// TLS started in this direction: bytes pass through.
    tls: bool,
    /// A gap, damage or the limit: nothing more is read in this direction.
    dead: bool,
    /// Plaintext consumed so far.
    consumed: u64,
}

impl SideBuf {
    fn push(&mut self, data: &[u8], prov: Provenance) {
        let at = self.base + self.buf.len() as u64;
        self.marks.push((at, prov));
        self.buf.extend_from_slice(data);
    }

    /// The provenance of the byte at `offset` in `buf`.
    fn prov_at(&self, offset: usize) -> Provenance {
        let abs = self.base + offset as u64;
        self.marks
            .iter()
            .take_while(|(o, _)| *o <= abs)
            .last()
            .map(|(_, p)| *p)
            .unwrap_or_default()
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.buf.len());
        self.buf.drain(..n);
        self.base += n as u64;
        self.consumed += n as u64;
        // Keep the mark covering the new first byte, drop the older ones.
        let keep_from = self
            .marks
            .iter()
            .rposition(|(o, _)| *o <= self.base)
            .unwrap_or(0);
        self.marks.drain(..keep_from);
    }

    /// Hands every held byte to `out` with its provenance and empties the buffer.
    fn flush(&mut self, side: Side, out: &mut TlsOut<'_>) {
        let end = self.base + self.buf.len() as u64;
        for (i, (start, prov)) in self.marks.iter().enumerate() {
            let stop = self.marks.get(i + 1).map_or(end, |(o, _)| *o);
            let from = start.max(&self.base).saturating_sub(self.base);
            let to = stop.saturating_sub(self.base);
            let (Ok(from), Ok(to)) = (usize::try_from(from), usize::try_from(to)) else {
                continue;
            };
            if let Some(chunk) = self.buf.get(from..to) {
                if !chunk.is_empty() {
                    out(side, chunk, *prov);
                }
            }
        }
        self.base = end;
        self.buf = Vec::new();
        self.marks = Vec::new();
    }
}

/// The result of reading one message from the front of a direction's buffer.
#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    /// More bytes are needed.
    Need,
    /// A message of this many bytes was read.
    Msg(usize),
    /// These bytes are not this protocol: stop reading this direction.
    Bad,
}

/// Protocol state while reading.
#[derive(Debug)]
struct Ctx {
    pre: Preamble,
    requested: bool,
    /// Per-direction count of messages read (SOCKS and PostgreSQL read by position).
    msgs: [u32; 2],
    /// IMAP: the tag of the STARTTLS command.
    tag: Option<String>,
    /// HTTP: response body bytes still to skip.
    body: u64,
    /// HTTP: the response body runs to the end of the connection.
    body_to_close: bool,
    /// PostgreSQL: the last request was a GSSENCRequest.
    gss: bool,
    /// The plaintext conversation went on after a refusal or without an upgrade: stop.
    stop: bool,
}

impl Ctx {
    fn new(protocol: UpgradeProtocol) -> Self {
        Ctx {
            pre: Preamble {
                protocol,
                result: UpgradeResult::NoAnswer,
                target: None,
                original_client: None,
                original_destination: None,
                command: None,
                reply: None,
                reply_code: None,
                proxy_authorization: Vec::new(),
                proxy_authenticate: Vec::new(),
                steps: Vec::new(),
                steps_omitted: 0,
                client_tls_frame: None,
                server_tls_frame: None,
            },
            requested: false,
            msgs: [0, 0],
            tag: None,
            body: 0,
            body_to_close: false,
            gss: false,
            stop: false,
        }
    }

    /// Records one plaintext message (bounded) and returns it.
    fn step(&mut self, from: Side, frame: u64, text: &str) -> PreambleStep {
        let mut t: String = text.chars().take(MAX_STEP_TEXT).collect();
        if text.chars().nth(MAX_STEP_TEXT).is_some() {
            t.push('…');
        }
        let s = PreambleStep {
            from,
            frame,
            text: t,
        };
        if self.pre.steps.len() < MAX_STEPS {
            self.pre.steps.push(s.clone());
        } else {
            self.pre.steps_omitted = self.pre.steps_omitted.saturating_add(1);
        }
        s
    }

    /// The client asked for TLS (or a tunnel) with `step`.
    fn command(&mut self, step: PreambleStep) {
        self.requested = true;
        self.pre.command = Some(step);
        self.pre.result = UpgradeResult::NoAnswer;
        self.pre.reply = None;
        self.pre.reply_code = None;
    }

    /// Whether a server message at `frame` can be the answer to the pending command.
    fn awaiting_reply(&self, frame: u64) -> bool {
        self.requested
            && self.pre.reply.is_none()
            && self.pre.command.as_ref().is_some_and(|c| c.frame <= frame)
    }

    fn reply(&mut self, step: PreambleStep, code: Option<u32>, accepted: bool) {
        self.pre.reply = Some(step);
        self.pre.reply_code = code;
        self.pre.result = if accepted {
            UpgradeResult::Accepted
        } else {
            UpgradeResult::Refused
        };
    }

    fn credential(&mut self, frame: u64, scheme: &str, length: usize) {
        if self.pre.proxy_authorization.len() < 8 {
            self.pre.proxy_authorization.push(ProxyCredential {
                frame,
                scheme: scheme.to_owned(),
                length,
            });
        }
    }
}

/// `Some(true)` when `b` begins with a TLS record header (handshake, alert or CCS; major
/// version 3, minor ≤ 4) or an SSLv2-format ClientHello, `Some(false)` when it cannot, `None`
/// when too short to tell.
fn tls_start(b: &[u8]) -> Option<bool> {
    match (
        tls_record_start(b),
        crate::tls::starts_with_sslv2_client_hello(b),
    ) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn tls_record_start(b: &[u8]) -> Option<bool> {
    let plausible = |t: &u8| matches!(t, 20..=22);
    match b {
        [] => None,
        [t] => (!plausible(t)).then_some(false),
        [t, major] => (!(plausible(t) && *major == 3)).then_some(false),
        [t, major, minor, ..] => Some(plausible(t) && *major == 3 && *minor <= 4),
    }
}

fn idx(side: Side) -> usize {
    match side {
        Side::Client => 0,
        Side::Server => 1,
    }
}

impl Reader {
    pub fn new() -> Self {
        Reader::default()
    }

    /// In-order bytes of one direction. TLS bytes go to `out` (at once when there is no
    /// preamble); preamble bytes are read and kept as facts.
    pub fn data(&mut self, side: Side, data: &[u8], prov: Provenance, out: &mut TlsOut<'_>) {
        match self.mode {
            Mode::Passthrough => return out(side, data, prov),
            Mode::Stopped => return,
            // The common case: TLS from the first byte. Nothing is held or copied.
            Mode::Detect if self.inner.is_none() && tls_start(data) == Some(true) => {
                self.mode = Mode::Passthrough;
                return out(side, data, prov);
            }
            _ => {}
        }
        let inner = self.inner.get_or_insert_with(Box::default);
        let Some(sb) = inner.sides.get_mut(idx(side)) else {
            return;
        };
        if sb.tls {
            return out(side, data, prov);
        }
        if sb.dead {
            return;
        }
        sb.push(data, prov);
        self.advance(out);
    }

    /// Bytes of `side` were lost: its preamble cannot be read on.
    pub fn gap(&mut self, side: Side) {
        if let Some(sb) = self.inner.as_mut().and_then(|i| i.sides.get_mut(idx(side))) {
            if !sb.tls {
                sb.dead = true;
                sb.buf = Vec::new();
                sb.marks = Vec::new();
            }
        }
    }

    /// `true` once the stream is known to be a plaintext protocol that will not become TLS.
    pub fn is_plain(&self) -> bool {
        self.mode == Mode::Stopped
            && self
                .inner
                .as_ref()
                .and_then(|i| i.ctx.as_ref())
                .is_none_or(|c| !c.requested)
    }

    /// The facts so far (for live views), without ending anything.
    pub fn snapshot(&self) -> Option<Preamble> {
        let ctx = self.inner.as_ref()?.ctx.as_ref()?;
        ctx.requested.then(|| sorted(ctx.pre.clone()))
    }

    /// The end of the connection: held bytes of an unknown protocol go to `out` (the TLS
    /// decoder then decides what they are), and the preamble, if any, is returned.
    pub fn finish(&mut self, out: &mut TlsOut<'_>) -> Found {
        let Some(inner) = self.inner.as_mut() else {
            return Found::Nothing;
        };
        match inner.ctx.take() {
            None => {
                for (i, sb) in inner.sides.iter_mut().enumerate() {
                    sb.flush(if i == 0 { Side::Client } else { Side::Server }, out);
                }
                self.mode = Mode::Passthrough;
                Found::Nothing
            }
            Some(ctx) if ctx.requested => {
                self.mode = Mode::Stopped;
                Found::Preamble(Box::new(sorted(ctx.pre)))
            }
            Some(_) => {
                self.mode = Mode::Stopped;
                Found::Plain
            }
        }
    }

    fn advance(&mut self, out: &mut TlsOut<'_>) {
        let Some(inner) = self.inner.as_mut() else {
            return;
        };
        if inner.ctx.is_none() {
            match identify(&inner.sides[0].buf, &inner.sides[1].buf) {
                Id::Known(p) => inner.ctx = Some(Ctx::new(p)),
                Id::Need if inner.sides.iter().all(|s| s.buf.len() <= HOLD_LIMIT) => {
                    return;
                }
                Id::Need | Id::NotPreamble => {
                    // Not a preamble we know: the TLS decoder gets the bytes as they came.
                    self.mode = Mode::Passthrough;
                    for (i, sb) in inner.sides.iter_mut().enumerate() {
                        sb.flush(if i == 0 { Side::Client } else { Side::Server }, out);
                    }
                    self.inner = None;
                    return;
                }
            }
        }
        let Some(ctx) = inner.ctx.as_mut() else {
            return;
        };
        self.mode = Mode::Reading;
        // The server's messages first when both wait: its banner precedes the client's reply.
        for side in [Side::Server, Side::Client] {
            let Some(sb) = inner.sides.get_mut(idx(side)) else {
                continue;
            };
            read_side(ctx, side, sb, out);
        }
        let [c, s] = &inner.sides;
        if c.tls && s.tls {
            self.mode = Mode::Passthrough;
            // Keep only the facts: the buffers are empty now.
            inner.sides = Default::default();
        } else if (ctx.stop || (c.dead || c.tls) && (s.dead || s.tls)) && !c.tls && !s.tls {
            self.mode = Mode::Stopped;
            inner.sides = Default::default();
        }
    }
}

/// Reads messages from the front of one direction until it needs more bytes, TLS starts, or
/// the direction stops.
fn read_side(ctx: &mut Ctx, side: Side, sb: &mut SideBuf, out: &mut TlsOut<'_>) {
    while !sb.tls && !sb.dead {
        // TLS starts at a message boundary, once the request is made (a TLS-looking byte
        // before that is plaintext damage, read as such).
        if ctx.requested && !sb.buf.is_empty() {
            match tls_start(&sb.buf) {
                Some(true) => {
                    let frame = sb.prov_at(0).frame;
                    sb.tls = true;
                    match side {
                        Side::Client => ctx.pre.client_tls_frame = Some(frame),
                        Side::Server => {
                            ctx.pre.server_tls_frame = Some(frame);
                            // A protocol with no answer to its request (MySQL), or an answer
                            // that is not in the capture: the server speaking TLS is the "yes".
                            if ctx.pre.result == UpgradeResult::NoAnswer {
                                ctx.pre.result = UpgradeResult::Accepted;
                            }
                        }
                    }
                    sb.flush(side, out);
                    return;
                }
                None => return,
                Some(false) => {}
            }
        }
        if ctx.stop || sb.consumed > MAX_PLAINTEXT {
            sb.dead = true;
            sb.buf = Vec::new();
            sb.marks = Vec::new();
            return;
        }
        if sb.buf.is_empty() {
            return;
        }
        let frame = sb.prov_at(0).frame;
        let parsed = parse(ctx, side, &sb.buf, frame);
        match parsed {
            Parsed::Need if sb.buf.len() > MAX_MESSAGE => sb.dead = true,
            Parsed::Need => return,
            Parsed::Msg(n) => sb.consume(n.max(1)),
            Parsed::Bad => sb.dead = true,
        }
        if sb.dead {
            sb.buf = Vec::new();
            sb.marks = Vec::new();
        }
    }
}

fn parse(ctx: &mut Ctx, side: Side, buf: &[u8], frame: u64) -> Parsed {
    let p = match ctx.pre.protocol {
        UpgradeProtocol::HttpConnect => proxy::http(ctx, side, buf, frame),
        UpgradeProtocol::Socks4 | UpgradeProtocol::Socks4a => proxy::socks4(ctx, side, buf, frame),
        UpgradeProtocol::Socks5 => proxy::socks5(ctx, side, buf, frame),
        UpgradeProtocol::ProxyV1 | UpgradeProtocol::ProxyV2 => {
            proxy::proxy_header(ctx, side, buf, frame)
        }
        UpgradeProtocol::Smtp
        | UpgradeProtocol::Imap
        | UpgradeProtocol::Pop3
        | UpgradeProtocol::Ftp => text::line(ctx, side, buf, frame),
        UpgradeProtocol::Xmpp => text::xmpp(ctx, side, buf, frame),
        UpgradeProtocol::Ldap => binary::ldap(ctx, side, buf, frame),
        UpgradeProtocol::Postgres => binary::postgres(ctx, side, buf, frame),
        UpgradeProtocol::Mysql => binary::mysql(ctx, side, buf, frame),
    };
    if matches!(p, Parsed::Msg(_)) {
        if let Some(slot) = ctx.msgs.get_mut(idx(side)) {
            *slot = slot.saturating_add(1);
        }
    }
    p
}

fn sorted(mut p: Preamble) -> Preamble {
    // Stable: messages of one frame keep their order.
    p.steps.sort_by_key(|s| s.frame);
    p
}

/// What the first bytes of each direction say.
#[derive(Debug, PartialEq, Eq)]
enum Id {
    Known(UpgradeProtocol),
    Need,
    NotPreamble,
}

/// Recognises the protocol from the first bytes of the client (`c`) and the server (`s`).
fn identify(c: &[u8], s: &[u8]) -> Id {
    if tls_start(c) == Some(true) || tls_start(s) == Some(true) {
        return Id::NotPreamble;
    }
    let binary = [
        proxy::identify(c),
        binary::identify(c, s),
        text::identify_xmpp(c),
    ];
    if let Some(k) = binary.iter().find(|i| matches!(i, Id::Known(_))) {
        return match k {
            Id::Known(p) => Id::Known(*p),
            _ => Id::NotPreamble,
        };
    }
    let lines = text::identify(c, s);
    if matches!(lines, Id::Known(_)) {
        return lines;
    }
    if binary.contains(&Id::Need) || lines == Id::Need {
        return Id::Need;
    }
    Id::NotPreamble
}

/// Lossy text of a protocol line without its line end.
pub(crate) fn line_text(b: &[u8]) -> String {
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    let b = b.strip_suffix(b"\r").unwrap_or(b);
    String::from_utf8_lossy(b).into_owned()
}
