//! `--redact`: a report that can be shared. Every IP address, host name (SNI, CONNECT/SOCKS
//! targets, subjectAltNames, HTTP `Host` and absolute request targets, host names in the
//! plaintext before TLS such as SMTP's `EHLO client.test`), distinguished-name value, certificate serial and fingerprint found
//! in the analysis is replaced by a token that stays the same across the report (`addr-1`,
//! `host-1`, `name-1`, `serial-1`, `fp-1`; ports as `port-1` with `--redact-ports`). The CA names
//! of the CertificateRequests are kept by default — they are the answer ("ask for a certificate
//! from one of these CAs") — unless `--redact-cas`. Prose that a face may wrap or cut is redacted
//! before it is laid out: a comparison's cells ([`Redactor::comparison`]) and an analysis's
//! findings ([`Redactor::analysis`]); then the finished output of any face (text, Markdown:
//! [`Redactor::text`]; JSON: [`Redactor::json`]) so every other place a name appears is covered.
//! The finished output holds names as the face escaped them, so each original is also matched in
//! its terminal-escaped and Markdown-escaped forms (`svc\_partner.test`; issue 16 §2).
//! [`Redactor::footer`] says what was replaced.

use super::markdown::md;
use super::safe::safe;
use crate::compare::Comparison;
use crate::model::{Analysis, CertInfo, Connection};
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, Default)]
pub struct RedactOptions {
    /// Replace TCP ports too.
    pub ports: bool,
    /// Replace the CertificateRequest's CA names too.
    pub cas: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    Addr,
    Host,
    Name,
    Serial,
    Fingerprint,
    Port,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Addr => "addr",
            Kind::Host => "host",
            Kind::Name => "name",
            Kind::Serial => "serial",
            Kind::Fingerprint => "fp",
            Kind::Port => "port",
        }
    }
    fn what(self, n: usize) -> String {
        let (one, many) = match self {
            Kind::Addr => ("IP address", "IP addresses"),
            Kind::Host => ("host name", "host names"),
            Kind::Name => ("distinguished-name value", "distinguished-name values"),
            Kind::Serial => ("certificate serial", "certificate serials"),
            Kind::Fingerprint => ("certificate fingerprint", "certificate fingerprints"),
            Kind::Port => ("port", "ports"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

#[derive(Debug, Default)]
pub struct Redactor {
    /// Original → token, applied longest original first.
    pairs: Vec<(String, String)>,
    tokens: HashMap<(Kind, String), String>,
    counts: HashMap<Kind, usize>,
    /// Port number → token (with `ports`).
    ports: HashMap<u16, String>,
    kept_cas: BTreeSet<String>,
    opts: RedactOptions,
}

/// RFC 4514 attribute values of a DN text, with their attribute type (`CN`, `O`, ...).
fn dn_values(dn: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    let mut parts = Vec::new();
    for ch in dn.chars() {
        if escaped {
            cur.push(ch);
            escaped = false;
            continue;
        }
        match ch {
            '\\' => {
                cur.push(ch);
                escaped = true;
            }
            ',' | '+' => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    parts.push(cur);
    for p in parts {
        if let Some((t, v)) = p.split_once('=') {
            if !v.is_empty() {
                out.push((t.trim().to_owned(), v.to_owned()));
            }
        }
    }
    out
}

/// Whether `s` is safe to replace as a whole word: long enough not to hit unrelated text.
fn worth(s: &str) -> bool {
    s.chars().count() >= 3
}

impl Redactor {
    pub fn new(a: &Analysis, opts: RedactOptions) -> Redactor {
        Redactor::for_connections(&a.connections.iter().collect::<Vec<_>>(), opts)
    }

    /// Tokens chosen from these connections (the two sides of a comparison).
    pub fn for_connections(conns: &[&Connection], opts: RedactOptions) -> Redactor {
        let mut r = Redactor {
            opts,
            ..Default::default()
        };
        if !opts.cas {
            for c in conns {
                if let Some(req) = &c.tls.certificate_request {
                    for dn in &req.certificate_authorities {
                        r.kept_cas.insert(dn.text.clone());
                    }
                }
            }
        }
        for c in conns {
            r.connection(c);
        }
        r.escaped_forms();
        r.pairs
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        r
    }

    /// Each original also in the forms the faces write it: terminal-escaped ([`safe`]: a
    /// control or bidi character as `\u{1b}`) and Markdown-escaped ([`md`]: `svc_partner.test` as
    /// `svc\_partner.test`), each replaced by its token escaped the same way (a kept `C=` value
    /// inside a DN token stays inert in Markdown). Without these the redactor, which works on the
    /// finished output, would not find a name the face had escaped first (issue 16 §2).
    fn escaped_forms(&mut self) {
        let mut more = Vec::new();
        for (orig, tok) in &self.pairs {
            for (o, t) in [
                (safe(orig).into_owned(), safe(tok).into_owned()),
                (md(orig), md(tok)),
            ] {
                if o != *orig
                    && !self.pairs.iter().any(|(p, _)| *p == o)
                    && !more.contains(&(o.clone(), t.clone()))
                {
                    more.push((o, t));
                }
            }
        }
        self.pairs.extend(more);
    }

    fn token(&mut self, kind: Kind, original: &str) -> String {
        self.token_in(kind, original, true)
    }

    /// The token for `original`; `global`: replaced wherever it appears, else only inside the
    /// DNs that hold it (a value shared with a kept CA name, such as `O=Partner Corp`).
    fn token_in(&mut self, kind: Kind, original: &str, global: bool) -> String {
        if let Some(t) = self.tokens.get(&(kind, original.to_owned())) {
            return t.clone();
        }
        let n = self.counts.entry(kind).or_default();
        *n += 1;
        let t = format!("{}-{n}", kind.prefix());
        self.tokens.insert((kind, original.to_owned()), t.clone());
        if global {
            self.pairs.push((original.to_owned(), t.clone()));
        }
        t
    }

    fn addr(&mut self, ip: &std::net::IpAddr) {
        self.token(Kind::Addr, &ip.to_string());
    }

    fn host(&mut self, h: &str) {
        let h = h.trim_end_matches('.');
        if h.is_empty() {
            return;
        }
        if let Ok(ip) = h.parse::<std::net::IpAddr>() {
            self.addr(&ip);
        } else if worth(h) {
            self.token(Kind::Host, h);
        }
    }

    fn port(&mut self, p: u16) {
        if self.opts.ports && !self.ports.contains_key(&p) {
            let n = self.counts.entry(Kind::Port).or_default();
            *n += 1;
            self.ports.insert(p, format!("port-{n}"));
        }
    }

    fn dn(&mut self, text: &str) {
        if text.is_empty() || self.kept_cas.contains(text) {
            return;
        }
        let mut redacted = Vec::new();
        for (t, v) in dn_values(text) {
            let tok = if t.eq_ignore_ascii_case("C") {
                v.clone()
            } else if v.contains('.') && !v.contains(' ') && worth(&v) {
                // A host name in CN: the same token as the SNI.
                self.host(&v);
                self.tokens
                    .get(&(Kind::Host, v.clone()))
                    .or_else(|| self.tokens.get(&(Kind::Addr, v.clone())))
                    .cloned()
                    .unwrap_or_else(|| self.token(Kind::Name, &v))
            } else if self.kept_cas.iter().any(|k| k.contains(v.as_str())) {
                // Shared with a kept CA name (O=Partner Corp): replaced only inside this DN.
                self.token_in(Kind::Name, &v, false)
            } else {
                self.token(Kind::Name, &v)
            };
            redacted.push(format!("{t}={tok}"));
        }
        let whole = redacted.join(",");
        if whole != text {
            self.pairs.push((text.to_owned(), whole));
        }
    }

    fn cert(&mut self, c: &CertInfo) {
        self.dn(&c.subject.text);
        self.dn(&c.issuer.text);
        for d in &c.san_dns {
            self.host(d.trim_start_matches("*."));
        }
        for ip in &c.san_ip {
            self.host(ip);
        }
        if worth(&c.serial_hex) {
            self.token(Kind::Serial, &c.serial_hex);
        }
        if worth(&c.sha256_fingerprint) {
            self.token(Kind::Fingerprint, &c.sha256_fingerprint);
        }
    }

    fn connection(&mut self, c: &Connection) {
        self.addr(&c.client.ip);
        self.addr(&c.server.ip);
        self.port(c.client.port);
        self.port(c.server.port);
        if let Some(h) = &c.tls.client_hello {
            if let Some(s) = &h.sni {
                self.host(s);
            }
        }
        if let Some(p) = &c.preamble {
            for e in [&p.original_client, &p.original_destination]
                .into_iter()
                .flatten()
            {
                self.addr(&e.ip);
                self.port(e.port);
            }
            if let Some(t) = &p.target {
                self.host(host_of(t));
            }
            // The plaintext dialogue names hosts too (SMTP `EHLO client.test`, `250-partner.test`).
            for st in p.steps.iter().chain(&p.command).chain(&p.reply) {
                for w in st.text.split_whitespace() {
                    if let Some(h) = host_in_word(w) {
                        self.host(h);
                    }
                }
            }
        }
        // The HTTP layer: the Host header and an absolute-form target (`http://host:port/…`).
        let exchanges = c.tls.http.as_ref().map(|h| h.known_exchanges());
        for r in exchanges
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e.request.as_ref())
        {
            if let Some(h) = &r.host {
                self.host(host_of(h));
            }
            if let Some((_, rest)) = r.target.split_once("://") {
                let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
                let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                self.host(host_of(authority));
            }
        }
        for cert in &c.tls.server_certificates {
            self.cert(cert);
        }
        if let Some(cc) = c.tls.client_certificate.as_ref() {
            for cert in &cc.chain {
                self.cert(cert);
            }
        }
        if let Some(j) = &c.jsse_log {
            for k in &j.key_entries {
                for d in [&k.subject, &k.issuer].into_iter().flatten() {
                    self.dn(&d.text);
                }
            }
        }
        if self.opts.cas {
            if let Some(req) = &c.tls.certificate_request {
                for dn in &req.certificate_authorities {
                    self.dn(&dn.text);
                }
            }
        }
    }

    /// `s` with every original replaced by its token (whole words only: `10.0.0.1` is not
    /// replaced inside `10.0.0.10`), ports after an address token.
    pub fn text(&self, s: &str) -> String {
        let mut cur = s.to_owned();
        for (orig, tok) in &self.pairs {
            if orig.is_empty() || !cur.contains(orig) {
                continue;
            }
            cur = replace_words(&cur, orig, tok);
        }
        if self.opts.ports && !self.ports.is_empty() {
            cur = self.replace_ports(&cur);
        }
        cur
    }

    /// Ports follow an address or host token: `addr-1:8443`, `[addr-2]:443`, `host-1:443`.
    fn replace_ports(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find(':') {
            let (head, tail) = rest.split_at(i);
            out.push_str(head);
            let after = tail.get(1..).unwrap_or("");
            let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
            let before_is_token = {
                let h = head.trim_end_matches(']');
                let t: String = h.chars().rev().take_while(|c| c.is_ascii_digit()).collect();
                !t.is_empty()
                    && ["addr-", "host-"]
                        .iter()
                        .any(|p| h.get(..h.len() - t.len()).unwrap_or("").ends_with(p))
            };
            match digits.parse::<u16>().ok().and_then(|p| self.ports.get(&p)) {
                Some(tok) if before_is_token => {
                    out.push(':');
                    out.push_str(tok);
                    rest = after.get(digits.len()..).unwrap_or("");
                }
                _ => {
                    out.push(':');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Every string of a JSON value redacted; with ports, every `"port": N` (and `client_port`,
    /// `server_port`) becomes its token. Adds nothing: the caller adds `redaction`.
    pub fn json(&self, v: &mut serde_json::Value) {
        use serde_json::Value;
        match v {
            Value::String(s) => *s = self.text(s),
            Value::Array(a) => a.iter_mut().for_each(|x| self.json(x)),
            Value::Object(o) => {
                for (k, x) in o.iter_mut() {
                    if self.opts.ports && (k == "port" || k.ends_with("_port")) {
                        if let Some(tok) = x
                            .as_u64()
                            .and_then(|p| u16::try_from(p).ok())
                            .and_then(|p| self.ports.get(&p))
                        {
                            *x = Value::String(tok.clone());
                            continue;
                        }
                    }
                    self.json(x);
                }
            }
            _ => {}
        }
    }

    /// The analysis with its findings' prose redacted (message, details, evidence, fix, stack
    /// verdicts) before any face escapes or wraps it: the text report wraps a message at spaces,
    /// so a DN value such as `Build*Farm Nightly_Pool Ops` could be cut over two lines and never
    /// be found in the finished text. The rest is left to [`Redactor::text`] on the output.
    pub fn analysis(&self, a: &Analysis) -> Analysis {
        let mut a = a.clone();
        for f in a
            .connections
            .iter_mut()
            .flat_map(|c| c.diagnosis.iter_mut())
        {
            f.message = self.text(&f.message);
            for d in &mut f.details {
                *d = self.text(d);
            }
            for e in &mut f.evidence {
                e.field = self.text(&e.field);
                e.value = self.text(&e.value);
            }
            f.fix = f.fix.as_deref().map(|s| self.text(s));
            for v in &mut f.stack_verdicts {
                v.label = self.text(&v.label);
                v.reason = self.text(&v.reason);
            }
        }
        a
    }

    /// A comparison with every cell, label and sentence redacted (before the text lays it out).
    pub fn comparison(&self, c: &Comparison) -> Comparison {
        let mut c = c.clone();
        c.left_label = self.text(&c.left_label);
        c.right_label = self.text(&c.right_label);
        for r in &mut c.rows {
            r.left = self.text(&r.left);
            r.right = self.text(&r.right);
        }
        c.decisive.sentence = self.text(&c.decisive.sentence);
        c.decisive_difference = c.decisive_difference.as_deref().map(|s| self.text(s));
        c
    }

    /// What was replaced and what was kept, one sentence each.
    pub fn footer(&self) -> Vec<String> {
        let mut kinds: Vec<(Kind, usize)> = self.counts.iter().map(|(k, n)| (*k, *n)).collect();
        kinds.sort();
        let list: Vec<String> = kinds.iter().map(|(k, n)| k.what(*n)).collect();
        let mut lines = vec![if list.is_empty() {
            "Redacted: nothing found to redact.".to_owned()
        } else {
            format!(
                "Redacted: {} (the same value is always the same token).",
                list.join(", ")
            )
        }];
        if !self.opts.ports {
            lines.push("Ports kept (--redact-ports replaces them).".to_owned());
        }
        if !self.kept_cas.is_empty() {
            lines.push(format!(
                "Kept: the {} CA name{} the server asks for (--redact-cas replaces them).",
                self.kept_cas.len(),
                if self.kept_cas.len() == 1 { "" } else { "s" }
            ));
        }
        lines
    }

    /// The `redaction` object of a redacted JSON document.
    pub fn json_note(&self) -> serde_json::Value {
        let mut counts = serde_json::Map::new();
        let mut kinds: Vec<(Kind, usize)> = self.counts.iter().map(|(k, n)| (*k, *n)).collect();
        kinds.sort();
        for (k, n) in kinds {
            counts.insert(k.prefix().to_owned(), n.into());
        }
        serde_json::json!({
            "replaced": counts,
            "ports": self.opts.ports,
            "kept_ca_names": self.kept_cas.iter().collect::<Vec<_>>(),
        })
    }
}

/// The host of `host:port`, `[v6]:port`, `host` or `[v6]`.
fn host_of(t: &str) -> &str {
    let host = t
        .rsplit_once(':')
        .filter(|(h, port)| {
            !port.is_empty()
                && port.chars().all(|c| c.is_ascii_digit())
                && (h.ends_with(']') || !h.contains(':'))
        })
        .map_or(t, |(h, _)| h);
    host.trim_start_matches('[').trim_end_matches(']')
}

/// The host name a word of a plaintext line holds, if it looks like one: `<ops@client.test>`,
/// `250-partner.test` (a multi-line reply code before it), `client.test`; at least two labels,
/// the last one letters only (so `2.0.0` and `v1.2` are not taken).
fn host_in_word(w: &str) -> Option<&str> {
    let w = w.trim_matches(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-' || c == '_'));
    let w = w.rsplit_once('@').map_or(w, |(_, h)| h);
    let w = match w.split_once('-') {
        Some((code, rest)) if !code.is_empty() && code.chars().all(|c| c.is_ascii_digit()) => rest,
        _ => w,
    };
    let w = w.trim_end_matches('.');
    let labels: Vec<&str> = w.split('.').collect();
    let last = labels.last()?;
    let ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        && last.len() >= 2
        && last.chars().all(|c| c.is_ascii_alphabetic());
    ok.then_some(w)
}

/// Replaces `orig` by `tok` where it is not part of a longer word or number (a reply code
/// before a dash, as in SMTP's `250-partner.test`, does not make it part of a word).
fn replace_words(s: &str, orig: &str, tok: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(pos) = s.get(i..).and_then(|r| r.find(orig)) {
        let start = i + pos;
        let end = start + orig.len();
        let before = s.get(..start).and_then(|b| b.chars().next_back());
        let after = s.get(end..).and_then(|a| a.chars().next());
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
        let before2 = s.get(..start).and_then(|b| b.chars().rev().nth(1));
        let code_dash = before == Some('-') && before2.is_some_and(|c| c.is_ascii_digit());
        // `10.0.0.1` inside `10.0.0.10` or `110.0.0.1`: a digit next to a dot-joined number.
        let dotted_num = |c: Option<char>, other: Option<char>| {
            c == Some('.') && other.is_some_and(|o| o.is_ascii_digit())
        };
        let after2 = s.get(end..).and_then(|a| a.chars().nth(1));
        let ok = (!word(before) || code_dash) && !word(after) && !dotted_num(after, after2);
        out.push_str(s.get(i..start).unwrap_or(""));
        out.push_str(if ok { tok } else { orig });
        i = end;
    }
    out.push_str(s.get(i..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests;
