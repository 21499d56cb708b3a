# Redis and PostgreSQL for the benchmarks: started on loopback from Debian's packages, each
# with its own temporary data directory, stopped by the PID this run recorded. Sourced by
# run.sh, not run. Functions return non-zero (after saying why) when a server cannot start.
# shellcheck shell=bash

# free_port BASE: the first port from BASE on with nothing listening on 127.0.0.1.
free_port() {
	local port=$1
	while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		port=$((port + 1))
	done
	echo "$port"
}

# install_servers: apt-get install of what is missing (root only; full runs only).
install_servers() {
	local missing=()
	command -v redis-server >/dev/null || missing+=(redis-server)
	pg_bin_dir >/dev/null || missing+=(postgresql)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		say "missing ${missing[*]} and not root: cannot install them"
		return 1
	fi
	say "installing ${missing[*]} (Debian packages)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >"$WORK/apt.log" 2>&1 \
		|| { apt-get update -q </dev/null >>"$WORK/apt.log" 2>&1 \
			&& DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >>"$WORK/apt.log" 2>&1; } \
		|| { say "apt-get install ${missing[*]} failed (see $WORK/apt.log)"; return 1; }
}

# pg_bin_dir: the newest installed PostgreSQL server's bin directory.
pg_bin_dir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -n "$d" ] && [ -x "$d/postgres" ] && [ -x "$d/initdb" ] || return 1
	echo "$d"
}

# start_redis: sets REDIS_PID and exports BENCH_REDIS_PORT.
start_redis() {
	command -v redis-server >/dev/null || { say "redis-server not installed"; return 1; }
	local port dir
	port=$(free_port 16379)
	dir=$WORK/redis
	mkdir -p "$dir"
	# No persistence: the registry's keys are short-lived; this is Redis as a lock service.
	redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no \
		--protected-mode yes --daemonize no --logfile "$dir/redis.log" &
	REDIS_PID=$!
	for _ in $(seq 1 100); do
		if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; then
			export BENCH_REDIS_PORT=$port
			say "redis-server $(redis-server --version | awk '{print $3}' | sed 's/^v=//') on 127.0.0.1:$port (pid $REDIS_PID)"
			return 0
		fi
		kill -0 "$REDIS_PID" 2>/dev/null || break
		sleep 0.1
	done
	say "redis-server did not answer (log: $dir/redis.log)"
	stop_pid "$REDIS_PID" redis-server
	REDIS_PID=
	return 1
}

# start_postgres: sets PG_PID and exports BENCH_JDBC_URL/USER. Default durability settings
# (fsync and synchronous_commit on), as an application's database would have them.
start_postgres() {
	local bin port dir as=()
	bin=$(pg_bin_dir) || { say "PostgreSQL server not installed"; return 1; }
	port=$(free_port 15432)
	dir=$WORK/pg
	mkdir -p "$dir/data" "$dir/sock"
	if [ "$(id -u)" -eq 0 ]; then
		# initdb and postgres refuse to run as root.
		id postgres >/dev/null 2>&1 || { say "no 'postgres' user to run PostgreSQL as"; return 1; }
		chown -R postgres: "$dir"
		chmod 0755 "$WORK"
		as=(runuser -u postgres --)
	fi
	"${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
		|| { say "initdb failed (log: $dir/initdb.log)"; return 1; }
	"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock -c max_connections=50" start >"$dir/pg_ctl.log" 2>&1 \
		|| { say "PostgreSQL did not start (log: $dir/postgres.log)"; return 1; }
	PG_PID=$(head -1 "$dir/data/postmaster.pid")
	export BENCH_JDBC_URL="jdbc:postgresql://127.0.0.1:$port/postgres"
	export BENCH_JDBC_USER=postgres
	say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (pid $PG_PID)"
}

# stop_pid PID NAME: TERM, wait up to 20 s, then KILL; only that PID.
stop_pid() {
	local pid=$1 name=$2
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 200); do
		kill -0 "$pid" 2>/dev/null || { say "$name (pid $pid) stopped"; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	say "$name (pid $pid) killed after 20 s"
}

stop_servers() {
	# SIGINT is PostgreSQL's fast shutdown (rolls back, disconnects clients).
	if [ -n "${PG_PID:-}" ] && kill -0 "$PG_PID" 2>/dev/null; then
		kill -INT "$PG_PID" 2>/dev/null
		stop_pid "$PG_PID" postgres
	fi
	stop_pid "${REDIS_PID:-}" redis-server
	PG_PID=
	REDIS_PID=
}
