"""Crashes: server workers and the outbox worker SIGKILLed under load; the database connection cut
mid-call and the database unreachable for a moment.

What a crash must never leave behind: an appointment with missing segments, two appointments on one
staff member's time, a hold that blocks a slot after its TTL, an outbox row that is never delivered
(or delivered twice), a 5xx or a traceback spoken to a caller, a failed call nobody calls back.
Everything runs for real: `slotline serve` and `slotline worker` in their own processes, PostgreSQL,
HTTP; only Cal.com is a fake, and a TCP proxy stands between the server and PostgreSQL to break it.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import aiohttp
import asyncpg
import psutil
import pytest

from agent_functions.client import SALON_NUMBER, Answer, FunctionClient
from agent_functions.server import FAILED_START_S
from agent_functions.server_process import ServerProcess
from booking_core.availability import calendar_for
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from tests.fakes.calcom import FakeCalcom
from tests.fakes.tcp_proxy import TcpProxy
from tests.pg_support import FIXTURES
from tests.reliability.support import CONTRACT_STATUSES, KEY, Report, scale

pytestmark = pytest.mark.postgres

SALON = "demo-salon"
PHYSIO_NUMBER = "+442071234567"  # the English demo tenant
ZONE = ZoneInfo("Europe/Berlin")
HOLD_TTL_S = 30  # the shortest hold a tenant file allows
ALL_STAFF = ("fabian", "emma", "sarah", "david", "michael")
# (spoken service, staff a caller may ask for; None = anyone), simple and composite alike
WISHES = (
    ("Herrenhaarschnitt", (None, "Fabian", "Emma", "David", "Michael")),
    ("Kinderhaarschnitt", (None, "Emma", "Michael")),
    ("Ansatz färben", (None, "Emma", "Sarah", "Fabian")),
    ("Dauerwelle", (None, "Emma", "Sarah")),
)
LEAKS = ("traceback", "exception", "error", "asyncpg", "sqlalchemy", "postgres", 'file "', "errno")
BROKEN = (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)


# --- tenants and days ----------------------------------------------------------------------------


def salon(*, hold_ttl_s: int | None = None, calcom: dict[str, Any] | None = None) -> TenantConfig:
    """The demo salon with a shorter hold or a Cal.com mirror: the tenant file validates both."""
    doc = read_tenant_file(FIXTURES / "tenants" / f"{SALON}.yaml").model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    if hold_ttl_s is not None:
        doc["booking"] = {**doc["booking"], "hold_ttl_s": hold_ttl_s}
    if calcom is not None:
        doc["integrations"] = {**doc.get("integrations", {}), "calcom": calcom}
    return TenantConfig.model_validate(doc)


async def store_tenant(url: str, config: TenantConfig) -> None:
    db = Database(url)
    try:
        await save_tenant(db, config, datetime.now(UTC))
    finally:
        await db.dispose()


def full_days(config: TenantConfig, count: int, *, after: date | None = None) -> list[date]:
    """Tuesdays to Fridays from the day after tomorrow on (the server runs on the real clock) when
    every staff member works the whole day, so the tests' slots exist whatever today is."""
    cal = calendar_for(config)
    day = after or datetime.now(ZONE).date() + timedelta(days=1)
    out: list[date] = []
    while len(out) < count:
        day += timedelta(days=1)
        if day.weekday() in (1, 2, 3, 4) and all(
            cal.working(s, day) and cal.working(s, day) == cal.raw_hours(s, day) for s in ALL_STAFF
        ):
            out.append(day)
    return out


# --- answers ---------------------------------------------------------------------------------------


def sentences(message: str) -> list[str]:
    """Sentences of a spoken answer; "am 24. November" is no sentence end, hence the digit rule."""
    return [s for s in re.split(r"(?<=[^\d\s][.!?])\s+", message.strip()) if s]


def contract_problems(answer: Answer) -> list[str]:
    """What makes this answer unfit for a voice agent (CONTRACT sections 1 and 3); empty when fine."""
    if answer.status != 200:
        return [f"HTTP {answer.status}: {str(answer.body)[:200]}"]
    body = answer.body
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return [f"not a section-3 body: {str(body)[:200]}"]
    problems = []
    if body.get("status") not in CONTRACT_STATUSES:
        problems.append(f"unknown status {body.get('status')!r}")
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        return [*problems, "no message to speak"]
    lowered = message.lower()
    problems += [f"message leaks {leak!r}: {message[:200]}" for leak in LEAKS if leak in lowered]
    if len(sentences(message)) > 3:
        problems.append(f"more than three sentences: {message[:300]}")
    return problems


@dataclass
class Tally:
    """Everything the simulated callers saw, for the assertions and the report."""

    requests: int = 0
    broken: int = 0  # connections that broke (a worker was killed under them)
    retries: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    errors: list[tuple[str, Answer]] = field(default_factory=list)  # (call id, answer) of status "error"
    booked: dict[str, dict[str, Any]] = field(default_factory=dict)  # call id -> appointment answered
    broken_promises: list[str] = field(default_factory=list)  # held but not booked, booked but not cancellable

    def record(self, function: str, call_id: str, answer: Answer) -> None:
        self.outcomes[answer.outcome or f"HTTP {answer.status}"] += 1
        self.problems += [f"{function}: {p}" for p in contract_problems(answer)]
        if answer.outcome == "error":
            self.errors.append((call_id, answer))


async def send(
    client: FunctionClient,
    tally: Tally,
    function: str,
    args: dict[str, Any],
    call_id: str,
    *,
    attempts: int = 4,
    from_number: str | None = None,
    to_number: str = SALON_NUMBER,
) -> Answer | None:
    """One function call as a voice platform makes it: a broken connection is retried (signed anew);
    None when every attempt broke."""
    for attempt in range(attempts):
        tally.requests += 1
        tally.retries += attempt > 0
        try:
            answer = await client.call(function, args, call_id=call_id, from_number=from_number, to_number=to_number)
        except BROKEN:
            tally.broken += 1
            await asyncio.sleep(0.2)
            continue
        tally.record(function, call_id, answer)
        return answer
    return None


def when_args(start_iso: str) -> dict[str, str]:
    start = datetime.fromisoformat(start_iso).astimezone(ZONE)
    return {"date": start.date().isoformat(), "time": start.strftime("%H:%M")}


# --- the database after the fact -------------------------------------------------------------------


async def fetch(url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def appointment_problems(url: str, config: TenantConfig) -> tuple[int, list[str]]:
    """(appointments, problems): every appointment has exactly the segments its service defines, live
    while it stands; no call holds two appointments; no staff member is busy twice at once."""
    appts = await fetch(
        url, 'SELECT id, call_id, service_id, status, start, "end" FROM appointments WHERE tenant_id = $1', SALON
    )
    segs = await fetch(
        url,
        'SELECT appointment_id, staff_id, key, position, start, "end", busy_until, staff_busy, live '
        "FROM appointment_segments WHERE tenant_id = $1 ORDER BY appointment_id, position",
        SALON,
    )
    by_appt: dict[str, list[asyncpg.Record]] = defaultdict(list)
    for seg in segs:
        by_appt[seg["appointment_id"]].append(seg)
    problems = [p for a in appts for p in segment_problems(a, by_appt.get(a["id"], []), config)]
    per_call = Counter(a["call_id"] for a in appts if a["call_id"] and a["status"] != "cancelled")
    problems += [f"call {c} holds {n} appointments" for c, n in per_call.items() if n > 1]
    problems += overlap_problems([s for s in segs if s["live"] and s["staff_busy"]])
    return len(appts), problems


def segment_problems(appt: asyncpg.Record, segs: list[asyncpg.Record], config: TenantConfig) -> list[str]:
    service = config.service(appt["service_id"])
    assert service is not None, appt["service_id"]
    expected = [(s.key, s.duration_min) for s in service.segments] or [("main", service.duration_min)]
    actual = [(s["key"], int((s["end"] - s["start"]).total_seconds() // 60)) for s in segs]
    name = f"appointment {appt['id']} ({appt['service_id']}, {appt['status']})"
    if actual != expected:
        return [f"{name}: segments {actual}, its service defines {expected}"]
    problems = []
    if segs[0]["start"] != appt["start"] or max(s["end"] for s in segs) != appt["end"]:
        problems.append(f"{name}: segments do not span the appointment")
    if any(s["live"] != (appt["status"] != "cancelled") for s in segs):
        problems.append(f"{name}: segments live/released do not match its status")
    return problems


def overlap_problems(busy: list[asyncpg.Record]) -> list[str]:
    by_staff: dict[str, list[asyncpg.Record]] = defaultdict(list)
    for seg in busy:
        by_staff[seg["staff_id"]].append(seg)
    problems = []
    for staff, rows in by_staff.items():
        rows.sort(key=lambda s: s["start"])
        busiest = rows[0]  # the segment reaching furthest so far
        for seg in rows[1:]:
            if seg["start"] < busiest["busy_until"]:
                problems.append(
                    f"{staff} busy twice: {busiest['appointment_id']} and {seg['appointment_id']} at {seg['start']}"
                )
            if seg["busy_until"] > busiest["busy_until"]:
                busiest = seg
    return problems


async def wait_until(predicate: Callable[[], Awaitable[bool]], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not await predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout_s} s: {what}")
        await asyncio.sleep(0.2)


# --- 1. SIGKILL server workers and the outbox worker under load -----------------------------------


async def caller(client: FunctionClient, tally: Tally, rng: random.Random, days: list[date], stop_at: float) -> None:
    """One after another, calls that check a wish (which holds it) and book it, or book the first
    alternative offered: simple and composite services, with and without a staff wish; some cancel."""
    while time.monotonic() < stop_at:
        call_id = f"load-{uuid.uuid4().hex[:12]}"
        service, staff_choices = rng.choice(WISHES)
        minute = rng.randrange(9 * 60, 16 * 60, 15)
        args = {
            "service": service,
            "date": rng.choice(days).isoformat(),
            "time": f"{minute // 60:02d}:{minute % 60:02d}",
        }
        if staff := rng.choice(staff_choices):
            args["staff"] = staff
        phone = f"+49151{rng.randrange(10**7, 10**8)}"
        check = await send(client, tally, "check_availability", args, call_id, from_number=phone)
        if check is None or check.outcome not in ("available", "unavailable"):
            continue
        held = check.outcome == "available"
        if not held:
            # the first alternative on the load's days (the reserved day belongs to the orphaned holds)
            alternatives = [
                a
                for a in check.body["data"].get("alternatives") or []
                if date.fromisoformat(when_args(a["start"])["date"]) in days
            ]
            if not alternatives:
                continue
            args = {
                "service": service,
                **when_args(alternatives[0]["start"]),
                "staff": alternatives[0]["staff"]["name"],
            }
        booking = await send(
            client, tally, "book_appointment", {**args, "customer_name": "Lena Vogel"}, call_id, from_number=phone
        )
        if booking is not None and booking.outcome == "booked":
            appointment = booking.body["data"]["appointment"]
            tally.booked[call_id] = appointment
            if rng.random() < 0.3:  # changed their mind: frees capacity, and cancels run under SIGKILL too
                cancel = await send(
                    client,
                    tally,
                    "cancel_appointment",
                    {"appointment": appointment["reference"], "confirm": True},
                    call_id,
                    from_number=phone,
                )
                if cancel is not None and cancel.outcome != "cancelled":
                    tally.broken_promises.append(
                        f"{call_id}: booked, then cancel answered {cancel.outcome}: {cancel.body['message']}"
                    )
        elif booking is not None and held:
            tally.broken_promises.append(
                f"{call_id}: held, then book answered {booking.outcome}: {booking.body['message']}"
            )


class WorkerKiller:
    """SIGKILLs server workers the way a crash would: one at a time, the one serving the most callers.

    A worker must have run long enough that the supervisor takes its death for a crash (and restarts
    it) rather than for a failed start (and stops). Ages are counted from when a pid was first seen
    here, never more than the truth (psutil's create_time is a second off in containers)."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.first_seen: dict[int, float] = {}
        self.kills = 0
        self.ages()

    def ages(self) -> dict[int, float]:
        now = time.monotonic()
        return {pid: now - self.first_seen.setdefault(pid, now) for pid in self.server.worker_pids()}

    def callers_of(self, pid: int) -> int:
        """Client connections this worker holds open (requests in flight, or kept alive for the next)."""
        try:
            conns = psutil.Process(pid).net_connections(kind="tcp")
        except psutil.Error:
            return 0
        return sum(c.status == psutil.CONN_ESTABLISHED and c.laddr.port == self.server.port for c in conns)

    async def ready(self) -> None:
        """Until some worker is old enough to be killed."""
        ages = self.ages()
        await asyncio.sleep(max(0.0, FAILED_START_S + 0.5 - max(ages.values())))

    async def freeze(self) -> int:
        """SIGSTOP the busiest worker old enough to die: requests that reach it from now on wait there,
        in flight for certain, until `kill(pid)`. (Killing a running worker after a short sleep caught
        no request at all when the machine was fast.)"""
        await self.ready()
        pid = self._busiest()
        os.kill(pid, signal.SIGSTOP)
        return pid

    def _busiest(self) -> int:
        ages = self.ages()
        return max((p for p, age in ages.items() if age > FAILED_START_S + 0.5), key=self.callers_of)

    async def kill(self, pid: int | None = None) -> int:
        """SIGKILL `pid` (default: the busiest worker old enough to die), and wait until the supervisor
        has replaced it."""
        if pid is None:
            await self.ready()
            pid = self._busiest()
        os.kill(pid, signal.SIGKILL)
        self.kills += 1

        async def replaced() -> bool:
            pids = self.ages()
            return len(pids) == self.server.workers and pid not in pids

        await wait_until(replaced, 15, f"the supervisor replaces killed worker {pid}")
        return pid


@dataclass
class Burst:
    """Holds taken by calls that never come back: some answered and abandoned, some killed mid-request."""

    abandoned: list[dict[str, str]]
    killed: list[dict[str, str]]
    last_started: float = 0.0  # wall clock (the server runs on the real clock)
    answers: dict[str, Answer | None] = field(default_factory=dict)  # call id -> answer, None when killed

    @property
    def slots(self) -> list[dict[str, str]]:
        return self.abandoned + self.killed


def burst_slots(day: date) -> list[dict[str, str]]:
    """Non-overlapping men's cuts (55 min + 5 buffer) on one reserved day, one per staff and hour."""
    return [
        {"service": "Herrenhaarschnitt", "date": day.isoformat(), "time": f"{hour:02d}:00", "staff": staff}
        for hour in range(10, 17)
        for staff in ("Fabian", "Emma", "David", "Michael")
    ]


async def orphan_holds(killer: WorkerKiller, client: FunctionClient, day: date) -> Burst:
    """Holds whose calls never come back: half the checks are answered and then abandoned, the other
    half are fired and a worker is SIGKILLed while they run (their holds may or may not be written)."""
    slots = burst_slots(day)
    burst = Burst(slots[: len(slots) // 2], slots[len(slots) // 2 :])

    async def check(call_id: str, slot: dict[str, str]) -> None:
        try:
            burst.answers[call_id] = await client.call("check_availability", slot, call_id=call_id)
        except BROKEN:
            burst.answers[call_id] = None

    burst.last_started = time.time()
    await asyncio.gather(*(check(f"orphan-{i}", slot) for i, slot in enumerate(burst.abandoned)))
    frozen = await killer.freeze()
    burst.last_started = time.time()
    offset = len(burst.abandoned)
    tasks = [asyncio.create_task(check(f"orphan-{offset + i}", slot)) for i, slot in enumerate(burst.killed)]
    await asyncio.sleep(0.3)  # the frozen worker's share of the burst is now waiting in it
    await killer.kill(frozen)
    await asyncio.gather(*tasks)
    return burst


async def probe_holds_block(client: FunctionClient, tally: Tally, burst: Burst) -> int:
    """How many abandoned holds refuse another call the slot: a hold must block until its TTL."""
    held = [burst.answers[f"orphan-{i}"] for i in range(len(burst.abandoned))]
    assert all(a is not None and a.outcome == "available" for a in held), [a and a.body for a in held]
    refused = 0
    for i, slot in enumerate(burst.abandoned[:4]):
        answer = await send(client, tally, "check_availability", slot, f"probe-{i}")
        refused += answer is not None and answer.outcome == "unavailable"
    return refused


async def assert_answered_bookings_stored(url: str, tally: Tally) -> None:
    """Every booking a caller heard confirmed is in the database, for that call, at that time."""
    rows = await fetch(url, "SELECT id, call_id, start FROM appointments WHERE tenant_id = $1", SALON)
    stored = {r["id"]: r for r in rows}
    for call_id, appt in tally.booked.items():
        row = stored.get(appt["id"])
        assert row is not None, f"{call_id} was told 'booked' ({appt['id']}) but nothing is stored"
        assert row["call_id"] == call_id and row["start"] == datetime.fromisoformat(appt["start"]), (dict(row), appt)


async def rebook_orphaned_slots(client: FunctionClient, tally: Tally, burst: Burst) -> None:
    """After the TTL every slot the burst held (answered or killed) is bookable by another call."""

    async def book(i: int, slot: dict[str, str]) -> bool:
        answer = await send(client, tally, "book_appointment", {**slot, "customer_name": "Max Muster"}, f"rebook-{i}")
        return answer is not None and answer.outcome == "booked"

    results = await asyncio.gather(*(book(i, slot) for i, slot in enumerate(burst.slots)))
    refused = [slot for slot, ok in zip(burst.slots, results) if not ok]
    assert not refused, f"slots still blocked after the hold TTL: {refused}"


CALCOM_KEY = "cal_reliability_key"
CALCOM_ENV = "RELIABILITY_CALCOM_KEY"


def mirrored_parts(config: TenantConfig, service_id: str) -> tuple[str, ...]:
    """What the mirror sends per appointment: one Cal.com booking per segment of a composite service
    (all staff-busy under the salon's `free` pause policy), else one for the whole ("-")."""
    service = config.service(service_id)
    assert service is not None
    return tuple(s.key for s in service.segments) or ("-",)


def calcom_event_types(fake: FakeCalcom, config: TenantConfig) -> dict[str, int]:
    """Event types in the fake whose lengths match each part (the mirror finds its own bookings by time)."""
    mapping = {}
    for service in config.services:
        if service.segments:
            for seg in service.segments:
                mapping[f"{service.id}/{seg.key}"] = fake.add_event_type(
                    f"{service.id}-{seg.key}".lower(), seg.duration_min
                )
        else:
            assert service.duration_min is not None
            mapping[service.id] = fake.add_event_type(service.id, service.duration_min)
    return mapping


class OutboxWorker:
    """`slotline worker` in its own process, with a short lease so a killed worker's rows come back soon."""

    def __init__(self, database_url: str, log_path: Path) -> None:
        self.command = [
            sys.executable,
            "-m",
            "agent_functions.cli",
            "worker",
            "--database-url",
            database_url,
            "--poll",
            "0.2",
            "--batch",
            "2",
            "--lease",
            "2",
        ]
        self.env = {**os.environ, CALCOM_ENV: CALCOM_KEY, "SLOTLINE_LOG_FORMAT": "json"}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command, env=self.env, stdout=log, stderr=log, start_new_session=True)

    def kill(self) -> None:
        assert self.process is not None and self.process.poll() is None, (
            f"the worker died by itself (log: {self.log_path})"
        )
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def outbox_status(url: str) -> Counter[str]:
    return Counter(
        {r["status"]: r["n"] for r in await fetch(url, "SELECT status, count(*) AS n FROM outbox GROUP BY status")}
    )


async def kill_outbox_worker_mid_send(
    worker: OutboxWorker, fake: FakeCalcom, url: str, kills: int, until: float
) -> int:
    """SIGKILL the draining worker `kills` times before `until`, each while one of its Cal.com requests
    is in flight, leaving rows claimed and unsettled; restart it a moment later (rows written meanwhile
    wait in the outbox). Returns how many times rows were still pending right after a kill."""
    left_pending = 0
    for k in range(kills):
        await asyncio.sleep(max(0.5, (until - time.monotonic()) / (kills - k + 1)))

        async def mid_send(created: int = len(fake.bookings)) -> bool:
            return len(fake.bookings) > created and any(r.answered is None for r in fake.requests)

        await wait_until(mid_send, 30, "the outbox worker is sending to Cal.com")
        worker.kill()
        left_pending += (await outbox_status(url))["pending"] > 0
        await asyncio.sleep(1)
        worker.start()
    return left_pending


async def mirror_problems(url: str, config: TenantConfig, fake: FakeCalcom) -> list[str]:
    """Every part of every appointment is in Cal.com exactly once, active exactly while the appointment
    stands (cancelled ones were created, then cancelled), and Cal.com holds nothing else."""
    appts = await fetch(url, "SELECT id, service_id, status FROM appointments WHERE tenant_id = $1", SALON)
    seen = Counter(
        (b["metadata"].get("slotline_appointment"), b["metadata"].get("slotline_segment"))
        for b in fake.bookings.values()
    )
    active = {
        (b["metadata"].get("slotline_appointment"), b["metadata"].get("slotline_segment"))
        for b in fake.bookings.values()
        if b["status"] == "accepted"
    }
    expected = {(a["id"], key): a["status"] for a in appts for key in mirrored_parts(config, a["service_id"])}
    problems = [f"{part} mirrored {seen[part]} times" for part in expected if seen[part] != 1]
    problems += [
        f"{part} is {'active' if part in active else 'cancelled'} in Cal.com but {status} here"
        for part, status in expected.items()
        if (part in active) != (status == "scheduled")
    ]
    problems += [f"unexpected Cal.com booking {part}" for part in seen if part not in expected]
    return problems


@dataclass
class CrashRun:
    """What happened while callers booked and workers died."""

    tally: Tally
    burst: Burst
    server_kills: int
    blocked: int  # abandoned holds that refused another call the slot
    left_pending: int  # outbox kills after which rows were still undelivered

    @property
    def killed_mid_request(self) -> set[str]:
        return {call_id for call_id, answer in self.burst.answers.items() if answer is None}


async def load_under_sigkill(
    server: ServerProcess,
    client: FunctionClient,
    outbox: OutboxWorker,
    fake: FakeCalcom,
    url: str,
    days: list[date],
    reserved: date,
) -> CrashRun:
    """Callers book on `days` while server workers and the outbox worker are SIGKILLed now and then;
    first of all, orphaned holds are left on the `reserved` day."""
    tally, rng, killer = Tally(), random.Random(9), WorkerKiller(server)
    load_s = scale(8, 90)
    stop_at = time.monotonic() + load_s
    callers = [asyncio.create_task(caller(client, tally, rng, days, stop_at)) for _ in range(scale(4, 10))]
    # outbox kills in the first two thirds of the load, while bookings still feed the outbox
    outbox_kills = asyncio.create_task(
        kill_outbox_worker_mid_send(outbox, fake, url, scale(1, 4), stop_at - load_s / 3)
    )
    await asyncio.sleep(1)
    burst = await orphan_holds(killer, client, reserved)
    blocked = await probe_holds_block(client, tally, burst)
    kills = scale(1, 5)
    for k in range(1, kills):
        await asyncio.sleep(max(0.0, (stop_at - time.monotonic()) / (kills - k + 1)))
        await killer.kill()
    await asyncio.gather(*callers)
    return CrashRun(tally, burst, killer.kills, blocked, await outbox_kills)


async def assert_nothing_broken(url: str, config: TenantConfig, run: CrashRun) -> int:
    """Right after the crashes: every answer was fit to speak and kept its word, no appointment is
    partial or double-booked, every confirmed booking is stored. Returns the appointment count."""
    tally = run.tally
    assert not tally.problems, tally.problems[:10]
    assert not tally.errors, [a.body for _, a in tally.errors[:5]]
    assert not tally.broken_promises, tally.broken_promises[:5]
    assert tally.broken + len(run.killed_mid_request) > 0, "no request was in flight when the workers were killed"
    assert run.blocked == len(run.burst.abandoned[:4]), "an abandoned hold did not block its slot before its TTL"
    assert run.left_pending > 0, "the outbox worker had nothing left to deliver whenever it was killed"
    count, problems = await appointment_problems(url, config)
    assert not problems, problems[:10]
    await assert_answered_bookings_stored(url, tally)
    return count


async def assert_orphans_released(url: str, config: TenantConfig, client: FunctionClient, run: CrashRun) -> None:
    """Once their TTL has passed, no orphaned hold is live and every slot they held can be booked."""
    await asyncio.sleep(max(0.0, run.burst.last_started + HOLD_TTL_S + 1.5 - time.time()))
    live = await fetch(url, "SELECT call_id FROM holds WHERE call_id LIKE 'orphan-%' AND expires_at > now()")
    assert not live, f"holds still live after their TTL: {[r['call_id'] for r in live]}"
    await rebook_orphaned_slots(client, run.tally, run.burst)
    _, problems = await appointment_problems(url, config)
    assert not problems, problems[:10]


async def test_sigkill_under_load_keeps_appointments_whole_holds_short_and_the_outbox_delivered(
    reliability_pg: str, server_log: Path, report: Report, tmp_path: Path
) -> None:
    fake = await FakeCalcom(api_key=CALCOM_KEY, latency_s=0.02).start()
    calcom = {
        "base_url": fake.url,
        "api_key_env": CALCOM_ENV,
        "timeout_s": 5,
        "event_types": calcom_event_types(fake, salon()),
    }
    config = salon(hold_ttl_s=HOLD_TTL_S, calcom=calcom)
    await store_tenant(reliability_pg, config)
    days = full_days(config, scale(4, 30))  # room enough that bookings (and outbox rows) go on all load long
    reserved = full_days(config, 1, after=days[-1])[0]
    outbox = OutboxWorker(reliability_pg, tmp_path / "outbox-worker.log")
    try:
        with ServerProcess(reliability_pg, key=KEY, workers=3, log_path=server_log) as server:
            async with FunctionClient(server.url, KEY, timeout_s=30) as client:
                outbox.start()
                run = await load_under_sigkill(server, client, outbox, fake, reliability_pg, days, reserved)
                # Read before housekeeping may delete them (it removes holds a minute past their expiry).
                orphans = {
                    r["call_id"]
                    for r in await fetch(reliability_pg, "SELECT call_id FROM holds WHERE call_id LIKE 'orphan-%'")
                }
                count = await assert_nothing_broken(reliability_pg, config, run)
                await assert_orphans_released(reliability_pg, config, client, run)

                async def drained() -> bool:
                    return set(await outbox_status(reliability_pg)) == {"sent"}

                await wait_until(drained, scale(60, 240), "every outbox row is delivered once the worker is back")
        problems = await mirror_problems(reliability_pg, config, fake)
        assert not problems, problems[:10]
        outbox_rows = sum((await outbox_status(reliability_pg)).values())
        reclaimed = (await fetch(reliability_pg, "SELECT count(*) AS n FROM outbox WHERE attempts > 1"))[0]["n"]
    finally:
        outbox.stop()
        await fake.stop()
    report.add("load held", "requests under SIGKILL", run.tally.requests)
    report.add("load held", "appointments under SIGKILL", count)
    report.add("load held", "outbox rows delivered across worker crashes", outbox_rows)
    report.add("faults injected", "server worker SIGKILLs", run.server_kills)
    report.add("faults injected", "outbox worker SIGKILLs mid-send", outbox.kills)
    report.add("faults injected", "requests broken by a SIGKILL", run.tally.broken + len(run.killed_mid_request))
    report.add("faults injected", "orphaned holds expired and slots rebooked", len(orphans))
    report.add("faults injected", "holds written by SIGKILLed requests", len(orphans & run.killed_mid_request))
    report.add("faults injected", "outbox rows re-claimed after a crash", reclaimed)


# --- 2. the database connection cut mid-call ------------------------------------------------------


async def db_caller(
    client: FunctionClient, tally: Tally, rng: random.Random, days: list[date], stop: asyncio.Event
) -> None:
    """Calls that read and write (context, check, book) while the database comes and goes; now and
    then a call to the English tenant, whose apologies must be English too."""
    while not stop.is_set():
        call_id = f"db-{uuid.uuid4().hex[:12]}"
        phone = f"+49152{rng.randrange(10**7, 10**8)}"
        if rng.random() < 0.25:
            await english_call(client, tally, call_id, phone)
            continue
        minute = rng.randrange(10 * 60, 16 * 60, 15)
        args = {
            "service": rng.choice(("Herrenhaarschnitt", "Ansatz färben")),
            "date": rng.choice(days).isoformat(),
            "time": f"{minute // 60:02d}:{minute % 60:02d}",
        }
        await send(client, tally, "get_context", {}, call_id, from_number=phone, attempts=1)
        check = await send(client, tally, "check_availability", args, call_id, from_number=phone, attempts=1)
        if check is not None and check.outcome == "available":
            await send(
                client,
                tally,
                "book_appointment",
                {**args, "customer_name": "Lena Vogel"},
                call_id,
                from_number=phone,
                attempts=1,
            )


async def english_call(client: FunctionClient, tally: Tally, call_id: str, phone: str) -> None:
    for function in ("get_context", "list_services"):
        answer = await send(
            client, tally, function, {}, call_id, from_number=phone, to_number=PHYSIO_NUMBER, attempts=1
        )
        if answer is not None and answer.outcome == "error" and "sorry" not in answer.body["message"].lower():
            tally.problems.append(f"{function}: an English caller heard {answer.body['message']!r}")


async def assert_back_to_normal(client: FunctionClient, days: list[date]) -> None:
    """The first calls after the database is back are answered as on any other day."""
    tally = Tally()
    args = {"service": "Herrenhaarschnitt", "date": days[-1].isoformat(), "time": "18:00", "staff": "Michael"}
    context = await send(client, tally, "get_context", {}, "after-outage", attempts=1)
    check = await send(client, tally, "check_availability", args, "after-outage", attempts=1)
    booking = await send(
        client, tally, "book_appointment", {**args, "customer_name": "Max Muster"}, "after-outage", attempts=1
    )
    outcomes = [a.outcome if a else "broken" for a in (context, check, booking)]
    assert outcomes == ["ok", "available", "booked"], (outcomes, tally.problems, [a.body for _, a in tally.errors])


async def unrecorded_callbacks(url: str, errors: list[tuple[str, Answer]]) -> list[str]:
    """Failed calls without a callback request in the database (given time to catch up)."""

    async def missing() -> list[str]:
        rows = {r["id"]: r["call_id"] for r in await fetch(url, "SELECT id, call_id FROM callback_requests")}
        out = []
        for call_id, answer in errors:
            callback_id = answer.body["data"].get("callback_id")
            if rows.get(callback_id) != call_id:
                out.append(f"{call_id}: {answer.body['message']!r} (callback_id {callback_id})")
        return out

    deadline = time.monotonic() + 5
    while (left := await missing()) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    return left


async def test_database_cut_mid_call_answers_speakably_and_calls_back(
    reliability_pg: str, server_log: Path, report: Report
) -> None:
    config = salon()
    days = full_days(config, 2)
    target = urlsplit(reliability_pg)
    proxy = await TcpProxy(target.hostname or "127.0.0.1", target.port or 5432).start()
    tally, rng, stop = Tally(), random.Random(3), asyncio.Event()
    cuts, outages, dropped = scale(3, 12), scale(1, 3), 0
    try:
        with ServerProcess(proxy.url_for(reliability_pg), key=KEY, workers=2, log_path=server_log) as server:
            async with FunctionClient(server.url, KEY, timeout_s=30) as client:
                callers = [asyncio.create_task(db_caller(client, tally, rng, days, stop)) for _ in range(scale(3, 8))]
                await asyncio.sleep(1.0)
                for _ in range(cuts):  # every open connection dropped while calls are in flight
                    dropped += proxy.cut()
                    await asyncio.sleep(0.4)
                for _ in range(outages):  # unreachable for a moment (connection refused), then back
                    dropped += await proxy.go_down()
                    await asyncio.sleep(1.0)
                    await proxy.come_back()
                    await asyncio.sleep(0.5)
                stop.set()
                await asyncio.gather(*callers)
                await assert_back_to_normal(client, days)

                assert not tally.problems, tally.problems[:10]
                assert tally.broken == 0, "the server dropped an HTTP connection instead of answering"
                assert tally.errors, "no call was hit by the database faults: the test proved nothing"
                _, problems = await appointment_problems(reliability_pg, config)
                assert not problems, problems[:10]
                missing = await unrecorded_callbacks(reliability_pg, tally.errors)
    finally:
        await proxy.stop()
    report.add("load held", "calls while the database comes and goes", tally.requests)
    report.add("faults injected", "database connections cut", dropped)
    report.add("faults injected", "database outages (refused)", outages)
    report.add("faults injected", "answers 'error' during database faults", len(tally.errors))
    report.add("failures found", "failed calls without a callback request", len(missing))
    # Failures outside the function are spooled by the edge (agent_functions/callback_spool.py); a failure
    # inside it goes through dispatch._apologise, which queues on the same spool when the database is down.
    assert not missing, (
        f"{len(missing)} of {len(tally.errors)} failed answers have no callback request, e.g. {missing[:2]}"
    )


async def test_database_that_hangs_still_gets_an_answer(reliability_pg: str, server_log: Path, report: Report) -> None:
    """A database that stops answering without failing (every byte held back) must not leave the caller
    in silence: the server gives up after its database timeout and apologises, with a callback request
    written once the database answers again."""
    config = salon()
    days = full_days(config, 1)
    target = urlsplit(reliability_pg)
    proxy = await TcpProxy(target.hostname or "127.0.0.1", target.port or 5432).start()
    tally = Tally()
    env = {"SLOTLINE_DATABASE_TIMEOUT_S": "1"}
    try:
        with ServerProcess(proxy.url_for(reliability_pg), key=KEY, workers=2, log_path=server_log, env=env) as server:
            async with FunctionClient(server.url, KEY, timeout_s=30) as client:
                assert (await send(client, tally, "get_context", {}, "before-stall", attempts=1)) is not None
                proxy.stall()
                args = {"service": "Herrenhaarschnitt", "date": days[0].isoformat(), "time": "11:00"}
                asked = [("get_context", {}), ("check_availability", args)] * scale(2, 6)
                hung = await asyncio.gather(
                    *(
                        send(client, tally, function, fn_args, f"stalled-{i}", attempts=1)
                        for i, (function, fn_args) in enumerate(asked)
                    )
                )
                # Answered while the database still hangs: nothing here waited for it to come back. An
                # apology; or get_context's ordinary answer (no caller number: it needs no database) from a
                # worker that checked the tenant's revision less than a second ago (issue 20, point 4).
                assert all(
                    a is not None and (a.outcome == "error" or (function == "get_context" and a.outcome == "ok"))
                    for (function, _), a in zip(asked, hung, strict=True)
                ), [a.body if a else None for a in hung]
                assert any(a is not None and a.outcome == "error" for a in hung), "no request met the hung database"
                proxy.resume()
                await assert_back_to_normal(client, days)
                assert not tally.problems, tally.problems[:10]
                missing = await unrecorded_callbacks(reliability_pg, tally.errors)
    finally:
        await proxy.stop()
    report.add("faults injected", "database hangs", 1)
    report.add("faults injected", "answers 'error' while the database hung", len(tally.errors))
    assert not missing, missing[:3]
