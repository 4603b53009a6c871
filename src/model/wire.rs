//! The JSON forms of the model types whose Rust shape is typed but whose JSON fields are the
//! 1.0 contract (docs/json-schema.md): alerts (`level`/`description`/`code` strings), ladder
//! messages (`name`/`code` from the kind) and the outcome (`alert_description`/`alert_code`).
//! Field order is the order they had when they were derived.

use super::{Alert, EndingAlert, Message, Outcome};
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
