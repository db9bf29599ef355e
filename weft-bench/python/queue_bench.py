"""Benchmark 3, queue throughput, for CPython asyncio: one producer, one consumer.

    python3 queue_bench.py [--messages N] [--warmups W] [--repeats R]

Variants, each a fresh asyncio.run() moving N small integers:
  asyncio-queue1024   asyncio.Queue(maxsize=1024)
  asyncio-queue1      asyncio.Queue(maxsize=1), the closest asyncio has to a rendezvous
Prints one JSON line per variant: median nanoseconds per message (messages/s = 1e9 / median).
"""

import argparse
import asyncio

from benchutil import emit, measure


async def _transfer(maxsize, messages):
    queue = asyncio.Queue(maxsize)
    total = 0

    async def producer():
        for i in range(messages):
            await queue.put(i & 127)

    async def consumer():
        nonlocal total
        for _ in range(messages):
            total += await queue.get()

    await asyncio.gather(asyncio.create_task(producer()), asyncio.create_task(consumer()))
    return total


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--messages", type=int, default=100_000)
    p.add_argument("--warmups", type=int, default=2)
    p.add_argument("--repeats", type=int, default=7)
    args = p.parse_args()
    for name, maxsize in (("asyncio-queue1024", 1024), ("asyncio-queue1", 1)):
        samples = measure(lambda: asyncio.run(_transfer(maxsize, args.messages)), args.messages,
                          args.warmups, args.repeats)
        emit("queue", name, "ns/message", samples)


if __name__ == "__main__":
    main()
