"""Top-ups over real HTTP against the fake Stripe API (the SDK pointed at it), and the Stripe webhook
signed with the SDK's scheme: idempotent per event, once per payment, refunds with credit notes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from decimal import Decimal as D

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from agent_functions.app import create_app
from booking_core.billing import ledger
from booking_core.storage.billing_models import BalanceTransaction, BillingDocument, StripeEvent
from booking_core.storage.db import Database
from tests.billing.helpers import AUTH, WEBHOOK_SECRET, billing_services, ledger_rows, prepaid_tenant, table_count
from tests.fakes.stripe_api import FakeStripe, body_of, sign


@pytest.fixture
async def client(db: Database, fake_stripe: FakeStripe, clock) -> AsyncIterator[TestClient]:  # type: ignore[no-untyped-def]
    await prepaid_tenant(db)
    app = create_app(billing_services(db, clock, stripe_base=fake_stripe.url))
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def topup(client: TestClient, body: object, headers: dict[str, str] = AUTH) -> tuple[int, dict]:
    response = await client.post("/admin/billing/topups", json=body, headers=headers)
    return response.status, await response.json()


async def deliver(
    client: TestClient, event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None, tamper: bool = False
) -> tuple[int, dict]:
    body = body_of(event)
    header = sign(body, secret, timestamp)
    if tamper:
        body = body.replace(b'"amount_total": 10000', b'"amount_total": 99900')
    response = await client.post(
        "/stripe/webhook", data=body, headers={"Stripe-Signature": header, "Content-Type": "application/json"}
    )
    return response.status, await response.json()


async def balance(client: TestClient) -> D:
    response = await client.get("/admin/billing/balance", params={"tenant": "demo-salon"}, headers=AUTH)
    assert response.status == 200
    body = await response.json()
    assert body["currency"] == "EUR" and body["tenant"] == "demo-salon"
    return D(body["balance"])


async def test_a_topup_creates_a_checkout_session_with_the_tenant(client: TestClient, fake_stripe: FakeStripe) -> None:
    status, body = await topup(client, {"tenant": "demo-salon", "amount": "100.00"})
    assert status == 200, body
    assert body["checkout_url"].startswith(fake_stripe.url) and body["id"].startswith("cs_")
    session = fake_stripe.sessions[body["id"]]
    assert session["client_reference_id"] == "demo-salon" and session["metadata"]["tenant"] == "demo-salon"
    assert session["amount_total"] == 10000 and session["currency"] == "eur"
    assert session["payment_intent_data"]["setup_future_usage"] == "off_session"


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("0", "amount_not_positive"),
        ("-5", "amount_not_positive"),
        (0, "amount_not_positive"),
        ("abc", "bad_amount"),
        ("10.001", "bad_amount"),
        ("5000.01", "amount_too_large"),
        ("1e9", "amount_too_large"),
        ("0.50", "amount_too_small"),
        (None, "bad_amount"),
        (True, "bad_amount"),
        ("NaN", "bad_amount"),
    ],
)
async def test_bad_amounts_are_400_and_reach_no_one(
    client: TestClient, fake_stripe: FakeStripe, amount: object, error: str
) -> None:
    status, body = await topup(client, {"tenant": "demo-salon", "amount": amount})
    assert (status, body["error"]) == (400, error) and body["message"]
    assert fake_stripe.requests == []


async def test_unknown_tenant_404_bad_body_400_no_token_401(client: TestClient, fake_stripe: FakeStripe) -> None:
    assert (await topup(client, {"tenant": "nobody", "amount": "10"}))[0] == 404
    assert (await topup(client, {"amount": "10"}))[0] == 400
    response = await client.post("/admin/billing/topups", data=b"{not json", headers=AUTH)
    assert response.status == 400 and (await response.json())["error"] == "bad_json"
    assert (await topup(client, {"tenant": "demo-salon", "amount": "10"}, headers={}))[0] == 401
    response = await client.get("/admin/billing/balance", params={"tenant": "nobody"}, headers=AUTH)
    assert response.status == 404 and (await response.json())["error"] == "unknown_tenant"
    assert fake_stripe.requests == []


async def test_stripe_refusing_is_a_clear_502(client: TestClient, fake_stripe: FakeStripe) -> None:
    fake_stripe.fail_next(2, "500")  # the SDK retries once
    status, body = await topup(client, {"tenant": "demo-salon", "amount": "10"})
    assert status == 502 and body["error"] == "payment_provider_error"


async def test_paid_checkout_credits_once_with_its_bonus_whatever_the_deliveries(
    client: TestClient, fake_stripe: FakeStripe, db: Database
) -> None:
    _, body = await topup(client, {"tenant": "demo-salon", "amount": "100.00"})
    completed, intent_succeeded = fake_stripe.complete_checkout(body["id"])
    # out of order: the PaymentIntent's event first, then the session's twice, then the PaymentIntent's again
    answers = [await deliver(client, e) for e in (intent_succeeded, completed, completed, intent_succeeded)]
    assert [a[0] for a in answers] == [200] * 4
    assert [a[1]["outcome"] for a in answers] == ["credited", "already_credited", "duplicate", "duplicate"]
    assert await balance(client) == D("105.00")  # 100 + 5 % bonus tier
    rows = await ledger_rows(db, "demo-salon")
    assert [(r.kind, r.amount, r.ref) for r in rows] == [
        ("topup", D("100"), completed["data"]["object"]["payment_intent"]),
        ("bonus", D("5.00"), completed["data"]["object"]["payment_intent"]),
    ]
    assert await table_count(db, StripeEvent) == 2


async def test_forged_stale_or_unsigned_webhooks_are_400_and_write_nothing(
    client: TestClient, fake_stripe: FakeStripe, db: Database
) -> None:
    _, body = await topup(client, {"tenant": "demo-salon", "amount": "100.00"})
    completed, _ = fake_stripe.complete_checkout(body["id"])
    for kwargs in ({"secret": "whsec_forged"}, {"timestamp": int(time.time()) - 301}, {"tamper": True}):
        status, answer = await deliver(client, completed, **kwargs)  # type: ignore[arg-type]
        assert status == 400 and answer["error"] == "bad_signature", kwargs
    response = await client.post("/stripe/webhook", data=body_of(completed))
    assert response.status == 400
    assert await table_count(db, StripeEvent) == 0 and await table_count(db, BalanceTransaction) == 0
    assert (await deliver(client, completed, timestamp=int(time.time()) - 200))[0] == 200  # inside the 300 s tolerance


async def test_an_event_for_an_unknown_tenant_is_404_and_writes_nothing(
    client: TestClient, fake_stripe: FakeStripe, db: Database
) -> None:
    _, body = await topup(client, {"tenant": "demo-salon", "amount": "20"})
    completed, _ = fake_stripe.complete_checkout(body["id"])
    completed["data"]["object"]["metadata"] = {"tenant": "ghost"}
    completed["data"]["object"]["client_reference_id"] = "ghost"
    status, answer = await deliver(client, completed)
    assert status == 404 and answer["error"] == "unknown_tenant"
    assert await table_count(db, StripeEvent) == 0 and await table_count(db, BalanceTransaction) == 0


async def test_refunds_debit_once_take_back_the_bonus_and_issue_numbered_credit_notes(
    client: TestClient, fake_stripe: FakeStripe, db: Database
) -> None:
    _, body = await topup(client, {"tenant": "demo-salon", "amount": "100.00"})
    completed, _ = fake_stripe.complete_checkout(body["id"])
    await deliver(client, completed)
    pi = completed["data"]["object"]["payment_intent"]
    first, full = fake_stripe.refund(pi, 4000), fake_stripe.refund(pi, 10000)
    assert (await deliver(client, first))[1]["outcome"] == "refunded"
    assert await balance(client) == D("63.00")  # 105 - 40 - 2 (40 % of the 5 bonus)
    assert (await deliver(client, full))[1]["outcome"] == "refunded"
    late_copy = dict(first, id="evt_late_copy_of_first")  # an older state delivered after the newer one
    assert (await deliver(client, late_copy))[1]["outcome"] == "already_refunded"
    assert await balance(client) == D("0.00")
    async with db.read() as session:
        notes = (
            await session.execute(
                BillingDocument.__table__.select()
                .where(BillingDocument.kind == "credit_note")
                .order_by(BillingDocument.number)
            )
        ).all()
    assert [(n.number_text, n.net, n.vat, n.gross) for n in notes] == [
        ("GS-demo-salon-000001", D("40.00"), D("7.60"), D("47.60")),
        ("GS-demo-salon-000002", D("60.00"), D("11.40"), D("71.40")),
    ]
    response = await client.get(
        "/admin/billing/credit-note", params={"tenant": "demo-salon", "number": "GS-demo-salon-000002"}, headers=AUTH
    )
    assert response.status == 200 and (await response.read()).startswith(b"%PDF")
    assert (await ledger.balance(db, "demo-salon")).balance == sum(
        (r.amount for r in await ledger_rows(db, "demo-salon")), D(0)
    )


async def test_balance_route_and_return_page(client: TestClient) -> None:
    assert await balance(client) == D("0")
    response = await client.get("/admin/billing/return", params={"paid": "1"})
    assert response.status == 200 and "verbucht" in await response.text()


async def test_webhook_without_a_configured_secret_refuses(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    await prepaid_tenant(db)
    app: web.Application = create_app(billing_services(db, clock, stripe_webhook_secret=None))
    async with TestClient(TestServer(app)) as client:
        event = FakeStripe.event("checkout.session.completed", {"id": "cs_1"})
        response = await client.post(
            "/stripe/webhook", data=body_of(event), headers={"Stripe-Signature": sign(body_of(event), WEBHOOK_SECRET)}
        )
        assert response.status == 400
