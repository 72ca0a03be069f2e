"""What reaches people after the call says where to come (edge20): the confirmation, change and
reminder emails name the business's address (`notifications.address`), not only the calendar file a
mail client may not show; a cancellation does not need it. Pure, German and English."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from booking_core.messages.texts import Facts, email_text

BERLIN = ZoneInfo("Europe/Berlin")


def facts(address: str | None) -> Facts:
    return Facts(
        business="Salon Lindenhof",
        reference="K7M2",
        start=datetime(2026, 10, 26, 9, 0, tzinfo=BERLIN),
        end=datetime(2026, 10, 26, 10, 45, tzinfo=BERLIN),
        service="Ansatzfärbung",
        staff="Fabian",
        reply_phone="+49 40 555000200",
        customer_name="Jürgen Weiß",
        address=address,
    )


def test_emails_about_a_coming_appointment_name_the_address() -> None:
    for kind in ("confirmation", "change", "reminder"):
        _, text = email_text(kind, facts("Lindenstraße 5, 20095 Hamburg"), "de")
        assert "  Adresse: Lindenstraße 5, 20095 Hamburg\n" in text, (kind, text)
        _, text = email_text(kind, facts("Lindenstraße 5, 20095 Hamburg"), "en")
        assert "  Address: Lindenstraße 5, 20095 Hamburg\n" in text, (kind, text)
    _, text = email_text("cancellation", facts("Lindenstraße 5, 20095 Hamburg"), "de")
    assert "Adresse" not in text
    _, text = email_text("confirmation", facts(None), "de")
    assert "Adresse" not in text and "Guten Tag Jürgen Weiß," in text
    assert "Montag, 26.10.2026, 09:00–10:45 Uhr" in text  # the day after the clocks went back: CET
