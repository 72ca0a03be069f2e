"""A money movement and what follows from it, in one transaction: the ledger row, the warnings for
thresholds it crossed (notices) and, for a debit, the auto top-up claim (auto_topup)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.billing import auto_topup, ledger, notices
from booking_core.billing.ledger import Kind, Posted
from booking_core.tenant_config import TenantConfig


async def post(
    session: AsyncSession, tenant: TenantConfig, kind: Kind, amount: Decimal, now: datetime, **row: Any
) -> Posted | None:
    """`ledger.append` (row: call_id, ref, note, details) plus its consequences; None when `ref` was
    already posted (nothing written)."""
    posted = await ledger.append(session, tenant.id, kind, amount, now, **row)
    if posted is None:
        return None
    for threshold in notices.crossed_downwards(posted.before, posted.after, tenant.billing.warn_below):
        notices.queue(session, tenant, "low_balance", now, balance=posted.after, threshold=threshold)
    await auto_topup.claim_if_due(session, tenant, posted, now)
    return posted
