//! The human report of `tlsdiag analyze`: the answer first (outcome and diagnosis), the evidence
//! under it (the handshake ladder), raw facts last — the layout of design/screens.md.
//! Writes to any `impl Write`; colour only when asked (the caller decides from the terminal and
//! NO_COLOR). Must not decide anything: every judgement comes from the model and the diagnosis.

use super::groups;
use super::safe::safe;
use crate::model::{
    Alert, Analysis, CertInfo, ClientCert, CodePoint, Connection, DecryptionUnsupported,
    EndingAlert, Fact, Finding, Message, MessageKind, OutcomeStatus, Preamble, Severity, Side,
    StackVerdict, UpgradeResult, Verdict,
};
use std::io::{self, Write};

/// How much of each connection to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Full sections for failed/incomplete connections and those with findings; one line for
    /// the rest (all connections in full when there are at most three).
    #[default]
    Auto,
    /// Full sections for every connection.
    All,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    pub color: bool,
    pub detail: Detail,
    /// Width used to wrap prose (findings); the ladder and facts are not wrapped.
    pub width: usize,
}

impl TextOptions {
    pub fn plain() -> Self {
        TextOptions {
            color: false,
            detail: Detail::Auto,
            width: 100,
        }
    }
}

pub(super) struct Style {
    on: bool,
    /// What evidence numbers count: `frame` (captures, the probe) or `line` (a javax.net.debug log).
    pub(super) unit: &'static str,
}

/// What an analysis's evidence numbers count: `line` for a javax.net.debug log, else `frame`.
pub(super) fn unit_of(a: &Analysis) -> &'static str {
    if a.source.format == crate::jsselog::FORMAT {
        "line"
    } else {
        "frame"
    }
}

impl Style {
    /// No colour (Markdown's code blocks).
    pub(super) fn plain(unit: &'static str) -> Style {
        Style { on: false, unit }
    }
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn red(&self, s: &str) -> String {
        self.paint("1;31", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.paint("1;33", s)
    }
    fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

/// Writes the whole report for an analysis.
pub fn write_analysis(out: &mut dyn Write, a: &Analysis, opts: &TextOptions) -> io::Result<()> {
    let st = Style {
        on: opts.color,
        unit: unit_of(a),
    };
    let failed = a
        .connections
        .iter()
        .filter(|c| c.tls.outcome.status == OutcomeStatus::Failed && !c.is_plain_http())
        .count();
    let incomplete = a
        .connections
        .iter()
        .filter(|c| c.tls.outcome.status == OutcomeStatus::Incomplete && !c.is_plain_http())
        .count();
    let n = a.connections.len();
    let plain = a.connections.iter().filter(|c| c.is_plain_http()).count();
    let tls_n = n - plain;
    let mut head = format!(
        "{} — {} TLS connection{}",
        safe(&a.source.name),
        tls_n,
        if tls_n == 1 { "" } else { "s" }
    );
    if plain > 0 {
        head.push_str(&format!(", {plain} plain HTTP"));
    }
    if failed > 0 {
        head.push_str(&format!(", {failed} failed"));
    }
    if incomplete > 0 {
        head.push_str(&format!(", {incomplete} incomplete"));
    }
    let links = if a.source.link_types.is_empty() {
        "-".to_owned()
    } else {
        a.source.link_types.join("+")
    };
    let merged = match a.source.files.len() {
        0 => String::new(),
        n => format!(", {n} files merged"),
    };
    writeln!(
        out,
        "{}   ({}, {}, {} {}s{merged})",
        st.bold(&safe(&head)),
        a.source.format,
        links,
        a.source.frames,
        st.unit
    )?;
    for an in &a.anomalies {
        writeln!(
            out,
            "  {} {}{}: {}",
            st.yellow("⚠"),
            an.kind,
            an.frame
                .map(|f| format!(" ({} {f})", st.unit))
                .unwrap_or_default(),
            safe(&an.detail)
        )?;
    }
    if n == 0 {
        match &a.source.filter {
            Some(f) if a.source.tcp_flows == 0 => writeln!(
                out,
                "\nNo connection to show: {} TCP flows, none matched {}.",
                a.source.filtered_out_flows,
                safe(f)
            )?,
            _ => writeln!(
                out,
                "\nNo TLS connection found ({} TCP flows).",
                a.source.tcp_flows
            )?,
        }
        return Ok(());
    }
    if n > groups::TEXT_THRESHOLD {
        write_groups(out, &groups::Groups::of(&a.connections), n, &st)?;
    }
    let full_all = opts.detail == Detail::All || n <= 3;
    if n > 1 {
        writeln!(out)?;
        for c in &a.connections {
            writeln!(out, "{}", summary_line(c, &st))?;
        }
    }
    for c in &a.connections {
        if full_all || needs_detail(c) {
            writeln!(out)?;
            write_connection(out, c, opts)?;
        }
    }
    Ok(())
}

pub(super) fn needs_detail(c: &Connection) -> bool {
    if c.is_plain_http() {
        return c.diagnosis.iter().any(|f| f.severity >= Severity::Warning);
    }
    c.tls.outcome.status != OutcomeStatus::Completed
        || c.diagnosis.iter().any(|f| f.severity >= Severity::Warning)
        || c.tls
            .client_certificate_fact()
            .known()
            .is_some_and(|cc| cc.is_empty())
}

fn outcome_mark(c: &Connection, st: &Style) -> String {
    if c.is_plain_http() {
        return st.dim("·");
    }
    match c.tls.outcome.status {
        OutcomeStatus::Completed | OutcomeStatus::CompletedEncrypted => st.green("✓"),
        OutcomeStatus::Failed => st.red("✗"),
        OutcomeStatus::Incomplete => st.yellow("?"),
    }
}

pub(super) fn version_label(c: &Connection) -> String {
    c.tls
        .tls_version
        .as_ref()
        .map(short_version)
        .unwrap_or_else(|| "TLS ?".to_owned())
}

fn short_version(v: &CodePoint) -> String {
    match v.code {
        0x0300 => "SSL 3.0".into(),
        0x0301 => "TLS 1.0".into(),
        0x0302 => "TLS 1.1".into(),
        0x0303 => "TLS 1.2".into(),
        0x0304 => "TLS 1.3".into(),
        _ => v.label(),
    }
}

/// Client-certificate status in one word, for tables: `sent (2)`, `EMPTY`, `not requested`,
/// `encrypted`.
pub fn client_cert_status(c: &Connection) -> String {
    match c.tls.client_certificate_fact() {
        Fact::Known(ClientCert::Empty(_)) => "EMPTY".into(),
        Fact::Known(ClientCert::Sent(cc)) => format!("sent ({})", cc.count),
        _ if c.tls.certificate_request.is_some() => "requested, none seen".into(),
        _ if c.tls.handshake_hidden() => "encrypted".into(),
        _ => "not requested".into(),
    }
}

fn summary_line(c: &Connection, st: &Style) -> String {
    if c.is_plain_http() {
        let last = c
            .tls
            .http
            .as_ref()
            .and_then(|h| h.known_exchanges().last())
            .map(|e| {
                let req = e
                    .request
                    .as_ref()
                    .map(|r| format!("{} {}", safe(&r.method), safe(&r.target)))
                    .unwrap_or_else(|| "–".into());
                let res = e
                    .response
                    .as_ref()
                    .map(|r| r.status.to_string())
                    .unwrap_or_else(|| "no answer".into());
                format!("{req} → {res}")
            })
            .unwrap_or_default();
        let first = c
            .diagnosis
            .first()
            .map(|f| f.code.clone())
            .unwrap_or_default();
        return format!(
            "{} #{:<3} {}  plain HTTP  {last}  {first}",
            outcome_mark(c, st),
            c.id,
            c.endpoints_label()
        );
    }
    let sni = c
        .tls
        .client_hello
        .as_ref()
        .and_then(|h| h.sni.clone())
        .unwrap_or_else(|| "-".into());
    let cert = client_cert_status(c);
    let cert = if cert == "EMPTY" {
        st.yellow("⚠ EMPTY")
    } else {
        cert
    };
    let first = c
        .diagnosis
        .first()
        .map(|f| f.code.clone())
        .unwrap_or_default();
    let via = c
        .preamble
        .as_ref()
        .map(|p| match &p.target {
            Some(t) => format!(" ({} to {})", p.protocol.label(), safe(t)),
            None => format!(" ({})", p.protocol.label()),
        })
        .unwrap_or_default();
    format!(
        "{} #{:<3} {}{via}  {}  {}  client cert: {}  {}  {}",
        outcome_mark(c, st),
        c.id,
        safe(&c.endpoints_label()),
        safe(&sni),
        version_label(c),
        cert,
        outcome_word(c),
        first
    )
}

pub(super) fn outcome_word(c: &Connection) -> String {
    let o = &c.tls.outcome;
    match o.status {
        OutcomeStatus::Completed => "completed".into(),
        OutcomeStatus::CompletedEncrypted => "completed (encrypted handshake)".into(),
        OutcomeStatus::Incomplete => "incomplete".into(),
        OutcomeStatus::Failed => match (o.alert.map(EndingAlert::label), o.alert_from) {
            (Some(d), Some(s)) => format!("failed: {d} from {}", s.as_str()),
            (Some(d), None) => format!("failed: {d}"),
            _ => "failed".into(),
        },
    }
}

/// Writes one connection in full: header, diagnosis, handshake ladder, facts.
pub fn write_connection(out: &mut dyn Write, c: &Connection, opts: &TextOptions) -> io::Result<()> {
    let st = Style {
        on: opts.color,
        unit: c.evidence_unit.word(),
    };
    if c.is_plain_http() {
        return write_plain_http(out, c, opts, &st);
    }
    let sni = c
        .tls
        .client_hello
        .as_ref()
        .and_then(|h| h.sni.as_deref())
        .map(|s| format!(" (SNI {})", safe(s)))
        .unwrap_or_default();
    let suite = c
        .tls
        .server_hello
        .as_ref()
        .map(|h| h.cipher_suite.label())
        .unwrap_or_default();
    writeln!(
        out,
        "{} {} {}{}  {}  {}",
        outcome_mark(c, &st),
        st.bold(&format!("#{}", c.id)),
        safe(&c.endpoints_label()),
        sni,
        version_label(c),
        suite
    )?;
    let dur = last_time(c);
    let summary = status_summary(c);
    let painted = match c.tls.outcome.status {
        OutcomeStatus::Failed => st.red(&summary),
        OutcomeStatus::Incomplete => st.yellow(&summary),
        _ => st.green(&summary),
    };
    writeln!(
        out,
        "  {}   {}",
        painted,
        st.dim(&format!(
            "started {}, {}s {}–{}, {:.3} s",
            c.start_time, st.unit, c.first_frame, c.last_frame, dur
        ))
    )?;

    if !c.diagnosis.is_empty() {
        writeln!(out)?;
        writeln!(out, "  {}", st.bold("DIAGNOSIS"))?;
        for f in &c.diagnosis {
            write_finding(out, f, opts, &st)?;
        }
    }

    if let Some(p) = &c.preamble {
        write_preamble(out, c, p, &st)?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "  {}   {}",
        st.bold("HANDSHAKE"),
        st.dim("→ client to server   ← server to client")
    )?;
    write_ladder(out, &c.tls.messages, &st)?;
    write_http(out, c, &st)?;

    writeln!(out)?;
    writeln!(out, "  {}", st.bold("FACTS"))?;
    write_facts(out, c, &st)?;
    Ok(())
}

/// The connection's status in one sentence (escaped for the terminal).
pub(super) fn status_summary(c: &Connection) -> String {
    if let Some(t) = c.preamble.as_ref().and_then(no_tls_summary) {
        t
    } else if c.tls.outcome.summary.is_empty() {
        outcome_word(c)
    } else {
        safe(&c.tls.outcome.summary).into_owned()
    }
}

/// A connection without TLS that carried HTTP: header, diagnosis, the exchanges.
fn write_plain_http(
    out: &mut dyn Write,
    c: &Connection,
    opts: &TextOptions,
    st: &Style,
) -> io::Result<()> {
    writeln!(
        out,
        "{} {} {}  plain HTTP (no TLS)",
        outcome_mark(c, st),
        st.bold(&format!("#{}", c.id)),
        c.endpoints_label()
    )?;
    writeln!(
        out,
        "  {}",
        st.dim(&format!(
            "started {}, {}s {}–{}",
            c.start_time, st.unit, c.first_frame, c.last_frame
        ))
    )?;
    if !c.diagnosis.is_empty() {
        writeln!(out)?;
        writeln!(out, "  {}", st.bold("DIAGNOSIS"))?;
        for f in &c.diagnosis {
            write_finding(out, f, opts, st)?;
        }
    }
    write_http(out, c, st)
}

/// One-line form of challenges: `Negotiate`, `Basic realm="x"`, `Negotiate <krb5-ap-rep, 156 bytes>`.
fn challenges_text(ch: &[crate::model::http_auth::Challenge]) -> String {
    ch.iter()
        .map(|c| {
            let mut s = safe(&c.scheme).into_owned();
            if let Some(r) = &c.realm {
                s.push_str(&format!(" realm=\"{}\"", safe(r)));
            }
            if let (Some(n), Some(k)) = (c.token_len, &c.token_kind) {
                s.push_str(&format!(" <{} token, {n} bytes>", safe(k)));
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn body_text(b: &crate::model::http::HttpBody) -> Option<String> {
    use crate::model::http::BodyFraming;
    if b.framing == BodyFraming::None {
        return None;
    }
    let mut s = format!("body {} bytes", b.bytes_read);
    if b.framing == BodyFraming::Chunked {
        s.push_str(" (chunked)");
    }
    if !b.complete {
        match b.declared_length {
            Some(n) => s.push_str(&format!(" of {n}, not all in the capture")),
            None => s.push_str(", not all in the capture"),
        }
    }
    Some(s)
}

/// The HTTP layer beside the TLS facts: every exchange read (request line, Host, SOAP
/// action, credentials as scheme/kind/length; status, challenges, SOAP Fault), or why it is
/// not visible.
fn write_http(out: &mut dyn Write, c: &Connection, st: &Style) -> io::Result<()> {
    use crate::model::http::HttpTransport;
    use crate::model::Fact;
    let Some(h) = &c.tls.http else {
        return Ok(());
    };
    writeln!(out)?;
    let how = match h.transport {
        HttpTransport::Tls => "inside TLS (application data decrypted)",
        HttpTransport::Plain => "plain HTTP, no TLS",
    };
    match &h.exchanges {
        Fact::Unknown(u) => {
            let reveal = u
                .reveal
                .map(|r| format!(" — {}", r.as_str()))
                .unwrap_or_default();
            return writeln!(
                out,
                "  {}   {}",
                st.bold("HTTP"),
                st.yellow(&format!("not visible: {}{reveal}", u.reason.as_str()))
            );
        }
        Fact::Absent => {
            return writeln!(
                out,
                "  {}   {how}: not HTTP/1.x{}",
                st.bold("HTTP"),
                h.stopped
                    .as_ref()
                    .map(|s| format!(" — {}", safe(s)))
                    .unwrap_or_default()
            );
        }
        Fact::Known(ex) => {
            let n = ex.len();
            writeln!(
                out,
                "  {}   {how} · {n} exchange{}{}",
                st.bold("HTTP"),
                if n == 1 { "" } else { "s" },
                if h.exchanges_not_kept > 0 {
                    format!(" (+{} not kept)", h.exchanges_not_kept)
                } else {
                    String::new()
                }
            )?;
            for e in ex {
                if let Some(r) = &e.request {
                    let mut parts = vec![format!(
                        "{} {} {}",
                        safe(&r.method),
                        safe(&r.target),
                        r.version
                    )];
                    if let Some(host) = &r.host {
                        parts.push(format!("Host {}", safe(host)));
                    }
                    if let Some(a) = &r.soap_action {
                        parts.push(format!("SOAPAction \"{}\"", safe(a)));
                    }
                    if r.credentials.is_empty() {
                        parts.push("no credentials".into());
                    }
                    for cr in &r.credentials {
                        parts.push(format!(
                            "{} {} ({}, {} bytes)",
                            safe(&cr.header),
                            safe(&cr.scheme),
                            safe(&cr.token_kind),
                            cr.token_len
                        ));
                    }
                    parts.extend(body_text(&r.body));
                    writeln!(
                        out,
                        "  {:>10}  {:>10}  →  {}",
                        "",
                        format!("{} {}", st.unit, r.frame),
                        parts.join(" · ")
                    )?;
                }
                if let Some(r) = &e.response {
                    let status = format!("{} {}", r.status, safe(&r.reason));
                    let status = match r.status {
                        s if s >= 400 => st.red(&status),
                        s if s >= 300 => st.yellow(&status),
                        _ => st.green(&status),
                    };
                    let mut parts = vec![status];
                    if !r.challenges.is_empty() {
                        parts.push(format!(
                            "WWW-Authenticate: {}",
                            challenges_text(&r.challenges)
                        ));
                    }
                    if !r.proxy_challenges.is_empty() {
                        parts.push(format!(
                            "Proxy-Authenticate: {}",
                            challenges_text(&r.proxy_challenges)
                        ));
                    }
                    if let Some(f) = &r.soap_fault {
                        parts.push(format!(
                            "SOAP {} Fault {} — {}",
                            f.soap_version,
                            safe(f.code.as_deref().unwrap_or("?")),
                            safe(f.reason.as_deref().unwrap_or(""))
                        ));
                    }
                    parts.extend(body_text(&r.body));
                    writeln!(
                        out,
                        "  {:>10}  {:>10}  ←  {}",
                        "",
                        format!("{} {}", st.unit, r.frame),
                        parts.join(" · ")
                    )?;
                }
            }
            if let Some(s) = &h.stopped {
                writeln!(
                    out,
                    "  {:>22}  {}",
                    "",
                    st.dim(&format!("reading stopped: {}", safe(s)))
                )?;
            }
        }
    }
    Ok(())
}

/// The status line for a connection whose preamble never turned into TLS.
fn no_tls_summary(p: &Preamble) -> Option<String> {
    if p.client_tls_frame.is_some() || p.server_tls_frame.is_some() {
        return None;
    }
    let reply = p.reply.as_ref().map(|s| safe(&s.text));
    Some(match (p.result, reply) {
        (UpgradeResult::Refused, Some(r)) => {
            format!("no TLS: {} refused — {r}", p.protocol.label())
        }
        (UpgradeResult::Refused, None) => format!("no TLS: {} refused", p.protocol.label()),
        (UpgradeResult::Accepted, _) => {
            format!("no TLS followed the accepted {}", p.protocol.label())
        }
        (UpgradeResult::NoAnswer, _) => format!(
            "no TLS: {} requested, no answer in the capture",
            p.protocol.label()
        ),
    })
}

/// The plaintext exchange before TLS, above the handshake ladder.
fn write_preamble(out: &mut dyn Write, c: &Connection, p: &Preamble, st: &Style) -> io::Result<()> {
    writeln!(out)?;
    let mut head = p.protocol.label().to_owned();
    if p.protocol.is_proxy() {
        head.push_str(&format!(" {}", c.server));
    }
    if let Some(t) = &p.target {
        head.push_str(&format!(" → target {}", safe(t)));
    }
    if let (Some(a), Some(b)) = (&p.original_client, &p.original_destination) {
        head.push_str(&format!(" · original client {a} → {b}"));
    }
    let result = match (p.result, p.reply_code) {
        (UpgradeResult::Accepted, Some(code)) => format!("accepted ({code})"),
        (UpgradeResult::Accepted, None) => "accepted".to_owned(),
        (UpgradeResult::Refused, Some(code)) => st.red(&format!("refused ({code})")),
        (UpgradeResult::Refused, None) => st.red("refused"),
        (UpgradeResult::NoAnswer, _) => st.yellow("no answer seen"),
    };
    head.push_str(&format!(" · {result}"));
    if !p.proxy_authenticate.is_empty() {
        head.push_str(&format!(
            " · proxy asks for {}",
            safe(&p.proxy_authenticate.join(", "))
        ));
    }
    match (p.client_tls_frame, p.server_tls_frame) {
        (Some(cf), Some(sf)) => {
            head.push_str(&format!(" · TLS from frame {cf} (client), {sf} (server)"))
        }
        (Some(cf), None) => head.push_str(&format!(" · TLS from frame {cf} (client only)")),
        (None, Some(sf)) => head.push_str(&format!(" · TLS from frame {sf} (server only)")),
        (None, None) => head.push_str(" · no TLS"),
    }
    writeln!(out, "  {}   {}", st.bold("BEFORE TLS"), head)?;
    for s in &p.steps {
        let arrow = match s.from {
            Side::Client => "→",
            Side::Server => "←",
        };
        writeln!(
            out,
            "  {:>10}  {:>10}  {arrow}  {}",
            "",
            format!("frame {}", s.frame),
            safe(&s.text)
        )?;
    }
    if p.steps_omitted > 0 {
        writeln!(
            out,
            "  {:>22}  … {} more plaintext messages",
            "", p.steps_omitted
        )?;
    }
    Ok(())
}

fn last_time(c: &Connection) -> f64 {
    c.tls.messages.last().map(|m| m.time).unwrap_or(0.0)
}

fn write_finding(
    out: &mut dyn Write,
    f: &Finding,
    opts: &TextOptions,
    st: &Style,
) -> io::Result<()> {
    let sev = match f.severity {
        Severity::Error => st.red("error  "),
        Severity::Warning => st.yellow("warning"),
        Severity::Info => st.dim("info   "),
    };
    writeln!(out, "  {} {}", sev, st.bold(&f.code))?;
    let indent = "          ";
    let width = opts.width.max(60).saturating_sub(indent.len());
    // Messages, details and evidence quote servers, captures and files: escaped once here.
    for line in wrap(&safe(&f.message), width) {
        writeln!(out, "{indent}{line}")?;
    }
    let details: Vec<String> = f.details.iter().map(|d| safe(d).into_owned()).collect();
    for d in &details {
        let lead: String = d.chars().take_while(|c| *c == ' ').collect();
        for (i, line) in wrap(d, width.saturating_sub(2 + lead.len()))
            .into_iter()
            .enumerate()
        {
            if i == 0 {
                writeln!(out, "{indent}{lead}{line}")?;
            } else {
                writeln!(out, "{indent}{lead}  {line}")?;
            }
        }
    }
    if !f.stack_verdicts.is_empty() {
        write_verdicts(out, &f.stack_verdicts, indent, st)?;
    }
    if !f.evidence.is_empty() {
        writeln!(out, "{indent}{}", st.dim("Evidence:"))?;
        for e in &f.evidence {
            let frame = e
                .frame
                .map(|n| format!("{} {n}: ", st.unit))
                .unwrap_or_default();
            writeln!(
                out,
                "{indent}  {}{} = {}",
                frame,
                safe(&e.field),
                safe(&e.value)
            )?;
        }
    }
    if let Some(fix) = &f.fix {
        let mut first = true;
        for line in wrap(&safe(fix), width.saturating_sub(5)) {
            if first {
                writeln!(out, "{indent}{} {line}", st.bold("Fix:"))?;
                first = false;
            } else {
                writeln!(out, "{indent}     {line}")?;
            }
        }
    }
    Ok(())
}

fn write_verdicts(
    out: &mut dyn Write,
    v: &[StackVerdict],
    indent: &str,
    st: &Style,
) -> io::Result<()> {
    writeln!(out, "{indent}{}", st.dim("Would this identity be sent?"))?;
    for s in v {
        let mark = match s.verdict {
            Verdict::Sent => st.green("✓ sent    "),
            Verdict::NotSent => st.red("✗ not sent"),
            Verdict::Depends => st.yellow("? depends "),
        };
        writeln!(out, "{indent}  {mark}  {}", s.label)?;
        for line in wrap(&short_reason(&s.reason), 84) {
            writeln!(out, "{indent}              {}", st.dim(&line))?;
        }
    }
    Ok(())
}

pub use crate::identity::check::short_reason;

/// One line per message; frame and time only when they change; runs of application data are
/// collapsed so a long connection does not bury its handshake.
pub(super) fn write_ladder(out: &mut dyn Write, msgs: &[Message], st: &Style) -> io::Result<()> {
    if msgs.is_empty() {
        writeln!(out, "    (no TLS message decoded)")?;
        return Ok(());
    }
    let mut last_frame: Option<u64> = None;
    let mut i = 0;
    while let Some(m) = msgs.get(i) {
        // Collapse a run of ApplicationData/EncryptedRecord from one side.
        let mut run = 1;
        let mut bytes = u64::from(m.length);
        if m.kind == MessageKind::ApplicationData {
            while let Some(n) = msgs.get(i + run) {
                if n.kind == m.kind && n.from == m.from {
                    bytes += u64::from(n.length);
                    run += 1;
                } else {
                    break;
                }
            }
        }
        let when = if last_frame == Some(m.frame) {
            format!("{:>10}  {:>10}", "", "")
        } else {
            format!(
                "{:>10.6}  {:>10}",
                m.time,
                format!("{} {}", st.unit, m.frame)
            )
        };
        last_frame = Some(m.frame);
        let arrow = match m.from {
            Side::Client => "→",
            Side::Server => "←",
        };
        let mut text = if run > 1 {
            format!("{} ×{run} ({bytes} bytes)", m.name())
        } else {
            let mut t = m.name().into_owned();
            if let Some(d) = &m.detail {
                t.push_str("  ");
                t.push_str(&safe(d));
            } else if m.encrypted {
                t.push_str(&format!("  ({} bytes, encrypted)", m.length));
            }
            t
        };
        if m.decrypted {
            text.push_str(" [decrypted]");
        }
        let empty_cert = m.from == Side::Client && m.is_empty_certificate();
        let line = if empty_cert {
            st.yellow(&format!("{text}  ⚠ EMPTY"))
        } else if m.kind == MessageKind::Alert {
            st.red(&text)
        } else {
            text
        };
        writeln!(out, "  {when}  {arrow}  {line}")?;
        i += run;
    }
    Ok(())
}

fn list_names(v: &[CodePoint], max: usize) -> String {
    let mut s: Vec<String> = v.iter().take(max).map(CodePoint::label).collect();
    if v.len() > max {
        s.push(format!("… ({} in all)", v.len()));
    }
    s.join(", ")
}

fn cert_line(c: &CertInfo) -> String {
    if let Some(e) = &c.parse_error {
        return format!("unparseable certificate ({} bytes): {}", c.length, safe(e));
    }
    let key = match (&c.public_key.curve, c.public_key.bits) {
        (Some(curve), _) => format!("{} {curve}", c.public_key.algorithm),
        (None, Some(b)) => format!("{} {b}", c.public_key.algorithm),
        _ => c.public_key.algorithm.clone(),
    };
    format!(
        "{}  ← issued by {}  ({}, valid {} … {})",
        safe(&c.subject.text),
        if c.self_signed {
            "itself (self-signed)".into()
        } else {
            safe(&c.issuer.text)
        },
        safe(&key),
        date_part(&c.not_before),
        date_part(&c.not_after)
    )
}

fn date_part(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}

pub(super) fn write_facts(out: &mut dyn Write, c: &Connection, st: &Style) -> io::Result<()> {
    let t = &c.tls;
    let label = |s: &str| format!("    {s:<14}");
    if let Some(h) = &t.client_hello {
        let versions = if h.supported_versions.is_empty() {
            short_version(&h.legacy_version)
        } else {
            h.supported_versions
                .iter()
                .map(short_version)
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(
            out,
            "{}offers {} · {} cipher suites · SNI {} · ALPN {}",
            label("ClientHello"),
            versions,
            h.cipher_suites.len(),
            safe(h.sni.as_deref().unwrap_or("–")),
            if h.alpn.is_empty() {
                "–".to_owned()
            } else {
                safe(&h.alpn.join(",")).into_owned()
            }
        )?;
        writeln!(
            out,
            "{}signature algorithms: {}",
            label(""),
            list_names(&h.signature_algorithms, 6)
        )?;
        writeln!(
            out,
            "{}groups: {} · post_handshake_auth {} · JA3 {} · JA4 {}",
            label(""),
            list_names(&h.supported_groups, 5),
            if h.post_handshake_auth { "yes" } else { "no" },
            h.ja3_hash,
            h.ja4
        )?;
    } else {
        writeln!(out, "{}not in the capture", label("ClientHello"))?;
    }
    if let Some(h) = &t.hello_retry_request {
        writeln!(
            out,
            "{}asks for group {}",
            label("HelloRetryReq"),
            h.key_share_group
                .as_ref()
                .map(CodePoint::label)
                .unwrap_or_else(|| "–".into())
        )?;
    }
    if let Some(h) = &t.server_hello {
        writeln!(
            out,
            "{}{} · {}{}",
            label("ServerHello"),
            short_version(&h.version),
            h.cipher_suite.label(),
            h.alpn
                .as_deref()
                .map(|a| format!(" · ALPN {}", safe(a)))
                .unwrap_or_default()
        )?;
    }
    for (i, cert) in t.server_certificates.iter().enumerate() {
        let l = if i == 0 { "Server chain" } else { "" };
        writeln!(out, "{}{}", label(l), cert_line(cert))?;
    }
    if let Some(r) = &t.certificate_request {
        let types = if r.certificate_types.is_empty() {
            String::new()
        } else {
            format!("types {} · ", list_names(&r.certificate_types, 8))
        };
        writeln!(
            out,
            "{}{}{} signature algorithms · {} CA name{}{}",
            label("CertRequest"),
            types,
            r.signature_algorithms.len(),
            r.certificate_authorities.len(),
            if r.certificate_authorities.len() == 1 {
                ""
            } else {
                "s"
            },
            if r.certificate_authorities.is_empty() {
                " (any issuer)"
            } else {
                ":"
            }
        )?;
        for dn in &r.certificate_authorities {
            writeln!(out, "{}  {}", label(""), safe(&dn.text))?;
        }
    } else if t.server_hello.is_some() {
        // Say "none" only when the server's flight was seen without a request.
        let text = match t.certificate_request_fact() {
            Fact::Unknown(_) if t.handshake_hidden() => {
                "not visible (TLS 1.3 handshake is encrypted; give --keylog)".to_owned()
            }
            Fact::Unknown(u) => format!(
                "unknown: {}{}",
                if t.renegotiation_frames.is_empty() {
                    u.reason.as_str()
                } else {
                    "the renegotiation is encrypted (a server may ask there)"
                },
                u.reveal
                    .map(|r| format!(" — {}", r.as_str()))
                    .unwrap_or_default()
            ),
            _ => "none (the server did not ask for a client certificate)".to_owned(),
        };
        writeln!(out, "{}{}", label("CertRequest"), text)?;
    }
    match t.client_certificate_fact() {
        Fact::Known(ClientCert::Empty(cc)) => writeln!(
            out,
            "{}{}",
            label("Client cert"),
            st.yellow(&format!(
                "⚠ EMPTY — 0 certificates, certificates length {} ({} {})",
                cc.certificates_length, st.unit, cc.frame
            ))
        )?,
        Fact::Known(ClientCert::Sent(cc)) => {
            writeln!(
                out,
                "{}{} certificate{}{} ({} {})",
                label("Client cert"),
                cc.count,
                if cc.count == 1 { "" } else { "s" },
                // A log does not print the message's length.
                if c.evidence_unit == crate::model::EvidenceUnit::Line {
                    String::new()
                } else {
                    format!(", length {}", cc.certificates_length)
                },
                st.unit,
                cc.frame
            )?;
            for cert in &cc.chain {
                writeln!(out, "{}  {}", label(""), cert_line(cert))?;
            }
        }
        Fact::Absent | Fact::Unknown(_) => {}
    }
    if let Some(v) = &t.client_certificate_verify {
        writeln!(
            out,
            "{}{} ({} {})",
            label("CertVerify"),
            v.algorithm
                .as_ref()
                .map(CodePoint::label)
                .unwrap_or_else(|| "–".into()),
            st.unit,
            v.frame
        )?;
    }
    for (i, a) in t.alerts.iter().enumerate() {
        let l = if i == 0 { "Alerts" } else { "" };
        writeln!(out, "{}{}", label(l), alert_text(a, st.unit))?;
    }
    if let Some(j) = &c.jsse_log {
        write_jsse(out, j, &label)?;
    }
    match t.decryption {
        crate::model::DecryptionStatus::Decrypted if c.jsse_log.is_some() => writeln!(
            out,
            "{}shown in the clear by JSSE's debug log (it logs TLS 1.3 messages after decrypting them)",
            label("Decryption")
        )?,
        crate::model::DecryptionStatus::Decrypted => {
            writeln!(out, "{}decrypted with the key log", label("Decryption"))?
        }
        crate::model::DecryptionStatus::NoKey if t.is_tls13() =>
        {
            writeln!(
                out,
                "{}encrypted; no matching key in the key log (or none given)",
                label("Decryption")
            )?
        }
        // TLS ≤ 1.2: only set when a key log was given and had no CLIENT_RANDOM for us.
        crate::model::DecryptionStatus::NoKey => writeln!(
            out,
            "{}records after ChangeCipherSpec stay encrypted: no matching key (CLIENT_RANDOM) in the key log",
            label("Decryption")
        )?,
        crate::model::DecryptionStatus::Failed => writeln!(
            out,
            "{}failed: the key log's secrets do not decrypt this connection",
            label("Decryption")
        )?,
        crate::model::DecryptionStatus::Unsupported => {
            let what = match &t.decryption_unsupported {
                Some(DecryptionUnsupported::CipherSuite(cs)) => {
                    format!("unsupported cipher suite ({})", cs.label())
                }
                Some(DecryptionUnsupported::Version(v)) => {
                    format!("unsupported version ({})", v.label())
                }
                Some(DecryptionUnsupported::Compression(m)) => {
                    format!("unsupported compression method ({m})")
                }
                None => "unsupported".to_owned(),
            };
            writeln!(
                out,
                "{}not decrypted: {what} — tlsdiag does not decrypt it (docs/decoding.md lists what it decrypts)",
                label("Decryption")
            )?
        }
        crate::model::DecryptionStatus::NotNeeded => {}
    }
    for inf in &t.inferences {
        writeln!(
            out,
            "{}{} (confidence {}; {}) [inferred, not decrypted]",
            label("Inference"),
            safe(&inf.what),
            inf.confidence,
            safe(&inf.basis)
        )?;
    }
    let cov = &c.capture;
    // A log has no TCP coverage to describe.
    let is_capture = c.evidence_unit == crate::model::EvidenceUnit::Frame;
    if is_capture && (!cov.gaps.is_empty() || cov.roles_inferred || !cov.syn_seen) {
        let mut notes = Vec::new();
        if !cov.syn_seen {
            notes.push("no SYN (capture started mid-connection)".to_owned());
        }
        if cov.roles_inferred {
            notes.push("client/server roles inferred from content".to_owned());
        }
        for g in &cov.gaps {
            notes.push(format!(
                "{} bytes missing from the {} before {} {}",
                g.missing_bytes,
                g.side.as_str(),
                st.unit,
                g.frame
            ));
        }
        writeln!(out, "{}{}", label("Capture"), notes.join("; "))?;
    }
    for an in &t.anomalies {
        writeln!(
            out,
            "{}{} {}{}: {}",
            label("Anomaly"),
            st.yellow("⚠"),
            an.kind,
            an.frame
                .map(|f| format!(" ({} {f})", st.unit))
                .unwrap_or_default(),
            safe(&an.detail)
        )?;
    }
    Ok(())
}

/// What JSSE's debug log said besides the messages: the stores it loaded and its own lines about
/// choosing a client certificate, each with its line.
fn write_jsse(
    out: &mut dyn Write,
    j: &crate::model::JsseLog,
    label: &dyn Fn(&str) -> String,
) -> io::Result<()> {
    let store = |s: &Option<crate::model::StoreReport>| match s {
        Some(s) => format!(
            "{}{} (line {})",
            safe(&s.path),
            s.store_type
                .as_deref()
                .map(|t| format!(", type {}", safe(t)))
                .unwrap_or_default(),
            s.line
        ),
        None => "not shown in the log".to_owned(),
    };
    writeln!(
        out,
        "{}JSSE {} on thread {} (id {})",
        label("JSSE"),
        j.role.as_str(),
        safe(&j.thread),
        j.thread_id
    )?;
    writeln!(out, "{}keystore {}", label(""), store(&j.keystore))?;
    writeln!(out, "{}truststore {}", label(""), store(&j.truststore))?;
    for k in &j.key_entries {
        writeln!(
            out,
            "{}key entry '{}': {}{} (line {})",
            label(""),
            safe(&k.alias),
            safe(k.subject.as_ref().map(|d| d.text.as_str()).unwrap_or("?")),
            k.issuer
                .as_ref()
                .map(|d| format!(" ← issued by {}", safe(&d.text)))
                .unwrap_or_default(),
            k.line
        )?;
    }
    for s in &j.selection {
        writeln!(out, "{}line {}: {}", label(""), s.line, safe(&s.text))?;
    }
    if let Some(f) = &j.fatal {
        writeln!(out, "{}line {}: {}", label(""), f.line, safe(&f.text))?;
    }
    Ok(())
}

fn alert_text(a: &Alert, unit: &str) -> String {
    if a.encrypted && !a.decrypted {
        return format!(
            "{} sent an encrypted alert ({unit} {})",
            a.from.as_str(),
            a.frame
        );
    }
    format!(
        "{} sent {} {}{} ({unit} {}){}",
        a.from.as_str(),
        a.level_label(),
        a.description_label(),
        a.code().map(|c| format!(" ({c})")).unwrap_or_default(),
        a.frame,
        if a.decrypted { " [decrypted]" } else { "" }
    )
}

/// Greedy word wrap; words longer than the width stay whole.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The probe's report: the answer (succeeded / failed and why), what the server asked for and
/// what we sent, the HTTP answer, then the handshake as decoded from our own recording.
pub fn write_probe(
    out: &mut dyn Write,
    r: &crate::model::probe::ProbeReport,
    opts: &TextOptions,
) -> io::Result<()> {
    let st = Style {
        on: opts.color,
        unit: "frame",
    };
    let t = &r.timings;
    let head = match (&r.error, &r.http) {
        (None, Some(h)) => st.green(&format!("✓ HTTP {} {}", h.status, safe(&h.reason))),
        (Some(e), _) => st.red(&format!("✗ {}", safe(e))),
        (None, None) => st.red("✗ no response"),
    };
    match &r.proxy {
        Some(p) => writeln!(
            out,
            "{} {} via proxy {} ({})",
            st.bold("probe"),
            safe(&r.url),
            safe(p),
            safe(r.server_addr.as_deref().unwrap_or("?"))
        )?,
        None => writeln!(
            out,
            "{} {} → {}",
            st.bold("probe"),
            safe(&r.url),
            safe(r.server_addr.as_deref().unwrap_or("?"))
        )?,
    }
    writeln!(
        out,
        "{head}   {}",
        st.dim(&format!(
            "dns {:.1} ms · connect {:.1} ms{} · TLS {} · first byte {} · total {:.1} ms",
            t.dns_ms,
            t.connect_ms,
            t.proxy_connect_ms
                .map(|v| format!(" · proxy CONNECT {v:.1} ms"))
                .unwrap_or_default(),
            t.tls_handshake_ms
                .map(|v| format!("{v:.1} ms"))
                .unwrap_or_else(|| "–".into()),
            t.first_byte_ms
                .map(|v| format!("{v:.1} ms"))
                .unwrap_or_else(|| "–".into()),
            t.total_ms
        ))
    )?;
    let mut findings: Vec<&Finding> = r.findings.iter().collect();
    if let Some(c) = &r.connection {
        findings.extend(c.diagnosis.iter());
    }
    // Errors first over both lists (stable): the first finding is the answer.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    if !findings.is_empty() {
        writeln!(out)?;
        writeln!(out, "  {}", st.bold("DIAGNOSIS"))?;
        for f in findings {
            write_finding(out, f, opts, &st)?;
        }
    }
    if let Some(a) = r.http.as_ref().and_then(|h| h.auth.as_ref()) {
        writeln!(out)?;
        write_http_auth(out, a, &st)?;
    }
    if let Some(h) = &r.http {
        writeln!(out)?;
        writeln!(
            out,
            "  {}   HTTP {} {} · {} body bytes",
            st.bold("HTTP"),
            h.status,
            safe(&h.reason),
            h.body_bytes
        )?;
        for (k, v) in &h.headers {
            writeln!(out, "    {}: {}", safe(k), safe(v))?;
        }
        if let Some(f) = &h.soap_fault {
            writeln!(
                out,
                "    SOAP {} Fault: code {} · {}{}",
                f.soap_version,
                safe(f.code.as_deref().unwrap_or("?")),
                safe(f.reason.as_deref().unwrap_or("")),
                f.detail
                    .as_deref()
                    .map(|d| format!(" · detail: {}", safe(d)))
                    .unwrap_or_default()
            )?;
        }
        let preview: String = h.body_preview.chars().take(300).collect();
        if !preview.is_empty() {
            writeln!(out, "    {}", st.dim(&safe(&preview.replace('\n', " "))))?;
        }
    }
    if let Some(c) = &r.connection {
        writeln!(out)?;
        let mut c = c.clone();
        c.diagnosis.clear();
        write_connection(out, &c, opts)?;
    }
    Ok(())
}

/// The AUTH block of a probe: how the credentials went, each request, the Kerberos facts.
fn write_http_auth(
    out: &mut dyn Write,
    a: &crate::model::http_auth::HttpAuth,
    st: &Style,
) -> io::Result<()> {
    use crate::model::http_auth::{CredentialSource, MutualAuth};
    writeln!(out, "  {}   {}", st.bold("AUTH"), safe(&a.summary))?;
    for t in &a.attempts {
        let sent = match &t.sent {
            Some(c) => format!(
                "Authorization: {} ({}, {} bytes)",
                c.scheme.header_name(),
                c.token_kind,
                c.token_len
            ),
            None => "no Authorization".to_owned(),
        };
        let status = t
            .status
            .map(|s| format!("HTTP {s}"))
            .unwrap_or_else(|| "no answer".into());
        let challenges: Vec<String> = t
            .challenges
            .iter()
            .map(|c| {
                let mut s = safe(&c.scheme).into_owned();
                if let Some(r) = &c.realm {
                    s.push_str(&format!(" realm=\"{}\"", safe(r)));
                }
                if let (Some(n), Some(k)) = (c.token_len, &c.token_kind) {
                    s.push_str(&format!(" <{k} token, {n} bytes>"));
                }
                s
            })
            .collect();
        writeln!(
            out,
            "    #{} {sent} → {status}{}",
            t.request,
            if challenges.is_empty() {
                String::new()
            } else {
                format!(" · WWW-Authenticate: {}", challenges.join(", "))
            }
        )?;
        if let Some(n) = &t.note {
            writeln!(out, "       {}", st.dim(&safe(n)))?;
        }
    }
    if let Some(k) = &a.kerberos {
        let source = match k.credential_source {
            CredentialSource::Ccache => "the credential cache",
            CredentialSource::Keytab => "a keytab",
            _ => "a password",
        };
        let mutual = match k.mutual_auth {
            MutualAuth::Verified => "mutual authentication verified",
            MutualAuth::NotSent => "no mutual-authentication token from the server",
            MutualAuth::Failed => "mutual authentication FAILED",
            _ => "mutual authentication not reached",
        };
        let mut line = format!(
            "    Kerberos: {} from {source} → {} · {mutual}",
            safe(k.client_principal.as_deref().unwrap_or("?")),
            safe(&k.spn)
        );
        if k.delegation_requested {
            line.push_str(match k.delegation_granted {
                Some(true) => " · delegation granted",
                Some(false) => " · delegation requested, not granted",
                None => " · delegation requested",
            });
        }
        if let Some(l) = k.credential_lifetime_s {
            line.push_str(&format!(" · credentials valid {l} s"));
        }
        writeln!(out, "{line}")?;
        if let Some(f) = &k.failure {
            writeln!(
                out,
                "    GSSAPI: {} ({}) [minor {}]",
                safe(&f.major_text),
                safe(&f.minor_text),
                f.minor
            )?;
        }
    }
    if let Some(o) = a.server_clock_offset_s.filter(|o| o.unsigned_abs() > 60) {
        writeln!(
            out,
            "    server clock (HTTP Date) differs from ours by {o} s"
        )?;
    }
    Ok(())
}

/// The compare view (report/compare_text.rs), plain and 100 columns wide.
pub fn write_comparison(out: &mut dyn Write, c: &crate::compare::Comparison) -> io::Result<()> {
    super::compare_text::write_comparison(out, c, &Default::default())
}

/// The capture-wide summary at the top of a report with many connections (more than
/// [`groups::TEXT_THRESHOLD`]): failures by cause, by server and by client, the largest groups
/// first ([`groups::TEXT_ROWS`] each), with count, first and last start time and an example.
pub(super) fn write_groups(
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
