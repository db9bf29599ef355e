"""Helpers shared by the asyncio peers of Weft's benchmarks: timing rounds and JSON output."""

import json
import platform
import statistics
import sys
import time


def measure(fn, operations, warmups, rounds):
    """Calls fn() warmups + rounds times; returns the per-operation nanoseconds of the measured rounds."""
    for _ in range(warmups):
        fn()
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - t0) / operations)
    return samples


def emit(bench, contender, unit, samples, **extra):
    """Prints one result line: the median of the samples and the samples themselves."""
    record = {
        "bench": bench,
        "contender": contender,
        "unit": unit,
        "median": statistics.median(samples),
        "samples": samples,
        "runtime": "CPython " + platform.python_version(),
    }
    record.update(extra)
    print(json.dumps(record))
    sys.stdout.flush()


def proc_status_bytes(field):
    """A /proc/self/status field such as VmRSS or VmHWM, in bytes (-1 if unavailable)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return -1
