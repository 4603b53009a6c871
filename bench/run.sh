#!/usr/bin/env bash
# Throughput and peak memory of `tlsdiag analyze` beside tshark extracting the same TLS facts from
# the same generated capture (examples/gen_capture.rs: real JSSE handshakes from captures/, replayed
# as thousands of connections with bulk application data). A benchmark, not a test: run it by hand
# and record the figures in docs/performance.md.
#   bench/run.sh [SIZE_MB] [--no-tshark]
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-256}
DIR=${BENCH_DIR:-/tmp/tlsdiag-bench}
mkdir -p "$DIR"
cargo build --release --quiet --example gen_capture --bin tlsdiag
CAP=$DIR/bench-${SIZE}mb.pcap
[ -f "$CAP" ] || target/release/examples/gen_capture "$CAP" "$SIZE"
BYTES=$(stat -c %s "$CAP")
measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -v "$@" >/dev/null 2>"$DIR/time.txt" </dev/null
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$DIR/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/time.txt")
  local secs
  secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  awk -v l="$label" -v b="$BYTES" -v s="$secs" -v r="$rss" \
    'BEGIN { printf "%-18s %8.1f MB  %8.2f s  %9.1f MB/s  peak RSS %7.1f MB\n", l, b/1e6, s, (s>0? b/1e6/s : 0), r/1024 }'
}
echo "capture: $CAP ($(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB)"
measure "tlsdiag --json" target/release/tlsdiag analyze "$CAP" --json
measure "tlsdiag --stream" target/release/tlsdiag analyze "$CAP" --stream
if [ "${2:-}" != "--no-tshark" ]; then
  measure tshark tshark -r "$CAP" -o tcp.reassemble_out_of_order:TRUE -Y 'tls.handshake or tls.alert_message' -T fields \
    -e frame.number -e tls.handshake.type -e tls.handshake.certificates_length -e tls.alert_message.desc \
    -e tls.handshake.ciphersuite -e tls.handshake.dname
fi
