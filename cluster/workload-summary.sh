#!/usr/bin/env bash
# workload-summary.sh TABLE...: one fault × system matrix from fault workload tables
# (results/WORKLOAD.md and the like, as workload.sh writes them): a row per fault kind, a
# column per system, each cell "lost updates / overlaps / fault → next grant (s)" (and the
# stale writes, from tables that count them), then each table's whole runs' lost updates. Columns are found by their header, so tables with and without
# the "stale writes" column mix; a (system, fault) row found in several tables is taken from
# the last one given.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: workload-summary.sh TABLE..." >&2; exit 2; }
awk -F'|' '
function trim(s) { gsub(/^ +| +$/, "", s); return s }
/^\| system \|/ {
	delete col
	for (i = 2; i < NF; i++) col[trim($i)] = i
	next
}
/^\|---/ { next }
/^\| / && ("system" in col) {
	system_ = trim($(col["system"])); fault = trim($(col["fault"]))
	if (fault == "whole run") { n = split(FILENAME, path, "/"); fault = "whole run, " path[n] }
	if (!(system_ in seenSystem)) { seenSystem[system_] = 1; systems[++ns] = system_ }
	if (!(fault in seenFault)) { seenFault[fault] = 1; faults[++nf] = fault }
	lost = trim($(col["lost updates"])); over = trim($(col["overlaps"]))
	grant = trim($(col["fault → next grant (s)"]))
	if (fault ~ /^whole run/) cell[fault, system_] = lost
	else cell[fault, system_] = lost " / " over " / " ((grant == "") ? "–" : grant)
	if (fault !~ /^whole run/ && ("stale writes" in col) && trim($(col["stale writes"])) != "0")
		cell[fault, system_] = cell[fault, system_] "; " trim($(col["stale writes"])) " stale"
}
END {
	order = "partition pause-node pause-jvm kill-jvm kill-node clock-forward clock-back"
	n = split(order, known, " ")
	line = "| fault |"; rule = "|---|"
	for (s = 1; s <= ns; s++) { line = line " " systems[s] " |"; rule = rule "---|" }
	print line; print rule
	for (f = 1; f <= nf; f++) if (faults[f] ~ /^whole run/) known[++n] = faults[f]
	for (k = 1; k <= n; k++) {
		fault = known[k]
		if (!(fault in seenFault)) continue
		line = "| " fault " |"
		for (s = 1; s <= ns; s++) line = line " " (((fault, systems[s]) in cell) ? cell[fault, systems[s]] : (fault ~ /^whole run/) ? "" : "not run") " |"
		print line
	}
}' "$@"
