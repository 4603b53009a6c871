#!/usr/bin/env bash
# Issue 13 §4: peak memory of `tlsdiag analyze` on a capture of N half-open TLS connections (a SYN
# and a ClientHello each, never answered; bench/halfopen.py, made in $BENCH_DIR, not committed),
# in --stream, --json and (with --text) the text report. A benchmark, not a test: run it by hand,
# record the figures in docs/performance.md.
#   bench/halfopen.sh [N=300000] [--text]
# TLSDIAG=path/to/tlsdiag uses that binary (default: a release build made here). Needs GNU time
# (/usr/bin/time; Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300000}
DIR=${BENCH_DIR:-/tmp/tlsdiag-bench}
mkdir -p "$DIR"
if [ -z "${TLSDIAG:-}" ]; then
  cargo build --release --quiet --bin tlsdiag
  TLSDIAG=target/release/tlsdiag
fi
[ -x /usr/bin/time ] || { echo "install GNU time (apt-get install time)" >&2; exit 2; }
CAP=$DIR/halfopen-$N.pcap
[ -f "$CAP" ] || python3 bench/halfopen.py "$N" "$CAP"
echo "capture: $CAP ($(stat -c %s "$CAP") bytes, $N connections; $(nproc) cores); binary: $TLSDIAG"
measure() { # label, args...
  local label=$1; shift
  /usr/bin/time -v "$TLSDIAG" analyze "$CAP" "$@" >"$DIR/out.txt" 2>"$DIR/time.txt" </dev/null
  local wall rss evicted
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$DIR/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/time.txt")
  evicted=$(grep -o '[0-9]* connections were ended early' "$DIR/out.txt" | head -1 || true)
  printf '%-16s wall %10s  peak RSS %7.1f MiB  %s\n' "$label" "$wall" "$(awk -v r="$rss" 'BEGIN { print r / 1024 }')" "${evicted:-nothing ended early}"
}
measure "--stream" --stream
measure "--json" --json
if [ "${2:-}" = "--text" ]; then measure "text" --color never; fi
