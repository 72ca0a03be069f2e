"""Helpers for the billing tests (imported as tests.billing.helpers): tenants with prepaid settings,
app services wired to a fake Stripe, ledger reads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from agent_functions.context import AppServices
from agent_functions.seen_signatures import SeenSignatures
from agent_functions.settings import Settings
from booking_core.billing import ledger
from booking_core.billing.postings import post
from booking_core.clock import FrozenClock
from booking_core.storage.billing_models import BalanceTransaction
from booking_core.storage.db import Database
from booking_core.storage.models import OutboxMessage
from booking_core.tenant_config import Billing, TenantConfig
from booking_core.tenant_store import TenantDirectory, save_tenant
from tests.costs.helpers import ADMIN_TOKEN, NOW, load_tenant

__all__ = [
    "ADMIN_TOKEN",
    "AUTH",
    "NOW",
    "STRIPE_KEY",
    "WEBHOOK_SECRET",
    "billing_services",
    "ledger_rows",
    "ledger_total",
    "load_tenant",
    "move",
    "outbox_rows",
    "prepaid_tenant",
    "table_count",
]

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
WEBHOOK_SECRET = "whsec_test_billing"
STRIPE_KEY = "sk_test_fake"


async def prepaid_tenant(
    db: Database, name: str = "demo-salon", tenant_id: str | None = None, **billing: Any
) -> TenantConfig:
    """A demo tenant with prepaid settings (bonus 5 % from 100, warnings 50/20/0, owner email) plus `billing`;
    `tenant_id`: a copy under another id (without phone numbers or agent ids, which route to one tenant only)."""
    settings: dict[str, Any] = {
        "bonus_tiers": ({"min": Decimal("100"), "pct": Decimal("5")},),
        "warn_below": (Decimal("50"), Decimal("20"), Decimal("0")),
        "owner_email": "owner@salon.example",
        **billing,
    }
    base = await load_tenant(db, name)
    merged = Billing.model_validate({**base.billing.model_dump(), **settings})
    config = base.model_copy(update={"billing": merged})
    if tenant_id is not None:
        config = config.model_copy(update={"id": tenant_id, "phone_numbers": (), "agent_ids": ()})
    await save_tenant(db, config, NOW)
    return config


def billing_services(
    db: Database, clock: FrozenClock | None = None, stripe_base: str | None = None, **settings: Any
) -> AppServices:
    values: dict[str, Any] = {
        "database_url": db.url,
        "admin_token": ADMIN_TOKEN,
        "retell_api_keys": [],
        "stripe_api_key": STRIPE_KEY,
        "stripe_webhook_secret": WEBHOOK_SECRET,
        "billing_stream_poll_s": 0.05,
        **settings,
    }
    if stripe_base:
        values["stripe_api_base"] = stripe_base
    return AppServices(
        settings=Settings(**values, _env_file=None),
        db=db,
        clock=clock or FrozenClock(NOW),  # type: ignore[call-arg]
        tenants=TenantDirectory(db),
        booking=None,
        signatures=SeenSignatures(db),
    )  # type: ignore[arg-type]


async def move(
    db: Database, tenant: TenantConfig, kind: str, amount: str, at: datetime, **row: Any
) -> ledger.Posted | None:
    """One money movement through `post` (with its warnings and auto top-up claim), committed."""
    async with db.write() as session:
        return await post(session, tenant, kind, Decimal(amount), at, **row)  # type: ignore[arg-type]


async def ledger_rows(db: Database, tenant_id: str) -> list[BalanceTransaction]:
    async with db.read() as session:
        return list(await ledger.transactions(session, tenant_id))


async def ledger_total(db: Database, tenant_id: str) -> Decimal:
    return ledger.ledger_sum(await ledger_rows(db, tenant_id))


async def outbox_rows(db: Database, topic: str) -> list[OutboxMessage]:
    async with db.read() as session:
        return list(
            (
                await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.topic == topic).order_by(OutboxMessage.id)
                )
            ).all()
        )


async def table_count(db: Database, model: Any) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)
