//! `tlsdiag identity ...` (stub: being built).

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum IdentityCommand {
    /// List a keystore's entries like `keytool -list -v`, with chain, key and match checks.
    Inspect {
        file: PathBuf,
        #[arg(long)]
        alias: Option<String>,
    },
}

pub fn run(_cmd: IdentityCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`identity` is not implemented yet")
}
