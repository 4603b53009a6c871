//! Progress on standard error while a big file is read: bytes read of the file's size, redrawn
//! at most five times a second on one line, only when standard error is a terminal (never in a
//! pipe or a log file), never with `--quiet`, and only once the read has taken a second.

use std::io::{IsTerminal as _, Write as _};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Files below this size are read too fast for progress to help.
pub const MIN_BYTES: u64 = 16 * 1024 * 1024;
const TICK: Duration = Duration::from_millis(200);
const QUIET_START: Duration = Duration::from_secs(1);

/// Whether a file of `total` bytes gets a progress line (`stdout_busy`: standard output is the
/// same terminal and is being written meanwhile).
pub fn wanted(total: u64, quiet: bool, stdout_busy: bool) -> bool {
    !quiet && total >= MIN_BYTES && std::io::stderr().is_terminal() && !stdout_busy
}

/// A running progress line; stopping (or dropping) it ends the thread and clears the line.
pub struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    pub fn start(name: &str, total: u64, read: Arc<AtomicU64>) -> Option<Progress> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let name = tlsdiag::report::safe(name).into_owned();
        let thread = std::thread::Builder::new()
            .name("tlsdiag-progress".into())
            .spawn(move || {
                let begun = Instant::now();
                let mut drawn = 0usize;
                while !flag.load(Ordering::Relaxed) {
                    std::thread::park_timeout(TICK);
                    if flag.load(Ordering::Relaxed) || begun.elapsed() < QUIET_START {
                        continue;
                    }
                    let line = line(&name, read.load(Ordering::Relaxed), total);
                    drawn = drawn.max(line.chars().count());
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r{line:<drawn$}");
                    let _ = err.flush();
                }
                if drawn > 0 {
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r{:drawn$}\r", "");
                    let _ = err.flush();
                }
            })
            .ok()?;
        Some(Progress {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

/// `tlsdiag: reading big.pcap: 412.0 MiB of 1.2 GiB (33%)`.
pub fn line(name: &str, done: u64, total: u64) -> String {
    let pct = done
        .min(total)
        .saturating_mul(100)
        .checked_div(total)
        .unwrap_or(0);
    format!(
        "tlsdiag: reading {name}: {} of {} ({pct}%)",
        size(done),
        size(total)
    )
}

fn size(n: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    let n = n as f64;
    if n >= 1024.0 * MIB {
        format!("{:.1} GiB", n / (1024.0 * MIB))
    } else {
        format!("{:.1} MiB", n / MIB)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_says_bytes_of_total_and_percent() {
        assert_eq!(
            super::line("big.pcap", 412 * 1024 * 1024, 1236 * 1024 * 1024),
            "tlsdiag: reading big.pcap: 412.0 MiB of 1.2 GiB (33%)"
        );
        assert_eq!(
            super::line("x", 5, 0),
            "tlsdiag: reading x: 0.0 MiB of 0.0 MiB (0%)"
        );
    }
}
