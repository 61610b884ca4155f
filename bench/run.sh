#!/usr/bin/env bash
# One benchmark run for issue #11's table and issue #12's four public transit reads: the packaged jar (no test
# agents), a JIT warm-up before every measured row, wrk (outside the JVM) on loopback, nginx serving the same bytes as
# each transit read in the same run, an async-profiler profile of the stop read and the board, correctness checked in
# PostgreSQL afterwards (0 double charges, 0 oversold). Any 5xx fails the run. Writes the table into
# docs/benchmarks.md between the "bench/run.sh" markers, with machine, load average, commit and commands.
# Run it on a quiet machine (no builds or test suites running): bench/run.sh   (about 9 minutes)
# Usage: bench/run.sh [seconds per measured row=15]   (env: WARM=8 s, ACCOUNTS=16000, JAVA_OPTS, APP_ARGS, JAR,
#   PROFILE=0 to skip the profiles, READS_ONLY=1 for the liveness and transit rows only, docs untouched)
# With PROFILE=1 (the default) every authenticated row (payments, my bills, booking surge, dashboard) is also profiled:
# a separate run of the same script right after the measured one (its own bills, slots and citizens), whose top self
# frames and layer shares go under the table; the folded stacks stay in the work directory. Every row also reports
# the CPU that the JVM, PostgreSQL, Redis and wrk used during it, in % of one core.
set -euo pipefail
trap 'echo "bench/run.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECS=${1:-15}
WARM=${WARM:-8}
ACCOUNTS=${ACCOUNTS:-16000}
install() { command -v "$1" >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q "$2" >/dev/null; }; }
install wrk wrk; install jq jq; install nginx nginx-light; install psql postgresql-client

WORK=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port); NGINX_PORT=$(free_port); MGMT_PORT=$(free_port)
SECRET=$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')
BASE=http://127.0.0.1:$PORT
MGMT_BASE=http://127.0.0.1:$MGMT_PORT
JAR=${JAR:-target/onestop-0.1.0-SNAPSHOT.jar}
[ -f "$JAR" ] || mvn -o -q package -DskipTests -Djacoco.skip=true
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "work directory (logs, wrk output, folded stacks): $WORK"

JAVA_OPTS=${JAVA_OPTS:--Xms1g -Xmx1g}
# The demo city runs buses by its timetable: at night in Guangzhou hardly any. The service clock starts at 10:00
# there today (CLOCK_START= to choose another instant), so the boards have live buses whatever the real hour.
CLOCK_START=${CLOCK_START:-$(date -u -d @"$(TZ=Asia/Shanghai date -d "today 10:00" +%s)" +%Y-%m-%dT%H:%M:%SZ)}
# Tokens are signed here: their iat/exp must be in the service clock's time, not the machine's.
export CLOCK_SHIFT=$(( $(date -u -d "$CLOCK_START" +%s) - $(date -u +%s) ))
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$JAR" --spring.profiles.active=local --server.port="$PORT" --management.server.port="$MGMT_PORT" \
  --onestop.security.jwt.secret="$SECRET" --onestop.data-dir="$WORK/data" \
  --onestop.rate-limit.enabled=false --onestop.clock.start-at="$CLOCK_START" --logging.level.root=WARN ${APP_ARGS:-} > "$WORK/app.log" 2>&1 &
APP=$!
NGINX_PID=""
cleanup() {
  kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true
  [ -z "$NGINX_PID" ] || kill "$NGINX_PID" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 180); do curl -sf "$MGMT_BASE/actuator/health/readiness" >/dev/null && break; sleep 1; done
curl -sf "$MGMT_BASE/actuator/health/readiness" >/dev/null || { echo "app did not start"; tail -50 "$WORK/app.log"; exit 1; }
PGPORT=$(sed -n 4p "$WORK/data/postgres/postmaster.pid")
sql() { PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -At -c "$1"; }

token() { # subject role [role...]: an HS256 access token as the app issues them
  python3 - "$SECRET" "$@" <<'PY'
import base64, hashlib, hmac, json, sys, time, uuid
secret, sub, roles = base64.b64decode(sys.argv[1]), sys.argv[2], sys.argv[3:]
b = lambda d: base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=")
now = int(time.time()) + int(__import__('os').environ.get('CLOCK_SHIFT', '0'))
head = b({"alg": "HS256"}) + b"." + b({"iss": "onestop", "sub": sub, "iat": now, "exp": now + 7200,
                                       "jti": str(uuid.uuid4()), "roles": roles})
print((head + b"." + base64.urlsafe_b64encode(hmac.new(secret, head, hashlib.sha256).digest()).rstrip(b"=")).decode())
PY
}
tokens() { # count file: one CITIZEN token per line, each a different citizen
  python3 - "$SECRET" "$1" > "$2" <<'PY'
import base64, hashlib, hmac, json, sys, time, uuid
secret, n = base64.b64decode(sys.argv[1]), int(sys.argv[2])
b = lambda d: base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=")
now = int(time.time()) + int(__import__('os').environ.get('CLOCK_SHIFT', '0'))
for _ in range(n):
    head = b({"alg": "HS256"}) + b"." + b({"iss": "onestop", "sub": str(uuid.uuid4()), "iat": now, "exp": now + 7200,
                                           "jti": str(uuid.uuid4()), "roles": ["CITIZEN"]})
    print((head + b"." + base64.urlsafe_b64encode(hmac.new(secret, head, hashlib.sha256).digest()).rstrip(b"=")).decode())
PY
}
uuid() { python3 -c 'import uuid;print(uuid.uuid4())'; }

# ---------------------------------------------------------------- wrk scripts
# Every script counts statuses per thread and prints one "RESULT" line: wrk's own percentiles, status classes.
cat > "$WORK/common.lua" <<'LUA'
local threads = {}
function setup(thread) thread:set("id", #threads); table.insert(threads, thread) end
s2, s4, s5, other, sample = 0, 0, 0, 0, ""
function count(status, body)
  if status >= 400 and sample == "" and body then sample = status .. " " .. string.sub(body, 1, 160) end
  if status >= 500 then s5 = s5 + 1 elseif status >= 400 then s4 = s4 + 1
  elseif status >= 200 and status < 300 then s2 = s2 + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local t2, t4, t5, t0 = 0, 0, 0, 0
  for _, t in ipairs(threads) do t2 = t2 + t:get("s2"); t4 = t4 + t:get("s4"); t5 = t5 + t:get("s5"); t0 = t0 + t:get("other") end
  local secs = summary.duration / 1e6
  -- A script that stops its threads after a quota (the booking surge) records when it started and finished.
  local first, last = nil, 0
  for _, t in ipairs(threads) do
    local st, fi = t:get("started"), t:get("finished")
    if st and fi and fi > 0 then
      if first == nil or st < first then first = st end
      if fi > last then last = fi end
    end
  end
  if first and last > first then secs = last - first end
  io.write(string.format("RESULT rps=%.0f p50=%.1f p90=%.1f p99=%.1f max=%.1f n=%d s2xx=%d s4xx=%d s5xx=%d other=%d errors=%d secs=%.1f\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests, t2, t4, t5, t0,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, secs))
  for _, t in ipairs(threads) do
    local s = t:get("sample")
    if s and s ~= "" then io.write("SAMPLE " .. s .. "\n"); break end
  end
end
LUA
lua_get() { # name header-value (a plain GET with an optional bearer token)
  { cat "$WORK/common.lua"; cat <<LUA
local headers = {}
if "$2" ~= "" then headers["Authorization"] = "Bearer $2" end
request = function() return wrk.format("GET", nil, headers) end
response = function(status, headers, body) count(status, body) end
LUA
  } > "$WORK/$1.lua"
}

declare -A ROWS
FAILED=0
# CPU ticks per process kind (java, postgres, redis, wrk) since boot; cpu_share turns two readings into % of one core.
# Only this run's processes: the app's JVM, its PostgreSQL (the postmaster, what it reaped and its live backends),
# the Redis the app started, and wrk (other helpers' test JVMs and databases may run beside a bench on this machine).
cpu_ticks() {
  python3 - "$APP" "$(sed -n 1p "$WORK/data/postgres/postmaster.pid")" <<'PY'
import os, sys, time, collections
app, postmaster = sys.argv[1], sys.argv[2]
t = collections.Counter()
for pid in os.listdir("/proc"):
    if not pid.isdigit(): continue
    try: stat = open(f"/proc/{pid}/stat").read()
    except OSError: continue
    comm = stat[stat.index("(") + 1:stat.rindex(")")]
    f = stat[stat.rindex(")") + 2:].split()
    ppid, ticks, reaped = f[1], int(f[11]) + int(f[12]), int(f[13]) + int(f[14])
    if pid == app: t["java"] += ticks
    elif pid == postmaster: t["pg"] += ticks + reaped
    elif ppid == postmaster: t["pg"] += ticks
    elif ppid == app and comm.startswith("redis"): t["redis"] += ticks
    elif comm == "wrk": t["wrk"] += ticks
print(f"{time.time():.3f} " + " ".join(f"{k}={t[k]}" for k in ("java", "pg", "redis", "wrk")))
PY
}
cpu_share() { # before after [seconds]: "cpu=java:..%,pg:..%,redis:..%,wrk:..%" of one core, over the seconds given
  # (a quota-bound wrk run, the booking surge, idles until its -d window ends: its own active time is the divisor)
  python3 - "$1" "$2" "$(getconf CLK_TCK)" "${3:-}" <<'PY'
import sys
a, b, hz = sys.argv[1].split(), sys.argv[2].split(), int(sys.argv[3])
secs = float(sys.argv[4]) if sys.argv[4] else float(b[0]) - float(a[0])
ka = dict(x.split("=") for x in a[1:]); kb = dict(x.split("=") for x in b[1:])
print("cpu=" + ",".join(f"{k}:{100 * (int(kb[k]) - int(ka[k])) / hz / secs:.0f}%" for k in ka))
PY
}
measure() { # key label conns script url [extra wrk args]: warm-up, then the measured run
  local key=$1 label=$2 conns=$3 script=$4 url=$5; shift 5
  [ "$WARM" -eq 0 ] || wrk -t2 -c"$conns" -d"${WARM}s" -s "$script" "$url" "$@" > "$WORK/$key.warm" 2>&1 || true
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local c0; c0=$(cpu_ticks)
  wrk -t2 -c"$conns" -d"${SECS}s" --timeout 10s -s "$script" "$url" "$@" > "$WORK/$key.out" 2>&1
  local r; r=$(grep '^RESULT' "$WORK/$key.out" || echo "RESULT missing")
  ROWS[$key]="$r load=$load $(cpu_share "$c0" "$(cpu_ticks)")"
  echo "== $label: $r load=$load"
  grep '^SAMPLE' "$WORK/$key.out" || true
  case "$r" in *"s5xx=0 "*) ;; *) echo "FAILED: $label had 5xx answers (or no result)"; FAILED=1;; esac
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# ---------------------------------------------------------------- 1. liveness, the four public transit reads, nginx with the same bytes
# The demo feed imports at startup and its simulated buses are polled every 10 s: wait for a stop with live buses.
TBASE="$BASE/api/v1/transit"
STOP=""
for _ in $(seq 1 150); do
  STOP=$(python3 - "$TBASE" 2>/dev/null <<'PY' || true
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
[ -n "$STOP" ] || { echo "no live bus on any board"; tail -30 "$WORK/app.log"; exit 1; }
READS="stop arrivals nearby departures"
declare -A RURL=(
  [stop]="$TBASE/stops/$STOP"
  [arrivals]="$TBASE/stops/$STOP/arrivals?minutesBefore=5&minutesAfter=35"
  [nearby]="$TBASE/stops?lat=23.13&lon=113.27&radius=500"
  [departures]="$TBASE/stops/$STOP/departures?duration=60"
)
mkdir -p "$WORK/nginx" "$WORK/www"
for k in $READS; do curl -sf "${RURL[$k]}" -o "$WORK/www/$k.json"; done
chmod 755 "$WORK" "$WORK/www"; chmod 644 "$WORK"/www/*.json   # nginx's workers run unprivileged
cat > "$WORK/nginx/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  default_type application/json;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
NGINX
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
sleep 1
lua_get read ""
# JIT warm-up before any row: 6 s on each of the five URLs (each row then has its own warm-up of WARM s).
for u in "$MGMT_BASE/actuator/health/liveness" "${RURL[stop]}" "${RURL[arrivals]}" "${RURL[nearby]}" "${RURL[departures]}"; do
  wrk -t2 -c64 -d"${JIT:-6}"s "$u" > /dev/null 2>&1 || true
done
# AUTH_ONLY=1 measures the authenticated rows only (to compare two jars); the docs stay untouched.
[ "${AUTH_ONLY:-0}" = 1 ] && READS=""
[ "${AUTH_ONLY:-0}" = 1 ] || measure live "GET /actuator/health/liveness (management port), 64 connections" 64 "$WORK/read.lua" "$MGMT_BASE/actuator/health/liveness"
for k in $READS; do
  measure "$k" "GET ${RURL[$k]#$BASE}, 64 connections" 64 "$WORK/read.lua" "${RURL[$k]}"
  # nginx needs no JIT warm-up; it is measured right after the same read, under the same machine load.
  WARM_SAVED=$WARM; WARM=0
  measure "nginx-$k" "nginx, the same $(wc -c < "$WORK/www/$k.json") bytes, 64 connections" 64 "$WORK/read.lua" "http://127.0.0.1:$NGINX_PORT/$k.json"
  WARM=$WARM_SAVED
done
kill "$NGINX_PID" 2>/dev/null || true; NGINX_PID=""

# Where the CPU of a hot read goes (async-profiler, CPU samples, itimer if perf events are refused): PROFILE=0 skips it.
PROFILE_TEXT=""
AUTH_PROFILE_TEXT=""
cat > "$WORK/summarize.py" <<'PY'
import collections, sys
path, label, kind = sys.argv[1], sys.argv[2], sys.argv[3]
stacks = []
for line in open(path):
    frames, _, count = line.rstrip("\n").rpartition(" ")
    if frames: stacks.append((frames.split(";"), int(count)))
n = sum(c for _, c in stacks) or 1
self_ = collections.Counter()
for frames, c in stacks: self_[frames[-1]] += c
if kind == "read":
    groups = [("Spring Security chain", ("org/springframework/security/",)),
              ("annotated handler lookup", ("AbstractHandlerMethodMapping", "RequestMappingInfo")),
              ("Reactor Netty / Netty", ("io/netty/", "reactor/netty/")),
              ("HTTP server observation", ("io/micrometer/",)),
              ("OneStop code", ("city/onestop/",))]
    top_n = 6
else:
    groups = [("JWT decode and verify", ("NimbusReactiveJwtDecoder", "com/nimbusds/")),
              ("Spring Security chain (JWT included)", ("org/springframework/security/",)),
              ("R2DBC PostgreSQL driver", ("io/r2dbc/postgresql/",)),
              ("R2DBC pool and Spring Data R2DBC", ("io/r2dbc/pool/", "org/springframework/r2dbc/", "org/springframework/data/r2dbc/")),
              ("Spring transactions", ("org/springframework/transaction/",)),
              ("Jackson", ("tools/jackson/", "com/fasterxml/jackson/")),
              ("Micrometer observation", ("io/micrometer/",)),
              ("Lettuce (Redis)", ("io/lettuce/",)),
              ("Netty I/O", ("io/netty/",)),
              ("OneStop code", ("city/onestop/",)),
              ("audit chain", ("city/onestop/platform/audit/",)),
              ("JIT compiler and GC threads", ("CompileBroker", "C2Compiler", "GCTaskThread", "G1"))]
    top_n = 10
share = ", ".join(f"{name} {100 * sum(c for f, c in stacks if any(any(k in x for k in keys) for x in f)) / n:.0f} %"
                  for name, keys in groups)
top = "; ".join(f"`{f.split('/')[-1]}` {100 * c / n:.1f} %" for f, c in self_.most_common(top_n))
print(f"- {label} ({n} samples): {share}. Top self frames: {top}")
PY
if [ "${PROFILE:-1}" = 1 ]; then
  AP_JAR="$HOME/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1.jar"
  [ -f "$AP_JAR" ] || mvn -q dependency:get -Dartifact=tools.profiler:async-profiler:4.1 >/dev/null
  (cd "$WORK" && unzip -o -q "$AP_JAR" 'linux-x64/*')
  prof() { jcmd "$APP" JVMTI.agent_load "$WORK/linux-x64/libasyncProfiler.so" "\"$1\"" >/dev/null; }
  EVENT=cpu
  prof "start,event=cpu,interval=1ms"; sleep 1; prof "stop,file=$WORK/probe.collapsed,collapsed" || true
  grep -q "perf_event\|Perf events unavailable" "$WORK/app.log" && EVENT=itimer
  for k in $( [ "${AUTH_ONLY:-0}" = 1 ] || echo stop arrivals); do
    prof "start,event=$EVENT,interval=1ms"
    wrk -t2 -c64 -d10s "${RURL[$k]}" > "$WORK/$k.prof.wrk" 2>&1
    prof "stop,file=$WORK/$k.collapsed,collapsed"
    PROFILE_TEXT+="$(python3 "$WORK/summarize.py" "$WORK/$k.collapsed" "$k" read)"$'\n'
  done
  PROFILE_TEXT="Profile (async-profiler, event $EVENT, 10 s of \`wrk -t2 -c64\` on each, after the rows):"$'\n'"$PROFILE_TEXT"
fi
# profile_row key label conns script url [wrk args]: a profiled run of an authenticated row, after its measured run.
profile_row() {
  [ "${PROFILE:-1}" = 1 ] || return 0
  local key=$1 label=$2 conns=$3 script=$4 url=$5; shift 5
  prof "start,event=$EVENT,interval=1ms"
  local c0; c0=$(cpu_ticks)
  wrk -t2 -c"$conns" --timeout 10s -s "$script" "$url" "$@" > "$WORK/$key.prof.wrk" 2>&1 || true
  local c1; c1=$(cpu_ticks)
  prof "stop,file=$WORK/$key.collapsed,collapsed"
  local r; r=$(grep '^RESULT' "$WORK/$key.prof.wrk" || echo "RESULT missing")
  local cpu; cpu=$(cpu_share "$c0" "$c1" "$(field "$r" secs)")
  echo "   profiled: $r $cpu"
  case "$r" in *"s5xx=0 "*) ;; *) echo "FAILED: $label (profiled run) had 5xx answers (or no result)"; FAILED=1;; esac
  AUTH_PROFILE_TEXT+="$(python3 "$WORK/summarize.py" "$WORK/$key.collapsed" \
    "$label, under the profiler $(field "$r" rps)/s, p99 $(field "$r" p99) ms, $cpu" auth)"$'\n'
}

if [ "${READS_ONLY:-0}" = 1 ]; then # the GET rows and the profile only (to compare two jars), docs untouched
  for k in live $READS; do echo "$k: ${ROWS[$k]}"; [ "$k" = live ] || echo "nginx-$k: ${ROWS[nginx-$k]}"; done
  echo "$PROFILE_TEXT"
  echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  [ "$FAILED" = 0 ] || exit 1
  exit 0
fi

# ---------------------------------------------------------------- 2. payments and 3. my bills
OP=$(token "$(uuid)" UTILITY_OPERATOR)
PAYER_ID=$(uuid); PAYER=$(token "$PAYER_ID" CITIZEN)
READER_ID=$(uuid); READER=$(token "$READER_ID" CITIZEN)
PERIOD=$(python3 -c 'import datetime as d; t=d.date.today().replace(day=1)-d.timedelta(days=1); print(t.strftime("%Y-%m"))')
echo "seeding $ACCOUNTS water accounts, readings and bills for $PERIOD"
python3 - "$ACCOUNTS" > "$WORK/accounts.csv" <<'PY'
import sys
print("utility,accountNumber,serviceAddress,householdSize,holderName,holderIdLast4")
for i in range(int(sys.argv[1]) + 2):
    print(f"WATER,BENCH-{i:07d},{i} Bench Road,3,Bench,0000")
PY
curl -sf "$BASE/api/v1/billing/accounts/imports" -H "Authorization: Bearer $OP" -H 'Content-Type: text/csv' \
  --data-binary @"$WORK/accounts.csv" -o /dev/null
python3 - "$ACCOUNTS" "$PERIOD" "$WORK" <<'PY'
import json, sys
n, period, work = int(sys.argv[1]) + 2, sys.argv[2], sys.argv[3]
for start in range(0, n, 400):
    rows = [{"utility": "WATER", "accountNumber": f"BENCH-{i:07d}", "period": period, "reading": str(10 + i % 30),
             "meterStatus": "WORKING"} for i in range(start, min(n, start + 400))]
    open(f"{work}/readings-{start}.json", "w").write(json.dumps({"readings": rows}))
PY
for f in "$WORK"/readings-*.json; do
  curl -sf "$BASE/api/v1/billing/readings/batch" -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' \
    --data-binary @"$f" -o /dev/null
done
curl -sf "$BASE/api/v1/billing/bill-runs" -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' \
  -d "{\"period\":\"$PERIOD\",\"utility\":\"WATER\"}" -o /dev/null
# Links are seeded in PostgreSQL, not through POST /accounts/links: linking now asks for proof (the holder's ID
# fingerprint, an SMS code to the phone on file, or the holder's approval) that token-only benchmark citizens
# cannot give, and linking is not what this table measures.
sql "INSERT INTO billing_account_links (account_id, citizen_id, linked_at, method)
     SELECT id, '$PAYER_ID', now(), 'LEGACY' FROM billing_accounts
     WHERE account_number LIKE 'BENCH-%' AND account_number < '$(printf 'BENCH-%07d' "$ACCOUNTS")'" > /dev/null
sql "INSERT INTO billing_account_links (account_id, citizen_id, linked_at, method)
     SELECT id, '$READER_ID', now(), 'LEGACY' FROM billing_accounts
     WHERE account_number IN ('$(printf 'BENCH-%07d' "$ACCOUNTS")', '$(printf 'BENCH-%07d' "$((ACCOUNTS + 1))")')" > /dev/null
sql "SELECT b.id FROM billing_bills b JOIN billing_account_links l ON l.account_id = b.account_id
     WHERE l.citizen_id = '$PAYER_ID' AND b.status = 'ACTIVE' AND b.total_fen > 0 ORDER BY random()" > "$WORK/bills-all.txt"
TOTAL_BILLS=$(wc -l < "$WORK/bills-all.txt")
WARM_BILLS=$((TOTAL_BILLS * 3 / 16)); PROFILE_BILLS=$((TOTAL_BILLS / 4))
MEASURE_BILLS=$((TOTAL_BILLS - WARM_BILLS - PROFILE_BILLS))
head -n "$WARM_BILLS" "$WORK/bills-all.txt" > "$WORK/bills-warm.txt"
sed -n "$((WARM_BILLS + 1)),$((WARM_BILLS + MEASURE_BILLS))p" "$WORK/bills-all.txt" > "$WORK/bills-measure.txt"
tail -n "$PROFILE_BILLS" "$WORK/bills-all.txt" > "$WORK/bills-profile.txt"
echo "bills to pay: $TOTAL_BILLS ($WARM_BILLS for the warm-up, $PROFILE_BILLS for the profiled run)"
pay_lua() { # file bills: each request pays the next bill of its thread, once (a fresh Idempotency-Key per bill)
  { cat "$WORK/common.lua"; cat <<LUA
local bills = {}
for line in io.lines("$2") do bills[#bills + 1] = line end
function init(args) counter = id + 1 end
request = function()
  local bill = bills[counter]
  counter = counter + 2
  if bill == nil then bill = bills[1] end
  return wrk.format("POST", "/api/v1/billing/bills/" .. bill .. "/payments",
    {["Authorization"] = "Bearer $PAYER", ["Content-Type"] = "application/json", ["Idempotency-Key"] = "bench-" .. bill}, "{}")
end
response = function(status, headers, body) count(status, body) end
LUA
  } > "$1"
}
pay_lua "$WORK/pay-warm.lua" "$WORK/bills-warm.txt"
pay_lua "$WORK/pay.lua" "$WORK/bills-measure.txt"
pay_lua "$WORK/pay-profile.lua" "$WORK/bills-profile.txt"
# The warm-up of the payments row pays other bills than the measured run.
wrk -t2 -c64 -d"${WARM}s" -s "$WORK/pay-warm.lua" "$BASE" > "$WORK/pay.warm" 2>&1 || true
WARM_SAVED=$WARM; WARM=0
measure pay "payments, 64 clients, each a different bill" 64 "$WORK/pay.lua" "$BASE"
WARM=$WARM_SAVED
profile_row pay "payments" 64 "$WORK/pay-profile.lua" "$BASE" -d8s
DOUBLE=$(sql "SELECT count(*) FROM (SELECT bill_id FROM billing_payments WHERE status IN ('SUCCEEDED','REFUNDED')
              GROUP BY bill_id HAVING count(*) > 1) d")
RECEIPTS_DOUBLE=$(sql "SELECT count(*) FROM (SELECT bill_id FROM billing_receipts GROUP BY bill_id HAVING count(*) > 1) d")
echo "double charges: $DOUBLE, bills with two receipts: $RECEIPTS_DOUBLE"
[ "$DOUBLE" = 0 ] && [ "$RECEIPTS_DOUBLE" = 0 ] || { echo "FAILED: double charges"; FAILED=1; }

lua_get bills "$READER"
measure bills "GET /api/v1/billing/bills (household of 2 accounts), 64 connections" 64 "$WORK/bills.lua" "$BASE/api/v1/billing/bills"
profile_row bills "GET my bills" 64 "$WORK/bills.lua" "$BASE/api/v1/billing/bills" -d10s

# ---------------------------------------------------------------- 4. booking surge
ADMIN=$(token "$(uuid)" ADMIN)
STAFF_ID=$(uuid); STAFF=$(token "$STAFF_ID" CITIZEN HOSPITAL_STAFF)
HOSPITAL=$(curl -sf "$BASE/api/v1/admin/booking/hospitals" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"name":"Bench Hospital","address":"1 Bench Road","lat":23.13,"lon":113.26,"level":"TERTIARY_A"}' | jq -r .id)
curl -sf -X PUT "$BASE/api/v1/admin/booking/hospitals/$HOSPITAL/staff/$STAFF_ID" -H "Authorization: Bearer $ADMIN" -o /dev/null
VISIT=$(python3 -c 'import datetime as d, zoneinfo as z; print((d.datetime.now(z.ZoneInfo("Asia/Shanghai")).date() + d.timedelta(days=2)).isoformat())')
sessions() { # department-name doctors file: 100 slots of capacity 1 per doctor, slot ids into file
  local dep; dep=$(curl -sf "$BASE/api/v1/booking/staff/departments" -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\"}" | jq -r .id)
  : > "$3"
  for d in $(seq 1 "$2"); do
    local doc; doc=$(curl -sf "$BASE/api/v1/booking/staff/doctors" -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
      -d "{\"departmentId\":\"$dep\",\"name\":\"Dr. Bench $1 $d\",\"title\":\"Attending Physician\",\"registrationFee\":{\"amount\":\"25.00\",\"currency\":\"CNY\"}}" | jq -r .id)
    curl -sf "$BASE/api/v1/booking/staff/schedules" -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
      -d "{\"doctorId\":\"$doc\",\"date\":\"$VISIT\",\"period\":\"MORNING\",\"slotCount\":100,\"capacityPerSlot\":1}" | jq -r '.slots[].slotId' >> "$3"
  done
  echo "$dep"
}
WARM_DEP=$(sessions "Warm-up" 2 "$WORK/slots-warm.txt")
SURGE_DEP=$(sessions "Surge" 10 "$WORK/slots.txt")
[ "${PROFILE:-1}" = 1 ] && PROFILE_DEP=$(sessions "Profile" 5 "$WORK/slots-profile.txt")
tokens 2600 "$WORK/citizens-warm.txt"
tokens 10400 "$WORK/citizens.txt"
[ "${PROFILE:-1}" = 1 ] && tokens 5200 "$WORK/citizens-profile.txt"
book_lua() { # file slots citizens attempts: attempt i is citizen i booking slot (i*7919 mod slots); stops after attempts
  { cat "$WORK/common.lua"; cat <<LUA
local slots, citizens = {}, {}
for line in io.lines("$2") do slots[#slots + 1] = line end
for line in io.lines("$3") do citizens[#citizens + 1] = line end
local quota = $4 / 2
local function now() local p = io.popen("date +%s.%N"); local t = tonumber(p:read("*l")); p:close(); return t end
function init(args) counter = id; answered = 0; started = now(); finished = 0 end
request = function()
  local i = counter
  counter = counter + 2
  local slot = slots[(i * 7919) % #slots + 1]
  local who = citizens[(i % #citizens) + 1]
  return wrk.format("POST", "/api/v1/booking/appointments",
    {["Authorization"] = "Bearer " .. who, ["Content-Type"] = "application/json", ["Idempotency-Key"] = "surge-" .. i},
    '{"slotId":"' .. slot .. '"}')
end
response = function(status, headers, body)
  count(status, body)
  answered = answered + 1
  if answered >= quota and finished == 0 then finished = now(); wrk.thread:stop() end
end
LUA
  } > "$1"
}
book_lua "$WORK/book-warm.lua" "$WORK/slots-warm.txt" "$WORK/citizens-warm.txt" 2000
book_lua "$WORK/book.lua" "$WORK/slots.txt" "$WORK/citizens.txt" 10000
[ "${PROFILE:-1}" = 1 ] && book_lua "$WORK/book-profile.lua" "$WORK/slots-profile.txt" "$WORK/citizens-profile.txt" 5000
wrk -t2 -c200 -d60s -s "$WORK/book-warm.lua" "$BASE" > "$WORK/book.warm" 2>&1 || true
LOAD_BOOK=$(cut -d' ' -f1 /proc/loadavg)
C0=$(cpu_ticks)
wrk -t2 -c200 -d60s --timeout 10s -s "$WORK/book.lua" "$BASE" > "$WORK/book.out" 2>&1
C1=$(cpu_ticks)
ROWS[book]="$(grep '^RESULT' "$WORK/book.out" || echo 'RESULT missing') load=$LOAD_BOOK"
ROWS[book]+=" $(cpu_share "$C0" "$C1" "$(field "${ROWS[book]}" secs)")"
echo "== booking surge: ${ROWS[book]}"
grep '^SAMPLE' "$WORK/book.out" || true
case "${ROWS[book]}" in *"s5xx=0 "*) ;; *) echo "FAILED: booking surge had 5xx answers"; FAILED=1;; esac
OVERSOLD=$(sql "SELECT count(*) FROM slots s WHERE s.department_id = '$SURGE_DEP' AND s.capacity <
                (SELECT count(*) FROM appointments a WHERE a.slot_id = s.id AND a.status = 'BOOKED')")
MISMATCH=$(sql "SELECT count(*) FROM slots s WHERE s.department_id = '$SURGE_DEP' AND s.booked <>
                (SELECT count(*) FROM appointments a WHERE a.slot_id = s.id AND a.status IN ('BOOKED','PENDING'))")
BOOKED=$(sql "SELECT count(*) FROM appointments WHERE department_id = '$SURGE_DEP' AND status = 'BOOKED'")
echo "booked $BOOKED of 1000 places, oversold slots $OVERSOLD, counter mismatches $MISMATCH"
[ "$OVERSOLD" = 0 ] && [ "$MISMATCH" = 0 ] || { echo "FAILED: oversold"; FAILED=1; }
profile_row book "booking surge (500 slots, 5,000 attempts, 200 clients)" 200 "$WORK/book-profile.lua" "$BASE" -d60s

# ---------------------------------------------------------------- 5. dashboard
tokens 64 "$WORK/dash-citizens.txt"
{ cat "$WORK/common.lua"; cat <<LUA
local citizens = {}
for line in io.lines("$WORK/dash-citizens.txt") do citizens[#citizens + 1] = line end
function init(args) counter = id end
request = function()
  counter = counter + 1
  return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. citizens[(counter % #citizens) + 1]})
end
response = function(status, headers, body) count(status, body) end
LUA
} > "$WORK/dash.lua"
DASH_SECTIONS=$(curl -sf "$BASE/api/v1/me/dashboard" -H "Authorization: Bearer $(head -1 "$WORK/dash-citizens.txt")" \
  | jq -c '[to_entries[] | select(.value | type == "object" and has("status")) | {(.key): .value.status}] | add' || echo '?')
echo "dashboard sections: $DASH_SECTIONS"
measure dash "GET /api/v1/me/dashboard, 64 citizens" 64 "$WORK/dash.lua" "$BASE/api/v1/me/dashboard"
profile_row dash "dashboard" 64 "$WORK/dash.lua" "$BASE/api/v1/me/dashboard" -d10s

if [ "${AUTH_ONLY:-0}" = 1 ]; then
  for k in pay bills book dash; do echo "$k: ${ROWS[$k]}"; done
  echo "$AUTH_PROFILE_TEXT"
  echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg); folded stacks in $WORK"
  [ "$FAILED" = 0 ] || exit 1
  exit 0
fi

# ---------------------------------------------------------------- the table
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
R=${ROWS[stop]}; N=${ROWS[nginx-stop]}; P=${ROWS[pay]}; B=${ROWS[bills]}; K=${ROWS[book]}; D=${ROWS[dash]}
ratio_of() { python3 -c "import sys; a, b = float(sys.argv[1] or 0), float(sys.argv[2] or 0); print(f'{a / b:.2f}' if b else '?')" \
  "$(field "${ROWS[$1]}" rps)" "$(field "${ROWS[nginx-$1]}" rps)"; }
row() { # label result target extra
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$(field "$2" rps)" "$(field "$2" p50)" "$(field "$2" p99)" \
    "$(field "$2" s5xx) / $(field "$2" errors)" "$(field "$2" load)" "$3" "$4"
}
TABLE=$(cat <<MD
Run of \`bench/run.sh $SECS\` at $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($CPU), $(free -g | awk '/Mem:/ {print $2}') GiB;
packaged jar (\`java $JAVA_OPTS -jar\`, local profile, embedded PostgreSQL 17 and Redis, rate limits off, simulated
payment provider), wrk 2 threads on loopback, a 30 s JIT warm-up over the five GET URLs, then ${WARM} s warm-up before
each row, ${SECS} s measured; nginx (\`worker_processes auto\`, \`access_log off\`) serves the bytes OneStop answered for
each transit read, measured right after it.
Load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $LOAD_END; the 1-minute figure before each row is
in the "load" column. Client, server and database share the same 2 cores.

| path | req/s | p50 ms | p99 ms | 5xx / socket errors | load | target | checks |
|---|---|---|---|---|---|---|---|
$(row "small public read \`GET /api/v1/transit/stops/$STOP\`, 64 conns" "$R" "≥ 10,000 req/s" "OneStop/nginx = $(ratio_of stop)")
$(row "liveness \`GET /actuator/health/liveness\` (management port), 64 conns" "${ROWS[live]}" "(per-request floor)" "")
$(for k in $READS; do
  row "#12 \`${RURL[$k]#$BASE}\` ($(wc -c < "$WORK/www/$k.json") bytes)" "${ROWS[$k]}" "≥ 0.40× nginx, p99 < 25 ms" "OneStop/nginx = **$(ratio_of "$k")**"
  row "nginx, the same bytes ($(nproc) workers)" "${ROWS[nginx-$k]}" "(comparison)" ""
done)
$(row "payments, 64 clients, each a different bill" "$P" "≥ 500/s, p99 < 250 ms" "$(field "$P" s2xx) paid, 4xx $(field "$P" s4xx); double charges in the DB: $DOUBLE")
$(row "GET my bills (household of 2 accounts), 64 conns" "$B" "≥ 3,000 req/s, p99 < 50 ms" "")
$(row "booking surge, 200 clients, 10,000 attempts, 1,000 slots of capacity 1" "$K" "≥ 1,000 attempts/s, p99 < 500 ms" "booked $BOOKED, oversold $OVERSOLD, 201: $(field "$K" s2xx), 4xx: $(field "$K" s4xx)")
$(row "dashboard, 64 citizens" "$D" "p99 < 100 ms" "sections: $DASH_SECTIONS")

$PROFILE_TEXT
$( [ -z "$AUTH_PROFILE_TEXT" ] || printf '%s\n%s' "Profiles of the authenticated rows (async-profiler, event $EVENT, 1 ms; a run of the same script right after each measured row, with its own bills, slots and citizens; CPU in % of one core for the JVM, PostgreSQL, Redis and wrk):" "$AUTH_PROFILE_TEXT")
CPU during each authenticated row (% of one core; the machine has $(nproc)): payments $(field "$P" cpu), my bills $(field "$B" cpu), booking surge $(field "$K" cpu), dashboard $(field "$D" cpu).

Jar built from commit $(git rev-parse --short HEAD 2>/dev/null || echo '?') (\`$JAR\`); the service clock started at $CLOCK_START (10:00 in the demo city, so buses run). Commands: \`wrk -t2 -c64 -d${SECS}s -s <script> <url>\` per row (the booking surge: \`wrk -t2 -c200\` until 10,000 answers);
the Lua scripts are written by bench/run.sh (each payment pays another bill with its own Idempotency-Key; each
booking attempt is another citizen; each dashboard request one of 64 citizens). Double charges and oversold slots are
counted in PostgreSQL after the run.
MD
)
python3 - "$ROOT/docs/benchmarks.md" "$TABLE" <<'PY'
import sys
path, table = sys.argv[1], sys.argv[2]
begin, end = "<!-- bench/run.sh:begin -->", "<!-- bench/run.sh:end -->"
text = open(path).read()
block = begin + "\n" + table + "\n" + end
if begin in text and end in text:
    text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    head = "## Issue #11 table: one run of bench/run.sh\n\n"
    marker = "\n## "
    at = text.find(marker, 1)
    text = (text[:at] + "\n\n" + head + block + "\n" + text[at:]) if at > 0 else (text + "\n\n" + head + block + "\n")
open(path, "w").write(text)
PY
echo "$TABLE"
[ "$FAILED" = 0 ] || { echo "bench/run.sh: FAILED (see above)"; exit 1; }
echo "bench/run.sh: passed"
