//! `--redact` and its options, declared once for `analyze` and `compare`, and the printing of a
//! redacted report: the finished output of any face goes through the library's
//! `report::redact::Redactor` (so names quoted inside findings and sentences are covered too),
//! followed by what was replaced.

use std::io::Write;
use tlsdiag::report::redact::{RedactOptions, Redactor};

#[derive(Debug, Clone, clap::Args)]
pub struct RedactArgs {
    /// Replace IP addresses, host names (SNI, targets, subjectAltNames, HTTP Host), certificate
    /// subject and issuer values, serials and fingerprints by tokens (the same value is always
    /// the same token: host-1, addr-1, name-1 …) and say what was replaced. Keeps the CA names
    /// the server asks for (the answer needs them) unless --redact-cas. Text, markdown and json.
    #[arg(long)]
    pub redact: bool,
    /// With --redact: replace TCP ports too (port-1 …).
    #[arg(long, requires = "redact")]
    pub redact_ports: bool,
    /// With --redact: replace the CertificateRequest's CA names too.
    #[arg(long, requires = "redact", conflicts_with = "redact_keep_ca")]
    pub redact_cas: bool,
    /// With --redact: keep the CertificateRequest's CA names (the default; says so explicitly).
    #[arg(long, requires = "redact")]
    pub redact_keep_ca: bool,
}

impl RedactArgs {
    /// The redaction options, or `None` without `--redact`.
    pub fn options(&self) -> Option<RedactOptions> {
        self.redact.then_some(RedactOptions {
            ports: self.redact_ports,
            cas: self.redact_cas,
        })
    }
}

/// Writes `text` (a finished text or Markdown report) redacted, then what was replaced (in
/// Markdown as emphasised lines).
pub fn write_text(
    out: &mut dyn Write,
    r: &Redactor,
    text: &[u8],
    markdown: bool,
) -> std::io::Result<()> {
    out.write_all(r.text(&String::from_utf8_lossy(text)).as_bytes())?;
    writeln!(out)?;
    for line in r.footer() {
        if markdown {
            writeln!(out, "*{line}*  ")?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// Writes a JSON document redacted, with its `redaction` note.
pub fn write_json(
    out: &mut dyn Write,
    r: &Redactor,
    mut doc: serde_json::Value,
) -> anyhow::Result<()> {
    r.json(&mut doc);
    if let Some(o) = doc.as_object_mut() {
        o.insert("redaction".into(), r.json_note());
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}
