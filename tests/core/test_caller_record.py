"""The caller behind a number in one read (`BookingService.caller`, issue 20 point 4): the same
names, upcoming appointments, known flag and no-show count as the separate lookups it replaces, on
SQLite and PostgreSQL."""

from __future__ import annotations

from booking_core.customers import customer_names_by_phone, is_known, no_show_count
from booking_core.domain import CustomerInput, SlotRequest
from tests.core.helpers import at

PHONE = "+4915100000042"


async def separately(svc, tenant, phone: str):
    """The answer the separate lookups give (what get_context and the inbound webhook used before)."""
    names = await customer_names_by_phone(svc.db, tenant.id, phone)
    upcoming = await svc.upcoming_for_phone(tenant, phone)
    known = await is_known(svc.db, tenant.id, phone)
    return names, [a.id for a in upcoming], known, await no_show_count(svc.db, tenant.id, phone)


async def together(svc, tenant, phone: str):
    record = await svc.caller(tenant, phone)
    return record.names, [a.id for a in record.upcoming], record.known, record.no_shows


async def test_a_stranger_is_unknown_with_nothing(svc, tenant):
    assert await together(svc, tenant, PHONE) == ([], [], False, 0) == await separately(svc, tenant, PHONE)


async def test_a_family_number_names_everyone_counts_no_shows_and_lists_what_is_ahead(svc, tenant, clock):
    def cut(day: int, hour: int) -> SlotRequest:
        return SlotRequest("cut", None, at(2026, 11, day, hour, 0))

    await svc.book(tenant, cut(23, 10), CustomerInput("Lena Vogel", PHONE), None)
    clock.advance(60)  # Lena is the number's first customer
    max_, _ = await svc.book(tenant, cut(23, 11), CustomerInput("Max Vogel", PHONE), None)
    later, _ = await svc.book(tenant, cut(26, 10), CustomerInput("Max Vogel", PHONE), None)
    gone, _ = await svc.book(tenant, cut(27, 10), CustomerInput("Lena Vogel", PHONE), None)
    await svc.book(tenant, cut(24, 10), CustomerInput("Someone Else", "+4915100000043"), None)
    await svc.cancel(tenant, gone.id, call_id=None, reason="test", override_policy=True)
    clock.set(at(2026, 11, 23, 12, 0))  # both of the 23rd are over: one did not turn up
    await svc.transition(tenant, max_.id, "no_show", actor="system")

    names, upcoming, known, no_shows = await together(svc, tenant, PHONE)
    assert (names, upcoming, known, no_shows) == await separately(svc, tenant, PHONE)
    assert names == ["Lena Vogel", "Max Vogel"] and upcoming == [later.id] and known and no_shows == 1
