#!/usr/bin/env bash
# A capture for `--redact` of names Markdown would escape (issue 16 §2): every name on the wire
# holds `_` and `*`, which `--format markdown` writes as `\_` and `\*`. Real stacks on loopback:
# `openssl s_server` asks for a client certificate (TLS 1.2, -Verify 2) from the CA
# `CN=Partner_CA*Root,O=Partner_Corp` and presents `CN=svc_partner.test,O=svc_ops*team`
# (subjectAltName DNS:svc_partner.test, DNS:api_gw*.svc_partner.test); `openssl s_client
# -servername svc_partner.test` sends `CN=build_agent,OU=Release_Eng*Runners West,O=Build*Farm
# Nightly_Pool Ops` (long enough that the text report wraps the finding inside it) issued by
# `CN=Agent_Issuer*CA,O=Build*Farm`, which the server does not trust: fatal unknown_ca.
#   underscore-names.pcap   (port 8570)
# Run: sudo captures/scripts/underscore.sh   (needs root for tcpdump; the PKI is kept in
# captures/pki/underscore, made once)
set -u
. "$(dirname "$0")/lib.sh"
cd "$CAPDIR"
U=$PKI/underscore
mkdir -p "$U"
cat > "$U/ext.cnf" <<'CNF'
[ca]
basicConstraints=critical,CA:true
keyUsage=critical,keyCertSign,cRLSign
[server]
basicConstraints=CA:false
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:svc_partner.test,DNS:api_gw*.svc_partner.test,IP:127.0.0.1
[client]
basicConstraints=CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
CNF

ucert() { # name subject issuer(name|self) extensions-section
  local name=$1 subj=$2 issuer=$3 ext=$4
  [ -f "$U/$name.pem" ] && return 0
  openssl req -new -newkey rsa:2048 -nodes -keyout "$U/$name.key" -subj "$subj" -out "$U/$name.csr" 2>/dev/null
  if [ "$issuer" = self ]; then
    openssl x509 -req -in "$U/$name.csr" -signkey "$U/$name.key" -days 3650 -sha256 \
      -extfile "$U/ext.cnf" -extensions "$ext" -out "$U/$name.pem" 2>/dev/null
  else
    openssl x509 -req -in "$U/$name.csr" -CA "$U/$issuer.pem" -CAkey "$U/$issuer.key" -CAcreateserial \
      -days 3650 -sha256 -extfile "$U/ext.cnf" -extensions "$ext" -out "$U/$name.pem" 2>/dev/null
  fi
  rm -f "$U/$name.csr"
}

ucert ca "/O=Partner_Corp/CN=Partner_CA*Root" self ca
ucert server "/O=svc_ops*team/CN=svc_partner.test" ca server
ucert agent-ca "/O=Build*Farm/CN=Agent_Issuer*CA" self ca
ucert agent "/O=Build*Farm Nightly_Pool Ops/OU=Release_Eng*Runners West/CN=build_agent" agent-ca client

underscore_names() { # out port
  local out=$1 port=$2
  cap_start "$out" "tcp port $port"
  srv_start 8 openssl s_server -cert "$U/server.pem" -key "$U/server.key" -accept "$port" -tls1_2 \
    -Verify 2 -CAfile "$U/ca.pem" -verify_return_error -naccept 1
  wait_port "$port"
  (sleep 2) | timeout 8 openssl s_client -connect "127.0.0.1:$port" -servername svc_partner.test \
    -cert "$U/agent.pem" -key "$U/agent.key" -cert_chain "$U/agent-ca.pem" -CAfile "$U/ca.pem" >/dev/null 2>&1
  srv_stop; cap_stop "$out"
  log "$out: $(tshark -r "$out" -Y tls.alert_message -T fields -e tls.alert_message.desc 2>/dev/null | tr '\n' ' ')"
}

underscore_names "$CAPDIR/underscore-names.pcap" 8570
