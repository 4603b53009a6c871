#!/usr/bin/env bash
# Which keystore entry does JSSE send? Real runs of java/SoapClient with a keystore holding several
# private-key entries, against openssl s_server (TLS 1.2, so the client's Certificate is on the
# wire), once per key manager (SunX509, the default, and PKIX via ssl.KeyManagerFactory.algorithm)
# and keystore type (JKS, and the same entries in a keytool-made PKCS#12), for four server requests.
# ssl.KeyManagerFactory.algorithm is a *security* property (KeyManagerFactory.getDefaultAlgorithm
# reads Security.getProperty): a -D system property of that name changes nothing, so the PKIX runs
# set it through -Djava.security.properties=FILE.
#   A  ports 8700-8703  CA list Partner CAs, openssl's default signature algorithms (ECDSA first)
#   B  ports 8704-8707  CA list Partner CAs, RSA signature algorithms only
#   C  ports 8708-8711  CA list Other Root CA only, RSA only
#   D  ports 8712-8715  no CA list (any issuer), RSA only
# Within each group: +0 JKS/SunX509, +1 JKS/PKIX, +2 PKCS#12/SunX509, +3 PKCS#12/PKIX.
# Keystore keystores/multi.jks (and multi.p12), password changeit, entries:
#   partner-ec       EC P-256, customer-ec ← Partner Issuing CA, clientAuth, valid
#   partner-expired  RSA, customer-client-2020 ← Partner Issuing CA, expired 2021
#   partner-client   RSA, customer-client ← Partner Issuing CA, valid
#   other-client     RSA, customer-client ← Other Root CA
#   ssos             RSA, self-signed (webMethods' default key)
#   partner-root     trusted certificate (no key)
# The wire shows which leaf JSSE sent (JSSE's debug output is not needed). Output: captures/identity-choice.pcap. Needs root (tcpdump).
# Run: sudo captures/scripts/identity.sh
set -u
. "$(dirname "$0")/lib.sh"
cd "$CAPDIR"
pki_init
# client-expired.* come from generate.sh (more.sh: expired_certs).
[ -f "$PKI/client-expired.pem" ] || { log "run generate.sh client-expired first"; exit 1; }
if [ ! -f "$PKI/partner-ec.pem" ]; then
  openssl ecparam -name prime256v1 -out "$PKI/p256.param" 2>/dev/null
  cert partner-ec "/C=US/O=Customer Inc/CN=customer-ec" partner-issuing client 825 "ec:$PKI/p256.param"
  rm -f "$PKI/p256.param"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f "$KS/multi.jks" "$KS/multi.p12"
entry() { # alias cert key [chain]
  local alias=$1 crt=$2 key=$3 chain=${4:-}
  local extra=()
  [ -n "$chain" ] && extra=(-certfile "$chain")
  openssl pkcs12 -export -in "$crt" -inkey "$key" "${extra[@]}" -name "$alias" \
    -passout "pass:$PASS" -out "$work/$alias.p12"
  keytool -importkeystore -noprompt -srckeystore "$work/$alias.p12" -srcstoretype PKCS12 -srcstorepass "$PASS" \
    -srcalias "$alias" -destalias "$alias" -destkeystore "$KS/multi.jks" -deststoretype JKS \
    -deststorepass "$PASS" -destkeypass "$PASS" >/dev/null 2>&1
}
entry partner-ec "$PKI/partner-ec.pem" "$PKI/partner-ec.key" "$PKI/partner-issuing.pem"
entry partner-expired "$PKI/client-expired.pem" "$PKI/client-expired.key" "$PKI/partner-issuing.pem"
entry partner-client "$PKI/client.pem" "$PKI/client.key" "$PKI/partner-issuing.pem"
entry other-client "$PKI/client-other.pem" "$PKI/client-other.key"
entry ssos "$PKI/ssos.pem" "$PKI/ssos.key"
keytool -importcert -noprompt -alias partner-root -file "$PKI/partner-root.pem" \
  -keystore "$KS/multi.jks" -storetype JKS -storepass "$PASS" >/dev/null 2>&1
keytool -importkeystore -noprompt -srckeystore "$KS/multi.jks" -srcstoretype JKS -srcstorepass "$PASS" \
  -destkeystore "$KS/multi.p12" -deststoretype PKCS12 -deststorepass "$PASS" >/dev/null 2>&1
keytool -list -keystore "$KS/multi.jks" -storepass "$PASS" > "$KS/multi-jks-list.txt" 2>&1
keytool -list -keystore "$KS/multi.p12" -storepass "$PASS" > "$KS/multi-p12-list.txt" 2>&1

printf 'ssl.KeyManagerFactory.algorithm=PKIX\n' > "$work/pkix.security"
printf 'ssl.KeyManagerFactory.algorithm=SunX509\n' > "$work/sunx509.security"
OSSL_SRV=(openssl s_server -cert "$PKI/server.pem" -key "$PKI/server.key" -cert_chain "$PKI/partner-issuing.pem"
  -tls1_2 -Verify 3 -verify_return_error -naccept 1)
TRUST=(-Djavax.net.ssl.trustStore="$KS/truststore.jks" -Djavax.net.ssl.trustStorePassword=$PASS)
RSA_ONLY=(-client_sigalgs "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pkcs1_sha256:rsa_pkcs1_sha384")
out=$CAPDIR/identity-choice.pcap
cap_start "$out" "tcp portrange 8700-8715"
group() { # first-port server-args...
  local base=$1; shift
  local i=0 store km
  for store in jks p12; do
    for km in SunX509 PKIX; do
      local port=$((base + i))
      srv_feed 8 2 "$CAPDIR/scripts/http-200.txt" "${OSSL_SRV[@]}" -accept "$port" "$@"
      wait_port "$port"
      java_client -Djavax.net.ssl.keyStore="$KS/multi.$store" -Djavax.net.ssl.keyStorePassword=$PASS \
        -Djavax.net.ssl.keyStoreType="$( [ $store = jks ] && echo JKS || echo PKCS12 )" \
        -Djava.security.properties="$work/$(echo $km | tr A-Z a-z).security" "${TRUST[@]}" SoapClient "https://partner.test:$port/orders" \
        | sed "s/^/[$port $store $km] /" >&2
      srv_stop
      i=$((i + 1))
    done
  done
}
group 8700 -CAfile "$PKI/partner-cas.pem"
group 8704 -CAfile "$PKI/partner-cas.pem" "${RSA_ONLY[@]}"
group 8708 -CAfile "$PKI/other-root.pem" "${RSA_ONLY[@]}"
group 8712 -no-CAfile -verifyCAfile "$PKI/partner-cas.pem" "${RSA_ONLY[@]}"
cap_stop "$out"
log "identity-choice.pcap: $(tshark -r "$out" -Y 'tls.handshake.type == 11' 2>/dev/null | wc -l) Certificate messages"
