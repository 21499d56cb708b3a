#!/usr/bin/env bash
# workload.sh [options]: the full fault workload (FaultWorkloadClusterIT with more faults), on
# a cluster of its own or one booted with up.sh, and writes the fault × system table with the
# machine and the command to cluster/results/WORKLOAD.md.
#
#   --rounds N          how many times each fault kind strikes per system (default 3)
#   --seed S            the random choices (default: a fresh seed, printed and recorded)
#   --systems LIST      comma-separated phases, each a +-joined list of systems whose clients run
#                       together (default: dlm-registry+dlm-annotation, then every peer system
#                       the class path knows: redis-default,redis-short,jdbc-default,jdbc-short)
#   --peer-faults LIST  fault kinds for the peers (default: all seven)
#   --peer-setup CMD    a command run on node 1 before the peers' phases (starts their servers)
#   --attach DIR        run on the cluster booted with up.sh into state dir DIR
#   --out FILE          where the table goes (default cluster/results/WORKLOAD.md)
#
# Needs what the cluster suite needs (root, qemu; cluster/README.md). The clients' histories
# stay in the share's runs/workload-* directories (each with its faults.txt and report.md).
set -euo pipefail
CLUSTER_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$CLUSTER_DIR/.." && pwd)
ROUNDS=3
SEED=$(date +%s%N)
SYSTEMS=
PEER_FAULTS=partition,pause-node,pause-jvm,kill-jvm,kill-node,clock-forward,clock-back
PEER_SETUP=
ATTACH=
OUT=$CLUSTER_DIR/results/WORKLOAD.md
COMMAND="cluster/workload.sh $*"
while [ $# -gt 0 ]; do
	case $1 in
		--rounds) ROUNDS=$2; shift 2 ;;
		--seed) SEED=$2; shift 2 ;;
		--systems) SYSTEMS=$2; shift 2 ;;
		--peer-faults) PEER_FAULTS=$2; shift 2 ;;
		--peer-setup) PEER_SETUP=$2; shift 2 ;;
		--attach) ATTACH=$2; shift 2 ;;
		--out) OUT=$2; shift 2 ;;
		*) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
	esac
done
if [ -z "$SYSTEMS" ]; then
	# The test's default: the DLM systems together, then every peer it knows.
	PHASES_PROPERTY=
else
	PHASES_PROPERTY="-Ddlm.workload.systems=$SYSTEMS"
fi
ROWS=$(mktemp)
LOG=$(mktemp)
trap 'rm -f "$ROWS"' EXIT

machine() {
	echo "- CPU: $(nproc) core(s), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
	echo "- memory: $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); host kernel $(uname -r)"
	echo "- $(qemu-system-x86_64 --version | head -1), guests: 1 vCPU, ${DLM_CLUSTER_MEM:-1024} MiB each, accelerator $(cat "${ATTACH:-$ROOT/cluster-tests/target/cluster/state}/accel" 2>/dev/null || echo '?')"
	echo "- guest: Debian 12, kernel 6.1 DLM, corosync 3.1.7 (token 10000 ms), dlm_controld 4.2.0, fencing on"
}

t0=$(date +%s)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
cd "$ROOT"
set +e
# shellcheck disable=SC2086
./mvnw -B -P cluster-tests -pl cluster-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
	-Dit.test=FaultWorkloadClusterIT -Ddlm.cluster.attach="$ATTACH" \
	-Ddlm.workload.seed="$SEED" -Ddlm.workload.rounds="$ROUNDS" $PHASES_PROPERTY \
	-Ddlm.workload.peer-faults="$PEER_FAULTS" -Ddlm.workload.peer-setup="$PEER_SETUP" \
	-Ddlm.workload.report="$ROWS" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - t0 ))
[ -s "$ROWS" ] || { echo "workload.sh: no rows written (Maven exit $rc; log $LOG)" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
{
	echo "# Fault workload: fault × system"
	echo
	echo "Produced by \`$COMMAND\` on $(date -u '+%Y-%m-%d %H:%M UTC') (seed $SEED, $ROUNDS round(s);"
	echo "$elapsed s in all, host load $load0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; Maven exit $rc)."
	echo
	machine
	echo
	echo "What the columns mean: cluster/README.md, \"Fault workload\". A system named a+b ran"
	echo "clients of both on every node, on one lock and one counter. Lost updates and overlaps are"
	echo "counted in the time from a fault to the next one; \"whole run\" counts acknowledged"
	echo "increments against the final counter; \"stale writes\" are writes whose read another"
	echo "client's acknowledged write had superseded (each rolls the counter back). The host was"
	echo "shared with other builds (load above). A lease-based peer's partition, pause-node and"
	echo "kill-node strike nodes 2 and up, never node 1, where its servers run; its phase starts"
	echo "with every node's clock set to the host's (again after a node's reboot), and its clock"
	echo "steps are undone after 30 s."
	echo
	printf '%s' "| system | fault | injected | lost updates | stale writes | overlaps | fault → next grant (s) | fenced before granted | hold outlived pause |
|---|---|---|---|---|---|---|---|---|
"
	cat "$ROWS"
	echo
	echo "Run directories on the machine that ran it (histories, faults.txt, report.md; not committed):"
	echo
	grep -o '\[workload\] run directory .*' "$LOG" | sed 's/^\[workload\] run directory /- /'
} >"$OUT"
rm -f "$LOG"
echo "workload.sh: table written to $OUT (Maven exit $rc)"
exit "$rc"
