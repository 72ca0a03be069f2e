"""Races: many callers at once want the same staff member at the same few times.

Forty (full scale: a hundred) phone calls run side by side against four server processes on one
PostgreSQL. Each asks for Emma next Tuesday at one of five start times a quarter of an hour apart,
for a men's haircut (one block), root colouring (a composite service: application, a processing gap
Emma may use for someone else, rinse, cut, styling) or a short hair detox (fits into such a gap).
Most callers check first and book what they were offered; some book straight away, as an agent
that skips the check does; a refused caller takes one of the alternatives offered, racing the others
for those. Whatever the interleaving: nobody's time overlaps anybody else's on Emma's calendar,
every refusal offers alternatives, every caller ends with a booking or with alternatives to choose
from, a caller who was told "free" gets it, and every booking announced exists in full.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import text

from agent_functions.client import Answer, FunctionClient
from agent_functions.server_process import ServerProcess
from booking_core.availability import calendar_for
from booking_core.storage.db import Database
from booking_core.tenant_file import read_tenant_file
from tests.pg_support import FIXTURES
from tests.reliability.support import KEY, Report, scale

SALON = read_tenant_file(FIXTURES / "tenants" / "demo-salon.yaml")
ZONE = ZoneInfo(SALON.timezone)
STAFF = "emma"
TIMES = ("10:00", "10:15", "10:30", "10:45", "11:00")
SERVICES = ("Herrenhaarschnitt", "Ansatz färben", "Hairdetox")
WORKERS = 4
DIRECT_EVERY = 4  # every fourth caller books without checking first
ALTERNATIVES_TAKEN = 2  # a refused caller tries up to this many of the alternatives offered
FIRST = ("Lena", "Paul", "Mia", "Jonas", "Emilia", "Felix", "Hanna", "Lukas", "Sophie", "Ben")
LAST = ("Vogel", "Krüger", "Lange", "Brandt", "Seidel", "Kühn", "Frank", "Berger", "Roth", "Engel")


def race_day() -> date:
    """Next Tuesday (at least a day ahead, so no minimum-notice edge) on which the salon is open and
    Emma works; from today's date, as the server runs on the system clock."""
    cal = calendar_for(SALON)
    day = datetime.now(ZONE).date() + timedelta(days=1)
    while day.weekday() != 1 or not cal.working(STAFF, day):
        day += timedelta(days=1)
    return day


@dataclass
class Outcome:
    """What one caller heard: every answer, in order."""

    index: int
    direct: bool
    answers: list[tuple[str, Answer]] = field(default_factory=list)

    @property
    def last(self) -> Answer:
        return self.answers[-1][1]


async def one_caller(client: FunctionClient, index: int, day: date) -> Outcome:
    """A caller with a call id and number of its own: check, then book if free (or book straight away);
    when refused, take one of the alternatives offered, as a caller does ("then 11:15, please")."""
    call_id = f"call_race_{index}_{uuid.uuid4().hex[:8]}"
    phone = f"+49172{uuid.uuid4().int % 10**7:07d}"
    name = f"{FIRST[index % len(FIRST)]} {LAST[index // len(FIRST) % len(LAST)]}"
    wish = {
        "service": SERVICES[index % len(SERVICES)],
        "date": day.isoformat(),
        "time": TIMES[index % len(TIMES)],
        "staff": "Emma",
    }
    outcome = Outcome(index, direct=index % DIRECT_EVERY == DIRECT_EVERY - 1)

    async def send(function: str, args: dict[str, Any]) -> Answer:
        answer = await client.call(function, args, call_id=call_id, from_number=phone)
        outcome.answers.append((function, answer))
        return answer

    answer = None if outcome.direct else await send("check_availability", wish)
    if answer is None or answer.outcome == "available":
        answer = await send("book_appointment", {**wish, "customer_name": name})
    for attempt in range(ALTERNATIVES_TAKEN):
        alternatives = (answer.body.get("data") or {}).get("alternatives") if answer.outcome == "unavailable" else None
        if not alternatives:
            break
        chosen = alternatives[(index + attempt) % len(alternatives)]  # callers spread over what they are offered
        start = datetime.fromisoformat(chosen["start"])
        answer = await send(
            "book_appointment",
            {
                **wish,
                "date": start.date().isoformat(),
                "time": start.strftime("%H:%M"),
                "staff": chosen["staff"]["name"],
                "customer_name": name,
            },
        )
    return outcome


async def run_callers(base_url: str, callers: int, day: date) -> list[Outcome]:
    """All callers at once. A fresh connection per request, as independent calls from a platform would
    arrive: a kept-alive pool would pin every request to the worker that accepted the first burst."""
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0, force_close=True), timeout=aiohttp.ClientTimeout(total=60)
    )
    try:
        client = FunctionClient(base_url, KEY, session=session)
        return list(await asyncio.gather(*(one_caller(client, i, day) for i in range(callers))))
    finally:
        await session.close()


# --- what the database says -----------------------------------------------------------------------------------

OVERLAPS = """
SELECT a.appointment_id, a.key, a.start, a.busy_until, b.appointment_id, b.key, b.start, b.busy_until
FROM appointment_segments a
JOIN appointment_segments b
  ON a.tenant_id = b.tenant_id AND a.staff_id = b.staff_id AND a.id < b.id
 AND a.start < b.busy_until AND b.start < a.busy_until
WHERE a.live AND b.live AND a.staff_busy AND b.staff_busy
"""


async def database_state(url: str) -> tuple[list[Any], dict[str, tuple[str, datetime, int]], int]:
    """Overlapping staff-busy segments, every appointment (status, start, segment count), holds left."""
    db = Database(url)
    try:
        async with db.read() as session:
            overlaps = list((await session.execute(text(OVERLAPS))).all())
            rows = (
                await session.execute(
                    text(
                        "SELECT a.id, a.status, a.start, count(s.id) FROM appointments a "
                        "LEFT JOIN appointment_segments s ON s.appointment_id = a.id GROUP BY a.id, a.status, a.start"
                    )
                )
            ).all()
            holds = (await session.execute(text("SELECT count(*) FROM holds"))).scalar_one()
    finally:
        await db.dispose()
    return overlaps, {r[0]: (r[1], r[2], int(r[3])) for r in rows}, int(holds)


def answering_processes(log_path: Path) -> Counter[int]:
    """Requests answered per worker process, from the server's log."""
    pids: Counter[int] = Counter()
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("event") == "function answered" and "pid" in entry:
            pids[entry["pid"]] += 1
    return pids


# --- the test ---------------------------------------------------------------------------------------------------


def check_each_caller(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """Every answer is HTTP 200; every refusal offers alternatives; each caller ends booked or with
    alternatives; a caller told "free" (and so holding the time) gets it. Returns the bookings announced."""
    booked: list[dict[str, Any]] = []
    for o in outcomes:
        statuses = [(function, a.status, a.outcome) for function, a in o.answers]
        assert all(a.status == 200 for _, a in o.answers), (o.index, statuses, o.last.body)
        for _, answer in o.answers:
            assert answer.outcome in ("available", "unavailable", "booked"), (o.index, statuses, answer.body)
            if answer.outcome == "unavailable":
                assert answer.body["data"]["alternatives"], (o.index, answer.body)
        booked.extend(a.body["data"]["appointment"] for _, a in o.answers if a.outcome == "booked")
        assert sum(1 for _, a in o.answers if a.outcome == "booked") <= 1, (o.index, statuses)
        assert o.last.outcome in ("booked", "unavailable"), (o.index, statuses)
        if o.answers[0][1].outcome == "available":
            assert o.answers[1][1].outcome == "booked", (
                f"caller {o.index} was told the time is free and held, then: {statuses}"
            )
    return booked


@pytest.mark.postgres
async def test_callers_racing_for_one_staff_member(reliability_pg: str, server_log: Path, report: Report) -> None:
    """N callers, four processes, one staff member, five overlapping start times: no double booking,
    nobody left without an answer, no booking lost."""
    callers = scale(40, 100)
    day = race_day()
    with ServerProcess(reliability_pg, key=KEY, workers=WORKERS, log_path=server_log) as server:
        outcomes = await run_callers(server.url, callers, day)
    processes = answering_processes(server_log)

    booked = check_each_caller(outcomes)
    overlaps, appointments, holds = await database_state(reliability_pg)
    assert overlaps == [], f"double booking on Emma's calendar: {overlaps}"
    assert len(appointments) == len(booked), (len(appointments), len(booked))
    for appointment in booked:
        status, start, segments = appointments[appointment["id"]]
        assert status == "scheduled" and start == datetime.fromisoformat(appointment["start"]), (
            appointment,
            status,
            start,
        )
        assert segments == len(appointment["segments"]), (appointment, segments)
    assert holds == 0, "a hold outlived its booking"
    refusals = sum(1 for o in outcomes for _, a in o.answers if a.outcome == "unavailable")
    assert booked and refusals, "no race happened: everyone or no one got a slot"

    requests = sum(len(o.answers) for o in outcomes)
    report.add("load held", "race callers", callers)
    report.add("load held", "race requests", requests)
    report.add("load held", "race server processes", WORKERS)
    report.add("load held", "race processes that answered", len(processes))
    report.add("load held", "race bookings", len(booked))
    report.add("load held", "race refusals with alternatives", refusals)
    report.add(
        "load held", "race callers left with alternatives only", sum(1 for o in outcomes if o.last.outcome != "booked")
    )
    assert sum(processes.values()) == requests
