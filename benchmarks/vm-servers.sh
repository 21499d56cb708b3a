#!/usr/bin/env bash
# benchmarks/vm-servers.sh start ENV-FILE | stop: runs INSIDE a cluster node (vm.sh sends it
# with cluster/run-on.sh), so the VM's benchmark rows have Redis and PostgreSQL anchors on the
# same node. Uses servers.sh, the host's start/stop code, unchanged: the image's own Debian
# packages (redis-server, postgresql-15, nothing starts them at boot), loopback only, data
# directories under /tmp/dlm-bench-servers, stopped by the PIDs recorded there.
#   start: starts what it can; writes the JMH environment (BENCH_REDIS_PORT, BENCH_JDBC_*)
#          as shell exports to ENV-FILE and prints "started=redis,jdbc" (what did start).
#   stop:  stops what start started.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
say() { printf '[bench-vm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
. "$HERE/servers.sh"
WORK=/tmp/dlm-bench-servers
REDIS_PID=
PG_PID=

case ${1:-} in
	start)
		[ $# -eq 2 ] || { echo "usage: vm-servers.sh start ENV-FILE | stop" >&2; exit 2; }
		rm -rf "$WORK"
		mkdir -p "$WORK"
		started=()
		: >"$WORK/env"
		if start_redis; then
			started+=(redis)
			echo "export BENCH_REDIS_PORT=$BENCH_REDIS_PORT" >>"$WORK/env"
		fi
		if start_postgres; then
			started+=(jdbc)
			echo "export BENCH_JDBC_URL=$BENCH_JDBC_URL BENCH_JDBC_USER=$BENCH_JDBC_USER" >>"$WORK/env"
		fi
		printf 'REDIS_PID=%s\nPG_PID=%s\n' "$REDIS_PID" "$PG_PID" >"$WORK/pids"
		cp "$WORK/env" "$2"
		free -m | sed 's/^/[bench-vm] /' >&2
		echo "started=$(IFS=,; echo "${started[*]}")"
		;;
	stop)
		[ -f "$WORK/pids" ] || exit 0
		. "$WORK/pids"
		stop_servers
		rm -f "$WORK/pids"
		;;
	*)
		echo "usage: vm-servers.sh start ENV-FILE | stop" >&2
		exit 2
		;;
esac
