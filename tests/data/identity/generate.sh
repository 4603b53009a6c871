#!/usr/bin/env bash
# Regenerates the identity test files with the real tools (openssl 3, JDK keytool).
# Output is committed; the tests read these files, they never run this script.
# Every keystore/key password is the one in password.txt ("changeit", keytool's classic).
set -euo pipefail
cd "$(dirname "$0")"
rm -rf work && mkdir work
PW=changeit
printf '%s\n' "$PW" > password.txt
ossl() { openssl "$@" 2>work/err || { cat work/err >&2; exit 1; }; }

# --- A small PKI: root CA -> intermediate CA -> client leaves ---------------------------------
cat > work/ext.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[client]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
[server_only]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
CNF
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out work/root.key
ossl req -new -key work/root.key -subj "/C=DE/O=tlsdiag test/CN=tlsdiag Test Root CA" -out work/root.csr
ossl x509 -req -in work/root.csr -key work/root.key -sha256 -days 7300 -extfile work/ext.cnf -extensions ca \
  -out root-ca.pem
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out work/int.key
ossl req -new -key work/int.key -subj "/C=DE/O=tlsdiag test/CN=tlsdiag Test Issuing CA" -out work/int.csr
ossl x509 -req -in work/int.csr -CA root-ca.pem -CAkey work/root.key -CAcreateserial -sha256 -days 3650 \
  -extfile work/ext.cnf -extensions ca -out int-ca.pem
cat root-ca.pem int-ca.pem > ca-bundle.pem

leaf() { # name keyfile subject extensions
  ossl req -new -key "$2" -subj "$3" -out "work/$1.csr"
  ossl x509 -req -in "work/$1.csr" -CA int-ca.pem -CAkey work/int.key -CAcreateserial -sha256 -days 3650 \
    -extfile work/ext.cnf -extensions "$4" -out "$1.pem"
}
# RSA client (PKCS#8 unencrypted key, the openssl 3 default)
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out client.key
leaf client client.key "/C=DE/O=tlsdiag test/CN=client.example" client
cat client.pem int-ca.pem > client-chain.pem
cat client.key client.pem int-ca.pem > client-combined.pem
# The same key in the other encodings
ossl rsa -in client.key -traditional -out client-pkcs1.key
ossl pkcs8 -topk8 -in client.key -v2 aes-256-cbc -passout "pass:$PW" -out client-enc-pkcs8.key
ossl rsa -in client.key -traditional -aes256 -passout "pass:$PW" -out client-legacy-aes.key
ossl rsa -in client.key -traditional -des3 -passout "pass:$PW" -out client-legacy-3des.key
# A different key: pairing it with client.pem is the classic key/certificate mismatch
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other.key
# EC P-256 client with a SEC1 key ("EC PRIVATE KEY")
ossl ecparam -name prime256v1 -genkey -noout -out ec-client.key
leaf ec-client ec-client.key "/C=DE/O=tlsdiag test/CN=ec-client.example" client
# A certificate without clientAuth in its EKU
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server-only.key
leaf server-only server-only.key "/C=DE/O=tlsdiag test/CN=server-only.example" server_only
# A 1024-bit RSA client (rustls/ring refuse it; OpenSSL only at SECLEVEL=2)
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.key
leaf rsa1024 rsa1024.key "/C=DE/O=tlsdiag test/CN=rsa1024.example" client
# An expired client certificate (openssl ca lets us set the dates)
mkdir -p work/ca && : > work/ca/index.txt && echo 1000 > work/ca/serial
cat > work/ca.cnf <<CNF
[ca]
default_ca = d
[d]
dir = work/ca
database = work/ca/index.txt
serial = work/ca/serial
new_certs_dir = work/ca
default_md = sha256
policy = p
copy_extensions = none
[p]
countryName = optional
organizationName = optional
commonName = supplied
CNF
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out expired.key
ossl req -new -key expired.key -subj "/C=DE/O=tlsdiag test/CN=expired.example" -out work/expired.csr
ossl ca -batch -config work/ca.cnf -cert int-ca.pem -keyfile work/int.key -in work/expired.csr \
  -startdate 20200101000000Z -enddate 20210101000000Z -extfile work/ext.cnf -extensions client \
  -notext -out expired.pem

# --- PKCS#12 made by openssl ------------------------------------------------------------------
ossl pkcs12 -export -inkey client.key -in client.pem -certfile int-ca.pem -name client \
  -passout "pass:$PW" -out client-openssl-aes.p12
ossl pkcs12 -export -legacy -inkey client.key -in client.pem -certfile int-ca.pem -name client \
  -passout "pass:$PW" -out client-openssl-legacy.p12
ossl pkcs12 -export -nokeys -in ca-bundle.pem -passout "pass:$PW" -out truststore-openssl.p12

# --- Java keystores made by keytool -----------------------------------------------------------
kt() { keytool "$@" -storepass "$PW" -noprompt >work/err 2>&1 || { cat work/err >&2; exit 1; }; }
rm -f multi.jks multi.p12 truststore.jks selfsigned.p12
# JKS: client (RSA, full chain), ec (EC), selfsigned (keytool-generated), plus a trusted root
kt -importkeystore -srckeystore client-openssl-aes.p12 -srcstoretype pkcs12 -srcstorepass "$PW" \
  -srcalias client -destalias client -destkeystore multi.jks -deststoretype jks -destkeypass "$PW"
ossl pkcs12 -export -inkey ec-client.key -in ec-client.pem -certfile int-ca.pem -name ec \
  -passout "pass:$PW" -out work/ec.p12
kt -importkeystore -srckeystore work/ec.p12 -srcstoretype pkcs12 -srcstorepass "$PW" \
  -srcalias ec -destalias ec -destkeystore multi.jks -deststoretype jks -destkeypass "$PW"
kt -genkeypair -alias selfsigned -keyalg RSA -keysize 2048 -validity 3650 \
  -dname "CN=selfsigned.example, O=tlsdiag test, C=DE" -keystore multi.jks -storetype jks -keypass "$PW"
kt -importcert -alias rootca -file root-ca.pem -keystore multi.jks -storetype jks
# The same entries in a Java-made PKCS#12 (keytool's default store type since JDK 9)
kt -importkeystore -srckeystore multi.jks -srcstoretype jks -srcstorepass "$PW" \
  -destkeystore multi.p12 -deststoretype pkcs12
# A truststore: trusted-certificate entries only
kt -importcert -alias rootca -file root-ca.pem -keystore truststore.jks -storetype jks
kt -importcert -alias issuingca -file int-ca.pem -keystore truststore.jks -storetype jks

# keytool's own listing (aliases, entry types, SHA-256 fingerprints) to check the loaders against
keytool -list -keystore multi.jks -storepass "$PW" > keytool-list-multi-jks.txt 2>&1
keytool -list -keystore multi.p12 -storepass "$PW" > keytool-list-multi-p12.txt 2>&1
# What the JDK's own key managers choose from multi.jks (checked by the Rust tests)
java ChooseAlias.java multi.jks "$PW" root-ca.pem int-ca.pem > sunx509-choices.txt

# --- Broken inputs ----------------------------------------------------------------------------
head -c 700 client-openssl-aes.p12 > corrupt.p12
head -c 300 multi.jks > corrupt.jks
printf 'this is not a keystore\n' > garbage.bin
rm -rf work *.srl
echo "generated in $(pwd)"
# The KDF files (scrypt, PBKDF2-SHA1, high iteration counts, JCEKS, keytool legacy PKCS#12)
# are made from these by generate-kdf.sh.
