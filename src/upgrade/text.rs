//! Line-based STARTTLS protocols — SMTP (RFC 3207), IMAP (RFC 9051 §6.2.1), POP3 STLS
//! (RFC 2595 §4), FTP AUTH TLS (RFC 4217 §4) — and XMPP's `<starttls/>` (RFC 6120 §5.4).
//! Client lines are shown only for commands that carry no secret; login and AUTH commands show
//! their verb (and mechanism), anything unrecognised only its length.

use super::{line_text, Ctx, Id, Parsed};
use crate::model::{Side, UpgradeProtocol};

/// The first complete line of `b`, with its line end.
fn first_line(b: &[u8]) -> Option<&[u8]> {
    let end = b.iter().position(|x| *x == b'\n')?;
    b.get(..=end)
}

fn could_be_text(b: &[u8]) -> bool {
    b.first()
        .is_none_or(|c| c.is_ascii_alphanumeric() || matches!(c, b'*' | b'+' | b'-'))
}

/// Line protocols from the server's greeting and the client's first command.
pub(super) fn identify(c: &[u8], s: &[u8]) -> Id {
    if !could_be_text(c) || !could_be_text(s) {
        return Id::NotPreamble;
    }
    let banner = first_line(s).map(line_text);
    let banner = banner.as_deref();
    let imap_banner = banner.is_some_and(|b| {
        b.starts_with("* OK") || b.starts_with("* PREAUTH") || b.starts_with("* BYE")
    });
    let pop_banner = banner.is_some_and(|b| b.starts_with("+OK"));
    let code_banner = banner.is_some_and(|b| b.starts_with("220"));
    let Some(cl) = first_line(c).map(line_text) else {
        if imap_banner {
            return Id::Known(UpgradeProtocol::Imap);
        }
        if pop_banner {
            return Id::Known(UpgradeProtocol::Pop3);
        }
        // A 220 greeting is SMTP or FTP: the client's first command tells which.
        return if code_banner || (banner.is_none() && (!c.is_empty() || !s.is_empty())) {
            Id::Need
        } else {
            Id::NotPreamble
        };
    };
    let toks: Vec<String> = cl
        .split_whitespace()
        .take(3)
        .map(str::to_ascii_uppercase)
        .collect();
    let verb = toks.first().map(String::as_str).unwrap_or("");
    let second = toks.get(1).map(String::as_str).unwrap_or("");
    if matches!(verb, "EHLO" | "HELO" | "LHLO") {
        return Id::Known(UpgradeProtocol::Smtp);
    }
    if imap_banner
        || matches!(
            second,
            "STARTTLS" | "CAPABILITY" | "LOGIN" | "AUTHENTICATE" | "NOOP" | "ID"
        )
    {
        return Id::Known(UpgradeProtocol::Imap);
    }
    if pop_banner || matches!(verb, "STLS" | "CAPA") {
        return Id::Known(UpgradeProtocol::Pop3);
    }
    let ftp_verb = matches!(verb, "FEAT" | "USER" | "SYST" | "PBSZ" | "OPTS" | "HOST")
        || (verb == "AUTH" && matches!(second, "TLS" | "SSL" | "TLS-C" | "TLS-P"));
    if ftp_verb && (code_banner || banner.is_none()) {
        return Id::Known(UpgradeProtocol::Ftp);
    }
    Id::NotPreamble
}

/// What a client line may show.
fn client_text(proto: UpgradeProtocol, line: &str) -> String {
    let toks: Vec<&str> = line.split(' ').collect();
    let (prefix, at) = if proto == UpgradeProtocol::Imap {
        (format!("{} ", toks.first().copied().unwrap_or("")), 1)
    } else {
        (String::new(), 0)
    };
    let verb = toks.get(at).copied().unwrap_or("");
    let more = toks.len() > at + 1;
    match verb.to_ascii_uppercase().as_str() {
        "EHLO" | "HELO" | "LHLO" | "STARTTLS" | "STLS" | "CAPA" | "CAPABILITY" | "NOOP"
        | "QUIT" | "FEAT" | "SYST" | "PBSZ" | "PROT" | "RSET" | "LOGOUT" | "HELP" | "TYPE"
        | "PWD" | "EPSV" | "PASV" | "ID" | "OPTS" => line.to_owned(),
        "AUTH" | "AUTHENTICATE" => {
            let mech = toks.get(at + 1).copied().unwrap_or("");
            let tail = if toks.len() > at + 2 { " …" } else { "" };
            format!("{prefix}{verb} {mech}{tail}")
        }
        "USER" | "PASS" | "LOGIN" | "APOP" | "MAIL" | "RCPT" | "DATA" => {
            format!("{prefix}{verb}{}", if more { " … (not shown)" } else { "" })
        }
        _ => format!("({} bytes, not shown)", line.len()),
    }
}

/// One line of SMTP, IMAP, POP3 or FTP.
pub(super) fn line(ctx: &mut Ctx, side: Side, buf: &[u8], frame: u64) -> Parsed {
    let Some(raw) = first_line(buf) else {
        return Parsed::Need;
    };
    let n = raw.len();
    let text = line_text(raw);
    let proto = ctx.pre.protocol;
    match side {
        Side::Client => {
            let shown = client_text(proto, &text);
            let toks: Vec<&str> = text.split_whitespace().collect();
            let upper = |i: usize| toks.get(i).map(|t| t.to_ascii_uppercase());
            let is_upgrade = match proto {
                UpgradeProtocol::Smtp => upper(0).as_deref() == Some("STARTTLS"),
                UpgradeProtocol::Imap => upper(1).as_deref() == Some("STARTTLS"),
                UpgradeProtocol::Pop3 => upper(0).as_deref() == Some("STLS"),
                UpgradeProtocol::Ftp => {
                    upper(0).as_deref() == Some("AUTH")
                        && matches!(upper(1).as_deref(), Some("TLS" | "SSL" | "TLS-C" | "TLS-P"))
                }
                _ => false,
            };
            let step = ctx.step(side, frame, &shown);
            if is_upgrade {
                if proto == UpgradeProtocol::Imap {
                    ctx.tag = toks.first().map(|t| (*t).to_owned());
                }
                ctx.command(step);
            }
        }
        Side::Server => {
            let step = ctx.step(side, frame, &text);
            if !ctx.awaiting_reply(frame) {
                return Parsed::Msg(n);
            }
            match proto {
                UpgradeProtocol::Smtp | UpgradeProtocol::Ftp => {
                    // "250-..." continues a multi-line reply; "220 ..." (or "220") ends it.
                    let code: Option<u32> = text.get(..3).and_then(|c| c.parse().ok());
                    let last = matches!(text.as_bytes().get(3), None | Some(b' '));
                    if let (Some(code), true) = (code, last) {
                        let ok = if proto == UpgradeProtocol::Smtp {
                            code == 220
                        } else {
                            // RFC 4217 §4: 234; draft-murray's AUTH SSL answered 334.
                            code == 234 || code == 334
                        };
                        ctx.reply(step, Some(code), ok);
                    }
                }
                UpgradeProtocol::Imap => {
                    let mut t = text.split_whitespace();
                    let (tag, status) = (t.next(), t.next().map(str::to_ascii_uppercase));
                    if tag.is_some() && tag == ctx.tag.as_deref() {
                        ctx.reply(step, None, status.as_deref() == Some("OK"));
                    }
                }
                UpgradeProtocol::Pop3 => {
                    if text.starts_with("+OK") {
                        ctx.reply(step, None, true);
                    } else if text.starts_with("-ERR") {
                        ctx.reply(step, None, false);
                    }
                }
                _ => {}
            }
        }
    }
    Parsed::Msg(n)
}

pub(super) fn identify_xmpp(c: &[u8]) -> Id {
    for prefix in [&b"<?xml"[..], b"<stream:stream"] {
        if c.starts_with(prefix) {
            return Id::Known(UpgradeProtocol::Xmpp);
        }
        if !c.is_empty() && prefix.starts_with(c) {
            return Id::Need;
        }
    }
    Id::NotPreamble
}

/// One XML tag (or the text/whitespace before the next one) of an XMPP stream.
pub(super) fn xmpp(ctx: &mut Ctx, side: Side, buf: &[u8], frame: u64) -> Parsed {
    if buf.first() != Some(&b'<') {
        // Whitespace keep-alives and character data: up to the next tag.
        return match buf.iter().position(|b| *b == b'<') {
            Some(i) => Parsed::Msg(i),
            None if buf.iter().all(u8::is_ascii_whitespace) => Parsed::Msg(buf.len()),
            None => Parsed::Need,
        };
    }
    let Some(end) = buf.iter().position(|b| *b == b'>') else {
        return Parsed::Need;
    };
    let tag = String::from_utf8_lossy(buf.get(..=end).unwrap_or_default()).into_owned();
    if tag.starts_with("<?") || tag.starts_with("</") {
        return Parsed::Msg(end + 1);
    }
    let name: String = tag
        .trim_start_matches('<')
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '/' && *c != '>')
        .collect();
    let step = ctx.step(side, frame, &tag);
    match (side, name.as_str()) {
        (Side::Client, "starttls") => ctx.command(step),
        (Side::Server, "proceed") if ctx.awaiting_reply(frame) => ctx.reply(step, None, true),
        (Side::Server, "failure") if ctx.awaiting_reply(frame) => ctx.reply(step, None, false),
        _ => {}
    }
    Parsed::Msg(end + 1)
}
