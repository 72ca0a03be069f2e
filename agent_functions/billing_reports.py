"""Billing documents and reports over HTTP (admin bearer token; errors as in billing_routes).

- `GET /admin/billing/statement?tenant=ID&month=YYYY-MM&format=pdf|csv`: the monthly statement; a
  finished month's carries its invoice number (issued on first request), the running month's is a preview.
- `GET /admin/billing/credit-note?tenant=ID&number=GS-...`: a refund's credit note as PDF.
- `GET /admin/billing/transactions?tenant=ID&limit=N`: the newest N ledger rows (default 100, at most 1000).
- `GET /admin/billing/reseller?from=YYYY-MM-DD&to=YYYY-MM-DD`: all tenants (booking_core.billing.reseller).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web
from sqlalchemy import select

from agent_functions.admin.routes import SECURITY_HEADERS
from agent_functions.billing_routes import Refusal, admin_only, tenant_from
from agent_functions.context import AppServices
from booking_core.billing import documents, ledger
from booking_core.billing.reseller import reseller_report
from booking_core.billing.statements import StatementError, monthly_statement
from booking_core.costs import dec_str
from booking_core.storage.billing_models import BalanceTransaction, BillingDocument

MAX_ROWS = 1000


def transaction_json(row: BalanceTransaction) -> dict[str, Any]:
    """A ledger row; amounts as exact decimal strings (not rounded: the ledger's own precision)."""
    return {
        "id": row.id,
        "at": row.created_at.isoformat(),
        "kind": row.kind,
        "amount": dec_str(row.amount),
        "balance_after": dec_str(row.balance_after),
        "call_id": row.call_id,
        "ref": row.ref,
    }


def _file(body: bytes, content_type: str, filename: str) -> web.Response:
    return web.Response(
        body=body,
        headers={
            **SECURITY_HEADERS,
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@admin_only
async def statement_route(request: web.Request, services: AppServices) -> web.Response:
    tenant = await tenant_from(services, request.query.get("tenant"))
    fmt = request.query.get("format") or "pdf"
    if fmt not in ("pdf", "csv"):
        raise Refusal(400, "bad_query", "format must be pdf or csv")
    try:
        statement = await monthly_statement(services.db, tenant, request.query.get("month") or "", services.clock.now())
    except StatementError as exc:
        raise Refusal(400, "bad_query", str(exc)) from None
    name = f"kontoauszug-{tenant.id}-{statement.period}.{fmt}"
    if fmt == "csv":
        return _file(documents.statement_csv(statement), "text/csv; charset=utf-8", name)
    return _file(documents.statement_pdf(statement), "application/pdf", name)


@admin_only
async def credit_note_route(request: web.Request, services: AppServices) -> web.Response:
    tenant = await tenant_from(services, request.query.get("tenant"))
    number = request.query.get("number") or ""
    async with services.db.read() as session:
        document = await session.scalar(
            select(BillingDocument).where(
                BillingDocument.tenant_id == tenant.id,
                BillingDocument.kind == "credit_note",
                BillingDocument.number_text == number,
            )
        )
    if document is None:
        raise Refusal(404, "not_found", f"no credit note {number[:64]!r} for {tenant.id}")
    return _file(documents.credit_note_pdf(document, tenant.name), "application/pdf", f"gutschrift-{number}.pdf")


@admin_only
async def transactions_route(request: web.Request, services: AppServices) -> web.Response:
    tenant = await tenant_from(services, request.query.get("tenant"))
    raw = request.query.get("limit") or "100"
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ROWS:
        raise Refusal(400, "bad_query", f"limit must be a whole number from 1 to {MAX_ROWS}")
    async with services.db.read() as session:
        rows = await ledger.transactions(session, tenant.id, limit=int(raw))
    return web.json_response(
        {"tenant": tenant.id, "transactions": [transaction_json(r) for r in rows]}, headers=SECURITY_HEADERS
    )


@admin_only
async def reseller_route(request: web.Request, services: AppServices) -> web.Response:
    today = services.clock.now().date()
    try:
        start = date.fromisoformat(request.query.get("from") or today.replace(day=1).isoformat())
        end = date.fromisoformat(request.query.get("to") or today.isoformat())
    except ValueError:
        raise Refusal(400, "bad_query", "from and to are dates YYYY-MM-DD") from None
    if end < start or (end - start).days > 3 * 366:
        raise Refusal(400, "bad_query", "from must not be after to, and a report covers at most 3 years")
    return web.json_response(await reseller_report(services.db, start, end), headers=SECURITY_HEADERS)


def add_report_routes(app: web.Application) -> None:
    app.router.add_get("/admin/billing/statement", statement_route)
    app.router.add_get("/admin/billing/credit-note", credit_note_route)
    app.router.add_get("/admin/billing/transactions", transactions_route)
    app.router.add_get("/admin/billing/reseller", reseller_route)
