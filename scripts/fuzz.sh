#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ for a set time each and keeps a small corpus.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 600 (fuzzing time; the build comes on top); TARGET defaults to all of: markdown html pdf query legal.
# Environment:
#   FUZZ_PARALLEL=N   targets run at once (default 1, at most 2: the machine has 2 cores)
#   FUZZ_SANITIZER=S  cargo-fuzz sanitizer (default "none": safe Rust, we hunt panics, aborts,
#                     stack overflows, timeouts and memory blow-ups, and ASan halves the speed)
#   FUZZ_NO_SEEDS=1   do not copy new interesting inputs back into fuzz/seeds/
#
# For each target it copies fuzz/seeds/<target>/ into the live corpus fuzz/corpus/<target>/
# (git-ignored), runs libFuzzer in fork mode so the run lasts the whole time even after a crash
# (crashes, timeouts and OOMs are saved under fuzz/artifacts/<target>/ and counted), prints the
# executions and every new crash artifact with a one-line triage (the panic location, or the
# kind of abort), and finally copies up to 20 of the smallest new corpus inputs back into
# fuzz/seeds/<target>/ (nothing is minimised; seeds stay under 40 KB and 40 files per target).
# Logs: fuzz/logs/<target>.log. The pdf target also tallies the pdf-extract/lopdf panics that
# our wrapper catches by design (fuzz/logs/pdf-panics/).
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
FUZZ="$ROOT/fuzz"
ALL=(markdown html pdf query legal)

SECS=${1:-600}
if [[ $# -gt 0 ]]; then shift; fi
if [[ $# -gt 0 ]]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi
PARALLEL=${FUZZ_PARALLEL:-1}
if ((PARALLEL < 1)); then PARALLEL=1; fi
if ((PARALLEL > 2)); then PARALLEL=2; fi
SANITIZER=${FUZZ_SANITIZER:-none}

if ! [[ $SECS =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
    exit 2
fi
for t in "${TARGETS[@]}"; do
    if [[ ! -f "$FUZZ/fuzz_targets/$t.rs" ]]; then
        echo "unknown target '$t' (have: ${ALL[*]})" >&2
        exit 2
    fi
done
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz on a nightly toolchain is needed: rustup toolchain install nightly &&" \
        "cargo install cargo-fuzz" >&2
    exit 2
fi

max_len() {
    case $1 in
        pdf) echo 65536 ;;
        query) echo 1024 ;;
        legal) echo 4096 ;;
        *) echo 8192 ;;
    esac
}

BIN_DIR="$FUZZ/target/x86_64-unknown-linux-gnu/release"
# Bytes of the files under a folder.
bytes() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }
mkdir -p "$FUZZ/logs"

echo "== building fuzz targets (sanitizer: $SANITIZER)"
# Same as `cargo fuzz run` would do; the runs below start the built binaries directly.
cargo +nightly fuzz build --sanitizer "$SANITIZER"

# One line about a crash input: where it panicked, or how the process died.
triage() {
    local target=$1 input=$2 out
    out=$(RUST_BACKTRACE=0 timeout 120 "$BIN_DIR/$target" -rss_limit_mb=2048 -timeout=60 \
        "$input" 2>&1 || true)
    {
        grep -m1 -E "panicked at|has overflowed its stack" <<<"$out" |
            grep -v "caught unless" || true
        grep -A1 -m1 -E "panicked at" <<<"$out" | sed -n 2p || true
        grep -m1 -E "ERROR: libFuzzer: (deadly signal|timeout|out-of-memory|fuzz target exited)" \
            <<<"$out" || true
        grep -m1 "^PANIC (caught" <<<"$out" || true
    } | awk 'NF' | head -3 | tr '\n' ' ' | cut -c1-300
}

run_target() {
    local t=$1 corpus="$FUZZ/corpus/$t" log="$FUZZ/logs/$t.log" before="$FUZZ/logs/$t.before"
    local artifacts="$FUZZ/artifacts/$t" stamp="$FUZZ/logs/$t.stamp"
    mkdir -p "$corpus" "$artifacts"
    cp -n "$FUZZ/seeds/$t"/* "$corpus"/ 2>/dev/null || true
    ls "$corpus" | sort >"$before"
    touch "$stamp"
    local extra=()
    if [[ $t == pdf ]]; then
        rm -rf "$FUZZ/logs/pdf-panics"
        mkdir -p "$FUZZ/logs/pdf-panics"
        export VAGVISARE_FUZZ_PANIC_DIR="$FUZZ/logs/pdf-panics"
    fi
    echo "== $t: fuzzing for $SECS s (log: fuzz/logs/$t.log)"
    # The binary `cargo fuzz run` would start, run directly: everything was built once above,
    # so src/ edited meanwhile is not rebuilt in the middle of (or between) the runs.
    (cd "$ROOT" && "$BIN_DIR/$t" -artifact_prefix="$artifacts/" \
        -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=20 -max_len="$(max_len "$t")" \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -print_final_stats=1 "${extra[@]}" "$corpus") >"$log" 2>&1 || true
    if [[ $t == query ]]; then
        # Index copies of query processes that are gone (the target also cleans up stale ones).
        for d in "${TMPDIR:-/tmp}"/vagvisare-fuzz-query-*; do
            [[ -d $d ]] || continue
            [[ -d /proc/${d##*-} ]] || rm -rf "$d"
        done
    fi
}

summarise() {
    local t=$1 corpus="$FUZZ/corpus/$t" log="$FUZZ/logs/$t.log" before="$FUZZ/logs/$t.before"
    local artifacts="$FUZZ/artifacts/$t" stamp="$FUZZ/logs/$t.stamp"
    local stats execs rate time ooms timeouts crashes
    # Fork mode: "#N: cov: .. ft: .. corp: .. exec/s R oom/timeout/crash: a/b/c time: Ts ...".
    stats=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)
    if [[ -n $stats ]]; then
        execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$stats")
        time=$(sed -E 's/.* time: ([0-9]+)s.*/\1/' <<<"$stats")
        rate=$((time > 0 ? execs / time : 0))
        IFS=/ read -r ooms timeouts crashes < <(sed -E 's/.*oom\/timeout\/crash: ([0-9]+\/[0-9]+\/[0-9]+).*/\1/' <<<"$stats")
    else
        # Plain mode: "Done N runs in T second(s)".
        stats=$(grep -E '^Done [0-9]+ runs in' "$log" | tail -1 || true)
        execs=$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+).*/\1/' <<<"$stats")
        time=$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+).*/\2/' <<<"$stats")
        rate=$((${time:-0} > 0 ? ${execs:-0} / time : 0))
        ooms=?; timeouts=?; crashes=?
    fi
    echo "== $t: ${execs:-?} executions in ${time:-?} s (${rate:-?} exec/s);" \
        "oom/timeout/crash: ${ooms:-?}/${timeouts:-?}/${crashes:-?}"
    local found=0 f
    while IFS= read -r f; do
        [[ -n $f ]] || continue
        found=1
        echo "   artifact: ${f#"$ROOT"/}"
        echo "     $(triage "$t" "$f")"
    done < <(find "$artifacts" -type f -newer "$stamp" | sort)
    ((found)) || echo "   no new crash artifacts"
    if [[ $t == pdf && -d $FUZZ/logs/pdf-panics ]]; then
        echo "   pdf-extract/lopdf panics caught by ingest::pdf::parse (by location, approximate):"
        cat "$FUZZ/logs/pdf-panics"/panics.*.tsv 2>/dev/null |
            awk -F'\t' '{n[$2]+=$1; if (!($2 in m)) m[$2]=$3} END {for (k in n) printf "%10d  %s  %s\n", n[k], k, m[k]}' |
            sed -E 's#/[^ ]*/registry/src/[^/]*/##' | sort -rn | head -25
    fi
    # Keep a few of the smallest new inputs as seeds.
    if [[ ${FUZZ_NO_SEEDS:-0} != 1 ]]; then
        local seeds="$FUZZ/seeds/$t" added=0 size count
        mkdir -p "$seeds"
        declare -A have=()
        for f in "$seeds"/*; do
            [[ -f $f ]] && have[$(sha1sum "$f" | cut -c1-40)]=1
        done
        while IFS= read -r f; do
            ((added < 20)) || break
            size=$(bytes "$seeds")
            count=$(find "$seeds" -type f | wc -l)
            local fsize
            fsize=$(stat -c %s "$corpus/$f")
            if ((count >= 40 || size + fsize > 40960 || fsize > 20480)); then break; fi
            local h
            h=$(sha1sum "$corpus/$f" | cut -c1-40)
            [[ -z ${have[$h]:-} ]] || continue
            cp "$corpus/$f" "$seeds/$h"
            have[$h]=1
            added=$((added + 1))
        done < <(comm -13 "$before" <(ls "$corpus" | sort) |
            while IFS= read -r f; do echo "$(stat -c %s "$corpus/$f") $f"; done |
            sort -n | cut -d' ' -f2-)
        echo "   corpus: $(ls "$corpus" | wc -l) inputs ($(comm -13 "$before" <(ls "$corpus" | sort) | wc -l) new);" \
            "seeds: $added added, $(find "$seeds" -type f | wc -l) files, $(bytes "$seeds") bytes"
    fi
}

# Run the targets, at most $PARALLEL at once.
pids=()
for t in "${TARGETS[@]}"; do
    while (($(jobs -rp | wc -l) >= PARALLEL)); do wait -n || true; done
    run_target "$t" &
    pids+=($!)
done
wait

echo
echo "== summary ($SECS s per target)"
for t in "${TARGETS[@]}"; do summarise "$t"; done
echo "== fuzz/seeds: $(bytes "$FUZZ/seeds") bytes in $(find "$FUZZ/seeds" -type f | wc -l) files"
