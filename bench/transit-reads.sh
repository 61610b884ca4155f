#!/usr/bin/env bash
# Issue #12's speed check in one run: the four public transit reads (arrivals board, stop, nearby stops, departures)
# on the packaged jar (local profile: demo city, simulated buses polled every 10 s) against nginx serving the same
# bytes, wrk with 64 connections after a JIT warm-up of each OneStop URL; then a JFR profile of the board under the
# same load (after the measured rows, so it does not slow them) with its top frames. Run from the project root:
#   bench/transit-reads.sh                  (DURATION=15s WARMUP=10s by default)
# Needs: JDK 17 (jcmd, jfr), Maven, wrk and nginx (apt-get install -y wrk nginx-light), python3. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="$(mktemp -d /tmp/onestop-reads-XXXX)"
JAR=target/onestop-0.1.0-SNAPSHOT.jar
DURATION="${DURATION:-15s}"
WARMUP="${WARMUP:-10s}"
[ -f "$JAR" ] || mvn -o -q -DskipTests package
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
APP_PORT=$(free_port); NGINX_PORT=$(free_port)

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg); jar built from $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
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
# Wait for live buses, then take the stop whose board has the most of them.
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
[ -n "$STOP" ] || { echo "no live bus on any board"; exit 1; }
declare -A URLS=(
  [arrivals]="$BASE/stops/$STOP/arrivals?minutesBefore=5&minutesAfter=35"
  [stop]="$BASE/stops/$STOP"
  [nearby]="$BASE/stops?lat=23.13&lon=113.27&radius=500"
  [departures]="$BASE/stops/$STOP/departures?duration=60"
)
mkdir -p "$WORK/www"; chmod 755 "$WORK" "$WORK/www" # nginx workers run as www-data
for k in arrivals stop nearby departures; do curl -sf "${URLS[$k]}" >"$WORK/www/$k.json"; done
chmod 644 "$WORK"/www/*
cat >"$WORK/nginx.conf" <<NGINX
worker_processes auto; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log; daemon on;
events { worker_connections 1024; }
http { access_log off; default_type application/json;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; } }
NGINX
nginx -c "$WORK/nginx.conf"; sleep 0.5; NGINX_PID=$(cat "$WORK/nginx.pid")

row() { # name url -> "rps p99 errors"
  wrk -t2 -c64 -d"$DURATION" --timeout 2s --latency "$2" >"$WORK/$1.txt"
  rps=$(awk '/Requests\/sec/{print $2}' "$WORK/$1.txt")
  p50=$(awk '/ 50%/{print $2}' "$WORK/$1.txt")
  p99=$(awk '/ 99%/{print $2}' "$WORK/$1.txt")
  errs=$(grep -o "Socket errors.*\|Non-2xx.*" "$WORK/$1.txt" | tr '\n' ' ' || true)
  echo "$rps|$p50|$p99|${errs:-0}"
}
echo "command: wrk -t2 -c64 -d$DURATION --timeout 2s --latency URL, each OneStop URL warmed with wrk -t2 -c64 -d$WARMUP first; nginx right after it"
echo "| read | bytes | OneStop req/s | p50 | p99 | errors | nginx req/s | nginx p50 | nginx p99 | ratio | load |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for k in arrivals stop nearby departures; do
  wrk -t2 -c64 -d"$WARMUP" "${URLS[$k]}" >/dev/null
  IFS='|' read -r o50 o50b o99 oerr <<<"$(row onestop-$k "${URLS[$k]}")"
  IFS='|' read -r n50 n50b n99 nerr <<<"$(row nginx-$k "http://127.0.0.1:$NGINX_PORT/$k.json")"
  ratio=$(python3 -c "print(f'{float(\"$o50\")/float(\"$n50\"):.2f}')")
  echo "| $k \`${URLS[$k]#http://127.0.0.1:$APP_PORT}\` | $(wc -c <"$WORK/www/$k.json") | $o50 | $o50b | $o99 | $oerr | $n50 | $n50b | $n99 | $ratio | $(cut -d' ' -f1 /proc/loadavg) |"
done
grep -c " ERROR " "$WORK/app.log" | xargs echo "ERROR lines in the app log:" || true

# Profile of the board under the same load (JFR, 15 s), top frames by self time and the framework share.
jcmd $APP JFR.start name=reads settings=profile filename="$WORK/reads.jfr" >/dev/null
wrk -t2 -c64 -d15s "${URLS[arrivals]}" >/dev/null
jcmd $APP JFR.stop name=reads >/dev/null
jfr print --events jdk.ExecutionSample "$WORK/reads.jfr" >"$WORK/samples.txt"
python3 - "$WORK/samples.txt" <<'PY'
import re, sys, collections
text = open(sys.argv[1]).read()
stacks = [re.findall(r"^\s+([\w$.<>/]+)\(", s, re.M) for s in text.split("jdk.ExecutionSample")[1:]]
stacks = [s for s in stacks if s]
top = collections.Counter(s[0] for s in stacks)
n = len(stacks)
print(f"profile: {n} samples of the board under wrk -c64; top frames (self):")
for f, c in top.most_common(12): print(f"  {100*c/n:5.1f} %  {f}")
groups = {
  "Spring Security filter chain": "org.springframework.security.",
  "HTTP server observation (Micrometer)": "io.micrometer.",
  "Reactor Netty / Netty I/O": "io.netty.",
  "Spring WebFlux dispatch (handler mapping, argument resolution, result handling)": "org.springframework.web.reactive.",
  "Jackson": "tools.jackson.",
  "OneStop transit code": "city.onestop.transit.",
  "OneStop platform filters": "city.onestop.platform.",
}
print("share of samples with a frame of:")
for name, prefix in groups.items():
  c = sum(1 for s in stacks if any(f.startswith(prefix) for f in s))
  print(f"  {100*c/n:5.1f} %  {name}")
PY
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
