//! Reading the bodies SSLLogger prints for handshake messages: a JSON-like text that is not
//! JSON (`"key" : value` lines, `"name (code)": {` extension headers, `[a, b]` lists, hex
//! dumps). Small line-oriented helpers; nothing here allocates more than the body it reads.

/// The value of the first `"key" : value` line (quotes and a trailing comma removed), with its
/// index in `body`.
pub fn field<'a>(body: &'a [String], key: &str) -> Option<(usize, &'a str)> {
    body.iter().enumerate().find_map(|(i, l)| {
        let v = field_of_line(l, key)?;
        Some((i, v))
    })
}

/// `"key" : value` on one line → value.
pub fn field_of_line<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let t = line.trim_start();
    let rest = t.strip_prefix('"')?.strip_prefix(key)?.strip_prefix('"')?;
    let v = rest.trim_start().strip_prefix(':')?;
    Some(unquote(v))
}

/// Strips spaces, one trailing comma and surrounding double quotes.
pub fn unquote(v: &str) -> &str {
    let v = v.trim();
    let v = v.strip_suffix(',').unwrap_or(v).trim();
    v.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(v)
}

/// `[a, b, c]` → `["a", "b", "c"]` (an empty list or `<empty>` gives none).
pub fn list(v: &str) -> Vec<&str> {
    let v = unquote(v);
    let inner = v
        .strip_prefix('[')
        .map(|x| x.strip_suffix(']').unwrap_or(x))
        .unwrap_or(v);
    inner
        .split(", ")
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("<empty>"))
        .collect()
}

/// An extension block inside a message body: `"server_name (0)": {` and the lines up to the
/// next header at the same indentation.
#[derive(Debug, Clone)]
pub struct Ext<'a> {
    pub code: u16,
    pub lines: &'a [String],
}

/// `"renegotiation_info (65,281)": {` → ("renegotiation_info", 65281); JSSE formats the number
/// with the JVM locale's grouping separator.
fn ext_header(line: &str) -> Option<(usize, u16)> {
    let indent = line.len().saturating_sub(line.trim_start().len());
    let t = line.trim_start().strip_prefix('"')?;
    let end = t.find("\":")?;
    let inner = t.get(..end)?;
    let (_, code) = inner.rsplit_once(" (")?;
    let digits: String = code
        .strip_suffix(')')?
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let code = digits.parse::<u16>().ok()?;
    Some((indent, code))
}

/// The extension blocks of a body, in printed (wire) order.
pub fn extensions(body: &[String]) -> Vec<Ext<'_>> {
    let mut heads: Vec<(usize, u16)> = Vec::new();
    let mut indent: Option<usize> = None;
    for (i, l) in body.iter().enumerate() {
        if let Some((ind, code)) = ext_header(l) {
            if indent.is_none() {
                indent = Some(ind);
            }
            if indent == Some(ind) {
                heads.push((i, code));
            }
        }
    }
    let mut out = Vec::with_capacity(heads.len());
    for (k, (i, code)) in heads.iter().enumerate() {
        let end = heads.get(k.saturating_add(1)).map_or(body.len(), |h| h.0);
        out.push(Ext {
            code: *code,
            lines: body.get(i.saturating_add(1)..end).unwrap_or_default(),
        });
    }
    out
}

/// The first `[...]` list inside an extension block (`"versions": [TLSv1.3, TLSv1.2]`).
pub fn first_list(lines: &[String]) -> Vec<&str> {
    let Some(v) = lines
        .iter()
        .find_map(|l| l.split_once(": [").map(|(_, v)| v))
    else {
        return Vec::new();
    };
    let v = v.trim_end();
    let v = v.strip_suffix(']').unwrap_or(v);
    v.split(", ")
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("<empty>"))
        .collect()
}

/// `NAME(0xC02F)` → 0xC02F.
pub fn hex_code(item: &str) -> Option<u16> {
    let open = item.rfind("(0x")?;
    let h = item.get(open.saturating_add(3)..)?.strip_suffix(')')?;
    u16::from_str_radix(h, 16).ok()
}

/// Bytes of a SSLLogger hex dump (`0000: 31 FD 4F ...   BB B7 ...  1.OM.u.!`): the byte columns
/// are at fixed positions, so the ASCII column is never read as hex.
pub fn hexdump(lines: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        let t = l.trim_start();
        let Some(rest) = t.get(6..) else { continue };
        let is_offset = t
            .get(..4)
            .is_some_and(|o| o.chars().all(|c| c.is_ascii_hexdigit()))
            && t.get(4..6) == Some(": ");
        if !is_offset {
            continue;
        }
        for i in 0..16usize {
            let pos = if i < 8 { i * 3 } else { 24 + 2 + (i - 8) * 3 };
            match rest
                .get(pos..pos + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(b) => out.push(b),
                None => break,
            }
        }
    }
    out
}
