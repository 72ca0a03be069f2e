"""German and English by the user's choice, dates in the tenant's zone and locale (issue 21, item 5):
the same data on the day view, an appointment, the call list and a call's timeline in both languages."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from tests.portal.portal_client import MONDAY, Seeded, log_in, record_call
from tests.portal.test_pages_http import page

# (lang, day view heading, appointment day, appointment times, call start, a word of the page)
EXPECTED = {
    "de": ("Montag, 23. November 2026", "Montag, 23. November 2026", "10:00–", "20.11.26, 10:00", "Verlauf"),
    "en": ("Monday, 23 November 2026", "Monday, 23 November 2026", "10:00–", "20/11/2026, 10:00", "History"),
}


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_pages_in_the_users_language_and_the_tenants_zone(client: TestClient, seeded: Seeded, lang: str) -> None:
    client.session.cookie_jar.clear()
    await log_in(client, f"{lang}@salon.example", lang=lang)
    heading, day, times, call_start, word = EXPECTED[lang]
    html = await page(client, f"/portal/day?date={MONDAY}")
    assert heading in html and f'<html lang="{lang}">' in html
    html = await page(client, f"/portal/appointments/{seeded.salon.id}")
    assert day in html and times in html and word in html
    assert "09:00–" not in html  # 10:00 Berlin is 09:00 UTC: shown in the tenant's zone
    await record_call(client, "demo-salon", "call_a", {"service": "Ansatz"}, "Montag ist belegt.")
    html = await page(client, "/portal/calls")
    assert call_start in html and "T09:00" not in html
    html = await page(client, "/portal/calls/call_a")
    assert call_start in html
