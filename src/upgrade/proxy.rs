//! Proxies in front of TLS: HTTP CONNECT (RFC 9110 §9.3.6), SOCKS4/4a, SOCKS5 (RFC 1928, and
//! RFC 1929 username/password), and the HAProxy PROXY protocol header (v1 text, v2 binary).
//! Of credentials only the scheme and length are kept.

use super::{line_text, Ctx, Id, Parsed};
use crate::model::{Endpoint, Side, UpgradeProtocol};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const PROXY_V2_SIG: &[u8; 12] = b"\r\n\r\n\0\r\nQUIT\n";

/// Client-first proxy protocols from the client's first bytes.
pub(super) fn identify(c: &[u8]) -> Id {
    for (prefix, p) in [
        (&b"CONNECT "[..], UpgradeProtocol::HttpConnect),
        (&b"PROXY "[..], UpgradeProtocol::ProxyV1),
        (&PROXY_V2_SIG[..], UpgradeProtocol::ProxyV2),
    ] {
        if c.starts_with(prefix) {
            return Id::Known(p);
        }
        if !c.is_empty() && prefix.starts_with(c) {
            return Id::Need;
        }
    }
    match c {
        // SOCKS5 greeting: version 5, 1..32 methods, each a defined or private method number.
        [5] => Id::Need,
        [5, n, methods @ ..] if (1..=32).contains(n) => {
            let plausible = methods
                .iter()
                .take(usize::from(*n))
                .all(|m| *m <= 0x09 || (0x80..=0xfe).contains(m));
            if !plausible {
                Id::NotPreamble
            } else if methods.len() < usize::from(*n) {
                Id::Need
            } else {
                Id::Known(UpgradeProtocol::Socks5)
            }
        }
        // SOCKS4 request: version 4, CONNECT or BIND, port, address, user id ending in NUL.
        [4] | [4, 1 | 2] => Id::Need,
        [4, 1 | 2, rest @ ..] => {
            if rest.len() < 7 {
                return Id::Need;
            }
            if !rest.iter().skip(6).any(|b| *b == 0) {
                return if rest.len() > 256 {
                    Id::NotPreamble
                } else {
                    Id::Need
                };
            }
            match rest.get(2..6) {
                Some([0, 0, 0, x]) if *x != 0 => Id::Known(UpgradeProtocol::Socks4a),
                _ => Id::Known(UpgradeProtocol::Socks4),
            }
        }
        _ => Id::NotPreamble,
    }
}

/// The end of an HTTP message head (`\r\n\r\n`, or bare `\n\n`), as an index past it.
fn head_end(b: &[u8]) -> Option<usize> {
    let crlf = b.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    let lf = b.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn header(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    Some((name.trim(), value.trim()))
}

/// One HTTP message head from either side (plus, on the server side, the body it announces).
pub(super) fn http(ctx: &mut Ctx, side: Side, buf: &[u8], frame: u64) -> Parsed {
    if side == Side::Server && ctx.body_to_close {
        return Parsed::Msg(buf.len());
    }
    if side == Side::Server && ctx.body > 0 {
        let n = usize::try_from(ctx.body)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        ctx.body -= n as u64;
        return Parsed::Msg(n);
    }
    let Some(end) = head_end(buf) else {
        return Parsed::Need;
    };
    let head = String::from_utf8_lossy(buf.get(..end).unwrap_or_default()).into_owned();
    let mut lines = head.lines();
    let first = lines.next().unwrap_or_default().trim_end().to_owned();
    match side {
        Side::Client => {
            let mut parts = first.split_whitespace();
            let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            if !method.eq_ignore_ascii_case("CONNECT") {
                // A plain request through the proxy: not a tunnel; nothing more to read.
                ctx.step(side, frame, &format!("{method} (not CONNECT)"));
                ctx.stop = true;
                return Parsed::Msg(end);
            }
            let step = ctx.step(side, frame, &first);
            ctx.pre.target = Some(target.to_owned());
            ctx.command(step);
            for l in lines {
                let Some((name, value)) = header(l) else {
                    continue;
                };
                if name.eq_ignore_ascii_case("Proxy-Authorization") {
                    let (scheme, creds) = value.split_once(' ').unwrap_or((value, ""));
                    let len = creds.trim().len();
                    ctx.credential(frame, scheme, len);
                    ctx.step(
                        side,
                        frame,
                        &format!("Proxy-Authorization: {scheme} ({len} bytes, not shown)"),
                    );
                }
            }
        }
        Side::Server => {
            let code: Option<u32> = first
                .split_whitespace()
                .nth(1)
                .and_then(|c| c.parse().ok())
                .filter(|c| (100..1000).contains(c));
            let Some(code) = code else {
                return Parsed::Bad;
            };
            let step = ctx.step(side, frame, &first);
            let mut length: Option<u64> = None;
            let mut chunked = false;
            for l in lines {
                let Some((name, value)) = header(l) else {
                    continue;
                };
                if name.eq_ignore_ascii_case("Proxy-Authenticate") {
                    // One header may hold several challenges ("Basic realm=x, Negotiate"):
                    // a scheme is a token not followed by '='.
                    for part in value.split(',') {
                        let tok = part.split_whitespace().next().unwrap_or("");
                        if !tok.is_empty()
                            && !tok.contains('=')
                            && !ctx.pre.proxy_authenticate.iter().any(|s| s == tok)
                            && ctx.pre.proxy_authenticate.len() < 8
                        {
                            ctx.pre.proxy_authenticate.push(tok.to_owned());
                        }
                    }
                    ctx.step(side, frame, &format!("Proxy-Authenticate: {value}"));
                } else if name.eq_ignore_ascii_case("Content-Length") {
                    length = value.parse().ok();
                } else if name.eq_ignore_ascii_case("Transfer-Encoding")
                    && value.to_ascii_lowercase().contains("chunked")
                {
                    chunked = true;
                }
            }
            if (100..200).contains(&code) {
                return Parsed::Msg(end);
            }
            if ctx.awaiting_reply(frame) {
                ctx.reply(step, Some(code), (200..300).contains(&code));
            }
            // A 2xx to CONNECT has no body: the tunnel starts right after the head.
            if !(200..300).contains(&code) {
                match (length, chunked) {
                    (Some(n), false) => ctx.body = n,
                    _ => ctx.body_to_close = true,
                }
            }
        }
    }
    Parsed::Msg(end)
}

fn socks5_method(m: u8) -> String {
    match m {
        0 => "no authentication".into(),
        1 => "GSSAPI".into(),
        2 => "username/password".into(),
        0xff => "no acceptable methods".into(),
        m => format!("method {m}"),
    }
}

fn socks5_reply(code: u8) -> &'static str {
    match code {
        0 => "succeeded",
        1 => "general SOCKS server failure",
        2 => "connection not allowed by ruleset",
        3 => "network unreachable",
        4 => "host unreachable",
        5 => "connection refused",
        6 => "TTL expired",
        7 => "command not supported",
        8 => "address type not supported",
        _ => "unassigned reply code",
    }
}

/// A SOCKS5 address (RFC 1928 §5) at the front of `b`: (text, bytes used).
fn socks5_addr(b: &[u8]) -> Option<Option<(String, usize)>> {
    let (&atyp, rest) = b.split_first()?;
    let (host, n) = match atyp {
        1 => {
            let a: [u8; 4] = rest.get(..4)?.try_into().ok()?;
            (Ipv4Addr::from(a).to_string(), 4)
        }
        4 => {
            let a: [u8; 16] = rest.get(..16)?.try_into().ok()?;
            (format!("[{}]", Ipv6Addr::from(a)), 16)
        }
        3 => {
            let (&len, name) = rest.split_first()?;
            let name = name.get(..usize::from(len))?;
            (
                String::from_utf8_lossy(name).into_owned(),
                1 + usize::from(len),
            )
        }
        _ => return Some(None),
    };
    let port = rest.get(n..n + 2)?;
    let port = u16::from_be_bytes([*port.first()?, *port.get(1)?]);
    Some(Some((format!("{host}:{port}"), 1 + n + 2)))
}

pub(super) fn socks5(ctx: &mut Ctx, side: Side, buf: &[u8], frame: u64) -> Parsed {
    let first = ctx.msgs.get(usize::from(side == Side::Server)).copied() == Some(0);
    match (side, buf) {
        (Side::Client, [5, n, methods @ ..]) if first => {
            let Some(methods) = methods.get(..usize::from(*n)) else {
                return Parsed::Need;
            };
            let names: Vec<String> = methods.iter().map(|m| socks5_method(*m)).collect();
            let step = ctx.step(side, frame, &format!("greeting: {}", names.join(", ")));
            ctx.command(step);
            Parsed::Msg(2 + usize::from(*n))
        }
        // RFC 1929: version 1, username, password. Only the lengths are kept.
        (Side::Client, [1, ulen, rest @ ..]) => {
            let u = usize::from(*ulen);
            let Some(&plen) = rest.get(u) else {
                return Parsed::Need;
            };
            let total = 3 + u + usize::from(plen);
            if buf.len() < total {
                return Parsed::Need;
            }
            let step = ctx.step(
                side,
                frame,
                &format!("username/password authentication (username {u} bytes, password {plen} bytes, not shown)"),
            );
            ctx.command(step);
            Parsed::Msg(total)
        }
        (Side::Client, [5, cmd, 0, addr @ ..]) => {
            let Some(a) = socks5_addr(addr) else {
                return Parsed::Need;
            };
            let Some((target, n)) = a else {
                return Parsed::Bad;
            };
            let verb = match cmd {
                1 => "CONNECT",
                2 => "BIND",
                3 => "UDP ASSOCIATE",
                _ => "command",
            };
            let step = ctx.step(side, frame, &format!("{verb} {target}"));
            ctx.pre.target = Some(target);
            ctx.command(step);
            Parsed::Msg(3 + n)
        }
        (Side::Server, [5, m]) | (Side::Server, [5, m, ..]) if first => {
            let step = ctx.step(side, frame, &format!("method: {}", socks5_method(*m)));
            if ctx.awaiting_reply(frame) {
                ctx.reply(step, Some(u32::from(*m)), *m != 0xff);
            }
            Parsed::Msg(2)
        }
        (Side::Server, [1, status, ..]) => {
            let ok = *status == 0;
            let step = ctx.step(
                side,
                frame,
                &format!(
                    "authentication {} (status {status})",
                    if ok { "accepted" } else { "rejected" }
                ),
            );
            if ctx.awaiting_reply(frame) {
                ctx.reply(step, Some(u32::from(*status)), ok);
            }
            Parsed::Msg(2)
        }
        (Side::Server, [5, rep, 0, addr @ ..]) => {
            let Some(a) = socks5_addr(addr) else {
                return Parsed::Need;
            };
            let Some((bound, n)) = a else {
                return Parsed::Bad;
            };
            let step = ctx.step(
                side,
                frame,
                &format!("reply {rep} ({}), bound {bound}", socks5_reply(*rep)),
            );
            if ctx.awaiting_reply(frame) {
                ctx.reply(step, Some(u32::from(*rep)), *rep == 0);
            }
            Parsed::Msg(3 + n)
        }
        (_, [] | [_] | [5, _]) => Parsed::Need,
        _ => Parsed::Bad,
    }
}

pub(super) fn socks4(ctx: &mut Ctx, side: Side, buf: &[u8], frame: u64) -> Parsed {
    match (side, buf) {
        (Side::Client, [4, cmd, p1, p2, a, b, c, d, rest @ ..]) => {
            let port = u16::from_be_bytes([*p1, *p2]);
            let Some(uend) = rest.iter().position(|x| *x == 0) else {
                return Parsed::Need;
            };
            let mut used = 8 + uend + 1;
            let host = if [*a, *b, *c] == [0, 0, 0] && *d != 0 {
                // SOCKS4a: the host name follows the user id.
                let after = rest.get(uend + 1..).unwrap_or_default();
                let Some(hend) = after.iter().position(|x| *x == 0) else {
                    return Parsed::Need;
                };
                used += hend + 1;
                String::from_utf8_lossy(after.get(..hend).unwrap_or_default()).into_owned()
            } else {
                Ipv4Addr::new(*a, *b, *c, *d).to_string()
            };
            let verb = if *cmd == 2 { "BIND" } else { "CONNECT" };
            let target = format!("{host}:{port}");
            let step = ctx.step(
                side,
                frame,
                &format!("{verb} {target} (user id {uend} bytes)"),
            );
            ctx.pre.target = Some(target);
            ctx.command(step);
            Parsed::Msg(used)
        }
        (Side::Server, [0, code, _, _, _, _, _, _, ..]) => {
            let what = match code {
                90 => "request granted",
                91 => "request rejected or failed",
                92 => "rejected: no identd on the client",
                93 => "rejected: identd user id mismatch",
                _ => "unknown reply code",
            };
            let step = ctx.step(side, frame, &format!("reply {code} ({what})"));
            if ctx.awaiting_reply(frame) {
                ctx.reply(step, Some(u32::from(*code)), *code == 90);
            }
            Parsed::Msg(8)
        }
        (Side::Client, [4, ..]) | (Side::Server, [0, ..]) if buf.len() < 8 => Parsed::Need,
        _ => Parsed::Bad,
    }
}

/// The PROXY header (client side only; the server answers nothing and speaks TLS).
pub(super) fn proxy_header(ctx: &mut Ctx, side: Side, buf: &[u8], frame: u64) -> Parsed {
    if side == Side::Server || ctx.requested {
        return Parsed::Bad;
    }
    if buf.starts_with(b"PROXY ") {
        // v1: one line of at most 107 bytes.
        let Some(end) = buf.iter().take(108).position(|b| *b == b'\n') else {
            return if buf.len() >= 108 {
                Parsed::Bad
            } else {
                Parsed::Need
            };
        };
        let line = line_text(buf.get(..=end).unwrap_or_default());
        let f: Vec<&str> = line.split(' ').collect();
        if let [_, "TCP4" | "TCP6", src, dst, sport, dport] = f.as_slice() {
            let ep = |ip: &str, port: &str| -> Option<Endpoint> {
                Some(Endpoint {
                    ip: ip.parse().ok()?,
                    port: port.parse().ok()?,
                })
            };
            ctx.pre.original_client = ep(src, sport);
            ctx.pre.original_destination = ep(dst, dport);
        }
        let step = ctx.step(side, frame, &line);
        sent(ctx, step);
        return Parsed::Msg(end + 1);
    }
    let Some(rest) = buf.strip_prefix(&PROXY_V2_SIG[..]) else {
        return Parsed::Bad;
    };
    let [ver_cmd, fam, l1, l2, body @ ..] = rest else {
        return Parsed::Need;
    };
    let len = usize::from(u16::from_be_bytes([*l1, *l2]));
    let Some(body) = body.get(..len) else {
        return Parsed::Need;
    };
    if ver_cmd >> 4 != 2 {
        return Parsed::Bad;
    }
    let cmd = if ver_cmd & 0x0f == 0 {
        "LOCAL"
    } else {
        "PROXY"
    };
    let (family, addr_len) = match fam >> 4 {
        1 => ("TCP4", 12),
        2 => ("TCP6", 36),
        3 => ("UNIX", 216),
        _ => ("UNSPEC", 0),
    };
    if cmd == "PROXY" {
        let ep = |ip: IpAddr, p: &[u8]| -> Option<Endpoint> {
            Some(Endpoint {
                ip,
                port: u16::from_be_bytes([*p.first()?, *p.get(1)?]),
            })
        };
        match family {
            "TCP4" => {
                let a: Option<[u8; 4]> = body.get(0..4).and_then(|s| s.try_into().ok());
                let b: Option<[u8; 4]> = body.get(4..8).and_then(|s| s.try_into().ok());
                if let (Some(a), Some(b), Some(pa), Some(pb)) =
                    (a, b, body.get(8..10), body.get(10..12))
                {
                    ctx.pre.original_client = ep(IpAddr::V4(a.into()), pa);
                    ctx.pre.original_destination = ep(IpAddr::V4(b.into()), pb);
                }
            }
            "TCP6" => {
                let a: Option<[u8; 16]> = body.get(0..16).and_then(|s| s.try_into().ok());
                let b: Option<[u8; 16]> = body.get(16..32).and_then(|s| s.try_into().ok());
                if let (Some(a), Some(b), Some(pa), Some(pb)) =
                    (a, b, body.get(32..34), body.get(34..36))
                {
                    ctx.pre.original_client = ep(IpAddr::V6(a.into()), pa);
                    ctx.pre.original_destination = ep(IpAddr::V6(b.into()), pb);
                }
            }
            _ => {}
        }
    }
    let tlvs = len.saturating_sub(addr_len);
    let mut text = format!("PROXY v2 {cmd} {family}");
    if let (Some(c), Some(d)) = (&ctx.pre.original_client, &ctx.pre.original_destination) {
        text.push_str(&format!(" {c} → {d}"));
    }
    if tlvs > 0 {
        text.push_str(&format!(" ({tlvs} bytes of TLVs)"));
    }
    let step = ctx.step(side, frame, &text);
    sent(ctx, step);
    Parsed::Msg(16 + len)
}

/// A PROXY header has no answer: sending it is all there is.
fn sent(ctx: &mut Ctx, step: crate::model::PreambleStep) {
    ctx.command(step);
    ctx.pre.result = crate::model::UpgradeResult::Accepted;
}
