#!/usr/bin/env bash
# A real tcpdump ring buffer holding one TLS connection that spans its three files: the seed case
# (openssl s_server -Verify 2 asks for a certificate from Partner Issuing CA / Partner Root CA;
# openssl s_client has none and sends an empty Certificate; the server answers handshake_failure),
# made slow by a small TCP relay on loopback (scripts/slow-relay.py) that holds each chunk from
# the client for 1.1 s — as a slow client or a proxy would — captured on the relay→server leg by
#   tcpdump -i lo -G 1 -W 3 -w ring-%s.pcap "tcp port 8460"   (a new file every second, 3 at most)
# and copied to captures/ring/dump0.pcap, dump1.pcap, dump2.pcap in time order (tcpdump names
# them by start time). Expected split: dump0 the TCP handshake; dump1 the ClientHello and the
# server's flight with the CertificateRequest; dump2 the client's empty Certificate, the alert and
# the close. tcpdump -G rotates on the first packet at least one second (by time(), whole
# seconds) after a file was opened, so the run is repeated (at most 5 times) until that split
# holds. Needs root (tcpdump). Run: sudo captures/scripts/ring.sh
set -u
. "$(dirname "$0")/lib.sh"
cd "$CAPDIR"
pki_init
PORT=8460
RELAY_PORT=8461
OUT=$CAPDIR/ring
TMP=$(mktemp -d /tmp/tlsdiag-inputs-ring.XXXXXX)
RELAY_PID=""

cleanup() {
  [ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null && wait "$CAP_PID" 2>/dev/null
  [ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null && wait "$RELAY_PID" 2>/dev/null
  CAP_PID=""; RELAY_PID=""
  srv_stop
  rm -rf "$TMP"
}
trap cleanup EXIT

# The frame numbers (in file $1) of TLS handshake messages of type $2 sent from port $3 or not.
has_msg() { # file type from-server(1|0)
  local f=$1 t=$2 srv=$3 filt
  if [ "$srv" = 1 ]; then filt="tcp.srcport == $PORT"; else filt="tcp.dstport == $PORT"; fi
  tshark -r "$f" -Y "tls.handshake.type == $t && $filt" -T fields -e frame.number 2>/dev/null | grep -q .
}
has_alert() { tshark -r "$1" -Y "tls.alert_message && tcp.srcport == $PORT" -T fields -e frame.number 2>/dev/null | grep -q .; }

attempt() {
  rm -f "$TMP"/ring-*.pcap
  srv_start 10 openssl s_server -cert "$PKI/server.pem" -key "$PKI/server.key" \
    -cert_chain "$PKI/partner-issuing.pem" -accept "$PORT" -tls1_2 -Verify 2 \
    -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$PORT" || return 1
  python3 "$CAPDIR/scripts/slow-relay.py" "$RELAY_PORT" "$PORT" 1.1 &
  RELAY_PID=$!
  wait_port "$RELAY_PORT" || return 1
  # Start just after a whole second, so the first file lasts nearly a second.
  python3 -c 'import time; time.sleep(1.02 - time.time() % 1)'
  # -Z root: tcpdump drops to its own user after the first file and could not create the next.
  tcpdump -i lo --immediate-mode -U -Z root -G 1 -W 3 -w "$TMP/ring-%s.pcap" "tcp port $PORT" \
    2>"$TMP/tcpdump.log" &
  CAP_PID=$!
  local i
  for i in $(seq 1 100); do grep -q "listening on" "$TMP/tcpdump.log" && break; sleep 0.02; done
  (sleep 4) | timeout 10 openssl s_client -connect "127.0.0.1:$RELAY_PORT" -tls1_2 \
    -servername partner.test -CAfile "$PKI/partner-root.pem" >/dev/null 2>&1
  wait "$RELAY_PID" 2>/dev/null; RELAY_PID=""
  sleep 0.5
  kill "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null; CAP_PID=""
  srv_stop
  mapfile -t files < <(ls "$TMP"/ring-*.pcap 2>/dev/null | sort)
  for f in "${files[@]}"; do
    log "  $(basename "$f"): $(tshark -r "$f" -T fields -e _ws.col.Info 2>/dev/null | tr '\n' ';' | cut -c1-300)"
  done
  [ "${#files[@]}" -eq 3 ] || { log "got ${#files[@]} files"; return 1; }
  has_msg "${files[1]}" 1 0 || { log "ClientHello not in the second file"; return 1; }
  has_msg "${files[1]}" 13 1 || { log "CertificateRequest not in the second file"; return 1; }
  has_msg "${files[2]}" 11 0 || { log "client Certificate not in the third file"; return 1; }
  has_alert "${files[2]}" || { log "server alert not in the third file"; return 1; }
  mkdir -p "$OUT"
  for i in 0 1 2; do cp "${files[$i]}" "$OUT/dump$i.pcap"; done
  return 0
}

for n in 1 2 3 4 5; do
  log "ring: attempt $n"
  attempt && { log "ring: wrote $OUT/dump0.pcap dump1.pcap dump2.pcap"; exit 0; }
done
log "ring: no attempt split the handshake over three files"
exit 1
