#!/usr/bin/env bash
# The long chaos run: mail of every kind delivered for a set time while the daemon, Dovecot and
# Postfix are restarted or killed at random, replies queued all along. Prints what was sent,
# ticketed, quarantined, duplicated, queued, delivered and lost (lost must be 0).
#
#   deploy/dev/chaos.sh [SECONDS]     # default 1200; needs root, Dovecot and Postfix
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-1200}
SOURDINE_CHAOS_SECS=$secs cargo test --release --features failpoints --test integration \
  chaos_run_loses_nothing -- --nocapture --test-threads=1
