"""Call records from lifecycle events, on SQLite and PostgreSQL: idempotent, order-independent, costed."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal as D
from typing import ClassVar

from agent_functions.call_events import handle_call_event
from booking_core.calls import call_record, call_records, record_event, set_telephony_price, store_fx_rates
from tests.costs.helpers import NOW, add_appointment, add_hold, call_payload, hold_count, load_tenant, services_for

FX = {date(2026, 11, 20): D("1.0412")}
ENDED_COST = {"product_costs": [], "combined_cost": 11.59, "total_duration_seconds": 94}
ANALYZED_COST = {
    "product_costs": [
        {"product": "elevenlabs_tts", "unit_price": 0.0117, "cost": 1.1},
        {"product": "twilio_telephony", "unit_price": 0.0142, "cost": 1.33},
    ],
    "combined_cost": 12.43,
    "total_duration_seconds": 94,
}


async def test_contract_record_shape_and_cents(db):
    tenant = await load_tenant(db, "demo-physio")  # tariff 0.20/started minute + 0.10/call, no own telephony
    await store_fx_rates(db, {"2026-11-20": "1.0412"})
    services = services_for(db)
    call = call_payload(to_number="+442071234567", call_cost=ENDED_COST)
    answer = await handle_call_event(services, tenant, {"event": "call_ended", "call": call})
    assert answer["status"] == "ok" and answer["created"] is True
    record = await call_record(db, tenant.id, "call_fx_001")
    assert set(record) >= {
        "call_id",
        "tenant",
        "started_at",
        "ended_at",
        "duration_s",
        "disconnection_reason",
        "status",
        "appointments",
        "cost",
    }
    assert set(record["cost"]) >= {
        "retell_usd",
        "telephony_usd",
        "llm_usd",
        "total_usd",
        "fx_rate",
        "total_eur",
        "billed_eur",
        "state",
    }
    assert record["tenant"] == "demo-physio" and record["status"] == "ended"
    assert record["started_at"] == "2026-11-20T09:00:00+00:00"  # London
    assert record["duration_s"] == 94 and record["disconnection_reason"] == "user_hangup"
    cost = record["cost"]
    assert cost["retell_usd"] == "0.1159" and cost["total_usd"] == "0.1159"  # 11.59 cents, not dollars
    assert cost["telephony_usd"] == "0" and cost["llm_usd"] == "0"
    assert cost["fx_rate"] == "1.0412" and cost["fx_source"] == "ecb"
    assert D(cost["total_eur"]) == (D("0.1159") / D("1.0412")).quantize(D("1e-10"))
    assert cost["billed_eur"] == "0.5"  # 2 started minutes x 0.20 + 0.10
    assert cost["state"] == "provisional"
    assert record["appointments"] == []


async def test_duplicate_events_change_nothing_twice(db):
    tenant = await load_tenant(db, "demo-salon")
    services = services_for(db)
    body = {"event": "call_ended", "call": call_payload(call_cost=ENDED_COST)}
    first = await handle_call_event(services, tenant, copy.deepcopy(body))
    before = await call_records(db, tenant.id)
    for _ in range(3):
        again = await handle_call_event(services, tenant, copy.deepcopy(body))
        assert again["status"] == "ok" and again["created"] is False and again["changed"] is False
    assert first["changed"] is True
    assert await call_records(db, tenant.id) == before and len(before) == 1


async def test_reordered_events_end_the_same_and_later_cost_wins(db):
    tenant = await load_tenant(db, "demo-salon")
    await store_fx_rates(db, FX)
    started = {
        "event": "call_started",
        "call": call_payload("in_order", call_status="ongoing", duration_ms=None, end_timestamp=None),
    }
    ended = {"event": "call_ended", "call": call_payload("in_order", call_cost=ENDED_COST)}
    analyzed = {
        "event": "call_analyzed",
        "call": call_payload(
            "in_order",
            call_cost=ANALYZED_COST,
            call_analysis={"call_successful": True, "call_summary": "long text"},
            transcript="Agent: Hallo ...",
        ),
    }
    services = services_for(db)
    for body in (started, ended, analyzed):
        await handle_call_event(services, tenant, copy.deepcopy(body))
    for order in ((analyzed, ended, started), (ended, analyzed, started), (started, analyzed, ended)):
        for body in order:
            b = copy.deepcopy(body)
            b["call"]["call_id"] = "reordered"
            await handle_call_event(services, tenant, b)
    in_order, reordered = await call_record(db, tenant.id, "in_order"), await call_record(db, tenant.id, "reordered")
    reordered["call_id"] = "in_order"
    assert reordered == in_order
    cost = in_order["cost"]
    assert cost["state"] == "final" and cost["retell_usd"] == "0.1243"  # call_analyzed's cost, whatever the order
    assert cost["telephony_usd"] == "0" and cost["telephony_source"] == "retell"  # Retell billed it
    assert in_order["status"] == "ended" and in_order["duration_s"] == 94


async def test_ended_cost_not_replaced_by_an_analyzed_event_without_cost(db):
    tenant = await load_tenant(db, "demo-salon")
    services = services_for(db)
    await handle_call_event(services, tenant, {"event": "call_analyzed", "call": call_payload()})
    await handle_call_event(services, tenant, {"event": "call_ended", "call": call_payload(call_cost=ENDED_COST)})
    cost = (await call_record(db, tenant.id, "call_fx_001"))["cost"]
    assert cost["state"] == "provisional" and cost["retell_usd"] == "0.1159"
    # own telephony (salon: 0.014 USD per started minute) is added until a real price is recorded
    assert cost["telephony_usd"] == "0.028" and cost["telephony_source"] == "estimated"
    assert cost["total_usd"] == "0.1439"
    assert await set_telephony_price(db, tenant.id, "call_fx_001", D("0.0199"), NOW, final=True)
    cost = (await call_record(db, tenant.id, "call_fx_001"))["cost"]
    assert cost["telephony_usd"] == "0.0199" and cost["telephony_source"] == "recorded" and cost["state"] == "final"


async def test_call_ended_releases_holds(db):
    tenant = await load_tenant(db, "demo-salon")
    await add_hold(db, tenant.id, "call_fx_001")
    await add_hold(db, tenant.id, "other_call")
    services = services_for(db)  # booking=None: the direct delete path
    await handle_call_event(services, tenant, {"event": "call_started", "call": call_payload()})
    assert await hold_count(db, tenant.id, "call_fx_001") == 1
    await handle_call_event(services, tenant, {"event": "call_ended", "call": call_payload()})
    assert await hold_count(db, tenant.id, "call_fx_001") == 0
    assert await hold_count(db, tenant.id, "other_call") == 1


async def test_call_ended_uses_the_booking_services_release_when_present(db):
    tenant = await load_tenant(db, "demo-salon")

    class Booking:
        released: ClassVar[list[tuple[str, str]]] = []

        async def release_holds(self, tenant_id, call_id):
            self.released.append((tenant_id, call_id))
            return 0

    booking = Booking()
    await handle_call_event(services_for(db, booking=booking), tenant, {"event": "call_ended", "call": call_payload()})
    assert booking.released == [("demo-salon", "call_fx_001")]


async def test_appointments_booked_in_a_call_are_linked(db):
    tenant = await load_tenant(db, "demo-salon")
    first = await add_appointment(db, tenant.id, "call_fx_001")
    await add_appointment(db, tenant.id, "another_call")
    await add_appointment(db, tenant.id, None)
    await handle_call_event(
        services_for(db), tenant, {"event": "call_ended", "call": call_payload(call_cost=ENDED_COST)}
    )
    record = await call_record(db, tenant.id, "call_fx_001")
    assert record["appointments"] == [first]


async def test_weekend_call_uses_fridays_rate(db):
    tenant = await load_tenant(db, "demo-salon")
    await store_fx_rates(
        db, {date(2026, 11, 19): D("1.0398"), date(2026, 11, 20): D("1.0412"), date(2026, 11, 23): D("1.0455")}
    )
    saturday = datetime(2026, 11, 21, 10, tzinfo=UTC)
    await handle_call_event(
        services_for(db),
        tenant,
        {"event": "call_ended", "call": call_payload("sat", start=saturday, call_cost=ENDED_COST)},
    )
    cost = (await call_record(db, tenant.id, "sat"))["cost"]
    assert (cost["fx_rate"], cost["fx_date"], cost["fx_source"]) == ("1.0412", "2026-11-20", "ecb")


async def test_local_date_picks_the_rate(db):
    tenant = await load_tenant(db, "demo-salon")
    await store_fx_rates(db, {date(2026, 11, 19): D("1.0398"), date(2026, 11, 20): D("1.0412")})
    # 23:30 UTC on the 19th is already the 20th in Berlin
    late = datetime(2026, 11, 19, 23, 30, tzinfo=UTC)
    await handle_call_event(
        services_for(db),
        tenant,
        {"event": "call_ended", "call": call_payload("late", start=late, call_cost=ENDED_COST)},
    )
    assert (await call_record(db, tenant.id, "late"))["cost"]["fx_rate"] == "1.0412"


async def test_fallback_rate_only_without_any_rate_and_the_record_says_so(db):
    tenant = await load_tenant(db, "demo-salon", fx_fallback=D("1.05"))
    await handle_call_event(
        services_for(db), tenant, {"event": "call_ended", "call": call_payload(call_cost=ENDED_COST)}
    )
    cost = (await call_record(db, tenant.id, "call_fx_001"))["cost"]
    assert (cost["fx_rate"], cost["fx_source"], cost["fx_date"]) == ("1.05", "fallback", None)
    await store_fx_rates(db, FX)  # rates loaded later apply to earlier calls
    cost = (await call_record(db, tenant.id, "call_fx_001"))["cost"]
    assert (cost["fx_rate"], cost["fx_source"]) == ("1.0412", "ecb")


async def test_call_without_cost_data_is_estimated_never_zero(db):
    tenant = await load_tenant(db, "demo-salon")
    await handle_call_event(
        services_for(db), tenant, {"event": "call_started", "call": call_payload(duration_ms=None, end_timestamp=None)}
    )
    record = await call_record(db, tenant.id, "call_fx_001")
    assert record["status"] == "ongoing" and record["ended_at"] is None
    assert record["cost"]["state"] == "estimated" and D(record["cost"]["total_usd"]) > 0
    assert D(record["cost"]["total_eur"]) > 0 and D(record["cost"]["billed_eur"]) > 0
    await handle_call_event(services_for(db), tenant, {"event": "call_ended", "call": call_payload(duration_s=150)})
    cost = (await call_record(db, tenant.id, "call_fx_001"))["cost"]
    assert cost["state"] == "estimated" and cost["retell_usd"] == "0.3"  # 3 started minutes x 0.10 default
    assert cost["telephony_usd"] == "0.042"


async def test_missing_timestamps_fall_back_to_arrival_time(db, clock):
    tenant = await load_tenant(db, "demo-salon")
    services = services_for(db, clock=clock)
    clock.advance(40)
    # the replay fixtures' shape: no timestamps, only duration and cost
    await handle_call_event(
        services,
        tenant,
        {
            "event": "call_ended",
            "call": {"call_id": "bare", "to_number": "+4930555000100", "duration_ms": 94000, "call_cost": ENDED_COST},
        },
    )
    record = await call_record(db, tenant.id, "bare")
    assert record["ended_at"] == "2026-11-20T10:00:40+01:00"
    assert record["started_at"] == "2026-11-20T09:59:06+01:00"
    assert record["cost"]["retell_usd"] == "0.1159"


async def test_bad_payloads_are_ignored_never_raised(db):
    tenant = await load_tenant(db, "demo-salon")
    services = services_for(db)
    for body in (
        None,
        [],
        {},
        {"event": 5},
        {"event": "call_ended"},
        {"event": "call_ended", "call": "x"},
        {"event": "call_ended", "call": {}},
        {"event": "call_ended", "call": {"call_id": 7}},
        {"event": "call_ended", "call": {"call_id": "x" * 101}},
        {
            "event": "call_ended",
            "call": {
                "call_id": "weird",
                "start_timestamp": "yesterday",
                "duration_ms": "long",
                "call_cost": {"combined_cost": "lots"},
                "disconnection_reason": 5,
            },
        },
    ):
        answer = await handle_call_event(services, tenant, body)  # type: ignore[arg-type]
        assert answer["status"] in ("ignored", "ok"), body
    assert (await handle_call_event(services, tenant, {"event": "transcript_updated", "call": call_payload()}))[
        "status"
    ] == "ignored"
    weird = await call_record(db, tenant.id, "weird")
    assert weird["cost"]["state"] == "estimated" and weird["duration_s"] is None
    assert [r["call_id"] for r in await call_records(db, tenant.id)] == ["weird"]


async def test_tenants_do_not_see_each_others_calls(db):
    salon = await load_tenant(db, "demo-salon")
    physio = await load_tenant(db, "demo-physio")
    await handle_call_event(services_for(db), salon, {"event": "call_ended", "call": call_payload("shared_id")})
    assert await call_record(db, physio.id, "shared_id") is None
    assert await call_records(db, physio.id) == []


async def test_fx_rates_upsert(db):
    assert await store_fx_rates(db, FX) == 1
    assert await store_fx_rates(db, FX) == 0
    assert await store_fx_rates(db, {date(2026, 11, 20): D("1.0413"), date(2026, 11, 23): D("1.0455")}) == 2


async def test_concurrent_first_deliveries_make_one_record(db):
    import asyncio

    tenant = await load_tenant(db, "demo-salon")
    payload = call_payload("race", call_cost=ENDED_COST)
    results = await asyncio.gather(
        *(
            record_event(db, tenant.id, event, copy.deepcopy(payload), NOW)
            for event in ("call_started", "call_ended", "call_ended", "call_analyzed")
        )
    )
    assert sum(r.created for r in results) == 1
    record = await call_record(db, tenant.id, "race")
    assert record["status"] == "ended" and record["cost"]["state"] == "final"


async def test_a_redelivered_event_only_fills_gaps(db):
    tenant = await load_tenant(db, "demo-salon")
    services = services_for(db)
    with_lines = {
        "product_costs": [{"product": "elevenlabs_tts", "unit_price": 0.0117, "cost": 1.1}],
        "combined_cost": 11.59,
    }
    await handle_call_event(
        services, tenant, {"event": "call_ended", "call": call_payload(disconnection_reason=None, call_cost=with_lines)}
    )
    again = await handle_call_event(
        services,
        tenant,
        {"event": "call_ended", "call": call_payload(call_cost={"product_costs": [], "combined_cost": 99})},
    )
    assert again["changed"] is True  # it brought the disconnection reason
    record = await call_record(db, tenant.id, "call_fx_001")
    assert record["disconnection_reason"] == "user_hangup"
    assert (
        record["cost"]["retell_usd"] == "0.1159" and record["cost"]["retell_products"][0]["product"] == "elevenlabs_tts"
    )
