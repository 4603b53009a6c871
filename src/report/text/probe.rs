//! The probe's text report: the answer, the diagnosis over the probe's findings and its own
//! connection's, the AUTH block, the HTTP answer, then the decoded connection.

use super::{write_connection, write_finding, Style, TextOptions};
use crate::safe::safe;
use std::io::{self, Write};

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
    // Both lists, each code once, errors first: the first finding is the answer.
    let findings = r.findings_once();
    if !findings.is_empty() {
        writeln!(out)?;
        writeln!(out, "  {}", st.bold("DIAGNOSIS"))?;
        for f in &findings {
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
        writeln!(out, "    Kerberos: {}", safe(&k.summary()))?;
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
