"""Database round trips per function call, as `slotline bench`'s simulated calls make them (issue 20, point 4).

    .venv/bin/python benchmarks/bench_round_trips.py [--database-url URL] [--calls 40] [--appointments 2000] [--json]

The app runs in this process on a real HTTP port (SQLite in a temporary folder, or the PostgreSQL
database named, which is WIPED) with the bench tenant; simulated calls (`agent_functions.bench.http_bench.
SimulatedCall`, no think time) run one after the other, and every statement and transaction boundary each
request causes is counted (`agent_functions.bench.round_trips`). Prints, per function, the mean, min and max
round trips, the most frequent sequence of statements, and the work per request: CPU milliseconds of
this process (the app, SQLite's thread, and the client, which is the same for every version measured)
and the median wall time, one request at a time. CPU time moves far less than latency when others load
the machine. The busy-time query runs on the driver
connection directly (`booking_store.load_busy`), past SQLAlchemy's events: this script wraps it to count
it too ("SELECT busy").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer

import booking_core.request
from agent_functions import logs
from agent_functions.app import create_app
from agent_functions.bench.http_bench import KEY, BenchConfig, Load, SimulatedCall
from agent_functions.bench.prepare import prepare_database
from agent_functions.bench.round_trips import COUNTING, RoundTrips, watch_requests
from agent_functions.bootstrap import build_services
from agent_functions.client import Answer, FunctionClient
from agent_functions.settings import Settings


class CountingClient(FunctionClient):
    """A client that files the round trips of each call under its function's name."""

    def __init__(self, base_url: str, counter: RoundTrips) -> None:
        super().__init__(base_url, KEY)
        self.counter = counter
        self.by_function: dict[str, list[list[str]]] = defaultdict(list)
        self.cpu_ms: dict[str, list[float]] = defaultdict(list)
        self.wall_ms: dict[str, list[float]] = defaultdict(list)

    async def call(self, name: str, args: dict[str, Any] | None = None, **kwargs: Any) -> Answer:
        self.counter.take()
        cpu, wall = time.process_time(), time.perf_counter()
        answer = await super().call(name, args, **kwargs)
        self.cpu_ms[name].append((time.process_time() - cpu) * 1000)
        self.wall_ms[name].append((time.perf_counter() - wall) * 1000)
        self.by_function[name].append(self.counter.take())
        return answer


def count_busy_loads(counter: RoundTrips) -> None:
    """Count `load_busy`, which runs on the driver connection where SQLAlchemy's events do not see it."""
    load_busy = getattr(booking_core.request, "load_busy")  # noqa: B009 - the module's own name for it

    async def counted(*args: Any, **kwargs: Any) -> Any:
        if COUNTING.get():
            counter.seen.append("SELECT busy")
        return await load_busy(*args, **kwargs)

    setattr(booking_core.request, "load_busy", counted)  # noqa: B010


async def measure(url: str | None, calls: int, appointments: int) -> dict[str, Any]:
    logs.configure("console", "WARNING")
    with tempfile.TemporaryDirectory() as tmp:
        config = BenchConfig(database_url=url, appointments=appointments, work_dir=Path(tmp))
        db_url = (await prepare_database(config)).url
        services = build_services(Settings(database_url=db_url, retell_api_keys=[KEY], _env_file=None))
        counter = RoundTrips(services.db)
        count_busy_loads(counter)
        app = create_app(services)
        watch_requests(app)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        try:
            client = CountingClient(str(server.make_url("/")), counter)
            async with client:
                rnd = random.Random(3)
                for index in range(5):  # warm up: statement caches, parsed tenant
                    await SimulatedCall(client, Load(), random.Random(rnd.random()), -index, 0).run()
                client.by_function.clear()
                client.cpu_ms.clear()
                client.wall_ms.clear()
                for index in range(calls):
                    await SimulatedCall(client, Load(), random.Random(rnd.random()), index, 0).run()
            database = "postgresql" if db_url.startswith("postgres") else "sqlite"
            return summarise(client.by_function, client.cpu_ms, client.wall_ms, database)
        finally:
            await server.close()
            await services.db.dispose()


def summarise(
    by_function: dict[str, list[list[str]]],
    cpu_ms: dict[str, list[float]],
    wall_ms: dict[str, list[float]],
    database: str,
) -> dict[str, Any]:
    functions: dict[str, Any] = {}
    for name, runs in sorted(by_function.items()):
        counts = [len(run) for run in runs]
        common, times = Counter(tuple(run) for run in runs).most_common(1)[0]
        functions[name] = {
            "requests": len(runs),
            "mean": round(sum(counts) / len(counts), 1),
            "min": min(counts),
            "max": max(counts),
            "most_common": list(common),
            "most_common_share": round(times / len(runs), 2),
            "cpu_ms_mean": round(statistics.fmean(cpu_ms[name]), 2),
            "wall_ms_p50": round(statistics.median(wall_ms[name]), 2),
        }
    return {"database": database, "functions": functions}


def render(result: dict[str, Any]) -> str:
    lines = [f"{result['database']}: round trips per request (statements + BEGIN/COMMIT/ROLLBACK)"]
    for name, f in result["functions"].items():
        lines.append(
            f"{name:<24} mean {f['mean']:>5}  min {f['min']:>3}  max {f['max']:>3}  (n={f['requests']})"
            f"  cpu {f['cpu_ms_mean']:>6.2f} ms  wall p50 {f['wall_ms_p50']:>6.2f} ms"
        )
        lines.append(f"    most common ({f['most_common_share']:.0%}): " + ", ".join(f["most_common"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL to use (WIPED); default: SQLite in a temporary folder")
    parser.add_argument("--calls", type=int, default=40, help="simulated phone calls to count (default 40)")
    parser.add_argument("--appointments", type=int, default=2000, help="existing appointments (default 2000)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.database_url, args.calls, args.appointments))
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
