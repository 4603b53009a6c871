//! The ways into the analyzer: a path, several inputs, an opened input (a capture or a
//! javax.net.debug log), frames or bytes, each ending in a `model::Analysis` (kept whole,
//! streamed, or released in start order through a [`Delivery`]).

use super::*;

/// Analyses a capture file (or `-`, standard input; compressed or not), or a javax.net.debug log.
pub fn analyze_path(path: &Path, opts: &AnalyzeOptions) -> Result<Analysis, AnalyzeError> {
    analyze_inputs(&[InputPath::from_arg(path.as_os_str())], opts)
}

/// Analyses a capture file, handing each connection to `sink` as soon as it ends (numbered in
/// that order). The returned analysis has the source, the counters and the anomalies, and no
/// connections. Memory grows with the connections open at one time, not with the file.
pub fn analyze_path_streaming(
    path: &Path,
    opts: &AnalyzeOptions,
    sink: Box<dyn FnMut(Connection)>,
) -> Result<Analysis, AnalyzeError> {
    let paths = [InputPath::from_arg(path.as_os_str())];
    analyze_opened(
        open(&paths)?,
        &source_name(&paths),
        opts,
        Delivery::Streaming(sink),
    )
}

/// Like [`analyze_path_streaming`], but connections reach `sink` in the order they started,
/// numbered as [`analyze_path`] numbers them (`--json` writes its document this way).
pub fn analyze_path_ordered(
    path: &Path,
    opts: &AnalyzeOptions,
    sink: Box<dyn FnMut(Connection)>,
) -> Result<Analysis, AnalyzeError> {
    let paths = [InputPath::from_arg(path.as_os_str())];
    analyze_opened(
        open(&paths)?,
        &source_name(&paths),
        opts,
        Delivery::Ordered(sink),
    )
}

/// Analyses one input, or several merged by time into one capture (a tcpdump ring buffer).
pub fn analyze_inputs(
    paths: &[InputPath],
    opts: &AnalyzeOptions,
) -> Result<Analysis, AnalyzeError> {
    analyze_opened(open(paths)?, &source_name(paths), opts, Delivery::Keep)
}

/// The source name of a report: the input's name, or the merged inputs' names joined.
pub fn source_name(paths: &[InputPath]) -> String {
    paths
        .iter()
        .map(InputPath::name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where finished connections go.
pub enum Delivery {
    /// Kept and returned in the analysis.
    Keep,
    /// To the sink as each ends, numbered in that order ([`analyze_path_streaming`]).
    Streaming(Box<dyn FnMut(Connection)>),
    /// To the sink in start order ([`analyze_path_ordered`]).
    Ordered(Box<dyn FnMut(Connection)>),
}

/// What an opened input holds.
#[derive(Debug)]
pub enum Opened {
    /// Frames of a capture (or of several merged by time).
    Frames(capture::Frames),
    /// A javax.net.debug log (read by [`crate::jsselog`]).
    JavaLog(capture::input::Input),
}

/// Opens inputs: one is recognised by its content (a capture, compressed or not, or a
/// javax.net.debug log); several are merged by time as captures.
pub fn open(paths: &[InputPath]) -> Result<Opened, AnalyzeError> {
    match paths {
        [one] => open_input(capture::open(one)?),
        many => Ok(Opened::Frames(capture::Frames::Merged(
            capture::MergeReader::open(many)?,
        ))),
    }
}

/// Tells an opened input's kind apart: text that holds javax.net.debug lines is a log, anything
/// else must be a capture (or fails saying what it is).
pub fn open_input(mut inp: capture::input::Input) -> Result<Opened, AnalyzeError> {
    if inp.kind == capture::Kind::Text {
        let name = inp.name.clone();
        let head =
            inp.peek(crate::jsselog::SNIFF_BYTES)
                .map_err(|e| capture::CaptureError::Read {
                    path: name,
                    detail: e.to_string(),
                })?;
        if crate::jsselog::sniff(head).is_some() {
            return Ok(Opened::JavaLog(inp));
        }
    }
    Ok(Opened::Frames(capture::Frames::One(Box::new(
        capture::FrameReader::from_input(inp)?,
    ))))
}

/// Analyses an opened input, reporting it as source `name`.
pub fn analyze_opened(
    opened: Opened,
    name: &str,
    opts: &AnalyzeOptions,
    delivery: Delivery,
) -> Result<Analysis, AnalyzeError> {
    let inp = match opened {
        Opened::Frames(frames) => return Ok(analyze_frames(frames, name, opts, delivery)),
        Opened::JavaLog(inp) => inp,
    };
    if opts.host.is_some() || opts.port.is_some() {
        return Err(crate::jsselog::JsseLogError::AddressFilter.into());
    }
    let log_opts = crate::jsselog::LogOptions {
        sni: opts.sni.clone(),
    };
    let compression = inp.compression.map(|c| c.name().to_owned());
    let reader = std::io::BufReader::with_capacity(64 * 1024, inp.into_reader());
    let mut a = crate::jsselog::analyze_reader(name, reader, &log_opts)?;
    a.source.compression = compression;
    // A log is read whole (it is text of a bounded size per line and record): its connections go
    // to the sink in log order, numbered as the plain analysis numbers them.
    if let Delivery::Streaming(mut sink) | Delivery::Ordered(mut sink) = delivery {
        for c in std::mem::take(&mut a.connections) {
            sink(c);
        }
    }
    Ok(a)
}

/// Analyses opened frames (one input or a merge), reporting them as source `name`.
pub fn analyze_frames(
    frames: capture::Frames,
    name: &str,
    opts: &AnalyzeOptions,
    delivery: Delivery,
) -> Analysis {
    let mut an = Analyzer::new(opts.clone());
    match delivery {
        Delivery::Keep => {}
        Delivery::Streaming(sink) => an.set_sink(sink),
        Delivery::Ordered(sink) => an.set_ordered_sink(sink),
    }
    let summary = frames.drain(&mut |f| an.push_frame(&f));
    finish_with(an, name, &summary)
}

/// Analyses an in-memory capture (the probe's synthesised pcap).
pub fn analyze_bytes(
    name: &str,
    bytes: &[u8],
    opts: &AnalyzeOptions,
) -> Result<Analysis, AnalyzeError> {
    let mut an = Analyzer::new(opts.clone());
    let summary = capture::read_reader(name, bytes, &mut |f| an.push_frame(&f))?;
    Ok(finish_with(an, name, &summary))
}

/// Ends the analysis of frames read from an input: names the source and turns the reader's
/// damage reports into anomalies (a merge's parts each with their file name and the merged
/// number of their last frame).
pub fn finish_with(mut an: Analyzer, name: &str, summary: &capture::FileSummary) -> Analysis {
    an.set_source(name, &summary.format);
    an.source.compression = summary.compression.map(|c| c.name().to_owned());
    an.source.files = summary
        .parts
        .iter()
        .map(|p| SourceFile {
            name: p.name.clone(),
            format: p.format.clone(),
            compression: p.compression.map(|c| c.name().to_owned()),
            frames: p.frames,
        })
        .collect();
    let merged = !summary.parts.is_empty();
    for part in summary.all() {
        let prefix = if merged && !part.name.is_empty() {
            format!("{}: ", part.name)
        } else {
            String::new()
        };
        let frame = Some(part.last_frame.unwrap_or(part.frames));
        if let Some(t) = &part.truncated {
            an.add_anomaly(Anomaly::new(
                "truncated_file",
                frame,
                None,
                format!("{prefix}{t}"),
            ));
        }
        if let Some(t) = &part.read_error {
            an.add_anomaly(Anomaly::new(
                "read_error",
                frame,
                None,
                format!("{prefix}{t}"),
            ));
        }
    }
    an.finish()
}
