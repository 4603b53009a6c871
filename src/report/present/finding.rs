//! One diagnosis finding as every face writes it (issue 17 §4): its severity (word, mark,
//! tone), code, message, details, the per-stack verdicts (word, tone, label, short reason),
//! the evidence and the fix — every text from a capture, server or file escaped for the
//! terminal here, once. The text report, Markdown and the TUI's diagnosis pane (and the probe
//! result's findings, which reuse that pane's lines) lay these out: wrapping, indents, list
//! or table are theirs; what is said, its order and its tone are this view's.

use super::Tone;
use crate::identity::check::short_reason;
use crate::model::{Finding, Severity, StackVerdict, Verdict};
use crate::safe::safe;

/// A finding's facts, escaped, with tones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingView {
    /// `error`, `warning`, `info`.
    pub severity: &'static str,
    /// `✗`, `⚠`, `i`.
    pub mark: &'static str,
    /// Bad, Warn, Dim.
    pub tone: Tone,
    pub code: String,
    pub message: String,
    /// Each detail line as written (its leading spaces say how deep it is nested).
    pub details: Vec<String>,
    pub verdicts: Vec<VerdictView>,
    pub evidence: Vec<EvidenceView>,
    pub fix: Option<String>,
}

/// Whether one TLS stack would send the identity, and why (the reason shortened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictView {
    /// `✓ sent`, `✗ not sent`, `? depends`.
    pub word: &'static str,
    /// Good, Bad, Warn.
    pub tone: Tone,
    pub label: String,
    pub reason: String,
}

/// One piece of evidence: the frame (or line) it was seen at, the field, its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceView {
    pub frame: Option<u64>,
    pub field: String,
    pub value: String,
}

pub fn finding_view(f: &Finding) -> FindingView {
    let (severity, mark, tone) = match f.severity {
        Severity::Error => ("error", "✗", Tone::Bad),
        Severity::Warning => ("warning", "⚠", Tone::Warn),
        Severity::Info => ("info", "i", Tone::Dim),
    };
    FindingView {
        severity,
        mark,
        tone,
        code: safe(&f.code).into_owned(),
        message: safe(&f.message).into_owned(),
        details: f.details.iter().map(|d| safe(d).into_owned()).collect(),
        verdicts: f.stack_verdicts.iter().map(verdict_view).collect(),
        evidence: f
            .evidence
            .iter()
            .map(|e| EvidenceView {
                frame: e.frame,
                field: safe(&e.field).into_owned(),
                value: safe(&e.value).into_owned(),
            })
            .collect(),
        fix: f.fix.as_deref().map(|x| safe(x).into_owned()),
    }
}

fn verdict_view(s: &StackVerdict) -> VerdictView {
    let (word, tone) = match s.verdict {
        Verdict::Sent => ("✓ sent", Tone::Good),
        Verdict::NotSent => ("✗ not sent", Tone::Bad),
        Verdict::Depends => ("? depends", Tone::Warn),
    };
    VerdictView {
        word,
        tone,
        label: safe(&s.label).into_owned(),
        reason: safe(&short_reason(&s.reason)).into_owned(),
    }
}
