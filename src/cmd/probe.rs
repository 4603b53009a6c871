//! `tlsdiag probe` (stub: being built).

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ProbeArgs {
    /// Input.
    pub input: Option<String>,
}

pub fn run(_args: ProbeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`probe` is not implemented yet")
}
