//! `tlsdiag compare FILE`: a captured connection beside a probe — a saved probe pcap
//! (`--probe-pcap`, with `--probe-keylog` for TLS 1.3) or a live probe (`--url` and the probe's
//! options) — with the decisive difference named; as text, JSON or Markdown, redacted on request.

use anyhow::Context as _;

use super::NameOnce as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use tlsdiag::analyze::{analyze_path, AnalyzeOptions};
use tlsdiag::model::{Connection, OutcomeStatus};

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The capture with the failing call.
    pub file: PathBuf,
    /// The captured connection to compare (default: the first failed one).
    #[arg(long)]
    pub conn: Option<usize>,
    /// Key log for the capture (TLS 1.3).
    #[arg(long = "capture-keylog", value_name = "FILE")]
    pub capture_keylog: Option<PathBuf>,
    /// A pcap saved by `tlsdiag probe --save` (or any capture: its first connection).
    #[arg(long, value_name = "FILE", conflicts_with = "url")]
    pub probe_pcap: Option<PathBuf>,
    /// Key log of that pcap (`tlsdiag probe --keylog`).
    #[arg(long, value_name = "FILE", requires = "probe_pcap")]
    pub probe_keylog: Option<PathBuf>,
    /// Run a probe now against this URL (with the options below).
    #[arg(long)]
    pub url: Option<String>,
    #[command(flatten)]
    pub probe: super::probe::ProbeFlags,
    /// Print one JSON document (the same as --format json).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Output format: text (default), json (as --json) or markdown (the decisive difference and
    /// the table for a ticket or a forum post; add --redact before sharing it).
    #[arg(long, value_enum)]
    pub format: Option<super::analyze::Format>,
    #[command(flatten)]
    pub redaction: super::redact::RedactArgs,
}

/// The width to lay the text out in: COLUMNS, else the terminal's, else 100.
fn width() -> usize {
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|w| (20..=1000).contains(w))
    {
        return w;
    }
    use std::io::IsTerminal as _;
    if std::io::stdout().is_terminal() {
        if let Ok((w, _)) = crossterm::terminal::size() {
            if w >= 20 {
                return usize::from(w);
            }
        }
    }
    100
}

fn load(
    path: &std::path::Path,
    keylog: Option<&std::path::Path>,
) -> anyhow::Result<tlsdiag::model::Analysis> {
    let mut opts = AnalyzeOptions::default();
    if let Some(k) = keylog {
        opts.decode.keylog = Some(std::sync::Arc::new(
            tlsdiag::tls::keylog::KeyLog::from_file(k)?,
        ));
    }
    let mut a = analyze_path(path, &opts).naming("cannot analyse", &path.display())?;
    tlsdiag::diagnose::diagnose_analysis(&mut a, &Default::default());
    Ok(a)
}

pub fn run(args: CompareArgs, ui: &super::Ui) -> anyhow::Result<ExitCode> {
    let captured = load(&args.file, args.capture_keylog.as_deref())?;
    let left: Connection = match args.conn {
        Some(n) => captured
            .connections
            .iter()
            .find(|c| c.id == n)
            .cloned()
            .with_context(|| format!("no connection #{n} in {}", args.file.display()))?,
        None => captured
            .connections
            .iter()
            .find(|c| c.tls.outcome.status == OutcomeStatus::Failed)
            .or(captured.connections.first())
            .cloned()
            .with_context(|| format!("no TLS connection in {}", args.file.display()))?,
    };
    let (right, probe_report) = if let Some(p) = &args.probe_pcap {
        let a = load(p, args.probe_keylog.as_deref())?;
        (
            a.connections
                .into_iter()
                .next()
                .with_context(|| format!("no TLS connection in {}", p.display()))?,
            None,
        )
    } else if let Some(url) = &args.url {
        let r = super::probe::execute(url, &args.probe, ui)?;
        let c = r
            .connection
            .clone()
            .context("the probe recorded no TLS connection")?;
        (c, Some(r))
    } else {
        anyhow::bail!(
            "give --probe-pcap FILE (from `tlsdiag probe --save`) or --url URL to run a probe"
        );
    };
    let left_label = format!("captured #{}", left.id);
    let cmp = tlsdiag::compare::compare_inputs(
        tlsdiag::compare::Input {
            conn: &left,
            label: &left_label,
            keylog_option: Some("--capture-keylog"),
        },
        tlsdiag::compare::Input {
            conn: &right,
            label: "probe",
            keylog_option: Some(if args.url.is_some() {
                "--keylog on the probe (its own handshake is decrypted)"
            } else {
                "--probe-keylog"
            }),
        },
    );
    use super::analyze::Format;
    let format = if args.json {
        Format::Json
    } else {
        args.format.unwrap_or(Format::Text)
    };
    let redactor = args
        .redaction
        .options()
        .map(|o| tlsdiag::report::redact::Redactor::for_connections(&[&left, &right], o));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if format == Format::Json {
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            schema_version: &'static str,
            comparison: &'a tlsdiag::compare::Comparison,
            captured: &'a Connection,
            probe: &'a Connection,
            http: Option<&'a tlsdiag::probe::http::HttpResult>,
        }
        let doc = Doc {
            schema_version: tlsdiag::report::json::SCHEMA_VERSION,
            comparison: &cmp,
            captured: &left,
            probe: &right,
            http: probe_report.as_ref().and_then(|r| r.http.as_ref()),
        };
        match &redactor {
            None => {
                serde_json::to_writer_pretty(&mut out, &doc)?;
                writeln!(out)?;
            }
            Some(r) => super::redact::write_json(&mut out, r, serde_json::to_value(&doc)?)?,
        }
    } else {
        // Cells are redacted before the text cuts them to the column width.
        let cmp = match &redactor {
            Some(r) => r.comparison(&cmp),
            None => cmp,
        };
        let mut buf = Vec::new();
        let sink: &mut dyn Write = if redactor.is_some() {
            &mut buf
        } else {
            &mut out
        };
        if format == Format::Markdown {
            tlsdiag::report::compare_markdown::write_comparison(sink, &cmp)?;
        } else {
            // --color is global (cli.rs): auto, always, never, and NO_COLOR.
            let opts = tlsdiag::report::compare_text::CompareTextOptions {
                color: ui.color,
                width: width(),
            };
            tlsdiag::report::compare_text::write_comparison(sink, &cmp, &opts)?;
        }
        if let Some(r) = &redactor {
            super::redact::write_text(&mut out, r, &buf, format == Format::Markdown)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
