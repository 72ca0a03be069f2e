"""Stripe webhook deliveries a newcomer sent to break billing (edge20), over real HTTP on both engines:
a refund delivered before the payment it refunds, and events of payments that are not top-ups at all
(another product sold through the same Stripe account). The ledger ends where Stripe's objects say,
whatever the order, and nothing that is not ours is refused (Stripe would retry it for three days and
then switch the endpoint off, top-ups included)."""

from __future__ import annotations

from decimal import Decimal as D

from aiohttp.test_utils import TestClient

from booking_core.storage.billing_models import BalanceTransaction, StripeEvent
from booking_core.storage.db import Database
from tests.billing import test_topups_http as topups_http
from tests.billing.helpers import ledger_rows, table_count
from tests.billing.test_topups_http import balance, deliver, topup
from tests.fakes.stripe_api import FakeStripe

client = topups_http.client  # the app over HTTP with the prepaid salon and the fake Stripe


async def test_a_refund_delivered_before_its_payment_ends_where_the_right_order_ends(
    client: TestClient, fake_stripe: FakeStripe, db: Database
) -> None:
    _, body = await topup(client, {"tenant": "demo-salon", "amount": "100.00"})
    completed, intent_succeeded = fake_stripe.complete_checkout(body["id"])
    pi = completed["data"]["object"]["payment_intent"]
    partly = fake_stripe.refund(pi, 4000)
    assert (await deliver(client, partly))[0] == 200
    assert (await deliver(client, completed))[0] == 200
    assert (await deliver(client, intent_succeeded))[0] == 200
    assert await balance(client) == D("63.00")  # 105 - 40 - 2 (40 % of the 5 bonus), as in order
    rows = await ledger_rows(db, "demo-salon")
    assert sum((r.amount for r in rows if r.kind == "bonus"), D(0)) == D("3.00"), [(r.kind, r.amount) for r in rows]


async def test_events_of_payments_that_are_not_top_ups_are_acknowledged_and_change_nothing(
    client: TestClient, fake_stripe: FakeStripe, db: Database
) -> None:
    _, body = await topup(client, {"tenant": "demo-salon", "amount": "20"})
    completed, intent_succeeded = fake_stripe.complete_checkout(body["id"])
    for event in (completed, intent_succeeded):
        event["data"]["object"]["metadata"] = {"order": "shop-4711"}  # the reseller's web shop
        event["data"]["object"].pop("client_reference_id", None)
        status, answer = await deliver(client, event)
        assert status == 200 and answer["outcome"] == "not_ours", answer
    foreign_refund = fake_stripe.refund(completed["data"]["object"]["payment_intent"], 500)
    foreign_refund["data"]["object"]["metadata"] = {}
    status, answer = await deliver(client, foreign_refund)
    assert status == 200 and answer["outcome"] == "not_ours", answer
    assert await table_count(db, BalanceTransaction) == 0
    assert await table_count(db, StripeEvent) == 3
