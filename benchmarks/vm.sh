# The VM part of run.sh: a two-node kernel-DLM cluster from cluster/ (qemu; KVM or TCG),
# the C loop on libdlm (native-tools/dlm_lock_loop.c), then on node 1 redis-server and
# PostgreSQL from the image's Debian packages (vm-servers.sh, loopback inside the node) and
# the JMH benchmarks of the native backend beside every peer the host part runs (local
# engine, DefaultLockRegistry, Redis, JDBC, Hazelcast), so every VM row has same-node anchors;
# finally the cross-node handoff, Java driver and C, on nodes 1 and 2. Sourced by run.sh.
# run_cluster returns non-zero with CLUSTER_REASON set when the cluster cannot be used.
# shellcheck shell=bash

CLUSTER_UP=0

stop_cluster() {
	if [ "$CLUSTER_UP" -eq 1 ]; then
		DLM_CLUSTER_STATE=$WORK/cluster "$ROOT/cluster/down.sh" >>"$WORK/cluster.log" 2>&1 || true
		CLUSTER_UP=0
	fi
}

# handoff KIND COMMAND NODE-OPT READY-OPT GO-OPT: runs COMMAND on nodes 1 and 2 at once
# (started together through a go-file once both wrote their ready-file); output in
# $RAW/vm-handoff-KIND-n<i>.txt. Non-zero when either side exited non-zero.
handoff() {
	local kind=$1 cmd=$2 nopt=$3 ropt=$4 gopt=$5
	local share on=$ROOT/cluster/run-on.sh pids=() i ok=0
	share=$(cat "$DLM_CLUSTER_STATE/share.path")
	rm -f "$share/bench/ready"* "$share/bench/go"
	say "VM handoff ($kind) on nodes 1 and 2"
	for i in 1 2; do
		"$on" -t 1800 "$i" "$cmd $nopt $i $ropt /mnt/host/bench/ready$i $gopt /mnt/host/bench/go" \
			>"$RAW/vm-handoff-$kind-n$i.txt" 2>>"$WORK/cluster.log" &
		pids+=($!)
	done
	local deadline=$(( $(date +%s) + 600 ))
	until [ -f "$share/bench/ready1" ] && [ -f "$share/bench/ready2" ]; do
		[ "$(date +%s)" -lt "$deadline" ] || break
		sleep 0.2
	done
	: >"$share/bench/go"
	for i in "${pids[@]}"; do wait "$i" || ok=1; done
	cat "$RAW"/vm-handoff-"$kind"-n*.txt >&2
	return "$ok"
}

run_cluster() {
	local C=$ROOT/cluster
	[ -x "$C/up.sh" ] && [ -x "$C/run-on.sh" ] && [ -x "$C/down.sh" ] \
		|| { CLUSTER_REASON="cluster/ harness not present on this branch"; return 1; }
	[ "$(id -u)" -eq 0 ] || { CLUSTER_REASON="the VM cluster needs root (network namespace)"; return 1; }
	command -v qemu-system-x86_64 >/dev/null \
		|| { CLUSTER_REASON="qemu-system-x86_64 not installed (cluster/install-deps.sh)"; return 1; }
	export DLM_CLUSTER_STATE=$WORK/cluster
	say "booting a 2-node DLM cluster (cluster/up.sh 2; TCG boots take minutes)"
	CLUSTER_UP=1
	if ! "$C/up.sh" 2 >>"$WORK/cluster.log" 2>&1; then
		tail -20 "$WORK/cluster.log" >&2
		CLUSTER_REASON="cluster/up.sh 2 failed (see its log above)"
		return 1
	fi
	grep -h -E '^(accel|boot|up)' "$DLM_CLUSTER_STATE/up.summary" 2>/dev/null | sed 's/^/vm_/' >"$RAW/vm-env.txt" || true
	local share
	share=$(cat "$DLM_CLUSTER_STATE/share.path")
	mkdir -p "$share/bench"
	cp -r "$HERE/target/classes" "$share/bench/classes"
	cp -r "$HERE/target/lib" "$share/bench/lib"
	cp "$ROOT/native-tools/dlm_lock_loop.c" "$HERE/c/dlm_handoff.c" "$share/bench/"
	local on="$C/run-on.sh"
	local gjava="java -Xmx160m -cp '/mnt/host/bench/classes:/mnt/host/bench/lib/*'"

	# C loop: the physical limit on this node (same libdlm, same emulation).
	if "$on" 1 'gcc -O2 -Wall -D_REENTRANT -o /root/dlm_lock_loop /mnt/host/bench/dlm_lock_loop.c -l:libdlm.so.3 -lpthread' \
			>>"$WORK/cluster.log" 2>&1; then
		local n=20000 w=2000
		[ "$SMOKE" -eq 1 ] && { n=2000; w=200; }
		"$on" -t 1200 1 "/root/dlm_lock_loop -l dlmbench -r dlm-lock-loop -n $n -w $w -c" \
			>"$RAW/vm-cloop.txt" 2>>"$WORK/cluster.log" \
			|| { say "C loop failed"; not_measured uncontended.oneLock c-loop "dlm_lock_loop failed in the VM"; }
		cat "$RAW/vm-cloop.txt" >&2
	else
		not_measured uncontended.oneLock c-loop "gcc of native-tools/dlm_lock_loop.c failed in the VM"
	fi

	# Redis and PostgreSQL on node 1, where the JMH benchmarks run.
	local peers=local,default,hazelcast vstarted=
	if [ "$SERVERS" -eq 1 ]; then
		cp "$HERE/servers.sh" "$HERE/vm-servers.sh" "$share/bench/"
		say "VM: starting redis-server and PostgreSQL on node 1 (loopback)"
		vstarted=$("$on" -t 300 1 'bash /mnt/host/bench/vm-servers.sh start /mnt/host/bench/servers.env' \
			2>"$WORK/vm-servers.log" | sed -n 's/^started=//p') || true
		cat "$WORK/vm-servers.log" >&2
		local s
		for s in redis jdbc; do
			if [[ ",$vstarted," == *",$s,"* ]]; then
				peers=$peers,$s
			else
				not_measured "*" "$s" "in the VM: $([ $s = redis ] && echo redis-server || echo PostgreSQL) did not start on node 1 (see the cluster log)"
			fi
		done
	fi
	: >>"$share/bench/servers.env"

	# JMH on node 1: native beside every peer, in the same VM.
	local vopts=${BENCH_VM_JMH_OPTS:--f 1 -wi 3 -w 5s -i 3 -r 5s}
	local specs=("uncontended UncontendedBenchmark native,native_cached,$peers" "contended ContendedBenchmark native,$peers"
		"shared SharedBenchmark native,local,rwlock" "annotation AnnotationBenchmark native")
	if [ "$SMOKE" -eq 1 ]; then
		vopts=${BENCH_VM_JMH_OPTS:--f 1 -wi 1 -w 1s -i 1 -r 1s}
		specs=("uncontended UncontendedBenchmark.oneLock native,native_cached,$peers")
		local row
		for row in uncontended.manyKeys contended.threads2 contended.threads4 contended.threads8 shared.threads8 \
				annotation.annotated annotation.rawRegistry; do
			not_measured "$row" native "smoke mode: only uncontended.oneLock runs in the VM"
		done
	fi
	local spec
	for spec in "${specs[@]}"; do
		set -- $spec
		say "VM JMH $1 (node 1): $2 -p backend=$3"
		"$on" -t 5400 1 ". /mnt/host/bench/servers.env; $gjava org.openjdk.jmh.Main '$2' -p backend=$3 $vopts -foe false \
				-jvmArgs -Xmx256m -rf json -rff /mnt/host/bench/vm-$1.json >/mnt/host/bench/vm-$1.log 2>&1" \
			>>"$WORK/cluster.log" 2>&1 || say "VM JMH $1 failed (log kept in the share until down)"
		grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)' "$share/bench/vm-$1.log" >&2 || true
		if grep -q '<failure>' "$share/bench/vm-$1.log"; then
			say "VM JMH $1: some trials failed:"
			grep -A2 '<failure>' "$share/bench/vm-$1.log" | grep -v '^--$' | head -20 >&2
		fi
		cp "$share/bench/vm-$1.log" "$WORK/vm-jmh-$1.log" 2>/dev/null || true
		[ -f "$share/bench/vm-$1.json" ] && cp "$share/bench/vm-$1.json" "$RAW/vm-$1.json"
	done
	# How cost grows on the kernel: distinct keys by decade, and many waiters on one key.
	local vkeys=100000 vwaiters=10000
	[ "$SMOKE" -eq 1 ] && { vkeys=1000; vwaiters=200; }
	say "VM drivers (node 1): ScalingDriver up to $vkeys keys, WaitersDriver with $vwaiters threads"
	"$on" -t 3600 1 "$gjava io.github.dlm.bench.ScalingDriver --backend native --max $vkeys" \
		>"$RAW/vm-scaling-native.txt" 2>>"$WORK/cluster.log" || say "VM ScalingDriver failed (see the cluster log)"
	local b
	for b in native native_cached; do
		"$on" -t 3600 1 "$gjava -Xss256k io.github.dlm.bench.WaitersDriver --backend $b --threads $vwaiters" \
			>"$RAW/vm-waiters-$b.txt" 2>>"$WORK/cluster.log" || say "VM WaitersDriver ($b) failed (see the cluster log)"
	done
	cat "$RAW/vm-scaling-native.txt" "$RAW"/vm-waiters-*.txt >&2
	"$on" 1 'free -m' 2>&1 | sed 's/^/[bench-vm after JMH] /' >&2 || true
	if [ -n "$vstarted" ]; then
		"$on" -t 120 1 'bash /mnt/host/bench/vm-servers.sh stop' >>"$WORK/cluster.log" 2>&1 \
			|| say "VM: stopping the servers on node 1 failed (the cluster teardown ends them)"
	fi

	# Cross-node handoff, Java driver then its C counterpart: both sides join the lockspace,
	# then start together on a go-file.
	local secs=${BENCH_HANDOFF_SECONDS:-20} hw=5
	[ "$SMOKE" -eq 1 ] && { secs=3; hw=1; }
	handoff native "$gjava io.github.dlm.bench.HandoffDriver --backend native --seconds $secs --warmup $hw" \
		--node --ready --go || not_measured handoff.crossNode native "handoff (Java) failed on a node (see the cluster log)"
	# The same with node-level caching: every handoff is a blocking callback making the other node let go.
	handoff native_cached "$gjava io.github.dlm.bench.HandoffDriver --backend native_cached --seconds $secs --warmup $hw" \
		--node --ready --go || not_measured handoff.crossNode native_cached "handoff (Java, cached) failed on a node (see the cluster log)"
	# The starvation check: node 1 re-acquires in a loop, node 2 asks every 100 ms.
	for b in native native_cached; do
		handoff "starvation-$b" "$gjava io.github.dlm.bench.StarvationDriver --backend $b --seconds $secs" \
			--node --ready --go || say "starvation driver ($b) failed on a node (see the cluster log)"
	done
	local cc=0 i
	for i in 1 2; do
		"$on" "$i" 'gcc -O2 -Wall -D_REENTRANT -o /root/dlm_handoff /mnt/host/bench/dlm_handoff.c -l:libdlm.so.3 -lpthread' \
			>>"$WORK/cluster.log" 2>&1 || cc=1
	done
	if [ "$cc" -eq 0 ]; then
		handoff c "/root/dlm_handoff -s $secs -w $hw" -n -R -g \
			|| not_measured handoff.crossNode c-loop "handoff (C) failed on a node (see the cluster log)"
		# The exclusion check must be able to fail: -U splits each turn's read and write over two
		# grants (a lost update, as broken exclusion would cause); some side must report lvb_ok=0.
		if handoff cunsafe "/root/dlm_handoff -r handoff-c-unsafe -s 1 -w 0 -U" -n -R -g; then
			say "dlm_handoff -U: the exclusion check did NOT detect the injected lost update"
			echo "vm_handoff_exclusion_check=NOT detected: dlm_handoff -U reported lvb_ok=1 on both nodes" >>"$RAW/vm-env.txt"
		elif grep -q 'lvb_ok=0' "$RAW"/vm-handoff-cunsafe-n*.txt; then
			echo "vm_handoff_exclusion_check=works: dlm_handoff -U (lost update injected) reported lvb_ok=0" >>"$RAW/vm-env.txt"
		else
			echo "vm_handoff_exclusion_check=not run: dlm_handoff -U failed (see the cluster log)" >>"$RAW/vm-env.txt"
		fi
	else
		not_measured handoff.crossNode c-loop "gcc of benchmarks/c/dlm_handoff.c failed in the VM"
	fi
	: >"$RAW/vm-done"
	stop_cluster
}
