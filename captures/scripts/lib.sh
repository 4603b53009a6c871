#!/usr/bin/env bash
# Shared helpers for generating captures with REAL TLS stacks on loopback (or in network
# namespaces we create). Everything started here is stopped by PID; every wait is bounded.
#
#   pki_init                      create captures/pki and captures/keystores (idempotent)
#   cap_start OUT FILTER [IFACE] [extra tcpdump args...]   start tcpdump, wait until it listens
#   cap_stop                      stop tcpdump (flushes) and wait for it
#   srv_start SECONDS CMD...      run a server with stdin held open for SECONDS; sets SRV_PID
#   srv_feed SECONDS DELAY FILE CMD...  like srv_start, but writes FILE to the server's stdin
#                                 after DELAY seconds (openssl s_server sends it to the client)
#   wait_port PORT                wait (max 10 s) until 127.0.0.1:PORT accepts
#   srv_stop                      stop the server
#   java_client ARGS...           run captures/java/SoapClient (compiled on demand), timeout 20 s
set -u
CAPDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PKI=$CAPDIR/pki
KS=$CAPDIR/keystores
PASS=changeit
CAP_PID=""
SRV_PID=""

log() { printf '[captures] %s\n' "$*" >&2; }

cert() { # name subject issuer(name|self) extensions-section [days] [keytype]
  local name=$1 subj=$2 issuer=$3 ext=$4 days=${5:-3650} kt=${6:-rsa:2048}
  [ -f "$PKI/$name.pem" ] && return 0
  openssl req -new -newkey "$kt" -nodes -keyout "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  if [ "$issuer" = self ]; then
    openssl x509 -req -in "$PKI/$name.csr" -signkey "$PKI/$name.key" -days "$days" -sha256 \
      -extfile "$PKI/ext.cnf" -extensions "$ext" -out "$PKI/$name.pem" 2>/dev/null
  else
    openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$issuer.pem" -CAkey "$PKI/$issuer.key" -CAcreateserial \
      -days "$days" -sha256 -extfile "$PKI/ext.cnf" -extensions "$ext" -out "$PKI/$name.pem" 2>/dev/null
  fi
  rm -f "$PKI/$name.csr"
}

pki_init() {
  mkdir -p "$PKI" "$KS"
  cat > "$PKI/ext.cnf" <<'CNF'
[ca]
basicConstraints=critical,CA:true
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[server]
basicConstraints=CA:false
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:partner.test,DNS:localhost,IP:127.0.0.1,IP:::1
[client]
basicConstraints=CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
[selfsigned]
basicConstraints=CA:false
keyUsage=digitalSignature,keyEncipherment
CNF
  cert partner-root "/C=DE/O=Partner Corp/CN=Partner Root CA" self ca
  cert partner-issuing "/C=DE/O=Partner Corp/CN=Partner Issuing CA" partner-root ca
  cert server "/C=DE/O=Partner Corp/CN=partner.test" partner-issuing server 825
  cert client "/C=US/O=Customer Inc/CN=customer-client" partner-issuing client 825
  cert other-root "/C=US/O=Other Trust Services/CN=Other Root CA" self ca
  cert client-other "/C=US/O=Customer Inc/CN=customer-client" other-root client 825
  # webMethods Integration Server ships a self-signed default key alias "ssos".
  cert ssos "/C=US/O=Software AG/OU=Integration Server/CN=ssos" self selfsigned
  cat "$PKI/server.pem" "$PKI/partner-issuing.pem" > "$PKI/server-chain.pem"
  cat "$PKI/partner-issuing.pem" "$PKI/partner-root.pem" > "$PKI/partner-cas.pem"
  echo "$PASS" > "$KS/password.txt"
  if [ ! -f "$KS/ssos.jks" ]; then
    openssl pkcs12 -export -in "$PKI/ssos.pem" -inkey "$PKI/ssos.key" -name ssos -passout "pass:$PASS" -out "$KS/ssos.p12"
    keytool -importkeystore -srckeystore "$KS/ssos.p12" -srcstoretype PKCS12 -srcstorepass "$PASS" \
      -destkeystore "$KS/ssos.jks" -deststoretype JKS -deststorepass "$PASS" -noprompt 2>/dev/null
    rm -f "$KS/ssos.p12"
  fi
  if [ ! -f "$KS/client.jks" ]; then
    openssl pkcs12 -export -in "$PKI/client.pem" -inkey "$PKI/client.key" -certfile "$PKI/partner-issuing.pem" \
      -name client -passout "pass:$PASS" -out "$KS/client.p12"
    keytool -importkeystore -srckeystore "$KS/client.p12" -srcstoretype PKCS12 -srcstorepass "$PASS" \
      -destkeystore "$KS/client.jks" -deststoretype JKS -deststorepass "$PASS" -noprompt 2>/dev/null
  fi
  if [ ! -f "$KS/truststore.jks" ]; then
    keytool -importcert -noprompt -alias partner-root -file "$PKI/partner-root.pem" \
      -keystore "$KS/truststore.jks" -storetype JKS -storepass "$PASS" 2>/dev/null
  fi
  if [ ! -f "$KS/empty-truststore.jks" ]; then
    keytool -importcert -noprompt -alias other-root -file "$PKI/other-root.pem" \
      -keystore "$KS/empty-truststore.jks" -storetype JKS -storepass "$PASS" 2>/dev/null
  fi
}

cap_start() {
  local out=$1 filter=$2 iface=${3:-lo}
  shift 3 2>/dev/null || shift $#
  rm -f "$out"
  # --immediate-mode: without it libpcap hands packets over in blocks (up to a second late) and
  # the last packets before the stop would be lost.
  tcpdump -i "$iface" --immediate-mode -U -w "$out" "$@" "$filter" 2>"$out.tcpdump.log" &
  CAP_PID=$!
  local i
  for i in $(seq 1 100); do
    grep -q "listening on" "$out.tcpdump.log" 2>/dev/null && break
    sleep 0.05
  done
  sleep 0.2
}

cap_stop() {
  sleep 0.4
  [ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null && wait "$CAP_PID" 2>/dev/null
  CAP_PID=""
  rm -f "$1.tcpdump.log" 2>/dev/null || true
}

srv_start() {
  local secs=$1; shift
  (sleep "$secs" | "$@" >/tmp/tlsdiag-srv.log 2>&1) &
  SRV_PID=$!
}

srv_feed() {
  local secs=$1 delay=$2 file=$3; shift 3
  ( (sleep "$delay"; cat "$file"; sleep "$secs") | "$@" >/tmp/tlsdiag-srv.log 2>&1) &
  SRV_PID=$!
}

wait_port() {
  local i
  for i in $(seq 1 100); do
    # Look, don't touch: a test connection would be the server's one accepted client.
    ss -ltnH "sport = :$1" 2>/dev/null | grep -q . && return 0
    sleep 0.1
  done
  log "port $1 never opened"; return 1
}

srv_stop() {
  [ -n "$SRV_PID" ] || return 0
  # The server runs in a subshell pipeline: stop its children (by parent PID), then it.
  local c
  for c in $(ps -o pid= --ppid "$SRV_PID" 2>/dev/null); do kill "$c" 2>/dev/null || true; done
  kill "$SRV_PID" 2>/dev/null || true
  wait "$SRV_PID" 2>/dev/null || true
  SRV_PID=""
}

java_client() {
  local classes=$CAPDIR/java/classes
  if [ ! -f "$classes/SoapClient.class" ]; then
    mkdir -p "$classes" && javac -d "$classes" "$CAPDIR/java/SoapClient.java"
  fi
  timeout 20 java -Djdk.net.hosts.file="$CAPDIR/java/hosts" -cp "$classes" "$@" || true
}
