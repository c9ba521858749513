#!/usr/bin/env bash
# PostgreSQL's CPU per event of the service's group-commit statement, by batch size: as shipped, without its statement
# triggers (each kind, then all), and planned at each execution. One connection, no service and no load generator.
# Usage: src/bench/group-commit-cost.sh [sizes=8,16,32,64] [events per step=2048] [rounds=5] [modes=1,2,3,4,5]
# (modes by number, in the order above: 1 as shipped ... 5 planned each time). The backend's pid goes to stderr, for a
# profiler: e.g. one size and mode 1 alone, and perf record -g -p PID meanwhile.
# PostgreSQL: TEST_DATABASE_URL if set (a server on this machine: its backend's CPU is read from /proc), else
# embedded (as the tests).
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=${1:-8,16,32,64}
events=${2:-2048}
rounds=${3:-5}
modes=${4:-1,2,3,4,5}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; commit $(git rev-parse --short HEAD); command: $0 $sizes $events $rounds $modes"
mvn -q -B -Dstyle.color=never test-compile exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.webhookinbox.bench.GroupCommitCostBenchmark -Dexec.args="$sizes $events $rounds $modes" \
  | sed "s/\x1b\[[0-9;]*m//g"
