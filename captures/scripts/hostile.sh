# Sourced by generate.sh: captures whose wire text is hostile to a terminal (issue 13 §3). Real
# stacks only: OpenSSL's s_client sends whatever bytes -servername is given (it checks only the
# length), so the SNI below carries ESC[2J (clear screen), ESC[31m (red) and U+202E (right-to-left
# override) to a real s_server, which answers normally. Same helpers (lib.sh); port 8560.

hostile_sni() { # TLS 1.2; the server asks for a client certificate from the partner CAs, the client
  # sends none: the capture fails like the seed, so every face (summary line, diagnosis, ladder,
  # facts, compare, TUI) has to print the SNI.
  local out=$1 port=$2
  local sni
  sni=$(printf 'evil\033[2J\033[31mpartner\342\200\256test')
  cap_start "$out" "tcp port $port"
  srv_start 8 "${OSSL_SRV[@]}" -accept "$port" -tls1_2 -Verify 2 -CAfile "$PKI/partner-cas.pem" -naccept 1
  wait_port "$port"
  (sleep 2) | timeout 8 openssl s_client -connect "127.0.0.1:$port" -servername "$sni" \
    -CAfile "$PKI/partner-root.pem" >/dev/null 2>&1
  srv_stop; cap_stop "$out"
}

run hostile-sni hostile_sni "$CAPDIR/hostile-sni.pcap" 8560
