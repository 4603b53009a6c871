#!/usr/bin/env bash
# Regenerates the key-derivation test files from the committed client.key / client.pem /
# int-ca.pem / ec-client.* (made by generate.sh) with the real tools: openssl 3 and JDK 17's
# keytool. Output is committed; the tests read these files, they never run this script.
# Password: changeit (password.txt). Slow: the 8388608-iteration file takes openssl ~20 s.
set -euo pipefail
cd "$(dirname "$0")"
PW=changeit
rm -rf work && mkdir work
ossl() { openssl "$@" 2>work/err || { cat work/err >&2; exit 1; }; }

# PKCS#12 above p12-keystore's old 1,000,000-iteration limit (MAC, certificate safe and key),
# and the file from issue 13 (-iter 8388608 = 2^23).
ossl pkcs12 -export -inkey client.key -in client.pem -certfile int-ca.pem -name client \
  -iter 1048577 -passout "pass:$PW" -out client-iter1048577.p12
ossl pkcs12 -export -inkey client.key -in client.pem -certfile int-ca.pem -name client \
  -iter 8388608 -passout "pass:$PW" -out client-iter8388608.p12
# No MAC (integrity unchecked): the mutation test reaches the bags with it.
ossl pkcs12 -export -inkey client.key -in client.pem -certfile int-ca.pem -name client \
  -nomac -passout "pass:$PW" -out client-nomac.p12
# Encrypted PKCS#8 as openssl writes it: scrypt (its defaults N=16384, r=8, p=1),
# PBKDF2 with HMAC-SHA1 (openssl 1.x's default PRF) and 3DES, and the DER form.
ossl pkcs8 -topk8 -in client.key -scrypt -passout "pass:$PW" -out client-scrypt.key
ossl pkcs8 -topk8 -in client.key -v2 des3 -v2prf hmacWithSHA1 -passout "pass:$PW" -out client-sha1-3des.key
ossl pkcs8 -topk8 -in client.key -v2 aes-128-cbc -outform DER -passout "pass:$PW" -out client-enc-pkcs8.der
# keytool's legacy PKCS#12 (SHA-1 3DES keys, RC2-40 certificates, HmacPBESHA1 MAC).
kt() { keytool "$@" -noprompt >work/err 2>&1 || { cat work/err >&2; exit 1; }; }
rm -f client-keytool-legacy.p12 client.jceks
ossl pkcs12 -export -inkey client.key -in client.pem -certfile int-ca.pem -name client \
  -passout "pass:$PW" -out work/client.p12
kt -J-Dkeystore.pkcs12.legacy -importkeystore -srckeystore work/client.p12 -srcstoretype pkcs12 \
  -srcstorepass "$PW" -destkeystore client-keytool-legacy.p12 -deststoretype pkcs12 -deststorepass "$PW"
# JCEKS (PBEWithMD5AndTripleDES keys): the client key plus a trusted root.
kt -importkeystore -srckeystore work/client.p12 -srcstoretype pkcs12 -srcstorepass "$PW" \
  -destkeystore client.jceks -deststoretype jceks -deststorepass "$PW" -destkeypass "$PW"
kt -importcert -alias rootca -file root-ca.pem -keystore client.jceks -storetype jceks -storepass "$PW"
keytool -list -keystore client.jceks -storetype jceks -storepass "$PW" > keytool-list-jceks.txt 2>&1
rm -rf work
echo "generated in $(pwd)"
