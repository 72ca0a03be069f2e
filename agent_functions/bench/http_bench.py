"""`slotline bench`: every function's latency under concurrent phone calls, as the voice platform sees it.

The server runs as its own process (`slotline serve`, `--workers N` processes on PostgreSQL) on a
large generated tenant; this process plays N phone calls at once over real signed HTTP. Each call
greets (get_context), asks for times in spoken German (specific times, days, parts of days,
composite services, staff wishes), books about half of what it is offered, and now and then finds
its booking again and cancels or moves it. Beside them, `ping` (a function that does nothing) goes
through the same stack (signature, envelope, tenant, dispatch, response): its latency is the
floor, what the stack costs before any booking work.

A call waits about `think_ms` (0.5 to 1.5 times it) before each function call: the caller speaking
and the LLM thinking. On a real line that is several seconds; the default of one second packs the
load of several real calls into each simulated one. `--think-ms 0` drives the server as hard as N
callers can (every call a closed loop): that measures capacity (calls per second), while its
latencies are mostly queueing.
"""

from __future__ import annotations

import asyncio
import os
import platform
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psutil

from agent_functions.bench.generate import (
    BENCH_NUMBER,
    COMPOSITE_NAMES,
    SIMPLE_NAMES,
    STAFF_NAMES,
    tenant_number,
)
from agent_functions.bench.memory_watch import MemoryWatch
from agent_functions.client import Answer, FunctionClient
from agent_functions.server_process import ServerProcess

KEY = "bench-key"
BERLIN = ZoneInfo("Europe/Berlin")
DAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag")
TIMES = (
    "um 9",
    "um halb zehn",
    "um 10 Uhr",
    "um Viertel nach elf",
    "um 12",
    "um halb drei",
    "um 15 Uhr",
    "um Viertel vor fünf",
    "um 17:30",
    "um 18 Uhr",
)
PARTS = ("vormittags", "nachmittags", "am Vormittag", "am Nachmittag", "abends", "früh")
RELATIVE_DAYS = ("morgen", "übermorgen", "nächste Woche", "in zwei Wochen")


def spoken_when(rnd: random.Random) -> str:
    """A day, a time, or a part of a day, the way callers say it."""
    day = rnd.choice([*RELATIVE_DAYS[:2], *DAYS, f"nächste Woche {rnd.choice(DAYS)}", f"am {rnd.choice(DAYS)}"])
    shape = rnd.random()
    if shape < 0.5:
        return f"{day} {rnd.choice(TIMES)}"  # a specific time
    if shape < 0.8:
        return f"{day} {rnd.choice(PARTS)}"  # a window
    return day  # a whole day


def spoken_wish(rnd: random.Random) -> dict[str, str]:
    """check_availability arguments: a service (a quarter composite), a time, sometimes a staff wish."""
    service = rnd.choice(COMPOSITE_NAMES) if rnd.random() < 0.25 else rnd.choice(SIMPLE_NAMES)
    args = {"service": service, "when": spoken_when(rnd)}
    if rnd.random() < 0.35:
        args["staff"] = rnd.choice(STAFF_NAMES)
    return args


@dataclass
class Samples:
    """Latencies (ms) and error count of one function."""

    ms: list[float] = field(default_factory=list)
    errors: int = 0

    def summary(self) -> dict[str, float | int]:
        ordered = sorted(self.ms)

        def pct(p: float) -> float:
            if not ordered:
                return 0.0
            return round(ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))], 2)

        return {
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "max_ms": round(ordered[-1], 2) if ordered else 0.0,
            "count": len(ordered),
            "errors": self.errors,
        }


@dataclass
class Load:
    """What the simulated calls saw, per function."""

    functions: dict[str, Samples] = field(default_factory=lambda: defaultdict(Samples))
    calls: int = 0
    error_examples: list[str] = field(default_factory=list)

    def record(self, function: str, answer: Answer | None, ms: float, problem: str | None = None) -> None:
        samples = self.functions[function]
        samples.ms.append(ms)
        if answer is None or answer.status != 200 or answer.outcome in (None, "error"):
            samples.errors += 1
            if len(self.error_examples) < 5:
                detail = problem or (f"HTTP {answer.status}: {str(answer.body)[:200]}" if answer else "no answer")
                self.error_examples.append(f"{function}: {detail}")


class SimulatedCall:
    """One phone call: the sequence of function calls an agent makes while a caller books."""

    def __init__(
        self,
        client: FunctionClient,
        load: Load,
        rnd: random.Random,
        index: int,
        think_s: float,
        to_number: str = BENCH_NUMBER,
    ) -> None:
        self.client = client
        self.to_number = to_number
        self.load = load
        self.rnd = rnd
        self.call_id = f"bench_{index}_{rnd.getrandbits(40):x}"
        self.phone = f"+49151{rnd.randrange(0, 2000):08d}" if rnd.random() < 0.7 else f"+49152{rnd.getrandbits(26):08d}"
        self.think_s = think_s

    async def send(self, function: str, args: dict[str, Any] | None = None) -> Answer | None:
        if self.think_s:
            await asyncio.sleep(self.rnd.uniform(0.5, 1.5) * self.think_s)
        started = time.perf_counter()
        try:
            answer = await self.client.call(
                function, args, call_id=self.call_id, from_number=self.phone, to_number=self.to_number
            )
        except Exception as exc:  # noqa: BLE001 - a transport failure is a measured error, not a crash of the bench
            self.load.record(function, None, (time.perf_counter() - started) * 1000, problem=repr(exc)[:200])
            return None
        self.load.record(function, answer, answer.ms)
        return answer

    async def run(self) -> None:
        await self.send("get_context")
        await self.send("ping")
        offered = None
        for _ in range(self.rnd.choice((1, 1, 2))):
            wish = spoken_wish(self.rnd)
            answer = await self.send("check_availability", wish)
            offered = _first_offer(answer) or offered
            await self.send("ping")
        if offered is None or self.rnd.random() >= 0.5:
            return
        booked = await self.send(
            "book_appointment",
            {
                "service": offered["service"]["name"],
                "staff": offered["staff"]["name"],
                "date": offered["start"][:10],
                "time": offered["start"][11:16],
                "customer_name": "Bench Caller",
            },
        )
        if booked is None or booked.outcome != "booked":
            return
        reference = booked.body["data"]["appointment"]["reference"]
        after = self.rnd.random()
        if after < 0.2:
            await self.send("find_appointments", {})
            await self.send("cancel_appointment", {"appointment": reference, "confirm": True})
        elif after < 0.4:
            await self.send(
                "reschedule_appointment", {"appointment": reference, "new_when": spoken_when(self.rnd), "confirm": True}
            )


def _first_offer(answer: Answer | None) -> dict[str, Any] | None:
    """The slot to book from a check: the free time asked for, else the first option or alternative."""
    if answer is None or answer.status != 200 or not isinstance(answer.body, dict):
        return None
    data = answer.body.get("data") or {}
    if data.get("slot"):
        return data["slot"]
    options = data.get("slots") or data.get("alternatives") or []
    if not options:
        return None
    # A compact answer names the service once, in `request` (agent_functions.compact).
    return {"service": (data.get("request") or {}).get("service"), **options[0]}


@dataclass
class BenchConfig:
    database_url: str | None = None  # None: a fresh SQLite file under var/bench
    concurrency: int = 20
    duration_s: float = 30.0
    workers: int | None = None  # default: 1 on SQLite, 2 on PostgreSQL
    appointments: int = 20_000
    think_ms: float = 1000.0
    tenants: int = 1  # tenants of the bench shape; calls and appointments are spread over them
    tenant_cache: int | None = None  # the server's SLOTLINE_TENANT_CACHE_SIZE; default: all tenants (>= 256)
    seed: int = 1
    work_dir: Path = Path("var/bench")


async def drive(server: ServerProcess, config: BenchConfig) -> tuple[Load, float]:
    """Run `concurrency` simulated calls back to back for `duration_s`; returns what they saw and the time."""
    load = Load()
    rnd = random.Random(config.seed)
    numbers = [tenant_number(i) for i in range(config.tenants)]
    async with FunctionClient(server.url, KEY, timeout_s=60) as client:
        for _ in range(10):  # warm up every worker's pools and caches; not measured
            await SimulatedCall(client, Load(), random.Random(rnd.random()), -1, 0).run()
        deadline = time.perf_counter() + config.duration_s
        started = time.perf_counter()
        counter = iter(range(10**9))

        async def caller(lane: int) -> None:
            lane_rnd = random.Random(rnd.random() + lane)
            while time.perf_counter() < deadline:
                number = lane_rnd.choice(numbers)  # each call rings one of the tenants
                await SimulatedCall(client, load, lane_rnd, next(counter), config.think_ms / 1000, number).run()
                load.calls += 1

        await asyncio.gather(*(caller(lane) for lane in range(config.concurrency)))
        return load, time.perf_counter() - started


def run_bench(config: BenchConfig, progress: Any = print) -> dict[str, Any]:
    """Prepare, serve, drive, and report: the `--json` object of `slotline bench`."""
    from agent_functions.bench.prepare import prepare_database  # it imports BenchConfig from here

    started = time.perf_counter()
    prepared = asyncio.run(prepare_database(config))
    url, written = prepared.url, prepared.appointments
    dialect = "postgresql" if url.startswith("postgres") else "sqlite"
    workers = config.workers or (2 if dialect == "postgresql" else 1)
    progress(
        f"{dialect}: {config.tenants} tenant(s) loaded in {prepared.tenants_load_s:.1f} s, "
        f"{written} appointments generated in {time.perf_counter() - started:.1f} s; "
        f"serving with {workers} worker process(es); {config.concurrency} calls for {config.duration_s:.0f} s"
    )
    cache = config.tenant_cache or max(256, config.tenants)
    server = ServerProcess(
        url,
        key=KEY,
        workers=workers,
        log_path=config.work_dir / "server.log",
        env={"SLOTLINE_TENANT_CACHE_SIZE": str(cache)},
        ready_timeout_s=30 + 0.5 * min(cache, config.tenants),  # a loaded machine starts hundreds slowly
    )
    with server, MemoryWatch(server) as memory:
        load, elapsed = asyncio.run(drive(server, config))
    floor = load.functions.pop("ping", Samples())
    requests = sum(len(s.ms) for s in load.functions.values()) + len(floor.ms)
    return {
        "functions": {name: samples.summary() for name, samples in sorted(load.functions.items())},
        "floor": floor.summary(),
        "calls_per_s": round(requests / elapsed, 1),
        "phone_calls_per_s": round(load.calls / elapsed, 2),
        "peak_rss_mb": round(memory.peak_mb, 1),
        "peak_pss_mb": round(memory.peak_pss_mb, 1),
        "database": dialect,
        "workers": workers,
        "concurrency": config.concurrency,
        "think_ms": config.think_ms,
        "duration_s": round(elapsed, 1),
        "appointments": written,
        "tenants": config.tenants,
        "tenants_load_s": round(prepared.tenants_load_s, 1),
        "tenant_cache": cache,
        "errors": sum(s.errors for s in load.functions.values()) + floor.errors,
        "error_examples": load.error_examples,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}",
        "date": datetime.now(BERLIN).date().isoformat(),
    }
