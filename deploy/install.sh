#!/usr/bin/env bash
# Installs sourdine on this machine, from a clone, after `cargo build --release`.
#
#   sudo deploy/install.sh                 # one helpline; counsellors' group "helpline"
#   sudo deploy/install.sh --group ecoute  # another name for the counsellors' group
#   sudo deploy/install.sh --instance nord # one helpline among several (sourdine@nord)
#   deploy/install.sh --dry-run            # print what would be done, change nothing
#
# It creates the service's user and the counsellors' group, installs the two programs, their
# manual pages and shell completions, the systemd units, the configuration folder (an
# existing configuration is never overwritten), the data and key folders, and runs
# `sourdine init` as the service's user. It starts nothing. Running it again is safe: it
# is also how you upgrade (see docs/OPERATING.md).
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: deploy/install.sh [OPTIONS] [GROUP]

  GROUP              the counsellors' group (default: helpline; with --instance NAME:
                     helpline-NAME). Same as --group.

Options:
  --group NAME       the counsellors' group
  --instance NAME    install one helpline among several on this host: user sourdine-NAME,
                     /etc/sourdine/NAME/, /var/lib/sourdine/NAME, unit sourdine@NAME
  --prefix DIR       where the programs, manual pages and completions go (default /usr/local)
  --bin-dir DIR      where the built programs are (default: target/release of this clone)
  --destdir DIR      stage every file under DIR instead of / (packaging, tests): no users,
                     no ownership, no `sourdine init`, no systemctl
  --dry-run          print what would be done; change nothing
  -h, --help         this text
EOF
}

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }
quote() { local out="" a; for a in "$@"; do out+="$(printf '%q' "$a") "; done; printf '%s' "${out% }"; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=/usr/local
BIN_DIR="$REPO/target/release"
DESTDIR=""
DRY_RUN=0
GROUP=""
INSTANCE=""

while [ $# -gt 0 ]; do
  case "$1" in
    --group) [ $# -ge 2 ] || die "--group needs a name"; GROUP=$2; shift 2 ;;
    --group=*) GROUP=${1#*=}; shift ;;
    --instance) [ $# -ge 2 ] || die "--instance needs a name"; INSTANCE=$2; shift 2 ;;
    --instance=*) INSTANCE=${1#*=}; shift ;;
    --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; PREFIX=$2; shift 2 ;;
    --prefix=*) PREFIX=${1#*=}; shift ;;
    --bin-dir) [ $# -ge 2 ] || die "--bin-dir needs a folder"; BIN_DIR=$2; shift 2 ;;
    --bin-dir=*) BIN_DIR=${1#*=}; shift ;;
    --destdir) [ $# -ge 2 ] || die "--destdir needs a folder"; DESTDIR=$2; shift 2 ;;
    --destdir=*) DESTDIR=${1#*=}; shift ;;
    --dry-run|-n) DRY_RUN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) [ -z "$GROUP" ] || die "one group only (got $GROUP and $1)"; GROUP=$1; shift ;;
  esac
done

# --- what goes where -------------------------------------------------------------------
name_ok() { [[ $1 =~ ^[a-z_][a-z0-9_-]*$ ]] && [ ${#1} -le 32 ]; }
case "$PREFIX" in /*) ;; *) die "--prefix must be an absolute path (got $PREFIX)" ;; esac
PREFIX=${PREFIX%/}
[ -n "$PREFIX" ] || PREFIX=/
if [ -n "$DESTDIR" ]; then
  case "$DESTDIR" in /*) ;; *) DESTDIR="$PWD/$DESTDIR" ;; esac
  DESTDIR=${DESTDIR%/}
fi
case "$BIN_DIR" in /*) ;; *) BIN_DIR="$PWD/$BIN_DIR" ;; esac

if [ -n "$INSTANCE" ]; then
  if ! [[ $INSTANCE =~ ^[a-z][a-z0-9-]*$ ]] || [ ${#INSTANCE} -gt 23 ]; then
    die "--instance: use lower-case letters, digits and '-', at most 23 characters (got '$INSTANCE')"
  fi
  SVC_USER="sourdine-$INSTANCE"
  GROUP=${GROUP:-helpline-$INSTANCE}
  CONF_DIR="/etc/sourdine/$INSTANCE"
  DATA_DIR="/var/lib/sourdine/$INSTANCE"
  KEY_DIR="/var/lib/sourdine-keys/$INSTANCE"
  SOCKET="/run/sourdine/$INSTANCE/control.sock"
  UNIT="sourdine@$INSTANCE.service"
else
  SVC_USER=sourdine
  GROUP=${GROUP:-helpline}
  CONF_DIR=/etc/sourdine
  DATA_DIR=/var/lib/sourdine
  KEY_DIR=/var/lib/sourdine-keys
  SOCKET=/run/sourdine/control.sock
  UNIT=sourdine.service
fi
name_ok "$GROUP" || die "'$GROUP' is not a valid group name"
[ "$GROUP" != "$SVC_USER" ] || die "the counsellors' group must not be the service's own group ($SVC_USER)"
CONFIG="$CONF_DIR/sourdine.toml"
BIN="$PREFIX/bin"
MAN1="$PREFIX/share/man/man1"
DOC="$PREFIX/share/doc/sourdine"
COMP_BASH="$PREFIX/share/bash-completion/completions"
COMP_ZSH="$PREFIX/share/zsh/site-functions"
COMP_FISH="$PREFIX/share/fish/vendor_completions.d"
UNIT_DIR=/etc/systemd/system
D="$DESTDIR"   # every system path below is written as "$D/path"

# --- how things are done -----------------------------------------------------------------
# run CMD...: runs a command that changes the system (or prints it with --dry-run).
run() {
  if [ "$DRY_RUN" = 1 ]; then
    say "  [dry-run] $(quote "$@")"
  else
    say "  + $(quote "$@")"
    "$@"
  fi
}
# own USER GROUP: the `install` options that set ownership (none when staging).
own() { [ -n "$D" ] || printf -- '-o\n%s\n-g\n%s\n' "$1" "$2"; }
# mkdir_as MODE USER GROUP DIR
mkdir_as() {
  local opts; mapfile -t opts < <(own "$2" "$3")
  run install -d -m "$1" "${opts[@]}" "$D$4"
}
# file_as MODE USER GROUP SRC DEST
file_as() {
  local opts; mapfile -t opts < <(own "$2" "$3")
  run install -m "$1" "${opts[@]}" "$4" "$D$5"
}
in_group() { id -nG "$1" 2>/dev/null | tr ' ' '\n' | grep -qx "$2"; }

# --- checks ------------------------------------------------------------------------------
step "Checks"
say "clone:        $REPO"
say "programs:     $BIN_DIR/sourdine, $BIN_DIR/ticket -> $D$BIN"
say "service:      $UNIT, user $SVC_USER; counsellors' group $GROUP"
say "config:       $D$CONFIG"
say "data_dir:     $D$DATA_DIR    key_dir: $D$KEY_DIR"
[ -z "$D" ] || say "staging:      everything goes under $D (no users, no ownership, no init, no systemctl)"
[ "$DRY_RUN" = 0 ] || say "dry run:      nothing will be changed"

for p in sourdine ticket; do
  if [ ! -x "$BIN_DIR/$p" ]; then
    if [ "$DRY_RUN" = 1 ]; then
      say "warning: $BIN_DIR/$p is missing: run 'cargo build --release' before installing"
    else
      die "$BIN_DIR/$p is missing: run 'cargo build --release' in $REPO first (or give --bin-dir)"
    fi
  fi
done
[ -f "$REPO/deploy/sourdine.example.toml" ] || die "deploy/sourdine.example.toml is missing from $REPO"
if [ -z "$D" ] && [ "$DRY_RUN" = 0 ]; then
  [ "$(id -u)" = 0 ] || die "run this as root (sudo $0 ...), or try --dry-run first"
  for tool in getent groupadd useradd usermod runuser install; do
    command -v "$tool" >/dev/null || die "'$tool' is missing"
  done
fi
# One helpline per host with sourdine.service, or several with sourdine@NAME: never both,
# because they would share /etc/sourdine, /var/lib/sourdine and /run/sourdine.
if [ -n "$INSTANCE" ] && [ -f "$D/etc/sourdine/sourdine.toml" ]; then
  die "this host already has a single helpline (/etc/sourdine/sourdine.toml): do not mix sourdine.service and sourdine@NAME on one host"
fi
if [ -z "$INSTANCE" ]; then
  for f in "$D"/etc/sourdine/*/sourdine.toml; do
    [ -e "$f" ] || continue
    die "this host already runs instances ($f): install another one with --instance NAME"
  done
fi

work=""
if [ "$DRY_RUN" = 0 ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

# --- users and groups --------------------------------------------------------------------
step "Users and groups"
if [ -n "$D" ]; then
  say "  (staging: users and groups are not created)"
else
  if getent group "$GROUP" >/dev/null; then
    say "  group $GROUP exists"
  else
    run groupadd "$GROUP"
  fi
  if getent passwd "$SVC_USER" >/dev/null; then
    say "  user $SVC_USER exists"
  else
    run useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home \
      --shell /usr/sbin/nologin --comment "sourdine helpline mail desk" "$SVC_USER"
  fi
  # The service gives its socket's folder to the counsellors' group. Without privileges
  # (the unit grants none) it can only do that for a group it belongs to.
  if in_group "$SVC_USER" "$GROUP"; then
    say "  $SVC_USER is in $GROUP"
  else
    run usermod --append --groups "$GROUP" "$SVC_USER"
  fi
fi

# --- programs, manual pages, completions, documents --------------------------------------
step "Programs"
mkdir_as 0755 root root "$BIN"
for p in sourdine ticket; do
  file_as 0755 root root "$BIN_DIR/$p" "$BIN/$p"
done

step "Manual pages and shell completions"
if [ "$DRY_RUN" = 1 ]; then
  say "  [dry-run] $(quote "$BIN_DIR/sourdine" __generate-docs --out TMP/sourdine)"
  say "  [dry-run] $(quote "$BIN_DIR/ticket" __generate-docs --out TMP/ticket)"
  say "  [dry-run] install TMP/*/man1/*.1 -> $D$MAN1 (not the help-* pages)"
  say "  [dry-run] install completions -> $D$COMP_BASH, $D$COMP_ZSH, $D$COMP_FISH"
else
  "$BIN_DIR/sourdine" __generate-docs --out "$work/sourdine" >/dev/null
  "$BIN_DIR/ticket" __generate-docs --out "$work/ticket" >/dev/null
  for dir in "$MAN1" "$COMP_BASH" "$COMP_ZSH" "$COMP_FISH"; do
    mkdir_as 0755 root root "$dir"
  done
  # Pages of an older version that no longer exist go first.
  rm -f "$D$MAN1"/sourdine.1 "$D$MAN1"/sourdine-*.1 "$D$MAN1"/ticket.1 "$D$MAN1"/ticket-*.1
  pages=0
  for page in "$work"/*/man1/*.1; do
    case "$(basename "$page")" in *-help.1|*-help-*.1) continue ;; esac  # `help` subcommands
    install -m 0644 "$page" "$D$MAN1/"
    pages=$((pages + 1))
  done
  say "  $pages manual pages in $D$MAN1"
  for p in sourdine ticket; do
    file_as 0644 root root "$work/$p/completions/$p.bash" "$COMP_BASH/$p"
    file_as 0644 root root "$work/$p/completions/_$p" "$COMP_ZSH/_$p"
    file_as 0644 root root "$work/$p/completions/$p.fish" "$COMP_FISH/$p.fish"
  done
  if [ -z "$D" ] && command -v mandb >/dev/null; then
    mandb -q "$MAN1/.." 2>/dev/null || true
  fi
fi
mkdir_as 0755 root root "$DOC"
for f in docs/OPERATING.md docs/SECURITY.md docs/PRIVACY.en.md docs/PRIVACY.fr.md docs/PRIVACY.nl.md; do
  if [ -f "$REPO/$f" ]; then
    file_as 0644 root root "$REPO/$f" "$DOC/$(basename "$f")"
  fi
done

# --- systemd units -----------------------------------------------------------------------
step "systemd units (installed, not started)"
mkdir_as 0755 root root "$UNIT_DIR"
for u in sourdine.service sourdine@.service sourdine-once.service sourdine-once.timer; do
  if [ "$DRY_RUN" = 1 ]; then
    say "  [dry-run] install -m 0644 deploy/systemd/$u -> $D$UNIT_DIR/$u (with $BIN/sourdine)"
  else
    sed "s#/usr/local/bin/sourdine#$BIN/sourdine#g" "$REPO/deploy/systemd/$u" >"$work/$u"
    file_as 0644 root root "$work/$u" "$UNIT_DIR/$u"
  fi
done
if [ -z "$D" ] && [ -d /run/systemd/system ]; then
  run systemctl daemon-reload
fi

# --- configuration -----------------------------------------------------------------------
step "Configuration"
if [ -n "$INSTANCE" ]; then
  mkdir_as 0755 root root /etc/sourdine
fi
# The service reads its folder through its group; counsellors need none of it.
mkdir_as 0750 root "$SVC_USER" "$CONF_DIR"
mkdir_as 0750 root "$SVC_USER" "$CONF_DIR/templates"
for t in "$REPO"/deploy/templates/*.txt; do
  dest="$CONF_DIR/templates/$(basename "$t")"
  if [ -e "$D$dest" ]; then
    continue
  fi
  file_as 0640 root "$SVC_USER" "$t" "$dest"
done
# The saved replies counsellors start answers from (never overwritten; `sourdine init`, run
# as the service's user below, cannot write in this folder).
mkdir_as 0750 root "$SVC_USER" "$CONF_DIR/replies"
for t in "$REPO"/deploy/replies/*.txt; do
  dest="$CONF_DIR/replies/$(basename "$t")"
  if [ -e "$D$dest" ]; then
    continue
  fi
  file_as 0640 root "$SVC_USER" "$t" "$dest"
done
# The contact classification the helpline edits (never overwritten).
if [ ! -e "$D$CONF_DIR/classification.toml" ]; then
  file_as 0640 root "$SVC_USER" "$REPO/deploy/classification.toml" "$CONF_DIR/classification.toml"
fi

if [ -e "$D$CONFIG" ]; then
  say "  $D$CONFIG exists: kept as it is (compare with $REPO/deploy/sourdine.example.toml)"
else
  # The example with this host's paths and groups. Each edit is checked, so a change in the
  # example's wording stops the script here instead of writing a wrong configuration.
  settings=(
    "data_dir = \"$DATA_DIR\""
    "key_dir = \"$KEY_DIR\""
    "control_socket = \"$SOCKET\""
    "counsellors_group = \"$GROUP\""
    "counsellor_groups = [\"$GROUP\"]"
  )
  if [ "$DRY_RUN" = 1 ]; then
    say "  [dry-run] write $D$CONFIG (0640 root:$SVC_USER) from deploy/sourdine.example.toml, with:"
    for s in "${settings[@]}"; do say "              $s"; done
  else
    sed -e "s#^data_dir = .*#${settings[0]}#" \
        -e "s|^# key_dir = .*|${settings[1]}|" \
        -e "s#^control_socket = .*#${settings[2]}#" \
        -e "s|^# counsellors_group = .*|${settings[3]}|" \
        -e "s|^counsellor_groups = \[\].*|${settings[4]}|" \
        "$REPO/deploy/sourdine.example.toml" >"$work/sourdine.toml"
    for s in "${settings[@]}"; do
      grep -qxF "$s" "$work/sourdine.toml" ||
        die "could not set '$s' in the example configuration (has its layout changed?); nothing was written to $CONFIG"
    done
    file_as 0640 root "$SVC_USER" "$work/sourdine.toml" "$CONFIG"
  fi
fi

# --- data and keys -----------------------------------------------------------------------
step "Data and key folders"
if [ -n "$INSTANCE" ]; then
  mkdir_as 0755 root root /var/lib/sourdine
  mkdir_as 0755 root root /var/lib/sourdine-keys
fi
# Both belong to the service alone. The keys are never inside the data folder, so that a
# copy of the data folder alone cannot be read; systemd keeps both (StateDirectory=).
mkdir_as 0700 "$SVC_USER" "$SVC_USER" "$DATA_DIR"
mkdir_as 0700 "$SVC_USER" "$SVC_USER" "$KEY_DIR"

step "sourdine init (as $SVC_USER)"
if [ -n "$D" ]; then
  say "  (staging: skipped; run 'sourdine init --config $CONFIG' as $SVC_USER on the target)"
else
  run runuser -u "$SVC_USER" -- "$BIN/sourdine" init --config "$CONFIG"
fi

# --- what next ---------------------------------------------------------------------------
step "Done. Nothing was started."
if [ -n "$INSTANCE" ]; then start="systemctl enable --now $UNIT"; else start="systemctl enable --now sourdine   (or, instead: systemctl enable --now sourdine-once.timer)"; fi
cat <<EOF
Next steps (docs/OPERATING.md, also in $DOC):
  1. Edit $CONFIG: contact_address, [imap], [smtp],
     trusted_authserv_id, and [roles] supervisor_users.
  2. Put each mailbox password in its own file, readable by the service only:
       install -m 0600 -o $SVC_USER -g $SVC_USER /dev/null $CONF_DIR/imap.password
       editor $CONF_DIR/imap.password
  3. Add the counsellors to the group:  usermod -aG $GROUP NAME  (they log in again after)
  4. Check:   sourdine doctor --config $CONFIG
  5. Start:   $start
     Then:    systemctl status $UNIT;  sourdine status --config $CONFIG
EOF
if [ "$SOCKET" != /run/sourdine/control.sock ]; then
  say "  Counsellors reach this helpline with: export SOURDINE_SOCKET=$SOCKET"
fi
