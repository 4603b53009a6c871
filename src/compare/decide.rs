//! The decision: the precedence of docs/compare.md over the typed facts of both sides — the same
//! ending for the same reason, then classes 1–5 (classes.rs), else what is unknown or unexplained.

use super::classes::{client_cert_rejected, client_cert_sent, parameters, server_cert_rejected};
use super::http::HttpDecision;
use super::rows::{ROW_ALERTS, ROW_OUTCOME};
use super::sides::{cert_state, end, end_text, is_certificate_alert, CertState, End};
use super::{decisive, Decisive, DecisiveKind, Position, Row, UnknownFact};
use crate::model::{AlertDescription, Connection, Fact, InferenceClaim, Reveal, Side, Unknown};

pub(super) struct SideCtx<'a> {
    pub(super) c: &'a Connection,
    pub(super) label: &'a str,
    pub(super) keylog: Option<&'a str>,
    pub(super) pos: Position,
}

impl SideCtx<'_> {
    pub(super) fn unknown(&self, fact: &'static str, u: Unknown) -> UnknownFact {
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
    pub(super) fn reveal_text(&self, u: &UnknownFact) -> String {
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

pub(super) fn fact_words(fact: &str) -> &'static str {
    match fact {
        "client_certificate" => "whether its client sent a certificate",
        "fatal_alert" => "the alert that ended it",
        "server_certificates" => "the server's certificate",
        super::http::FACT_HTTP => "its HTTP exchange",
        "certificate_request" => {
            "whether (and for which CAs) the server asked for a client certificate"
        }
        _ => "a fact",
    }
}

pub(super) fn unknown_sentence(sides: [&SideCtx<'_>; 2], unknown: &[UnknownFact]) -> String {
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

pub(super) fn alert_of(c: &Connection) -> Option<AlertDescription> {
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
pub(super) fn same_reason(l: &Connection, r: &Connection) -> Option<bool> {
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

pub(super) fn decide(l: &SideCtx<'_>, r: &SideCtx<'_>, rows: &[Row]) -> Decisive {
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
            // Both TLS handshakes completed alike: the HTTP layer may still differ.
            let mut http_note = String::new();
            if matches!(end(l.c), End::Completed) {
                match super::http::decide(l, r) {
                    HttpDecision::Differs(d) | HttpDecision::Unknown(d) => return d,
                    HttpDecision::Same(s) => {
                        http_note = format!(", and both HTTP exchanges ended with {s}")
                    }
                    HttpDecision::NotCompared(Some(n)) => http_note = format!("; {n}"),
                    HttpDecision::NotCompared(None) => {}
                }
            }
            let how = match end(l.c) {
                End::Completed => "both completed".to_owned(),
                End::Incomplete => "neither handshake ended in the capture".to_owned(),
                End::Failed { .. } => format!("both {}", end_text(l.c)),
            };
            let mut d = decisive(
                DecisiveKind::SameOutcome,
                None,
                format!("No decisive difference: {how}, for the same reason{http_note}."),
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
            .filter(|x| {
                x.differs
                    && x.fact != ROW_OUTCOME
                    && x.fact != ROW_ALERTS
                    && !super::http::HTTP_ROWS.contains(&x.fact.as_str())
            })
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
