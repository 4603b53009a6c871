//! Two handshakes side by side — a captured connection and a probe (or any two connections) —
//! one row per fact, differing rows marked, and the decisive difference chosen by the precedence
//! of docs/compare.md over the model's typed, three-valued facts (never over display text):
//!
//! 0. the same ending for the same reason → no decisive difference;
//! 1. a client certificate sent on one side and not on the other;
//! 2. the server rejecting one client certificate and not the other (issuer, expiry, key, chain);
//! 3. the client rejecting the server's certificate;
//! 4. version, cipher suite, group, signature algorithm or key type;
//! 5. SNI;
//! 6. when both handshakes completed alike: the HTTP exchange (authentication, status, SOAP
//!    fault), from `connection.http` on each side (compare/http.rs).
//!
//! A fact that is *unknown* on a side (encrypted without keys, not captured) is never a
//! difference: when a class cannot be decided because of one, lower classes are not named as
//! decisive; the answer says what is unknown and what would show it. Pure: formats nothing
//! (report/compare_text.rs renders it).

use crate::model::{AlertDescription, Connection, InferenceClaim, Reveal, UnknownReason};
use serde::Serialize;

mod cells;
mod classes;
mod decide;
mod http;
#[cfg(test)]
mod http_tests;
mod rows;
mod sides;

use decide::{decide, SideCtx};
use rows::rows_of;

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub fact: String,
    pub left: String,
    pub right: String,
    /// Both sides known and different. An unknown side never differs.
    pub differs: bool,
    pub decisive: bool,
    /// One side (or both) is unknown (schema 1.2).
    pub unknown: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub left_label: String,
    pub right_label: String,
    pub rows: Vec<Row>,
    /// One sentence, or null when both handshakes ended the same way for the same reason
    /// (`decisive.kind` = `same_outcome`).
    pub decisive_difference: Option<String>,
    /// The decisive difference, typed (schema 1.2).
    pub decisive: Decisive,
}

/// Which side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    Left,
    Right,
}

/// The precedence class that decided (docs/compare.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisiveKind {
    /// Both ended the same way for the same reason.
    SameOutcome,
    /// A client certificate was sent on one side and not on the other.
    ClientCertificateSent,
    /// Both sent one; the server rejected one and not the other.
    ClientCertificateRejected,
    /// A client rejected the server's certificate on one side only.
    ServerCertificateRejected,
    /// Version, cipher suite, group, signature algorithm or key type.
    Parameters,
    /// The server name asked for.
    Sni,
    /// Both TLS handshakes completed alike; the HTTP answers differ (`http_reason`).
    Http,
    /// The outcomes (or their reasons) differ, and a fact that could explain it is unknown.
    Unknown,
    /// The outcomes differ and no fact compared here explains it.
    Unexplained,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Parameter {
    Version,
    CipherSuite,
    Group,
    SignatureAlgorithm,
    KeyType,
}

/// What differs in the HTTP layer when both TLS handshakes completed alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HttpReason {
    /// The statuses differ and one is 401 or 407: one request was authenticated, the other not.
    Authentication,
    /// The statuses differ otherwise.
    Status,
    /// The same status, different SOAP faults.
    SoapFault,
}

/// Why a certificate was rejected on one side and accepted on the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// Issued by another CA than the accepted one (or than the CAs the peer trusts).
    Issuer,
    /// Expired (or not yet valid) at the time of the handshake.
    Expiry,
    /// The signature with the private key did not verify (decrypt_error): not the certificate's key.
    Key,
    /// Fewer certificates than the accepted chain with the same issuer: the chain is incomplete.
    Chain,
    /// The server names differ (SNI): the certificate does not carry the name asked for.
    Name,
    /// The same certificate was accepted on the other side: only the alert says why.
    Alert,
}

/// A fact that is unknown on one side, and what would show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownFact {
    pub side: Position,
    /// `client_certificate`, `fatal_alert`, `server_certificates`, `certificate_request`,
    /// `http_exchange`.
    pub fact: &'static str,
    pub reason: UnknownReason,
    pub reveal: Option<Reveal>,
    /// The size inference about the client certificate (TLS 1.3 without keys), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference: Option<InferenceClaim>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Decisive {
    pub kind: DecisiveKind,
    /// The side the difference is about: the one that failed (or, for `parameters` and `sni`
    /// with two failures, the left). Null for `same_outcome`.
    pub side: Option<Position>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<Parameter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<RejectReason>,
    /// With `kind: http`: what differs in the HTTP layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_reason: Option<HttpReason>,
    /// The alert that ended the handshake on `side`, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<AlertDescription>,
    /// The row that holds the answer (`fact` of a row), if one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<&'static str>,
    /// The answer in one or two sentences (also `decisive_difference`).
    pub sentence: String,
    /// Facts that are unknown and would matter, with what would show them.
    pub unknown: Vec<UnknownFact>,
}

/// One side of a comparison.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub conn: &'a Connection,
    pub label: &'a str,
    /// The option that gives this side's key log (`--capture-keylog`), named in the answer.
    pub keylog_option: Option<&'a str>,
}

pub fn compare(
    left: &Connection,
    left_label: &str,
    right: &Connection,
    right_label: &str,
) -> Comparison {
    compare_inputs(
        Input {
            conn: left,
            label: left_label,
            keylog_option: None,
        },
        Input {
            conn: right,
            label: right_label,
            keylog_option: None,
        },
    )
}

pub fn compare_inputs(left: Input<'_>, right: Input<'_>) -> Comparison {
    let mut rows = rows_of(left.conn, right.conn);
    let l = SideCtx {
        c: left.conn,
        label: left.label,
        keylog: left.keylog_option,
        pos: Position::Left,
    };
    let r = SideCtx {
        c: right.conn,
        label: right.label,
        keylog: right.keylog_option,
        pos: Position::Right,
    };
    let d = decide(&l, &r, &rows);
    if let Some(row) = d.row {
        for x in rows.iter_mut().filter(|x| x.fact == row) {
            x.decisive = true;
        }
    }
    Comparison {
        left_label: left.label.into(),
        right_label: right.label.into(),
        rows,
        decisive_difference: (d.kind != DecisiveKind::SameOutcome).then(|| d.sentence.clone()),
        decisive: d,
    }
}

fn decisive(kind: DecisiveKind, side: Option<Position>, sentence: String) -> Decisive {
    Decisive {
        kind,
        side,
        parameter: None,
        reason: None,
        http_reason: None,
        alert: None,
        row: None,
        sentence,
        unknown: Vec::new(),
    }
}
