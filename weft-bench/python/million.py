"""Benchmark 2, one million tasks, for CPython asyncio: spawn N tasks that each sleep, wait for all.

    python3 million.py time|memory [n] [sleep_seconds]

time    wall time from the first create_task until gather returns; peak RSS (VmHWM)
memory  the same tasks; once all are parked in their sleep, gc.collect() and report
        (RSS now - RSS before spawning) / n (CPython has no separate heap figure)
Prints one JSON line. One run per process, so that the peak RSS is this run's own.
"""

import asyncio
import gc
import json
import platform
import sys
import time

from benchutil import proc_status_bytes


async def _sleeper(seconds):
    await asyncio.sleep(seconds)


async def _main(n, seconds, memory):
    rss_before = proc_status_bytes("VmRSS")
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(_sleeper(seconds)) for _ in range(n)]
    spawned = time.perf_counter()
    result = {}
    if memory:
        await asyncio.sleep(0)  # every task runs its first step and parks in its sleep
        gc.collect()
        rss = proc_status_bytes("VmRSS")
        result.update(rss_parked_bytes=rss, rss_per_task_bytes=(rss - rss_before) / n)
    await asyncio.gather(*tasks)
    done = time.perf_counter()
    result.update(spawn_s=round(spawned - t0, 3), wall_s=round(done - t0, 3))
    return result


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "time"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    result = asyncio.run(_main(n, seconds, mode == "memory"))
    record = {"contender": "asyncio", "mode": mode, "tasks": n, "sleep_s": seconds}
    record.update(result)
    record["vmhwm_bytes"] = proc_status_bytes("VmHWM")
    record["runtime"] = "CPython " + platform.python_version()
    print(json.dumps(record))


if __name__ == "__main__":
    main()
