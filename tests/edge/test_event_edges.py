"""Retell call webhooks around the call that a newcomer sent to break Slotline (edge20), over HTTP on
both engines: events whose tenant cannot be found, bodies that are not objects, event names we do not
know, numbers in the odd formats telephony passes on, retried and out-of-order deliveries.

Real Retell traffic is never refused: a well-signed event we merely do not understand answers 200
`ignored` (a 4xx or 5xx only makes Retell deliver it again, to the same answer), and no delivery order
charges a call twice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from booking_core.calls import call_record
from booking_core.storage.billing_models import BalanceTransaction
from tests.edge import test_retell_traffic as traffic
from tests.edge.test_retell_traffic import Edge
from tests.fakes.retell_sender import body_of, inbound_body, phone_call, web_call

edge = traffic.edge  # the app over HTTP on both engines, with the demo tenants


def event(name: str, call: dict[str, Any] | None) -> bytes:
    return body_of({"event": name, "call": call} if call is not None else {"event": name})


async def test_events_no_tenant_claims_are_acknowledged_not_refused(edge: Edge) -> None:
    """A web call of an agent no tenant has (no numbers, no metadata) and a phone call to a number we
    do not serve: 200 ignored, nothing stored."""
    stray = web_call(call_id="call_web_stray", target_bytes=5_000, agent_id="agent_nobody")
    for name in ("call_started", "call_ended", "call_analyzed", "transcript_updated"):
        status, answer = await edge.post("/retell/events", event(name, stray))
        assert (status, answer["status"]) == (200, "ignored"), answer
    foreign = phone_call(call_id="call_foreign", target_bytes=5_000, to_number="+4989111111", agent_id="agent_x")
    status, answer = await edge.post("/retell/events", event("call_ended", foreign))
    assert (status, answer["status"]) == (200, "ignored"), answer


async def test_bodies_that_are_not_events_are_acknowledged_not_refused(edge: Edge) -> None:
    for body in (b"[]", b'"call_ended"', b"42", b"null", body_of({"event": "call_ended"}), body_of({"call": None})):
        status, answer = await edge.post("/retell/events", body)
        assert (status, answer.get("status")) == (200, "ignored"), (body, answer)


async def test_a_dialled_number_in_an_odd_format_finds_its_tenant(edge: Edge) -> None:
    """SIP trunks and some carriers pass the dialled number as "tel:+49...", "0049...", "+49 (0)30 ..."."""
    for number in ("tel:+4930555000100", "004930555000100", "+49 (0)30 555000100", "+49 30 555 000 100"):
        call = phone_call(call_id=f"call_fmt_{len(number)}", target_bytes=5_000, to_number=number, agent_id="agent_x")
        status, answer = await edge.post("/retell/events", event("call_started", call))
        assert (status, answer["status"]) == (200, "ok"), (number, answer)
        status, answer = await edge.post("/retell/inbound", inbound_body(to_number=number, agent_id="agent_x"))
        assert answer["call_inbound"]["dynamic_variables"]["business_name"] == "Salon Sonnenschein", number


async def test_out_of_order_and_retried_events_charge_a_call_once(edge: Edge) -> None:
    call = phone_call(call_id="call_order", target_bytes=5_000)
    for name in ("call_analyzed", "call_ended", "call_analyzed", "call_started", "call_ended"):
        status, answer = await edge.post("/retell/events", event(name, call))
        assert (status, answer["status"]) == (200, "ok"), answer
    async with edge.services.db.read() as session:
        charges = (
            await session.scalars(select(BalanceTransaction.amount).where(BalanceTransaction.call_id == "call_order"))
        ).all()
    record = await call_record(edge.services.db, "demo-salon", "call_order")
    assert record is not None and record["cost"]["state"] == "final", record
    assert -sum(charges, Decimal(0)) == Decimal(record["cost"]["billed_eur"]) > 0, (charges, record["cost"])
    assert len(charges) == 1, charges  # analyzed first: its cost is final; nothing later changes it
