//! The protection glue of one connection: decrypters from the key log (TLS 1.3 traffic
//! secrets after the ServerHello; TLS ≤ 1.2 from CLIENT_RANDOM at each ChangeCipherSpec),
//! opening records with them, and giving up — said once — when a record does not
//! authenticate. The ciphers themselves are in `tls/protection/`.

use super::{Compression, ConnectionDecoder, Read};
use crate::model::{ContentType, DecryptionStatus, DecryptionUnsupported, Provenance, Side};
use crate::tls::compression::Inflater;
use crate::tls::names;
use crate::tls::outcome::Phase;
use crate::tls::protection::{self, DecryptError, Decrypter, Protection, Suite};
use crate::tls::record::RecordHeader;

impl ConnectionDecoder {
    /// TLS ≤ 1.2, this side's ChangeCipherSpec: its protection from now on — a NULL cipher's MAC
    /// alone (RFC 5246 §6.2.3.1, readable without keys), or a decrypter from the key log — and
    /// its compression (RFC 3749 DEFLATE; another method cannot be read).
    pub(super) fn change_cipher_spec(&mut self, side: Side, prov: Provenance) {
        let mut prot = match protection::null_cipher_mac_len(self.keys.suite) {
            Some(mac_len) => Protection::Null { mac_len },
            None => self
                .tls12_decrypter(side, prov)
                .map_or(Protection::None, Protection::Tls12),
        };
        let readable = !matches!(prot, Protection::None);
        let compression = match self.keys.compression {
            0 => Compression::None,
            1 if readable => Compression::Deflate(Box::new(Inflater::new())),
            m if readable => {
                self.unsupported(side, prov, DecryptError::UnsupportedCompression(m));
                prot = Protection::None;
                Compression::Broken
            }
            _ => Compression::Broken,
        };
        let p = self.progress.side_mut(side);
        // A renegotiation's ChangeCipherSpec keeps "finished once" (max).
        p.phase = p.phase.max(Phase::Protected);
        let d = self.dir(side);
        d.protection = prot;
        d.compression = compression;
    }

    /// Opens a TLS ≤ 1.2 protected record (decrypts it, or strips a NULL cipher's MAC) and
    /// inflates it when the session is compressed. `None`: it cannot be read.
    pub(super) fn unprotect(
        &mut self,
        side: Side,
        header: &RecordHeader,
        body: &[u8],
        prov: Provenance,
    ) -> Option<(Vec<u8>, Read)> {
        let (plain, read) = match &self.dir(side).protection {
            Protection::Null { mac_len } => (strip_mac(body, *mac_len)?.to_vec(), Read::Plain),
            Protection::Tls12(_) => (self.open12(side, header, body, prov)?, Read::Decrypted),
            _ => return None,
        };
        match &mut self.dir(side).compression {
            Compression::None => Some((plain, read)),
            Compression::Deflate(inf) => match inf.inflate(&plain) {
                Ok(p) => Some((p, read)),
                Err(e) => {
                    self.anomaly("decompression_failed", side, prov, e.to_string());
                    self.dir(side).compression = Compression::Broken;
                    None
                }
            },
            Compression::Broken => None,
        }
    }

    /// TLS ≤ 1.2 at a ChangeCipherSpec: this side's decrypter from the key log's master secret
    /// for the latest hello randoms (a renegotiation's new keys are followed).
    pub(super) fn tls12_decrypter(
        &mut self,
        side: Side,
        prov: Provenance,
    ) -> Option<protection::Decrypter12> {
        let kl = self.opts.keylog.clone()?;
        let master = kl
            .get(&self.keys.client_random)
            .and_then(|s| s.master.clone());
        let Some(master) = master else {
            if self.facts.decryption == DecryptionStatus::NotNeeded {
                self.facts.decryption = DecryptionStatus::NoKey;
            }
            return None;
        };
        let k = &self.keys;
        match protection::tls12_decrypters(
            k.suite,
            k.version,
            &master,
            &k.client_random,
            &k.server_random,
            k.etm,
        ) {
            Ok((c, s)) => {
                self.facts.decryption = DecryptionStatus::Decrypted;
                Some(match side {
                    Side::Client => c,
                    Side::Server => s,
                })
            }
            Err(e) => {
                self.unsupported(side, prov, e);
                None
            }
        }
    }

    /// The key log has the secret but we do not implement the suite or version: say which
    /// ("unsupported", not "failed": the secret may well be right).
    fn unsupported(&mut self, side: Side, prov: Provenance, e: DecryptError) {
        self.anomaly("decryption_unsupported", side, prov, e.to_string());
        self.facts.decryption = DecryptionStatus::Unsupported;
        self.facts.decryption_unsupported = match e {
            DecryptError::UnsupportedVersion(v) => {
                Some(DecryptionUnsupported::Version(names::version(v)))
            }
            DecryptError::UnsupportedSuite(s) => {
                Some(DecryptionUnsupported::CipherSuite(names::cipher_suite(s)))
            }
            DecryptError::UnsupportedCompression(m) => Some(DecryptionUnsupported::Compression(m)),
            _ => None,
        };
    }

    pub(super) fn open12(
        &mut self,
        side: Side,
        header: &RecordHeader,
        body: &[u8],
        prov: Provenance,
    ) -> Option<Vec<u8>> {
        let Protection::Tls12(dec) = &mut self.dir(side).protection else {
            return None;
        };
        match dec.open(header.content_type.0, header.version(), body) {
            Ok(p) => Some(p),
            Err(e) => {
                self.decryption_failed(side, prov, e);
                None
            }
        }
    }

    /// A record that does not authenticate: the key log's secrets are wrong for this
    /// connection. Say so once and stop decrypting (never decode garbage).
    pub(super) fn decryption_failed(&mut self, side: Side, prov: Provenance, e: DecryptError) {
        self.anomaly(
            "decryption_failed",
            side,
            prov,
            format!("{e}: encrypted; no matching key in the key log for this record"),
        );
        self.facts.decryption = DecryptionStatus::Failed;
        self.client.protection = Protection::None;
        self.server.protection = Protection::None;
    }

    /// Sets up TLS 1.3 decryption after the ServerHello when the key log has this connection.
    pub(super) fn setup_decryption(&mut self, suite_code: u16, version: u16, prov: Provenance) {
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
        if !protection::tls13_version_supported(version) {
            return self.unsupported(
                Side::Server,
                prov,
                DecryptError::UnsupportedVersion(version),
            );
        }
        let suite = match Suite::tls13(suite_code) {
            Ok(s) => s,
            Err(e) => return self.unsupported(Side::Server, prov, e),
        };
        self.keys.suite13 = Some(suite);
        let tls13 = |dec: Option<Decrypter>, next: &Option<Vec<u8>>| match dec {
            Some(dec) => Protection::Tls13 {
                dec: Box::new(dec),
                next_secret: next.clone().map(zeroize::Zeroizing::new),
                app_records: None,
            },
            None => Protection::None,
        };
        self.client.protection = tls13(Decrypter::new(suite, chs), &sec.client_traffic_0);
        self.server.protection = tls13(Decrypter::new(suite, shs), &sec.server_traffic_0);
        self.facts.decryption = DecryptionStatus::Decrypted;
    }

    pub(super) fn decrypt_record(
        &mut self,
        side: Side,
        header: &RecordHeader,
        body: &[u8],
        prov: Provenance,
    ) {
        let len = header.len;
        let Protection::Tls13 {
            dec, app_records, ..
        } = &mut self.dir(side).protection
        else {
            return;
        };
        if let Some(n) = app_records.as_mut() {
            *n += 1;
        }
        if body.len() != len {
            // Counted, not read: the sequence number still advances (RFC 8446 §5.3).
            dec.seq = dec.seq.wrapping_add(1);
            self.app_data_counted(side, len, prov);
            return;
        }
        match dec.open(header.raw, body) {
            Ok((inner, plain)) => match ContentType(inner) {
                ContentType::HANDSHAKE => self.handshake_bytes(side, &plain, prov, Read::Decrypted),
                ContentType::ALERT => {
                    self.alert_record(side, &plain, plain.len(), prov, Read::Decrypted)
                }
                ContentType::APPLICATION_DATA => {
                    self.app_data_counted(side, len, prov);
                    self.http.push(side, &plain, prov.frame);
                }
                _ => {}
            },
            Err(e) => {
                self.decryption_failed(side, prov, e);
                self.protected_record(side, len, prov);
            }
        }
    }
}

/// A NULL-cipher record's content: the fragment without its trailing MAC (RFC 5246 §6.2.3.1).
/// The MAC is not checked: reading needs no key, and it proves integrity, not content.
fn strip_mac(fragment: &[u8], mac_len: usize) -> Option<&[u8]> {
    fragment.get(..fragment.len().checked_sub(mac_len)?)
}
