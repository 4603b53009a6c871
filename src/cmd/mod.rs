//! One module per subcommand: its clap arguments and its `run`. Binary-side only (anyhow here).

pub mod analyze;
pub mod compare;
pub mod identity;
pub mod probe;
pub mod tui;

use crate::cli::{Cli, Command};
use std::process::ExitCode;

pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match (cli.command, cli.file) {
        (Some(Command::Analyze(a)), _) => analyze::run(a),
        (Some(Command::Identity(c)), _) => identity::run(c),
        (Some(Command::Probe(a)), _) => probe::run(a),
        (Some(Command::Compare(a)), _) => compare::run(a),
        (Some(Command::Tui(a)), _) => tui::run(a),
        (Some(Command::Live(a)), _) => tui::run_live(a),
        (None, Some(file)) => tui::run_or_report(file),
        (None, None) => {
            use clap::CommandFactory;
            let _ = crate::cli::Cli::command().print_help();
            Ok(ExitCode::from(2))
        }
    }
}
