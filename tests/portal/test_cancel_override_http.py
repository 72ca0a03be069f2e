"""Cancelling from the portal with the policy shown (issue 21): a refusal by the policy can be overridden
by an owner with a reason (audited with the reason and the owner), never by a staff user."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from agent_functions.context import SERVICES
from agent_functions.replay.seed import insert_appointment
from booking_core.domain import CustomerInput
from booking_core.storage.models import AuditEntry
from tests.portal.portal_client import Seeded, log_in, state
from tests.portal.test_pages_http import page, post_form


async def use_up_the_monthly_cancels(client: TestClient) -> None:
    """Lena (the seeded customer) cancels three other November appointments: her fourth is refused
    (demo-salon: cancel.max_per_month 3)."""
    svc = client.app[SERVICES]
    salon = await svc.tenants.get("demo-salon")
    for day in range(24, 27):
        other = await insert_appointment(
            svc.db,
            svc.clock,
            salon,
            service_id="herrenhaarschnitt",
            staff_id="emma",
            start=datetime.fromisoformat(f"2026-11-{day}T09:00:00+01:00"),
            customer=CustomerInput("Lena Vogel", "+4917612345678"),
        )
        await svc.booking.cancel(salon, other.id, call_id=None, reason=None)


async def test_owner_overrides_a_refused_cancel_with_a_reason(client: TestClient, seeded: Seeded) -> None:
    await use_up_the_monthly_cancels(client)
    html = await page(client, f"/portal/appointments/{seeded.salon.id}")
    assert 'data-allowed="no"' in html and "zu viele Stornierungen" in html and 'name="override"' in html
    before = await state(client)
    status, html = await post_form(client, seeded.salon.id, "cancel", {"reason": ""})
    assert status == 409 and "Stornoregel nicht mehr möglich" in html
    status, html = await post_form(client, seeded.salon.id, "cancel", {"reason": " ", "override": "1"})
    assert status == 400 and "Grund" in html
    assert await state(client) == before
    status, _ = await post_form(client, seeded.salon.id, "cancel", {"reason": "Kundin im Krankenhaus", "override": "1"})
    assert status == 302
    assert 'data-status="cancelled"' in await page(client, f"/portal/appointments/{seeded.salon.id}")
    async with client.app[SERVICES].db.read() as session:
        entry = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.entity_id == seeded.salon.id, AuditEntry.action == "cancelled")
            )
        ).one()
    assert entry.actor == "portal:anna@salon.example" and entry.reason == "Kundin im Krankenhaus"
    assert entry.policy["overridden"] is True and entry.policy["rule"] == "cancel.max_per_month"


async def test_staff_may_not_override(client: TestClient, seeded: Seeded) -> None:
    client.session.cookie_jar.clear()
    await log_in(client, "ben@salon.example", role="staff", lang="en")
    await use_up_the_monthly_cancels(client)
    html = await page(client, f"/portal/appointments/{seeded.salon.id}")
    assert 'data-allowed="no"' in html and 'name="override"' not in html and "too many cancellations" in html
    before = await state(client)
    status, html = await post_form(client, seeded.salon.id, "cancel", {"reason": "please", "override": "1"})
    assert status == 403 and "Only owners" in html
    assert await state(client) == before


async def test_an_allowed_cancel_shows_its_fee_and_free_deadline(client: TestClient, seeded: Seeded) -> None:
    html = await page(client, f"/portal/appointments/{seeded.salon.id}")
    assert 'data-allowed="yes"' in html and "kostenlos bis" in html and 'name="override"' not in html
    assert "kostenlos · kostenlos" not in html  # said once
    client.app[SERVICES].clock.advance(timedelta(hours=60).total_seconds())  # 12 h before: the 15 EUR tier
    client.session.cookie_jar.clear()  # the session (12 h) is over by then
    await log_in(client, "carla@salon.example")
    html = await page(client, f"/portal/appointments/{seeded.salon.id}")
    assert "mit Gebühr" in html and "15,00" in html
