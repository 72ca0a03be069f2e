"""Monthly statements: what moved a tenant's balance in one calendar month of the tenant's zone.

A statement lists the opening balance, each top-up, bonus, refund and adjustment, the calls charged
per local day (how many calls, how much), the closing balance, and the invoice part: net (the month's
call charges), VAT (`billing.vat_pct`) and gross. Rows belong to the month in which they were written
(`created_at`), so a finished month never changes: a late correction of a call lands in the month it
was made. Closing = opening + the month's rows, exactly (tests hold it to the ledger's sum); amounts
are rounded half-up to cents only here, on the document.

A finished month's statement carries an invoice number (issued once, invoices.issue); the current
month's is a preview without one (`final` False), so no number is spent on a document that changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal

from booking_core.billing import invoices, ledger
from booking_core.costs import money
from booking_core.storage.billing_models import BalanceTransaction
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig

__all__ = [
    "MONTH",
    "ZERO",
    "CallDay",
    "Entry",
    "Statement",
    "StatementError",
    "month_bounds",
    "monthly_statement",
    "parse_month",
    "summarise",
]

ZERO = Decimal(0)
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class StatementError(ValueError):
    """A month that cannot be stated (bad format); the message says why."""


def parse_month(text: str) -> tuple[int, int]:
    """ "2026-11" → (2026, 11). Raises StatementError."""
    match = MONTH.match(text or "")
    if not match or not 2000 <= int(match.group(1)) <= 2999:
        raise StatementError(f"month must be YYYY-MM, got {str(text)[:20]!r}")
    return int(match.group(1)), int(match.group(2))


def month_bounds(year: int, month: int, tenant: TenantConfig) -> tuple[datetime, datetime]:
    """[first local midnight of the month, first local midnight of the next) in UTC."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return tuple(
        datetime.combine(d, time(0), tzinfo=tenant.zone).astimezone(UTC)  # type: ignore[return-value]
        for d in (first, following)
    )


@dataclass(frozen=True)
class Entry:
    """A top-up, bonus, refund or adjustment on the statement (EUR, cents)."""

    day: date
    kind: str
    amount: Decimal
    ref: str | None


@dataclass(frozen=True)
class CallDay:
    day: date
    calls: int  # distinct calls charged that day
    amount: Decimal  # what they were charged (positive, cents)


@dataclass(frozen=True)
class Statement:
    tenant_id: str
    tenant_name: str
    period: str  # YYYY-MM
    opening: Decimal
    entries: tuple[Entry, ...]
    call_days: tuple[CallDay, ...]
    closing: Decimal
    net: Decimal
    vat_pct: Decimal
    vat: Decimal
    gross: Decimal
    final: bool
    invoice_number: str | None
    issued_at: datetime | None

    @property
    def credits(self) -> Decimal:
        return sum((e.amount for e in self.entries), ZERO)


def summarise(tenant: TenantConfig, period: str, opening: Decimal, rows: list[BalanceTransaction]) -> Statement:
    """The statement of `rows` (one month's ledger rows, oldest first) without an invoice number (pure)."""
    zone = tenant.zone
    entries: list[Entry] = []
    days: dict[date, tuple[set[str], Decimal]] = {}
    charges = ZERO
    for row in rows:
        day = row.created_at.astimezone(zone).date()
        if row.kind == "call_charge":
            calls, amount = days.get(day, (set(), ZERO))
            calls.add(row.call_id or f"#{row.id}")
            days[day] = (calls, amount - row.amount)
            charges -= row.amount
        else:
            entries.append(Entry(day, row.kind, money(row.amount), row.ref))
    closing = opening + ledger.ledger_sum(rows)
    net, vat, gross = invoices.vat_split(charges, tenant.billing.vat_pct)
    return Statement(
        tenant.id,
        tenant.name,
        period,
        money(opening),
        tuple(entries),
        tuple(CallDay(d, len(c), money(a)) for d, (c, a) in sorted(days.items())),
        money(closing),
        net,
        tenant.billing.vat_pct,
        vat,
        gross,
        False,
        None,
        None,
    )


async def monthly_statement(db: Database, tenant: TenantConfig, period: str, now: datetime) -> Statement:
    """The statement of `period` (YYYY-MM, the tenant's zone); with its invoice number once the month is
    over (issued in this transaction the first time). Raises StatementError for a bad or future month."""
    year, month = parse_month(period)
    start, end = month_bounds(year, month, tenant)
    if start > now:
        raise StatementError(f"{period} has not begun yet")
    final = end <= now
    async with db.write() if final else db.read() as session:
        opening = await ledger.balance_before(session, tenant.id, start)
        rows = list(await ledger.transactions(session, tenant.id, start=start, end=end))
        statement = summarise(tenant, period, opening, rows)
        if not final:
            return statement
        document = await invoices.issue(
            session,
            tenant.id,
            "invoice",
            now,
            net=statement.net,
            vat_pct=tenant.billing.vat_pct,
            period=period,
            details={"opening": str(statement.opening), "closing": str(statement.closing), "rows": len(rows)},
        )
    return _with_invoice(statement, document.number_text, document.issued_at)


def _with_invoice(statement: Statement, number: str, issued_at: datetime) -> Statement:
    return replace(statement, final=True, invoice_number=number, issued_at=issued_at)
