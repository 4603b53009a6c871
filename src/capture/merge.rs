//! Several captures read as one (`analyze --merge`): frames in timestamp order across files, as
//! a tcpdump ring buffer (`-C`/`-G`/`-W`: dump0, dump1, …) needs when one connection spans the
//! rotation. A k-way merge of streaming readers: each file is read as a stream and only the
//! files whose time range has been reached are open, so memory stays that of a few readers
//! whatever the number of files.
//!
//! Order: the earliest timestamp first; on equal timestamps the file given first — what
//! `mergecap` (Wireshark) does, so frame numbers equal those of `mergecap -w all.pcap FILES`.
//! Within a file, frames keep their file order. Must not parse above the link layer.

use super::file::{CaptureError, FileSummary, FrameReader};
use super::input::{self, InputPath};
use super::Frame;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// With more inputs than this, files are closed after their first frame was read and opened
/// again when the merge reaches their time (a ring of 1000 files must not hold 1000 buffers).
const MAX_KEPT_OPEN: usize = 16;
/// Read buffer per merged file (grows for larger blocks).
const MERGE_BUF: usize = 256 * 1024;

struct Source {
    path: InputPath,
    /// Timestamp of the file's first frame (None: no frame at all).
    first_ts: Option<u64>,
    reader: Option<FrameReader<'static>>,
    /// Set when the file has been read to its end (or could not be read again).
    done: Option<FileSummary>,
    /// Merged number of the last frame taken from this file.
    last_index: u64,
}

/// Frames of several inputs, merged by time.
pub struct MergeReader {
    sources: Vec<Source>,
    /// Open files by their current frame: (timestamp, input order).
    heap: BinaryHeap<Reverse<(u64, usize)>>,
    /// Files not opened yet, by first timestamp.
    waiting: VecDeque<usize>,
    cur: Option<usize>,
    index: u64,
}

impl std::fmt::Debug for MergeReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MergeReader")
            .field("inputs", &self.sources.len())
            .field("index", &self.index)
            .finish()
    }
}

fn open_reader(path: &InputPath) -> Result<FrameReader<'static>, CaptureError> {
    FrameReader::from_input_buffered(input::open(path)?, MERGE_BUF)
}

impl MergeReader {
    /// Opens every input to learn when its first frame was captured. An input that cannot be
    /// read fails the merge (a ring buffer with a missing piece would be silently wrong); an
    /// empty file (tcpdump stopped before writing) is a part with no frames.
    pub fn open(paths: &[InputPath]) -> Result<MergeReader, CaptureError> {
        let keep_open = paths.len() <= MAX_KEPT_OPEN;
        let mut sources = Vec::with_capacity(paths.len());
        for p in paths {
            let mut src = Source {
                path: p.clone(),
                first_ts: None,
                reader: None,
                done: None,
                last_index: 0,
            };
            match open_reader(p) {
                Ok(mut r) => {
                    if r.advance() {
                        src.first_ts = r.frame().map(|f| f.ts_ns);
                    }
                    if src.first_ts.is_none() {
                        src.done = Some(r.into_summary());
                    } else if keep_open || p.is_stdin() {
                        src.reader = Some(r);
                    }
                }
                Err(CaptureError::Empty { path }) => {
                    src.done = Some(FileSummary {
                        name: path,
                        truncated: Some("the file is empty".into()),
                        ..FileSummary::default()
                    });
                }
                Err(e) => return Err(e),
            }
            sources.push(src);
        }
        let mut waiting: Vec<usize> = (0..sources.len())
            .filter(|&i| sources.get(i).is_some_and(|s| s.done.is_none()))
            .collect();
        waiting.sort_by_key(|&i| (sources.get(i).and_then(|s| s.first_ts), i));
        Ok(MergeReader {
            sources,
            heap: BinaryHeap::new(),
            waiting: waiting.into(),
            cur: None,
            index: 0,
        })
    }

    /// The frame [`MergeReader::advance`] moved to, numbered in merged order.
    pub fn frame(&self) -> Option<Frame<'_>> {
        let i = self.cur?;
        let f = self.sources.get(i)?.reader.as_ref()?.frame()?;
        Some(Frame {
            index: self.index,
            ..f
        })
    }

    /// Moves to the next frame in time order; `false` when every input is exhausted.
    pub fn advance(&mut self) -> bool {
        if let Some(i) = self.cur.take() {
            self.step_source(i);
        }
        // Open the files whose first frame is due before (or with) the earliest open frame.
        while let Some(&w) = self.waiting.front() {
            let first = self.sources.get(w).and_then(|s| s.first_ts);
            let due = match self.heap.peek() {
                None => true,
                Some(Reverse((ts, _))) => first.is_some_and(|f| f <= *ts),
            };
            if !due {
                break;
            }
            self.waiting.pop_front();
            self.start_source(w);
        }
        let Some(Reverse((_, i))) = self.heap.pop() else {
            return false;
        };
        self.cur = Some(i);
        self.index += 1;
        if let Some(s) = self.sources.get_mut(i) {
            s.last_index = self.index;
        }
        true
    }

    /// Puts a due file in the heap, opening it again if it was closed after the first look.
    fn start_source(&mut self, i: usize) {
        let Some(src) = self.sources.get_mut(i) else {
            return;
        };
        if src.reader.is_none() {
            match open_reader(&src.path) {
                Ok(mut r) => {
                    if r.advance() {
                        src.reader = Some(r);
                    } else {
                        src.done = Some(r.into_summary());
                    }
                }
                Err(e) => {
                    src.done = Some(FileSummary {
                        name: src.path.name(),
                        read_error: Some(format!("could not be read again: {e}")),
                        ..FileSummary::default()
                    });
                }
            }
        }
        if let Some(ts) = src.reader.as_ref().and_then(|r| r.frame()).map(|f| f.ts_ns) {
            self.heap.push(Reverse((ts, i)));
        }
    }

    /// Moves file `i` past the frame just delivered; closes it at its end.
    fn step_source(&mut self, i: usize) {
        let Some(src) = self.sources.get_mut(i) else {
            return;
        };
        let Some(r) = src.reader.as_mut() else {
            return;
        };
        if r.advance() {
            if let Some(f) = r.frame() {
                self.heap.push(Reverse((f.ts_ns, i)));
            }
        } else if let Some(r) = src.reader.take() {
            src.done = Some(r.into_summary());
        }
    }

    /// The merged summary: totals, and each input's own summary in `parts` (input order), with
    /// the merged number of its last frame.
    pub fn into_summary(self) -> FileSummary {
        let mut sum = FileSummary::default();
        for s in self.sources {
            let mut part = match (s.done, s.reader) {
                (Some(d), _) => d,
                (None, Some(r)) => r.into_summary(),
                (None, None) => FileSummary {
                    name: s.path.name(),
                    ..FileSummary::default()
                },
            };
            if !part.format.is_empty() && !sum.format.split('+').any(|f| f == part.format) {
                if !sum.format.is_empty() {
                    sum.format.push('+');
                }
                sum.format.push_str(&part.format);
            }
            for l in &part.link_types {
                if !sum.link_types.contains(l) {
                    sum.link_types.push(*l);
                }
            }
            sum.frames += part.frames;
            sum.bytes += part.bytes;
            part.last_frame = (s.last_index > 0).then_some(s.last_index);
            sum.parts.push(part);
        }
        sum
    }
}
