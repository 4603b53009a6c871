//! The probe form: every option of `tlsdiag probe` as a field of its kind — text, masked
//! secret, number, switch or choice — and the keys that fill it. Keys reach a text field only
//! while it is being edited (Enter starts, Enter/Esc ends), so a command key is never typed
//! into a field by accident; switches and choices change with Space/←/→ and never take text.
//! The form becomes a typed [`ProbeRequest`] here; the library's `ProbeRequest::options` (the
//! same code as the CLI's) reads and parses it when the probe runs.

use super::app::{App, Effect, View};
use crate::identity::SecretString;
use crate::model::http_auth::AuthMode;
use crate::probe::request::{HttpAuthRequest, ProbeRequest, Secret, SoapVersion, TlsVersions};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

/// One field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Url,
    Identity,
    Alias,
    KeystorePassword,
    SendAnyway,
    Trust,
    Insecure,
    Sni,
    Tls,
    Timeout,
    Proxy,
    Soap,
    SoapAction,
    Envelope,
    Header,
    HttpAuth,
    AuthMode,
    User,
    HttpPassword,
    Spn,
    Principal,
    Keytab,
    Delegate,
    Lifetime,
    SavePcap,
    SaveKeylog,
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Text shown as •, never on screen, zeroed when the form is dropped.
    Secret,
    /// Digits only.
    Number,
    /// Off / on.
    Switch,
    /// One of these.
    Choice(&'static [&'static str]),
}

pub struct Spec {
    pub field: Field,
    pub label: &'static str,
    pub kind: Kind,
    /// One line under the form when the field is selected.
    pub help: &'static str,
}

const TLS_CHOICES: &[&str] = &["1.2 and 1.3", "1.2 only", "1.3 only"];
const SOAP_CHOICES: &[&str] = &["1.1 (text/xml + SOAPAction)", "1.2 (application/soap+xml)"];
const AUTH_CHOICES: &[&str] = &["none", "Basic", "Negotiate (SPNEGO/Kerberos)"];
const MODE_CHOICES: &[&str] = &["preemptive", "on challenge (after a 401)"];

const fn spec(field: Field, label: &'static str, kind: Kind, help: &'static str) -> Spec {
    Spec {
        field,
        label,
        kind,
        help,
    }
}

/// The form's fields in order (as `tlsdiag probe --help` lists the options).
pub const FIELDS: [Spec; 26] = [
    spec(Field::Url, "URL", Kind::Text, "https:// (or http://) URL of the service"),
    spec(Field::Identity, "Identity file", Kind::Text, "client identity: PEM (chain + key), PKCS#12 or JKS keystore"),
    spec(Field::Alias, "Alias", Kind::Text, "keystore alias (empty: the only private-key entry)"),
    spec(Field::KeystorePassword, "Keystore password", Kind::Secret, "password of the identity and trust store (masked, never shown or logged)"),
    spec(Field::SendAnyway, "Send anyway", Kind::Switch, "send the identity even if its issuer is not among the server's accepted CAs (as curl/OpenSSL do); off: like JSSE"),
    spec(Field::Trust, "Trust (CA file)", Kind::Text, "trusted CAs: PEM bundle or JKS/PKCS#12 truststore (empty: the system roots)"),
    spec(Field::Insecure, "Insecure", Kind::Switch, "do not verify the server's certificate (its chain is still recorded and shown)"),
    spec(Field::Sni, "SNI", Kind::Text, "server name to send (empty: the URL's host)"),
    spec(Field::Tls, "TLS version", Kind::Choice(TLS_CHOICES), "the TLS versions offered"),
    spec(Field::Timeout, "Timeout (s)", Kind::Number, "seconds for connect, handshake and response"),
    spec(Field::Proxy, "HTTP proxy", Kind::Text, "http://host:port to CONNECT through (empty: direct)"),
    spec(Field::Soap, "SOAP version", Kind::Choice(SOAP_CHOICES), "SOAP 1.1 or 1.2"),
    spec(Field::SoapAction, "SOAP action", Kind::Text, "SOAPAction (SOAP 1.1) or action parameter (SOAP 1.2)"),
    spec(Field::Envelope, "Envelope file", Kind::Text, "file with the SOAP envelope to POST (empty: a minimal valid envelope)"),
    spec(Field::Header, "Extra header", Kind::Text, "one more request header, K: V (e.g. X-Trace: 1)"),
    spec(Field::HttpAuth, "HTTP auth", Kind::Choice(AUTH_CHOICES), "HTTP authentication: Basic (sent only over TLS) or Negotiate"),
    spec(Field::AuthMode, "Auth mode", Kind::Choice(MODE_CHOICES), "send the credentials with the first request (JAX-WS, WebSphere) or after a 401 (curl, browsers)"),
    spec(Field::User, "User", Kind::Text, "HTTP Basic user"),
    spec(Field::HttpPassword, "HTTP password", Kind::Secret, "Basic password, or the Kerberos password of the principal (masked, never shown or logged)"),
    spec(Field::Spn, "SPN", Kind::Text, "service principal (empty: HTTP/<host of the URL>)"),
    spec(Field::Principal, "Principal", Kind::Text, "client principal user@REALM (empty: the kinit ticket cache)"),
    spec(Field::Keytab, "Keytab", Kind::Text, "keytab holding the principal's key (empty: the HTTP password)"),
    spec(Field::Delegate, "Delegate", Kind::Switch, "ask for Kerberos delegation (a forwarded TGT)"),
    spec(Field::Lifetime, "Lifetime (s)", Kind::Number, "credential lifetime in seconds (empty: as long as the KDC allows)"),
    spec(Field::SavePcap, "Save pcap", Kind::Text, "save the probe's own connection as a pcap here (opens in Wireshark)"),
    spec(Field::SaveKeylog, "Save key log", Kind::Text, "write the TLS secrets here (mode 0600) to decrypt the saved pcap"),
];

/// The index of `f` in [`FIELDS`].
pub fn index(f: Field) -> usize {
    FIELDS.iter().position(|s| s.field == f).unwrap_or(0)
}

fn spec_of(i: usize) -> Option<&'static Spec> {
    FIELDS.get(i)
}

/// The form's state: a text per field (text, secret and number fields) and a choice per field
/// (switches: 0 off, 1 on).
#[derive(Debug, Clone)]
pub struct ProbeForm {
    pub text: Vec<String>,
    pub choice: Vec<usize>,
    /// The selected field (index into [`FIELDS`]; always a shown one).
    pub field: usize,
    /// Keys go into the selected text field only while this is set (Enter starts editing,
    /// Enter or Esc ends it): a key meant for the UI is never typed into a field by accident.
    pub editing: bool,
    /// The field's value before this edit (Esc restores it).
    pub before_edit: String,
}

impl Default for ProbeForm {
    fn default() -> Self {
        let mut f = ProbeForm {
            text: vec![String::new(); FIELDS.len()],
            choice: vec![0; FIELDS.len()],
            field: 0,
            editing: false,
            before_edit: String::new(),
        };
        f.set(Field::Timeout, "10");
        f
    }
}

impl Drop for ProbeForm {
    fn drop(&mut self) {
        use zeroize::Zeroize as _;
        for t in &mut self.text {
            t.zeroize();
        }
        self.before_edit.zeroize();
    }
}

impl ProbeForm {
    pub fn get(&self, f: Field) -> &str {
        self.text.get(index(f)).map(String::as_str).unwrap_or("")
    }
    pub fn set(&mut self, f: Field, v: &str) {
        if let Some(t) = self.text.get_mut(index(f)) {
            *t = v.to_owned();
        }
    }
    pub fn choice(&self, f: Field) -> usize {
        self.choice.get(index(f)).copied().unwrap_or(0)
    }
    pub fn set_choice(&mut self, f: Field, v: usize) {
        if let Some(c) = self.choice.get_mut(index(f)) {
            *c = v;
        }
    }
    pub fn on(&self, f: Field) -> bool {
        self.choice(f) == 1
    }
    /// The field selected.
    pub fn selected(&self) -> Field {
        spec_of(self.field).map(|s| s.field).unwrap_or(Field::Url)
    }

    /// Whether field `f` applies with the current choices (the HTTP authentication fields only
    /// for their scheme).
    pub fn applies(&self, f: Field) -> bool {
        let auth = self.choice(Field::HttpAuth);
        match f {
            Field::AuthMode => auth != 0,
            Field::User => auth == 1,
            Field::HttpPassword => auth != 0,
            Field::Spn | Field::Principal | Field::Keytab | Field::Delegate | Field::Lifetime => {
                auth == 2
            }
            _ => true,
        }
    }

    /// The indices of the fields shown, in order.
    pub fn shown(&self) -> Vec<usize> {
        (0..FIELDS.len())
            .filter(|i| spec_of(*i).is_some_and(|s| self.applies(s.field)))
            .collect()
    }

    /// Moves the selection `by` shown fields (wrapping with Tab, clamped with PgUp/PgDn).
    fn step(&mut self, by: i64, wrap: bool) {
        let shown = self.shown();
        let n = i64::try_from(shown.len()).unwrap_or(1).max(1);
        let pos = shown.iter().position(|i| *i == self.field).unwrap_or(0);
        let pos = i64::try_from(pos).unwrap_or(0) + by;
        let pos = if wrap {
            pos.rem_euclid(n)
        } else {
            pos.clamp(0, n - 1)
        };
        self.field = usize::try_from(pos)
            .ok()
            .and_then(|p| shown.get(p).copied())
            .unwrap_or(0);
    }

    /// Switch flips, choice moves `by` (wrapping). Text fields are untouched.
    fn change(&mut self, by: i64) {
        let Some(spec) = spec_of(self.field) else {
            return;
        };
        let n = match spec.kind {
            Kind::Switch => 2,
            Kind::Choice(c) => c.len(),
            _ => return,
        };
        let n = i64::try_from(n).unwrap_or(1).max(1);
        let cur = i64::try_from(self.choice(spec.field)).unwrap_or(0);
        let next = usize::try_from((cur + by).rem_euclid(n)).unwrap_or(0);
        self.set_choice(spec.field, next);
    }

    fn opt(&self, f: Field) -> Option<String> {
        let v = self.get(f).trim();
        (!v.is_empty()).then(|| v.to_owned())
    }
    fn path(&self, f: Field) -> Option<PathBuf> {
        self.opt(f).map(PathBuf::from)
    }
    fn secret(&self, f: Field) -> Secret {
        // A password is taken as typed: spaces may be part of it.
        let v = self.get(f);
        Secret::Typed((!v.is_empty()).then(|| SecretString::new(v.to_owned())))
    }
    fn number(&self, f: Field, label: &str) -> Result<Option<u64>, String> {
        match self.opt(f) {
            None => Ok(None),
            Some(v) => v
                .parse::<u64>()
                .map(Some)
                .map_err(|_| format!("{label}: {v:?} is not a number of seconds")),
        }
    }

    /// The form as the probe's typed request (nothing is read or parsed beyond the numbers:
    /// that is `ProbeRequest::options`, shared with the CLI).
    pub fn request(&self) -> Result<ProbeRequest, String> {
        let url = self.opt(Field::Url).ok_or("the probe needs a URL")?;
        let auth = self.choice(Field::HttpAuth);
        let http_auth = match auth {
            1 => HttpAuthRequest::Basic {
                user: self
                    .opt(Field::User)
                    .ok_or("HTTP auth Basic needs a user")?,
            },
            2 => HttpAuthRequest::Negotiate {
                spn: self.opt(Field::Spn),
                principal: self.opt(Field::Principal),
                keytab: self.path(Field::Keytab),
                delegate: self.on(Field::Delegate),
                lifetime: self.number(Field::Lifetime, "Lifetime")?,
            },
            _ => HttpAuthRequest::None,
        };
        Ok(ProbeRequest {
            url,
            identity: self.path(Field::Identity),
            alias: self.opt(Field::Alias),
            keystore_password: self.secret(Field::KeystorePassword),
            trust: self.path(Field::Trust),
            insecure: self.on(Field::Insecure),
            sni: self.opt(Field::Sni),
            tls: match self.choice(Field::Tls) {
                1 => TlsVersions::Tls12Only,
                2 => TlsVersions::Tls13Only,
                _ => TlsVersions::Both,
            },
            timeout_secs: self.number(Field::Timeout, "Timeout")?.unwrap_or(10),
            soap_action: self.opt(Field::SoapAction),
            envelope: self.path(Field::Envelope),
            soap: if self.choice(Field::Soap) == 1 {
                SoapVersion::Soap12
            } else {
                SoapVersion::Soap11
            },
            headers: self.opt(Field::Header).into_iter().collect(),
            send_anyway: self.on(Field::SendAnyway),
            proxy: self.opt(Field::Proxy),
            // The HTTP fields count only for the scheme chosen.
            http_password: if auth == 0 {
                Secret::Typed(None)
            } else {
                self.secret(Field::HttpPassword)
            },
            auth_mode: match (auth, self.choice(Field::AuthMode)) {
                (0, _) => None,
                (_, 1) => Some(AuthMode::Challenge),
                _ => Some(AuthMode::Preemptive),
            },
            http_auth,
            save: self.path(Field::SavePcap),
            keylog: self.path(Field::SaveKeylog),
        })
    }

    /// The value as the form shows it (secrets as •, switches and choices by name).
    pub fn shown_value(&self, i: usize) -> String {
        let Some(spec) = spec_of(i) else {
            return String::new();
        };
        let t = self.text.get(i).map(String::as_str).unwrap_or("");
        match spec.kind {
            Kind::Secret => "•".repeat(t.chars().count()),
            Kind::Text | Kind::Number => crate::safe::safe(t).into_owned(),
            Kind::Switch => {
                if self.choice(spec.field) == 1 {
                    "[x] on".into()
                } else {
                    "[ ] off".into()
                }
            }
            Kind::Choice(c) => {
                let k = self.choice(spec.field);
                format!("‹ {} ›", c.get(k).copied().unwrap_or(""))
            }
        }
    }
}

impl App {
    /// Keys in the probe form.
    pub(super) fn form_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let f = &mut self.form;
        let kind = spec_of(f.field).map(|s| s.kind).unwrap_or(Kind::Text);
        let typing = matches!(kind, Kind::Text | Kind::Secret | Kind::Number);
        if f.editing {
            match k.code {
                KeyCode::Esc => {
                    if typing {
                        if let Some(v) = f.text.get_mut(f.field) {
                            *v = std::mem::take(&mut f.before_edit);
                        }
                    }
                    f.editing = false;
                }
                KeyCode::Enter => f.editing = false,
                KeyCode::Tab | KeyCode::BackTab | KeyCode::Down | KeyCode::Up => {
                    // Next (previous) field, still editing: filling a form is typing.
                    let by = if matches!(k.code, KeyCode::Tab | KeyCode::Down) {
                        1
                    } else {
                        -1
                    };
                    f.step(by, true);
                    f.before_edit = f.text.get(f.field).cloned().unwrap_or_default();
                }
                // A switch or choice reached while editing changes only with these.
                KeyCode::Char(' ') | KeyCode::Right if !typing => f.change(1),
                KeyCode::Left if !typing => f.change(-1),
                KeyCode::Backspace if typing => {
                    if let Some(v) = f.text.get_mut(f.field) {
                        v.pop();
                    }
                }
                KeyCode::Char('u') if typing && k.modifiers.contains(KeyModifiers::CONTROL) => {
                    if let Some(v) = f.text.get_mut(f.field) {
                        v.clear();
                    }
                }
                KeyCode::Char(c) if typing && !k.modifiers.contains(KeyModifiers::CONTROL) => {
                    let ok = kind != Kind::Number || c.is_ascii_digit();
                    if let Some(v) = f.text.get_mut(f.field).filter(|_| ok) {
                        // Bounded: a field is a path, a URL, a name or a password.
                        if v.len() < 4096 {
                            v.push(c);
                        }
                    }
                }
                _ => {}
            }
            return vec![];
        }
        match k.code {
            KeyCode::Esc | KeyCode::Char('q') => self.view = View::Main,
            KeyCode::Tab | KeyCode::Down | KeyCode::Char('j') => f.step(1, true),
            KeyCode::BackTab | KeyCode::Up | KeyCode::Char('k') => f.step(-1, true),
            KeyCode::PageDown => f.step(10, false),
            KeyCode::PageUp => f.step(-10, false),
            KeyCode::Home | KeyCode::Char('g') => f.step(-1000, false),
            KeyCode::End | KeyCode::Char('G') => f.step(1000, false),
            KeyCode::Enter | KeyCode::Char('e') | KeyCode::Char('i') if typing => {
                f.before_edit = f.text.get(f.field).cloned().unwrap_or_default();
                f.editing = true;
            }
            KeyCode::Enter | KeyCode::Char(' ') | KeyCode::Right | KeyCode::Char('l') => {
                f.change(1)
            }
            KeyCode::Left | KeyCode::Char('h') => f.change(-1),
            KeyCode::Char('r') | KeyCode::F(5) => {
                if self.probe_running {
                    return vec![];
                }
                match self.form.request() {
                    Ok(req) => {
                        self.probe_running = true;
                        self.status = format!("probing {} …", req.url);
                        return vec![Effect::RunProbe(Box::new(req))];
                    }
                    Err(e) => self.status = e,
                }
            }
            _ => {}
        }
        vec![]
    }
}
