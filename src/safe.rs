//! Terminal safety: the one function every face (text report, compare, probe, errors, the TUI)
//! passes text through when that text came from a capture, a server or a file — SNI, ALPN,
//! distinguished names, HTTP status lines, headers and bodies, SOAP faults, key-log labels,
//! file names, plaintext preambles. A customer's capture must not be able to repaint, hide or
//! forge lines on the engineer's screen, so control characters (C0 including newline and tab,
//! DEL, C1), invisible formatting (zero-width space/joiners, LRM/RLM, U+061C, line/paragraph
//! separators, BOM) and the bidirectional overrides and isolates (U+202A–202E, U+2066–2069) are
//! shown escaped as Rust writes them (`\u{1b}`, `\u{202e}`), never emitted. JSON is not a
//! terminal face: it keeps the exact text (serde escapes it as JSON requires).

use std::borrow::Cow;

/// Whether `ch` must not reach a terminal as it is.
pub fn needs_escape(ch: char) -> bool {
    ch.is_control()
        || matches!(
            ch,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// `s` made safe for a terminal: every character [`needs_escape`] names is written as its
/// `\u{…}` escape; everything else (any printable script, emoji, box drawing) stays. Borrows when
/// there is nothing to escape; escaping twice changes nothing (the escape is plain ASCII).
pub fn safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for ch in s.chars() {
        if needs_escape(ch) {
            out.extend(ch.escape_unicode());
        } else {
            out.push(ch);
        }
    }
    Cow::Owned(out)
}

/// [`safe`] for an optional value, with a stand-in when it is absent.
pub fn safe_or<'a>(s: Option<&'a str>, absent: &'a str) -> Cow<'a, str> {
    safe(s.unwrap_or(absent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_csi_and_bidi_keeps_text() {
        let s = "evil\u{1b}[2J\u{1b}[31mpartner\u{202e}test é 😀 ─";
        assert_eq!(
            safe(s),
            "evil\\u{1b}[2J\\u{1b}[31mpartner\\u{202e}test é 😀 ─"
        );
    }

    #[test]
    fn escapes_every_class() {
        for ch in [
            '\0', '\t', '\n', '\r', '\u{7}', '\u{1b}', '\u{7f}', '\u{80}', '\u{9b}', '\u{9f}',
            '\u{61c}', '\u{200b}', '\u{200e}', '\u{200f}', '\u{2028}', '\u{2029}', '\u{202a}',
            '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
            '\u{2069}', '\u{feff}',
        ] {
            let s = format!("a{ch}b");
            let out = safe(&s);
            assert!(!out.contains(ch), "{ch:?} survived: {out:?}");
            assert_eq!(out, format!("a\\u{{{:x}}}b", ch as u32));
        }
    }

    #[test]
    fn borrows_clean_text_and_is_idempotent() {
        assert!(matches!(
            safe("CN=Partner Root CA,O=Partner Corp,C=DE"),
            Cow::Borrowed(_)
        ));
        let once = safe("x\u{1b}]0;t\u{7}").into_owned();
        assert_eq!(safe(&once), once);
    }
}
