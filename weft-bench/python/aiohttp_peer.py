"""The aiohttp peers of the HTTP benchmark (docs/benchmarks.md section 5), one per process.

    python3 aiohttp_peer.py server asyncio|uvloop PORT
    python3 aiohttp_peer.py client asyncio|uvloop URL REQUESTS CONCURRENCY [WARMUP_REQUESTS]

Needs aiohttp (Debian: python3-aiohttp, run with /usr/bin/python3) and, for `uvloop`, uvloop
(python3-uvloop).

  server  aiohttp.web on one event loop: GET / -> web.Response(text="Hello, World!") (text/plain),
          GET /json -> web.json_response({"message": "Hello, World!"}) (json.dumps per request).
          No access log. Prints READY {"port":..,"pid":..} once listening; ends when stdin ends.
  client  one aiohttp.ClientSession(connector=TCPConnector(limit=CONCURRENCY)); CONCURRENCY worker
          coroutines take request numbers from a shared counter and do
          `async with session.get(url) as r: await r.read()`. First WARMUP_REQUESTS (default
          REQUESTS / 4) the same way on the same session, then the measured REQUESTS. Prints the JSON
          line of HttpFanout: wall seconds, requests/s, process CPU seconds (time.process_time, all
          threads) and CPU microseconds per request of the measured part, failures.
"""

import asyncio
import json
import os
import sys
import time

import aiohttp
from aiohttp import web


def use_loop(kind):
    if kind == "uvloop":
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    elif kind != "asyncio":
        raise SystemExit(f"unknown loop {kind}")


async def serve(port):
    async def hello(request):
        return web.Response(text="Hello, World!")

    async def hello_json(request):
        return web.json_response({"message": "Hello, World!"})

    app = web.Application()
    app.router.add_get("/", hello)
    app.router.add_get("/json", hello_json)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=4096)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]
    print("READY " + json.dumps({"port": bound, "pid": os.getpid()}), flush=True)
    loop = asyncio.get_running_loop()
    stdin_closed = loop.create_future()

    def on_stdin():
        if not os.read(sys.stdin.fileno(), 4096) and not stdin_closed.done():
            stdin_closed.set_result(None)

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    await stdin_closed
    await runner.cleanup()


async def fan_out(kind, url, n, conc, warm):
    failures = 0

    async def round_of(session, count):
        nonlocal failures
        next_request = 0

        async def worker():
            nonlocal next_request, failures
            while next_request < count:
                next_request += 1
                try:
                    async with session.get(url) as r:
                        await r.read()
                        if r.status != 200:
                            failures += 1
                except aiohttp.ClientError:
                    failures += 1

        await asyncio.gather(*(worker() for _ in range(conc)))

    connector = aiohttp.TCPConnector(limit=conc)
    async with aiohttp.ClientSession(connector=connector) as session:
        if warm > 0:
            await round_of(session, warm)
        failures = 0
        cpu0, t0 = time.process_time(), time.perf_counter()
        await round_of(session, n)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"client": "aiohttp" if kind == "asyncio" else "aiohttp-uvloop", "requests": n,
            "concurrency": conc, "wall_s": round(wall, 3), "rps": round(n / wall),
            "cpu_s": round(cpu, 3), "cpu_us_per_req": round(cpu * 1e6 / n, 1), "failures": failures,
            "aiohttp": aiohttp.__version__, "python": sys.version.split()[0]}


def main():
    mode, kind = sys.argv[1], sys.argv[2]
    use_loop(kind)
    if mode == "server":
        asyncio.run(serve(int(sys.argv[3])))
    elif mode == "client":
        url, n, conc = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        warm = int(sys.argv[6]) if len(sys.argv) > 6 else n // 4
        print(json.dumps(asyncio.run(fan_out(kind, url, n, conc, warm))), flush=True)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
