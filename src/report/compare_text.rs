//! The text of `tlsdiag compare`: one row per fact in two columns sized to the terminal width,
//! the decisive difference first, then `≠` on differing rows and `?` cells for unknown facts.
//! The decisive row's cells are wrapped, never cut (they hold the answer); other cells are cut
//! with `…`. Text from the wire is escaped (`term`). Colours as `analyze`: the caller decides
//! (a terminal, `--color`, NO_COLOR). Decides nothing: compare/ chose the answer.

use super::safe::safe;

fn term(s: &str) -> String {
    safe(s).into_owned()
}
use crate::compare::{Comparison, DecisiveKind};
use std::io::{self, Write};

#[derive(Debug, Clone, Copy)]
pub struct CompareTextOptions {
    pub color: bool,
    /// Terminal width in columns (COLUMNS, the terminal's size, else 100).
    pub width: usize,
}

impl Default for CompareTextOptions {
    fn default() -> Self {
        CompareTextOptions {
            color: false,
            width: 100,
        }
    }
}

const MARK_W: usize = 11;
const MIN_CELL: usize = 12;

fn paint(on: bool, code: &str, s: &str) -> String {
    if on {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

fn width_of(s: &str) -> usize {
    s.chars().count()
}

fn pad(s: &str, w: usize) -> String {
    let n = width_of(s);
    if n >= w {
        s.to_owned()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

fn cut(s: &str, w: usize) -> String {
    if width_of(s) <= w {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(w.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// Word wrap to `w` columns; a word longer than `w` is broken (never dropped).
pub(crate) fn wrap_hard(s: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let mut word: String = word.to_owned();
        loop {
            let need = if cur.is_empty() {
                width_of(&word)
            } else {
                width_of(&cur) + 1 + width_of(&word)
            };
            if need <= w {
                if !cur.is_empty() {
                    cur.push(' ');
                }
                cur.push_str(&word);
                break;
            }
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
                continue;
            }
            // A word longer than the line: break it.
            let head: String = word.chars().take(w).collect();
            let rest: String = word.chars().skip(w).collect();
            lines.push(head);
            word = rest;
            if word.is_empty() {
                break;
            }
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

pub fn write_comparison(
    out: &mut dyn Write,
    c: &Comparison,
    opts: &CompareTextOptions,
) -> io::Result<()> {
    let on = opts.color;
    // The answer first (the line an engineer acts on), the facts under it.
    let d = &c.decisive;
    let text = match d.kind {
        DecisiveKind::SameOutcome | DecisiveKind::Unknown | DecisiveKind::Unexplained => {
            term(&d.sentence)
        }
        _ => format!("Decisive difference: {}", term(&d.sentence)),
    };
    let code = match d.kind {
        DecisiveKind::SameOutcome => "32",
        DecisiveKind::Unknown | DecisiveKind::Unexplained => "1;33",
        _ => "1;31",
    };
    for line in wrap_hard(&text, opts.width.max(MIN_CELL)) {
        writeln!(out, "{}", paint(on, code, &line))?;
    }
    writeln!(out)?;
    let label_w = c
        .rows
        .iter()
        .map(|r| width_of(&r.fact))
        .max()
        .unwrap_or(0)
        .min(26)
        + 2;
    let cell_w = (opts.width.saturating_sub(label_w + MARK_W + 2) / 2).max(MIN_CELL);
    writeln!(
        out,
        "{}{} {}",
        " ".repeat(label_w),
        paint(on, "1", &pad(&cut(&term(&c.left_label), cell_w), cell_w)),
        paint(on, "1", &pad(&cut(&term(&c.right_label), cell_w), cell_w)),
    )?;
    for r in &c.rows {
        let (l, rt) = (term(&r.left), term(&r.right));
        let mark = if r.decisive {
            "≠ decisive"
        } else if r.differs {
            "≠"
        } else if r.unknown {
            "?"
        } else {
            ""
        };
        let (ll, rl) = if r.decisive {
            (wrap_hard(&l, cell_w), wrap_hard(&rt, cell_w))
        } else {
            (vec![cut(&l, cell_w)], vec![cut(&rt, cell_w)])
        };
        let n = ll.len().max(rl.len());
        for i in 0..n {
            let fact = if i == 0 {
                cut(&r.fact, label_w - 1)
            } else {
                String::new()
            };
            let a = ll.get(i).map(String::as_str).unwrap_or("");
            let b = rl.get(i).map(String::as_str).unwrap_or("");
            let m = if i == 0 { mark } else { "" };
            let line = format!(
                "{}{} {} {m}",
                pad(&fact, label_w),
                pad(a, cell_w),
                pad(b, cell_w)
            );
            let line = line.trim_end();
            let line = if r.decisive {
                paint(on, "1;31", line)
            } else if r.differs {
                paint(on, "1;33", line)
            } else if r.unknown {
                paint(on, "2", line)
            } else {
                line.to_owned()
            };
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}
