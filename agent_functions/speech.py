"""How things are said on the phone, in German and English.

Everything the agent reads aloud goes through here, so no ISO string, id or raw float reaches a
caller. German follows salon usage: "Samstag, den 21. November", "um halb drei" (the half hour is
said the colloquial way; other minutes as "um 14 Uhr 45"), "etwa zweieinhalb Stunden", "58 Euro",
"10 Euro 50". English: "Saturday 21 November", "at 2:30 pm", "about two and a half hours", "58 euros".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

DE_WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
DE_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DE_HOURS = ("zwölf", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf")
DE_SMALL = ("null", "eine", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn")
EN_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
CURRENCY_WORDS = {
    "de": {"EUR": ("Euro", "Euro", "Cent"), "GBP": ("Pfund", "Pfund", "Pence"), "USD": ("Dollar", "Dollar", "Cent")},
    "en": {
        "EUR": ("euro", "euros", "cents"),
        "GBP": ("pound", "pounds", "pence"),
        "USD": ("dollar", "dollars", "cents"),
    },
}


def say_date(day: date, lang: str, today: date | None = None) -> str:
    """'Samstag, den 21. November' / 'Saturday 21 November'; 'heute'/'morgen' prefixed when they apply."""
    if lang == "de":
        text = f"{DE_WEEKDAYS[day.weekday()]}, den {day.day}. {DE_MONTHS[day.month - 1]}"
    else:
        text = f"{EN_WEEKDAYS[day.weekday()]} {day.day} {EN_MONTHS[day.month - 1]}"
    if today is not None and day.year != today.year and (day - today).days > 200:
        text += f" {day.year}"
    if today is not None:
        delta = (day - today).days
        if delta == 0:
            return ("heute, " if lang == "de" else "today, ") + text
        if delta == 1:
            return ("morgen, " if lang == "de" else "tomorrow, ") + text
    return text


def say_on_day(day: date, lang: str, today: date | None = None) -> str:
    """'am Samstag, den 21. November' / 'morgen, Samstag, den 21. November' / 'on Saturday 21 November'."""
    text = say_date(day, lang, today)
    if text.startswith(("heute", "morgen", "today", "tomorrow")):
        return text
    return ("am " if lang == "de" else "on ") + text


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def echo(heard: str, limit: int = 40) -> str:
    """What the caller said, repeated back: at most `limit` characters, cut at a word ("..."). A
    sentence that reads out 300 characters of a garbled argument is worse than none."""
    if len(heard) <= limit:
        return heard
    cut = heard[:limit].rsplit(" ", 1)[0] if " " in heard[:limit] else heard[:limit]
    return cut.rstrip(" ,.;:-") + " ..."


def say_time(at: datetime, lang: str) -> str:
    """'um halb drei', 'um 14 Uhr', 'um 14 Uhr 45' / 'at 2:30 pm', 'at 10 am', 'at noon'."""
    hour, minute = at.hour, at.minute
    if lang == "de":
        if minute == 0:
            return f"um {hour} Uhr"
        if minute == 30:
            return f"um halb {DE_HOURS[(hour + 1) % 12]}"
        return f"um {hour} Uhr {minute}"
    if hour == 12 and minute == 0:
        return "at noon"
    suffix = "am" if hour < 12 else "pm"
    h12 = hour % 12 or 12
    return f"at {h12} {suffix}" if minute == 0 else f"at {h12}:{minute:02d} {suffix}"


def say_clock(at: datetime, lang: str) -> str:
    """The time without the preposition ('halb drei', '2:30 pm')."""
    return say_time(at, lang).split(" ", 1)[1]


def say_when(at: datetime, lang: str, today: date | None = None) -> str:
    """'Samstag, den 21. November, um halb drei' / 'Saturday 21 November at 2:30 pm'."""
    joiner = ", " if lang == "de" else " "
    return f"{say_date(at.date(), lang, today)}{joiner}{say_time(at, lang)}"


def say_on_when(at: datetime, lang: str, today: date | None = None) -> str:
    """The day and time after a noun: 'am Samstag, den 21. November, um halb drei' / 'morgen, Samstag, den
    21. November, um 10 Uhr' / 'on Saturday 21 November at 2:30 pm' / 'tomorrow, Saturday 21 November at 10 am'
    (never 'am morgen' or 'on tomorrow')."""
    joiner = ", " if lang == "de" else " "
    return f"{say_on_day(at.date(), lang, today)}{joiner}{say_time(at, lang)}"


def say_duration(minutes: int, lang: str) -> str:
    """Rounded to the quarter hour above an hour: 'etwa zweieinhalb Stunden', 'about an hour and a half'."""
    if minutes < 60:
        if lang == "de":
            return {30: "eine halbe Stunde", 45: "eine Dreiviertelstunde", 15: "eine Viertelstunde"}.get(
                minutes, f"{minutes} Minuten"
            )
        return {30: "half an hour", 45: "three quarters of an hour", 15: "a quarter of an hour"}.get(
            minutes, f"{minutes} minutes"
        )
    quarters = round(minutes / 15)
    hours, rest = divmod(quarters, 4)
    exact = quarters * 15 == minutes
    if lang == "de":
        prefix = "" if exact else "etwa "
        tail = ("", "einviertel", "einhalb", "dreiviertel")[rest]
        if hours == 1:
            return (
                prefix + ("eine Stunde", "eineinviertel Stunden", "anderthalb Stunden", "eindreiviertel Stunden")[rest]
            )
        return prefix + f"{DE_SMALL[hours] if hours <= 10 else hours}{tail} Stunden"
    prefix = "" if exact else "about "
    word = EN_SMALL[hours] if hours <= 10 else str(hours)
    if rest == 0:
        return prefix + ("an hour" if hours == 1 else f"{word} hours")
    head = "an hour" if hours == 1 else f"{word} hours"
    if rest == 2:
        return prefix + ("an hour and a half" if hours == 1 else f"{word} and a half hours")
    return prefix + f"{head} and {'a quarter' if rest == 1 else 'three quarters'}"


def say_money(amount: Decimal, currency: str, lang: str) -> str:
    """'58 Euro', '10 Euro 50' / '58 euros', '10 euros 50'."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, cents = divmod(int(amount * 100), 100)
    words = CURRENCY_WORDS.get(lang, CURRENCY_WORDS["en"]).get(currency.upper())
    if words is None:
        words = (currency, currency, "")
    unit = words[0] if whole == 1 else words[1]
    if whole == 0 and cents:
        return f"{cents} {words[2]}".strip()
    return f"{whole} {unit}" + (f" {cents}" if cents else "")


def say_service(name: str, lang: str) -> str:
    """A service's name as it can stand in a sentence or a list: a name that holds commas of its own
    ("Waschen, schneiden, föhnen") is quoted („…“ / “…”), so a list of services stays a list."""
    if "," not in name:
        return name
    return f"„{name}“" if lang == "de" else f"“{name}”"


def join_words(items: Sequence[str], lang: str) -> str:
    """'A, B oder C' / 'A, B or C' (choices); empty items are left out."""
    return _join_last(items, " oder " if lang == "de" else " or ")


def join_and(items: Sequence[str], lang: str) -> str:
    """'A, B und C' / 'A, B and C' (all of them); empty items are left out."""
    return _join_last(items, " und " if lang == "de" else " and ")


def _join_last(items: Sequence[str], last: str) -> str:
    """The items joined by ', ', the last one by `last`."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]


def first_name(full_name: str) -> str:
    return full_name.split()[0] if full_name.strip() else full_name
