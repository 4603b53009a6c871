//! The logging facade's back end: `log` records (ours and rustls's, which rustls emits through
//! its `logging` feature) go to standard error, one line each, made safe for the terminal.
//! `-v`/`-vv`/`-vvv` pick the level; RUST_LOG, when set, takes precedence (env_logger syntax,
//! e.g. `RUST_LOG=rustls=trace,tlsdiag=debug`).

use std::io::Write as _;

/// The filter for `-v` counts: by default only our warnings (and everyone's errors), so a
/// probe that fails does not also print rustls's "Sending fatal alert" line.
fn default_filter(verbose: u8, quiet: bool) -> &'static str {
    if quiet {
        return "error";
    }
    match verbose {
        0 => "error,tlsdiag=warn",
        1 => "warn,tlsdiag=info",
        2 => "debug",
        _ => "trace",
    }
}

/// Installs the logger once, before any command runs.
pub fn init(verbose: u8, quiet: bool, color: bool) {
    let mut b = env_logger::Builder::new();
    b.parse_filters(default_filter(verbose, quiet));
    if let Some(spec) = std::env::var("RUST_LOG")
        .ok()
        .filter(|s| !s.trim().is_empty())
    {
        b.parse_filters(&spec);
    }
    b.target(env_logger::Target::Stderr);
    b.format(move |buf, record| {
        let level = record.level();
        let (on, off) = match (color, level) {
            (false, _) => ("", ""),
            (true, log::Level::Error) => ("\x1b[31m", "\x1b[0m"),
            (true, log::Level::Warn) => ("\x1b[33m", "\x1b[0m"),
            (true, _) => ("\x1b[2m", "\x1b[0m"),
        };
        // The message can quote a server or a capture (a name, a header): escaped, never
        // interpreted by the terminal.
        let msg = tlsdiag::report::safe(&record.args().to_string()).into_owned();
        writeln!(buf, "{on}[{level:<5} {}]{off} {msg}", record.target())
    });
    // Fails only when a logger is already installed: nothing to do then.
    let _ = b.try_init();
}
