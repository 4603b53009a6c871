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
