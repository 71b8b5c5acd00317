#!/usr/bin/env bash
# Runs the benchmarks and writes the report: bench/run.sh [--quick|--full|--smoke|--queue|--masking] [--no-build]
#   --quick  (default) every benchmark and target at the deciding sizes, short iterations: under 5 minutes on
#            2 cores once the 1 GiB logs are cached (the first run builds them: add about a minute)
#   --full   every parameter, longer warmup and measurement: the numbers to quote (about 20 minutes)
#   --smoke  one tiny iteration of each benchmark (CI): proves they run; writes only under bench/results/smoke/
#   --queue  only the job queue benchmark (claims/s, 8 workers, Postgres and SQLite); rewrites only its section of
#            RESULTS.md. Postgres: CINCH_BENCH_DATABASE_URL, else CINCH_TEST_DATABASE_URL, else 127.0.0.1:5432/test
#   --masking  only what secret masking costs an append (fs, 0 and 100 secrets); rewrites only its section
#   --search   only the cross-job search over 1 GiB of sealed logs (filtered vs decompress-and-scan, frames read,
#              filter size); rewrites only its section
#   --no-build  use bench/target/benchmarks.jar as built (CI builds it in `mvn verify`)
# The corpus comes from CINCH_CORPUS_DIR when set (a generated CI-like corpus otherwise). Scratch data goes to
# CINCH_BENCH_DIR (default: the temp folder; must be a real disk, not tmpfs, for fsync to mean anything) and built
# read-benchmark logs are cached in CINCH_BENCH_CACHE (default <temp>/cinch-bench-cache), never in the project.
# CINCH_BENCH_STORES: comma-separated stores to compare (default fs,db,db-postgres,s3,tiered: every tier, see
# BenchTargets.java); any LogStoreProvider on the class path by name.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bench="$(pwd)"

profile=quick
build=1
for arg in "$@"; do
  case "$arg" in
    --quick) profile=quick ;;
    --full) profile=full ;;
    --smoke) profile=smoke ;;
    --queue) profile=queue ;;
    --masking) profile=masking ;;
    --search) profile=search ;;
    --no-build) build=0 ;;
    *) echo "usage: bench/run.sh [--quick|--full|--smoke|--queue|--masking|--search] [--no-build]" >&2; exit 2 ;;
  esac
done
log() { printf '[bench] %s\n' "$*" >&2; }

# What each profile runs (per-benchmark parameters, JMH settings) is in Profile.java.
case "$profile" in
  smoke)
    compression_opts=(--max-logs 3)
    out="$bench/results/smoke"
    report="$out/RESULTS.md"
    chart="$out/chart.svg"
    ;;
  quick|full|queue|masking|search)
    compression_opts=()
    out="$bench/results"
    report="$bench/RESULTS.md"
    chart="$bench/chart.svg"
    ;;
esac
stores="${CINCH_BENCH_STORES:-fs,db,db-postgres,s3,tiered}"
IFS=, read -ra store_list <<< "$stores"
compression_opts+=("${store_list[@]}")
# Archive levels on either side of the fs default (8), measured next to it: the cheaper level 3 and the
# slowest, smallest 19 (fs settings, so only with fs).
# The example cold tier's settings (examples/ssd-then-hdd.yml: level 12, 1 MiB frames) are measured beside them.
if [[ "$profile" != smoke && ",$stores," == *",fs,"* ]]; then
  compression_opts+=(fs:fs.archive-level=3 "fs:fs.archive-level=12;fs.archive-frame-size=1MiB" fs:fs.archive-level=19)
fi
mkdir -p "$out"

jar="$bench/target/benchmarks.jar"
if [[ "$build" == 1 ]]; then
  log "building the benchmarks"
  (cd .. && mvn -B -q -pl bench -am package -DskipTests)
fi
[[ -f "$jar" ]] || { log "missing $jar (build with: mvn -pl bench -am package -DskipTests)"; exit 1; }

export CINCH_BENCH_DIR="${CINCH_BENCH_DIR:-${TMPDIR:-/tmp}}"
scratch="$CINCH_BENCH_DIR"
mkdir -p "$scratch"
fs_type="$(df -PT "$scratch" 2>/dev/null | awk 'NR==2 {print $2}')"
if [[ "$fs_type" == tmpfs ]]; then
  log "warning: $scratch is tmpfs: fsync costs nothing there, durability results will be meaningless"
fi
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
started=$(date +%s)

log "profile $profile, stores $stores"
json="$out/jmh-$profile.json"
java -cp "$jar" dev.cinch.bench.BenchRunner "$profile" "$json" "$stores" > "$out/jmh-$profile.txt" 2>&1 \
  || { tail -n 60 "$out/jmh-$profile.txt" >&2; log "a benchmark failed; full output in $out/jmh-$profile.txt"; exit 1; }

if [[ "$profile" == search ]]; then
  log "search filter counts"
  java -cp "$jar" dev.cinch.bench.SearchFilterReport "$out/search-filters.json" 1024
fi

if [[ "$profile" == queue || "$profile" == masking || "$profile" == search ]]; then
  load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
  elapsed=$(( $(date +%s) - started ))
  log "writing the $profile section of $report"
  java -cp "$jar" dev.cinch.bench.ReportMain --jmh "$json" --out "$report" --profile "$profile" --"$profile"-only true \
    --search-filters "$out/search-filters.json" \
    --duration "$((elapsed / 60)) min $((elapsed % 60)) s" \
    --load "load average (1, 5, 15 min) before: $load_before; after: $load_after"
  log "done in ${elapsed}s: $report"
  exit 0
fi

log "compression report"
compression="$out/compression-$profile.json"
java -cp "$jar" dev.cinch.bench.CompressionReport "$compression" "${compression_opts[@]}"

s3_requests="$out/s3-requests-$profile.json"
if [[ ",$stores," == *",s3,"* ]]; then
  log "s3 request counts"
  s3_opts=()
  [[ "$profile" == smoke ]] && s3_opts=(--reads 5 --append-mib 0.25 --log-mib 2)
  java -cp "$jar" dev.cinch.bench.S3RequestReport "$s3_requests" "${s3_opts[@]}" > "$out/s3-requests-$profile.txt" 2>&1 \
    || { tail -n 40 "$out/s3-requests-$profile.txt" >&2; log "the s3 request report failed"; exit 1; }
else
  rm -f "$s3_requests"
fi

load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
elapsed=$(( $(date +%s) - started ))
log "writing $report and $chart"
java -cp "$jar" dev.cinch.bench.ReportMain --jmh "$json" --compression "$compression" --out "$report" --chart "$chart" \
  --profile "$profile" --duration "$((elapsed / 60)) min $((elapsed % 60)) s" --s3-requests "$s3_requests" \
  --data-dir-fs "$scratch ($fs_type)" \
  --load "load average (1, 5, 15 min) before: $load_before; after: $load_after" \
  --notes "$bench/notes.properties"
log "done in ${elapsed}s: $report"
