"""Call records as read (CONTRACT section 7): each with its cost, computed when read from the kept
payloads, the tenant's current rates and the ECB rate of the call's local date, and the appointments
the call booked (`appointments.call_id`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.calls.fx_rates import load_fx_table
from booking_core.calls.merge import cost_source, pick
from booking_core.costs import dec_str
from booking_core.costs.billing import billed_eur, margin
from booking_core.costs.fx import FxQuote, FxTable, usd_to_eur
from booking_core.costs.ledger import (
    DEFAULT_ESTIMATE_USD_PER_MIN,
    CallCost,
    CostInputs,
    CostRates,
    compute_cost,
    parse_call_cost,
)
from booking_core.storage import models as m
from booking_core.storage.call_models import Call
from booking_core.storage.db import Database
from booking_core.tenant_config import Billing, TenantConfig

__all__ = ["CallCostView", "call_record", "call_records", "cost_view", "local_date", "record_dict"]

EUR_PLACES = Decimal("1e-10")  # records show EUR unrounded in practice (reports round to cents)


@dataclass(frozen=True)
class CallCostView:
    cost: CallCost
    fx: FxQuote
    total_eur: Decimal
    retell_eur: Decimal
    telephony_eur: Decimal
    llm_eur: Decimal
    billed_eur: Decimal


def cost_rates(billing: Billing, row: Call) -> CostRates:
    own_number = row.from_number if row.direction == "outbound" else row.to_number
    telephony = billing.telephony_usd_per_min_by_number.get(own_number or "", billing.telephony_usd_per_min)
    return CostRates(
        telephony_usd_per_min=telephony,
        estimate_usd_per_min=(
            billing.estimate_usd_per_min if billing.estimate_usd_per_min is not None else DEFAULT_ESTIMATE_USD_PER_MIN
        ),
        llm_usd_per_1k_tokens=billing.llm_usd_per_1k_tokens,
        llm_model=billing.llm_model,
    )


def cost_inputs(row: Call) -> CostInputs:
    events = row.events or {}
    event, raw = cost_source(events)
    usage = pick(events, "llm_token_usage")
    metadata = pick(events, "metadata")
    model = pick(events, "llm_model")
    if not isinstance(model, str):
        model = (usage or {}).get("model") if isinstance(usage, Mapping) else None
    if not isinstance(model, str) and isinstance(metadata, Mapping):
        model = metadata.get("llm_model")
    return CostInputs(
        duration_ms=row.duration_ms,
        retell=parse_call_cost(raw),
        retell_event=event,
        token_usage=usage,
        llm_model=model if isinstance(model, str) else None,
        telephony_usd_recorded=row.telephony_usd,
        reconciled=row.reconciled,
    )


def local_date(instant: datetime, tenant: TenantConfig) -> date:
    return instant.astimezone(tenant.zone).date()


def cost_view(row: Call, tenant: TenantConfig, fx: FxTable) -> CallCostView:
    cost = compute_cost(cost_inputs(row), cost_rates(tenant.billing, row))
    quote = fx.quote(local_date(row.started_at, tenant), tenant.billing.fx_fallback)
    eur = {
        k: usd_to_eur(v, quote.rate)
        for k, v in (("retell", cost.retell_usd), ("telephony", cost.telephony_usd), ("llm", cost.llm_usd))
    }
    total_eur = eur["retell"] + eur["telephony"] + eur["llm"]
    return CallCostView(
        cost,
        quote,
        total_eur,
        eur["retell"],
        eur["telephony"],
        eur["llm"],
        billed_eur(total_eur, cost.minutes, tenant.billing),
    )


def _eur(value: Decimal) -> str:
    return dec_str(value.quantize(EUR_PLACES, rounding=ROUND_HALF_UP))


def record_dict(row: Call, tenant: TenantConfig, view: CallCostView, appointments: Sequence[str]) -> dict[str, Any]:
    """CONTRACT section 7's call record (plus a few explanatory fields)."""
    zone = tenant.zone
    cost = view.cost
    _event, raw = cost_source(row.events or {})
    retell = parse_call_cost(raw)
    m_ = margin(view.billed_eur, view.total_eur)
    return {
        "call_id": row.call_id,
        "tenant": row.tenant_id,
        "started_at": row.started_at.astimezone(zone).isoformat(),
        "ended_at": row.ended_at.astimezone(zone).isoformat() if row.ended_at else None,
        "duration_s": (
            None
            if row.duration_ms is None
            else int((Decimal(row.duration_ms) / 1000).quantize(Decimal(1), ROUND_HALF_UP))
        ),
        "disconnection_reason": row.disconnection_reason,
        "status": row.status,
        "direction": row.direction,
        "last_event": row.last_event,
        "appointments": list(appointments),
        "cost": {
            "retell_usd": dec_str(cost.retell_usd),
            "telephony_usd": dec_str(cost.telephony_usd),
            "llm_usd": dec_str(cost.llm_usd),
            "total_usd": dec_str(cost.total_usd),
            "fx_rate": dec_str(view.fx.rate),
            "fx_date": view.fx.day.isoformat() if view.fx.day else None,
            "fx_source": view.fx.source,
            "total_eur": _eur(view.total_eur),
            "billed_eur": _eur(view.billed_eur),
            "margin_eur": _eur(m_.amount),
            "state": cost.state,
            "cost_event": row.cost_event,
            "minutes": cost.minutes,
            "retell_source": cost.retell_source,
            "telephony_source": cost.telephony_source,
            "llm_source": cost.llm_source,
            "retell_products": [
                {
                    "product": line.product,
                    "cost_cents": dec_str(line.cost_cents),
                    "unit_price": None if line.unit_price is None else dec_str(line.unit_price),
                    "kind": line.kind,
                }
                for line in (retell.lines if retell else ())
            ],
            "retell_combined_cost_cents": dec_str(retell.combined_cents) if retell else None,
        },
    }


async def _tenant_config(session: AsyncSession, tenant_id: str) -> TenantConfig | None:
    document = await session.scalar(select(m.Tenant.document).where(m.Tenant.id == tenant_id))
    return None if document is None else TenantConfig.model_validate(document)


async def _appointments_by_call(
    session: AsyncSession, tenant_id: str, call_ids: Sequence[str] | None
) -> dict[str, list[str]]:
    query = select(m.Appointment.call_id, m.Appointment.id).where(m.Appointment.tenant_id == tenant_id)
    if call_ids is not None:
        query = query.where(m.Appointment.call_id.in_(list(call_ids)))
    else:
        query = query.where(m.Appointment.call_id.is_not(None))
    linked: dict[str, list[str]] = {}
    rows = (await session.execute(query.order_by(m.Appointment.created_at, m.Appointment.id))).all()
    for call_id, appointment_id in rows:
        if call_id is not None:
            linked.setdefault(call_id, []).append(appointment_id)
    return linked


async def _records(db: Database, tenant_id: str, call_id: str | None) -> list[dict[str, Any]]:
    async with db.read() as session:
        tenant = await _tenant_config(session, tenant_id)
        if tenant is None:
            return []
        query = select(Call).where(Call.tenant_id == tenant_id)
        if call_id is not None:
            query = query.where(Call.call_id == call_id)
        rows = list((await session.scalars(query.order_by(Call.started_at, Call.call_id))).all())
        if not rows:
            return []
        days = [local_date(r.started_at, tenant) for r in rows]
        fx = await load_fx_table(session, min(days), max(days))
        linked = await _appointments_by_call(session, tenant_id, [r.call_id for r in rows] if call_id else None)
    return [record_dict(r, tenant, cost_view(r, tenant, fx), linked.get(r.call_id, [])) for r in rows]


async def call_record(db: Database, tenant_id: str, call_id: str) -> dict[str, Any] | None:
    """One call record (CONTRACT section 7), or None."""
    records = await _records(db, tenant_id, call_id)
    return records[0] if records else None


async def call_records(db: Database, tenant_id: str) -> list[dict[str, Any]]:
    """Every call record of a tenant, in start order."""
    return await _records(db, tenant_id, None)
