"""Drives the HTTP benchmark (docs/benchmarks.md section 5).

    python3 httpbench.py [client|delay|server|all] --raw RAW_DIR --results RESULTS_DIR \
        --java JAVA --cp CLASSPATH [--quick] [--jvm-arg ARG ...]

(normally through ./weft bench http [--quick]).

  client  20,000 GETs (after a 5,000-request warm-up on the same client) at concurrency 256 to one
          neutral server, Netty 4.2 epoll HTTP hello world (dev.weft.bench.http.HttpBenchServer netty),
          pinned to CPU 0; each client in its own JVM pinned to CPU 1: Weft ClientSession(limit 256,
          256 tasks), JDK HttpClient sendAsync + Semaphore(256), JDK HttpClient send() on 256 virtual
          threads. requests/s, client CPU per request (process CPU time, all threads), server CPU.
  delay   10,000 GETs of /delay/0.2 from Weft's httpbin (its own JVM, one loop, CPU 0; after one
          unrecorded warm-up run) at concurrency 1,000 with ClientSession(limit 1000), after a
          5,000-request warm-up in the client: wall time against the ideal 10,000 / 1,000 x 0.2 s = 2.0 s.
  server  wrk -t2 -c100 -d10s (keep-alive) against Weft HttpServer and Netty hello world, each
          server pinned to CPU 0 with one loop, wrk pinned to CPU 1.

Prints Markdown tables; writes RESULTS_DIR/http.json and appends to RESULTS_DIR/history.jsonl.
"""

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
TASKSET = shutil.which("taskset") if (os.cpu_count() or 1) >= 2 else None
ARGS = None


def log(msg):
    print("# " + msg, file=sys.stderr, flush=True)


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def pinned(cmd, cpu):
    return ([TASKSET, "-c", cpu] + cmd) if TASKSET and cpu else cmd


def java(main, *args):
    return [ARGS.java] + ARGS.jvm_arg + ["-cp", ARGS.cp, main] + [str(a) for a in args]


class Server:
    def __init__(self, kind, cpu="0"):
        self.kind = kind
        self.proc = subprocess.Popen(pinned(java("dev.weft.bench.http.HttpBenchServer", kind, 0), cpu),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(os.path.join(ARGS.raw, f"server-{kind}.err"), "a"), text=True)
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit(f"server {kind} did not start")
            if line.startswith("READY "):
                info = json.loads(line[6:])
                self.port, self.pid = info["port"], info["pid"]
                break
        log(f"server {kind} on port {self.port} (pid {self.pid})")

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def run_client(kind, url, n, conc, warm, cpu="1", server=None):
    cmd = pinned(java("dev.weft.bench.http.HttpFanout", kind, url, n, conc, warm), cpu)
    s0 = cpu_ticks(server.pid) if server else 0
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    s1 = cpu_ticks(server.pid) if server else 0
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise SystemExit(f"client {kind} failed:\n{out.stderr[-3000:]}")
    res = json.loads(lines[-1])
    # server CPU over the whole client process (warm-up included), per request of warm-up + measured
    res["server_cpu_us_per_req"] = round((s1 - s0) / CLK_TCK * 1e6 / (n + warm), 1)
    res["loadavg"] = loadavg()
    with open(os.path.join(ARGS.raw, "client.jsonl"), "a") as f:
        f.write(json.dumps(res) + "\n")
    log(json.dumps(res))
    return res


def bench_client():
    n, warm, runs = (5000, 1000, 1) if ARGS.quick else (20000, 5000, int(os.environ.get("HTTP_RUNS", "3")))
    server = Server("netty")
    url = f"http://127.0.0.1:{server.port}/"
    results = {}
    try:
        log("server warm-up (not recorded)")
        run_client("jdk-vt", url, n // 2, 256, 0, server=server)
        for r in range(runs):
            for kind in ("weft", "jdk-async", "jdk-vt"):
                results.setdefault(kind, []).append(run_client(kind, url, n, 256, warm, server=server))
    finally:
        server.stop()
    rows = {}
    for kind, rs in results.items():
        rows[kind] = {
            "rps": statistics.median(x["rps"] for x in rs),
            "rps_all": [x["rps"] for x in rs],
            "cpu_us_per_req": statistics.median(x["cpu_us_per_req"] for x in rs),
            "server_cpu_us_per_req": statistics.median(x["server_cpu_us_per_req"] for x in rs),
            "failures": sum(x["failures"] for x in rs),
        }
    w = rows["weft"]
    print(f"\n### client fan-out: {n} GETs, concurrency 256, Netty hello-world server on CPU 0, client on CPU 1"
          f" (median of {runs})\n")
    print("| client | requests/s (runs) | client CPU µs/req | server CPU µs/req | failures | Weft ÷ it (req/s) |")
    print("|---|---|---|---|---|---|")
    for kind, r in rows.items():
        print(f"| {kind} | {r['rps']:.0f} ({', '.join(f'{x:.0f}' for x in r['rps_all'])}) | "
              f"{r['cpu_us_per_req']:.1f} | {r['server_cpu_us_per_req']:.1f} | {r['failures']} | "
              f"{w['rps'] / r['rps']:.2f} |")
    return rows


def bench_delay():
    n, conc, delay = (2000, 1000, 0.2) if ARGS.quick else (10000, 1000, 0.2)
    runs = 1 if ARGS.quick else int(os.environ.get("HTTP_RUNS", "3"))
    ideal = n / conc * delay
    server = Server("httpbin", os.environ.get("HTTP_DELAY_SERVER_CPU", "0"))
    url = f"http://127.0.0.1:{server.port}/delay/{delay}"
    rs = []
    try:
        log("server warm-up (not recorded)")
        run_client("weft", url, n, conc, 0, server=server)
        for _ in range(runs):
            rs.append(run_client("weft", url, n, conc, n // 2, server=server))
    finally:
        server.stop()
    walls = [x["wall_s"] for x in rs]
    best, med = min(walls), statistics.median(walls)
    print(f"\n### delay fan-out: {n} GETs of /delay/{delay}, concurrency {conc}, Weft httpbin server "
          f"on CPU 0, client on CPU 1 (median of {runs})\n")
    print("| client | wall s (runs) | ideal s | median over ideal | failures |")
    print("|---|---|---|---|---|")
    print(f"| weft | {med:.3f} ({', '.join(f'{x:.3f}' for x in walls)}) | {ideal:.1f} | "
          f"{(med / ideal - 1) * 100:+.1f}% | {sum(x['failures'] for x in rs)} |")
    return {"wall_s": walls, "median_s": med, "ideal_s": ideal, "failures": sum(x["failures"] for x in rs)}


def bench_server():
    wrk = shutil.which("wrk")
    if not wrk:
        log("wrk not installed (apt-get install -y wrk): no server table")
        return None
    dur = "3s" if ARGS.quick else "10s"
    rows = {}
    for kind in ("weft", "netty"):
        server = Server(kind)
        try:
            url = f"http://127.0.0.1:{server.port}/"
            subprocess.run(pinned([wrk, "-t2", "-c100", "-d2s", url], "1"), capture_output=True)  # warm-up
            s0 = cpu_ticks(server.pid)
            out = subprocess.run(pinned([wrk, "-t2", "-c100", "-d" + dur, "--latency", url], "1"),
                                 capture_output=True, text=True).stdout
            s1 = cpu_ticks(server.pid)
        finally:
            server.stop()
        with open(os.path.join(ARGS.raw, f"wrk-{kind}.txt"), "w") as f:
            f.write(out)
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
        p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
        errs = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
        rows[kind] = {"rps": rps, "p50": p50, "p99": p99, "server_cpu_s": (s1 - s0) / CLK_TCK,
                      "errors": errs.group(0) if errs else "", "loadavg": loadavg()}
        log(f"{kind}: {rows[kind]}")
    print(f"\n### server: wrk -t2 -c100 -d{dur} (keep-alive), server one loop on CPU 0, wrk on CPU 1\n")
    print("| server | requests/s | p50 | p99 | server CPU s | errors | Weft ÷ it |")
    print("|---|---|---|---|---|---|---|")
    for kind, r in rows.items():
        print(f"| {kind} | {r['rps']:.0f} | {r['p50']} | {r['p99']} | {r['server_cpu_s']:.2f} | "
              f"{r['errors'] or 'none'} | {rows['weft']['rps'] / r['rps']:.2f} |")
    return rows


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("what", nargs="?", default="all", choices=["client", "delay", "server", "all"])
    p.add_argument("--raw", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--java", required=True)
    p.add_argument("--cp", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--jvm-arg", action="append", default=[])
    ARGS = p.parse_args()
    os.makedirs(ARGS.raw, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    summary = {"bench": "http", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "quick": ARGS.quick, "loadavg_before": loadavg(), "cpus": os.cpu_count()}
    if ARGS.what in ("client", "all"):
        summary["client"] = bench_client()
    if ARGS.what in ("delay", "all"):
        summary["delay"] = bench_delay()
    if ARGS.what in ("server", "all"):
        summary["server"] = bench_server()
    summary["loadavg_after"] = loadavg()
    print(f"\nload average before {summary['loadavg_before']}, after {summary['loadavg_after']}")
    os.makedirs(ARGS.results, exist_ok=True)
    with open(os.path.join(ARGS.results, "http.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(ARGS.results, "history.jsonl"), "a") as f:
        f.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
