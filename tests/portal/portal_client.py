"""A running app with two tenants (demo-salon, demo-physio), a logged-in portal user of demo-salon and
one appointment in each tenant: the shared setup of the page tests over real HTTP."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from agent_functions.context import SERVICES
from agent_functions.replay.seed import insert_appointment
from booking_core.domain import AppointmentView, CustomerInput
from booking_core.storage.models import Appointment, AuditEntry
from portal import accounts as acc

NOW = datetime.fromisoformat("2026-11-20T10:00:00+01:00")  # a Friday
PASSWORD = "correct horse battery"
MONDAY = "2026-11-23"


@dataclass
class Seeded:
    salon: AppointmentView  # emma, Monday 10:00 Berlin, Ansatzfärbung (with a processing gap)
    physio: AppointmentView  # the other tenant's


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


async def log_in(
    client: TestClient, email: str, *, tenant_id: str = "demo-salon", role: str = "owner", lang: str = "de"
) -> None:
    """Invite, accept and log in over HTTP; the client's cookie jar then holds the session."""
    db = client.app[SERVICES].db
    token = await acc.invite(db, tenant_id=tenant_id, email=email, role=role, now=NOW, lang=lang)
    await acc.accept_invitation(db, token, PASSWORD, NOW)
    page = await (await client.get("/portal/login")).text()
    response = await client.post(
        "/portal/login", data={"csrf": csrf_of(page), "email": email, "password": PASSWORD}, allow_redirects=False
    )
    assert response.status == 302, await response.text()


async def seed(client: TestClient) -> Seeded:
    svc = client.app[SERVICES]
    salon = await svc.tenants.get("demo-salon")
    physio = await svc.tenants.get("demo-physio")
    assert salon is not None and physio is not None
    a = await insert_appointment(
        svc.db,
        svc.clock,
        salon,
        service_id="ansatzfaerbung",
        staff_id="emma",
        start=datetime.fromisoformat(f"{MONDAY}T10:00:00+01:00"),
        customer=CustomerInput("Lena Vogel", "+4917612345678"),
    )
    b = await insert_appointment(
        svc.db,
        svc.clock,
        physio,
        service_id="follow-up",
        staff_id="olivia",
        start=datetime.fromisoformat(f"{MONDAY}T11:00:00+00:00"),
        customer=CustomerInput("Tom Hill", "+447700900123"),
    )
    return Seeded(a, b)


async def state(client: TestClient) -> tuple[list[tuple[str, str, int, datetime]], int]:
    """Every appointment's (id, status, version, start) and the audit row count: to prove nothing was written."""
    async with client.app[SERVICES].db.read() as session:
        rows = (
            await session.execute(
                select(Appointment.id, Appointment.status, Appointment.version, Appointment.start).order_by(
                    Appointment.id
                )
            )
        ).all()
        audits = int(await session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    return [tuple(r) for r in rows], audits  # type: ignore[misc]


def retell_call(call_id: str, start: datetime) -> dict[str, object]:
    """A Retell call object as its webhook sends it (ended, 94 s, with its cost)."""
    ms = int(start.timestamp() * 1000)
    return {
        "call_id": call_id,
        "agent_id": "agent_demo_salon",
        "call_type": "phone_call",
        "call_status": "ended",
        "direction": "inbound",
        "from_number": "+4915100000017",
        "to_number": "+4930555000100",
        "start_timestamp": ms,
        "end_timestamp": ms + 94000,
        "duration_ms": 94000,
        "disconnection_reason": "user_hangup",
        "call_cost": {"product_costs": [], "combined_cost": 11.59, "total_duration_seconds": 94},
    }


async def record_call(client: TestClient, tenant_id: str, call_id: str, asked: dict[str, object], heard: str) -> None:
    """A call as the webhook and the call log leave it: its record and one function call."""
    from agent_functions.call_log.store import insert_records
    from booking_core.calls import record_event

    db = client.app[SERVICES].db
    await record_event(db, tenant_id, "call_ended", retell_call(call_id, NOW), NOW)
    await insert_records(
        db,
        [
            {
                "tenant_id": tenant_id,
                "call_id": call_id,
                "at": NOW,
                "name": "check_availability",
                "function": "check_availability",
                "args": asked,
                "call": {"call_id": call_id},
                "status": "unavailable",
                "response": {"status": "unavailable", "message": heard},
                "ms": 12.5,
            }
        ],
    )
