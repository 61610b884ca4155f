#!/usr/bin/env bash
# Transit static import benchmark: OneStop importing the Halifax GTFS feed vs. the floor of `psql \copy` of the raw
# stop_times.txt into the same (embedded) PostgreSQL. Run from the project root:  bench/transit-import.sh
# Needs: a JDK 17, Maven (offline is fine), psql, unzip. Uses loopback addresses only.
set -euo pipefail
cd "$(dirname "$0")/.."
FEED="$(cd ../shared/data/transit/halifax-transit && pwd)/google_transit.zip"
WORK="$(mktemp -d /tmp/onestop-bench-XXXX)"
JAR=target/onestop-0.1.0-SNAPSHOT.jar
HEAP="${HEAP:-512m}"
[ -f "$JAR" ] || mvn -o -q -DskipTests package
unzip -q -o "$FEED" stop_times.txt -d "$WORK"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "java: $(java -version 2>&1 | head -1)"

java -Xmx"$HEAP" -jar "$JAR" --server.port=0 --onestop.data-dir="$WORK/data" \
  --onestop.transit.feeds[0].id=halifax --onestop.transit.feeds[0].static-url="file:$FEED" \
  --management.server.port=-1 >"$WORK/app.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
[ -n "${KEEP:-}" ] && trap 'psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -c "select * from transit_import" ; kill $PID; wait $PID || true' EXIT
peak=0
for i in $(seq 1 240); do
  rss=$(awk '/VmHWM/{print $2}' /proc/$PID/status 2>/dev/null || echo 0)
  [ "$rss" -gt "$peak" ] && peak=$rss
  grep -q "Feed halifax version" "$WORK/app.log" && break
  grep -q "APPLICATION FAILED\|import failed\|Import .* failed" "$WORK/app.log" && { cat "$WORK/app.log"; exit 1; }
  sleep 0.5
done
PGPORT=$(sed -n 4p "$(find "$WORK/data" -name postmaster.pid | head -1)")
peak=$(awk '/VmHWM/{print $2}' /proc/$PID/status)
ms=$(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -Atc \
  "select duration_ms from transit_import where feed_id='halifax' and status='SUCCEEDED' order by import_id desc limit 1")
echo "OneStop import of Halifax (all files, patterns, distances, COPY, switch): ${ms} ms; JVM -Xmx$HEAP, process peak RSS $((peak / 1024)) MB"

cat >"$WORK/floor.sql" <<SQL
create temp table floor_stop_times (trip_id text, arrival_time text, departure_time text, stop_id text,
  stop_sequence text, stop_headsign text, pickup_type text, drop_off_type text, shape_dist_traveled text, timepoint text);
\timing on
\copy floor_stop_times from '$WORK/stop_times.txt' with (format csv, header true)
SQL
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -f "$WORK/floor.sql" | grep -E "COPY|Time"
