//! The handshake ladder of the text report (and of Markdown's code blocks).

use super::Style;
use crate::model::{Message, MessageKind, Side};
use crate::report::present::message_span;
use std::io::{self, Write};

/// One line per message; frame and time only when they change; runs of application data are
/// collapsed so a long connection does not bury its handshake.
pub(in crate::report) fn write_ladder(
    out: &mut dyn Write,
    msgs: &[Message],
    st: &Style,
) -> io::Result<()> {
    if msgs.is_empty() {
        writeln!(out, "    (no TLS message decoded)")?;
        return Ok(());
    }
    let mut last_frame: Option<u64> = None;
    let mut i = 0;
    while let Some(m) = msgs.get(i) {
        // Collapse a run of ApplicationData/EncryptedRecord from one side.
        let mut run = 1;
        let mut bytes = u64::from(m.length);
        if m.kind == MessageKind::ApplicationData {
            while let Some(n) = msgs.get(i + run) {
                if n.kind == m.kind && n.from == m.from {
                    bytes += u64::from(n.length);
                    run += 1;
                } else {
                    break;
                }
            }
        }
        let when = if last_frame == Some(m.frame) {
            format!("{:>10}  {:>10}", "", "")
        } else {
            format!(
                "{:>10.6}  {:>10}",
                m.time,
                format!("{} {}", st.unit, m.frame)
            )
        };
        last_frame = Some(m.frame);
        let arrow = match m.from {
            Side::Client => "→",
            Side::Server => "←",
        };
        let line = if run > 1 {
            // A run of application data from one side: never an alert or a Certificate.
            let mut text = format!("{} ×{run} ({bytes} bytes)", m.name());
            if m.decrypted {
                text.push_str(" [decrypted]");
            }
            text
        } else {
            let s = message_span(m);
            st.tone(s.tone, &s.text)
        };
        writeln!(out, "  {when}  {arrow}  {line}")?;
        i += run;
    }
    Ok(())
}
