#!/usr/bin/env bash
# HTTP authentication inside captured connections (issue 14 §4): curl against the auth-lab SOAP
# server (scripts/auth-lab: a throwaway MIT realm with its KDC on loopback, Debian's
# python3-gssapi behind Python's ssl), with SSLKEYLOGFILE, captured by tcpdump on lo.
#
#   captures/scripts/http-auth.sh          writes into captures/:
#   http-negotiate-401.pcap/.keylog   TLS 1.3; curl --negotiate without a Kerberos ticket: the
#                                     server's 401 `WWW-Authenticate: Negotiate` ends it
#   http-negotiate-ok.pcap/.keylog    TLS 1.2 (ECDHE-RSA-AES128-GCM-SHA256); after kinit: 401
#                                     Negotiate, then the SPNEGO token on the same connection,
#                                     200 with the mutual-authentication token
#   http-basic-plain.pcap             plain HTTP; curl -u (from a netrc file, never argv) sends
#                                     Basic preemptively; the server answers 200
#
# Needs: curl, tcpdump, krb5-kdc, krb5-admin-server, krb5-user, python3-gssapi (scripts/setup.sh).
# Everything started here is stopped by PID; every wait is bounded.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$CAPDIR"
REPO=$(cd "$CAPDIR/.." && pwd)
T=$(mktemp -d /tmp/tlsdiag-httpauth.XXXXXX)
KDC_PID=""
WEB_PID=""
cleanup() {
  [ -n "$WEB_PID" ] && kill "$WEB_PID" 2>/dev/null || true
  [ -n "$KDC_PID" ] && kill "$KDC_PID" 2>/dev/null || true
  [ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then log "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The realm and its KDC.
KDC_PORT=$(free_port)
bash "$REPO/scripts/auth-lab/realm.sh" "$T/realm" "$KDC_PORT" >/dev/null
export KRB5_CONFIG=$T/realm/krb5.conf KRB5_KDC_PROFILE=$T/realm/kdc.conf
krb5kdc -n >"$T/kdc.out" 2>&1 &
KDC_PID=$!
wait_port "$KDC_PORT"

# web_start ARGS...: the SOAP server on a free port; sets WEB_PORT.
web_start() {
  KRB5_KTNAME=$T/realm/http.keytab timeout 120 /usr/bin/python3 "$REPO/scripts/auth-lab/soap_server.py" \
    --port 0 --max-seconds 110 "$@" >"$T/web.out" 2>"$T/web.err" &
  WEB_PID=$!
  local i
  for i in $(seq 1 100); do
    WEB_PORT=$(awk '/^PORT /{print $2}' "$T/web.out" 2>/dev/null)
    [ -n "$WEB_PORT" ] && return 0
    sleep 0.1
  done
  log "SOAP server did not start: $(cat "$T/web.err")"; return 1
}
web_stop() { kill "$WEB_PID" 2>/dev/null || true; wait "$WEB_PID" 2>/dev/null || true; WEB_PID=""; }

ENVELOPE='<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ping/></soapenv:Body></soapenv:Envelope>'
soap_curl() { # KEYLOG URL [curl args...]
  local keylog=$1 url=$2; shift 2
  SSLKEYLOGFILE=$keylog timeout 20 curl -sS -o "$T/body" -w '%{http_code}\n' \
    -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: "urn:tlsdiag:Ping"' \
    --data-binary "$ENVELOPE" "$@" "$url" || true
}

web_start --auth negotiate --cert "$PKI/server-chain.pem" --key "$PKI/server.key"
URL="https://localhost:$WEB_PORT/soap"

# 1. No ticket: 401 Negotiate (TLS 1.3).
rm -f http-negotiate-401.keylog
cap_start http-negotiate-401.pcap "tcp port $WEB_PORT"
KRB5CCNAME=FILE:$T/no-such-ccache soap_curl "$PWD/http-negotiate-401.keylog" "$URL" \
  --cacert "$PKI/partner-root.pem" --negotiate -u : --tlsv1.3 >"$T/code1"
cap_stop http-negotiate-401.pcap
log "no ticket: HTTP $(cat "$T/code1")"

# 2. With a ticket from kinit: 401, then Negotiate, then 200 (TLS 1.2, AES-GCM).
export KRB5CCNAME=FILE:$T/ccache
kinit alice <"$T/realm/alice.password" >/dev/null
rm -f http-negotiate-ok.keylog
cap_start http-negotiate-ok.pcap "tcp port $WEB_PORT"
soap_curl "$PWD/http-negotiate-ok.keylog" "$URL" --cacert "$PKI/partner-root.pem" --negotiate -u : \
  --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 >"$T/code2"
cap_stop http-negotiate-ok.pcap
log "with a ticket: HTTP $(cat "$T/code2")"
web_stop

# 3. Basic over plain HTTP: curl sends it with the first request.
printf 'alice-Basic-Secret-7\n' >"$T/basic.password"
web_start --plain --auth basic --basic-user alice --basic-password-file "$T/basic.password" --realm Legacy
printf 'machine localhost login alice password alice-Basic-Secret-7\n' >"$T/netrc"
cap_start http-basic-plain.pcap "tcp port $WEB_PORT"
soap_curl /dev/null "http://localhost:$WEB_PORT/soap" --netrc-file "$T/netrc" --basic >"$T/code3"
cap_stop http-basic-plain.pcap
log "Basic over plain HTTP: HTTP $(cat "$T/code3")"
web_stop

[ "$(cat "$T/code1")" = 401 ] && [ "$(cat "$T/code2")" = 200 ] && [ "$(cat "$T/code3")" = 200 ] \
  || { log "unexpected status codes"; exit 1; }
log "wrote http-negotiate-401.pcap/.keylog, http-negotiate-ok.pcap/.keylog, http-basic-plain.pcap"
