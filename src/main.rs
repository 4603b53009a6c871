//! The `tlsdiag` binary: parse arguments, dispatch to a command, map errors to exit codes.
//! Exit codes: 0 the input was analysed (whatever it showed), 1 only with `--fail-on` when
//! findings of that severity exist, 2 the tool itself failed (unreadable file, bad arguments).
//! Holds no analysis logic: that lives in the library.

mod cli;
mod cmd;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match cli::parse() {
        Ok(a) => a,
        Err(code) => return code,
    };
    match cmd::dispatch(args) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            // Errors quote file names, servers and captures: escaped for the terminal.
            eprintln!("tlsdiag: {}", tlsdiag::report::safe(&format!("{err:#}")));
            ExitCode::from(2)
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
