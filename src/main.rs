//! The `tlsdiag` binary: parse arguments, set up logging and colour, dispatch to a command,
//! map errors to exit codes.
//! Exit codes: 0 the input was analysed (whatever it showed), 1 only with `--fail-on` when
//! findings of that severity exist, 2 the tool itself failed (unreadable file, bad arguments).
//! Holds no analysis logic: that lives in the library.
//!
//! Arrows inside the binary point one way: `main → cli → cmd → tlsdiag` (and `main → cmd`);
//! `cmd` knows nothing of `cli` (its arguments are plain clap `Args` structs).

mod cli;
mod cmd;

use std::process::ExitCode;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let args = match cli::parse() {
        Ok(a) => a,
        Err(code) => return code,
    };
    let ui = cmd::Ui::new(args.global.color, args.global.quiet);
    cmd::log::init(args.global.verbose, args.global.quiet, ui.stderr_color);
    match dispatch(args, &ui) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("tlsdiag: {}", cmd::error_message(&err));
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli, ui: &cmd::Ui) -> anyhow::Result<ExitCode> {
    if let (Some(_), Some(file)) = (&cli.command, &cli.file) {
        anyhow::bail!(
            "{} before a command: give a file (`tlsdiag FILE`) or a command (`tlsdiag analyze FILE`), not both",
            file.display()
        );
    }
    match (cli.command, cli.file) {
        (Some(Command::Analyze(a)), _) => cmd::analyze::run(a, ui),
        (Some(Command::Identity(c)), _) => cmd::identity::run(c, ui),
        (Some(Command::Probe(a)), _) => cmd::probe::run(a, ui),
        (Some(Command::Compare(a)), _) => cmd::compare::run(a, ui),
        (Some(Command::Tui(a)), _) => cmd::tui::run(a, ui),
        (Some(Command::Live(a)), _) => cmd::tui::run_live(a, ui),
        (Some(Command::Completions(a)), _) => {
            cmd::meta::completions(a.shell, &mut cli::command())?;
            Ok(ExitCode::SUCCESS)
        }
        (Some(Command::Man(a)), _) => {
            cmd::meta::man(cli::command(), a.command.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
        (None, Some(file)) => cmd::tui::run_or_report(file, ui),
        (None, None) => {
            let _ = cli::command().print_help();
            Ok(ExitCode::from(2))
        }
    }
}

/// `tlsdiag analyze big.pcap | head` must end quietly, not with an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
