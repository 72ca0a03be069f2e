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
    },
}


def translator(lang: str) -> Callable[[str], str]:
    """``t(key)`` for ``lang`` (German unless "en")."""
    words = WORDS["en" if lang == "en" else "de"]
    return lambda key: words.get(key, key)
