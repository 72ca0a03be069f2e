"""The portal's words in German and English. A page calls ``t("key")``; an unknown key shows itself
(so a missing translation is visible in a screenshot, never an exception)."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["WORDS", "translator"]

WORDS: dict[str, dict[str, str]] = {
    "de": {
        "portal": "Portal", "login": "Anmelden", "logout": "Abmelden", "email": "E-Mail", "password": "Passwort",
        "login_failed": "E-Mail oder Passwort ist falsch.",
        "locked": "Zu viele Fehlversuche. Bitte versuchen Sie es in 15 Minuten wieder.",
        "forgot": "Passwort vergessen?", "reset_title": "Passwort zurücksetzen", "send_link": "Link senden",
        "reset_sent": "Wenn es ein Konto zu dieser Adresse gibt, ist ein Link unterwegs.",
        "set_password": "Passwort festlegen", "new_password": "Neues Passwort (mindestens 10 Zeichen)",
        "bad_token": "Dieser Link ist ungültig, schon benutzt oder abgelaufen.",
        "weak_password": "Das Passwort braucht mindestens 10 Zeichen.",
        "already_user": "Für diese Adresse gibt es schon ein Konto.",
        "password_set": "Passwort gespeichert. Sie können sich jetzt anmelden.",
        "welcome": "Willkommen", "day": "Tag", "callbacks": "Rückrufe", "calls": "Anrufe", "costs": "Kosten",
        "balance": "Guthaben", "users": "Benutzer", "today": "Heute", "closed_today": "Geschlossen",
        "busy": "Behandlung", "processing": "Einwirkzeit", "gap": "frei (Pause im Termin)", "hold": "reserviert",
        "absence": "abwesend",
        "customer": "Kunde", "when": "Zeit", "staff": "Mitarbeiter", "status": "Status", "price": "Preis",
        "reference": "Buchungsnummer", "call": "Anruf", "segments": "Abschnitte", "alternatives": "Freie Alternativen",
        "move": "Verschieben", "date": "Datum", "time": "Uhrzeit", "cancel": "Stornieren", "reason": "Grund",
        "policy": "Stornoregel", "set_status": "Status setzen", "history": "Verlauf",
        "stale": "Inzwischen geändert: der Termin wurde seit dem Öffnen dieser Seite geändert. Hier ist der aktuelle Stand; nichts wurde gespeichert.",
        "bad_time": "Bitte ein gültiges Datum und eine gültige Uhrzeit angeben.",
        "slot_taken": "Diese Zeit ist nicht frei. Nichts wurde geändert.",
        "policy_denied": "Nach der Stornoregel nicht mehr möglich.",
        "bad_transition": "Dieser Statuswechsel ist nicht möglich. Nichts wurde geändert.",
        "done_moved": "Termin verschoben.", "done_cancelled": "Termin storniert.", "done_status": "Status gesetzt.",
        "st_scheduled": "gebucht", "st_confirmed": "bestätigt", "st_in_progress": "läuft", "st_paused": "Einwirkzeit",
        "st_completed": "erledigt", "st_cancelled": "storniert", "st_no_show": "nicht erschienen",
        "cb_closed": "Rückruf erledigt.", "cb_already": "Dieser Rückruf war schon erledigt.", "cb_none": "Keine Rückrufwünsche.",
        "cb_done": "Erledigt", "cb_status_done": "erledigt",
        "no_calls": "Noch keine Anrufe.", "duration": "Dauer", "timeline": "Ablauf", "asked": "Gefragt", "heard": "Gehört",
        "events": "Ereignisse", "invite": "Einladen", "role": "Rolle", "language": "Sprache",
        "invited": "Einladung verschickt.", "bad_email": "Bitte eine gültige E-Mail-Adresse angeben.",
        "bad_role": "Bitte eine Rolle wählen.",
        "from": "Von", "to": "Bis", "show": "Anzeigen", "minutes": "Minuten", "billed": "Berechnet", "bookings": "Buchungen",
        "total": "Summe",
    },
    "en": {
        "portal": "Portal", "login": "Log in", "logout": "Log out", "email": "Email", "password": "Password",
        "login_failed": "Email or password is wrong.",
        "locked": "Too many failed attempts. Please try again in 15 minutes.",
        "forgot": "Forgot your password?", "reset_title": "Reset password", "send_link": "Send link",
        "reset_sent": "If there is an account for this address, a link is on its way.",
        "set_password": "Set password", "new_password": "New password (at least 10 characters)",
        "bad_token": "This link is invalid, already used or expired.",
        "weak_password": "The password needs at least 10 characters.",
        "already_user": "This address already has an account.",
        "password_set": "Password saved. You can log in now.",
        "welcome": "Welcome", "day": "Day", "callbacks": "Callbacks", "calls": "Calls", "costs": "Costs",
        "balance": "Balance", "users": "Users", "today": "Today", "closed_today": "Closed",
        "busy": "Treatment", "processing": "Processing", "gap": "free (gap in appointment)", "hold": "held",
        "absence": "away",
        "customer": "Customer", "when": "Time", "staff": "Staff", "status": "Status", "price": "Price",
        "reference": "Reference", "call": "Call", "segments": "Segments", "alternatives": "Free alternatives",
        "move": "Move", "date": "Date", "time": "Time", "cancel": "Cancel", "reason": "Reason",
        "policy": "Cancellation policy", "set_status": "Set status", "history": "History",
        "stale": "Changed meanwhile: the appointment changed since this page was opened. This is its current state; nothing was saved.",
        "bad_time": "Please give a valid date and time.",
        "slot_taken": "That time is not free. Nothing was changed.",
        "policy_denied": "No longer possible under the cancellation policy.",
        "bad_transition": "That status change is not possible. Nothing was changed.",
        "done_moved": "Appointment moved.", "done_cancelled": "Appointment cancelled.", "done_status": "Status set.",
        "st_scheduled": "booked", "st_confirmed": "confirmed", "st_in_progress": "in progress", "st_paused": "processing",
        "st_completed": "completed", "st_cancelled": "cancelled", "st_no_show": "no show",
        "cb_closed": "Callback done.", "cb_already": "That callback was already done.", "cb_none": "No callback requests.",
        "cb_done": "Done", "cb_status_done": "done",
        "no_calls": "No calls yet.", "duration": "Duration", "timeline": "Timeline", "asked": "Asked", "heard": "Heard",
        "events": "Events", "invite": "Invite", "role": "Role", "language": "Language",
        "invited": "Invitation sent.", "bad_email": "Please give a valid email address.",
        "bad_role": "Please choose a role.",
        "from": "From", "to": "To", "show": "Show", "minutes": "Minutes", "billed": "Billed", "bookings": "Bookings",
        "total": "Total",
    },
}


def translator(lang: str) -> Callable[[str], str]:
    """``t(key)`` for ``lang`` (German unless "en")."""
    words = WORDS["en" if lang == "en" else "de"]
    return lambda key: words.get(key, key)
