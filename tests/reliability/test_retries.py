"""Voice platform retries: every function call sent three times, one after another and all at once.

Retell re-sends a function call it got no timely answer to: same call id, same arguments, a fresh
signature. Behind a load balancer the copies may reach different server processes while the first
is still working. Whatever the timing, each write must happen once and every copy must get the
first execution's answer; the read functions must answer the copies alike.

The copies go to real `slotline serve` processes: on PostgreSQL the four-worker server and two more
servers on the same database, each copy of a request to another process; on SQLite the single
process `make run` serves. The database is counted after every step (appointments, audit rows,
callback requests, holds) and no answer claim may be left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import select, text

from agent_functions.client import SALON_NUMBER, Answer, FunctionClient
from agent_functions.dispatch import request_key
from agent_functions.registry import resolve
from agent_functions.server_process import ServerProcess
from agent_functions.signature import Signer
from booking_core.availability import calendar_for
from booking_core.clock import SystemClock
from booking_core.storage.db import Database
from booking_core.storage.edge_models import FunctionClaim
from booking_core.storage.migrate import upgrade
from booking_core.storage.models import CallbackRequest
from booking_core.tenant_file import read_tenant_file
from tests.pg_support import FIXTURES
from tests.reliability.support import KEY, Report, load_demo_tenants, scale

COPIES = 3
# Statuses of answers that wrote: every later copy of such a request gets the stored answer.
WRITTEN = ("booked", "rescheduled", "cancelled", "callback_requested")
PATH = "/retell/functions"
SALON = read_tenant_file(FIXTURES / "tenants" / "demo-salon.yaml")
ZONE = ZoneInfo(SALON.timezone)
STAFF = "emma"


# --- the scene ---------------------------------------------------------------------------------------


def booking_days(count: int) -> list[date]:
    """Tuesdays at least three days ahead on which the salon is open and Emma works: far enough for the
    salon's cancel (24 h, free from 48 h) and reschedule (12 h) notice, counted from today's date."""
    cal = calendar_for(SALON)
    day, days = datetime.now(ZONE).date() + timedelta(days=3), []
    while len(days) < count:
        if day.weekday() == 1 and cal.working(STAFF, day):
            days.append(day)
        day += timedelta(days=1)
    return days


PER_DAY = 4  # callers per Tuesday: each books hour 9, 11, 13 or 15 and moves it one hour on


@dataclass
class Caller:
    """One phone call: its own call id and number, so its writes can be counted apart from the others."""

    index: int
    call_id: str
    phone: str
    name: str


FIRST = ("Lena", "Paul", "Mia", "Jonas", "Emilia", "Felix", "Hanna", "Lukas")
LAST = ("Vogel", "Krüger", "Lange", "Brandt", "Seidel", "Kühn", "Frank", "Berger")


def new_caller(tag: str, index: int) -> Caller:
    """A caller with a call id, mobile number and spoken name of its own (names must read like names)."""
    return Caller(
        index,
        f"call_retry_{tag}_{index}_{uuid.uuid4().hex[:6]}",
        f"+49171{uuid.uuid4().int % 10**7:07d}",
        f"{FIRST[index % len(FIRST)]} {LAST[index // len(FIRST) % len(LAST)]}",
    )


@dataclass
class Sent:
    """Every copy sent and every duplicate the server should have absorbed, for the report."""

    requests: int = 0
    duplicates: int = 0
    write_duplicates: int = 0  # copies of a request whose first copy wrote: each must get the stored answer


class Platform:
    """The voice platform's side: one signer for every send (it never repeats a timestamp, so no two
    copies carry the same signature) and one client per server, as a load balancer would spread them."""

    def __init__(self, urls: list[str], session: aiohttp.ClientSession) -> None:
        self.clients = [FunctionClient(url, KEY, session=session) for url in urls]
        self.signer = Signer(KEY, SystemClock().now)

    def target(self, caller: Caller, copy: int) -> FunctionClient:
        """Copy k of a caller's request goes to server (caller + k): with three servers, three processes."""
        return self.clients[(caller.index + copy) % len(self.clients)]


async def send_copies(
    platform: Platform, name: str, args: dict[str, Any], caller: Caller, *, at_once: bool, sent: Sent
) -> list[Answer]:
    """The same function call `COPIES` times, each send signed anew (as Retell signs a retry), either
    one after another or all at once."""
    envelope = {
        "name": name,
        "args": args,
        "call": {
            "call_id": caller.call_id,
            "from_number": caller.phone,
            "to_number": SALON_NUMBER,
            "direction": "inbound",
        },
    }
    body = json.dumps(envelope, ensure_ascii=False).encode()
    sent.requests += COPIES
    sent.duplicates += COPIES - 1

    def post(copy: int) -> Any:
        header = {"X-Retell-Signature": platform.signer.header(body)}
        return platform.target(caller, copy).post(PATH, body, sign=False, headers=header)

    answers = (
        [await post(k) for k in range(COPIES)]
        if not at_once
        else await asyncio.gather(*[post(k) for k in range(COPIES)])
    )
    sent.write_duplicates += COPIES - 1 if answers[0].outcome in WRITTEN else 0
    return list(answers)


def without_moment(body: dict[str, Any]) -> dict[str, Any]:
    """The answer minus what honestly differs from send to send: the hold's expiry (counted from each
    send) and the clock of get_context."""
    copy = json.loads(json.dumps(body))
    slot = copy.get("data", {}).get("slot")
    if isinstance(slot, dict):
        slot.pop("hold_expires_at", None)
    context = copy.get("data", {}).get("context")
    if isinstance(context, dict):
        context.pop("now", None)
        copy.pop("message", None)  # says the time of day
    return copy


def same_answer(answers: list[Answer], *, exact: bool = True) -> dict[str, Any]:
    """Every copy got HTTP 200 and the same body (exactly, for writes); returns that body."""
    assert [a.status for a in answers] == [200] * len(answers), [a.body for a in answers]
    bodies = [a.body if exact else without_moment(a.body) for a in answers]
    assert all(b == bodies[0] for b in bodies), json.dumps(bodies, ensure_ascii=False, indent=1)
    return answers[0].body


# --- counting what was written ---------------------------------------------------------------------------


class Ledger:
    """Counts rows in the server's database, per call."""

    def __init__(self, url: str) -> None:
        self.db = Database(url)

    async def count(self, sql: str, **params: Any) -> int:
        async with self.db.read() as session:
            return int((await session.execute(text(sql), params)).scalar_one())

    async def appointments(self, call_id: str) -> int:
        return await self.count("SELECT count(*) FROM appointments WHERE call_id = :c", c=call_id)

    async def audit(self, call_id: str, action: str) -> int:
        return await self.count(
            "SELECT count(*) FROM audit_log WHERE call_id = :c AND action = :a", c=call_id, a=action
        )

    async def callbacks(self, call_id: str) -> int:
        return await self.count("SELECT count(*) FROM callback_requests WHERE call_id = :c", c=call_id)

    async def holds(self, call_id: str) -> int:
        return await self.count("SELECT count(*) FROM holds WHERE call_id = :c", c=call_id)

    async def callback_created(self, call_id: str) -> datetime:
        async with self.db.read() as session:
            return (
                await session.scalars(select(CallbackRequest.created_at).where(CallbackRequest.call_id == call_id))
            ).one()

    async def claims(self) -> int:
        return await self.count("SELECT count(*) FROM function_claims")

    async def appointment(self, appointment_id: str) -> tuple[str, int, int]:
        """Status, reschedule count and live segments of one appointment."""
        async with self.db.read() as session:
            status, moves = (
                await session.execute(
                    text("SELECT status, reschedule_count FROM appointments WHERE id = :i"), {"i": appointment_id}
                )
            ).one()
            live = (
                await session.execute(
                    text("SELECT count(*) FROM appointment_segments WHERE appointment_id = :i AND live"),
                    {"i": appointment_id},
                )
            ).scalar_one()
        return status, int(moves), int(live)

    async def close(self) -> None:
        await self.db.dispose()


# --- one caller's whole call, every function sent three times ---------------------------------------------------


async def whole_call(
    platform: Platform, ledger: Ledger, caller: Caller, day: date, hour: int, *, at_once: bool, sent: Sent
) -> None:
    """Check, book, look up, move (asked, then confirmed), cancel (likewise), ask for a callback: each
    function's copies write once and answer alike; the database shows exactly one of each write."""

    def send(name: str, args: dict[str, Any]) -> Any:
        return send_copies(platform, name, args, caller, at_once=at_once, sent=sent)

    wish = {"service": "Herrenhaarschnitt", "date": day.isoformat(), "time": f"{hour:02d}:00", "staff": "Emma"}

    context = same_answer(await send("get_context", {}), exact=False)
    assert context["status"] == "ok"

    check = same_answer(await send("check_availability", wish), exact=False)
    assert check["status"] == "available", check
    assert await ledger.holds(caller.call_id) == 1

    booked = same_answer(await send("book_appointment", {**wish, "customer_name": caller.name}))
    assert booked["status"] == "booked", booked
    appointment = booked["data"]["appointment"]
    assert await ledger.appointments(caller.call_id) == 1
    assert await ledger.audit(caller.call_id, "created") == 1
    assert await ledger.holds(caller.call_id) == 0

    found = same_answer(await send("find_appointments", {}))
    assert found["status"] == "ok" and [a["id"] for a in found["data"]["appointments"]] == [appointment["id"]], found

    # Asking first writes nothing but the hold on the new time: copies are evaluated afresh, alike.
    move = {"appointment": appointment["reference"], "new_date": day.isoformat(), "new_time": f"{hour + 1:02d}:00"}
    offer = same_answer(await send("reschedule_appointment", move), exact=False)
    assert offer["status"] == "needs_confirmation", offer
    assert await ledger.holds(caller.call_id) == 1
    assert await ledger.audit(caller.call_id, "rescheduled") == 0

    moved = same_answer(await send("reschedule_appointment", {**move, "confirm": True}))
    assert moved["status"] == "rescheduled", moved
    assert await ledger.audit(caller.call_id, "rescheduled") == 1
    assert (await ledger.appointment(appointment["id"]))[:2] == ("scheduled", 1)
    assert await ledger.holds(caller.call_id) == 0

    question = same_answer(await send("cancel_appointment", {"appointment": appointment["reference"]}))
    assert question["status"] == "needs_confirmation", question
    assert await ledger.audit(caller.call_id, "cancelled") == 0

    cancelled = same_answer(
        await send("cancel_appointment", {"appointment": appointment["reference"], "confirm": True})
    )
    assert cancelled["status"] == "cancelled", cancelled
    assert await ledger.audit(caller.call_id, "cancelled") == 1
    assert await ledger.appointment(appointment["id"]) == ("cancelled", 1, 0)

    callback = same_answer(
        await send("request_callback", {"customer_name": caller.name, "reason": "Frage zur Rechnung"})
    )
    assert callback["status"] == "callback_requested", callback
    assert await ledger.callbacks(caller.call_id) == 1

    assert await ledger.appointments(caller.call_id) == 1


@dataclass
class ServerLog:
    """What the servers logged: which process answered each copy, which copies were absorbed."""

    answered_by: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    absorbed: int = 0
    waited: int = 0

    @classmethod
    def read(cls, paths: list[Path]) -> ServerLog:
        out = cls()
        for path in paths:
            for line in path.read_text(errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                event = entry.get("event")
                if event == "function answered":
                    out.answered_by.setdefault((entry["call_id"], entry["function"]), set()).add(entry["pid"])
                elif event == "retry answered from the first execution":
                    out.absorbed += 1
                    out.waited += bool(entry.get("waited"))
        return out


async def run_calls(url: str, servers: list[ServerProcess], callers: int, tag: str) -> Sent:
    """`callers` calls at the same time (different call ids), each sending every function three times,
    the copies spread over `servers`: even callers send their copies one after another, odd ones all
    at once, so both kinds of retry interleave."""
    sent = Sent()
    days = booking_days(-(-callers // PER_DAY))
    ledger = Ledger(url)
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=60))
    try:
        platform = Platform([s.url for s in servers], session)
        # Each caller has an hour of Emma's of its own: the subject is retries, not competition.
        await asyncio.gather(
            *(
                whole_call(
                    platform,
                    ledger,
                    new_caller(tag, i),
                    days[i // PER_DAY],
                    9 + 2 * (i % PER_DAY),
                    at_once=i % 2 == 1,
                    sent=sent,
                )
                for i in range(callers)
            )
        )
        assert await ledger.claims() == 0, "an answer claim was left behind"
    finally:
        await session.close()
        await ledger.close()
    return sent


# --- the tests ---------------------------------------------------------------------------------------------------


def record(report: Report, sent: Sent, log: ServerLog, callers: int) -> None:
    report.add("load held", "retry callers", callers)
    report.add("load held", "retry copies sent", sent.requests)
    report.add("faults injected", "retry duplicates sent", sent.duplicates)
    report.add("faults injected", "retry duplicates absorbed (answer of the first copy)", log.absorbed)
    report.add("faults injected", "retry duplicates that waited for the first copy", log.waited)


@pytest.mark.postgres
async def test_retried_calls_write_once_across_processes(reliability_pg: str, server_log: Path, report: Report) -> None:
    """PostgreSQL, the four-worker server and two more servers behind the same "load balancer": the
    three copies of every function reach three different processes, one after another or at the same
    moment, and still write once and answer alike."""
    callers = scale(6, 16)
    logs = [server_log, server_log.with_name("server-b.log"), server_log.with_name("server-c.log")]
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(ServerProcess(reliability_pg, key=KEY, workers=w, log_path=p))
            for w, p in zip((4, 1, 1), logs, strict=True)
        ]
        sent = await run_calls(reliability_pg, servers, callers, "pg")
    log = ServerLog.read(logs)
    # The copies of every request were answered by processes of their own (three servers, three processes).
    assert all(len(pids) >= COPIES for pids in log.answered_by.values()), log.answered_by
    assert log.absorbed == sent.write_duplicates
    assert log.waited > 0, "no copy arrived while the first was still at work"
    record(report, sent, log, callers)
    report.add("load held", "retry server processes (PostgreSQL)", 4 + 1 + 1)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[str]:
    """A migrated SQLite file with the demo tenants: the engine `make run` uses."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'retries.db'}"
    upgrade(url)
    asyncio.run(load_demo_tenants(url))
    yield url


def test_retried_calls_write_once_on_sqlite(sqlite_db: str, server_log: Path, report: Report) -> None:
    """The single-process server on SQLite (what `make run` serves): copies write once there too."""
    callers = scale(2, 6)

    with ServerProcess(sqlite_db, key=KEY, workers=1, log_path=server_log) as server:
        sent = asyncio.run(run_calls(sqlite_db, [server], callers, "sqlite"))
    log = ServerLog.read([server_log])
    assert log.absorbed == sent.write_duplicates
    assert log.waited > 0, "no copy arrived while the first was still at work"
    record(report, sent, log, callers)


# --- a copy whose process died --------------------------------------------------------------------------------


async def plant_claim(url: str, caller: Caller, name: str, args: dict[str, Any], expires_at: datetime) -> None:
    """What a process leaves behind when it dies between claiming a request and answering it."""
    resolved = resolve(name, args)
    db = Database(url)
    try:
        async with db.write() as session:
            session.add(
                FunctionClaim(
                    tenant_id="demo-salon",
                    call_id=caller.call_id,
                    token="dead-process",
                    request_key=request_key(resolved.function or name, resolved.args or {}, resolved.mode),
                    expires_at=expires_at,
                )
            )
    finally:
        await db.dispose()


@pytest.mark.postgres
async def test_claim_of_a_dead_process_expires(reliability_pg: str, server_log: Path, report: Report) -> None:
    """A claim whose owner crashed never blocks the platform's retries for good: an expired one is taken
    over at once, a live one is respected until it expires and then taken over; either way the request
    then executes exactly once."""
    args = {"customer_name": "Paula Engel", "reason": "Rückruf nach Absturz"}
    expired, live = new_caller("expired", 1), new_caller("live", 2)
    ledger = Ledger(reliability_pg)
    sent = Sent()
    try:
        with ServerProcess(reliability_pg, key=KEY, workers=4, log_path=server_log) as server:
            now = datetime.now(UTC)
            claims = {expired.call_id: now - timedelta(seconds=1), live.call_id: now + timedelta(seconds=2)}
            for caller in (expired, live):
                await plant_claim(reliability_pg, caller, "request_callback", args, claims[caller.call_id])
            async with aiohttp.ClientSession() as session:
                platform = Platform([server.url], session)
                for caller in (expired, live):
                    answers = await send_copies(platform, "request_callback", args, caller, at_once=True, sent=sent)
                    assert same_answer(answers)["status"] == "callback_requested"
                    assert await ledger.callbacks(caller.call_id) == 1
        assert await ledger.claims() == 0
        created = await ledger.callback_created(live.call_id)
        assert created >= claims[live.call_id], "executed while another process still held a live claim"
    finally:
        await ledger.close()
    report.add("faults injected", "claims left by a dead process", 2)
    report.add("faults injected", "retry duplicates sent", sent.duplicates)
