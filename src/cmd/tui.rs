//! `tlsdiag tui FILE`, `tlsdiag FILE` and `tlsdiag live` (stub: being built).

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct TuiArgs {
    /// Capture file (pcap or pcapng).
    pub file: PathBuf,
}

impl TuiArgs {
    pub fn for_file(file: PathBuf) -> Self {
        TuiArgs { file }
    }
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
