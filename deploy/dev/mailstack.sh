#!/usr/bin/env bash
# The project's copy (adapted from the workplace tool that was verified on this machine kind).
# mailstack.sh - run a throwaway Dovecot (IMAP/IMAPS/LMTP) + Postfix (SMTP) on 127.0.0.1,
# with all config, state, queue and mail storage under one directory. No systemd, no /etc edits.
#
#   mailstack.sh start DIR [all|dovecot|postfix]   # DIR is created if missing; prints nothing on success
#   mailstack.sh stop  DIR [all|dovecot|postfix]   # stops by PID (TERM, then KILL of what is left)
#
# The third argument (default all) lets the chaos test stop and start each server alone.
# Ports (override with env): IMAP_PORT=1143 IMAPS_PORT=1993 SMTP_PORT=2525 SUBMISSION_PORT=1587 SMTPS_PORT=1465
# Users (password = user part + "-pass"): contact@example.test, writer@example.test
set -euo pipefail

cmd=${1:?usage: $0 start|stop DIR [all|dovecot|postfix]}
ROOT=${2:?usage: $0 start|stop DIR [all|dovecot|postfix]}
WHAT=${3:-all}
case $WHAT in all|dovecot|postfix) ;; *) echo "usage: $0 start|stop DIR [all|dovecot|postfix]" >&2; exit 2;; esac
IMAP_PORT=${IMAP_PORT:-1143}
IMAPS_PORT=${IMAPS_PORT:-1993}
SMTP_PORT=${SMTP_PORT:-2525}
SUBMISSION_PORT=${SUBMISSION_PORT:-1587}
SMTPS_PORT=${SMTPS_PORT:-1465}
VMAIL_UID=${VMAIL_UID:-5000}   # numeric only; needs no /etc/passwd entry
VMAIL_GID=${VMAIL_GID:-5000}

live_in_sessions() {  # $@ = session IDs; prints PIDs of their non-zombie processes
  local sid
  for sid in "$@"; do ps -s "$sid" -o pid=,stat= 2>/dev/null | awk '$2 !~ /^Z/ {print $1}'; done
}

wait_sessions_empty() {  # $1 = max tenths of a second; rest = session IDs
  local n=$1; shift
  for _ in $(seq "$n"); do
    [ -z "$(live_in_sessions "$@")" ] && return 0
    sleep 0.1
  done
  return 1
}

stop_pids() {  # $@ = master PIDs; each master is the leader of its own session (setsid), so
               # everything it spawned carries its PID as session ID.
  local pid left
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait_sessions_empty 20 "$@" && return 0
  # Dovecot's master waits ~10 s (or more) for imap/imap-login processes that still have clients;
  # TERM those children directly (they exit at once), then KILL whatever is left.
  left=$(live_in_sessions "$@")
  # shellcheck disable=SC2086
  [ -z "$left" ] || kill -TERM $left 2>/dev/null || true
  wait_sessions_empty 30 "$@" && return 0
  left=$(live_in_sessions "$@")
  echo "killing leftover processes: $left" >&2
  # shellcheck disable=SC2086
  [ -z "$left" ] || kill -KILL $left 2>/dev/null || true
  wait_sessions_empty 30 "$@"
}

pid_of() {  # $1 = pid file, $2 = expected /proc/PID/comm; prints the PID only if it is that program
  local pid
  [ -s "$1" ] || return 0
  pid=$(tr -dc 0-9 < "$1")
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 0
  # A killed master can linger as a zombie until it is reaped: that one is not running.
  [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" = Z ] || echo "$pid"
  return 0
}

wait_listen() {  # $1 = port; wait (<= 10 s) until 127.0.0.1:$1 is in LISTEN state. Reads /proc/net/tcp
                 # instead of connecting: probe connections make Dovecot's stop take ~5 s longer.
  local hex
  hex=$(printf '%04X' "$1")
  for _ in $(seq 200); do
    grep -qE "^ *[0-9]+: 0100007F:$hex 00000000:0000 0A" /proc/net/tcp && return 0
    sleep 0.05
  done
  echo "port $1 did not open" >&2; return 1
}

case $cmd in
start)
  mkdir -p "$ROOT"
  ROOT=$(cd "$ROOT" && pwd)
  # Dovecot's unix sockets (longest: DIR/dovecot/run/token-login/imap-urlauth) must fit sun_path (107 bytes)
  [ ${#ROOT} -le 70 ] || { echo "DIR too long (${#ROOT} > 70 chars); use e.g. \$(mktemp -d /tmp/mail.XXXXXX)" >&2; exit 2; }
  case $ROOT in *[[:space:]]*) echo "DIR must not contain spaces" >&2; exit 2;; esac
  chmod 0755 "$ROOT"     # mktemp -d gives 0700: the postfix/dovecot/dovenull/vmail uids must traverse it
  mkdir -p "$ROOT"/{tls,dovecot/run,dovecot/state,postfix/etc,postfix/spool,postfix/data,mail}

  # --- TLS: a CA + a leaf cert (CA:FALSE, SAN localhost/127.0.0.1); tests trust $ROOT/tls/ca.crt
  if [ ! -s "$ROOT/tls/server.crt" ]; then
    (cd "$ROOT/tls"
     openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
       -subj "/CN=mailtest CA" -keyout ca.key -out ca.crt 2>/dev/null
     openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
       -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
     printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
       'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:localhost,IP:127.0.0.1' > server.ext
     openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
       -extfile server.ext -out server.crt 2>/dev/null
     chmod 0600 ca.key server.key)
  fi

  # --- Dovecot users (passwd-file). Fields: user:pass:uid:gid:gecos:home:shell:extra
  cat > "$ROOT/dovecot/users" <<EOF
contact@example.test:{PLAIN}contact-pass::::::
writer@example.test:{PLAIN}writer-pass::::::
victim@example.test:{PLAIN}victim-pass::::::
EOF
  chmod 0644 "$ROOT/dovecot/users"   # read by the auth process, which runs as user 'dovecot'
  chown "$VMAIL_UID:$VMAIL_GID" "$ROOT/mail"
  chown postfix "$ROOT/postfix/data"  # postfix master creates master.lock here as user postfix

  cat > "$ROOT/dovecot/dovecot.conf" <<EOF
# Self-contained: no !include of /etc/dovecot
base_dir = $ROOT/dovecot/run
state_dir = $ROOT/dovecot/state
instance_name = mailtest
protocols = imap lmtp
listen = 127.0.0.1
log_path = $ROOT/dovecot/dovecot.log
ssl = yes
ssl_cert = <$ROOT/tls/server.crt
ssl_key = <$ROOT/tls/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0       # default 2 s per failed login slows negative tests
mail_max_userip_connections = 100   # default 10 per user+IP; parallel tests share 127.0.0.1
hostname = mail.example.test
first_valid_uid = $VMAIL_UID
last_valid_uid = $VMAIL_UID
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $ROOT/dovecot/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $ROOT/dovecot/users
  default_fields = uid=$VMAIL_UID gid=$VMAIL_GID home=$ROOT/mail/%d/%n
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
protocol lmtp {
  postmaster_address = postmaster@example.test
}
EOF

  # --- Postfix: own config_directory, queue, data; non-chroot; everything to example.test -> Dovecot LMTP
  P=$ROOT/postfix
  printf '%s\n' "contact@example.test OK" "writer@example.test OK" "victim@example.test OK" > "$P/etc/vmailbox"
  # Plays the helpline's own MX verifying senders: mail whose envelope sender is
  # writer@example.test gets an Authentication-Results header from this server (authserv-id
  # mail.example.test, DMARC pass); mail from spoofer@example.test gets a failed verdict at
  # the top (another server sending in example.test's name); any other sender gets none
  # ("not verified"). Like a misconfigured MX, it does not remove headers claiming its name.
  printf '%s\n' "writer@example.test PREPEND Authentication-Results: mail.example.test; dkim=pass header.d=example.test; dmarc=pass header.from=example.test" \
    "spoofer@example.test PREPEND Authentication-Results: mail.example.test; spf=fail smtp.mailfrom=example.test; dkim=none; dmarc=fail header.from=example.test" > "$P/etc/verified_senders"
  # The same failed verdict where a message asks for it with `X-Test-Mx-Verdict: fail`, in
  # that header's place: below a forged header above it, for the tests of both orders.
  printf '%s\n' "/^X-Test-Mx-Verdict: fail\$/ REPLACE Authentication-Results: mail.example.test; spf=fail smtp.mailfrom=example.test; dkim=none; dmarc=fail header.from=example.test" > "$P/etc/header_checks"
  cat > "$P/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $P/spool
data_directory = $P/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = $P/maillog
maillog_file_prefixes = $ROOT
myhostname = mail.example.test
mydomain = example.test
myorigin = \$mydomain
mydestination =
local_recipient_maps =
local_transport = error:5.1.1 local delivery disabled
alias_maps =
alias_database =
biff = no
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
default_transport = error:5.7.1 outbound mail disabled in tests
virtual_mailbox_domains = example.test
virtual_mailbox_maps = texthash:$P/etc/vmailbox
recipient_delimiter = +
virtual_transport = lmtp:unix:$ROOT/dovecot/run/lmtp
smtpd_relay_restrictions = reject_unauth_destination
smtpd_sender_restrictions = check_sender_access texthash:$P/etc/verified_senders
header_checks = regexp:$P/etc/header_checks
smtpd_tls_cert_file = $ROOT/tls/server.crt
smtpd_tls_key_file = $ROOT/tls/server.key
smtpd_tls_security_level = may
smtpd_sasl_type = dovecot
smtpd_sasl_path = $ROOT/dovecot/run/auth-postfix
smtpd_sasl_auth_enable = no
in_flow_delay = 0
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 5s
maximal_queue_lifetime = 10m
bounce_queue_lifetime = 10m
delay_warning_time = 0
EOF
  cat > "$P/etc/master.cf" <<EOF
127.0.0.1:$SMTP_PORT      inet  n - n - - smtpd
127.0.0.1:$SUBMISSION_PORT inet  n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$SMTPS_PORT     inet  n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -    - proxymap
smtp      unix  - - n -    - smtp
relay     unix  - - n -    - smtp
showq     unix  n - n -    - showq
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
lmtp      unix  - - n -    - lmtp
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF

  # Postfix re-reads any config file whose mtime is < ~2 s old ("let it cool down"), stalling every
  # postfix program by ~2 s: backdate the freshly written files.
  touch -d '1 minute ago' "$P"/etc/*
  # Daemons must not inherit our stdout/stderr: a caller capturing them (a pipe, $(...),
  # Command::output()) would otherwise wait for EOF forever.
  if [ "$WHAT" != postfix ] && [ -z "$(pid_of "$ROOT/dovecot/run/master.pid" dovecot)" ]; then
    dovecot -c "$ROOT/dovecot/dovecot.conf" </dev/null >"$ROOT/start.log" 2>&1 ||
      { cat "$ROOT/start.log" "$ROOT/dovecot/dovecot.log" >&2 2>/dev/null; exit 1; }
    for port in "$IMAP_PORT" "$IMAPS_PORT"; do wait_listen "$port"; done
    [ -S "$ROOT/dovecot/run/lmtp" ] || { echo "dovecot lmtp socket missing" >&2; exit 1; }
  fi
  if [ "$WHAT" != dovecot ] && [ -z "$(pid_of "$ROOT/postfix/spool/pid/master.pid" master)" ]; then
    postfix -c "$P/etc" start </dev/null >>"$ROOT/start.log" 2>&1 ||
      { cat "$ROOT/start.log" "$P/maillog" >&2 2>/dev/null; exit 1; }
    for port in "$SMTP_PORT" "$SUBMISSION_PORT" "$SMTPS_PORT"; do wait_listen "$port"; done
  fi
  ;;
stop)
  ROOT=$(cd "$ROOT" && pwd)
  pids=""
  [ "$WHAT" = dovecot ] || pids="$pids $(pid_of "$ROOT/postfix/spool/pid/master.pid" master)"
  [ "$WHAT" = postfix ] || pids="$pids $(pid_of "$ROOT/dovecot/run/master.pid" dovecot)"
  # shellcheck disable=SC2086
  [ -z "${pids// /}" ] || stop_pids $pids
  ;;
*) echo "usage: $0 start|stop DIR [all|dovecot|postfix]" >&2; exit 2;;
esac
