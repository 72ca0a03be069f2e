"""Invoice and credit-note numbers: gap-free per tenant and kind, and the documents that carry them.

German invoicing practice (UStG §14: a unique, consecutive number) wants no gaps and no reuse. A
sequence (PostgreSQL SEQUENCE) would leave gaps on rollback, so the number comes from a counter row
per (tenant, kind), locked (`SELECT ... FOR UPDATE`) and incremented in the transaction that inserts
the document: a rolled-back run gives its number back, concurrent runs queue on the row. Issuing is
idempotent: a month's invoice, or a refund's credit note, is issued once; asking again returns the
same document (looked up after the lock is taken, so a concurrent run for the same month sees the
first one's document and takes no number).

Number format: `RE-<tenant>-000001` (invoice, "Rechnung"), `GS-<tenant>-000001` (credit note, "Gutschrift").
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.costs import money
from booking_core.storage.billing_models import BillingDocument, DocumentCounter

DocumentKind = Literal["invoice", "credit_note"]
PREFIX: dict[str, str] = {"invoice": "RE", "credit_note": "GS"}
HUNDRED = Decimal(100)


def number_text(tenant_id: str, kind: DocumentKind, number: int) -> str:
    return f"{PREFIX[kind]}-{tenant_id}-{number:06d}"


def vat_split(net: Decimal, vat_pct: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(net, VAT, gross) in cents, half-up: net rounded first, VAT on the rounded net, gross their sum."""
    net_cents = money(net)
    vat = money(net_cents * vat_pct / HUNDRED)
    return net_cents, vat, net_cents + vat


async def _locked_counter(session: AsyncSession, tenant_id: str, kind: DocumentKind) -> DocumentCounter:
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            postgresql.insert(DocumentCounter)
            .values(tenant_id=tenant_id, kind=kind, last_number=0)
            .on_conflict_do_nothing()
        )
        counter = await session.get(DocumentCounter, (tenant_id, kind), with_for_update=True, populate_existing=True)
        assert counter is not None
        return counter
    counter = await session.get(DocumentCounter, (tenant_id, kind))
    if counter is None:
        counter = DocumentCounter(tenant_id=tenant_id, kind=kind, last_number=0)
        session.add(counter)
    return counter


async def issue(
    session: AsyncSession,
    tenant_id: str,
    kind: DocumentKind,
    now: datetime,
    *,
    net: Decimal,
    vat_pct: Decimal,
    period: str | None = None,
    ref: str | None = None,
    details: dict[str, Any] | None = None,
) -> BillingDocument:
    """The document for (`kind`, `period`) or (`kind`, `ref`): the existing one, else a new one with the
    next number. `net` is EUR (rounded to cents here)."""
    if (period is None) == (ref is None):
        raise ValueError("a document belongs to a period (invoice) or a ref (credit note)")
    counter = await _locked_counter(session, tenant_id, kind)
    key = BillingDocument.period == period if period is not None else BillingDocument.ref == ref
    existing = await session.scalar(
        select(BillingDocument).where(BillingDocument.tenant_id == tenant_id, BillingDocument.kind == kind, key)
    )
    if existing is not None:
        return existing
    counter.last_number += 1
    net_cents, vat, gross = vat_split(net, vat_pct)
    document = BillingDocument(
        tenant_id=tenant_id,
        kind=kind,
        number=counter.last_number,
        number_text=number_text(tenant_id, kind, counter.last_number),
        period=period,
        ref=ref,
        net=net_cents,
        vat=vat,
        gross=gross,
        vat_pct=vat_pct,
        details=details,
        issued_at=now,
    )
    session.add(document)
    await session.flush()
    return document


async def documents(session: AsyncSession, tenant_id: str, kind: DocumentKind | None = None) -> list[BillingDocument]:
    query = select(BillingDocument).where(BillingDocument.tenant_id == tenant_id)
    if kind is not None:
        query = query.where(BillingDocument.kind == kind)
    return list((await session.scalars(query.order_by(BillingDocument.kind, BillingDocument.number))).all())
