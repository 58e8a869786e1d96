#!/usr/bin/env bash
# Runs every Attune test suite. Installs what the tests need when it is missing (Chromium, PostgreSQL, Node, R),
# starts a throwaway PostgreSQL on 127.0.0.1 for the HTTP tests, and ends with one line:
#   tests: N passed, N failed, N skipped
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
results="$root/.test-results"
rm -rf "$results"; mkdir -p "$results"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. What the tests need: Debian's Chromium for the browser tests, wrk for the load benchmark, PostgreSQL, python3 (an SMTP server), Node, R and lme4.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)   # the HTTP load generator of the check-in benchmark
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/python3 ] || missing+=(python3)   # its smtpd is the SMTP server the mail tests send to
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)   # the interop tests are real FHIR clients in Node
# R (with lme4 for the mixed models) is the reference the statistics are tested against.
if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e 'quit(status = !requireNamespace("lme4", quietly = TRUE))' >/dev/null 2>&1; then
  missing+=(r-base-core r-cran-lme4)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} ..."
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
dotnet tool restore >/dev/null

# 2. Scratch space for this run, removed at the end: the PostgreSQL cluster, and (as TMPDIR) every test's SQLite file and
# data directory. On tmpfs (/dev/shm) when there is one with room: the tests create and drop a database for nearly
# every test, and on ext4 PostgreSQL spent most of its time finding inodes for the new files (a sixth of the machine's
# processor during the HTTP tests, which took 184 s against 141 s on tmpfs). The files are as real; only the disk is not.
scratch_base=/tmp
if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt $((2 * 1024 * 1024)) ]; then
  scratch_base=/dev/shm
fi
scratch=$(mktemp -d "$scratch_base/attune-tests.XXXXXX")
chmod 755 "$scratch"
export TMPDIR="$scratch/tmp"; mkdir -p "$TMPDIR"

# A PostgreSQL server owned by this run, on loopback only.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pgport=${ATTUNE_PG_PORT:-55432}
pgdir="$scratch/pg"; mkdir -p "$pgdir"
pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$pgdir"
clean_up() { pg "$pgbin/pg_ctl -D $pgdir/data -w stop -m fast" >/dev/null 2>&1; rm -rf "$scratch"; }
trap clean_up EXIT
pg "$pgbin/initdb -D $pgdir/data -A trust -U postgres" >"$results/postgres-init.log" 2>&1
if ! pg "$pgbin/pg_ctl -D $pgdir/data -o '-h 127.0.0.1 -p $pgport -k $pgdir' -l $pgdir/log -w start" >"$results/postgres-start.log" 2>&1; then
  echo "PostgreSQL did not start:"; cat "$results/postgres-start.log" "$pgdir/log" 2>/dev/null
  echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1
fi
export ATTUNE_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Username=postgres;Pooling=false"
export ATTUNE_CHROMIUM=${ATTUNE_CHROMIUM:-$(command -v chromium)}

# 3. Build once, then run each suite (each step says how long it took, to keep the whole run under 7 minutes).
step=$SECONDS
took() { echo "   ($((SECONDS - step)) s)"; step=$SECONDS; }
echo "== build"
if ! dotnet build Attune.slnx -c Release --nologo -v q >"$results/build.log" 2>&1; then
  grep -E "error|Error" "$results/build.log" | sort -u | head -n 40
  echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1
fi
took

passed=0; failed=0; skipped=0

# The interop suite (step 4) runs beside the browser walks: both mostly wait on a server of their own, and together
# they take about as long as the walks alone.
log_interop="$results/interop.log"
run_interop() {
  if [ ! -d tests/interop/node_modules ] && ! (cd tests/interop && npm ci --no-audit --no-fund) >"$results/npm.log" 2>&1; then
    echo "npm ci failed (see .test-results/npm.log)" >"$log_interop"; return 1
  fi
  (cd tests/interop && ATTUNE_DLL="$root/src/Attune.Web/bin/Release/net10.0/attune.dll" node --test --test-concurrency=1 --test-reporter=tap) >"$log_interop" 2>&1
}
interop_pid=

# The benchmarks at a small size, so that they cannot stop running unnoticed again (issue 22): each must finish and
# print its figures (the analytics one also compares D and E with R's). Figures at full size: bench/README.md. They
# run beside the browser walks too (the walks mostly wait on their browser), one after another, and write one line each.
bench_pid=
run_benches() {
  : >"$results/bench.summary"
  bench() {
    local name=$1 expect=$2; shift 2
    if dotnet bench/Attune.Bench/bin/Release/net10.0/Attune.Bench.dll "$@" >"$results/bench-$name.log" 2>&1 && grep -qE "$expect" "$results/bench-$name.log"; then
      echo "ok $name" >>"$results/bench.summary"
    else
      echo "FAILED $name (see .test-results/bench-$name.log)" >>"$results/bench.summary"
    fi
  }
  bench caseload "^GET / \(caseload of 20 clients" --clients 20 --history 20 --requests 10
  bench analytics "D and E counts equal R's" --analytics --relationships 300
  bench checkins "^  throughput \(req/s\) +floor" --checkins --clients 20 --history 20 --connections 10 --seconds 2 --rounds 1 --warmup 2
  bench plans "^GET /fhir/Encounter\?date=" --plans --clients 10 --history 10
}

for project in tests/Attune.Core.Tests tests/Attune.Web.Tests tests/Attune.E2E; do
  [ -d "$project" ] || continue
  name=$(basename "$project")
  [ "$name" = "Attune.E2E" ] && { run_interop & interop_pid=$!; run_benches & bench_pid=$!; }
  echo "== $name"
  dotnet test --project "$project" -c Release --no-build 2>&1 | tee "$results/$name.log" | grep -E "^(failed|  failed|error)|\[FAIL\]|Failed |total:|failed:|succeeded:|skipped:" | head -n 60
  log="$results/$name.log"
  t=$(grep -E "^\s+total:" "$log" | tail -n 1 | grep -oE "[0-9]+")
  f=$(grep -E "^\s+failed:" "$log" | tail -n 1 | grep -oE "[0-9]+")
  s=$(grep -E "^\s+succeeded:" "$log" | tail -n 1 | grep -oE "[0-9]+")
  k=$(grep -E "^\s+skipped:" "$log" | tail -n 1 | grep -oE "[0-9]+")
  if [ -z "$t" ]; then
    echo "   $name did not report a result (see .test-results/$name.log)"; failed=$((failed + 1)); continue
  fi
  passed=$((passed + ${s:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${k:-0}))
  took
done

# 4. Interop: real FHIR clients (fhir-kit-client, the FHIR R4 JSON schema, NLM's FHIRPath) against the built server,
# started beside the browser walks above (or now, when there were none).
echo "== interop"
[ -n "$interop_pid" ] || { run_interop & interop_pid=$!; }
wait "$interop_pid"
grep -E '^not ok|^    not ok|^# (tests|pass|fail|cancelled|skipped) |^# \\# |npm ci failed' "$log_interop"
t=$(grep -E "^# tests [0-9]+" "$log_interop" | tail -n 1 | grep -oE "[0-9]+")
if [ -z "$t" ]; then
  echo "   interop did not report a result (see .test-results/interop.log)"; failed=$((failed + 1))
else
  n() { grep -E "^# $1 [0-9]+" "$log_interop" | tail -n 1 | grep -oE "[0-9]+" || echo 0; }
  passed=$((passed + $(n pass))); failed=$((failed + $(n fail) + $(n cancelled))); skipped=$((skipped + $(n skipped)))
fi
took

# 5. The benchmarks at a small size (started beside the browser walks, as the interop suite is; see run_benches).
echo "== bench (small)"
[ -n "$bench_pid" ] || { run_benches & bench_pid=$!; }
wait "$bench_pid"
sed 's/^/   /' "$results/bench.summary"
passed=$((passed + $(grep -c "^ok " "$results/bench.summary")))
failed=$((failed + $(grep -c "^FAILED " "$results/bench.summary")))
[ "$(grep -cE "^(ok|FAILED) " "$results/bench.summary")" -eq 4 ] || { echo "   the benchmarks did not all report"; failed=$((failed + 1)); }
took

echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
