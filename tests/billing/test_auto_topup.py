"""Auto top-up (off-session PaymentIntent through the fake Stripe, drained by the real outbox worker)
and low-balance warnings: cooldown of 60 minutes, off after 3 failures in a row, a notice each time;
one warning per threshold crossed downwards."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal as D

from booking_core.billing import ledger
from booking_core.billing.auto_topup import due
from booking_core.billing.config import AutoTopup
from booking_core.billing.topups import Payment, credit_payment
from booking_core.clock import FrozenClock
from booking_core.storage.billing_models import BillingAccount
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from integrations.worker import drain_once
from tests.billing.helpers import NOW, STRIPE_KEY, move, outbox_rows, prepaid_tenant
from tests.fakes.stripe_api import FakeStripe

AUTO = {"auto_topup": {"below": D("20.00"), "amount": D("100.00")}}


async def saved_card(db: Database, tenant: TenantConfig, at: datetime) -> None:
    """A first top-up through Checkout: 50 EUR credited, the card saved for off-session use."""
    async with db.write() as session:
        await credit_payment(
            session, tenant, Payment("pi_checkout_1", D("50"), "checkout", "cus_1", "pm_card_visa"), at
        )


async def drain(db: Database, fake: FakeStripe, at: datetime) -> None:
    env = {"SLOTLINE_STRIPE_API_KEY": STRIPE_KEY, "SLOTLINE_STRIPE_API_BASE": fake.url}
    await drain_once(db, FrozenClock(at), env=env)


async def account(db: Database, tenant_id: str) -> BillingAccount:
    async with db.read() as session:
        row = await session.get(BillingAccount, tenant_id)
    assert row is not None
    return row


def test_due_is_pure_and_follows_the_rules() -> None:
    config = AutoTopup(below=D("20"), amount=D("100"))
    card = BillingAccount(
        tenant_id="t", payment_method_id="pm", auto_failures=0, auto_disabled=False, auto_last_attempt_at=None
    )
    assert due(config, card, D("25"), D("19.99"), NOW)
    assert not due(config, card, D("25"), D("20"), NOW)  # not below
    assert not due(config, card, D("10"), D("15"), NOW)  # a credit
    assert not due(None, card, D("25"), D("1"), NOW)
    card.auto_last_attempt_at = NOW - timedelta(minutes=59, seconds=59)
    assert not due(config, card, D("25"), D("1"), NOW)
    card.auto_last_attempt_at = NOW - timedelta(minutes=60)
    assert due(config, card, D("25"), D("1"), NOW)
    card.auto_disabled = True
    assert not due(config, card, D("25"), D("1"), NOW)


async def test_auto_topup_charges_the_saved_card_once_per_hour(db: Database, fake_stripe: FakeStripe) -> None:
    tenant = await prepaid_tenant(db, **AUTO)
    await saved_card(db, tenant, NOW)
    await move(db, tenant, "call_charge", "-35", NOW, call_id="c1")  # 50 -> 15: below 20
    await move(db, tenant, "call_charge", "-1", NOW + timedelta(minutes=1), call_id="c2")  # still below: cooldown
    claims = await outbox_rows(db, "billing.auto_topup")
    assert len(claims) == 1 and claims[0].target == "stripe"
    await drain(db, fake_stripe, NOW + timedelta(minutes=2))
    intent = next(iter(fake_stripe.intents.values()))
    assert intent["amount"] == 10000 and intent["payment_method"] == "pm_card_visa" and intent["customer"] == "cus_1"
    assert intent["metadata"] == {"tenant": "demo-salon", "kind": "auto_topup"}
    assert (await ledger.balance(db, tenant.id)).balance == D("119")  # 14 + 100 + 5 % bonus
    await drain(db, fake_stripe, NOW + timedelta(minutes=3))  # the row is settled: no second charge
    assert len(fake_stripe.intents) == 1
    notices = [r.payload for r in await outbox_rows(db, "billing_notice")]
    assert [n["notice"] for n in notices] == [
        "low_balance",
        "low_balance",
        "auto_topup_succeeded",
    ]  # 50 -> 15: 50 and 20
    assert notices[2]["to"] == "owner@salon.example" and "100,00" in notices[2]["text"]
    # Back above and below again within the hour: no attempt; after it: one more.
    await move(db, tenant, "call_charge", "-100", NOW + timedelta(minutes=30), call_id="c3")
    assert len(await outbox_rows(db, "billing.auto_topup")) == 1
    await move(db, tenant, "call_charge", "-1", NOW + timedelta(minutes=61), call_id="c4")
    assert len(await outbox_rows(db, "billing.auto_topup")) == 2


async def test_three_failures_in_a_row_switch_auto_topup_off_and_the_owner_hears_each(
    db: Database, fake_stripe: FakeStripe
) -> None:
    tenant = await prepaid_tenant(db, **AUTO)
    await saved_card(db, tenant, NOW)
    fake_stripe.decline_next = ["insufficient_funds"] * 3
    at = NOW
    for attempt in range(1, 5):
        await move(db, tenant, "call_charge", "-40" if attempt == 1 else "-1", at, call_id=f"c{attempt}")
        await drain(db, fake_stripe, at)
        state = await account(db, tenant.id)
        assert state.auto_failures == min(attempt, 3)
        assert state.auto_disabled is (attempt >= 3)
        at += timedelta(minutes=61)
    assert len(await outbox_rows(db, "billing.auto_topup")) == 3  # none once switched off
    failed = [r.payload for r in await outbox_rows(db, "billing_notice") if r.payload["notice"] == "auto_topup_failed"]
    assert [(n["facts"]["failures"], n["facts"]["disabled"]) for n in failed] == [(1, False), (2, False), (3, True)]
    assert "ausgeschaltet" in failed[-1]["text"] and "card_declined" in failed[0]["text"]
    assert (await ledger.balance(db, tenant.id)).balance == D("7")  # a negative path never blocks; nothing credited
    # The owner pays through Checkout again: auto top-up is on again with the fresh card.
    async with db.write() as session:
        await credit_payment(session, tenant, Payment("pi_checkout_2", D("10"), "checkout", "cus_1", "pm_new"), at)
    state = await account(db, tenant.id)
    assert (state.auto_disabled, state.auto_failures, state.payment_method_id) == (False, 0, "pm_new")


async def test_a_warning_per_threshold_crossed_downwards_once_per_crossing(db: Database) -> None:
    tenant = await prepaid_tenant(db)  # warn_below 50, 20, 0
    steps = [
        ("topup", "100"),
        ("call_charge", "-60"),
        ("call_charge", "-5"),
        ("call_charge", "-20"),
        ("call_charge", "-20"),
        ("call_charge", "-1"),
        ("topup", "100"),
        ("call_charge", "-100"),
    ]
    for i, (kind, amount) in enumerate(steps):
        await move(db, tenant, kind, amount, NOW + timedelta(minutes=i), ref=f"pi_{i}" if kind == "topup" else None)
    warnings = [r.payload for r in await outbox_rows(db, "billing_notice")]
    # 100 -> 40 (50), 35, 15 (20), -5 (0), -6, 94, -6 (50, 20 and 0 at once)
    assert [n["facts"]["threshold"] for n in warnings] == ["50", "20", "0", "50", "20", "0"]
    assert all(
        n["notice"] == "low_balance" and n["lang"] == "de" and n["to"] == "owner@salon.example" for n in warnings
    )
    assert "Anrufe werden weiter angenommen" in warnings[0]["text"] and "40,00" in warnings[0]["text"]
