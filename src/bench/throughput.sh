#!/usr/bin/env bash
# Ingestion throughput against fixed yardsticks, one command. Starts PostgreSQL (the local server named by PG_HOST,
# else embedded) and the packaged service on loopback as the README starts it, warms up, then for each concurrency
# runs a closed loop of unique events (wrk) and, right after on the same database, pgbench runs of one transaction
# per event: the fixed reference (a minimal schema, throughput/reference-*.sql: the yardstick) and, for Cisive, the
# service's own transaction on its own schema (throughput/cisive-event-tx.sql); then, for Cisive, an open-model run
# at a fixed rate (Gatling). Prints on stdout the machine, the command, the versions and one table row per concurrency;
# progress goes to stderr.
# Bounded: every step has a fixed duration and every wait a limit; loopback only.
#
# Usage: src/bench/throughput.sh
#   Environment (all optional): SECONDS_PER_STEP (15), WARMUP_SECONDS (30: the JIT needs it), CONCURRENCIES ("8 32 128"),
#   OPEN_RATE (1000 events/s) and OPEN_SECONDS (20; 0 skips the open model), OPEN_WARMUP_SECONDS (20: the load
#   generator's warm-up before the measured ramp, not in the figures; 0 skips it), JAVA_OPTS (service JVM flags; none
#   by default, as the README starts it),
#   SOURCE (cisive: JWT-authenticated order events, the default; stripe: signed payment events),
#   MIX (updates: 70 % of the events update one of 100,000 existing orders or payments, the default; new: every
#   event a new one),
#   PG_HOST (127.0.0.1 or localhost) with PG_PORT, PG_USER, PG_PASSWORD, PG_DATABASE: use that server, in a new
#   database made for the run from PG_DATABASE and dropped at the end (the role needs CREATEDB), so every run starts
#   from the same state as the reference's fresh schema; FRESH_DATABASE=0 runs in PG_DATABASE as it is instead (what
#   its inbox holds is printed: a big one is slower),
#   TRACING (off: the default; all: every request traced and exported; tenth: parent-based 10 % sampling), exported
#   over OTLP/HTTP to a stand-in collector on loopback (throughput/OtlpSink.java),
#   PG_STATEMENTS (0: the default; 1: the statements PostgreSQL spent the most time on in each closed loop and in the
#   retries, from pg_stat_statements, which must be in shared_preload_libraries; printed on stderr),
#   RETRIES (0: the default; N: at the end, N of the stored events become due for a retry at once, as when an outage
#   has healed, and the line says how fast the schedulers work through them).
# Needs wrk, pgbench and psql (Debian: apt-get install -y wrk postgresql-15; ss from iproute2 with PG_HOST).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
bench=$repo/src/bench/throughput
command_line="$0 (SECONDS_PER_STEP=${SECONDS_PER_STEP:-15} WARMUP_SECONDS=${WARMUP_SECONDS:-30}\
 CONCURRENCIES=\"${CONCURRENCIES:-8 32 128}\" OPEN_RATE=${OPEN_RATE:-1000} OPEN_SECONDS=${OPEN_SECONDS:-20}\
 OPEN_WARMUP_SECONDS=${OPEN_WARMUP_SECONDS:-20} RETRIES=${RETRIES:-0} PG_STATEMENTS=${PG_STATEMENTS:-0}\
 JAVA_OPTS=\"${JAVA_OPTS:-}\" SOURCE=${SOURCE:-cisive} MIX=${MIX:-updates} PG_HOST=${PG_HOST:-}\
 FRESH_DATABASE=${FRESH_DATABASE:-1} TRACING=${TRACING:-off})"
step_seconds=${SECONDS_PER_STEP:-15}
warmup_seconds=${WARMUP_SECONDS:-30}
concurrencies=${CONCURRENCIES:-8 32 128}
open_rate=${OPEN_RATE:-1000}
open_seconds=${OPEN_SECONDS:-20}
open_warmup_seconds=${OPEN_WARMUP_SECONDS:-20}
retries=${RETRIES:-0}
pg_statements=${PG_STATEMENTS:-0}

log() { echo "[throughput] $*" >&2; }
fail() { log "$*"; exit 1; }
# One statement, bounded in time, in the database the PG* variables name (exported once the server is known).
sql() { PGOPTIONS='-c statement_timeout=60000' psql -X -A -t -v ON_ERROR_STOP=1 -c "$1"; }
# The same in PG_DATABASE itself, the database a run's own one is made from and dropped in.
admin_sql() {
  PGHOST=$PG_HOST PGPORT=${PG_PORT:-5432} PGUSER=${PG_USER:-webhook_inbox} PGPASSWORD=${PG_PASSWORD:-} \
    PGDATABASE=$admin_database PGCONNECT_TIMEOUT=5 sql "$1"
}
admin_database=${PG_DATABASE:-webhook_inbox}

for tool in wrk pgbench psql java mvn ${PG_HOST:+ss}; do
  command -v "$tool" > /dev/null || fail "$tool is missing: apt-get install -y wrk postgresql-15 iproute2 (see src/site/markdown/development/benchmarks.md)"
done
[[ $step_seconds =~ ^[0-9]+$ && $step_seconds -ge 1 && $step_seconds -le 120 ]] || fail "SECONDS_PER_STEP must be 1..120"
[[ $warmup_seconds =~ ^[0-9]+$ && $warmup_seconds -le 60 ]] || fail "WARMUP_SECONDS must be 0..60"
[[ $open_seconds =~ ^[0-9]+$ && $open_seconds -le 120 ]] || fail "OPEN_SECONDS must be 0..120"
[[ $open_warmup_seconds =~ ^[0-9]+$ && $open_warmup_seconds -le 120 ]] || fail "OPEN_WARMUP_SECONDS must be 0..120"
[[ $open_rate =~ ^[0-9]+$ && $open_rate -ge 1 && $open_rate -le 20000 ]] || fail "OPEN_RATE must be 1..20000"
[[ $retries =~ ^[0-9]+$ && $retries -le 200000 ]] || fail "RETRIES must be 0..200000"
[[ $pg_statements =~ ^[01]$ ]] || fail "PG_STATEMENTS must be 0 or 1"
fresh_database=${FRESH_DATABASE:-1}
[[ $fresh_database =~ ^[01]$ ]] || fail "FRESH_DATABASE must be 0 or 1"
tracing=${TRACING:-off}
source=${SOURCE:-cisive}
[[ $source =~ ^(cisive|stripe)$ ]] || fail "SOURCE must be cisive or stripe"
case ${MIX:-updates} in
  updates) updates=70 ;;
  new) updates=0 ;;
  *) fail "MIX must be updates or new" ;;
esac
[[ $tracing =~ ^(off|all|tenth)$ ]] || fail "TRACING must be off, all or tenth"
for c in $concurrencies; do
  [[ $c =~ ^[0-9]+$ && $c -ge 1 && $c -le 256 ]] || fail "each concurrency must be 1..256, not $c"
done
if [[ -n ${PG_HOST:-} && ! ${PG_HOST} =~ ^(127\.0\.0\.1|localhost)$ ]]; then
  fail "PG_HOST must be a server on this machine (127.0.0.1 or localhost): its CPU is read from /proc"
fi

work=$(mktemp -d)
service=""
sink=""
postmaster=""
load_pid=""
made_database=""
cleanup() {
  trap - EXIT INT TERM
  if [[ -n $load_pid ]] && kill -0 "$load_pid" 2> /dev/null; then kill -TERM -- "-$load_pid" 2> /dev/null || true; fi
  if [[ -n $service ]] && kill -0 "$service" 2> /dev/null; then
    log "stopping the service (pid $service)"
    kill -TERM "$service" 2> /dev/null || true
    for _ in $(seq 1 60); do kill -0 "$service" 2> /dev/null || break; sleep 0.5; done
    kill -KILL "$service" 2> /dev/null || true
  fi
  if [[ -n $made_database ]]; then
    log "dropping the run's database $made_database"
    admin_sql "DROP DATABASE IF EXISTS $made_database WITH (FORCE)" > /dev/null || log "could not drop $made_database"
  fi
  # Embedded PostgreSQL normally stops with the service; make sure it did (fast shutdown), then drop its data.
  if [[ -z ${PG_HOST:-} && -n $postmaster ]] && kill -0 "$postmaster" 2> /dev/null; then
    kill -INT "$postmaster" 2> /dev/null || true
    for _ in $(seq 1 20); do kill -0 "$postmaster" 2> /dev/null || break; sleep 0.5; done
  fi
  if [[ -n $sink ]] && kill -0 "$sink" 2> /dev/null; then
    kill -TERM "$sink" 2> /dev/null || true
    wait "$sink" 2> /dev/null || true
    log "$(cat "$work/sink.out")"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A load tool in its own process group, so an interrupt stops it and its children, and nothing else.
run_load() {
  setsid "$@" &
  load_pid=$!
  local status=0
  wait "$load_pid" || status=$?
  load_pid=""
  return $status
}

cpu_model=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem_gib=$(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores ($cpu_model), $mem_gib GiB, $(uname -sr)"
echo "command: $command_line"

if [[ -n ${PG_HOST:-} && $fresh_database == 1 ]]; then
  [[ $(admin_sql "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user") == t ]] \
    || fail "${PG_USER:-webhook_inbox} cannot create databases: ALTER ROLE ${PG_USER:-webhook_inbox} CREATEDB, or FRESH_DATABASE=0 to run in ${PG_DATABASE:-webhook_inbox} as it is"
fi
log "building the jar"
mvn -q -B -DskipTests package >&2
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml conf 2> /dev/null || echo "+changes")

# The shipped configuration with the per-caller rate limits off: a closed loop from one caller is the point.
# limits.maxInFlight stays 128: a closed loop of at most 128 connections never exceeds it, and the open model's
# target (no refusals) is about the shipped limit.
sed -E '/^    (ingest|stripe):$/,/perSecond:/ s/^(      perSecond: )[0-9]+/\10/' conf/config.yaml > "$work/config.yaml"
for limit in ingest stripe; do
  grep -A3 "^    $limit:\$" "$work/config.yaml" | grep -q '^      perSecond: 0$' \
    || fail "could not switch off limits.rate.$limit in the config copy"
done

port=""
for candidate in $(seq 18380 18399); do
  if ! (echo > "/dev/tcp/127.0.0.1/$candidate") 2> /dev/null; then port=$candidate; break; fi
done
[[ -n $port ]] || fail "no free port in 18380-18399"
secret=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
stripe_secret=whsec_$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
export CONFIG_FILE=$work/config.yaml HTTP_HOST=127.0.0.1 HTTP_PORT=$port JWT_HMAC_SECRET=$secret \
  EMBEDDED_PG_DATA_DIR=$work/pg STRIPE_WEBHOOK_SECRETS=$stripe_secret
if [[ $tracing != off ]]; then
  sink_port=$((port + 100))
  java "$bench/OtlpSink.java" "$sink_port" 3600 > "$work/sink.out" 2>&1 &
  sink=$!
  for _ in $(seq 1 60); do (echo > "/dev/tcp/127.0.0.1/$sink_port") 2> /dev/null && break; sleep 0.5; done
  export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$sink_port
  if [[ $tracing == tenth ]]; then export OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1; fi
  log "tracing on ($tracing), exported to a stand-in collector on 127.0.0.1:$sink_port"
fi
database_where="embedded PostgreSQL"
if [[ -n ${PG_HOST:-} ]]; then
  database_where="PostgreSQL at $PG_HOST:${PG_PORT:-5432}"
  if [[ $fresh_database == 1 ]]; then
    # A database of its own for the run: the service's inbox and orders start as the reference's schema does (100,000
    # orders, no events), however many runs came before. Made from PG_DATABASE, dropped in cleanup.
    made_database=throughput_$(date +%s)_$$
    admin_sql "CREATE DATABASE $made_database" > /dev/null || { made_database=""; fail "could not create a database for the run"; }
    export PG_DATABASE=$made_database
    database_where="$database_where, a new database $made_database (dropped at the end)"
  fi
fi
log "starting the service on 127.0.0.1:$port with $database_where"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
(cd "$work" && exec java ${JAVA_OPTS:-} -jar "$repo/target/webhook-inbox.jar" > "$work/service.log" 2>&1) &
service=$!
for _ in $(seq 1 240); do
  grep -q 'Webhook Inbox listening' "$work/service.log" && break
  kill -0 "$service" 2> /dev/null || break
  sleep 0.5
done
grep -q 'Webhook Inbox listening' "$work/service.log" || { tail -20 "$work/service.log" >&2; fail "service did not start"; }

if [[ -n ${PG_HOST:-} ]]; then
  db_port=${PG_PORT:-5432} db_user=${PG_USER:-webhook_inbox} db_name=${PG_DATABASE:-webhook_inbox}
  # A backend forked a moment ago may still hold the listening socket too: the server is the holder whose parent is
  # not a postgres process.
  for holder in $(ss -ltnpH "sport = :$db_port" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un); do
    parent=$(sed 's/.*) //' "/proc/$holder/stat" 2> /dev/null | awk '{print $2}')
    [[ -n $parent && $(cat "/proc/$parent/comm" 2> /dev/null) != postgres ]] && { postmaster=$holder; break; }
  done
  [[ -n ${PG_PASSWORD:-} ]] && export PGPASSWORD=$PG_PASSWORD
else
  db_port=$(grep -o 'embedded PostgreSQL on 127.0.0.1:[0-9]*' "$work/service.log" | grep -o '[0-9]*$')
  db_user=postgres db_name=webhook_inbox
  postmaster=$(head -1 "$work/pg/postmaster.pid")
fi
[[ -n $postmaster && -r /proc/$postmaster/stat ]] || fail "cannot find the PostgreSQL server process on port $db_port"
export PGHOST=127.0.0.1 PGPORT=$db_port PGUSER=$db_user PGDATABASE=$db_name PGCONNECT_TIMEOUT=5
if [[ $pg_statements == 1 ]]; then
  [[ $(sql 'SHOW shared_preload_libraries') == *pg_stat_statements* ]] \
    || fail "PG_STATEMENTS=1 needs pg_stat_statements: ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'; restart"
  sql 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' > /dev/null
fi
statements_reset() { [[ $pg_statements == 0 ]] || sql 'SELECT pg_stat_statements_reset()' > /dev/null; }
# The statements of the step just measured ($1, its $2 events), most time first: time per event, per call, rows, WAL
# (bytes, and full-page images: the first change of a page after a checkpoint writes the whole page).
statements_report() {
  [[ $pg_statements == 1 ]] || return 0
  log "PostgreSQL's statements in $1 (track = $(sql 'SHOW pg_stat_statements.track'); nested ones count in their caller too):"
  psql -X -q -P pager=off -v ON_ERROR_STOP=1 -c "SELECT round((total_exec_time / $2)::numeric, 4) AS exec_ms_per_event,
      round((total_plan_time / $2)::numeric, 4) AS plan_ms_per_event, calls, round(mean_exec_time::numeric, 3) AS ms_per_call,
      rows, round(wal_bytes / $2) AS wal_bytes_per_event, round(wal_fpi::numeric / $2, 2) AS full_pages_per_event, toplevel,
      left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS statement
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
    ORDER BY total_exec_time + total_plan_time DESC LIMIT 14" >&2
}
max_clients=$(printf '%s\n' $concurrencies | sort -n | tail -1)
pool_size=$(awk '/poolSize:/ {print $2; exit}' "$work/config.yaml")
needed=$((max_clients + ${PG_POOL_SIZE:-$pool_size} + 10))
[[ $(sql 'SHOW max_connections') -ge $needed ]] || fail "PostgreSQL allows $(sql 'SHOW max_connections') connections;" \
  "pgbench at $max_clients clients beside the service needs $needed (ALTER SYSTEM SET max_connections = 300; restart)"

echo "versions: webhook-inbox ${version:-?} (git $commit), PostgreSQL $(sql 'SHOW server_version') (fsync $(sql 'SHOW fsync'), synchronous_commit $(sql 'SHOW synchronous_commit')), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(pgbench --version)"
# What the service's database held before the run: with 10 million events in it, PostgreSQL spent about a third more
# CPU per event, so figures from databases of different sizes do not compare.
inbox_before=$(sql "SELECT pg_size_pretty(pg_database_size(current_database())) || ', '
  || coalesce((SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE relname = 'webhook_event_keys'), 0) || ' events (estimate)'")
echo "database: $database_where; before the run $inbox_before"

token=$(java -jar target/webhook-inbox.jar token --sub throughput-bench --scope webhooks:ingest 2> /dev/null | tail -1)
[[ $token =~ ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$ ]] || fail "the token command printed no JWT"

clk_tck=$(getconf CLK_TCK)
# utime + stime of a process (all its threads), in clock ticks.
process_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
# The PostgreSQL server: the postmaster, its live children, and children it has reaped (cutime + cstime), so the
# CPU of backends that ended during a step (pgbench's) is counted too. With PG_HOST, other databases' work counts.
postgres_ticks() {
  local total child
  total=$(sed 's/.*) //' "/proc/$postmaster/stat" | awk '{print $12 + $13 + $14 + $15}')
  for child in $(ps -o pid= --ppid "$postmaster"); do
    total=$((total + $(process_ticks "$child" 2> /dev/null || echo 0)))
  done
  echo "$total"
}
# The CPU of the service's JIT compiler threads (C1/C2 CompilerThread), in clock ticks: compiling is a warm-up cost,
# not a cost per event, and the table shows how much of the service's figure it was. A compiler thread the JVM ends
# during a step takes its ticks with it, so this may read low, never high.
jit_ticks() {
  local total=0 task
  for task in /proc/"$1"/task/*; do
    [[ $(cat "$task/comm" 2> /dev/null) == C[12]\ CompilerThre* ]] || continue
    total=$((total + $(process_ticks "$1/task/${task##*/}" 2> /dev/null || echo 0)))
  done
  echo "$total"
}
server_children() { ps -o pid= --ppid "$postmaster" | wc -l; }
# The whole machine's CPU from one read of /proc/stat, in clock ticks: "busy" (user, nice, system, irq, softirq:
# every process, the load generators included), "steal" (time the hypervisor gave another guest while this one
# wanted to run) and all of it (idle and iowait too), on one line.
machine_ticks() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8, $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat; }
# Waits (at most 10 s) until the server has no more children than $1: the backends of a finished pgbench have then
# exited and been reaped, so their CPU is in the postmaster's cutime rather than nowhere.
await_children() {
  for _ in $(seq 1 100); do
    [[ $(server_children) -le $1 ]] && return
    sleep 0.1
  done
  log "pgbench's backends did not all exit within 10 s: the PostgreSQL CPU per pgbench tx is low"
}
ms_per() { awk -v ticks="$1" -v n="$2" -v hz="$clk_tck" 'BEGIN { if (n > 0) printf "%.2f", ticks * 1000 / hz / n; else print "-" }'; }
# Events of the source received since $rows_since (set before a load step): a count over the whole inbox reads all of
# it, 1.6 s a count on a 20 GB one (FRESH_DATABASE=0).
rows_since=""
source_rows() { sql "SELECT count(*) FROM webhook_events WHERE source = '$source' AND received_at >= '$rows_since'"; }
# The event count once requests cut off by the end of a load step are done: unchanged for 2 s (at most 30 s).
settled_rows() {
  local previous current unchanged=0
  previous=$(source_rows)
  for _ in $(seq 1 30); do
    sleep 1
    current=$(source_rows)
    if [[ $current == "$previous" ]]; then unchanged=$((unchanged + 1)); else unchanged=0; fi
    [[ $unchanged -ge 2 ]] && break
    previous=$current
  done
  echo "$current"
}
run_id=$(date +%s)
# pgbench stores the documents the wrk script sends (same sizes, same jsonb parsing), with fixed ids.
candidate='{"firstName":"Evangelina","lastName":"Quarterfield","email":"evangelina.quarterfield@example.org",'\
'"dateOfBirth":"1987-04-23","phone":"+44 20 7946 0958"}'
order='{"externalOrderId":"ORD-PGB-0","status":"Created","packageCode":"PKG-STANDARD","clientReference":"CLIENT-REF-7",'\
'"orderedAt":"2026-11-01T09:00:00Z","candidate":'$candidate',"services":[{"code":"CRIM","status":"Pending"},'\
'{"code":"EDU","status":"Complete","completedAt":"2026-11-02T12:00:00+01:00"}]}'
payload='{"eventId":"evt-pgb-0","eventType":"OrderCreated","occurredAt":"2026-11-20T10:00:00Z","schemaVersion":"1.0",'\
'"order":'$order'}'

stripe_object='{"id":"pi_ref","object":"payment_intent","amount":12500,"currency":"gbp","status":"succeeded",'\
'"receipt_email":"evangelina.quarterfield@example.org","metadata":{"orderRef":"ORD-77"}}'
stripe_payload='{"id":"evt_ref","object":"event","api_version":"2024-06-20","created":1764700000,"livemode":false,'\
'"pending_webhooks":1,"type":"payment_intent.succeeded","data":{"object":'$stripe_object'}}'

log "seeding 100,000 existing orders or payments in the service's schema and the fixed reference's"
psql -X -q -v ON_ERROR_STOP=1 -f "$bench/reference-schema.sql" > /dev/null
if [[ $source == stripe ]]; then
  psql -X -q -v ON_ERROR_STOP=1 -f "$bench/service-payments.sql" > /dev/null
  psql -X -q -v ON_ERROR_STOP=1 -f "$bench/reference-payments.sql" > /dev/null
else
  psql -X -q -v ON_ERROR_STOP=1 -f "$bench/service-orders.sql" > /dev/null
fi

# wrk at concurrency $1 for $2 seconds with event ids prefixed $3; leaves its "bench" lines in $work/wrk.out.
# Stripe deliveries are signed ahead (wrk's Lua has no HMAC): 6,000 a second per thread, more than 2 cores serve.
closed_loop() {
  local threads=$(( $1 < $(nproc) ? $1 : $(nproc) ))
  if [[ $source == stripe ]]; then
    java "$bench/StripeEvents.java" "$stripe_secret" "$3" "$updates" $((6000 * $2)) "$threads" "$work/deliveries" \
      || fail "could not sign the Stripe deliveries"
    run_load wrk -t "$threads" -c "$1" -d "$2s" --timeout 15s -s "$bench/stripe-events.lua" \
      "http://127.0.0.1:$port" -- "$work/deliveries" > "$work/wrk.out"
    rm -f "$work"/deliveries.*
  else
    run_load wrk -t "$threads" -c "$1" -d "$2s" --timeout 15s -s "$bench/cisive-events.lua" \
      "http://127.0.0.1:$port" -- "$3" "$token" "$updates" > "$work/wrk.out"
  fi
  sed -n '/^bench /!p' "$work/wrk.out" >&2
}
wrk_value() { awk -v key="$1" '$1 == "bench" && $2 == key {print $3}' "$work/wrk.out"; }

if [[ $warmup_seconds -gt 0 ]]; then
  log "warm-up: $warmup_seconds s at 32 connections"
  rows_since=$(sql 'SELECT now()')
  closed_loop 32 "$warmup_seconds" "w$run_id"
  settled_rows > /dev/null
fi

# pgbench script $1 at $2 clients for the step's length, its -D variables; the transactions per second on stdout,
# the CPU PostgreSQL spent per transaction in $work/pgbench.cpu, the whole machine's (pgbench's included: how fast
# the machine is at that moment) in $work/pgbench.machine.
pgbench_step() {
  local children before after count machine_before machine_after
  children=$(server_children) before=$(postgres_ticks)
  read -r machine_before _ _ < <(machine_ticks)
  run_load pgbench -n -M prepared -c "$2" -j "$(nproc)" -T "$step_seconds" -f "$bench/$1" \
    -D k=0 -D run="$3" -D updates="$updates" -D occurred=2026-11-20T10:00:00Z -D ordered=2026-11-01T09:00:00Z \
    -D sha256="$(printf '%064d' 0)" -D payload="$payload" -D candidate="$candidate" -D document="$order" \
    -D stripe_payload="$stripe_payload" -D stripe_object="$stripe_object" \
    > "$work/pgbench.out"
  read -r machine_after _ _ < <(machine_ticks)
  await_children "$children"
  after=$(postgres_ticks)
  cat "$work/pgbench.out" >&2
  count=$(awk '/number of transactions actually processed/ {split($NF, a, "/"); print a[1]}' "$work/pgbench.out")
  ms_per $((after - before)) "$count" > "$work/pgbench.cpu"
  ms_per $((machine_after - machine_before)) "$count" > "$work/pgbench.machine"
  awk '/^tps = / {printf "%.0f", $3}' "$work/pgbench.out"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo
if [[ $source == stripe ]]; then
  echo "Stripe payment events, mix: ${MIX:-updates} ($updates % payment_intent.succeeded of 100,000 existing payments, the rest payment_intent.payment_failed of a new one); reference: one transaction per event on the minimal schema (throughput/reference-payment*.sql); own: not measured for payments."
else
  echo "Cisive order events, mix: ${MIX:-updates} ($updates % updates of 100,000 existing orders); reference: one transaction per event on the minimal schema (throughput/reference-*.sql); own: the service's transaction on its own schema (throughput/cisive-event-tx.sql)."
fi
echo
echo "| Concurrency | Events/s | p50 ms | p99 ms | Non-2xx | Reference tx/s | ÷ reference | Own tx/s | ÷ own | Service CPU ms/event | of it JIT ms/event | PostgreSQL CPU ms/event | PostgreSQL CPU ms/reference tx | Machine CPU ms/reference tx | CPU steal % | Peak RSS MiB | Rows vs 2xx |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for c in $concurrencies; do
  log "closed loop: $step_seconds s at $c connections"
  rows_since=$(sql 'SELECT now()')
  rows_before=$(source_rows)
  statements_reset
  service_before=$(process_ticks "$service") jit_before=$(jit_ticks "$service") pg_before=$(postgres_ticks)
  read -r _ steal_before all_before < <(machine_ticks)
  closed_loop "$c" "$step_seconds" "c$c-$run_id"
  service_after=$(process_ticks "$service") jit_after=$(jit_ticks "$service") pg_after=$(postgres_ticks)
  read -r _ steal_after all_after < <(machine_ticks)
  steal_pct=$(awk -v s=$((steal_after - steal_before)) -v t=$((all_after - all_before)) \
    'BEGIN { if (t > 0) printf "%.0f", 100 * s / t; else print "-" }')
  rows_after=$(settled_rows)
  ok=$(wrk_value ok)
  statements_report "the closed loop at $c connections" "$ok"
  events_per_s=$(awk -v n="$ok" -v s="$(wrk_value seconds)" 'BEGIN {printf "%.0f", n / s}')
  # A request still in flight when wrk stopped may commit without wrk seeing its 2xx: at most one per connection,
  # plus any wrk gave up on (socket errors, timeouts). Fewer rows than 2xx would be a lost event.
  extra=$((rows_after - rows_before - ok)) allowed=$((c + $(wrk_value socket_errors)))
  if ((extra >= 0 && extra <= allowed)); then rows_check="OK (+$extra, ≤ $allowed)"; else rows_check="MISMATCH ($extra, allowed 0..$allowed)"; fi
  [[ $(wrk_value other) == 0 ]] || log "non-2xx statuses at $c connections: $(wrk_value other_statuses)"

  log "pgbench, the fixed reference: $step_seconds s at $c clients"
  if [[ $source == stripe ]]; then
    reference_tps=$(pgbench_step reference-payment-tx.sql "$c" "r$c-$run_id") reference_cpu=$(cat "$work/pgbench.cpu")
    reference_machine=$(cat "$work/pgbench.machine")
    own_tps="-"
  else
    reference_tps=$(pgbench_step reference-tx.sql "$c" "r$c-$run_id") reference_cpu=$(cat "$work/pgbench.cpu")
    reference_machine=$(cat "$work/pgbench.machine")
    log "pgbench, the service's own transaction: $step_seconds s at $c clients"
    own_tps=$(pgbench_step cisive-event-tx.sql "$c" "o$c-$run_id")
  fi

  rss_mib=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$service/status")
  echo "| $c | $events_per_s | $(wrk_value p50_ms) | $(wrk_value p99_ms) | $(wrk_value other) | $reference_tps" \
    "| $(ratio "$events_per_s" "$reference_tps") | $own_tps | $(ratio "$events_per_s" "$own_tps")" \
    "| $(ms_per $((service_after - service_before)) "$ok") | $(ms_per $((jit_after - jit_before)) "$ok")" \
    "| $(ms_per $((pg_after - pg_before)) "$ok")" \
    "| $reference_cpu | $reference_machine | $steal_pct | $rss_mib | $rows_check |"
done

# The service's group commits of Cisive deliveries so far, and the deliveries they stored, from its metrics
# (management listener, port as in the config copy); "0 0" when they cannot be read.
management_port=$(awk '/^management:/ {m = 1} m && /^  port:/ {print $2; exit}' "$work/config.yaml")
group_commits() {
  { curl -s --max-time 5 "http://127.0.0.1:$management_port/metrics" 2> /dev/null || true; } | awk '
    /^webhook_group_commit_events_count\{.*source="cisive"/ {count = $2}
    /^webhook_group_commit_events_sum\{.*source="cisive"/ {sum = $2}
    END {print count + 0, sum + 0}'
}
# Requests the service took past limits.maxInFlight while it answered quickly (a stall waited out), so far.
burst_requests() {
  { curl -s --max-time 5 "http://127.0.0.1:$management_port/metrics" 2> /dev/null || true; } \
    | awk '/^webhook_in_flight_burst_requests_total / {n = $2} END {printf "%d", n}'
}

# Gatling's IngestSimulation: the load generator's warm-up ($open_warmup_seconds s, a ramp to the rate, silent: not in
# Gatling's report), then the measured part, a 10 s ramp and $open_rate events/s for $open_seconds s; prints its lines.
open_model() {
  log "open model: Gatling IngestSimulation, $open_warmup_seconds s of warm-up, then a 10 s ramp and $open_rate events/s for $open_seconds s"
  setsid mvn -B -Pload test-compile gatling:test -Dgatling.simulationClass=io.webhookinbox.load.IngestSimulation \
    -Dinbox.url="http://127.0.0.1:$port" -Dinbox.jwtSecret="$secret" -Dinbox.rate="$open_rate" \
    -Dinbox.seconds="$open_seconds" -Dinbox.warmUpSeconds="$open_warmup_seconds" > "$work/gatling.out" 2>&1 &
  load_pid=$!
  # The measured part starts when the warm-up ends: the CPU, the group commits and the service's log count from then.
  for _ in $(seq 1 900); do
    grep -q '^Simulation .* started' "$work/gatling.out" && break
    kill -0 "$load_pid" 2> /dev/null || break
    sleep 0.2
  done
  sleep "$open_warmup_seconds"
  local log_lines service_before pg_before commits_before burst_before
  log_lines=$(wc -l < "$work/service.log")
  service_before=$(process_ticks "$service") pg_before=$(postgres_ticks) commits_before=$(group_commits)
  burst_before=$(burst_requests)
  wait "$load_pid" || true
  load_pid=""
  local service_cpu pg_cpu per_commit
  service_cpu=$(($(process_ticks "$service") - service_before)) pg_cpu=$(($(postgres_ticks) - pg_before))
  per_commit=$(awk -v before="$commits_before" -v after="$(group_commits)" 'BEGIN {split(before, b); split(after, a);
    if (a[1] > b[1]) printf "%.1f", (a[2] - b[2]) / (a[1] - b[1]); else print "?"}')
  local warm_up
  warm_up=$(grep -o '^load generator warm-up (not in the report): .*' "$work/gatling.out" | sed 's/ (not in the report)//' || true)
  sed -n '/Global Information/,$p' "$work/gatling.out" | uniq > "$work/gatling.summary"
  [[ -s $work/gatling.summary ]] || { tail -30 "$work/gatling.out" >&2; fail "the Gatling run printed no summary"; }
  cat "$work/gatling.summary" >&2
  # Gatling's summary rows: "> name | total | OK | KO", numbers with thousands separators.
  gatling_value() { awk -F'|' -v name="$1" -v col="$2" 'index($1, name) {v = $col; gsub(/[ ,]/, "", v); print (v == "-" ? 0 : v); exit}' "$work/gatling.summary"; }
  ko_statuses=$(awk '{for (i = 1; i < NF - 1; i++) if ($i == "found") {printf "%s%s × %s", sep, $(i + 2), $(i + 1); sep = ", "}}' "$work/gatling.summary")
  # Which limit refused them: the error codes on the service's access-log lines of the run (5121: at capacity).
  local refusal_codes
  refusal_codes=$(tail -n "+$((log_lines + 1))" "$work/service.log" | { grep '"status":5' || true; } \
    | { grep -o '"errorCode":[0-9]*' || true; } | sort | uniq -c \
    | awk '{sub(/"errorCode":/, "", $2); printf "%s%s × code %s", sep, $1, $2; sep = ", "}')
  echo "open model (Gatling IngestSimulation, after $open_warmup_seconds s of load generator warm-up: 10 s ramp then" \
    "$open_rate events/s for $open_seconds s, 1 in 10 a re-send):" \
    "p50 $(gatling_value '50th percentile' 2) ms, p99 $(gatling_value '99th percentile' 2) ms (2xx only: p99" \
    "$(gatling_value '99th percentile' 3) ms); $(gatling_value 'request count' 2) requests," \
    "$(gatling_value 'request count' 4) refused or failed${ko_statuses:+ ($ko_statuses${refusal_codes:+: $refusal_codes})}"
  # The requests sent at the full rate, after the ramp (IngestSimulation names them apart): Gatling's last
  # "Requests" block counts them, its assertion on them prints their p99.
  local at_rate p99_at_rate requests
  at_rate=$(awk -F'|' '$1 ~ /^> POST \/api\/webhooks\/cisive\/orders +$/ {gsub(/[ ,]/, "", $2); gsub(/[ ,]/, "", $4); line = $2 " " $4} END {print line}' "$work/gatling.out")
  p99_at_rate=$(grep -o '^POST /api/webhooks/cisive/orders: 99th percentile .*(actual : [0-9.]*' "$work/gatling.out" \
    | tail -1 | grep -o '[0-9.]*$' | awk '{printf "%.0f", $1}')
  requests=$(gatling_value 'request count' 2)
  at_rate=${at_rate:-? ?}
  echo "  at the full rate only (after the ramp): p99 ${p99_at_rate:-?} ms; ${at_rate% *} requests, ${at_rate#* } refused or failed;" \
    "CPU per request over the ramp and the full rate: service $(ms_per "$service_cpu" "$requests") ms, PostgreSQL $(ms_per "$pg_cpu" "$requests") ms;" \
    "$per_commit deliveries per group commit; $(($(burst_requests) - burst_before)) taken past the steady in-flight limit" \
    "(a stall waited out)${warm_up:+; before them, the $warm_up}"
}

if [[ $open_seconds -gt 0 && $source == stripe ]]; then
  log "the open model (Gatling IngestSimulation) sends Cisive events only: skipped with SOURCE=stripe"
elif [[ $open_seconds -gt 0 ]]; then
  echo
  # The open model measures the service at a steady rate, not the disk absorbing what the closed loops and pgbench
  # (up to 128 clients) just wrote: vacuum what they left (as pgbench does before a run), flush it (a checkpoint needs
  # superuser or pg_checkpoint; without it the server's own checkpoint may land in the run) and the OS's dirty pages.
  log "open model: vacuum, checkpoint and sync first, so the earlier steps' writes do not land in it"
  sql 'VACUUM (ANALYZE)' > /dev/null 2>&1 || log "VACUUM failed (not the owner of every table?): autovacuum may run during the open model"
  sql 'CHECKPOINT' > /dev/null 2>&1 || log "CHECKPOINT refused (needs superuser or pg_checkpoint): a checkpoint may run during the open model"
  sync
  # Gatling starts a cold JVM beside the service on the same cores: at 2,000/s its JIT took up to 1.2 cores in the
  # first 12 s, when most refusals came. Its warm-up also sends the updates of existing orders, stale events and
  # re-sends that the closed loops do not, so the service's JIT has compiled them too.
  open_model
fi
if [[ $retries -gt 0 ]]; then
  # Stored events made due for a retry at once, as a healed outage leaves them; the schedulers claim them in polls
  # and attempt them (their orders are newer by now, so most attempts end stale: the retry's own cost is measured).
  log "retries: $retries stored events due at once"
  made_due=$(sql "WITH picked AS (SELECT id, received_at FROM webhook_events WHERE source = '$source'
      AND status IN ('processed', 'stale') LIMIT $retries)
    UPDATE webhook_events e SET status = 'failed', next_attempt_at = now(), attempts = 1, lease_token = NULL,
      lease_until = NULL FROM picked WHERE e.id = picked.id AND e.received_at = picked.received_at" | awk '{print $NF}')
  statements_reset
  service_before=$(process_ticks "$service") pg_before=$(postgres_ticks) started=$(date +%s%N)
  sql "SELECT pg_notify('webhook_inbox_retry', '')" > /dev/null
  # Counted from the two partial indexes the schedulers read: a count over every partition cost PostgreSQL about
  # 0.14 s a poll, a fifth of the CPU measured per retry.
  unfinished="SELECT (SELECT count(*) FROM webhook_events WHERE status = 'failed')
    + (SELECT count(*) FROM webhook_events WHERE status = 'processing')"
  for _ in $(seq 1 1200); do
    [[ $(sql "$unfinished") == 0 ]] && break
    sleep 0.5
  done
  drained_ms=$((($(date +%s%N) - started) / 1000000))
  left=$(sql "$unfinished")
  service_after=$(process_ticks "$service") pg_after=$(postgres_ticks)
  statements_report "the retries" "$made_due"
  echo
  echo "retries ($made_due stored events due at once): ${left/#0/all} $([[ $left == 0 ]] && echo attempted || echo left after 600 s)" \
    "in $drained_ms ms, $(awk -v n="$made_due" -v ms="$drained_ms" 'BEGIN {printf "%.0f", n * 1000 / ms}') retries/s;" \
    "service CPU $(ms_per $((service_after - service_before)) "$made_due") ms/retry," \
    "PostgreSQL CPU $(ms_per $((pg_after - pg_before)) "$made_due") ms/retry"
fi
rss_mib=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$service/status")
echo "service peak RSS over the whole run: $rss_mib MiB"
