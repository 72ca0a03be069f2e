"""Charging calls: each call costs the tenant its `billed_eur` exactly once in total.

Called (one call, `charge_call`) where a call's cost is stored: in the transaction that writes a
lifecycle event or a reconciled telephony price, with the call row locked (booking_core.calls). It
computes the call's billed amount as the call record shows it (cost view at 10 decimal places, the
tenant's current rates, the ECB rate of the call's local date) and posts the difference to what the
ledger already charged the call: the first charge when the cost becomes known (the call has ended),
then a correcting row whenever the amount changes (the final cost replacing an estimate). Because
the target is recomputed from all events kept so far, any order and any number of duplicate events
converge on one total per call; an unchanged amount writes nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.billing import ledger
from booking_core.billing.ledger import Posted
from booking_core.billing.postings import post
from booking_core.calls.fx_rates import load_fx_table
from booking_core.calls.records import EUR_PLACES, cost_view, local_date
from booking_core.storage import models as m
from booking_core.storage.call_models import Call
from booking_core.tenant_config import TenantConfig

# Validated tenant configs by their document: a call event must not validate the whole tenant file each
# time. Keyed by the document itself (not by id and revision, which repeat across databases and after a
# wipe), so a changed file is a new entry and a stale config is never used; the cache is per process.
_CONFIGS: dict[str, TenantConfig] = {}


async def _tenant(session: AsyncSession, tenant_id: str) -> TenantConfig | None:
    document = await session.scalar(select(m.Tenant.document).where(m.Tenant.id == tenant_id))
    if document is None:
        return None
    key = json.dumps(document, sort_keys=True, default=str)
    config = _CONFIGS.get(key)
    if config is None:
        config = TenantConfig.model_validate(document)
        if len(_CONFIGS) > 256:
            _CONFIGS.clear()
        _CONFIGS[key] = config
    return config


def target_amount(billed_eur: Decimal) -> Decimal:
    """What a call is charged: its billed amount at the call record's precision (10 places)."""
    return billed_eur.quantize(EUR_PLACES, rounding=ROUND_HALF_UP)


async def charge_call(session: AsyncSession, row: Call, now: datetime) -> Posted | None:
    """Bring the call's charges to its current billed amount; None when nothing was due.

    A call still in progress is not charged (its cost is not known yet)."""
    if row.status == "ongoing":
        return None
    tenant = await _tenant(session, row.tenant_id)
    if tenant is None:
        return None
    day = local_date(row.started_at, tenant)
    view = cost_view(row, tenant, await load_fx_table(session, day, day))
    target = target_amount(view.billed_eur)
    difference = target - await ledger.charged_for_call(session, row.tenant_id, row.call_id)
    if difference == 0:
        return None
    return await post(
        session,
        tenant,
        "call_charge",
        -difference,
        now,
        call_id=row.call_id,
        details={"billed_eur": str(target), "state": view.cost.state, "fx_source": view.fx.source},
    )
