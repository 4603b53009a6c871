//! Splits a javax.net.debug log (JDK 11+ `SSLLogger` format) into records: one header line
//! `javax.net.ssl|LEVEL|THREAD-ID|THREAD-NAME|yyyy-MM-dd HH:mm:ss.SSS zone|Source.java:N|message`
//! and, when the message ends with ` (`, a body up to the line `)` that closes it (SSLLogger
//! prints the whole record in one `println`, so a body is never split by another thread's
//! lines). Lines that are neither (the application's own output) are counted and skipped.
//! Every line is bounded ([`MAX_LINE`]) and so is every body ([`MAX_BODY_LINES`]).

use crate::model::Anomaly;
use std::io::BufRead;

/// Longer lines keep their first `MAX_LINE` bytes (a ClientHello's cipher-suite line is ~3 KB).
pub const MAX_LINE: usize = 64 * 1024;
/// A body longer than this is cut (a certificate chain is a few hundred lines).
pub const MAX_BODY_LINES: usize = 20_000;
/// Continuation lines kept for a record without a `(` body (`trustStore is: ...` prints its
/// type and provider on the following lines).
const MAX_CONTINUATION: usize = 8;
/// Anomalies about the log's shape kept at most (a binary file would otherwise make millions).
const MAX_ANOMALIES: usize = 64;

pub const PREFIX: &str = "javax.net.ssl|";

#[derive(Debug, Clone, Default)]
pub struct Record {
    /// 1-based line number of the header.
    pub line: u64,
    pub thread_id: String,
    pub thread: String,
    /// Nanoseconds since the epoch when the zone is UTC/GMT or a numeric offset; otherwise the
    /// local time read as UTC (the zone name is kept in `zone`).
    pub ts_ns: Option<u64>,
    pub zone: String,
    pub message: String,
    /// Body lines (without the closing `)`), or the continuation lines of a record without one.
    pub body: Vec<String>,
}

/// Reads records from `input`; `on_record` gets each in order. Returns the number of lines read.
pub fn read_records(
    mut input: impl BufRead,
    anomalies: &mut Vec<Anomaly>,
    on_record: &mut dyn FnMut(Record),
) -> std::io::Result<LogCounts> {
    let mut counts = LogCounts::default();
    let mut cur: Option<Record> = None;
    // Inside a `(` body: lines go to the body until `)`.
    let mut in_body = false;
    let mut buf = Vec::with_capacity(4096);
    loop {
        buf.clear();
        let (n, cut) = read_bounded_line(&mut input, &mut buf)?;
        if n == 0 {
            break;
        }
        counts.lines += 1;
        let lineno = counts.lines;
        if cut {
            push_anomaly(
                anomalies,
                Anomaly::new(
                    "log_line_too_long",
                    Some(lineno),
                    None,
                    format!(
                        "line {lineno} is longer than {MAX_LINE} bytes: only its start was read"
                    ),
                ),
            );
        }
        let text = printable(&String::from_utf8_lossy(&buf));
        let text = text.trim_end_matches(['\n', '\r']);
        if let Some(h) = parse_header(text, lineno) {
            if let Some(r) = cur.take() {
                if in_body {
                    push_anomaly(
                        anomalies,
                        Anomaly::new(
                            "log_record_unterminated",
                            Some(r.line),
                            None,
                            format!(
                                "the record of line {} has no closing ')' before line {lineno}",
                                r.line
                            ),
                        ),
                    );
                }
                counts.records += 1;
                on_record(r);
            }
            in_body = h.message.ends_with('(');
            cur = Some(h);
            continue;
        }
        match cur.as_mut() {
            Some(r) if in_body => {
                if text == ")" {
                    in_body = false;
                    counts.records += 1;
                    if let Some(r) = cur.take() {
                        on_record(r);
                    }
                } else if r.body.len() < MAX_BODY_LINES {
                    r.body.push(text.to_owned());
                } else if r.body.len() == MAX_BODY_LINES {
                    push_anomaly(
                        anomalies,
                        Anomaly::new(
                            "log_record_too_long",
                            Some(r.line),
                            None,
                            format!(
                                "the record of line {} has more than {MAX_BODY_LINES} lines: the rest was skipped",
                                r.line
                            ),
                        ),
                    );
                    // One past the bound marks "reported".
                    r.body.push(String::new());
                }
            }
            Some(r) if r.body.len() < MAX_CONTINUATION => {
                r.body.push(text.to_owned());
                counts.other_lines += 1;
            }
            _ => counts.other_lines += 1,
        }
    }
    if let Some(r) = cur.take() {
        counts.records += 1;
        on_record(r);
    }
    Ok(counts)
}

#[derive(Debug, Clone, Copy, Default)]
pub struct LogCounts {
    pub lines: u64,
    pub records: u64,
    /// Lines outside any record body (the application's own output, continuation lines).
    pub other_lines: u64,
}

/// Control characters (an ESC sequence in a hostile log) become U+FFFD here, once, so no text
/// from the log reaches a terminal, the TUI or a JSON consumer as a control sequence.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

fn push_anomaly(v: &mut Vec<Anomaly>, a: Anomaly) {
    if v.len() < MAX_ANOMALIES {
        v.push(a);
    }
}

/// Reads one line into `buf` (at most [`MAX_LINE`] bytes kept; the rest of a longer line is
/// consumed and dropped). Returns the bytes consumed and whether the line was cut.
fn read_bounded_line(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
) -> std::io::Result<(usize, bool)> {
    let mut consumed = 0usize;
    let mut cut = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((consumed, cut));
        }
        let (take, done) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (i.saturating_add(1), true),
            None => (chunk.len(), false),
        };
        let room = MAX_LINE.saturating_sub(buf.len());
        let keep = take.min(room);
        if keep < take {
            cut = true;
        }
        buf.extend_from_slice(chunk.get(..keep).unwrap_or_default());
        input.consume(take);
        consumed = consumed.saturating_add(take);
        if done {
            return Ok((consumed, cut));
        }
    }
}

/// `javax.net.ssl|DEBUG|10|main|2026-12-02 05:35:05.541 UTC|ClientHello.java:639|message`.
/// The thread name may itself hold `|`: the timestamp field is found by its shape.
pub fn parse_header(line: &str, lineno: u64) -> Option<Record> {
    let rest = line.strip_prefix(PREFIX)?;
    // The level (DEBUG, WARNING, ALL, ...) is not used: JSSE's levels do not rank evidence.
    let (_level, rest) = rest.split_once('|')?;
    let (tid, rest) = rest.split_once('|')?;
    // Find "|yyyy-mm-dd hh:mm:ss" after the thread name.
    let mut search = 0usize;
    let (thread, after) = loop {
        let i = rest.get(search..)?.find('|')?.saturating_add(search);
        let cand = rest.get(i.saturating_add(1)..)?;
        if looks_like_timestamp(cand) {
            break (rest.get(..i)?, cand);
        }
        search = i.saturating_add(1);
    };
    let (ts, after) = after.split_once('|')?;
    // `ClientHello.java:639`: JSSE's own source line, not needed to read the message.
    let (_source, message) = after.split_once('|').unwrap_or((after, ""));
    let (ts_ns, zone) = parse_timestamp(ts);
    Some(Record {
        line: lineno,
        thread_id: tid.to_owned(),
        thread: thread.to_owned(),
        ts_ns,
        zone,
        message: message.to_owned(),
        body: Vec::new(),
    })
}

fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    (0..4).all(digit)
        && b.get(4) == Some(&b'-')
        && digit(5)
        && digit(6)
        && b.get(7) == Some(&b'-')
        && digit(8)
        && digit(9)
        && b.get(10) == Some(&b' ')
}

/// `2026-12-02 05:35:05.541 UTC` → ns since the epoch (UTC, GMT, Z or ±HHMM zones; another
/// zone name keeps the wall-clock time and says so in the returned zone).
fn parse_timestamp(s: &str) -> (Option<u64>, String) {
    let mut parts = s.split(' ');
    let (Some(date), Some(time)) = (parts.next(), parts.next()) else {
        return (None, String::new());
    };
    let zone = parts.next().unwrap_or("").to_owned();
    let num = |t: Option<&str>| t.and_then(|v| v.parse::<i64>().ok());
    let mut d = date.split('-');
    let (Some(y), Some(mo), Some(da)) = (num(d.next()), num(d.next()), num(d.next())) else {
        return (None, zone);
    };
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let mut t = hms.split(':');
    let (Some(h), Some(mi), Some(se)) = (num(t.next()), num(t.next()), num(t.next())) else {
        return (None, zone);
    };
    let Ok(month) = u8::try_from(mo).map(time::Month::try_from) else {
        return (None, zone);
    };
    let (Ok(month), Ok(day), Ok(yr)) = (month, u8::try_from(da), i32::try_from(y)) else {
        return (None, zone);
    };
    let Ok(date) = time::Date::from_calendar_date(yr, month, day) else {
        return (None, zone);
    };
    let (Ok(h), Ok(mi), Ok(se)) = (u8::try_from(h), u8::try_from(mi), u8::try_from(se)) else {
        return (None, zone);
    };
    let Ok(tm) = time::Time::from_hms(h, mi, se) else {
        return (None, zone);
    };
    let mut secs = date.with_time(tm).assume_utc().unix_timestamp();
    // ±HHMM: local = UTC + offset.
    if let Some(sign) = zone.chars().next().filter(|c| *c == '+' || *c == '-') {
        let digits = zone.get(1..).unwrap_or("");
        if let (Some(hh), Some(mm)) = (
            digits.get(..2).and_then(|v| v.parse::<i64>().ok()),
            digits.get(2..4).and_then(|v| v.parse::<i64>().ok()),
        ) {
            let off = hh
                .saturating_mul(3600)
                .saturating_add(mm.saturating_mul(60));
            secs = if sign == '+' {
                secs.saturating_sub(off)
            } else {
                secs.saturating_add(off)
            };
        }
    }
    let ms: u64 = frac
        .chars()
        .take(9)
        .chain(std::iter::repeat('0'))
        .take(9)
        .collect::<String>()
        .parse()
        .unwrap_or(0);
    let ns = u64::try_from(secs)
        .ok()
        .map(|s| s.saturating_mul(1_000_000_000).saturating_add(ms));
    (ns, zone)
}

/// Whether the zone printed in a timestamp is one we convert to UTC exactly.
pub fn zone_is_exact(zone: &str) -> bool {
    matches!(zone, "UTC" | "GMT" | "Z" | "") || zone.starts_with('+') || zone.starts_with('-')
}
