"""Cost reports: calls grouped by call, local day or local month, summed exactly, rounded once.

Input is one `CallLine` per call with unrounded EUR amounts; sums are exact Decimals and only the
finished row is rounded half-up to cents, so 1,000 calls of 0.0049 EUR make 4.90 EUR, not 0.00.
Days and months are the tenant's (a call at 00:30 Berlin on 1 December belongs to December).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from booking_core.costs import dec_str, money
from booking_core.costs.billing import margin

__all__ = [
    "GROUPINGS",
    "By",
    "CallLine",
    "Report",
    "Row",
    "aggregate",
    "build_report",
    "daily_series",
    "dec_money",
    "group_key",
    "in_range",
    "local_day",
    "report_json",
    "row_values",
    "total",
]

By = Literal["call", "day", "month"]
GROUPINGS: tuple[str, ...] = ("call", "day", "month")
ZERO = Decimal(0)
SIXTY = Decimal(60)


@dataclass(frozen=True)
class CallLine:
    """One call's cost, unrounded, EUR."""

    call_id: str
    started_at: datetime  # aware
    duration_s: Decimal
    billed_minutes: int
    retell_eur: Decimal
    telephony_eur: Decimal
    llm_eur: Decimal
    billed_eur: Decimal
    bookings: int
    state: str = "provisional"
    fx_source: str = "ecb"
    outcomes: frozenset[str] = frozenset()  # callback | error | policy_refusal (booked: bookings > 0)

    @property
    def cost_eur(self) -> Decimal:
        return self.retell_eur + self.telephony_eur + self.llm_eur


@dataclass
class Row:
    key: str
    calls: int = 0
    seconds: Decimal = ZERO
    billed_minutes: int = 0
    retell_eur: Decimal = ZERO
    telephony_eur: Decimal = ZERO
    llm_eur: Decimal = ZERO
    billed_eur: Decimal = ZERO
    bookings: int = 0
    states: dict[str, int] = field(default_factory=dict)
    fallback_fx: int = 0
    booked_calls: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    started_at: datetime | None = None  # per-call rows only

    @property
    def cost_eur(self) -> Decimal:
        return self.retell_eur + self.telephony_eur + self.llm_eur

    def add(self, line: CallLine) -> None:
        self.calls += 1
        self.seconds += line.duration_s
        self.billed_minutes += line.billed_minutes
        self.retell_eur += line.retell_eur
        self.telephony_eur += line.telephony_eur
        self.llm_eur += line.llm_eur
        self.billed_eur += line.billed_eur
        self.bookings += line.bookings
        self.states[line.state] = self.states.get(line.state, 0) + 1
        self.fallback_fx += line.fx_source == "fallback"
        self.booked_calls += line.bookings > 0
        for outcome in line.outcomes:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def group_key(line: CallLine, zone: ZoneInfo, by: By) -> str:
    if by == "call":
        return line.call_id
    day = local_day(line.started_at, zone)
    return day.isoformat() if by == "day" else f"{day.year:04d}-{day.month:02d}"


def in_range(line: CallLine, zone: ZoneInfo, start: date, end: date) -> bool:
    return start <= local_day(line.started_at, zone) <= end


def aggregate(lines: Iterable[CallLine], zone: ZoneInfo, by: By) -> list[Row]:
    """Rows in time order (calls by start; days and months ascending)."""
    ordered = sorted(lines, key=lambda ln: (ln.started_at, ln.call_id))
    rows: dict[str, Row] = {}
    for line in ordered:
        key = group_key(line, zone, by)
        row = rows.get(key)
        if row is None:
            row = rows[key] = Row(key)
            if by == "call":
                row.started_at = line.started_at
        row.add(line)
    return list(rows.values())


def total(lines: Iterable[CallLine]) -> Row:
    row = Row("total")
    for line in lines:
        row.add(line)
    return row


def row_values(row: Row) -> dict[str, Any]:
    """The displayed values: money rounded half-up to cents from the unrounded sums."""
    cost = row.cost_eur
    m = margin(row.billed_eur, cost)
    return {
        "key": row.key,
        "calls": row.calls,
        "minutes": money(row.seconds / SIXTY),
        "billed_minutes": row.billed_minutes,
        "retell_eur": money(row.retell_eur),
        "telephony_eur": money(row.telephony_eur),
        "llm_eur": money(row.llm_eur),
        "cost_eur": money(cost),
        "billed_eur": money(row.billed_eur),
        "margin_eur": money(m.amount),
        "margin_pct": None if m.pct is None else m.pct.quantize(Decimal("0.1")),
        "bookings": row.bookings,
        "cost_per_booking_eur": money(cost / row.bookings) if row.bookings else None,
        "estimated_calls": row.states.get("estimated", 0),
        # Calls priced with the fallback exchange rate (no ECB rate stored), and calls by outcome.
        "fallback_fx_calls": row.fallback_fx,
        "booked_calls": row.booked_calls,
        "callback_calls": row.outcomes.get("callback", 0),
        "error_calls": row.outcomes.get("error", 0),
        "policy_refusal_calls": row.outcomes.get("policy_refusal", 0),
    }


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: dec_money(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def dec_money(value: Decimal) -> str:
    """Rounded amounts keep their two places ("4.90"); other decimals print plainly."""
    return format(value, "f") if value.as_tuple().exponent in (-1, -2) else dec_str(value)


@dataclass(frozen=True)
class Report:
    tenant: str
    start: date
    end: date
    by: By
    zone: ZoneInfo
    rows: list[dict[str, Any]]  # `row_values` (Decimals), per-call rows with started_at and state
    totals: dict[str, Any]
    lines: list[CallLine]  # the calls in range, for charts and tables


def build_report(tenant: str, start: date, end: date, by: By, lines: Sequence[CallLine], zone: ZoneInfo) -> Report:
    """The report for the calls whose local start date lies in [start, end]."""
    selected = sorted(
        (ln for ln in lines if in_range(ln, zone, start, end)), key=lambda ln: (ln.started_at, ln.call_id)
    )
    rows = []
    for row in aggregate(selected, zone, by):
        values = row_values(row)
        if by == "call" and row.started_at is not None:
            values["started_at"] = row.started_at.astimezone(zone).isoformat()
            values["state"] = next(iter(row.states))
        rows.append(values)
    totals = row_values(total(selected))
    totals.pop("key")
    return Report(tenant, start, end, by, zone, rows, totals, selected)


def report_json(report: Report) -> dict[str, Any]:
    """CONTRACT section 7's JSON shape; money as decimal strings rounded half-up to cents."""
    return {
        "tenant": report.tenant,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "by": report.by,
        "currency": "EUR",
        "timezone": report.zone.key,
        "rows": [_jsonable(row) for row in report.rows],
        "totals": _jsonable(report.totals),
    }


def daily_series(
    lines: Iterable[CallLine], zone: ZoneInfo, start: date, end: date
) -> list[tuple[date, Decimal, Decimal]]:
    """(day, cost EUR, billed EUR) for every day in [start, end], days without calls as zeros."""
    sums: dict[date, list[Decimal]] = {}
    for line in lines:
        day = local_day(line.started_at, zone)
        if start <= day <= end:
            pair = sums.setdefault(day, [ZERO, ZERO])
            pair[0] += line.cost_eur
            pair[1] += line.billed_eur
    days = []
    day = start
    while day <= end:
        cost, billed = sums.get(day, (ZERO, ZERO))
        days.append((day, cost, billed))
        day += timedelta(days=1)
    return days
