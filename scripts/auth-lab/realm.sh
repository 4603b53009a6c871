#!/usr/bin/env bash
# Creates a throwaway MIT Kerberos realm TLSDIAG.TEST in DIR, with its KDC on 127.0.0.1:PORT
# (TCP and UDP), for tests/auth.rs and for trying `tlsdiag probe --negotiate` by hand:
#
#   scripts/auth-lab/realm.sh DIR PORT
#   export KRB5_CONFIG=DIR/krb5.conf KRB5_KDC_PROFILE=DIR/kdc.conf
#   krb5kdc -n &                                    # foreground KDC; stop it by its PID
#   kinit alice < DIR/alice.password                # or: --keytab DIR/svc.keytab --principal svc
#   KRB5_KTNAME=DIR/http.keytab /usr/bin/python3 scripts/auth-lab/soap_server.py \
#       --auth negotiate --cert captures/pki/server-chain.pem --key captures/pki/server.key
#   tlsdiag probe https://localhost:PORT/soap --trust captures/pki/partner-root.pem --negotiate
#
# Principals: alice (password in DIR/alice.password), svc (key in DIR/svc.keytab),
# HTTP/localhost (DIR/http.keytab: the server's key), HTTP/nokey.test (known to the KDC, but in
# no server keytab). Every principal requires
# pre-authentication (so a wrong password is "Preauthentication failed", as with AD).
# Also writes DIR/krb5-unreachable.conf (KDC on a closed port) and DIR/krb5-camellia.conf (client
# permits only camellia enctypes) for the failure tests. Needs krb5-kdc, krb5-admin-server
# (kadmin.local), krb5-user. Takes ~0.3 s.
set -euo pipefail
dir=$1
port=$2
dead_port=${3:-1}
realm=TLSDIAG.TEST
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

conf() { # $1 = KDC port, $2 = extra libdefaults lines
  cat <<EOF
[libdefaults]
  default_realm = $realm
  dns_lookup_kdc = false
  dns_lookup_realm = false
  rdns = false
  forwardable = true
  udp_preference_limit = 1
  default_ccache_name = FILE:$dir/ccache
  kdc_timeout = 1500
  max_retries = 1
$2
[realms]
  $realm = {
    kdc = 127.0.0.1:$1
  }
[domain_realm]
  localhost = $realm
  .test = $realm
EOF
}
conf "$port" "" >"$dir/krb5.conf"
conf "$dead_port" "" >"$dir/krb5-unreachable.conf"
conf "$port" "  permitted_enctypes = camellia256-cts-cmac
  default_tkt_enctypes = camellia256-cts-cmac
  default_tgs_enctypes = camellia256-cts-cmac" >"$dir/krb5-camellia.conf"

cat >"$dir/kdc.conf" <<EOF
[kdcdefaults]
  kdc_ports = $port
  kdc_tcp_ports = $port
[realms]
  $realm = {
    database_name = $dir/principal
    key_stash_file = $dir/stash
    acl_file = $dir/kadm5.acl
    default_principal_flags = +preauth
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
  }
[logging]
  kdc = FILE:$dir/kdc.log
EOF
: >"$dir/kadm5.acl"
export KRB5_CONFIG="$dir/krb5.conf" KRB5_KDC_PROFILE="$dir/kdc.conf"
printf 'alice-Secret-1\n' >"$dir/alice.password"
kdb5_util create -s -W -P "master-$$" -r "$realm" >"$dir/setup.log" 2>&1
{
  kadmin.local -q "addprinc -pw alice-Secret-1 alice"
  kadmin.local -q "addprinc -randkey svc"
  kadmin.local -q "addprinc -randkey HTTP/localhost"
  kadmin.local -q "addprinc -randkey HTTP/nokey.test"
  kadmin.local -q "ktadd -k $dir/http.keytab HTTP/localhost"
  kadmin.local -q "ktadd -k $dir/svc.keytab svc"
} >>"$dir/setup.log" 2>&1
