//! Diagnosis: pure rules over one decoded connection (and, when given, a loaded client identity)
//! that name the root cause of a failure with its evidence and a fix. One rule per file, each
//! citing the RFC section or the stack behaviour it encodes (docs/diagnosis.md lists them all).
//! `probe.rs`: the rules over a probe's report (the probe calls them on its own data).
//! Must not read anything but the model and the identity it is handed; imports neither
//! `report/` nor `probe/`.

mod capture;
mod client_abort;
mod empty_certificate;
pub(crate) mod http_auth;
mod http_capture;
mod identity_check;
mod no_common;
pub(crate) mod probe;
mod renegotiation;
mod server_cert;
mod server_rejects;
mod sni_version;
mod tls13;
mod upgrade;

#[cfg(test)]
mod tests;

use crate::model::{Alert, Analysis, Connection, Evidence, Finding, Severity};

/// What the rules may use besides the connection.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The user's client identity (`--identity FILE [--alias A]`): enables per-stack verdicts.
    pub identity: Option<IdentityContext>,
}

/// The identity under test: one entry, or every private-key entry of a keystore.
pub use crate::identity::check::Candidate as IdentityContext;

type Rule = fn(&Connection, &Context) -> Vec<Finding>;

/// Every rule, most decisive first: the first finding is the one a table shows.
const RULES: &[Rule] = &[
    upgrade::check,
    empty_certificate::check,
    identity_check::check,
    server_rejects::check,
    server_cert::check_rejected,
    client_abort::check,
    no_common::check,
    sni_version::check_protocol_version,
    sni_version::check_unrecognized_name,
    tls13::check_certificate_required,
    tls13::check_not_visible,
    renegotiation::check,
    server_cert::check_properties,
    sni_version::check_sni,
    capture::check,
    http_capture::check,
];

/// Runs every rule on one connection.
pub fn diagnose(conn: &Connection, ctx: &Context) -> Vec<Finding> {
    if conn.is_plain_http() {
        // No TLS to judge: only what its HTTP exchanges show.
        return http_capture::check(conn, ctx);
    }
    let mut out: Vec<Finding> = RULES.iter().flat_map(|r| r(conn, ctx)).collect();
    // Keep rule order inside a severity, errors first.
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

/// Fills `diagnosis` of every connection.
pub fn diagnose_analysis(analysis: &mut Analysis, ctx: &Context) {
    for c in &mut analysis.connections {
        c.diagnosis = diagnose(c, ctx);
    }
}

// ---- helpers shared by the rules ----

pub(crate) fn finding(code: &str, severity: Severity, message: String) -> Finding {
    Finding {
        code: code.to_owned(),
        severity,
        message,
        evidence: Vec::new(),
        details: Vec::new(),
        fix: None,
        stack_verdicts: Vec::new(),
        identity_check: None,
    }
}

pub(crate) fn ev(frame: Option<u64>, field: &str, value: impl Into<String>) -> Evidence {
    Evidence {
        frame,
        field: field.to_owned(),
        value: value.into(),
    }
}

/// The first fatal (or unreadable) alert, if any.
pub(crate) fn fatal_alert(c: &Connection) -> Option<&Alert> {
    c.tls.alerts.iter().find(|a| a.is_fatal())
}

/// The rules' lists of code points, cut as every face cuts them (`model::label_list`).
pub(crate) use crate::model::label_list as names;

/// The Unix time of the connection (for validity checks), from the capture itself.
pub(crate) fn capture_unix(c: &Connection) -> i64 {
    i64::try_from(c.start_ts_ns / 1_000_000_000).unwrap_or(0)
}
