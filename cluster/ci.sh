#!/usr/bin/env bash
# ci.sh: the real-kernel cluster suite for CI, after the unit tests (.ci/run calls it).
#
#   1. installs the host packages (install-deps.sh) and builds or reuses the cached image;
#   2. boots a 3-node cluster with up.sh (KVM probe, else TCG) in its own state directory;
#   3. runs the cluster-tests Maven profile attached to that cluster (-Ddlm.cluster.attach),
#      so the suite boots once more only after a test killed a node (the module's unit tests,
#      WorkloadCheckerTests, run first, in its Surefire phase);
#   4. tears everything down on exit, whatever happens.
#
# Exit status: 0 when every cluster IT passed; non-zero on any test failure or when a
# cluster that did boot misbehaves. When no node can be booted at all (qemu missing and not
# installable, not root, no image, no node reaching its init within the deadline), it prints
# one line "SKIPPED: <reason>" and exits 0, so machines without virtualisation still pass.
#
# Environment: DLM_CI_BOOT_TIMEOUT (seconds for the cluster to be ready, default 900),
# DLM_CI_TEST_TIMEOUT (seconds for the Maven run, default 2400: within .ci/run's hour), DLM_CI_NODES (default 3).
set -uo pipefail
CLUSTER_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$CLUSTER_DIR/.." && pwd)
STATE=$CLUSTER_DIR/work/ci
NODES=${DLM_CI_NODES:-3}
BOOT_TIMEOUT=${DLM_CI_BOOT_TIMEOUT:-900}
TEST_TIMEOUT=${DLM_CI_TEST_TIMEOUT:-2400}
MAVEN_STATE=$ROOT/cluster-tests/target/cluster/state

say() { printf '[ci.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

skip() {
	echo "SKIPPED: kernel-DLM cluster tests not run: $*"
	exit 0
}

teardown() {
	local rc=$?
	trap - EXIT INT TERM
	DLM_CLUSTER_STATE=$STATE "$CLUSTER_DIR/down.sh" >/dev/null 2>&1 || true
	[ -d "$MAVEN_STATE" ] && DLM_CLUSTER_STATE=$MAVEN_STATE "$CLUSTER_DIR/down.sh" >/dev/null 2>&1
	exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s)
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespace, tap devices, qemu)"

say "installing host packages"
if ! "$CLUSTER_DIR/install-deps.sh"; then
	command -v qemu-system-x86_64 >/dev/null && command -v mmdebstrap >/dev/null \
		|| skip "install-deps.sh failed and qemu-system-x86_64 or mmdebstrap is missing"
	say "install-deps.sh failed, but the tools are there: going on"
fi
for tool in qemu-system-x86_64 qemu-img mmdebstrap ip; do
	command -v "$tool" >/dev/null || skip "$tool is not installed and could not be installed"
done

say "building or reusing the node image"
tb=$(date +%s)
if ! "$CLUSTER_DIR/build-image.sh"; then
	skip "the node image could not be built (build-image.sh failed; see above)"
fi
say "image ready in $(( $(date +%s) - tb )) s"

say "booting $NODES nodes (state $STATE, deadline $BOOT_TIMEOUT s)"
tb=$(date +%s)
if ! DLM_CLUSTER_STATE=$STATE DLM_CLUSTER_BOOT_TIMEOUT=$BOOT_TIMEOUT "$CLUSTER_DIR/up.sh" "$NODES"; then
	# up.sh has torn its cluster down; its logs stay. A node that reached its init booted:
	# then the cluster itself failed, which is a failure, not a skip.
	booted=0
	for i in $(seq 1 "$NODES"); do
		[ -s "$STATE/ctl/n$i/status" ] && booted=1
	done
	[ "$booted" -eq 1 ] || skip "no node booted within $BOOT_TIMEOUT s (consoles in $STATE)"
	say "FAILED: nodes booted but the cluster did not come up (consoles and logs in $STATE)"
	exit 1
fi
say "cluster up in $(( $(date +%s) - tb )) s: $(tr '\n' ' ' <"$STATE/up.summary")"

say "running the cluster-tests profile (timeout $TEST_TIMEOUT s)"
cd "$ROOT"
timeout --signal=TERM --kill-after=60 "$TEST_TIMEOUT" ./mvnw -B -P cluster-tests -pl cluster-tests -am verify \
	-Dtest='io/github/dlm/cluster/**/*Tests' -Dsurefire.failIfNoSpecifiedTests=false \
	-Ddlm.cluster.attach="$STATE" -Ddlm.cluster.nodes="$NODES"
rc=$?
for f in "$STATE/fence.log" "$MAVEN_STATE/fence.log"; do
	[ -s "$f" ] && { say "fence log $f:"; cat "$f" >&2; }
done
if [ "$rc" -ne 0 ]; then
	say "FAILED: cluster tests exit $rc after $(( $(date +%s) - t0 )) s (logs: cluster-tests/target/failsafe-reports, cluster-tests/target/cluster/logs)"
	exit "$rc"
fi
say "cluster tests passed in $(( $(date +%s) - t0 )) s overall"
