//! What an HTTP authentication token is, from its first bytes — so the report can say
//! "SPNEGO NegTokenInit, 1 412 bytes" without ever showing the token. GSS-API tokens are DER
//! (RFC 2743 §3.1 InitialContextToken `[APPLICATION 0]` + mechanism OID; RFC 4178 §4.2
//! NegTokenInit/NegTokenResp); NTLM messages start with "NTLMSSP\0".
//! Must not keep or print token bytes.

/// SPNEGO 1.3.6.1.5.5.2, DER body.
const OID_SPNEGO: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x02];
/// Kerberos V5 1.2.840.113554.1.2.2, DER body.
const OID_KRB5: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02];

/// The kind of a decoded Negotiate/NTLM token: `spnego-init`, `spnego-response`, `krb5-ap-req`,
/// `krb5-ap-rep`, `krb5-error`, `ntlm`, or `unknown`.
pub fn kind(t: &[u8]) -> &'static str {
    if t.starts_with(b"NTLMSSP\0") {
        return "ntlm";
    }
    match t.first() {
        // InitialContextToken: 0x60 len 0x06 oidlen OID innerToken.
        Some(0x60) => {
            let Some(rest) = skip_tag_len(t) else {
                return "unknown";
            };
            match rest {
                [0x06, n, body @ ..] => {
                    let n = usize::from(*n);
                    let (oid, inner) = (body.get(..n), body.get(n..));
                    match oid {
                        Some(o) if o == OID_SPNEGO => "spnego-init",
                        // RFC 1964 §1.1: krb5 token id 01 00 = AP-REQ, 02 00 = AP-REP, 03 00 = KRB-ERROR.
                        Some(o) if o == OID_KRB5 => match inner.and_then(|i| i.get(..2)) {
                            Some([0x01, 0x00]) => "krb5-ap-req",
                            Some([0x02, 0x00]) => "krb5-ap-rep",
                            Some([0x03, 0x00]) => "krb5-error",
                            _ => "krb5",
                        },
                        _ => "unknown",
                    }
                }
                _ => "unknown",
            }
        }
        // NegTokenResp is [1] (0xa1); a bare NegTokenInit [0] (0xa0) is unusual but legal.
        Some(0xa1) => "spnego-response",
        Some(0xa0) => "spnego-init",
        _ => "unknown",
    }
}

/// The bytes after a DER tag and its length (short or long form), if well-formed.
fn skip_tag_len(t: &[u8]) -> Option<&[u8]> {
    let len0 = *t.get(1)?;
    if len0 < 0x80 {
        return t.get(2..);
    }
    let n = usize::from(len0 & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    t.get(2 + n..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        // SPNEGO InitialContextToken with a long-form length.
        let mut spnego = vec![0x60, 0x82, 0x01, 0x00, 0x06, 0x06];
        spnego.extend_from_slice(OID_SPNEGO);
        spnego.push(0xa0);
        assert_eq!(kind(&spnego), "spnego-init");
        let mut krb = vec![0x60, 0x20, 0x06, 0x09];
        krb.extend_from_slice(OID_KRB5);
        krb.extend_from_slice(&[0x02, 0x00, 0x6f]);
        assert_eq!(kind(&krb), "krb5-ap-rep");
        assert_eq!(kind(&[0xa1, 0x81, 0x90]), "spnego-response");
        assert_eq!(kind(b"NTLMSSP\0\x02\0\0\0"), "ntlm");
        assert_eq!(kind(&[]), "unknown");
        assert_eq!(kind(&[0x60]), "unknown");
        assert_eq!(kind(&[0x60, 0x85, 1, 2, 3, 4, 5]), "unknown");
        assert_eq!(kind(&[0x60, 0x05, 0x06, 0x7f]), "unknown");
    }
}
