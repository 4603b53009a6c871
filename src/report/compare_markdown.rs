//! `tlsdiag compare --format markdown`: the comparison for a ticket or a forum post — the
//! decisive difference first, then one table row per fact (differing rows marked, the decisive
//! one in bold), then the facts that are unknown (the answer above says what would show them). Text from captures,
//! servers and files passes [`super::markdown::md`] (terminal-safe and inert in Markdown: a DN
//! or a reason phrase cannot open a link, a cell or a heading). `--redact` works on the finished
//! output (report/redact.rs), as for `analyze`. Decides nothing: compare/ chose the answer.

use super::markdown::md;
use crate::compare::{Comparison, DecisiveKind, Position};
use std::io::{self, Write};

pub fn write_comparison(out: &mut dyn Write, c: &Comparison) -> io::Result<()> {
    writeln!(
        out,
        "# TLS comparison: {} vs {}",
        md(&c.left_label),
        md(&c.right_label)
    )?;
    writeln!(out)?;
    let d = &c.decisive;
    match d.kind {
        DecisiveKind::SameOutcome | DecisiveKind::Unknown | DecisiveKind::Unexplained => {
            writeln!(out, "**{}**", md(&d.sentence))?
        }
        _ => writeln!(out, "**Decisive difference:** {}", md(&d.sentence))?,
    }
    if !d.unknown.is_empty() {
        writeln!(out)?;
        writeln!(out, "Unknown (never counted as a difference):")?;
        writeln!(out)?;
        for u in &d.unknown {
            let side = match u.side {
                Position::Left => &c.left_label,
                Position::Right => &c.right_label,
            };
            writeln!(out, "- {}: `{}` ({})", md(side), u.fact, u.reason.as_str())?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "| fact | {} | {} | |",
        md(&c.left_label),
        md(&c.right_label)
    )?;
    writeln!(out, "|---|---|---|---|")?;
    for r in &c.rows {
        let mark = if r.decisive {
            "**≠ decisive**"
        } else if r.differs {
            "≠"
        } else if r.unknown {
            "?"
        } else {
            ""
        };
        let cell = |s: &str| {
            if r.decisive {
                format!("**{}**", md(s))
            } else {
                md(s)
            }
        };
        writeln!(
            out,
            "| {} | {} | {} | {mark} |",
            md(&r.fact),
            cell(&r.left),
            cell(&r.right)
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "≠ differs · ? unknown on a side (never a difference) · decisive: explains the different outcome"
    )?;
    Ok(())
}
