//! `--identity` against one CertificateRequest (issue 12 §4/§5): per-entry, per-stack verdicts
//! ([`super::select::simulate`]), JSSE's own choice when the keystore holds several private-key
//! entries and no `--alias` narrowed it ([`super::jsse`]), and whether the certificate on the
//! wire is this identity's. Builds the model's typed [`IdentityCheck`]; the diagnosis rules word
//! it. Pure: never reads files or the network, never prints.

use super::jsse::{self, Choice, KeyManager};
use super::select::{self, Stack};
use super::{Entry, EntryKind, IdentityError, Keystore, KeystoreFormat};
use crate::model::{
    CertificateRequest, ClientCert, EntryCheck, Fact, IdentityCheck, JsseChoice, StackVerdict,
    Verdict, VerdictCause, WireCheck, WireStatus,
};

/// An identity as `--identity` gave it: the keystore's entries, and the one entry to check
/// (`--alias`, or the only private-key entry) — or none, to check every private-key entry and
/// emulate which one JSSE picks.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The file, for messages and JSON.
    pub keystore: String,
    pub format: KeystoreFormat,
    /// Every entry of the file (trusted ones too: they shape JSSE's alias order).
    pub entries: Vec<Entry>,
    pub alias: Option<String>,
}

impl Candidate {
    /// One entry (the probe's identity, or a PEM certificate and key).
    pub fn one(keystore: String, format: KeystoreFormat, entry: Entry) -> Candidate {
        Candidate {
            keystore,
            format,
            alias: Some(entry.alias.clone()),
            entries: vec![entry],
        }
    }

    /// A whole keystore: `alias` narrows the check to one entry (it must exist and hold a key);
    /// without it a single private-key entry is checked alone, several are all checked.
    pub fn from_keystore(ks: Keystore, alias: Option<&str>) -> Result<Candidate, IdentityError> {
        let keystore = ks.path.display().to_string();
        let alias = match alias {
            Some(a) => {
                let e = ks.entry(a)?;
                super::usable_or_error(&ks, e)?;
                Some(e.alias.clone())
            }
            None => {
                let keyed: Vec<&Entry> = ks
                    .entries
                    .iter()
                    .filter(|e| e.kind == EntryKind::PrivateKey)
                    .collect();
                match keyed.as_slice() {
                    [] => {
                        return Err(IdentityError::NoPrivateKey {
                            path: ks.path.clone(),
                            alias: ks.aliases().join(", "),
                            why: "the file holds only certificates (a truststore)",
                        })
                    }
                    [one] => {
                        super::usable_or_error(&ks, one)?;
                        Some(one.alias.clone())
                    }
                    _ => None,
                }
            }
        };
        Ok(Candidate {
            keystore,
            format: ks.format,
            entries: ks.entries,
            alias,
        })
    }

    /// The entries whose verdicts are computed.
    pub fn checked(&self) -> Vec<&Entry> {
        match &self.alias {
            Some(a) => self.entries.iter().filter(|e| &e.alias == a).collect(),
            None => self
                .entries
                .iter()
                .filter(|e| e.kind == EntryKind::PrivateKey)
                .collect(),
        }
    }

    /// `client.jks alias client`, or `multi.jks (5 private-key entries)`.
    pub fn source(&self) -> String {
        match &self.alias {
            Some(a) => format!("{} alias {a}", self.keystore),
            None => format!(
                "{} ({} private-key entries)",
                self.keystore,
                self.checked().len()
            ),
        }
    }
}

/// Checks the identity against a request; `sent` is what the client answered it with (the
/// model's three-valued fact).
pub fn check(
    c: &Candidate,
    req: &CertificateRequest,
    version: Option<u16>,
    at_unix: i64,
    sent: Fact<ClientCert<'_>>,
) -> IdentityCheck {
    let entries: Vec<EntryCheck> = c
        .checked()
        .into_iter()
        .map(|e| EntryCheck {
            alias: e.alias.clone(),
            leaf_subject: e.leaf().map(|l| l.subject.text.clone()),
            leaf_sha256: e.leaf().map(|l| l.sha256_fingerprint.clone()),
            verdicts: select::simulate(e, req, version, at_unix),
        })
        .collect();
    let jsse_choices = if c.alias.is_none() {
        vec![
            to_model(jsse::sunx509(c.format, &c.entries, req, version)),
            to_model(jsse::pkix(c.format, &c.entries, req, version, at_unix)),
        ]
    } else {
        Vec::new()
    };
    IdentityCheck {
        keystore: c.keystore.clone(),
        format: c.format.name().to_owned(),
        alias: c.alias.clone(),
        entries,
        jsse_choices,
        wire: wire(c, sent),
    }
}

fn to_model(ch: Choice) -> JsseChoice {
    JsseChoice {
        key_manager: match ch.key_manager {
            KeyManager::SunX509 => Stack::JsseSunX509,
            KeyManager::Pkix => Stack::JssePkix,
        },
        alias: ch.alias,
        key_types: ch.key_types,
        order: ch.order,
        pkix_check: ch.check,
        reason: ch.reason,
        init_failure: ch.init_failure,
    }
}

fn wire(c: &Candidate, sent: Fact<ClientCert<'_>>) -> WireCheck {
    let mut w = WireCheck {
        status: WireStatus::Unknown,
        frame: None,
        alias: None,
        sent_leaf_subject: None,
        sent_leaf_sha256: None,
        sent_chain_length: None,
        stored_chain_length: None,
        unknown: None,
    };
    let cc = match sent {
        Fact::Known(cc) => cc.message(),
        Fact::Absent => {
            w.status = WireStatus::NoCertificate;
            return w;
        }
        Fact::Unknown(u) => {
            w.unknown = Some(u);
            return w;
        }
    };
    let leaf = cc.chain.first();
    w.status = WireStatus::OtherCertificate;
    w.frame = Some(cc.frame);
    w.sent_leaf_subject = leaf.map(|l| l.subject.text.clone());
    w.sent_leaf_sha256 = leaf.map(|l| l.sha256_fingerprint.clone());
    w.sent_chain_length = Some(cc.count);
    if cc.count == 0 {
        w.status = WireStatus::EmptyCertificate;
        return w;
    }
    let Some(leaf) = leaf else {
        return w;
    };
    // Any private-key entry of the file: with --alias the client may have used another one.
    let found = c.entries.iter().find(|e| {
        e.kind == EntryKind::PrivateKey
            && e.leaf()
                .is_some_and(|l| l.sha256_fingerprint == leaf.sha256_fingerprint)
    });
    if let Some(e) = found {
        w.alias = Some(e.alias.clone());
        w.stored_chain_length = Some(e.chain.len());
        let same = e.chain.len() == cc.chain.len()
            && e.chain
                .iter()
                .zip(cc.chain.iter())
                .all(|(a, b)| a.sha256_fingerprint == b.sha256_fingerprint);
        w.status = if same {
            WireStatus::SameChain
        } else {
            WireStatus::SameLeafOtherChain
        };
    }
    w
}

/// The verdicts a report shows for this check: the checked entry's, or, with several entries,
/// one per stack — JSSE's from its own choice, the others' from what they would need.
pub fn headline(check: &IdentityCheck) -> Vec<StackVerdict> {
    if check.jsse_choices.is_empty() {
        return check
            .entries
            .first()
            .map(|e| e.verdicts.clone())
            .unwrap_or_default();
    }
    Stack::ALL
        .iter()
        .map(|s| match s {
            Stack::JsseSunX509 | Stack::JssePkix => jsse_row(*s, check),
            other => configured_row(*other, check),
        })
        .collect()
}

fn row(stack: Stack, verdict: Verdict, cause: VerdictCause, reason: String) -> StackVerdict {
    StackVerdict {
        stack,
        label: stack.label().to_owned(),
        verdict,
        reason,
        cause,
    }
}

fn verdict_of(check: &IdentityCheck, alias: &str, stack: Stack) -> Option<StackVerdict> {
    check
        .entries
        .iter()
        .find(|e| e.alias == alias)
        .and_then(|e| e.verdicts.iter().find(|v| v.stack == stack))
        .cloned()
}

fn jsse_row(stack: Stack, check: &IdentityCheck) -> StackVerdict {
    let Some(choice) = check.jsse_choices.iter().find(|c| c.key_manager == stack) else {
        return row(
            stack,
            Verdict::Depends,
            VerdictCause::NoEntryFits,
            String::new(),
        );
    };
    // JSSE aborts by itself (TLS 1.2, no signature algorithm it knows): whatever the entries.
    if let Some(abort) = check
        .entries
        .iter()
        .filter_map(|e| e.verdicts.iter().find(|v| v.stack == stack))
        .find(|v| v.cause == VerdictCause::NoKnownSignatureAlgorithm)
    {
        return abort.clone();
    }
    if let Some(f) = &choice.init_failure {
        return row(
            stack,
            Verdict::NotSent,
            VerdictCause::KeyPasswordDiffers,
            f.clone(),
        );
    }
    match &choice.alias {
        Some(a) => {
            let entry = verdict_of(check, a, stack);
            let (verdict, cause, detail) = match entry {
                Some(v) => (v.verdict, v.cause, v.reason),
                None => (Verdict::Sent, VerdictCause::IssuerListed, String::new()),
            };
            let cause = if choice
                .pkix_check
                .is_some_and(|c| c != crate::model::PkixCheck::Ok)
            {
                VerdictCause::ImperfectMatch
            } else {
                cause
            };
            // The choice's own reason (walk order, key types) is in the finding's details.
            row(stack, verdict, cause, format!("chooses '{a}'; {detail}"))
        }
        None => row(
            stack,
            Verdict::NotSent,
            VerdictCause::NoEntryFits,
            format!(
                "chooses no entry ({}); JSSE sends an empty Certificate",
                choice.reason
            ),
        ),
    }
}

fn configured_row(stack: Stack, check: &IdentityCheck) -> StackVerdict {
    let mut fits = Vec::new();
    let mut not = Vec::new();
    for e in &check.entries {
        match e.verdicts.iter().find(|v| v.stack == stack) {
            Some(v) if v.verdict == Verdict::Sent => fits.push(e.alias.clone()),
            Some(v) => not.push(format!(
                "'{}' ({})",
                e.alias,
                v.reason.split("; ").next().unwrap_or("")
            )),
            None => {}
        }
    }
    let quoted = |v: &[String]| {
        v.iter()
            .map(|a| format!("'{a}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if fits.is_empty() {
        return row(
            stack,
            Verdict::NotSent,
            VerdictCause::NoEntryFits,
            format!(
                "no entry of this keystore would be sent: {}",
                not.join("; ")
            ),
        );
    }
    let mut reason = format!(
        "sends the one entry it is configured with (export it, e.g. keytool -importkeystore -srcalias ALIAS -deststoretype pkcs12): {} would be sent",
        quoted(&fits)
    );
    if !not.is_empty() {
        reason.push_str(&format!("; not {}", not.join(", ")));
    }
    row(
        stack,
        Verdict::Depends,
        VerdictCause::ConfiguredEntry,
        reason,
    )
}

/// The first clause of a verdict's reason (written in this module) without the parenthesised
/// CA list, for one-line faces (the JSON and the details keep it whole).
pub fn short_reason(r: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut prev = ' ';
    for c in r.chars() {
        match c {
            '(' => {
                // "type (RSA): x" reads "type: x", not "type : x".
                if depth == 0 && out.ends_with(' ') {
                    out.pop();
                }
                depth += 1
            }
            ')' => depth = depth.saturating_sub(1),
            ' ' if prev == ';' && depth == 0 => {
                out.pop();
                return out.trim_end().to_owned();
            }
            _ => {}
        }
        if depth == 0 && c != ')' {
            out.push(c);
        }
        prev = c;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
