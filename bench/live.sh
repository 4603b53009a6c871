#!/usr/bin/env bash
# Does live capture keep up? Replays a capture onto `lo` with tcpreplay at given rates while
# `tlsdiag live -i lo -f tcp --no-tui` and `tcpdump -i lo -w /dev/null tcp` capture the same
# packets in the same run, and prints per rate: packets sent, what tlsdiag analysed, libpcap's
# received/dropped for it, its own drops, and tcpdump's captured/received/dropped.
# A benchmark, not a test (needs root for capture and replay): run it by hand and record the
# figures in docs/performance.md ("Live capture").
#
#   bench/live.sh [-c CAPTURE] [-d SECONDS] [RATE...]
#     RATE: Mbit/s (e.g. 100 500 1000) or "top" (tcpreplay --topspeed); default: 100 500 1000 top
#     -c: capture to replay (Ethernet); default: one made by examples/gen_capture.rs (real JSSE
#         handshakes from captures/ as thousands of connections with bulk data), BENCH_MB big;
#         "-c handshakes": every Ethernet capture in captures/ (real handshakes of openssl, JSSE,
#         curl, rustls, Go; ~320-byte packets) merged, addresses moved off 127/8 and ::1 so the
#         replay reaches no local server
#     -d: replay at most this long per rate (tcpreplay --duration, the file looped); default 10
#   env: TLSDIAG (binary; default target/release/tlsdiag, built when missing), BENCH_DIR, BENCH_MB
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${BENCH_DIR:-/tmp/tlsdiag-bench}
MB=${BENCH_MB:-128}
SECS=10
CAP=
while getopts "c:d:" o; do
  case $o in
    c) CAP=$OPTARG ;;
    d) SECS=$OPTARG ;;
    *) echo "usage: bench/live.sh [-c CAPTURE] [-d SECONDS] [RATE...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
RATES=("$@")
[ ${#RATES[@]} -gt 0 ] || RATES=(100 500 1000 top)
mkdir -p "$DIR"

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! command -v tcpreplay >/dev/null; then
  echo "installing tcpreplay (apt-get)" >&2
  $SUDO apt-get install -y tcpreplay >/dev/null || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y tcpreplay >/dev/null; }
fi
command -v tcpdump >/dev/null || $SUDO apt-get install -y tcpdump >/dev/null

TLSDIAG=${TLSDIAG:-target/release/tlsdiag}
if [ ! -x "$TLSDIAG" ]; then
  cargo build --release --locked --quiet --bin tlsdiag
  TLSDIAG=target/release/tlsdiag
fi
if [ "$CAP" = handshakes ]; then
  CAP=$DIR/handshakes.pcap
  if [ ! -f "$CAP" ]; then
    command -v mergecap >/dev/null || $SUDO apt-get install -y wireshark-common >/dev/null
    files=()
    for f in captures/*.pcap; do
      [ "$f" = captures/capture-snaplen-96.pcap ] && continue
      [ "$(capinfos -E -T "$f" 2>/dev/null | tail -1 | cut -f2)" = ether ] && files+=("$f")
    done
    mergecap -F pcap -a -w "$DIR/handshakes-127.pcap" "${files[@]}"
    tcprewrite --pnat='127.0.0.0/8:10.77.0.0/16,[::1/128]:[fd00:77::1/128]' --fixcsum \
      -i "$DIR/handshakes-127.pcap" -o "$CAP"
  fi
fi
if [ -z "$CAP" ]; then
  CAP=$DIR/live-${MB}mb.pcap
  if [ ! -f "$CAP" ]; then
    cargo build --release --locked --quiet --example gen_capture
    target/release/examples/gen_capture "$CAP" "$MB"
  fi
fi

# Everything started here is stopped here, by its PID.
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "capture: $CAP ($(stat -c %s "$CAP") bytes); tlsdiag: $TLSDIAG ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %10s %9s %10s | %10s %10s %10s %8s | %10s %10s %8s | %s\n' \
  rate sent Mbit/s pps "tlsdiag" "pcap recv" "pcap drop" "own drop" "tcpdump" "tcp recv" "tcp drop" "load"
for rate in "${RATES[@]}"; do
  T=$DIR/live-run-$rate
  $SUDO tcpdump -i lo -w /dev/null tcp 2>"$T.tcpdump" &
  TD=$!
  PIDS+=("$TD")
  $SUDO "$TLSDIAG" live -i lo -f tcp --no-tui >/dev/null 2>"$T.tlsdiag" &
  TL=$!
  PIDS+=("$TL")
  # Both listening before the first packet (tcpdump says so on stderr; tlsdiag's note).
  for _ in $(seq 50); do
    grep -q "listening on" "$T.tcpdump" 2>/dev/null && grep -q "capturing on" "$T.tlsdiag" 2>/dev/null && break
    sleep 0.2
  done
  sleep 1
  if [ "$rate" = top ]; then speed=(--topspeed); else speed=(--mbps="$rate"); fi
  $SUDO tcpreplay -i lo "${speed[@]}" --loop=0 --duration="$SECS" "$CAP" >"$T.tcpreplay" 2>&1 || true
  # Let both drain what the kernel still holds (the ring hands blocks over within 100 ms).
  sleep 2
  load=$(cut -d' ' -f1 /proc/loadavg)
  kill -INT "$TL" "$TD" 2>/dev/null || true
  wait "$TL" 2>/dev/null || true
  wait "$TD" 2>/dev/null || true
  PIDS=()
  sent=$(awk '/Actual:/ {print $2; exit}' "$T.tcpreplay")
  mbps=$(awk -F', ' '/Rated:/ {for (i=1;i<=NF;i++) if ($i ~ /Mbps/) {split($i,a," "); print a[1]}; exit}' "$T.tcpreplay")
  pps=$(awk -F', ' '/Rated:/ {for (i=1;i<=NF;i++) if ($i ~ /pps/) {split($i,a," "); print a[1]}; exit}' "$T.tcpreplay")
  line=$(grep "frames analysed" "$T.tlsdiag" || echo "")
  an=$(echo "$line" | sed -n 's/.*: \([0-9]*\) frames analysed.*/\1/p')
  precv=$(echo "$line" | sed -n 's/.*libpcap received \([0-9]*\) dropped.*/\1/p')
  pdrop=$(echo "$line" | sed -n 's/.*libpcap received [0-9]* dropped \([0-9]*\);.*/\1/p')
  own=$(echo "$line" | sed -n 's/.*dropped by tlsdiag \([0-9]*\).*/\1/p')
  tcap=$(awk '/packets captured/ {print $1}' "$T.tcpdump")
  trecv=$(awk '/packets received by filter/ {print $1}' "$T.tcpdump")
  tdrop=$(awk '/packets dropped by kernel/ {print $1}' "$T.tcpdump")
  printf '%-6s %10s %9s %10s | %10s %10s %10s %8s | %10s %10s %8s | %s\n' \
    "$rate" "${sent:-?}" "${mbps:-?}" "${pps:-?}" "${an:-?}" "${precv:-?}" "${pdrop:-?}" "${own:-?}" \
    "${tcap:-?}" "${trecv:-?}" "${tdrop:-?}" "$load"
done
echo "columns: sent = tcpreplay's packets; tlsdiag = frames analysed; pcap recv/drop = libpcap's ps_recv/ps_drop"
echo "for tlsdiag (on lo both copies of a packet pass the filter; libpcap skips the outgoing one);"
echo "own drop = frames tlsdiag captured but dropped because its analysis fell behind;"
echo "tcpdump = packets captured / received by filter / dropped by kernel. Logs: $DIR/live-run-*"
