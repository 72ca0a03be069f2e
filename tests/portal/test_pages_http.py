"""The day view and an appointment's page over real HTTP: layout in the page, move / cancel / status through
the booking core, a stale form refused ("Inzwischen geändert") with nothing written, CSRF on every form."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from aiohttp.test_utils import TestClient

from agent_functions.context import SERVICES
from tests.portal.portal_client import MONDAY, Seeded, csrf_of, state


async def page(client: TestClient, path: str, status: int = 200) -> str:
    response = await client.get(path)
    text = await response.text()
    assert response.status == status, text[:800]
    return text


async def test_day_view_draws_each_staff_column_the_appointment_and_its_free_gap(
    client: TestClient, seeded: Seeded
) -> None:
    html = await page(client, f"/portal/day?date={MONDAY}")
    config = await client.app[SERVICES].tenants.get("demo-salon")
    assert config is not None
    for member in config.staff:
        assert f'data-staff-id="{member.id}"' in html
    assert "Montag, 23. November 2026" in html  # the tenant's locale, the user's language
    assert f"/portal/appointments/{seeded.salon.id}" in html
    emma = html.split('data-staff-id="emma"')[1].split("data-staff-id=")[0]
    kinds = re.findall(r'data-kind="(\w+)"', emma)
    assert "busy" in kinds and "gap" in kinds  # the processing gap is drawn free
    assert 'href="/portal/day?date=2026-11-22"' in html and 'href="/portal/day?date=2026-11-24"' in html
    assert "Tom Hill" not in html and seeded.physio.id not in html  # the other tenant's appointment


async def test_day_view_shows_a_closure_and_survives_a_bad_date(client: TestClient, seeded: Seeded) -> None:
    assert "Weihnachten" in await page(client, "/portal/day?date=2026-12-24")
    html = await page(client, "/portal/day?date=not-a-day")
    assert "Freitag, 20. November 2026" in html  # today in the tenant's zone


async def test_day_view_needs_a_login(client: TestClient) -> None:
    response = await client.get("/portal/day", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/portal/login"


async def test_appointment_page_shows_customer_price_segments_and_history(client: TestClient, seeded: Seeded) -> None:
    html = await page(client, f"/portal/appointments/{seeded.salon.id}")
    for text in ("Lena Vogel", seeded.salon.reference, "58,00\xa0€", "Auswaschen", "created", "Emma Becker"):
        assert text in html
    assert f'name="version" value="{seeded.salon.version}"' in html


async def post_form(
    client: TestClient,
    appointment_id: str,
    action: str,
    fields: dict[str, str],
    *,
    version: int | None = None,
    csrf: str | None = None,
) -> tuple[int, str]:
    html = await page(client, f"/portal/appointments/{appointment_id}")
    form_version = re.search(r'data-version="(\d+)"', html)
    assert form_version
    data = {
        "csrf": csrf if csrf is not None else csrf_of(html),
        "version": str(version if version is not None else form_version.group(1)),
        **fields,
    }
    response = await client.post(f"/portal/appointments/{appointment_id}/{action}", data=data, allow_redirects=False)
    return response.status, await response.text()


async def test_move_goes_through_the_core_and_a_stale_form_is_refused(client: TestClient, seeded: Seeded) -> None:
    status, _ = await post_form(client, seeded.salon.id, "move", {"date": MONDAY, "time": "14:00", "staff_id": "emma"})
    assert status == 302
    moved = await client.app[SERVICES].booking.get_appointment(
        await client.app[SERVICES].tenants.get("demo-salon"), seeded.salon.id
    )  # type: ignore[arg-type]
    assert moved is not None and moved.start == datetime.fromisoformat("2026-11-23T13:00:00+00:00")
    before = await state(client)
    for action, fields in (
        ("move", {"date": MONDAY, "time": "16:00", "staff_id": "emma"}),
        ("cancel", {}),
        ("status", {"status": "confirmed"}),
    ):
        status, html = await post_form(client, seeded.salon.id, action, fields, version=seeded.salon.version)
        assert status == 409 and "Inzwischen geändert" in html, action
        assert "14:00" in html  # the current state is shown
        assert await state(client) == before, action


async def test_move_to_a_taken_time_offers_alternatives_and_writes_nothing(client: TestClient, seeded: Seeded) -> None:
    before = await state(client)
    status, html = await post_form(
        client, seeded.salon.id, "move", {"date": MONDAY, "time": "03:00", "staff_id": "emma"}
    )
    assert status == 409 and "nicht frei" in html and 'class="alternatives"' in html
    status, html = await post_form(client, seeded.salon.id, "move", {"date": "gestern", "time": "", "staff_id": "emma"})
    assert status == 400 and "gültige" in html
    assert await state(client) == before


async def test_status_transitions_and_a_409_as_a_message(client: TestClient, seeded: Seeded) -> None:
    status, _ = await post_form(client, seeded.salon.id, "status", {"status": "completed"})
    assert status == 409  # scheduled -> completed is not a transition
    status, _ = await post_form(client, seeded.salon.id, "status", {"status": "confirmed"})
    assert status == 302
    html = await page(client, f"/portal/appointments/{seeded.salon.id}?done=status")
    assert 'data-status="confirmed"' in html and "Status gesetzt." in html
    before = await state(client)
    status, html = await post_form(client, seeded.salon.id, "status", {"status": "in_progress"})
    assert status == 409 and "nicht möglich" in html  # not one of the hand-set statuses
    assert await state(client) == before


async def test_cancel_shows_the_policy_and_cancels(client: TestClient, seeded: Seeded) -> None:
    html = await page(client, f"/portal/appointments/{seeded.salon.id}")
    assert 'class="policy"' in html
    status, _ = await post_form(client, seeded.salon.id, "cancel", {"reason": "Kundin krank"})
    assert status == 302
    assert 'data-status="cancelled"' in await page(client, f"/portal/appointments/{seeded.salon.id}")


@pytest.mark.parametrize("action", ["move", "cancel", "status"])
async def test_every_appointment_form_needs_its_csrf_token(client: TestClient, seeded: Seeded, action: str) -> None:
    before = await state(client)
    status, _ = await post_form(
        client, seeded.salon.id, action, {"date": MONDAY, "time": "14:00", "status": "confirmed"}, csrf="forged"
    )
    assert status == 403
    assert await state(client) == before
