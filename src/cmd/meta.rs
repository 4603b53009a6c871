//! `tlsdiag completions SHELL` and `tlsdiag man [COMMAND]`: generated from the clap command
//! tree, so they cannot drift from the arguments. Written through a buffer so that a closed
//! pipe (`tlsdiag man | head`) is an ordinary write error, not a panic in the generator.

use std::io::Write as _;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// The page of one command (`tlsdiag man analyze` is tlsdiag-analyze(1)); default: tlsdiag(1).
    pub command: Option<String>,
}

pub fn completions(shell: clap_complete::Shell, cmd: &mut clap::Command) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, cmd, "tlsdiag", &mut buf);
    write_stdout(&buf)
}

pub fn man(cmd: clap::Command, page: Option<&str>) -> anyhow::Result<()> {
    let mut cmd = cmd;
    cmd.build();
    let target = match page {
        None => cmd,
        Some(name) => {
            let sub = cmd
                .find_subcommand(name)
                .ok_or_else(|| anyhow::anyhow!("no command {name:?} (see tlsdiag --help)"))?
                .clone();
            // tlsdiag-analyze(1), the name `man` and git use for a subcommand's page.
            let full = format!("tlsdiag-{}", sub.get_name());
            sub.name(full)
        }
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(target).render(&mut buf)?;
    write_stdout(&buf)
}

fn write_stdout(b: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(b)?;
    out.flush()?;
    Ok(())
}
