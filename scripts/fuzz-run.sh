#!/bin/sh
# Runs one fuzz target (docs/fuzzing.md) for SECONDS (default 1800) at the lowest priority, one
# process, 2 GiB RSS limit, 10 s per input; the log goes to fuzz/logs/<target>.log.
#   scripts/fuzz-seeds.py              # once: the seed corpora in fuzz/corpus/<target>/
#   scripts/fuzz-run.sh capture 1800 -max_len=16384     # extra arguments go to libFuzzer
# Needs the nightly toolchain and cargo-fuzz (cargo install cargo-fuzz).
set -eu
target=$1
secs=${2:-1800}
shift; [ $# -gt 0 ] && shift
cd "$(dirname "$0")/.."
dict=
[ -f "fuzz/dicts/$target.dict" ] && dict="-dict=fuzz/dicts/$target.dict"
mkdir -p fuzz/logs "fuzz/corpus/$target"
exec nice -n 19 cargo +nightly fuzz run -O "$target" "fuzz/corpus/$target" -- \
    -rss_limit_mb=2048 -timeout=10 -max_total_time="$secs" -print_final_stats=1 $dict "$@" \
    >"fuzz/logs/$target.log" 2>&1
