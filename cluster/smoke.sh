#!/usr/bin/env bash
# smoke.sh [N]: end-to-end check of the harness and of the kernel DLM across nodes.
# Boots N (default 3) nodes, compiles smoke/dlm_smoke.c against libdlm in every guest, then:
#   1. node 1 holds EX on a resource; every other node's EX NOQUEUE gets sb_status 11 (EAGAIN)
#   2. after node 1 unlocks, node 2's EX NOQUEUE is granted
#   3. node 2's blocking EX waits while node 1 holds, and is granted when node 1 unlocks
#   4. timing: lock+unlock pairs on a resource mastered on node 1 versus one mastered locally
# and tears the cluster down (also on failure or Ctrl-C). Prints 'N passed, N failed'.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${1:-3}
[ "$N" -ge 2 ] || die "smoke needs at least 2 nodes"
C=$CLUSTER_DIR
passed=0
failed=0
check() { # check NAME CONDITION-RESULT(0/1) DETAIL
	if [ "$2" -eq 0 ]; then passed=$((passed + 1)); log "PASS $1 $3"; else failed=$((failed + 1)); log "FAIL $1 $3"; fi
}
trap '"$C/down.sh"' EXIT

t0=$(now_ms)
"$C/up.sh" "$N"
t_up=$(now_ms)
SHARE=$(cat "$DLM_CLUSTER_STATE/share.path")
cp "$C/smoke/dlm_smoke.c" "$SHARE/dlm_smoke.c"
rm -f "$SHARE"/smoke-*

# wait_file FILE SECONDS
wait_file() {
	local deadline=$(( $(date +%s) + $2 ))
	until [ -e "$1" ]; do [ "$(date +%s)" -lt "$deadline" ] || return 1; sleep 0.05; done
}

tc=$(now_ms)
pids=()
for i in $(seq 1 "$N"); do
	"$C/run-on.sh" "$i" 'gcc -O2 -Wall -D_REENTRANT -o /root/dlm_smoke /mnt/host/dlm_smoke.c -ldlm -lpthread' &
	pids+=($!)
done
ok=0
for p in "${pids[@]}"; do wait "$p" || ok=1; done
check compile "$ok" "on $N nodes in $(( ($(now_ms) - tc) / 1000 )) s"
[ "$ok" -eq 0 ] || exit 1

# 1. cross-node exclusion with NOQUEUE
"$C/run-on.sh" 1 '/root/dlm_smoke hold res1 EX /mnt/host/smoke-held1 /mnt/host/smoke-release1' >"$DLM_CLUSTER_STATE/smoke-hold1.log" 2>&1 &
hold1=$!
th=$(now_ms)
wait_file "$SHARE/smoke-held1" 300 && r=0 || r=1
check "node1-holds-EX" "$r" "(first lock incl. lockspace join: $(( $(now_ms) - th )) ms)"
for i in $(seq 2 "$N"); do
	set +e
	out=$("$C/run-on.sh" "$i" '/root/dlm_smoke try res1' 2>&1)
	rc=$?
	set -e
	[ "$rc" -eq 11 ] && echo "$out" | grep -q 'sb_status=11' && r=0 || r=1
	check "node$i-NOQUEUE-refused" "$r" "(rc=$rc: $out)"
done
: >"$SHARE/smoke-release1"
wait "$hold1" && r=0 || r=1
check "node1-unlock" "$r" "($(tr '\n' ' ' <"$DLM_CLUSTER_STATE/smoke-hold1.log"))"

# 2. granted once free
set +e
out=$("$C/run-on.sh" 2 '/root/dlm_smoke try res1' 2>&1)
rc=$?
set -e
check "node2-NOQUEUE-granted-after-release" "$rc" "($out)"

# 3. blocking request handed over across nodes
"$C/run-on.sh" 1 '/root/dlm_smoke hold res2 EX /mnt/host/smoke-held2a /mnt/host/smoke-release2a' >/dev/null 2>&1 &
ha=$!
wait_file "$SHARE/smoke-held2a" 120 || true
"$C/run-on.sh" 2 '/root/dlm_smoke hold res2 EX /mnt/host/smoke-held2b /mnt/host/smoke-release2b' >/dev/null 2>&1 &
hb=$!
sleep 5
[ ! -e "$SHARE/smoke-held2b" ] && r=0 || r=1
check "node2-blocking-EX-waits" "$r" "(still waiting 5 s after request)"
trel=$(now_ms)
: >"$SHARE/smoke-release2a"
wait_file "$SHARE/smoke-held2b" 120 && r=0 || r=1
handoff=$(( $(now_ms) - trel ))
check "node2-blocking-EX-granted-on-release" "$r" "(host-observed handoff ${handoff} ms, includes 9p polling)"
: >"$SHARE/smoke-release2b"
wait "$ha" || true
wait "$hb" || true

# 4. round trip: node 1 keeps an NL lock on "rt" so it stays its master.
"$C/run-on.sh" 1 '/root/dlm_smoke hold rt NL /mnt/host/smoke-heldrt /mnt/host/smoke-releasert' >/dev/null 2>&1 &
hr=$!
wait_file "$SHARE/smoke-heldrt" 120 || true
remote=$("$C/run-on.sh" 2 '/root/dlm_smoke bench rt 200' 2>&1) && r=0 || r=1
check "bench-remote-master" "$r" "($remote)"
local_=$("$C/run-on.sh" 2 '/root/dlm_smoke bench local2 200' 2>&1) && r=0 || r=1
check "bench-local-master" "$r" "($local_)"
: >"$SHARE/smoke-releasert"
wait "$hr" || true

# The kernel's view: nothing left on node 1 after all holders exited.
left=$("$C/run-on.sh" 1 'cat /sys/kernel/debug/dlm/smoke_locks 2>/dev/null | grep -c "^ *[0-9a-f]\{8\} " || true' 2>&1 || true)
log "node 1 smoke_locks lines left: $left"

t_end=$(now_ms)
{
	cat "$DLM_CLUSTER_STATE/up.summary"
	echo "smoke_up_s=$(( (t_up - t0) / 1000 ))"
	echo "smoke_tests_s=$(( (t_end - t_up) / 1000 ))"
	echo "handoff_ms=$handoff"
	echo "remote_pair=$remote"
	echo "local_pair=$local_"
} | tee "$DLM_CLUSTER_STATE/smoke.summary" >&2
echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
