//! The only crossterm user: terminal set-up and restore (also on panic), the event loop, and the
//! worker threads — the file loader, the live capture (capture thread → bounded channel →
//! analysis thread), the probe. Every channel is bounded; a full UI channel drops a snapshot
//! (the next one supersedes it), never blocks the workers.

use super::app::{App, Effect, MouseAct, Msg, ProbeRun};
use super::form::Field;
use crate::analyze::{AnalyzeOptions, Analyzer};
use crate::capture::live::LiveCapture;
use crossbeam_channel::{bounded, select, Receiver, Sender};
use crossterm::event::{self, Event, KeyEventKind};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::ExecutableCommand;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TuiError {
    #[error("terminal: {0}")]
    // Said in the message, so not also a `source()` (an error chain says it once).
    Terminal(std::io::Error),
    #[error(transparent)]
    Live(#[from] crate::capture::live::LiveError),
}

impl From<std::io::Error> for TuiError {
    fn from(e: std::io::Error) -> Self {
        TuiError::Terminal(e)
    }
}

/// What to show.
pub enum Source {
    File(PathBuf),
    Live {
        iface: String,
        filter: Option<String>,
        write: Option<PathBuf>,
    },
}

/// How to decode (key log) and diagnose (identity) what is shown.
#[derive(Debug, Clone, Default)]
pub struct UiOptions {
    pub analyze: AnalyzeOptions,
    pub diagnose: crate::diagnose::Context,
    /// `--identity` and `--alias`, prefilled in the probe form (never the password).
    pub identity_path: Option<PathBuf>,
    pub alias: Option<String>,
    /// Live capture: the kernel buffer and hand-over timeout.
    pub live: crate::capture::live::LiveConfig,
}

/// Restores the terminal when dropped (normal exit, error, or unwinding panic).
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    let _ = std::io::stdout().execute(crossterm::event::DisableMouseCapture);
    let _ = disable_raw_mode();
    let _ = std::io::stdout().execute(LeaveAlternateScreen);
    let _ = std::io::stdout().execute(crossterm::cursor::Show);
}

/// Loads a capture (a file or `-`, compressed or not) in a thread, sending snapshots while it
/// reads (large files open progressively; progress counts the file's own bytes, compressed or
/// not) and the final analysis at the end.
pub fn spawn_loader(path: PathBuf, opts: AnalyzeOptions, tx: Sender<Msg>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let input = crate::capture::InputPath::from_arg(path.as_os_str());
        let total = match &input {
            crate::capture::InputPath::File(p) => {
                std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
            }
            crate::capture::InputPath::Stdin => 0,
        };
        let opened = crate::capture::open(&input)
            .map_err(crate::analyze::AnalyzeError::from)
            .and_then(|inp| {
                let read = inp.bytes_read();
                Ok((crate::analyze::open_input(inp)?, read))
            });
        let (mut frames, read) = match opened {
            Ok((crate::analyze::Opened::Frames(f), read)) => (f, read),
            // A javax.net.debug log is read whole (text, bounded per line): no progressive view.
            Ok((log, _)) => {
                let delivery = crate::analyze::Delivery::Keep;
                match crate::analyze::analyze_opened(log, &input.name(), &opts, delivery) {
                    Ok(a) => {
                        let _ = tx.send(Msg::Analysis(Box::new(a)));
                        let _ = tx.send(Msg::LoadFinished);
                    }
                    Err(e) => {
                        let _ = tx.send(Msg::LoadFailed(format!("{e:#}")));
                    }
                }
                return;
            }
            Err(e) => {
                let _ = tx.send(Msg::LoadFailed(format!("{e:#}")));
                return;
            }
        };
        let mut an = Analyzer::new(opts);
        let mut last = Instant::now();
        while !stop.load(Ordering::Relaxed) && frames.advance() {
            if let Some(f) = frames.frame() {
                an.push_frame(&f);
            }
            if last.elapsed() > Duration::from_millis(300) {
                last = Instant::now();
                let done = read.load(Ordering::Relaxed);
                let _ = tx.try_send(Msg::Progress { done, total });
                let _ = tx.try_send(Msg::Analysis(Box::new(an.snapshot())));
            }
        }
        let sum = frames.into_summary();
        let a = crate::analyze::finish_with(an, &input.name(), &sum);
        let _ = tx.send(Msg::Analysis(Box::new(a)));
        let _ = tx.send(Msg::LoadFinished);
    });
}

/// Live capture (`analyze::live`: a capture thread that only copies batches, a bounded queue
/// whose overflow is counted, an analysis thread): every 250 ms the counters, and a snapshot of
/// the analysis as often as it stays cheap — a snapshot copies every connection, so the next one
/// waits at least ten times as long as the last one took (the analysis keeps up with the capture).
pub fn spawn_live(
    cap: LiveCapture,
    opts: AnalyzeOptions,
    tx: Sender<Msg>,
    stop: Arc<AtomicBool>,
) -> crate::analyze::live::LiveRun {
    let mut next = Instant::now();
    let on_tick: crate::analyze::live::OnTick = Box::new(move |an, n| {
        let _ = tx.try_send(Msg::Live {
            frames: n.analysed,
            our_drops: n.our_drops,
            pcap_drops: n.pcap_dropped,
        });
        let now = Instant::now();
        if now >= next && !tx.is_full() {
            let _ = tx.try_send(Msg::Analysis(Box::new(an.snapshot())));
            next = now + (now.elapsed() * 10).max(Duration::from_millis(250));
        }
    });
    crate::analyze::live::start(cap, opts, stop, Duration::from_millis(250), Some(on_tick))
}

/// Starts a live capture and its analysis without a terminal (for scripts and tests): returns
/// the channel of snapshots.
pub fn live_headless(
    iface: &str,
    filter: Option<&str>,
    write: Option<&std::path::Path>,
    stop: Arc<AtomicBool>,
) -> Result<Receiver<Msg>, TuiError> {
    let cap = LiveCapture::open(iface, filter, write)?;
    let (tx, rx) = bounded(16);
    // Detached: the threads end when `stop` is set and the capture wakes (traffic or its end).
    drop(spawn_live(cap, AnalyzeOptions::default(), tx, stop));
    Ok(rx)
}

/// Runs the form's probe in a thread: the request becomes options through the library's
/// `ProbeRequest::options` (the CLI's code), then the probe, then the files it asked for.
fn spawn_probe(req: Box<crate::probe::request::ProbeRequest>, tx: Sender<Msg>) {
    std::thread::spawn(move || {
        let run = ProbeRun::execute(&req);
        let _ = tx.send(Msg::ProbeDone(Box::new(run)));
    });
}

/// Puts `text` on the clipboard with OSC 52 (the terminal decides whether to allow it; at
/// most 64 KiB, as many terminals refuse more).
fn osc52(text: &str) {
    use base64::Engine as _;
    use std::io::Write as _;
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.get(..end).unwrap_or(""));
    let mut out = std::io::stdout();
    let _ = write!(out, "\x1b]52;c;{b64}\x07");
    let _ = out.flush();
}

/// Runs the UI until the user quits.
pub fn run(source: Source, color: bool, opts: UiOptions) -> Result<(), TuiError> {
    let (title, live) = match &source {
        Source::File(p) => (p.display().to_string(), false),
        Source::Live { iface, .. } => (format!("live on {iface}"), true),
    };
    let live_source = match &source {
        Source::Live { iface, filter, .. } => Some((iface.clone(), filter.clone())),
        Source::File(_) => None,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (data_tx, data_rx) = bounded::<Msg>(16);
    match source {
        Source::File(p) => spawn_loader(p, opts.analyze.clone(), data_tx.clone(), stop.clone()),
        Source::Live {
            iface,
            filter,
            write,
        } => {
            // Open before touching the terminal: permission errors print as plain lines.
            let cap =
                LiveCapture::open_with(&iface, filter.as_deref(), write.as_deref(), opts.live)?;
            spawn_live(cap, opts.analyze.clone(), data_tx.clone(), stop.clone());
        }
    }
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        prev(info);
    }));
    enable_raw_mode()?;
    std::io::stdout().execute(EnterAlternateScreen)?;
    // Click to select, wheel to scroll (text selection: Shift+drag in most terminals; y copies).
    std::io::stdout().execute(crossterm::event::EnableMouseCapture)?;
    let _guard = Restore;
    let mut term = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let mut app = App::new(&title, std::env::var_os("NO_COLOR").is_none());
    app.diagnose = opts.diagnose;
    app.live_source = live_source;
    if let Some(p) = &opts.identity_path {
        app.form.set(Field::Identity, &p.display().to_string());
        app.form
            .set(Field::Alias, opts.alias.as_deref().unwrap_or_default());
    }
    if !color {
        app.color = false;
    }
    app.loading = !live;
    if let Ok((w, h)) = crossterm::terminal::size() {
        app.update(Msg::Resize(w, h));
    }
    let (key_tx, key_rx) = bounded::<Msg>(64);
    let s2 = stop.clone();
    std::thread::spawn(move || {
        while !s2.load(Ordering::Relaxed) {
            if event::poll(Duration::from_millis(100)).unwrap_or(false) {
                let msg = match event::read() {
                    Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => Msg::Key(k),
                    Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                    Ok(Event::Mouse(m)) => {
                        use crossterm::event::{MouseButton, MouseEventKind};
                        let act = match m.kind {
                            MouseEventKind::Down(MouseButton::Left) => MouseAct::Click,
                            MouseEventKind::ScrollUp => MouseAct::WheelUp,
                            MouseEventKind::ScrollDown => MouseAct::WheelDown,
                            _ => continue,
                        };
                        Msg::Mouse(act, m.column, m.row)
                    }
                    _ => continue,
                };
                if key_tx.send(msg).is_err() {
                    break;
                }
            }
        }
    });
    let (probe_tx, probe_rx) = bounded::<Msg>(2);
    let tick = crossbeam_channel::tick(Duration::from_millis(250));
    loop {
        term.draw(|f| super::views::render(&app, f))?;
        let msg = select! {
            recv(key_rx) -> m => m.ok(),
            recv(data_rx) -> m => m.ok(),
            recv(probe_rx) -> m => m.ok(),
            recv(tick) -> _ => Some(Msg::Tick),
        };
        let Some(msg) = msg else { continue };
        for e in app.update(msg) {
            match e {
                Effect::Quit => {
                    stop.store(true, Ordering::Relaxed);
                    return Ok(());
                }
                Effect::RunProbe(req) => spawn_probe(req, probe_tx.clone()),
                Effect::Copy(text) => osc52(&text),
            }
        }
    }
}
