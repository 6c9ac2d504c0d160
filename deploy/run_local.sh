#!/usr/bin/env bash
# Start N Streamlit replicas of the app and nginx in front of them, all on loopback, with
# nothing written outside a run directory (no system nginx configuration is touched).
#
#   deploy/run_local.sh [N]        # N replicas (default 2); Ctrl-C stops everything
#
# Environment: PROXY_PORT (8580), BASE_PORT (8601: replicas on 8601, 8602, ...),
# RUN_DIR (a fresh directory under /tmp), PYTHON (.venv/bin/python), NGINX (/usr/sbin/nginx).
# The run directory holds nginx.conf, the logs and one pid file per process
# (replica-1.pid ... and nginx.pid), so a load test can read each replica's memory:
#   .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:8580 \
#       --server-pid "$(cat RUN_DIR/replica-1.pid)" --server-pid "$(cat RUN_DIR/replica-2.pid)"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-2}"
PROXY_PORT="${PROXY_PORT:-8580}"
BASE_PORT="${BASE_PORT:-8601}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
NGINX="${NGINX:-/usr/sbin/nginx}"
RUN_DIR="${RUN_DIR:-$(mktemp -d /tmp/equity-deploy.XXXXXX)}"
mkdir -p "$RUN_DIR"

pids=()
stop() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop EXIT INT TERM

upstreams=""
for i in $(seq 1 "$N"); do
    port=$((BASE_PORT + i - 1))
    (cd "$ROOT" && exec "$PYTHON" -m streamlit run serve.py \
        --server.address 127.0.0.1 --server.port "$port" --server.headless true \
        --browser.gatherUsageStats false --server.fileWatcherType none \
        --logger.level warning) >"$RUN_DIR/replica-$i.log" 2>&1 &
    pids+=($!)
    echo $! >"$RUN_DIR/replica-$i.pid"
    upstreams+="        server 127.0.0.1:$port max_fails=0;"$'\n'
done

sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@LISTEN@|127.0.0.1:$PROXY_PORT|g" \
    "$ROOT/deploy/nginx.conf.template" \
    | awk -v servers="${upstreams%$'\n'}" '{ if ($0 == "@UPSTREAM_SERVERS@") print servers; else print }' \
    >"$RUN_DIR/nginx.conf"
"$NGINX" -t -q -p "$RUN_DIR" -e "$RUN_DIR/nginx-error.log" -c "$RUN_DIR/nginx.conf"

# Wait for every replica's health check before opening the proxy.
for i in $(seq 1 "$N"); do
    port=$((BASE_PORT + i - 1))
    for _ in $(seq 1 120); do
        if "$PYTHON" -c "import sys, urllib.request as u; u.urlopen('http://127.0.0.1:$port/_stcore/health', timeout=2)" 2>/dev/null; then
            break
        fi
        kill -0 "${pids[$((i - 1))]}" 2>/dev/null || { echo "replica $i exited; see $RUN_DIR/replica-$i.log" >&2; exit 1; }
        sleep 0.5
    done
done

"$NGINX" -p "$RUN_DIR" -e "$RUN_DIR/nginx-error.log" -c "$RUN_DIR/nginx.conf" -g "daemon off;" &
pids+=($!)
echo "ready: http://127.0.0.1:$PROXY_PORT/ ($N replicas; run directory $RUN_DIR)"
wait -n "${pids[@]}"
echo "a process stopped; stopping the rest" >&2
