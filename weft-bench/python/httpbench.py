"""Drives the HTTP benchmark (docs/benchmarks.md section 5).

    python3 httpbench.py [client|delay|server|all] --raw RAW_DIR --results RESULTS_DIR \
        --java JAVA --cp CLASSPATH [--quick] [--jvm-arg ARG ...]

(normally through ./weft bench http [--quick]).

  client  20,000 GETs (after a 5,000-request warm-up on the same client) at concurrency 256 to one
          neutral server, Netty 4.2 epoll HTTP hello world (dev.weft.bench.http.HttpBenchServer netty),
          pinned to CPU 0; each client in its own process pinned to CPU 1: Weft ClientSession(limit 256,
          256 tasks), JDK HttpClient sendAsync + Semaphore(256), JDK HttpClient send() on 256 virtual
          threads, aiohttp ClientSession(TCPConnector(limit=256), 256 coroutines; aiohttp_peer.py), on
          asyncio and, when uvloop is there, on uvloop. requests/s, client CPU per request (process CPU
          time, all threads), server CPU.
  delay   10,000 GETs of /delay/0.2 from Weft's httpbin (its own JVM, one loop, CPU 0; after one
          unrecorded warm-up run) at concurrency 1,000 with ClientSession(limit 1000), after a
          5,000-request warm-up in the client: wall time against the ideal 10,000 / 1,000 x 0.2 s = 2.0 s.
  server  wrk -t2 -c100 -d10s (keep-alive) on GET / (plaintext) and GET /json against Weft HttpServer,
          Netty HttpServerCodec, Vert.x core HttpServer and aiohttp.web (asyncio; uvloop when there), each
          server its own process pinned to CPU 0 with one loop, wrk pinned to CPU 1; 3 s of wrk on each
          endpoint first (not recorded); HTTP_RUNS rounds, each server a fresh process per round.

Prints Markdown tables; writes RESULTS_DIR/http.json and appends to RESULTS_DIR/history.jsonl.
"""

import argparse
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
# A run is "clean" when the process under test had its core: the client >= 90 % of the wall time in
# CPU (it is CPU-bound by design), the server >= 95 % under wrk. Other runs are disturbed by other
# work on the machine; they are kept in the raw files, repeated up to TRIES times, and left out of
# the medians when a clean run exists.
CLIENT_CLEAN_SHARE, SERVER_CLEAN_SHARE, TRIES = 0.90, 0.95, 3
HERE = os.path.dirname(os.path.abspath(__file__))
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


def aiohttp_python(need_uvloop=False):
    """A Python that can import aiohttp (and uvloop): $PYTHON first, then Debian's python3."""
    probe = "import aiohttp" + (", uvloop" if need_uvloop else "")
    for py in (sys.executable, "/usr/bin/python3"):
        if os.path.exists(py) and subprocess.run([py, "-c", probe], capture_output=True).returncode == 0:
            return py
    return None


def aiohttp_version(py):
    return subprocess.run([py, "-c", "import aiohttp, sys; print('aiohttp', aiohttp.__version__, 'on CPython',"
                           " sys.version.split()[0])"], capture_output=True, text=True).stdout.strip()


def aiohttp_cmd(py, mode, loop, *args):
    return [py, os.path.join(HERE, "aiohttp_peer.py"), mode, loop] + [str(a) for a in args]


def server_cmd(kind):
    """aiohttp / aiohttp-uvloop run in Python, the rest are HttpBenchServer kinds."""
    if kind.startswith("aiohttp"):
        uv = kind == "aiohttp-uvloop"
        return aiohttp_cmd(aiohttp_python(uv), "server", "uvloop" if uv else "asyncio", 0)
    return java("dev.weft.bench.http.HttpBenchServer", kind, 0)


class Server:
    def __init__(self, kind, cpu="0"):
        self.kind = kind
        self.proc = subprocess.Popen(pinned(server_cmd(kind), cpu),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(os.path.join(ARGS.raw, f"server-{kind}.err"), "a"), text=True)
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit(f"server {kind} did not start (see {ARGS.raw}/server-{kind}.err)")
            if line.startswith("READY "):
                info = json.loads(line[6:])
                self.port, self.pid = info["port"], info["pid"]
                break
        log(f"server {kind} on port {self.port} (pid {self.pid})")

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def client_cmd(kind, url, n, conc, warm):
    if kind.startswith("aiohttp"):
        uv = kind == "aiohttp-uvloop"
        return aiohttp_cmd(aiohttp_python(uv), "client", "uvloop" if uv else "asyncio", url, n, conc, warm)
    return java("dev.weft.bench.http.HttpFanout", kind, url, n, conc, warm)


def run_client(kind, url, n, conc, warm, cpu="1", server=None):
    cmd = pinned(client_cmd(kind, url, n, conc, warm), cpu)
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
    # the clients are CPU-bound on their core by design: less than 90 % of it means someone else's work
    # took CPU 1 (or CPU 0 from the server) during the run
    res["cpu_share"] = round(res["cpu_s"] / res["wall_s"], 2)
    res["clean"] = res["cpu_share"] >= CLIENT_CLEAN_SHARE
    with open(os.path.join(ARGS.raw, "client.jsonl"), "a") as f:
        f.write(json.dumps(res) + "\n")
    log(json.dumps(res))
    return res


def until_clean(run):
    """Calls run() until it returns a clean result, TRIES times at most; returns every attempt."""
    attempts = []
    for attempt in range(1, TRIES + 1):
        res = run()
        res["attempt"] = attempt
        attempts.append(res)
        if res["clean"]:
            break
        log(f"disturbed run (CPU share {res['cpu_share']}): repeated" if attempt < TRIES else
            f"disturbed run (CPU share {res['cpu_share']}), {TRIES} times: kept")
    return attempts


def counted(rs):
    """The clean runs, or every run if none was clean."""
    clean = [x for x in rs if x["clean"]]
    return clean or rs


def runs_cell(median, every):
    """'median (clean runs) [disturbed runs]'; a dagger when no run was clean (the median is of disturbed runs)."""
    clean = [f"{x['rps']:.0f}" for x in every if x["clean"]]
    dist = [f"{x['rps']:.0f}" for x in every if not x["clean"]]
    return (f"{median:.0f}" + (f" ({', '.join(clean)})" if clean else " †")
            + (f" [{', '.join(dist)}]" if dist else ""))


def python_peers():
    """The aiohttp contenders available here: aiohttp (asyncio), aiohttp-uvloop."""
    kinds = []
    if aiohttp_python():
        kinds.append("aiohttp")
        log("aiohttp: " + aiohttp_version(aiohttp_python()))
    else:
        log("aiohttp is unavailable (apt-get install python3-aiohttp): no aiohttp rows")
    if kinds and aiohttp_python(True):
        kinds.append("aiohttp-uvloop")
    elif kinds:
        log("uvloop is unavailable (apt-get install python3-uvloop): no aiohttp-uvloop rows")
    return kinds


CLIENT_NAMES = {"weft": "Weft ClientSession", "jdk-async": "JDK HttpClient sendAsync + Semaphore",
                "jdk-vt": "JDK HttpClient send() on virtual threads", "aiohttp": "aiohttp ClientSession (asyncio)",
                "aiohttp-uvloop": "aiohttp ClientSession (uvloop)"}
SERVER_NAMES = {"weft": "Weft HttpServer", "netty": "Netty 4.2 epoll HttpServerCodec",
                "vertx": "Vert.x 5 core HttpServer (epoll)", "aiohttp": "aiohttp.web (asyncio)",
                "aiohttp-uvloop": "aiohttp.web (uvloop)"}


def bench_client():
    n, warm, runs = (5000, 1000, 1) if ARGS.quick else (20000, 5000, int(os.environ.get("HTTP_RUNS", "3")))
    kinds = ["weft", "jdk-async", "jdk-vt"] + python_peers()
    server = Server("netty")
    url = f"http://127.0.0.1:{server.port}/"
    results = {}
    try:
        log("server warm-up (not recorded)")
        run_client("jdk-vt", url, n // 2, 256, 0, server=server)
        for r in range(runs):
            for kind in kinds:
                results.setdefault(kind, []).extend(
                    until_clean(lambda: run_client(kind, url, n, 256, warm, server=server)))
    finally:
        server.stop()
    rows = {}
    for kind, every in results.items():
        rs = counted(every)
        rows[kind] = {
            "rps": statistics.median(x["rps"] for x in rs),
            "rps_all": [x["rps"] for x in rs],
            "rps_disturbed": [x["rps"] for x in every if not x["clean"]],
            "cpu_us_per_req": statistics.median(x["cpu_us_per_req"] for x in rs),
            "server_cpu_us_per_req": statistics.median(x["server_cpu_us_per_req"] for x in rs),
            "failures": sum(x["failures"] for x in every),
            "loadavg": [x["loadavg"] for x in every],
            "cell": runs_cell(statistics.median(x["rps"] for x in rs), every),
        }
    w = rows["weft"]
    print(f"\n### client fan-out: {n} GETs, concurrency 256, Netty hello-world server on CPU 0, client on CPU 1"
          f" (median of the clean runs out of {runs} rounds)\n")
    print("| client | requests/s (clean runs) [disturbed] | client CPU µs/req | server CPU µs/req | failures |"
          " Weft ÷ it (req/s) | Weft ÷ it (CPU/req) |")
    print("|---|---|---|---|---|---|---|")
    for kind, r in rows.items():
        print(f"| {CLIENT_NAMES[kind]} | {r['cell']} | "
              f"{r['cpu_us_per_req']:.1f} | {r['server_cpu_us_per_req']:.1f} | {r['failures']} | "
              f"{w['rps'] / r['rps']:.2f} | {r['cpu_us_per_req'] / w['cpu_us_per_req']:.2f} |")
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


def response_bytes(port, path):
    """Bytes of one keep-alive response (head + body) to GET path: what each server writes per request."""
    with socket.create_connection(("127.0.0.1", port)) as c:
        c.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += c.recv(65536)
        head, body = data.split(b"\r\n\r\n", 1)
        length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
        while len(body) < length:
            body += c.recv(65536)
        return len(head) + 4 + length, head.decode("latin-1")


def run_wrk(wrk, url, dur, pid):
    """wrk's output, the server's CPU seconds and the wall seconds of the run."""
    s0, t0 = cpu_ticks(pid), time.monotonic()
    out = subprocess.run(pinned([wrk, "-t2", "-c100", "-d" + dur, "--latency", url], "1"),
                         capture_output=True, text=True).stdout
    return out, (cpu_ticks(pid) - s0) / CLK_TCK, time.monotonic() - t0


ENDPOINTS = {"plaintext": "/", "json": "/json"}


def parse_wrk(out):
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "requests": int(re.search(r"^\s*(\d+) requests in", out, re.M).group(1)),
            "p50": re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1),
            "p99": re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1),
            "errors": "; ".join(re.findall(r"Non-2xx or 3xx responses: \d+|Socket errors: .*", out))}


def bench_server():
    wrk = shutil.which("wrk")
    if not wrk:
        log("wrk not installed (apt-get install -y wrk): no server table")
        return None
    dur, warm = ("2s", "1s") if ARGS.quick else ("10s", "3s")
    runs = 1 if ARGS.quick else int(os.environ.get("HTTP_RUNS", "3"))
    kinds = ["weft", "netty", "vertx"] + python_peers()
    results = {}
    for r in range(1, runs + 1):  # rounds: every server once per round, a fresh process each time
        for kind in kinds:
            server = Server(kind)
            try:
                for path in ENDPOINTS.values():  # JIT warm-up of both endpoints before either is measured
                    subprocess.run(pinned([wrk, "-t2", "-c100", "-d" + warm, f"http://127.0.0.1:{server.port}{path}"],
                                          "1"), capture_output=True)
                for endpoint, path in ENDPOINTS.items():
                    url = f"http://127.0.0.1:{server.port}{path}"
                    size, head = response_bytes(server.port, path)

                    def one_run():
                        out, cpu_s, wall_s = run_wrk(wrk, url, dur, server.pid)
                        res = parse_wrk(out)
                        share = round(cpu_s / wall_s, 2)
                        res.update(server=kind, endpoint=endpoint, run=r, server_cpu_s=round(cpu_s, 2),
                                   wall_s=round(wall_s, 2), cpu_share=share, clean=share >= SERVER_CLEAN_SHARE,
                                   response_bytes=size, server_cpu_us_per_req=round(cpu_s * 1e6 / res["requests"], 2),
                                   loadavg=loadavg())
                        n = len(results.get((kind, endpoint), [])) + 1
                        with open(os.path.join(ARGS.raw, f"wrk-{kind}-{endpoint}-{n}.txt"), "w") as f:
                            f.write(f"# {url}\n# one response ({size} bytes):\n# "
                                    + head.replace("\r\n", "\n# ") + "\n")
                            f.write(out)
                        with open(os.path.join(ARGS.raw, "server.jsonl"), "a") as f:
                            f.write(json.dumps(res) + "\n")
                        log(f"{kind} {endpoint} run {r}: {res}")
                        results.setdefault((kind, endpoint), []).append(res)
                        return res

                    until_clean(one_run)
            finally:
                server.stop()
    rows = {}
    for key, every in results.items():
        rs = counted(every)
        med = sorted(rs, key=lambda x: x["rps"])[len(rs) // 2]  # the median run (its latencies)
        rows[key] = {"server": key[0], "endpoint": key[1], "rps": med["rps"], "rps_all": [x["rps"] for x in rs],
                     "rps_disturbed": [x["rps"] for x in every if not x["clean"]],
                     "rps_best": max(x["rps"] for x in every), "p50": med["p50"], "p99": med["p99"],
                     "server_cpu_us_per_req": statistics.median(x["server_cpu_us_per_req"] for x in rs),
                     "response_bytes": med["response_bytes"],
                     "errors": "; ".join(x["errors"] for x in every if x["errors"]),
                     "loadavg": [x["loadavg"] for x in every], "cell": runs_cell(med["rps"], every)}
    print(f"\n### server: wrk -t2 -c100 -d{dur} (keep-alive), server one loop on CPU 0, wrk on CPU 1"
          f" (median of the clean runs out of {runs} rounds)\n")
    print("| server | endpoint | requests/s (clean runs) [disturbed] | p50 | p99 | server CPU µs/req |"
          " response bytes | errors | Weft ÷ it (req/s) | Weft ÷ it (CPU/req) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for endpoint in ENDPOINTS:
        w = rows[("weft", endpoint)]
        for kind in kinds:
            r = rows[(kind, endpoint)]
            print(f"| {SERVER_NAMES[kind]} | {endpoint} | {r['cell']} | {r['p50']} | {r['p99']} | "
                  f"{r['server_cpu_us_per_req']:.2f} | {r['response_bytes']} | "
                  f"{r['errors'] or 'none'} | {w['rps'] / r['rps']:.2f} | "
                  f"{r['server_cpu_us_per_req'] / w['server_cpu_us_per_req']:.2f} |")
    print("\n(† no clean run: the median of the disturbed runs.) Weft ÷ it (CPU/req) = its server CPU per request"
          " ÷ Weft's.")
    if ARGS.quick:
        print("\n--quick: JIT barely warm after 1 s; these verdicts are NOT for reporting.")
    print("\n| goal | endpoint | req/s | CPU per request | verdict |")
    print("|---|---|---|---|---|")
    for endpoint in ENDPOINTS:
        w = rows[("weft", endpoint)]
        for peer, goal, need in (("netty", "Weft ≥ 90 % of Netty", 0.9), ("vertx", "Weft ahead of Vert.x", 1.0)):
            p_ = rows[(peer, endpoint)]
            by_rps = w["rps"] / p_["rps"]
            by_cpu = p_["server_cpu_us_per_req"] / w["server_cpu_us_per_req"]
            verdict = "met" if by_rps >= need and by_cpu >= need else (
                "missed" if by_rps < need and by_cpu < need else "mixed")
            print(f"| {goal} | {endpoint} | {by_rps * 100:.1f} % | {by_cpu * 100:.1f} % | {verdict} |")
    return list(rows.values())


def main():
    global ARGS, TRIES
    p = argparse.ArgumentParser()
    p.add_argument("what", nargs="?", default="all", choices=["client", "delay", "server", "all"])
    p.add_argument("--raw", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--java", required=True)
    p.add_argument("--cp", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--jvm-arg", action="append", default=[])
    ARGS = p.parse_args()
    if ARGS.quick:
        TRIES = 1  # a smoke test: no repeats of disturbed runs
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
