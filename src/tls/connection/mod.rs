//! The connection orchestrator: two directions, each a record deframer, a handshake joiner
//! and its record protection, glued to the model. Records go to protection (when keys exist)
//! and then to message decoding (`handshake_facts.rs`); what the outcome needs is kept in a
//! small `Progress` value (`outcome.rs`) so a snapshot is a clone of facts + progress, never a
//! hand-copied decoder. Must not do I/O.

mod handshake_facts;
mod keys;
mod records;

use super::compression::Inflater;
use super::handshake::{JoinError, Joiner, MAX_HANDSHAKE};
use super::outcome::{self, Phase, Progress, Protocol};
use super::protection::{Protection, Suite};
use super::record::{Deframed, Deframer, Keep, Record, RecordError, RecordHeader, MAX_RECORD};
use super::{keylog, x509};
use crate::model::{
    Alert, AlertDescription, AlertLevel, AlertMessage, Anomaly, ContentType, Message, MessageKind,
    Provenance, Side, TlsFacts,
};

/// Application-data records listed on the ladder per side (the rest are only counted).
const LADDER_APPDATA: u64 = 3;
/// Application-data records decrypted per direction after the handshake (post-handshake
/// messages and alerts live there); beyond this only small records are decrypted (alerts,
/// KeyUpdate, tickets), so bulk data is never buffered.
const APP_RECORDS_DECRYPTED: u64 = 32;
const SMALL_RECORD: usize = 1024;
/// The outcome summary of a plain-HTTP connection.
const PLAIN_SUMMARY: &str = "plain HTTP: no TLS on this connection";
/// Anomalies kept per connection: a hostile stream cannot grow the list without limit.
const MAX_ANOMALIES: usize = 64;

/// Options for decoding one connection.
#[derive(Debug, Clone, Default)]
pub struct DecodeOptions {
    /// Secrets to decrypt TLS 1.3 handshakes (`--keylog`, SSLKEYLOGFILE, or the probe's own).
    pub keylog: Option<std::sync::Arc<keylog::KeyLog>>,
    /// Shared by all connections of one analysis (the analyzer sets it).
    pub cert_cache: std::sync::Arc<x509::CertCache>,
}

/// Whether the bytes being decoded came off the wire as they are (which after a
/// ChangeCipherSpec means protected), out of a decrypted record, or out of a NULL-cipher record
/// (plaintext with a MAC after ChangeCipherSpec).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    Clear,
    Decrypted,
    Plain,
}

/// What the first bytes said: TLS records, not TLS at all (then nothing is decoded), or a
/// plain HTTP request (then both directions go to the HTTP reader).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Stream {
    #[default]
    Undecided,
    Tls,
    NotTls,
    PlainHttp,
}

#[derive(Debug, Default)]
struct Direction {
    deframer: Deframer,
    joiner: Joiner,
    protection: Protection,
    compression: Compression,
}

/// TLS ≤ 1.2 record compression of one direction after its ChangeCipherSpec (RFC 5246 §6.2.2).
#[derive(Debug, Default)]
enum Compression {
    #[default]
    None,
    /// DEFLATE (RFC 3749): every record of the direction goes through one inflater.
    Deflate(Box<Inflater>),
    /// The stream broke (or its bound was reached): later records cannot be read.
    Broken,
}

impl Compression {
    fn needs_every_record(&self) -> bool {
        matches!(self, Compression::Deflate(_))
    }
}

/// Hello parameters the TLS ≤ 1.2 key derivation needs: the latest ones (a renegotiation
/// brings new randoms), and the TLS 1.3 suite once keys were set up.
#[derive(Debug, Default)]
struct Keys {
    client_random: Vec<u8>,
    server_random: Vec<u8>,
    suite: u16,
    /// The ServerHello's version (0x0301 … 0x0303): TLS ≤ 1.2 key derivation depends on it.
    version: u16,
    /// The ServerHello carried encrypt_then_mac (RFC 7366): CBC records are MAC'd after
    /// encryption.
    etm: bool,
    /// The ServerHello's compression method (RFC 3749: 1 = DEFLATE).
    compression: u8,
    suite13: Option<Suite>,
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
    opts: DecodeOptions,
    stream: Stream,
    facts: TlsFacts,
    progress: Progress,
    client: Direction,
    server: Direction,
    keys: Keys,
    /// HTTP/1.1 read from decrypted application data (or a plain-HTTP flow).
    http: crate::http::stream::Reader,
}

impl ConnectionDecoder {
    pub fn new(start_ts_ns: u64, opts: DecodeOptions) -> Self {
        ConnectionDecoder {
            start_ts_ns,
            opts,
            ..ConnectionDecoder::default()
        }
    }

    fn dir(&mut self, side: Side) -> &mut Direction {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }

    fn dir_ref(&self, side: Side) -> &Direction {
        match side {
            Side::Client => &self.client,
            Side::Server => &self.server,
        }
    }

    fn time(&self, prov: Provenance) -> f64 {
        prov.ts_ns.saturating_sub(self.start_ts_ns) as f64 / 1e9
    }

    fn anomaly(&mut self, kind: &str, side: Side, prov: Provenance, detail: String) {
        if self.facts.anomalies.len() < MAX_ANOMALIES {
            self.facts
                .anomalies
                .push(Anomaly::new(kind, Some(prov.frame), Some(side), detail));
        }
    }

    pub fn feed(&mut self, side: Side, data: &[u8], prov: Provenance) {
        if self.stream == Stream::Undecided
            && side == Side::Client
            && crate::http::head::starts_like_request(data)
        {
            // No TLS record begins with an upper-case letter: a plain HTTP request.
            self.stream = Stream::PlainHttp;
        }
        if self.stream == Stream::PlainHttp {
            return self.http.push(side, data, prov.frame);
        }
        let mut data = data;
        loop {
            if self.stream == Stream::NotTls {
                return;
            }
            match self.dir(side).deframer.next(&mut data) {
                None => return,
                Some(Err(e)) => return self.bad_record(side, prov, e),
                Some(Ok(Deframed::Header(h))) => {
                    self.stream = Stream::Tls;
                    self.progress.side_mut(side).records += 1;
                    let keep = self.keep(side, h.content_type, h.len);
                    self.dir(side).deframer.keep(keep);
                }
                Some(Ok(Deframed::Record(r))) => self.record(side, r, prov),
            }
        }
    }

    /// What to keep of a record's body. Application data (and TLS 1.3 protected records) are
    /// counted, not kept — unless a key log lets us read the handshake and post-handshake
    /// messages; TLS 1.0 CBC keeps a skipped record's tail (the next record's IV).
    fn keep(&mut self, side: Side, ct: ContentType, len: usize) -> Keep {
        if ct != ContentType::APPLICATION_DATA {
            return Keep::All;
        }
        let d = self.dir_ref(side);
        match &d.protection {
            Protection::Tls13 { app_records, .. } => {
                let read = match app_records {
                    None => true,
                    Some(n) => {
                        *n < APP_RECORDS_DECRYPTED || len <= SMALL_RECORD || self.http.wants(side)
                    }
                };
                if read {
                    Keep::All
                } else {
                    Keep::Nothing
                }
            }
            // Compressed: every record feeds the inflater.
            Protection::Tls12(_) | Protection::Null { .. }
                if d.compression.needs_every_record() =>
            {
                Keep::All
            }
            // Decrypted (or, NULL cipher, read) while the HTTP reader wants this direction.
            Protection::Tls12(_) | Protection::Null { .. } if self.http.wants(side) => Keep::All,
            Protection::Tls12(d) => d.needs_tail().map_or(Keep::Nothing, Keep::Tail),
            Protection::None | Protection::Null { .. } => Keep::Nothing,
        }
    }

    fn bad_record(&mut self, side: Side, prov: Provenance, e: RecordError) {
        if self.stream == Stream::Undecided {
            // Nothing decoded yet: this is simply not TLS.
            self.stream = Stream::NotTls;
            return;
        }
        let (kind, detail) = match e {
            RecordError::NotAHeader(hdr) => (
                "bad_record_header",
                format!("bytes {hdr:02x?} are not a TLS record header"),
            ),
            RecordError::TooLong(len) => (
                "bad_record_length",
                format!("record claims {len} bytes (limit {MAX_RECORD}); decoding of this direction stops here"),
            ),
        };
        self.stop(kind, side, prov, detail);
    }

    /// Damage: say so and stop decoding this direction (what was decoded is kept).
    fn stop(&mut self, kind: &str, side: Side, prov: Provenance, detail: String) {
        self.anomaly(kind, side, prov, detail);
        let stop = self.facts.decode_stops.side_mut(side);
        stop.damaged.get_or_insert(prov.frame);
        let d = self.dir(side);
        d.deframer.stop();
        d.joiner.clear();
    }

    fn msg(
        &self,
        side: Side,
        prov: Provenance,
        kind: MessageKind,
        detail: Option<String>,
        length: usize,
        read: Read,
    ) -> Message {
        Message {
            frame: prov.frame,
            time: self.time(prov),
            from: side,
            kind,
            detail,
            length: u32::try_from(length).unwrap_or(u32::MAX),
            encrypted: false,
            decrypted: read == Read::Decrypted,
            certificate_count: None,
        }
    }

    fn push_message(&mut self, m: Message) {
        self.facts.messages.push(m);
    }

    fn phase(&self, side: Side) -> Phase {
        self.progress.side(side).phase
    }

    /// One whole record.
    fn record(&mut self, side: Side, r: Record, prov: Provenance) {
        let Record { header, body, tail } = r;
        let len = header.len;
        let ct = header.content_type;
        if header.v2 {
            return self.sslv2_client_hello(side, &header, &body, prov);
        }
        if ct == ContentType::CHANGE_CIPHER_SPEC {
            let m = self.msg(
                side,
                prov,
                MessageKind::ChangeCipherSpec,
                None,
                len,
                Read::Clear,
            );
            self.push_message(m);
            if self.progress.protocol != Protocol::Tls13 {
                // RFC 5246 §7.1: this side's records are protected from here on.
                self.change_cipher_spec(side, prov);
            }
            return;
        }
        let legacy_keys = matches!(
            self.dir(side).protection,
            Protection::Tls12(_) | Protection::Null { .. }
        );
        if legacy_keys && self.phase(side) != Phase::Clear && ct != ContentType::HEARTBEAT {
            return self.legacy_protected(side, header, &body, &tail, prov);
        }
        match ct {
            ContentType::ALERT => self.alert_record(side, &body, len, prov, Read::Clear),
            ContentType::HANDSHAKE if self.phase(side) == Phase::Clear => {
                self.handshake_bytes(side, &body, prov, Read::Clear)
            }
            ContentType::HANDSHAKE => self.encrypted_handshake(side, len, prov),
            ContentType::APPLICATION_DATA => match self.dir(side).protection {
                Protection::Tls13 { .. } => self.decrypt_record(side, &header, &body, prov),
                _ => self.protected_record(side, len, prov),
            },
            _ => {
                let m = self.msg(side, prov, MessageKind::Heartbeat, None, len, Read::Clear);
                self.push_message(m);
            }
        }
    }

    /// A TLS ≤ 1.2 record after this side's ChangeCipherSpec, with keys (or a NULL cipher):
    /// opened (and inflated) when it can be; application data only when compression needs
    /// every record, else skipped by length.
    fn legacy_protected(
        &mut self,
        side: Side,
        header: RecordHeader,
        body: &[u8],
        tail: &[u8],
        prov: Provenance,
    ) {
        let (ct, len) = (header.content_type, header.len);
        let whole = body.len() == len && self.http.wants(side);
        let d = self.dir(side);
        if ct == ContentType::APPLICATION_DATA && !d.compression.needs_every_record() && !whole {
            if let Protection::Tls12(dec) = &mut d.protection {
                // Not read; its sequence number still counts (and in TLS 1.0 its last
                // ciphertext block is the next record's IV).
                dec.skip_record(if body.is_empty() { tail } else { body });
            }
            return self.protected_record(side, len, prov);
        }
        if ct == ContentType::HANDSHAKE {
            self.note_renegotiation(side, prov);
        }
        match (self.unprotect(side, &header, body, prov), ct) {
            (Some((plain, read)), ContentType::ALERT) => {
                self.alert_record(side, &plain, plain.len(), prov, read)
            }
            (Some((plain, read)), ContentType::HANDSHAKE) => {
                self.progress.side_mut(side).phase = Phase::Finished;
                self.handshake_bytes(side, &plain, prov, read)
            }
            (Some((plain, read)), ContentType::APPLICATION_DATA) => {
                self.app_data_counted(side, len, prov);
                if read == Read::Decrypted {
                    self.mark_decrypted(side, prov.frame);
                }
                self.http.push(side, &plain, prov.frame);
            }
            (Some(_), _) => self.app_data_counted(side, len, prov),
            (None, ContentType::ALERT) => self.alert_record(side, body, len, prov, Read::Clear),
            (None, ContentType::HANDSHAKE) => self.encrypted_handshake(side, len, prov),
            (None, _) => self.protected_record(side, len, prov),
        }
    }

    fn handshake_bytes(&mut self, side: Side, body: &[u8], prov: Provenance, read: Read) {
        if let Err(e) = self.dir(side).joiner.push(body) {
            return self.join_error(side, prov, e);
        }
        loop {
            match self.dir(side).joiner.next() {
                None => return,
                Some(Err(e)) => return self.join_error(side, prov, e),
                Some(Ok(m)) => self.handshake_message(side, m.typ, m.body(), prov, read),
            }
        }
    }

    fn join_error(&mut self, side: Side, prov: Provenance, e: JoinError) {
        let detail = match e {
            JoinError::TooMuch { buffered } => {
                format!("handshake data exceeds {MAX_HANDSHAKE} bytes ({buffered} buffered)")
            }
            JoinError::TooLarge { typ, len } => format!(
                "{} claims {len} bytes (limit {MAX_HANDSHAKE}); not buffered",
                typ.label()
            ),
        };
        self.stop("handshake_too_large", side, prov, detail);
    }

    pub fn gap(&mut self, side: Side, prov: Provenance, missing: u64) {
        self.anomaly(
            "capture_gap",
            side,
            prov,
            format!("{missing} bytes from the {} were not captured before frame {}; its stream is not decoded past this point", side.as_str(), prov.frame),
        );
        self.facts
            .decode_stops
            .side_mut(side)
            .gap
            .get_or_insert(prov.frame);
        let d = self.dir(side);
        d.deframer.stop();
        d.joiner.clear();
        self.http.gap(side);
    }

    pub fn closed(&mut self, side: Side, prov: Provenance, reset: bool) {
        self.progress
            .side_mut(side)
            .closed
            .get_or_insert((prov.frame, reset));
    }

    /// `false` once the handshake is over and this direction only carries application data
    /// that the decoder skips by record length: the caller may then stop buffering.
    pub fn wants_more(&self, side: Side) -> bool {
        let d = match side {
            Side::Client => &self.client,
            Side::Server => &self.server,
        };
        !(d.deframer.is_stopped()
            || (self.app_data_seen() && self.progress.side(side).appdata_records > 0))
    }

    /// `Some(false)` once the stream is known not to be TLS (plain HTTP included).
    pub fn is_tls(&self) -> Option<bool> {
        match self.stream {
            Stream::Undecided => None,
            Stream::Tls => Some(true),
            Stream::NotTls | Stream::PlainHttp => Some(false),
        }
    }

    /// The connection is plain HTTP (no TLS): its facts are the `http` layer alone.
    pub fn is_plain_http(&self) -> bool {
        self.stream == Stream::PlainHttp
    }

    pub fn finish(mut self) -> TlsFacts {
        outcome::conclude(&self.progress, &mut self.facts);
        self.facts.http = self.http_layer();
        self.plain_outcome();
        self.facts
    }

    /// The facts so far, with the outcome as it stands (live and progressive views).
    pub fn snapshot(&self) -> TlsFacts {
        let mut facts = self.facts.clone();
        outcome::conclude(&self.progress, &mut facts);
        facts.http = self.http_layer();
        if self.is_plain_http() {
            facts.outcome.summary = PLAIN_SUMMARY.into();
        }
        facts
    }

    fn plain_outcome(&mut self) {
        if self.is_plain_http() {
            self.facts.outcome.summary = PLAIN_SUMMARY.into();
        }
    }

    /// The HTTP layer: the exchanges read, or why they cannot be (three-valued); `None` when
    /// there is no application data to speak of.
    fn http_layer(&self) -> Option<crate::model::http::HttpLayer> {
        use crate::model::http::{HttpLayer, HttpTransport};
        use crate::model::{DecryptionStatus, Fact, Reveal, Unknown, UnknownReason};
        let plain = self.is_plain_http();
        let closed = [
            self.progress.side(Side::Client).closed.is_some(),
            self.progress.side(Side::Server).closed.is_some(),
        ];
        let exchanges = if self.http.fed() {
            let ex = self.http.exchanges(closed);
            if ex.is_empty() && self.http.not_http() {
                Fact::Absent
            } else {
                Fact::Known(ex)
            }
        } else if plain {
            Fact::Known(Vec::new())
        } else if self.facts.application_data.first_frame.is_none() {
            return None;
        } else {
            let u = match self.facts.decryption {
                DecryptionStatus::Failed => {
                    Unknown::new(UnknownReason::KeysDoNotMatch, Some(Reveal::KeyLog))
                }
                DecryptionStatus::Unsupported => {
                    Unknown::new(UnknownReason::DecoderUnsupported, None)
                }
                _ => Unknown::new(UnknownReason::EncryptedWithoutKeys, Some(Reveal::KeyLog)),
            };
            Fact::Unknown(u)
        };
        Some(HttpLayer {
            transport: if plain {
                HttpTransport::Plain
            } else {
                HttpTransport::Tls
            },
            exchanges,
            exchanges_not_kept: self.http.not_kept(),
            stopped: self.http.stopped().map(str::to_owned),
        })
    }
}
