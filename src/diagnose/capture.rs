//! Capture problems that limit what can be said: only one direction captured (asymmetric
//! routing, a filter on one address), the handshake not in the capture (started mid-connection),
//! and holes in a direction's byte stream (lost or uncaptured segments). Findings say so
//! instead of guessing.

use super::{ev, finding, Context};
use crate::model::{Connection, Finding, Severity};

pub fn check(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let unit = c.evidence_unit.word();
    let mut out = Vec::new();
    // A javax.net.debug log is not a capture: it has no bytes or directions to be missing.
    if c.evidence_unit == crate::model::EvidenceUnit::Line {
        return out;
    }
    let cov = &c.capture;
    if cov.client_bytes == 0 || cov.server_bytes == 0 {
        let missing = if cov.client_bytes == 0 {
            "client"
        } else {
            "server"
        };
        let mut f = finding(
            "capture-one-direction",
            Severity::Warning,
            format!("Only one direction of this connection is in the capture: nothing from the {missing}. Alerts and messages from that side cannot be seen."),
        );
        f.evidence.push(ev(
            Some(c.first_frame),
            "bytes client→server",
            cov.client_bytes.to_string(),
        ));
        f.evidence.push(ev(
            Some(c.first_frame),
            "bytes server→client",
            cov.server_bytes.to_string(),
        ));
        f.fix = Some("Capture on an interface that sees both directions (or on the client host itself: tcpdump -i any -w file.pcap host <server>).".into());
        out.push(f);
    }
    // A refused proxy or STARTTLS request: there was no handshake to miss (rule `upgrade`).
    let no_tls_began = c
        .preamble
        .as_ref()
        .is_some_and(|p| p.client_tls_frame.is_none() && p.server_tls_frame.is_none());
    if c.tls.client_hello.is_none() && !no_tls_began {
        let mut f = finding(
            "capture-handshake-missing",
            Severity::Warning,
            format!("The handshake of this connection is not in the capture (the capture started after it; first {unit} {}): its certificates, CA list and alerts cannot be shown.", c.first_frame),
        );
        f.evidence.push(ev(
            Some(c.first_frame),
            "SYN seen",
            cov.syn_seen.to_string(),
        ));
        f.fix = Some("Start the capture before the client connects (or force a new connection: restart the client's connection pool).".into());
        out.push(f);
    }
    for g in &cov.gaps {
        let mut f = finding(
            "capture-gap",
            Severity::Warning,
            format!("{} bytes from the {} are missing from the capture before {unit} {}; nothing after the gap in that direction is decoded.", g.missing_bytes, g.side.as_str(), g.frame),
        );
        f.evidence.push(ev(
            Some(g.frame),
            "missing bytes",
            g.missing_bytes.to_string(),
        ));
        f.fix = Some("Capture with a larger buffer and full snap length (tcpdump -B 8192 -s 0), or on the endpoint itself.".into());
        out.push(f);
    }
    out
}
