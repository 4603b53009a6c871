//! Where a keystore password comes from: `--password-file FILE` (first line), else the
//! `TLSDIAG_PASSWORD` environment variable, else a prompt when stdin is a terminal, else none.
//! Never from argv (visible in `ps`), never printed: [`SecretString`]'s `Debug` is redacted
//! and its memory is zeroed on drop. Must not decide what an absent password means — the
//! loaders do (an empty password is tried for PKCS#12, unencrypted PEM needs none).

use std::io::IsTerminal;
use std::path::Path;

use zeroize::Zeroizing;

use super::IdentityError;

/// Name of the environment variable read by [`obtain`].
pub const PASSWORD_ENV: &str = "TLSDIAG_PASSWORD";

/// A password held in memory that is zeroed on drop and never shown by `Debug`.
#[derive(Clone, Default)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    pub fn new(s: String) -> Self {
        SecretString(Zeroizing::new(s))
    }
    /// The password text, for handing to a decoder. Do not log it.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        SecretString::new(s.to_owned())
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

/// Gets the keystore password: the first line of `password_file` (without its line ending),
/// else `TLSDIAG_PASSWORD`, else a prompt on the terminal (only when stdin is a terminal, so
/// scripts and CI never hang), else `None`.
pub fn obtain(password_file: Option<&Path>) -> Result<Option<SecretString>, IdentityError> {
    if let Some(path) = password_file {
        return read_password_file(path).map(Some);
    }
    if let Some(v) = std::env::var_os(PASSWORD_ENV) {
        if let Some(s) = v.to_str() {
            return Ok(Some(SecretString::new(s.to_owned())));
        }
    }
    if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password("Keystore password: ")
            .map_err(IdentityError::PasswordPrompt)?;
        return Ok(Some(SecretString::new(p)));
    }
    Ok(None)
}

/// The first line of a password file; `\r\n` and `\n` endings are removed (files written on
/// Windows), other whitespace is kept because it may be part of the password. Read through
/// `userfile`: at most 4 KiB, a pipe (`<(pass show x)`) for at most 30 s, never a device.
pub fn read_password_file(path: &Path) -> Result<SecretString, IdentityError> {
    let raw = crate::userfile::read_first_line(path, crate::userfile::Kind::Password)?;
    // Moved, not copied, into the zeroizing SecretString.
    Ok(SecretString::new(
        String::from_utf8_lossy(&raw).into_owned(),
    ))
}

/// Runs `open` with a password obtained only when it is needed: the password file or
/// `TLSDIAG_PASSWORD` when given; otherwise first without a password and, only if the file
/// turns out to be protected, again after prompting on the terminal. So an unencrypted PEM
/// never triggers a prompt.
pub fn with_password<T>(
    password_file: Option<&Path>,
    open: impl Fn(Option<&SecretString>) -> Result<T, IdentityError>,
) -> Result<T, IdentityError> {
    if password_file.is_some() || std::env::var_os(PASSWORD_ENV).is_some() {
        let pw = obtain(password_file)?;
        return open(pw.as_ref());
    }
    match open(None) {
        Err(IdentityError::PasswordRequired { .. }) if std::io::stdin().is_terminal() => {
            let pw = obtain(None)?;
            open(pw.as_ref())
        }
        other => other,
    }
}
