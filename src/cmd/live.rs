//! `tlsdiag live` without the terminal UI (`--no-tui`, or standard output not a terminal): for
//! scripts and for bench/live.sh. Captures until Ctrl-C / SIGTERM or `--duration`, then prints
//! the report of what was seen (text, or `--json`) on standard output and one line of counters
//! on standard error: frames analysed, libpcap's received and dropped, and our own drops.

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::tui::LiveArgs;

pub fn run(args: LiveArgs, ui: &super::Ui) -> anyhow::Result<ExitCode> {
    let opts = args.identity.options()?;
    let cap = tlsdiag::analyze::live::LiveCapture::open_with(
        &args.interface,
        args.filter.as_deref(),
        args.write.as_deref(),
        args.config(),
    )?;
    // Ctrl-C / SIGTERM end the capture (the report is still printed); a second one kills.
    let signalled = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(sig, 1, signalled.clone())?;
        signal_hook::flag::register(sig, signalled.clone())?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let run = tlsdiag::analyze::live::start(
        cap,
        opts.analyze.clone(),
        stop,
        Duration::from_millis(250),
        None,
    );
    let counters = run.counters();
    let start = Instant::now();
    let until = args.duration.map(Duration::from_secs);
    ui.note(&format!(
        "capturing on {} (filter {}); Ctrl-C ends and prints the report",
        args.interface,
        args.filter.as_deref().unwrap_or("none")
    ));
    while !signalled.load(Ordering::Relaxed)
        && until.is_none_or(|d| start.elapsed() < d)
        && counters.error().is_none()
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let (mut analysis, n) = run.finish();
    tlsdiag::diagnose::diagnose_analysis(&mut analysis, &opts.diagnose);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        tlsdiag::report::json::write(&mut out, &analysis)?;
    } else {
        let topts = tlsdiag::report::text::TextOptions {
            color: ui.color && !args.no_color,
            detail: tlsdiag::report::text::Detail::Auto,
            width: 100,
        };
        tlsdiag::report::text::write_analysis(&mut out, &analysis, &topts)?;
    }
    out.flush()?;
    // Not a note: the counters are this mode's result for scripts (bench/live.sh reads them).
    eprintln!(
        "tlsdiag: live on {} (filter {}): {} frames analysed, {} connection{}; libpcap received {} dropped {}; dropped by tlsdiag {}",
        tlsdiag::report::safe(&args.interface),
        tlsdiag::report::safe(args.filter.as_deref().unwrap_or("none")),
        n.analysed,
        analysis.connections.len(),
        if analysis.connections.len() == 1 { "" } else { "s" },
        n.pcap_received,
        n.pcap_dropped,
        n.our_drops
    );
    if let Some(e) = counters.error() {
        anyhow::bail!("{e}");
    }
    Ok(ExitCode::SUCCESS)
}
