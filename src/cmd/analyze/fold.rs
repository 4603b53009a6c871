//! The text report of `analyze` without keeping every connection (issue 13 §4): each finished
//! connection is diagnosed and handed to `report::fold::Folder` in start order, which counts it
//! into the summary and keeps only what the report lists (all of them up to
//! `report::fold::FOLD_THRESHOLD`, so a small capture's report is the one it always was).

use super::*;
use std::cell::RefCell;
use std::rc::Rc;
use tlsdiag::report::fold::Folder;

/// Whether the report of these arguments folds: the plain text report of a whole capture
/// (`--all`, `--redact` and the other formats keep every connection: `--redact` picks its tokens
/// from all of them, Markdown is not folded yet; `--conn N` keeps one, [`run_conn`]).
pub(super) fn applies(args: &AnalyzeArgs) -> bool {
    args.output() == Format::Text && args.conn.is_none() && !args.all && !args.redaction.redact
}

/// `--conn N` (any format, not with `--redact`, which numbers its tokens over all connections):
/// only connection N is kept while the others are counted, so the command the folded report
/// points to is bounded too.
pub(super) fn run_conn(
    args: &AnalyzeArgs,
    n: usize,
    job: &Job,
    opts: &tlsdiag::analyze::AnalyzeOptions,
    ctx: &tlsdiag::diagnose::Context,
    ui: &super::super::Ui,
) -> anyhow::Result<bool> {
    let ctx = ctx.clone();
    // (connection N once seen, connections counted)
    let (mut analysis, (found, total)) =
        analyze_into(job, opts, ui, (None, 0usize), move |s, mut c| {
            s.1 += 1;
            if c.id == n && s.0.is_none() {
                c.diagnosis = tlsdiag::diagnose::diagnose(&c, &ctx);
                s.0 = Some(c);
            }
        })?;
    let Some(c) = found else {
        anyhow::bail!(
            "no connection #{n} in {} ({total} TLS connections)",
            job.name
        );
    };
    analysis.connections = vec![c];
    print(&analysis, args, ui)?;
    Ok(fail_on_hit(&analysis, args.fail_on))
}

/// [`super::run_one`] for a report that [`applies`]; `Ok(true)` when `--fail-on` is hit.
pub(super) fn run_text(
    args: &AnalyzeArgs,
    job: &Job,
    opts: &tlsdiag::analyze::AnalyzeOptions,
    ctx: &tlsdiag::diagnose::Context,
    ui: &super::super::Ui,
) -> anyhow::Result<bool> {
    let min = args.fail_on.map(|level| match level {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    });
    let ctx = ctx.clone();
    // (the folder, whether --fail-on is hit)
    let (mut analysis, (folder, hit)) = analyze_into(
        job,
        opts,
        ui,
        (Folder::default(), false),
        move |s, mut c| {
            c.diagnosis = tlsdiag::diagnose::diagnose(&c, &ctx);
            s.1 |= min.is_some_and(|m| c.diagnosis.iter().any(|f| f.severity >= m));
            s.0.add(c);
        },
    )?;
    match folder.finish(&mut analysis) {
        None => print(&analysis, args, ui)?,
        Some(f) => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let opts = text::TextOptions {
                color: ui.color,
                detail: text::Detail::Auto,
                width: 100,
            };
            text::write_folded(&mut out, &analysis, &f, &opts)?;
            out.flush()?;
        }
    }
    Ok(hit)
}

/// Analyses the job with every finished connection handed, in start order, to `each` together
/// with `state`; returns the analysis (without those connections) and the state. The sink runs
/// on this thread, inside the analyzer.
fn analyze_into<T: 'static>(
    job: &Job,
    opts: &tlsdiag::analyze::AnalyzeOptions,
    ui: &super::super::Ui,
    state: T,
    mut each: impl FnMut(&mut T, tlsdiag::model::Connection) + 'static,
) -> anyhow::Result<(tlsdiag::model::Analysis, T)> {
    let (opened, progress) = open(job, ui, false).naming("cannot analyse", &job.name)?;
    let state = Rc::new(RefCell::new(state));
    let sink_state = Rc::clone(&state);
    let sink = Box::new(move |c: tlsdiag::model::Connection| each(&mut sink_state.borrow_mut(), c));
    let analysis = tlsdiag::analyze::analyze_opened(
        opened,
        &job.name,
        opts,
        tlsdiag::analyze::Delivery::Ordered(sink),
    );
    drop(progress);
    let analysis = analysis.naming("cannot analyse", &job.name)?;
    // The analyzer, and the sink's handle with it, is gone: this is the only one left.
    let state = Rc::try_unwrap(state)
        .map_err(|_| anyhow::anyhow!("internal error: the report is still shared"))?
        .into_inner();
    Ok((analysis, state))
}
