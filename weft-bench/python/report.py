"""Turns the raw output of one benchmark run into a table with ratios, and records it.

    python3 report.py switch|queue|million RAW_DIR RESULTS_DIR

Reads RAW_DIR (written by weft-bench/run), prints a Markdown table to stdout, writes
RESULTS_DIR/<bench>.json (the latest run, replaced) and appends one line to
RESULTS_DIR/history.jsonl. Every figure is a median: over all JMH measurement iterations of
all forks, over the repeats of a Python script, or over the processes of `million`.
"""

import json
import os
import statistics
import sys
import time

GIB = 1024 ** 3


def median(xs):
    return statistics.median(xs) if xs else None


def load_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def load_jmh(raw_dir):
    """{short benchmark name: {"median", "min", "max", "n", "unit"}} from JMH's JSON."""
    path = os.path.join(raw_dir, "jmh.json")
    if not os.path.exists(path):
        return {}
    out = {}
    with open(path) as f:
        for b in json.load(f):
            name = b["benchmark"].rsplit(".", 1)[1]
            samples = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
            out[name] = {"median": median(samples), "min": min(samples), "max": max(samples),
                         "n": len(samples), "unit": b["primaryMetric"]["scoreUnit"],
                         "jvm_args": b.get("jvmArgs", []), "jdk": b.get("vmVersion", "")}
    return out


def load_python(raw_dir):
    out = {}
    for r in load_jsonl(os.path.join(raw_dir, "asyncio.jsonl")):
        s = r["samples"]
        out[r["contender"]] = {"median": r["median"], "min": min(s), "max": max(s), "n": len(s),
                               "unit": r["unit"], "runtime": r["runtime"]}
    return out


def fmt(x, digits=0):
    if x is None:
        return "-"
    return f"{x:,.{digits}f}"


def spread(m, digits=0):
    return f"{fmt(m['min'], digits)} to {fmt(m['max'], digits)}"


# ---------------------------------------------------------------- switch

SWITCH_GROUPS = [
    # (Weft benchmark, title, [(peer key, peer label)])
    ("weftYield", "yield to the other task (Weft.yieldNow)", [
        ("asyncio-sleep0", "CPython asyncio: await asyncio.sleep(0)"),
        ("kotlinYield", "Kotlin: yield() in runBlocking"),
        ("virtualThreadYieldParallelism1", "JDK virtual threads: Thread.yield(), 1 carrier"),
    ]),
    ("weftFuture", "wake the other task through a fresh future (dev.weft.Future)", [
        ("asyncio-future", "CPython asyncio: loop.create_future()"),
        ("kotlinDeferred", "Kotlin: CompletableDeferred in runBlocking"),
        ("virtualThreadFuture", "JDK virtual threads, default scheduler: CompletableFuture.join()"),
    ]),
    ("weftParkUnpark", "park/unpark hand-off (LockSupport inside Weft tasks)", [
        ("virtualThreadParkUnpark", "JDK virtual threads, default scheduler: park/unpark"),
        ("virtualThreadParkUnparkParallelism1", "JDK virtual threads, 1 carrier: park/unpark"),
    ]),
]


def report_switch(raw_dir):
    m = load_jmh(raw_dir)
    m.update(load_python(raw_dir))
    lines = ["| what | contender | ns/switch (median) | range | peer / Weft |",
             "| --- | --- | ---: | ---: | ---: |"]
    summary = {}
    for weft_key, title, peers in SWITCH_GROUPS:
        w = m.get(weft_key)
        if w is None:
            continue
        lines.append(f"| {title} | **Weft** | **{fmt(w['median'])}** | {spread(w)} | 1.0 |")
        summary[weft_key] = w["median"]
        for key, label in peers:
            p = m.get(key)
            if p is None:
                continue
            ratio = p["median"] / w["median"]
            summary[key] = p["median"]
            lines.append(f"| | {label} | {fmt(p['median'])} | {spread(p)} | {ratio:.2f} |")
    goals = []
    if "weftYield" in summary and "asyncio-sleep0" in summary:
        r = summary["asyncio-sleep0"] / summary["weftYield"]
        goals.append(("Weft yield >= 10x faster than asyncio sleep(0)", r >= 10, f"{r:.1f}x"))
    if "weftFuture" in summary and "asyncio-future" in summary:
        r = summary["asyncio-future"] / summary["weftFuture"]
        goals.append(("Weft future hand-off >= 10x faster than asyncio's", r >= 10, f"{r:.1f}x"))
    if "weftYield" in summary and "kotlinYield" in summary:
        r = summary["weftYield"] / summary["kotlinYield"]
        goals.append(("Weft yield within 2x of Kotlin yield()", r <= 2, f"Weft takes {r:.1f}x Kotlin's time"))
    if "weftFuture" in summary and "kotlinDeferred" in summary:
        r = summary["weftFuture"] / summary["kotlinDeferred"]
        goals.append(("Weft future within 2x of Kotlin CompletableDeferred", r <= 2,
                      f"Weft takes {r:.1f}x Kotlin's time"))
    return lines, goals, {"medians_ns_per_switch": summary, "all": m}


# ---------------------------------------------------------------- queue

QUEUE_GROUPS = [
    # (Weft candidates in order of preference, title, peers)
    ([("weftQueue1024", "Weft Queue(1024)"),
      ("weftJdkArrayBlockingQueue1024", "Weft tasks + JDK ArrayBlockingQueue(1024) [baseline]")],
     "bounded queue, capacity 1024", [
        ("asyncio-queue1024", "CPython asyncio.Queue(1024)"),
        ("virtualThreadArrayBlockingQueue1024", "JDK ArrayBlockingQueue(1024), 2 virtual threads"),
        ("kotlinChannel1024", "Kotlin Channel(1024) in runBlocking"),
    ]),
    ([("weftQueue1", "Weft Queue(1)"),
      ("weftFutureRendezvous", "Weft future hand-off per message [baseline]")],
     "hand-off / capacity 1", [
        ("asyncio-queue1", "CPython asyncio.Queue(1)"),
        ("virtualThreadSynchronousQueue", "JDK SynchronousQueue, 2 virtual threads"),
        ("kotlinChannelRendezvous", "Kotlin rendezvous Channel() in runBlocking"),
    ]),
]


def report_queue(raw_dir):
    m = load_jmh(raw_dir)
    m.update(load_python(raw_dir))
    lines = ["| what | contender | messages/s (median) | ns/message | Weft / peer |",
             "| --- | --- | ---: | ---: | ---: |"]
    summary = {}
    goals = []
    for candidates, title, peers in QUEUE_GROUPS:
        weft = [(k, label) for k, label in candidates if k in m]
        if not weft:
            continue
        # Every Weft variant present is listed; the first one is the reference for the ratios.
        ref_key = weft[0][0]
        for k, label in weft:
            w = m[k]
            rate = 1e9 / w["median"]
            summary[k] = rate
            rel = "1.0" if k == ref_key else f"{rate / (1e9 / m[ref_key]['median']):.2f}"
            shown = title if k == ref_key else ""
            lines.append(f"| {shown} | **{label}** | **{fmt(rate)}** | {fmt(w['median'], 1)} | {rel} |")
        ref_rate = 1e9 / m[ref_key]["median"]
        for key, label in peers:
            p = m.get(key)
            if p is None:
                continue
            rate = 1e9 / p["median"]
            summary[key] = rate
            lines.append(f"| | {label} | {fmt(rate)} | {fmt(p['median'], 1)} | {ref_rate / rate:.2f} |")
    if "weftQueue1024" not in m:
        goals.append(("Weft's own dev.weft.queue.Queue measured", False,
                      "TODO: not in weft-core yet; WeftQueueBench compiles and runs once it is"))
    return lines, goals, {"medians_messages_per_s": summary, "all": m}


# ---------------------------------------------------------------- million

def report_million(raw_dir):
    runs = load_jsonl(os.path.join(raw_dir, "time.jsonl"))
    mem = load_jsonl(os.path.join(raw_dir, "memory.jsonl"))
    groups = {}
    for r in runs:
        groups.setdefault((r["contender"], r["config"]), []).append(r)
    order = ["launcher", "young3g", "young3g+warm", "young3g+traps", "cpython"]
    label = {"weft": "**Weft**", "vthreads": "JDK virtual threads", "asyncio": "CPython asyncio"}
    lines = ["| contender | JVM config | wall s, spawn to all done (median) | range | process wall s | "
             "peak RSS MiB | runs |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    summary = {}
    for config in order:
        for contender in ("weft", "vthreads", "asyncio"):
            rs = groups.get((contender, config))
            if not rs:
                continue
            walls = [r["wall_s"] for r in rs]
            rss = [r.get("process_maxrss_bytes") or r["vmhwm_bytes"] for r in rs]
            pw = [r["process_wall_s"] for r in rs]
            summary[f"{contender}/{config}"] = {"wall_s": median(walls), "peak_rss_bytes": median(rss),
                                                "process_wall_s": median(pw), "runs": len(rs)}
            lines.append(f"| {label[contender]} | {config} | {fmt(median(walls), 2)} | "
                         f"{fmt(min(walls), 2)} to {fmt(max(walls), 2)} | {fmt(median(pw), 2)} | "
                         f"{fmt(median(rss) / 2**20)} | {len(rs)} |")
    lines += ["", "| contender | heap after GC, all parked: bytes/task | RSS growth: bytes/task | "
                  "RSS with all parked MiB | peak RSS MiB |",
              "| --- | ---: | ---: | ---: | ---: |"]
    for r in mem:
        heap = r.get("heap_per_task_bytes")
        summary[f"{r['contender']}/memory"] = {k: r.get(k) for k in (
            "heap_per_task_bytes", "rss_per_task_bytes", "rss_parked_bytes", "vmhwm_bytes")}
        lines.append(f"| {label[r['contender']]} | {fmt(heap) if heap is not None else 'n/a (no separate heap)'} | "
                     f"{fmt(r['rss_per_task_bytes'])} | {fmt(r['rss_parked_bytes'] / 2**20)} | "
                     f"{fmt(r['vmhwm_bytes'] / 2**20)} |")
    goals = []
    sizes = {r["tasks"] for r in runs}
    if sizes != {1_000_000}:
        goals.append(("goals (1,000,000 tasks) assessed", False, f"not assessed: this run used {sorted(sizes)} tasks"))
        return lines, goals, summary
    for config in ("launcher", "young3g", "young3g+warm"):
        s = summary.get(f"weft/{config}")
        if s:
            goals.append((f"Weft 1M tasks under 3 s [{config}]", s["wall_s"] < 3, f"{s['wall_s']:.2f} s"))
            goals.append((f"Weft 1M tasks under 1 GiB RSS [{config}]", s["peak_rss_bytes"] < GIB,
                          f"{s['peak_rss_bytes'] / GIB:.2f} GiB"))
    return lines, goals, summary


def main():
    bench, raw_dir, results_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    lines, goals, summary = {"switch": report_switch, "queue": report_queue,
                             "million": report_million}[bench](raw_dir)
    env = {}
    for name in ("env-before.json", "env-after.json"):
        p = os.path.join(raw_dir, name)
        if os.path.exists(p):
            with open(p) as f:
                env[name[:-5]] = json.load(f)
    print()
    print(f"## {bench}  ({raw_dir})")
    print()
    print("\n".join(lines))
    if goals:
        print()
        for text, met, detail in goals:
            print(f"- {'MET    ' if met else 'NOT MET'}  {text}: {detail}")
    before, after = env.get("env-before", {}), env.get("env-after", {})
    if before:
        print()
        print(f"{before.get('java')}; {before.get('python')}; {before.get('cpus')} CPUs; load average "
              f"{before.get('loadavg', ['?'])[0]:.2f} before, {after.get('loadavg', ['?'])[0]:.2f} after"
              + ("; QUICK RUN, not for reporting" if before.get("quick") else ""))
    record = {"bench": bench, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "raw": raw_dir,
              "env": env, "goals": [{"goal": g, "met": m, "detail": d} for g, m, d in goals], "summary": summary}
    os.makedirs(results_dir, exist_ok=True)
    with open(os.path.join(results_dir, f"{bench}.json"), "w") as f:
        json.dump(record, f, indent=2)
    with open(os.path.join(results_dir, "history.jsonl"), "a") as f:
        f.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
