#!/usr/bin/env bash
# JMH: decode + apply of a VehiclePositions + TripUpdates pair scaled to 5,000 vehicles, next to protobuf decode
# alone. Needs the shared Halifax capture at ../shared/data/transit/halifax-transit (relative to the project).
# Usage: bench/transit-live-ingest.sh [extra JMH args]; results in target/jmh-transit-live.txt
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -P bench test-compile
CP_FILE=target/bench-classpath.txt
mvn -q -P bench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
java -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" org.openjdk.jmh.Main IngestBenchmark \
  -t 1 -rf text -rff target/jmh-transit-live.txt "$@"
