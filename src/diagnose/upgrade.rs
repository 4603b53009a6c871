//! The plaintext before TLS went wrong, so no handshake took place: a proxy refused the CONNECT
//! (407 with its authentication schemes, 403 by policy, 5xx when it could not reach the target —
//! RFC 9110 §9.3.6, §15.5.8), a SOCKS server refused the request (RFC 1928 §6, SOCKS4 codes
//! 91–93, RFC 1929 authentication), or a server refused STARTTLS (SMTP 454 — RFC 3207 §4,
//! IMAP NO/BAD, POP3 -ERR, FTP 4xx/5xx to AUTH TLS — RFC 4217 §4, an LDAP StartTLS result other
//! than success — RFC 4511 §4.14.2, XMPP `<failure/>`, PostgreSQL `N`, a MySQL error packet).
//! Also: the request is in the capture but no answer and no TLS.

use super::{ev, finding, Context};
use crate::model::{Connection, Finding, Preamble, Severity, UpgradeProtocol as P, UpgradeResult};

pub fn check(c: &Connection, _ctx: &Context) -> Vec<Finding> {
    let Some(p) = &c.preamble else {
        return vec![];
    };
    match p.result {
        UpgradeResult::Refused => vec![refused(c, p)],
        UpgradeResult::NoAnswer if p.client_tls_frame.is_none() => {
            let mut f = finding(
                "upgrade-no-answer",
                Severity::Warning,
                format!(
                    "The client asked for {} ({}) but neither an answer nor TLS is in the capture.",
                    p.protocol.label(),
                    p.command.as_ref().map(|s| s.text.as_str()).unwrap_or("")
                ),
            );
            if let Some(s) = &p.command {
                f.evidence
                    .push(ev(Some(s.frame), "request", s.text.clone()));
            }
            f.fix = Some("Check that the server (or proxy) answered at all: capture longer, or on the server's side.".into());
            vec![f]
        }
        _ => vec![],
    }
}

fn refused(c: &Connection, p: &Preamble) -> Finding {
    let reply = p.reply.as_ref().map(|s| s.text.as_str()).unwrap_or("");
    let frame = p.reply.as_ref().map(|s| s.frame);
    let target = p.target.as_deref().unwrap_or("the target");
    let (code, message, fix) = match p.protocol {
        P::HttpConnect => http(c, p, reply, target),
        P::Socks4 | P::Socks4a | P::Socks5 => (
            "socks-refused",
            format!(
                "The SOCKS proxy {} refused the request for {target}: {reply} (frame {}). No TLS handshake took place.",
                c.server,
                frame.unwrap_or(0)
            ),
            socks_fix(p).to_owned(),
        ),
        other => (
            "starttls-refused",
            format!(
                "The server refused the upgrade to TLS ({}): \"{reply}\" (frame {}). The session stayed in plaintext; no TLS handshake took place.",
                other.label(),
                frame.unwrap_or(0)
            ),
            starttls_fix(other).to_owned(),
        ),
    };
    let mut f = finding(code, Severity::Error, message);
    if let Some(s) = &p.command {
        f.evidence
            .push(ev(Some(s.frame), "request", s.text.clone()));
    }
    if let Some(s) = &p.reply {
        f.evidence.push(ev(Some(s.frame), "reply", s.text.clone()));
    }
    for a in &p.proxy_authorization {
        f.evidence.push(ev(
            Some(a.frame),
            "Proxy-Authorization",
            format!("{} ({} bytes, not shown)", a.scheme, a.length),
        ));
    }
    f.fix = Some(fix);
    f
}

fn http(c: &Connection, p: &Preamble, reply: &str, target: &str) -> (&'static str, String, String) {
    let status = p.reply_code.unwrap_or(0);
    let schemes = p.proxy_authenticate.join(", ");
    match status {
        407 => {
            let sent = p.proxy_authorization.last();
            let what = match sent {
                Some(a) => format!(
                    "the client sent {} credentials ({} bytes) and they were not accepted",
                    a.scheme, a.length
                ),
                None => "the client sent no Proxy-Authorization".to_owned(),
            };
            let fix = scheme_fix(&p.proxy_authenticate, sent.is_some());
            (
                "proxy-auth-required",
                format!(
                    "The proxy {} wants authentication before it opens the tunnel to {target}: \"{reply}\", schemes offered: {}; {what}. No TLS handshake took place.",
                    c.server,
                    if schemes.is_empty() { "none named" } else { &schemes }
                ),
                fix,
            )
        }
        403 => (
            "proxy-refused",
            format!("The proxy {} forbids the tunnel to {target}: \"{reply}\". No TLS handshake took place.", c.server),
            "The proxy's policy refuses this destination: many proxies allow CONNECT only to port 443 (squid's SSL_ports, tinyproxy's ConnectPort). Ask for the host and port to be allowed, or bypass the proxy for it (Java: -Dhttp.nonProxyHosts).".to_owned(),
        ),
        502..=504 => (
            "proxy-refused",
            format!("The proxy {} could not reach {target}: \"{reply}\". No TLS handshake took place.", c.server),
            "The proxy failed to connect to the target: check the target's name resolution and reachability from the proxy.".to_owned(),
        ),
        _ => (
            "proxy-refused",
            format!("The proxy {} refused the tunnel to {target}: \"{reply}\". No TLS handshake took place.", c.server),
            "Read the proxy's answer and its log for this request.".to_owned(),
        ),
    }
}

fn scheme_fix(schemes: &[String], sent: bool) -> String {
    let has = |s: &str| schemes.iter().any(|x| x.eq_ignore_ascii_case(s));
    let mut fix = String::new();
    if sent {
        fix.push_str("Check the proxy user and password (or the account's lock-out) with the proxy's administrators. ");
    }
    if has("Negotiate") || has("NTLM") {
        fix.push_str("The proxy wants Windows authentication (Negotiate/NTLM): the client must run as a domain user with a Kerberos ticket or NTLM credentials (Java: a java.net.Authenticator and -Djavax.security.auth.useSubjectCredsOnly=false; curl: --proxy-negotiate or --proxy-ntlm), or the proxy must exempt this destination. ");
    }
    if has("Basic") || has("Digest") || schemes.is_empty() {
        fix.push_str("Give the client proxy credentials (curl: --proxy-user; Java: an Authenticator — note that JDK 8u111 and later refuse Basic for HTTPS tunnels unless jdk.http.auth.tunneling.disabledSchemes is set to empty).");
    }
    fix.trim_end().to_owned()
}

fn socks_fix(p: &Preamble) -> &'static str {
    match (p.protocol, p.reply_code) {
        (P::Socks5, Some(0xff)) => "The SOCKS server accepts none of the authentication methods the client offered: configure the client's SOCKS user and password (RFC 1929) or allow unauthenticated clients.",
        (P::Socks5, Some(2)) => "The SOCKS server's rules forbid this destination (reply 2): ask for the host and port to be allowed.",
        (P::Socks5, Some(3..=6)) => "The SOCKS server could not reach the target: check its name resolution and the route from the proxy to the target.",
        (P::Socks4a, Some(91)) => "The SOCKS4 server rejected the request; SOCKS4a (the host name sent to the proxy) is not supported by every SOCKS4 server (dante answers 91): use SOCKS5 with remote name resolution (curl --socks5-hostname, Java socksProxyVersion=5).",
        (_, Some(92 | 93)) => "The SOCKS4 server checks the client's user id with identd: run identd on the client or relax the rule.",
        _ => "Read the SOCKS server's log for this request and its rules for the destination.",
    }
}

fn starttls_fix(p: P) -> &'static str {
    match p {
        P::Postgres => "The PostgreSQL server has ssl = off (or no certificate): set ssl = on with ssl_cert_file/ssl_key_file (and ssl_ca_file plus a hostssl ... clientcert=verify-ca line in pg_hba.conf to ask for client certificates).",
        P::Smtp => "The MTA offers no working TLS (SMTP 454: certificate or key not loadable, or TLS disabled): check smtpd_tls_cert_file/smtpd_tls_key_file (postfix) and the MTA's log.",
        P::Mysql => "Enable TLS on the MySQL/MariaDB server (ssl_cert, ssl_key, ssl_ca) or connect with the server's expected options.",
        P::Ldap => "The directory server refused StartTLS: configure TLSCertificateFile/TLSCertificateKeyFile (slapd) or the server's certificate, and check its log.",
        _ => "Enable TLS on the server (certificate and key) and check its log for why it refused.",
    }
}
