"""Helpers for the call-cost tests (`tests.costs.helpers`): demo tenants in a real database, appointments and holds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from agent_functions.context import AppServices
from agent_functions.seen_signatures import SeenSignatures
from agent_functions.settings import Settings
from booking_core.clock import FrozenClock
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import TenantDirectory, save_tenant

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # Friday 10:00 in Berlin
ADMIN_TOKEN = "admin-secret-token"


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def call_payload(
    call_id: str = "call_fx_001", start: datetime = NOW, duration_s: int = 94, **extra: Any
) -> dict[str, Any]:
    call = {
        "call_id": call_id,
        "agent_id": "agent_demo_salon",
        "from_number": "+4915100000017",
        "to_number": "+4930555000100",
        "direction": "inbound",
        "start_timestamp": ms(start),
        "end_timestamp": ms(start + timedelta(seconds=duration_s)),
        "duration_ms": duration_s * 1000,
        "disconnection_reason": "user_hangup",
    }
    call.update(extra)
    return call


async def load_tenant(db: Database, name: str, **billing: Any):
    config = read_tenant_file(FIXTURES / "tenants" / f"{name}.yaml")
    if billing:
        config = config.model_copy(update={"billing": config.billing.model_copy(update=billing)})
    await save_tenant(db, config, NOW)
    return config


async def add_appointment(
    db: Database, tenant_id: str, call_id: str | None, start: datetime = NOW + timedelta(days=1)
) -> str:
    appointment_id = str(uuid.uuid4())
    async with db.write() as session:
        session.add(
            m.Appointment(
                id=appointment_id,
                tenant_id=tenant_id,
                reference=appointment_id[:6].upper(),
                service_id="herrenhaarschnitt",
                staff_id="fabian",
                status="scheduled",
                start=start,
                end=start + timedelta(minutes=30),
                price=Decimal("28.00"),
                currency="EUR",
                call_id=call_id,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    return appointment_id


async def add_hold(db: Database, tenant_id: str, call_id: str) -> None:
    start = NOW + timedelta(days=1)
    async with db.write() as session:
        session.add(
            m.Hold(
                id=str(uuid.uuid4()),
                tenant_id=tenant_id,
                call_id=call_id,
                service_id="herrenhaarschnitt",
                staff_id="fabian",
                start=start,
                end=start + timedelta(minutes=30),
                segments=[],
                expires_at=NOW + timedelta(minutes=5),
                created_at=NOW,
            )
        )


async def hold_count(db: Database, tenant_id: str, call_id: str) -> int:
    from sqlalchemy import func, select

    async with db.read() as session:
        return await session.scalar(
            select(func.count()).select_from(m.Hold).where(m.Hold.tenant_id == tenant_id, m.Hold.call_id == call_id)
        )


def services_for(
    db: Database, admin_token: str | None = ADMIN_TOKEN, booking: Any = None, clock: FrozenClock | None = None
) -> AppServices:
    settings = Settings(database_url=db.url, admin_token=admin_token, retell_api_keys=[], _env_file=None)  # type: ignore[call-arg]
    return AppServices(
        settings=settings,
        db=db,
        clock=clock or FrozenClock(NOW),
        tenants=TenantDirectory(db),
        booking=booking,
        signatures=SeenSignatures(db),
    )
