//! TLS decoding: record framing, handshake-message joining across records (and records across
//! TCP segments), message decoding into the model, the outcome of each connection. Input is
//! `(Side, bytes, Provenance)` chunks, so TCP reassembly and the probe's recorder feed identical
//! code. Must not do I/O.
//!
//! Bounds: a record longer than 2^14 + 2048 bytes (RFC 8446 §5.2) is damage, not a reason to
//! buffer; a handshake message is buffered up to [`MAX_HANDSHAKE`] bytes whatever its header
//! claims (a "16 MB" message is an anomaly, never an allocation); application data is skipped by
//! record length and never buffered.

pub mod codec;
pub mod decrypt;
pub mod keylog;
pub mod messages;
pub mod names;
pub mod oid;
pub mod x509;

use crate::model::{
    Alert, Anomaly, CertificateVerify, ClientCertificate, DecryptionStatus, Inference, Message,
    Outcome, OutcomeStatus, Provenance, Side, TlsFacts,
};

/// Largest record fragment accepted: 2^14 plus the largest expansion any version allows.
pub const MAX_RECORD: usize = (1 << 14) + 2048;
/// Largest handshake message buffered (a long certificate chain is ~10–60 KB).
pub const MAX_HANDSHAKE: usize = 256 * 1024;
/// Application-data records listed on the ladder per side (the rest are only counted).
const LADDER_APPDATA: u64 = 3;

/// Options for decoding one connection.
#[derive(Debug, Clone, Default)]
pub struct DecodeOptions {
    /// Secrets to decrypt TLS 1.3 handshakes (`--keylog`, SSLKEYLOGFILE, or the probe's own).
    pub keylog: Option<std::sync::Arc<keylog::KeyLog>>,
    /// Shared by all connections of one analysis (the analyzer sets it).
    pub cert_cache: std::sync::Arc<x509::CertCache>,
}

#[derive(Debug, Default)]
struct Dir {
    hdr: Vec<u8>,
    in_record: bool,
    rec_type: u8,
    rec_len: usize,
    need: usize,
    /// Record body being collected (not for skipped application data).
    body: Vec<u8>,
    skip: bool,
    /// TLS 1.0 CBC with a key log: the last bytes of a skipped record, whose final ciphertext
    /// block is the next record's IV.
    tail: Vec<u8>,
    /// Handshake bytes waiting for a whole message.
    hs: Vec<u8>,
    /// After ChangeCipherSpec (≤1.2) or ServerHello (1.3): records are protected.
    encrypted: bool,
    ccs: bool,
    enc_handshake: bool,
    dead: bool,
    records: u64,
    appdata_records: u64,
    /// TLS 1.3 protected records: (frame, length).
    protected: Vec<(u64, usize)>,
    closed: Option<(u64, bool)>,
    gap: Option<u64>,
    /// TLS 1.3 with a key log: this direction's record protection, and the application
    /// traffic secret to switch to after its Finished.
    dec: Option<decrypt::Decrypter>,
    next_secret: Option<Vec<u8>>,
    in_app_epoch: bool,
    app_epoch_records: u64,
    rec_hdr: [u8; 5],
    finished: bool,
    /// TLS ≤1.2 with a CLIENT_RANDOM key-log line: protection after this side's CCS.
    dec12: Option<decrypt::Decrypter12>,
}

/// Decodes one TCP connection's two byte streams into [`TlsFacts`].
///
/// Contract: `feed` is called with in-order bytes of one direction (chunks of any size, the two
/// directions interleaved in capture order); `gap` when bytes are missing in a direction
/// (nothing after a gap in that direction is decoded as TLS); `closed` on FIN/RST. `finish`
/// computes the outcome. Never panics on any input.
#[derive(Debug, Default)]
pub struct ConnectionDecoder {
    start_ts_ns: u64,
    facts: TlsFacts,
    client: Dir,
    server: Dir,
    tls: Option<bool>,
    tls13: bool,
    /// Negotiated legacy version ≥ TLS 1.2 (signature algorithm fields present).
    tls12_fields: bool,
    app_data_seen: bool,
    /// Order of TLS 1.3 protected records across both sides: (side, frame, length).
    protected_order: Vec<(Side, u64, usize)>,
    opts: DecodeOptions,
    suite: Option<decrypt::Suite>,
    /// Messages decoded now come from decrypted records.
    decrypting: bool,
    /// The latest hello randoms (a renegotiation brings new ones) for TLS 1.2 key derivation.
    client_random: Vec<u8>,
    server_random: Vec<u8>,
    suite_code: u16,
    /// The ServerHello carried encrypt_then_mac (RFC 7366): CBC records are MAC'd after encryption.
    etm: bool,
    /// The ServerHello's version (0x0301 … 0x0303): the key derivation of TLS ≤ 1.2 depends on it.
    version_code: u16,
}

/// Application-data records decrypted per direction after the handshake (post-handshake
/// messages and alerts live there); beyond this only small records are decrypted (alerts,
/// KeyUpdate, tickets), so bulk data is never buffered.
const APP_RECORDS_DECRYPTED: u64 = 32;
const SMALL_RECORD: usize = 1024;

impl ConnectionDecoder {
    pub fn new(start_ts_ns: u64, opts: DecodeOptions) -> Self {
        ConnectionDecoder {
            start_ts_ns,
            opts,
            tls12_fields: true,
            ..ConnectionDecoder::default()
        }
    }

    fn dir(&mut self, side: Side) -> &mut Dir {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }

    fn time(&self, prov: Provenance) -> f64 {
        prov.ts_ns.saturating_sub(self.start_ts_ns) as f64 / 1e9
    }

    fn anomaly(&mut self, kind: &str, side: Side, prov: Provenance, detail: String) {
        // Bounded: a hostile stream cannot grow this list without limit.
        if self.facts.anomalies.len() < 64 {
            self.facts
                .anomalies
                .push(Anomaly::new(kind, Some(prov.frame), Some(side), detail));
        }
    }

    pub fn feed(&mut self, side: Side, data: &[u8], prov: Provenance) {
        let mut data = data;
        while !data.is_empty() {
            if self.tls == Some(false) || self.dir(side).dead {
                return;
            }
            let d = self.dir(side);
            if !d.in_record {
                let want = 5usize.saturating_sub(d.hdr.len());
                let (h, rest) = data
                    .split_at_checked(want.min(data.len()))
                    .unwrap_or((data, &[]));
                d.hdr.extend_from_slice(h);
                data = rest;
                if d.hdr.len() < 5 {
                    return;
                }
                let hdr: [u8; 5] = match d.hdr.as_slice().try_into() {
                    Ok(h) => h,
                    Err(_) => return,
                };
                d.hdr.clear();
                let [ct, major, minor, l1, l2] = hdr;
                let len = usize::from(u16::from_be_bytes([l1, l2]));
                let plausible_type = (20..=24).contains(&ct);
                if !plausible_type || major != 3 || minor > 4 {
                    self.bad_bytes(
                        side,
                        prov,
                        format!("bytes {hdr:02x?} are not a TLS record header"),
                    );
                    return;
                }
                if len > MAX_RECORD {
                    self.bad_bytes_kind(
                        "bad_record_length",
                        side,
                        prov,
                        format!("record claims {len} bytes (limit {MAX_RECORD}); decoding of this direction stops here"),
                    );
                    return;
                }
                self.tls = Some(true);
                let d = self.dir(side);
                d.in_record = true;
                d.rec_type = ct;
                d.rec_len = len;
                d.rec_hdr = hdr;
                d.need = len;
                d.records += 1;
                d.body.clear();
                d.tail.clear();
                // Application data (and TLS 1.3 protected records) are counted, not kept —
                // unless a key log lets us read the handshake and post-handshake messages.
                let want = d.dec.is_some()
                    && (!d.in_app_epoch
                        || d.app_epoch_records < APP_RECORDS_DECRYPTED
                        || len <= SMALL_RECORD);
                d.skip = ct == 23 && !want;
                if len == 0 {
                    d.in_record = false;
                    self.record(side, ct, 0, prov);
                    continue;
                }
            }
            let d = self.dir(side);
            let n = d.need.min(data.len());
            let (chunk, rest) = data.split_at_checked(n).unwrap_or((data, &[]));
            if !d.skip {
                d.body.extend_from_slice(chunk);
            } else if let Some(keep) = d.dec12.as_ref().and_then(decrypt::Decrypter12::needs_tail) {
                d.tail.extend_from_slice(chunk);
                let excess = d.tail.len().saturating_sub(keep);
                d.tail.drain(..excess);
            }
            d.need -= chunk.len();
            data = rest;
            if d.need == 0 {
                d.in_record = false;
                let (ct, len) = (d.rec_type, d.rec_len);
                self.record(side, ct, len, prov);
            }
        }
    }

    fn bad_bytes(&mut self, side: Side, prov: Provenance, detail: String) {
        if self.tls.is_none() {
            // Nothing decoded yet: this is simply not TLS.
            self.tls = Some(false);
            return;
        }
        self.bad_bytes_kind("bad_record_header", side, prov, detail);
    }

    fn bad_bytes_kind(&mut self, kind: &str, side: Side, prov: Provenance, detail: String) {
        if self.tls.is_none() && kind == "bad_record_length" {
            self.tls = Some(false);
            return;
        }
        self.anomaly(kind, side, prov, detail);
        let d = self.dir(side);
        d.dead = true;
        d.body = Vec::new();
        d.hs = Vec::new();
    }

    fn push_message(&mut self, m: Message) {
        self.facts.messages.push(m);
    }

    fn msg(
        &self,
        side: Side,
        prov: Provenance,
        name: impl Into<std::borrow::Cow<'static, str>>,
        code: Option<u8>,
        detail: Option<String>,
        length: usize,
    ) -> Message {
        Message {
            frame: prov.frame,
            time: self.time(prov),
            from: side,
            name: name.into(),
            code,
            detail,
            length: u32::try_from(length).unwrap_or(u32::MAX),
            encrypted: false,
            decrypted: self.decrypting,
        }
    }

    /// One whole record of type `ct` and fragment length `len` (its bytes in `dir.body`
    /// unless skipped).
    fn record(&mut self, side: Side, ct: u8, len: usize, prov: Provenance) {
        let body = std::mem::take(&mut self.dir(side).body);
        match ct {
            20 => {
                let m = self.msg(side, prov, "ChangeCipherSpec", Some(20), None, len);
                self.push_message(m);
                let tls13 = self.tls13;
                let dec12 = if tls13 {
                    None
                } else {
                    self.tls12_decrypter(side, prov)
                };
                let d = self.dir(side);
                d.ccs = true;
                if !tls13 {
                    d.encrypted = true;
                    d.dec12 = dec12;
                }
            }
            21 if self.dir(side).dec12.is_some() => {
                if let Some(plain) = self.open12(side, 21, &body, prov) {
                    self.decrypting = true;
                    self.alert_record(side, &plain, plain.len(), prov);
                    self.decrypting = false;
                } else {
                    self.alert_record(side, &body, len, prov);
                }
            }
            21 => self.alert_record(side, &body, len, prov),
            22 => {
                if self.dir(side).encrypted {
                    if self.dir(side).dec12.is_some() {
                        self.note_renegotiation(side, prov);
                        if let Some(plain) = self.open12(side, 22, &body, prov) {
                            self.dir(side).enc_handshake = true;
                            self.decrypting = true;
                            self.handshake_bytes(side, &plain, prov);
                            self.decrypting = false;
                            return;
                        }
                    }
                    self.encrypted_handshake(side, len, prov);
                } else {
                    self.handshake_bytes(side, &body, prov);
                }
            }
            23 if self.dir(side).dec12.is_some() => {
                // Application data is not read; its sequence number still counts (and in
                // TLS 1.0 its last ciphertext block is the next record's IV).
                let d = self.dir(side);
                let tail = std::mem::take(&mut d.tail);
                if let Some(dec) = d.dec12.as_mut() {
                    dec.skip_record(if body.is_empty() { &tail } else { &body });
                }
                self.protected_record(side, len, prov);
            }
            23 => {
                if self.dir(side).dec.is_some() {
                    self.decrypt_record(side, &body, len, prov);
                } else {
                    self.protected_record(side, len, prov);
                }
            }
            _ => {
                let m = self.msg(side, prov, "Heartbeat", Some(24), None, len);
                self.push_message(m);
            }
        }
    }

    fn alert_record(&mut self, side: Side, body: &[u8], len: usize, prov: Provenance) {
        let encrypted = self.dir(side).encrypted && !self.decrypting;
        let time = self.time(prov);
        // A plaintext alert is exactly two bytes; anything else is protected (including alerts
        // after a ChangeCipherSpec this capture did not see).
        if encrypted || body.len() != 2 {
            let mut m = self.msg(
                side,
                prov,
                "Alert",
                Some(21),
                Some("encrypted alert".into()),
                len,
            );
            m.encrypted = true;
            self.push_message(m);
            self.facts.alerts.push(Alert {
                from: side,
                level: "encrypted".into(),
                description: "encrypted".into(),
                code: None,
                frame: prov.frame,
                time,
                encrypted: true,
                decrypted: false,
            });
            return;
        }
        for pair in body.chunks_exact(2) {
            let (level, desc) = match pair {
                [l, d] => (*l, *d),
                _ => continue,
            };
            let name = names::alert_description(desc)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("unknown_{desc}"));
            let lvl = names::alert_level(level);
            let m = self.msg(
                side,
                prov,
                "Alert",
                Some(21),
                Some(format!("{lvl} {name} ({desc})")),
                2,
            );
            self.push_message(m);
            let decrypted = self.decrypting;
            self.facts.alerts.push(Alert {
                from: side,
                level: lvl,
                description: name,
                code: Some(desc),
                frame: prov.frame,
                time,
                encrypted: decrypted,
                decrypted,
            });
        }
    }

    fn tls12_decrypter(&mut self, side: Side, prov: Provenance) -> Option<decrypt::Decrypter12> {
        let kl = self.opts.keylog.clone()?;
        let master = kl.get(&self.client_random).and_then(|s| s.master.clone());
        let Some(master) = master else {
            if self.facts.decryption == DecryptionStatus::NotNeeded {
                self.facts.decryption = DecryptionStatus::NoKey;
            }
            return None;
        };
        match decrypt::tls12_decrypters(
            self.suite_code,
            self.version_code,
            &master,
            &self.client_random,
            &self.server_random,
            self.etm,
        ) {
            Ok((c, s)) => {
                self.facts.decryption = DecryptionStatus::Decrypted;
                Some(match side {
                    Side::Client => c,
                    Side::Server => s,
                })
            }
            Err(e) => {
                self.anomaly("decryption_unsupported", side, prov, e.to_string());
                self.facts.decryption = DecryptionStatus::Failed;
                None
            }
        }
    }

    fn open12(&mut self, side: Side, ct: u8, body: &[u8], prov: Provenance) -> Option<Vec<u8>> {
        let d = self.dir(side);
        let version = [d.rec_hdr[1], d.rec_hdr[2]];
        let dec = d.dec12.as_mut()?;
        match dec.open(ct, version, body) {
            Ok(p) => Some(p),
            Err(e) => {
                self.decryption_failed(side, prov, e);
                None
            }
        }
    }

    /// A record that does not authenticate: the key log's secrets are wrong for this
    /// connection. Say so once and stop decrypting (never decode garbage).
    fn decryption_failed(&mut self, side: Side, prov: Provenance, e: decrypt::DecryptError) {
        self.anomaly(
            "decryption_failed",
            side,
            prov,
            format!("{e}: encrypted; no matching key in the key log for this record"),
        );
        self.facts.decryption = DecryptionStatus::Failed;
        for d in [&mut self.client, &mut self.server] {
            d.dec = None;
            d.dec12 = None;
        }
    }

    /// A renegotiation: this side already finished its handshake and application data has
    /// flowed since.
    fn note_renegotiation(&mut self, side: Side, prov: Provenance) {
        if self.app_data_seen
            && self.dir(side).enc_handshake
            && self.facts.renegotiation_frames.last() != Some(&prov.frame)
        {
            self.facts.renegotiation_frames.push(prov.frame);
        }
    }

    fn encrypted_handshake(&mut self, side: Side, len: usize, prov: Provenance) {
        // A renegotiation: this side already finished its handshake (its Finished was an
        // earlier encrypted handshake record) and application data has flowed since. A
        // Finished that merely arrives after the peer's first data (False Start) is not one.
        let after_app = self.app_data_seen && self.dir(side).enc_handshake;
        let detail = if after_app {
            if self.facts.renegotiation_frames.last() != Some(&prov.frame) {
                self.facts.renegotiation_frames.push(prov.frame);
            }
            Some(format!(
                "{len} bytes, encrypted, after application data: renegotiation"
            ))
        } else {
            Some(format!("{len} bytes, encrypted (Finished)"))
        };
        self.dir(side).enc_handshake = true;
        let mut m = self.msg(side, prov, "EncryptedHandshake", Some(22), detail, len);
        m.encrypted = true;
        self.push_message(m);
    }

    /// Sets up TLS 1.3 decryption after the ServerHello when the key log has this connection.
    fn setup_decryption(&mut self, suite_code: u16, prov: Provenance) {
        let Some(kl) = self.opts.keylog.clone() else {
            return;
        };
        let random = self
            .facts
            .client_hello
            .as_ref()
            .and_then(|h| hex::decode(&h.random_hex).ok())
            .unwrap_or_default();
        let Some(sec) = kl.get(&random) else {
            self.facts.decryption = DecryptionStatus::NoKey;
            return;
        };
        let (Some(chs), Some(shs)) = (&sec.client_handshake, &sec.server_handshake) else {
            self.facts.decryption = DecryptionStatus::NoKey;
            return;
        };
        let suite = match decrypt::Suite::tls13(suite_code) {
            Ok(s) => s,
            Err(e) => {
                self.anomaly("decryption_unsupported", Side::Server, prov, e.to_string());
                self.facts.decryption = DecryptionStatus::Failed;
                return;
            }
        };
        self.suite = Some(suite);
        self.client.dec = decrypt::Decrypter::new(suite, chs);
        self.server.dec = decrypt::Decrypter::new(suite, shs);
        self.client.next_secret = sec.client_traffic_0.clone();
        self.server.next_secret = sec.server_traffic_0.clone();
        self.facts.decryption = DecryptionStatus::Decrypted;
    }

    fn decrypt_record(&mut self, side: Side, body: &[u8], len: usize, prov: Provenance) {
        let d = self.dir(side);
        if d.in_app_epoch {
            d.app_epoch_records += 1;
        }
        let hdr = d.rec_hdr;
        let Some(dec) = d.dec.as_mut() else { return };
        if d.skip {
            // Counted, not read: the sequence number still advances (RFC 8446 §5.3).
            dec.seq = dec.seq.wrapping_add(1);
            self.app_data_counted(side, len, prov);
            return;
        }
        match dec.open(hdr, body) {
            Ok((inner, plain)) => {
                self.decrypting = true;
                match inner {
                    22 => self.handshake_bytes(side, &plain, prov),
                    21 => self.alert_record(side, &plain, plain.len(), prov),
                    23 => self.app_data_counted(side, len, prov),
                    _ => {}
                }
                self.decrypting = false;
            }
            Err(e) => {
                self.decryption_failed(side, prov, e);
                self.protected_record(side, len, prov);
            }
        }
    }

    fn protected_record(&mut self, side: Side, len: usize, prov: Provenance) {
        if self.tls13 && !self.app_data_phase(side) {
            self.protected_order.push((side, prov.frame, len));
            let d = self.dir(side);
            d.protected.push((prov.frame, len));
            let mut m = self.msg(
                side,
                prov,
                "EncryptedRecord",
                Some(23),
                Some(format!("{len} bytes, encrypted (TLS 1.3)")),
                len,
            );
            m.encrypted = true;
            self.push_message(m);
            return;
        }
        self.app_data_counted(side, len, prov);
    }

    fn app_data_counted(&mut self, side: Side, len: usize, prov: Provenance) {
        self.app_data_seen = true;
        let decrypting = self.dir(side).dec.is_some();
        let stats = &mut self.facts.application_data;
        if stats.first_frame.is_none() {
            stats.first_frame = Some(prov.frame);
        }
        let count = match side {
            Side::Client => {
                stats.client_records += 1;
                stats.client_bytes += len as u64;
                stats.client_records
            }
            Side::Server => {
                stats.server_records += 1;
                stats.server_bytes += len as u64;
                stats.server_records
            }
        };
        self.dir(side).appdata_records += 1;
        if count <= LADDER_APPDATA {
            let mut m = self.msg(side, prov, "ApplicationData", Some(23), None, len);
            m.encrypted = true;
            m.decrypted = decrypting;
            self.push_message(m);
        }
    }

    /// TLS 1.3 without keys: the first protected records of each side are its handshake
    /// flight; only later ones are counted as application data. The client's flight is its
    /// first protected record(s) before the server answers; the server's flight is everything
    /// before the client's first protected record.
    fn app_data_phase(&self, side: Side) -> bool {
        let client_started = !self.client.protected.is_empty();
        match side {
            Side::Server => {
                // Server records after the client's flight: post-handshake (tickets, data, alert).
                client_started && self.server_answered_client()
            }
            Side::Client => client_started && self.server_answered_client(),
        }
    }

    fn server_answered_client(&self) -> bool {
        // True once a server protected record follows the client's first protected record.
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

    fn handshake_bytes(&mut self, side: Side, body: &[u8], prov: Provenance) {
        {
            let d = self.dir(side);
            if d.hs.len().saturating_add(body.len()) > MAX_HANDSHAKE + 4 {
                let claimed = d.hs.len() + body.len();
                self.bad_bytes_kind(
                    "handshake_too_large",
                    side,
                    prov,
                    format!("handshake data exceeds {MAX_HANDSHAKE} bytes ({claimed} buffered)"),
                );
                return;
            }
            d.hs.extend_from_slice(body);
        }
        loop {
            let d = self.dir(side);
            let Some(&[t, a, b, c]) = d.hs.get(..4).and_then(|h| <&[u8; 4]>::try_from(h).ok())
            else {
                return;
            };
            let len = (usize::from(a) << 16) | (usize::from(b) << 8) | usize::from(c);
            if len > MAX_HANDSHAKE {
                let name = names::handshake_name(t);
                self.bad_bytes_kind(
                    "handshake_too_large",
                    side,
                    prov,
                    format!("{name} claims {len} bytes (limit {MAX_HANDSHAKE}); not buffered"),
                );
                return;
            }
            if d.hs.len() < 4 + len {
                return;
            }
            let rest = d.hs.split_off(4 + len);
            let msg = std::mem::replace(&mut d.hs, rest);
            let body = msg.get(4..).unwrap_or(&[]);
            self.handshake_message(side, t, body, prov);
        }
    }

    fn handshake_message(&mut self, side: Side, t: u8, body: &[u8], prov: Provenance) {
        let time = self.time(prov);
        let name = names::handshake_name(t);
        let mut detail: Option<String> = None;
        let malformed = |s: &mut Self, what: &str| {
            s.anomaly(
                "malformed_handshake",
                side,
                prov,
                format!("{what} could not be parsed ({} bytes)", body.len()),
            );
        };
        match t {
            1 => match messages::client_hello(body, prov.frame, time) {
                Some(h) => {
                    self.client_random = hex::decode(&h.random_hex).unwrap_or_default();
                    detail = Some(format!(
                        "SNI {} · offers up to {} · {} cipher suites",
                        h.sni.as_deref().unwrap_or("–"),
                        h.max_version.label(),
                        h.cipher_suites.len()
                    ));
                    if self.facts.client_hello.is_none() {
                        self.facts.client_hello = Some(h);
                    }
                }
                None => malformed(self, "ClientHello"),
            },
            2 => match messages::server_hello(body, prov.frame, time) {
                Some(h) => {
                    let hrr = h.is_hello_retry_request;
                    if !hrr {
                        self.server_random = hex::decode(&h.random_hex).unwrap_or_default();
                        self.suite_code = u16::try_from(h.cipher_suite.code).unwrap_or(0);
                        self.etm = h.extensions.iter().any(|e| e.code == 22);
                        self.version_code = u16::try_from(h.version.code).unwrap_or(0);
                    }
                    detail = Some(format!(
                        "{} · {}{}",
                        h.version.label(),
                        h.cipher_suite.label(),
                        if hrr { " · HelloRetryRequest" } else { "" }
                    ));
                    if hrr {
                        self.facts.hello_retry_request = Some(h);
                    } else {
                        self.tls12_fields = h.version.code >= 0x0303;
                        if h.version.code == 0x0304 {
                            self.tls13 = true;
                            // RFC 8446 §2: everything after the ServerHello is protected.
                            self.client.encrypted = true;
                            self.server.encrypted = true;
                            self.facts.decryption = DecryptionStatus::NoKey;
                            let suite = u16::try_from(h.cipher_suite.code).unwrap_or(0);
                            self.facts.tls_version = Some(h.version.clone());
                            self.facts.server_hello = Some(h);
                            self.setup_decryption(suite, prov);
                            let m = self.msg(side, prov, name.clone(), Some(t), detail, body.len());
                            self.push_message(m);
                            return;
                        }
                        if self.facts.server_hello.is_none() {
                            self.facts.tls_version = Some(h.version.clone());
                            self.facts.server_hello = Some(h);
                        }
                    }
                }
                None => malformed(self, "ServerHello"),
            },
            11 => match messages::certificate(body, self.tls13, &self.opts.cert_cache) {
                Some((certs, list_len)) => {
                    detail = Some(format!("{} certificates (length {list_len})", certs.len()));
                    match side {
                        Side::Server => {
                            self.facts.server_certificates = certs;
                            self.facts.server_certificate_frame = Some(prov.frame);
                        }
                        Side::Client if self.facts.client_certificate.is_none() => {
                            self.facts.client_certificate = Some(ClientCertificate {
                                frame: prov.frame,
                                time,
                                count: certs.len(),
                                certificates_length: list_len,
                                chain: certs,
                                decrypted: self.decrypting,
                            });
                        }
                        Side::Client => {}
                    }
                }
                None => malformed(self, "Certificate"),
            },
            13 => {
                let req = if self.tls13 {
                    messages::certificate_request_13(body, prov.frame, time)
                } else {
                    messages::certificate_request_12(body, self.tls12_fields, prov.frame, time)
                };
                match req {
                    Some(mut r) => {
                        r.post_handshake = self.app_data_seen;
                        r.decrypted = self.decrypting;
                        detail = Some(format!(
                            "{} CA names · {} signature algorithms{}",
                            r.certificate_authorities.len(),
                            r.signature_algorithms.len(),
                            if r.certificate_types.is_empty() {
                                String::new()
                            } else {
                                format!(
                                    " · types {}",
                                    r.certificate_types
                                        .iter()
                                        .map(|c| c.label())
                                        .collect::<Vec<_>>()
                                        .join(" ")
                                )
                            }
                        ));
                        if self.facts.certificate_request.is_none() {
                            self.facts.certificate_request = Some(r);
                        } else if self.facts.post_handshake_certificate_requests.len() < 16 {
                            self.facts.post_handshake_certificate_requests.push(r);
                        }
                    }
                    None => malformed(self, "CertificateRequest"),
                }
            }
            15 => match messages::certificate_verify(body, self.tls12_fields) {
                Some((alg, sig_len)) => {
                    detail = alg.as_ref().map(|a| a.label());
                    if side == Side::Client {
                        self.facts.client_certificate_verify = Some(CertificateVerify {
                            frame: prov.frame,
                            time,
                            algorithm: alg,
                            signature_length: sig_len,
                        });
                    }
                }
                None => malformed(self, "CertificateVerify"),
            },
            8 => {
                if let Some(ee) = messages::encrypted_extensions(body, prov.frame) {
                    self.facts.encrypted_extensions = Some(ee);
                }
            }
            20 if self.decrypting => {
                // RFC 8446 §7.2/§4.4.4: after its Finished a side protects records with its
                // application traffic secret.
                let suite = self.suite;
                let d = self.dir(side);
                d.finished = true;
                if !d.in_app_epoch {
                    d.in_app_epoch = true;
                    d.dec = match (suite, d.next_secret.take()) {
                        (Some(su), Some(sec)) => decrypt::Decrypter::new(su, &sec),
                        _ => None,
                    };
                }
            }
            24 if self.decrypting => {
                let d = self.dir(side);
                d.dec = d.dec.as_ref().and_then(|x| x.next_generation());
            }
            _ => {}
        }
        let m = self.msg(side, prov, name, Some(t), detail, body.len());
        self.push_message(m);
    }

    pub fn gap(&mut self, side: Side, prov: Provenance, missing: u64) {
        self.anomaly(
            "capture_gap",
            side,
            prov,
            format!("{missing} bytes from the {} were not captured before frame {}; its stream is not decoded past this point", side.as_str(), prov.frame),
        );
        let d = self.dir(side);
        if d.gap.is_none() {
            d.gap = Some(prov.frame);
        }
        d.dead = true;
        d.body = Vec::new();
        d.hs = Vec::new();
    }

    pub fn closed(&mut self, side: Side, prov: Provenance, reset: bool) {
        let d = self.dir(side);
        if d.closed.is_none() {
            d.closed = Some((prov.frame, reset));
        }
    }

    /// `false` once the handshake is over and this direction only carries application data
    /// that the decoder skips by record length: the caller may then stop buffering.
    pub fn wants_more(&self, side: Side) -> bool {
        let d = match side {
            Side::Client => &self.client,
            Side::Server => &self.server,
        };
        !(d.dead || (self.app_data_seen && d.appdata_records > 0))
    }

    /// `Some(false)` once the stream is known not to be TLS.
    pub fn is_tls(&self) -> Option<bool> {
        self.tls
    }

    pub fn finish(mut self) -> TlsFacts {
        self.compute_outcome();
        self.facts
    }

    /// The facts so far, with the outcome as it stands (live and progressive views).
    pub fn snapshot(&self) -> TlsFacts {
        let mut copy = ConnectionDecoder {
            start_ts_ns: self.start_ts_ns,
            facts: self.facts.clone(),
            tls: self.tls,
            tls13: self.tls13,
            tls12_fields: self.tls12_fields,
            app_data_seen: self.app_data_seen,
            protected_order: self.protected_order.clone(),
            opts: DecodeOptions::default(),
            suite: None,
            decrypting: false,
            client_random: Vec::new(),
            server_random: Vec::new(),
            suite_code: 0,
            etm: false,
            version_code: 0,
            client: Dir {
                ccs: self.client.ccs,
                enc_handshake: self.client.enc_handshake,
                closed: self.client.closed,
                gap: self.client.gap,
                protected: self.client.protected.clone(),
                appdata_records: self.client.appdata_records,
                records: self.client.records,
                finished: self.client.finished,
                ..Dir::default()
            },
            server: Dir {
                ccs: self.server.ccs,
                enc_handshake: self.server.enc_handshake,
                closed: self.server.closed,
                gap: self.server.gap,
                protected: self.server.protected.clone(),
                appdata_records: self.server.appdata_records,
                records: self.server.records,
                finished: self.server.finished,
                ..Dir::default()
            },
        };
        copy.compute_outcome();
        copy.facts
    }

    fn compute_outcome(&mut self) {
        if self.tls13 {
            self.infer_tls13();
        }
        let f = &self.facts;
        let decrypted13 = self.tls13 && f.decryption == DecryptionStatus::Decrypted;
        let handshake_done = if self.tls13 {
            // TLS 1.3: the server's Finished precedes its check of the client's flight, so only
            // both Finished and no fatal alert mean success.
            decrypted13
                && self.client.finished
                && self.server.finished
                && !f.alerts.iter().any(|a| a.level == "fatal")
        } else {
            (self.client.ccs
                && self.client.enc_handshake
                && self.server.ccs
                && self.server.enc_handshake)
                || (f.application_data.client_records > 0 && f.application_data.server_records > 0)
        };
        // The first fatal (or encrypted, before completion) alert.
        let fatal = f
            .alerts
            .iter()
            .find(|a| a.level == "fatal" || (a.code.is_none() && !handshake_done && !self.tls13))
            .cloned();
        let mut o = Outcome::default();
        // A gap before completion makes an unreadable (encrypted) alert unexplainable: say
        // "incomplete" rather than guess; a plaintext fatal alert still tells the story.
        let gap = self.client.gap.or(self.server.gap);
        let fatal = fatal.filter(|a| !(a.code.is_none() && gap.is_some()));
        if f.client_hello.is_none() && !handshake_done && fatal.is_none() {
            self.incomplete_or_closed(&mut o);
        } else if f.client_hello.is_none() && handshake_done {
            o.status = OutcomeStatus::CompletedEncrypted;
            o.summary =
                "the handshake is not in the capture; application data flowed both ways".into();
        } else if let (Some(a), false) = (&fatal, handshake_done) {
            o.status = OutcomeStatus::Failed;
            o.alert_code = a.code;
            o.alert_description = Some(a.description.clone());
            o.alert_from = Some(a.from);
            o.frame = Some(a.frame);
            o.failed_after = self.failed_after(a.frame, a.from);
            let what = if a.code.is_none() {
                "an encrypted alert".to_owned()
            } else {
                format!(
                    "{} {} ({})",
                    a.level,
                    a.description,
                    a.code.map(|c| c.to_string()).unwrap_or_default()
                )
            };
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
        } else if self.tls13 && !decrypted13 {
            self.tls13_outcome(&mut o);
        } else {
            self.incomplete_or_closed(&mut o);
        }
        self.facts.outcome = o;
    }

    fn incomplete_or_closed(&self, o: &mut Outcome) {
        let f = &self.facts;
        if let Some(frame) = self.client.gap.or(self.server.gap) {
            o.status = OutcomeStatus::Incomplete;
            o.frame = Some(frame);
            o.summary = format!("incomplete: bytes missing from the capture before frame {frame}, during the handshake");
        } else if f.client_hello.is_none() {
            if f.application_data.client_records > 0 && f.application_data.server_records > 0 {
                o.status = OutcomeStatus::CompletedEncrypted;
                o.summary =
                    "the handshake is not in the capture; application data flowed both ways".into();
            } else {
                o.status = OutcomeStatus::Incomplete;
                o.summary = "incomplete: the handshake is not in the capture".into();
            }
        } else if self.server.records == 0
            && self.client.closed.is_none()
            && self.server.closed.is_none()
        {
            o.status = OutcomeStatus::Incomplete;
            o.summary = "incomplete: nothing from the server in the capture".into();
        } else if let Some((side, frame, reset)) = self.first_close() {
            o.status = OutcomeStatus::Failed;
            o.frame = Some(frame);
            o.alert_from = Some(side);
            o.failed_after = self.failed_after(frame, side);
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

    fn first_close(&self) -> Option<(Side, u64, bool)> {
        let c = self.client.closed.map(|(f, r)| (Side::Client, f, r));
        let s = self.server.closed.map(|(f, r)| (Side::Server, f, r));
        match (c, s) {
            (Some(a), Some(b)) => Some(if a.1 <= b.1 { a } else { b }),
            (a, b) => a.or(b),
        }
    }

    /// "client Certificate (empty)" — the significant message of the other side's last flight
    /// before `frame` (or of this side's, when it is the one that gave up).
    fn failed_after(&self, frame: u64, by: Side) -> Option<String> {
        let prior: Vec<&Message> = self
            .facts
            .messages
            .iter()
            .filter(|m| m.frame <= frame && m.name != "Alert")
            .collect();
        let last = prior.last()?;
        let flight_side = last.from;
        let flight: Vec<&&Message> = prior
            .iter()
            .rev()
            .take_while(|m| m.from == flight_side)
            .collect();
        // The message the other side most likely reacted to: a Certificate (the client's empty
        // one, or the server's chain a client rejects), else the flight's last message.
        let pick = flight
            .iter()
            .find(|m| m.name == "Certificate")
            .or_else(|| flight.first())
            .copied()?;
        let mut s = format!("{} {}", flight_side.as_str(), pick.name);
        if pick.name == "Certificate" && flight_side == Side::Client {
            if let Some(cc) = &self.facts.client_certificate {
                if cc.count == 0 {
                    s.push_str(" (empty)");
                }
            }
        }
        let _ = by;
        Some(s)
    }

    /// TLS 1.3 without keys: read what the sizes and order of protected records say.
    fn tls13_outcome(&self, o: &mut Outcome) {
        let client_flight = self.client.protected.first();
        let after: Vec<&(Side, u64, usize)> = {
            let mut seen_client = false;
            self.protected_order
                .iter()
                .filter(|(s, _, _)| {
                    if *s == Side::Client {
                        seen_client = true;
                    }
                    seen_client && *s == Side::Server
                })
                .collect()
        };
        let app = &self.facts.application_data;
        if app.client_records > 0 && app.server_records > 0 {
            o.status = OutcomeStatus::CompletedEncrypted;
            o.summary =
                "completed (TLS 1.3; handshake encrypted, application data flowed both ways)"
                    .into();
            return;
        }
        if let Some(frame) = self.client.gap.or(self.server.gap) {
            o.status = OutcomeStatus::Incomplete;
            o.frame = Some(frame);
            o.summary = format!("incomplete: bytes missing from the capture before frame {frame}");
            return;
        }
        let closed = self.first_close();
        let small_only = !after.is_empty() && after.iter().all(|(_, _, len)| *len <= 24);
        if client_flight.is_some() && small_only && closed.is_some() {
            if let Some((_, frame, _)) = after.first() {
                o.status = OutcomeStatus::Failed;
                o.frame = Some(*frame);
                o.alert_from = Some(Side::Server);
                o.alert_description = Some("encrypted".into());
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
    fn infer_tls13(&mut self) {
        if self.facts.decryption == DecryptionStatus::Decrypted || !self.facts.inferences.is_empty()
        {
            return;
        }
        let Some(&(frame, len)) = self.client.protected.first() else {
            return;
        };
        let total: usize = self.client.protected.iter().map(|(_, l)| *l).sum();
        let frames: Vec<u64> = self.client.protected.iter().map(|(f, _)| *f).collect();
        let inf = if total < 120 {
            Inference {
                what: "the client sent no certificate (an empty Certificate, or none was requested)".into(),
                confidence: "medium".into(),
                basis: format!("the client's encrypted second flight is {total} bytes: room for Finished and at most an empty Certificate"),
                frames,
            }
        } else if total > 300 {
            Inference {
                what: "the client sent a certificate".into(),
                confidence: if total > 600 { "high" } else { "medium" }.into(),
                basis: format!("the client's encrypted second flight is {total} bytes, too large for Finished alone (~50–70 bytes)"),
                frames,
            }
        } else {
            Inference {
                what: "cannot tell whether the client sent a certificate".into(),
                confidence: "low".into(),
                basis: format!("the client's encrypted second flight is {total} bytes (first record {len} bytes, frame {frame})"),
                frames,
            }
        };
        self.facts.inferences.push(inf);
    }
}

/// `true` when `bytes` begins with a TLS handshake record holding a ClientHello: used to infer
/// the client when the SYN is not in the capture.
pub fn starts_with_client_hello(bytes: &[u8]) -> bool {
    matches!(bytes, [0x16, 0x03, _, _, _, 0x01, ..])
}

/// `true` when `bytes` begins with a handshake record holding a ServerHello.
pub fn starts_with_server_hello(bytes: &[u8]) -> bool {
    matches!(bytes, [0x16, 0x03, _, _, _, 0x02, ..])
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod decrypt_tests;
