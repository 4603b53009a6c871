//! Distinguished names as JSSE prints them (`X500Principal.toString()`: RFC 1779 keywords,
//! `", "` between RDNs, `" + "` inside one, values with special characters in double quotes,
//! non-string values as `#hex`) → our RFC 4514 rendering. The name is re-encoded as DER only
//! to be rendered by the same code as every captured name (`tls::x509::dn_from_der`); that DER is
//! not the wire's (the string types are not printed), so it is not kept: the model's `der` stays
//! empty and comparisons fall back to the canonical text (`identity::select`).

use crate::model::DistinguishedName;

/// One attribute value: a string, or the DER of a non-string value (`#hex`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Str(String),
    Der(Vec<u8>),
}

type Rdn = Vec<(Vec<u64>, Value)>;

/// JSSE keyword (sun.security.x509.AVAKeyword, DEFAULT format) → OID arcs.
fn keyword_oid(k: &str) -> Option<Vec<u64>> {
    let arcs: &[u64] = match k.to_ascii_uppercase().as_str() {
        "CN" => &[2, 5, 4, 3],
        "C" => &[2, 5, 4, 6],
        "L" => &[2, 5, 4, 7],
        "S" | "ST" => &[2, 5, 4, 8],
        "O" => &[2, 5, 4, 10],
        "OU" => &[2, 5, 4, 11],
        "T" => &[2, 5, 4, 12],
        "STREET" => &[2, 5, 4, 9],
        "SURNAME" => &[2, 5, 4, 4],
        "SERIALNUMBER" => &[2, 5, 4, 5],
        "GIVENNAME" => &[2, 5, 4, 42],
        "INITIALS" => &[2, 5, 4, 43],
        "GENERATION" => &[2, 5, 4, 44],
        "DNQ" | "DNQUALIFIER" => &[2, 5, 4, 46],
        "DC" => &[0, 9, 2342, 19200300, 100, 1, 25],
        "UID" => &[0, 9, 2342, 19200300, 100, 1, 1],
        "EMAIL" | "EMAILADDRESS" => &[1, 2, 840, 113549, 1, 9, 1],
        "IP" => &[1, 3, 6, 1, 4, 1, 42, 2, 11, 2, 1],
        _ => {
            // `OID.2.5.4.97` (JSSE's form for attributes it has no keyword for) or bare arcs.
            let dotted = k
                .strip_prefix("OID.")
                .or_else(|| k.strip_prefix("oid."))
                .unwrap_or(k);
            let arcs: Option<Vec<u64>> = dotted.split('.').map(|a| a.parse().ok()).collect();
            return arcs.filter(|a| a.len() >= 2);
        }
    };
    Some(arcs.to_vec())
}

/// Parses a sequence of RDNs (`CN=a, O=b + OU=c, C=DE`). Stops at the end of `s` or at `]`
/// outside quotes (the end of a printed list); returns the RDNs and the rest of the input.
fn parse_rdns(s: &str) -> Option<(Vec<Rdn>, &str)> {
    let mut rdns: Vec<Rdn> = Vec::new();
    let mut cur: Rdn = Vec::new();
    let mut rest = s.trim_start();
    loop {
        let (key, after) = rest.split_once('=')?;
        let oid = keyword_oid(key.trim())?;
        let (value, after) = parse_value(after)?;
        cur.push((oid, value));
        let after_trim = after.trim_start_matches(' ');
        if let Some(r) = after_trim.strip_prefix('+') {
            rest = r.trim_start();
            continue;
        }
        rdns.push(std::mem::take(&mut cur));
        if let Some(r) = after_trim.strip_prefix(',') {
            rest = r.trim_start();
            if rest.is_empty() {
                return Some((rdns, rest));
            }
            continue;
        }
        return Some((rdns, after_trim));
    }
}

fn parse_value(s: &str) -> Option<(Value, &str)> {
    if let Some(q) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = q.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        out.push(n);
                    }
                }
                '"' => return Some((Value::Str(out), q.get(i.saturating_add(1)..)?)),
                c => out.push(c),
            }
        }
        return None;
    }
    let end = s.find([',', '+', ']', '\n']).unwrap_or(s.len());
    let raw = s.get(..end)?;
    let rest = s.get(end..)?;
    let v = raw.trim_end();
    if let Some(h) = v.strip_prefix('#') {
        let der = hex::decode(h).ok()?;
        return Some((Value::Der(der), rest));
    }
    // RFC 1779 also allows backslash escapes outside quotes.
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    Some((Value::Str(out), rest))
}

/// One JSSE-printed DN → our RFC 4514 text (der empty: see the module comment).
pub fn dn(s: &str) -> Option<DistinguishedName> {
    let (rdns, rest) = parse_rdns(s.trim())?;
    if !rest.trim().is_empty() || rdns.is_empty() {
        return None;
    }
    Some(render(&rdns))
}

/// A printed list of DNs. One per line (TLS 1.3 certificate_authorities) is exact. In one line
/// (`[CN=A, O=X, C=DE, CN=B, O=X, C=DE]`, TLS 1.2) JSSE separates the names with the same ", "
/// as their RDNs, so the boundaries are inferred: a name starts again where the first RDN's
/// attribute type of the list comes back after another type (every name of a list printed the
/// same way), or, for names printed most-specific-first, after a country or domain component.
/// Returns the names and whether the split was inferred.
pub fn dn_list(items: &[&str]) -> Option<(Vec<DistinguishedName>, bool)> {
    let mut out = Vec::new();
    let mut inferred = false;
    for item in items {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (rdns, rest) = parse_rdns(item)?;
        if !rest.trim().is_empty() {
            return None;
        }
        let groups = split_names(&rdns);
        // Names that all start and end with the same attribute types split one way only;
        // anything else is a guess worth saying.
        let first_type = |g: &Vec<Rdn>| g.first().and_then(|r| r.first()).map(|a| a.0.clone());
        let last_type = |g: &Vec<Rdn>| g.last().and_then(|r| r.first()).map(|a| a.0.clone());
        let uniform = groups.windows(2).all(|w| match w {
            [a, b] => first_type(a) == first_type(b) && last_type(a) == last_type(b),
            _ => true,
        });
        if groups.len() > 1 && !uniform {
            inferred = true;
        }
        out.extend(groups.iter().map(|g| render(g)));
    }
    Some((out, inferred))
}

fn split_names(rdns: &[Rdn]) -> Vec<Vec<Rdn>> {
    let ty = |r: &Rdn| r.first().map(|(o, _)| o.clone()).unwrap_or_default();
    let c_or_dc = |o: &[u64]| o == [2, 5, 4, 6] || o == [0, 9, 2342, 19200300, 100, 1, 25];
    let Some(first) = rdns.first().map(ty) else {
        return vec![];
    };
    let specific_first = !c_or_dc(&first);
    let mut groups: Vec<Vec<Rdn>> = Vec::new();
    let mut cur: Vec<Rdn> = Vec::new();
    let mut prev: Option<Vec<u64>> = None;
    for r in rdns {
        let t = ty(r);
        let boundary = match &prev {
            None => false,
            Some(p) => {
                (t == first && *p != first) || (specific_first && c_or_dc(p) && !c_or_dc(&t))
            }
        };
        if boundary && !cur.is_empty() {
            groups.push(std::mem::take(&mut cur));
        }
        cur.push(r.clone());
        prev = Some(t);
    }
    if !cur.is_empty() {
        groups.push(cur);
    }
    groups
}

/// RDNs as printed (most specific first) → DER (encoding order is the reverse) → our text.
fn render(rdns: &[Rdn]) -> DistinguishedName {
    let mut seq = Vec::new();
    for rdn in rdns.iter().rev() {
        let mut set = Vec::new();
        for (oid, v) in rdn {
            let mut atv = tlv(0x06, &oid_der(oid));
            match v {
                Value::Str(s) => {
                    // PrintableString for countries (as X.520 requires), UTF8String otherwise;
                    // the rendering does not depend on the choice.
                    let tag = if oid.as_slice() == [2, 5, 4, 6] && s.is_ascii() {
                        0x13
                    } else {
                        0x0c
                    };
                    atv.extend(tlv(tag, s.as_bytes()));
                }
                Value::Der(d) => atv.extend_from_slice(d),
            }
            set.extend(tlv(0x30, &atv));
        }
        seq.extend(tlv(0x31, &set));
    }
    let der = tlv(0x30, &seq);
    DistinguishedName {
        text: crate::tls::x509::dn_from_der(&der).text,
        der: Vec::new(),
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(u8::try_from(n).unwrap_or(0));
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let len = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | u8::try_from(len.len()).unwrap_or(0));
        out.extend_from_slice(len);
    }
    out.extend_from_slice(content);
    out
}

fn oid_der(arcs: &[u64]) -> Vec<u8> {
    let mut out = Vec::new();
    let (a, b) = (
        arcs.first().copied().unwrap_or(0),
        arcs.get(1).copied().unwrap_or(0),
    );
    base128(&mut out, a.saturating_mul(40).saturating_add(b));
    for arc in arcs.iter().skip(2) {
        base128(&mut out, *arc);
    }
    out
}

fn base128(out: &mut Vec<u8>, mut v: u64) {
    let mut tmp = vec![u8::try_from(v & 0x7f).unwrap_or(0)];
    v >>= 7;
    while v > 0 {
        tmp.push(0x80 | u8::try_from(v & 0x7f).unwrap_or(0));
        v >>= 7;
    }
    out.extend(tmp.iter().rev());
}
