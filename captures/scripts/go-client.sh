#!/usr/bin/env bash
# Which certificate does Go's crypto/tls send? captures/go/client.go (Debian's golang-go, installed
# here only: the tests and CI never need Go) against openssl s_server, TLS 1.2, CA list Partner
# Issuing CA + Partner Root CA (-verify_return_error):
#   port 8720  Certificates = [customer-client ← Other Root CA]         → Go sends an empty Certificate
#   port 8721  Certificates = [customer-client ← Partner Issuing CA]    → Go sends it
#   port 8722  Certificates = [← Other Root CA, ← Partner Issuing CA]   → Go skips the first, sends the second
# Output: captures/go-client-choice.pcap. Needs root (tcpdump). Run: sudo captures/scripts/go-client.sh
set -u
. "$(dirname "$0")/lib.sh"
cd "$CAPDIR"
pki_init
if ! command -v go >/dev/null; then
  apt-get -o DPkg::Lock::Timeout=600 install -y golang-go >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$CAPDIR/go" && GOCACHE="$work/cache" GOPATH="$work/gopath" GO111MODULE=off go build -o "$work/client" client.go) || exit 1
cat "$PKI/client.pem" "$PKI/partner-issuing.pem" > "$work/client-chain.pem"
OSSL_SRV=(openssl s_server -cert "$PKI/server.pem" -key "$PKI/server.key" -cert_chain "$PKI/partner-issuing.pem"
  -tls1_2 -Verify 3 -verify_return_error -CAfile "$PKI/partner-cas.pem" -naccept 1)
out=$CAPDIR/go-client-choice.pcap
cap_start "$out" "tcp portrange 8720-8722"
run_go() { # port cert key [cert key]...
  local port=$1; shift
  srv_feed 6 2 "$CAPDIR/scripts/http-200.txt" "${OSSL_SRV[@]}" -accept "$port"
  wait_port "$port"
  timeout 10 "$work/client" "127.0.0.1:$port" "$PKI/partner-root.pem" "$@" 2>&1 | sed "s/^/[$port] /" >&2
  srv_stop
}
run_go 8720 "$PKI/client-other.pem" "$PKI/client-other.key"
run_go 8721 "$work/client-chain.pem" "$PKI/client.key"
run_go 8722 "$PKI/client-other.pem" "$PKI/client-other.key" "$work/client-chain.pem" "$PKI/client.key"
cap_stop "$out"
log "go-client-choice.pcap: $(go version)"
