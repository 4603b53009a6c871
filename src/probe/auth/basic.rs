//! HTTP Basic (RFC 7617) for the probe: the `Authorization` value for a user and password.
//! Must not be used without TLS (the exchange refuses) and must not print the value: it is the
//! password, base64-encoded.

use base64::Engine as _;
use zeroize::Zeroizing;

use crate::identity::password::SecretString;

/// `Basic base64(user ":" password)` (RFC 7617 §2; UTF-8, as every SOAP stack sends it), zeroed
/// on drop.
pub fn header_value(user: &str, password: &SecretString) -> Zeroizing<String> {
    let plain = Zeroizing::new(format!("{user}:{}", password.expose()));
    let mut v = Zeroizing::new(String::from("Basic "));
    base64::engine::general_purpose::STANDARD.encode_string(plain.as_bytes(), &mut v);
    v
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc7617_example() {
        // RFC 7617 §2: Aladdin / open sesame.
        let v = super::header_value("Aladdin", &"open sesame".into());
        assert_eq!(v.as_str(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }
}
