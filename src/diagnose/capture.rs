//! Capture problems that limit what can be said, named by their evidence: frames cut by the
//! snap length (first: it explains the gaps and the unreadable handshake that follow from it),
//! only one direction captured (asymmetric routing, a filter on one address), the handshake not
//! in the capture (started mid-connection), and holes in a direction's byte stream (lost or
//! uncaptured segments). Each finding agrees with its own evidence: "started after the
//! handshake" only when no SYN was seen.

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
    if let Some(s) = &cov.snap {
        let missing: u64 = cov.gaps.iter().map(|g| g.missing_bytes).sum();
        let mut f = finding(
            "capture-snap-length",
            Severity::Warning,
            format!(
                "The capture's snap length cut {} {unit}s of this connection (first: {unit} {}): only {} of up to {} bytes per {unit} were saved, so the TLS records in them are incomplete and the handshake cannot be read past the first cut.",
                s.frames, s.first_frame, s.captured_length, s.original_length
            ),
        );
        f.evidence
            .push(ev(Some(s.first_frame), "frames cut", s.frames.to_string()));
        f.evidence.push(ev(
            Some(s.first_frame),
            "captured length",
            s.captured_length.to_string(),
        ));
        f.evidence.push(ev(
            Some(s.first_frame),
            "original length",
            s.original_length.to_string(),
        ));
        f.evidence.push(ev(
            Some(c.first_frame),
            "SYN seen",
            cov.syn_seen.to_string(),
        ));
        if missing > 0 {
            f.evidence
                .push(ev(None, "bytes missing", missing.to_string()));
        }
        f.fix = Some("Capture again without a snap length: tcpdump -s 0 (the whole frame; tcpdump's default since 4.0 is 262144), or dumpcap/tshark without -s.".into());
        out.push(f);
    }
    // Cut frames still count as frames: a direction whose frames were all cut to their headers
    // is in the capture, only its bytes are not.
    let frames_seen = |bytes: u64, frames: u64| bytes > 0 || (cov.snap.is_some() && frames > 0);
    if !frames_seen(cov.client_bytes, cov.client_frames)
        || !frames_seen(cov.server_bytes, cov.server_frames)
    {
        let missing = if !frames_seen(cov.client_bytes, cov.client_frames) {
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
    // With cut frames the snap-length finding explains the unreadable hello.
    if c.tls.client_hello.is_none() && !no_tls_began && cov.snap.is_none() {
        let mut f = if cov.syn_seen {
            finding(
                "capture-handshake-missing",
                Severity::Warning,
                format!("The connection's start is in the capture (SYN seen), but its ClientHello could not be read (first {unit} {}): bytes of the handshake are missing, so its certificates, CA list and alerts cannot be shown.", c.first_frame),
            )
        } else {
            finding(
                "capture-handshake-missing",
                Severity::Warning,
                format!("The handshake of this connection is not in the capture (the capture started after it; first {unit} {}): its certificates, CA list and alerts cannot be shown.", c.first_frame),
            )
        };
        f.evidence.push(ev(
            Some(c.first_frame),
            "SYN seen",
            cov.syn_seen.to_string(),
        ));
        f.fix = Some(if cov.syn_seen {
            "Capture the whole handshake without loss (tcpdump -B 8192 -s 0, or on the endpoint itself).".into()
        } else {
            "Start the capture before the client connects (or force a new connection: restart the client's connection pool).".into()
        });
        out.push(f);
    }
    // Gaps the snap length made are counted in its finding.
    if cov.snap.is_none() {
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
    }
    out
}
