"""ECB XML parsing and picking a call's rate (pure)."""

from datetime import date
from decimal import Decimal as D

import pytest

from booking_core.costs.fx import DEFAULT_FX_FALLBACK, FxFileError, FxTable, parse_ecb_xml, usd_to_eur

DAILY = """<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
  <Cube>
    <Cube time='2026-11-20'>
      <Cube currency='USD' rate='1.0412'/>
      <Cube currency='JPY' rate='161.52'/>
    </Cube>
  </Cube>
</gesmes:Envelope>"""

HIST = """<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <Cube>
    <Cube time="2026-11-23"><Cube currency="USD" rate="1.0455"/><Cube currency="GBP" rate="0.8321"/></Cube>
    <Cube time="2026-11-20"><Cube currency="USD" rate="1.0412"/><Cube currency="GBP" rate="0.8315"/></Cube>
    <Cube time="2026-11-19"><Cube currency="USD" rate="1.0398"/></Cube>
  </Cube>
</gesmes:Envelope>"""


def test_daily_file():
    assert parse_ecb_xml(DAILY) == {date(2026, 11, 20): D("1.0412")}
    assert parse_ecb_xml(DAILY.encode(), "JPY") == {date(2026, 11, 20): D("161.52")}


def test_history_file():
    rates = parse_ecb_xml(HIST)
    assert rates == {date(2026, 11, 23): D("1.0455"), date(2026, 11, 20): D("1.0412"), date(2026, 11, 19): D("1.0398")}


@pytest.mark.parametrize(
    "text, reason",
    [
        ("not xml at all", "not an XML file"),
        ("<a><b/></a>", "not an ECB"),
        (HIST.replace("USD", "XXX"), "no USD rates"),
        (HIST.replace('rate="1.0455"', 'rate="abc"'), "bad USD rate"),
    ],
)
def test_bad_files(text, reason):
    with pytest.raises(FxFileError, match=reason):
        parse_ecb_xml(text)


def test_weekend_call_uses_fridays_rate():
    table = FxTable(parse_ecb_xml(HIST))
    friday, saturday, sunday, monday = date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22), date(2026, 11, 23)
    assert table.quote(friday).rate == D("1.0412")
    for weekend in (saturday, sunday):
        quote = table.quote(weekend)
        assert (quote.rate, quote.day, quote.source) == (D("1.0412"), friday, "ecb")
    assert table.quote(monday).rate == D("1.0455")


def test_fallback_only_when_no_rate_exists():
    empty = FxTable({})
    assert empty.quote(date(2026, 11, 21)).source == "fallback"
    assert empty.quote(date(2026, 11, 21)).rate == DEFAULT_FX_FALLBACK
    assert empty.quote(date(2026, 11, 21), D("1.1")).rate == D("1.1")
    later_only = FxTable({date(2026, 11, 20): D("1.0412")})
    quote = later_only.quote(date(2026, 11, 1), D("1.1"))
    assert (quote.rate, quote.source) == (D("1.0412"), "ecb_later")


def test_usd_to_eur():
    assert usd_to_eur(D("1.0412"), D("1.0412")) == 1
    assert usd_to_eur(D("0.1159"), D("1.0412")).quantize(D("0.000001")) == D("0.111314")
