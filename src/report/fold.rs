//! The text report of a capture with many connections (issue 13 §4): instead of keeping every
//! finished connection until the end (its memory grew with the file: ~11 KB a connection), the
//! report's numbers — the head line's counts and the capture-wide summary groups — are counted
//! connection by connection as they finish, and full `Connection` values are kept only for what
//! the report prints: all of them up to [`FOLD_THRESHOLD`] connections (then the report is the
//! one it always was); past it only the first [`KEEP_PER_CAUSE`] failures of each cause and the
//! first [`KEEP_REST`] other connections. The others are "folded" into the summary and the report
//! says how many and where to see them (`--json`/`--stream`, `--conn N`).
//! Connections reach [`Folder::add`] diagnosed and in start order (numbered as the whole
//! analysis numbers them).

use super::groups::{self, GroupCounter, Groups};
use crate::model::{Analysis, Connection, OutcomeStatus};
use std::collections::HashMap;

/// Up to this many connections the text report keeps (and prints) every one; past it, it folds.
pub const FOLD_THRESHOLD: usize = 1000;
/// Past the threshold: the first failures kept of each cause (summary group by cause).
pub const KEEP_PER_CAUSE: usize = 3;
/// Past the threshold: the first connections kept that are not failures.
pub const KEEP_REST: usize = 20;

/// What the report says about the connections it does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    /// Every connection of the analysis (TLS and plain HTTP).
    pub connections: usize,
    pub plain_http: usize,
    /// TLS connections (not plain HTTP) that failed / are incomplete.
    pub failed: usize,
    pub incomplete: usize,
    /// The summary groups over every connection.
    pub groups: Groups,
    /// Connections counted above but not kept (`connections` minus the ones in the analysis).
    pub folded: usize,
}

/// Counts every connection and keeps the ones the report prints (see the module comment).
#[derive(Debug, Default)]
pub struct Folder {
    /// Kept connections, each with whether it is also kept past the threshold.
    kept: Vec<(bool, Connection)>,
    folding: bool,
    connections: usize,
    plain_http: usize,
    failed: usize,
    incomplete: usize,
    groups: GroupCounter,
    /// Failures kept per cause (at most [`groups::MAX_KEYS`] causes told apart).
    per_cause: HashMap<String, usize>,
    rest: usize,
}

impl Folder {
    pub fn add(&mut self, c: Connection) {
        self.connections += 1;
        if c.is_plain_http() {
            self.plain_http += 1;
        } else {
            match c.tls.outcome.status {
                OutcomeStatus::Failed => self.failed += 1,
                OutcomeStatus::Incomplete => self.incomplete += 1,
                _ => {}
            }
        }
        self.groups.add(&c);
        let keep = self.select(&c);
        if self.folding {
            if keep {
                self.kept.push((true, c));
            }
            return;
        }
        self.kept.push((keep, c));
        if self.kept.len() > FOLD_THRESHOLD {
            self.folding = true;
            self.kept.retain(|(keep, _)| *keep);
        }
    }

    /// Whether `c` is kept once the report folds (decided for every connection, so the kept set
    /// does not depend on when the threshold was crossed).
    fn select(&mut self, c: &Connection) -> bool {
        if groups::is_failure(c) {
            let cause = groups::cause(c);
            if let Some(n) = self.per_cause.get_mut(&cause) {
                let keep = *n < KEEP_PER_CAUSE;
                *n += usize::from(keep);
                return keep;
            }
            if self.per_cause.len() >= groups::MAX_KEYS {
                return false;
            }
            self.per_cause.insert(cause, 1);
            return true;
        }
        let keep = self.rest < KEEP_REST;
        self.rest += usize::from(keep);
        keep
    }

    /// Whether connections are being folded (more than [`FOLD_THRESHOLD`] seen).
    pub fn folding(&self) -> bool {
        self.folding
    }

    /// Puts the kept connections into `a` (whose `connections` the caller left empty); the
    /// counts when the report folds, else `None` (then `a` holds every connection).
    pub fn finish(self, a: &mut Analysis) -> Option<Folded> {
        a.connections = self.kept.into_iter().map(|(_, c)| c).collect();
        self.folding.then(|| Folded {
            connections: self.connections,
            plain_http: self.plain_http,
            failed: self.failed,
            incomplete: self.incomplete,
            groups: self.groups.finish(),
            folded: self.connections.saturating_sub(a.connections.len()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Endpoint, OutcomeStatus};

    fn conn(id: usize, status: OutcomeStatus, client: [u8; 4]) -> Connection {
        let mut c = Connection {
            id,
            client: Endpoint {
                ip: std::net::IpAddr::from(client),
                port: 40000,
            },
            server: Endpoint {
                ip: std::net::IpAddr::from([10, 0, 0, 1]),
                port: 443,
            },
            start_time: String::new(),
            start_ts_ns: 0,
            start_offset: 0.0,
            first_frame: id as u64,
            last_frame: id as u64,
            capture: crate::model::Coverage::default(),
            evidence_unit: crate::model::EvidenceUnit::Frame,
            jsse_log: None,
            preamble: None,
            tls: crate::model::TlsFacts::default(),
            diagnosis: Vec::new(),
        };
        c.tls.outcome.status = status;
        c
    }

    #[test]
    fn below_the_threshold_everything_is_kept_and_nothing_is_said() {
        let mut f = Folder::default();
        for i in 1..=FOLD_THRESHOLD {
            f.add(conn(i, OutcomeStatus::Incomplete, [10, 0, 0, 2]));
        }
        assert!(!f.folding());
        let mut a = Analysis::default();
        assert_eq!(f.finish(&mut a), None);
        assert_eq!(a.connections.len(), FOLD_THRESHOLD);
        assert_eq!(a.connections.last().map(|c| c.id), Some(FOLD_THRESHOLD));
    }

    #[test]
    fn past_the_threshold_the_first_of_each_cause_and_a_few_others_are_kept() {
        let mut f = Folder::default();
        let n = FOLD_THRESHOLD + 500;
        for i in 1..=n {
            let status = match i % 3 {
                0 => OutcomeStatus::Incomplete,
                1 => OutcomeStatus::Completed,
                _ => OutcomeStatus::Failed,
            };
            f.add(conn(i, status, [10, 0, (i / 250) as u8, (i % 250) as u8]));
        }
        assert!(f.folding());
        let mut a = Analysis::default();
        let folded = f.finish(&mut a).expect("folded");
        let ids: Vec<usize> = a.connections.iter().map(|c| c.id).collect();
        // Causes `incomplete` (i % 3 == 0) and `failed` (i % 3 == 2): their first three each;
        // the first KEEP_REST completed ones (i % 3 == 1).
        let mut want: Vec<usize> = vec![3, 6, 9, 2, 5, 8];
        want.extend((0..KEEP_REST).map(|k| 1 + 3 * k));
        want.sort_unstable();
        assert_eq!(ids, want);
        assert_eq!(folded.connections, n);
        assert_eq!(folded.folded, n - want.len());
        assert_eq!(folded.failed, n / 3);
        assert_eq!(folded.incomplete, n / 3);
        assert_eq!(folded.groups.failures, 2 * n / 3);
        let causes: Vec<(String, usize)> = folded
            .groups
            .by_cause
            .groups
            .iter()
            .map(|g| (g.key.label(), g.count))
            .collect();
        assert_eq!(
            causes,
            vec![
                ("failed".to_owned(), n / 3),
                ("incomplete".to_owned(), n / 3)
            ]
        );
    }
}
