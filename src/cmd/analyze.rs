//! `tlsdiag analyze FILE`: decode every TLS handshake in a capture, diagnose, print text or JSON.

use anyhow::Context as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use tlsdiag::model::{Analysis, Severity};
use tlsdiag::report::{json, text};

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Capture file: pcap or pcapng (tcpdump -w, Wireshark, dumpcap).
    pub file: PathBuf,
    /// Print one JSON document (schema: docs/json-schema.md) instead of the text report.
    #[arg(long)]
    pub json: bool,
    /// Only connections with this IP address at either end.
    #[arg(long)]
    pub host: Option<std::net::IpAddr>,
    /// Only connections with this TCP port at either end.
    #[arg(long)]
    pub port: Option<u16>,
    /// Only connections whose ClientHello names this server (SNI, case-insensitive).
    #[arg(long)]
    pub sni: Option<String>,
    /// Only this connection (its number in the report).
    #[arg(long)]
    pub conn: Option<usize>,
    /// Show every connection in full (default: failed ones, or all when there are few).
    #[arg(long)]
    pub all: bool,
    /// Exit with status 1 when findings of at least this severity exist (for scripts and CI).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Decrypt TLS 1.3 handshakes with this NSS key log (SSLKEYLOGFILE format); default: the
    /// SSLKEYLOGFILE environment variable when it names an existing file. At most 64 MiB.
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<PathBuf>,
    /// Check this client identity against each CertificateRequest: PEM, PKCS#12 or JKS keystore
    /// (password: --password-file, TLSDIAG_PASSWORD, or a prompt).
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
    /// The keystore alias to check (default: the only private-key entry).
    #[arg(long, requires = "identity")]
    pub alias: Option<String>,
    /// Read the keystore password from the first line of this file (at most 4 KiB; a pipe such
    /// as <(pass show x) is read for at most 30 s).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Stream JSON Lines: one `{"type":"connection"}` object per connection as soon as it ends
    /// (numbered in that order), then one `{"type":"end"}` object with the summary. Memory then
    /// grows with open connections, not with the file (for captures of gigabytes).
    #[arg(long, conflicts_with_all = ["json", "conn"])]
    pub stream: bool,
    /// Colour the text report: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    if args.stream || (args.json && args.conn.is_none()) {
        return run_stream(args);
    }
    let opts = decode_options(&args)?;
    let mut analysis = tlsdiag::analyze::analyze_path(&args.file, &opts)
        .with_context(|| format!("cannot analyse {}", args.file.display()))?;
    let ctx = diagnose_context(&args)?;
    tlsdiag::diagnose::diagnose_analysis(&mut analysis, &ctx);
    if let Some(n) = args.conn {
        if !analysis.connections.iter().any(|c| c.id == n) {
            anyhow::bail!(
                "no connection #{n} in {} ({} TLS connections)",
                args.file.display(),
                analysis.connections.len()
            );
        }
        analysis.connections.retain(|c| c.id == n);
    }
    print(&analysis, &args)?;
    Ok(exit_code(&analysis, args.fail_on))
}

fn decode_options(args: &AnalyzeArgs) -> anyhow::Result<tlsdiag::analyze::AnalyzeOptions> {
    let keylog = tlsdiag::tls::keylog::KeyLog::from_arg_or_env(args.keylog.as_deref())?;
    Ok(tlsdiag::analyze::AnalyzeOptions {
        host: args.host,
        port: args.port,
        sni: args.sni.clone(),
        decode: tlsdiag::tls::DecodeOptions {
            keylog: keylog.map(std::sync::Arc::new),
            ..Default::default()
        },
    })
}

/// `--stream` (JSON Lines, connections in the order they end) and `--json` (one document,
/// connections in start order): the capture is decoded on this thread while a writer thread
/// diagnoses and serialises each finished connection, so memory holds the open connections
/// (and, for `--json`, those waiting for an earlier one to end), not the file.
fn run_stream(args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let opts = decode_options(&args)?;
    let ctx = diagnose_context(&args)?;
    let document = !args.stream;
    // The bounded channel keeps memory flat (at most QUEUE connections wait) and lets a slow
    // stdout hold the reader back.
    const QUEUE: usize = 64;
    let (tx, rx) = crossbeam_channel::bounded::<tlsdiag::model::Connection>(QUEUE);
    let writer = std::thread::Builder::new()
        .name("tlsdiag-json".into())
        .spawn(move || {
            let out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout());
            let mut summary = json::Summary::default();
            // On a write error (a closed pipe) stop: dropping `rx` makes later sends fail.
            if document {
                let mut doc = json::DocumentWriter::new(out);
                for mut c in rx {
                    c.diagnosis = tlsdiag::diagnose::diagnose(&c, &ctx);
                    summary.add(&c);
                    doc.connection(&c)?;
                }
                Ok::<_, std::io::Error>((Output::Document(doc), summary))
            } else {
                let mut out = out;
                for mut c in rx {
                    c.diagnosis = tlsdiag::diagnose::diagnose(&c, &ctx);
                    summary.add(&c);
                    let line = json::StreamLine::Connection {
                        schema_version: json::SCHEMA_VERSION,
                        connection: &c,
                    };
                    json::write_line(&mut out, &line)?;
                }
                Ok((Output::Lines(out), summary))
            }
        })
        .context("cannot start the output thread")?;
    let sink = Box::new(move |c: tlsdiag::model::Connection| {
        // Fails only when the writer stopped on an error, which join() below reports.
        let _ = tx.send(c);
    });
    // The analyzer (and with it the sink and its sender) is dropped when this returns, which
    // ends the writer's loop.
    let analysis = if document {
        tlsdiag::analyze::analyze_path_ordered(&args.file, &opts, sink)
    } else {
        tlsdiag::analyze::analyze_path_streaming(&args.file, &opts, sink)
    };
    let written = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the output thread panicked"))?;
    let analysis = analysis.with_context(|| format!("cannot analyse {}", args.file.display()))?;
    let (out, s) = written?;
    match out {
        Output::Document(doc) => {
            doc.finish(&analysis.source, &s, &analysis.anomalies)?;
        }
        Output::Lines(mut out) => {
            let end = json::StreamLine::End {
                schema_version: json::SCHEMA_VERSION,
                tool: json::Tool::this(),
                source: &analysis.source,
                summary: &s,
                anomalies: &analysis.anomalies,
            };
            json::write_line(&mut out, &end)?;
            out.flush()?;
        }
    }
    let hit = match args.fail_on {
        Some(FailOn::Error) => s.findings_error > 0,
        Some(FailOn::Warning) => s.findings_error + s.findings_warning > 0,
        None => false,
    };
    Ok(if hit {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

type Stdout = std::io::BufWriter<std::io::Stdout>;

enum Output {
    Document(json::DocumentWriter<Stdout>),
    Lines(Stdout),
}

/// Loads `--identity` (and `--alias`) for the per-stack verdicts.
pub fn diagnose_context(args: &AnalyzeArgs) -> anyhow::Result<tlsdiag::diagnose::Context> {
    let Some(path) = &args.identity else {
        return Ok(tlsdiag::diagnose::Context::default());
    };
    let pw_file = args.password_file.as_deref();
    let loaded = tlsdiag::identity::password::with_password(pw_file, |pw| {
        tlsdiag::identity::load(path, args.alias.as_deref(), pw)
    })
    .with_context(|| format!("cannot use identity {}", path.display()))?;
    let source = format!("{} alias {}", path.display(), loaded.alias());
    Ok(tlsdiag::diagnose::Context {
        identity: Some(tlsdiag::diagnose::IdentityContext {
            source,
            entry: loaded.entry.clone(),
        }),
    })
}

fn print(analysis: &Analysis, args: &AnalyzeArgs) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        json::write(&mut out, analysis)?;
    } else {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        let opts = text::TextOptions {
            color,
            detail: if args.all || args.conn.is_some() {
                text::Detail::All
            } else {
                text::Detail::Auto
            },
            width: 100,
        };
        text::write_analysis(&mut out, analysis, &opts)?;
    }
    out.flush()?;
    Ok(())
}

fn exit_code(analysis: &Analysis, fail_on: Option<FailOn>) -> ExitCode {
    let Some(level) = fail_on else {
        return ExitCode::SUCCESS;
    };
    let min = match level {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    let hit = analysis
        .connections
        .iter()
        .flat_map(|c| c.diagnosis.iter())
        .any(|f| f.severity >= min);
    if hit {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
