//! The JSON forms of the model types whose Rust shape is typed but whose JSON fields are the
//! 1.0 contract (docs/json-schema.md): alerts (`level`/`description`/`code` strings), ladder
//! messages (`name`/`code` from the kind) and the outcome (`alert_description`/`alert_code`).
//! Field order is the order they had when they were derived. `TlsFacts` adds `facts` (1.2),
//! derived from the other fields as it is written, so no producer can leave it stale.

use super::{
    Alert, AppDataStats, CertInfo, CertificateRequest, CertificateVerify, ClientCertificate,
    ClientHello, CodePoint, DecryptionStatus, EncryptedExtensions, EndingAlert, FactsView,
    Inference, Message, Outcome, ServerHello, TlsFacts,
};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

impl Serialize for Alert {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Alert", 8)?;
        st.serialize_field("from", &self.from)?;
        st.serialize_field("level", &*self.level_label())?;
        st.serialize_field("description", &*self.description_label())?;
        st.serialize_field("code", &self.code())?;
        st.serialize_field("frame", &self.frame)?;
        st.serialize_field("time", &self.time)?;
        st.serialize_field("encrypted", &self.encrypted)?;
        st.serialize_field("decrypted", &self.decrypted)?;
        st.end()
    }
}

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Message", 9)?;
        st.serialize_field("frame", &self.frame)?;
        st.serialize_field("time", &self.time)?;
        st.serialize_field("from", &self.from)?;
        st.serialize_field("name", &*self.kind.label())?;
        st.serialize_field("code", &Some(self.kind.code()))?;
        st.serialize_field("detail", &self.detail)?;
        st.serialize_field("length", &self.length)?;
        st.serialize_field("encrypted", &self.encrypted)?;
        st.serialize_field("decrypted", &self.decrypted)?;
        st.end()
    }
}

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Outcome", 7)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("summary", &self.summary)?;
        st.serialize_field("failed_after", &self.failed_after)?;
        st.serialize_field("alert_description", &self.alert.map(EndingAlert::label))?;
        st.serialize_field(
            "alert_code",
            &self.alert.and_then(EndingAlert::description).map(|d| d.0),
        )?;
        st.serialize_field("alert_from", &self.alert_from)?;
        st.serialize_field("frame", &self.frame)?;
        st.end()
    }
}

/// `TlsFacts` as written: every field by reference, then the derived `facts`.
#[derive(Serialize)]
struct TlsFactsWire<'a> {
    tls_version: &'a Option<CodePoint>,
    client_hello: &'a Option<ClientHello>,
    server_hello: &'a Option<ServerHello>,
    hello_retry_request: &'a Option<ServerHello>,
    encrypted_extensions: &'a Option<EncryptedExtensions>,
    server_certificates: &'a [std::sync::Arc<CertInfo>],
    server_certificate_frame: &'a Option<u64>,
    certificate_request: &'a Option<CertificateRequest>,
    post_handshake_certificate_requests: &'a [CertificateRequest],
    client_certificate: &'a Option<ClientCertificate>,
    client_certificate_verify: &'a Option<CertificateVerify>,
    alerts: &'a [Alert],
    messages: &'a [Message],
    outcome: &'a Outcome,
    application_data: &'a AppDataStats,
    decryption: &'a DecryptionStatus,
    inferences: &'a [Inference],
    renegotiation_frames: &'a [u64],
    anomalies: &'a [super::Anomaly],
    facts: FactsView,
    /// Omitted when no application data flowed (as `preamble` is without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    http: Option<&'a super::http::HttpLayer>,
}

impl Serialize for TlsFacts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Exhaustive: a new field fails to compile here until its JSON form is decided.
        let TlsFacts {
            tls_version,
            client_hello,
            server_hello,
            hello_retry_request,
            encrypted_extensions,
            server_certificates,
            server_certificate_frame,
            certificate_request,
            post_handshake_certificate_requests,
            client_certificate,
            client_certificate_verify,
            alerts,
            messages,
            outcome,
            application_data,
            decryption,
            inferences,
            renegotiation_frames,
            anomalies,
            decryption_unsupported: _,
            decode_stops: _,
            http,
        } = self;
        TlsFactsWire {
            tls_version,
            client_hello,
            server_hello,
            hello_retry_request,
            encrypted_extensions,
            server_certificates,
            server_certificate_frame,
            certificate_request,
            post_handshake_certificate_requests,
            client_certificate,
            client_certificate_verify,
            alerts,
            messages,
            outcome,
            application_data,
            decryption,
            inferences,
            renegotiation_frames,
            anomalies,
            facts: FactsView::of(self),
            http: http.as_ref(),
        }
        .serialize(s)
    }
}
