"""The ledger on both engines: append-only at the database, the running total equal to the sum of the
rows, a payment ref credited once, and every call charged its billed amount exactly once in total
whatever the order and number of its lifecycle events (property test over 1,000 calls)."""

from __future__ import annotations

import asyncio
import itertools
import random
from datetime import timedelta
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from agent_functions.replay.state import wipe
from booking_core.billing import ledger
from booking_core.billing.call_charges import _tenant
from booking_core.calls import call_records, record_event, store_fx_rates
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_store import save_tenant
from tests.billing.helpers import NOW, billing_services, ledger_rows, ledger_total, move, prepaid_tenant
from tests.costs.helpers import call_payload


async def test_the_ledger_refuses_update_and_delete(db: Database) -> None:
    tenant = await prepaid_tenant(db)
    await move(db, tenant, "topup", "100", NOW, ref="pi_1")
    await move(db, tenant, "call_charge", "-0.35", NOW, call_id="c1")
    for statement in (
        "UPDATE balance_transactions SET amount = '1000'",
        "UPDATE balance_transactions SET kind = 'bonus' WHERE id = 1",
        "DELETE FROM balance_transactions",
        "DELETE FROM balance_transactions WHERE call_id = 'c1'",
    ):
        with pytest.raises((DBAPIError, IntegrityError)) as refused:
            async with db.write() as session:
                await session.execute(text(statement))
        assert "append-only" in str(refused.value)
    assert [(r.kind, r.amount) for r in await ledger_rows(db, tenant.id)] == [
        ("topup", D("100")),
        ("call_charge", D("-0.35")),
    ]


async def test_running_total_is_the_sum_and_a_ref_credits_once(db: Database) -> None:
    tenant = await prepaid_tenant(db)
    assert (await ledger.balance(db, tenant.id)).balance == 0
    steps = [
        ("topup", "100", "pi_a"),
        ("bonus", "5", "pi_a"),
        ("topup", "100", "pi_a"),
        ("call_charge", "-0.1234567891", None),
        ("refund", "-40", "pi_a/refund/40"),
        ("adjustment", "2.5", None),
        ("bonus", "5", "pi_a"),
    ]
    posted = [
        await move(db, tenant, kind, amount, NOW + timedelta(seconds=i), ref=ref)
        for i, (kind, amount, ref) in enumerate(steps)
    ]
    assert [p is not None for p in posted] == [True, True, False, True, True, True, False]
    current = await ledger.balance(db, tenant.id)
    assert current.balance == D("67.3765432109") == await ledger_total(db, tenant.id)
    assert current.version == 5
    rows = await ledger_rows(db, tenant.id)
    assert rows[-1].balance_after == current.balance
    with pytest.raises(ValueError):
        await move(db, tenant, "gift", "1", NOW)  # type: ignore[arg-type]


# --- every call charged once, whatever the events ------------------------------------------------------

CALLS = 1000
PROVISIONAL = {"product_costs": [], "combined_cost": 11.59, "total_duration_seconds": 94}
FINAL = {
    "product_costs": [{"product": "elevenlabs_tts", "cost": 7.0}],
    "combined_cost": 12.77,
    "total_duration_seconds": 95,
}


def call_events(n: int) -> list[tuple[str, dict]]:
    """Three lifecycle events per call; costs differ between call_ended (provisional) and call_analyzed
    (final), and every fifth call_ended comes without a cost (an estimate), so charges get corrected."""
    events = []
    for i in range(n):
        start = NOW + timedelta(minutes=i)
        call_id = f"call_{i:04d}"
        ended_cost = {} if i % 5 == 0 else {"call_cost": PROVISIONAL}
        events.append(("call_started", call_payload(call_id, start=start, duration_ms=None, end_timestamp=None)))
        events.append(("call_ended", call_payload(call_id, start=start, duration_s=60 + i % 120, **ended_cost)))
        events.append(("call_analyzed", call_payload(call_id, start=start, duration_s=60 + i % 120, call_cost=FINAL)))
    return events


EVENTS = call_events(CALLS)


async def deliver(db: Database, tenant: TenantConfig, deliveries: list[tuple[str, dict]], concurrency: int) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(event: str, call: dict) -> None:
        async with gate:
            await record_event(db, tenant.id, event, call, NOW)

    await asyncio.gather(*(one(e, c) for e, c in deliveries))


EXAMPLES = itertools.count()


async def check_each_call_charged_once(
    db: Database, events: list[tuple[str, dict]], calls: int, seed: int, duplicate_share: float
) -> None:
    """Deliver `events` shuffled, a share of them twice, 8 at a time; then the ledger holds, per call,
    exactly the billed amount its record shows, and the balance fell by their sum."""
    rng = random.Random(seed)
    tenant = await prepaid_tenant(db, tenant_id=f"prop-{next(EXAMPLES)}")
    await store_fx_rates(db, {NOW.date(): D("1.0412")})
    before = await ledger.balance(db, tenant.id)
    deliveries = events + rng.sample(events, int(len(events) * duplicate_share))
    rng.shuffle(deliveries)
    await deliver(db, tenant, deliveries, concurrency=8)
    records = await call_records(db, tenant.id)
    assert len(records) == calls and all(r["cost"]["state"] == "final" for r in records)
    billed = sum((D(r["cost"]["billed_eur"]) for r in records), D(0))
    after = await ledger.balance(db, tenant.id)
    assert before.balance - after.balance == billed  # exactly, to the ledger's 10 places
    assert after.balance == await ledger_total(db, tenant.id)
    charges: dict[str, D] = {}
    for row in await ledger_rows(db, tenant.id):
        if row.kind == "call_charge":
            charges[row.call_id] = charges.get(row.call_id, D(0)) - row.amount  # type: ignore[index]
    assert charges == {r["call_id"]: D(r["cost"]["billed_eur"]) for r in records}


# Hypothesis draws the order and the duplicates. A fixture-scoped database lives across examples, so each
# example books its calls to a tenant of its own; no shrinking (thousands of transactions per example).
NO_SHRINK = settings(
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(NO_SHRINK, max_examples=1)
@given(seed=st.integers(0, 2**32 - 1), duplicate_share=st.floats(0.1, 0.5))
async def test_a_thousand_calls_events_shuffled_and_duplicated_charge_each_call_once(
    db: Database, seed: int, duplicate_share: float
) -> None:
    await check_each_call_charged_once(db, EVENTS, CALLS, seed, duplicate_share)


SMALL = call_events(25)


@settings(NO_SHRINK, max_examples=6)
@given(seed=st.integers(0, 2**32 - 1), duplicate_share=st.floats(0.0, 2.0))
async def test_many_orders_of_a_few_calls_charge_each_call_once(
    db: Database, seed: int, duplicate_share: float
) -> None:
    await check_each_call_charged_once(db, SMALL, 25, seed, min(duplicate_share, 1.0))


async def test_the_test_clock_wipe_empties_the_ledger_and_keeps_its_guard(db: Database) -> None:
    tenant = await prepaid_tenant(db)
    await move(db, tenant, "topup", "10", NOW, ref="pi_w")
    await wipe(billing_services(db))
    assert await ledger_rows(db, tenant.id) == [] and (await ledger.balance(db, tenant.id)).balance == 0
    tenant = await prepaid_tenant(db)
    await move(db, tenant, "topup", "10", NOW, ref="pi_w")
    with pytest.raises((DBAPIError, IntegrityError)):
        async with db.write() as session:
            await session.execute(text("DELETE FROM balance_transactions"))


async def test_charges_follow_the_tenant_file_in_this_database(db: Database) -> None:
    """The charge path's config cache is keyed by the tenant document: the same id at the same revision
    with another file (another database, or this one after a wipe) is read from its own file."""
    plain = await prepaid_tenant(db, tenant_id="same-id")  # revision 2
    async with db.read() as session:
        assert await _tenant(session, "same-id") == plain
    await wipe(billing_services(db))
    changed = plain.model_copy(update={"billing": plain.billing.model_copy(update={"vat_pct": D("7")})})
    for _ in range(2):  # revisions 1 and 2 again
        await save_tenant(db, changed, NOW)
    async with db.read() as session:
        assert await session.scalar(text("SELECT revision FROM tenants WHERE id = 'same-id'")) == 2
        assert (await _tenant(session, "same-id")).billing.vat_pct == D("7")  # type: ignore[union-attr]
