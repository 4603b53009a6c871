//! handshake_failure (or insufficient_security) from the server right after the ClientHello,
//! before any ServerHello: RFC 8446 §4.1.1 / RFC 5246 §7.4.1.3 — the server found no acceptable
//! set of parameters: no shared version, cipher suite, group or signature algorithm.

use super::{ev, fatal_alert, finding, names, Context};
use crate::model::{Connection, Finding, Severity, Side};

pub fn check(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let unit = c.evidence_unit.word();
    let Some(h) = &c.tls.client_hello else {
        return vec![];
    };
    if c.tls.server_hello.is_some() {
        return vec![];
    }
    let Some(a) =
        fatal_alert(c).filter(|a| a.from == Side::Server && matches!(a.code(), Some(40 | 71)))
    else {
        return vec![];
    };
    let versions = if h.supported_versions.is_empty() {
        h.legacy_version.label()
    } else {
        names(&h.supported_versions, 6)
    };
    let mut f = finding(
        "no-common-parameters",
        Severity::Error,
        format!(
            "The server refused the ClientHello with {} ({unit} {}) before choosing anything: there is no protocol version, cipher suite, group or signature algorithm both sides accept.",
            a.text(),
            a.frame
        ),
    );
    f.details
        .push(format!("The client offered versions: {versions}"));
    f.details.push(format!(
        "cipher suites ({}): {}",
        h.cipher_suites.len(),
        names(&h.cipher_suites, 8)
    ));
    f.details
        .push(format!("groups: {}", names(&h.supported_groups, 8)));
    f.details.push(format!(
        "signature algorithms: {}",
        names(&h.signature_algorithms, 8)
    ));
    f.evidence.push(ev(
        Some(h.frame),
        "ClientHello.cipher_suites",
        format!("{} suites", h.cipher_suites.len()),
    ));
    f.evidence.push(ev(Some(a.frame), "server Alert", a.text()));
    f.fix = Some("Compare the client's offer above with the server's configuration (openssl s_client -connect host:port -tls1_2 / -cipher … shows what the server accepts) and enable a common cipher suite and version on one side (Java: https.protocols, jdk.tls.client.protocols, jdk.tls.disabledAlgorithms).".to_owned());
    vec![f]
}
