//! HTTP authentication rules: why a Basic or SPNEGO/Kerberos login failed, from the plain facts
//! of an exchange ([`HttpAuthView`]: the final status and challenges, the credentials sent and
//! the typed GSSAPI failure) — never from message text. Kerberos causes follow MIT's minor
//! status codes (krb5 com_err table; RFC 4120 §7.5.9 error codes), HTTP Negotiate RFC 4559,
//! Basic RFC 7617. Must not read anything but the view it is handed.

use super::{ev, finding};
use crate::model::http_auth::{
    AuthScheme, Challenge, HttpAuth, KerberosErrorKind, KerberosFacts, KerberosFailure,
    KerberosStage, MutualAuth,
};
use crate::model::{Finding, Severity};

/// Kerberos' default tolerance between clocks (krb5.conf `clockskew`, AD's policy): 5 minutes.
const MAX_SKEW_S: u64 = 300;

/// What the rules look at.
#[derive(Debug, Clone, Copy)]
pub struct HttpAuthView<'a> {
    /// The HTTP exchange ran inside TLS.
    pub over_tls: bool,
    /// A client certificate was sent and the server completed the handshake with it.
    pub client_certificate_accepted: bool,
    /// Final HTTP status (null: no answer).
    pub status: Option<u16>,
    /// Challenges of the final answer.
    pub challenges: &'a [Challenge],
    /// What the client tried, when it had credentials.
    pub auth: Option<&'a HttpAuth>,
}

/// Every HTTP-authentication finding for one exchange, most decisive first.
pub fn check(v: &HttpAuthView) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(basic_over_plain_http(v));
    if let Some(a) = v.auth {
        if let Some(k) = &a.kerberos {
            out.extend(kerberos_failure(k));
        }
        out.extend(negotiate_not_offered(a));
        out.extend(credentials_refused(v, a));
        out.extend(mutual_auth(a));
        out.extend(accepted(a));
    }
    out.extend(certificate_not_mapped(v));
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

fn challenge_text(c: &Challenge) -> String {
    let mut s = c.scheme.clone();
    if let Some(r) = &c.realm {
        s.push_str(&format!(" realm=\"{r}\""));
    }
    if let (Some(n), Some(k)) = (c.token_len, &c.token_kind) {
        s.push_str(&format!(" <{k} token, {n} bytes>"));
    }
    s
}

fn offered_list(ch: &[Challenge]) -> String {
    if ch.is_empty() {
        "no scheme".to_owned()
    } else {
        ch.iter()
            .map(|c| c.scheme.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// RFC 7617 §4: Basic sends the password in clear (base64) — only acceptable inside TLS.
fn basic_over_plain_http(v: &HttpAuthView) -> Option<Finding> {
    if v.over_tls {
        return None;
    }
    let basic = v
        .challenges
        .iter()
        .find(|c| c.scheme.eq_ignore_ascii_case("basic"))?;
    let mut f = finding(
        "http-basic-over-plain-http",
        Severity::Error,
        format!(
            "The server asks for Basic credentials over plain HTTP{}: a client that answers sends the password readable to anyone on the path (base64 is not encryption). tlsdiag did not send it.",
            basic
                .realm
                .as_ref()
                .map(|r| format!(" (realm \"{r}\")"))
                .unwrap_or_default()
        ),
    );
    f.evidence = vec![ev(None, "WWW-Authenticate", challenge_text(basic))];
    f.fix = Some("Call the https:// endpoint of the service (and ask the partner to switch plain HTTP off, or to stop offering Basic on it). If the password was already sent this way, change it.".into());
    Some(f)
}

fn kerberos_failure(k: &KerberosFacts) -> Option<Finding> {
    let e = k.failure.as_ref()?;
    let principal = k.client_principal.as_deref().unwrap_or("the client");
    let (code, message, fix): (&str, String, String) = match e.kind {
        KerberosErrorKind::SpnUnknown => (
            "kerberos-spn-unknown",
            format!("The KDC does not know the service principal {}: no ticket can be issued, so no Negotiate token was sent.", k.spn),
            format!("Register the SPN on the service's account (Active Directory: `setspn -S {} <service account>`; MIT: `kadmin addprinc`), or call the host by the DNS name its SPN is registered for (`--spn` to try another; WebSphere: spnegoOutboundSPN). Check with `kvno {}`.", k.spn, k.spn),
        ),
        KerberosErrorKind::KdcUnreachable => (
            "kerberos-kdc-unreachable",
            "No KDC of the realm answered: no ticket could be obtained.".to_owned(),
            "Check the [realms] kdc entries (and [domain_realm]) of krb5.conf (KRB5_CONFIG), that the KDC runs, and that port 88 (TCP and UDP) is open from this host.".to_owned(),
        ),
        KerberosErrorKind::ClockSkew => (
            "kerberos-clock-skew",
            "This host's clock and the KDC's differ by more than the allowed skew (5 minutes by default): the KDC refuses the request.".to_owned(),
            "Synchronise the clock with NTP (`timedatectl`, `chronyc tracking`); the WebSphere notes ask for a reasonable clockskew in krb5.conf [libdefaults], but only a correct clock fixes it. A password login adjusts to the KDC's time; a cached ticket does not.".to_owned(),
        ),
        KerberosErrorKind::EnctypeUnsupported => (
            "kerberos-enctype-unsupported",
            format!("The client and the KDC share no encryption type for {principal}: the enctypes krb5.conf permits are not among the keys the KDC holds."),
            "Align krb5.conf [libdefaults] default_tkt_enctypes / default_tgs_enctypes / permitted_enctypes with the account's keys (AD: msDS-SupportedEncryptionTypes, 'This account supports Kerberos AES'); regenerate the keytab with matching enctypes (`ktpass -crypto AES256-SHA1`).".to_owned(),
        ),
        KerberosErrorKind::PreauthFailed => (
            "kerberos-preauth-failed",
            format!("The KDC refused the password or key of {principal} (pre-authentication failed)."),
            "Check the password (`kinit` with it); for a keytab, regenerate it after the last password change (its kvno is old) — `klist -kt FILE` shows the kvno and enctypes.".to_owned(),
        ),
        KerberosErrorKind::NoCredentials => (
            "kerberos-no-credentials",
            "There are no Kerberos credentials to use: no ticket cache (or no TGT in it) and no keytab or password given.".to_owned(),
            "Run `kinit user@REALM` (check with `klist`), or give `--keytab FILE --principal P`, or `--principal P` with the password in TLSDIAG_HTTP_PASSWORD or --http-password-file (WebSphere: spnegoLoginMechanism keytab / GSSUP).".to_owned(),
        ),
        KerberosErrorKind::TicketExpired => (
            "kerberos-ticket-expired",
            "The ticket in the credential cache has expired.".to_owned(),
            "Renew it (`kinit -R`, or `kinit` again); for long-running clients use a keytab.".to_owned(),
        ),
        KerberosErrorKind::ClientUnknown => (
            "kerberos-client-unknown",
            format!("The KDC does not know the client principal {principal}."),
            "Check the principal's spelling and realm (user@REALM, realm in upper case) and that the account exists and is enabled.".to_owned(),
        ),
        KerberosErrorKind::KeytabUnusable => (
            "kerberos-keytab-unusable",
            format!("The keytab holds no key for {principal}, or cannot be read."),
            "List it with `klist -kte FILE`: the principal must match --principal exactly (WebSphere: spnegoUPN).".to_owned(),
        ),
        _ => (
            "kerberos-error",
            "Kerberos failed; MIT's message below names the cause.".to_owned(),
            "Run `KRB5_TRACE=/dev/stderr kvno <SPN>` to see each step of the ticket request.".to_owned(),
        ),
    };
    let mut f = finding(code, Severity::Error, message);
    f.evidence = failure_evidence(e, &k.spn);
    f.fix = Some(fix);
    Some(f)
}

fn failure_evidence(e: &KerberosFailure, spn: &str) -> Vec<crate::model::Evidence> {
    let call = match e.stage {
        KerberosStage::AcquireCredentials => "gss_acquire_cred",
        KerberosStage::InitContext => "gss_init_sec_context",
        KerberosStage::MutualAuth => "gss_init_sec_context (server token)",
    };
    let mut v = vec![ev(
        None,
        call,
        format!("{} ({})", e.major_text, e.minor_text),
    )];
    v.push(ev(
        None,
        "minor status",
        format!("{} (krb5 {})", e.minor, e.minor as i32),
    ));
    if e.stage != KerberosStage::AcquireCredentials {
        v.push(ev(None, "service principal", spn));
    }
    v
}

/// The client wanted Negotiate; the server's 401 offers other schemes only.
fn negotiate_not_offered(a: &HttpAuth) -> Option<Finding> {
    if a.scheme != AuthScheme::Negotiate {
        return None;
    }
    let t = a.attempts.iter().rev().find(|t| {
        t.status == Some(401)
            && !t
                .challenges
                .iter()
                .any(|c| c.scheme.eq_ignore_ascii_case("negotiate"))
    })?;
    let mut f = finding(
        "http-negotiate-not-offered",
        Severity::Error,
        format!(
            "The server does not offer Negotiate (SPNEGO/Kerberos): its 401 asks for {}.",
            offered_list(&t.challenges)
        ),
    );
    f.evidence = t
        .challenges
        .iter()
        .map(|c| ev(None, "WWW-Authenticate", challenge_text(c)))
        .collect();
    f.fix = Some("Enable SPNEGO/Kerberos for this path on the server (WebSphere: SPNEGO web authentication with a filter matching the URL; IIS: Windows Authentication with the Negotiate provider first), or use the scheme it offers.".into());
    Some(f)
}

/// Credentials were sent and the answer is 401 again.
fn credentials_refused(v: &HttpAuthView, a: &HttpAuth) -> Option<Finding> {
    let sent = a.attempts.iter().rev().find(|t| t.sent.is_some())?;
    if a.accepted || !matches!(sent.status, Some(401 | 407)) {
        return None;
    }
    let status = sent.status.unwrap_or(401);
    let cred = sent.sent.as_ref()?;
    let offers_scheme = sent
        .challenges
        .iter()
        .any(|c| c.scheme.eq_ignore_ascii_case(a.scheme.header_name()));
    if !offers_scheme && a.scheme == AuthScheme::Negotiate {
        // negotiate_not_offered says it.
        return None;
    }
    let skew = a
        .server_clock_offset_s
        .filter(|o| o.unsigned_abs() > MAX_SKEW_S);
    let mut f = match a.scheme {
        AuthScheme::Negotiate if skew.is_some() => {
            let o = skew.unwrap_or_default();
            let mut f = finding(
                "kerberos-clock-skew",
                Severity::Error,
                format!(
                    "The server refused our Kerberos ticket (HTTP {status} again) and its clock is {} s {} ours (its HTTP Date): more than the 300 s Kerberos allows, so it rejects the ticket's authenticator as \"Clock skew too great\".",
                    o.unsigned_abs(),
                    if o > 0 { "ahead of" } else { "behind" }
                ),
            );
            f.fix = Some("Synchronise the clocks of this host and of the server with NTP (`timedatectl`, `chronyc tracking`); the server's log shows KRB_AP_ERR_SKEW.".into());
            f
        }
        AuthScheme::Negotiate => {
            let k = a.kerberos.as_ref();
            let spn = k.map(|k| k.spn.as_str()).unwrap_or("HTTP/<host>");
            let mut f = finding(
                "http-negotiate-rejected",
                Severity::Error,
                format!(
                    "The KDC issued a ticket for {spn}{}, but the server answered {status} again: it cannot decrypt it — it holds no key for that SPN (the SPN is registered on another account, the server's keytab lacks it, or its key version is old).",
                    k.and_then(|k| k.client_principal.as_ref())
                        .map(|p| format!(" to {p}"))
                        .unwrap_or_default()
                ),
            );
            f.fix = Some(format!("On the server, check its keytab holds {spn} with the KDC's current kvno (`klist -kte` there, `kvno {spn}` here); in Active Directory the SPN must be on the account the keytab was made for (`setspn -Q {spn}`, then `ktpass` again). Use --spn if the service expects another name."));
            f
        }
        _ => {
            let mut f = finding(
                "http-basic-rejected",
                Severity::Error,
                format!(
                    "The server refused the Basic credentials of {} (HTTP {status} again).",
                    a.user.as_deref().unwrap_or("the user")
                ),
            );
            f.fix = Some("Check the user name and password for this endpoint (they are case-sensitive; the realm of the challenge names the user store the server checks), and that the account is not locked or expired.".into());
            f
        }
    };
    f.evidence = vec![ev(
        None,
        "request",
        format!(
            "#{}: Authorization {} ({}, {} bytes) → HTTP {status}",
            sent.request,
            cred.scheme.header_name(),
            cred.token_kind,
            cred.token_len
        ),
    )];
    f.evidence.extend(
        sent.challenges
            .iter()
            .map(|c| ev(None, "WWW-Authenticate", challenge_text(c))),
    );
    if let Some(o) = skew {
        f.evidence.push(ev(
            None,
            "server clock offset (HTTP Date − our clock)",
            format!("{o} s"),
        ));
    }
    let _ = v;
    Some(f)
}

fn mutual_auth(a: &HttpAuth) -> Option<Finding> {
    let k = a.kerberos.as_ref()?;
    if !a.accepted {
        return None;
    }
    match k.mutual_auth {
        MutualAuth::NotSent => {
            let mut f = finding(
                "http-negotiate-no-mutual-auth",
                Severity::Warning,
                format!("The server accepted the ticket for {} but sent no Negotiate token back: it did not prove it holds the service key (no mutual authentication).", k.spn),
            );
            f.fix = Some("Most servers (IIS, WebSphere, Apache mod_auth_gssapi) answer with `WWW-Authenticate: Negotiate <token>`; a proxy or load balancer in front may strip it.".into());
            Some(f)
        }
        MutualAuth::Failed if k.failure.is_none() => Some(finding(
            "kerberos-mutual-auth-failed",
            Severity::Error,
            "The server's Negotiate answer token did not complete the Kerberos context: the answer did not come from the holder of the service key.".into(),
        )),
        _ => None,
    }
}

fn accepted(a: &HttpAuth) -> Option<Finding> {
    if !a.accepted {
        return None;
    }
    let mut msg = a.summary.clone();
    if let Some(k) = &a.kerberos {
        msg.push_str(&format!(
            ": ticket for {} as {} ({}){}",
            k.spn,
            k.client_principal.as_deref().unwrap_or("?"),
            match k.credential_source {
                crate::model::http_auth::CredentialSource::Ccache => "from the credential cache",
                crate::model::http_auth::CredentialSource::Keytab => "from the keytab",
                _ => "from the password",
            },
            match k.mutual_auth {
                MutualAuth::Verified => "; mutual authentication verified",
                _ => "",
            }
        ));
    }
    msg.push('.');
    Some(finding("http-auth-accepted", Severity::Info, msg))
}

/// TLS accepted the client certificate, HTTP says 401/403 anyway: the certificate is not mapped
/// to an authorised user (IIS client-certificate mapping, WebSphere certificate-to-user mapping
/// through the user registry's certificate filter).
fn certificate_not_mapped(v: &HttpAuthView) -> Option<Finding> {
    let status = v.status?;
    if !v.client_certificate_accepted || !matches!(status, 401 | 403) {
        return None;
    }
    if v.auth
        .is_some_and(|a| a.attempts.iter().any(|t| t.sent.is_some()))
    {
        // Credentials were sent and refused: credentials_refused names that.
        return None;
    }
    let message = if v.challenges.is_empty() {
        format!("TLS accepted our client certificate, but the service answered HTTP {status}: the certificate is not mapped to a user allowed to call it.")
    } else {
        format!(
            "TLS accepted our client certificate, but the service answered HTTP {status} asking for {}: the certificate is not mapped to a user, or this path wants HTTP credentials as well.",
            offered_list(v.challenges)
        )
    };
    let mut f = finding(
        "http-auth-after-client-certificate",
        Severity::Error,
        message,
    );
    f.evidence = std::iter::once(ev(None, "HTTP status", status.to_string()))
        .chain(
            v.challenges
                .iter()
                .map(|c| ev(None, "WWW-Authenticate", challenge_text(c))),
        )
        .collect();
    f.fix = Some("Ask the partner to map the certificate's subject (or the certificate itself) to the user the service authorises: WebSphere certificate-to-user mapping (certificate filter of the user registry; 'CWSCJ' / 'SECJ' messages in SystemOut.log), IIS client-certificate mapping (one-to-one or many-to-one), Tomcat/Spring X.509 principal extraction.".into());
    Some(f)
}

#[cfg(test)]
#[path = "http_auth_tests.rs"]
mod tests;
