#!/usr/bin/env bash
# Billing benchmark: payments per second end to end against the built-in simulated provider (zero latency)
# with 64 concurrent clients, and the latency of GET my bills. Loopback only.
# Usage: bench/billing.sh [accounts=20000] [seconds=15]
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=${1:-20000}
SECONDS_RUN=${2:-15}
command -v wrk >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q wrk; }
command -v jq >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q jq; }

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
MGMT_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SECRET=$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')
BASE=http://127.0.0.1:$PORT

[ -f target/onestop-0.1.0-SNAPSHOT.jar ] || mvn -o -q package -DskipTests
java -Xmx1g -jar target/onestop-0.1.0-SNAPSHOT.jar --spring.profiles.active=local --server.port="$PORT" \
  --management.server.port="$MGMT_PORT" --onestop.security.jwt.secret="$SECRET" --onestop.data-dir="$WORK/data" --onestop.embedded.ephemeral=true \
  --onestop.rate-limit.enabled=false --logging.level.root=WARN > "$WORK/app.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null; wait $APP 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$MGMT_PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done

token() { # subject role
  python3 - "$SECRET" "$1" "$2" <<'PY'
import base64, hashlib, hmac, json, sys, time, uuid
secret, sub, role = base64.b64decode(sys.argv[1]), sys.argv[2], sys.argv[3]
b = lambda d: base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=")
now = int(time.time())
head = b({"alg": "HS256"}) + b"." + b({"iss": "onestop", "sub": sub, "iat": now, "exp": now + 3600,
                                       "jti": str(uuid.uuid4()), "roles": [role]})
print((head + b"." + base64.urlsafe_b64encode(hmac.new(secret, head, hashlib.sha256).digest()).rstrip(b"=")).decode())
PY
}
OP=$(token "$(uuidgen 2>/dev/null || python3 -c 'import uuid;print(uuid.uuid4())')" UTILITY_OPERATOR)
PAYER_ID=$(python3 -c 'import uuid;print(uuid.uuid4())')
PAYER=$(token "$PAYER_ID" CITIZEN)
READER=$(token "$(python3 -c 'import uuid;print(uuid.uuid4())')" CITIZEN)
PERIOD=$(python3 -c 'import datetime as d; t=d.date.today().replace(day=1)-d.timedelta(days=1); print(t.strftime("%Y-%m"))')

echo "seeding $ACCOUNTS water accounts, readings and bills for $PERIOD"
python3 - "$ACCOUNTS" > "$WORK/accounts.csv" <<'PY'
import sys
print("utility,accountNumber,serviceAddress,householdSize,holderName,holderIdLast4")
for i in range(int(sys.argv[1]) + 2):
    print(f"WATER,BENCH-{i:07d},{i} Bench Road,3,Bench,0000")
PY
curl -sf "$BASE/api/v1/billing/accounts/imports" -H "Authorization: Bearer $OP" -H 'Content-Type: text/csv' \
  --data-binary @"$WORK/accounts.csv" | jq -c .
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
  -d "{\"period\":\"$PERIOD\",\"utility\":\"WATER\"}" | jq -c .

# Link accounts 0..N-1 to the payer and the last two to the reader (a typical household).
cat > "$WORK/link.lua" <<LUA
local counter = 0
local threads = {}
function setup(thread) thread:set("id", #threads); table.insert(threads, thread) end
function init(args) counter = id end
request = function()
  local i = counter
  counter = counter + 2
  if i >= $ACCOUNTS then i = 0 end
  local body = string.format('{"utility":"WATER","accountNumber":"BENCH-%07d","holderName":"Bench","holderIdLast4":"0000"}', i)
  return wrk.format("POST", "/api/v1/billing/accounts/links",
    {["Authorization"] = "Bearer $PAYER", ["Content-Type"] = "application/json"}, body)
end
LUA
wrk -t2 -c16 -d$((ACCOUNTS / 400 + 5))s -s "$WORK/link.lua" "$BASE" > "$WORK/link.out"
for i in $ACCOUNTS $((ACCOUNTS + 1)); do
  curl -sf "$BASE/api/v1/billing/accounts/links" -H "Authorization: Bearer $READER" -H 'Content-Type: application/json' \
    -d "{\"utility\":\"WATER\",\"accountNumber\":\"$(printf 'BENCH-%07d' "$i")\",\"holderName\":\"Bench\",\"holderIdLast4\":\"0000\"}" -o /dev/null
done

# The payer's unpaid bill ids.
: > "$WORK/bills.txt"
CURSOR=""
while :; do
  PAGE=$(curl -sf "$BASE/api/v1/billing/bills?status=ACTIVE&period=$PERIOD&limit=100${CURSOR:+&cursor=$CURSOR}" -H "Authorization: Bearer $PAYER")
  echo "$PAGE" | jq -r '.items[].id' >> "$WORK/bills.txt"
  CURSOR=$(echo "$PAGE" | jq -r '.next // empty')
  [ -n "$CURSOR" ] || break
done
echo "bills to pay: $(wc -l < "$WORK/bills.txt")"

cat > "$WORK/pay.lua" <<LUA
local bills = {}
for line in io.lines("$WORK/bills.txt") do bills[#bills + 1] = line end
local threads = {}
function setup(thread) thread:set("id", #threads); table.insert(threads, thread) end
function init(args) counter = id + 1 end
request = function()
  local bill = bills[counter]
  counter = counter + 2
  if bill == nil then bill = bills[1] end
  return wrk.format("POST", "/api/v1/billing/bills/" .. bill .. "/payments",
    {["Authorization"] = "Bearer $PAYER", ["Content-Type"] = "application/json", ["Idempotency-Key"] = "bench-" .. bill}, "{}")
end
LUA
echo "== payments: wrk -t2 -c64 -d${SECONDS_RUN}s (each request pays a different bill once)"
wrk -t2 -c64 -d"${SECONDS_RUN}s" --latency -s "$WORK/pay.lua" "$BASE" | tee "$WORK/pay.out"
curl -sf "$BASE/api/v1/billing/simulated-provider/stats" | jq -c .

echo "== GET my bills (household with 2 accounts): wrk -t2 -c64 -d${SECONDS_RUN}s"
wrk -t2 -c64 -d"${SECONDS_RUN}s" --latency -H "Authorization: Bearer $READER" "$BASE/api/v1/billing/bills" | tee "$WORK/bills.out"
echo "nproc=$(nproc) cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
