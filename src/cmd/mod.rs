//! One module per subcommand: its clap arguments and its `run`. Binary-side only (anyhow here).
//! Nothing here imports `cli` (which assembles these arguments) or `main`: the arrows run
//! `main → cli → cmd` and `main → cmd`, and from here only into the library.

pub mod analyze;
pub mod compare;
pub mod identity;
pub mod live;
pub mod log;
pub mod meta;
pub mod probe;
pub mod progress;
pub mod redact;
pub mod tui;

use std::io::IsTerminal as _;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What every command needs to know about the terminal it prints to, decided once from the
/// global flags: whether standard output and standard error get colour, and `--quiet`.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub color: bool,
    pub stderr_color: bool,
    pub quiet: bool,
}

impl Ui {
    /// `--color always|never` decide; `auto` colours a terminal unless NO_COLOR is set to a
    /// non-empty value (no-color.org: an explicit flag overrides NO_COLOR).
    pub fn new(choice: ColorChoice, quiet: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let pick = |is_tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_tty && !no_color,
        };
        Ui {
            color: pick(std::io::stdout().is_terminal()),
            stderr_color: pick(std::io::stderr().is_terminal()),
            quiet,
        }
    }

    /// A note for the user on standard error (not an error): left out with `--quiet`.
    pub fn note(&self, msg: &str) {
        if !self.quiet {
            eprintln!("tlsdiag: {}", tlsdiag::report::safe(msg));
        }
    }
}

/// An error and its causes on one line, each cause said once: a cause whose text the line
/// already ends with (a wrapper that printed its source) is not repeated. Made safe for the
/// terminal: file names and server text in errors cannot carry escape sequences.
pub fn error_message(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.ends_with(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    tlsdiag::report::safe(&line).into_owned()
}

/// `context` that names a file only when the error does not already: "cannot analyse x.pcap:
/// cannot open x.pcap: …" says the name twice, so the outer words are left out then.
pub trait NameOnce<T> {
    fn naming(self, what: &str, name: &dyn std::fmt::Display) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> NameOnce<T> for Result<T, E> {
    fn naming(self, what: &str, name: &dyn std::fmt::Display) -> anyhow::Result<T> {
        self.map_err(|e| {
            let e: anyhow::Error = e.into();
            let name = name.to_string();
            if e.chain().any(|c| c.to_string().contains(&name)) {
                e
            } else {
                e.context(format!("{what} {name}"))
            }
        })
    }
}
