"""Anyone but a refused staff member ("nicht Anna"): `SlotRequest.not_staff` on both engines.

Anna is first in the team's order and does every service, so without the refusal every free time goes
to her; with it, checks, holds and bookings go to the others, and when nobody else does the service
nothing is found.
"""

from __future__ import annotations

from dataclasses import replace

from booking_core.domain import CustomerInput, SlotRequest
from tests.core.helpers import at

LENA = CustomerInput("Lena Vogel", "+4915100000017")


async def test_an_exact_time_anyone_goes_to_the_first_in_order_and_not_anna_to_the_next(svc, tenant) -> None:
    anyone = SlotRequest("cut", None, at(2026, 11, 23, 10, 0))
    assert (await svc.check(tenant, anyone, "call-a")).slot.staff_id == "anna"
    outcome = await svc.check(tenant, replace(anyone, not_staff=("anna",)), "call-b")
    assert outcome.available and outcome.slot.staff_id == "ben"
    view, created = await svc.book(tenant, replace(anyone, not_staff=("anna",)), LENA, "call-b")
    assert created and view.staff_id == "ben"


async def test_a_window_never_offers_the_refused_person(svc, tenant) -> None:
    window = SlotRequest("cut", None, at(2026, 11, 23, 9, 0), at(2026, 11, 25, 18, 0), exact=False, not_staff=("anna",))
    outcome = await svc.check(tenant, window, "call-c")
    assert outcome.slots and {slot.staff_id for slot in outcome.slots} == {"ben"}


async def test_nobody_else_does_it_nothing_is_free(svc, tenant) -> None:
    only_anna = SlotRequest("colour-blocked", None, at(2026, 11, 23, 10, 0), not_staff=("anna",))
    outcome = await svc.check(tenant, only_anna, "call-d")
    assert not outcome.available and not outcome.alternatives
