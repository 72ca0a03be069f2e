"""Call records: one per (tenant, call id), built from Retell's lifecycle webhooks, and their costs.

Merge rules (CONTRACT section 7):
- Every event's payload is kept as received (transcripts dropped) under its event name; the row's
  columns are then derived from all kept payloads, each field from the highest-ranked event that
  carried it (call_started < call_ended < call_analyzed). Arrival order therefore does not matter.
  A re-delivered event is a duplicate: it only fills fields its first delivery lacked, so it changes
  nothing (`changed` is False) unless it brings something new.
- Cost comes from the highest-ranked event that carried a usable `call_cost`, so `call_analyzed`'s cost
  wins over `call_ended`'s even when it arrives first.
- Appointments are linked to a call by `appointments.call_id` (set by the booking path).

Costs are computed when read (`booking_core.costs`), from the kept payloads, the tenant's current rates
and the ECB rate of the call's local date: exchange rates loaded after a call still apply to it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.call_outcomes import outcomes_by_call
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
from booking_core.costs.report import By, CallLine, Report, build_report
from booking_core.storage import models as m
from booking_core.storage.call_models import Call, FxRate
from booking_core.storage.db import Database
from booking_core.tenant_config import Billing, TenantConfig

RANK: dict[str, int] = {"call_started": 1, "call_ended": 2, "call_analyzed": 3}
EVENTS: tuple[str, ...] = tuple(RANK)
# What we keep of a call object: enough to derive the record and its cost, no transcripts or recordings.
KEEP = (
    "call_id", "agent_id", "call_type", "call_status", "direction", "from_number", "to_number",
    "start_timestamp", "end_timestamp", "duration_ms", "disconnection_reason", "call_cost",
    "llm_token_usage", "llm_model", "metadata", "telephony_identifier",
)
ANALYSIS_KEEP = ("call_successful", "in_voicemail", "user_sentiment")
EUR_PLACES = Decimal("1e-10")  # records show EUR unrounded in practice (reports round to cents)


class CallEventError(ValueError):
    """The payload cannot be recorded (no call id, unknown event); the message says why."""


# --- the pure part: cleaning payloads and deriving the record from them --------------------------


def _jsonable(value: Any) -> Any:
    """Payloads as plain JSON (Decimals from a parse_float=Decimal body become exact strings)."""
    return json.loads(json.dumps(value, default=str))


def clean_payload(call: Mapping[str, Any]) -> dict[str, Any]:
    kept = {k: call[k] for k in KEEP if k in call and call[k] is not None}
    analysis = call.get("call_analysis")
    if isinstance(analysis, Mapping):
        small = {k: analysis[k] for k in ANALYSIS_KEEP if k in analysis}
        if small:
            kept["call_analysis"] = small
    return _jsonable(kept)


# Bounds on what a webhook may claim: beyond them a value is garbage and reads as unknown. Without them
# a huge duration overflows `timedelta` (or PostgreSQL's integer column) and the event is lost in a 500.
MAX_CALL_MS = 24 * 3600 * 1000
MAX_TIMESTAMP_MS = 7258118400000  # 2200-01-01T00:00:00Z


def _ms_to_dt(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < MAX_TIMESTAMP_MS:
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _received(entry: Mapping[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(entry["received_at"])
    except (KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class CallFacts:
    status: str
    last_event: str
    started_at: datetime
    ended_at: datetime | None
    duration_ms: int | None
    disconnection_reason: str | None
    from_number: str | None
    to_number: str | None
    direction: str | None
    agent_id: str | None
    cost_event: str | None


def _by_rank(events: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(event, payload) highest rank first."""
    known = [(name, entry.get("call", {})) for name, entry in events.items() if name in RANK and isinstance(entry, Mapping)]
    return sorted(known, key=lambda pair: -RANK[pair[0]])


def pick(events: Mapping[str, Any], key: str) -> Any:
    """A field from the highest-ranked event that carried it."""
    for _name, payload in _by_rank(events):
        value = payload.get(key)
        if value is not None:
            return value
    return None


def cost_source(events: Mapping[str, Any]) -> tuple[str | None, Any]:
    """(event, call_cost) of the highest-ranked event with a usable call_cost."""
    for name, payload in _by_rank(events):
        if parse_call_cost(payload.get("call_cost")) is not None:
            return name, payload["call_cost"]
    return None, None


def derive(events: Mapping[str, Any]) -> CallFacts:
    ranked = _by_rank(events)
    if not ranked:
        raise CallEventError("no lifecycle event recorded")
    start_ts = _ms_to_dt(pick(events, "start_timestamp"))
    end_ts = _ms_to_dt(pick(events, "end_timestamp"))
    duration_ms = _duration_ms(pick(events, "duration_ms"))
    if duration_ms is None and start_ts and end_ts and end_ts >= start_ts:
        duration_ms = _duration_ms((end_ts - start_ts).total_seconds() * 1000)
    if duration_ms is None:
        cost = parse_call_cost(cost_source(events)[1])
        if cost is not None and cost.total_duration_seconds is not None:
            duration_ms = _duration_ms(cost.total_duration_seconds * 1000)
    span = timedelta(milliseconds=duration_ms or 0)
    received = {name: _received(entry) for name, entry in events.items() if isinstance(entry, Mapping)}
    end_received = received.get("call_ended") or received.get("call_analyzed")
    started_at = (
        start_ts
        or (end_ts - span if end_ts else None)
        or (end_received - span if end_received else None)
        or received.get("call_started")
        or min(r for r in received.values() if r is not None)
    )
    ended = "call_ended" in events or "call_analyzed" in events
    ended_at = end_ts or ((started_at + span) if ended and duration_ms is not None else None) or (end_received if ended else None)
    status = "ended" if ended else "ongoing"
    if pick(events, "call_status") == "error":
        status = "error"
    return CallFacts(
        status=status,
        last_event=ranked[0][0],
        started_at=started_at,
        ended_at=ended_at,
        duration_ms=duration_ms,
        disconnection_reason=_str(pick(events, "disconnection_reason"), 100),
        from_number=_str(pick(events, "from_number"), 32),
        to_number=_str(pick(events, "to_number"), 32),
        direction=_str(pick(events, "direction"), 16),
        agent_id=_str(pick(events, "agent_id"), 100),
        cost_event=cost_source(events)[0],
    )


def _duration_ms(value: Any) -> int | None:
    """A duration in ms a phone call can have (0 to a day), else None (NaN and infinity included)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    return int(value) if 0 <= value <= MAX_CALL_MS else None


def _str(value: Any, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def merge_event(events: Mapping[str, Any], event: str, payload: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The events map after one delivery. A repeated event only fills fields the first delivery lacked
    (a re-delivery is a duplicate, not a correction), and the first arrival time is kept."""
    merged = {k: v for k, v in events.items()}
    entry = merged.get(event)
    if isinstance(entry, Mapping):
        call = dict(entry.get("call", {}))
        for key, value in payload.items():
            if value is not None and call.get(key) is None:
                call[key] = value
        merged[event] = {"received_at": entry.get("received_at") or now.isoformat(), "call": call}
    else:
        merged[event] = {"received_at": now.astimezone(timezone.utc).isoformat(), "call": dict(payload)}
    return merged


# --- writing events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EventOutcome:
    call_id: str
    event: str
    created: bool
    changed: bool
    status: str


def _apply(row: Call, facts: CallFacts) -> None:
    row.status = facts.status
    row.last_event = facts.last_event
    row.started_at = facts.started_at
    row.ended_at = facts.ended_at
    row.duration_ms = facts.duration_ms
    row.disconnection_reason = facts.disconnection_reason
    row.from_number = facts.from_number
    row.to_number = facts.to_number
    row.direction = facts.direction
    row.agent_id = facts.agent_id
    row.cost_event = facts.cost_event


async def record_event(db: Database, tenant_id: str, event: str, call: Mapping[str, Any], now: datetime) -> EventOutcome:
    """Upsert the call record for one lifecycle event; idempotent, order-independent."""
    if event not in RANK:
        raise CallEventError(f"unknown event {event!r}")
    call_id = call.get("call_id")
    if not isinstance(call_id, str) or not call_id.strip() or len(call_id) > 100:
        raise CallEventError("call.call_id missing or not a string of at most 100 characters")
    payload = clean_payload(call)
    for attempt in (1, 2):
        try:
            async with db.write() as session:
                row = await session.get(Call, (tenant_id, call_id), with_for_update=True)
                created = row is None
                old_events: dict[str, Any] = {} if row is None else dict(row.events or {})
                new_events = merge_event(old_events, event, payload, now)
                if not created and new_events == old_events:
                    return EventOutcome(call_id, event, False, False, row.status)  # type: ignore[union-attr]
                facts = derive(new_events)
                if row is None:
                    row = Call(tenant_id=tenant_id, call_id=call_id, created_at=now, reconciled=False)
                    session.add(row)
                row.events = new_events
                row.updated_at = now
                _apply(row, facts)
                await _charge(session, row, now)
            return EventOutcome(call_id, event, created, True, facts.status)
        except IntegrityError:
            if attempt == 2:  # a concurrent first delivery inserted the row: merge into it once more
                raise
    raise AssertionError("unreachable")


async def set_telephony_price(
    db: Database, tenant_id: str, call_id: str, usd: Decimal | None, now: datetime, *, final: bool = False
) -> bool:
    """Record the real telephony price of a call (replacing the estimate); `final` marks it reconciled."""
    async with db.write() as session:
        row = await session.get(Call, (tenant_id, call_id), with_for_update=True)
        if row is None:
            return False
        row.telephony_usd = usd
        row.reconciled = row.reconciled or final
        row.updated_at = now
        await _charge(session, row, now)
    return True


async def _charge(session: AsyncSession, row: Call, now: datetime) -> None:
    """The tenant's prepaid balance is charged the call's billed amount, in this transaction."""
    from booking_core.billing.call_charges import charge_call  # billing reads costs through this module

    await charge_call(session, row, now)


# --- exchange rates ----------------------------------------------------------------------------


async def store_fx_rates(db: Database, rates: Mapping[date, Decimal | str], *, currency: str = "USD",
                         source: str = "ecb", now: datetime | None = None) -> int:
    """Insert or update rates (1 EUR = x `currency`) by date; returns how many were new or changed."""
    if not rates:
        return 0
    now = now or datetime.now(timezone.utc)
    wanted = {(d if isinstance(d, date) else date.fromisoformat(str(d))): Decimal(str(r)) for d, r in rates.items()}
    changed = 0
    async with db.write() as session:
        existing = {
            row.day: row
            for row in (await session.scalars(
                select(FxRate).where(FxRate.currency == currency, FxRate.day >= min(wanted), FxRate.day <= max(wanted))
            )).all()
        }
        for day, rate in sorted(wanted.items()):
            row = existing.get(day)
            if row is None:
                session.add(FxRate(day=day, currency=currency, rate=rate, source=source, loaded_at=now))
                changed += 1
            elif row.rate != rate:
                row.rate, row.source, row.loaded_at = rate, source, now
                changed += 1
    return changed


async def load_fx_table(session: AsyncSession, first: date, last: date, currency: str = "USD") -> FxTable:
    """The rates needed for calls dated first..last: those in range plus the last one before it
    (or, when there is none before, the earliest one after)."""
    anchor = await session.scalar(select(func.max(FxRate.day)).where(FxRate.currency == currency, FxRate.day <= first))
    if anchor is None:
        anchor = await session.scalar(select(func.min(FxRate.day)).where(FxRate.currency == currency))
        if anchor is None:
            return FxTable({})
    rows = await session.execute(
        select(FxRate.day, FxRate.rate).where(FxRate.currency == currency, FxRate.day >= min(anchor, first), FxRate.day <= max(anchor, last))
    )
    return FxTable({day: rate for day, rate in rows.all()})


# --- reading records and costs -----------------------------------------------------------------


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
        estimate_usd_per_min=billing.estimate_usd_per_min if billing.estimate_usd_per_min is not None else DEFAULT_ESTIMATE_USD_PER_MIN,
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
    eur = {k: usd_to_eur(v, quote.rate) for k, v in
           (("retell", cost.retell_usd), ("telephony", cost.telephony_usd), ("llm", cost.llm_usd))}
    total_eur = eur["retell"] + eur["telephony"] + eur["llm"]
    return CallCostView(cost, quote, total_eur, eur["retell"], eur["telephony"], eur["llm"],
                        billed_eur(total_eur, cost.minutes, tenant.billing))


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
        "duration_s": None if row.duration_ms is None else int((Decimal(row.duration_ms) / 1000).quantize(Decimal(1), ROUND_HALF_UP)),
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
                {"product": line.product, "cost_cents": dec_str(line.cost_cents),
                 "unit_price": None if line.unit_price is None else dec_str(line.unit_price), "kind": line.kind}
                for line in (retell.lines if retell else ())
            ],
            "retell_combined_cost_cents": dec_str(retell.combined_cents) if retell else None,
        },
    }


async def _tenant_config(session: AsyncSession, tenant_id: str) -> TenantConfig | None:
    document = await session.scalar(select(m.Tenant.document).where(m.Tenant.id == tenant_id))
    return None if document is None else TenantConfig.model_validate(document)


async def _appointments_by_call(session: AsyncSession, tenant_id: str, call_ids: Sequence[str] | None) -> dict[str, list[str]]:
    query = select(m.Appointment.call_id, m.Appointment.id).where(m.Appointment.tenant_id == tenant_id)
    if call_ids is not None:
        query = query.where(m.Appointment.call_id.in_(list(call_ids)))
    else:
        query = query.where(m.Appointment.call_id.is_not(None))
    linked: dict[str, list[str]] = {}
    for call_id, appointment_id in (await session.execute(query.order_by(m.Appointment.created_at, m.Appointment.id))).all():
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


# --- reports -----------------------------------------------------------------------------------


def _local_midnight(day: date, tenant: TenantConfig) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tenant.zone).astimezone(timezone.utc)


async def call_lines(db: Database, tenant: TenantConfig, start: date, end: date) -> list[CallLine]:
    """Every call whose local start date lies in [start, end], costed (unrounded EUR)."""
    lo, hi = _local_midnight(start, tenant), _local_midnight(end + timedelta(days=1), tenant)
    async with db.read() as session:
        rows = list((await session.scalars(
            select(Call).where(Call.tenant_id == tenant.id, Call.started_at >= lo, Call.started_at < hi)
        )).all())
        if not rows:
            return []
        fx = await load_fx_table(session, start, end)
        counts = dict((await session.execute(
            select(m.Appointment.call_id, func.count())
            .join(Call, (Call.tenant_id == m.Appointment.tenant_id) & (Call.call_id == m.Appointment.call_id))
            .where(Call.tenant_id == tenant.id, Call.started_at >= lo, Call.started_at < hi)
            .group_by(m.Appointment.call_id)
        )).all())
        outcomes = await outcomes_by_call(session, tenant.id, [r.call_id for r in rows])
    lines = []
    for row in rows:
        view = cost_view(row, tenant, fx)
        lines.append(CallLine(
            call_id=row.call_id,
            started_at=row.started_at,
            duration_s=Decimal(row.duration_ms or 0) / 1000,
            billed_minutes=view.cost.minutes,
            retell_eur=view.retell_eur,
            telephony_eur=view.telephony_eur,
            llm_eur=view.llm_eur,
            billed_eur=view.billed_eur,
            bookings=int(counts.get(row.call_id, 0)),
            state=view.cost.state,
            fx_source=view.fx.source,
            outcomes=frozenset(outcomes.get(row.call_id, ())),
        ))
    return lines


async def cost_report(db: Database, tenant: TenantConfig, start: date, end: date, by: By) -> Report:
    return build_report(tenant.id, start, end, by, await call_lines(db, tenant, start, end), tenant.zone)
