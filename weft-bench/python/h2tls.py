"""The TLS server table of the http2 benchmark (weft-bench/run http2, http2-tls): h2load over TLS
(ALPN h2) against Weft's HttpServer and Netty's Http2FrameCodec, from OUT/server-tls.jsonl."""
import json
import statistics


def tls_table(out):
    rows = [json.loads(l) for l in open(f"{out}/server-tls.jsonl") if l.strip().startswith("{")]
    print("h2load -n N -c 10 -m 100 over TLS (ALPN h2, the JDK's TLS on both servers), one server loop"
          " on CPU 0, h2load on CPU 1 (median of runs):\n")
    print("| server | requests/s | rounds | protocol, cipher | failed |")
    print("| --- | ---: | --- | --- | ---: |")
    med = {}
    for s in ("weft", "netty"):
        r = [x for x in rows if x["server"] == s]
        med[s] = statistics.median(x["rps"] for x in r) if r else 0
        rounds = " / ".join(f"{x['rps']:,.0f}" for x in r)
        protos = ",".join(sorted({x.get("protocol", "?") + " " + x.get("cipher", "?") for x in r}))
        print(f"| {s}-tls | {med[s]:,.0f} | {rounds} | {protos} | {sum(x['failed'] for x in r)} |")
    if med.get("netty"):
        print(f"\nWeft / Netty over TLS: {med['weft'] / med['netty']:.2f}\n")
