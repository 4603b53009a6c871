//! The presentation layer (issue 17 §4): the report's sections as blocks of rows of typed
//! facts, each piece of text with a tone, built once and printed by every face — the text
//! printer turns tones into ANSI (only when colour is on: `--color`, NO_COLOR), the Markdown
//! writer into a code block, the TUI into ratatui styles. Builders own what is said and in
//! which order; printers own only layout and colour. Text from a capture, server or file is
//! escaped for the terminal here (`crate::safe`), once, so no face has to remember it.
//!
//! Built so far: the connection's FACTS block ([`connection_facts`]), one ladder message
//! ([`message_span`]), one diagnosis finding ([`finding_view`]) and the outcome's tone
//! ([`outcome_tone`]).

mod facts;
mod finding;
mod message;

pub use facts::connection_facts;
pub use finding::{finding_view, FindingView, VerdictView};
pub use message::message_span;

use crate::model::{Connection, OutcomeStatus};

/// How a piece of text should stand out; each face maps it to its own means (ANSI colour,
/// ratatui style, nothing in Markdown's code blocks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// Succeeded (green).
    Good,
    /// Failed (red).
    Bad,
    /// Suspicious or missing (yellow): `⚠ EMPTY`, an anomaly's mark.
    Warn,
    /// Secondary (dim): times, frame ranges.
    Dim,
    /// A heading or a name to read first (bold).
    Strong,
}

/// A run of text in one tone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub tone: Tone,
}

impl Span {
    pub fn plain(text: impl Into<String>) -> Span {
        Span {
            text: text.into(),
            tone: Tone::Plain,
        }
    }
    pub fn toned(text: impl Into<String>, tone: Tone) -> Span {
        Span {
            text: text.into(),
            tone,
        }
    }
}

/// One line of a block: a label (empty when the row continues the one above: a chain's next
/// certificate, a CA name) and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: &'static str,
    pub value: Vec<Span>,
    /// Part of the answer (the certificate request with its CA names, the client's
    /// certificate): a face with little room shows these rows first ([`Block::answer_first`]).
    pub answer: bool,
}

impl Row {
    /// A row whose value is one run of plain text.
    pub fn plain(label: &'static str, text: impl Into<String>) -> Row {
        Row {
            label,
            value: vec![Span::plain(text)],
            answer: false,
        }
    }
    /// A row whose value is one run of text in `tone`.
    pub fn toned(label: &'static str, text: impl Into<String>, tone: Tone) -> Row {
        Row {
            label,
            value: vec![Span::toned(text, tone)],
            answer: false,
        }
    }
}

/// A titled section of rows (`FACTS`), in reading order (design/screens.md: the hellos, the
/// chain, the request, what the client sent, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub title: &'static str,
    pub rows: Vec<Row>,
}

impl Block {
    /// The same rows with the answer's rows first (each group in reading order): for a face
    /// with a few lines only, such as the TUI's details pane at 80×24, where the CA names the
    /// server asked for must be on screen (issue 18 §1).
    pub fn answer_first(&self) -> impl Iterator<Item = &Row> {
        let answer = self.rows.iter().filter(|r| r.answer);
        answer.chain(self.rows.iter().filter(|r| !r.answer))
    }
}

/// The tone of a connection's outcome: completed Good, failed Bad, incomplete Warn, a plain-HTTP
/// connection (no handshake to judge) Dim.
pub fn outcome_tone(c: &Connection) -> Tone {
    if c.is_plain_http() {
        return Tone::Dim;
    }
    match c.tls.outcome.status {
        OutcomeStatus::Completed | OutcomeStatus::CompletedEncrypted => Tone::Good,
        OutcomeStatus::Failed => Tone::Bad,
        OutcomeStatus::Incomplete => Tone::Warn,
    }
}

#[cfg(test)]
mod tests;
