#!/usr/bin/env python3
"""Turns the raw outputs of benchmarks/run.sh into results.json and RESULTS.md.

usage: report.py RAW_DIR OUT_DIR
       report.py --chart RESULTS_JSON OUT_DIR   (only the chart, from a run's results.json)

Every figure is a throughput (operations per second; for contended and shared scenarios the
total over all threads). A ratio is figure / anchor: above 1 the row is faster than the anchor.
"""
import glob
import json
import os
import re
import sys
from datetime import datetime, timezone

ANCHORS = ["c-loop", "default", "redis", "jdbc", "hazelcast"]
ANCHOR_TITLES = {
    "c-loop": "C loop (libdlm)",
    "default": "DefaultLockRegistry",
    "redis": "RedisLockRegistry",
    "jdbc": "JdbcLockRegistry",
    "hazelcast": "Hazelcast",
}
BACKEND_TITLES = {
    "local": "DLM registry, local engine",
    "local_cached": "DLM registry, node-level caching over the local engine",
    "native": "DLM registry, native (libdlm)",
    "native_cached": "DLM registry, node-level caching over native",
    "default": "SI DefaultLockRegistry",
    "redis": "SI RedisLockRegistry",
    "jdbc": "SI JdbcLockRegistry (PostgreSQL)",
    "hazelcast": "Hazelcast IMap.lock",
    "rwlock": "JDK ReentrantReadWriteLock (read)",
    "c-loop": "C on libdlm (dlm_lock_loop / dlm_handoff)",
}
SCENARIOS = {
    "uncontended.oneLock": "uncontended acquire+release, one lock, 1 thread",
    "uncontended.manyKeys": "obtain+acquire+release over 1024 distinct keys, 1 thread",
    "contended.threads2": "one EX lock, 2 threads contending (total)",
    "contended.threads4": "one EX lock, 4 threads contending (total)",
    "contended.threads8": "one EX lock, 8 threads contending (total)",
    "shared.threads8": "PR (shared) lock, 8 threads (total)",
    "annotation.annotated": "@DlmLocked method call (Spring proxy)",
    "annotation.rawRegistry": "registry.obtain+lock+call+unlock by hand",
    "handoff.inJvm": "EX ping-pong between 2 threads of one JVM (handoffs/s)",
    "handoff.crossNode": "EX ping-pong between 2 VM nodes (handoffs/s)",
}


def scenario_of(benchmark):
    cls, method = benchmark.split(".")[-2:]
    return cls[: -len("Benchmark")].lower() + "." + method


def load_jmh(raw):
    rows = []
    for path in sorted(glob.glob(os.path.join(raw, "*.json"))):
        where = "vm" if os.path.basename(path).startswith("vm-") else "host"
        with open(path) as f:
            text = f.read().strip()
        if not text:
            continue
        for entry in json.loads(text):
            metric = entry["primaryMetric"]
            score = metric["score"]
            error = metric.get("scoreError")
            if isinstance(error, str) or error != error:  # "NaN" or NaN with one iteration
                error = None
            rows.append({
                "scenario": scenario_of(entry["benchmark"]),
                "backend": entry.get("params", {}).get("backend", "?"),
                "where": where,
                "threads": entry.get("threads", 1),
                "ops_per_s": score,
                "error": error,
                "unit": metric["scoreUnit"],
                "source": "jmh",
            })
    return rows


def load_text(raw):
    rows = []
    cloop = os.path.join(raw, "vm-cloop.txt")
    if os.path.exists(cloop):
        m = re.search(r"ns_per_op=(\d+)", open(cloop).read())
        if m and int(m.group(1)) > 0:
            rows.append({"scenario": "uncontended.oneLock", "backend": "c-loop", "where": "vm", "threads": 1,
                         "ops_per_s": 1e9 / int(m.group(1)), "error": None, "unit": "ops/s",
                         "source": "dlm_lock_loop ns_per_op=" + m.group(1)})
    local = os.path.join(raw, "host-handoff-local.txt")
    if os.path.exists(local):
        m = re.search(r"handoff total handoffs=(\d+) seconds=([\d.]+) handoffs_per_s=([\d.]+) lvb_ok=(\w+)",
                      open(local).read())
        if m:
            rows.append({"scenario": "handoff.inJvm", "backend": "local", "where": "host", "threads": 2,
                         "ops_per_s": float(m.group(3)), "error": None, "unit": "handoffs/s",
                         "source": "HandoffDriver --pair, lvb_ok=" + m.group(4)})
    for kind, backend, source in (("native", "native", "HandoffDriver"), ("native_cached", "native_cached", "HandoffDriver"),
                                  ("c", "c-loop", "dlm_handoff.c")):
        handoffs, seconds, ok, nodes = 0, 0.0, True, 0
        for path in sorted(glob.glob(os.path.join(raw, "vm-handoff-%s-n*.txt" % kind))):
            m = re.search(r"handoff node=(\d+) handoffs=(\d+) grants=\d+ seconds=([\d.]+) "
                          r"handoffs_per_s=[\d.]+ lvb_ok=(\w+)", open(path).read())
            if m:
                nodes += 1
                handoffs += int(m.group(2))
                seconds = max(seconds, float(m.group(3)))
                ok = ok and m.group(4) in ("true", "1")
        if nodes == 2 and seconds > 0:
            rows.append({"scenario": "handoff.crossNode", "backend": backend, "where": "vm", "threads": 2,
                         "ops_per_s": handoffs / seconds, "error": None, "unit": "handoffs/s",
                         "source": "%s on 2 nodes, lvb_ok=%s" % (source, str(ok).lower())})
    return rows


DRIVER_LINE = re.compile(r"^(waiters|scaling|starvation) (.*)$")


def load_drivers(raw):
    """Lines of WaitersDriver and ScalingDriver (host-*.txt and vm-*.txt), as dicts."""
    out = {"waiters": [], "scaling": [], "starvation": []}
    for path in sorted(glob.glob(os.path.join(raw, "*-waiters*.txt")) + glob.glob(os.path.join(raw, "*-scaling*.txt"))
                       + glob.glob(os.path.join(raw, "*-starvation*.txt"))):
        where = "vm" if os.path.basename(path).startswith("vm-") else "host"
        for line in open(path):
            m = DRIVER_LINE.match(line.strip())
            if m:
                fields = dict(kv.split("=", 1) for kv in m.group(2).split())
                fields["where"] = where
                fields["file"] = os.path.basename(path)
                out[m.group(1)].append(fields)
    return out


def load_not_measured(raw):
    out = []
    path = os.path.join(raw, "not-measured.tsv")
    if os.path.exists(path):
        for line in open(path):
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                out.append({"scenario": parts[0], "backend": parts[1], "reason": parts[2]})
    return out


def find(rows, scenario, backend, where):
    for r in rows:
        if r["scenario"] == scenario and r["backend"] == backend and r["where"] == where:
            return r
    return None


def add_ratios(rows):
    for r in rows:
        ratios = {}
        for anchor in ANCHORS:
            if anchor == r["backend"]:
                continue
            a = find(rows, r["scenario"], anchor, r["where"])
            note = None
            if a is None and r["where"] == "vm" and anchor != "c-loop":
                a = find(rows, r["scenario"], anchor, "host")
                note = "cross-environment: this row ran in a VM, the anchor on the host"
            if a is not None and a["ops_per_s"] > 0:
                ratios[anchor] = {"ratio": r["ops_per_s"] / a["ops_per_s"]}
                if note:
                    ratios[anchor]["note"] = note
        if r["scenario"] == "shared.threads8" and r["backend"] != "rwlock":
            a = find(rows, r["scenario"], "rwlock", r["where"])
            if a:
                ratios["rwlock"] = {"ratio": r["ops_per_s"] / a["ops_per_s"]}
        if r["scenario"] == "annotation.annotated":
            a = find(rows, "annotation.rawRegistry", r["backend"], r["where"])
            if a:
                ratios["rawRegistry"] = {"ratio": r["ops_per_s"] / a["ops_per_s"]}
        r["ratios"] = ratios


def fmt_ops(v):
    if v >= 1e6:
        return "%.2f M" % (v / 1e6)
    if v >= 1e3:
        return "%.1f k" % (v / 1e3)
    return "%.1f" % v


def fmt_ratio(entry):
    if entry is None:
        return "–"
    v = entry["ratio"]
    if v >= 100:
        s = "%.0fx" % v
    elif v >= 10:
        s = "%.1fx" % v
    elif v >= 0.1:
        s = "%.2fx" % v
    else:
        s = "%.2gx" % v
    return s + ("†" if entry.get("note") else "")


def targets(rows):
    out = []
    local = find(rows, "uncontended.oneLock", "local", "host")
    if local and "default" in local["ratios"]:
        v = local["ratios"]["default"]["ratio"]
        out.append(("local engine within 2x of DefaultLockRegistry (uncontended, host)",
                    "%.2gx of DefaultLockRegistry's throughput (needs >= 0.5x)" % v, v >= 0.5))
    else:
        out.append(("local engine within 2x of DefaultLockRegistry", "not measured", None))
    native = find(rows, "uncontended.oneLock", "native", "vm")
    if native and "c-loop" in native["ratios"]:
        v = native["ratios"]["c-loop"]["ratio"]
        out.append(("native uncontended within 1.3x of the C loop (same VM node)",
                    "%.3fx of the C loop's throughput (needs >= %.3fx)" % (v, 1 / 1.3), v >= 1 / 1.3))
    else:
        out.append(("native uncontended within 1.3x of the C loop", "not measured", None))
    for backend, where in (("native", "vm"), ("local", "host")):
        r = find(rows, "uncontended.oneLock", backend, where)
        for anchor in ("redis", "jdbc"):
            name = "%s at least 10x faster than %s (uncontended, %s)" % (
                backend, ANCHOR_TITLES[anchor], "same VM node" if where == "vm" else "host")
            if r and anchor in r["ratios"]:
                e = r["ratios"][anchor]
                if e.get("note"):
                    # No anchor in the VM node: a host anchor is not comparable, so no verdict.
                    out.append((name, "%.1fx, but against the host's %s (no same-node anchor): not comparable"
                                % (e["ratio"], ANCHOR_TITLES[anchor]), None))
                else:
                    out.append((name, "%.1fx" % e["ratio"], e["ratio"] >= 10))
            else:
                out.append((name, "not measured", None))
    native = find(rows, "handoff.crossNode", "native", "vm")
    c = find(rows, "handoff.crossNode", "c-loop", "vm")
    name = "native cross-node handoff within 1.5x of the C handoff (same 2 VM nodes)"
    if native and c and "c-loop" in native["ratios"]:
        v = native["ratios"]["c-loop"]["ratio"]
        checks = "" if "lvb_ok=true" in native["source"] and "lvb_ok=true" in c["source"] else \
            " (an exclusion check failed: see the handoff rows)"
        out.append((name, "%.3fx of the C handoff's rate (needs >= %.3fx)%s" % (v, 1 / 1.5, checks),
                    v >= 1 / 1.5 and not checks))
    else:
        out.append((name, "not measured", None))
    return out


def caching_targets(rows, drivers):
    """The targets of node-level caching and the native path (ratios in one run; goals, not assertions)."""
    out = []
    for backend, where in (("local_cached", "host"), ("native_cached", "vm")):
        r = find(rows, "uncontended.oneLock", backend, where)
        name = "cached repeated acquire+release, 1 thread, >= 0.3x DefaultLockRegistry (%s, %s)" % (backend, where)
        if r and "default" in r["ratios"] and not r["ratios"]["default"].get("note"):
            v = r["ratios"]["default"]["ratio"]
            out.append((name, "%.2gx" % v, v >= 0.3))
        else:
            out.append((name, "not measured", None))
    native = find(rows, "uncontended.oneLock", "native", "vm")
    name = "first acquire+release of a key, native, >= 1.0x the C loop over dlm_ls_lock_wait (same VM node)"
    if native and "c-loop" in native["ratios"]:
        v = native["ratios"]["c-loop"]["ratio"]
        out.append((name, "%.3fx" % v, v >= 1.0))
    else:
        out.append((name, "not measured", None))
    for backend in ("native", "native_cached"):
        r = find(rows, "handoff.crossNode", backend, "vm")
        name = "cross-node handoff >= 1.0x the C handoff (%s, same 2 VM nodes)" % backend
        if r and "c-loop" in r["ratios"]:
            v = r["ratios"]["c-loop"]["ratio"]
            out.append((name, "%.3fx" % v, v >= 1.0))
        else:
            out.append((name, "not measured", None))
    for w in drivers["waiters"]:
        threads = int(w.get("threads", 0))
        if threads < 10000:
            continue
        name = "10 000 waiters on one key: one DLM lock, no native thread per waiter (%s, %s, %s threads)" % (
            w.get("backend"), w["where"], "virtual" if w.get("virtual") == "true" else "platform")
        locks, os_threads = int(w.get("dlm_locks", -1)), int(w.get("os_threads", 0))
        measured = "%s DLM locks, %d OS threads" % ("unreadable" if locks < 0 else locks, os_threads)
        out.append((name, measured, None if locks < 0 else (locks == 1 and os_threads < threads)))
    return out


def write_markdown(path, env, rows, not_measured, goal_rows, drivers):
    mode = env.get("mode", "?")
    lines = ["# Benchmark results (%s run)" % mode, ""]
    if mode == "smoke":
        lines += ["**Smoke run: 1 fork, 1 x 1 s warm-up, 1 x 1 s measurement, on a shared machine. "
                  "These figures only show that every benchmark runs; they are noise, not measurements.**", ""]
    lines += ["Generated %s by `benchmarks/run.sh`." % env.get("generated"), ""]
    for k in ("jmh_opts", "host", "load_before", "elapsed_s"):
        if k in env:
            lines.append("- %s: `%s`" % (k, env[k]))
    for k, v in env.items():
        if k.startswith("vm_"):
            lines.append("- %s: `%s`" % (k, v))
    lines += ["", "Throughput in operations per second (contended/shared: total over all threads). "
              "Ratio = row / anchor: above 1 the row is faster. A row's anchors ran where the row ran: host rows "
              "against the host's peers, VM rows against peers run on the same VM node (node 1; TCG software "
              "emulation when KVM is unusable). † = that node had no such anchor, so the ratio is against the "
              "host's and understates the VM row: not comparable.", ""]
    lines.append("| scenario | backend | where | ops/s | ± error | µs/op | vs " +
                 " | vs ".join(ANCHOR_TITLES[a] for a in ANCHORS) + " | other |")
    lines.append("|" + "---|" * (6 + len(ANCHORS) + 1))
    order = list(SCENARIOS)
    backends = list(BACKEND_TITLES)
    rows_sorted = sorted(rows, key=lambda r: (order.index(r["scenario"]) if r["scenario"] in order else 99,
                                              r["where"] != "host",
                                              backends.index(r["backend"]) if r["backend"] in backends else 99))
    for r in rows_sorted:
        other = []
        for k in ("rwlock", "rawRegistry"):
            if k in r["ratios"]:
                other.append("vs %s %s" % (k, fmt_ratio(r["ratios"][k])))
        if r["source"] != "jmh":
            other.append(r["source"])
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["scenario"], BACKEND_TITLES.get(r["backend"], r["backend"]), r["where"], fmt_ops(r["ops_per_s"]),
            fmt_ops(r["error"]) if r["error"] is not None else "–",
            "%.3f" % (1e6 / r["ops_per_s"]) if r["ops_per_s"] > 0 else "–",
            " | ".join(fmt_ratio(r["ratios"].get(a)) for a in ANCHORS), ", ".join(other) or ""))
    lines += driver_sections(drivers)
    if os.path.exists(os.path.join(os.path.dirname(path), CHART)):
        lines += ["", "## Headline ratios", "", "![headline ratios](%s)" % CHART, "",
                  "Generated by `report.py` from the rows above (log scale; 1 = as fast as the anchor)."]
    lines += ["", "## Scenarios", ""]
    for k, v in SCENARIOS.items():
        lines.append("- `%s`: %s" % (k, v))
    lines += ["", "## Targets (goals, not assertions)", "", "| goal | measured | met |", "|---|---|---|"]
    for name, measured, met in goal_rows:
        lines.append("| %s | %s | %s |" % (name, measured, "–" if met is None else ("yes" if met else "**no**")))
    lines += ["", "## Not measured", ""]
    if not not_measured:
        lines.append("Nothing: every row ran.")
    for n in not_measured:
        lines.append("- %s / %s: not measured (%s)" % (n["scenario"], n["backend"], n["reason"]))
    lines += ["", "## Notes", "",
              "- Hazelcast: Spring Boot 4.1 manages Hazelcast 5.5.0, whose Community edition refuses the CP "
              "subsystem (`FencedLock`: \"CP subsystem is a licensed feature\"); the anchor is `IMap.lock(key)` "
              "on one embedded member on loopback, the lock a Community user has.",
              "- Where each peer runs: host rows' Redis and PostgreSQL run on the host's loopback, started by "
              "run.sh from the host's Debian packages; VM rows' Redis and PostgreSQL run on VM node 1's loopback "
              "(Debian's packages in the cluster image, started by vm-servers.sh), beside the JMH JVM, so they "
              "share its one emulated CPU as the host's share the host's cores. DefaultLockRegistry, Hazelcast "
              "(one embedded member) and the local engine run inside the benchmark JVM, on the host for host "
              "rows and on node 1 for VM rows. Redis runs without persistence, PostgreSQL with its default "
              "durability (fsync on).",
              "- Contended rows: the DLM grants waiters in queue order (every release hands the lock to the next "
              "waiter, a thread switch); ReentrantLock-based registries let the releasing thread barge back in.",
              "- Handoff rows count grants whose previous holder (read from the lock value block) was the other "
              "side. The value block also checks exclusion on every grant (lvb_ok): it holds a counter and one "
              "slot per node with the turns that node published; a node whose slot is behind its own count lost "
              "an update to a second holder. `dlm_handoff -U` injects such a lost update to show the check "
              "fails (vm_handoff_exclusion_check above)."]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def driver_sections(drivers):
    lines = []
    if drivers["waiters"]:
        lines += ["", "## Many waiters on one key (`WaitersDriver`)", "",
                  "The main thread holds one key in EX while T threads call `lock()` on it; once every request is "
                  "queued (the lockspace's DLM lock count steady for 1 s) the footprint is read and the key released; "
                  "drain = until every waiter had its turn. Memory is above what the process used before the "
                  "threads started, per waiter.", "",
                  "| backend | where | threads | kind | DLM locks | OS threads | queued (s) | drain (s) | grants/s "
                  "| RSS per waiter | heap per waiter | counter |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for w in drivers["waiters"]:
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s B | %s B | %s |" % (
                w.get("backend"), w["where"], w.get("threads"), "virtual" if w.get("virtual") == "true" else "platform",
                "unreadable" if w.get("dlm_locks") == "-1" else w.get("dlm_locks"), w.get("os_threads"),
                w.get("queued_s"), w.get("drain_s"), w.get("grants_per_s"), w.get("rss_bytes_per_waiter"),
                w.get("heap_bytes_per_waiter"), "ok" if w.get("counter_ok") == "true" else "**lost updates**"))
    if drivers["scaling"]:
        lines += ["", "## Distinct keys (`ScalingDriver`)", "",
                  "One thread takes and releases keys it never used before, a decade at a time; memory is what stays "
                  "behind per key taken so far (heap after a collection, resident set), DLM locks what the lock "
                  "manager still holds in the lockspace.", "",
                  "| backend | where | keys in decade | ops/s | heap per key | RSS per key | DLM locks after |",
                  "|---|---|---|---|---|---|---|"]
        for r in drivers["scaling"]:
            lines.append("| %s | %s | %s | %s | %s B | %s B | %s |" % (
                r.get("backend"), r["where"], r.get("keys"), fmt_ops(float(r.get("ops_per_s", 0))),
                r.get("heap_bytes_per_key"), r.get("rss_bytes_per_key"),
                "unreadable" if r.get("dlm_locks") == "-1" else r.get("dlm_locks")))
    if drivers["starvation"]:
        lines += ["", "## One side hot, one cold (`StarvationDriver`)", "",
                  "The hot side takes and releases one EX key in a loop (50 µs inside); the cold side asks for it "
                  "every 100 ms: its waits show whether the hot side can keep it from a waiter.", "",
                  "| run | cold waits | p50 (ms) | p99 (ms) | max (ms) | hot acquisitions/s |", "|---|---|---|---|---|---|"]
        runs = {}
        for r in drivers["starvation"]:
            runs.setdefault(r["file"].split("-n")[0].replace(".txt", ""), {})[r.get("role")] = r
        for name, sides in sorted(runs.items()):
            cold, hot = sides.get("cold", {}), sides.get("hot", {})
            lines.append("| %s | %s | %s | %s | %s | %s |" % (name, cold.get("waits", "–"), cold.get("p50_ms", "–"),
                                                             cold.get("p99_ms", "–"), cold.get("max_ms", "–"),
                                                             hot.get("per_s", "–")))
    return lines


CHART = "ratios.svg"


def headline_ratios(rows):
    """(label, ratio) pairs for the chart: the DLM rows against the anchors users compare them with."""
    picks = [
        ("uncontended.oneLock", "local", "host", "default", "local engine vs DefaultLockRegistry (host)"),
        ("uncontended.oneLock", "local", "host", "redis", "local engine vs RedisLockRegistry (host)"),
        ("uncontended.oneLock", "local", "host", "jdbc", "local engine vs JdbcLockRegistry (host)"),
        ("uncontended.oneLock", "local_cached", "host", "default", "cached, local engine vs DefaultLockRegistry (host)"),
        ("uncontended.oneLock", "native", "vm", "c-loop", "native vs C loop on libdlm (VM)"),
        ("uncontended.oneLock", "native_cached", "vm", "c-loop", "cached native vs C loop on libdlm (VM)"),
        ("uncontended.oneLock", "native", "vm", "redis", "native vs RedisLockRegistry (VM)"),
        ("uncontended.oneLock", "native", "vm", "jdbc", "native vs JdbcLockRegistry (VM)"),
        ("uncontended.oneLock", "native", "vm", "hazelcast", "native vs Hazelcast IMap.lock (VM)"),
        ("contended.threads4", "native", "vm", "redis", "native, 4 threads contending, vs Redis (VM)"),
        ("handoff.crossNode", "native", "vm", "c-loop", "cross-node handoff vs C handoff (VM)"),
        ("handoff.crossNode", "native_cached", "vm", "c-loop", "cached cross-node handoff vs C handoff (VM)"),
    ]
    out = []
    for scenario, backend, where, anchor, label in picks:
        r = find(rows, scenario, backend, where)
        # a ratio of 0 (a row that measured nothing, e.g. no handoff in a short window) has no bar
        if r and anchor in r["ratios"] and not r["ratios"][anchor].get("note") and r["ratios"][anchor]["ratio"] > 0:
            out.append((label, r["ratios"][anchor]["ratio"]))
    return out


def write_chart(path, bars):
    """A horizontal bar chart of ratios on a log scale, as plain SVG (no plotting library needed)."""
    import math
    if not bars:
        if os.path.exists(path):
            os.remove(path)
        return
    lo = math.floor(min(math.log10(v) for _, v in bars) if bars else -1)
    hi = math.ceil(max(math.log10(v) for _, v in bars) if bars else 1)
    lo, hi = min(lo, -1), max(hi, 1)
    left, width, bar_h, gap, top = 330, 420, 18, 8, 30
    height = top + len(bars) * (bar_h + gap) + 30

    def x(v):
        return left + (math.log10(v) - lo) / (hi - lo) * width

    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">'
           % (left + width + 70, height),
           '<text x="%d" y="18" font-weight="bold">Throughput ratio, DLM starter / anchor (log scale)</text>' % left]
    for e in range(lo, hi + 1):
        gx = x(10 ** e)
        svg.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>'
                   % (gx, top - 4, gx, height - 24, "#333" if e == 0 else "#ddd"))
        svg.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (gx, height - 8, fmt_ratio({"ratio": 10 ** e})))
    for i, (label, v) in enumerate(bars):
        y = top + i * (bar_h + gap)
        x0, x1 = x(1), x(v)
        colour = "#2e7d32" if v >= 1 else "#c62828"
        svg.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 8, y + 13, label))
        svg.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>'
                   % (min(x0, x1), y, max(abs(x1 - x0), 1), bar_h, colour))
        svg.append('<text x="%.1f" y="%d">%s</text>' % (max(x0, x1) + 4, y + 13, fmt_ratio({"ratio": v})))
    svg.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")


def main():
    if sys.argv[1] == "--chart":
        with open(sys.argv[2]) as f:
            write_chart(os.path.join(sys.argv[3], CHART), headline_ratios(json.load(f)["rows"]))
        return
    raw, out = sys.argv[1], sys.argv[2]
    env = {}
    env_path = os.path.join(raw, "env.txt")
    if os.path.exists(env_path):
        for line in open(env_path):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = v
    env["generated"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = load_jmh(raw) + load_text(raw)
    add_ratios(rows)
    not_measured = load_not_measured(raw)
    drivers = load_drivers(raw)
    goal_rows = targets(rows) + caching_targets(rows, drivers)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"environment": env, "rows": rows, "not_measured": not_measured,
                   "targets": [{"goal": g, "measured": m, "met": t} for g, m, t in goal_rows]}, f, indent=2)
    write_chart(os.path.join(out, CHART), headline_ratios(rows))
    write_markdown(os.path.join(out, "RESULTS.md"), env, rows, not_measured, goal_rows, drivers)


if __name__ == "__main__":
    main()
