#!/usr/bin/env bash
# TLS that does not start at the first byte: through an HTTP CONNECT proxy (tinyproxy), SOCKS5
# and SOCKS4a (dante), behind HAProxy's PROXY protocol v1/v2, and after STARTTLS in SMTP
# (postfix), IMAP and POP3 (dovecot), FTP (vsftpd), LDAP (slapd), XMPP (prosody), PostgreSQL and
# MySQL (MariaDB). Every server is the Debian package, run here with a temporary config on a
# loopback port and stopped by PID; every client is a real one (curl, openssl s_client
# -starttls, ldapsearch, psql, mariadb). Each server asks for a client certificate (TLS 1.2, so
# the CertificateRequest is readable in the capture) and the client sends customer-client.
#
#   sudo captures/scripts/reach.sh [scenario...]     (all when none is named)
#
# Installs the servers it needs (apt-get) — here only, never in CI.
set -u
. "$(dirname "$0")/lib.sh"
cd "$CAPDIR"
pki_init
T=$(mktemp -d /tmp/tlsdiag-reach.XXXXXX)
chmod 755 "$T"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null
  if [ -n "${KEEP:-}" ]; then log "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

need_pkgs() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ -f /var/lib/apt/lists/lock ] || apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
}
need_pkgs tinyproxy dante-server haproxy postfix dovecot-imapd dovecot-pop3d vsftpd slapd ldap-utils \
  prosody postgresql mariadb-server mariadb-client curl openssl tcpdump

# Copies of the test keys readable by the unprivileged server users.
cp "$PKI/server.pem" "$PKI/server.key" "$PKI/partner-issuing.pem" "$PKI/partner-cas.pem" \
  "$PKI/partner-root.pem" "$PKI/client.pem" "$PKI/client.key" "$T/"
cat "$PKI/server.pem" "$PKI/partner-issuing.pem" > "$T/server-chain.pem"
cat "$T/server-chain.pem" "$PKI/server.key" > "$T/server-all.pem"
chmod 644 "$T"/*.pem "$T"/*.key
OSSL_SRV=(openssl s_server -cert "$T/server.pem" -key "$T/server.key" -cert_chain "$T/partner-issuing.pem"
  -tls1_2 -Verify 2 -CAfile "$T/partner-cas.pem")
CURL_CERT=(--cert "$T/client.pem" --key "$T/client.key" --cacert "$T/partner-root.pem" --tls-max 1.2)
S_CLIENT=(openssl s_client -tls1_2 -cert "$T/client.pem" -key "$T/client.key" -cert_chain "$T/partner-issuing.pem"
  -CAfile "$T/partner-root.pem")

bg() { # run a server in the background, remember its PID
  "$@" >>"$T/servers.log" 2>&1 &
  PIDS+=("$!")
  LAST=$!
}
stop() { # PID...
  local p
  for p in "$@"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
# openssl s_client after STARTTLS: stays 2 s, then sends the protocol's quit line.
starttls_client() { # proto port quitline [extra s_client args]
  local proto=$1 port=$2 quit=$3; shift 3
  (sleep 2; printf '%b' "$quit"; sleep 1) |
    timeout 10 "${S_CLIENT[@]}" -starttls "$proto" -connect "127.0.0.1:$port" "$@" >>"$T/clients.log" 2>&1 || true
}

# ---- HTTP CONNECT through tinyproxy ----------------------------------------------------------
tinyproxy_conf() { # port [BasicAuth line]
  cat > "$T/tinyproxy-$1.conf" <<EOF
User nobody
Group nogroup
Port $1
Listen 127.0.0.1
Timeout 30
MaxClients 10
Allow 127.0.0.1
LogLevel Info
LogFile "$T/tinyproxy-$1.log"
PidFile "$T/tinyproxy-$1.pid"
${2:-}
EOF
  touch "$T/tinyproxy-$1.log"; chmod 666 "$T/tinyproxy-$1.log"
}

proxy_connect() { # out proxyport serverport
  local out=$1 pp=$2 sp=$3
  tinyproxy_conf "$pp"
  bg tinyproxy -d -c "$T/tinyproxy-$pp.conf"; local tp=$LAST
  wait_port "$pp"
  cap_start "$out" "tcp port $pp or tcp port $sp"
  srv_feed 8 2 "$CAPDIR/scripts/http-200.txt" "${OSSL_SRV[@]}" -accept "$sp" -naccept 1
  wait_port "$sp"
  timeout 10 curl -s -o /dev/null --proxy "http://127.0.0.1:$pp" "${CURL_CERT[@]}" \
    "https://localhost:$sp/orders" || true
  srv_stop; cap_stop "$out"; stop "$tp"
}

# A proxy that wants Basic credentials: first call without (407), second with them (200, TLS).
proxy_auth() { # out proxyport serverport
  local out=$1 pp=$2 sp=$3
  tinyproxy_conf "$pp" "BasicAuth tlsdiag test-only-password"
  bg tinyproxy -d -c "$T/tinyproxy-$pp.conf"; local tp=$LAST
  wait_port "$pp"
  cap_start "$out" "tcp port $pp or tcp port $sp"
  srv_feed 8 2 "$CAPDIR/scripts/http-200.txt" "${OSSL_SRV[@]}" -accept "$sp" -naccept 1
  wait_port "$sp"
  timeout 10 curl -s -o /dev/null --proxy "http://127.0.0.1:$pp" "${CURL_CERT[@]}" \
    "https://localhost:$sp/orders" || true
  sleep 0.5
  # The test-only password goes in through a curl config file, not argv.
  printf 'proxy-user = "tlsdiag:test-only-password"\n' > "$T/curl-proxy.cfg"
  timeout 10 curl -s -o /dev/null -K "$T/curl-proxy.cfg" --proxy "http://127.0.0.1:$pp" "${CURL_CERT[@]}" \
    "https://localhost:$sp/orders" || true
  srv_stop; cap_stop "$out"; stop "$tp"
}

# ---- SOCKS through dante -----------------------------------------------------------------------
dante_conf() { # port [block-port]
  cat > "$T/danted-$1.conf" <<EOF
logoutput: $T/danted-$1.log
internal: 127.0.0.1 port = $1
external: 127.0.0.1
socksmethod: none
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
${2:+socks block { from: 0.0.0.0/0 to: 0.0.0.0/0 port = $2 \}}
socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 protocol: tcp }
EOF
}

socks() { # out proxyport serverport curl-socks-option
  local out=$1 pp=$2 sp=$3 opt=$4
  dante_conf "$pp"
  bg danted -f "$T/danted-$pp.conf"; local dp=$LAST
  wait_port "$pp"
  cap_start "$out" "tcp port $pp or tcp port $sp"
  srv_feed 8 2 "$CAPDIR/scripts/http-200.txt" "${OSSL_SRV[@]}" -accept "$sp" -naccept 1
  wait_port "$sp"
  timeout 10 curl -s -o /dev/null "$opt" "127.0.0.1:$pp" "${CURL_CERT[@]}" \
    "https://localhost:$sp/orders" || true
  srv_stop; cap_stop "$out"; stop "$dp"
}

# The SOCKS server's rules refuse the destination port: reply 2, no TLS.
socks_refused() { # out proxyport blockedport
  local out=$1 pp=$2 bp=$3
  dante_conf "$pp" "$bp"
  bg danted -f "$T/danted-$pp.conf"; local dp=$LAST
  wait_port "$pp"
  cap_start "$out" "tcp port $pp"
  timeout 10 curl -s -o /dev/null --socks5-hostname "127.0.0.1:$pp" "${CURL_CERT[@]}" \
    "https://localhost:$bp/orders" || true
  cap_stop "$out"; stop "$dp"
}

# ---- HAProxy PROXY protocol --------------------------------------------------------------------
haproxy_pp() { # out frontport tlsport send-proxy|send-proxy-v2
  local out=$1 fp=$2 sp=$3 how=$4
  cat > "$T/haproxy-$fp.cfg" <<EOF
global
  log stderr local0
defaults
  timeout connect 5s
  timeout client 10s
  timeout server 10s
frontend plain
  mode tcp
  bind 127.0.0.1:$fp
  default_backend tls
backend tls
  mode tcp
  server s1 127.0.0.1:$sp $how
frontend tls_terminating
  mode http
  bind 127.0.0.1:$sp accept-proxy ssl crt $T/server-all.pem ca-file $T/partner-cas.pem verify required ssl-max-ver TLSv1.2
  http-request return status 200 content-type text/plain string "ok\n"
EOF
  bg haproxy -db -f "$T/haproxy-$fp.cfg"; local hp=$LAST
  wait_port "$sp"
  cap_start "$out" "tcp port $sp"
  timeout 10 curl -s -o /dev/null --connect-to "localhost:$fp:127.0.0.1:$fp" "${CURL_CERT[@]}" \
    "https://localhost:$fp/orders" || true
  cap_stop "$out"; stop "$hp"
}

# ---- SMTP STARTTLS: postfix, smtpd_tls_ask_ccert ---------------------------------------------------
smtp() { # out port
  local out=$1 port=$2 d=$T/postfix
  mkdir -p "$d/conf" "$d/queue" "$d/data"
  chown postfix "$d/data"
  cat > "$d/conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
myhostname = partner.test
mydestination = partner.test
inet_interfaces = loopback-only
inet_protocols = ipv4
maillog_file_prefixes = /tmp
maillog_file = $d/maillog
smtpd_tls_security_level = may
smtpd_tls_cert_file = $T/server-chain.pem
smtpd_tls_key_file = $T/server.key
smtpd_tls_CAfile = $T/partner-cas.pem
smtpd_tls_ask_ccert = yes
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_protocols = >=TLSv1.2,<=TLSv1.2
smtpd_tls_loglevel = 1
EOF
  cp /etc/postfix/master.cf "$d/conf/master.cf"
  sed -i "s/^smtp      inet  n       -       y       -       -       smtpd/127.0.0.1:$port inet n - n - - smtpd/" "$d/conf/master.cf"
  sed -i 's/^postlog   unix-dgram n  -       n       -       1       postlogd/postlog   unix-dgram n  -       n       -       1       postlogd/' "$d/conf/master.cf"
  postfix -c "$d/conf" check >>"$T/servers.log" 2>&1
  postfix -c "$d/conf" start >>"$T/servers.log" 2>&1
  wait_port "$port"
  cap_start "$out" "tcp port $port"
  starttls_client smtp "$port" 'QUIT\r\n' -name client.test
  cap_stop "$out"
  postfix -c "$d/conf" stop >>"$T/servers.log" 2>&1
  sleep 1
}

# ---- IMAP and POP3 STARTTLS: dovecot, ssl_verify_client_cert ----------------------------------------
dovecot_start() { # imapport pop3port
  local d=$T/dovecot
  mkdir -p "$d/run" "$d/mail"
  cat > "$d/dovecot.conf" <<EOF
base_dir = $d/run
listen = 127.0.0.1
protocols = imap pop3
log_path = $d/dovecot.log
ssl = yes
ssl_cert = <$T/server-chain.pem
ssl_key = <$T/server.key
ssl_ca = <$T/partner-cas.pem
ssl_verify_client_cert = yes
auth_mechanisms = plain
passdb {
  driver = static
  args = password=test-only-password
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/mail
}
mail_location = maildir:$d/mail
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $1
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $2
  }
  inet_listener pop3s {
    port = 0
  }
}
EOF
  bg dovecot -F -c "$d/dovecot.conf"; DOVECOT=$LAST
  wait_port "$1"; wait_port "$2"
}

imap() { # out port
  cap_start "$1" "tcp port $2"
  starttls_client imap "$2" 'a9 LOGOUT\r\n'
  cap_stop "$1"
}

pop3() { # out port
  cap_start "$1" "tcp port $2"
  starttls_client pop3 "$2" 'QUIT\r\n'
  cap_stop "$1"
}

# ---- FTP AUTH TLS: vsftpd require_cert ---------------------------------------------------------------
ftp() { # out port
  local out=$1 port=$2 d=$T/vsftpd
  mkdir -p "$d/empty"
  cat > "$d/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$port
background=NO
anonymous_enable=NO
local_enable=YES
seccomp_sandbox=NO
secure_chroot_dir=$d/empty
ssl_enable=YES
rsa_cert_file=$T/server-chain.pem
rsa_private_key_file=$T/server.key
require_cert=YES
validate_cert=YES
ca_certs_file=$T/partner-cas.pem
require_ssl_reuse=NO
EOF
  bg vsftpd "$d/vsftpd.conf"; local vp=$LAST
  wait_port "$port"
  cap_start "$out" "tcp port $port"
  starttls_client ftp "$port" 'QUIT\r\n'
  cap_stop "$out"; stop "$vp"
}

# ---- LDAP StartTLS: slapd TLSVerifyClient, ldapsearch -ZZ (GnuTLS: TLS 1.2 through its priority string) ---
ldap() { # out port
  local out=$1 port=$2 d=$T/slapd
  mkdir -p "$d/db"
  cat > "$d/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
pidfile $d/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCACertificateFile $T/partner-cas.pem
TLSCertificateFile $T/server-chain.pem
TLSCertificateKeyFile $T/server.key
TLSVerifyClient demand
TLSProtocolMin 3.3
database mdb
suffix "dc=partner,dc=test"
rootdn "cn=admin,dc=partner,dc=test"
directory $d/db
EOF
  bg slapd -d 0 -h "ldap://127.0.0.1:$port/" -f "$d/slapd.conf"; local lp=$LAST
  wait_port "$port"
  cap_start "$out" "tcp port $port"
  LDAPTLS_CACERT="$T/partner-root.pem" LDAPTLS_CERT="$T/client.pem" LDAPTLS_KEY="$T/client.key" \
    LDAPTLS_CIPHER_SUITE="NORMAL:-VERS-TLS1.3" LDAPTLS_REQCERT=demand \
    timeout 10 ldapsearch -ZZ -x -H "ldap://localhost:$port" -b "" -s base namingContexts >>"$T/clients.log" 2>&1 || true
  cap_stop "$out"; stop "$lp"
}

# ---- XMPP <starttls/>: prosody with client certificate requests ---------------------------------------------
xmpp() { # out port
  local out=$1 port=$2 d=$T/prosody
  mkdir -p "$d/data"; chown prosody "$d" "$d/data"
  cat > "$d/prosody.cfg.lua" <<EOF
pidfile = "$d/prosody.pid"
data_path = "$d/data"
daemonize = false
log = { info = "$d/prosody.log" }
c2s_ports = { $port }
c2s_interfaces = { "127.0.0.1" }
s2s_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
c2s_require_encryption = true
modules_enabled = { "tls", "saslauth", "disco" }
modules_disabled = { "s2s" }
ssl = {
  certificate = "$T/server-chain.pem";
  key = "$T/server.key";
  cafile = "$T/partner-cas.pem";
  verify = { "peer", "client_once" };
  protocol = "tlsv1_2";
}
VirtualHost "localhost"
EOF
  chown prosody "$d/prosody.cfg.lua"
  bg runuser -u prosody -- prosody --config "$d/prosody.cfg.lua"; local xp=$LAST
  wait_port "$port"
  cap_start "$out" "tcp port $port"
  starttls_client xmpp "$port" '</stream:stream>' -xmpphost localhost
  cap_stop "$out"; stop "$xp"
}

# ---- PostgreSQL SSLRequest: hostssl ... clientcert=verify-ca; and a server without SSL ('N') -----------------
pg_start() { # dir port ssl(on|off)
  local d=$1 port=$2 ssl=$3 bin=/usr/lib/postgresql/15/bin
  mkdir -p "$d"; chown postgres "$d"
  cp "$T/server-chain.pem" "$T/server.key" "$T/partner-cas.pem" "$d/"
  chown postgres "$d"/*.pem "$d"/*.key; chmod 600 "$d/server.key"
  runuser -u postgres -- "$bin/initdb" -D "$d/data" -A trust >>"$T/servers.log" 2>&1
  cat >> "$d/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$d'
ssl = $ssl
ssl_cert_file = '$d/server-chain.pem'
ssl_key_file = '$d/server.key'
ssl_ca_file = '$d/partner-cas.pem'
ssl_max_protocol_version = 'TLSv1.2'
EOF
  echo "hostssl all all 127.0.0.1/32 trust clientcert=verify-ca" > "$d/data/pg_hba.conf"
  echo "host all all 127.0.0.1/32 trust" >> "$d/data/pg_hba.conf"
  bg runuser -u postgres -- "$bin/postgres" -D "$d/data"; PG=$LAST
  wait_port "$port"
}

postgres() { # out port
  local out=$1 port=$2
  pg_start "$T/pg" "$port" on
  cp "$T/client.pem" "$T/client.key" "$T/partner-root.pem" "$T/pg/"
  chmod 600 "$T/pg/client.key"
  cap_start "$out" "tcp port $port"
  PGSSLMODE=verify-ca PGSSLCERT="$T/pg/client.pem" PGSSLKEY="$T/pg/client.key" PGSSLROOTCERT="$T/pg/partner-root.pem" \
    PGGSSENCMODE=disable timeout 10 psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -c 'select 1' >>"$T/clients.log" 2>&1 || true
  cap_stop "$out"; stop "$PG"
}

postgres_refused() { # out port
  local out=$1 port=$2
  pg_start "$T/pg-nossl" "$port" off
  cap_start "$out" "tcp port $port"
  PGSSLMODE=prefer PGGSSENCMODE=disable timeout 10 psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -c 'select 1' \
    >>"$T/clients.log" 2>&1 || true
  cap_stop "$out"; stop "$PG"
}

# ---- MySQL (MariaDB) SSL request: require_secure_transport, ssl-ca so the server asks for a certificate -----
mysql() { # out port
  local out=$1 port=$2 d=$T/mariadb
  mkdir -p "$d"; chown mysql "$d"
  mariadb-install-db --no-defaults --datadir="$d/data" --user=mysql --auth-root-authentication-method=normal \
    >>"$T/servers.log" 2>&1
  bg mariadbd --no-defaults --datadir="$d/data" --user=mysql --socket="$d/sock" --pid-file="$d/pid" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve --require-secure-transport=ON \
    --ssl-ca="$T/partner-cas.pem" --ssl-cert="$T/server-chain.pem" --ssl-key="$T/server.key" --tls-version=TLSv1.2
  local mp=$LAST
  wait_port "$port"
  cap_start "$out" "tcp port $port"
  timeout 10 mariadb --no-defaults -h 127.0.0.1 -P "$port" -u root --ssl --ssl-ca="$T/partner-root.pem" \
    --ssl-cert="$T/client.pem" --ssl-key="$T/client.key" --tls-version=TLSv1.2 -e 'select 1' >>"$T/clients.log" 2>&1 || true
  cap_stop "$out"; stop "$mp"
}

run() { # name function args...
  local name=$1; shift
  if [ -n "${ONLY:-}" ] && ! printf '%s\n' $ONLY | grep -qx "$name"; then return 0; fi
  log "$name"
  "$@"
}

ONLY="${*:-}"
run proxy-connect proxy_connect "$CAPDIR/reach-http-connect.pcap" 8610 8611
run proxy-auth proxy_auth "$CAPDIR/reach-http-connect-407.pcap" 8612 8613
run socks5 socks "$CAPDIR/reach-socks5.pcap" 8614 8615 --socks5-hostname
# dante answers a SOCKS4a request (host name, address 0.0.0.1) with 91 "rejected": a real refusal.
run socks4a socks "$CAPDIR/reach-socks4a-refused.pcap" 8616 8617 --socks4a
run socks5-refused socks_refused "$CAPDIR/reach-socks5-refused.pcap" 8618 8619
run proxy-v1 haproxy_pp "$CAPDIR/reach-proxy-v1.pcap" 8620 8621 send-proxy
run proxy-v2 haproxy_pp "$CAPDIR/reach-proxy-v2.pcap" 8622 8623 send-proxy-v2
run smtp smtp "$CAPDIR/reach-smtp-starttls.pcap" 8625
if [ -z "$ONLY" ] || printf '%s\n' $ONLY | grep -qxE 'imap|pop3'; then
  dovecot_start 8626 8627
  run imap imap "$CAPDIR/reach-imap-starttls.pcap" 8626
  run pop3 pop3 "$CAPDIR/reach-pop3-stls.pcap" 8627
  stop "$DOVECOT"
fi
run ftp ftp "$CAPDIR/reach-ftp-auth-tls.pcap" 8628
run ldap ldap "$CAPDIR/reach-ldap-starttls.pcap" 8629
run xmpp xmpp "$CAPDIR/reach-xmpp-starttls.pcap" 8630
run postgres postgres "$CAPDIR/reach-postgres-sslrequest.pcap" 8631
run postgres-refused postgres_refused "$CAPDIR/reach-postgres-refused.pcap" 8632
run mysql mysql "$CAPDIR/reach-mysql-ssl.pcap" 8633
log "done (server logs were in $T, removed)"
