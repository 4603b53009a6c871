#!/usr/bin/env bash
# javax.net.debug logs from real JDK runs, each beside the pcap of the same run (tcpdump on lo),
# for the log reader (src/jsselog/) and its log-vs-wire tests. JSSE clients (java/SoapClient,
# java/ParallelClient) against openssl s_server on loopback. Needs root (tcpdump).
# Run: sudo captures/scripts/jsselog.sh [name...]; writes captures/jsselog/<name>.{log,pcap}.
# The log is what the application's console shows: stdout and stderr of the JVM, in one file.
# JDK 17 is Debian's openjdk-17 (`java` on PATH); the jdk25-* runs use JAVA25 (default: the
# Temurin 25 JDK when installed at /usr/lib/jvm/temurin-25-jdk-amd64) and are skipped without it.
set -u
. "$(dirname "$0")/lib.sh"
cd "$CAPDIR"
pki_init
OUTDIR=$CAPDIR/jsselog
mkdir -p "$OUTDIR"
JAVA17=${JAVA17:-java}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
CLASSES=$CAPDIR/java/classes
OSSL_SRV=(openssl s_server -cert "$PKI/server.pem" -key "$PKI/server.key" -cert_chain "$PKI/partner-issuing.pem")
ASK=(-Verify 2 -CAfile "$PKI/partner-cas.pem")
JKS_SSOS=(-Djavax.net.ssl.keyStore="$KS/ssos.jks" -Djavax.net.ssl.keyStorePassword=$PASS)
JKS_GOOD=(-Djavax.net.ssl.keyStore="$KS/client.jks" -Djavax.net.ssl.keyStorePassword=$PASS)
TRUST=(-Djavax.net.ssl.trustStore="$KS/truststore.jks" -Djavax.net.ssl.trustStorePassword=$PASS)
UNTRUST=(-Djavax.net.ssl.trustStore="$KS/empty-truststore.jks" -Djavax.net.ssl.trustStorePassword=$PASS)
HTTP_OK=$CAPDIR/scripts/http-200.txt

compile() {
  mkdir -p "$CLASSES"
  # --release 11: the same classes run on every JDK the script uses.
  [ -f "$CLASSES/SoapClient.class" ] || javac --release 11 -d "$CLASSES" "$CAPDIR/java/SoapClient.java"
  [ -f "$CLASSES/ParallelClient.class" ] || javac --release 11 -d "$CLASSES" "$CAPDIR/java/ParallelClient.java"
}

jrun() { # name javabin debug-spec java-args... : the JVM's stdout+stderr into jsselog/<name>.log
  local name=$1 jbin=$2 spec=$3; shift 3
  timeout 25 "$jbin" -Djavax.net.debug="$spec" -Djdk.net.hosts.file="$CAPDIR/java/hosts" -cp "$CLASSES" "$@" \
    >"$OUTDIR/$name.log" 2>&1 || true
}

# one NAME JAVA SPEC PORT SERVER-ARGS(;-separated from client args by --) CLIENT-JAVA-ARGS...
# One server (answering HTTP 200 when FEED=1), one client run, one pcap.
one() {
  local name=$1 jbin=$2 spec=$3 port=$4; shift 4
  local srv=() ; while [ $# -gt 0 ] && [ "$1" != -- ]; do srv+=("$1"); shift; done; shift
  cap_start "$OUTDIR/$name.pcap" "tcp port $port"
  if [ "${FEED:-0}" = 1 ]; then
    srv_feed 10 3 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "$port" "${srv[@]}" -naccept 1
  else
    srv_start 10 "${OSSL_SRV[@]}" -accept "$port" "${srv[@]}" -naccept 1
  fi
  wait_port "$port"
  jrun "$name" "$jbin" "$spec" "$@" SoapClient "https://partner.test:$port/orders"
  srv_stop; cap_stop "$OUTDIR/$name.pcap"
}

# Two servers and one JVM calling both at once from a two-thread pool: the seed case (TLS 1.2,
# asks for a Partner CA certificate) and a server that asks for nothing (TLS 1.3, answers 200).
parallel() {
  local name=$1 jbin=$2 spec=$3 p1=$4 p2=$5
  cap_start "$OUTDIR/$name.pcap" "tcp port $p1 or tcp port $p2"
  srv_start 10 "${OSSL_SRV[@]}" -accept "$p1" -tls1_2 "${ASK[@]}" -naccept 1
  local first=$SRV_PID
  srv_feed 10 3 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "$p2" -tls1_3 -naccept 1
  wait_port "$p1"; wait_port "$p2"
  jrun "$name" "$jbin" "$spec" "${JKS_SSOS[@]}" "${TRUST[@]}" ParallelClient \
    "https://partner.test:$p1/orders" "https://partner.test:$p2/orders"
  srv_stop; SRV_PID=$first; srv_stop; cap_stop "$OUTDIR/$name.pcap"
}

run() { # name function args...
  local name=$1; shift
  if [ -n "${ONLY:-}" ] && ! printf '%s\n' $ONLY | grep -qx "$name"; then return 0; fi
  log "$name"
  "$@"
}

compile
ONLY="${*:-}"
J=$JAVA17
# The seed case as a log: ssos.jks (self-signed "ssos" only), TLS 1.2 server asking for a
# Partner CA certificate -> "No X.509 cert selected", empty Certificate, fatal handshake_failure.
run jdk17-seed-tls12 one jdk17-seed-tls12 "$J" ssl:handshake 8611 -tls1_2 "${ASK[@]}" -- "${JKS_SSOS[@]}" "${TRUST[@]}"
# TLS 1.3: the CertificateRequest (with certificate_authorities) is encrypted on the wire; the
# log shows it; the server answers the empty Certificate with certificate_required.
run jdk17-tls13-empty one jdk17-tls13-empty "$J" ssl:handshake 8612 -tls1_3 "${ASK[@]}" -- "${JKS_SSOS[@]}" "${TRUST[@]}"
FEED=1 run jdk17-mtls-tls12 one jdk17-mtls-tls12 "$J" ssl:handshake 8613 -tls1_2 "${ASK[@]}" -- "${JKS_GOOD[@]}" "${TRUST[@]}"
FEED=1 run jdk17-mtls-tls13 one jdk17-mtls-tls13 "$J" ssl:handshake 8614 -tls1_3 "${ASK[@]}" -- "${JKS_GOOD[@]}" "${TRUST[@]}"
# The client's truststore holds only "Other Root CA": JSSE rejects the server's chain.
run jdk17-client-untrusts one jdk17-client-untrusts "$J" ssl:handshake 8615 -tls1_2 -- "${UNTRUST[@]}"
# Verbosity: `all` (records, plaintext dumps, key/trust managers) on the TLS 1.3 empty case and
# `ssl` (every ssl component: shows which keystore and truststore were loaded) on the seed case.
run jdk17-tls13-empty-all one jdk17-tls13-empty-all "$J" all 8616 -tls1_3 "${ASK[@]}" -- "${JKS_SSOS[@]}" "${TRUST[@]}"
run jdk17-seed-tls12-ssl one jdk17-seed-tls12-ssl "$J" ssl 8617 -tls1_2 "${ASK[@]}" -- "${JKS_SSOS[@]}" "${TRUST[@]}"
run jdk17-parallel parallel jdk17-parallel "$J" ssl:handshake 8618 8619
if [ -x "$JAVA25" ]; then
  run jdk25-seed-tls12 one jdk25-seed-tls12 "$JAVA25" ssl:handshake 8620 -tls1_2 "${ASK[@]}" -- "${JKS_SSOS[@]}" "${TRUST[@]}"
  run jdk25-tls13-empty one jdk25-tls13-empty "$JAVA25" ssl:handshake 8621 -tls1_3 "${ASK[@]}" -- "${JKS_SSOS[@]}" "${TRUST[@]}"
else
  log "no JDK at $JAVA25: jdk25-* skipped"
fi
log "done"
