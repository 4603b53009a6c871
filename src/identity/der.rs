//! A minimal, panic-free DER TLV reader for the few structures the identity room walks by hand
//! (PKCS#1 RSAPrivateKey, SEC1 ECPrivateKey, the outer PKCS#12 PFX, OpenSSL's "TRUSTED
//! CERTIFICATE" trailer). Only definite lengths (DER); anything else is `None`.

/// One TLV: tag byte, contents, and the whole encoding.
#[derive(Debug, Clone, Copy)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
    pub raw: &'a [u8],
}

/// Reads one TLV from the front of `input`; returns it and the rest.
pub fn read_tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    // High-tag-number form (0x1f) never occurs in the structures read here.
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (len_bytes, rest) = rest.split_at_checked(n)?;
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, rest)
    };
    let (value, after) = rest.split_at_checked(len)?;
    let header_len = input.len().checked_sub(rest.len())?;
    let raw = input.get(..header_len.checked_add(len)?)?;
    Some((Tlv { tag, value, raw }, after))
}

/// Most elements read from one constructed value. A 16 MiB file of empty SEQUENCEs would
/// otherwise become 8 million list entries (~320 MB); real keystores hold a few hundred
/// (a PKCS#12 truststore: one bag per CA).
pub const MAX_CHILDREN: usize = 65_536;

/// All TLVs inside a constructed value, in order; `None` if any is malformed or there are more
/// than [`MAX_CHILDREN`].
pub fn children(mut value: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !value.is_empty() {
        if out.len() >= MAX_CHILDREN {
            return None;
        }
        let (t, rest) = read_tlv(value)?;
        out.push(t);
        value = rest;
    }
    Some(out)
}

/// An INTEGER's magnitude without leading zero bytes (for comparing moduli and exponents).
pub fn unsigned(int: &[u8]) -> &[u8] {
    let start = int.iter().position(|b| *b != 0).unwrap_or(int.len());
    int.get(start..).unwrap_or(&[])
}

pub const SEQUENCE: u8 = 0x30;
pub const INTEGER: u8 = 0x02;
pub const OCTET_STRING: u8 = 0x04;
pub const BIT_STRING: u8 = 0x03;
pub const OID: u8 = 0x06;
