#!/usr/bin/env bash
# Ingestion under load: the packaged service on loopback (embedded PostgreSQL in a temporary folder), driven by
# Gatling at RATE events/s for SECONDS, then what PostgreSQL holds. Bounded in time and count; loopback only.
# Usage: src/bench/ingest-load.sh [rate=300] [seconds=60]
set -euo pipefail
cd "$(dirname "$0")/../.."
rate=${1:-300}
seconds=${2:-60}
repo=$(pwd)
work=$(mktemp -d)
port=18080
secret=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; command: $0 $rate $seconds"

mvn -q -B -DskipTests package
mkdir -p "$work/conf" && cp conf/config.yaml "$work/conf/"
if (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "port $port is taken" >&2; exit 1; fi
(cd "$work" && HTTP_PORT=$port JWT_HMAC_SECRET=$secret EMBEDDED_PG_DATA_DIR="$work/pg" \
  exec java -jar "$repo/target/webhook-inbox.jar" > "$work/service.log" 2>&1) &
service=$!
trap 'kill $service 2>/dev/null || true; wait $service 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do grep -q 'Webhook Inbox listening' "$work/service.log" && break; sleep 0.5; done
grep -q 'Webhook Inbox listening' "$work/service.log" || { echo "service did not start:"; tail -20 "$work/service.log"; exit 1; }
pg_port=$(grep -o 'embedded PostgreSQL on 127.0.0.1:[0-9]*' "$work/service.log" | grep -o '[0-9]*$')

mvn -B -Pload gatling:test -Dinbox.url=http://127.0.0.1:$port -Dinbox.jwtSecret="$secret" \
  -Dinbox.rate="$rate" -Dinbox.seconds="$seconds" | grep -vE '^\[(INFO|WARNING)\] *$|Downloading|Downloaded' \
  | sed -n '/Global Information/,/====/p;/Assertion/,$p' || true

mvn -q -B exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.webhookinbox.bench.InboxReport \
  -Dexec.args="127.0.0.1 $pg_port webhook_inbox postgres"
kill -TERM $service && wait $service || true
grep -c '"message":"request"' "$work/service.log" | xargs -I{} echo "access lines logged: {}"
rm -rf "$work"
