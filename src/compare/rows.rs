//! The rows of a comparison, one per fact, in the order the table shows them.

use super::cells::{
    alerts_cell, cas_cell, cell_keyed, cell_known, client_cert_cell, client_key_cell, fact_cell,
    hello_cell, names, outcome_cell, server_cert_cell, server_key_cell, short_list, verify_cell,
    Cell,
};
use super::sides::{end, End};
use super::Row;
use crate::model::{CodePoint, Connection, Fact};

pub(super) fn rows_of(l: &Connection, r: &Connection) -> Vec<Row> {
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
    // The HTTP layer beside the TLS rows, when one side's exchange was read.
    if super::http::shown(l, r) {
        for (fact, a, b) in super::http::rows(l, r) {
            add(fact, a, b);
        }
    }
    rows
}

pub(super) fn sorted_names(v: &[CodePoint]) -> String {
    let mut codes: Vec<u32> = v.iter().map(|c| c.code).collect();
    codes.sort_unstable();
    codes
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

pub(super) const ROW_VERSIONS: &str = "ClientHello versions";
pub(super) const ROW_SUITES: &str = "cipher suites";
pub(super) const ROW_SIGALGS: &str = "signature algorithms";
pub(super) const ROW_GROUPS: &str = "groups";
pub(super) const ROW_SNI: &str = "SNI";
pub(super) const ROW_NEGOTIATED: &str = "negotiated";
pub(super) const ROW_GROUP: &str = "key exchange group";
pub(super) const ROW_SERVER_CERT: &str = "server certificate";
pub(super) const ROW_SERVER_KEY: &str = "server key";
pub(super) const ROW_CAS: &str = "CertificateRequest CAs";
pub(super) const ROW_CLIENT_CERT: &str = "client certificate";
pub(super) const ROW_CLIENT_KEY: &str = "client key";
pub(super) const ROW_VERIFY: &str = "CertificateVerify";
pub(super) const ROW_ALERTS: &str = "alerts";
pub(super) const ROW_OUTCOME: &str = "outcome";
