"""What the integration tests share: a tenant wired to local fakes, the fake's credentials, and a helper
that writes an appointment with its outbox rows in one transaction (what the booking core does).

A plain module, not `conftest.py`: test modules import it by name, which `conftest` cannot offer
reliably when several test folders have one.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from booking_core.storage import integration_models as im
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_store import save_tenant

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
API_KEY = "cal_test_0123456789"
SECRET = "whsec_test_secret"
ENV = {"TEST_CALCOM_KEY": API_KEY, "TEST_CALCOM_SECRET": SECRET, "SLOTLINE_WEBHOOK_SECRET": "hook-secret"}


async def ensure_integration_tables(db: Database) -> None:
    """Until migration 0004 is in the chain everywhere, create our tables if the migration has not."""
    tables = [im.CalcomEventType.__table__, im.CalcomBooking.__table__, im.CircuitBreakerState.__table__]
    async with db.engine.begin() as conn:
        await conn.run_sync(lambda c: m.Base.metadata.create_all(c, tables=tables, checkfirst=True))


def tenant_doc(calcom_url: str | None, webhooks: tuple[str, ...] = ()) -> dict[str, Any]:
    integrations: dict[str, Any] = {"webhooks": list(webhooks)}
    if calcom_url:
        integrations["calcom"] = {
            "base_url": calcom_url,
            "api_key_env": "TEST_CALCOM_KEY",
            "webhook_secret_env": "TEST_CALCOM_SECRET",
            "staff": {"fabian": "fabian@salon.example"},
            "timeout_s": 1.0,
        }
    return {
        "id": "salon",
        "name": "Salon Sonnenschein",
        "timezone": "Europe/Berlin",
        "language": "de",
        "opening_hours": {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")},
        "services": [
            {
                "id": "herrenhaarschnitt",
                "name": "Herrenhaarschnitt",
                "duration_min": 30,
                "buffer_after_min": 5,
                "price": "28.00",
            },
            {
                "id": "ansatzfaerbung",
                "name": "Ansatzfärbung",
                "price": "58.00",
                "pause_policy": "free",
                "segments": [
                    {"key": "A", "name": "Farbe auftragen", "duration_min": 30, "gap_after_min": 30},
                    {"key": "B", "name": "Auswaschen", "duration_min": 15},
                    {"key": "C", "name": "Schneiden", "duration_min": 30},
                ],
            },
        ],
        "staff": [{"id": "fabian", "name": "Fabian Schulz"}, {"id": "mia", "name": "Mia Berg"}],
        "integrations": integrations,
    }


async def load_tenant(db: Database, doc: dict[str, Any]) -> TenantConfig:
    config = TenantConfig.model_validate(doc)
    await save_tenant(db, config, T0)
    return config


def appointment_payload(
    *,
    service: str = "herrenhaarschnitt",
    staff: str = "fabian",
    start: datetime = T0 + timedelta(days=1, hours=1),
    appointment_id: str | None = None,
    status: str = "scheduled",
) -> dict[str, Any]:
    """The shape of booking_core's appointment_to_dict(view)."""
    appointment_id = appointment_id or str(uuid.uuid4())
    staff_ref = {"id": staff, "name": staff.title()}
    if service == "ansatzfaerbung":
        layout = [("A", "Farbe auftragen", 0, 30), ("B", "Auswaschen", 60, 15), ("C", "Schneiden", 75, 30)]
        segments = [
            {
                "key": k,
                "name": n,
                "start": (start + timedelta(minutes=o)).isoformat(),
                "end": (start + timedelta(minutes=o + d)).isoformat(),
                "staff": staff_ref,
                "staff_busy": True,
            }
            for k, n, o, d in layout
        ]
        end = start + timedelta(minutes=105)
        name = "Ansatzfärbung"
    else:
        end = start + timedelta(minutes=30)
        segments = [
            {
                "key": "main",
                "name": "Herrenhaarschnitt",
                "start": start.isoformat(),
                "end": end.isoformat(),
                "staff": staff_ref,
                "staff_busy": True,
            }
        ]
        name = "Herrenhaarschnitt"
    return {
        "id": appointment_id,
        "reference": appointment_id[:8].upper(),
        "status": status,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "service": {"id": service, "name": name},
        "staff": staff_ref,
        "segments": segments,
        "customer": {"name": "Lena Vogel", "phone": "+4915100000017"},
        "price": "28.00",
        "currency": "EUR",
        "tenant_id": "salon",
    }


async def book(
    db: Database,
    now: datetime,
    payload: dict[str, Any],
    *,
    topic: str = "appointment.created",
    targets: tuple[str, ...] = ("calcom",),
    webhook_urls: tuple[str, ...] = (),
) -> None:
    """Write (or update) the appointment and its outbox rows in ONE transaction, like the booking core."""
    async with db.write() as session:
        appt = await session.get(m.Appointment, payload["id"])
        if appt is None:
            appt = m.Appointment(
                id=payload["id"],
                tenant_id="salon",
                reference=payload["reference"],
                service_id=payload["service"]["id"],
                staff_id=payload["staff"]["id"],
                price=Decimal(payload["price"]),
                currency="EUR",
                created_at=now,
            )
            session.add(appt)
        appt.status = payload["status"]
        appt.start = datetime.fromisoformat(payload["start"])
        appt.end = datetime.fromisoformat(payload["end"])
        appt.updated_at = now
        for target in targets:
            session.add(
                m.OutboxMessage(
                    tenant_id="salon",
                    topic=topic,
                    target=target,
                    payload=payload,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        for url in webhook_urls:
            session.add(
                m.OutboxMessage(
                    tenant_id="salon",
                    topic=topic,
                    target="webhook",
                    payload={**payload, "url": url},
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )


async def outbox_rows(db: Database) -> list[m.OutboxMessage]:
    from sqlalchemy import select

    async with db.read() as session:
        return list((await session.scalars(select(m.OutboxMessage).order_by(m.OutboxMessage.id))).all())
