"""Retell reconcile and ECB update against local fakes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
from sqlalchemy import select

from booking_core.calls import call_record, record_event
from booking_core.storage.call_models import FxRate
from integrations.ecb import default_urls, update_rates
from integrations.retell import reconcile_day
from tests.fakes.ecb import FakeEcb
from tests.fakes.retell import FakeRetell
from tests.integrations.helpers import T0, load_tenant, tenant_doc

DAY = date(2026, 11, 19)


def retell_call(call_id: str, start: datetime, *, cents: float | None = 11.59, analyzed: bool = True) -> dict:
    ms = int(start.timestamp() * 1000)
    call = {
        "call_id": call_id,
        "agent_id": "agent_salon",
        "call_type": "phone_call",
        "call_status": "ended",
        "direction": "inbound",
        "from_number": "+4915100000017",
        "to_number": "+4930555000100",
        "start_timestamp": ms,
        "end_timestamp": ms + 94000,
        "duration_ms": 94000,
        "disconnection_reason": "user_hangup",
        "transcript": "Agent: Hallo ...",
        "recording_url": "https://example.invalid/rec.wav",
    }
    if cents is not None:
        call["call_cost"] = {"product_costs": [], "combined_cost": cents, "total_duration_seconds": 94}
    if analyzed:
        call["call_analysis"] = {"call_successful": True}
    return call


async def test_reconcile_fills_missing_and_provisional_costs(idb, clock):
    retell = await FakeRetell().start()
    doc = tenant_doc(None)
    doc["phone_numbers"] = ["+4930555000100"]
    doc["agent_ids"] = ["agent_salon"]
    doc["integrations"]["retell"] = {"base_url": retell.url, "api_key_env": "TEST_RETELL_KEY"}
    tenant = await load_tenant(idb, doc)
    morning = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    # c1: we only got call_ended without cost (provisional); c2: never heard of; c3: already final
    await record_event(idb, "salon", "call_ended", {**retell_call("c1", morning, cents=None, analyzed=False)}, T0)
    await record_event(idb, "salon", "call_analyzed", retell_call("c3", morning + timedelta(hours=2)), T0)
    retell.calls_db = [
        retell_call("c1", morning),
        retell_call("c2", morning + timedelta(hours=1)),
        retell_call("c3", morning + timedelta(hours=2)),
        retell_call("next-day", morning + timedelta(days=1)),  # outside the day: ignored
        retell_call("day-before", morning - timedelta(days=1)),
    ]
    async with httpx.AsyncClient() as http:
        report = await reconcile_day(idb, tenant, DAY, now=T0, env={"TEST_RETELL_KEY": "key_retell_test"}, http=http)
    await retell.stop()
    assert (report.seen, report.created, report.updated, report.unchanged) == (3, 1, 1, 1)
    c1 = await call_record(idb, "salon", "c1")
    assert c1 is not None and c1["cost"]["retell_usd"].startswith("0.1159")
    assert await call_record(idb, "salon", "next-day") is None
    # every page request carried the key; nothing else was sent
    assert all(r.headers["Authorization"] == "Bearer key_retell_test" for r in retell.requests)


async def test_reconcile_pages_through_many_calls(idb, clock):
    retell = await FakeRetell().start()
    doc = tenant_doc(None)
    doc["agent_ids"] = ["agent_salon"]
    doc["integrations"]["retell"] = {"base_url": retell.url, "api_key_env": "K"}
    tenant = await load_tenant(idb, doc)
    start = datetime(2026, 11, 19, 7, 0, tzinfo=UTC)
    retell.calls_db = [retell_call(f"c{i}", start + timedelta(minutes=3 * i)) for i in range(450)]
    async with httpx.AsyncClient() as http:
        report = await reconcile_day(idb, tenant, DAY, now=T0, env={"K": "key_retell_test"}, http=http)
    await retell.stop()
    assert report.created == 320  # 07:00 UTC .. local midnight (23:00 UTC): 16 h, one call every 3 minutes
    assert len(retell.requests) >= 3


async def test_fx_update_stores_rates_and_keeps_them_when_ecb_is_down(idb):
    history = {date(2026, 11, 16) + timedelta(days=i): Decimal("1.04") + Decimal(i) / 1000 for i in range(5)}
    ecb = await FakeEcb(history).start()
    urls = default_urls(f"{ecb.url}/stats/eurofxref")
    report = await update_rates(idb, urls=urls)
    assert report.ok and report.stored == 5 and report.latest == date(2026, 11, 20)
    assert report.fetched == {urls[0]: 1, urls[1]: 5}
    async with idb.read() as session:
        assert (await session.get(FxRate, (date(2026, 11, 20), "USD"))).rate == Decimal("1.044")
    await ecb.go_down()
    failed = await update_rates(idb, urls=urls)
    assert not failed.ok and set(failed.failed) == set(urls) and failed.stored == 0
    assert failed.latest == date(2026, 11, 20)  # the last rates stay
    await ecb.come_back()
    ecb.mode = "500"
    assert "HTTP 500" in next(iter((await update_rates(idb, urls=urls)).failed.values()))
    await ecb.stop()
    async with idb.read() as session:
        assert len((await session.scalars(select(FxRate))).all()) == 5


async def test_fx_update_rejects_a_page_that_is_not_ecb_xml(idb):
    ecb = await FakeEcb({date(2026, 11, 20): Decimal("1.05")}).start()
    report = await update_rates(idb, urls=[f"{ecb.url}/nothing-here.xml"])
    await ecb.stop()
    assert not report.ok and "HTTP 404" in next(iter(report.failed.values()))
