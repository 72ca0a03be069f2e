"""Fixture state in and out: what a call starts from (`setup`) and what it leaves (`expect_final`).

Shared by the in-process runner and the test-clock routes of a live server (`replay --url`), so both
modes prepare and read state the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text

from agent_functions.context import AppServices
from agent_functions.replay.messages import message_state
from agent_functions.replay.seed import insert_appointment, sell_package
from agent_functions.replies import appointment_data
from booking_core import waitlist
from booking_core.calls import call_records, store_fx_rates
from booking_core.domain import CustomerInput
from booking_core.packages import balances, ledger_of
from booking_core.storage.models import Base
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import parse_tenant, read_tenant_file
from booking_core.tenant_store import save_tenant


def fixture_tenant(spec: Any, fixture_path: Path | None) -> TenantConfig:
    """A fixture's tenant: a path relative to the fixture's folder, or an inline tenant object."""
    if isinstance(spec, str):
        base = fixture_path.parent if fixture_path else Path.cwd()
        return read_tenant_file(base / spec)
    return parse_tenant(spec, f"{fixture_path or '<fixture>'}:tenant")


async def prepare(
    services: AppServices, tenant: TenantConfig, fx: dict[str, Any] | None, setup: dict[str, Any] | None
) -> None:
    await save_tenant(services.db, tenant, services.clock.now())
    if fx:
        await store_fx_rates(services.db, {date.fromisoformat(k): Decimal(str(v)) for k, v in fx.items()})
    for item in (setup or {}).get("appointments", []):
        customer = item.get("customer") or {}
        await insert_appointment(
            services.db,
            services.clock,
            tenant,
            service_id=item["service"],
            staff_id=item["staff"],
            start=datetime.fromisoformat(item["start"]),
            customer=CustomerInput(name=customer.get("name"), phone=customer.get("phone")),
            status=item.get("status", "scheduled"),
            reference=item.get("reference"),
            call_id=item.get("call_id"),
        )
    for item in (setup or {}).get("packages", []):
        await sell_package(services.db, services.clock, tenant, item)


async def final_state(services: AppServices, tenant: TenantConfig) -> dict[str, Any]:
    """`expect_final`'s view: every appointment (service and staff as ids), every call record, the
    messages, every package sold (`packages`: the sale with its `credits` and `ledger`, the kinds
    of its credit rows in order) and the waitlist (oldest first, times in the tenant's zone)."""
    appointments = []
    for view in await services.booking.appointments_for_tenant(tenant):
        data = appointment_data(view, tenant)
        data["service"] = view.service_id
        data["staff"] = view.staff_id
        for seg in data["segments"]:
            seg["staff"] = seg["staff"]["id"]
        appointments.append(data)
    return {
        "appointments": appointments,
        "calls": await call_records(services.db, tenant.id),
        "messages": await message_state(services, tenant),
        "packages": [
            {
                **sale.to_dict(tenant.zone),
                "ledger": [kind for kind, _, _ in await ledger_of(services.db, tenant.id, sale.id)],
            }
            for sale in await balances(services.db, tenant, None)
        ],
        "waitlist": [e.to_dict(tenant.zone) for e in await waitlist.entries(services.db, tenant.id)],
    }


# Tables whose DELETE trigger refuses deletion (migrations 0001, 0009 and 0016).
APPEND_ONLY = ("audit_log", "balance_transactions", "package_credits")


async def wipe(services: AppServices) -> None:
    """Empty every table (test-clock servers only). The append-only guards are lifted for this alone."""
    db = services.db
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with db.write() as session:
        if db.is_postgres:
            await session.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
            return
        for table in APPEND_ONLY:
            await session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))
        for table in tables:
            await session.execute(text(f'DELETE FROM "{table}"'))
        for table in APPEND_ONLY:
            await session.execute(
                text(
                    f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
            )
