#!/usr/bin/env bash
# benchmarks/c/native-vs-c.sh LABEL [JMH-OPTS]: on a 2-node cluster booted with cluster/up.sh 2
# (DLM_CLUSTER_STATE), with the benchmarks module's classes and lib staged in the share under
# bench-LABEL/ (classes, lib, dlm_lock_loop.c, dlm_handoff.c), runs side by side on node 1:
# the C loop over dlm_ls_lock_wait (native-tools/dlm_lock_loop.c), the JMH native
# UncontendedBenchmark.oneLock, then on nodes 1 and 2 HandoffDriver --backend native and the
# C handoff (dlm_handoff.c). Prints the lines the ratios are taken from.
set -euo pipefail
label=$1
jmh=${2:--f 1 -wi 3 -w 5s -i 3 -r 5s}
secs=${HANDOFF_SECONDS:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
on=$root/cluster/run-on.sh
share=$(cat "$DLM_CLUSTER_STATE/share.path")
dir=/mnt/host/bench-$label
java="java -Xmx160m -cp '$dir/classes:$dir/lib/*'"
"$on" 1 "gcc -O2 -Wall -D_REENTRANT -o /root/dlm_lock_loop $dir/dlm_lock_loop.c -l:libdlm.so.3 -lpthread"
for i in 1 2; do
	"$on" "$i" "gcc -O2 -Wall -D_REENTRANT -o /root/dlm_handoff $dir/dlm_handoff.c -l:libdlm.so.3 -lpthread"
done
echo "== $label: C loop (dlm_ls_lock_wait), node 1"
"$on" -t 1200 1 "/root/dlm_lock_loop -l dlmbench -r dlm-lock-loop -n 20000 -w 2000 -c"
echo "== $label: JMH UncontendedBenchmark.oneLock native, node 1 ($jmh)"
"$on" -t 3600 1 "$java org.openjdk.jmh.Main 'UncontendedBenchmark.oneLock' -p backend=native $jmh -foe false \
	-jvmArgs -Xmx256m >$dir/jmh.log 2>&1" || true
grep -E '^(Benchmark|UncontendedBenchmark)' "$share/bench-$label/jmh.log" || tail -20 "$share/bench-$label/jmh.log"
handoff() {
	local kind=$1 cmd=$2 nopt=$3 ropt=$4 gopt=$5 pids=() i
	rm -f "$share/bench-$label/ready"* "$share/bench-$label/go"
	for i in 1 2; do
		"$on" -t 1800 "$i" "$cmd $nopt $i $ropt $dir/ready$i $gopt $dir/go" >"$share/bench-$label/handoff-$kind-n$i.txt" &
		pids+=($!)
	done
	until [ -f "$share/bench-$label/ready1" ] && [ -f "$share/bench-$label/ready2" ]; do sleep 0.2; done
	: >"$share/bench-$label/go"
	for i in "${pids[@]}"; do wait "$i" || true; done
	echo "== $label: handoff $kind"
	cat "$share/bench-$label"/handoff-"$kind"-n*.txt
}
handoff native "$java io.github.dlm.bench.HandoffDriver --backend native --seconds $secs --warmup 5" --node --ready --go
handoff c "/root/dlm_handoff -s $secs -w 5" -n -R -g
