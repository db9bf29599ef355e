"""The asyncio and uvloop echo servers of the network benchmarks.

    python3 echo_server.py asyncio|uvloop PORT

Uses asyncio.Protocol (data_received -> transport.write), the fastest way to echo in asyncio;
the streams API (StreamReader/StreamWriter, the counterpart of Weft's streams) adds a
coroutine switch and a buffer copy per message and is slower. asyncio and uvloop both set
TCP_NODELAY on TCP connections. Prints READY {"port":..,"pid":..} once listening; end of stdin
ends the process; the line "stats" answers {"active": n}.
"""

import asyncio
import json
import os
import sys


class Echo(asyncio.Protocol):
    active = 0

    def connection_made(self, transport):
        self.transport = transport
        Echo.active += 1

    def data_received(self, data):
        self.transport.write(data)

    def connection_lost(self, exc):
        Echo.active -= 1


async def main(port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", port, backlog=4096)
    bound = server.sockets[0].getsockname()[1]
    print("READY " + json.dumps({"port": bound, "pid": os.getpid()}), flush=True)
    done = loop.create_future()

    def on_stdin():
        line = sys.stdin.readline()
        if not line:
            if not done.done():
                done.set_result(None)
        elif line.strip() == "stats":
            print(json.dumps({"active": Echo.active}), flush=True)

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    await done
    server.close()


if __name__ == "__main__":
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "uvloop":
        import uvloop
        uvloop.install()
    elif kind != "asyncio":
        sys.exit("unknown server " + kind)
    asyncio.run(main(port))
