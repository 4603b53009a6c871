# Sourced by generate.sh: TLS-level classes of traffic seen in the wild (issue 11) that our own
# scenarios did not produce — HelloRetryRequest, an SSLv2-format ClientHello, NULL and
# not-decryptable cipher suites, unusual certificate name strings. Same helpers (lib.sh), same
# rules: real stacks on loopback, stopped by PID, every wait bounded. Ports 8500-8519.

hrr_ossl() { # TLS 1.3 HelloRetryRequest: the server accepts only secp384r1, s_client key-shares
  # x25519 first, so the server answers the first ClientHello with an HRR; after the retry it
  # asks for a client certificate (the client sends customer-client). Client key log beside it.
  local out=$1 port=$2 keylog=${1%.pcap}.keylog
  rm -f "$keylog"
  cap_start "$out" "tcp port $port"
  srv_feed 8 2 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "$port" -tls1_3 -groups secp384r1 \
    -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$port"
  ossl_client "$port" -servername partner.test -CAfile "$PKI/partner-root.pem" -groups x25519:secp384r1 \
    -cert "$PKI/client.pem" -key "$PKI/client.key" -cert_chain "$PKI/partner-issuing.pem" -keylogfile "$keylog"
  srv_stop; cap_stop "$out"
}

hrr_jsse() { # JDK 17 JSSE key-shares only its first group (x25519); a P-384-only server makes it
  # retry. The server asks for a certificate and JSSE sends client.jks's. No key log (JSSE has none).
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_feed 8 3 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "$port" -tls1_3 -groups secp384r1 \
    -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$port"
  java_client "${JKS_GOOD[@]}" "${TRUST[@]}" SoapClient "https://partner.test:$port/orders"
  srv_stop; cap_stop "$out"
}

null_cipher() { # TLS 1.2 with TLS_RSA_WITH_NULL_SHA256 (no encryption, only a MAC; security level 0
  # at both ends). After the request the client closes: its close_notify is readable on the wire.
  local out=$1 port=$2 keylog=${1%.pcap}.keylog
  rm -f "$keylog"
  cap_start "$out" "tcp port $port"
  srv_feed 8 2 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -cipher 'NULL-SHA256:@SECLEVEL=0' -naccept 1
  wait_port "$port"
  ossl_client "$port" -tls1_2 -cipher 'NULL-SHA256:@SECLEVEL=0' -servername partner.test \
    -CAfile "$PKI/partner-root.pem" -keylogfile "$keylog"
  srv_stop; cap_stop "$out"
}

odd_cipher() { # a suite our decryption does not implement, with the client's key log: the report
  # must say "unsupported cipher suite (NAME)". $3...: the version and cipher flags.
  local out=$1 port=$2 keylog=${1%.pcap}.keylog; shift 2
  rm -f "$keylog"
  cap_start "$out" "tcp port $port"
  srv_feed 8 2 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "$port" "$@" -naccept 1
  wait_port "$port"
  ossl_client "$port" "$@" -servername partner.test -CAfile "$PKI/partner-root.pem" -keylogfile "$keylog"
  srv_stop; cap_stop "$out"
}

sslv2_hello() { # JDK 17 with the SSLv2Hello pseudo-protocol enabled (https.protocols=SSLv2Hello,
  # TLSv1.2; JDK 17 honours it without touching jdk.tls.disabledAlgorithms): the first ClientHello
  # goes out in the SSLv2 record format (RFC 5246 Appendix E.2); s_server accepts it and the TLS 1.2
  # handshake (client certificate included) goes on as usual.
  # [extra s_server args]: an SSLv2-format hello carries no extensions, so no signature_algorithms:
  # the server must sign with SHA-1 (RFC 5246 §7.4.1.4.1), which OpenSSL allows only at security
  # level 0 — without it the server refuses with handshake_failure ("no suitable signature algorithm").
  local out=$1 port=$2; shift 2
  cap_start "$out" "tcp port $port"
  srv_feed 8 3 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1 "$@"
  wait_port "$port"
  java_client -Dhttps.protocols=SSLv2Hello,TLSv1.2 "${JKS_GOOD[@]}" "${TRUST[@]}" SoapClient "https://partner.test:$port/orders"
  srv_stop; cap_stop "$out"
}

tls13_draft() { # TLS 1.3 draft 26 (0x7f1a): tlslite-ng 0.8.0-alpha10 from PyPI at both ends (a venv
  # under /tmp), driven by scripts/tls13_draft.py, which also writes the client's key log.
  local out=$1 port=$2 keylog=${1%.pcap}.keylog venv=${TMPDIR:-/tmp}/tlsdiag-tlslite-draft
  [ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q 'tlslite-ng==0.8.0a10'; } || return 0
  rm -f "$keylog"
  cap_start "$out" "tcp port $port"
  srv_start 8 timeout 10 "$venv/bin/python" "$CAPDIR/scripts/tls13_draft.py" server 127.0.0.1 "$port" "$PKI/server-chain.pem" "$PKI/server.key"
  wait_port "$port"
  timeout 8 "$venv/bin/python" "$CAPDIR/scripts/tls13_draft.py" client 127.0.0.1 "$port" "$PKI/client.pem" "$PKI/client.key" "$keylog" >/dev/null 2>&1
  srv_stop; cap_stop "$out"
}

dn_cert() { # OUT.pem NAME-SECTIONS: a self-signed certificate (key pki/dn/zoo.key) whose subject
  # and issuer are exactly the DER `openssl asn1parse -genconf` makes of the given [name] section:
  # every string type and attribute type, which `openssl req -subj` cannot choose per attribute.
  local out=$1 names=$2 key=$PKI/dn/zoo.key d pub sig serial
  d=$(mktemp -d)
  pub=$(openssl rsa -in "$key" -RSAPublicKey_out -outform DER 2>/dev/null | od -An -v -tx1 | tr -d ' \n')
  serial=$(printf '%s' "$names" | sha256sum | cut -c1-15)
  cat > "$d/tbs.cnf" <<CNF
asn1=SEQUENCE:tbs
[tbs]
version=EXPLICIT:0,INTEGER:2
serial=INTEGER:0x$serial
sig=SEQUENCE:sigalg
issuer=SEQUENCE:name
validity=SEQUENCE:validity
subject=SEQUENCE:name
spki=SEQUENCE:spki
[sigalg]
a=OID:sha256WithRSAEncryption
p=NULL
[validity]
nb=UTCTIME:260101000000Z
na=UTCTIME:360101000000Z
[spki]
alg=SEQUENCE:rsaalg
key=FORMAT:HEX,BITSTRING:$pub
[rsaalg]
a=OID:rsaEncryption
p=NULL
$names
CNF
  openssl asn1parse -genconf "$d/tbs.cnf" -out "$d/tbs.der" >/dev/null || { rm -rf "$d"; return 1; }
  sig=$(openssl dgst -sha256 -sign "$key" "$d/tbs.der" | od -An -v -tx1 | tr -d ' \n')
  { printf 'asn1=SEQUENCE:cert\n[cert]\ntbs=SEQUENCE:tbs\nalg=SEQUENCE:sigalg\nsig=FORMAT:HEX,BITSTRING:%s\n' "$sig"
    sed 1d "$d/tbs.cnf"; } > "$d/cert.cnf"
  # PEM by hand, not `openssl x509`: OpenSSL cannot read a Name holding a VisibleString (its
  # X509_NAME_ENTRY value type has no VisibleString), Java can.
  openssl asn1parse -genconf "$d/cert.cnf" -out "$d/cert.der" >/dev/null &&
    { echo '-----BEGIN CERTIFICATE-----'; base64 -w 64 "$d/cert.der"; echo '-----END CERTIFICATE-----'; } > "$out"
  rm -rf "$d"
}

dn_rdn() { # section-name OID TYPE:VALUE → a one-attribute RDN section pair for dn_cert
  printf '[%s]\na=SEQUENCE:%s_a\n[%s_a]\nt=OID:%s\nv=%s\n' "$1" "$1" "$1" "$2" "$3"
}

dn_certs() { # the DN zoo in pki/dn/: one certificate per ASN.1 string type (tests/x509_names.rs
  # compares our RFC 4514 text with openssl's and Java's), plus the server certificate of
  # wild-dn-strings.pcap (T61String CN as *.kakao.com had, BMPString O, an unknown attribute)
  local z=$PKI/dn
  mkdir -p "$z"
  [ -f "$z/zoo.key" ] || openssl genrsa -out "$z/zoo.key" 2048 2>/dev/null
  local three='[name]
r1=SET:r1
r2=SET:r2
r3=SET:r3'
  dn_cert "$z/printable.pem" "$three
$(dn_rdn r1 countryName 'PRINTABLESTRING:DE')
$(dn_rdn r2 organizationName 'PRINTABLESTRING:Zoo (Printable)')
$(dn_rdn r3 commonName 'PRINTABLESTRING:"Smith, John + Co. = ok?"')"
  dn_cert "$z/utf8.pem" "$three
$(dn_rdn r1 countryName 'PRINTABLESTRING:DE')
$(dn_rdn r2 organizationName 'FORMAT:UTF8,UTF8:Müller & Söhne')
$(dn_rdn r3 commonName 'UTF8:"#1 \"q\" <a>;b\\c "')"
  dn_cert "$z/ia5.pem" "$three
$(dn_rdn r1 domainComponent 'IA5STRING:test')
$(dn_rdn r2 commonName 'IA5STRING:*.kakao.com')
$(dn_rdn r3 emailAddress 'IA5STRING:ops@partner.test')"
  dn_cert "$z/t61.pem" "$three
$(dn_rdn r1 countryName 'PRINTABLESTRING:FR')
$(dn_rdn r2 organizationName 'FORMAT:UTF8,T61STRING:Société Générale')
$(dn_rdn r3 commonName 'T61STRING:*.kakao.com')"
  dn_cert "$z/bmp.pem" "$three
$(dn_rdn r1 countryName 'PRINTABLESTRING:KR')
$(dn_rdn r2 organizationName 'FORMAT:UTF8,BMPSTRING:카카오 Kakao Corp')
$(dn_rdn r3 commonName 'BMPSTRING:*.kakao.com')"
  dn_cert "$z/universal.pem" "$three
$(dn_rdn r1 countryName 'PRINTABLESTRING:DE')
$(dn_rdn r2 organizationName 'UNIVERSALSTRING:Zoo')
$(dn_rdn r3 commonName 'FORMAT:UTF8,UNIVERSALSTRING:Universal 𝄞 clef')"
  dn_cert "$z/numeric.pem" "$three
$(dn_rdn r1 countryName 'PRINTABLESTRING:DE')
$(dn_rdn r2 organizationName 'PRINTABLESTRING:Zoo')
$(dn_rdn r3 commonName 'NUMERICSTRING:0123 4567')"
  dn_cert "$z/visible.pem" "$three
$(dn_rdn r1 countryName 'PRINTABLESTRING:DE')
$(dn_rdn r2 organizationName 'VISIBLESTRING:Zoo')
$(dn_rdn r3 commonName 'VISIBLESTRING:Visible*Name')"
  dn_cert "$z/unknown.pem" "$three
$(dn_rdn r1 1.3.6.1.4.1.311.60.2.1.3 'PRINTABLESTRING:DE')
$(dn_rdn r2 1.2.3.4.5 'UTF8:private value')
$(dn_rdn r3 commonName 'UTF8:unknown attributes')"
  dn_cert "$z/multi.pem" '[name]
r1=SET:r1
r2=SET:r2
[r1]
a=SEQUENCE:r1_a
[r1_a]
t=OID:organizationName
v=UTF8:tab'$'\t''and'$'\x01''ctrl
[r2]
a=SEQUENCE:r2_a
b=SEQUENCE:r2_b
[r2_a]
t=OID:commonName
v=UTF8:multi
[r2_b]
t=OID:organizationalUnitName
v=UTF8:" lead+trail "'
  # every attribute type with a short name in OpenSSL (and in our table), one RDN each
  local names='[name]' i=0 o
  for o in 2.5.4.3 2.5.4.4 2.5.4.5 2.5.4.6 2.5.4.7 2.5.4.8 2.5.4.9 2.5.4.10 2.5.4.11 2.5.4.12 2.5.4.13 2.5.4.15 2.5.4.16 2.5.4.17 2.5.4.18 2.5.4.20 2.5.4.41 2.5.4.42 2.5.4.43 2.5.4.44 2.5.4.46 2.5.4.65 2.5.4.72 2.5.4.97 0.9.2342.19200300.100.1.25 0.9.2342.19200300.100.1.1 1.2.840.113549.1.9.1 1.2.840.113549.1.9.2 1.2.840.113549.1.9.8 1.3.6.1.4.1.311.60.2.1.1 1.3.6.1.4.1.311.60.2.1.2 1.3.6.1.4.1.311.60.2.1.3; do i=$((i + 1)); names="$names
n$i=SET:n$i"; done
  i=0
  for o in 2.5.4.3 2.5.4.4 2.5.4.5 2.5.4.6 2.5.4.7 2.5.4.8 2.5.4.9 2.5.4.10 2.5.4.11 2.5.4.12 2.5.4.13 2.5.4.15 2.5.4.16 2.5.4.17 2.5.4.18 2.5.4.20 2.5.4.41 2.5.4.42 2.5.4.43 2.5.4.44 2.5.4.46 2.5.4.65 2.5.4.72 2.5.4.97 0.9.2342.19200300.100.1.25 0.9.2342.19200300.100.1.1 1.2.840.113549.1.9.1 1.2.840.113549.1.9.2 1.2.840.113549.1.9.8 1.3.6.1.4.1.311.60.2.1.1 1.3.6.1.4.1.311.60.2.1.2 1.3.6.1.4.1.311.60.2.1.3; do i=$((i + 1)); names="$names
$(dn_rdn "n$i" "$o" "UTF8:v$i")"; done
  dn_cert "$z/names.pem" "$names"
  dn_cert "$z/server.pem" '[name]
r1=SET:r1
r2=SET:r2
r3=SET:r3
r4=SET:r4'"
$(dn_rdn r1 countryName 'PRINTABLESTRING:KR')
$(dn_rdn r2 organizationName 'FORMAT:UTF8,BMPSTRING:카카오 Kakao Corp')
$(dn_rdn r3 1.2.3.4.5 'UTF8:tlsdiag')
$(dn_rdn r4 commonName 'T61STRING:*.kakao.com')"
  cat "$z"/printable.pem "$z"/utf8.pem "$z"/ia5.pem "$z"/t61.pem "$z"/bmp.pem "$z"/universal.pem \
    "$z"/numeric.pem "$z"/unknown.pem "$z"/multi.pem > "$z/ca-list.pem"  # not visible.pem: s_server could not load it
}

dn_strings() { # the zoo's names on the wire: the server presents pki/dn/server.pem and asks for a
  # client certificate from every zoo certificate's subject (-CAfile); s_client has none to send
  local out=$1 port=$2 z=$PKI/dn
  dn_certs
  cap_start "$out" "tcp port $port"
  srv_start 8 openssl s_server -cert "$z/server.pem" -key "$z/zoo.key" -accept "$port" -tls1_2 \
    -verify 1 -CAfile "$z/ca-list.pem" -naccept 1
  wait_port "$port"
  ossl_client "$port" -tls1_2 -servername kakao.test
  srv_stop; cap_stop "$out"
}

compressed() { # TLS 1.2 with DEFLATE compression (RFC 3749) at both ends, client key log beside it.
  # Needs an OpenSSL built with zlib in OPENSSL_ZLIB (scripts/build-openssl-zlib.sh): Debian's has
  # none. Compression is refused at security level 2 and above, hence SECLEVEL=1 on both sides.
  local out=$1 port=$2 keylog=${1%.pcap}.keylog o=${OPENSSL_ZLIB:-}
  [ -x "$o" ] || { log "skipped: set OPENSSL_ZLIB to an openssl with zlib (scripts/build-openssl-zlib.sh)"; return 0; }
  rm -f "$keylog"
  cap_start "$out" "tcp port $port"
  srv_feed 8 2 "$HTTP_OK" "$o" s_server -cert "$PKI/server.pem" -key "$PKI/server.key" -cert_chain "$PKI/partner-issuing.pem" \
    -accept "$port" -tls1_2 -comp -cipher 'DEFAULT:@SECLEVEL=1' -naccept 1
  wait_port "$port"
  (sleep 1; printf 'POST /orders HTTP/1.1\r\nHost: partner.test\r\nContent-Length: 0\r\n\r\n'; sleep 2) |
    timeout 8 "$o" s_client -connect "127.0.0.1:$port" -tls1_2 -comp -cipher 'DEFAULT:@SECLEVEL=1' \
      -servername partner.test -CAfile "$PKI/partner-root.pem" -keylogfile "$keylog" >/dev/null 2>&1
  srv_stop; cap_stop "$out"
}

run wild-hrr hrr_ossl "$CAPDIR/wild-hrr.pcap" 8500
run wild-hrr-jsse hrr_jsse "$CAPDIR/wild-hrr-jsse.pcap" 8501
run wild-null null_cipher "$CAPDIR/wild-null-cipher.pcap" 8502
run wild-ccm12 odd_cipher "$CAPDIR/wild-aes-ccm-tls12.pcap" 8504 -tls1_2 -cipher 'DHE-RSA-AES128-CCM'
run wild-camellia odd_cipher "$CAPDIR/wild-camellia-tls12.pcap" 8505 -tls1_2 -cipher 'ECDHE-RSA-CAMELLIA128-SHA256'
run wild-aria odd_cipher "$CAPDIR/wild-aria-tls12.pcap" 8506 -tls1_2 -cipher 'ECDHE-ARIA128-GCM-SHA256'
run wild-ccm13 odd_cipher "$CAPDIR/wild-aes-ccm-tls13.pcap" 8507 -tls1_3 -ciphersuites TLS_AES_128_CCM_SHA256
run wild-sslv2 sslv2_hello "$CAPDIR/wild-sslv2-hello.pcap" 8508 -cipher 'DEFAULT:@SECLEVEL=0'
run wild-sslv2-refused sslv2_hello "$CAPDIR/wild-sslv2-hello-refused.pcap" 8509
run wild-draft tls13_draft "$CAPDIR/wild-tls13-draft26.pcap" 8510
run dn-certs dn_certs
run wild-dn-strings dn_strings "$CAPDIR/wild-dn-strings.pcap" 8511
run wild-compressed compressed "$CAPDIR/wild-compressed.pcap" 8512
