"""Owner-only billing pages (CONTRACT sections 11 and 12): ``GET /portal/balance`` (the prepaid balance,
the newest ledger rows, the monthly statements) and ``GET /portal/balance/statement?month=YYYY-MM&format=
pdf|csv`` (a statement through the existing statement code: ``booking_core.billing.statements`` and
``documents``; a finished month's carries its invoice number, issued on first request).

A staff user gets 403 (``require_owner``). Statement links are offered for the months since the tenant's
first ledger row (at most ``MONTHS``), so no invoice number is spent on a month without movements. Amounts
and dates in the user's language and the tenant's zone (babel).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from aiohttp import web
from babel.dates import format_datetime
from babel.numbers import format_currency
from sqlalchemy import func, select

from booking_core.billing import documents, ledger
from booking_core.billing.statements import StatementError, monthly_statement
from booking_core.storage.billing_models import BalanceTransaction
from portal.i18n import translator
from portal.web import render, require_owner, services

__all__ = ["MONTHS", "RECENT", "add_balance_routes"]

MONTHS = 12  # statement links at most this many months back
RECENT = 25  # ledger rows on the page


def _locale(lang: str) -> str:
    return "en_GB" if lang == "en" else "de_DE"


def months_back(today: date, first: date | None, limit: int = MONTHS) -> list[str]:
    """YYYY-MM of this month and the ones before it, newest first, back to `first`'s month (none before
    the first ledger row; only this month without one), at most `limit`."""
    year, month = today.year, today.month
    out: list[str] = []
    while len(out) < limit:
        out.append(f"{year:04d}-{month:02d}")
        if first is None or (year, month) <= (first.year, first.month):
            break
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


async def balance_page(request: web.Request) -> web.Response:
    return await _page(request)


async def _page(request: web.Request, *, message: str | None = None, status: int = 200) -> web.Response:
    """The balance page, with an error `message` (and `status`) when a download was refused."""
    user, csrf = await require_owner(request)
    svc = services(request)
    config = await svc.tenants.get(user.tenant_id)
    if config is None:
        raise web.HTTPNotFound(text="unknown business")
    loc = _locale(user.lang)
    current = await ledger.balance(svc.db, config.id)
    async with svc.db.read() as session:
        rows = list(reversed(await ledger.transactions(session, config.id, limit=RECENT)))
        first: datetime | None = await session.scalar(
            select(func.min(BalanceTransaction.created_at)).where(BalanceTransaction.tenant_id == config.id)
        )
    now = svc.clock.now().astimezone(config.zone)

    def money(amount: Decimal) -> str:
        return format_currency(amount.quantize(Decimal("0.01")), "EUR", locale=loc)

    def when(moment: datetime) -> str:
        return format_datetime(moment.astimezone(config.zone), format="short", locale=loc)

    return render(
        request,
        "balance.html",
        lang=user.lang,
        user=user,
        csrf=csrf,
        balance=current,
        rows=rows,
        months=months_back(now.date(), first.astimezone(config.zone).date() if first else None),
        money=money,
        when=when,
        message=message,
        status=status,
    )


async def statement_download(request: web.Request) -> web.Response:
    user, _csrf = await require_owner(request)
    svc = services(request)
    config = await svc.tenants.get(user.tenant_id)
    if config is None:
        raise web.HTTPNotFound(text="unknown business")
    fmt = request.query.get("format", "pdf")
    t = translator(user.lang)
    try:
        if fmt not in ("pdf", "csv"):
            raise StatementError("format")
        statement = await monthly_statement(svc.db, config, request.query.get("month", ""), svc.clock.now())
    except StatementError:
        return await _page(request, message=t("bad_month"), status=400)
    if fmt == "csv":
        body, kind = documents.statement_csv(statement), "text/csv; charset=utf-8"
    else:
        body, kind = documents.statement_pdf(statement), "application/pdf"
    return web.Response(
        body=body,
        headers={
            "Content-Type": kind,
            "Content-Disposition": f'attachment; filename="kontoauszug-{config.id}-{statement.period}.{fmt}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def add_balance_routes(app: web.Application) -> None:
    app.router.add_get("/portal/balance", balance_page)
    app.router.add_get("/portal/balance/statement", statement_download)
