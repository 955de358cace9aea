"""Load generator for the HTTP benchmark; runs as its own process, started by scripts/bench.py.

Each virtual user takes cases from the list one at a time: `submit` as the handler (If-Match: 1), then
`approve` as the reviewer (If-Match: 2), so every request fires a real event on a real case; both on
one HTTP/1.1 keep-alive connection, opened for the case. A new connection per case lets the server's
processes share the users as each frees up (the kernel hands a connection to a process waiting in
accept), as a proxy in front of them would; with connections kept for the whole run, whichever
process accepted more of them at the start kept them (7 of 8 was seen), and two processes measured
what one can do (`--keep-connections` for that mode). Plain asyncio streams rather than an HTTP library: on a
two-core machine the client's own CPU time is taken from the server it measures, so it is kept small.
Bounded: it stops after --seconds, or when the cases run out. Prints one JSON line.

Two modes. Closed loop (the default): each user sends its next request as soon as the last one is
answered, which finds the throughput. Open loop (`--rate R`): requests are due at R per second in all,
whatever the server does, and each latency counts from when its request was due, not from when a busy
user got round to sending it — the latency a client sees at that rate, queueing included.

    python scripts/bench_http_load.py --port 8000 --tokens tokens.json --cases cases.json
    python scripts/bench_http_load.py --port 8000 --tokens tokens.json --cases cases.json --rate 40
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

SUBMIT = {"summary": "当事人销售超过保质期的食品。", "proposed_decision": "拟罚款二十万元。", "materials": ["调查终结报告"]}
APPROVE = {"opinion": "同意。"}


def request(host: str, case: int, event: str, token: str, version: int, body: dict[str, Any]) -> bytes:
    data = json.dumps(body, ensure_ascii=False).encode()
    head = (
        f"POST /api/cases/{case}/events/{event} HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {token}\r\nIf-Match: {version}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    tokens = json.loads(Path(args.tokens).read_text())
    cases = iter(json.loads(Path(args.cases).read_text()))
    latencies: list[float] = []
    timeline: list[tuple[float, str, float]] = []  # (due, s after the warm-up; event; latency ms) for --dump
    errors: dict[str, int] = {}
    start = time.perf_counter()
    warm_end = start + args.warmup
    stop = warm_end + args.seconds
    last_done = [warm_end]
    sent = [0]  # requests started so far, all users together (open loop: the next one's due time)

    async def due() -> float:
        """Open loop: wait for the next request's slot and return when it was due; closed: now."""
        if not args.rate:
            return time.perf_counter()
        slot = start + sent[0] / args.rate
        sent[0] += 1
        await asyncio.sleep(max(0.0, slot - time.perf_counter()))
        return slot

    async def user() -> None:
        connection = None
        try:
            for case in cases:
                if connection is None or not args.keep_connections:
                    if connection is not None:
                        connection[1].close()
                    connection = await asyncio.open_connection(args.host, args.port)
                reader, writer = connection
                for event, who, version, body in (
                    ("submit", "handler", 1, SUBMIT),
                    ("approve", "reviewer", 2, APPROVE),
                ):
                    t0 = await due()
                    if t0 >= stop:
                        return
                    status = await exchange(reader, writer, request(args.host, case, event, tokens[who], version, body))
                    t1 = time.perf_counter()
                    if t0 >= warm_end:
                        latencies.append(t1 - t0)
                        if args.dump:
                            timeline.append((round(t0 - warm_end, 4), event, round((t1 - t0) * 1e3, 2)))
                        last_done[0] = max(last_done[0], t1)
                    if status != 200:
                        errors[str(status)] = errors.get(str(status), 0) + 1
                        break
        finally:
            if connection is not None:
                connection[1].close()

    await asyncio.gather(*(user() for _ in range(args.concurrency)))
    if args.dump:
        Path(args.dump).write_text(json.dumps(sorted(timeline)))
    window = last_done[0] - warm_end
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")

    return {
        "requests": len(latencies),
        "seconds": window,
        "rps": len(latencies) / window if window > 0 else 0.0,
        "p50_ms": pct(0.50) * 1e3,
        "p99_ms": pct(0.99) * 1e3,
        "errors": errors,
        "ran_out_of_cases": time.perf_counter() < stop,
        "rate": args.rate,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tokens", required=True, help="JSON file: {handler: token, reviewer: token}")
    parser.add_argument("--cases", required=True, help="JSON file: list of case ids in drafting, version 1")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rate", type=float, default=0.0, help="open loop: requests per second in all (0: closed loop)")
    parser.add_argument(
        "--keep-connections", action="store_true",
        help="one connection per simulated user for the whole run (default: a new one for each case, so that "
        "connections spread over the server's processes as they free up, as behind a proxy)",
    )
    parser.add_argument("--dump", default="", help="write every measured request (due time, event, latency) to this JSON file")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main_async(args))))


if __name__ == "__main__":
    main()
