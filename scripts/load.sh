#!/usr/bin/env bash
# Load test: serve a generated corpus (plus the shipped one) on 127.0.0.1 and run wrk at 1, 8 and
# 64 connections with rotating realistic queries. Fails on any socket error or non-2xx answer.
# Usage: scripts/load.sh [DOCS=2000] [SECONDS=10]     (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-2000}
secs=${2:-10}
command -v wrk >/dev/null || { echo "load.sh: wrk is not installed (apt-get install -y wrk)"; exit 2; }
cargo build --release --quiet
work=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r corpus "$work/corpus"
python3 scripts/gen_corpus.py "$work/corpus/generated" "$docs"
port=$((20000 + RANDOM % 20000))
target/release/vagvisare serve --corpus "$work/corpus" --index "$work/index" --addr "127.0.0.1:$port" 2>"$work/serve.log" &
pid=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
cat > "$work/queries.lua" <<'LUA'
local queries = {
  "reserverade%20kontrakt", "direktupphandlingsgr%C3%A4ns", "4%20kap.%2018%20%C2%A7%20LOU",
  "id%C3%A9burna%20organisationer", "overprovning", "upphandlnig", "sociala%20f%C3%B6retag",
  "IOP%20utan%20upphandling", "v%C3%A4rde%C3%B6verf%C3%B6ring", "reserved%20contracts",
  "tr%C3%B6skelv%C3%A4rden%202026", "syssels%C3%A4ttningskrav",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?limit=10&q=" .. queries[(i % #queries) + 1])
end
LUA
status=0
for c in 1 8 64; do
  t=$(( c < 2 ? 1 : 2 ))
  out=$(wrk -t"$t" -c"$c" -d"${secs}s" --latency -s "$work/queries.lua" "http://127.0.0.1:$port")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | grep -E "Socket errors|Non-2xx" || true)
  echo "connections=$c requests/s=$rps p99=$p99 ${errors:-errors=0}"
  [ -z "$errors" ] || status=1
done
sections=$(curl -s "http://127.0.0.1:$port/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sections"])')
echo "corpus: $docs generated documents + the shipped corpus ($sections sections)"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
echo "serve resident memory after the run: $((rss / 1024)) MB"
exit $status
