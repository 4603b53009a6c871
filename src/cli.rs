//! Command-line surface (clap). Each subcommand's arguments live beside its implementation in
//! `cmd/`; this file only assembles them. Passwords are never accepted on the command line.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cmd;

#[derive(Debug, Parser)]
#[command(
    name = "tlsdiag",
    version,
    about = "Why did this TLS handshake fail? Decodes captures, diagnoses client-certificate problems, probes servers.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Open this capture (pcap/pcapng) in the terminal UI (same as `tlsdiag tui FILE`).
    pub file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode every TLS handshake in a capture file and diagnose failures (text or --json).
    Analyze(cmd::analyze::AnalyzeArgs),
    /// Inspect keystores and key files (PEM, PKCS#12, JKS).
    #[command(subcommand)]
    Identity(cmd::identity::IdentityCommand),
    /// Make our own HTTPS/SOAP call with a chosen client identity and decode its handshake.
    Probe(cmd::probe::ProbeCli),
    /// Put a captured handshake and a probe side by side and name the decisive difference.
    Compare(cmd::compare::CompareArgs),
    /// Open a capture file in the terminal UI.
    Tui(cmd::tui::TuiArgs),
    /// Capture live from an interface (libpcap) in the terminal UI.
    Live(cmd::tui::LiveArgs),
}

/// Parses argv; on `--help`/`--version` prints and returns the exit code to use.
pub fn parse() -> Result<Cli, ExitCode> {
    match Cli::try_parse() {
        Ok(c) => Ok(c),
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 2,
            };
            let _ = e.print();
            Err(ExitCode::from(code))
        }
    }
}
