#!/usr/bin/env bash
# Transit read throughput: OneStop's /stops?lat&lon and /departures on the Halifax feed vs. nginx serving static files
# with the same bytes, wrk with 64 connections. Run from the project root:  bench/transit-http.sh
# Needs: JDK 17, Maven, wrk and nginx (apt-get install -y wrk nginx-light), psql. Loopback addresses only.
set -euo pipefail
cd "$(dirname "$0")/.."
FEED="$(cd ../shared/data/transit/halifax-transit && pwd)/google_transit.zip"
WORK="$(mktemp -d /tmp/onestop-http-XXXX)"
JAR=target/onestop-0.1.0-SNAPSHOT.jar
DURATION="${DURATION:-20s}"
[ -f "$JAR" ] || mvn -o -q -DskipTests package
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
APP_PORT=$(free_port); NGINX_PORT=$(free_port)

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
java -Xmx512m -jar "$JAR" --server.port="$APP_PORT" --server.address=127.0.0.1 --management.server.port=-1 --onestop.data-dir="$WORK/data" \
  --onestop.transit.feeds[0].id=halifax --onestop.transit.feeds[0].static-url="file:$FEED" \
  --logging.level.root=WARN --logging.level.city.onestop=INFO >"$WORK/app.log" 2>&1 &
APP=$!
NGINX_PID=""
cleanup() {
  kill $APP 2>/dev/null || true; wait $APP 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
}
trap cleanup EXIT
for i in $(seq 1 240); do grep -q "Feed halifax version" "$WORK/app.log" && break; sleep 0.5; done
sleep 11 # every instance refreshes its current-version map within 10 s

BASE="http://127.0.0.1:$APP_PORT/api/v1/transit"
NEARBY="$BASE/stops?lat=44.6488&lon=-63.5752&radius=500"
curl -sf "$NEARBY" >"$WORK/nearby.json"
STOP=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["id"])' "$WORK/nearby.json")
DEPARTURES="$BASE/stops/$STOP/departures?from=2025-11-06T17:00:00-04:00&duration=60"
curl -sf "$DEPARTURES" >"$WORK/departures.json"

mkdir -p "$WORK/www"; chmod 755 "$WORK" "$WORK/www" # nginx workers run as www-data
cp "$WORK/nearby.json" "$WORK/www/nearby.json"; cp "$WORK/departures.json" "$WORK/www/departures.json"; chmod 644 "$WORK"/www/*
cat >"$WORK/nginx.conf" <<NGINX
worker_processes auto; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log; daemon on;
events { worker_connections 1024; }
http { access_log off; default_type application/json;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; } }
NGINX
nginx -c "$WORK/nginx.conf"; sleep 0.5; NGINX_PID=$(cat "$WORK/nginx.pid")

run() { # name url
  curl -sf -o /dev/null "$2"
  wrk -t2 -c64 -d"$DURATION" --timeout 5s --latency "$2" >"$WORK/$1.txt"
  rps=$(awk '/Requests\/sec/{print $2}' "$WORK/$1.txt")
  p99=$(awk '/ 99%/{print $2}' "$WORK/$1.txt")
  errs=$(grep -o "Socket errors.*\|Non-2xx.*" "$WORK/$1.txt" | tr '\n' ' ' || true)
  echo "$1: $rps req/s, p99 $p99 ${errs:-no errors}"
}
echo "bodies: nearby $(wc -c <"$WORK/nearby.json") bytes ($(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$WORK/nearby.json") stops), departures $(wc -c <"$WORK/departures.json") bytes, stop $STOP"
echo "command: wrk -t2 -c64 -d$DURATION --timeout 5s --latency URL (after 10 s of warm-up on each OneStop URL)"
wrk -t2 -c64 -d10s "$NEARBY" >/dev/null; wrk -t2 -c64 -d10s "$DEPARTURES" >/dev/null
run onestop-nearby "$NEARBY"
run nginx-nearby "http://127.0.0.1:$NGINX_PORT/nearby.json"
run onestop-departures "$DEPARTURES"
run nginx-departures "http://127.0.0.1:$NGINX_PORT/departures.json"
