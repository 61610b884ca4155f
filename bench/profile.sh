#!/usr/bin/env bash
# Where a trivial request's CPU goes: the packaged jar (local profile, no agent but the profiler), a JIT warm-up,
# then async-profiler (loaded into the running JVM with jcmd, CPU samples; itimer when perf events are refused)
# for a few seconds of `wrk -t2 -c64` on each of liveness, a stop read and a stop's arrivals board.
# Prints req/s under the profiler, the top frames by self time and the share of samples that pass through each
# layer (security chain, handler lookup, observation, ...); the folded stacks stay in the work directory.
# Usage: bench/profile.sh [profiled seconds per URL=15]   (env: WARM=30 warm-up per URL, s; JAR; JAVA_OPTS; APP_ARGS; OUT=dir)
# Needs: JDK 17 (jcmd), Maven (fetches tools.profiler:async-profiler:4.1 once), wrk, python3. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-15}
WARM=${WARM:-30}
WORK=${OUT:-$(mktemp -d /tmp/onestop-profile-XXXX)}
mkdir -p "$WORK"
JAR=${JAR:-target/onestop-0.1.0-SNAPSHOT.jar}
[ -f "$JAR" ] || mvn -o -q package -DskipTests -Djacoco.skip=true
command -v wrk >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q wrk >/dev/null; }

# async-profiler's native library, from the Maven artifact (the jar carries linux-x64/libasyncProfiler.so).
AP_JAR="$HOME/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1.jar"
[ -f "$AP_JAR" ] || mvn -q dependency:get -Dartifact=tools.profiler:async-profiler:4.1 >/dev/null
(cd "$WORK" && unzip -o -q "$AP_JAR" 'linux-x64/*')
LIB="$WORK/linux-x64/libasyncProfiler.so"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port); MGMT=$(free_port)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
echo "jar built from $(git rev-parse --short HEAD 2>/dev/null || echo '?'); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
JAVA_OPTS=${JAVA_OPTS:--Xms1g -Xmx1g}
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$JAR" --spring.profiles.active=local --server.port="$PORT" --server.address=127.0.0.1 \
  --management.server.port="$MGMT" --onestop.data-dir="$WORK/data" --onestop.embedded.ephemeral=true \
  --onestop.rate-limit.enabled=false --logging.level.root=WARN ${APP_ARGS:-} >"$WORK/app.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null || true; wait $APP 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do curl -sf "http://127.0.0.1:$MGMT/actuator/health/readiness" >/dev/null && break; sleep 1; done
BASE="http://127.0.0.1:$PORT/api/v1/transit"
STOP=""
for _ in $(seq 1 120); do
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
[ -n "$STOP" ] || { echo "no live bus on any board"; tail -30 "$WORK/app.log"; exit 1; }
declare -A URLS=(
  [liveness]="http://127.0.0.1:$MGMT/actuator/health/liveness"
  [stop]="$BASE/stops/$STOP"
  [arrivals]="$BASE/stops/$STOP/arrivals?minutesBefore=5&minutesAfter=35"
)
echo "JIT warm-up: ${WARM}s of wrk -t2 -c64 on each URL"
for k in liveness stop arrivals; do
  wrk -t2 -c64 -d"${WARM}s" --timeout 5s "${URLS[$k]}" >"$WORK/$k.warm" 2>&1
  echo "  $k warm-up (no profiler): $(awk '/Requests\/sec/{print $2}' "$WORK/$k.warm") req/s $(grep -o 'Non-2xx.*\|Socket errors.*' "$WORK/$k.warm" | tr '\n' ' ')"
done

# jcmd hands the option string to the agent only when it is quoted (it would split it at the '=' otherwise).
prof() { jcmd $APP JVMTI.agent_load "$LIB" "\"$1\"" >/dev/null; }
EVENT=cpu
prof "start,event=cpu,interval=1ms,file=$WORK/probe.collapsed,collapsed"
sleep 1
grep -q "perf_event\|Perf events unavailable" "$WORK/app.log" && EVENT=itimer
prof "stop,file=$WORK/probe.collapsed,collapsed" || true
echo "profiler event: $EVENT"
for k in liveness stop arrivals; do
  prof "start,event=$EVENT,interval=1ms"
  wrk -t2 -c64 -d"${SECS}s" --timeout 5s --latency "${URLS[$k]}" >"$WORK/$k.wrk"
  prof "stop,file=$WORK/$k.collapsed,collapsed"
  echo
  echo "== $k ${URLS[$k]#http://127.0.0.1:*/}: $(awk '/Requests\/sec/{print $2}' "$WORK/$k.wrk") req/s under the profiler, p99 $(awk '/ 99%/{print $2}' "$WORK/$k.wrk"), $(grep -o 'Non-2xx.*\|Socket errors.*' "$WORK/$k.wrk" | tr '\n' ' ')"
  python3 - "$WORK/$k.collapsed" <<'PY'
import collections, sys
stacks = []
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if not line: continue
    frames, _, count = line.rpartition(" ")
    stacks.append((frames.split(";"), int(count)))
n = sum(c for _, c in stacks) or 1
self_ = collections.Counter()
for frames, c in stacks: self_[frames[-1]] += c
print(f"  {n} samples; top frames by self time:")
for f, c in self_.most_common(15): print(f"    {100*c/n:5.1f} %  {f}")
groups = [
  ("Spring Security filter chain", ("org/springframework/security/", "org.springframework.security.")),
  ("handler lookup (request mappings, path patterns)", ("AbstractHandlerMethodMapping", "RequestMappingInfo", "PathPattern", "RouterFunctionMapping")),
  ("HTTP server observation (Micrometer)", ("io/micrometer/", "io.micrometer.")),
  ("Reactor Netty / Netty I/O", ("io/netty/", "io.netty.", "reactor/netty/", "reactor.netty.")),
  ("Jackson", ("tools/jackson/", "tools.jackson.")),
  ("SHA-256 (ETag)", ("SHA2", "MessageDigest")),
  ("OneStop transit code", ("city/onestop/transit/", "city.onestop.transit.")),
  ("OneStop platform filters", ("city/onestop/platform/", "city.onestop.platform.")),
  ("Reactor context propagation", ("ContextPropagation", "contextpropagation", "ContextSnapshot")),
  ("GC and JIT (not Java frames)", ("GCTaskThread", "G1", "C2Compiler", "CompileBroker")),
]
print("  share of samples with a frame of:")
for name, keys in groups:
    c = sum(cnt for frames, cnt in stacks if any(any(k in f for k in keys) for f in frames))
    print(f"    {100*c/n:5.1f} %  {name}")
PY
done
echo
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg); folded stacks in $WORK/*.collapsed"
