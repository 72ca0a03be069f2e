"""A fake ECB serving eurofxref-daily.xml and eurofxref-hist-90d.xml in the real gesmes format."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from aiohttp import web

from tests.fakes.base import FakeServer


def ecb_xml(rates: dict[date, Decimal]) -> str:
    cubes = "".join(
        f'<Cube time="{d.isoformat()}"><Cube currency="USD" rate="{r}"/><Cube currency="JPY" rate="161.5"/></Cube>'
        for d, r in sorted(rates.items(), reverse=True)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">'
        "<gesmes:subject>Reference rates</gesmes:subject><gesmes:Sender><gesmes:name>European Central "
        "Bank</gesmes:name></gesmes:Sender>"
        f"<Cube>{cubes}</Cube></gesmes:Envelope>"
    )


class FakeEcb(FakeServer):
    def __init__(self, history: dict[date, Decimal], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.history = history

    def build_routes(self, app: web.Application) -> None:
        app.router.add_get("/stats/eurofxref/eurofxref-daily.xml", self._daily)
        app.router.add_get("/stats/eurofxref/eurofxref-hist-90d.xml", self._hist)

    async def _daily(self, request: web.Request) -> web.Response:
        latest = max(self.history)
        return web.Response(text=ecb_xml({latest: self.history[latest]}), content_type="text/xml")

    async def _hist(self, request: web.Request) -> web.Response:
        return web.Response(text=ecb_xml(self.history), content_type="text/xml")
