//! One finding in the text report: severity and code, the wrapped message and details, the
//! per-stack verdicts, the evidence and the fix — laid out from `report::present`'s
//! [`FindingView`] (which escaped every text and chose the tones).

use super::{wrap, Style, TextOptions};
use crate::model::Finding;
use crate::report::present::{finding_view, FindingView, VerdictView};
use std::io::{self, Write};

pub(super) fn write_finding(
    out: &mut dyn Write,
    f: &Finding,
    opts: &TextOptions,
    st: &Style,
) -> io::Result<()> {
    let v: FindingView = finding_view(f);
    let sev = st.tone(v.tone, &format!("{:<7}", v.severity));
    writeln!(out, "  {} {}", sev, st.bold(&v.code))?;
    let indent = "          ";
    let width = opts.width.max(60).saturating_sub(indent.len());
    for line in wrap(&v.message, width) {
        writeln!(out, "{indent}{line}")?;
    }
    for d in &v.details {
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
    if !v.verdicts.is_empty() {
        write_verdicts(out, &v.verdicts, indent, st)?;
    }
    if !v.evidence.is_empty() {
        writeln!(out, "{indent}{}", st.dim("Evidence:"))?;
        for e in &v.evidence {
            let frame = e
                .frame
                .map(|n| format!("{} {n}: ", st.unit))
                .unwrap_or_default();
            writeln!(out, "{indent}  {}{} = {}", frame, e.field, e.value)?;
        }
    }
    if let Some(fix) = &v.fix {
        let mut first = true;
        for line in wrap(fix, width.saturating_sub(5)) {
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
    v: &[VerdictView],
    indent: &str,
    st: &Style,
) -> io::Result<()> {
    writeln!(out, "{indent}{}", st.dim("Would this identity be sent?"))?;
    for s in v {
        let mark = st.tone(s.tone, &format!("{:<10}", s.word));
        writeln!(out, "{indent}  {mark}  {}", s.label)?;
        for line in wrap(&s.reason, 84) {
            writeln!(out, "{indent}              {}", st.dim(&line))?;
        }
    }
    Ok(())
}
