//! The HTTP layer of a comparison: rows for the HTTP/1.1 exchange beside the TLS rows (request
//! and SOAPAction, the credentials sent, status, `WWW-Authenticate` schemes, SOAP fault) from
//! `connection.http` on each side — a captured exchange decrypted with its key log, the probe's
//! own exchange decoded from its recording — and the decision when both TLS handshakes completed
//! alike: the final HTTP answers differ (authentication, status, SOAP fault). Credentials are
//! scheme, token kind and length, never a value. A side whose exchange is unknown (encrypted
//! without keys, its answer not captured) is never a difference: the answer then says what is
//! unknown and what shows it.

use super::cells::{cell_keyed, cell_known, cell_unknown, Cell};
use super::decide::{unknown_sentence, SideCtx};
use super::sides::{end, End};
use super::{decisive, Decisive, DecisiveKind, HttpReason, Position, UnknownFact};
use crate::model::http::{Credential, HttpExchange, HttpRequest, HttpResponse};
use crate::model::http_auth::Challenge;
use crate::model::{Connection, Fact, Reveal, Unknown, UnknownReason};

pub(super) const ROW_HTTP_REQUEST: &str = "HTTP request";
pub(super) const ROW_HTTP_CREDENTIALS: &str = "HTTP credentials sent";
pub(super) const ROW_HTTP_STATUS: &str = "HTTP status";
pub(super) const ROW_HTTP_CHALLENGES: &str = "WWW-Authenticate";
pub(super) const ROW_SOAP_FAULT: &str = "SOAP fault";

/// The HTTP rows (never counted among the TLS facts that could explain a handshake's ending).
pub(super) const HTTP_ROWS: [&str; 5] = [
    ROW_HTTP_REQUEST,
    ROW_HTTP_CREDENTIALS,
    ROW_HTTP_STATUS,
    ROW_HTTP_CHALLENGES,
    ROW_SOAP_FAULT,
];

/// The unknown-fact name of an HTTP exchange (`decisive.unknown[].fact`).
pub(super) const FACT_HTTP: &str = "http_exchange";

/// At most this many exchanges are named in a cell (then `… (N)`).
const SHOWN: usize = 4;

/// What one side shows of its HTTP layer.
enum View<'a> {
    /// The exchanges read (possibly none).
    Read(&'a [HttpExchange]),
    /// Seen not to carry HTTP/1.x: no application data, or bytes that are not HTTP/1.x.
    NoHttp(String),
    /// Encrypted without keys, keys that do not match, a cipher not decrypted.
    Unknown(Unknown),
}

fn view(c: &Connection) -> View<'_> {
    match &c.tls.http {
        None if matches!(end(c), End::Completed) => View::NoHttp("– (no application data)".into()),
        None => View::NoHttp("–".into()),
        Some(h) => match &h.exchanges {
            Fact::Known(ex) => View::Read(ex),
            Fact::Absent => View::NoHttp(match &h.stopped {
                Some(s) => format!("– (not HTTP/1.x: {s})"),
                None => "– (not HTTP/1.x)".into(),
            }),
            Fact::Unknown(u) => View::Unknown(*u),
        },
    }
}

/// Whether the HTTP rows are shown: at least one side's exchanges were read.
pub(super) fn shown(l: &Connection, r: &Connection) -> bool {
    matches!(view(l), View::Read(_)) || matches!(view(r), View::Read(_))
}

/// Items in order with runs of the same item counted (`200 OK ×3`), at most [`SHOWN`] named.
fn sequence(items: &[String], sep: &str) -> String {
    let mut runs: Vec<(&str, usize)> = Vec::new();
    for it in items {
        match runs.last_mut() {
            Some((last, n)) if *last == it.as_str() => *n += 1,
            _ => runs.push((it.as_str(), 1)),
        }
    }
    let mut parts: Vec<String> = runs
        .iter()
        .take(SHOWN)
        .map(|(s, n)| {
            if *n > 1 {
                format!("{s} ×{n}")
            } else {
                (*s).to_owned()
            }
        })
        .collect();
    if runs.len() > SHOWN {
        parts.push(format!("… ({} exchanges)", items.len()));
    }
    parts.join(sep)
}

fn request_text(r: &HttpRequest) -> String {
    let mut s = format!("{} {}", r.method, r.target);
    if let Some(a) = &r.soap_action {
        s.push_str(&format!(" · SOAPAction {a}"));
    }
    s
}

fn credential_text(c: &Credential) -> String {
    let header = if c.header.eq_ignore_ascii_case("authorization") {
        String::new()
    } else {
        format!("{}: ", c.header)
    };
    format!(
        "{header}{} <{}, {} bytes>",
        c.scheme, c.token_kind, c.token_len
    )
}

fn credentials_text(r: &HttpRequest) -> String {
    if r.credentials.is_empty() {
        "none".into()
    } else {
        r.credentials
            .iter()
            .map(credential_text)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn challenge_text(c: &Challenge) -> String {
    let mut s = c.scheme.clone();
    if let Some(r) = &c.realm {
        s.push_str(&format!(" realm=\"{r}\""));
    }
    if let (Some(n), Some(k)) = (c.token_len, &c.token_kind) {
        s.push_str(&format!(" <{k} token, {n} bytes>"));
    }
    s
}

fn challenges_text(ch: &[Challenge]) -> String {
    ch.iter().map(challenge_text).collect::<Vec<_>>().join(", ")
}

fn status_text(r: &HttpResponse) -> String {
    if r.reason.is_empty() {
        r.status.to_string()
    } else {
        format!("{} {}", r.status, r.reason)
    }
}

fn fault_text(r: &HttpResponse) -> Option<String> {
    r.soap_fault.as_ref().map(|f| {
        let code = f.code.as_deref().unwrap_or("(no code)");
        match &f.reason {
            Some(why) => format!("{code}: {why}"),
            None => code.to_owned(),
        }
    })
}

/// The unknown of a read layer whose requests (or answers) are not in the capture.
fn not_captured() -> Unknown {
    Unknown::new(UnknownReason::NotCaptured, Some(Reveal::CompleteCapture))
}

/// The five cells of one side, in [`HTTP_ROWS`] order.
fn cells(c: &Connection) -> [Cell; 5] {
    let ex = match view(c) {
        View::Read(ex) => ex,
        View::NoHttp(t) => {
            return std::array::from_fn(|_| cell_keyed(t.clone(), "no-http".into()));
        }
        View::Unknown(u) => return std::array::from_fn(|_| cell_unknown(&u)),
    };
    if ex.is_empty() {
        return std::array::from_fn(|_| cell_keyed("– (no exchange read)".into(), "none".into()));
    }
    let requests: Vec<&HttpRequest> = ex.iter().filter_map(|e| e.request.as_ref()).collect();
    let responses: Vec<&HttpResponse> = ex.iter().filter_map(|e| e.response.as_ref()).collect();
    let req_cell = |f: fn(&HttpRequest) -> String| {
        if requests.is_empty() {
            cell_unknown(&not_captured())
        } else {
            let items: Vec<String> = requests.iter().map(|r| f(r)).collect();
            cell_known(sequence(&items, " → "))
        }
    };
    let request = if requests.is_empty() {
        cell_unknown(&not_captured())
    } else {
        // Distinct requests, each once (a call retried after a 401 is the same request).
        let mut distinct: Vec<String> = Vec::new();
        for r in &requests {
            let t = request_text(r);
            if !distinct.contains(&t) {
                distinct.push(t);
            }
        }
        let n = distinct.len();
        let mut text = distinct
            .into_iter()
            .take(SHOWN)
            .collect::<Vec<_>>()
            .join("; ");
        if n > SHOWN {
            text.push_str(&format!("; … ({n} requests)"));
        }
        cell_known(text)
    };
    let credentials = req_cell(credentials_text);
    let Some(last) = responses.last() else {
        let u = not_captured();
        return [
            request,
            credentials,
            cell_unknown(&u),
            cell_unknown(&u),
            cell_unknown(&u),
        ];
    };
    let statuses: Vec<String> = responses.iter().map(|r| status_text(r)).collect();
    let codes: Vec<String> = responses.iter().map(|r| r.status.to_string()).collect();
    let status = cell_keyed(sequence(&statuses, " → "), codes.join(","));
    let with: Vec<String> = responses
        .iter()
        .filter(|r| !r.challenges.is_empty())
        .map(|r| challenges_text(&r.challenges))
        .collect();
    let challenges = if with.is_empty() {
        cell_known("–".into())
    } else {
        cell_known(sequence(&with, " → "))
    };
    let fault = cell_known(fault_text(last).unwrap_or_else(|| "–".into()));
    [request, credentials, status, challenges, fault]
}

/// The HTTP rows' cells: `(fact, left, right)`.
pub(super) fn rows(l: &Connection, r: &Connection) -> Vec<(&'static str, Cell, Cell)> {
    let (a, b) = (cells(l), cells(r));
    HTTP_ROWS
        .iter()
        .zip(a.into_iter().zip(b))
        .map(|(f, (x, y))| (*f, x, y))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The decision (both TLS handshakes completed).

/// The exchange a side ended with: its last answer and the request it answered.
struct Answer<'a> {
    request: Option<&'a HttpRequest>,
    response: &'a HttpResponse,
}

enum Final<'a> {
    Answered(Answer<'a>),
    /// No HTTP read on this side (no application data, not HTTP/1.x, no exchange).
    NoHttp,
    Unknown(Unknown),
}

fn final_of(c: &Connection) -> Final<'_> {
    match view(c) {
        View::Read(ex) => match ex.iter().rev().find_map(|e| {
            e.response.as_ref().map(|response| Answer {
                request: e.request.as_ref(),
                response,
            })
        }) {
            Some(a) => Final::Answered(a),
            None if ex.is_empty() => Final::NoHttp,
            None => Final::Unknown(not_captured()),
        },
        View::NoHttp(_) => Final::NoHttp,
        View::Unknown(u) => Final::Unknown(u),
    }
}

/// What the HTTP layer says when the TLS handshakes completed alike.
pub(super) enum HttpDecision {
    /// The final answers differ: the decisive difference.
    Differs(Decisive),
    /// One side's answer is unknown: not decided.
    Unknown(Decisive),
    /// Both ended with the same answer (its text).
    Same(String),
    /// Not compared (no HTTP on a side, or unknown on both); a note when one side answered.
    NotCompared(Option<String>),
}

fn bad(a: &Answer<'_>) -> bool {
    a.response.status >= 400 || a.response.soap_fault.is_some()
}

fn fault_code<'a>(a: &Answer<'a>) -> Option<&'a str> {
    a.response
        .soap_fault
        .as_ref()
        .map(|f| f.code.as_deref().unwrap_or(""))
}

/// `got 401 Unauthorized (WWW-Authenticate: Negotiate)`, with the SOAP fault if any.
fn got(a: &Answer<'_>) -> String {
    let r = a.response;
    let mut s = format!("got {}", status_text(r));
    if !r.challenges.is_empty() {
        s.push_str(&format!(
            " (WWW-Authenticate: {})",
            challenges_text(&r.challenges)
        ));
    }
    if let Some(f) = fault_text(r) {
        s.push_str(&format!(" with SOAP fault {f}"));
    }
    s
}

/// `sent POST /soap without credentials` / `… with Negotiate <spnego-init, 764 bytes>`.
fn sent(a: &Answer<'_>) -> String {
    match a.request {
        Some(r) if r.credentials.is_empty() => {
            format!("sent {} {} without credentials", r.method, r.target)
        }
        Some(r) => format!(
            "sent {} {} with {}",
            r.method,
            r.target,
            credentials_text(r)
        ),
        None => "sent a request that is not in the capture".into(),
    }
}

pub(super) fn decide(l: &SideCtx<'_>, r: &SideCtx<'_>) -> HttpDecision {
    match (final_of(l.c), final_of(r.c)) {
        (Final::Answered(a), Final::Answered(b)) => {
            let same_status = a.response.status == b.response.status;
            if same_status && fault_code(&a) == fault_code(&b) {
                return HttpDecision::Same(status_text(a.response));
            }
            // The side the answer is about: the one that got the error (else the left).
            let ((f, fa), (g, ga)) = if !bad(&a) && bad(&b) {
                ((r, b), (l, a))
            } else {
                ((l, a), (r, b))
            };
            let auth = |x: &Answer<'_>| matches!(x.response.status, 401 | 407);
            let (reason, row, what) = if !same_status && (auth(&fa) || auth(&ga)) {
                (
                    HttpReason::Authentication,
                    ROW_HTTP_STATUS,
                    "the HTTP authentication",
                )
            } else if !same_status {
                (HttpReason::Status, ROW_HTTP_STATUS, "the HTTP status")
            } else {
                (HttpReason::SoapFault, ROW_SOAP_FAULT, "the SOAP fault")
            };
            let refused = match (reason, fa.request) {
                (HttpReason::Authentication, Some(q)) if auth(&fa) && q.credentials.is_empty() => {
                    ": it sent no credentials"
                }
                (HttpReason::Authentication, Some(_)) if auth(&fa) => {
                    ": the server refused its credentials"
                }
                _ => "",
            };
            let mut d = decisive(
                DecisiveKind::Http,
                Some(f.pos),
                format!(
                    "{what}: both TLS handshakes completed; the {} {} and {}{refused}; the {} {} and {}.",
                    f.label,
                    sent(&fa),
                    got(&fa),
                    g.label,
                    sent(&ga),
                    got(&ga)
                ),
            );
            d.http_reason = Some(reason);
            d.row = Some(row);
            HttpDecision::Differs(d)
        }
        (Final::Unknown(u), Final::Answered(b)) => unknown(l, u, r, &b),
        (Final::Answered(a), Final::Unknown(u)) => unknown(r, u, l, &a),
        (Final::Answered(a), Final::NoHttp) => no_http(r, l, &a),
        (Final::NoHttp, Final::Answered(b)) => no_http(l, r, &b),
        (a, b) => {
            // Neither side answered: say which side's exchange is unknown, if one is.
            let unknown: Vec<String> = [(l, a), (r, b)]
                .into_iter()
                .filter_map(|(s, x)| match x {
                    Final::Unknown(u) => Some(format!(
                        "the {}'s HTTP exchange is unknown ({})",
                        s.label,
                        u.reason.as_str()
                    )),
                    _ => None,
                })
                .collect();
            HttpDecision::NotCompared(
                (!unknown.is_empty())
                    .then(|| format!("HTTP is not compared: {}", unknown.join(" and "))),
            )
        }
    }
}

fn no_http(none: &SideCtx<'_>, other: &SideCtx<'_>, a: &Answer<'_>) -> HttpDecision {
    HttpDecision::NotCompared(Some(format!(
        "HTTP is not compared: no HTTP exchange was read on the {} side (the {} {})",
        none.label,
        other.label,
        got(a)
    )))
}

fn unknown(s: &SideCtx<'_>, u: Unknown, other: &SideCtx<'_>, a: &Answer<'_>) -> HttpDecision {
    let uf = UnknownFact {
        side: s.pos,
        fact: FACT_HTTP,
        reason: u.reason,
        reveal: u.reveal,
        inference: None,
    };
    let sides: [&SideCtx<'_>; 2] = if s.pos == Position::Left {
        [s, other]
    } else {
        [other, s]
    };
    let mut d = decisive(
        DecisiveKind::Unknown,
        Some(s.pos),
        format!(
            "Not decided: both TLS handshakes completed, but {}; the {} {} and {}.",
            unknown_sentence(sides, std::slice::from_ref(&uf)),
            other.label,
            sent(a),
            got(a)
        ),
    );
    d.unknown = vec![uf];
    HttpDecision::Unknown(d)
}
