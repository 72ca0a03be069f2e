"""The words of each message, German and English.

SMS (CONTRACT section 9): at most 320 characters (two concatenated GSM segments), with day, date,
time, service, staff, reference and the number to call (`reply_phone`); no links (callers have no
portal yet) and nothing about anyone but the recipient's own appointment. Dates are written the way
they are said: "Di., 24.11., 14:30 Uhr" / "Tue 24 Nov, 2:30 pm". Emails say the same at more length,
with the business's address (where to come) unless the appointment is cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

__all__ = ["SMS_MAX", "Facts", "Kind", "Lang", "clock", "email_text", "long_when", "short_when", "sms_text"]

Lang = Literal["de", "en"]
Kind = Literal["confirmation", "change", "cancellation", "reminder"]
SMS_MAX = 320
DE_DAYS = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")
DE_DAYS_LONG = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EN_DAYS_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Facts:
    """One appointment as a message tells it: local times, names as the customer knows them."""

    business: str
    reference: str
    start: datetime  # local, aware
    end: datetime  # local, aware: the last segment's end
    service: str
    staff: str  # first name, as the agent says it
    reply_phone: str | None  # formatted for reading
    customer_name: str | None = None
    old_start: datetime | None = None  # a change: where it was
    address: str | None = None  # where to come (`notifications.address`), said in emails


def clock(at: datetime, lang: Lang) -> str:
    """'14:30' / '2:30 pm'."""
    if lang == "de":
        return f"{at:%H:%M}"
    return f"{at.hour % 12 or 12}:{at.minute:02d} {'am' if at.hour < 12 else 'pm'}"


def short_when(at: datetime, lang: Lang) -> str:
    """'Di., 24.11., 14:30 Uhr' / 'Tue 24 Nov, 2:30 pm' (`at` local)."""
    if lang == "de":
        return f"{DE_DAYS[at.weekday()]}, {at.day:02d}.{at.month:02d}., {clock(at, lang)} Uhr"
    return f"{EN_DAYS[at.weekday()]} {at.day} {EN_MONTHS[at.month - 1]}, {clock(at, lang)}"


def long_when(start: datetime, end: datetime, lang: Lang) -> str:
    """'Dienstag, 24.11.2026, 14:30–16:45 Uhr' / 'Tuesday 24 Nov 2026, 2:30 pm – 4:45 pm'."""
    if lang == "de":
        return f"{DE_DAYS_LONG[start.weekday()]}, {start:%d.%m.%Y}, {clock(start, lang)}–{clock(end, lang)} Uhr"
    return (
        f"{EN_DAYS_LONG[start.weekday()]} {start.day} {EN_MONTHS[start.month - 1]} {start.year}, "
        f"{clock(start, lang)} – {clock(end, lang)}"
    )


SMS = {
    ("de", "confirmation"): "{b}: Ihr Termin ist gebucht: {w}, {s} bei {p}. Buchungsnr. {r}.{call}",
    ("de", "change"): "{b}: Ihr Termin wurde verlegt auf {w}, {s} bei {p}. Buchungsnr. {r}.{call}",
    ("de", "cancellation"): "{b}: Ihr Termin {w}, {s} bei {p}, ist storniert. Buchungsnr. {r}.{call}",
    ("de", "reminder"): "{b}: Erinnerung an Ihren Termin {w}, {s} bei {p}. Buchungsnr. {r}.{call}",
    ("en", "confirmation"): "{b}: You're booked for {w}, {s} with {p}. Ref. {r}.{call}",
    ("en", "change"): "{b}: Your appointment has moved to {w}, {s} with {p}. Ref. {r}.{call}",
    ("en", "cancellation"): "{b}: Your appointment {w}, {s} with {p}, is cancelled. Ref. {r}.{call}",
    ("en", "reminder"): "{b}: Reminder of your appointment {w}, {s} with {p}. Ref. {r}.{call}",
}
CALL = {
    ("de", "cancellation"): " Neuer Termin: {t}",
    ("de", "other"): " Ändern oder absagen: {t}",
    ("en", "cancellation"): " New booking: call {t}",
    ("en", "other"): " To change or cancel call {t}",
}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sms_text(kind: Kind, facts: Facts, lang: Lang) -> str:
    """The SMS, at most SMS_MAX characters: long business or service names are shortened first."""
    call = ""
    if facts.reply_phone:
        call = CALL[(lang, "cancellation" if kind == "cancellation" else "other")].format(t=facts.reply_phone)
    for business_max, service_max in ((60, 80), (30, 40), (20, 24)):
        text = SMS[(lang, kind)].format(
            b=_cut(facts.business, business_max),
            w=short_when(facts.start, lang),
            s=_cut(facts.service, service_max),
            p=_cut(facts.staff, 20),
            r=facts.reference,
            call=call,
        )
        if len(text) <= SMS_MAX:
            return text
    return _cut(text, SMS_MAX)


SUBJECTS = {
    ("de", "confirmation"): "Terminbestätigung: {w}",
    ("de", "change"): "Termin verlegt: {w}",
    ("de", "cancellation"): "Termin storniert: {w}",
    ("de", "reminder"): "Erinnerung an Ihren Termin: {w}",
    ("en", "confirmation"): "Appointment confirmed: {w}",
    ("en", "change"): "Appointment moved: {w}",
    ("en", "cancellation"): "Appointment cancelled: {w}",
    ("en", "reminder"): "Reminder of your appointment: {w}",
}
LEADS = {
    ("de", "confirmation"): "Ihr Termin bei {b} ist gebucht:",
    ("de", "change"): "Ihr Termin bei {b} wurde verlegt. Der neue Termin:",
    ("de", "cancellation"): "Ihr Termin bei {b} ist storniert:",
    ("de", "reminder"): "wir erinnern Sie an Ihren Termin bei {b}:",
    ("en", "confirmation"): "Your appointment at {b} is booked:",
    ("en", "change"): "Your appointment at {b} has moved. The new time:",
    ("en", "cancellation"): "Your appointment at {b} is cancelled:",
    ("en", "reminder"): "this is a reminder of your appointment at {b}:",
}


def email_text(kind: Kind, facts: Facts, lang: Lang) -> tuple[str, str]:
    """(subject, plain-text body)."""
    subject = SUBJECTS[(lang, kind)].format(w=short_when(facts.start, lang)) + f" – {facts.service}"
    de = lang == "de"
    name = f" {facts.customer_name}" if facts.customer_name else ""
    lines = [
        f"Guten Tag{name}," if de else f"Hello{name},",
        "",
        LEADS[(lang, kind)].format(b=facts.business),
        "",
        f"  {long_when(facts.start, facts.end, lang)}",
        f"  {facts.service} {'bei' if de else 'with'} {facts.staff}",
        f"  {'Buchungsnummer' if de else 'Reference'}: {facts.reference}",
    ]
    if facts.address and kind != "cancellation":
        lines.insert(-1, f"  {'Adresse' if de else 'Address'}: {facts.address}")
    if kind == "change" and facts.old_start is not None:
        lines.append(f"  ({'bisher' if de else 'was'}: {short_when(facts.old_start, lang)})")
    lines.append("")
    if facts.reply_phone:
        if kind == "cancellation":
            lines.append(
                f"Für einen neuen Termin rufen Sie uns an: {facts.reply_phone}."
                if de
                else f"To book again, call us on {facts.reply_phone}."
            )
        else:
            lines.append(
                f"Sie möchten den Termin verlegen oder absagen? Rufen Sie uns an: {facts.reply_phone}."
                if de
                else f"To move or cancel it, call us on {facts.reply_phone}."
            )
    if kind in ("confirmation", "change"):
        lines.append(
            "Den Termin für Ihren Kalender finden Sie im Anhang."
            if de
            else "The appointment is attached for your calendar."
        )
    lines += ["", f"Ihr Team von {facts.business}" if de else f"Your team at {facts.business}"]
    return subject, "\n".join(lines) + "\n"
