//! SPNEGO/Kerberos for the probe through the system GSSAPI (MIT, via `libgssapi`): credentials
//! from a kinit cache, a keytab + principal, or a principal + password; one SPNEGO token for the
//! SPN; the server's mutual-authentication token checked. Failures are kept as typed facts
//! ([`KerberosFailure`]) with MIT's own texts. Must not do HTTP (`exchange.rs` does) and must
//! not print anything: tokens and passwords never leave this module except as the token sent.
//!
//! Credentials are acquired for the krb5 mechanism first and only then used through SPNEGO:
//! acquired through the SPNEGO mechanism, MIT reports every cause as "SPNEGO cannot find
//! mechanisms to negotiate".

use std::time::Duration;

use libgssapi::context::{ClientCtx, CtxFlags, SecurityContext};
use libgssapi::credential::{Cred, CredUsage};
use libgssapi::error::{Error as GssError, MajorFlags};
use libgssapi::name::Name;
use libgssapi::oid::{OidSet, GSS_MECH_KRB5, GSS_MECH_SPNEGO, GSS_NT_KRB5_PRINCIPAL};

use super::{KerberosCredentials, NegotiateOptions};
use crate::model::http_auth::{
    CredentialSource, KerberosErrorKind, KerberosFacts, KerberosFailure, KerberosStage, MutualAuth,
};

/// An SPNEGO client context after its first token.
pub struct Session {
    ctx: ClientCtx,
    facts: KerberosFacts,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("facts", &self.facts)
            .finish()
    }
}

/// Builds the first SPNEGO token for `spn`. On failure the facts carry the typed cause.
pub fn start(o: &NegotiateOptions, spn: &str) -> Result<(Session, Vec<u8>), Box<KerberosFacts>> {
    let mut facts = KerberosFacts {
        credential_source: match o.credentials {
            KerberosCredentials::Ccache => CredentialSource::Ccache,
            KerberosCredentials::Keytab { .. } => CredentialSource::Keytab,
            KerberosCredentials::Password { .. } => CredentialSource::Password,
        },
        client_principal: None,
        spn: spn.to_owned(),
        delegation_requested: o.delegate,
        delegation_granted: None,
        lifetime_requested_s: o.lifetime.map(|d| d.as_secs()),
        credential_lifetime_s: None,
        mutual_auth: MutualAuth::NotReached,
        failure: None,
    };
    let fail = |mut facts: KerberosFacts, stage, e: GssError| {
        facts.failure = Some(failure(stage, &e));
        Box::new(facts)
    };
    // A keytab and a lifetime are handed to MIT through the environment for the whole of the
    // acquisition (see EnvGuard).
    let mut vars = Vec::new();
    if let KerberosCredentials::Keytab { keytab, principal } = &o.credentials {
        vars.push(("KRB5_CLIENT_KTNAME", format!("FILE:{}", keytab.display())));
        vars.push((
            "KRB5CCNAME",
            format!("MEMORY:tlsdiag-{}-{}", std::process::id(), principal),
        ));
    }
    // MIT ignores gss_acquire_cred's time_req for a new TGT; it takes the lifetime of a
    // password or keytab login from krb5.conf `ticket_lifetime`. A small profile put in front
    // of the user's (KRB5_CONFIG is a list; the first file wins) asks for it. A kinit cache
    // keeps the lifetime kinit asked for (`kinit -l`).
    let lifetime_profile = match (&o.credentials, o.lifetime) {
        (KerberosCredentials::Ccache, _) | (_, None) => None,
        (_, Some(l)) => LifetimeProfile::write(l.as_secs()),
    };
    if let Some(lp) = &lifetime_profile {
        let base = std::env::var("KRB5_CONFIG").unwrap_or_else(|_| "/etc/krb5.conf".to_owned());
        vars.push(("KRB5_CONFIG", format!("{}:{base}", lp.path.display())));
    }
    let _env = EnvGuard::set(&vars);
    let mut flags = CtxFlags::GSS_C_MUTUAL_FLAG;
    if o.delegate {
        flags |= CtxFlags::GSS_C_DELEG_FLAG;
    }
    let target = || Name::new(spn.as_bytes(), Some(GSS_NT_KRB5_PRINCIPAL));
    // 1. The TGT, through the krb5 mechanism: its errors carry krb5 codes.
    let cred = match acquire(o, GSS_MECH_KRB5) {
        Ok(c) => c,
        Err(e) => return Err(fail(facts, KerberosStage::AcquireCredentials, e)),
    };
    facts.client_principal = cred.name().ok().map(|n| clean(&n.to_string()));
    facts.credential_lifetime_s = cred.lifetime().ok().map(|d| d.as_secs());
    // 2. The service ticket, through krb5 too (the token is not sent): "Server not found in
    //    Kerberos database", skew and enctype errors keep their krb5 codes here, whereas
    //    through SPNEGO MIT reports them with its own generic minor code.
    let name = match target() {
        Ok(n) => n,
        Err(e) => return Err(fail(facts, KerberosStage::InitContext, e)),
    };
    let mut preflight = ClientCtx::new(Some(cred), name, flags, Some(GSS_MECH_KRB5));
    if let Err(e) = preflight.step(None, None) {
        return Err(fail(facts, KerberosStage::InitContext, e));
    }
    drop(preflight);
    // 3. The same credentials for SPNEGO, and the token that goes into the request. A
    //    krb5-only credential cannot be handed to SPNEGO (MIT would fall back to the default
    //    cache), so they are acquired again for the SPNEGO mechanism.
    let cred = match acquire(o, GSS_MECH_SPNEGO) {
        Ok(c) => c,
        Err(e) => return Err(fail(facts, KerberosStage::AcquireCredentials, e)),
    };
    let name = match target() {
        Ok(n) => n,
        Err(e) => return Err(fail(facts, KerberosStage::InitContext, e)),
    };
    let mut ctx = ClientCtx::new(Some(cred), name, flags, Some(GSS_MECH_SPNEGO));
    let token = match ctx.step(None, None) {
        Ok(Some(t)) => t.to_vec(),
        Ok(None) => Vec::new(),
        Err(e) => return Err(fail(facts, KerberosStage::InitContext, e)),
    };
    facts.delegation_granted = ctx
        .flags()
        .ok()
        .map(|f| f.contains(CtxFlags::GSS_C_DELEG_FLAG));
    Ok((Session { ctx, facts }, token))
}

/// GSSAPI texts without the NUL that MIT leaves at the end of some.
fn clean(s: &str) -> String {
    s.trim_end_matches('\0').trim().to_owned()
}

impl Session {
    /// Feeds the server's answer token (the `WWW-Authenticate: Negotiate <token>` of its
    /// answer), or `None` when it sent none, and records the mutual-authentication outcome.
    pub fn finish(&mut self, server_token: Option<&[u8]>) {
        self.facts.mutual_auth = match server_token {
            None if self.ctx.is_complete() => MutualAuth::Verified,
            None => MutualAuth::NotSent,
            Some(t) => match self.ctx.step(Some(t), None) {
                Ok(_) if self.ctx.is_complete() => MutualAuth::Verified,
                // A continuation after the server's final token: it did not complete the context.
                Ok(_) => MutualAuth::Failed,
                Err(e) => {
                    self.facts.failure = Some(failure(KerberosStage::MutualAuth, &e));
                    MutualAuth::Failed
                }
            },
        };
        if let Ok(f) = self.ctx.flags() {
            self.facts.delegation_granted = Some(f.contains(CtxFlags::GSS_C_DELEG_FLAG));
        }
    }

    pub fn facts(&self) -> &KerberosFacts {
        &self.facts
    }
}

fn acquire(o: &NegotiateOptions, mech: libgssapi::oid::Oid<'static>) -> Result<Cred, GssError> {
    let mut mechs = OidSet::new();
    mechs.add(mech)?;
    match &o.credentials {
        // The keytab case reads KRB5_CLIENT_KTNAME (set by `start`) for the principal's key.
        KerberosCredentials::Ccache => {
            Cred::acquire(None, o.lifetime, CredUsage::Initiate, Some(&mechs))
        }
        KerberosCredentials::Keytab { principal, .. } => {
            let name = Name::new(principal.as_bytes(), Some(GSS_NT_KRB5_PRINCIPAL))?;
            Cred::acquire(Some(&name), o.lifetime, CredUsage::Initiate, Some(&mechs))
        }
        KerberosCredentials::Password {
            principal,
            password,
        } => {
            let name = Name::new(principal.as_bytes(), Some(GSS_NT_KRB5_PRINCIPAL))?;
            Cred::acquire_with_password(
                Some(&name),
                password.expose(),
                o.lifetime,
                CredUsage::Initiate,
                Some(&mechs),
            )
        }
    }
}

/// A temporary krb5.conf fragment with `ticket_lifetime`, removed on drop.
struct LifetimeProfile {
    path: std::path::PathBuf,
}

impl LifetimeProfile {
    fn write(secs: u64) -> Option<LifetimeProfile> {
        use std::io::Write as _;
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "tlsdiag-krb5-lifetime-{}-{n}.conf",
            std::process::id()
        ));
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        let mut f = o.open(&path).ok()?;
        let guard = LifetimeProfile { path };
        f.write_all(format!("[libdefaults]\n  ticket_lifetime = {secs}s\n").as_bytes())
            .ok()?;
        Some(guard)
    }
}

impl Drop for LifetimeProfile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Sets environment variables and restores their earlier values on drop. MIT reads a client
/// keytab only from KRB5_CLIENT_KTNAME (the binding has no gss_acquire_cred_from); a private
/// in-memory cache keeps the user's own ccache out of it. The probe runs on one thread (the
/// CLI's main thread, or the TUI's probe worker, whose UI thread does not read the environment).
struct EnvGuard {
    old: Vec<(&'static str, Option<std::ffi::OsString>)>,
}

impl EnvGuard {
    fn set(vars: &[(&'static str, String)]) -> EnvGuard {
        let old = vars
            .iter()
            .map(|(k, v)| {
                let before = std::env::var_os(k);
                std::env::set_var(k, v);
                (*k, before)
            })
            .collect();
        EnvGuard { old }
    }
}

impl Drop for EnvGuard {
    fn drop(&mut self) {
        for (k, v) in &self.old {
            match v {
                Some(v) => std::env::set_var(k, v),
                None => std::env::remove_var(k),
            }
        }
    }
}

/// MIT krb5 com_err codes (krb5_err.h; the table base is -1765328384, as u32 0x96C7_3A00).
mod krb5_code {
    const BASE: u32 = 0x96C7_3A00;
    pub const C_PRINCIPAL_UNKNOWN: u32 = BASE + 6;
    pub const S_PRINCIPAL_UNKNOWN: u32 = BASE + 7;
    pub const ETYPE_NOSUPP: u32 = BASE + 14;
    pub const PREAUTH_FAILED: u32 = BASE + 24;
    pub const AP_ERR_BAD_INTEGRITY: u32 = BASE + 31;
    pub const AP_ERR_TKT_EXPIRED: u32 = BASE + 32;
    pub const AP_ERR_SKEW: u32 = BASE + 37;
    pub const REALM_CANT_RESOLVE: u32 = BASE + 155;
    pub const KDC_UNREACH: u32 = BASE + 156;
    pub const KT_NOTFOUND: u32 = BASE + 172;
    pub const FCC_NOFILE: u32 = BASE + 195;
    pub const CC_NOTFOUND: u32 = BASE + 197;
    pub const NO_SUPP_ETYPE_IN_CACHE: u32 = BASE + 170;
}

/// The typed cause of a GSSAPI error: from the krb5 minor code first, then the major status.
pub(crate) fn classify(major: u32, minor: u32) -> KerberosErrorKind {
    use krb5_code as k;
    match minor {
        k::S_PRINCIPAL_UNKNOWN => KerberosErrorKind::SpnUnknown,
        k::C_PRINCIPAL_UNKNOWN => KerberosErrorKind::ClientUnknown,
        k::KDC_UNREACH | k::REALM_CANT_RESOLVE => KerberosErrorKind::KdcUnreachable,
        k::AP_ERR_SKEW => KerberosErrorKind::ClockSkew,
        k::ETYPE_NOSUPP | k::NO_SUPP_ETYPE_IN_CACHE => KerberosErrorKind::EnctypeUnsupported,
        k::PREAUTH_FAILED | k::AP_ERR_BAD_INTEGRITY => KerberosErrorKind::PreauthFailed,
        k::AP_ERR_TKT_EXPIRED => KerberosErrorKind::TicketExpired,
        k::KT_NOTFOUND => KerberosErrorKind::KeytabUnusable,
        k::FCC_NOFILE | k::CC_NOTFOUND => KerberosErrorKind::NoCredentials,
        _ if MajorFlags::from_bits_retain(major).contains(MajorFlags::GSS_S_NO_CRED) => {
            KerberosErrorKind::NoCredentials
        }
        _ if MajorFlags::from_bits_retain(major)
            .contains(MajorFlags::GSS_S_CREDENTIALS_EXPIRED) =>
        {
            KerberosErrorKind::TicketExpired
        }
        _ => KerberosErrorKind::Other,
    }
}

fn failure(stage: KerberosStage, e: &GssError) -> KerberosFailure {
    let major = e.major.bits();
    // libgssapi shows "MAJOR TEXT (MINOR TEXT)"; MIT's major texts hold no parenthesis.
    let text = e.to_string();
    let (major_text, minor_text) = match text.split_once(" (") {
        Some((a, b)) => (clean(a), clean(b).trim_end_matches(')').to_owned()),
        None => (clean(&text), String::new()),
    };
    KerberosFailure {
        stage,
        kind: classify(major, e.minor),
        major,
        major_text,
        minor: e.minor,
        minor_text,
    }
}

/// `--lifetime` as libgssapi wants it.
pub fn lifetime(secs: u64) -> Option<Duration> {
    (secs > 0).then(|| Duration::from_secs(secs))
}
