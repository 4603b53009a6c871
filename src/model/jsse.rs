//! What a javax.net.debug log adds to a connection (the JVM's key and trust stores, the key
//! manager's statements), each statement citing its log line.

use super::*;

/// What a javax.net.debug log says about one connection beyond the handshake messages.
/// Each statement cites its line.
#[derive(Debug, Clone, Serialize)]
pub struct JsseLog {
    /// The JVM thread that logged the handshake (name), and its id as printed (hex).
    pub thread: String,
    pub thread_id: String,
    /// Which side JSSE was (it produced the ClientHello: client).
    pub role: Side,
    /// The keystore and truststore JSSE reported loading (the default SSLContext's), when the
    /// log shows it (`ssl` with `keymanager`/`trustmanager`, `all`, or JDK 21+ `ssl:handshake`).
    pub keystore: Option<StoreReport>,
    pub truststore: Option<StoreReport>,
    /// Key entries the key manager reported finding (`found key for : ALIAS`).
    pub key_entries: Vec<KeyEntryReport>,
    /// JSSE's own lines about choosing (or not) a client certificate, in order: `No X.509 cert
    /// selected for [...]`, `No available authentication scheme`, ...
    pub selection: Vec<LogStatement>,
    /// The exception JSSE logged as fatal (`Fatal (HANDSHAKE_FAILURE): Received fatal alert: ...`).
    pub fatal: Option<LogStatement>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoreReport {
    pub line: u64,
    pub path: String,
    /// As printed (`pkcs12`, `jks`); null when not shown.
    pub store_type: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyEntryReport {
    pub line: u64,
    pub alias: String,
    pub subject: Option<DistinguishedName>,
    pub issuer: Option<DistinguishedName>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogStatement {
    pub line: u64,
    pub text: String,
}
