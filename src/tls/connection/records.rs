//! The records that are not handshake bytes: alerts (clear or decrypted), encrypted handshake
//! records, protected records we cannot open, and application data (listed on the ladder up to
//! a bound, then only counted). A second `impl ConnectionDecoder`, split from mod.rs for size.

use super::*;

impl ConnectionDecoder {
    pub(super) fn alert_record(
        &mut self,
        side: Side,
        body: &[u8],
        len: usize,
        prov: Provenance,
        read: Read,
    ) {
        let protected = self.phase(side) != Phase::Clear && read == Read::Clear;
        let time = self.time(prov);
        // A plaintext alert is exactly two bytes; anything else is protected (including alerts
        // after a ChangeCipherSpec this capture did not see).
        let [level, desc] = match body {
            [l, d] if !protected => [*l, *d],
            _ => {
                let mut m = self.msg(
                    side,
                    prov,
                    MessageKind::Alert,
                    Some("encrypted alert".into()),
                    len,
                    read,
                );
                m.encrypted = true;
                self.push_message(m);
                self.facts.alerts.push(Alert {
                    from: side,
                    message: None,
                    frame: prov.frame,
                    time,
                    encrypted: true,
                    decrypted: false,
                });
                return;
            }
        };
        let (level, description) = (AlertLevel(level), AlertDescription(desc));
        let detail = AlertMessage { level, description }.text();
        let m = self.msg(side, prov, MessageKind::Alert, Some(detail), 2, read);
        self.push_message(m);
        let decrypted = read == Read::Decrypted;
        self.facts.alerts.push(Alert {
            from: side,
            message: Some(AlertMessage { level, description }),
            frame: prov.frame,
            time,
            encrypted: decrypted,
            decrypted,
        });
    }

    /// A renegotiation: this side already finished its handshake and application data has
    /// flowed since.
    pub(super) fn note_renegotiation(&mut self, side: Side, prov: Provenance) {
        if self.app_data_seen()
            && self.phase(side) == Phase::Finished
            && self.facts.renegotiation_frames.last() != Some(&prov.frame)
        {
            self.facts.renegotiation_frames.push(prov.frame);
        }
    }

    pub(super) fn app_data_seen(&self) -> bool {
        self.facts.application_data.first_frame.is_some()
    }

    pub(super) fn encrypted_handshake(&mut self, side: Side, len: usize, prov: Provenance) {
        // A renegotiation: this side already finished its handshake (its Finished was an
        // earlier encrypted handshake record) and application data has flowed since. A
        // Finished that merely arrives after the peer's first data (False Start) is not one.
        let after_app = self.app_data_seen() && self.phase(side) == Phase::Finished;
        let detail = if after_app {
            if self.facts.renegotiation_frames.last() != Some(&prov.frame) {
                self.facts.renegotiation_frames.push(prov.frame);
            }
            format!("{len} bytes, encrypted, after application data: renegotiation")
        } else {
            format!("{len} bytes, encrypted (Finished)")
        };
        self.progress.side_mut(side).phase = Phase::Finished;
        let mut m = self.msg(
            side,
            prov,
            MessageKind::EncryptedHandshake,
            Some(detail),
            len,
            Read::Clear,
        );
        m.encrypted = true;
        self.push_message(m);
    }

    pub(super) fn protected_record(&mut self, side: Side, len: usize, prov: Provenance) {
        if self.progress.protocol == Protocol::Tls13 && !self.progress.app_data_phase() {
            self.progress.protected_order.push((side, prov.frame, len));
            let mut m = self.msg(
                side,
                prov,
                MessageKind::EncryptedRecord,
                Some(format!("{len} bytes, encrypted (TLS 1.3)")),
                len,
                Read::Clear,
            );
            m.encrypted = true;
            self.push_message(m);
            return;
        }
        self.app_data_counted(side, len, prov);
    }

    /// The ladder line of an application-data record just counted was decrypted (TLS ≤ 1.2
    /// with a key log, read for HTTP).
    pub(super) fn mark_decrypted(&mut self, side: Side, frame: u64) {
        if let Some(m) = self.facts.messages.last_mut() {
            if m.kind == MessageKind::ApplicationData && m.from == side && m.frame == frame {
                m.decrypted = true;
            }
        }
    }

    pub(super) fn app_data_counted(&mut self, side: Side, len: usize, prov: Provenance) {
        let decrypting = matches!(self.dir(side).protection, Protection::Tls13 { .. });
        let null = matches!(self.dir(side).protection, Protection::Null { .. });
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
        self.progress.side_mut(side).appdata_records += 1;
        if count <= LADDER_APPDATA {
            let read = if decrypting {
                Read::Decrypted
            } else {
                Read::Clear
            };
            let mut m = self.msg(side, prov, MessageKind::ApplicationData, None, len, read);
            m.encrypted = !null;
            self.push_message(m);
        }
    }
}
