//! The FACTS section of the text report (and of Markdown's code blocks): the rows of
//! [`crate::report::present::connection_facts`], labels in a column of 14, tones as ANSI colour
//! when colour is on.

use super::Style;
use crate::model::Connection;
use crate::report::present::{self, Block, Tone};
use std::io::{self, Write};

pub(in crate::report) fn write_facts(
    out: &mut dyn Write,
    c: &Connection,
    st: &Style,
) -> io::Result<()> {
    write_rows(out, &present::connection_facts(c), st)
}

/// A block's rows (not its title: the caller places that), `    label         value`.
pub(in crate::report) fn write_rows(out: &mut dyn Write, b: &Block, st: &Style) -> io::Result<()> {
    for r in &b.rows {
        let value: String = r.value.iter().map(|s| st.tone(s.tone, &s.text)).collect();
        writeln!(out, "    {:<14}{value}", r.label)?;
    }
    Ok(())
}

impl Style {
    /// A tone as ANSI colour (nothing when colour is off).
    pub(in crate::report) fn tone(&self, t: Tone, s: &str) -> String {
        match t {
            Tone::Plain => s.to_owned(),
            Tone::Good => self.green(s),
            Tone::Bad => self.red(s),
            Tone::Warn => self.yellow(s),
            Tone::Dim => self.dim(s),
            Tone::Strong => self.bold(s),
        }
    }
}
