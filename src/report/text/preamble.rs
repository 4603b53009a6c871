//! The plaintext before TLS (CONNECT, SOCKS, PROXY, STARTTLS …) in the text report: its
//! status line when no TLS followed and its block above the handshake ladder.

use super::Style;
use crate::model::{Connection, Preamble, Side, UpgradeResult};
use crate::safe::safe;
use std::io::{self, Write};

/// The status line for a connection whose preamble never turned into TLS.
pub(super) fn no_tls_summary(p: &Preamble) -> Option<String> {
    if p.client_tls_frame.is_some() || p.server_tls_frame.is_some() {
        return None;
    }
    let reply = p.reply.as_ref().map(|s| safe(&s.text));
    Some(match (p.result, reply) {
        (UpgradeResult::Refused, Some(r)) => {
            format!("no TLS: {} refused — {r}", p.protocol.label())
        }
        (UpgradeResult::Refused, None) => format!("no TLS: {} refused", p.protocol.label()),
        (UpgradeResult::Accepted, _) => {
            format!("no TLS followed the accepted {}", p.protocol.label())
        }
        (UpgradeResult::NoAnswer, _) => format!(
            "no TLS: {} requested, no answer in the capture",
            p.protocol.label()
        ),
    })
}

/// The plaintext exchange before TLS, above the handshake ladder.
pub(super) fn write_preamble(
    out: &mut dyn Write,
    c: &Connection,
    p: &Preamble,
    st: &Style,
) -> io::Result<()> {
    writeln!(out)?;
    let mut head = p.protocol.label().to_owned();
    if p.protocol.is_proxy() {
        head.push_str(&format!(" {}", c.server));
    }
    if let Some(t) = &p.target {
        head.push_str(&format!(" → target {}", safe(t)));
    }
    if let (Some(a), Some(b)) = (&p.original_client, &p.original_destination) {
        head.push_str(&format!(" · original client {a} → {b}"));
    }
    let result = match (p.result, p.reply_code) {
        (UpgradeResult::Accepted, Some(code)) => format!("accepted ({code})"),
        (UpgradeResult::Accepted, None) => "accepted".to_owned(),
        (UpgradeResult::Refused, Some(code)) => st.red(&format!("refused ({code})")),
        (UpgradeResult::Refused, None) => st.red("refused"),
        (UpgradeResult::NoAnswer, _) => st.yellow("no answer seen"),
    };
    head.push_str(&format!(" · {result}"));
    if !p.proxy_authenticate.is_empty() {
        head.push_str(&format!(
            " · proxy asks for {}",
            safe(&p.proxy_authenticate.join(", "))
        ));
    }
    match (p.client_tls_frame, p.server_tls_frame) {
        (Some(cf), Some(sf)) => {
            head.push_str(&format!(" · TLS from frame {cf} (client), {sf} (server)"))
        }
        (Some(cf), None) => head.push_str(&format!(" · TLS from frame {cf} (client only)")),
        (None, Some(sf)) => head.push_str(&format!(" · TLS from frame {sf} (server only)")),
        (None, None) => head.push_str(" · no TLS"),
    }
    writeln!(out, "  {}   {}", st.bold("BEFORE TLS"), head)?;
    for s in &p.steps {
        let arrow = match s.from {
            Side::Client => "→",
            Side::Server => "←",
        };
        writeln!(
            out,
            "  {:>10}  {:>10}  {arrow}  {}",
            "",
            format!("frame {}", s.frame),
            safe(&s.text)
        )?;
    }
    if p.steps_omitted > 0 {
        writeln!(
            out,
            "  {:>22}  … {} more plaintext messages",
            "", p.steps_omitted
        )?;
    }
    Ok(())
}
