//! `tlsdiag tui FILE`, `tlsdiag FILE` and `tlsdiag live -i IFACE [-f BPF] [--write FILE]`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use tlsdiag::tui::run::{run as run_ui, Source};

#[derive(Debug, clap::Args)]
pub struct TuiArgs {
    /// Capture file (pcap or pcapng, also gzip/zstd/xz-compressed), or `-` for standard input.
    pub file: PathBuf,
    /// No colours (also: the NO_COLOR environment variable).
    #[arg(long)]
    pub no_color: bool,
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
    #[arg(long)]
    pub no_color: bool,
}

pub fn run(args: TuiArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.file.as_os_str() == "-" || args.file.exists(),
        "cannot open {}: no such file",
        args.file.display()
    );
    run_ui(Source::File(args.file), !args.no_color)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_live(args: LiveArgs) -> anyhow::Result<ExitCode> {
    run_ui(
        Source::Live {
            iface: args.interface,
            filter: args.filter,
            write: args.write,
        },
        !args.no_color,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `tlsdiag FILE`: the terminal UI on a terminal, the text report when piped.
pub fn run_or_report(file: PathBuf) -> anyhow::Result<ExitCode> {
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        return run(TuiArgs {
            file,
            no_color: false,
        });
    }
    use clap::Parser;
    #[derive(clap::Parser)]
    struct Wrap {
        #[command(flatten)]
        args: super::analyze::AnalyzeArgs,
    }
    let w = Wrap::try_parse_from([std::ffi::OsString::from("analyze"), file.into_os_string()])?;
    super::analyze::run(w.args)
}
