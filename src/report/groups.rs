//! The capture-wide summary (issue 16 §1): failures grouped by cause (diagnosis code), by server
//! (IP:port + SNI) and by client (IP), each group with its count, the first and last start time
//! and one example connection. Counted connection by connection (`add`), so the streaming JSON
//! writers keep only these counters; the number of distinct groups kept per dimension is capped
//! ([`MAX_KEYS`]) so a hostile capture with 300,000 clients cannot grow it without bound — the
//! failures beyond the cap are counted in `other`.

use crate::model::{Connection, Endpoint, OutcomeStatus, Severity};
use serde::Serialize;
use std::collections::HashMap;

/// Distinct groups kept per dimension; failures of further groups are counted in `other`.
pub const MAX_KEYS: usize = 4096;

/// Groups shown per dimension in the text, Markdown and TUI summaries (JSON lists all kept).
pub const TEXT_ROWS: usize = 10;

/// The text report opens with the grouped summary when a capture holds more connections than
/// this (below it, the per-connection lines are short enough to read).
pub const TEXT_THRESHOLD: usize = 20;

/// What a failed connection is counted under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum GroupKey {
    /// The first error finding's code, else the first finding's, else `alert:<name>` (the alert
    /// that ended the handshake), else the outcome word (`failed`, `incomplete`).
    Cause { cause: String },
    /// The server's address and the SNI the client asked for (null when it sent none).
    Server {
        server: Endpoint,
        sni: Option<String>,
    },
    /// The client's address (its ports differ connection by connection).
    Client { client: std::net::IpAddr },
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Group {
    #[serde(flatten)]
    pub key: GroupKey,
    pub count: usize,
    /// RFC 3339 UTC start time of the group's earliest and latest connection.
    pub first_time: String,
    pub last_time: String,
    /// The id of the group's first connection (`--conn N` shows it).
    pub example: usize,
}

/// One dimension: its groups, most failures first (ties: earliest example first).
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Dimension {
    pub groups: Vec<Group>,
    /// Failures in groups beyond [`MAX_KEYS`] distinct keys (not listed).
    pub other: usize,
}

/// `summary.groups` in the JSON document.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Groups {
    /// Connections counted as failures: outcome failed or incomplete, or an error finding.
    pub failures: usize,
    pub by_cause: Dimension,
    pub by_server: Dimension,
    pub by_client: Dimension,
}

#[derive(Debug, Default)]
struct Counter {
    index: HashMap<GroupKey, usize>,
    groups: Vec<Group>,
    other: usize,
}

impl Counter {
    fn add(&mut self, key: GroupKey, c: &Connection) {
        if let Some(&i) = self.index.get(&key) {
            if let Some(g) = self.groups.get_mut(i) {
                g.count += 1;
                if c.start_time < g.first_time {
                    g.first_time.clone_from(&c.start_time);
                }
                if c.start_time > g.last_time {
                    g.last_time.clone_from(&c.start_time);
                }
                g.example = g.example.min(c.id);
            }
            return;
        }
        if self.groups.len() >= MAX_KEYS {
            self.other += 1;
            return;
        }
        self.index.insert(key.clone(), self.groups.len());
        self.groups.push(Group {
            key,
            count: 1,
            first_time: c.start_time.clone(),
            last_time: c.start_time.clone(),
            example: c.id,
        });
    }

    fn finish(&self) -> Dimension {
        let mut groups = self.groups.clone();
        groups.sort_by(|a, b| b.count.cmp(&a.count).then(a.example.cmp(&b.example)));
        Dimension {
            groups,
            other: self.other,
        }
    }
}

/// Counts failures as connections arrive; [`GroupCounter::finish`] gives the sorted groups.
#[derive(Debug, Default)]
pub struct GroupCounter {
    failures: usize,
    cause: Counter,
    server: Counter,
    client: Counter,
}

/// Whether a connection counts as a failure in the summary.
pub fn is_failure(c: &Connection) -> bool {
    matches!(
        c.tls.outcome.status,
        OutcomeStatus::Failed | OutcomeStatus::Incomplete
    ) || c.diagnosis.iter().any(|f| f.severity == Severity::Error)
}

/// The cause a failure is grouped under (see [`GroupKey::Cause`]).
pub fn cause(c: &Connection) -> String {
    if let Some(f) = c
        .diagnosis
        .iter()
        .find(|f| f.severity == Severity::Error)
        .or_else(|| c.diagnosis.first())
    {
        return f.code.clone();
    }
    if let Some(a) = c.tls.outcome.alert {
        return format!("alert:{}", a.label());
    }
    match c.tls.outcome.status {
        OutcomeStatus::Incomplete => "incomplete".into(),
        _ => "failed".into(),
    }
}

impl PartialEq for GroupCounter {
    fn eq(&self, other: &Self) -> bool {
        self.finish() == other.finish()
    }
}

impl Eq for GroupCounter {}

/// Serialises the counter as its finished groups (`summary.groups`).
impl Serialize for GroupCounter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.finish().serialize(s)
    }
}

impl GroupCounter {
    pub fn add(&mut self, c: &Connection) {
        if !is_failure(c) {
            return;
        }
        self.failures += 1;
        self.cause.add(GroupKey::Cause { cause: cause(c) }, c);
        let sni = c.tls.client_hello.as_ref().and_then(|h| h.sni.clone());
        self.server.add(
            GroupKey::Server {
                server: c.server.clone(),
                sni,
            },
            c,
        );
        self.client.add(
            GroupKey::Client {
                client: c.client.ip,
            },
            c,
        );
    }

    pub fn finish(&self) -> Groups {
        Groups {
            failures: self.failures,
            by_cause: self.cause.finish(),
            by_server: self.server.finish(),
            by_client: self.client.finish(),
        }
    }
}

impl Groups {
    pub fn of(connections: &[Connection]) -> Groups {
        let mut g = GroupCounter::default();
        for c in connections {
            g.add(c);
        }
        g.finish()
    }
}

impl GroupKey {
    /// Whether `c` is one of the failures counted under this key.
    pub fn matches(&self, c: &Connection) -> bool {
        if !is_failure(c) {
            return false;
        }
        match self {
            GroupKey::Cause { cause: k } => cause(c) == *k,
            GroupKey::Server { server, sni } => {
                c.server == *server
                    && c.tls.client_hello.as_ref().and_then(|h| h.sni.as_ref()) == sni.as_ref()
            }
            GroupKey::Client { client } => c.client.ip == *client,
        }
    }

    /// The key as one line of text (raw: the caller escapes it for a terminal).
    pub fn label(&self) -> String {
        match self {
            GroupKey::Cause { cause } => cause.clone(),
            GroupKey::Server { server, sni } => match sni {
                Some(s) => format!("{server} (SNI {s})"),
                None => format!("{server} (no SNI)"),
            },
            GroupKey::Client { client } => client.to_string(),
        }
    }
}
