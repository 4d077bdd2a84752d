#!/usr/bin/env bash
# Server load: create, proceed and status of the contract at 1, 4, 16 and 64 concurrent clients,
# with wrk (one thread) pinned to CPU 1. The server (pinned to CPU 0 by bench/run) must be in
# sandbox mode with SANDBOX_SETTLE_DELAY_MS=0, so that +213555000002 succeeds at once.
# Usage: bench/load.sh http://127.0.0.1:PORT OUT.tsv SERVER_PID
# OUT.tsv: endpoint, clients, req/s, p50 ms, p99 ms, max ms, errors, seconds measured, and the
# share of the 2 CPUs that other processes took meanwhile (the machine may be shared).
set -euo pipefail

base=$1 out=$2 server_pid=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seconds=${BENCH_SECONDS:-5}
clients=(1 4 16 64)
pool_target=${BENCH_POOL:-60000}   # payments to proceed: about 5 s at the fastest proceed rate, times 4

hz=$(getconf CLK_TCK)
cpus=$(nproc)
# User-mode CPU time (ms) of all the CPUs, and of the server. User mode only: the kernel's own
# work for the server (loopback, SQLite's writes) is not another process's.
busy_ms() { local c=($(head -n1 /proc/stat)); echo $(((c[1] + c[2]) * 1000 / hz)); }
server_ms() { local f=($(sed 's/^.*) //' "/proc/$server_pid/stat")); echo $((f[11] * 1000 / hz)); }

# Runs one point and appends its row to $out; create and status points that other processes
# disturbed (10% of the CPUs or more) run again, up to twice, once the machine is quiet.
point() {
  local endpoint=$1 conns=$2 attempt
  shift 2
  for attempt in 1 2 3; do
    measure "$endpoint" "$conns" "$@"
    local others
    others=$(tail -n1 "$out" | cut -f9)
    if ((others < 10)) || [ "$endpoint" = proceed ] || ((attempt == 3)); then return; fi
    sed -i '$d' "$out" # drop the disturbed row
    if declare -F quiet_cpu >/dev/null; then quiet_cpu 60 >/dev/null; else sleep 5; fi
  done
}

measure() {
  local endpoint=$1 conns=$2 line busy0 server0 t0 busy1 server1 t1
  shift 2
  busy0=$(busy_ms) server0=$(server_ms) t0=$(date +%s%N)
  line=$(env "$@" taskset -c 1 wrk -t1 -c"$conns" -d"${seconds}s" --timeout 10s -s "$here/load.lua" "$base" \
    | grep '^RESULT') || { echo "wrk failed: $endpoint at $conns clients" >&2; exit 1; }
  busy1=$(busy_ms) server1=$(server_ms) t1=$(date +%s%N)
  # RESULT requests=… seconds=… errors=… rps=… p50_ms=… p99_ms=… max_ms=… user_ms=…
  awk -v e="$endpoint" -v c="$conns" -v busy=$((busy1 - busy0)) -v server=$((server1 - server0)) \
    -v wall=$(((t1 - t0) / 1000000)) -v cpus="$cpus" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      others = 100 * (busy - server - v["user_ms"]) / (wall * cpus)
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f\n", e, c, v["rps"], v["p50_ms"], v["p99_ms"], v["max_ms"],
        v["errors"], v["seconds"], others < 0 ? 0 : others
    }' <<<"$line" >>"$out"
  printf '  %-8s %3s clients: %s; others %s%%\n' "$endpoint" "$conns" "${line#RESULT }" "$(tail -n1 "$out" | cut -f9)" >&2
}

: >"$out"
run_id=$(date +%s%N)

# create: each created payment (+213555000002, succeeds at once) joins the proceed pool.
for c in "${clients[@]}"; do
  point create "$c" BENCH_MODE=create BENCH_IDS="$work/pool" BENCH_KEY_PREFIX="bench-$run_id-c$c"
done

# Top the pool up (not measured) so that each proceed point can run its full time.
have=$(wc -l <"$work/pool")
if ((have < pool_target)); then
  rate=$(awk -F'\t' '$1 == "create" && $2 == 16 { print int($3) }' "$out")
  extra=$(( (pool_target - have) / (rate > 0 ? rate : 1) + 1 ))
  ((extra > 30)) && extra=30
  echo "  (creating more payments to proceed for ${extra}s)" >&2
  BENCH_MODE=create BENCH_IDS="$work/pool" BENCH_KEY_PREFIX="bench-$run_id-pool" \
    taskset -c 1 wrk -t1 -c16 -d"${extra}s" --timeout 10s -s "$here/load.lua" "$base" >/dev/null
fi

# proceed: each point gets its own quarter of the pool; it stops early if that runs out.
share=$(( $(wc -l <"$work/pool") / ${#clients[@]} ))
split -l "$share" -d -a 1 "$work/pool" "$work/share."
i=0
for c in "${clients[@]}"; do
  point proceed "$c" BENCH_MODE=proceed BENCH_IDS="$work/share.$i"
  i=$((i + 1))
done

# status: a succeeded payment, final, so answered from the store without asking the provider.
read -r id secret <"$work/share.0"
status=$(curl -sf -H "Client-Secret: $secret" "$base/api/v1/payments/$id" |
  sed -n 's/.*"status":"\([a-z_]*\)".*/\1/p')
[ "$status" = succeeded ] || { echo "payment $id is $status, not succeeded" >&2; exit 1; }
for c in "${clients[@]}"; do
  point status "$c" BENCH_MODE=status BENCH_ID="$id" BENCH_SECRET="$secret"
done
