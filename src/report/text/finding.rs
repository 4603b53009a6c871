//! One finding in the text report: severity and code, the wrapped message and details, the
//! per-stack verdicts, the evidence and the fix.

use super::{short_reason, wrap, Style, TextOptions};
use crate::model::{Finding, Severity, StackVerdict, Verdict};
use crate::safe::safe;
use std::io::{self, Write};

pub(super) fn write_finding(
    out: &mut dyn Write,
    f: &Finding,
    opts: &TextOptions,
    st: &Style,
) -> io::Result<()> {
    let sev = match f.severity {
        Severity::Error => st.red("error  "),
        Severity::Warning => st.yellow("warning"),
        Severity::Info => st.dim("info   "),
    };
    writeln!(out, "  {} {}", sev, st.bold(&f.code))?;
    let indent = "          ";
    let width = opts.width.max(60).saturating_sub(indent.len());
    // Messages, details and evidence quote servers, captures and files: escaped once here.
    for line in wrap(&safe(&f.message), width) {
        writeln!(out, "{indent}{line}")?;
    }
    let details: Vec<String> = f.details.iter().map(|d| safe(d).into_owned()).collect();
    for d in &details {
        let lead: String = d.chars().take_while(|c| *c == ' ').collect();
        for (i, line) in wrap(d, width.saturating_sub(2 + lead.len()))
            .into_iter()
            .enumerate()
        {
            if i == 0 {
                writeln!(out, "{indent}{lead}{line}")?;
            } else {
                writeln!(out, "{indent}{lead}  {line}")?;
            }
        }
    }
    if !f.stack_verdicts.is_empty() {
        write_verdicts(out, &f.stack_verdicts, indent, st)?;
    }
    if !f.evidence.is_empty() {
        writeln!(out, "{indent}{}", st.dim("Evidence:"))?;
        for e in &f.evidence {
            let frame = e
                .frame
                .map(|n| format!("{} {n}: ", st.unit))
                .unwrap_or_default();
            writeln!(
                out,
                "{indent}  {}{} = {}",
                frame,
                safe(&e.field),
                safe(&e.value)
            )?;
        }
    }
    if let Some(fix) = &f.fix {
        let mut first = true;
        for line in wrap(&safe(fix), width.saturating_sub(5)) {
            if first {
                writeln!(out, "{indent}{} {line}", st.bold("Fix:"))?;
                first = false;
            } else {
                writeln!(out, "{indent}     {line}")?;
            }
        }
    }
    Ok(())
}

fn write_verdicts(
    out: &mut dyn Write,
    v: &[StackVerdict],
    indent: &str,
    st: &Style,
) -> io::Result<()> {
    writeln!(out, "{indent}{}", st.dim("Would this identity be sent?"))?;
    for s in v {
        let mark = match s.verdict {
            Verdict::Sent => st.green("✓ sent    "),
            Verdict::NotSent => st.red("✗ not sent"),
            Verdict::Depends => st.yellow("? depends "),
        };
        writeln!(out, "{indent}  {mark}  {}", s.label)?;
        for line in wrap(&short_reason(&s.reason), 84) {
            writeln!(out, "{indent}              {}", st.dim(&line))?;
        }
    }
    Ok(())
}
