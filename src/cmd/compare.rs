//! `tlsdiag compare` (stub: being built).

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Input.
    pub input: Option<String>,
}

pub fn run(_args: CompareArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`compare` is not implemented yet")
}
