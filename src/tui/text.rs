//! Text fitting for the views: word wrapping with a hanging indent, truncation with an
//! ellipsis, and display widths. Pure functions; nothing is dropped by `wrap` (a word longer
//! than a line is split across lines), so an answer is never cut, only moved down.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Text from a capture, a server or a file made safe for the terminal (one escape function
/// for the whole program: the text report's).
pub fn safe(s: &str) -> String {
    crate::report::safe(s).into_owned()
}

/// `s` cut to `w` columns, with `…` when something was cut.
pub fn fit(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_owned();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut col = 0;
    for ch in s.chars() {
        let cw = ch.width().unwrap_or(0);
        if col + cw + 1 > w {
            break;
        }
        out.push(ch);
        col += cw;
    }
    out.push('…');
    out
}

/// The last `w` columns of `s` (a field being edited shows its end), `…` first when cut.
pub fn tail(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_owned();
    }
    if w == 0 {
        return String::new();
    }
    let mut rev: Vec<char> = Vec::new();
    let mut col = 0;
    for ch in s.chars().rev() {
        let cw = ch.width().unwrap_or(0);
        if col + cw + 1 > w {
            break;
        }
        rev.push(ch);
        col += cw;
    }
    let mut out = String::from("…");
    out.extend(rev.into_iter().rev());
    out
}

/// Splits into alternating runs of whitespace and non-whitespace.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut ws: Option<bool> = None;
    for (i, ch) in s.char_indices() {
        let w = ch.is_whitespace();
        if ws.is_some_and(|x| x != w) {
            out.push(&s[start..i]);
            start = i;
        }
        ws = Some(w);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

struct Builder {
    width: usize,
    indent: usize,
    lines: Vec<Line<'static>>,
    cur: Vec<Span<'static>>,
    col: usize,
}

impl Builder {
    fn push(&mut self, text: &str, style: Style, w: usize) {
        if let Some(last) = self.cur.last_mut() {
            if last.style == style {
                last.content.to_mut().push_str(text);
                self.col += w;
                return;
            }
        }
        self.cur.push(Span::styled(text.to_owned(), style));
        self.col += w;
    }
    fn break_line(&mut self) {
        let mut spans = std::mem::take(&mut self.cur);
        loop {
            let n = spans.len();
            let Some(last) = spans.last_mut() else { break };
            let t = last.content.trim_end().len();
            if t == 0 && n > 1 {
                spans.pop();
                continue;
            }
            last.content.to_mut().truncate(t);
            break;
        }
        self.lines.push(Line::from(spans));
        if self.indent > 0 {
            self.cur.push(Span::raw(" ".repeat(self.indent)));
        }
        self.col = self.indent;
    }
    fn at_line_start(&self) -> bool {
        self.col == self.indent && self.lines.last().is_some()
    }
}

/// Word-wraps styled spans to `width` columns; continuation lines start with `indent` spaces
/// (dropped when the indent would leave less than half the width). Every non-blank character
/// is kept.
pub fn wrap(spans: Vec<Span<'static>>, width: usize, indent: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let indent = if indent * 2 > width { 0 } else { indent };
    let mut b = Builder {
        width,
        indent,
        lines: Vec::new(),
        cur: Vec::new(),
        col: 0,
    };
    for span in spans {
        let style = span.style;
        for tok in tokens(&span.content) {
            let w = self::width(tok);
            let blank = tok.chars().all(char::is_whitespace);
            if blank && b.at_line_start() {
                continue;
            }
            if b.col + w <= b.width {
                b.push(tok, style, w);
                continue;
            }
            if blank {
                b.break_line();
                continue;
            }
            if w <= b.width - b.indent && b.col > b.indent {
                b.break_line();
                b.push(tok, style, w);
                continue;
            }
            // Longer than a line: split by characters, from a line of its own.
            if b.col > b.indent {
                b.break_line();
            }
            for ch in tok.chars() {
                let cw = ch.width().unwrap_or(0);
                if b.col + cw > b.width && b.col > b.indent {
                    b.break_line();
                }
                let mut tmp = [0u8; 4];
                b.push(ch.encode_utf8(&mut tmp), style, cw);
            }
        }
    }
    let last = std::mem::take(&mut b.cur);
    let only_indent = last.len() == 1 && b.col == b.indent && b.indent > 0;
    if !last.is_empty() && !only_indent {
        b.lines.push(Line::from(last));
    }
    if b.lines.is_empty() {
        b.lines.push(Line::from(""));
    }
    b.lines
}

/// `wrap` of plain text.
pub fn wrap_str(s: &str, style: Style, width: usize, indent: usize) -> Vec<Line<'static>> {
    wrap(vec![Span::styled(s.to_owned(), style)], width, indent)
}

/// A line's text (for tests and widths).
pub fn line_text(l: &Line<'_>) -> String {
    l.spans.iter().map(|s| s.content.as_ref()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(v: &[Line<'_>]) -> Vec<String> {
        v.iter().map(line_text).collect()
    }

    #[test]
    fn wraps_at_words_with_a_hanging_indent_and_keeps_everything() {
        let l = wrap_str("alpha beta gamma delta", Style::default(), 11, 2);
        assert_eq!(texts(&l), vec!["alpha beta", "  gamma", "  delta"]);
        let long = "CN=Partner Issuing CA,O=Partner Corp,C=DE";
        let l = wrap_str(long, Style::default(), 10, 0);
        assert!(l.iter().all(|x| width(&line_text(x)) <= 10));
        assert_eq!(texts(&l).concat().replace(' ', ""), long.replace(' ', ""));
    }

    #[test]
    fn fit_and_tail_mark_the_cut() {
        assert_eq!(fit("partner.example", 8), "partner…");
        assert_eq!(fit("short", 8), "short");
        assert_eq!(tail("/very/long/path/client.jks", 12), "…/client.jks");
    }
}
