//! `tlsdiag analyze FILE...`: decode every TLS handshake in one or more captures, diagnose,
//! print text or JSON. The file side: `-` for standard input, directories expanded to their
//! capture files, several inputs reported one by one or (`--merge`) read as one capture.

use anyhow::Context as _;

use super::NameOnce as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use tlsdiag::capture::{self, InputPath};
use tlsdiag::model::{Analysis, Severity};
use tlsdiag::report::{json, text};

mod fold;

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Captures: pcap or pcapng (tcpdump -w, Wireshark, dumpcap), also gzip-, zstd- or
    /// xz-compressed (recognised by content, read as a stream). `-` reads standard input
    /// (`tcpdump -w - | tlsdiag analyze -`). A directory means its capture files, sorted by
    /// name. Several inputs: one report each, or one capture with --merge.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Read all inputs as one capture, frames ordered by time across files, so connections
    /// that span files are joined (a tcpdump ring buffer: -C/-G with -W, dump0 dump1 …).
    #[arg(long)]
    pub merge: bool,
    /// Print one JSON document (schema: docs/json-schema.md) instead of the text report (the
    /// same as --format json).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Output format: text (default), json (as --json) or markdown (the answer, evidence and
    /// ladder for a ticket or a forum post; add --redact before sharing it).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub redaction: super::redact::RedactArgs,
    /// Only connections with this IP address at either end.
    #[arg(long)]
    pub host: Option<std::net::IpAddr>,
    /// Only connections with this TCP port at either end.
    #[arg(long)]
    pub port: Option<u16>,
    /// Only connections whose ClientHello names this server (SNI, case-insensitive).
    #[arg(long)]
    pub sni: Option<String>,
    /// Follow at most this many TCP flows at once (default 10000): past it the least recently
    /// active flow is ended early and written with what was seen, and the report says how many
    /// were (anomaly `flows_evicted`). Bounds memory on captures of very many open connections.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..))]
    pub max_flows: Option<u32>,
    /// Only this connection (its number in the report).
    #[arg(long)]
    pub conn: Option<usize>,
    /// Show every connection in full (default: failed ones, or all when there are few).
    #[arg(long)]
    pub all: bool,
    /// Exit with status 1 when findings of at least this severity exist (for scripts and CI).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    #[command(flatten)]
    pub id: IdentityArgs,
    /// Stream JSON Lines: one `{"type":"connection"}` object per connection as soon as it ends
    /// (numbered in that order), then one `{"type":"end"}` object with the summary. Memory then
    /// grows with open connections, not with the file (for captures of gigabytes).
    #[arg(long, conflicts_with_all = ["json", "conn", "redact"])]
    pub stream: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

impl AnalyzeArgs {
    fn output(&self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.format.unwrap_or(Format::Text)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

/// One report to make: the inputs it reads (several only with `--merge`) and its source name.
struct Job {
    paths: Vec<InputPath>,
    name: String,
}

/// What each report ended with, for the exit code.
#[derive(Default)]
struct Outcome {
    fail_on_hit: bool,
    failed_inputs: usize,
}

pub fn run(args: AnalyzeArgs, ui: &super::Ui) -> anyhow::Result<ExitCode> {
    let (jobs, several) = plan(&args, ui)?;
    anyhow::ensure!(
        args.conn.is_none() || jobs.len() == 1,
        "--conn selects a connection of one report: give one input (or --merge)"
    );
    let opts = decode_options(&args)?;
    let ctx = diagnose_context(&args)?;
    // With several independent inputs `--json` prints an array of documents: the shape follows
    // the command line (several inputs or a directory), never the number of readable files.
    let json = args.output() == Format::Json;
    // --redact needs the whole analysis (its tokens are chosen before anything is written).
    let streamed = args.stream || (json && args.conn.is_none() && !args.redaction.redact);
    anyhow::ensure!(
        !args.stream || args.output() != Format::Markdown,
        "--stream writes JSON Lines: it cannot be combined with --format markdown"
    );
    let array = json && !args.stream && several && !args.merge;
    let mut outcome = Outcome::default();
    if array {
        write_stdout(b"[\n")?;
    }
    let mut written = 0usize;
    for job in &jobs {
        if array && written > 0 {
            write_stdout(b",\n")?;
        }
        let res = if streamed {
            run_stream(&args, job, &opts, &ctx, ui)
        } else {
            if written > 0 && !json {
                write_stdout(b"\n")?;
            }
            run_one(&args, job, &opts, &ctx, ui)
        };
        match res {
            Ok(hit) => {
                written += 1;
                outcome.fail_on_hit |= hit;
            }
            // One input in all: its error is the command's error (printed by main).
            Err(e) if jobs.len() == 1 => return Err(e),
            Err(e) => {
                if is_broken_pipe(&e) {
                    return Err(e);
                }
                outcome.failed_inputs += 1;
                eprintln!("tlsdiag: {}", super::error_message(&e));
            }
        }
    }
    if array {
        write_stdout(b"]\n")?;
    }
    Ok(if outcome.failed_inputs > 0 {
        ExitCode::from(2)
    } else if outcome.fail_on_hit {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn write_stdout(b: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(b)?;
    out.flush()
}

/// Expands the arguments into reports: directories into their capture files (what was skipped
/// goes to stderr), `-` into standard input; one report per input, or one for all with
/// `--merge`. Also says whether the command line named several inputs (or a directory).
fn plan(args: &AnalyzeArgs, ui: &super::Ui) -> anyhow::Result<(Vec<Job>, bool)> {
    let mut paths = Vec::new();
    let mut dirs = Vec::new();
    for f in &args.files {
        let p = InputPath::from_arg(f.as_os_str());
        match &p {
            InputPath::Stdin => {
                anyhow::ensure!(
                    !paths.contains(&InputPath::Stdin),
                    "`-` (standard input) can be given once"
                );
                paths.push(p);
            }
            InputPath::File(path) if path.is_dir() => {
                let listing = capture::input::list_dir(path)?;
                for (skipped, why) in &listing.skipped {
                    ui.note(&format!("skipped {}: {why}", skipped.display()));
                }
                anyhow::ensure!(
                    !listing.files.is_empty(),
                    "no capture files in directory {}",
                    path.display()
                );
                dirs.push(path.clone());
                paths.extend(listing.files.into_iter().map(InputPath::File));
            }
            InputPath::File(_) => paths.push(p),
        }
    }
    let several = args.files.len() > 1 || !dirs.is_empty();
    if args.merge {
        let name = match (dirs.as_slice(), args.files.len()) {
            ([dir], 1) => dir.display().to_string(),
            _ => tlsdiag::analyze::source_name(&paths),
        };
        return Ok((vec![Job { paths, name }], several));
    }
    let jobs = paths
        .into_iter()
        .map(|p| Job {
            name: p.name(),
            paths: vec![p],
        })
        .collect();
    Ok((jobs, several))
}

/// The text report (or `--json --conn N`) of one job; `Ok(true)` when `--fail-on` is hit.
fn run_one(
    args: &AnalyzeArgs,
    job: &Job,
    opts: &tlsdiag::analyze::AnalyzeOptions,
    ctx: &tlsdiag::diagnose::Context,
    ui: &super::Ui,
) -> anyhow::Result<bool> {
    if fold::applies(args) {
        return fold::run_text(args, job, opts, ctx, ui);
    }
    if let (Some(n), false) = (args.conn, args.redaction.redact) {
        return fold::run_conn(args, n, job, opts, ctx, ui);
    }
    let (opened, progress) = open(job, ui, false).naming("cannot analyse", &job.name)?;
    let analysis =
        tlsdiag::analyze::analyze_opened(opened, &job.name, opts, tlsdiag::analyze::Delivery::Keep);
    drop(progress);
    let mut analysis = analysis.naming("cannot analyse", &job.name)?;
    tlsdiag::diagnose::diagnose_analysis(&mut analysis, ctx);
    if let Some(n) = args.conn {
        if !analysis.connections.iter().any(|c| c.id == n) {
            anyhow::bail!(
                "no connection #{n} in {} ({} TLS connections)",
                job.name,
                analysis.connections.len()
            );
        }
        analysis.connections.retain(|c| c.id == n);
    }
    print(&analysis, args, ui)?;
    Ok(fail_on_hit(&analysis, args.fail_on))
}

fn decode_options(args: &AnalyzeArgs) -> anyhow::Result<tlsdiag::analyze::AnalyzeOptions> {
    let keylog = tlsdiag::tls::keylog::KeyLog::from_arg_or_env(args.id.keylog.as_deref())?;
    Ok(tlsdiag::analyze::AnalyzeOptions {
        host: args.host,
        port: args.port,
        sni: args.sni.clone(),
        max_open_flows: args.max_flows.map(|n| n as usize),
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
fn run_stream(
    args: &AnalyzeArgs,
    job: &Job,
    opts: &tlsdiag::analyze::AnalyzeOptions,
    ctx: &tlsdiag::diagnose::Context,
    ui: &super::Ui,
) -> anyhow::Result<bool> {
    // JSON goes to standard output while the file is read: progress only when that is not the
    // same terminal.
    let stdout_busy = std::io::stdout().is_terminal();
    let (opened, progress) = open(job, ui, stdout_busy).naming("cannot analyse", &job.name)?;
    let ctx = ctx.clone();
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
    let delivery = if document {
        tlsdiag::analyze::Delivery::Ordered(sink)
    } else {
        tlsdiag::analyze::Delivery::Streaming(sink)
    };
    // On an error (a log refusing --host) the sink is dropped unused, which ends the writer.
    let analysis = tlsdiag::analyze::analyze_opened(opened, &job.name, opts, delivery);
    drop(progress);
    let written = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the output thread panicked"))?;
    let analysis = analysis.naming("cannot analyse", &job.name)?;
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
    Ok(match args.fail_on {
        Some(FailOn::Error) => s.findings_error > 0,
        Some(FailOn::Warning) => s.findings_error + s.findings_warning > 0,
        None => false,
    })
}

type Stdout = std::io::BufWriter<std::io::Stdout>;

enum Output {
    Document(json::DocumentWriter<Stdout>),
    Lines(Stdout),
}

/// Loads `--identity` (and `--alias`) for the per-stack verdicts.
pub fn diagnose_context(args: &AnalyzeArgs) -> anyhow::Result<tlsdiag::diagnose::Context> {
    identity_context(
        args.id.identity.as_deref(),
        args.id.alias.as_deref(),
        args.id.password_file.as_deref(),
    )
}

/// The diagnosis context for an identity file (also `tui --identity`).
pub fn identity_context(
    path: Option<&std::path::Path>,
    alias: Option<&str>,
    pw_file: Option<&std::path::Path>,
) -> anyhow::Result<tlsdiag::diagnose::Context> {
    let Some(path) = path else {
        return Ok(tlsdiag::diagnose::Context::default());
    };
    // Every entry is read: without --alias, several private-key entries are all checked and
    // JSSE's own choice among them is emulated.
    let candidate = tlsdiag::identity::password::with_password(pw_file, |pw| {
        let ks = tlsdiag::identity::open(path, pw)?;
        tlsdiag::identity::check::Candidate::from_keystore(ks, alias)
    })
    .naming("cannot use identity", &path.display())?;
    Ok(tlsdiag::diagnose::Context {
        identity: Some(candidate),
    })
}

/// Opens a job's inputs; one big file read with standard error on a terminal gets a progress
/// line (bytes of the file read, compressed bytes for a compressed file) until it is dropped.
fn open(
    job: &Job,
    ui: &super::Ui,
    stdout_busy: bool,
) -> Result<
    (tlsdiag::analyze::Opened, Option<super::progress::Progress>),
    tlsdiag::analyze::AnalyzeError,
> {
    if let [path @ InputPath::File(p)] = job.paths.as_slice() {
        let total = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        if super::progress::wanted(total, ui.quiet, stdout_busy) {
            let inp = capture::open(path)?;
            let read = inp.bytes_read();
            let opened = tlsdiag::analyze::open_input(inp)?;
            return Ok((
                opened,
                super::progress::Progress::start(&job.name, total, read),
            ));
        }
    }
    Ok((tlsdiag::analyze::open(&job.paths)?, None))
}

fn print(analysis: &Analysis, args: &AnalyzeArgs, ui: &super::Ui) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let redactor = args
        .redaction
        .options()
        .map(|o| tlsdiag::report::redact::Redactor::new(analysis, o));
    let format = args.output();
    if format == Format::Json {
        match &redactor {
            None => json::write(&mut out, analysis)?,
            Some(r) => {
                let doc = serde_json::to_value(json::document(analysis))?;
                super::redact::write_json(&mut out, r, doc)?;
            }
        }
        out.flush()?;
        return Ok(());
    }
    let color = format == Format::Text && ui.color;
    let opts = text::TextOptions {
        color,
        detail: if args.all || args.conn.is_some() {
            text::Detail::All
        } else {
            text::Detail::Auto
        },
        width: 100,
    };
    // Redaction: the findings' prose before the face wraps and escapes it, then the finished
    // text (names as the face escaped them), so every place a name appears is covered.
    let mut buf = Vec::new();
    let redacted = redactor.as_ref().map(|r| r.analysis(analysis));
    let (sink, analysis): (&mut dyn Write, &Analysis) = match &redacted {
        Some(a) => (&mut buf, a),
        None => (&mut out, analysis),
    };
    match format {
        Format::Markdown => tlsdiag::report::markdown::write_analysis(sink, analysis, &opts)?,
        _ => text::write_analysis(sink, analysis, &opts)?,
    }
    if let Some(r) = &redactor {
        super::redact::write_text(&mut out, r, &buf, format == Format::Markdown)?;
    }
    out.flush()?;
    Ok(())
}

fn fail_on_hit(analysis: &Analysis, fail_on: Option<FailOn>) -> bool {
    let Some(level) = fail_on else {
        return false;
    };
    let min = match level {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    analysis
        .connections
        .iter()
        .flat_map(|c| c.diagnosis.iter())
        .any(|f| f.severity >= min)
}

/// The key log and the client identity to check: the same flags for `analyze`, `tui` and `live`.
#[derive(Debug, Default, clap::Args)]
pub struct IdentityArgs {
    /// Decrypt TLS 1.3 handshakes with this NSS key log (SSLKEYLOGFILE format); default: the
    /// SSLKEYLOGFILE environment variable when it names an existing file. At most 64 MiB; a
    /// pipe is read for at most 30 s.
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<PathBuf>,
    /// Check this client identity against each CertificateRequest: PEM, PKCS#12, JKS or JCEKS
    /// keystore, at most 16 MiB; a pipe is read for at most 30 s (password: --password-file,
    /// TLSDIAG_PASSWORD, or a prompt).
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
    /// The keystore alias to check (default: every private-key entry, and which one JSSE's
    /// SunX509 and PKIX key managers would pick).
    #[arg(long, requires = "identity")]
    pub alias: Option<String>,
    /// Read the keystore password from the first line of this file (at most 4 KiB; a pipe such
    /// as <(pass show x) is read for at most 30 s).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}
