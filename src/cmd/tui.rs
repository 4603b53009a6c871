//! `tlsdiag tui FILE`, `tlsdiag FILE` and `tlsdiag live -i IFACE [-f BPF] [--write FILE]`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use tlsdiag::tui::run::{run as run_ui, Source, UiOptions};

use super::analyze::IdentityArgs;

#[derive(Debug, clap::Args)]
pub struct TuiArgs {
    /// Capture file (pcap or pcapng, also gzip/zstd/xz-compressed), or `-` for standard input.
    pub file: PathBuf,
    /// No colours (the same as --color never; also: the NO_COLOR environment variable).
    #[arg(long)]
    pub no_color: bool,
    #[command(flatten)]
    pub identity: IdentityArgs,
}

impl IdentityArgs {
    /// Reads the identity (prompting for its password while the terminal is still a
    /// terminal) and the key log, before the UI takes the screen.
    fn options(&self) -> anyhow::Result<UiOptions> {
        let ctx = super::analyze::identity_context(
            self.identity.as_deref(),
            self.alias.as_deref(),
            self.password_file.as_deref(),
        )?;
        let keylog = tlsdiag::tls::keylog::KeyLog::from_arg_or_env(self.keylog.as_deref())?;
        Ok(UiOptions {
            analyze: tlsdiag::analyze::AnalyzeOptions {
                decode: tlsdiag::tls::DecodeOptions {
                    keylog: keylog.map(std::sync::Arc::new),
                    ..Default::default()
                },
                ..Default::default()
            },
            diagnose: ctx,
            identity_path: self.identity.clone(),
            alias: self.alias.clone(),
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct LiveArgs {
    /// Interface to capture on (e.g. lo, eth0, any).
    #[arg(short = 'i', long)]
    pub interface: String,
    /// BPF capture filter, e.g. 'tcp port 443'.
    #[arg(short = 'f', long)]
    pub filter: Option<String>,
    /// Also save what is captured to this pcap file.
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// No colours (the same as --color never; also: the NO_COLOR environment variable).
    #[arg(long)]
    pub no_color: bool,
    #[command(flatten)]
    pub identity: IdentityArgs,
}

pub fn run(args: TuiArgs, ui: &super::Ui) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.file.as_os_str() == "-" || args.file.exists(),
        "cannot open {}: no such file",
        args.file.display()
    );
    let opts = args.identity.options()?;
    run_ui(Source::File(args.file), ui.color && !args.no_color, opts)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_live(args: LiveArgs, ui: &super::Ui) -> anyhow::Result<ExitCode> {
    let opts = args.identity.options()?;
    run_ui(
        Source::Live {
            iface: args.interface,
            filter: args.filter,
            write: args.write,
        },
        ui.color && !args.no_color,
        opts,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `tlsdiag FILE`: the terminal UI on a terminal, the text report when piped.
pub fn run_or_report(file: PathBuf, ui: &super::Ui) -> anyhow::Result<ExitCode> {
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        return run(
            TuiArgs {
                file,
                no_color: false,
                identity: IdentityArgs::default(),
            },
            ui,
        );
    }
    use clap::Parser;
    #[derive(clap::Parser)]
    struct Wrap {
        #[command(flatten)]
        args: super::analyze::AnalyzeArgs,
    }
    let w = Wrap::try_parse_from([std::ffi::OsString::from("analyze"), file.into_os_string()])?;
    super::analyze::run(w.args, ui)
}
