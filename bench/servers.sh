#!/usr/bin/env bash
# Creates and status reads with SQLite and one server, PostgreSQL and one server, and PostgreSQL
# and three servers behind HAProxy, in one run on one machine, and where a create's time goes.
# The servers and PostgreSQL share CPU 0; the sandbox (as its own process), HAProxy and wrk
# share CPU 1, so that "per server core" is the figure itself. On a two-core machine the three
# servers share that one core: the row measures what sharing the work costs, not scaling.
# Usage: bench/servers.sh FIRST_PORT OUT.md   (target/release binaries built; run by bench/run)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
first_port=$1 out=$2
seconds=${BENCH_SECONDS:-5}
clients=${BENCH_SERVER_CLIENTS:-16}
work=$(mktemp -d)
pids=()
pg_stop=
cleanup() {
  [ -f "$work/pg/log" ] && tail -n 5 "$work/pg/log" >&2
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$pg_stop" ] && eval "$pg_stop" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
hz=$(getconf CLK_TCK)
admin=bench-admin-token-0123456789abcdef

port=$first_port
take_port() { port=$((port + 1)); printf -v "$1" %s "$port"; } # not in a subshell: it counts
wait_http() {
  for _ in $(seq 150); do curl -sf "$1" >/dev/null && return; sleep 0.1; done
  echo "nothing answered $1" >&2
  exit 1
}

take_port sandbox_port
taskset -c 1 env SANDBOX_PORT="$sandbox_port" SANDBOX_PUBLIC_URL="http://127.0.0.1:$sandbox_port" \
  SANDBOX_SETTLE_DELAY_MS=0 SANDBOX_SLOW_DELAY_MS=0 RUST_LOG=warn \
  target/release/checkout-sandbox >"$work/sandbox.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$sandbox_port/sandbox/intents"

# A throwaway PostgreSQL cluster on CPU 0, the servers' core.
take_port pg_port
# With fsync, as a database that keeps payments runs.
PG_FSYNC=on scripts/pg-cluster start "$work/pg" "$pg_port" 0 >/dev/null
pg_stop="scripts/pg-cluster stop '$work/pg'"
pg_url() { echo "postgres://postgres@127.0.0.1:$pg_port/$1"; }
psql_at() { psql "$(pg_url "${2:-postgres}")" -At -c "$1"; }

servers=()
start_servers() { # DATABASE_URL COUNT
  local url=$1 count=$2 i server_port
  servers=()
  for ((i = 0; i < count; i++)); do
    take_port server_port
    taskset -c 0 env PORT="$server_port" BIND=127.0.0.1 DATABASE_URL="$url" PROVIDER_MODE=sandbox \
      ADMIN_TOKEN=$admin RATE_LIMIT_PER_CLIENT_PER_MINUTE=0 RATE_LIMIT_CREATES_PER_ORDER_PER_MINUTE=0 \
      YASSIR_BASE_URL="http://127.0.0.1:$sandbox_port/sandbox/yassir" \
      YABETOO_BASE_URL="http://127.0.0.1:$sandbox_port/sandbox/yabetoo" \
      SANDBOX_PUBLIC_URL="http://127.0.0.1:$sandbox_port" REDIRECT_ORIGINS="http://127.0.0.1:$sandbox_port" \
      WIDGET_DIR="$work/none" EXAMPLES_DIR="$work/none" RUST_LOG=warn \
      target/release/checkout-server >"$work/server-$server_port.log" 2>&1 &
    pids+=($!)
    servers+=("$!:$server_port")
    wait_http "http://127.0.0.1:$server_port/readyz" # one after the other: the first migrates
  done
}
stop_servers() {
  local entry
  for entry in "${servers[@]}"; do kill "${entry%%:*}" 2>/dev/null || true; done
  for entry in "${servers[@]}"; do wait "${entry%%:*}" 2>/dev/null || true; done
}
lb_pid=
balancer() { # sets `base`, where the load goes
  lb_pid=
  if ((${#servers[@]} == 1)); then base="http://127.0.0.1:${servers[0]#*:}"; return; fi
  local lb_port
  take_port lb_port
  local entry ports=()
  for entry in "${servers[@]}"; do ports+=("${entry#*:}"); done
  CHECK_MS=1000 taskset -c 1 scripts/balancer "$work" "$lb_port" "${ports[@]}" >"$work/haproxy.log" 2>&1 &
  lb_pid=$!
  pids+=($!)
  base="http://127.0.0.1:$lb_port"
  wait_http "$base/readyz"
}
# CPU seconds (user + system) of the servers so far.
servers_cpu_ms() {
  local entry total=0 f
  for entry in "${servers[@]}"; do
    f=($(sed 's/^.*) //' "/proc/${entry%%:*}/stat"))
    total=$((total + (f[11] + f[12]) * 1000 / hz))
  done
  echo "$total"
}
# Seconds the servers spent waiting on the providers so far (their metrics).
provider_seconds() {
  local entry
  for entry in "${servers[@]}"; do
    curl -s -H "Authorization: Bearer $admin" "http://127.0.0.1:${entry#*:}/metrics"
  done | awk '/^checkout_provider_call_duration_seconds_sum/ { s += $NF } END { printf "%.3f", s }'
}
# Milliseconds PostgreSQL spent running statements so far (0 for SQLite).
database_ms() { [ "$1" = sqlite ] && echo 0 || psql_at "SELECT COALESCE(SUM(active_time), 0)::bigint FROM pg_stat_database"; }

run_wrk() { # BASE MODE [env…] -> RESULT line
  local base=$1 mode=$2
  shift 2
  env BENCH_MODE="$mode" "$@" taskset -c 1 wrk -t1 -c"$clients" -d"${seconds}s" --timeout 10s -s bench/load.lua "$base" | grep '^RESULT'
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

rows=()
measure() { # LABEL DATABASE_URL COUNT KIND
  local label=$1 url=$2 count=$3 kind=$4 cpu0 prov0 db0 line cpu1 prov1 db1 created id secret status_line
  local slug="$kind-$count-$RANDOM"
  start_servers "$url" "$count"
  balancer
  # Warm up (connections, the schema's caches), not measured.
  run_wrk "$base" create BENCH_KEY_PREFIX="warm-$slug" >/dev/null
  cpu0=$(servers_cpu_ms) prov0=$(provider_seconds) db0=$(database_ms "$kind")
  line=$(run_wrk "$base" create BENCH_KEY_PREFIX="bench-$slug" BENCH_IDS="$work/ids-$slug")
  cpu1=$(servers_cpu_ms) prov1=$(provider_seconds) db1=$(database_ms "$kind")
  created=$(field requests "$line")
  # Status reads of a payment that is not final: each answered from the database (a poll checks
  # the provider at most once per CHECK_INTERVAL_MS). The first line of the file is whole.
  read -r id secret < <(head -n1 "$work/ids-$slug")
  status_line=$(run_wrk "$base" status BENCH_ID="$id" BENCH_SECRET="$secret")
  rows+=("$(awk -v label="$label" -v n="$count" -v c="$created" -v cpu=$((cpu1 - cpu0)) \
    -v prov="$(awk -v a="$prov0" -v b="$prov1" 'BEGIN { print b - a }')" -v db=$((db1 - db0)) \
    -v crps="$(field rps "$line")" -v cp99="$(field p99_ms "$line")" -v cp50="$(field p50_ms "$line")" -v srps="$(field rps "$status_line")" -v sp99="$(field p99_ms "$status_line")" \
    -v kind="$kind" 'BEGIN {
      per = c > 0 ? c : 1
      printf "| %s | %d | %s | %s | %s | %s | %s | %.2f | %.0f | %.2f | %s |\n", label, n, crps, cp50, cp99, srps, sp99,
        cpu / per, (cpu > 0 ? 1000 * per / cpu : 0), prov * 1000 / per, kind == "sqlite" ? "in the server" : sprintf("%.2f", db / per)
    }')")
  for answer in "$line" "$status_line"; do
    [ "$(field errors "$answer")" = 0 ] || { echo "$label: requests failed: $answer" >&2; exit 1; }
  done
  printf '  %s: create %s req/s (p99 %s ms), status %s req/s\n' "$label" "$(field rps "$line")" \
    "$(field p99_ms "$line")" "$(field rps "$status_line")" >&2
  stop_servers
  [ -n "$lb_pid" ] && kill "$lb_pid" 2>/dev/null
  return 0
}

psql_at "CREATE DATABASE one" >/dev/null
psql_at "CREATE DATABASE three" >/dev/null
measure "SQLite, 1 server" "sqlite://$work/bench.sqlite3" 1 sqlite
measure "PostgreSQL, 1 server" "$(pg_url one)" 1 postgres
measure "PostgreSQL, 3 servers behind HAProxy" "$(pg_url three)" 3 postgres

{
  echo "### Servers and databases"
  echo
  echo "$clients clients for ${seconds} s per figure; the servers and PostgreSQL on CPU 0 (one core: every"
  echo "figure is per server core), the sandbox, HAProxy and wrk on CPU 1. A create asks the provider"
  echo "twice (Yassir's customer look-up, then the intent). Per create: the servers' CPU time, the time"
  echo "spent waiting on the provider, and PostgreSQL's time running statements (\`active_time\`);"
  echo "creates per server core-second is 1000 / the servers' CPU ms per create: what one core of"
  echo "servers could create if the provider answered at once."
  echo
  echo "| setup | servers | create req/s | create p50 ms | create p99 ms | status req/s | status p99 ms | server CPU ms / create | creates per server core-second | provider ms / create | database ms / create |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >"$out"
cat "$out"
