//! `tlsdiag identity ...`: argument handling and output for the identity room. Passwords come
//! from `--password-file`, `TLSDIAG_PASSWORD` or a terminal prompt — never from argv.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use tlsdiag::identity;

#[derive(Debug, clap::Subcommand)]
pub enum IdentityCommand {
    /// List a keystore's entries like `keytool -list -v`, with chain, key and match checks.
    /// Reads PEM (certificate + key, one file or several: `inspect cert.pem key.pem`),
    /// PKCS#12 (.p12/.pfx) and JKS; the format is detected from the content.
    #[command(after_help = "Examples:
  tlsdiag identity inspect client.p12 --password-file pw.txt
  tlsdiag identity inspect client.jks --alias partner --json
  tlsdiag identity inspect cert.pem key.pem
  TLSDIAG_PASSWORD=changeit tlsdiag identity inspect truststore.jks")]
    Inspect {
        /// The keystore, or PEM/DER certificate and key files to be read together.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Show only this entry.
        #[arg(long)]
        alias: Option<String>,
        /// Read the keystore password from the first line of this file (at most 4 KiB; a pipe
        /// such as <(pass show x) is read for at most 30 s), else TLSDIAG_PASSWORD, else a
        /// prompt on a terminal.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// The text has no colour (`--color` is accepted and changes nothing).
pub fn run(cmd: IdentityCommand, _ui: &super::Ui) -> anyhow::Result<ExitCode> {
    match cmd {
        IdentityCommand::Inspect {
            files,
            alias,
            password_file,
            json,
        } => {
            let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
            let ks = identity::password::with_password(password_file.as_deref(), |pw| {
                identity::open_files(&paths, pw)
            })?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                .unwrap_or(0);
            let report = identity::inspect::inspect(&ks, alias.as_deref(), now)?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &report).context("writing JSON")?;
                use std::io::Write;
                writeln!(out)?;
            } else {
                identity::inspect::render_text(&report, &mut out)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
