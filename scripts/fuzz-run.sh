#!/bin/sh
# Runs one fuzz target (docs/fuzzing.md) for SECONDS (default 1800) at the lowest priority, one
# process, 2 GiB RSS limit, 10 s per input; the log goes to fuzz/logs/<target>.log, crashing
# inputs to fuzz/artifacts/<target>/.
#   python3 scripts/fuzz-seeds.py                      # once: seed corpora in fuzz/corpus/<target>/
#   scripts/fuzz-run.sh capture 1800 -max_len=16384     # extra arguments go to libFuzzer
# Needs the nightly toolchain and cargo-fuzz (cargo install cargo-fuzz). The binary is run
# directly rather than through `cargo fuzz run`, which after a crash rebuilds everything in
# another configuration to print the input.
set -eu
target=$1
secs=${2:-1800}
shift; [ $# -gt 0 ] && shift
cd "$(dirname "$0")/.."
dict=
[ -f "fuzz/dicts/$target.dict" ] && dict="-dict=fuzz/dicts/$target.dict"
mkdir -p fuzz/logs "fuzz/corpus/$target" "fuzz/artifacts/$target"
nice -n 19 cargo +nightly fuzz build -O "$target"
exec nice -n 19 "fuzz/target/x86_64-unknown-linux-gnu/release/$target" \
    -artifact_prefix="fuzz/artifacts/$target/" \
    -rss_limit_mb=2048 -timeout=10 -max_total_time="$secs" -print_final_stats=1 $dict "$@" \
    "fuzz/corpus/$target" >"fuzz/logs/$target.log" 2>&1
