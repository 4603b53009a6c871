//! IANA names for TLS code points. Unknown values keep their number (`CodePoint.name = None`);
//! GREASE values (RFC 8701) are named "GREASE".

use crate::model::CodePoint;

pub fn is_grease(v: u16) -> bool {
    (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff)
}

fn cp(code: u16, name: Option<&'static str>) -> CodePoint {
    let name = if name.is_none() && is_grease(code) {
        Some("GREASE")
    } else {
        name
    };
    CodePoint::known(u32::from(code), name)
}

pub fn cipher_suite(v: u16) -> CodePoint {
    let name = match v {
        0x00ff => Some("TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
        0x5600 => Some("TLS_FALLBACK_SCSV"),
        _ => tls_parser::TlsCipherSuite::from_id(v).map(|c| c.name),
    };
    cp(v, name)
}

pub fn version(v: u16) -> CodePoint {
    let name = match v {
        0x0002 => Some("SSL 2.0"),
        0x0300 => Some("SSL 3.0"),
        0x0301 => Some("TLS 1.0"),
        0x0302 => Some("TLS 1.1"),
        0x0303 => Some("TLS 1.2"),
        0x0304 => Some("TLS 1.3"),
        // Pre-RFC drafts, named as Wireshark names them.
        0x7f0e => Some("TLS 1.3 (draft 14)"),
        0x7f0f => Some("TLS 1.3 (draft 15)"),
        0x7f10 => Some("TLS 1.3 (draft 16)"),
        0x7f11 => Some("TLS 1.3 (draft 17)"),
        0x7f12 => Some("TLS 1.3 (draft 18)"),
        0x7f13 => Some("TLS 1.3 (draft 19)"),
        0x7f14 => Some("TLS 1.3 (draft 20)"),
        0x7f15 => Some("TLS 1.3 (draft 21)"),
        0x7f16 => Some("TLS 1.3 (draft 22)"),
        0x7f17 => Some("TLS 1.3 (draft 23)"),
        0x7f18 => Some("TLS 1.3 (draft 24)"),
        0x7f19 => Some("TLS 1.3 (draft 25)"),
        0x7f1a => Some("TLS 1.3 (draft 26)"),
        0x7f1b => Some("TLS 1.3 (draft 27)"),
        0x7f1c => Some("TLS 1.3 (draft 28)"),
        0xfb17 => Some("TLS 1.3 (Facebook draft 23)"),
        0xfb1a => Some("TLS 1.3 (Facebook draft 26)"),
        0x7f00..=0x7fff => Some("TLS 1.3 draft"),
        _ => None,
    };
    cp(v, name)
}

pub fn signature_scheme(v: u16) -> CodePoint {
    let name = match v {
        0x0201 => Some("rsa_pkcs1_sha1"),
        0x0202 => Some("dsa_sha1"),
        0x0203 => Some("ecdsa_sha1"),
        0x0301 => Some("rsa_pkcs1_sha224"),
        0x0302 => Some("dsa_sha224"),
        0x0303 => Some("ecdsa_sha224"),
        0x0401 => Some("rsa_pkcs1_sha256"),
        0x0402 => Some("dsa_sha256"),
        0x0403 => Some("ecdsa_secp256r1_sha256"),
        0x0420 => Some("rsa_pkcs1_sha256_legacy"),
        0x0501 => Some("rsa_pkcs1_sha384"),
        0x0502 => Some("dsa_sha384"),
        0x0503 => Some("ecdsa_secp384r1_sha384"),
        0x0520 => Some("rsa_pkcs1_sha384_legacy"),
        0x0601 => Some("rsa_pkcs1_sha512"),
        0x0602 => Some("dsa_sha512"),
        0x0603 => Some("ecdsa_secp521r1_sha512"),
        0x0620 => Some("rsa_pkcs1_sha512_legacy"),
        0x0704 => Some("eccsi_sha256"),
        0x0804 => Some("rsa_pss_rsae_sha256"),
        0x0805 => Some("rsa_pss_rsae_sha384"),
        0x0806 => Some("rsa_pss_rsae_sha512"),
        0x0807 => Some("ed25519"),
        0x0808 => Some("ed448"),
        0x0809 => Some("rsa_pss_pss_sha256"),
        0x080a => Some("rsa_pss_pss_sha384"),
        0x080b => Some("rsa_pss_pss_sha512"),
        0x081a => Some("ecdsa_brainpoolP256r1tls13_sha256"),
        0x081b => Some("ecdsa_brainpoolP384r1tls13_sha384"),
        0x081c => Some("ecdsa_brainpoolP512r1tls13_sha512"),
        0x0904 => Some("mldsa44"),
        0x0905 => Some("mldsa65"),
        0x0906 => Some("mldsa87"),
        _ => None,
    };
    cp(v, name)
}

pub fn group(v: u16) -> CodePoint {
    let name = match v {
        1..=22 => Some(match v {
            1 => "sect163k1",
            2 => "sect163r1",
            3 => "sect163r2",
            4 => "sect193r1",
            5 => "sect193r2",
            6 => "sect233k1",
            7 => "sect233r1",
            8 => "sect239k1",
            9 => "sect283k1",
            10 => "sect283r1",
            11 => "sect409k1",
            12 => "sect409r1",
            13 => "sect571k1",
            14 => "sect571r1",
            15 => "secp160k1",
            16 => "secp160r1",
            17 => "secp160r2",
            18 => "secp192k1",
            19 => "secp192r1",
            20 => "secp224k1",
            21 => "secp224r1",
            _ => "secp256k1",
        }),
        23 => Some("secp256r1"),
        24 => Some("secp384r1"),
        25 => Some("secp521r1"),
        26 => Some("brainpoolP256r1"),
        27 => Some("brainpoolP384r1"),
        28 => Some("brainpoolP512r1"),
        29 => Some("x25519"),
        30 => Some("x448"),
        31 => Some("brainpoolP256r1tls13"),
        32 => Some("brainpoolP384r1tls13"),
        33 => Some("brainpoolP512r1tls13"),
        256 => Some("ffdhe2048"),
        257 => Some("ffdhe3072"),
        258 => Some("ffdhe4096"),
        259 => Some("ffdhe6144"),
        260 => Some("ffdhe8192"),
        0x0200 => Some("MLKEM512"),
        0x0201 => Some("MLKEM768"),
        0x0202 => Some("MLKEM1024"),
        0x11eb => Some("SecP256r1MLKEM768"),
        0x11ec => Some("X25519MLKEM768"),
        0x11ed => Some("SecP384r1MLKEM1024"),
        0x6399 => Some("X25519Kyber768Draft00"),
        _ => None,
    };
    cp(v, name)
}

pub fn extension(v: u16) -> CodePoint {
    let name = match v {
        0 => Some("server_name"),
        1 => Some("max_fragment_length"),
        2 => Some("client_certificate_url"),
        3 => Some("trusted_ca_keys"),
        4 => Some("truncated_hmac"),
        5 => Some("status_request"),
        6 => Some("user_mapping"),
        7 => Some("client_authz"),
        8 => Some("server_authz"),
        9 => Some("cert_type"),
        10 => Some("supported_groups"),
        11 => Some("ec_point_formats"),
        12 => Some("srp"),
        13 => Some("signature_algorithms"),
        14 => Some("use_srtp"),
        15 => Some("heartbeat"),
        16 => Some("application_layer_protocol_negotiation"),
        17 => Some("status_request_v2"),
        18 => Some("signed_certificate_timestamp"),
        19 => Some("client_certificate_type"),
        20 => Some("server_certificate_type"),
        21 => Some("padding"),
        22 => Some("encrypt_then_mac"),
        23 => Some("extended_master_secret"),
        24 => Some("token_binding"),
        25 => Some("cached_info"),
        27 => Some("compress_certificate"),
        28 => Some("record_size_limit"),
        34 => Some("delegated_credential"),
        35 => Some("session_ticket"),
        41 => Some("pre_shared_key"),
        42 => Some("early_data"),
        43 => Some("supported_versions"),
        44 => Some("cookie"),
        45 => Some("psk_key_exchange_modes"),
        47 => Some("certificate_authorities"),
        48 => Some("oid_filters"),
        49 => Some("post_handshake_auth"),
        50 => Some("signature_algorithms_cert"),
        51 => Some("key_share"),
        57 => Some("quic_transport_parameters"),
        0x4469 => Some("application_settings"),
        0xfe0d => Some("encrypted_client_hello"),
        0xff01 => Some("renegotiation_info"),
        _ => None,
    };
    cp(v, name)
}

/// Alert descriptions (RFC 8446 §6, RFC 5246 §7.2): the model's table.
pub fn alert_description(v: u8) -> Option<&'static str> {
    crate::model::AlertDescription(v).name()
}

/// TLS 1.2 ClientCertificateType (RFC 5246 §7.4.4, RFC 8422 §5.5).
pub fn certificate_type(v: u8) -> CodePoint {
    let name = match v {
        1 => Some("rsa_sign"),
        2 => Some("dss_sign"),
        3 => Some("rsa_fixed_dh"),
        4 => Some("dss_fixed_dh"),
        5 => Some("rsa_ephemeral_dh"),
        6 => Some("dss_ephemeral_dh"),
        20 => Some("fortezza_dms"),
        64 => Some("ecdsa_sign"),
        65 => Some("rsa_fixed_ecdh"),
        66 => Some("ecdsa_fixed_ecdh"),
        67 => Some("gost_sign256"),
        68 => Some("gost_sign512"),
        _ => None,
    };
    CodePoint::known(u32::from(v), name)
}
