#!/usr/bin/env bash
# inbox-screenshot.sh - renders the README's pictures of the inbox from a real terminal:
# a throwaway helpline holds the demo's three mails (deploy/demo.sh sends the same fixtures),
# a counsellor's marks on them, `sourdine run` serves it, tmux runs `ticket` at 100x30,
# `tmux capture-pane -e -p` takes the screen with its colours, deploy/dev/ansi2html.py makes
# a page of it, and headless Chromium photographs the page.
#
#   deploy/dev/inbox-screenshot.sh [OUT_DIR]     # default: docs/ (writes inbox-*.png)
#
# Needs the debug binaries (cargo build), tmux, python3 and chromium.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "${1:-$repo/docs}")
bin=$repo/target/debug
for tool in tmux python3 chromium; do
  command -v "$tool" >/dev/null || { echo "inbox-screenshot.sh: $tool is needed" >&2; exit 1; }
done
[ -x "$bin/ticket" ] || { echo "inbox-screenshot.sh: run cargo build first" >&2; exit 1; }
mkdir -p "$repo/target/tmp"
work=$(mktemp -d "$repo/target/tmp/inbox-shot.XXXXXX")
daemon=""
cleanup() {
  tmux -S "$work/tmux.sock" kill-server 2>/dev/null || true
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# --- a helpline with the demo's mails -------------------------------------------------------
mkdir -p "$work/etc"
cat > "$work/etc/sourdine.toml" <<TOML
data_dir = "$work/data"
contact_address = "contact@example.test"
control_socket = "$work/run/control.sock"
TOML
export SOURDINE_CONFIG=$work/etc/sourdine.toml NO_COLOR=
unset SOURDINE_SOCKET SOURDINE_LANG SOURDINE_LOG
"$bin/sourdine" init >/dev/null
"$bin/sourdine" run >"$work/sourdine.log" 2>&1 &
daemon=$!
for _ in $(seq 300); do [ -S "$work/run/control.sock" ] && break; sleep 0.1; done
# Exit status 75: the service is still loading its catalog.
for _ in $(seq 300); do "$bin/ticket" whoami >/dev/null 2>&1; [ $? -ne 75 ] && break; sleep 0.1; done
"$bin/sourdine" ingest "$repo/fixtures/attachments/photo-jpeg.eml" \
  "$repo/fixtures/clients/apple-mail.eml" "$repo/fixtures/clients/thunderbird.eml" >/dev/null
# The counsellors' marks: one urgent, one claimed and tagged (in list order: the oldest first).
mapfile -t ids < <("$bin/ticket" list --json | sed -n 's/^    "id": "\(.*\)",$/\1/p')
[ "${#ids[@]}" -eq 3 ] || { echo "inbox-screenshot.sh: expected 3 tickets" >&2; exit 1; }
"$bin/ticket" urgent "${ids[2]}" --reason "Quelqu'un sonne chaque soir" >/dev/null
"$bin/ticket" claim "${ids[1]}" >/dev/null
"$bin/ticket" tag "${ids[1]}" suivi >/dev/null

# --- the inbox in a real terminal -----------------------------------------------------------
shoot() {  # NAME LANG KEYS...: runs the inbox, types KEYS, photographs the screen as NAME.png
  local name=$1 lang=$2
  shift 2
  tmux -u -S "$work/tmux.sock" new-session -d -s "$name" -x 100 -y 30 \
    "LANG=C.UTF-8 TERM=xterm-256color $bin/ticket --socket $work/run/control.sock --lang $lang"
  sleep 1.5
  for k in "$@"; do tmux -S "$work/tmux.sock" send-keys -t "$name" "$k"; sleep 0.7; done
  tmux -S "$work/tmux.sock" capture-pane -e -p -t "$name" > "$work/$name.ans"
  tmux -S "$work/tmux.sock" send-keys -t "$name" C-c
  python3 "$repo/deploy/dev/ansi2html.py" < "$work/$name.ans" > "$work/$name.html"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chromium" --hide-scrollbars --window-size=932,594 \
    --screenshot="$out/$name.png" "file://$work/$name.html" >/dev/null 2>&1
  echo "wrote $out/$name.png"
}
mkdir -p "$out"
shoot inbox-list en
shoot inbox-thread fr j Enter
