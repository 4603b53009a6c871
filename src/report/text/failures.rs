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
