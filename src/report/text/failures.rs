//! The capture-wide FAILURES block of the text report (by cause, by server, by client).

use super::Style;
use crate::report::groups;
use crate::safe::safe;
use std::io::{self, Write};

/// The capture-wide summary at the top of a report with many connections (more than
/// [`groups::TEXT_THRESHOLD`]): failures by cause, by server and by client, the largest groups
/// first ([`groups::TEXT_ROWS`] each), with count, first and last start time and an example.
pub(in crate::report) fn write_groups(
    out: &mut dyn Write,
    g: &groups::Groups,
    total: usize,
    st: &Style,
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "  {}   {} of {} connections failed",
        st.bold("FAILURES"),
        g.failures,
        total
    )?;
    for (title, d) in [
        ("by cause", &g.by_cause),
        ("by server", &g.by_server),
        ("by client", &g.by_client),
    ] {
        for (i, grp) in d.groups.iter().take(groups::TEXT_ROWS).enumerate() {
            writeln!(
                out,
                "    {:<10}{:>7} × {}   {}",
                if i == 0 { title } else { "" },
                grp.count,
                safe(&grp.key.label()),
                st.dim(&format!(
                    "{} … {}, e.g. #{}",
                    grp.first_time, grp.last_time, grp.example
                ))
            )?;
        }
        let more = d.groups.len().saturating_sub(groups::TEXT_ROWS);
        if more > 0 || d.other > 0 {
            let n: usize = d
                .groups
                .iter()
                .skip(groups::TEXT_ROWS)
                .map(|g| g.count)
                .sum::<usize>()
                + d.other;
            writeln!(
                out,
                "    {:<10}{:>7} × in {} more group{}",
                "",
                n,
                if d.other > 0 {
                    format!("{more}+")
                } else {
                    more.to_string()
                },
                if more == 1 && d.other == 0 { "" } else { "s" }
            )?;
        }
    }
    Ok(())
}

/// Under the connection lines of a folded report (`report::fold`): how many connections are
/// counted in the summary but not listed, and how to see them.
pub(in crate::report) fn write_folded_note(
    out: &mut dyn Write,
    f: &crate::report::fold::Folded,
    st: &Style,
) -> io::Result<()> {
    use crate::report::fold::{FOLD_THRESHOLD, KEEP_PER_CAUSE, KEEP_REST};
    writeln!(
        out,
        "  {} {} of {} connections are folded into the summary above, not listed",
        st.yellow("…"),
        f.folded,
        f.connections
    )?;
    writeln!(
        out,
        "    (past {FOLD_THRESHOLD} connections the report lists the first {KEEP_PER_CAUSE} failures of each \
         cause and the first {KEEP_REST} others)."
    )?;
    writeln!(
        out,
        "    All of them: --json or --stream; one of them: --conn N."
    )
}
