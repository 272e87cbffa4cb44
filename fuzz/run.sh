#!/usr/bin/env bash
# Runs every fuzz target in turn, each for a bounded time, and prints a summary.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]      (default: 300 seconds, every target)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a C++ toolchain; builds with the stable
# toolchain and RUSTC_BOOTSTRAP=1 (cargo-fuzz uses -Zsanitizer=address). One job per target
# (-jobs=1). New crashes land in fuzz/artifacts/<target>/ (kept in git and replayed by
# `cargo test --test integration fuzz_replay`); the growing corpus in fuzz/corpus/<target>/
# and the logs in fuzz/logs/<target>/ are not kept. See FUZZING.md.
set -euo pipefail

secs=${1:-300}
shift || true
case $secs in
'' | *[!0-9]*)
    echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]" >&2
    exit 2
    ;;
esac

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$fuzz_dir")
all_targets=(pipeline clean_jpeg clean_png clean_webp clean_gif clean_pdf clean_ooxml clean_odf
    clean_rtf control_protocol config)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

# The shared MIME corpus, read in place when this machine has it (never written to: libFuzzer
# writes new inputs only to the first corpus directory, fuzz/corpus/<target>/).
shared_corpus=${SOURDINE_SHARED_CORPUS:-$root/../shared/corpus/mime-samples}

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=$fuzz_dir/target
triple=$(rustc -vV | sed -n 's/^host: //p')
echo "== building the fuzz targets (cargo fuzz build -O: release, debug assertions, ASan)"
# Every target in one build: they share the library, which is compiled once.
(cd "$root" && cargo fuzz build -O --fuzz-dir "$fuzz_dir")
bin_dir=$CARGO_TARGET_DIR/$triple/release

summary=()
status=0
for t in "${targets[@]}"; do
    mkdir -p "$fuzz_dir/corpus/$t" "$fuzz_dir/artifacts/$t" "$fuzz_dir/logs/$t"
    corpora=("$fuzz_dir/corpus/$t" "$fuzz_dir/seeds/$t")
    flags=(-max_total_time="$secs" -jobs=1 -print_final_stats=1
        -artifact_prefix="$fuzz_dir/artifacts/$t/")
    stack_kib=8192
    case $t in
    pipeline)
        # A message the pipeline takes more than 10 s over is a finding (timeout-*); one over
        # 2 s is reported and saved too (slow-unit-*): every pass must be linear, and the
        # service's budget per message is 20 s.
        flags+=(-dict="$fuzz_dir/dicts/mime.dict" -timeout=10 -report_slow_units=2)
        if [ -d "$shared_corpus" ]; then corpora+=("$shared_corpus"); fi
        ;;
    clean_*)
        # The service runs cleaners on a 16 MiB stack in a worker limited to 1 GiB and 30 s;
        # the address sanitizer makes frames larger, so give the fuzz process 64 MiB.
        stack_kib=65536
        flags+=(-timeout=30 -rss_limit_mb=2560)
        ;;
    control_protocol) flags+=(-dict="$fuzz_dir/dicts/json.dict" -timeout=5 -max_len=4096) ;;
    config) flags+=(-dict="$fuzz_dir/dicts/toml.dict" -timeout=5 -max_len=16384) ;;
    *)
        echo "no target $t" >&2
        exit 2
        ;;
    esac
    before=$(find "$fuzz_dir/artifacts/$t" -type f | wc -l)
    log_dir=$fuzz_dir/logs/$t
    rm -f "$log_dir"/fuzz-*.log
    echo "== $t: ${secs}s, stack ${stack_kib} KiB, corpora: ${corpora[*]}"
    start=$(date +%s)
    # -jobs=1 runs the fuzzer in one child process whose output goes to $log_dir/fuzz-0.log.
    (cd "$log_dir" && ulimit -s "$stack_kib" &&
        "$bin_dir/$t" "${flags[@]}" "${corpora[@]}" >"$log_dir/driver.log" 2>&1) || true
    took=$(($(date +%s) - start))
    log=$log_dir/fuzz-0.log
    after=$(find "$fuzz_dir/artifacts/$t" -type f | wc -l)
    new=$((after - before))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" 2>/dev/null | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" 2>/dev/null | tail -n 1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" 2>/dev/null | tail -n 1)
    last=$(grep -E '^#[0-9]+.*cov: ' "$log" 2>/dev/null | tail -n 1 || true)
    cov=$(sed -nE 's/.* cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+\/[^ ]+).*/cov \1, ft \2, corpus \3/p' \
        <<<"$last")
    slow=$(grep -c '^Slowest unit' "$log" 2>/dev/null || true)
    if [ "$new" -gt 0 ]; then
        state="FOUND $new new artifact(s) (timeouts and slow units included)"
        status=1
    elif grep -qE 'ERROR: libFuzzer|==ERROR|panicked at|deadly signal' "$log" 2>/dev/null; then
        state="FAILED (see $log)"
        status=1
    else
        state=ok
    fi
    line=$(printf '%-17s %5ss  %10s execs  %7s exec/s  rss %5s MB  %-34s slow %s  %s' "$t" \
        "$took" "${execs:-?}" "${rate:-?}" "${rss:-?}" "${cov:-?}" "${slow:-0}" "$state")
    summary+=("$line")
    echo "$line"
done

echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%MZ), ${secs}s per target)"
printf '%s\n' "${summary[@]}" | tee "$fuzz_dir/logs/summary-$(date -u +%Y%m%dT%H%M%SZ).txt"
for t in "${targets[@]}"; do
    found=$(find "$fuzz_dir/artifacts/$t" -type f 2>/dev/null | sort)
    if [ -n "$found" ]; then
        echo "artifacts of $t (replay with: cargo test --test integration fuzz_replay):"
        while IFS= read -r f; do printf '  %s\n' "$f"; done <<<"$found"
    fi
done
exit "$status"
