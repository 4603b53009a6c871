//! How a connection ended, from what was decoded: completed, failed (by whom, with which alert,
//! after which message), or incomplete — and, for TLS 1.3 without keys, what the sizes and
//! order of protected records say (issue 6: an alert-sized record then a close; a client
//! flight too small to hold a certificate). Computed from the facts plus a small `Progress`
//! value, so a snapshot is `conclude(&progress, &mut facts.clone())`. Must not decode bytes.

use crate::model::{
    Confidence, DecryptionStatus, EndingAlert, Inference, InferenceClaim, MessageKind, Outcome,
    OutcomeStatus, Side, TlsFacts,
};

/// How far one direction's handshake went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Phase {
    /// Records are plaintext.
    #[default]
    Clear,
    /// After this side's ChangeCipherSpec (TLS ≤ 1.2) or the ServerHello (TLS 1.3): records
    /// are protected.
    Protected,
    /// This side's Finished was seen: its first protected handshake record (TLS ≤ 1.2) or
    /// its decrypted Finished (TLS 1.3).
    Finished,
}

/// The negotiated protocol family, from the ServerHello.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Protocol {
    #[default]
    Unknown,
    /// TLS ≤ 1.2; `signature_fields`: TLS 1.2 (CertificateRequest and CertificateVerify carry
    /// signature algorithms; RFC 5246 §7.4.4, §7.4.8).
    Legacy { signature_fields: bool },
    /// TLS 1.3 (RFC 8446): everything after the ServerHello is protected.
    Tls13,
}

impl Protocol {
    pub(crate) fn signature_fields(self) -> bool {
        match self {
            Protocol::Legacy { signature_fields } => signature_fields,
            Protocol::Unknown | Protocol::Tls13 => true,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct SideProgress {
    pub phase: Phase,
    /// Record headers seen.
    pub records: u64,
    pub appdata_records: u64,
    /// FIN (false) or RST (true), first frame.
    pub closed: Option<(u64, bool)>,
}

/// What the outcome needs beyond the facts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Progress {
    pub protocol: Protocol,
    pub client: SideProgress,
    pub server: SideProgress,
    /// TLS 1.3 protected records read without keys during the handshake, across both sides in
    /// wire order: (side, frame, length).
    pub protected_order: Vec<(Side, u64, usize)>,
}

impl Progress {
    pub(crate) fn side(&self, side: Side) -> &SideProgress {
        match side {
            Side::Client => &self.client,
            Side::Server => &self.server,
        }
    }
    pub(crate) fn side_mut(&mut self, side: Side) -> &mut SideProgress {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }

    /// This side's protected records during the TLS 1.3 handshake: (frame, length).
    fn protected(&self, side: Side) -> impl Iterator<Item = (u64, usize)> + '_ {
        self.protected_order
            .iter()
            .filter(move |(s, _, _)| *s == side)
            .map(|(_, f, l)| (*f, *l))
    }

    /// TLS 1.3 without keys: the first protected records of each side are its handshake
    /// flight; only later ones are application data. The client's flight is its first
    /// protected record(s) before the server answers; the server's flight is everything before
    /// the client's first protected record. So: once a server record follows the client's
    /// first protected record, both sides are past their flights.
    pub(crate) fn app_data_phase(&self) -> bool {
        let mut seen_client = false;
        for (s, _, _) in &self.protected_order {
            match s {
                Side::Client => seen_client = true,
                Side::Server if seen_client => return true,
                Side::Server => {}
            }
        }
        false
    }

    fn first_close(&self) -> Option<(Side, u64, bool)> {
        let c = self.client.closed.map(|(f, r)| (Side::Client, f, r));
        let s = self.server.closed.map(|(f, r)| (Side::Server, f, r));
        match (c, s) {
            (Some(a), Some(b)) => Some(if a.1 <= b.1 { a } else { b }),
            (a, b) => a.or(b),
        }
    }
}

/// Computes the outcome (and, for TLS 1.3 without keys, the size inference).
pub(crate) fn conclude(p: &Progress, facts: &mut TlsFacts) {
    let tls13 = p.protocol == Protocol::Tls13;
    if tls13 {
        infer_tls13(p, facts);
    }
    facts.outcome = outcome(p, facts, tls13);
}

fn outcome(p: &Progress, f: &TlsFacts, tls13: bool) -> Outcome {
    let decrypted13 = tls13 && f.decryption == DecryptionStatus::Decrypted;
    let handshake_done = if tls13 {
        // TLS 1.3: the server's Finished precedes its check of the client's flight, so only
        // both Finished and no fatal alert mean success.
        decrypted13
            && p.client.phase == Phase::Finished
            && p.server.phase == Phase::Finished
            && !f.alerts.iter().any(|a| a.is_fatal())
    } else {
        (p.client.phase == Phase::Finished && p.server.phase == Phase::Finished)
            || (f.application_data.client_records > 0 && f.application_data.server_records > 0)
    };
    // The first fatal (or unreadable, before completion) alert.
    let fatal = f
        .alerts
        .iter()
        .find(|a| a.is_fatal() || (a.message.is_none() && !handshake_done && !tls13));
    let mut o = Outcome::default();
    // A gap before completion makes an unreadable (encrypted) alert unexplainable: say
    // "incomplete" rather than guess; a plaintext fatal alert still tells the story.
    let gap = f.decode_stops.client.gap.or(f.decode_stops.server.gap);
    let fatal = fatal.filter(|a| !(a.message.is_none() && gap.is_some()));
    if f.client_hello.is_none() && !handshake_done && fatal.is_none() {
        incomplete_or_closed(p, f, &mut o);
    } else if f.client_hello.is_none() && handshake_done {
        o.status = OutcomeStatus::CompletedEncrypted;
        o.summary = "the handshake is not in the capture; application data flowed both ways".into();
    } else if let (Some(a), false) = (fatal, handshake_done) {
        o.status = OutcomeStatus::Failed;
        o.alert = Some(
            a.description()
                .map_or(EndingAlert::Unreadable, EndingAlert::Read),
        );
        o.alert_from = Some(a.from);
        o.frame = Some(a.frame);
        o.failed_after = failed_after(f, a.frame);
        let what = a.text();
        o.summary = format!(
            "failed: {} sent {what}{}",
            a.from.as_str(),
            o.failed_after
                .as_ref()
                .map(|s| format!(" after {s}"))
                .unwrap_or_default()
        );
    } else if handshake_done {
        o.status = OutcomeStatus::Completed;
        o.summary = "completed".into();
    } else if tls13 && !decrypted13 {
        tls13_outcome(p, f, &mut o);
    } else {
        incomplete_or_closed(p, f, &mut o);
    }
    o
}

fn incomplete_or_closed(p: &Progress, f: &TlsFacts, o: &mut Outcome) {
    if let Some(frame) = f.decode_stops.client.gap.or(f.decode_stops.server.gap) {
        o.status = OutcomeStatus::Incomplete;
        o.frame = Some(frame);
        o.summary = format!(
            "incomplete: bytes missing from the capture before frame {frame}, during the handshake"
        );
    } else if f.client_hello.is_none() {
        if f.application_data.client_records > 0 && f.application_data.server_records > 0 {
            o.status = OutcomeStatus::CompletedEncrypted;
            o.summary =
                "the handshake is not in the capture; application data flowed both ways".into();
        } else {
            o.status = OutcomeStatus::Incomplete;
            o.summary = "incomplete: the handshake is not in the capture".into();
        }
    } else if p.server.records == 0 && p.client.closed.is_none() && p.server.closed.is_none() {
        o.status = OutcomeStatus::Incomplete;
        o.summary = "incomplete: nothing from the server in the capture".into();
    } else if let Some((side, frame, reset)) = p.first_close() {
        o.status = OutcomeStatus::Failed;
        o.frame = Some(frame);
        o.alert_from = Some(side);
        o.failed_after = failed_after(f, frame);
        o.summary = format!(
            "failed: {} {} the connection without an alert{}",
            side.as_str(),
            if reset { "reset" } else { "closed" },
            o.failed_after
                .as_ref()
                .map(|s| format!(" after {s}"))
                .unwrap_or_default()
        );
    } else {
        o.status = OutcomeStatus::Incomplete;
        o.summary = "incomplete: the capture ends during the handshake".into();
    }
}

/// "client Certificate (empty)" — the significant message of the last flight before `frame`:
/// a Certificate (the client's empty one, or the server's chain a client rejects), else the
/// flight's last message.
fn failed_after(f: &TlsFacts, frame: u64) -> Option<String> {
    let prior: Vec<&crate::model::Message> = f
        .messages
        .iter()
        .filter(|m| m.frame <= frame && m.kind != MessageKind::Alert)
        .collect();
    let last = prior.last()?;
    let flight_side = last.from;
    let flight: Vec<&&crate::model::Message> = prior
        .iter()
        .rev()
        .take_while(|m| m.from == flight_side)
        .collect();
    let certificate = MessageKind::Handshake(crate::model::HandshakeType::CERTIFICATE);
    let pick = flight
        .iter()
        .find(|m| m.kind == certificate)
        .or_else(|| flight.first())
        .copied()?;
    let mut s = format!("{} {}", flight_side.as_str(), pick.kind.label());
    if pick.kind == certificate
        && flight_side == Side::Client
        && f.client_certificate
            .as_ref()
            .is_some_and(|cc| cc.count == 0)
    {
        s.push_str(" (empty)");
    }
    Some(s)
}

/// TLS 1.3 without keys: read what the sizes and order of protected records say.
fn tls13_outcome(p: &Progress, f: &TlsFacts, o: &mut Outcome) {
    let client_flight = p.protected(Side::Client).next();
    let after: Vec<&(Side, u64, usize)> = {
        let mut seen_client = false;
        p.protected_order
            .iter()
            .filter(|(s, _, _)| {
                if *s == Side::Client {
                    seen_client = true;
                }
                seen_client && *s == Side::Server
            })
            .collect()
    };
    let app = &f.application_data;
    if app.client_records > 0 && app.server_records > 0 {
        o.status = OutcomeStatus::CompletedEncrypted;
        o.summary =
            "completed (TLS 1.3; handshake encrypted, application data flowed both ways)".into();
        return;
    }
    if let Some(frame) = f.decode_stops.client.gap.or(f.decode_stops.server.gap) {
        o.status = OutcomeStatus::Incomplete;
        o.frame = Some(frame);
        o.summary = format!("incomplete: bytes missing from the capture before frame {frame}");
        return;
    }
    let closed = p.first_close();
    let small_only = !after.is_empty() && after.iter().all(|(_, _, len)| *len <= 24);
    if client_flight.is_some() && small_only && closed.is_some() {
        if let Some((_, frame, _)) = after.first() {
            o.status = OutcomeStatus::Failed;
            o.frame = Some(*frame);
            o.alert_from = Some(Side::Server);
            o.alert = Some(EndingAlert::Unreadable);
            o.failed_after = Some("client's encrypted second flight".into());
            o.summary = "failed (inferred): the server answered the client's second flight with one alert-sized encrypted record and closed — give --keylog to read it".into();
            return;
        }
    }
    if let Some((side, frame, reset)) = closed {
        o.status = OutcomeStatus::Failed;
        o.frame = Some(frame);
        o.alert_from = Some(side);
        o.summary = format!(
            "failed: {} {} the connection during the encrypted TLS 1.3 handshake",
            side.as_str(),
            if reset { "reset" } else { "closed" }
        );
        return;
    }
    o.status = OutcomeStatus::Incomplete;
    o.summary = "incomplete: the capture ends during the encrypted TLS 1.3 handshake".into();
}

/// Issue 6 §2: without keys, the size of the client's first protected flight says whether it
/// can hold a certificate. An empty Certificate (8 bytes) + Finished (36–52 bytes) + AEAD
/// overhead is under ~100 bytes; any real certificate is hundreds.
fn infer_tls13(p: &Progress, facts: &mut TlsFacts) {
    if facts.decryption == DecryptionStatus::Decrypted || !facts.inferences.is_empty() {
        return;
    }
    let Some((frame, len)) = p.protected(Side::Client).next() else {
        return;
    };
    let total: usize = p.protected(Side::Client).map(|(_, l)| l).sum();
    let frames: Vec<u64> = p.protected(Side::Client).map(|(f, _)| f).collect();
    let inf = if total < 120 {
        Inference {
            what: "the client sent no certificate (an empty Certificate, or none was requested)".into(),
            confidence: Confidence::Medium,
            basis: format!("the client's encrypted second flight is {total} bytes: room for Finished and at most an empty Certificate"),
            frames,
            claim: InferenceClaim::NoClientCertificate,
        }
    } else if total > 300 {
        Inference {
            what: "the client sent a certificate".into(),
            confidence: if total > 600 {
                Confidence::High
            } else {
                Confidence::Medium
            },
            basis: format!("the client's encrypted second flight is {total} bytes, too large for Finished alone (~50–70 bytes)"),
            frames,
            claim: InferenceClaim::ClientCertificateSent,
        }
    } else {
        Inference {
            what: "cannot tell whether the client sent a certificate".into(),
            confidence: Confidence::Low,
            basis: format!("the client's encrypted second flight is {total} bytes (first record {len} bytes, frame {frame})"),
            frames,
            claim: InferenceClaim::ClientCertificateUndetermined,
        }
    };
    facts.inferences.push(inf);
}
