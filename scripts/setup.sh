#!/usr/bin/env sh
# Installs the system packages tlsdiag needs to build and test on Debian/Ubuntu:
#   libpcap-dev      build: the `pcap` crate links libpcap (live capture)
#   tshark           tests: the reference decoder our facts are cross-checked against
#   openssl, tmux    tests: real TLS servers/clients for the probe; the terminal-UI end-to-end test
#   default-jdk-headless  tests: Java's rendering of certificate names (tests/x509_names.rs)
#   tcpdump, iproute2, curl: only to regenerate captures (captures/scripts/generate.sh)
# Idempotent and quick when everything is present (no apt-get update then).
set -eu
pkgs="libpcap-dev pkg-config tshark openssl tmux tcpdump iproute2 curl"
# tests/inputs.rs: compressed captures made with the real tools (gzip is always there)
pkgs="$pkgs xz-utils zstd"
# build: the default `kerberos` feature links MIT GSSAPI through libgssapi (bindgen needs libclang)
pkgs="$pkgs libkrb5-dev libclang-dev"
# tests/auth.rs: a throwaway MIT realm (krb5kdc, kadmin.local, kinit), a python3-gssapi SOAP server
# demanding Negotiate, and libfaketime for the clock-skew case
pkgs="$pkgs krb5-kdc krb5-admin-server krb5-user python3-gssapi faketime"
# tests/static_build.rs: musl-gcc compiles ring's C for the static musl binary
pkgs="$pkgs musl-tools"
# bench/run.sh, bench/halfopen.sh: peak memory (Maximum resident set size) from GNU time -v
pkgs="$pkgs time"
# tests/cli_edge.rs: `script` gives a command a pseudo-terminal (--color auto and NO_COLOR)
pkgs="$pkgs bsdutils"
if [ "${TLSDIAG_SETUP_JAVA:-0}" = 1 ]; then pkgs="$pkgs default-jdk-headless"; fi
# tests: Java's X500Principal.getName() held against our DN text (tests/x509_names.rs runs a JDK source file)
pkgs="$pkgs default-jdk-headless"
# tests/static_build.rs: the musl standard library for the static build, from rustup; where it
# cannot be fetched, .ci/run skips that test and says so.
if command -v rustup >/dev/null 2>&1 &&
  ! rustup target list --installed 2>/dev/null | grep -qx x86_64-unknown-linux-musl; then
  rustup target add x86_64-unknown-linux-musl >/dev/null 2>&1 ||
    echo "setup: could not add rustup target x86_64-unknown-linux-musl (static build test skipped)" >&2
fi
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: please install:$missing (no apt-get here)" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "setup: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer "no" up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
