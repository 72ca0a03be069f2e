"""Packages through the booking engine on both engines (CONTRACT section 10): a card sold gives credits,
each booking of its service uses one while they last (in the booking's transaction), a cancellation
without fee gives it back, a late one keeps it used, expired credits lapse by an `expiry` row and are
never used after the expiry. The ledger is append-only and its sum is the card's balance."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from booking_core.clock import FrozenClock
from booking_core.domain import CustomerInput, SlotRequest
from booking_core.packages import BadPhone, UnknownPackage, balances, expire_lapsed, ledger_of, sell
from booking_core.series import SeriesRule
from booking_core.service import BookingService
from booking_core.storage.db import Database
from booking_core.storage.package_models import PackageCredit, PackageSale
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import TenantFileError, parse_tenant
from booking_core.tenant_store import save_tenant
from tests.core.helpers import at, make_tenant, tenant_doc

PHONE = "+4915100000017"
CARD = {"id": "dreierkarte", "name": "Dreierkarte", "service": "cut", "sessions": 3, "price": "80.00", "valid_days": 30}


@pytest.fixture
def tenant() -> TenantConfig:
    return make_tenant(packages=[CARD])


async def _rows(db: Database, model: type) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def _sum_matches_balance(db: Database) -> None:
    """The invariant: every sale's running balance is the sum of its ledger, never below zero."""
    async with db.read() as s:
        sums = dict(
            (
                await s.execute(
                    select(PackageCredit.sale_id, func.sum(PackageCredit.credits)).group_by(PackageCredit.sale_id)
                )
            ).all()
        )
        sales = (await s.scalars(select(PackageSale))).all()
    assert {sale.id: sale.remaining for sale in sales} == {k: int(v) for k, v in sums.items()}
    assert all(sale.remaining >= 0 for sale in sales)


async def _book(svc: BookingService, tenant: TenantConfig, start, name: str = "Max Muster", call: str = "c1"):
    view, _ = await svc.book(tenant, SlotRequest("cut", "anna", start), CustomerInput(name, PHONE), call)
    return view


async def test_sale_gives_credits_until_the_last_local_day(svc, tenant, clock, db):
    sale = await sell(db, tenant, clock.now(), phone=PHONE, package_id="dreierkarte", name="Max Muster")
    assert (sale.remaining, sale.sessions, sale.package_name, sale.service_id) == (3, 3, "Dreierkarte", "cut")
    assert sale.expires_at == at(2026, 12, 21, 0)  # sold 20 November, 30 days: valid through 20 December
    assert await ledger_of(db, tenant.id, sale.id) == [("purchase", 3, 3)]
    [listed] = await balances(db, tenant, PHONE)
    assert listed.id == sale.id and listed.customer_name == "Max Muster"


async def test_bad_sales_write_nothing(svc, tenant, clock, db):
    with pytest.raises(UnknownPackage) as err:
        await sell(db, tenant, clock.now(), phone=PHONE, package_id="zwanzigerkarte")
    assert err.value.known == ["dreierkarte"]
    with pytest.raises(BadPhone):
        await sell(db, tenant, clock.now(), phone="0151 nope", package_id="dreierkarte")
    assert await _rows(db, PackageSale) == 0 and await _rows(db, PackageCredit) == 0


async def test_bookings_use_a_credit_each_until_the_card_is_used_up(svc, tenant, clock, db):
    await sell(db, tenant, clock.now(), phone=PHONE, package_id="dreierkarte", name="Max Muster")
    remaining = []
    for day in (23, 24, 25):
        view = await _book(svc, tenant, at(2026, 11, day, 10), call=f"c{day}")
        assert view.package is not None and view.package.outcome == "used"
        remaining.append(view.package.remaining)
    assert remaining == [2, 1, 0]
    fourth = await _book(svc, tenant, at(2026, 11, 26, 10), call="c26")
    assert fourth.package is not None and (fourth.package.outcome, fourth.package.remaining) == ("used_up", 0)
    await _sum_matches_balance(db)
    # another person on the same number has no card: nothing is used, nothing said
    other = await _book(svc, tenant, at(2026, 11, 27, 10), name="Lena Muster", call="c27")
    assert other.package is None


async def test_a_retry_of_the_booking_uses_no_second_credit(svc, tenant, clock, db):
    sale = await sell(db, tenant, clock.now(), phone=PHONE, package_id="dreierkarte", name="Max Muster")
    first = await _book(svc, tenant, at(2026, 11, 23, 10))
    again = await _book(svc, tenant, at(2026, 11, 23, 10))
    assert again.id == first.id and again.package is not None and again.package.remaining == 2
    assert [k for k, _, _ in await ledger_of(db, tenant.id, sale.id)] == ["purchase", "use"]


async def test_other_services_and_customers_without_cards_are_untouched(svc, tenant, clock, db):
    await sell(db, tenant, clock.now(), phone=PHONE, package_id="dreierkarte", name="Max Muster")
    view, _ = await svc.book(
        tenant, SlotRequest("colour-free", "anna", at(2026, 11, 23, 10)), CustomerInput("Max Muster", PHONE), "c1"
    )
    assert view.package is None
    stranger = await svc.book(
        tenant, SlotRequest("cut", "anna", at(2026, 11, 24, 10)), CustomerInput("Eva", "+4915100000099"), "c2"
    )
    assert stranger[0].package is None
    assert await _rows(db, PackageCredit) == 1  # the purchase only


async def test_free_cancel_refunds_once_and_late_cancel_keeps_the_credit(svc, tenant, clock, db):
    sale = await sell(db, tenant, clock.now(), phone=PHONE, package_id="dreierkarte", name="Max Muster")
    early = await _book(svc, tenant, at(2026, 11, 25, 10), call="c1")  # 5 days ahead: free
    late = await _book(svc, tenant, at(2026, 11, 21, 14), call="c2")  # 28 hours ahead: 10 EUR fee
    cancelled, decision = await svc.cancel(tenant, early.id, call_id="c3", reason=None)
    assert decision.fee == 0 and cancelled.package is not None
    assert (cancelled.package.outcome, cancelled.package.remaining) == ("refunded", 2)
    again, _ = await svc.cancel(tenant, early.id, call_id="c3", reason=None)  # this call's retry
    assert again.status == "cancelled"
    cancelled, decision = await svc.cancel(tenant, late.id, call_id="c4", reason=None)
    assert decision.fee > 0 and cancelled.package is not None
    assert (cancelled.package.outcome, cancelled.package.remaining) == ("kept", 2)
    assert [k for k, _, _ in await ledger_of(db, tenant.id, sale.id)] == ["purchase", "use", "use", "refund"]
    await _sum_matches_balance(db)


async def test_series_uses_one_credit_per_occurrence_while_they_last_and_its_cancel_refunds_each(svc, clock, db):
    free = {"notice_hours": 24, "fee_tiers": [{"min_hours": 48, "fee": "0"}]}  # no monthly limit here
    tenant = make_tenant(packages=[CARD], policies={"cancel": free})
    await save_tenant(db, tenant, clock.now())
    sale = await sell(db, tenant, clock.now(), phone=PHONE, package_id="dreierkarte", name="Max Muster")
    request = SlotRequest("cut", "anna", at(2026, 11, 23, 10))  # 23 Nov to 14 Dec: all while the card is valid
    outcome = await svc.check_series(tenant, request, SeriesRule("weekly"), count=4, until=None)
    views, _ = await svc.book_series(
        tenant, "cut", "anna", list(outcome.occurrences), CustomerInput("Max Muster", PHONE), "c1"
    )
    assert [v.package.outcome if v.package else None for v in views] == ["used", "used", "used", "used_up"]
    assert [v.package.remaining for v in views if v.package] == [2, 1, 0, 0]
    done = await svc.cancel_series(tenant, views[0].id, call_id="c2", reason=None)
    assert [v.package.outcome if v.package else None for v, _ in done.cancelled] == ["refunded"] * 3 + [None]
    assert (await balances(db, tenant, PHONE))[0].remaining == 3
    assert [k for k, _, _ in await ledger_of(db, tenant.id, sale.id)] == ["purchase"] + ["use"] * 3 + ["refund"] * 3
    await _sum_matches_balance(db)


async def test_expired_credits_are_not_used_before_the_job_and_lapse_once_by_it(svc, tenant, db):
    sold = at(2026, 10, 1, 12)
    sale = await sell(db, tenant, sold, phone=PHONE, package_id="dreierkarte", name="Max Muster")
    assert sale.expires_at == at(2026, 11, 1, 0)
    view = await _book(svc, tenant, at(2026, 11, 23, 10))  # now is 20 November: the card has expired
    assert view.package is not None and (view.package.outcome, view.package.remaining) == ("expired", 3)
    now = at(2026, 11, 20, 10)
    assert await expire_lapsed(db, now) == 1
    assert await expire_lapsed(db, now) == 0  # idempotent
    assert await ledger_of(db, tenant.id, sale.id) == [("purchase", 3, 3), ("expiry", -3, 0)]
    await _sum_matches_balance(db)


async def test_an_appointment_after_the_expiry_is_paid_normally(svc, tenant, clock, db):
    await sell(db, tenant, clock.now(), phone=PHONE, package_id="dreierkarte", name="Max Muster")
    view = await _book(svc, tenant, at(2026, 12, 21, 10))  # the card is valid through 20 December
    assert view.package is not None and (view.package.outcome, view.package.remaining) == ("expired", 3)
    assert await expire_lapsed(db, clock.now()) == 0  # not expired yet: nothing lapses


async def test_the_ledger_refuses_update_and_delete(svc, tenant, clock, db):
    await sell(db, tenant, clock.now(), phone=PHONE, package_id="dreierkarte")
    for statement in ("UPDATE package_credits SET credits = 99", "DELETE FROM package_credits"):
        with pytest.raises((DBAPIError, IntegrityError)):
            async with db.write() as s:
                await s.execute(text(statement))
    assert await ledger_of(db, tenant.id, (await balances(db, tenant, PHONE))[0].id) == [("purchase", 3, 3)]


async def test_the_balance_cannot_go_below_zero_even_by_hand(svc, tenant, clock, db):
    await sell(db, tenant, clock.now(), phone=PHONE, package_id="dreierkarte")
    with pytest.raises(IntegrityError):
        async with db.write() as s:
            await s.execute(text("UPDATE package_sales SET remaining = -1"))


def test_a_package_for_a_service_the_tenant_does_not_have_is_a_tenant_file_error():
    doc = tenant_doc(packages=[{**CARD, "service": "nagelpflege"}, {**CARD, "service": "cut"}])
    with pytest.raises(TenantFileError) as err:
        parse_tenant(doc, "salon.yaml")
    found = {(p.path, p.reason) for p in err.value.problems}
    assert ("packages", "ids repeat: ['dreierkarte']") in found
    assert any(path == "packages.0.service" and "unknown service 'nagelpflege'" in why for path, why in found)


async def test_the_booking_path_of_a_tenant_without_packages_never_reads_the_card_tables(db, clock):
    plain = make_tenant("plain")
    await save_tenant(db, plain, clock.now())
    svc = BookingService(db, FrozenClock(clock.now()))
    statements: list[str] = []
    from sqlalchemy import event

    def seen(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    for engine in {db.engine.sync_engine, db._write_engine.sync_engine}:
        event.listen(engine, "before_cursor_execute", seen)
    view, _ = await svc.book(plain, SlotRequest("cut", "anna", at(2026, 11, 23, 10)), CustomerInput("Max", PHONE), "c1")
    await svc.cancel(plain, view.id, call_id="c1", reason=None)
    assert statements and not [s for s in statements if "package_" in s]


async def test_a_visit_uses_a_credit_for_the_cards_service_only(svc, tenant, clock, db):
    await sell(db, tenant, clock.now(), phone=PHONE, package_id="dreierkarte", name="Max Muster")
    views, _ = await svc.book_visit(
        tenant, ["cut", "colour-free"], "anna", at(2026, 11, 23, 10), CustomerInput("Max Muster", PHONE), "c1"
    )
    assert {v.service_id: (v.package.outcome, v.package.remaining) if v.package else None for v in views} == {
        "cut": ("used", 2),
        "colour-free": None,
    }


async def test_staff_cancel_gives_the_credit_back_and_a_no_show_keeps_it(svc, tenant, clock, db):
    sale = await sell(db, tenant, clock.now(), phone=PHONE, package_id="dreierkarte", name="Max Muster")
    first = await _book(svc, tenant, at(2026, 11, 20, 11, 15), call="c1")
    second = await _book(svc, tenant, at(2026, 11, 21, 10), call="c2")
    cancelled = await svc.transition(tenant, second.id, "cancelled", actor="staff")
    assert cancelled.package is not None and (cancelled.package.outcome, cancelled.package.remaining) == ("refunded", 2)
    clock.advance(3600 * 2)  # 12:00: the first appointment is over
    no_show = await svc.transition(tenant, first.id, "no_show", actor="staff")
    assert no_show.package is None
    assert [k for k, _, _ in await ledger_of(db, tenant.id, sale.id)] == ["purchase", "use", "use", "refund"]
