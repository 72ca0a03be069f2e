"""Time and memory of a long call's webhook body through signature check and parsing (issue 15).

    .venv/bin/python benchmarks/bench_body.py [--mb 10] [--runs 7] [--json]

Three measurements on one Retell-shaped `call_analyzed` body of `--mb` megabytes
(agent_functions/bench/call_bodies.py):

1. in process, each step alone: the signature check (`signature.verify`) and the parse
   (`request_body.parse_body`), median time and the peak of Python allocations (tracemalloc) above
   what was allocated before the step; beside them the path they replaced (HMAC over body + timestamp
   concatenated, `json.loads`), on the same body;
2. over HTTP against `slotline serve` (one process, SQLite in a temporary folder, the demo salon):
   the round trip of the signed event (recorded each time: the same call, so an upsert), and the
   server's resident memory idle, at peak and after (sampled every 10 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent_functions.bench.call_bodies import call_object, event_body
from agent_functions.request_body import parse_body
from agent_functions.server_process import ServerProcess
from agent_functions.signature import sign, verify
from booking_core.storage.db import Database
from booking_core.storage.migrate import upgrade
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant

KEY = "bench-body-key"


def measure(step: Callable[[], Any], runs: int) -> dict[str, float]:
    """Median milliseconds over `runs`, and the peak MiB of allocations one run makes (tracemalloc)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    result = step()
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    del result
    return {"median_ms": round(statistics.median(times), 1), "peak_mib": round(peak / 2**20, 1)}


def old_path(body: bytes, header: str) -> Any:
    """What the edge did before: a digest over body + timestamp (a copy), then json.loads (text, then objects)."""
    timestamp = header.split(",")[0][2:]
    hmac.new(KEY.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return json.loads(body)


async def load_demo_salon(url: str) -> None:
    db = Database(url)
    try:
        await save_tenant(
            db,
            read_tenant_file(Path(__file__).resolve().parent.parent / "fixtures/tenants/demo-salon.yaml"),
            datetime.now(UTC),
        )
    finally:
        await db.dispose()


def over_http(body: bytes, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        asyncio.run(load_demo_salon(url))
        with ServerProcess(url, key=KEY, log_level="WARNING") as server:
            idle = server.rss_mb()
            peak, stop = idle, threading.Event()

            def sample() -> None:
                nonlocal peak
                while not stop.is_set():
                    peak = max(peak, server.rss_mb())
                    time.sleep(0.01)

            sampler = threading.Thread(target=sample)
            sampler.start()
            times = []
            for _ in range(runs):
                request = urllib.request.Request(
                    server.url + "/retell/events",
                    data=body,
                    method="POST",
                    headers={
                        "Content-Type": "application/json",
                        "X-Retell-Signature": sign(body, KEY, datetime.now(UTC)),
                    },
                )
                started = time.perf_counter()
                with urllib.request.urlopen(request, timeout=60) as response:
                    assert response.status == 200, response.read()[:200]
                    response.read()
                times.append((time.perf_counter() - started) * 1000)
            time.sleep(0.2)
            stop.set()
            sampler.join()
            return {
                "round_trip_median_ms": round(statistics.median(times), 1),
                "rss_idle_mib": round(idle, 1),
                "rss_peak_mib": round(peak, 1),
                "rss_after_mib": round(server.rss_mb(), 1),
            }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    body = event_body("call_analyzed", call_object(target_bytes=int(args.mb * 1_000_000)))
    header = sign(body, KEY, datetime.now(UTC))
    now = datetime.now(UTC)
    result = {
        "body_mb": round(len(body) / 1e6, 2),
        "verify": measure(lambda: verify(header, body, [KEY], now), args.runs),
        "parse_body": measure(lambda: parse_body(body), args.runs),
        "before (concatenated HMAC + json.loads)": measure(lambda: old_path(body, header), args.runs),
        "http": over_http(body, args.runs),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for name, value in result.items():
            print(f"{name:40} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
