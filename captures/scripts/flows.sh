# Sourced by generate.sh: flow-level classes of traffic seen in the wild (issue 11) — segments
# after a RST, a ClientHello in the SYN (TCP Fast Open), TLS inside IP-in-IP and IPv6-in-IPv4
# tunnels, tiny non-TLS flows. Same helpers (lib.sh), same rules: real stacks, in network
# namespaces created (and deleted) here, everything stopped by PID, every wait bounded.
# Ports 8530-8549. Clients: scripts/flowclient.py (Python's ssl = OpenSSL; the kernel's TCP).

FLOWPY=$CAPDIR/scripts/flowclient.py

ns_pair() { # NS1 NS2 IF1 IF2: a veth pair 10.98.0.1 (NS1) - 10.98.0.2 (NS2), MTU 1500, offloads off
  local ns1=$1 ns2=$2 if1=$3 if2=$4
  ip netns add "$ns1"; ip netns add "$ns2"
  ip link add "$if1" type veth peer name "$if2"
  ip link set "$if1" netns "$ns1"; ip link set "$if2" netns "$ns2"
  ip -n "$ns1" addr add 10.98.0.1/24 dev "$if1"; ip -n "$ns2" addr add 10.98.0.2/24 dev "$if2"
  ip -n "$ns1" link set "$if1" mtu 1500 up; ip -n "$ns2" link set "$if2" mtu 1500 up
  ip -n "$ns1" link set lo up; ip -n "$ns2" link set lo up
  ip netns exec "$ns1" ethtool -K "$if1" tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec "$ns2" ethtool -K "$if2" tso off gso off gro off >/dev/null 2>&1 || true
}

ns_cap_start() { # NS IFACE OUT FILTER
  local ns=$1 iface=$2 out=$3 filter=$4 i
  rm -f "$out"
  ip netns exec "$ns" tcpdump -i "$iface" --immediate-mode -U -w "$out" "$filter" 2>"$out.log" &
  CAP_PID=$!
  for i in $(seq 1 100); do grep -q "listening on" "$out.log" 2>/dev/null && break; sleep 0.05; done
  sleep 0.2
}

ns_wait_port() { # NS PORT: wait (max 10 s) until something listens on PORT in NS
  local i
  for i in $(seq 1 100); do
    ip netns exec "$1" ss -ltnH "sport = :$2" 2>/dev/null | grep -q . && return 0
    sleep 0.1
  done
  log "port $2 never opened in $1"; return 1
}

flow_rst() { # The client resets while the server's flight is still on its way: its Certificate
  # segments reach the client (and the capture) after the client's RST. The server's side of the
  # veth is rate-limited (tbf 200 kbit/s: ~60 ms per full segment; netem is not in this kernel),
  # so the server's ServerHello, Certificate, ServerKeyExchange leave over ~150 ms; the client
  # (flowclient.py rst) resets as soon as the first segment arrives. Captured on the client side.
  local out=$1 port=$2 ns1=tlsdiag-fc$$ ns2=tlsdiag-fs$$
  ns_pair "$ns1" "$ns2" vfc$$ vfs$$
  ip netns exec "$ns2" tc qdisc add dev vfs$$ root tbf rate 200kbit burst 1600 latency 5s
  ns_cap_start "$ns1" vfc$$ "$out" "tcp port $port"
  (sleep 6 | ip netns exec "$ns2" "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -naccept 1 >/dev/null 2>&1) &
  SRV_PID=$!
  ns_wait_port "$ns2" "$port"
  timeout 10 ip netns exec "$ns1" python3 "$FLOWPY" rst 10.98.0.2 "$port" || true
  sleep 1.5
  srv_stop; cap_stop "$out"; rm -f "$out.log"
  ip netns del "$ns1"; ip netns del "$ns2"
}

flow_tfo() { # TCP Fast Open (RFC 7413) on the loopback of a namespace with net.ipv4.tcp_fastopen
  # = 0x403 (client and server on, every listener accepts TFO without setsockopt). Two HTTPS GETs
  # (flowclient.py tfo, TCP_FASTOPEN_CONNECT) to `s_server -www`: the first asks for a cookie,
  # the second sends its ClientHello inside the SYN with that cookie. The client's key log beside it.
  local out=$1 port=$2 ns=tlsdiag-ft$$ keylog=${1%.pcap}.keylog
  rm -f "$keylog"
  ip netns add "$ns"; ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv4.tcp_fastopen=0x403
  ns_cap_start "$ns" lo "$out" "tcp port $port"
  (sleep 8 | ip netns exec "$ns" "${OSSL_SRV[@]}" -accept "$port" -www -naccept 2 >/dev/null 2>&1) &
  SRV_PID=$!
  ns_wait_port "$ns" "$port"
  timeout 15 ip netns exec "$ns" python3 "$FLOWPY" tfo 127.0.0.1 "$port" 2 "$keylog" || true
  srv_stop; cap_stop "$out"; rm -f "$out.log"
  ip netns del "$ns"
}

flow_tunnel() { # OUT PORT MODE(ipip|sit): TLS 1.2 (s_client with the customer-client certificate
  # against `s_server -Verify 2`) through an IP-in-IP (protocol 4) or IPv6-in-IPv4 (protocol 41)
  # tunnel between two namespaces, captured on the veth that carries the outer packets. This
  # kernel has no ipip/sit modules, so each end is scripts/tunnel.py: a TUN device plus a raw
  # socket of that protocol (the kernel writes the outer IPv4 header, as its tunnel driver would).
  local out=$1 port=$2 mode=$3 ns1=tlsdiag-tc$$ ns2=tlsdiag-ts$$ proto a1 a2 plen t1 t2
  if [ "$mode" = sit ]; then proto=41 a1=fd00:97::1 a2=fd00:97::2 plen=64; else proto=4 a1=10.97.0.1 a2=10.97.0.2 plen=30; fi
  ns_pair "$ns1" "$ns2" vtc$$ vts$$
  ns_cap_start "$ns1" vtc$$ "$out" "ip proto $proto"
  ip netns exec "$ns1" timeout 20 python3 "$CAPDIR/scripts/tunnel.py" tun$$ "$proto" 10.98.0.1 10.98.0.2 15 >/dev/null &
  t1=$!
  ip netns exec "$ns2" timeout 20 python3 "$CAPDIR/scripts/tunnel.py" tun$$ "$proto" 10.98.0.2 10.98.0.1 15 >/dev/null &
  t2=$!
  local i
  for i in $(seq 1 50); do
    ip -n "$ns1" link show tun$$ >/dev/null 2>&1 && ip -n "$ns2" link show tun$$ >/dev/null 2>&1 && break
    sleep 0.1
  done
  ip -n "$ns1" addr add "$a1/$plen" dev tun$$; ip -n "$ns2" addr add "$a2/$plen" dev tun$$
  # MTU 1480: the outer header's 20 bytes fit a 1500-byte link, as with the kernel's tunnels.
  ip -n "$ns1" link set tun$$ mtu 1480 up; ip -n "$ns2" link set tun$$ mtu 1480 up
  sleep 1.5  # IPv6 duplicate address detection on the tunnel addresses
  (sleep 8 | ip netns exec "$ns2" "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1 >/dev/null 2>&1) &
  SRV_PID=$!
  ns_wait_port "$ns2" "$port"
  local host=$a2; [ "$mode" = sit ] && host="[$a2]"
  (sleep 2) | timeout 8 ip netns exec "$ns1" openssl s_client -connect "$host:$port" -servername partner.test \
    -CAfile "$PKI/partner-root.pem" -cert "$PKI/client.pem" -key "$PKI/client.key" \
    -cert_chain "$PKI/partner-issuing.pem" >/dev/null 2>&1
  srv_stop; cap_stop "$out"; rm -f "$out.log"
  kill "$t1" "$t2" 2>/dev/null; wait "$t1" "$t2" 2>/dev/null
  ip netns del "$ns1"; ip netns del "$ns2"
}

flow_tiny() { # Tiny non-TLS flows seen mid-connection (the capture starts after their handshakes,
  # as on a long-running link): 1-byte keep-alive payloads (0x00, what Windows' TCP keep-alive
  # carries) on port 80 and NetBIOS session keep-alives (0x85 00 00 00) on port 445, plain TCP
  # from flowclient.py to flowclient.py listeners in a namespace.
  local out=$1 ns=tlsdiag-fk$$ c1 c2
  ip netns add "$ns"; ip -n "$ns" link set lo up
  ip netns exec "$ns" timeout 25 python3 "$FLOWPY" listen 80 445 &
  SRV_PID=$!
  ns_wait_port "$ns" 445
  ip netns exec "$ns" timeout 10 python3 "$FLOWPY" tiny 127.0.0.1 80 00 3 0.3 & c1=$!
  ip netns exec "$ns" timeout 10 python3 "$FLOWPY" tiny 127.0.0.1 445 85000000 3 0.3 & c2=$!
  sleep 0.5  # connected, not yet sending: the capture sees no SYN
  ns_cap_start "$ns" lo "$out" "tcp port 80 or tcp port 445"
  wait "$c1" "$c2" 2>/dev/null
  srv_stop; cap_stop "$out"; rm -f "$out.log"
  ip netns del "$ns"
}

run flow-rst flow_rst "$CAPDIR/flow-rst-server-data.pcap" 8530
run flow-tfo flow_tfo "$CAPDIR/flow-tcp-fast-open.pcap" 8531
run flow-ipip flow_tunnel "$CAPDIR/flow-ipip.pcap" 8532 ipip
run flow-sit flow_tunnel "$CAPDIR/flow-sit.pcap" 8533 sit
run flow-tiny flow_tiny "$CAPDIR/flow-tiny-non-tls.pcap"
