#!/usr/bin/env bash
# Captures for `tlsdiag compare` (docs/compare.md) and for the capture-problem findings (issue 12
# §2 and §6), made with real stacks on loopback: our probe (rustls) and `openssl s_server`,
# `openssl s_client`, tcpdump. Needs root (tcpdump) and a built tlsdiag (cargo build, or TLSDIAG=).
#   compare-probe-unknown-ca.pcap (+ .keylog)        the probe sends customer-client with its chain
#       (2 certificates, issued by Partner Issuing CA, which the server lists) and the server, which
#       verifies client certificates against Other Root CA only (-verifyCAfile), answers unknown_ca;
#       TLS 1.2, saved by the probe itself (--save, --keylog)
#   compare-probe-unknown-ca-tls13.pcap (+ .keylog)  the same in TLS 1.3 (--tls13): encrypted
#       without the key log
#   capture-snaplen-96.pcap                         the seed case (s_client without a certificate
#       against -Verify 2, TLS 1.2) captured with `tcpdump -s 96`: every frame cut to 96 bytes
# Run: sudo captures/scripts/compare.sh [name...]   (names: probe-unknown-ca probe-unknown-ca-tls13 snaplen)
set -u
. "$(dirname "$0")/lib.sh"
cd "$CAPDIR"
pki_init
BIN=${TLSDIAG:-$CAPDIR/../target/debug/tlsdiag}
OSSL_SRV=(openssl s_server -cert "$PKI/server.pem" -key "$PKI/server.key" -cert_chain "$PKI/partner-issuing.pem")
WANT=("$@")

want() { [ ${#WANT[@]} -eq 0 ] && return 0; local w; for w in "${WANT[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }

probe_unknown_ca() { # out port version-flag
  local out=$1 port=$2 ver=$3 id
  [ -x "$BIN" ] || { log "build tlsdiag first (cargo build) or set TLSDIAG"; return 1; }
  id=$(mktemp)
  cat "$PKI/client.pem" "$PKI/partner-issuing.pem" "$PKI/client.key" > "$id"
  rm -f "$out" "${out%.pcap}.keylog"
  # The CA list names the Partner CAs (-CAfile); verification trusts only Other Root CA.
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -Verify 2 -CAfile "$PKI/partner-cas.pem" \
    -verifyCAfile "$PKI/other-root.pem" -verify_return_error -naccept 1
  wait_port "$port"
  timeout 15 "$BIN" probe "https://127.0.0.1:$port/orders" --sni partner.test --identity "$id" \
    --trust "$PKI/partner-root.pem" "$ver" --save "$out" --keylog "${out%.pcap}.keylog" >/dev/null 2>&1
  srv_stop
  rm -f "$id"
  log "$out: $(tshark -r "$out" -Y tls.alert_message -T fields -e tls.alert_message.desc 2>/dev/null | tr '\n' ' ')"
}

snaplen() {
  local out=$1 port=$2
  cap_start "$out" "tcp port $port" lo -s 96
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$port"
  (sleep 1; printf 'POST /orders HTTP/1.1\r\nHost: partner.test\r\nContent-Length: 0\r\n\r\n'; sleep 2) |
    timeout 8 openssl s_client -connect "127.0.0.1:$port" -servername partner.test \
      -CAfile "$PKI/partner-root.pem" >/dev/null 2>&1
  srv_stop; cap_stop "$out"
  log "$out: $(tshark -r "$out" -T fields -e frame.cap_len -e frame.len 2>/dev/null | awk '$1<$2' | wc -l) frames cut"
}

want probe-unknown-ca && probe_unknown_ca "$CAPDIR/compare-probe-unknown-ca.pcap" 8730 --tls12
want probe-unknown-ca-tls13 && probe_unknown_ca "$CAPDIR/compare-probe-unknown-ca-tls13.pcap" 8731 --tls13
want snaplen && snaplen "$CAPDIR/capture-snaplen-96.pcap" 8732
exit 0
