"""The reseller's view: one report across all tenants for a date range (each tenant's own zone).

Per tenant: calls, minutes, cost, billed, margin (EUR, rounded half-up to cents from unrounded sums),
calls by outcome, calls priced with the fallback exchange rate, and the current balance; totals over
all tenants, and the tenants whose balance is below zero (they are flagged, never cut off).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from booking_core.billing import ledger
from booking_core.calls import cost_report
from booking_core.costs import money
from booking_core.costs.report import dec_money
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig

__all__ = ["SUMMED", "all_tenants", "reseller_report"]

SUMMED = (
    "calls",
    "minutes",
    "cost_eur",
    "billed_eur",
    "margin_eur",
    "bookings",
    "booked_calls",
    "callback_calls",
    "error_calls",
    "policy_refusal_calls",
    "fallback_fx_calls",
)


async def all_tenants(db: Database) -> list[TenantConfig]:
    async with db.read() as session:
        documents = (await session.scalars(select(m.Tenant.document).order_by(m.Tenant.id))).all()
    return [TenantConfig.model_validate(d) for d in documents]


async def reseller_report(db: Database, start: date, end: date) -> dict[str, Any]:
    """`{"from", "to", "currency", "tenants": [row], "totals", "below_zero": [ids]}`; money as strings."""
    rows: list[dict[str, Any]] = []
    totals: dict[str, Any] = {k: 0 for k in SUMMED}
    for tenant in await all_tenants(db):
        report = await cost_report(db, tenant, start, end, "month")
        balance = (await ledger.balance(db, tenant.id)).balance
        row: dict[str, Any] = {"tenant": tenant.id, "name": tenant.name}
        for key in SUMMED:
            row[key] = report.totals[key]
            totals[key] += report.totals[key]
        row["balance_eur"] = money(balance)
        row["below_zero"] = balance < 0
        rows.append(row)
    below = [r["tenant"] for r in rows if r["below_zero"]]
    totals["balance_eur"] = sum((r["balance_eur"] for r in rows), Decimal(0))
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "currency": "EUR",
        "tenants": [_json(r) for r in rows],
        "totals": _json(totals),
        "below_zero": below,
    }


def _json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: dec_money(v) if isinstance(v, Decimal) else v for k, v in values.items()}
