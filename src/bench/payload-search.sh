#!/usr/bin/env bash
# Times payload searches (GET /api/webhooks/events?payload=…) over a large inbox: loads N events (Cisive orders and
# Stripe payments with realistic payloads) spread over 30 days with SQL generate_series, builds the payload index,
# then calls the endpoint over loopback HTTP and prints p50, p95 and p99, and the query plans.
# Usage: src/bench/payload-search.sh [events=5000000] [calls per kind=100] [days=30]
# Bounded: the whole run is stopped after PAYLOAD_BENCH_MAX_SECONDS (default 5400). Loopback only.
# PostgreSQL: TEST_DATABASE_URL if set, else Testcontainers when Docker answers, else embedded (as the tests).
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-5000000}
calls=${2:-100}
days=${3:-30}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; command: $0 $events $calls $days"
timeout "${PAYLOAD_BENCH_MAX_SECONDS:-5400}" mvn -q -B test-compile exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.webhookinbox.bench.PayloadSearchBenchmark -Dexec.args="$events $calls $days"
