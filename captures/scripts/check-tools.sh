#!/usr/bin/env sh
# Installs what captures/scripts/generate.sh needs on Debian/Ubuntu.
set -eu
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends openssl tcpdump tshark default-jdk-headless iproute2 ethtool curl python3 >/dev/null
