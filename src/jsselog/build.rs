//! Records → connections. A handshake is followed per JVM thread (SSLSocket handshakes run on
//! the calling thread; JDK 11+ prints its id and name on every line): a ClientHello produced
//! (JSSE is the client) or consumed (JSSE is the server) starts a connection on that thread,
//! and the thread's later records belong to it until its next ClientHello. Records before any
//! ClientHello (SSLContext set-up: keystore, truststore) are the JVM's and are attached to the
//! connections that follow. Only what the log prints becomes a fact: anything else stays empty
//! (unknown), never guessed.

use super::body::{self, Ext};
use super::dn;
use super::names as jn;
use super::reader::Record;
use crate::model::{
    Alert, AlertDescription, AlertLevel, AlertMessage, Anomaly, CertInfo, CertificateRequest,
    CertificateVerify, ClientCertificate, ClientHello, CodePoint, DecryptionStatus,
    DistinguishedName, EncryptedExtensions, EndingAlert, HandshakeType, JsseLog, KeyEntryReport,
    LogStatement, Message, MessageKind, Outcome, OutcomeStatus, PublicKeyInfo, ServerHello, Side,
    StoreReport, TlsFacts,
};
use crate::tls::names;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

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

fn cps(
    items: &[&str],
    f: impl Fn(&str) -> Option<u16>,
    map: fn(u16) -> CodePoint,
) -> Vec<CodePoint> {
    items.iter().filter_map(|s| f(s)).map(map).collect()
}

fn client_hello(b: &[String], line: u64, time: f64, anomalies: &mut Vec<Anomaly>) -> ClientHello {
    let legacy = body::field(b, "client version")
        .and_then(|(_, v)| jn::version(v))
        .unwrap_or(0);
    let random = body::field(b, "random").map(|(_, v)| v.to_ascii_lowercase());
    let sid = body::field(b, "session id").map_or(0, |(_, v)| v.len() / 2);
    let suites: Vec<u16> = body::field(b, "cipher suites")
        .map(|(_, v)| {
            body::list(v)
                .iter()
                .filter_map(|s| body::hex_code(s))
                .collect()
        })
        .unwrap_or_default();
    let compression = body::field(b, "compression methods")
        .and_then(|(_, v)| hex::decode(v.replace(' ', "")).ok())
        .unwrap_or_default();
    let exts = body::extensions(b);
    let ext = |code: u16| exts.iter().find(|e| e.code == code);
    let sni = ext(0).and_then(|e| {
        e.lines
            .iter()
            .find_map(|l| l.split_once("value=").map(|(_, v)| v.trim().to_owned()))
    });
    let list_of = |code: u16| {
        ext(code)
            .map(|e| body::first_list(e.lines))
            .unwrap_or_default()
    };
    let groups_raw: Vec<u16> = list_of(10).iter().filter_map(|s| jn::group(s)).collect();
    let sigalgs_raw: Vec<u16> = list_of(13)
        .iter()
        .filter_map(|s| jn::signature_scheme(s))
        .collect();
    let versions_raw: Vec<u16> = list_of(43).iter().filter_map(|s| jn::version(s)).collect();
    let point_formats: Vec<u8> = list_of(11)
        .iter()
        .filter_map(|s| jn::point_format(s))
        .collect();
    let key_shares: Vec<CodePoint> = ext(51)
        .map(|e| {
            e.lines
                .iter()
                .filter_map(|l| body::field_of_line(l, "named group"))
                .filter_map(jn::group)
                .map(names::group)
                .collect()
        })
        .unwrap_or_default();
    let alpn: Vec<String> = list_of(16).iter().map(|s| (*s).to_owned()).collect();
    // A name this reader does not know would silently drop a code point from the lists and
    // make the fingerprints wrong: say so instead.
    let unknown = unknown_names(&exts, &[10, 13, 43, 11, 50]);
    if !unknown.is_empty() && anomalies.len() < 64 {
        anomalies.push(Anomaly::new(
            "log_unknown_name",
            Some(line),
            None,
            format!(
                "ClientHello lists names this reader does not know ({}): they are left out, and JA3/JA4 are not computed",
                unknown.join(", ")
            ),
        ));
    }
    let ext_codes: Vec<u16> = exts.iter().map(|e| e.code).collect();
    let max = versions_raw.iter().copied().max().unwrap_or(legacy);
    let (ja3, ja3_hash, ja4) = if unknown.is_empty() && random.is_some() {
        fingerprints(
            legacy,
            &suites,
            &ext_codes,
            &groups_raw,
            &point_formats,
            max,
            sni.is_some(),
            alpn.first().map(String::as_str),
            &sigalgs_raw,
        )
    } else {
        (String::new(), String::new(), String::new())
    };
    ClientHello {
        frame: line,
        time,
        legacy_version: names::version(legacy),
        max_version: names::version(max),
        supported_versions: versions_raw.iter().map(|v| names::version(*v)).collect(),
        random_hex: random.unwrap_or_default(),
        session_id_len: u8::try_from(sid).unwrap_or(u8::MAX),
        cipher_suites: suites.iter().map(|s| names::cipher_suite(*s)).collect(),
        compression_methods: compression,
        sni,
        alpn,
        signature_algorithms: sigalgs_raw
            .iter()
            .map(|s| names::signature_scheme(*s))
            .collect(),
        signature_algorithms_cert: cps(&list_of(50), jn::signature_scheme, names::signature_scheme),
        supported_groups: groups_raw.iter().map(|g| names::group(*g)).collect(),
        key_share_groups: key_shares,
        ec_point_formats: point_formats,
        post_handshake_auth: ext(49).is_some(),
        renegotiation_info: ext(0xff01).is_some(),
        extended_master_secret: ext(23).is_some(),
        session_ticket: ext(35).is_some(),
        status_request: ext(5).is_some(),
        extensions: ext_codes.iter().map(|e| names::extension(*e)).collect(),
        ja3,
        ja3_hash,
        ja4,
    }
}

/// Names in the lists of the given extensions that the tables do not know.
fn unknown_names(exts: &[Ext<'_>], codes: &[u16]) -> Vec<String> {
    let mut out = Vec::new();
    for e in exts.iter().filter(|e| codes.contains(&e.code)) {
        for item in body::first_list(e.lines) {
            let known = match e.code {
                10 => jn::group(item).is_some(),
                13 | 50 => jn::signature_scheme(item).is_some(),
                43 => jn::version(item).is_some(),
                11 => jn::point_format(item).is_some(),
                _ => true,
            };
            if !known && out.len() < 8 {
                out.push(item.to_owned());
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn fingerprints(
    legacy: u16,
    suites: &[u16],
    exts: &[u16],
    groups: &[u16],
    formats: &[u8],
    max: u16,
    sni: bool,
    alpn: Option<&str>,
    sigalgs: &[u16],
) -> (String, String, String) {
    use md5::{Digest as _, Md5};
    let join = |v: &mut dyn Iterator<Item = u16>| {
        v.filter(|c| !names::is_grease(*c))
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join("-")
    };
    // JA3 (salesforce/ja3): version,ciphers,extensions,groups,point formats; GREASE removed.
    let ja3 = format!(
        "{legacy},{},{},{},{}",
        join(&mut suites.iter().copied()),
        join(&mut exts.iter().copied()),
        join(&mut groups.iter().copied()),
        join(&mut formats.iter().map(|f| u16::from(*f)))
    );
    let hash = hex::encode(Md5::digest(ja3.as_bytes()));
    let ja4 = crate::tls::messages::ja4(max, sni, suites, exts, alpn.map(str::as_bytes), sigalgs);
    (ja3, hash, ja4)
}

fn server_hello(b: &[String], line: u64, time: f64) -> ServerHello {
    let legacy = body::field(b, "server version")
        .and_then(|(_, v)| jn::version(v))
        .unwrap_or(0);
    let exts = body::extensions(b);
    let ext = |code: u16| exts.iter().find(|e| e.code == code);
    let selected = ext(43).and_then(|e| {
        body::first_list(e.lines)
            .first()
            .and_then(|v| jn::version(v))
    });
    let suite = body::field(b, "cipher suite")
        .and_then(|(_, v)| body::hex_code(v))
        .unwrap_or(0);
    let group = ext(51).and_then(|e| {
        e.lines
            .iter()
            .find_map(|l| {
                body::field_of_line(l, "named group")
                    .or_else(|| body::field_of_line(l, "selected group"))
            })
            .and_then(jn::group)
            .map(names::group)
    });
    ServerHello {
        frame: line,
        time,
        legacy_version: names::version(legacy),
        version: names::version(selected.unwrap_or(legacy)),
        cipher_suite: names::cipher_suite(suite),
        compression_method: body::field(b, "compression methods")
            .and_then(|(_, v)| hex::decode(v).ok())
            .and_then(|v| v.first().copied())
            .unwrap_or(0),
        random_hex: body::field(b, "random")
            .map(|(_, v)| v.to_ascii_lowercase())
            .unwrap_or_default(),
        session_id_len: body::field(b, "session id")
            .map_or(0, |(_, v)| u8::try_from(v.len() / 2).unwrap_or(u8::MAX)),
        extensions: exts.iter().map(|e| names::extension(e.code)).collect(),
        key_share_group: group,
        alpn: ext(16).and_then(|e| body::first_list(e.lines).first().map(|s| (*s).to_owned())),
        renegotiation_info: ext(0xff01).is_some(),
        extended_master_secret: ext(23).is_some(),
        is_hello_retry_request: false,
    }
}

fn certificate_request(
    b: &[String],
    line: u64,
    time: f64,
    anomalies: &mut Vec<Anomaly>,
) -> Option<CertificateRequest> {
    let tls13 = body::field(b, "certificate_request_context").is_some();
    let mut cas: Vec<DistinguishedName> = Vec::new();
    let mut bad_names = false;
    let mut inferred = false;
    let mut req = CertificateRequest {
        frame: line,
        time,
        tls13,
        certificate_types: vec![],
        signature_algorithms: vec![],
        signature_algorithms_cert: vec![],
        certificate_authorities: vec![],
        context_hex: String::new(),
        extensions: vec![],
        post_handshake: false,
        decrypted: false,
    };
    if tls13 {
        req.context_hex = body::field(b, "certificate_request_context")
            .map(|(_, v)| v.to_ascii_lowercase())
            .unwrap_or_default();
        let exts = body::extensions(b);
        req.extensions = exts.iter().map(|e| names::extension(e.code)).collect();
        for e in &exts {
            match e.code {
                13 => {
                    req.signature_algorithms = cps(
                        &body::first_list(e.lines),
                        jn::signature_scheme,
                        names::signature_scheme,
                    )
                }
                50 => {
                    req.signature_algorithms_cert = cps(
                        &body::first_list(e.lines),
                        jn::signature_scheme,
                        names::signature_scheme,
                    )
                }
                47 => {
                    // One name per line after `"certificate authorities": [`, the last closed by `]`.
                    let mut items: Vec<&str> = Vec::new();
                    let mut inside = false;
                    for l in e.lines {
                        let t = l.trim();
                        if !inside {
                            if let Some((_, v)) = t.split_once(": [") {
                                inside = true;
                                let v = v.trim();
                                let done = v.ends_with(']');
                                let v = v.strip_suffix(']').unwrap_or(v);
                                if !v.is_empty() {
                                    items.push(v);
                                }
                                if done {
                                    break;
                                }
                            }
                            continue;
                        }
                        let done = t.ends_with(']');
                        let v = t.strip_suffix(']').unwrap_or(t);
                        if !v.is_empty() {
                            items.push(v);
                        }
                        if done {
                            break;
                        }
                    }
                    for item in items {
                        match dn::dn(item) {
                            Some(d) => cas.push(d),
                            None => bad_names = true,
                        }
                    }
                }
                _ => {}
            }
        }
    } else {
        req.certificate_types = body::field(b, "certificate types")
            .map(|(_, v)| {
                body::list(v)
                    .iter()
                    .filter_map(|s| jn::certificate_type(s))
                    .map(names::certificate_type)
                    .collect()
            })
            .unwrap_or_default();
        req.signature_algorithms = body::field(b, "supported signature algorithms")
            .map(|(_, v)| {
                cps(
                    &body::list(v),
                    jn::signature_scheme,
                    names::signature_scheme,
                )
            })
            .unwrap_or_default();
        if let Some((_, v)) = body::field(b, "certificate authorities") {
            let v = body::unquote(v);
            let inner = v
                .strip_prefix('[')
                .map(|x| x.strip_suffix(']').unwrap_or(x))
                .unwrap_or(v);
            if !inner.trim().is_empty() && !inner.trim().eq_ignore_ascii_case("<empty>") {
                match dn::dn_list(&[inner]) {
                    Some((list, guessed)) => {
                        cas = list;
                        inferred = guessed;
                    }
                    None => bad_names = true,
                }
            }
        }
    }
    req.certificate_authorities = cas;
    if bad_names && anomalies.len() < 64 {
        anomalies.push(Anomaly::new(
            "log_unreadable_name",
            Some(line),
            Some(Side::Server),
            "a CA name in the CertificateRequest could not be read as a distinguished name: it is left out",
        ));
    }
    if inferred && req.certificate_authorities.len() > 1 && anomalies.len() < 64 {
        anomalies.push(Anomaly::new(
            "log_ca_names_split",
            Some(line),
            Some(Side::Server),
            format!(
                "JSSE prints a TLS 1.2 CA list on one line with the same \", \" between names as inside them, and these names are not printed alike: read as {} names by where an attribute type recurs — check them against a capture",
                req.certificate_authorities.len()
            ),
        ));
    }
    Some(req)
}

/// The certificates of a Certificate body: each `"certificate" : {` block's printed fields.
fn certificates(b: &[String]) -> Vec<Arc<CertInfo>> {
    let starts: Vec<usize> = b
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("\"certificate\" : {"))
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::with_capacity(starts.len());
    for (k, s) in starts.iter().enumerate() {
        let end = starts.get(k.saturating_add(1)).copied().unwrap_or(b.len());
        let block = b.get(*s..end).unwrap_or_default();
        out.push(Arc::new(cert_info(block)));
        if out.len() >= 32 {
            break;
        }
    }
    out
}

fn cert_info(b: &[String]) -> CertInfo {
    let get = |k: &str| body::field(b, k).map(|(_, v)| v.to_owned());
    let dn_of = |k: &str| {
        get(k)
            .and_then(|v| dn::dn(&v))
            .unwrap_or(DistinguishedName {
                text: String::new(),
                der: Vec::new(),
            })
    };
    let subject = dn_of("subject");
    let issuer = dn_of("issuer");
    let time_of = |k: &str| -> (String, i64) {
        let Some(v) = get(k) else {
            return (String::new(), 0);
        };
        let line = format!("javax.net.ssl|X|0|t|{v}|s|m");
        let ns = super::reader::parse_header(&line, 0).and_then(|r| r.ts_ns);
        match ns {
            Some(ns) => {
                let secs = i64::try_from(ns / 1_000_000_000).unwrap_or(0);
                let text = time::OffsetDateTime::from_unix_timestamp(secs)
                    .ok()
                    .and_then(|t| {
                        t.format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    })
                    .unwrap_or_default();
                (text, secs)
            }
            None => (String::new(), 0),
        }
    };
    let (nb, nbu) = time_of("not before");
    let (na, nau) = time_of("not  after");
    let (na, nau) = if na.is_empty() {
        time_of("not after")
    } else {
        (na, nau)
    };
    // Extensions as sun.security.x509 prints them.
    let mut is_ca = false;
    let mut eku = Vec::new();
    let mut ku = Vec::new();
    let mut san_dns = Vec::new();
    let mut san_ip = Vec::new();
    let mut section = "";
    for l in b {
        let t = l.trim();
        if t.starts_with("CA:true") {
            is_ca = true;
        }
        if t.starts_with("ExtendedKeyUsages [") {
            section = "eku";
            continue;
        }
        if t.starts_with("KeyUsage [") {
            section = "ku";
            continue;
        }
        if t.starts_with("SubjectAlternativeName [") {
            section = "san";
            continue;
        }
        if t.starts_with(']') || t.starts_with('}') || t.starts_with("ObjectId:") {
            section = "";
            continue;
        }
        match section {
            "eku" => eku.push(t.to_owned()),
            "ku" => ku.push(key_usage_name(t)),
            "san" => {
                if let Some(d) = t.strip_prefix("DNSName:") {
                    san_dns.push(d.trim().to_owned());
                } else if let Some(ip) = t.strip_prefix("IPAddress:") {
                    // Java prints IPv6 uncompressed (0:0:0:0:0:0:0:1): the model's form is
                    // Rust's (::1), as the certificate decoder gives it.
                    let ip = ip.trim();
                    san_ip.push(
                        ip.parse::<std::net::IpAddr>()
                            .map(|a| a.to_string())
                            .unwrap_or_else(|_| ip.to_owned()),
                    );
                }
            }
            _ => {}
        }
    }
    CertInfo {
        self_signed: !subject.text.is_empty() && subject.text == issuer.text,
        subject,
        issuer,
        serial_hex: get("serial number")
            .map(|s| s.replace(':', "").to_ascii_lowercase())
            .unwrap_or_default(),
        not_before: nb,
        not_after: na,
        not_before_unix: nbu,
        not_after_unix: nau,
        san_dns,
        san_ip,
        public_key: PublicKeyInfo {
            algorithm: get("subject public key").unwrap_or_default(),
            bits: None,
            curve: None,
        },
        signature_algorithm: get("signature algorithm")
            .map(|s| signature_name(&s))
            .unwrap_or_default(),
        sha256_fingerprint: String::new(),
        is_ca,
        extended_key_usage: eku,
        key_usage: ku,
        length: 0,
        der: Vec::new(),
        parse_error: None,
    }
}

/// sun.security.x509.KeyUsageExtension prints `DigitalSignature`, `Key_Encipherment`, ...;
/// the model uses the RFC 5280 names (`digitalSignature`, `keyEncipherment`, ...).
fn key_usage_name(s: &str) -> String {
    match s {
        "DigitalSignature" => "digitalSignature",
        "Non_repudiation" => "nonRepudiation",
        "Key_Encipherment" => "keyEncipherment",
        "Data_Encipherment" => "dataEncipherment",
        "Key_Agreement" => "keyAgreement",
        "Key_CertSign" => "keyCertSign",
        "Crl_Sign" => "cRLSign",
        "Encipher_Only" => "encipherOnly",
        "Decipher_Only" => "decipherOnly",
        other => other,
    }
    .to_owned()
}

/// Java's algorithm names → the names our x509 decoder gives (OpenSSL's).
fn signature_name(s: &str) -> String {
    match s {
        "SHA1withRSA" => "sha1WithRSAEncryption",
        "SHA224withRSA" => "sha224WithRSAEncryption",
        "SHA256withRSA" => "sha256WithRSAEncryption",
        "SHA384withRSA" => "sha384WithRSAEncryption",
        "SHA512withRSA" => "sha512WithRSAEncryption",
        "RSASSA-PSS" => "rsassaPss",
        "SHA224withECDSA" => "ecdsa-with-SHA224",
        "SHA256withECDSA" => "ecdsa-with-SHA256",
        "SHA384withECDSA" => "ecdsa-with-SHA384",
        "SHA512withECDSA" => "ecdsa-with-SHA512",
        "Ed25519" => "ED25519",
        "Ed448" => "ED448",
        "SHA256withDSA" => "dsa_with_SHA256",
        other => other,
    }
    .to_owned()
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
        let what = match a.code() {
            Some(n) => format!("{} {} ({n})", a.level_label(), a.description_label()),
            None => format!("{} {}", a.level_label(), a.description_label()),
        };
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
