#!/usr/bin/env bash
# deploy/demo.sh - sourdine's whole job, end to end, on this machine, in one command.
#
# Starts a throwaway Dovecot + Postfix on loopback ports (deploy/dev/mailstack.sh), builds
# sourdine, runs `sourdine run` on the helpline's mailbox, sends three mails as a writer,
# shows the tickets a counsellor sees, sends a reply and shows it arriving in the writer's
# mailbox. Then it stops everything it started. Run it as root on Debian (it installs
# Dovecot and Postfix with deploy/dev/install-mail-packages.sh, which starts no system daemon).
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: deploy/demo.sh [--keep] [--help]

Runs sourdine's whole job on this machine with a throwaway mail server on loopback:
  1. installs Dovecot and Postfix if needed and starts them in a temporary directory
  2. builds sourdine (cargo build --release --locked)
  3. writes a configuration and runs `sourdine init`
  4. starts the service, `sourdine run`, on the helpline's mailbox (contact@example.test)
  5. sends three mails as a writer (writer@example.test): French with a photo, Dutch, English
  6. waits for their tickets and shows `ticket list`
  7. shows one ticket and exports its photo, cleaned of its metadata
  8. answers a ticket with `ticket reply`
  9. waits for the reply in the writer's mailbox and shows it
 10. closes the three tickets, classifying each contact (ticket close --type ...)
 11. stops the service and the mail servers
 12. adds a year of earlier, generated contacts (answered and classified), so that the
     statistics have something to count
 13. shows the statistics (ticket stats) and writes them as an HTML report
It takes about a minute after the build. Run it as root.

Options:
  --keep   keep the work directory (configuration, store, mail, logs) at the end
  --help   print this help

Environment:
  SOURDINE_DEMO_DIR=DIR   work directory (must not exist or be empty; at most 40 characters;
                          default: a new /tmp/sourdine-demo.XXXXXX)
  SOURDINE_DEMO_BIN=DIR   use the `sourdine` and `ticket` programs in DIR instead of building
  IMAP_PORT, IMAPS_PORT, SMTP_PORT, SUBMISSION_PORT, SMTPS_PORT
                          the mail servers' loopback ports (default: free ports)

The work directory is removed at the end unless --keep is given or something failed; then
its path and the logs' are printed.
EOF
}

keep=
for arg in "$@"; do
  case $arg in
    --keep) keep=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "demo.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
started_at=$(date +%s)
step_no=0
step() { step_no=$((step_no + 1)); printf '\n== Step %d: %s\n' "$step_no" "$*"; }
say() { printf '   %s\n' "$*"; }
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }
# Output of a `ticket` command, as the counsellor sees it, marked so that it stands out.
as_counsellor() { printf '   $ ticket %s\n' "$*"; "$bin/ticket" "$@" 2>&1 | sed 's/^/   │ /'; }

[ "$(id -u)" = 0 ] || die "run me as root: I install Dovecot and Postfix and run them on loopback ports"

# --- the work directory and the clean-up that runs on every exit ----------------------------
if [ -n "${SOURDINE_DEMO_DIR:-}" ]; then
  work=$SOURDINE_DEMO_DIR
  if [ -e "$work" ] && [ -n "$(ls -A "$work")" ]; then
    die "SOURDINE_DEMO_DIR=$work is not empty; give a new or empty directory"
  fi
  mkdir -p "$work"
  work=$(cd "$work" && pwd)
else
  work=$(mktemp -d /tmp/sourdine-demo.XXXXXX)
fi
# Dovecot's socket paths under the mail directory must stay short (see mailstack.sh).
[ ${#work} -le 40 ] || die "the work directory $work is longer than 40 characters"
case $work in *[[:space:]]*) die "the work directory must not contain spaces" ;; esac
# The mail servers' own users must reach $work/mail; everything else stays private.
chmod 0755 "$work"
mail=$work/mail
logs=$work/logs
mkdir -p "$logs" "$work/etc"
chmod 0700 "$logs" "$work/etc"

daemon_pid=
mail_started=
finish() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [ -n "$daemon_pid" ]; then
    kill -TERM "$daemon_pid" 2>/dev/null
    for _ in $(seq 300); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
  fi
  if [ -n "$mail_started" ]; then
    bash "$repo/deploy/dev/mailstack.sh" stop "$mail" </dev/null >>"$logs/mailstack.log" 2>&1
  fi
  if [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ]; then
    printf '\ndemo.sh: interrupted at step %d; everything it started is stopped.\n' "$step_no" >&2
  elif [ "$rc" -ne 0 ]; then
    printf '\ndemo.sh: FAILED (exit %d) at step %d; everything it started is stopped.\n' "$rc" "$step_no" >&2
  fi
  if [ "$rc" -ne 0 ]; then
    if [ -s "$logs/sourdine.log" ]; then
      printf 'Last lines of the service log:\n' >&2
      tail -n 15 "$logs/sourdine.log" >&2
    fi
    printf 'Work directory kept: %s (service log: %s; mail servers: %s, %s)\n' \
      "$work" "$logs/sourdine.log" "$mail/dovecot/dovecot.log" "$mail/postfix/maillog" >&2
  elif [ -n "$keep" ]; then
    printf 'Work directory kept: %s\n' "$work"
    printf '   logs: %s (service), %s and %s (mail servers)\n' \
      "$logs/sourdine.log" "$mail/dovecot/dovecot.log" "$mail/postfix/maillog"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Ports: as given, else free ones (a port is free when nothing listens on it).
listening() { awk 'NR > 1 && $4 == "0A" {split($2, a, ":"); print a[2]}' /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
pick_port() {
  local port taken
  taken=$(listening)
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 40000))
    grep -qx "$(printf '%04X' "$port")" <<<"$taken" || { echo "$port"; return; }
  done
  die "found no free port"
}
export IMAP_PORT=${IMAP_PORT:-$(pick_port)}
export IMAPS_PORT=${IMAPS_PORT:-$(pick_port)}
export SMTP_PORT=${SMTP_PORT:-$(pick_port)}
export SUBMISSION_PORT=${SUBMISSION_PORT:-$(pick_port)}
export SMTPS_PORT=${SMTPS_PORT:-$(pick_port)}

# --- 1. the mail servers --------------------------------------------------------------------
step "Mail servers: Dovecot (IMAP) and Postfix (SMTP) on 127.0.0.1, in $mail"
if [ ! -x /usr/sbin/dovecot ] || [ ! -x /usr/sbin/postfix ]; then
  say "installing Dovecot and Postfix (deploy/dev/install-mail-packages.sh; no system daemon is started)"
fi
bash "$repo/deploy/dev/install-mail-packages.sh"
mail_started=1
bash "$repo/deploy/dev/mailstack.sh" start "$mail" </dev/null >>"$logs/mailstack.log" 2>&1 ||
  { cat "$logs/mailstack.log" >&2; die "the mail servers did not start"; }
say "mailboxes contact@example.test (the helpline) and writer@example.test (someone who writes)"
say "IMAPS port $IMAPS_PORT, SMTP port $SMTP_PORT, submission port $SUBMISSION_PORT"

# --- 2. the programs ------------------------------------------------------------------------
if [ -n "${SOURDINE_DEMO_BIN:-}" ]; then
  bin=$(cd "$SOURDINE_DEMO_BIN" && pwd)
  step "Programs: using $bin (SOURDINE_DEMO_BIN)"
else
  step "Build: cargo build --release --locked"
  command -v cargo >/dev/null || die "cargo not found: install Rust 1.95 (rustup), or set SOURDINE_DEMO_BIN"
  command -v make >/dev/null || die "make not found (it builds jemalloc, sourdine's allocator): apt-get install make"
  (cd "$repo" && cargo build --release --locked)
  target=${CARGO_TARGET_DIR:-$repo/target}
  case $target in /*) ;; *) target=$repo/$target ;; esac
  bin=$target/release
fi
for program in sourdine ticket; do
  [ -x "$bin/$program" ] || die "$bin/$program is missing"
done

# --- 3. configuration -----------------------------------------------------------------------
step "Configuration: $work/etc/sourdine.toml, then sourdine init"
for f in imap smtp; do
  (umask 077 && printf 'contact-pass\n' > "$work/etc/$f.password")
done
cat > "$work/etc/sourdine.toml" <<EOF
# The helpline of this demo: its mailbox is contact@example.test on the loopback Dovecot.
data_dir = "$work/data"
contact_address = "contact@example.test"
control_socket = "$work/run/control.sock"

[replies]
# The loopback Postfix plays the helpline's own mail server: it vouches for writer@example.test.
trusted_authserv_id = "mail.example.test"

[imap]
host = "localhost"
port = $IMAPS_PORT
tls = "implicit"
username = "contact@example.test"
password_file = "$work/etc/imap.password"
ca_file = "$mail/tls/ca.crt"

[smtp]
host = "localhost"
port = $SUBMISSION_PORT
tls = "starttls"
username = "contact@example.test"
password_file = "$work/etc/smtp.password"
ca_file = "$mail/tls/ca.crt"
from_name = "Helpline"
retry_secs = 1
EOF
export SOURDINE_CONFIG=$work/etc/sourdine.toml NO_COLOR=1
unset SOURDINE_SOCKET SOURDINE_LOG
"$bin/sourdine" init | tail -n 2 | sed 's/^/   /'

# --- 4. the service -------------------------------------------------------------------------
step "Service: sourdine run (log: $logs/sourdine.log)"
"$bin/sourdine" run </dev/null >"$logs/sourdine.log" 2>&1 &
daemon_pid=$!
for i in $(seq 300); do
  if [ -S "$work/run/control.sock" ] && "$bin/ticket" whoami >/dev/null 2>&1; then break; fi
  kill -0 "$daemon_pid" 2>/dev/null || die "sourdine run stopped: see $logs/sourdine.log"
  [ "$i" -lt 300 ] || die "sourdine run did not answer within 30 s"
  sleep 0.1
done
say "running (pid $daemon_pid); it watches the mailbox with IDLE and serves \`ticket\` on $work/run/control.sock"

# --- 5. a writer writes ---------------------------------------------------------------------
# The samples are the project's test fixtures, which imitate real mail clients and carry
# planted identifiers (PLANT...) that must never reach a counsellor; only their From is
# changed to the demo's writer, so that the reply can reach a real mailbox.
step "A writer sends three mails to contact@example.test through Postfix (SMTP, port $SMTP_PORT)"
smtp_expect() {  # CODE: reads one SMTP reply (all its lines); fails unless it has CODE
  local line
  while IFS= read -r -t 30 line <&3; do
    line=${line%$'\r'}
    [ "${line:0:3}" = "$1" ] || die "SMTP: expected $1, got: $line"
    [ "${line:3:1}" = "-" ] || return 0
  done
  die "SMTP: no answer (expected $1)"
}
smtp_send() {  # FROM TO FILE: one message over SMTP, with bash's /dev/tcp
  exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT"
  smtp_expect 220
  printf 'EHLO writer.example.test\r\n' >&3; smtp_expect 250
  printf 'MAIL FROM:<%s>\r\n' "$1" >&3; smtp_expect 250
  printf 'RCPT TO:<%s>\r\n' "$2" >&3; smtp_expect 250
  printf 'DATA\r\n' >&3; smtp_expect 354
  sed -e 's/\r$//' -e 's/^\./../' -e 's/$/\r/' "$3" >&3
  printf '.\r\n' >&3; smtp_expect 250
  printf 'QUIT\r\n' >&3; smtp_expect 221
  exec 3<&-
}
as_writer() {  # FIXTURE OUT: the fixture with its From (and folded lines) replaced
  awk 'h == 0 && /^$/ { h = 1 }
       h == 0 && /^From:/ { print "From: A Writer <writer@example.test>"; skip = 1; next }
       h == 0 && skip && /^[ \t]/ { next }
       { skip = 0; print }' "$1" > "$2"
}
mkdir -p "$work/samples"
samples=(
  "attachments/photo-jpeg.eml|French, with a photo from a phone (GPS position, camera serial, owner name)"
  "clients/apple-mail.eml|Dutch, from Apple Mail on an iPhone"
  "clients/thunderbird.eml|English, from Thunderbird"
)
for entry in "${samples[@]}"; do
  fixture=${entry%%|*}
  as_writer "$repo/fixtures/$fixture" "$work/samples/$(basename "$fixture")"
  smtp_send writer@example.test contact@example.test "$work/samples/$(basename "$fixture")"
  say "sent: ${entry#*|} (fixtures/$fixture)"
done

# A year of earlier contacts: generated mails dated over the last eleven months, taken in
# with `sourdine ingest`; most are answered some hours after they arrived and closed with a
# classification (the store's clock moved with SOURDINE_CLOCK_OFFSET), a few wait.
earlier_contacts() {
  local dir=$work/earlier n=0 back k day hour when lang subject text id delay kind
  local now this_month
  mkdir -p "$dir/mail" "$dir/follow-ups"
  now=$(date -u +%s)
  this_month=$(date -u +%Y-%m-01)
  printf 'Thank you for writing. We are here to listen.\n' > "$dir/reply.txt"
  for back in $(seq 11 -1 1); do
    for k in $(seq 1 $(( 7 + (back * 5) % 9 ))); do
      n=$((n + 1))
      day=$(( 1 + (n * 7) % 27 )); hour=$(( 7 + (n * 5) % 13 ))
      when=$(date -u -d "$this_month -$back months +$((day - 1)) days +$hour hours" +%s)
      case $(( n % 20 )) in
        [0-9]) lang="fr"; text="Bonjour, je ne sais pas avec qui parler de mes pensées et je suis très inquiet." ;;
        1[0-6]) lang="nl"; text="Hallo, ik weet niet met wie ik over mijn gedachten kan praten en ik ben echt bang." ;;
        *) lang="en"; text="Hello, I do not know who to talk to about my thoughts and I am really worried." ;;
      esac
      subject="Earlier contact EARLIER$(printf '%03d' "$n") ($lang)"
      printf 'From: <earlier%03d@example.test>\nTo: <contact@example.test>\nSubject: %s\nDate: %s\nMessage-ID: <earlier%03d.%s@example.test>\n\n%s\n' \
        "$n" "$subject" "$(date -u -R -d "@$when")" "$n" "$when" "$text" > "$dir/mail/$(printf '%03d' "$n").eml"
      printf '%03d %s\n' "$n" "$when" >> "$dir/index"
    done
  done
  "$bin/sourdine" ingest "$dir/mail" | sed 's/^/   /'
  "$bin/ticket" list --status all --json |
    awk '/"id":/ { gsub(/[",]/, "", $2); id = $2 } /"subject":/ && match($0, /EARLIER[0-9]+/) { print substr($0, RSTART + 7, RLENGTH - 7), id }' > "$dir/ids"
  # Some writers wrote again an hour later, answering in the same thread (the ticket's tag).
  while read -r n when; do
    [ $(( 10#$n % 9 )) -eq 0 ] || continue
    id=$(awk -v n="$n" '$1 == n { print $2 }' "$dir/ids")
    printf 'From: <earlier%s@example.test>\nTo: <contact@example.test>\nSubject: Re: [%s]\nDate: %s\n\n%s\n' \
      "$n" "$id" "$(date -u -R -d "@$((when + 3600))")" "One more thing, sorry. I wanted to add something to my message." \
      > "$dir/follow-ups/$n.eml"
  done < "$dir/index"
  "$bin/sourdine" ingest "$dir/follow-ups" | sed 's/^/   /'
  while read -r n when; do
    id=$(awk -v n="$n" '$1 == n { print $2 }' "$dir/ids")
    [ -n "$id" ] || die "the earlier contact $n was not ticketed"
    k=$((10#$n))
    case $(( k % 25 )) in
      [0-9]|1[0-4]) kind=(--type counselling --category "$(cat_of "$k")" --role "$(role_of "$k")")
                    [ $(( k % 3 )) -eq 0 ] && kind+=(--category "$(cat_of $((k + 2)))") ;;
      1[5-9]) kind=(--type information --category finding_help --role "$(role_of "$k")") ;;
      2[01]) kind=(--type silent_or_test) ;;
      22) kind=(--type abusive --role unknown) ;;
      *) kind=(--type misdirected) ;;
    esac
    delay=0
    if [ $(( k % 25 )) -lt 20 ]; then
      [ $(( k % 13 )) -eq 0 ] && continue  # still waiting for an answer
      delay=$(( 1 + (k * 17) % 40 ))
      SOURDINE_CLOCK_OFFSET=$(( when + delay * 3600 + 600 - now )) \
        "$bin/ticket" reply "$id" --file "$dir/reply.txt" --yes --unverified >/dev/null
    fi
    SOURDINE_CLOCK_OFFSET=$(( when + (delay + 2) * 3600 - now )) \
      "$bin/ticket" close "$id" "${kind[@]}" >/dev/null
  done < "$dir/index"
  say "$(wc -l < "$dir/index") earlier contacts over the last eleven months, some followed up"
}
cat_of() {  # N: a category, chosen by N
  local cats=(sexual_thoughts online_material contact_with_children past_behaviour mental_health finding_help)
  printf '%s' "${cats[$(( $1 % 6 ))]}"
}
role_of() {  # N: a role, chosen by N
  case $(( $1 % 20 )) in
    [0-9]) printf own ;; 1[0-4]) printf relative ;; 1[5-7]) printf professional ;; *) printf unknown ;;
  esac
}

# --- 6. the tickets -------------------------------------------------------------------------
step "Tickets: the service takes the mail in, cleans it and files it"
count_tickets() { "$bin/ticket" list --status all --json | grep -c '"id":' || true; }
for i in $(seq 600); do
  [ "$(count_tickets)" -ge 3 ] && break
  [ "$i" -lt 600 ] || die "the three tickets did not appear within 60 s"
  sleep 0.1
done
contact_box=$mail/mail/example.test/contact/Maildir
for i in $(seq 100); do
  [ -z "$(find "$contact_box/new" "$contact_box/cur" -type f 2>/dev/null)" ] && break
  [ "$i" -lt 100 ] || die "the helpline's mailbox on the server was not emptied"
  sleep 0.1
done
say "3 tickets, and the helpline's mailbox on the server is empty: each message was removed"
say "once its ticket was on disk, so the provider keeps no identifying copy. A counsellor lists them:"
as_counsellor list
# The ticket whose subject holds the sample's marker.
ticket_with() { "$bin/ticket" list --status all --json | awk -v m="$1" '/"id":/ { gsub(/[",]/, "", $2); id = $2 } /"subject":/ && index($0, m) { print id; exit }'; }
photo_ticket=$(ticket_with KEEPJPGSUBJECT)
english_ticket=$(ticket_with KEEPTBSUBJECT)
if [ -z "$photo_ticket" ] || [ -z "$english_ticket" ]; then die "the sample tickets were not found"; fi

# --- 7. one ticket --------------------------------------------------------------------------
step "A counsellor reads ticket $photo_ticket: no address, no name, the writer is \"writer\""
as_counsellor show "$photo_ticket"
as_counsellor attachment "$photo_ticket" 1 --output "$work/photo.jpg"
# The manifest's `planted = [...]` list: every identifying value planted in the sample.
planted=$(awk '/^planted = \[/ { p = 1; next } p && /^\]/ { p = 0 }
               p && match($0, /"[^"]*"/) { print substr($0, RSTART + 1, RLENGTH - 2) }' \
            "$repo/fixtures/attachments/photo-jpeg.toml" | sort -u)
total=$(wc -l <<<"$planted")
left=0
while IFS= read -r token; do
  if grep -qaiF -- "$token" "$work/photo.jpg"; then left=$((left + 1)); fi
done <<<"$planted"
say "the photo as the counsellor exports it ($(wc -c < "$work/photo.jpg") bytes): $left of the $total identifying"
say "values planted in the mail and its photo remain (GPS position, camera owner and serial, file name...)"
[ "$left" -eq 0 ] || die "identifying values survived in the photo"

# --- 8. a reply -----------------------------------------------------------------------------
step "A counsellor answers ticket $english_ticket"
cat > "$work/reply.txt" <<'EOF'
Hello,

Thank you for writing to us. We read your message carefully.
You can write to us again at any time; we are here to listen.

The helpline team
EOF
printf '   $ ticket reply %s --file reply.txt --yes\n' "$english_ticket"
"$bin/ticket" reply "$english_ticket" --file "$work/reply.txt" --yes | sed 's/^/   │ /'

# --- 9. the reply arrives -------------------------------------------------------------------
step "The reply arrives in the writer's mailbox (writer@example.test, on the loopback Dovecot)"
maildir=$mail/mail/example.test/writer/Maildir
reply_file=
for i in $(seq 600); do
  reply_file=$(grep -lF "We read your message carefully." "$maildir"/new/* "$maildir"/cur/* 2>/dev/null | head -n 1 || true)
  [ -n "$reply_file" ] && break
  [ "$i" -lt 600 ] || die "the reply did not arrive within 60 s"
  sleep 0.1
done
in_box=$(find "$maildir/new" "$maildir/cur" -type f | wc -l)
acks=$(grep -lx 'Auto-Submitted: auto-replied' "$maildir"/new/* "$maildir"/cur/* 2>/dev/null | wc -l || true)
say "the writer's mailbox holds $in_box message(s): this reply and $acks automatic acknowledgement(s)"
say "(a new ticket from a sender our mail server verified gets one, in the writer's language;"
say "one address gets at most one a day, however many mails it sends)."
say "The reply as it arrived, without the mail servers' own Return-Path, Delivered-To and Received:"
awk 'body { print; next }
     /^$/ { body = 1; print; next }
     /^[ \t]/ { if (!skip) print; next }
     { skip = ($0 ~ /^(Return-Path|Delivered-To|Received):/); if (!skip) print }' "$reply_file" | sed 's/^/   > /'
from=$(grep -m1 '^From:' "$reply_file")
[ "$from" = "From: Helpline <contact@example.test>" ] || die "unexpected sender: $from"
written=$(awk '/^$/ { body = 1 } body || !/^([ \t]|Received:)/' "$reply_file")
login=$(id -un)
host=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)
if grep -qiwF -- "$login" <<<"$written" || grep -qiwF -- "$host" <<<"$written"; then
  die "the reply names the counsellor ($login) or this machine ($host)"
fi
say "It comes from the helpline: $from"
say "Neither the counsellor's login ($login) nor this machine's name ($host) is in it."
say "It went to the writer's address, sealed when the ticket was made and opened only to send."

# --- 10. classification ---------------------------------------------------------------------
step "A counsellor closes the three tickets, recording what each contact was (codes only)"
say "The helpline's classification (deploy/classification.toml, installed by sourdine init; the"
say "helpline edits it) lists the codes; closing a ticket needs a type:"
as_counsellor classification
dutch_ticket=$(ticket_with KEEPAMSUBJECT)
as_counsellor close "$photo_ticket" --type counselling --category sexual_thoughts --category mental_health --role own
as_counsellor close "$dutch_ticket" --type information --category finding_help --role relative
as_counsellor close "$english_ticket" --type counselling --category online_material --role own

# --- 11. the service stops ------------------------------------------------------------------
step "Stopping the service and the mail servers"
kill -TERM "$daemon_pid"
wait "$daemon_pid" || die "sourdine run did not stop cleanly: see $logs/sourdine.log"
daemon_pid=
bash "$repo/deploy/dev/mailstack.sh" stop "$mail" </dev/null >>"$logs/mailstack.log" 2>&1
mail_started=
say "stopped."

# --- 12. a year of earlier contacts ---------------------------------------------------------
step "A year of earlier contacts, generated, so that the statistics have something to count"
earlier_contacts
say "With the service stopped, sourdine and ticket open the store directly. Each answer was"
say "written at its own time (SOURDINE_CLOCK_OFFSET moves the store's clock) and stays in the"
say "outbox: the mail servers are gone. Most tickets were closed with a classification."

# --- 13. the statistics ---------------------------------------------------------------------
step "Statistics for the helpline's report (supervisors; counts under 5 are hidden)"
as_counsellor stats
as_counsellor stats --html "$work/report.html"
say "The report is one page, with no script and nothing loaded from elsewhere; open it in a"
say "browser or print it. The same figures: ticket stats --json, or --csv for a spreadsheet."
printf '\nDemo done in %d s.%s\n' "$(( $(date +%s) - started_at ))" \
  "$([ -n "$keep" ] || printf ' The work directory %s is removed (--keep keeps it).' "$work")"
