#!/usr/bin/env bash
# Times GET /api/webhooks/statistics for a 30-day window over a large inbox, and prints the query plans.
# Usage: src/bench/statistics-benchmark.sh [events=5000000] [calls=30] [days=30] (over 90 days: retention too)
# PostgreSQL: TEST_DATABASE_URL if set, else Testcontainers when Docker answers, else embedded (as the tests).
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-5000000}
calls=${2:-30}
days=${3:-30}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; command: $0 $events $calls $days"
mvn -q -B test-compile exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.webhookinbox.bench.StatisticsBenchmark -Dexec.args="$events $calls $days"
