//! Binary upgrades: LDAP StartTLS (RFC 4511 §4.14, BER), PostgreSQL SSLRequest (protocol 3
//! "SSL Session Encryption": 8 bytes, answered by one byte `S` or `N`), MySQL/MariaDB's SSL
//! request (the 32-byte handshake response with CLIENT_SSL, after the server's greeting).

use super::{Ctx, Id, Parsed, MAX_MESSAGE};
use crate::model::{Side, UpgradeProtocol};

const PG_SSL: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];
const PG_GSS: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30];
const STARTTLS_OID: &str = "1.3.6.1.4.1.1466.20037";
/// MySQL capability flag CLIENT_SSL.
const CLIENT_SSL: u32 = 0x0800;

pub(super) fn identify(c: &[u8], s: &[u8]) -> Id {
    for req in [&PG_SSL, &PG_GSS] {
        if c.starts_with(req) {
            return Id::Known(UpgradeProtocol::Postgres);
        }
        if !c.is_empty() && req.starts_with(c) {
            return Id::Need;
        }
    }
    if c.first() == Some(&0x30) {
        return match ber(c) {
            Ber::Need => Id::Need,
            Ber::Bad => Id::NotPreamble,
            Ber::Tlv {
                tag: 0x30, body, ..
            } => match ldap_op(body) {
                Some(_) => Id::Known(UpgradeProtocol::Ldap),
                None => Id::NotPreamble,
            },
            Ber::Tlv { .. } => Id::NotPreamble,
        };
    }
    if c.is_empty() {
        // MySQL speaks first: 3-byte length, sequence 0, protocol version 10.
        return match s {
            [l1, l2, l3, 0, 0x0a, ..] => {
                let len = u32::from_le_bytes([*l1, *l2, *l3, 0]);
                if (30..=1024).contains(&len) {
                    Id::Known(UpgradeProtocol::Mysql)
                } else {
                    Id::NotPreamble
                }
            }
            [_, _, 0, 0] | [_, _, 0] | [_, _] | [_] => Id::Need,
            _ => Id::NotPreamble,
        };
    }
    Id::NotPreamble
}

/// One BER TLV at the front of `b`.
enum Ber<'a> {
    Need,
    Bad,
    Tlv { tag: u8, body: &'a [u8], len: usize },
}

fn ber(b: &[u8]) -> Ber<'_> {
    let [tag, l0, rest @ ..] = b else {
        return Ber::Need;
    };
    let (len, hdr) = if *l0 < 0x80 {
        (usize::from(*l0), 2)
    } else {
        let n = usize::from(l0 & 0x7f);
        if n == 0 || n > 3 {
            return Ber::Bad;
        }
        let Some(bytes) = rest.get(..n) else {
            return Ber::Need;
        };
        (
            bytes.iter().fold(0usize, |a, x| (a << 8) | usize::from(*x)),
            2 + n,
        )
    };
    if len > MAX_MESSAGE {
        return Ber::Bad;
    }
    match b.get(hdr..hdr + len) {
        Some(body) => Ber::Tlv {
            tag: *tag,
            body,
            len: hdr + len,
        },
        None => Ber::Need,
    }
}

/// Reads `messageID protocolOp` of an LDAPMessage body: (message id, op tag, op body).
fn ldap_op(body: &[u8]) -> Option<(u32, u8, &[u8])> {
    let Ber::Tlv {
        tag: 0x02,
        body: id,
        len,
    } = ber(body)
    else {
        return None;
    };
    if id.is_empty() || id.len() > 4 {
        return None;
    }
    let id = id.iter().fold(0u32, |a, x| (a << 8) | u32::from(*x));
    let Ber::Tlv { tag, body: op, .. } = ber(body.get(len..)?) else {
        return None;
    };
    // protocolOp is an [APPLICATION n] choice.
    (tag & 0xc0 == 0x40).then_some((id, tag, op))
}

fn ldap_op_name(tag: u8) -> &'static str {
    match tag & 0x1f {
        0 => "bindRequest",
        1 => "bindResponse",
        2 => "unbindRequest",
        3 => "searchRequest",
        4 => "searchResEntry",
        5 => "searchResDone",
        6 => "modifyRequest",
        7 => "modifyResponse",
        8 => "addRequest",
        9 => "addResponse",
        10 => "delRequest",
        11 => "delResponse",
        16 => "abandonRequest",
        19 => "searchResRef",
        23 => "extendedRequest",
        24 => "extendedResponse",
        25 => "intermediateResponse",
        _ => "LDAP operation",
    }
}

fn ldap_result_name(code: u32) -> &'static str {
    match code {
        0 => "success",
        1 => "operationsError",
        2 => "protocolError",
        8 => "strongerAuthRequired",
        12 => "unavailableCriticalExtension",
        13 => "confidentialityRequired",
        49 => "invalidCredentials",
        50 => "insufficientAccessRights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwillingToPerform",
        80 => "other",
        _ => "result code",
    }
}

pub(super) fn ldap(ctx: &mut Ctx, side: Side, buf: &[u8], frame: u64) -> Parsed {
    let (body, total) = match ber(buf) {
        Ber::Need => return Parsed::Need,
        Ber::Bad => return Parsed::Bad,
        Ber::Tlv {
            tag: 0x30,
            body,
            len,
        } => (body, len),
        Ber::Tlv { .. } => return Parsed::Bad,
    };
    let Some((id, tag, op)) = ldap_op(body) else {
        return Parsed::Bad;
    };
    let name = ldap_op_name(tag);
    match (side, tag & 0x1f) {
        (Side::Client, 23) => {
            // requestName [0] LDAPOID
            let oid = match ber(op) {
                Ber::Tlv {
                    tag: 0x80, body, ..
                } => String::from_utf8_lossy(body).into_owned(),
                _ => String::new(),
            };
            if oid == STARTTLS_OID {
                let step = ctx.step(
                    side,
                    frame,
                    &format!("extendedRequest StartTLS ({oid}), messageID {id}"),
                );
                ctx.command(step);
            } else {
                ctx.step(
                    side,
                    frame,
                    &format!("extendedRequest {oid}, messageID {id}"),
                );
            }
        }
        (Side::Server, t) if matches!(t, 1 | 5 | 7 | 9 | 11 | 24) => {
            // LDAPResult: resultCode ENUMERATED, matchedDN, diagnosticMessage.
            let (code, rest) = match ber(op) {
                Ber::Tlv {
                    tag: 0x0a,
                    body,
                    len,
                } if !body.is_empty() && body.len() <= 4 => (
                    Some(body.iter().fold(0u32, |a, x| (a << 8) | u32::from(*x))),
                    op.get(len..).unwrap_or_default(),
                ),
                _ => (None, op),
            };
            let diag = match ber(rest) {
                Ber::Tlv { len, .. } => match ber(rest.get(len..).unwrap_or_default()) {
                    Ber::Tlv {
                        tag: 0x04, body, ..
                    } if !body.is_empty() => {
                        format!(": {}", String::from_utf8_lossy(body))
                    }
                    _ => String::new(),
                },
                _ => String::new(),
            };
            let code_text = code
                .map(|c| format!(" resultCode {c} ({})", ldap_result_name(c)))
                .unwrap_or_default();
            let step = ctx.step(side, frame, &format!("{name}{code_text}{diag}"));
            if t == 24 && ctx.awaiting_reply(frame) {
                ctx.reply(step, code, code == Some(0));
            }
        }
        // Other operations (a bind carries a password): the name only.
        _ => {
            ctx.step(side, frame, &format!("{name}, messageID {id}"));
        }
    }
    Parsed::Msg(total)
}

pub(super) fn postgres(ctx: &mut Ctx, side: Side, buf: &[u8], frame: u64) -> Parsed {
    match side {
        Side::Client => {
            if buf.starts_with(&PG_SSL) {
                let step = ctx.step(side, frame, "SSLRequest");
                ctx.gss = false;
                ctx.command(step);
                return Parsed::Msg(8);
            }
            if buf.starts_with(&PG_GSS) {
                ctx.step(side, frame, "GSSENCRequest");
                ctx.gss = true;
                return Parsed::Msg(8);
            }
            if buf.len() < 8 {
                return Parsed::Need;
            }
            // A StartupMessage in plaintext: the session goes on without TLS.
            ctx.step(
                side,
                frame,
                "StartupMessage in plaintext (parameters not shown)",
            );
            ctx.stop = true;
            Parsed::Bad
        }
        Side::Server => match buf.first() {
            Some(b'S') if ctx.gss => {
                ctx.step(side, frame, "G: GSSAPI encryption accepted");
                ctx.stop = true;
                Parsed::Msg(1)
            }
            Some(b'N') if ctx.gss => {
                ctx.step(side, frame, "N: GSSAPI encryption not available");
                ctx.gss = false;
                Parsed::Msg(1)
            }
            Some(b'S') => {
                let step = ctx.step(side, frame, "S: the server accepts SSL");
                if ctx.awaiting_reply(frame) {
                    ctx.reply(step, None, true);
                }
                Parsed::Msg(1)
            }
            Some(b'N') => {
                let step = ctx.step(side, frame, "N: the server does not accept SSL");
                if ctx.awaiting_reply(frame) {
                    ctx.reply(step, None, false);
                }
                Parsed::Msg(1)
            }
            Some(b'E') => {
                // ErrorResponse (a server too old for SSLRequest, or one refusing it).
                let [_, a, b, c, d, ..] = buf else {
                    return Parsed::Need;
                };
                let len = u32::from_be_bytes([*a, *b, *c, *d]) as usize;
                if len > MAX_MESSAGE {
                    return Parsed::Bad;
                }
                let Some(fields) = buf.get(5..1 + len) else {
                    return Parsed::Need;
                };
                let msg = fields
                    .split(|x| *x == 0)
                    .find(|f| f.first() == Some(&b'M'))
                    .map(|f| String::from_utf8_lossy(f.get(1..).unwrap_or_default()).into_owned())
                    .unwrap_or_default();
                let step = ctx.step(side, frame, &format!("ErrorResponse: {msg}"));
                if ctx.awaiting_reply(frame) {
                    ctx.reply(step, None, false);
                }
                Parsed::Msg(1 + len)
            }
            None => Parsed::Need,
            Some(_) => Parsed::Bad,
        },
    }
}

pub(super) fn mysql(ctx: &mut Ctx, side: Side, buf: &[u8], frame: u64) -> Parsed {
    let [l1, l2, l3, seq, payload @ ..] = buf else {
        return Parsed::Need;
    };
    let len = usize::try_from(u32::from_le_bytes([*l1, *l2, *l3, 0])).unwrap_or(usize::MAX);
    if len > MAX_MESSAGE {
        return Parsed::Bad;
    }
    let Some(p) = payload.get(..len) else {
        return Parsed::Need;
    };
    match (side, p.first()) {
        (Side::Server, Some(0x0a)) if ctx.msgs.get(1) == Some(&0) => {
            // Protocol::HandshakeV10: version, NUL, thread id(4), salt(8), filler(1), caps(2).
            let vend = p.iter().skip(1).position(|b| *b == 0).map(|i| i + 1);
            let version = vend
                .and_then(|e| p.get(1..e))
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .unwrap_or_default();
            let caps = vend
                .and_then(|e| p.get(e + 14..e + 16))
                .and_then(|c| <[u8; 2]>::try_from(c).ok())
                .map(|c| u32::from(u16::from_le_bytes(c)));
            let ssl = match caps {
                Some(c) if c & CLIENT_SSL != 0 => "offers SSL",
                Some(_) => "does not offer SSL",
                None => "capabilities not read",
            };
            ctx.step(side, frame, &format!("greeting: server {version}, {ssl}"));
        }
        (Side::Server, Some(0xff)) => {
            let code = p
                .get(1..3)
                .and_then(|c| <[u8; 2]>::try_from(c).ok())
                .map(u16::from_le_bytes);
            let msg = String::from_utf8_lossy(p.get(3..).unwrap_or_default()).into_owned();
            let step = ctx.step(
                side,
                frame,
                &format!("ERR {}: {msg}", code.unwrap_or_default()),
            );
            if ctx.awaiting_reply(frame) {
                ctx.reply(step, code.map(u32::from), false);
            }
            ctx.stop = true;
        }
        (Side::Server, _) => {
            ctx.step(side, frame, &format!("packet {seq} ({len} bytes)"));
        }
        (Side::Client, _) => {
            let caps = p
                .get(..4)
                .and_then(|c| <[u8; 4]>::try_from(c).ok())
                .map(u32::from_le_bytes)
                .unwrap_or(0);
            if len == 32 && caps & CLIENT_SSL != 0 {
                let step = ctx.step(
                    side,
                    frame,
                    &format!("SSL request (capabilities 0x{caps:08x}, CLIENT_SSL set)"),
                );
                ctx.command(step);
            } else {
                ctx.step(
                    side,
                    frame,
                    "handshake response in plaintext, without CLIENT_SSL (user and password not shown)",
                );
                ctx.stop = true;
            }
        }
    }
    Parsed::Msg(4 + len)
}
