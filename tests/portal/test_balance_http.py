"""Balance and statements (owner only, issue 21): the ledger's balance and newest rows in the user's
language, the statement downloads through the existing statement code, 403 for staff, and another
tenant's money never shown."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from agent_functions.context import SERVICES
from booking_core.billing import ledger
from booking_core.storage.billing_models import BillingDocument
from portal.routes_balance import months_back
from tests.portal.portal_client import NOW, Seeded, log_in
from tests.portal.test_pages_http import page

OCTOBER = datetime.fromisoformat("2026-10-14T09:30:00+02:00")


async def post_money(client: TestClient) -> None:
    """demo-salon: a 100 EUR top-up and 10 bonus in October, a call charge in November;
    demo-physio: a top-up of 777 EUR (must never show)."""
    db = client.app[SERVICES].db
    async with db.write() as session:
        await ledger.append(session, "demo-salon", "topup", Decimal("100"), OCTOBER, ref="pi_1")
        await ledger.append(session, "demo-salon", "bonus", Decimal("10"), OCTOBER, ref="pi_1")
        await ledger.append(session, "demo-salon", "call_charge", Decimal("-1.2345"), NOW, call_id="call_a")
        await ledger.append(session, "demo-physio", "topup", Decimal("777"), OCTOBER, ref="pi_9")


async def invoices(client: TestClient) -> int:
    async with client.app[SERVICES].db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(BillingDocument)) or 0)


def test_statement_months_reach_back_to_the_first_movement() -> None:
    assert months_back(date(2026, 11, 20), None) == ["2026-11"]
    assert months_back(date(2026, 11, 20), date(2026, 10, 14)) == ["2026-11", "2026-10"]
    assert months_back(date(2026, 2, 1), date(2025, 11, 30)) == ["2026-02", "2026-01", "2025-12", "2025-11"]
    assert len(months_back(date(2026, 11, 20), date(2020, 1, 1))) == 12


async def test_owner_sees_balance_transactions_and_statement_links(client: TestClient, seeded: Seeded) -> None:
    await post_money(client)
    html = await page(client, "/portal/balance")
    assert "108,77\xa0€" in html  # de_DE, rounded on the page only (the ledger keeps 108.7655)
    assert "Aufladung" in html and "Bonus" in html and "Anrufe" in html and "-1,23\xa0€" in html
    assert "14.10.26, 09:30" in html  # the tenant's zone (Europe/Berlin), German short format
    assert "month=2026-11&amp;format=pdf" in html and "month=2026-10&amp;format=csv" in html
    assert "month=2026-09" not in html  # no statement before the first movement
    assert "777" not in html  # the other tenant's top-up


async def test_statement_downloads_and_a_bad_month(client: TestClient, seeded: Seeded) -> None:
    await post_money(client)
    response = await client.get("/portal/balance/statement?month=2026-10&format=csv")
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert "kontoauszug-demo-salon-2026-10.csv" in response.headers["Content-Disposition"]
    text = (await response.read()).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text), delimiter=";") for c in row]
    assert any("110,00" in c for c in cells), text[:400]  # the October closing balance
    assert await invoices(client) == 1  # the finished month's invoice, issued on first request
    pdf = await client.get("/portal/balance/statement?month=2026-11&format=pdf")
    assert pdf.status == 200 and (await pdf.read())[:5] == b"%PDF-"
    assert await invoices(client) == 1  # the running month is a preview: no number spent
    for query in ("month=2026-13", "month=2027-01", "month=", "month=2026-10&format=exe"):
        refused = await client.get(f"/portal/balance/statement?{query}")
        body = await refused.text()
        assert refused.status == 400 and "keinen Kontoauszug" in body, query
    assert await invoices(client) == 1


async def test_english_owner_gets_english_words_and_format(client: TestClient, seeded: Seeded) -> None:
    await post_money(client)
    client.session.cookie_jar.clear()
    await log_in(client, "olga@salon.example", lang="en")
    html = await page(client, "/portal/balance")
    assert "Top-up" in html and "€108.77" in html and "14/10/2026, 09:30" in html


async def test_staff_get_403_on_billing_pages(client: TestClient, seeded: Seeded) -> None:
    await post_money(client)
    client.session.cookie_jar.clear()
    await log_in(client, "sam@salon.example", role="staff")
    assert "/portal/balance" not in await page(client, "/portal/day")
    for path in ("/portal/balance", "/portal/balance/statement?month=2026-10&format=pdf"):
        response = await client.get(path)
        assert response.status == 403, path
        assert "108" not in await response.text()
    assert await invoices(client) == 0
    client.session.cookie_jar.clear()
    anonymous = await client.get("/portal/balance", allow_redirects=False)
    assert anonymous.status == 302 and anonymous.headers["Location"] == "/portal/login"
