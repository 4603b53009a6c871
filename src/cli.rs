//! Command-line surface (clap). Each subcommand's arguments live beside its implementation in
//! `cmd/`; this file only assembles them, with the global flags and each command's examples.
//! It depends on `cmd` (for the argument structs), never the other way round. Passwords are
//! never accepted on the command line.

use clap::{ArgAction, CommandFactory as _, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cmd;

#[derive(Debug, Parser)]
#[command(
    name = "tlsdiag",
    version,
    about = "Why did this TLS handshake fail? Decodes captures, diagnoses client-certificate problems, probes servers.",
    after_help = "Examples:
  tlsdiag analyze failing-call.pcap         the report: what failed and why
  tlsdiag failing-call.pcap                 the terminal UI (the report when piped)
  tlsdiag probe https://partner.example/ws --identity client.p12
  tlsdiag help analyze                      every option of a command, with examples"
)]
pub struct Cli {
    /// Open this capture (pcap/pcapng) in the terminal UI (same as `tlsdiag tui FILE`).
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags every command takes, before or after its name.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// More on standard error: -v what the tool does, -vv details (rustls's own log lines
    /// included), -vvv everything. RUST_LOG (e.g. RUST_LOG=rustls=trace) takes precedence.
    #[arg(short, long, action = ArgAction::Count, global = true, help_heading = "Global options")]
    pub verbose: u8,
    /// Errors only on standard error: no progress, notes or warnings.
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Global options"
    )]
    pub quiet: bool,
    /// Colour: auto (when writing to a terminal and NO_COLOR is unset), always, never.
    #[arg(long, value_enum, global = true, default_value_t = cmd::ColorChoice::Auto, help_heading = "Global options")]
    pub color: cmd::ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode every TLS handshake in a capture file and diagnose failures (text or --json).
    #[command(after_help = "Examples:
  tlsdiag analyze failing-call.pcap
  tlsdiag analyze capture.pcapng --sni partner.example --all
  tlsdiag analyze capture.pcap --identity client.p12 --password-file pw.txt
  tlsdiag analyze capture.pcap --keylog sslkeys.log --json > report.json
  tlsdiag analyze ring/ --merge --fail-on error
  tcpdump -i eth0 -w - 'tcp port 443' | tlsdiag analyze -")]
    Analyze(cmd::analyze::AnalyzeArgs),
    /// Inspect keystores and key files (PEM, PKCS#12, JKS).
    #[command(
        subcommand,
        after_help = "Examples:
  tlsdiag identity inspect client.p12 --password-file pw.txt
  tlsdiag identity inspect client.jks --alias partner --json
  tlsdiag identity inspect cert.pem key.pem"
    )]
    Identity(cmd::identity::IdentityCommand),
    /// Make our own HTTPS/SOAP call with a chosen client identity and decode its handshake.
    #[command(after_help = "Examples:
  tlsdiag probe https://partner.example/ws --identity client.jks --password-file pw.txt
  tlsdiag probe https://partner.example/ws --identity client.p12 --trust ca.pem \\
      --save call.pcap --keylog call.keys
  tlsdiag probe https://partner.example/ws --user svc --http-password-file pw.txt --json
  tlsdiag -vv probe https://127.0.0.1:8443/ --insecure   (rustls's own log lines on stderr)")]
    Probe(cmd::probe::ProbeCli),
    /// Put a captured handshake and a probe side by side and name the decisive difference.
    #[command(after_help = "Examples:
  tlsdiag compare failing.pcap --probe-pcap call.pcap --probe-keylog call.keys
  tlsdiag compare failing.pcap --conn 3 --url https://partner.example/ws --identity client.p12")]
    Compare(cmd::compare::CompareArgs),
    /// Open a capture file in the terminal UI.
    #[command(after_help = "Examples:
  tlsdiag tui failing-call.pcap
  tlsdiag tui capture.pcapng.gz
  tcpdump -r big.pcap -w - 'tcp port 443' | tlsdiag tui -")]
    Tui(cmd::tui::TuiArgs),
    /// Capture live from an interface (libpcap) in the terminal UI.
    #[command(after_help = "Examples:
  tlsdiag live -i eth0 -f 'tcp port 443'
  tlsdiag live -i any -f 'host 10.1.2.3 and tcp port 8443' --write seen.pcap")]
    Live(cmd::tui::LiveArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to standard output.
    #[command(after_help = "Examples:
  tlsdiag completions bash > ~/.local/share/bash-completion/completions/tlsdiag
  tlsdiag completions zsh > ~/.zfunc/_tlsdiag      (with fpath+=~/.zfunc in .zshrc)
  tlsdiag completions fish > ~/.config/fish/completions/tlsdiag.fish")]
    Completions(cmd::meta::CompletionsArgs),
    /// Print the manual page (roff) to standard output.
    #[command(after_help = "Examples:
  tlsdiag man > tlsdiag.1 && man ./tlsdiag.1
  tlsdiag man analyze > tlsdiag-analyze.1
  tlsdiag man | gzip > /usr/local/share/man/man1/tlsdiag.1.gz")]
    Man(cmd::meta::ManArgs),
}

/// The clap command tree (for help, completions and the manual page).
pub fn command() -> clap::Command {
    Cli::command()
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
