# Sourced by generate.sh: the diagnosis-rule scenarios and the capture-format variants.
# Same helpers (lib.sh), same rules: real stacks, loopback or our own namespaces, stop by PID.

expired_certs() {
  [ -f "$PKI/client-expired.pem" ] && [ -f "$PKI/server-expired.pem" ] && return 0
  local d; d=$(mktemp -d)
  mkdir -p "$d/newcerts"; : > "$d/index.txt"; echo 1000 > "$d/serial"
  cat > "$d/ca.cnf" <<CNF
[ca]
default_ca=x
[x]
dir=$d
database=$d/index.txt
new_certs_dir=$d/newcerts
serial=$d/serial
default_md=sha256
policy=p
copy_extensions=none
[p]
commonName=supplied
countryName=optional
organizationName=optional
CNF
  for who in client server; do
    local ext=$who subj="/C=US/O=Customer Inc/CN=customer-client-2020"
    [ "$who" = server ] && subj="/C=DE/O=Partner Corp/CN=partner.test"
    openssl req -new -newkey rsa:2048 -nodes -keyout "$PKI/$who-expired.key" -subj "$subj" -out "$d/$who.csr" 2>/dev/null
    openssl ca -batch -config "$d/ca.cnf" -cert "$PKI/partner-issuing.pem" -keyfile "$PKI/partner-issuing.key" \
      -startdate 20200101000000Z -enddate 20210101000000Z -extfile "$PKI/ext.cnf" -extensions "$ext" \
      -in "$d/$who.csr" -out "$PKI/$who-expired.pem" >/dev/null 2>&1
  done
  rm -rf "$d"
}

ossl_client() { # port [s_client args...]: connect, send a small request after 1 s, stay 2 s
  local port=$1; shift
  (sleep 1; printf 'POST /orders HTTP/1.1\r\nHost: partner.test\r\nContent-Length: 0\r\n\r\n'; sleep 2) |
    timeout 8 openssl s_client -connect "127.0.0.1:$port" "$@" >/dev/null 2>&1
}

empty_ca_list() { # the server accepts any issuer; the JSSE client has no keystore at all
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -no_ca_names -naccept 1
  wait_port "$port"
  java_client "${TRUST[@]}" SoapClient "https://partner.test:$port/orders"
  srv_stop; cap_stop "$out"
}

client_expired() {
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -verify_return_error -naccept 1
  wait_port "$port"
  ossl_client "$port" -servername partner.test -CAfile "$PKI/partner-root.pem" \
    -cert "$PKI/client-expired.pem" -key "$PKI/client-expired.key" -cert_chain "$PKI/partner-issuing.pem"
  srv_stop; cap_stop "$out"
}

hostname_mismatch() { # JSSE calls the server by a name its certificate does not carry
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -naccept 1
  wait_port "$port"
  java_client "${TRUST[@]}" SoapClient "https://wrong-name.test:$port/orders"
  srv_stop; cap_stop "$out"
}

server_expired() {
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 openssl s_server -cert "$PKI/server-expired.pem" -key "$PKI/server-expired.key" -cert_chain "$PKI/partner-issuing.pem" \
    -accept "$port" -tls1_2 -naccept 1
  wait_port "$port"
  java_client "${TRUST[@]}" SoapClient "https://partner.test:$port/orders"
  srv_stop; cap_stop "$out"
}

protocol_version() {
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_3 -naccept 1
  wait_port "$port"
  ossl_client "$port" -tls1_2 -servername partner.test
  srv_stop; cap_stop "$out"
}

jsse_no_sigalg() { # JSSE aborts itself: the server's signature algorithms are none it will use
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" \
    -client_sigalgs RSA+SHA384 -naccept 1
  wait_port "$port"
  java_client -Djdk.tls.client.SignatureSchemes=rsa_pss_rsae_sha256,rsa_pkcs1_sha256 \
    "${JKS_GOOD[@]}" "${TRUST[@]}" SoapClient "https://partner.test:$port/orders"
  srv_stop; cap_stop "$out"
}

unrecognized_name() {
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -servername partner.test \
    -cert2 "$PKI/server.pem" -key2 "$PKI/server.key" -servername_fatal -naccept 1
  wait_port "$port"
  ossl_client "$port" -servername old-partner.test
  srv_stop; cap_stop "$out"
}

sni_ip() { # an IP literal sent as server name (RFC 6066 forbids it; OpenSSL's -servername sends it)
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -naccept 1
  wait_port "$port"
  ossl_client "$port" -servername 127.0.0.1
  srv_stop; cap_stop "$out"
}

no_sni() { # the seed call by IP address: JSSE sends no SNI for an IP literal
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$port"
  java_client "${JKS_SSOS[@]}" "${TRUST[@]}" SoapClient "https://127.0.0.1:$port/orders"
  srv_stop; cap_stop "$out"
}

renegotiation() { # IIS style: the server asks for the client certificate by renegotiation after the request
  # [extra s_client args]: the CBC variants pick the suites older IIS prefers (AES-CBC with
  # HMAC), with and without encrypt_then_mac (RFC 7366; SChannel and JSSE never negotiate it).
  local out=$1 port=$2 keylog=${1%.pcap}.keylog; shift 2
  rm -f "$keylog"
  cap_start "$out" "tcp port $port"
  local feed; feed=$(mktemp)
  printf 'R\n' > "$feed"
  # No client certificate in the first handshake; the "R" command renegotiates and requests one
  # (no session cache or tickets, so the renegotiation is a full handshake).
  srv_feed 8 2 "$feed" "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -CAfile "$PKI/partner-cas.pem" -no_cache -no_ticket -naccept 1
  wait_port "$port"
  ossl_client "$port" -tls1_2 -servername partner.test -CAfile "$PKI/partner-root.pem" \
    -cert "$PKI/client.pem" -key "$PKI/client.key" -cert_chain "$PKI/partner-issuing.pem" -keylogfile "$keylog" "$@"
  srv_stop; cap_stop "$out"; rm -f "$feed"
}

legacy_tls() { # a legacy TLS 1.0/1.1 server (AES-CBC-SHA) and its client's key log
  # [version flag]: -tls1_1 (explicit IVs) or -tls1 (IVs chained from record to record)
  local out=$1 port=$2 keylog=${1%.pcap}.keylog; shift 2
  local ver=("$@")
  rm -f "$keylog"
  cap_start "$out" "tcp port $port"
  srv_feed 8 2 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "$port" "${ver[@]}" -cipher 'DEFAULT:@SECLEVEL=0' -naccept 1
  wait_port "$port"
  ossl_client "$port" "${ver[@]}" -cipher 'DEFAULT:@SECLEVEL=0' -servername partner.test -CAfile "$PKI/partner-root.pem" -keylogfile "$keylog"
  srv_stop; cap_stop "$out"
}

overlap() { # two calls that overlap: A starts first and ends last, B starts later and ends first
  # (two servers, one client each), so connections end in another order than they start
  local out=$1 port=$2 port2=$(( $2 + 1 ))
  cap_start "$out" "tcp port $port or tcp port $port2"
  srv_feed 8 3 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -naccept 1
  local srv_a=$SRV_PID
  srv_feed 8 1 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "$port2" -tls1_3 -naccept 1
  local srv_b=$SRV_PID
  wait_port "$port"; wait_port "$port2"
  ossl_client "$port" -servername partner.test -CAfile "$PKI/partner-root.pem" &
  local cli_a=$!
  sleep 0.3
  (sleep 0.3; printf 'POST /b HTTP/1.1\r\nHost: partner.test\r\nContent-Length: 0\r\n\r\n'; sleep 1) |
    timeout 8 openssl s_client -connect "127.0.0.1:$port2" -servername partner.test -CAfile "$PKI/partner-root.pem" >/dev/null 2>&1
  wait "$cli_a" 2>/dev/null || true
  SRV_PID=$srv_b; srv_stop
  SRV_PID=$srv_a; srv_stop
  cap_stop "$out"
}

pha() { # TLS 1.3 post-handshake authentication: s_server's "c" command, client offered it
  local out=$1 port=$2 keylog=${1%.pcap}.keylog
  rm -f "$keylog"
  cap_start "$out" "tcp port $port"
  local feed; feed=$(mktemp)
  printf 'c\n' > "$feed"
  srv_feed 8 2 "$feed" "${OSSL_SRV[@]}" -accept "$port" -tls1_3 -verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$port"
  ossl_client "$port" -enable_pha -servername partner.test -CAfile "$PKI/partner-root.pem" \
    -cert "$PKI/client.pem" -key "$PKI/client.key" -keylogfile "$keylog"
  srv_stop; cap_stop "$out"; rm -f "$feed"
}

key_update() { # TLS 1.3 KeyUpdate: s_server's "k" command after the request; the client's key log beside it
  local out=$1 port=$2 keylog=${1%.pcap}.keylog
  rm -f "$keylog"
  cap_start "$out" "tcp port $port"
  local feed; feed=$(mktemp)
  printf 'k\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' > "$feed"
  srv_feed 8 2 "$feed" "${OSSL_SRV[@]}" -accept "$port" -tls1_3 -naccept 1
  wait_port "$port"
  ossl_client "$port" -servername partner.test -CAfile "$PKI/partner-root.pem" -keylogfile "$keylog"
  srv_stop; cap_stop "$out"; rm -f "$feed"
}

ipv6_mtls() { # pcapng from dumpcap on two interfaces with different link types (lo: Ethernet,
  # any: Linux cooked), one connection each: mTLS over IPv6 ::1 seen on "any", the seed call on "lo".
  local out=$1 port=$2 port2=$(( $2 + 100 ))
  rm -f "$out"
  dumpcap -q -i any -f "tcp port $port" -i lo -f "tcp port $port2" -w "$out" 2>/dev/null &
  CAP_PID=$!
  sleep 1.5
  srv_feed 10 2 "$HTTP_OK" "${OSSL_SRV[@]}" -accept "[::1]:$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  sleep 0.7
  timeout 10 curl -s -o /dev/null -g --resolve "partner.test:$port:[::1]" --cacert "$PKI/partner-root.pem" \
    --cert "$PKI/client.pem" --key "$PKI/client.key" -H 'Content-Type: text/xml; charset=utf-8' --data '<x/>' \
    "https://partner.test:$port/orders" || true
  srv_stop
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port2" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$port2"
  java_client "${JKS_SSOS[@]}" "${TRUST[@]}" SoapClient "https://partner.test:$port2/orders"
  srv_stop; cap_stop "$out"
}

many_connections() { # ten TLS calls of different kinds, mixed with plain HTTP, in one capture
  local out=$1 base=$2
  cap_start "$out" "tcp portrange $base-$((base + 9))"
  python3 -m http.server --bind 127.0.0.1 $((base + 9)) >/dev/null 2>&1 &
  local http=$!
  local i
  for i in 0 1 2; do
    srv_start 6 "${OSSL_SRV[@]}" -accept $((base + i)) -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
    wait_port $((base + i))
    if [ $i = 1 ]; then
      ossl_client $((base + i)) -servername partner.test -cert "$PKI/client.pem" -key "$PKI/client.key" -cert_chain "$PKI/partner-issuing.pem"
    else
      java_client "${JKS_SSOS[@]}" "${TRUST[@]}" SoapClient "https://partner.test:$((base + i))/orders"
    fi
    srv_stop
    curl -s -o /dev/null "http://127.0.0.1:$((base + 9))/" || true
  done
  for i in 3 4 5 6; do
    srv_feed 6 1 "$HTTP_OK" "${OSSL_SRV[@]}" -accept $((base + i)) -naccept 1
    wait_port $((base + i))
    timeout 8 curl -s -o /dev/null --resolve "partner.test:$((base + i)):127.0.0.1" --cacert "$PKI/partner-root.pem" \
      --data '<x/>' "https://partner.test:$((base + i))/orders" || true
    srv_stop
  done
  srv_start 6 "${OSSL_SRV[@]}" -accept $((base + 7)) -tls1_3 -naccept 1
  wait_port $((base + 7)); ossl_client $((base + 7)) -tls1_2; srv_stop
  srv_start 6 "${OSSL_SRV[@]}" -accept $((base + 8)) -tls1_2 -naccept 1
  wait_port $((base + 8)); java_client SoapClient "https://partner.test:$((base + 8))/orders"; srv_stop
  curl -s -o /dev/null "http://127.0.0.1:$((base + 9))/captures" || true
  kill "$http" 2>/dev/null; wait "$http" 2>/dev/null
  cap_stop "$out"
}

big_chain_mtu() { # a 5-certificate chain and 50 acceptable CA names over a real 1500-byte MTU link
  local out=$1 port=$2 ns1=tlsdiag-c$$ ns2=tlsdiag-s$$
  local d="$PKI/big"; mkdir -p "$d"
  if [ ! -f "$d/cas.pem" ]; then
    local i prev=partner-root
    for i in 1 2 3; do
      cert "big/int$i" "/C=DE/O=Partner Corp/OU=Tier $i/CN=Partner Intermediate CA $i" "$prev" ca 3650 rsa:4096
      prev="big/int$i"
    done
    cert big/server "/C=DE/O=Partner Corp/CN=partner.test" "$prev" server 825 rsa:4096
    cat "$d/int3.pem" "$d/int2.pem" "$d/int1.pem" "$PKI/partner-root.pem" > "$d/chain.pem"
    : > "$d/cas.pem"
    for i in $(seq 1 48); do
      cert "big/ca$i" "/C=DE/O=Partner Group Member $i/OU=Certification Services/CN=Partner Member CA $i" self ca 3650 rsa:1024
      cat "$d/ca$i.pem" >> "$d/cas.pem"
    done
    cat "$PKI/partner-issuing.pem" "$PKI/partner-root.pem" >> "$d/cas.pem"
  fi
  ip netns add "$ns1"; ip netns add "$ns2"
  ip link add veth-c$$ type veth peer name veth-s$$
  ip link set veth-c$$ netns "$ns1"; ip link set veth-s$$ netns "$ns2"
  ip -n "$ns1" addr add 10.99.0.1/24 dev veth-c$$; ip -n "$ns2" addr add 10.99.0.2/24 dev veth-s$$
  ip -n "$ns1" link set veth-c$$ mtu 1500 up; ip -n "$ns2" link set veth-s$$ mtu 1500 up
  ip -n "$ns1" link set lo up; ip -n "$ns2" link set lo up
  ip netns exec "$ns1" ethtool -K veth-c$$ tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec "$ns2" ethtool -K veth-s$$ tso off gso off gro off >/dev/null 2>&1 || true
  rm -f "$out"
  ip netns exec "$ns1" tcpdump -i veth-c$$ --immediate-mode -U -w "$out" "tcp port $port" 2>"$out.log" &
  CAP_PID=$!
  local i; for i in $(seq 1 100); do grep -q "listening on" "$out.log" 2>/dev/null && break; sleep 0.05; done
  (sleep 8 | ip netns exec "$ns2" openssl s_server -accept "$port" -cert "$d/server.pem" -key "$d/server.key" \
     -cert_chain "$d/chain.pem" -tls1_2 -Verify 3 -CAfile "$d/cas.pem" -naccept 1 >/dev/null 2>&1) &
  SRV_PID=$!
  sleep 1.5
  (sleep 2) | timeout 8 ip netns exec "$ns1" openssl s_client -connect "10.99.0.2:$port" -servername partner.test \
    -cert "$PKI/client.pem" -key "$PKI/client.key" -cert_chain "$PKI/partner-issuing.pem" >/dev/null 2>&1
  srv_stop; cap_stop "$out"; rm -f "$out.log"
  ip netns del "$ns1"; ip netns del "$ns2"
}

key_mismatch() { # rustls (our probe) signs CertificateVerify with a key that is not the certificate's
  local out=$1 port=$2 bin=${TLSDIAG:-$CAPDIR/../target/debug/tlsdiag}
  [ -x "$bin" ] || { log "build tlsdiag first (cargo build) or set TLSDIAG"; return 0; }
  cat "$PKI/client.pem" "$PKI/client-other.key" > "$PKI/client-mismatch.pem"
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$port"
  timeout 10 "$bin" probe "https://127.0.0.1:$port/orders" --sni partner.test --identity "$PKI/client-mismatch.pem" \
    --trust "$PKI/partner-root.pem" --tls12 >/dev/null 2>&1
  srv_stop; cap_stop "$out"
}

derived() { # rewrites of real captures: one direction only, handshake missing, a gap, reordered
  editcap -F pcap "$CAPDIR/seed-jsse-empty-cert.pcap" /dev/null 2>/dev/null || true
  tshark -r "$CAPDIR/seed-jsse-empty-cert.pcap" -w "$CAPDIR/derived-one-direction.pcap" -F pcap -Y 'tcp.srcport==8443' 2>/dev/null
  local n; n=$(tshark -r "$CAPDIR/jsse-mtls-ok.pcap" -Y 'tls.app_data' -T fields -e frame.number 2>/dev/null | head -1)
  editcap -F pcap -r "$CAPDIR/jsse-mtls-ok.pcap" "$CAPDIR/derived-handshake-missing.pcap" "$n-1000" 2>/dev/null
  # Drop the first server segment that carries part of the big certificate flight.
  local f; f=$(tshark -r "$CAPDIR/big-chain-mtu1500.pcap" -Y 'tcp.srcport==8460 && tcp.len>0' -T fields -e frame.number 2>/dev/null | sed -n 2p)
  [ -n "$f" ] && editcap -F pcap "$CAPDIR/big-chain-mtu1500.pcap" "$CAPDIR/derived-gap.pcap" "$f" 2>/dev/null
  python3 "$CAPDIR/scripts/reorder.py" "$CAPDIR/big-chain-mtu1500.pcap" "$CAPDIR/derived-reordered-duplicated.pcap"
  python3 "$CAPDIR/scripts/relink.py" "$CAPDIR"
  python3 "$CAPDIR/scripts/synack.py" "$CAPDIR"
}

expired_certs
run empty-ca-list empty_ca_list "$CAPDIR/rule-empty-ca-list.pcap" 8461
run client-expired client_expired "$CAPDIR/rule-client-cert-expired.pcap" 8462
run hostname-mismatch hostname_mismatch "$CAPDIR/rule-hostname-mismatch.pcap" 8463
run server-expired server_expired "$CAPDIR/rule-server-cert-expired.pcap" 8464
run protocol-version protocol_version "$CAPDIR/rule-protocol-version.pcap" 8465
run jsse-no-sigalg jsse_no_sigalg "$CAPDIR/rule-jsse-no-sigalg.pcap" 8466
run unrecognized-name unrecognized_name "$CAPDIR/rule-unrecognized-name.pcap" 8467
run no-sni no_sni "$CAPDIR/rule-no-sni.pcap" 8468
run sni-ip sni_ip "$CAPDIR/rule-sni-ip-literal.pcap" 8473
run renegotiation renegotiation "$CAPDIR/rule-renegotiation.pcap" 8469
run renegotiation-cbc renegotiation "$CAPDIR/rule-renegotiation-cbc-etm.pcap" 8475 -cipher ECDHE-RSA-AES256-SHA384
run renegotiation-cbc-mte renegotiation "$CAPDIR/rule-renegotiation-cbc.pcap" 8476 -cipher ECDHE-RSA-AES128-SHA -no_etm
run pha pha "$CAPDIR/rule-tls13-pha.pcap" 8470
run tls11 legacy_tls "$CAPDIR/tls11-cbc.pcap" 8477 -tls1_1
run tls10 legacy_tls "$CAPDIR/tls10-cbc.pcap" 8490 -tls1 -no_etm
run overlap overlap "$CAPDIR/overlapping-connections.pcap" 8478
run key-update key_update "$CAPDIR/tls13-key-update.pcap" 8474
run ipv6-pcapng ipv6_mtls "$CAPDIR/two-interfaces-ipv6.pcapng" 8471
run many many_connections "$CAPDIR/many-connections.pcap" 8480
run big-chain big_chain_mtu "$CAPDIR/big-chain-mtu1500.pcap" 8460
run key-mismatch key_mismatch "$CAPDIR/rule-key-mismatch.pcap" 8472
run derived derived
