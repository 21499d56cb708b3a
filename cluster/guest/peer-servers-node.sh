#!/usr/bin/env bash
# peer-servers-node.sh start ADDR | stop: runs INSIDE a node (cluster/peer-servers.sh sends it
# with run-on.sh). Starts the lease-based peers' servers for the fault workload from the
# image's Debian packages (redis-server, postgresql-15; nothing starts them at boot) on ADDR,
# the node's cluster address, so that clients on the other nodes reach them: Redis on 6379,
# PostgreSQL on 5432 (database and user postgres; trust for ADDR's /24, the cluster's private
# switch), with the INT_LOCK table of Spring Integration's JdbcLockRegistry created.
# Data under $DLM_PEER_SERVERS_DIR (default /tmp/dlm-peer-servers; /tmp is a tmpfs in the
# nodes), no persistence; stopped by the PIDs recorded there. DLM_PEER_REDIS_PORT and
# DLM_PEER_POSTGRES_PORT change the ports (the host-side PeerSystemsTests starts the servers
# on 127.0.0.1 with this script, on free ports).
# Uses benchmarks/servers.sh (copied next to this script, or found in the source tree) for
# pg_bin_dir and stop_servers.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
say() { printf '[peer-servers %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
if [ -f "$HERE/servers.sh" ]; then . "$HERE/servers.sh"; else . "$HERE/../../benchmarks/servers.sh"; fi
# runuser'd psql warns when it cannot enter the caller's directory (/root in the nodes).
cd /
WORK=${DLM_PEER_SERVERS_DIR:-/tmp/dlm-peer-servers}
REDIS_PORT=${DLM_PEER_REDIS_PORT:-6379}
PG_PORT=${DLM_PEER_POSTGRES_PORT:-5432}
REDIS_PID=
PG_PID=

# also_loopback ADDR SEP: ADDR, and 127.0.0.1 unless ADDR is it, joined by SEP.
also_loopback() {
	if [ "$1" = 127.0.0.1 ]; then echo "$1"; else echo "$1$2127.0.0.1"; fi
}

# answers CMD...: retries CMD for up to 30 s until it succeeds.
answers() {
	for _ in $(seq 1 300); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

start_peer_redis() {
	local addr=$1 dir=$WORK/redis
	mkdir -p "$dir"
	# Bound to the cluster address (and loopback) explicitly; no password on the private switch.
	# shellcheck disable=SC2046
	redis-server --bind $(also_loopback "$addr" ' ') --port "$REDIS_PORT" --protected-mode no --dir "$dir" \
		--save '' --appendonly no --daemonize no --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
	REDIS_PID=$!
	answers redis-cli -h "$addr" -p "$REDIS_PORT" ping \
		|| { say "redis-server did not answer on $addr:$REDIS_PORT (log: $dir/redis.log)"; return 1; }
	say "redis-server on $addr:$REDIS_PORT (pid $REDIS_PID)"
}

start_peer_postgres() {
	local addr=$1 bin dir=$WORK/pg as=()
	bin=$(pg_bin_dir) || { say "PostgreSQL server not installed"; return 1; }
	mkdir -p "$dir/data" "$dir/sock"
	if [ "$(id -u)" -eq 0 ]; then
		# initdb and postgres refuse to run as root.
		chown -R postgres: "$dir"
		as=(runuser -u postgres --)
	fi
	"${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
		|| { say "initdb failed (log: $dir/initdb.log)"; return 1; }
	echo "host all all ${addr%.*}.0/24 trust" >>"$dir/data/pg_hba.conf"
	"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 120 \
		-o "-c listen_addresses=$(also_loopback "$addr" ,) -p $PG_PORT -k $dir/sock -c max_connections=50" start \
		>"$dir/pg_ctl.log" 2>&1 \
		|| { say "PostgreSQL did not start (log: $dir/postgres.log)"; return 1; }
	PG_PID=$(head -1 "$dir/data/postmaster.pid")
	# The table of spring-integration-jdbc's schema-postgresql.sql, before any client runs.
	"${as[@]}" psql -q -h "$addr" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -c \
		"CREATE TABLE IF NOT EXISTS INT_LOCK (LOCK_KEY CHAR(36) NOT NULL, REGION VARCHAR(100) NOT NULL,
		CLIENT_ID CHAR(36), CREATED_DATE TIMESTAMP NOT NULL, EXPIRED_AFTER TIMESTAMP NOT NULL,
		CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION))" \
		|| { say "cannot create INT_LOCK"; return 1; }
	say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $addr:$PG_PORT (pid $PG_PID)"
}

case ${1:-} in
	start)
		[ $# -eq 2 ] || { echo "usage: peer-servers-node.sh start ADDR | stop" >&2; exit 2; }
		[ ! -f "$WORK/pids" ] || { say "already started (stop first): $WORK/pids"; exit 1; }
		rm -rf "$WORK"
		mkdir -p "$WORK"
		chmod 0755 "$WORK"
		ok=0
		start_peer_redis "$2" && start_peer_postgres "$2" && ok=1
		printf 'REDIS_PID=%s\nPG_PID=%s\n' "$REDIS_PID" "$PG_PID" >"$WORK/pids"
		if [ $ok -eq 0 ]; then
			stop_servers
			rm -f "$WORK/pids"
			exit 1
		fi
		echo "redis=$2:$REDIS_PORT redis_pid=$REDIS_PID postgres=$2:$PG_PORT postgres_pid=$PG_PID"
		;;
	stop)
		[ -f "$WORK/pids" ] || exit 0
		. "$WORK/pids"
		stop_servers
		rm -f "$WORK/pids"
		;;
	*)
		echo "usage: peer-servers-node.sh start ADDR | stop" >&2
		exit 2
		;;
esac
