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
    pub(super) fn options(&self) -> anyhow::Result<UiOptions> {
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
            live: Default::default(),
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
    /// Kernel capture buffer in MiB (tcpdump's -B is in KiB): a larger one rides out longer
    /// stalls of the reader before the kernel drops packets.
    #[arg(long, value_name = "MIB", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=2047))]
    pub buffer_size: u32,
    /// No terminal UI: capture until Ctrl-C/SIGTERM (or --duration), then print the report of
    /// what was seen and one line of counters (packets, drops) on standard error. The default
    /// when standard output is not a terminal.
    #[arg(long)]
    pub no_tui: bool,
    /// Without the UI: stop after this many seconds.
    #[arg(long, value_name = "SECS")]
    pub duration: Option<u64>,
    /// Without the UI: the report as JSON (the `analyze --json` document).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub identity: IdentityArgs,
}

impl LiveArgs {
    pub fn config(&self) -> tlsdiag::analyze::live::LiveConfig {
        tlsdiag::analyze::live::LiveConfig {
            buffer_bytes: self.buffer_size.saturating_mul(1 << 20),
            ..Default::default()
        }
    }
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
    if args.no_tui || args.json || args.duration.is_some() || !std::io::stdout().is_terminal() {
        return super::live::run(args, ui);
    }
    let mut opts = args.identity.options()?;
    opts.live = args.config();
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
