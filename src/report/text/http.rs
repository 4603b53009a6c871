//! The HTTP layer of a connection in the text report: a plain-HTTP connection's section and the
//! HTTP block beside the TLS facts (request lines, credentials as scheme/kind/length, status,
//! challenges, SOAP Faults). Must not decide anything.

use super::{outcome_mark, write_finding, Style, TextOptions};
use crate::model::Connection;
use crate::safe::safe;
use std::io::{self, Write};

/// A connection without TLS that carried HTTP: header, diagnosis, the exchanges.
pub(super) fn write_plain_http(
    out: &mut dyn Write,
    c: &Connection,
    opts: &TextOptions,
    st: &Style,
) -> io::Result<()> {
    writeln!(
        out,
        "{} {} {}  plain HTTP (no TLS)",
        outcome_mark(c, st),
        st.bold(&format!("#{}", c.id)),
        c.endpoints_label()
    )?;
    writeln!(
        out,
        "  {}",
        st.dim(&format!(
            "started {}, {}s {}–{}",
            c.start_time, st.unit, c.first_frame, c.last_frame
        ))
    )?;
    if !c.diagnosis.is_empty() {
        writeln!(out)?;
        writeln!(out, "  {}", st.bold("DIAGNOSIS"))?;
        for f in &c.diagnosis {
            write_finding(out, f, opts, st)?;
        }
    }
    write_http(out, c, st)
}

/// One-line form of challenges: `Negotiate`, `Basic realm="x"`, `Negotiate <krb5-ap-rep, 156 bytes>`.
fn challenges_text(ch: &[crate::model::http_auth::Challenge]) -> String {
    ch.iter()
        .map(|c| {
            let mut s = safe(&c.scheme).into_owned();
            if let Some(r) = &c.realm {
                s.push_str(&format!(" realm=\"{}\"", safe(r)));
            }
            if let (Some(n), Some(k)) = (c.token_len, &c.token_kind) {
                s.push_str(&format!(" <{} token, {n} bytes>", safe(k)));
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn body_text(b: &crate::model::http::HttpBody) -> Option<String> {
    use crate::model::http::BodyFraming;
    if b.framing == BodyFraming::None {
        return None;
    }
    let mut s = format!("body {} bytes", b.bytes_read);
    if b.framing == BodyFraming::Chunked {
        s.push_str(" (chunked)");
    }
    if !b.complete {
        match b.declared_length {
            Some(n) => s.push_str(&format!(" of {n}, not all in the capture")),
            None => s.push_str(", not all in the capture"),
        }
    }
    Some(s)
}

/// The HTTP layer beside the TLS facts: every exchange read (request line, Host, SOAP
/// action, credentials as scheme/kind/length; status, challenges, SOAP Fault), or why it is
/// not visible.
pub(super) fn write_http(out: &mut dyn Write, c: &Connection, st: &Style) -> io::Result<()> {
    use crate::model::http::HttpTransport;
    use crate::model::Fact;
    let Some(h) = &c.tls.http else {
        return Ok(());
    };
    writeln!(out)?;
    let how = match h.transport {
        HttpTransport::Tls => "inside TLS (application data decrypted)",
        HttpTransport::Plain => "plain HTTP, no TLS",
    };
    match &h.exchanges {
        Fact::Unknown(u) => {
            let reveal = u
                .reveal
                .map(|r| format!(" — {}", r.as_str()))
                .unwrap_or_default();
            return writeln!(
                out,
                "  {}   {}",
                st.bold("HTTP"),
                st.yellow(&format!("not visible: {}{reveal}", u.reason.as_str()))
            );
        }
        Fact::Absent => {
            return writeln!(
                out,
                "  {}   {how}: not HTTP/1.x{}",
                st.bold("HTTP"),
                h.stopped
                    .as_ref()
                    .map(|s| format!(" — {}", safe(s)))
                    .unwrap_or_default()
            );
        }
        Fact::Known(ex) => {
            let n = ex.len();
            writeln!(
                out,
                "  {}   {how} · {n} exchange{}{}",
                st.bold("HTTP"),
                if n == 1 { "" } else { "s" },
                if h.exchanges_not_kept > 0 {
                    format!(" (+{} not kept)", h.exchanges_not_kept)
                } else {
                    String::new()
                }
            )?;
            for e in ex {
                if let Some(r) = &e.request {
                    let mut parts = vec![format!(
                        "{} {} {}",
                        safe(&r.method),
                        safe(&r.target),
                        r.version
                    )];
                    if let Some(host) = &r.host {
                        parts.push(format!("Host {}", safe(host)));
                    }
                    if let Some(a) = &r.soap_action {
                        parts.push(format!("SOAPAction \"{}\"", safe(a)));
                    }
                    if r.credentials.is_empty() {
                        parts.push("no credentials".into());
                    }
                    for cr in &r.credentials {
                        parts.push(format!(
                            "{} {} ({}, {} bytes)",
                            safe(&cr.header),
                            safe(&cr.scheme),
                            safe(&cr.token_kind),
                            cr.token_len
                        ));
                    }
                    parts.extend(body_text(&r.body));
                    writeln!(
                        out,
                        "  {:>10}  {:>10}  →  {}",
                        "",
                        format!("{} {}", st.unit, r.frame),
                        parts.join(" · ")
                    )?;
                }
                if let Some(r) = &e.response {
                    let status = format!("{} {}", r.status, safe(&r.reason));
                    let status = match r.status {
                        s if s >= 400 => st.red(&status),
                        s if s >= 300 => st.yellow(&status),
                        _ => st.green(&status),
                    };
                    let mut parts = vec![status];
                    if !r.challenges.is_empty() {
                        parts.push(format!(
                            "WWW-Authenticate: {}",
                            challenges_text(&r.challenges)
                        ));
                    }
                    if !r.proxy_challenges.is_empty() {
                        parts.push(format!(
                            "Proxy-Authenticate: {}",
                            challenges_text(&r.proxy_challenges)
                        ));
                    }
                    if let Some(f) = &r.soap_fault {
                        parts.push(format!(
                            "SOAP {} Fault {} — {}",
                            f.soap_version,
                            safe(f.code.as_deref().unwrap_or("?")),
                            safe(f.reason.as_deref().unwrap_or(""))
                        ));
                    }
                    parts.extend(body_text(&r.body));
                    writeln!(
                        out,
                        "  {:>10}  {:>10}  ←  {}",
                        "",
                        format!("{} {}", st.unit, r.frame),
                        parts.join(" · ")
                    )?;
                }
            }
            if let Some(s) = &h.stopped {
                writeln!(
                    out,
                    "  {:>22}  {}",
                    "",
                    st.dim(&format!("reading stopped: {}", safe(s)))
                )?;
            }
        }
    }
    Ok(())
}
