"""ECB reference rates (`slotline fx update`): fetch the daily and 90-day XML files into `fx_rates`.

Parsing and storing belong to the costs code (`booking_core.costs.fx.parse_ecb_xml`,
`booking_core.calls.store_fx_rates`); this module only fetches. A failed fetch (down, 5xx, timeout,
a file that is not ECB XML) stores nothing and says so: the last stored rates stay in use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import httpx
from sqlalchemy import func, select

from booking_core.calls import store_fx_rates
from booking_core.costs.fx import FxFileError, parse_ecb_xml
from booking_core.storage.call_models import FxRate
from booking_core.storage.db import Database
from integrations.errors import IntegrationError, raise_for_response, transport_error

ECB_BASE = "https://www.ecb.europa.eu/stats/eurofxref"
FILES = ("eurofxref-daily.xml", "eurofxref-hist-90d.xml")


def default_urls(base: str | None = None) -> list[str]:
    """Both files under `base` (env SLOTLINE_ECB_URL, else the ECB); a base ending in .xml is one file."""
    base = (base or os.environ.get("SLOTLINE_ECB_URL") or ECB_BASE).rstrip("/")
    if base.endswith(".xml"):
        return [base]
    return [f"{base}/{name}" for name in FILES]


@dataclass
class FxUpdateReport:
    fetched: dict[str, int] = field(default_factory=dict)  # url -> rates in the file
    failed: dict[str, str] = field(default_factory=dict)  # url -> why
    stored: int = 0
    latest: date | None = None

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict[str, Any]:
        return {
            "fetched": self.fetched,
            "failed": self.failed,
            "stored": self.stored,
            "latest": self.latest.isoformat() if self.latest else None,
        }


async def fetch_xml(http: httpx.AsyncClient, url: str, timeout_s: float = 15.0) -> bytes:
    try:
        response = await http.get(url, timeout=httpx.Timeout(timeout_s, connect=5.0))
    except httpx.HTTPError as exc:
        raise transport_error(exc, "ECB") from None
    raise_for_response(response, "ECB")
    return response.content


async def latest_rate_day(db: Database, currency: str = "USD") -> date | None:
    async with db.read() as session:
        return await session.scalar(select(func.max(FxRate.day)).where(FxRate.currency == currency))


async def update_rates(
    db: Database,
    *,
    urls: list[str] | None = None,
    http: httpx.AsyncClient | None = None,
    now: datetime | None = None,
    currency: str = "USD",
) -> FxUpdateReport:
    report = FxUpdateReport()
    own = http is None
    client = http or httpx.AsyncClient()
    rates: dict[date, Any] = {}
    try:
        for url in urls or default_urls():
            try:
                parsed = parse_ecb_xml(await fetch_xml(client, url), currency)
            except (IntegrationError, FxFileError) as exc:
                report.failed[url] = str(exc)
                continue
            report.fetched[url] = len(parsed)
            rates.update(parsed)
    finally:
        if own:
            await client.aclose()
    if rates:
        report.stored = await store_fx_rates(db, rates, currency=currency, source="ecb", now=now)
    report.latest = await latest_rate_day(db, currency)
    return report
