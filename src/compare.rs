//! Two handshakes side by side — a captured connection and a probe (or any two connections) —
//! one row per fact, differing rows marked, and the decisive difference chosen by the precedence
//! of docs/compare.md over the model's typed, three-valued facts (never over display text):
//!
//! 0. the same ending for the same reason → no decisive difference;
//! 1. a client certificate sent on one side and not on the other;
//! 2. the server rejecting one client certificate and not the other (issuer, expiry, key, chain);
//! 3. the client rejecting the server's certificate;
//! 4. version, cipher suite, group, signature algorithm or key type;
//! 5. SNI.
//!
//! A fact that is *unknown* on a side (encrypted without keys, not captured) is never a
//! difference: when a class cannot be decided because of one, lower classes are not named as
//! decisive; the answer says what is unknown and what would show it. Pure: formats nothing
//! (report/compare_text.rs renders it).

use crate::model::{
    AlertDescription, CertInfo, ClientCert, ClientCertificate, CodePoint, Connection, EndingAlert,
    Fact, HandshakeType, InferenceClaim, MessageKind, OutcomeStatus, Reveal, Side, Unknown,
    UnknownReason,
};
use serde::Serialize;

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
    /// `client_certificate`, `fatal_alert`, `server_certificates`, `certificate_request`.
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

// ---------------------------------------------------------------------------------------------
// Typed views of one side.

/// How the handshake ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    Completed,
    /// Ended by `by` (None: not known who), with an alert read (Known), seen but unreadable
    /// (Unknown), or closed without one (Absent).
    Failed {
        by: Option<Side>,
        alert: Fact<AlertDescription>,
    },
    Incomplete,
}

fn end(c: &Connection) -> End {
    let o = &c.tls.outcome;
    match o.status {
        OutcomeStatus::Completed | OutcomeStatus::CompletedEncrypted => End::Completed,
        OutcomeStatus::Incomplete => End::Incomplete,
        OutcomeStatus::Failed => End::Failed {
            by: o.alert_from,
            alert: match o.alert {
                Some(EndingAlert::Read(d)) => Fact::Known(d),
                Some(EndingAlert::Unreadable) => Fact::Unknown(c.tls.protection_unknown()),
                None => Fact::Absent,
            },
        },
    }
}

fn end_text(c: &Connection) -> String {
    match end(c) {
        End::Completed => "completed".into(),
        End::Incomplete => "did not end in the capture".into(),
        End::Failed { by, alert } => {
            let who = by.map(|s| format!(" from the {}", s.as_str()));
            match alert {
                Fact::Known(d) => format!(
                    "failed with {} ({}){}",
                    d.label(),
                    d.0,
                    who.unwrap_or_default()
                ),
                Fact::Unknown(u) => format!(
                    "failed with an alert{} that could not be read ({})",
                    who.unwrap_or_default(),
                    u.reason.as_str()
                ),
                Fact::Absent => match by {
                    Some(s) => format!("failed: the {} closed the connection", s.as_str()),
                    None => "failed: the connection was closed".into(),
                },
            }
        }
    }
}

/// The client's certificate, as far as a comparison needs it.
#[derive(Debug, Clone, Copy)]
enum CertState<'a> {
    /// Certificates were sent.
    Sent(&'a ClientCertificate),
    /// An empty Certificate.
    Empty,
    /// The client answered the request without a Certificate message.
    NoMessage,
    /// The server did not ask (and the handshake went past where it would have).
    NotAsked,
    /// The handshake ended before the client would have answered.
    NotReached,
    Unknown(Unknown),
}

impl CertState<'_> {
    fn sent(&self) -> bool {
        matches!(self, CertState::Sent(_))
    }
    /// Seen not to send one: empty, no message, or not asked.
    fn not_sent(&self) -> bool {
        matches!(
            self,
            CertState::Empty | CertState::NoMessage | CertState::NotAsked
        )
    }
}

/// The client sent its second flight (after the point where its Certificate would be).
fn client_answered(c: &Connection) -> bool {
    let legacy = !c.tls.is_tls13();
    c.tls.messages.iter().any(|m| {
        m.from == Side::Client
            && match m.kind {
                MessageKind::Handshake(t) => {
                    t == HandshakeType::CLIENT_KEY_EXCHANGE
                        || t == HandshakeType::CERTIFICATE_VERIFY
                        || t == HandshakeType::FINISHED
                }
                MessageKind::ChangeCipherSpec => legacy,
                _ => false,
            }
    })
}

fn cert_state(c: &Connection) -> CertState<'_> {
    match c.tls.client_certificate_fact() {
        Fact::Known(ClientCert::Sent(cc)) => CertState::Sent(cc),
        Fact::Known(ClientCert::Empty(_)) => CertState::Empty,
        Fact::Unknown(u) => CertState::Unknown(u),
        Fact::Absent => match c.tls.certificate_request_fact() {
            Fact::Unknown(u) => CertState::Unknown(u),
            _ if !client_answered(c) => CertState::NotReached,
            Fact::Known(_) => CertState::NoMessage,
            Fact::Absent => CertState::NotAsked,
        },
    }
}

fn leaf(chain: &[std::sync::Arc<CertInfo>]) -> Option<&CertInfo> {
    chain.first().map(|c| c.as_ref())
}

fn name_of(c: &CertInfo) -> String {
    format!("{} ← {}", c.subject.text, c.issuer.text)
}

/// Seconds since the epoch at the connection's start.
fn start_s(c: &Connection) -> i64 {
    i64::try_from(c.start_ts_ns / 1_000_000_000).unwrap_or(i64::MAX)
}

fn expired_at_start(cert: &CertInfo, c: &Connection) -> bool {
    let t = start_s(c);
    cert.not_after_unix < t || cert.not_before_unix > t
}

fn is_certificate_alert(d: AlertDescription) -> bool {
    matches!(d.0, 42..=46 | 48 | 49 | 113 | 114)
}

// ---------------------------------------------------------------------------------------------
// Rows.

const UNKNOWN_MARK: &str = "?";

fn unknown_cell(u: &Unknown) -> String {
    format!("{UNKNOWN_MARK} unknown: {}", u.reason.as_str())
}

/// A row's cell from a three-valued fact; `None` as the compare key when unknown.
struct Cell {
    text: String,
    key: Option<String>,
}

fn cell_known(text: String) -> Cell {
    Cell {
        key: Some(text.clone()),
        text,
    }
}

fn cell_keyed(text: String, key: String) -> Cell {
    Cell {
        text,
        key: Some(key),
    }
}

fn cell_unknown(u: &Unknown) -> Cell {
    Cell {
        text: unknown_cell(u),
        key: None,
    }
}

fn names(v: &[CodePoint]) -> String {
    v.iter()
        .map(CodePoint::label)
        .collect::<Vec<_>>()
        .join(", ")
}

fn short_list(v: &[CodePoint], n: usize) -> String {
    if v.is_empty() {
        return "–".into();
    }
    let mut s = v
        .iter()
        .take(n)
        .map(CodePoint::label)
        .collect::<Vec<_>>()
        .join(", ");
    if v.len() > n {
        s.push_str(&format!(" … ({})", v.len()));
    }
    s
}

fn hello_cell(c: &Connection, f: &dyn Fn(&crate::model::ClientHello) -> (String, String)) -> Cell {
    match &c.tls.client_hello {
        Some(h) => {
            let (text, key) = f(h);
            cell_keyed(text, key)
        }
        None => cell_unknown(&Unknown::new(
            UnknownReason::NotCaptured,
            Some(Reveal::CaptureFromStart),
        )),
    }
}

fn fact_cell<T>(f: Fact<T>, known: impl FnOnce(T) -> String, absent: &str) -> Cell {
    match f {
        Fact::Known(v) => cell_known(known(v)),
        Fact::Absent => cell_known(absent.into()),
        Fact::Unknown(u) => cell_unknown(&u),
    }
}

fn outcome_cell(c: &Connection) -> String {
    let mark = match end(c) {
        End::Completed => "✓",
        End::Failed { .. } => "✗",
        End::Incomplete => "?",
    };
    let encrypted = if c.tls.outcome.status == OutcomeStatus::CompletedEncrypted {
        " (encrypted)"
    } else {
        ""
    };
    format!("{mark} {}{encrypted}", end_text(c))
}

fn client_cert_cell(c: &Connection) -> Cell {
    match cert_state(c) {
        CertState::Sent(cc) => {
            let leaf = leaf(&cc.chain).map(name_of).unwrap_or_default();
            let key = format!(
                "sent {} {}",
                cc.count,
                cc.chain
                    .iter()
                    .map(|c| hex::encode(&c.der))
                    .collect::<Vec<_>>()
                    .join(":")
            );
            cell_keyed(
                format!(
                    "{} cert(s), length {}: {leaf}",
                    cc.count, cc.certificates_length
                ),
                key,
            )
        }
        CertState::Empty => cell_known("⚠ none (length 0)".into()),
        CertState::NoMessage => cell_known("⚠ no Certificate message".into()),
        CertState::NotAsked => cell_known("not requested".into()),
        CertState::NotReached => cell_known("– (ended before)".into()),
        CertState::Unknown(u) => {
            let mut text = unknown_cell(&u);
            match c.tls.client_certificate_inference().map(|i| i.claim) {
                Some(InferenceClaim::ClientCertificateSent) => text.push_str("; by size: sent"),
                Some(InferenceClaim::NoClientCertificate) => text.push_str("; by size: none"),
                _ => {}
            }
            Cell { text, key: None }
        }
    }
}

fn server_cert_cell(c: &Connection) -> Cell {
    match c.tls.server_chain_fact() {
        Fact::Known(ch) => match leaf(ch.certificates) {
            Some(l) => cell_keyed(
                format!("{} cert(s): {}", ch.certificates.len(), name_of(l)),
                hex::encode(&l.der),
            ),
            None => cell_known("0 certificates".into()),
        },
        Fact::Absent => cell_known("–".into()),
        Fact::Unknown(u) => cell_unknown(&u),
    }
}

fn key_text(cert: &CertInfo) -> String {
    let k = &cert.public_key;
    let mut s = k.algorithm.clone();
    if let Some(b) = k.bits {
        s.push_str(&format!(" {b}"));
    }
    if let Some(cv) = &k.curve {
        s.push_str(&format!(" {cv}"));
    }
    s
}

fn server_key_cell(c: &Connection) -> Cell {
    match c.tls.server_chain_fact() {
        Fact::Known(ch) => cell_known(leaf(ch.certificates).map(key_text).unwrap_or_default()),
        Fact::Absent => cell_known("–".into()),
        Fact::Unknown(u) => cell_unknown(&u),
    }
}

fn client_key_cell(c: &Connection) -> Cell {
    match cert_state(c) {
        CertState::Sent(cc) => cell_known(leaf(&cc.chain).map(key_text).unwrap_or_default()),
        CertState::Unknown(u) => cell_unknown(&u),
        _ => cell_known("–".into()),
    }
}

fn cas_cell(c: &Connection) -> Cell {
    match c.tls.certificate_request_fact() {
        Fact::Known(r) if r.certificate_authorities.is_empty() => {
            cell_known("any issuer (empty list)".into())
        }
        Fact::Known(r) => cell_known(
            r.certificate_authorities
                .iter()
                .map(|d| d.text.clone())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Fact::Absent if client_answered(c) => cell_known("not requested".into()),
        Fact::Absent => cell_known("– (ended before)".into()),
        Fact::Unknown(u) => cell_unknown(&u),
    }
}

fn verify_cell(c: &Connection) -> Cell {
    match cert_state(c) {
        CertState::Sent(_) => match &c.tls.client_certificate_verify {
            Some(v) => cell_known(
                v.algorithm
                    .as_ref()
                    .map(CodePoint::label)
                    .unwrap_or_else(|| "(algorithm not named)".into()),
            ),
            None => cell_known("– (none)".into()),
        },
        CertState::Unknown(u) => cell_unknown(&u),
        _ => cell_known("–".into()),
    }
}

fn alerts_cell(c: &Connection) -> Cell {
    let t = &c.tls;
    if t.alerts.is_empty() {
        if t.handshake_hidden() {
            return cell_unknown(&t.protection_unknown());
        }
        return cell_known("–".into());
    }
    let text = t
        .alerts
        .iter()
        .map(|a| match a.message {
            Some(_) => format!(
                "{} {} {}",
                a.from.as_str(),
                a.level_label(),
                a.description_label()
            ),
            None => format!("{} {UNKNOWN_MARK} encrypted alert", a.from.as_str()),
        })
        .collect::<Vec<_>>()
        .join("; ");
    if t.alerts.iter().any(|a| a.message.is_none()) {
        Cell { text, key: None }
    } else {
        cell_known(text)
    }
}

fn rows_of(l: &Connection, r: &Connection) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut add = |fact: &str, a: Cell, b: Cell| {
        let unknown = a.key.is_none() || b.key.is_none();
        rows.push(Row {
            fact: fact.into(),
            differs: !unknown && a.key != b.key,
            left: a.text,
            right: b.text,
            decisive: false,
            unknown,
        });
    };
    let versions = |h: &crate::model::ClientHello| {
        let s = if h.supported_versions.is_empty() {
            h.legacy_version.label()
        } else {
            names(&h.supported_versions)
        };
        (s.clone(), s)
    };
    add(
        ROW_VERSIONS,
        hello_cell(l, &versions),
        hello_cell(r, &versions),
    );
    let list = |f: fn(&crate::model::ClientHello) -> &Vec<CodePoint>, n: usize| {
        move |h: &crate::model::ClientHello| (short_list(f(h), n), sorted_names(f(h)))
    };
    add(
        ROW_SUITES,
        hello_cell(l, &list(|h| &h.cipher_suites, 3)),
        hello_cell(r, &list(|h| &h.cipher_suites, 3)),
    );
    add(
        ROW_SIGALGS,
        hello_cell(l, &list(|h| &h.signature_algorithms, 3)),
        hello_cell(r, &list(|h| &h.signature_algorithms, 3)),
    );
    add(
        ROW_GROUPS,
        hello_cell(l, &list(|h| &h.supported_groups, 4)),
        hello_cell(r, &list(|h| &h.supported_groups, 4)),
    );
    let sni = |h: &crate::model::ClientHello| {
        let s = h.sni.clone().unwrap_or_else(|| "– (none)".into());
        (s.clone(), s.to_ascii_lowercase())
    };
    add(ROW_SNI, hello_cell(l, &sni), hello_cell(r, &sni));
    let alpn = |h: &crate::model::ClientHello| {
        let s = if h.alpn.is_empty() {
            "–".to_owned()
        } else {
            h.alpn.join(",")
        };
        (s.clone(), s)
    };
    add("ALPN", hello_cell(l, &alpn), hello_cell(r, &alpn));
    let ext = |h: &crate::model::ClientHello| {
        (
            format!("{} extensions", h.extensions.len()),
            names(&h.extensions),
        )
    };
    add("extensions", hello_cell(l, &ext), hello_cell(r, &ext));
    let neg = |c: &Connection| {
        fact_cell(
            c.tls.version_fact(),
            |v| {
                let suite = c
                    .tls
                    .cipher_suite_fact()
                    .known()
                    .map(|s| s.label())
                    .unwrap_or_default();
                format!("{} {suite}", v.label())
            },
            "– (no ServerHello)",
        )
    };
    add(ROW_NEGOTIATED, neg(l), neg(r));
    let group = |c: &Connection| match &c.tls.server_hello {
        Some(h) => match &h.key_share_group {
            Some(g) => cell_known(g.label()),
            // TLS ≤ 1.2 names the curve in ServerKeyExchange, which is not compared.
            None => Cell {
                text: "– (not in the ServerHello)".into(),
                key: None,
            },
        },
        None => cell_known("– (no ServerHello)".into()),
    };
    add(ROW_GROUP, group(l), group(r));
    add(ROW_SERVER_CERT, server_cert_cell(l), server_cert_cell(r));
    add(ROW_SERVER_KEY, server_key_cell(l), server_key_cell(r));
    add(ROW_CAS, cas_cell(l), cas_cell(r));
    let types = |c: &Connection| {
        fact_cell(
            c.tls.certificate_request_fact(),
            |r| names(&r.certificate_types),
            "–",
        )
    };
    add("certificate types", types(l), types(r));
    let req_sig = |c: &Connection| {
        fact_cell(
            c.tls.certificate_request_fact(),
            |r| format!("{} algorithms", r.signature_algorithms.len()),
            "–",
        )
    };
    add("requested signature algs", req_sig(l), req_sig(r));
    add(ROW_CLIENT_CERT, client_cert_cell(l), client_cert_cell(r));
    add(ROW_CLIENT_KEY, client_key_cell(l), client_key_cell(r));
    add(ROW_VERIFY, verify_cell(l), verify_cell(r));
    add(ROW_ALERTS, alerts_cell(l), alerts_cell(r));
    let out = |c: &Connection| {
        let key = match end(c) {
            End::Completed => "completed".into(),
            End::Incomplete => "incomplete".into(),
            End::Failed { by, alert } => match alert {
                Fact::Unknown(_) => {
                    return Cell {
                        text: outcome_cell(c),
                        key: None,
                    }
                }
                Fact::Known(d) => format!("failed {by:?} {}", d.0),
                Fact::Absent => format!("failed {by:?} closed"),
            },
        };
        cell_keyed(outcome_cell(c), key)
    };
    add(ROW_OUTCOME, out(l), out(r));
    rows
}

fn sorted_names(v: &[CodePoint]) -> String {
    let mut codes: Vec<u32> = v.iter().map(|c| c.code).collect();
    codes.sort_unstable();
    codes
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

const ROW_VERSIONS: &str = "ClientHello versions";
const ROW_SUITES: &str = "cipher suites";
const ROW_SIGALGS: &str = "signature algorithms";
const ROW_GROUPS: &str = "groups";
const ROW_SNI: &str = "SNI";
const ROW_NEGOTIATED: &str = "negotiated";
const ROW_GROUP: &str = "key exchange group";
const ROW_SERVER_CERT: &str = "server certificate";
const ROW_SERVER_KEY: &str = "server key";
const ROW_CAS: &str = "CertificateRequest CAs";
const ROW_CLIENT_CERT: &str = "client certificate";
const ROW_CLIENT_KEY: &str = "client key";
const ROW_VERIFY: &str = "CertificateVerify";
const ROW_ALERTS: &str = "alerts";
const ROW_OUTCOME: &str = "outcome";

// ---------------------------------------------------------------------------------------------
// The decision.

struct SideCtx<'a> {
    c: &'a Connection,
    label: &'a str,
    keylog: Option<&'a str>,
    pos: Position,
}

impl SideCtx<'_> {
    fn unknown(&self, fact: &'static str, u: Unknown) -> UnknownFact {
        UnknownFact {
            side: self.pos,
            fact,
            reason: u.reason,
            reveal: u.reveal,
            inference: if fact == "client_certificate" {
                self.c.tls.client_certificate_inference().map(|i| i.claim)
            } else {
                None
            },
        }
    }
    /// What would show an unknown fact of this side, in words.
    fn reveal_text(&self, u: &UnknownFact) -> String {
        match u.reveal {
            Some(Reveal::KeyLog) => match self.keylog {
                Some(opt) => format!("give this side's key log with {opt}"),
                None => "give this side's key log".into(),
            },
            Some(r) => r.as_str().into(),
            None => "nothing in the capture shows it".into(),
        }
    }
}

fn fact_words(fact: &str) -> &'static str {
    match fact {
        "client_certificate" => "whether its client sent a certificate",
        "fatal_alert" => "the alert that ended it",
        "server_certificates" => "the server's certificate",
        "certificate_request" => {
            "whether (and for which CAs) the server asked for a client certificate"
        }
        _ => "a fact",
    }
}

fn unknown_sentence(sides: [&SideCtx<'_>; 2], unknown: &[UnknownFact]) -> String {
    let mut parts = Vec::new();
    for s in sides {
        let mine: Vec<&UnknownFact> = unknown.iter().filter(|u| u.side == s.pos).collect();
        let Some(first) = mine.first() else {
            continue;
        };
        let mut facts: Vec<&str> = Vec::new();
        for u in &mine {
            let w = fact_words(u.fact);
            if !facts.contains(&w) {
                facts.push(w);
            }
        }
        let verb = if facts.len() > 1 { "are" } else { "is" };
        let mut p = format!(
            "on the {} side {} {verb} unknown ({}): {}",
            s.label,
            facts.join(" and "),
            first.reason.as_str(),
            s.reveal_text(first)
        );
        match mine.iter().find_map(|u| u.inference) {
            Some(InferenceClaim::ClientCertificateSent) => p.push_str(
                " (by the size of its encrypted records its client seems to have sent one: an inference, not seen)",
            ),
            Some(InferenceClaim::NoClientCertificate) => p.push_str(
                " (by the size of its encrypted records its client seems to have sent none: an inference, not seen)",
            ),
            _ => {}
        }
        parts.push(p);
    }
    parts.join("; ")
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
        alert: None,
        row: None,
        sentence,
        unknown: Vec::new(),
    }
}

fn alert_of(c: &Connection) -> Option<AlertDescription> {
    match end(c) {
        End::Failed {
            alert: Fact::Known(d),
            ..
        } => Some(d),
        _ => None,
    }
}

/// The same ending for the same reason (alerts read and equal, from the same side, the same
/// client-certificate answer); `None` when that cannot be told (an unreadable alert).
fn same_reason(l: &Connection, r: &Connection) -> Option<bool> {
    let (a, b) = (end(l), end(r));
    let cert_kind = |c: &Connection| match cert_state(c) {
        CertState::Sent(_) => Some(0),
        CertState::Empty | CertState::NoMessage => Some(1),
        CertState::NotAsked => Some(2),
        CertState::NotReached => Some(3),
        CertState::Unknown(_) => None,
    };
    match (a, b) {
        (End::Completed, End::Completed) | (End::Incomplete, End::Incomplete) => Some(true),
        (End::Failed { by: ba, alert: aa }, End::Failed { by: bb, alert: ab }) => {
            if aa.unknown().is_some() || ab.unknown().is_some() {
                return None;
            }
            if ba != bb || aa != ab {
                return Some(false);
            }
            match (cert_kind(l), cert_kind(r)) {
                (Some(x), Some(y)) => Some(x == y),
                // The same alert from the same side; the certificate answer is not seen.
                _ => None,
            }
        }
        _ => Some(false),
    }
}

fn decide(l: &SideCtx<'_>, r: &SideCtx<'_>, rows: &[Row]) -> Decisive {
    let sides = [l, r];
    // The failed side first (or the left when both or neither failed).
    let failed = |s: &SideCtx<'_>| matches!(end(s.c), End::Failed { .. } | End::Incomplete);
    let (f, g) = if !failed(l) && failed(r) {
        (r, l)
    } else {
        (l, r)
    };
    let mut unknown: Vec<UnknownFact> = Vec::new();

    // 0. The same ending for the same reason.
    match same_reason(l.c, r.c) {
        Some(true) => {
            let how = match end(l.c) {
                End::Completed => "both completed".to_owned(),
                End::Incomplete => "neither handshake ended in the capture".to_owned(),
                End::Failed { .. } => format!("both {}", end_text(l.c)),
            };
            let mut d = decisive(
                DecisiveKind::SameOutcome,
                None,
                format!("No decisive difference: {how}, for the same reason."),
            );
            d.alert = alert_of(l.c);
            return d;
        }
        Some(false) => {}
        None => {
            for s in sides {
                if let End::Failed {
                    alert: Fact::Unknown(u),
                    ..
                } = end(s.c)
                {
                    unknown.push(s.unknown("fatal_alert", u));
                }
                if let CertState::Unknown(u) = cert_state(s.c) {
                    unknown.push(s.unknown("client_certificate", u));
                }
            }
        }
    }

    // 1. A client certificate sent on one side and not on the other.
    let (cf, cg) = (cert_state(f.c), cert_state(g.c));
    let mut blocked = false;
    for (s, st) in [(f, cf), (g, cg)] {
        if let CertState::Unknown(u) = st {
            let other = if s.pos == f.pos { cg } else { cf };
            if !matches!(other, CertState::NotReached) {
                blocked = true;
                let uf = s.unknown("client_certificate", u);
                if !unknown.contains(&uf) {
                    unknown.push(uf);
                }
            }
        }
    }
    if !blocked {
        let pair = if cf.sent() && cg.not_sent() {
            Some((f, g, cf))
        } else if cg.sent() && cf.not_sent() {
            Some((g, f, cg))
        } else {
            None
        };
        if let Some((sent, none, CertState::Sent(cc))) = pair {
            return client_cert_sent(sent, none, cc, cert_state(none.c));
        }
        // 2. Both sent; the server rejected one and not the other.
        if let (CertState::Sent(a), CertState::Sent(b)) = (cf, cg) {
            if let Some(d) = client_cert_rejected(f, a, g, b) {
                return d;
            }
        }
    }

    // 3. The client rejected the server's certificate on one side only.
    let rejects_server = |s: &SideCtx<'_>| -> Fact<AlertDescription> {
        match end(s.c) {
            End::Failed {
                by: Some(Side::Client),
                alert: Fact::Known(d),
            } if is_certificate_alert(d) && s.c.tls.server_chain_fact().is_known() => {
                Fact::Known(d)
            }
            End::Failed {
                alert: Fact::Unknown(u),
                ..
            } => Fact::Unknown(u),
            _ => Fact::Absent,
        }
    };
    match (rejects_server(f), rejects_server(g)) {
        (Fact::Known(d), Fact::Absent) if !blocked => {
            return server_cert_rejected(f, g, d);
        }
        (Fact::Absent, Fact::Known(d)) if !blocked => {
            return server_cert_rejected(g, f, d);
        }
        (Fact::Unknown(u), _) | (_, Fact::Unknown(u)) => {
            let s = if rejects_server(f).unknown().is_some() {
                f
            } else {
                g
            };
            let uf = s.unknown("fatal_alert", u);
            if !unknown.contains(&uf) {
                unknown.push(uf);
            }
            blocked = true;
        }
        _ => {}
    }

    // 4./5. Parameters, then SNI.
    let param = parameters(f, g, rows);
    if !blocked && unknown.is_empty() {
        if let Some(d) = param {
            return d;
        }
        let differing: Vec<&str> = rows
            .iter()
            .filter(|x| x.differs && x.fact != ROW_OUTCOME && x.fact != ROW_ALERTS)
            .map(|x| x.fact.as_str())
            .collect();
        let seen = if differing.is_empty() {
            "no compared fact differs".to_owned()
        } else {
            format!(
                "differing facts ({}) do not explain it",
                differing.join(", ")
            )
        };
        let mut d = decisive(
            DecisiveKind::Unexplained,
            Some(f.pos),
            format!(
                "The {} {} and the {} {}; {seen}.",
                f.label,
                end_text(f.c),
                g.label,
                end_text(g.c)
            ),
        );
        d.alert = alert_of(f.c);
        d.row = Some(ROW_OUTCOME);
        return d;
    }
    // Something that could be decisive is unknown: say what, and what differs that is seen.
    let also = param
        .map(|p| {
            format!(
                " Seen to differ, not decisive while that is unknown: {}",
                p.sentence
            )
        })
        .unwrap_or_default();
    let mut d = decisive(
        DecisiveKind::Unknown,
        Some(f.pos),
        format!(
            "Not decided: the {} {} and the {} {}, but {}.{also}",
            f.label,
            end_text(f.c),
            g.label,
            end_text(g.c),
            unknown_sentence(sides, &unknown)
        ),
    );
    d.alert = alert_of(f.c);
    d.unknown = unknown;
    d
}

fn client_cert_sent(
    sent: &SideCtx<'_>,
    none: &SideCtx<'_>,
    cc: &ClientCertificate,
    none_state: CertState<'_>,
) -> Decisive {
    let how_none = match none_state {
        CertState::Empty => "an empty Certificate (no certificate)",
        CertState::NoMessage => "no Certificate message",
        _ => "no certificate (the server did not ask it for one)",
    };
    let leaf_text = leaf(&cc.chain)
        .map(|c| format!(" ({})", name_of(c)))
        .unwrap_or_default();
    let sent_end = match end(sent.c) {
        End::Completed => "the server accepted it".to_owned(),
        End::Failed {
            by: Some(Side::Server),
            alert: Fact::Known(d),
        } => format!(
            "the server rejected it with {} ({}){}",
            d.label(),
            d.0,
            alert_meaning(d)
        ),
        _ => format!("the handshake {}", end_text(sent.c)),
    };
    let mut d = decisive(
        DecisiveKind::ClientCertificateSent,
        Some(none.pos),
        format!(
            "the client certificate: the {} sent {how_none} and {}; the {} sent {} certificate(s){leaf_text} and {sent_end}.",
            none.label,
            end_text(none.c),
            sent.label,
            cc.count,
        ),
    );
    d.alert = alert_of(none.c);
    d.row = Some(ROW_CLIENT_CERT);
    d
}

/// What a server's rejection alert says about the certificate.
fn alert_meaning(d: AlertDescription) -> &'static str {
    match d {
        AlertDescription::UNKNOWN_CA => ": the server does not trust the issuer",
        AlertDescription::CERTIFICATE_EXPIRED => ": the certificate is expired (or not yet valid)",
        AlertDescription::DECRYPT_ERROR => {
            ": the signature did not verify (the private key is not the certificate's)"
        }
        AlertDescription::BAD_CERTIFICATE | AlertDescription::CERTIFICATE_UNKNOWN => {
            ": the server could not verify the certificate"
        }
        _ => "",
    }
}

fn client_cert_rejected(
    f: &SideCtx<'_>,
    fc: &ClientCertificate,
    g: &SideCtx<'_>,
    gc: &ClientCertificate,
) -> Option<Decisive> {
    let End::Failed {
        by: Some(Side::Server),
        alert,
    } = end(f.c)
    else {
        return None;
    };
    // The server ended it after the client's certificate was sent.
    let alert = alert.into_known();
    let (fl, gl) = (leaf(&fc.chain)?, leaf(&gc.chain)?);
    let g_end = match end(g.c) {
        End::Completed => "accepted".to_owned(),
        _ => format!("sent and the handshake {}", end_text(g.c)),
    };
    let (reason, why) = if alert == Some(AlertDescription::DECRYPT_ERROR) {
        (
            RejectReason::Key,
            format!(
                "its CertificateVerify signature did not verify: the private key the {} used is not the key of {}",
                f.label, fl.subject.text
            ),
        )
    } else if alert == Some(AlertDescription::CERTIFICATE_EXPIRED) || expired_at_start(fl, f.c) {
        (
            RejectReason::Expiry,
            format!(
                "the {}'s certificate is valid {} – {}, not at the time of the handshake",
                f.label, fl.not_before, fl.not_after
            ),
        )
    } else if fl.issuer.der != gl.issuer.der {
        (
            RejectReason::Issuer,
            format!(
                "the server does not accept the issuer {} (the accepted one was issued by {})",
                fl.issuer.text, gl.issuer.text
            ),
        )
    } else if fc.count < gc.count {
        (
            RejectReason::Chain,
            format!(
                "same issuer, but the {} sent {} certificate(s) where the {} sent {}: the chain is incomplete",
                f.label, fc.count, g.label, gc.count
            ),
        )
    } else {
        (
            RejectReason::Alert,
            "the certificates do not show why; only the alert does".to_owned(),
        )
    };
    let alert_text = alert
        .map(|d| format!("{} ({})", d.label(), d.0))
        .unwrap_or_else(|| "an alert".into());
    let mut d = decisive(
        DecisiveKind::ClientCertificateRejected,
        Some(f.pos),
        format!(
            "the server rejected the {}'s client certificate ({}) with {alert_text} and the {}'s ({}) was {g_end}: {why}.",
            f.label,
            name_of(fl),
            g.label,
            name_of(gl),
        ),
    );
    d.reason = Some(reason);
    d.alert = alert;
    d.row = Some(ROW_CLIENT_CERT);
    Some(d)
}

fn server_cert_rejected(f: &SideCtx<'_>, g: &SideCtx<'_>, alert: AlertDescription) -> Decisive {
    fn chain<'a>(s: &SideCtx<'a>) -> Option<&'a CertInfo> {
        s.c.tls
            .server_chain_fact()
            .into_known()
            .and_then(|c| leaf(c.certificates))
    }
    let sni = |s: &SideCtx<'_>| {
        s.c.tls
            .client_hello
            .as_ref()
            .map(|h| h.sni.as_deref().map(str::to_ascii_lowercase))
    };
    let (fl, gl) = (chain(f), chain(g));
    let (reason, why) = match (fl, gl) {
        (Some(a), _) if expired_at_start(a, f.c) => (
            RejectReason::Expiry,
            format!(
                "the server's certificate is valid {} – {}, not at the time of the handshake",
                a.not_before, a.not_after
            ),
        ),
        (Some(a), Some(b)) if a.der != b.der => (
            if a.issuer.der != b.issuer.der {
                RejectReason::Issuer
            } else {
                RejectReason::Name
            },
            format!(
                "the server presented {} to the {} and {} to the {}",
                name_of(a),
                f.label,
                name_of(b),
                g.label
            ),
        ),
        _ => match (sni(f), sni(g)) {
            (Some(a), Some(b)) if a != b => (
                RejectReason::Name,
                format!(
                    "the clients asked for different names (SNI {} vs {}): the certificate does not carry the {}'s",
                    a.as_deref().unwrap_or("none"),
                    b.as_deref().unwrap_or("none"),
                    f.label
                ),
            ),
            _ => (
                RejectReason::Issuer,
                format!(
                    "the same server certificate{}: the {}'s client does not trust its issuer (check that client's truststore) or rejects it for its own reason",
                    fl.map(|a| format!(" ({})", name_of(a))).unwrap_or_default(),
                    f.label
                ),
            ),
        },
    };
    let mut d = decisive(
        DecisiveKind::ServerCertificateRejected,
        Some(f.pos),
        format!(
            "the {}'s client rejected the server's certificate ({} ({}) from the client, after the server's Certificate); the {} {}: {why}.",
            f.label,
            alert.label(),
            alert.0,
            g.label,
            end_text(g.c)
        ),
    );
    d.reason = Some(reason);
    d.alert = Some(alert);
    d.row = Some(ROW_SERVER_CERT);
    d
}

/// Class 4 and 5: the first differing parameter that can explain the failed side's ending.
fn parameters(f: &SideCtx<'_>, g: &SideCtx<'_>, rows: &[Row]) -> Option<Decisive> {
    let differs = |fact: &str| rows.iter().any(|x| x.fact == fact && x.differs);
    let alert = alert_of(f.c);
    let mk = |param: Option<Parameter>, row: &'static str, what: String| {
        let kind = if param.is_some() {
            DecisiveKind::Parameters
        } else {
            DecisiveKind::Sni
        };
        let mut d = decisive(
            kind,
            Some(f.pos),
            format!(
                "{what}: the {} {}, the {} {}.",
                f.label,
                end_text(f.c),
                g.label,
                end_text(g.c)
            ),
        );
        d.parameter = param;
        d.alert = alert;
        d.row = Some(row);
        d
    };
    let cell = |fact: &str, pos: Position| {
        rows.iter()
            .find(|x| x.fact == fact)
            .map(|x| {
                if pos == Position::Left {
                    x.left.clone()
                } else {
                    x.right.clone()
                }
            })
            .unwrap_or_default()
    };
    let offered = |fact: &'static str, what: &str, p: Option<Parameter>| {
        mk(
            p,
            fact,
            format!(
                "the {what} offered: the {} offered {}, the {} {}",
                f.label,
                cell(fact, f.pos),
                g.label,
                cell(fact, g.pos)
            ),
        )
    };
    if f.c.tls.server_hello.is_none() && g.c.tls.server_hello.is_some() {
        // The server refused the failed side's ClientHello: what it offered decides; the
        // alert points to which offer.
        if alert == Some(AlertDescription::UNRECOGNIZED_NAME) && differs(ROW_SNI) {
            return Some(offered(ROW_SNI, "server name (SNI)", None));
        }
        // What the server chose for the other side and this side did not offer.
        if let (Some(fh), Some(gs)) = (&f.c.tls.client_hello, &g.c.tls.server_hello) {
            let offered_versions: Vec<u32> = if fh.supported_versions.is_empty() {
                vec![fh.legacy_version.code]
            } else {
                fh.supported_versions.iter().map(|v| v.code).collect()
            };
            let not_offered = |what: &str, chosen: &CodePoint| {
                format!(
                    "the {what}: the server chose {} for the {}, which the {} did not offer",
                    chosen.label(),
                    g.label,
                    f.label
                )
            };
            if !offered_versions.contains(&gs.version.code) {
                return Some(mk(
                    Some(Parameter::Version),
                    ROW_VERSIONS,
                    not_offered("TLS version", &gs.version),
                ));
            }
            if !fh
                .cipher_suites
                .iter()
                .any(|c| c.code == gs.cipher_suite.code)
            {
                return Some(mk(
                    Some(Parameter::CipherSuite),
                    ROW_SUITES,
                    not_offered("cipher suite", &gs.cipher_suite),
                ));
            }
            if let Some(gg) = &gs.key_share_group {
                if !fh.supported_groups.iter().any(|c| c.code == gg.code) {
                    return Some(mk(
                        Some(Parameter::Group),
                        ROW_GROUPS,
                        not_offered("key exchange group", gg),
                    ));
                }
            }
        }
        // Else the first offer that differs, in the order the alert points to.
        let version_first = alert == Some(AlertDescription::PROTOCOL_VERSION);
        let mut order = vec![
            (ROW_SUITES, "cipher suites", Some(Parameter::CipherSuite)),
            (ROW_GROUPS, "groups", Some(Parameter::Group)),
            (
                ROW_SIGALGS,
                "signature algorithms",
                Some(Parameter::SignatureAlgorithm),
            ),
            (ROW_SNI, "server name (SNI)", None),
        ];
        let versions = (ROW_VERSIONS, "TLS versions", Some(Parameter::Version));
        if version_first {
            order.insert(0, versions);
        } else {
            order.insert(order.len() - 1, versions);
        }
        for (row, what, p) in order {
            if differs(row) {
                return Some(offered(row, what, p));
            }
        }
        return None;
    }
    let negotiated = |fact: &'static str, what: &str, p: Option<Parameter>| {
        mk(
            p,
            fact,
            format!(
                "the {what}: {} for the {}, {} for the {}",
                cell(fact, f.pos),
                f.label,
                cell(fact, g.pos),
                g.label
            ),
        )
    };
    let vf = f.c.tls.version_fact().into_known().map(|v| v.code);
    let vg = g.c.tls.version_fact().into_known().map(|v| v.code);
    if vf.is_some() && vg.is_some() && vf != vg {
        return Some(negotiated(
            ROW_NEGOTIATED,
            "negotiated version",
            Some(Parameter::Version),
        ));
    }
    if differs(ROW_NEGOTIATED) {
        return Some(negotiated(
            ROW_NEGOTIATED,
            "negotiated cipher suite",
            Some(Parameter::CipherSuite),
        ));
    }
    for (row, what, p) in [
        (ROW_GROUP, "key exchange group", Some(Parameter::Group)),
        (
            ROW_VERIFY,
            "client's signature algorithm",
            Some(Parameter::SignatureAlgorithm),
        ),
        (
            ROW_SERVER_KEY,
            "server's key type",
            Some(Parameter::KeyType),
        ),
        (
            ROW_CLIENT_KEY,
            "client's key type",
            Some(Parameter::KeyType),
        ),
        (ROW_SNI, "server name (SNI)", None),
    ] {
        if differs(row) {
            return Some(negotiated(row, what, p));
        }
    }
    None
}
