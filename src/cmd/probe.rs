//! `tlsdiag probe URL`: our own SOAP call with a chosen identity; prints what happened and why.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use tlsdiag::model::http_auth::AuthMode;
use tlsdiag::probe::request::{HttpAuthRequest, ProbeRequest, Secret, SoapVersion, TlsVersions};
use tlsdiag::probe::{self, ProbeOptions, ProbeReport};

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

impl ProbeFlags {
    /// The flags as the library's typed request (no parsing here: `ProbeRequest::options`
    /// reads and parses, for the CLI and the terminal UI alike).
    pub fn request(&self, url: &str) -> ProbeRequest {
        let http_auth = if let Some(user) = &self.user {
            HttpAuthRequest::Basic { user: user.clone() }
        } else if self.negotiate {
            HttpAuthRequest::Negotiate {
                spn: self.spn.clone(),
                principal: self.principal.clone(),
                keytab: self.keytab.clone(),
                delegate: self.delegate,
                lifetime: self.lifetime,
            }
        } else {
            HttpAuthRequest::None
        };
        ProbeRequest {
            url: url.to_owned(),
            identity: self.identity.clone(),
            alias: self.alias.clone(),
            keystore_password: Secret::FileEnvOrPrompt(self.password_file.clone()),
            trust: self.trust.clone(),
            insecure: self.insecure,
            sni: self.sni.clone(),
            tls: match (self.tls12, self.tls13) {
                (true, _) => TlsVersions::Tls12Only,
                (_, true) => TlsVersions::Tls13Only,
                _ => TlsVersions::Both,
            },
            timeout_secs: self.timeout,
            soap_action: self.soap_action.clone(),
            envelope: self.envelope.clone(),
            soap: if self.soap12 {
                SoapVersion::Soap12
            } else {
                SoapVersion::Soap11
            },
            headers: self.headers.clone(),
            send_anyway: self.send_anyway,
            proxy: self.proxy.clone(),
            http_auth,
            http_password: Secret::FileEnvOrPrompt(self.http_password_file.clone()),
            auth_mode: self.auth_mode.map(|m| match m {
                AuthModeArg::Preemptive => AuthMode::Preemptive,
                AuthModeArg::Challenge => AuthMode::Challenge,
            }),
            save: self.save.clone(),
            keylog: self.keylog.clone(),
        }
    }
}

pub fn options(url: &str, f: &ProbeFlags) -> anyhow::Result<ProbeOptions> {
    Ok(f.request(url).options()?)
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
    let req = f.request(url);
    if let (Some(p), true) = (&f.keylog, req.sends_credentials()) {
        ui.note(&format!(
            "note: {} decrypts the saved call, HTTP credentials included; keep it as private as the password",
            p.display()
        ));
    }
    req.save_outputs(&report)?;
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
