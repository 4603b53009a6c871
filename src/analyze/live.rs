//! Live capture into the analyzer (issue 18 §5), used by the live UI and the headless
//! `tlsdiag live`: a capture thread owns the libpcap handle and does nothing but copy what the
//! kernel hands over into batches (one buffer each, recycled) and pass them on through a bounded
//! channel; an analysis thread owns the [`Analyzer`]. When the analysis falls behind, the channel
//! fills up and batches are dropped and counted (`our_drops`) instead of blocking the capture
//! thread (a blocked reader lets the kernel ring overflow: libpcap's drops, which are lost for
//! good and invisible in the frames). What is waiting in the channel is bounded by count and by
//! bytes ([`MAX_QUEUED_BYTES`]).

use super::{AnalyzeOptions, Analyzer};
use crate::capture::live::{LiveBatch, LiveStopper};
/// What a caller needs to open the capture it hands to [`start`] (`capture::live` itself is
/// the crate's own).
pub use crate::capture::live::{LiveCapture, LiveConfig, LiveError};
use crate::capture::Frame;
use crate::model::Analysis;
use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Captured bytes waiting for the analysis at most (beyond it batches are dropped and counted).
pub const MAX_QUEUED_BYTES: u64 = 256 << 20;
/// Batches waiting at most.
const QUEUE_BATCHES: usize = 4096;
/// Frames per read at most (libpcap goes on to the next ready block until this many).
const READ_MAX: usize = 2048;
/// Emptied batches kept for reuse, and the largest buffer kept (a bigger one is freed).
const FREE_BATCHES: usize = 16;
const KEEP_CAPACITY: usize = 4 << 20;
/// How often the capture thread reads libpcap's counters and flushes the save file.
const STATS_EVERY: Duration = Duration::from_millis(250);

/// The counters, updated by the two threads while they run.
#[derive(Debug, Default)]
pub struct LiveCounters {
    analysed: AtomicU64,
    our_drops: AtomicU64,
    pcap_received: AtomicU64,
    pcap_dropped: AtomicU64,
    queued_bytes: AtomicU64,
    /// The capture's read error, if it ended with one.
    error: OnceLock<String>,
}

/// The counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveCounts {
    /// Frames handed to the analyzer.
    pub analysed: u64,
    /// Frames captured but dropped by us (the analysis had fallen behind).
    pub our_drops: u64,
    /// libpcap's `ps_recv`: packets that passed the filter (on `lo` each packet twice: libpcap
    /// skips the outgoing copy).
    pub pcap_received: u64,
    /// libpcap's `ps_drop`: packets the kernel dropped because the ring was full.
    pub pcap_dropped: u64,
}

impl LiveCounters {
    pub fn get(&self) -> LiveCounts {
        LiveCounts {
            analysed: self.analysed.load(Ordering::Relaxed),
            our_drops: self.our_drops.load(Ordering::Relaxed),
            pcap_received: self.pcap_received.load(Ordering::Relaxed),
            pcap_dropped: self.pcap_dropped.load(Ordering::Relaxed),
        }
    }

    /// The capture's read error (one line), if it stopped with one.
    pub fn error(&self) -> Option<&str> {
        self.error.get().map(String::as_str)
    }
}

/// Called on the analysis thread every `tick` with the analyzer and the counters (the UI takes
/// a snapshot here). Its own cost is the caller's to bound.
pub type OnTick = Box<dyn FnMut(&Analyzer, LiveCounts) + Send>;

/// A running live capture and analysis.
#[derive(Debug)]
pub struct LiveRun {
    counters: Arc<LiveCounters>,
    stop: Arc<AtomicBool>,
    stopper: LiveStopper,
    capture: JoinHandle<()>,
    analysis: JoinHandle<Analysis>,
}

/// Starts the capture and analysis threads. They run until `stop` is set and
/// [`LiveRun::finish`] (or the stopper) wakes the capture.
pub fn start(
    mut cap: LiveCapture,
    opts: AnalyzeOptions,
    stop: Arc<AtomicBool>,
    tick: Duration,
    on_tick: Option<OnTick>,
) -> LiveRun {
    let counters = Arc::new(LiveCounters::default());
    let (tx, rx) = bounded::<LiveBatch>(QUEUE_BATCHES);
    let (free_tx, free_rx) = bounded::<LiveBatch>(FREE_BATCHES);
    let stopper = cap.stopper();
    let (c1, s1) = (counters.clone(), stop.clone());
    let capture = std::thread::spawn(move || capture_loop(cap, tx, free_rx, &c1, &s1));
    let c2 = counters.clone();
    let analysis = std::thread::spawn(move || analysis_loop(rx, free_tx, opts, &c2, tick, on_tick));
    LiveRun {
        counters,
        stop,
        stopper,
        capture,
        analysis,
    }
}

impl LiveRun {
    pub fn counters(&self) -> Arc<LiveCounters> {
        self.counters.clone()
    }

    /// Stops the capture, lets the analysis take what is queued, and returns everything
    /// analysed (connections still open as seen so far) with the final counters.
    pub fn finish(self) -> (Analysis, LiveCounts) {
        self.stop.store(true, Ordering::Relaxed);
        self.stopper.stop();
        let _ = self.capture.join();
        let analysis = self.analysis.join().unwrap_or_default();
        (analysis, self.counters.get())
    }
}

fn capture_loop(
    mut cap: LiveCapture,
    tx: Sender<LiveBatch>,
    free: Receiver<LiveBatch>,
    c: &LiveCounters,
    stop: &AtomicBool,
) {
    let linktype = cap.linktype();
    let mut last_stats = Instant::now();
    let stats = |cap: &mut LiveCapture| {
        let s = cap.stats();
        c.pcap_received.store(s.received, Ordering::Relaxed);
        c.pcap_dropped.store(s.dropped, Ordering::Relaxed);
    };
    while !stop.load(Ordering::Relaxed) {
        let mut batch = free.try_recv().unwrap_or_else(|_| LiveBatch::new(linktype));
        batch.clear();
        match cap.read_batch(&mut batch, READ_MAX) {
            Ok(_) => {}
            Err(e) => {
                if !stop.load(Ordering::Relaxed) {
                    let _ = c.error.set(e.to_string());
                }
                break;
            }
        }
        if !batch.is_empty() {
            let n = u64::try_from(batch.len()).unwrap_or(u64::MAX);
            let bytes = u64::try_from(batch.bytes()).unwrap_or(u64::MAX);
            let queued = c.queued_bytes.load(Ordering::Relaxed);
            if queued.saturating_add(bytes) > MAX_QUEUED_BYTES {
                c.our_drops.fetch_add(n, Ordering::Relaxed);
            } else {
                c.queued_bytes.fetch_add(bytes, Ordering::Relaxed);
                if tx.try_send(batch).is_err() {
                    c.queued_bytes.fetch_sub(bytes, Ordering::Relaxed);
                    c.our_drops.fetch_add(n, Ordering::Relaxed);
                }
            }
        }
        if last_stats.elapsed() >= STATS_EVERY {
            last_stats = Instant::now();
            stats(&mut cap);
            cap.flush();
        }
    }
    stats(&mut cap);
    cap.flush();
}

fn analysis_loop(
    rx: Receiver<LiveBatch>,
    free: Sender<LiveBatch>,
    opts: AnalyzeOptions,
    c: &LiveCounters,
    tick: Duration,
    mut on_tick: Option<OnTick>,
) -> Analysis {
    let mut an = Analyzer::new(opts);
    an.set_source("live", "live");
    let mut index = 0u64;
    let mut last = Instant::now();
    loop {
        match rx.recv_timeout(tick.min(Duration::from_millis(100))) {
            Ok(batch) => {
                let n = u64::try_from(batch.len()).unwrap_or(u64::MAX);
                for (ts_ns, orig_len, data) in batch.frames() {
                    index += 1;
                    an.push_frame(&Frame {
                        index,
                        ts_ns,
                        linktype: batch.linktype,
                        data,
                        orig_len,
                    });
                }
                c.analysed.fetch_add(n, Ordering::Relaxed);
                let bytes = u64::try_from(batch.bytes()).unwrap_or(u64::MAX);
                c.queued_bytes.fetch_sub(bytes, Ordering::Relaxed);
                if batch.capacity() <= KEEP_CAPACITY {
                    let _ = free.try_send(batch);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if let Some(f) = on_tick.as_mut() {
            if last.elapsed() >= tick {
                last = Instant::now();
                f(&an, c.get());
            }
        }
    }
    an.finish()
}
