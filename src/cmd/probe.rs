//! `tlsdiag probe URL`: our own SOAP call with a chosen identity; prints what happened and why.

use anyhow::Context as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use tlsdiag::probe::{self, ProbeOptions, ProbeReport};

#[derive(Debug, Clone, clap::Args)]
pub struct ProbeArgs {
    /// https:// URL of the service.
    pub url: String,
    #[command(flatten)]
    pub opts: ProbeFlags,
}

/// The probe options, shared with `compare`.
#[derive(Debug, Clone, clap::Args)]
pub struct ProbeFlags {
    /// Client identity: PEM (chain + key), PKCS#12 or JKS keystore.
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
    /// Keystore alias (default: the only private-key entry).
    #[arg(long)]
    pub alias: Option<String>,
    /// Read the keystore password from the first line of this file (at most 4 KiB; a pipe such
    /// as <(pass show x) is read for at most 30 s), else TLSDIAG_PASSWORD, else a prompt.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Trusted CAs: PEM bundle or JKS/PKCS#12 truststore (default: the system roots).
    #[arg(long, value_name = "FILE")]
    pub trust: Option<PathBuf>,
    /// Do not verify the server's certificate (its chain is still recorded and shown).
    #[arg(long)]
    pub insecure: bool,
    /// Server name to send (SNI) instead of the URL's host.
    #[arg(long)]
    pub sni: Option<String>,
    /// Offer only TLS 1.2.
    #[arg(long, conflicts_with = "tls13")]
    pub tls12: bool,
    /// Offer only TLS 1.3.
    #[arg(long)]
    pub tls13: bool,
    /// Seconds for connect, handshake and response.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// SOAPAction (SOAP 1.1) or action parameter (SOAP 1.2).
    #[arg(long)]
    pub soap_action: Option<String>,
    /// File with the SOAP envelope to POST (at most 16 MiB; a pipe is read for at most 30 s;
    /// default: a minimal valid envelope).
    #[arg(long, value_name = "FILE")]
    pub envelope: Option<PathBuf>,
    /// SOAP 1.2 (application/soap+xml) instead of 1.1 (text/xml + SOAPAction).
    #[arg(long)]
    pub soap12: bool,
    /// Extra request header, repeatable: --header 'X-Trace: 1'.
    #[arg(long = "header", value_name = "K:V")]
    pub headers: Vec<String>,
    /// Send the identity even if its issuer is not among the server's accepted CAs (as
    /// curl/OpenSSL do). Default: like JSSE, send none then.
    #[arg(long)]
    pub send_anyway: bool,
    /// Go through this HTTP proxy with CONNECT: http://host:port (no credentials; port 1080 when
    /// left out, as curl assumes). Environment proxy variables are not read: say it here.
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Save our own connection as a pcap (opens in Wireshark; frame numbers match the report).
    #[arg(long, value_name = "FILE.pcap")]
    pub save: Option<PathBuf>,
    /// Write the TLS secrets (SSLKEYLOGFILE format, mode 0600) to decrypt the saved pcap.
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<PathBuf>,
}

pub fn options(url: &str, f: &ProbeFlags) -> anyhow::Result<ProbeOptions> {
    let pw_file = f.password_file.as_deref();
    let identity = match &f.identity {
        Some(p) => Some(
            tlsdiag::identity::password::with_password(pw_file, |pw| {
                tlsdiag::identity::load(p, f.alias.as_deref(), pw)
            })
            .with_context(|| format!("cannot use identity {}", p.display()))?,
        ),
        None => None,
    };
    let trust = match &f.trust {
        Some(p) => {
            let ks = tlsdiag::identity::password::with_password(pw_file, |pw| {
                tlsdiag::identity::open(p, pw)
            })
            .with_context(|| format!("cannot use trust store {}", p.display()))?;
            let certs: Vec<_> = ks
                .entries
                .iter()
                .flat_map(|e| e.chain_der.iter().cloned())
                .collect();
            anyhow::ensure!(
                !certs.is_empty(),
                "trust store {} holds no certificate",
                p.display()
            );
            Some(certs)
        }
        None => None,
    };
    let envelope = match &f.envelope {
        Some(p) => Some(
            String::from_utf8(
                tlsdiag::userfile::read(p, tlsdiag::userfile::Kind::Envelope)?.to_vec(),
            )
            .map_err(|_| anyhow::anyhow!("envelope {} is not UTF-8 text", p.display()))?,
        ),
        None => None,
    };
    let mut headers = Vec::new();
    for h in &f.headers {
        let (k, v) = h
            .split_once(':')
            .with_context(|| format!("--header {h:?}: expected K:V"))?;
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    Ok(ProbeOptions {
        url: url.to_owned(),
        identity,
        trust,
        insecure: f.insecure,
        sni: f.sni.clone(),
        tls12_only: f.tls12,
        tls13_only: f.tls13,
        timeout: Duration::from_secs(f.timeout.max(1)),
        soap_action: f.soap_action.clone(),
        envelope,
        soap12: f.soap12,
        headers,
        send_anyway: f.send_anyway,
        proxy: f.proxy.as_deref().map(probe::proxy::parse).transpose()?,
    })
}

/// Runs the probe and writes `--save` / `--keylog` files.
pub fn execute(url: &str, f: &ProbeFlags) -> anyhow::Result<ProbeReport> {
    let opts = options(url, f)?;
    let report = probe::run(&opts)?;
    if let Some(p) = &f.save {
        std::fs::write(p, &report.pcap).with_context(|| format!("cannot write {}", p.display()))?;
    }
    if let Some(p) = &f.keylog {
        report
            .write_keylog(p)
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(report)
}

#[derive(Debug, clap::Args)]
pub struct ProbeCli {
    #[command(flatten)]
    pub probe: ProbeArgs,
    /// Print one JSON document (docs/json-schema.md, "probe").
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ProbeCli) -> anyhow::Result<ExitCode> {
    let report = execute(&args.probe.url, &args.probe.opts)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            schema_version: &'static str,
            probe: &'a ProbeReport,
        }
        serde_json::to_writer_pretty(
            &mut out,
            &Doc {
                schema_version: tlsdiag::report::json::SCHEMA_VERSION,
                probe: &report,
            },
        )?;
        writeln!(out)?;
    } else {
        tlsdiag::report::text::write_probe(
            &mut out,
            &report,
            &tlsdiag::report::text::TextOptions::plain(),
        )?;
    }
    out.flush()?;
    Ok(if report.succeeded {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
