"""ECB reference rates: 1 EUR = x USD, one rate per TARGET business day.

The ECB publishes `eurofxref-daily.xml` (today), `eurofxref-hist-90d.xml` and `eurofxref-hist.xml`
(history), all the same shape:

    <gesmes:Envelope ...><Cube><Cube time="2026-11-20"><Cube currency="USD" rate="1.0412"/>...

A call is converted with the rate of its (local) date, or the last rate before it: there is no rate on
weekends and TARGET holidays, and Friday's rate is the one in force then. Only when no earlier rate
exists is the first later one used, and only when no rate exists at all the configured fallback, which
the call record then names (`fx_source: "fallback"`).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal
from xml.etree import ElementTree

__all__ = ["DEFAULT_FX_FALLBACK", "FxFileError", "FxQuote", "FxSource", "FxTable", "parse_ecb_xml", "usd_to_eur"]

# Used only when no ECB rate is stored and the tenant configures no billing.fx_fallback.
DEFAULT_FX_FALLBACK = Decimal("1.08")

FxSource = Literal["ecb", "ecb_later", "fallback"]


class FxFileError(ValueError):
    """An exchange-rate file we cannot use; the message says why."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_ecb_xml(data: bytes | str, currency: str = "USD") -> dict[date, Decimal]:
    """Rates for `currency` by date from an ECB daily or history XML file."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise FxFileError(f"not an XML file: {exc}") from None
    rates: dict[date, Decimal] = {}
    days = 0
    for element in root.iter():
        if _local(element.tag) != "Cube" or "time" not in element.attrib:
            continue
        days += 1
        try:
            day = date.fromisoformat(element.attrib["time"])
        except ValueError:
            raise FxFileError(f"bad date {element.attrib['time']!r} in Cube time") from None
        for child in element:
            if _local(child.tag) == "Cube" and child.attrib.get("currency") == currency:
                try:
                    rate = Decimal(child.attrib.get("rate", ""))
                except InvalidOperation:
                    raise FxFileError(f"bad {currency} rate {child.attrib.get('rate')!r} on {day}") from None
                if not rate.is_finite() or rate <= 0:
                    raise FxFileError(f"bad {currency} rate {rate} on {day}")
                rates[day] = rate
    if days == 0:
        raise FxFileError("no <Cube time=...> elements: not an ECB eurofxref file")
    if not rates:
        raise FxFileError(f"no {currency} rates in the file")
    return rates


@dataclass(frozen=True)
class FxQuote:
    rate: Decimal
    day: date | None  # the date of the rate used; None for the fallback
    source: FxSource


class FxTable:
    """Rates by date, answering "which rate applies on this day"."""

    def __init__(self, rates: Mapping[date, Decimal]) -> None:
        self._days = sorted(rates)
        self._rates = dict(rates)

    def __bool__(self) -> bool:
        return bool(self._days)

    def quote(self, day: date, fallback: Decimal | None = None) -> FxQuote:
        i = bisect.bisect_right(self._days, day)
        if i > 0:
            used = self._days[i - 1]
            return FxQuote(self._rates[used], used, "ecb")
        if self._days:
            used = self._days[0]
            return FxQuote(self._rates[used], used, "ecb_later")
        return FxQuote(fallback if fallback is not None else DEFAULT_FX_FALLBACK, None, "fallback")


def usd_to_eur(usd: Decimal, rate: Decimal) -> Decimal:
    """EUR = USD / (USD per EUR)."""
    return usd / rate
