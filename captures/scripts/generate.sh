#!/usr/bin/env bash
# Regenerates every capture in captures/ by running real TLS stacks (OpenSSL s_server/s_client,
# Java JSSE via java/SoapClient.java, curl) on loopback, or in network namespaces created here,
# captured with tcpdump. Needs root (tcpdump, ip netns). Run: sudo captures/scripts/generate.sh [name...]
# Not run by the tests: they read the committed captures.
set -u
. "$(dirname "$0")/lib.sh"
cd "$CAPDIR"
pki_init
OSSL_SRV=(openssl s_server -cert "$PKI/server.pem" -key "$PKI/server.key" -cert_chain "$PKI/partner-issuing.pem")
JKS_SSOS=(-Djavax.net.ssl.keyStore="$KS/ssos.jks" -Djavax.net.ssl.keyStorePassword=$PASS)
JKS_GOOD=(-Djavax.net.ssl.keyStore="$KS/client.jks" -Djavax.net.ssl.keyStorePassword=$PASS)
TRUST=(-Djavax.net.ssl.trustStore="$KS/truststore.jks" -Djavax.net.ssl.trustStorePassword=$PASS)
HTTP_OK=$CAPDIR/scripts/http-200.txt

# The seed case: webMethods-like JSSE client, keystore holding only the self-signed "ssos" entry;
# the partner's server (TLS 1.2) asks for a certificate from Partner Issuing CA / Partner Root CA.
seed() {
  local out=$1 port=$2; shift 2
  cap_start "$out" "tcp port $port" "${CAP_IFACE:-lo}" "$@"
  srv_start 12 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$port"
  java_client "${JKS_SSOS[@]}" "${TRUST[@]}" SoapClient "https://partner.test:$port/orders"
  srv_stop; cap_stop "$out"
}

mtls_ok() {
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_feed 10 3 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$port"
  java_client "${JKS_GOOD[@]}" "${TRUST[@]}" SoapClient "https://partner.test:$port/orders"
  srv_stop; cap_stop "$out"
}

tls13_no_cert() {
  local out=$1 port=$2
  rm -f "${out%.pcap}.keylog"
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_3 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$port"
  (sleep 2; printf 'POST /orders HTTP/1.1\r\nHost: partner.test\r\n\r\n') | timeout 8 openssl s_client -connect "127.0.0.1:$port" \
    -servername partner.test -CAfile "$PKI/partner-root.pem" -keylogfile "${out%.pcap}.keylog" >/dev/null 2>&1
  srv_stop; cap_stop "$out"
}

tls13_cert() {
  local out=$1 port=$2
  rm -f "${out%.pcap}.keylog"
  cap_start "$out" "tcp port $port"
  srv_feed 10 2 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "$port" -tls1_3 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$port"
  SSLKEYLOGFILE="${out%.pcap}.keylog" timeout 10 curl -s -o /dev/null --resolve "partner.test:$port:127.0.0.1" \
    --cacert "$PKI/partner-root.pem" --cert "$PKI/client.pem" --key "$PKI/client.key" \
    -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: "urn:partner:orders/submit"' \
    --data '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>' \
    "https://partner.test:$port/orders" || true
  srv_stop; cap_stop "$out"
}

no_shared_cipher() {
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -cipher AES128-SHA -naccept 1
  wait_port "$port"
  java_client -Djdk.tls.client.protocols=TLSv1.2 -Dhttps.cipherSuites=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 \
    "${TRUST[@]}" SoapClient "https://partner.test:$port/orders"
  srv_stop; cap_stop "$out"
}

client_untrusts_server() {
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -naccept 1
  wait_port "$port"
  java_client -Djavax.net.ssl.trustStore="$KS/empty-truststore.jks" -Djavax.net.ssl.trustStorePassword=$PASS \
    SoapClient "https://partner.test:$port/orders"
  srv_stop; cap_stop "$out"
}

server_untrusts_client() {
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -verify_return_error -naccept 1
  wait_port "$port"
  (sleep 2) | timeout 8 openssl s_client -connect "127.0.0.1:$port" -servername partner.test \
    -CAfile "$PKI/partner-root.pem" -cert "$PKI/client-other.pem" -key "$PKI/client-other.key" >/dev/null 2>&1
  srv_stop; cap_stop "$out"
}

leaf_only() {
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-root.pem" -verify_return_error -naccept 1
  wait_port "$port"
  (sleep 2) | timeout 8 openssl s_client -connect "127.0.0.1:$port" -servername partner.test \
    -CAfile "$PKI/partner-root.pem" -cert "$PKI/client.pem" -key "$PKI/client.key" >/dev/null 2>&1
  srv_stop; cap_stop "$out"
}

run() { # name port [extra]
  local name=$1; shift
  if [ -n "${ONLY:-}" ] && ! printf '%s\n' $ONLY | grep -qx "$name"; then return 0; fi
  log "$name"
  "$@"
}

ONLY="${*:-}"
run seed seed "$CAPDIR/seed-jsse-empty-cert.pcap" 8443
CAP_IFACE=any run seed-sll2 seed "$CAPDIR/seed-jsse-empty-cert-any.pcap" 8453
run seed-nano seed "$CAPDIR/seed-jsse-empty-cert-nano.pcap" 8454 --time-stamp-precision=nano
run mtls-ok mtls_ok "$CAPDIR/jsse-mtls-ok.pcap" 8444
run tls13-no-cert tls13_no_cert "$CAPDIR/tls13-no-client-cert.pcap" 8445
run tls13-cert tls13_cert "$CAPDIR/tls13-client-cert.pcap" 8446
run no-shared-cipher no_shared_cipher "$CAPDIR/no-shared-cipher.pcap" 8447
run client-untrusts client_untrusts_server "$CAPDIR/client-untrusts-server.pcap" 8448
run server-untrusts server_untrusts_client "$CAPDIR/server-untrusts-client.pcap" 8449
run leaf-only leaf_only "$CAPDIR/leaf-only-server-has-root.pcap" 8450
[ -f "$CAPDIR/scripts/more.sh" ] && . "$CAPDIR/scripts/more.sh"
[ -f "$CAPDIR/scripts/wild.sh" ] && . "$CAPDIR/scripts/wild.sh"
[ -f "$CAPDIR/scripts/hostile.sh" ] && . "$CAPDIR/scripts/hostile.sh"
[ -f "$CAPDIR/scripts/flows.sh" ] && . "$CAPDIR/scripts/flows.sh"
log "done"
