#!/usr/bin/env bash
# Records the alias order the JDK's KeyStore.aliases() gives for the committed keystores
# (keystore-orders.txt, read by src/identity/tests.rs). Needs a JDK; the tests never run it.
set -euo pipefail
cd "$(dirname "$0")"
caps=../../../captures/keystores
java KeystoreOrder.java changeit multi.jks multi.p12 truststore.jks client.jceks \
  client-keytool-legacy.p12 "$caps/multi.jks" "$caps/multi.p12" \
  | sed "s#$caps/#captures/keystores/#" > keystore-orders.txt
