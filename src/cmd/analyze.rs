//! `tlsdiag analyze` (stub: being built).

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Input.
    pub input: Option<String>,
}

pub fn run(_args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`analyze` is not implemented yet")
}
