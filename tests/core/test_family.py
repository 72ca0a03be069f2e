"""Several people in one call and on one number (CONTRACT section 14), on SQLite and PostgreSQL.

A booking is a retry only for the same service, time and customer; another name is another person,
who gets their own appointment (another staff member when the first is taken) or an honest refusal.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from booking_core.customers import fold_name, pick_customer
from booking_core.domain import CustomerInput, SlotRequest
from booking_core.errors import SlotUnavailable
from booking_core.storage import models as m
from tests.core.helpers import at

PHONE = "+4915100000017"
MOTHER = CustomerInput("Lena Vogel", PHONE)
MAX = CustomerInput("Max Vogel", PHONE)
MORITZ = CustomerInput("Moritz Vogel", PHONE)
PAUL = CustomerInput("Paul Vogel", PHONE)


def cut_at(hour: int, staff: str | None = None) -> SlotRequest:
    return SlotRequest("cut", staff, at(2026, 11, 23, hour, 0))


async def count(db, model, *where) -> int:
    async with db.read() as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where))


async def test_two_sons_same_time_get_two_appointments_then_an_honest_refusal(svc, tenant, db):
    held = await svc.check(tenant, cut_at(10), "call-family")
    assert held.available
    first, created = await svc.book(tenant, cut_at(10), MAX, "call-family")
    second, created_second = await svc.book(tenant, cut_at(10), MORITZ, "call-family")
    assert created and created_second
    assert first.id != second.id and first.reference != second.reference
    assert {first.staff_id, second.staff_id} == {"anna", "ben"}  # the second son with the other stylist
    assert (first.customer_name, second.customer_name) == ("Max Vogel", "Moritz Vogel")
    with pytest.raises(SlotUnavailable) as refused:  # nobody else does cuts at 10: honest, nothing written
        await svc.book(tenant, cut_at(10), PAUL, "call-family")
    assert refused.value.reason == "taken" and refused.value.alternatives
    assert await count(db, m.Appointment) == 2


async def test_retry_is_the_same_service_time_and_customer(svc, tenant, db):
    first, _ = await svc.book(tenant, cut_at(11), MAX, "call-retry")
    again, created = await svc.book(tenant, cut_at(11), CustomerInput("MAX VOGEL", PHONE), "call-retry")
    assert again.id == first.id and not created
    short, created_short = await svc.book(tenant, cut_at(11), CustomerInput("Max", PHONE), "call-retry")
    assert short.id == first.id and not created_short  # the first name alone names the same customer
    other_call, created_other = await svc.book(tenant, cut_at(11), MAX, "call-other")
    assert created_other and other_call.id != first.id  # another call is never a retry
    assert await count(db, m.Appointment) == 2


async def test_withheld_number_family_is_two_people_too(svc, tenant, db):
    a, _ = await svc.book(tenant, cut_at(12), CustomerInput("Max Vogel", None), "call-withheld")
    b, created = await svc.book(tenant, cut_at(12), CustomerInput("Moritz Vogel", None), "call-withheld")
    again, created_again = await svc.book(tenant, cut_at(12), CustomerInput("Max Vogel", None), "call-withheld")
    assert created and a.id != b.id
    assert again.id == a.id and not created_again


async def test_other_name_on_a_known_number_is_a_new_customer_with_that_phone(svc, tenant, db):
    lena, _ = await svc.book(tenant, cut_at(13), MOTHER, "call-1")
    max_, _ = await svc.book(tenant, cut_at(14), MAX, "call-2")
    assert max_.customer_name == "Max Vogel" and max_.customer_phone == PHONE
    assert max_.customer_id != lena.customer_id
    assert await count(db, m.Customer, m.Customer.phone == PHONE) == 2
    lena_again, _ = await svc.book(tenant, cut_at(15), CustomerInput("Lena", PHONE), "call-3")
    assert lena_again.customer_id == lena.customer_id and lena_again.customer_name == "Lena Vogel"
    assert await count(db, m.Customer, m.Customer.phone == PHONE) == 2
    everyone = await svc.find_appointments(tenant, phone=PHONE)
    assert [v.customer_name for v in everyone] == ["Lena Vogel", "Max Vogel", "Lena Vogel"]
    only_max = await svc.find_appointments(tenant, phone=PHONE, name="Max")
    assert [v.id for v in only_max] == [max_.id]


def _row(name: str | None, n: int) -> m.Customer:
    return m.Customer(
        id=f"c{n}",
        tenant_id="t",
        phone=PHONE,
        name=name,
        name_key=fold_name(name or ""),
        created_at=datetime(2026, 1, n, tzinfo=UTC),
    )


def test_pick_customer_rules() -> None:
    lena, max_, unnamed = _row("Lena Vogel", 1), _row("Max Vogel", 2), _row(None, 3)
    assert pick_customer([], "Lena") == (None, False)
    assert pick_customer([lena, max_], None) == (lena, False)  # no name: the number's first customer
    assert pick_customer([lena, max_], "LENA VOGEL") == (lena, False)
    assert pick_customer([lena, max_], "Max") == (max_, False)  # one word naming exactly one of them
    assert pick_customer([lena, max_], "Vogel") == (None, False)  # the surname names both: a new one
    assert pick_customer([lena], "Max Vogel") == (None, False)  # another person on the same phone
    assert pick_customer([lena, unnamed], "Moritz Vogel") == (unnamed, True)  # a nameless row is named
    assert pick_customer([_row("Jörg Müller", 4)], "Joerg Mueller")[0] is not None
