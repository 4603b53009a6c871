//! `tlsdiag probe URL`: our own SOAP call with a chosen identity; prints what happened and why.

use anyhow::Context as _;

use super::NameOnce as _;
use std::io::{IsTerminal as _, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use tlsdiag::identity::password::SecretString;
use tlsdiag::model::http_auth::AuthMode;
use tlsdiag::probe::{self, auth, ProbeOptions, ProbeReport};

#[derive(Debug, Clone, clap::Args)]
pub struct ProbeArgs {
    /// https:// URL of the service.
    pub url: String,
    #[command(flatten)]
    pub opts: ProbeFlags,
}

/// The probe options, shared with `compare`.
#[derive(Debug, Clone, clap::Args)]
pub struct ProbeFlags {
    /// Client identity: PEM (chain + key), PKCS#12 or JKS keystore.
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
    /// Keystore alias (default: the only private-key entry).
    #[arg(long)]
    pub alias: Option<String>,
    /// Read the keystore password from the first line of this file (at most 4 KiB; a pipe such
    /// as <(pass show x) is read for at most 30 s), else TLSDIAG_PASSWORD, else a prompt.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Trusted CAs: PEM bundle or JKS/PKCS#12 truststore (default: the system roots).
    #[arg(long, value_name = "FILE")]
    pub trust: Option<PathBuf>,
    /// Do not verify the server's certificate (its chain is still recorded and shown).
    #[arg(long)]
    pub insecure: bool,
    /// Server name to send (SNI) instead of the URL's host.
    #[arg(long)]
    pub sni: Option<String>,
    /// Offer only TLS 1.2.
    #[arg(long, conflicts_with = "tls13")]
    pub tls12: bool,
    /// Offer only TLS 1.3.
    #[arg(long)]
    pub tls13: bool,
    /// Seconds for connect, handshake and response.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// SOAPAction (SOAP 1.1) or action parameter (SOAP 1.2).
    #[arg(long)]
    pub soap_action: Option<String>,
    /// File with the SOAP envelope to POST (at most 16 MiB; a pipe is read for at most 30 s;
    /// default: a minimal valid envelope).
    #[arg(long, value_name = "FILE")]
    pub envelope: Option<PathBuf>,
    /// SOAP 1.2 (application/soap+xml) instead of 1.1 (text/xml + SOAPAction).
    #[arg(long)]
    pub soap12: bool,
    /// Extra request header, repeatable: --header 'X-Trace: 1'.
    #[arg(long = "header", value_name = "K:V")]
    pub headers: Vec<String>,
    /// Send the identity even if its issuer is not among the server's accepted CAs (as
    /// curl/OpenSSL do). Default: like JSSE, send none then.
    #[arg(long)]
    pub send_anyway: bool,
    /// Go through this HTTP proxy with CONNECT: http://host:port (no credentials; port 1080 when
    /// left out, as curl assumes). Environment proxy variables are not read: say it here.
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// HTTP Basic as this user. The password comes from --http-password-file, TLSDIAG_HTTP_PASSWORD
    /// or a prompt — never the command line — and is sent only over TLS.
    #[arg(long, value_name = "NAME", conflicts_with = "negotiate")]
    pub user: Option<String>,
    /// First line of this file is the HTTP password (Basic, or the Kerberos password of
    /// --principal); distinct from the keystore's --password-file.
    #[arg(long, value_name = "FILE")]
    pub http_password_file: Option<PathBuf>,
    /// When to send the credentials: with the first request (as JAX-WS and WebSphere do) or only
    /// after a 401 that asks for the scheme (as curl and browsers do).
    /// [default: preemptive]
    #[arg(long, value_enum)]
    pub auth_mode: Option<AuthModeArg>,
    /// HTTP Negotiate (SPNEGO/Kerberos) with the ticket cache of `kinit` (KRB5CCNAME or the
    /// default), or --keytab + --principal, or --principal and its password.
    #[arg(long)]
    pub negotiate: bool,
    /// Service principal to ask a ticket for (default HTTP/<host of the URL>); WebSphere:
    /// spnegoOutboundSPN.
    #[arg(long, value_name = "SPN", requires = "negotiate")]
    pub spn: Option<String>,
    /// Client principal (user@REALM): with --keytab its key is read there, otherwise its
    /// password is asked for (--http-password-file, TLSDIAG_HTTP_PASSWORD, prompt).
    #[arg(long, value_name = "PRINCIPAL", requires = "negotiate")]
    pub principal: Option<String>,
    /// Keytab holding the key of --principal (WebSphere: spnegoLoginMechanism keytab + spnegoUPN).
    #[arg(long, value_name = "FILE", requires = "principal")]
    pub keytab: Option<PathBuf>,
    /// Ask for Kerberos delegation (a forwarded TGT for the service; spnegoOutboundDelegate).
    #[arg(long, requires = "negotiate")]
    pub delegate: bool,
    /// Credential lifetime to ask for, in seconds (spnegoOutboundLifeTime); default: as long as
    /// the KDC allows.
    #[arg(long, value_name = "SECONDS", requires = "negotiate")]
    pub lifetime: Option<u64>,
    /// Save our own connection as a pcap (opens in Wireshark; frame numbers match the report).
    #[arg(long, value_name = "FILE.pcap")]
    pub save: Option<PathBuf>,
    /// Write the TLS secrets (SSLKEYLOGFILE format, mode 0600) to decrypt the saved pcap.
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<PathBuf>,
}

/// `--auth-mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthModeArg {
    Preemptive,
    Challenge,
}

/// The HTTP password: --http-password-file, else TLSDIAG_HTTP_PASSWORD, else a prompt on a
/// terminal; never argv.
fn http_password(f: &ProbeFlags, whose: &str) -> anyhow::Result<SecretString> {
    if let Some(p) = &f.http_password_file {
        return tlsdiag::identity::password::read_password_file(p)
            .naming("cannot read the HTTP password from", &p.display());
    }
    if let Some(v) = std::env::var_os(auth::HTTP_PASSWORD_ENV) {
        let v = v
            .into_string()
            .map_err(|_| anyhow::anyhow!("{} is not UTF-8", auth::HTTP_PASSWORD_ENV))?;
        return Ok(SecretString::new(v));
    }
    anyhow::ensure!(
        std::io::stdin().is_terminal(),
        "no HTTP password for {whose}: give --http-password-file FILE or set {} (it is never read from the command line)",
        auth::HTTP_PASSWORD_ENV
    );
    let p = rpassword::prompt_password(format!("HTTP password for {whose}: "))
        .context("cannot read the password from the terminal")?;
    Ok(SecretString::new(p))
}

/// `--user` / `--negotiate` and their options → the probe's HTTP credentials.
fn auth_options(url: &str, f: &ProbeFlags) -> anyhow::Result<Option<auth::AuthOptions>> {
    let mode = match f.auth_mode {
        None | Some(AuthModeArg::Preemptive) => AuthMode::Preemptive,
        Some(AuthModeArg::Challenge) => AuthMode::Challenge,
    };
    if let Some(user) = &f.user {
        // RFC 7617 §4: the password would cross the network readable.
        anyhow::ensure!(
            url.starts_with("https://"),
            "Basic credentials are only sent over TLS: use an https:// URL (a plain http:// probe without --user shows what the server asks for)"
        );
        let password = http_password(f, user)?;
        return Ok(Some(auth::AuthOptions {
            mode,
            method: auth::AuthMethod::Basic {
                user: user.clone(),
                password,
            },
        }));
    }
    if !f.negotiate {
        anyhow::ensure!(
            f.http_password_file.is_none() && f.auth_mode.is_none(),
            "--http-password-file and --auth-mode need --user (Basic) or --negotiate"
        );
        return Ok(None);
    }
    anyhow::ensure!(auth::KERBEROS_BUILT, "{}", auth::KERBEROS_MISSING);
    let credentials = match (&f.keytab, &f.principal) {
        (Some(k), Some(p)) => auth::KerberosCredentials::Keytab {
            keytab: k.clone(),
            principal: p.clone(),
        },
        (None, Some(p)) => auth::KerberosCredentials::Password {
            principal: p.clone(),
            password: http_password(f, p)?,
        },
        _ => auth::KerberosCredentials::Ccache,
    };
    if let Some(k) = &f.keytab {
        // Fail here, with the path, rather than as a GSSAPI "key table entry not found".
        std::fs::metadata(k).with_context(|| format!("cannot read keytab {}", k.display()))?;
    }
    Ok(Some(auth::AuthOptions {
        mode,
        method: auth::AuthMethod::Negotiate(auth::NegotiateOptions {
            spn: f.spn.clone(),
            credentials,
            delegate: f.delegate,
            lifetime: f.lifetime.filter(|s| *s > 0).map(Duration::from_secs),
        }),
    }))
}

pub fn options(url: &str, f: &ProbeFlags) -> anyhow::Result<ProbeOptions> {
    let pw_file = f.password_file.as_deref();
    let identity = match &f.identity {
        Some(p) => Some(
            tlsdiag::identity::password::with_password(pw_file, |pw| {
                tlsdiag::identity::load(p, f.alias.as_deref(), pw)
            })
            .naming("cannot use identity", &p.display())?,
        ),
        None => None,
    };
    let trust = match &f.trust {
        Some(p) => {
            let ks = tlsdiag::identity::password::with_password(pw_file, |pw| {
                tlsdiag::identity::open(p, pw)
            })
            .naming("cannot use trust store", &p.display())?;
            let certs: Vec<_> = ks
                .entries
                .iter()
                .flat_map(|e| e.chain_der.iter().cloned())
                .collect();
            anyhow::ensure!(
                !certs.is_empty(),
                "trust store {} holds no certificate",
                p.display()
            );
            Some(certs)
        }
        None => None,
    };
    let envelope = match &f.envelope {
        Some(p) => Some(
            String::from_utf8(
                tlsdiag::userfile::read(p, tlsdiag::userfile::Kind::Envelope)?.to_vec(),
            )
            .map_err(|_| anyhow::anyhow!("envelope {} is not UTF-8 text", p.display()))?,
        ),
        None => None,
    };
    let mut headers = Vec::new();
    for h in &f.headers {
        let (k, v) = h
            .split_once(':')
            .with_context(|| format!("--header {h:?}: expected K:V"))?;
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    Ok(ProbeOptions {
        url: url.to_owned(),
        identity,
        trust,
        insecure: f.insecure,
        sni: f.sni.clone(),
        tls12_only: f.tls12,
        tls13_only: f.tls13,
        timeout: Duration::from_secs(f.timeout.max(1)),
        soap_action: f.soap_action.clone(),
        envelope,
        soap12: f.soap12,
        headers,
        send_anyway: f.send_anyway,
        proxy: f.proxy.as_deref().map(probe::proxy::parse).transpose()?,
        auth: auth_options(url, f)?,
    })
}

/// Runs the probe and writes `--save` / `--keylog` files.
pub fn execute(url: &str, f: &ProbeFlags, ui: &super::Ui) -> anyhow::Result<ProbeReport> {
    let opts = options(url, f)?;
    log::info!(
        "probing {url}: identity {}, trust {}, timeout {} s",
        if opts.identity.is_some() {
            "given"
        } else {
            "none"
        },
        if opts.trust.is_some() {
            "given"
        } else {
            "system roots"
        },
        opts.timeout.as_secs()
    );
    let report = probe::run(&opts)?;
    log::info!(
        "probe done: {} ({} bytes of pcap recorded)",
        if report.succeeded {
            "succeeded"
        } else {
            "failed"
        },
        report.pcap.len()
    );
    if let Some(p) = &f.save {
        std::fs::write(p, &report.pcap).with_context(|| format!("cannot write {}", p.display()))?;
    }
    if let Some(p) = &f.keylog {
        if f.user.is_some() || f.negotiate {
            ui.note(&format!(
                "note: {} decrypts the saved call, HTTP credentials included; keep it as private as the password",
                p.display()
            ));
        }
        report
            .write_keylog(p)
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(report)
}

#[derive(Debug, clap::Args)]
pub struct ProbeCli {
    #[command(flatten)]
    pub probe: ProbeArgs,
    /// Print one JSON document (docs/json-schema.md, "probe").
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ProbeCli, ui: &super::Ui) -> anyhow::Result<ExitCode> {
    let report = execute(&args.probe.url, &args.probe.opts, ui)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            schema_version: &'static str,
            probe: &'a ProbeReport,
        }
        serde_json::to_writer_pretty(
            &mut out,
            &Doc {
                schema_version: tlsdiag::report::json::SCHEMA_VERSION,
                probe: &report,
            },
        )?;
        writeln!(out)?;
    } else {
        let opts = tlsdiag::report::text::TextOptions {
            color: ui.color,
            ..tlsdiag::report::text::TextOptions::plain()
        };
        tlsdiag::report::text::write_probe(&mut out, &report, &opts)?;
    }
    out.flush()?;
    Ok(if report.succeeded {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
