//! The cells of the comparison's rows: one text per side from a three-valued fact, with the
//! key the two sides are compared by (`None` when the fact is unknown: never a difference).

use super::sides::{cert_state, client_answered, end, end_text, leaf, name_of, CertState, End};
use crate::model::{
    CertInfo, CodePoint, Connection, Fact, InferenceClaim, OutcomeStatus, Reveal, Unknown,
    UnknownReason,
};

pub(super) const UNKNOWN_MARK: &str = "?";

pub(super) fn unknown_cell(u: &Unknown) -> String {
    format!("{UNKNOWN_MARK} unknown: {}", u.reason.as_str())
}

/// A row's cell from a three-valued fact; `None` as the compare key when unknown.
pub(super) struct Cell {
    pub(super) text: String,
    pub(super) key: Option<String>,
}

pub(super) fn cell_known(text: String) -> Cell {
    Cell {
        key: Some(text.clone()),
        text,
    }
}

pub(super) fn cell_keyed(text: String, key: String) -> Cell {
    Cell {
        text,
        key: Some(key),
    }
}

pub(super) fn cell_unknown(u: &Unknown) -> Cell {
    Cell {
        text: unknown_cell(u),
        key: None,
    }
}

pub(super) fn names(v: &[CodePoint]) -> String {
    v.iter()
        .map(CodePoint::label)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn short_list(v: &[CodePoint], n: usize) -> String {
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

pub(super) fn hello_cell(
    c: &Connection,
    f: &dyn Fn(&crate::model::ClientHello) -> (String, String),
) -> Cell {
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

pub(super) fn fact_cell<T>(f: Fact<T>, known: impl FnOnce(T) -> String, absent: &str) -> Cell {
    match f {
        Fact::Known(v) => cell_known(known(v)),
        Fact::Absent => cell_known(absent.into()),
        Fact::Unknown(u) => cell_unknown(&u),
    }
}

pub(super) fn outcome_cell(c: &Connection) -> String {
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

pub(super) fn client_cert_cell(c: &Connection) -> Cell {
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

pub(super) fn server_cert_cell(c: &Connection) -> Cell {
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

/// The key as every face names it (`model::PublicKeyInfo::label`): `RSA 2048`, `EC secp256r1`.
pub(super) fn key_text(cert: &CertInfo) -> String {
    cert.public_key.label()
}

pub(super) fn server_key_cell(c: &Connection) -> Cell {
    match c.tls.server_chain_fact() {
        Fact::Known(ch) => cell_known(leaf(ch.certificates).map(key_text).unwrap_or_default()),
        Fact::Absent => cell_known("–".into()),
        Fact::Unknown(u) => cell_unknown(&u),
    }
}

pub(super) fn client_key_cell(c: &Connection) -> Cell {
    match cert_state(c) {
        CertState::Sent(cc) => cell_known(leaf(&cc.chain).map(key_text).unwrap_or_default()),
        CertState::Unknown(u) => cell_unknown(&u),
        _ => cell_known("–".into()),
    }
}

pub(super) fn cas_cell(c: &Connection) -> Cell {
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

pub(super) fn verify_cell(c: &Connection) -> Cell {
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

pub(super) fn alerts_cell(c: &Connection) -> Cell {
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
