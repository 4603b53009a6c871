//! Records → connections. A handshake is followed per JVM thread (SSLSocket handshakes run on
//! the calling thread; JDK 11+ prints its id and name on every line): a ClientHello produced
//! (JSSE is the client) or consumed (JSSE is the server) starts a connection on that thread,
//! and the thread's later records belong to it until its next ClientHello. Records before any
//! ClientHello (SSLContext set-up: keystore, truststore) are the JVM's and are attached to the
//! connections that follow. Only what the log prints becomes a fact: anything else stays empty
//! (unknown), never guessed.

use super::body;
use super::dn;
use super::messages::{certificate_request, certificates, client_hello, server_hello};
use super::names as jn;
use super::reader::Record;
use crate::model::{
    Alert, AlertDescription, AlertLevel, AlertMessage, Anomaly, CertificateVerify,
    ClientCertificate, CodePoint, DecryptionStatus, EncryptedExtensions, EndingAlert,
    HandshakeType, JsseLog, KeyEntryReport, LogStatement, Message, MessageKind, Outcome,
    OutcomeStatus, Side, StoreReport, TlsFacts,
};
use crate::tls::names;
use std::borrow::Cow;
use std::collections::HashMap;

/// Connections followed at most (a log of a busy server holds thousands; each is small).
const MAX_CONNECTIONS: usize = 100_000;
/// Messages kept per connection (a long-lived connection logs a NewSessionTicket or KeyUpdate now
/// and then; the ladder keeps the first ones).
const MAX_MESSAGES: usize = 512;

pub struct Conn {
    pub first_line: u64,
    pub last_line: u64,
    pub start_ts_ns: u64,
    pub facts: TlsFacts,
    pub jsse: JsseLog,
    /// A HelloRetryRequest was consumed and the second ClientHello is still to come.
    hrr_pending: bool,
    finished: [bool; 2],
    tls13: bool,
}

impl Conn {
    fn local(&self) -> Side {
        self.jsse.role
    }
    fn time(&self, r: &Record) -> f64 {
        r.ts_ns
            .map(|t| t.saturating_sub(self.start_ts_ns) as f64 / 1e9)
            .unwrap_or(0.0)
    }
}

#[derive(Default)]
pub struct Builder {
    pub conns: Vec<Conn>,
    /// Thread (id and name) → index of its current connection.
    current: HashMap<(String, String), usize>,
    keystore: Option<StoreReport>,
    truststore: Option<StoreReport>,
    key_entries: Vec<KeyEntryReport>,
    pub anomalies: Vec<Anomaly>,
    pub first_ts_ns: Option<u64>,
    /// A zone name that is not converted exactly (reported once).
    pub odd_zone: Option<String>,
    dropped: u64,
    /// Handshake events outside any followed handshake (see `record`).
    pub orphans: Vec<LogStatement>,
}

fn stmt(r: &Record, text: &str) -> LogStatement {
    LogStatement {
        line: r.line,
        text: text.to_owned(),
    }
}

impl Builder {
    pub fn record(&mut self, r: Record) {
        if self.first_ts_ns.is_none() {
            self.first_ts_ns = r.ts_ns;
        }
        if !super::reader::zone_is_exact(&r.zone) && self.odd_zone.is_none() {
            self.odd_zone = Some(r.zone.clone());
        }
        let msg = r.message.trim_end_matches('(').trim_end().to_owned();
        // JVM-wide set-up lines.
        if let Some(p) = msg.strip_prefix("keyStore is :") {
            self.keystore = Some(StoreReport {
                line: r.line,
                path: p.trim().to_owned(),
                store_type: None,
            });
            return;
        }
        if let Some(t) = msg.strip_prefix("keyStore type is :") {
            if let Some(k) = self.keystore.as_mut() {
                k.store_type = Some(t.trim().to_owned()).filter(|s| !s.is_empty());
            }
            return;
        }
        if let Some(p) = msg.strip_prefix("trustStore is:") {
            let store_type = r
                .body
                .iter()
                .find_map(|l| l.strip_prefix("trustStore type is:"))
                .map(|t| t.trim().to_owned())
                .filter(|s| !s.is_empty());
            self.truststore = Some(StoreReport {
                line: r.line,
                path: p.trim().to_owned(),
                store_type,
            });
            return;
        }
        if let Some(alias) = msg.strip_prefix("found key for :") {
            let subject = body::field(&r.body, "subject").and_then(|(_, v)| dn::dn(v));
            let issuer = body::field(&r.body, "issuer").and_then(|(_, v)| dn::dn(v));
            if self.key_entries.len() < 64 {
                self.key_entries.push(KeyEntryReport {
                    line: r.line,
                    alias: alias.trim().to_owned(),
                    subject,
                    issuer,
                });
            }
            return;
        }
        let (verb, rest) = if let Some(x) = msg.strip_prefix("Produced ") {
            (Some(true), x)
        } else if let Some(x) = msg.strip_prefix("Consuming ") {
            (Some(false), x)
        } else {
            (None, msg.as_str())
        };
        let key = (r.thread_id.clone(), r.thread.clone());
        if let (Some(produced), true) = (verb, rest.starts_with("ClientHello handshake message")) {
            let cont = self
                .current
                .get(&key)
                .and_then(|i| self.conns.get(*i))
                .is_some_and(|c| c.hrr_pending);
            if !cont {
                if self.conns.len() >= MAX_CONNECTIONS {
                    self.dropped = self.dropped.saturating_add(1);
                    self.current.remove(&key);
                    return;
                }
                let role = if produced { Side::Client } else { Side::Server };
                self.conns.push(Conn {
                    first_line: r.line,
                    last_line: r.line,
                    start_ts_ns: r.ts_ns.unwrap_or(0),
                    facts: TlsFacts::default(),
                    jsse: JsseLog {
                        thread: r.thread.clone(),
                        thread_id: r.thread_id.clone(),
                        role,
                        keystore: self.keystore.clone(),
                        truststore: self.truststore.clone(),
                        key_entries: self.key_entries.clone(),
                        selection: Vec::new(),
                        fatal: None,
                    },
                    hrr_pending: false,
                    finished: [false, false],
                    tls13: false,
                });
                self.current
                    .insert(key.clone(), self.conns.len().saturating_sub(1));
            }
        }
        let Some(idx) = self.current.get(&key).copied() else {
            // A handshake event on a thread whose ClientHello the log does not hold (`ssl`
            // without `handshake`, or a log that starts mid-handshake): not a connection we
            // can describe, but worth saying.
            let handshake_event = msg.starts_with("Fatal (")
                || msg.starts_with("Received alert message")
                || msg.starts_with("No X.509 cert selected")
                || msg.starts_with("No available authentication scheme");
            if handshake_event && self.orphans.len() < 16 {
                let text = match body::field(&r.body, "description") {
                    Some((_, d)) => format!("{msg}: {d}"),
                    None => msg.clone(),
                };
                self.orphans.push(stmt(&r, &text));
            }
            return;
        };
        let Some(c) = self.conns.get_mut(idx) else {
            return;
        };
        c.last_line = r.line;
        match verb {
            Some(produced) => handshake(c, &r, produced, rest),
            None => statement(c, &r, &msg),
        }
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

/// A "Produced X" / "Consuming X" record.
fn handshake(c: &mut Conn, r: &Record, produced: bool, what: &str) {
    let from = if produced {
        c.local()
    } else {
        c.local().other()
    };
    let name = what
        .trim_end_matches(" handshake message")
        .trim_end_matches(" message");
    // "client Certificate", "server Finished", "ECDH ServerKeyExchange".
    let bare = name
        .strip_prefix("client ")
        .or_else(|| name.strip_prefix("server "))
        .unwrap_or(name);
    let time = c.time(r);
    let line = r.line;
    let tls13_phase = c.tls13;
    let mut detail: Option<String> = None;
    let mut certificate_count = None;
    let (label, code): (Cow<'static, str>, Option<u8>) = match bare {
        "ClientHello" => {
            let h = client_hello(&r.body, line, time, &mut c.facts.anomalies);
            detail = Some(format!(
                "SNI {} · offers up to {} · {} cipher suites",
                h.sni.as_deref().unwrap_or("–"),
                h.max_version.label(),
                h.cipher_suites.len()
            ));
            if c.facts.client_hello.is_none() {
                c.facts.client_hello = Some(h);
            }
            c.hrr_pending = false;
            ("ClientHello".into(), Some(1))
        }
        "ServerHello" | "HelloRetryRequest" => {
            let mut h = server_hello(&r.body, line, time);
            let hrr = bare == "HelloRetryRequest";
            h.is_hello_retry_request = hrr;
            detail = Some(format!(
                "{} · {}{}",
                h.version.label(),
                h.cipher_suite.label(),
                if hrr { " · HelloRetryRequest" } else { "" }
            ));
            if hrr {
                c.hrr_pending = true;
                c.facts.hello_retry_request = Some(h);
            } else if c.facts.server_hello.is_none() {
                if h.version.code == 0x0304 {
                    c.tls13 = true;
                    // JSSE logs the protected messages after the ServerHello in the clear.
                    c.facts.decryption = DecryptionStatus::Decrypted;
                }
                c.facts.tls_version = Some(h.version.clone());
                c.facts.server_hello = Some(h);
            }
            ("ServerHello".into(), Some(2))
        }
        "EncryptedExtensions" => {
            let exts = body::extensions(&r.body);
            c.facts.encrypted_extensions = Some(EncryptedExtensions {
                frame: line,
                extensions: exts.iter().map(|e| names::extension(e.code)).collect(),
                alpn: exts
                    .iter()
                    .find(|e| e.code == 16)
                    .and_then(|e| body::first_list(e.lines).first().map(|s| (*s).to_owned())),
                server_name_acknowledged: exts.iter().any(|e| e.code == 0),
            });
            ("EncryptedExtensions".into(), Some(8))
        }
        "Certificate" => {
            let chain = certificates(&r.body);
            let n = chain.len();
            detail = Some(format!("{n} certificates"));
            certificate_count = Some(n);
            match from {
                Side::Server => {
                    if c.facts.server_certificate_frame.is_none() {
                        c.facts.server_certificates = chain;
                        c.facts.server_certificate_frame = Some(line);
                    }
                }
                Side::Client => {
                    if c.facts.client_certificate.is_none() {
                        if n == 0 {
                            detail = Some("0 certificates (length 0)".to_owned());
                        }
                        c.facts.client_certificate = Some(ClientCertificate {
                            frame: line,
                            time,
                            count: n,
                            // Only an empty list's length is known from the log (0).
                            certificates_length: 0,
                            chain,
                            decrypted: tls13_phase,
                        });
                    }
                }
            }
            ("Certificate".into(), Some(11))
        }
        "CertificateRequest" => {
            let done = c.finished[0] && c.finished[1];
            if let Some(mut req) = certificate_request(&r.body, line, time, &mut c.facts.anomalies)
            {
                req.decrypted = tls13_phase;
                req.post_handshake = done;
                detail = Some(format!(
                    "{} CA names · {} signature algorithms{}",
                    req.certificate_authorities.len(),
                    req.signature_algorithms.len(),
                    if req.certificate_types.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " · types {}",
                            req.certificate_types
                                .iter()
                                .map(CodePoint::label)
                                .collect::<Vec<_>>()
                                .join(" ")
                        )
                    }
                ));
                if c.facts.certificate_request.is_none() {
                    c.facts.certificate_request = Some(req);
                } else if c.facts.post_handshake_certificate_requests.len() < 16 {
                    c.facts.post_handshake_certificate_requests.push(req);
                }
            }
            ("CertificateRequest".into(), Some(13))
        }
        "CertificateVerify" => {
            let alg = body::field(&r.body, "signature algorithm")
                .and_then(|(_, v)| jn::signature_scheme(v))
                .map(names::signature_scheme);
            let sig_start = r
                .body
                .iter()
                .position(|l| l.trim_start().starts_with("\"signature\""));
            let sig_len = sig_start
                .map(|i| body::hexdump(r.body.get(i..).unwrap_or_default()).len())
                .unwrap_or(0);
            detail = alg.as_ref().map(CodePoint::label);
            if from == Side::Client && c.facts.client_certificate_verify.is_none() {
                c.facts.client_certificate_verify = Some(CertificateVerify {
                    frame: line,
                    time,
                    algorithm: alg,
                    signature_length: u32::try_from(sig_len).unwrap_or(u32::MAX),
                });
            }
            ("CertificateVerify".into(), Some(15))
        }
        "ChangeCipherSpec" => ("ChangeCipherSpec".into(), Some(20)),
        "Finished" => {
            let i = usize::from(from == Side::Server);
            if let Some(f) = c.finished.get_mut(i) {
                *f = true;
            }
            ("Finished".into(), Some(20))
        }
        "ServerHelloDone" => ("ServerHelloDone".into(), Some(14)),
        "NewSessionTicket" => ("NewSessionTicket".into(), Some(4)),
        "KeyUpdate" => ("KeyUpdate".into(), Some(24)),
        "CertificateStatus" => ("CertificateStatus".into(), Some(22)),
        "EndOfEarlyData" => ("EndOfEarlyData".into(), Some(5)),
        b if b.ends_with("ServerKeyExchange") => ("ServerKeyExchange".into(), Some(12)),
        b if b.ends_with("ClientKeyExchange") => ("ClientKeyExchange".into(), Some(16)),
        b if b.contains("alert") || b.starts_with("Alert") => {
            alert(c, r, from);
            return;
        }
        other => (Cow::Owned(other.to_owned()), None),
    };
    // ChangeCipherSpec is a record of its own (content type 20), not a handshake message.
    let kind = match code {
        Some(20) if label == "ChangeCipherSpec" => MessageKind::ChangeCipherSpec,
        Some(t) => MessageKind::Handshake(HandshakeType(t)),
        // A message the table above does not list: the model's names (JSSE prints the same).
        None => match HandshakeType::from_name(&label) {
            Some(t) => MessageKind::Handshake(t),
            None => return,
        },
    };
    let encrypted_phase = tls13_phase && kind != MessageKind::ChangeCipherSpec;
    if c.facts.messages.len() < MAX_MESSAGES {
        c.facts.messages.push(Message {
            frame: line,
            time,
            from,
            kind,
            detail,
            length: 0,
            encrypted: false,
            decrypted: encrypted_phase,
            certificate_count,
        });
    }
}

/// `Received alert message` / `Produced alert message`: the level and description in the body.
fn alert(c: &mut Conn, r: &Record, from: Side) {
    let level = body::field(&r.body, "level").map(|(_, v)| v.to_owned());
    let desc = body::field(&r.body, "description").map(|(_, v)| v.to_owned());
    let Some(desc) = desc else {
        return;
    };
    push_alert(c, r, from, level.unwrap_or_default(), &desc);
}

fn push_alert(c: &mut Conn, r: &Record, from: Side, level: String, desc: &str) {
    let code = jn::alert(desc);
    let description = code
        .and_then(names::alert_description)
        .map(str::to_owned)
        .unwrap_or_else(|| desc.to_owned());
    let time = c.time(r);
    let detail = match code {
        Some(n) => format!("{level} {description} ({n})"),
        None => format!("{level} {description}"),
    };
    if c.facts.messages.len() < MAX_MESSAGES {
        c.facts.messages.push(Message {
            frame: r.line,
            time,
            from,
            kind: MessageKind::Alert,
            detail: Some(detail),
            length: 2,
            encrypted: false,
            decrypted: c.tls13,
            certificate_count: None,
        });
    }
    // Only an alert whose level and description map to code points is a typed alert; an
    // unknown name stays a ladder line (it must not read as "could not be read").
    let level = AlertLevel::from_name(&level);
    if let (Some(level), Some(code)) = (level, code) {
        if c.facts.alerts.len() < 64 {
            c.facts.alerts.push(Alert {
                from,
                message: Some(AlertMessage {
                    level,
                    description: AlertDescription(code),
                }),
                frame: r.line,
                time,
                encrypted: false,
                decrypted: c.tls13,
            });
        }
    }
}

/// A record that is not a handshake message: key selection, fatal errors, received alerts
/// (`Received alert message`), the negotiated version.
fn statement(c: &mut Conn, r: &Record, msg: &str) {
    if msg.starts_with("Received alert message") {
        let peer = c.local().other();
        alert(c, r, peer);
        return;
    }
    if msg.starts_with("Warning: ") || msg.starts_with("Produced alert message") {
        let me = c.local();
        alert(c, r, me);
        return;
    }
    if let Some(v) = msg.strip_prefix("Negotiated protocol version:") {
        if let Some(cp) = jn::version_cp(v) {
            if cp.code == 0x0304 {
                c.tls13 = true;
                c.facts.decryption = DecryptionStatus::Decrypted;
            }
            c.facts.tls_version = Some(cp);
        }
        return;
    }
    if let Some(rest) = msg.strip_prefix("Fatal (") {
        // `Fatal (HANDSHAKE_FAILURE): Received fatal alert: handshake_failure` repeats an alert
        // already read; any other `Fatal (X): reason` is JSSE failing the handshake itself, and
        // TransportContext.fatal() then sends the fatal alert X to the peer.
        if c.jsse.fatal.is_none() {
            c.jsse.fatal = Some(stmt(r, msg));
        }
        let (name, reason) = rest.split_once("):").unwrap_or((rest, ""));
        if !reason.trim_start().starts_with("Received fatal alert") {
            let me = c.local();
            let already = c.facts.alerts.iter().any(|a| a.from == me);
            if !already {
                push_alert(c, r, me, "fatal".to_owned(), &name.to_ascii_lowercase());
            }
        }
        return;
    }
    let selection = msg.starts_with("No X.509 cert selected")
        || msg.starts_with("No available authentication scheme")
        || msg.starts_with("No available client authentication scheme")
        || msg.starts_with("No X.509 certificate for client authentication")
        || msg.starts_with("X509KeyManager class:")
        || msg.to_ascii_lowercase().contains("no suitable")
        || msg.starts_with("No supported signature algorithm");
    if selection && c.jsse.selection.len() < 64 {
        c.jsse.selection.push(stmt(r, msg));
    }
}

/// The outcome from the typed facts, in the words the capture decoder uses.
pub fn outcome(c: &Conn) -> Outcome {
    let f = &c.facts;
    let done = c.finished[0] && c.finished[1];
    let mut o = Outcome::default();
    // A fatal alert fails the connection even after both Finished: in TLS 1.3 the server reads
    // the client's Certificate after sending its own Finished and answers an empty one with
    // certificate_required (RFC 8446 §4.4.2.4), so "both Finished" is not "accepted". The log
    // shows no application data to tell a later failure apart.
    let fatal = f.alerts.iter().find(|a| a.is_fatal());
    if let Some(a) = fatal {
        o.status = OutcomeStatus::Failed;
        o.alert = Some(
            a.description()
                .map_or(EndingAlert::Unreadable, EndingAlert::Read),
        );
        o.alert_from = Some(a.from);
        o.frame = Some(a.frame);
        o.failed_after = failed_after(c, a.frame);
        let what = a.text();
        o.summary = format!(
            "failed: {} sent {what}{}",
            a.from.as_str(),
            o.failed_after
                .as_ref()
                .map(|s| format!(" after {s}"))
                .unwrap_or_default()
        );
    } else if done {
        o.status = OutcomeStatus::Completed;
        o.summary = "completed".into();
    } else {
        o.status = OutcomeStatus::Incomplete;
        o.summary = "incomplete: the log does not show the end of the handshake".into();
    }
    o
}

fn failed_after(c: &Conn, line: u64) -> Option<String> {
    let prior: Vec<&Message> = c
        .facts
        .messages
        .iter()
        .filter(|m| m.frame <= line && m.kind != MessageKind::Alert)
        .collect();
    let last = prior.last()?;
    let side = last.from;
    let flight: Vec<&&Message> = prior.iter().rev().take_while(|m| m.from == side).collect();
    let pick = flight
        .iter()
        .find(|m| m.kind.is(HandshakeType::CERTIFICATE))
        .or_else(|| flight.first())
        .copied()?;
    let mut s = format!("{} {}", side.as_str(), pick.name());
    if pick.kind.is(HandshakeType::CERTIFICATE) && side == Side::Client {
        if let Some(cc) = &c.facts.client_certificate {
            if cc.count == 0 {
                s.push_str(" (empty)");
            }
        }
    }
    Some(s)
}
