#!/usr/bin/env bash
# Live arrivals throughput: GET /api/v1/transit/stops/{id}/arrivals on the demo city with its simulated buses
# (local profile: generated city, built-in GTFS-realtime simulator polled every 10 s) vs. nginx serving a static
# file of the same size; wrk with 64 and 16 connections. Run from the project root:  bench/transit-arrivals.sh
# Needs: JDK 17, Maven, wrk and nginx (apt-get install -y wrk nginx-light). Loopback addresses only.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="$(mktemp -d /tmp/onestop-arrivals-XXXX)"
JAR=target/onestop-0.1.0-SNAPSHOT.jar
DURATION="${DURATION:-30s}"
[ -f "$JAR" ] || mvn -o -q -DskipTests package
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
APP_PORT=$(free_port); NGINX_PORT=$(free_port)

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx512m -jar "$JAR" --server.port="$APP_PORT" --server.address=127.0.0.1 --management.server.port=-1 --onestop.data-dir="$WORK/data" \
  --logging.level.root=WARN --logging.level.city.onestop=INFO >"$WORK/app.log" 2>&1 &
APP=$!
NGINX_PID=""
cleanup() {
  kill $APP 2>/dev/null || true; wait $APP 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
}
trap cleanup EXIT
BASE="http://127.0.0.1:$APP_PORT/api/v1/transit"
# Wait for live buses (import, timetable load, first polls), then take the stop whose board has the most of them.
STOP=""
for i in $(seq 1 120); do
  STOP=$(python3 - "$BASE" 2>/dev/null <<'PY' || true
import json, sys, urllib.request
base = sys.argv[1]
stops = json.load(urllib.request.urlopen(base + "/stops?lat=23.13&lon=113.27&radius=3000&limit=100"))["items"]
best = max(((sum(1 for r in json.load(urllib.request.urlopen(base + "/stops/" + s["id"] + "/arrivals"))["arrivals"]
                 if "vehicleId" in r), s["id"]) for s in stops), default=(0, ""))
print(best[1] if best[0] > 0 else "")
PY
)
  [ -n "$STOP" ] && break; sleep 1
done
URL="$BASE/stops/$STOP/arrivals?minutesBefore=5&minutesAfter=35"
curl -sf "$URL" >"$WORK/arrivals.json"
echo "board of $STOP: $(wc -c <"$WORK/arrivals.json") bytes, $(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); print(len(b["arrivals"]), "rows,", sum(1 for r in b["arrivals"] if "vehicleId" in r), "live")' "$WORK/arrivals.json")"

mkdir -p "$WORK/www"; chmod 755 "$WORK" "$WORK/www" # nginx workers run as www-data
cp "$WORK/arrivals.json" "$WORK/www/arrivals.json"; chmod 644 "$WORK"/www/*
cat >"$WORK/nginx.conf" <<NGINX
worker_processes auto; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log; daemon on;
events { worker_connections 1024; }
http { access_log off; default_type application/json;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; } }
NGINX
nginx -c "$WORK/nginx.conf"; sleep 0.5; NGINX_PID=$(cat "$WORK/nginx.pid")

run() { # name connections url
  wrk -t2 -c"$2" -d"$DURATION" --timeout 2s --latency "$3" >"$WORK/$1.txt"
  rps=$(awk '/Requests\/sec/{print $2}' "$WORK/$1.txt")
  p50=$(awk '/ 50%/{print $2}' "$WORK/$1.txt")
  p99=$(awk '/ 99%/{print $2}' "$WORK/$1.txt")
  errs=$(grep -o "Socket errors.*\|Non-2xx.*" "$WORK/$1.txt" | tr '\n' ' ' || true)
  echo "$1 (c=$2): $rps req/s, p50 $p50, p99 $p99, ${errs:-no errors, 0 timeouts}"
}
echo "command: wrk -t2 -cN -d$DURATION --timeout 2s --latency URL (after 10 s of warm-up)"
wrk -t2 -c16 -d10s "$URL" >/dev/null
for c in 64 16; do
  run onestop-arrivals-$c $c "$URL"
  run nginx-arrivals-$c $c "http://127.0.0.1:$NGINX_PORT/arrivals.json"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
