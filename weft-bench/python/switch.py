"""Benchmark 1, switch cost, for CPython asyncio: nanoseconds per switch between two tasks.

    python3 switch.py [--rounds N] [--warmups W] [--repeats R]

Two variants, each a fresh asyncio.run() making 2 * rounds switches:
  asyncio-sleep0   both tasks `await asyncio.sleep(0)` rounds times (Weft.yieldNow's counterpart)
  asyncio-future   the tasks wake each other through a fresh loop.create_future() per message
                   (the same protocol as Weft's, Kotlin's and the JDK's future ping-pong)
Prints one JSON line per variant (median over the repeats).
"""

import argparse
import asyncio

from benchutil import emit, measure


async def _yield_times(rounds):
    for _ in range(rounds):
        await asyncio.sleep(0)


async def _sleep0_main(rounds):
    await asyncio.gather(asyncio.create_task(_yield_times(rounds)), asyncio.create_task(_yield_times(rounds)))


async def _future_main(rounds):
    loop = asyncio.get_running_loop()
    first = loop.create_future()

    async def a():
        to_b = first
        for _ in range(rounds):
            reply = loop.create_future()
            to_b.set_result(reply)
            to_b = await reply

    async def b():
        inbox = first
        for _ in range(rounds):
            reply = await inbox
            nxt = loop.create_future()
            reply.set_result(nxt)
            inbox = nxt

    await asyncio.gather(asyncio.create_task(a()), asyncio.create_task(b()))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=50_000)
    p.add_argument("--warmups", type=int, default=2)
    p.add_argument("--repeats", type=int, default=7)
    args = p.parse_args()
    switches = 2 * args.rounds
    for name, body in (("asyncio-sleep0", _sleep0_main), ("asyncio-future", _future_main)):
        samples = measure(lambda: asyncio.run(body(args.rounds)), switches, args.warmups, args.repeats)
        emit("switch", name, "ns/switch", samples)


if __name__ == "__main__":
    main()
