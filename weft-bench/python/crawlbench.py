"""Drives the crawl benchmark (docs/benchmarks.md section 7).

    python3 crawlbench.py [throughput|latency|scale|long|store|all] --raw RAW_DIR --results RESULTS_DIR \
        --java JAVA --weft-cp CP --bench-cp CP [--c4j-cp CP] [--scrapy-python PY] [--quick] [--jvm-arg ARG ...]
        [--weft-arg ARG ...] [--weft-jvm ARG ...]

(normally through ./weft bench crawl [--quick]).

  throughput  the demo shop exported with 20,000 pages (ServeDemoSite --export), served by one nginx
              process (Debian's nginx, no latency, access log off), crawled from its home page by
              Weft (`./weft crawl`, the CLI), a Scrapy spider (crawl_scrapy.py) and crawler4j
              (weft-bench/peers/crawler4j), each at concurrency 64, robots.txt obeyed, every link of
              the site followed, each page's title stored into SQLite. CRAWL_RUNS rounds (default 2),
              contenders interleaved, a fresh process and database per run. pages/s (200 pages stored
              / the crawl's own time, and / the process's wall time) and CPU seconds per 1,000 pages
              (the process's user + system time, all threads, start-up included).
  latency     the demo shop as 50 exact shops of 200 pages on 127.0.0.1 ... 127.0.0.50 (ServeDemoSite --hosts 50
              --exact: no broken links or query variants, so a crawl fetches exactly the 10,000 pages; its own
              JVM, 2 loops, warmed up by three unrecorded Weft crawls), every response 200 ms late; crawled at
              concurrency 500, 10 per host, no delay, in two forms: a list crawl of the 10,000 URLs (Weft's
              --seeds-file, Scrapy's start_urls) and a crawl that discovers them from the 50 home pages.
              Weft vs the same Scrapy spider. Wall time vs the ideal 10,000 / 500 x 0.2 s = 4 s.
  scale       dev.weft.bench.crawl.FrontierScale: 10,000,000 URLs over 10,000 hosts into the seen set
              and the frontier (1,000,000 of them also into SQLite's frontier table): heap after each
              million, bytes per URL in memory and on disk, none lost.
  long        the demo site with 1,000,000 pages (CRAWL_LONG_PAGES=N for another size; ServeDemoSite, its own JVM, no latency) crawled to the end
              by `./weft crawl` (its JVM flags and AOT cache) into SQLite with the throughput settings and no
              depth limit: the live heap
              after a full GC every 100,000 pages (jcmd GC.class_histogram, the least of 3 probes), pages/s per 100,000-page
              window (from the pages' fetched_at), bytes per seen URL (SeenSetOf), SQLite bytes per page.
              --quick: 100,000 pages.
  store       dev.weft.bench.crawl.StoreThroughput: page rows/s into SQLite, PostgreSQL and MariaDB in
              the crawler's batches (a throwaway database each, dropped afterwards).

Scheduling: on a 2-core machine the kernel's autogroup scheduling (on by default) weighs a session,
not a thread, and splits that weight across the CPUs the session's threads run on, so the same crawl
took 4.8-4.9 s under it and 4.6 s without it (docs/benchmarks.md 7.2). Where the benchmark may (root),
it therefore turns autogroup scheduling off for its duration (and restores it) and runs every site,
server and contender alike at nice -10, ahead of the machine's idle daemons. CRAWL_PRIORITY=0 leaves
the scheduler as it is. The report says which was used.

Prints Markdown tables; writes RESULTS_DIR/crawl.json and appends to RESULTS_DIR/history.jsonl.
"""

import argparse
import datetime
import json
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLK_TCK = os.sysconf("SC_CLK_TCK")
ARGS = None
GOALS = {"scrapy": 20.0, "crawler4j": 2.0}


def log(msg):
    print("# " + msg, file=sys.stderr, flush=True)


AUTOGROUP = "/proc/sys/kernel/sched_autogroup_enabled"
FAVOURED = False  # set by take_scheduler(): every process of the benchmark runs at nice -10


def take_scheduler():
    """Turns autogroup scheduling off and favours the benchmark's processes (see the module's comment),
    where allowed and unless CRAWL_PRIORITY=0; returns a description for the report and a restore step."""
    if os.environ.get("CRAWL_PRIORITY", "1") == "0":
        return "as the machine is (CRAWL_PRIORITY=0)", lambda: None
    global FAVOURED
    try:
        with open(AUTOGROUP) as f:
            before = f.read().strip()
        with open(AUTOGROUP, "w") as f:
            f.write("0")
    except OSError as e:
        return f"as the machine is (could not change it: {e})", lambda: None
    FAVOURED = True

    def restore():
        try:
            with open(AUTOGROUP, "w") as f:
                f.write(before)
        except OSError as e:
            log(f"could not restore {AUTOGROUP} to {before}: {e}")
    return f"autogroup scheduling off (was {before}), every process at nice -10", restore


def favour():
    """preexec_fn of the benchmark's processes: nice -10 when the scheduler was taken."""
    if FAVOURED:
        os.setpriority(os.PRIO_PROCESS, 0, -10)


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


def cpu_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except OSError:
        return 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(host, port, proc, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on {host}:{port}")


def java(cp, main, *args, extra=(), jvm=None):
    flags = ARGS.jvm_arg if jvm is None else jvm
    return [ARGS.java, *flags, "--enable-native-access=ALL-UNNAMED", *extra, "-cp", cp, main, *args]


def shown(cmd, most=60):
    """The command for the log, with its class path elided, and past {most} words (a list of 10,000
    seed URLs) cut short."""
    out = list(cmd)
    for i, a in enumerate(out[:-1]):
        if a == "-cp":
            out[i + 1] = "…"
    if len(out) > most:
        out = out[:most] + [f"… ({len(out) - most} more)"]
    return " ".join(out)


def run_timed(cmd, prefix, timeout):
    """Runs cmd to its end; returns (wall s, CPU s of the process and its children, exit code)."""
    t0 = time.monotonic()
    with open(prefix + ".out", "w") as out, open(prefix + ".err", "w") as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=os.path.dirname(prefix), preexec_fn=favour)
        timer = threading.Timer(timeout, p.kill)
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    return time.monotonic() - t0, ru.ru_utime + ru.ru_stime, p.returncode


def count_ok(db):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT COUNT(*) FROM pages WHERE status = 200").fetchone()[0]


def weft_crawl_seconds(db):
    """The crawl's own time: its crawl row's started_at to finished_at."""
    with sqlite3.connect(db) as c:
        started, finished = c.execute("SELECT started_at, finished_at FROM crawl WHERE id = 1").fetchone()
    parse = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (parse(finished) - parse(started)).total_seconds()


# ---------------------------------------------------------------- contenders


def contender_cmds(name, urls, db, workdir, conc, per_host, seeds_file=None):
    """(command, how to read its crawl time) for one contender's crawl of urls (and the seeds_file's) into db."""
    if name == "weft":
        more = ["--seeds-file", seeds_file] if seeds_file else []
        cmd = java(ARGS.weft_cp, "dev.weft.crawler.cli.CrawlCommand", *urls, *more, "--out", "sqlite:" + db,
                   "--concurrency", str(conc), "--per-host", str(per_host), "--delay", "0", "--sort-query", "-q",
                   extra=ARGS.weft_arg, jvm=ARGS.weft_jvm or None)
        return cmd, lambda: weft_crawl_seconds(db)
    if name == "scrapy":
        result = db + ".json"
        listed = [u.strip() for u in open(seeds_file) if u.strip()] if seeds_file else []
        cmd = [ARGS.scrapy_python, os.path.join(HERE, "crawl_scrapy.py"), "--db", db, "--result", result,
               "--concurrency", str(conc), "--per-host", str(per_host), *urls, *listed]
        return cmd, lambda: json.load(open(result))["crawl_s"]
    if name == "crawler4j":
        cmd = java(ARGS.c4j_cp, "dev.weft.bench.crawl.Crawler4jBench", urls[0], os.path.join(workdir, "c4j-frontier"),
                   db, str(conc))
        out = os.path.join(workdir, "crawler4j.out")
        return cmd, lambda: json.loads(open(out).read().strip().splitlines()[-1])["crawl_s"]
    raise ValueError(name)


def crawl_once(name, rnd, urls, conc, per_host, server_pid, timeout, seeds_file=None):
    workdir = os.path.join(ARGS.raw, f"{name}-{rnd}")
    os.makedirs(workdir, exist_ok=True)
    db = os.path.join(workdir, "pages.db")
    cmd, crawl_seconds = contender_cmds(name, urls, db, workdir, conc, per_host, seeds_file)
    server0 = cpu_ticks(server_pid)
    la = loadavg()
    log(f"{name} round {rnd}: {shown(cmd)}")
    wall, cpu, rc = run_timed(cmd, os.path.join(workdir, name), timeout)
    server_cpu = (cpu_ticks(server_pid) - server0) / CLK_TCK
    row = {"contender": name, "round": rnd, "rc": rc, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
           "server_cpu_s": round(server_cpu, 3), "loadavg_before": la, "loadavg_after": loadavg()}
    try:
        row["ok_pages"] = count_ok(db)
        row["crawl_s"] = round(crawl_seconds(), 3)
    except Exception as e:  # a failed run keeps its row, with the reason
        row["error"] = repr(e)
        log(f"{name} round {rnd} failed: {e!r} (see {workdir})")
        return row
    n = row["ok_pages"]
    row["pages_per_s"] = round(n / row["crawl_s"], 1) if row["crawl_s"] > 0 else None
    row["pages_per_wall_s"] = round(n / wall, 1)
    row["cpu_s_per_1000"] = round(cpu / n * 1000, 3) if n else None
    row["util"] = round(cpu / wall, 2)
    log(f"{name}: {n} pages, crawl {row['crawl_s']} s, wall {wall:.1f} s, CPU {cpu:.1f} s, "
        f"{row['pages_per_s']} pages/s, load {row['loadavg_after']}")
    for f in ("pages.db-wal", "pages.db-shm"):
        if os.path.exists(os.path.join(workdir, f)):
            os.remove(os.path.join(workdir, f))
    shutil.rmtree(os.path.join(workdir, "c4j-frontier"), ignore_errors=True)
    return row


def peers_available():
    names = ["weft"]
    if ARGS.c4j_cp:
        names.append("crawler4j")
    else:
        log("crawler4j is not built: no crawler4j rows")
    try:
        subprocess.run([ARGS.scrapy_python, "-c", "import scrapy"], check=True, capture_output=True)
        names.append("scrapy")
    except (OSError, subprocess.CalledProcessError):
        log(f"{ARGS.scrapy_python} cannot import scrapy (apt-get install python3-scrapy): no Scrapy rows")
    return names


def median_of(rows, key):
    vals = [r[key] for r in rows if r.get(key) is not None and "error" not in r]
    return statistics.median(vals) if vals else None


def fmt(v, digits=1):
    if v is None:
        return "—"
    return f"{v:,.{digits}f}"


# ---------------------------------------------------------------- throughput


NGINX_CONF = """daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 1000000; keepalive_timeout 60;
  types {{ text/html html; text/plain txt; }}
  default_type application/octet-stream;
  client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;
  uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;
  server {{ listen 127.0.0.1:{port}; root {root}; }}
}}
"""


def bench_throughput():
    pages = 2_000 if ARGS.quick else 20_000
    runs = 1 if ARGS.quick else int(os.environ.get("CRAWL_RUNS", "2"))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        log("nginx is missing (apt-get install nginx): no throughput benchmark")
        return None
    # The export is 20,000 files (83 MiB): a temporary folder, removed afterwards.
    site_tmp = tempfile.mkdtemp(prefix="weft-crawlbench-")
    os.chmod(site_tmp, 0o755)
    site = os.path.join(site_tmp, "site")
    log(f"exporting the demo site ({pages} pages) into {site}")
    subprocess.run(java(ARGS.weft_cp, "dev.weft.crawler.demo.ServeDemoSite", "--export", site, "--pages", str(pages)),
                   check=True, stdout=subprocess.DEVNULL)
    ngdir = os.path.join(ARGS.raw, "nginx")
    os.makedirs(os.path.join(ngdir, "tmp"), exist_ok=True)
    port = free_port()
    conf = os.path.join(ngdir, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(dir=ngdir, port=port, root=site))
    server = subprocess.Popen([nginx, "-c", conf, "-p", ngdir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              preexec_fn=favour)
    rows = []
    try:
        wait_port("127.0.0.1", port, server)
        url = f"http://127.0.0.1:{port}/"
        names = peers_available()
        for rnd in range(1, runs + 1):
            order = names[(rnd - 1) % len(names):] + names[:(rnd - 1) % len(names)]
            for name in order:
                rows.append(crawl_once(name, rnd, [url], 64, 64, server.pid, timeout=3600))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(site_tmp, ignore_errors=True)
    return summarise_throughput(rows, pages, runs)


def summarise_throughput(rows, pages, runs):
    by = {}
    for r in rows:
        by.setdefault(r["contender"], []).append(r)
    med = {n: {k: median_of(rs, k) for k in ("pages_per_s", "pages_per_wall_s", "cpu_s_per_1000", "ok_pages",
                                               "crawl_s", "wall_s", "cpu_s", "server_cpu_s", "util")}
           for n, rs in by.items()}
    print(f"\n## crawl throughput: demo site, {pages:,} pages, nginx, concurrency 64, SQLite "
          f"(median of {runs} run(s) each, interleaved)\n")
    print("| contender | 200 pages stored | crawl s | pages/s | ratio (Weft ÷ peer) | process wall s | pages/s by wall"
          " | CPU s | CPU s / 1,000 pages | ratio (peer ÷ Weft) | CPU/wall | nginx CPU s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    w = med.get("weft", {})
    verdicts = []
    for n in ("weft", "scrapy", "crawler4j"):
        if n not in med:
            continue
        m = med[n]
        ratio = cpu_ratio = None
        if n != "weft" and w.get("pages_per_s") and m.get("pages_per_s"):
            ratio = w["pages_per_s"] / m["pages_per_s"]
            if w.get("cpu_s_per_1000") and m.get("cpu_s_per_1000"):
                cpu_ratio = m["cpu_s_per_1000"] / w["cpu_s_per_1000"]
            goal = GOALS[n]
            verdicts.append(f"Weft ≥ {goal:g}× {n}'s pages/s: {'met' if ratio >= goal else 'NOT met'} ({ratio:.1f}×)")
        print(f"| {n} | {fmt(m['ok_pages'], 0)} | {fmt(m['crawl_s'], 2)} | {fmt(m['pages_per_s'])} | "
              f"{'1' if n == 'weft' else fmt(ratio, 1) + '×'} | {fmt(m['wall_s'], 2)} | {fmt(m['pages_per_wall_s'])} | "
              f"{fmt(m['cpu_s'], 2)} | {fmt(m['cpu_s_per_1000'], 3)} | {'1' if n == 'weft' else fmt(cpu_ratio, 1) + '×'} | "
              f"{fmt(m['util'], 2)} | {fmt(m['server_cpu_s'], 2)} |")
    print()
    for r in rows:
        print(f"- {r['contender']} round {r['round']}: " + ", ".join(
            f"{k} {r[k]}" for k in ("ok_pages", "crawl_s", "wall_s", "cpu_s", "pages_per_s", "loadavg_before",
                                    "loadavg_after", "error") if k in r))
    print()
    for v in verdicts:
        print("- " + v)
    return {"pages": pages, "runs": rows, "median": med, "verdicts": verdicts}


# ---------------------------------------------------------------- latency


def bench_latency():
    hosts = 10 if ARGS.quick else 50
    pages = 200 * hosts
    port = free_port()
    workdir = os.path.join(ARGS.raw, "latency-site")
    os.makedirs(workdir, exist_ok=True)
    cmd = java(ARGS.weft_cp, "dev.weft.crawler.demo.ServeDemoSite", "--pages", str(pages), "--latency", "200",
               "--hosts", str(hosts), "--loops", "2", "--port", str(port), "--exact")
    log("latency site: " + shown(cmd))
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=open(os.path.join(workdir, "site.err"), "w"),
                              text=True, preexec_fn=favour)
    rows = []
    try:
        first = server.stdout.readline()
        urls = re.findall(r"http://\S+", first)
        if len(urls) != hosts:
            raise RuntimeError(f"the demo site said: {first!r}")
        names = [n for n in peers_available() if n != "crawler4j"]  # crawler4j has no per-host limit
        # The site is a JVM too: one unrecorded crawl first, so that no contender meets it cold. Its
        # pages are the list of the list crawls.
        warm = crawl_once("weft", "latency-warm-up", urls, 500, 10, server.pid, timeout=1800)
        log(f"site warmed up ({warm.get('crawl_s')} s crawl, not recorded)")
        seeds_file = os.path.join(workdir, "pages.txt")
        with sqlite3.connect(os.path.join(ARGS.raw, "weft-latency-warm-up", "pages.db")) as c:
            listed = [u for (u,) in c.execute("SELECT url FROM pages WHERE status = 200 ORDER BY url")]
        if len(listed) != pages:
            raise RuntimeError(f"the warm-up crawl stored {len(listed)} pages with 200, not {pages}")
        with open(seeds_file, "w") as f:
            f.write("\n".join(listed) + "\n")
        # One crawl left the site's JIT still compiling: the first recorded round cost the site twice
        # the CPU of the later ones (0.84-0.89 s against 0.41-0.46). Two list crawls more, unrecorded.
        for k in (2, 3):
            more = crawl_once("weft", f"latency-warm-up-{k}", [], 500, 10, server.pid, timeout=1800,
                              seeds_file=seeds_file)
            log(f"site warm-up {k}: {more.get('crawl_s')} s crawl, site CPU {more.get('server_cpu_s')} s (not recorded)")
        runs = 1 if ARGS.quick else int(os.environ.get("CRAWL_RUNS", "2"))
        for rnd in range(1, runs + 1):
            for name in (names if rnd % 2 else names[::-1]):
                row = crawl_once(name, f"latency-list-{rnd}", [], 500, 10, server.pid, timeout=1800,
                                 seeds_file=seeds_file)
                row["form"] = "list"
                rows.append(row)
                row = crawl_once(name, f"latency-{rnd}", urls, 500, 10, server.pid, timeout=1800)
                row["form"] = "links"
                rows.append(row)
    finally:
        server.terminate()
        server.wait()
    # Each host's share at 10 in flight, or all pages at 500 in flight, whichever is longer: 4 s for
    # 10,000 pages on 50 hosts.
    ideal = max(pages / 500, pages / hosts / 10) * 0.2
    print(f"\n## crawl latency-bound: {pages:,} pages on {hosts} hosts, 200 ms per response, concurrency 500, "
          f"10 per host (ideal {ideal:.1f} s)\n")
    print("list: the 10,000 URLs given (Weft --seeds-file, Scrapy start_urls); links: discovered from the home "
          "pages. Critical path: robots.txt, then (links) the home page, then the rest at 10 in flight.\n")
    print("| contender | form | round | 200 pages | requests (incl. robots.txt) | crawl s | vs ideal | critical path s | "
          "process wall s | CPU s | site CPU s |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        if "error" in r:
            print(f"| {r['contender']} | {r['form']} | {r['round']} | error: {r['error']} |")
            continue
        db = os.path.join(ARGS.raw, f"{r['contender']}-{r['round']}", "pages.db")
        reqs, path = requests_and_critical_path(r["contender"], db, hosts, r["form"] == "links")
        r["requests"], r["critical_path_s"] = reqs, path
        r["vs_ideal"] = round(r["crawl_s"] / ideal - 1, 4)
        print(f"| {r['contender']} | {r['form']} | {r['round']} | {r['ok_pages']:,} | {fmt(reqs, 0)} | "
              f"{r['crawl_s']:.2f} | {r['vs_ideal'] * 100:+.1f} % | {fmt(path, 1)} | {r['wall_s']:.2f} | "
              f"{r['cpu_s']:.2f} | {r['server_cpu_s']:.2f} |")
    verdicts = []
    for form in ("list", "links"):
        best = [r for r in rows if r["contender"] == "weft" and r["form"] == form and "error" not in r]
        if best:
            m = statistics.median(r["crawl_s"] for r in best)
            verdicts.append(f"Weft ({form}) within 15 % of the ideal {ideal:.1f} s: "
                            f"{'met' if m <= ideal * 1.15 else 'NOT met'} (median {m:.2f} s, {(m / ideal - 1) * 100:+.1f} %)")
    for v in verdicts:
        print("- " + v)
    return {"pages": pages, "hosts": hosts, "ideal_s": ideal, "runs": rows, "verdict": "; ".join(verdicts) or None}


def requests_and_critical_path(name, db, hosts, discovered=True):
    """Requests the crawl made, and the least time one host's share of them takes at 10 in flight:
    robots.txt, then (when the pages are discovered) the home page alone, then the rest."""
    if name != "weft":
        try:
            res = json.load(open(db + ".json"))
            return res.get("requests"), None
        except OSError:
            return None, None
    with sqlite3.connect(db) as c:
        per_host = c.execute("SELECT substr(url, 1, instr(substr(url, 8), '/') + 7), COUNT(*) FROM pages "
                             "WHERE error IS NULL OR error NOT LIKE 'robots:%' GROUP BY 1").fetchall()
    total = sum(n for _, n in per_host) + len(per_host)  # + one robots.txt per host
    if discovered:
        path = max((2 + (n - 1 + 9) // 10) * 0.2 for _, n in per_host) if per_host else None
    else:
        path = max((1 + (n + 9) // 10) * 0.2 for _, n in per_host) if per_host else None
    return total, path


# ---------------------------------------------------------------- scale and store


def run_json_lines(cmd, name):
    prefix = os.path.join(ARGS.raw, name)
    log(f"{name}: {shown(cmd)}")
    wall, cpu, rc = run_timed(cmd, prefix, 3600)
    lines = []
    for line in open(prefix + ".out"):
        line = line.strip()
        if line.startswith("{"):
            lines.append(json.loads(line))
    if rc != 0:
        log(f"{name} exited with {rc}: see {prefix}.err")
    return lines, wall, cpu


def bench_scale():
    n = 1_000_000 if ARGS.quick else 10_000_000
    disk = 100_000 if ARGS.quick else 1_000_000
    db = os.path.join(ARGS.raw, "frontier-scale.db")
    lines, wall, cpu = run_json_lines(java(ARGS.bench_cp, "dev.weft.bench.crawl.FrontierScale", str(n), "10000",
                                           str(disk), db, extra=("-Xmx256m",)), "scale")
    print(f"\n## crawl scale: {n:,} URLs over 10,000 hosts into the seen set and frontier (-Xmx256m)\n")
    print("| URLs admitted | heap after full GC | the seen set's tables | of them on the heap |"
          " heap without the seen set | URLs in memory | URLs/s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    mib = lambda b: f"{b / 2**20:,.1f} MiB"
    for l in lines:
        if l["phase"] in ("start", "admitted"):
            print(f"| {l['urls']:,} | {mib(l['heap_used'])} | {mib(l['sieve_bytes'])} | "
                  f"{mib(l.get('sieve_heap_bytes', l['sieve_bytes']))} | {mib(l['heap_without_sieve'])} |"
                  f" {l['in_memory']:,} | {fmt(l['per_s'], 0)} |")
    done = next((l for l in lines if l["phase"] == "done"), None)
    if done:
        print(f"\n- seen set: {done['sieve_bytes_per_url']:.1f} bytes per URL, in mapped files ({mib(done['sieve_bytes'])} "
              f"for {done['urls']:,}), {done['missing']} missing on lookup, {done['lookup_per_s']:,.0f} lookups/s")
        print(f"- frontier on disk (SQLite): {done['disk_bytes_per_url']:.0f} bytes per queued URL "
              f"({done['disk_rows']:,} rows, {done['disk_rows_per_s']:,.0f} rows/s in batches of 4,000)")
        adm = [l for l in lines if l["phase"] == "admitted"]
        one = next((l for l in adm if l["urls"] == n // 10), None)
        if one and adm:
            last = adm[-1]
            print(f"- heap after {one['urls']:,} vs {last['urls']:,} URLs: {mib(one['heap_used'])} vs "
                  f"{mib(last['heap_used'])} ({last['heap_used'] / one['heap_used']:.2f}×); without the seen set "
                  f"{mib(one['heap_without_sieve'])} vs {mib(last['heap_without_sieve'])} "
                  f"({last['heap_without_sieve'] / one['heap_without_sieve']:.2f}×)")
    return {"urls": n, "lines": lines, "wall_s": wall, "cpu_s": cpu}


# ---------------------------------------------------------------- long crawl (scale, section 7.3)


def crawl_row(db):
    """(pages stored, URLs admitted) from the crawl row, which every batch commits; None before it exists."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
            row = c.execute("SELECT stats, next_seq FROM crawl WHERE id = 1").fetchone()
    except sqlite3.Error:
        return None
    if not row or not row[0]:
        return None
    return json.loads(row[0]).get("pages", 0), row[1]


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


PROBES = 3


def heap_probe(jcmd, pid, out_prefix):
    """A full GC and the live heap after it: `jcmd PID GC.class_histogram` (which collects first and
    counts every object left), kept in out_prefix.histo.txt, then `GC.heap_info` for what is committed.
    Live = the histogram's total without its filler arrays: dead space a full GC of ParallelGC leaves
    where it does not compact (its "dense prefix"), up to 11 MiB of the total in a 1,000,000-page crawl."""
    t0 = time.monotonic()
    try:
        histo = subprocess.run([jcmd, str(pid), "GC.class_histogram"], capture_output=True, text=True,
                               timeout=300).stdout
    except subprocess.TimeoutExpired:
        histo = ""
    pause = time.monotonic() - t0
    with open(out_prefix + ".histo.txt", "w") as f:
        f.write(histo)
    total = longs = None
    filler = 0
    top = []
    for line in histo.splitlines():
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            if m.group(3) == "[J":
                longs = int(m.group(2))
            if "FillerElement" in m.group(3) or "FillerObject" in m.group(3):
                filler += int(m.group(2))  # dead space the collector left in place (ParallelGC's dense prefix)
            elif len(top) < 8:
                top.append((m.group(3), int(m.group(2))))
        elif line.startswith("Total"):
            total = int(line.split()[2])
    live = None if total is None else total - filler
    try:
        info = subprocess.run([jcmd, str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    except subprocess.TimeoutExpired:
        info = ""
    with open(out_prefix + ".heapinfo.txt", "w") as f:
        f.write(info)
    committed = sum(int(k) for k in re.findall(r"total (\d+)K", info)) * 1024
    return {"live_heap": live, "filler": filler, "long_arrays": longs, "committed_heap": committed, "top": top,
            "probe_s": round(pause, 3)}


def iso(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def bench_long():
    # CRAWL_LONG_PAGES sizes the site for a longer soak (default 1,000,000; 10,000,000 takes about 10 min).
    pages = 100_000 if ARGS.quick else int(os.environ.get("CRAWL_LONG_PAGES", "1000000"))
    step = pages // 10
    workdir = os.path.join(ARGS.raw, "long")
    os.makedirs(workdir, exist_ok=True)
    port = free_port()
    site_cmd = java(ARGS.weft_cp, "dev.weft.crawler.demo.ServeDemoSite", "--pages", str(pages), "--latency", "0",
                    "--port", str(port))
    log("long crawl site: " + shown(site_cmd))
    site = subprocess.Popen(site_cmd, stdout=subprocess.PIPE, stderr=open(os.path.join(workdir, "site.err"), "w"),
                            preexec_fn=favour,
                            text=True)
    jcmd = os.path.join(os.path.dirname(ARGS.java), "jcmd") if os.path.dirname(ARGS.java) else "jcmd"
    db = os.path.join(workdir, "pages.db")
    probes = []
    try:
        first = site.stdout.readline()
        urls = re.findall(r"http://\S+", first)
        if len(urls) != 1:
            raise RuntimeError(f"the demo site said: {first!r}")
        # The throughput benchmark's settings (concurrency 64, 64 per host, no delay, sorted queries),
        # and no depth limit: the site's category pagination is about 50 links deep at 1,000,000 pages.
        # As `./weft crawl` runs it: its JVM flags (SerialGC, -Xmn128m, -Xmx2g) and its AOT cache.
        cmd = java(ARGS.weft_cp, "dev.weft.crawler.cli.CrawlCommand", urls[0], "--out", "sqlite:" + db,
                   "--concurrency", "64", "--per-host", "64", "--delay", "0", "--sort-query", "--max-depth", "-1",
                   "-q", extra=ARGS.weft_arg, jvm=ARGS.weft_jvm or None)
        log("long crawl: " + shown(cmd))
        la0 = loadavg()
        t0 = time.monotonic()
        site0 = cpu_ticks(site.pid)
        with open(os.path.join(workdir, "weft.out"), "w") as out, open(os.path.join(workdir, "weft.err"), "w") as err:
            p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=workdir, preexec_fn=favour)
            nxt = step
            while True:
                pid, status, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    break
                time.sleep(0.2)
                r = crawl_row(db)
                if r is None or r[0] < nxt or nxt > pages:
                    continue
                before = r
                cpu0 = cpu_ticks(p.pid)
                # Three probes a second apart: the least is what the crawl keeps (the pages in flight, being
                # parsed or waiting for their commit come and go: up to 64 + 64 + 800 of them)
                tries = []
                for k in range(PROBES):
                    if k:
                        time.sleep(1)
                    tries.append(heap_probe(jcmd, p.pid, os.path.join(workdir, f"heap-{nxt // 1000}k-{k + 1}")))
                ok = [t for t in tries if t["live_heap"] is not None]
                probe = min(ok, key=lambda t: t["live_heap"]) if ok else tries[0]
                probe["live_heap_probes"] = [t["live_heap"] for t in ok]
                after = crawl_row(db) or before
                probe.update({"mark": nxt, "pages": before[0], "pages_after_probe": after[0], "urls_known": before[1],
                              "t_s": round(time.monotonic() - t0, 2), "rss_kib": rss_kib(p.pid),
                              "cpu_s": round(cpu0 / CLK_TCK, 2), "loadavg": loadavg()})
                while nxt <= before[0]:
                    nxt += step
                if probe["live_heap"] is None or probe["rss_kib"] is None:
                    log(f"long crawl at {before[0]:,} pages: no heap probe (the crawl was ending)")
                    continue
                probes.append(probe)
                log(f"long crawl at {before[0]:,} pages ({before[1]:,} URLs known): live heap "
                    f"{' / '.join(f'{b / 2**20:.1f}' for b in probe['live_heap_probes'])} MiB after a full GC, "
                    f"RSS {probe['rss_kib'] / 1024:.0f} MiB, load {probe['loadavg']}")
        wall = time.monotonic() - t0
        rc = os.waitstatus_to_exitcode(status)
        site_cpu = (cpu_ticks(site.pid) - site0) / CLK_TCK
    finally:
        site.terminate()
        site.wait()
    row = {"pages_site": pages, "rc": rc, "wall_s": round(wall, 2), "cpu_s": round(ru.ru_utime + ru.ru_stime, 2),
           "site_cpu_s": round(site_cpu, 2), "loadavg_before": la0, "loadavg_after": loadavg(), "probes": probes}
    # The crawler's last commits may still be in the WAL (its own close does not fold them in while the
    # poller above has the file open): fold them into the database file now, never delete the WAL.
    c = sqlite3.connect(db)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    with sqlite3.connect(db) as c:
        row["by_status"] = dict(c.execute("SELECT coalesce(status, -1), COUNT(*) FROM pages GROUP BY 1").fetchall())
        row["stored"] = c.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
        row["queued_left"] = c.execute("SELECT COUNT(*) FROM frontier").fetchone()[0]
        times = sorted(iso(t) for (t,) in c.execute("SELECT fetched_at FROM pages"))
    row["crawl_s"] = round(weft_crawl_seconds(db), 2)
    row["db_bytes"] = sum(os.path.getsize(db + s) for s in ("", "-wal") if os.path.exists(db + s))
    row["db_bytes_per_page"] = round(row["db_bytes"] / max(1, row["stored"]), 1)
    # pages/s per window of `step` pages, from the pages' own fetched_at (the store is the witness)
    windows = []
    for k in range(0, len(times) - 1, step):
        end = min(k + step, len(times)) - 1
        secs = (times[end] - times[k]).total_seconds()
        windows.append({"from": k, "to": end + 1, "s": round(secs, 2), "pages_per_s": round((end - k) / secs, 1)
                        if secs > 0 else None})
    row["windows"] = windows
    seen = subprocess.run(java(ARGS.bench_cp, "dev.weft.bench.crawl.SeenSetOf", db), capture_output=True, text=True)
    try:
        row["seen_set"] = json.loads(seen.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        row["seen_set"] = {"error": seen.stderr[-500:]}
    with open(os.path.join(workdir, "long.json"), "w") as f:
        json.dump(row, f, indent=1)
    return summarise_long(row)


def summarise_long(row):
    prev = None
    for p in row["probes"]:
        if prev is not None and p["pages"] > prev["pages"]:
            p["cpu_ms_per_page"] = round((p["cpu_s"] - prev["cpu_s"]) * 1000 / (p["pages"] - prev["pages"]), 3)
        prev = p
    mib = lambda b: "—" if b is None else f"{b / 2**20:,.1f} MiB"
    n = row["pages_site"]
    print(f"\n## crawl scale: the demo site with {n:,} pages (its own JVM, no latency) crawled to the end into "
          f"SQLite\n")
    print(f"exit {row['rc']}, {row['stored']:,} pages stored ({row['by_status']}), {row['queued_left']} left queued; "
          f"crawl {row['crawl_s']:.1f} s ({row['stored'] / row['crawl_s']:,.0f} pages/s), process wall "
          f"{row['wall_s']:.1f} s, CPU {row['cpu_s']:.1f} s (site {row['site_cpu_s']:.1f} s), load average "
          f"{row['loadavg_before']} → {row['loadavg_after']}\n")
    print("| pages stored | URLs known | live heap after a full GC (least of 3) | the 3 probes | long[] on the heap |"
          " heap committed | RSS | CPU ms per page since the last row | load |")
    print("| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |")
    for p in row["probes"]:
        each = " / ".join(f"{b / 2**20:.1f}" for b in p.get("live_heap_probes", []))
        print(f"| {p['pages']:,} | {p['urls_known']:,} | {mib(p['live_heap'])} | {each} | {mib(p['long_arrays'])} | "
              f"{mib(p['committed_heap'])} | {mib(p['rss_kib'] * 1024 if p['rss_kib'] else None)} | "
              f"{fmt(p.get('cpu_ms_per_page'), 3)} | {p['loadavg'][0]} |")
    print("\n| pages | s | pages/s |")
    print("| --- | ---: | ---: |")
    for w in row["windows"]:
        print(f"| {w['from']:,}–{w['to']:,} | {w['s']:.1f} | {fmt(w['pages_per_s'], 0)} |")
    verdicts = []
    ps = row["probes"]
    if len(ps) >= 2 and ps[0]["live_heap"] and ps[-1]["live_heap"]:
        ratio = ps[-1]["live_heap"] / ps[0]["live_heap"]
        lives = [p["live_heap"] for p in ps if p["live_heap"]]
        verdicts.append(f"heap after {ps[0]['pages']:,} vs {ps[-1]['pages']:,} pages within 20 %: "
                        f"{'met' if abs(ratio - 1) <= 0.2 else 'NOT met'} ({mib(ps[0]['live_heap'])} → "
                        f"{mib(ps[-1]['live_heap'])}, {ratio:.2f}×; every probe between {mib(min(lives))} and "
                        f"{mib(max(lives))})")
    full = [w for w in row["windows"] if w["pages_per_s"] and w["to"] - w["from"] >= n // 20]
    if len(full) >= 3:
        # The first window holds the JVM's start and the JIT's warm-up: the reference is the second.
        ref, last = full[1], full[-1]
        worst = min(full[1:], key=lambda w: w["pages_per_s"])
        verdicts.append(f"pages/s no decay beyond 20 % (the last window vs the second): "
                        f"{'met' if last['pages_per_s'] >= 0.8 * ref['pages_per_s'] else 'NOT met'} "
                        f"({ref['pages_per_s']:,.0f} → {last['pages_per_s']:,.0f}; slowest after the first: "
                        f"{worst['pages_per_s']:,.0f} at {worst['from']:,}; the machine's load moves these)")
    cpu = [p["cpu_ms_per_page"] for p in ps if p.get("cpu_ms_per_page")]
    if len(cpu) >= 3:
        verdicts.append(f"CPU per page (load-independent): {cpu[0]:.3f} ms in the second window, {cpu[-1]:.3f} ms "
                        f"in the last ({cpu[-1] / cpu[0]:.2f}×), {min(cpu):.3f}–{max(cpu):.3f} in all")
    s = row.get("seen_set", {})
    if "bytes_per_url" in s:
        verdicts.append(f"seen set: {s['urls']:,} URLs, {s['bytes_per_url']:.1f} bytes per URL "
                        f"({mib(s['bytes'])}, {s['where']})")
    known = s.get("urls")
    if known is not None:
        lost = known - row["stored"] - row["queued_left"]
        verdicts.append(f"every URL known stored: {'yes' if row['queued_left'] == 0 and lost == 0 else 'NO'} "
                        f"({known:,} known, {row['stored']:,} stored, {row['queued_left']:,} left in the frontier)")
    verdicts.append(f"SQLite file: {row['db_bytes'] / 2**20:,.0f} MiB, {row['db_bytes_per_page']:,.0f} bytes per page")
    print()
    for v in verdicts:
        print("- " + v)
    row["verdicts"] = verdicts
    return row


def bench_store():
    pages = 20_000 if ARGS.quick else 100_000
    lines, wall, cpu = run_json_lines(java(ARGS.bench_cp, "dev.weft.bench.crawl.StoreThroughput", str(pages),
                                           "sqlite,postgresql,mariadb", ARGS.raw), "store")
    print(f"\n## crawl store throughput: {pages:,} page rows per store, 200 per transaction (the crawler's batches)\n")
    print("| store | pages/s | s | bytes per page stored |")
    print("| --- | ---: | ---: | ---: |")
    for l in lines:
        if "error" in l:
            print(f"| {l['store']} | error: {l['error']} | | |")
        else:
            print(f"| {l['store']} | {l['pages_per_s']:,.0f} | {l['seconds']:.2f} | {l['bytes_per_page']:,.0f} |")
    return {"lines": lines, "wall_s": wall, "cpu_s": cpu}


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("what", nargs="?", default="all", choices=["throughput", "latency", "scale", "long", "store", "all"])
    p.add_argument("--raw", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--java", required=True)
    p.add_argument("--weft-cp", required=True)
    p.add_argument("--bench-cp", required=True)
    p.add_argument("--c4j-cp", default="")
    p.add_argument("--scrapy-python", default="/usr/bin/python3")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--jvm-arg", action="append", default=[])
    p.add_argument("--weft-arg", action="append", default=[],
                   help="a JVM flag for Weft's crawler only (./weft bench passes its AOT cache)")
    p.add_argument("--weft-jvm", action="append", default=[],
                   help="the JVM flags of ./weft crawl, for Weft's crawls instead of --jvm-arg (./weft bench passes them)")
    ARGS = p.parse_args()
    ARGS.raw = os.path.abspath(ARGS.raw)
    os.makedirs(ARGS.raw, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped benchmark restores the scheduler too
    scheduling, restore = take_scheduler()
    log("scheduling: " + scheduling)
    summary = {"bench": "crawl", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "quick": ARGS.quick, "loadavg_before": loadavg(), "cpus": os.cpu_count(), "scheduling": scheduling}
    try:
        run_parts(summary)
    finally:
        restore()


def run_parts(summary):
    if ARGS.what in ("throughput", "all"):
        summary["throughput"] = bench_throughput()
    if ARGS.what in ("latency", "all"):
        summary["latency"] = bench_latency()
    if ARGS.what in ("store", "all"):
        summary["store"] = bench_store()
    if ARGS.what in ("long", "all"):
        summary["long"] = bench_long()
    if ARGS.what in ("scale", "all"):
        summary["scale"] = bench_scale()
    summary["loadavg_after"] = loadavg()
    print(f"\nload average before {summary['loadavg_before']}, after {summary['loadavg_after']}; "
          f"scheduling: {summary['scheduling']}; raw output in {ARGS.raw}")
    os.makedirs(ARGS.results, exist_ok=True)
    with open(os.path.join(ARGS.results, "crawl.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(ARGS.results, "history.jsonl"), "a") as f:
        f.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
