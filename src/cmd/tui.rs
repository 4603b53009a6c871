//! `tlsdiag tui FILE`, `tlsdiag FILE` and `tlsdiag live` (stub: being built).

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct TuiArgs {
    /// Capture file (pcap or pcapng).
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct LiveArgs {
    /// Interface to capture on (e.g. lo, eth0, any).
    #[arg(short = 'i', long)]
    pub interface: String,
}

pub fn run(_args: TuiArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the terminal UI is not implemented yet")
}

pub fn run_live(_args: LiveArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("live capture is not implemented yet")
}

/// `tlsdiag FILE`: the terminal UI once it exists; until then the text report, so the command a
/// new user types first always shows the answer.
pub fn run_or_report(file: PathBuf) -> anyhow::Result<ExitCode> {
    use clap::Parser;
    #[derive(clap::Parser)]
    struct Wrap {
        #[command(flatten)]
        args: super::analyze::AnalyzeArgs,
    }
    let w = Wrap::try_parse_from([std::ffi::OsString::from("analyze"), file.into_os_string()])?;
    super::analyze::run(w.args)
}
