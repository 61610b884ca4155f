#!/usr/bin/env bash
# 1,000 concurrent SSE board subscribers on the packaged jar (local profile: demo city, simulated buses polled every
# 10 s): each must receive every board update (every poll round), and the heap must stay under 512 MB. Run from the project root:
#   bench/transit-sse.sh            (SUBSCRIBERS=1000 SECONDS=75 by default)
# Needs: JDK 17 (jcmd), Maven, python3. Loopback addresses only.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="$(mktemp -d /tmp/onestop-sse-XXXX)"
JAR=${JAR:-target/onestop-0.1.0-SNAPSHOT.jar}
SUBSCRIBERS="${SUBSCRIBERS:-1000}"
SECONDS_RUN="${SECONDS_RUN:-75}"
[ -f "$JAR" ] || mvn -o -q -DskipTests package
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
APP_PORT=$(free_port); MGMT_PORT=$(free_port)
ulimit -n 8192 || true
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
# Buses run by the demo timetable: start the service clock at 10:00 in Guangzhou today (CLOCK_START= to choose).
CLOCK_START=${CLOCK_START:-$(date -u -d @"$(TZ=Asia/Shanghai date -d "today 10:00" +%s)" +%Y-%m-%dT%H:%M:%SZ)}
java -Xmx512m -jar "$JAR" --onestop.clock.start-at="$CLOCK_START" --server.port="$APP_PORT" --server.address=127.0.0.1 --management.server.port="$MGMT_PORT" --onestop.data-dir="$WORK/data" \
  --logging.level.root=WARN --logging.level.city.onestop=INFO >"$WORK/app.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null || true; wait $APP 2>/dev/null || true' EXIT
BASE="http://127.0.0.1:$APP_PORT/api/v1/transit"
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
echo "stop $STOP; $SUBSCRIBERS subscribers for $SECONDS_RUN s"
cat >"$WORK/subscribers.py" <<'PY'
import asyncio, collections, json, sys, time
port, stop, n, secs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
# An update is a poll round of the live feed: a board is recomputed per subscriber (its generatedAt and ages are
# that subscriber's), so boards are compared by the newest vehicle timestamp on them, the poll that made them.
seen = [dict() for _ in range(n)]   # poll round (newest vehicleLastUpdated on the board) -> when this subscriber got it
boards = [0] * n
connected = [None] * n
ends = [None] * n
unreadable = [0]
async def sub(i):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write((f"GET /api/v1/transit/stops/{stop}/arrivals/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n").encode())
    await w.drain()
    end = time.monotonic() + secs
    ends[i] = end
    data = None
    async def lines():
        # The stream is chunked (HTTP/1.1): an SSE line may span chunks, so lines are cut from the de-chunked bytes.
        while (await r.readline()).strip():
            pass  # response headers
        pending = b""
        while True:
            size = int((await r.readline()).strip() or b"0", 16)
            if size == 0:
                return
            pending += await r.readexactly(size + 2)
            pending = pending[:-2]
            *complete, pending = pending.split(b"\n")
            for l in complete:
                yield l
    it = lines().__aiter__()
    try:
        while time.monotonic() < end:
            line = await asyncio.wait_for(it.__anext__(), timeout=max(0.1, end - time.monotonic()))
            if line.startswith(b"event:arrivals") or line.startswith(b"event: arrivals"):
                data = True
            elif data and line.startswith(b"data:"):
                now = time.monotonic()
                if connected[i] is None: connected[i] = now   # its first board: it is subscribed
                boards[i] += 1
                try:
                    rows = json.loads(line[5:])["arrivals"]
                except ValueError:
                    unreadable[0] += 1
                    rows = []
                poll = max((r.get("vehicleLastUpdated", "") for r in rows), default="")
                if poll: seen[i].setdefault(poll, now)
                data = None
    except StopAsyncIteration:
        pass
    except asyncio.TimeoutError:
        pass
    w.close()
async def main():
    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(sub(i)))
        if i % 100 == 99: await asyncio.sleep(0.2)
    await asyncio.gather(*tasks, return_exceptions=True)
asyncio.run(main())
ok = [c for c in connected if c is not None]
print(f"subscribers that got a first board: {len(ok)} of {n}")
if ok:
    # Each subscriber must receive every poll round first seen (by anyone) after its own first board, until 3 s
    # before the first subscriber leaves (a board in flight at the end is not missed).
    start = min(ok)
    first_sent = {}
    for s in seen:
        for poll, t in s.items():
            first_sent[poll] = min(first_sent.get(poll, t), t)
    until = min(e for e in ends if e is not None) - 3
    updates = sorted((t, p) for p, t in first_sent.items() if max(ok) < t < until)
    print(f"all subscribed within {max(ok) - start:.1f} s of the first; window for updates {until - max(ok):.0f} s after that")
    print(f"updates pushed after all were subscribed (poll rounds, by their vehicles' newest timestamp): {len(updates)}"
          f" (at {', '.join(f'+{t - max(ok):.0f} s' for t, _ in updates)})")
    got_all = sum(1 for s in seen if all(p in s for _, p in updates))
    print(f"subscribers that received every one of them: {got_all} of {n}")
    print(f"boards received per subscriber (first board, updates, and a second board when a poll's vehicle and trip"
          f" snapshots arrive apart): {dict(sorted(collections.Counter(boards).items()))}")
    if unreadable[0]: print(f"unreadable board events: {unreadable[0]}")
    lag = sorted(s[p] - first_sent[p] for s in seen for _, p in updates if p in s)
    if lag:
        print(f"delivery spread after the first subscriber got an update: p50 {lag[len(lag)//2]*1000:.0f} ms, p99 {lag[int(len(lag)*0.99)-1]*1000:.0f} ms, max {lag[-1]*1000:.0f} ms")
PY
python3 "$WORK/subscribers.py" "$APP_PORT" "$STOP" "$SUBSCRIBERS" "$SECONDS_RUN" &
SUBS=$!
sleep $((SECONDS_RUN / 2))
echo "heap with $SUBSCRIBERS subscribers connected (before and after a full GC):"
jcmd $APP GC.heap_info | sed -n 1,3p
jcmd $APP GC.run >/dev/null; jcmd $APP GC.heap_info | sed -n 1,3p
wait $SUBS
echo "ERROR lines in the app log: $(grep -c "ERROR" "$WORK/app.log" || true)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
