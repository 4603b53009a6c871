//! One ladder message as every face writes it: its name (with `⚠ EMPTY` beside the client's
//! empty Certificate), what it says (or its size when it could not be read), `[decrypted]`; the
//! tone: Warn for the empty Certificate, Bad for an alert. The text report's ladder and the TUI's
//! ladder (capture and probe result) print this span; each face keeps its own columns (time,
//! frame, arrow) and the text report its collapsing of application-data runs.

use super::{Span, Tone};
use crate::model::{Message, MessageKind, Side};
use crate::safe::safe;

pub fn message_span(m: &Message) -> Span {
    let empty = m.from == Side::Client && m.is_empty_certificate();
    let mut t = m.name().into_owned();
    // Beside the name, where design/screens.md puts it: a narrow pane wraps the detail, not it.
    if empty {
        t.push_str(" ⚠ EMPTY");
    }
    if let Some(d) = &m.detail {
        t.push_str("  ");
        t.push_str(&safe(d));
    } else if m.encrypted {
        t.push_str(&format!("  ({} bytes, encrypted)", m.length));
    }
    if m.decrypted {
        t.push_str(" [decrypted]");
    }
    if empty {
        Span::toned(t, Tone::Warn)
    } else if m.kind == MessageKind::Alert {
        Span::toned(t, Tone::Bad)
    } else {
        Span::plain(t)
    }
}
