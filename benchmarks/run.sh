#!/usr/bin/env bash
# benchmarks/run.sh [--smoke] [--no-cluster] [--no-servers]
#
# One command for the benchmark run: builds the JMH module (Maven profile 'benchmarks'),
# starts redis-server and PostgreSQL on loopback (temporary data directories, stopped by PID
# at the end), runs the JMH benchmarks on this host (local DLM engine, DefaultLockRegistry,
# RedisLockRegistry, JdbcLockRegistry, Hazelcast), then - unless --no-cluster - boots a
# two-node kernel-DLM cluster (cluster/up.sh) and runs, inside it, the C loop on libdlm; on
# node 1 redis-server and PostgreSQL (the image's Debian packages, node loopback) and the
# JMH benchmarks of the native backend beside the same peers as on the host, so VM rows have
# same-node anchors; then the cross-node handoff, Java and C, on nodes 1 and 2. Writes
# benchmarks/results/RESULTS.md and results.json (every figure with its ratio to each anchor
# measured where the row ran).
#
#   --smoke       a few scenarios, 1 fork, 1 x 1 s warm-up, 1 x 1 s measurement, no cluster, no
#                 package installs; Redis/JDBC rows only if their servers start. ~2 minutes.
#                 Results go to benchmarks/results/smoke/ (never over a real run's results).
#   --no-cluster  skip the VM cluster: native, C-loop and handoff rows say "not measured".
#   --cluster     with --smoke: also run a small VM part (2 nodes; C loop, oneLock of native
#                 and every peer with Redis/PostgreSQL in node 1, 3 s handoffs, the handoff's
#                 exclusion self-check); boots two qemu VMs, so it takes minutes.
#   --no-servers  do not start Redis/PostgreSQL (neither on the host nor in the VM): their
#                 rows say "not measured".
# Environment: BENCH_JMH_OPTS overrides the host's JMH iteration options,
#              BENCH_VM_JMH_OPTS those inside the VM, BENCH_HANDOFF_SECONDS the handoff window.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SMOKE=0
CLUSTER=1
SERVERS=1
FORCE_CLUSTER=0
for arg in "$@"; do
	case $arg in
		--smoke) SMOKE=1 ;;
		--no-cluster) CLUSTER=0 ;;
		--cluster) FORCE_CLUSTER=1 ;;
		--no-servers) SERVERS=0 ;;
		-h|--help) sed -n '2,25p' "$0"; exit 0 ;;
		*) echo "run.sh: unknown option $arg (use --smoke, --no-cluster, --cluster, --no-servers)" >&2; exit 2 ;;
	esac
done

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
. "$HERE/servers.sh"
. "$HERE/vm.sh"

if [ "$SMOKE" -eq 1 ]; then
	OUT=$HERE/results/smoke
	JMH_OPTS=${BENCH_JMH_OPTS:--f 1 -wi 1 -w 1s -i 1 -r 1s}
	CLUSTER=$FORCE_CLUSTER
	CLUSTER_REASON="smoke mode: no VM cluster"
else
	OUT=$HERE/results
	JMH_OPTS=${BENCH_JMH_OPTS:--f 2 -wi 3 -w 2s -i 5 -r 2s}
	CLUSTER_REASON="run with --no-cluster"
fi
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/dlm-bench.XXXXXX)
RAW=$WORK/raw
mkdir -p "$RAW"
REDIS_PID=
PG_PID=
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_cluster
	stop_servers
	# Keep the logs (build, JMH, cluster) for diagnosis; git ignores results/*/logs and results/logs.
	mkdir -p "$OUT/logs" && cp "$WORK"/*.log "$OUT/logs/" 2>/dev/null || true
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
t0=$(date +%s)

# 1. Build (the library modules with it; nothing is installed into ~/.m2).
say "building (./mvnw -Pbenchmarks -pl benchmarks -am package)"
(cd "$ROOT" && ./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests) >"$WORK/build.log" 2>&1 \
	|| { tail -40 "$WORK/build.log" >&2; say "build failed"; exit 1; }
CP=$HERE/target/classes:$(cat "$HERE/target/classpath.txt")
: >"$RAW/not-measured.tsv"
not_measured() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RAW/not-measured.tsv"; }

# 2. Servers.
BACKENDS=local,default,hazelcast
for s in redis jdbc; do
	if [ "$SERVERS" -eq 0 ]; then
		not_measured "*" "$s" "run with --no-servers"
		continue
	fi
	if [ "$SMOKE" -eq 0 ] && ! install_servers; then
		:
	fi
	if [ "$s" = redis ]; then start_redis && BACKENDS=$BACKENDS,redis || not_measured "*" redis "redis-server could not start on loopback (see log above)"; fi
	if [ "$s" = jdbc ]; then start_postgres && BACKENDS=$BACKENDS,jdbc || not_measured "*" jdbc "PostgreSQL could not start on loopback (see log above)"; fi
done

# 3. JMH on this host. Benchmarks whose parameters differ run as separate JMH invocations.
jmh() { # jmh NAME ARGS... : one JMH run, JSON into $RAW/host-NAME.json
	local name=$1
	shift
	say "JMH $name: $*"
	# shellcheck disable=SC2086
	java -Xmx256m -cp "$CP" org.openjdk.jmh.Main "$@" $JMH_OPTS -foe false \
		-rf json -rff "$RAW/host-$name.json" >"$WORK/jmh-$name.log" 2>&1 \
		|| { tail -30 "$WORK/jmh-$name.log" >&2; say "JMH $name failed"; }
	grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)' "$WORK/jmh-$name.log" >&2 || true
	if grep -q '<failure>' "$WORK/jmh-$name.log"; then
		say "JMH $name: some trials failed:"
		grep -A2 '<failure>' "$WORK/jmh-$name.log" | grep -v '^--$' | head -20 >&2
	fi
}
if [ "$SMOKE" -eq 1 ]; then
	jmh uncontended 'UncontendedBenchmark.oneLock' -p backend="$BACKENDS,local_cached"
	jmh contended 'ContendedBenchmark.threads2' -p backend=local,default
	jmh shared 'SharedBenchmark' -p backend=local,rwlock
	jmh annotation 'AnnotationBenchmark' -p backend=local
else
	jmh uncontended 'UncontendedBenchmark' -p backend="$BACKENDS,local_cached"
	jmh contended 'ContendedBenchmark' -p backend="$BACKENDS"
	jmh shared 'SharedBenchmark' -p backend=local,rwlock
	jmh annotation 'AnnotationBenchmark' -p backend=local
fi

# The handoff driver in one JVM (local engine, two threads): checks it runs everywhere.
hs=$([ "$SMOKE" -eq 1 ] && echo 2 || echo "${BENCH_HANDOFF_SECONDS:-10}")
java -cp "$CP" io.github.dlm.bench.HandoffDriver --backend local --pair --seconds "$hs" --warmup 1 \
	>"$RAW/host-handoff-local.txt" 2>"$WORK/handoff-local.err" \
	|| { cat "$WORK/handoff-local.err" >&2; say "local handoff driver failed"; }
cat "$RAW/host-handoff-local.txt" >&2
stop_servers

# How cost grows: distinct keys by decade, and many waiters on one key (platform threads on
# this JVM; virtual threads on a Java 21+ JDK when one is installed: BENCH_JAVA21 or Temurin).
driver() { # driver NAME JAVA CLASS ARGS... : one non-JMH driver, its lines into $RAW/host-NAME.txt
	local name=$1 java=$2 cls=$3
	shift 3
	say "driver $name: $cls $*"
	"$java" -Xmx1g -cp "$CP" "io.github.dlm.bench.$cls" "$@" >"$RAW/host-$name.txt" 2>"$WORK/driver-$name.err" \
		|| { tail -20 "$WORK/driver-$name.err" >&2; say "driver $name failed"; }
	cat "$RAW/host-$name.txt" >&2
}
keys=$([ "$SMOKE" -eq 1 ] && echo 10000 || echo 1000000)
waiters=$([ "$SMOKE" -eq 1 ] && echo 500 || echo 10000)
driver scaling-local java ScalingDriver --backend local --max "$keys"
driver waiters-local-platform java WaitersDriver --backend local --threads "$waiters"
driver waiters-local_cached-platform java WaitersDriver --backend local_cached --threads "$waiters"
ss=$([ "$SMOKE" -eq 1 ] && echo 2 || echo 10)
driver starvation-local java StarvationDriver --backend local --pair --seconds "$ss"
JAVA21=${BENCH_JAVA21:-$(ls -d /usr/lib/jvm/temurin-2[1-9]*/bin/java 2>/dev/null | head -1)}
if [ -n "$JAVA21" ] && [ -x "$JAVA21" ]; then
	driver waiters-local-virtual "$JAVA21" WaitersDriver --backend local --threads "$waiters" --virtual
	driver waiters-local_cached-virtual "$JAVA21" WaitersDriver --backend local_cached --threads "$waiters" --virtual
else
	say "no Java 21+ JDK (BENCH_JAVA21): the virtual-thread waiters row is not measured"
fi

# 4. The VM cluster: native backend, C loop, cross-node handoff.
if [ "$CLUSTER" -eq 1 ]; then
	run_cluster || { say "cluster part failed: $CLUSTER_REASON"; }
fi
if [ ! -f "$RAW/vm-done" ]; then
	for row in uncontended.oneLock uncontended.manyKeys contended.threads2 contended.threads4 contended.threads8 \
			shared.threads8 annotation.annotated annotation.rawRegistry handoff.crossNode; do
		not_measured "$row" native "$CLUSTER_REASON"
	done
	not_measured uncontended.oneLock c-loop "$CLUSTER_REASON"
fi

# 5. Report.
{
	echo "mode=$([ "$SMOKE" -eq 1 ] && echo smoke || echo full)"
	echo "jmh_opts=$JMH_OPTS"
	echo "host=$(uname -srm), $(nproc) cores, $(java -version 2>&1 | head -1)"
	echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "elapsed_s=$(( $(date +%s) - t0 ))"
	[ -f "$RAW/vm-env.txt" ] && cat "$RAW/vm-env.txt"
} >"$RAW/env.txt"
python3 "$HERE/report.py" "$RAW" "$OUT"
say "done in $(( $(date +%s) - t0 )) s: $OUT/RESULTS.md"
