#!/usr/bin/env bash
# Builds an OpenSSL with zlib (TLS compression, RFC 3749 DEFLATE) for the wild-compressed capture:
# Debian's OpenSSL is configured without it ("openssl list -disabled" says ZLIB) and GnuTLS dropped
# compression in 3.6. The source is the OpenSSL tree inside the openssl-src crate (crates.io),
# fetched with cargo into a throw-away project; nothing is installed or committed.
#   captures/scripts/build-openssl-zlib.sh [DIR]   → DIR/apps/openssl (default /tmp/tlsdiag-openssl-zlib)
# Then: OPENSSL_ZLIB=DIR/apps/openssl sudo -E captures/scripts/generate.sh wild-compressed
# Needs zlib1g-dev, perl, make, a C compiler; ~10 minutes on 2 cores.
set -eu
dir=${1:-/tmp/tlsdiag-openssl-zlib}
mkdir -p "$dir/fetch/src"
cat > "$dir/fetch/Cargo.toml" <<'TOML'
[package]
name = "fetch-openssl-src"
version = "0.0.0"
edition = "2021"
[dependencies]
openssl-src = "=300.6.1"
TOML
echo 'fn main() {}' > "$dir/fetch/src/main.rs"
(cd "$dir/fetch" && cargo fetch -q)
src=$(cd "$dir/fetch" && cargo metadata --format-version 1 -q |
  python3 -c 'import json,sys; m=json.load(sys.stdin); print([p["manifest_path"] for p in m["packages"] if p["name"]=="openssl-src"][0])')
src=$(dirname "$src")/openssl
cd "$dir"
perl "$src/Configure" linux-x86_64 zlib no-shared no-tests no-docs no-module no-legacy >configure.log
make -j"$(nproc)" build_programs >make.log
./apps/openssl version -a | grep -E '^OpenSSL|options|ZLIB' || true
echo "$dir/apps/openssl"
