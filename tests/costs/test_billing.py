from decimal import Decimal as D

from booking_core.costs.billing import billed_eur, billing_mode, margin
from booking_core.tenant_config import Billing


def test_markup_on_cost():
    billing = Billing(markup_pct=D("20"))
    assert billing_mode(billing) == "markup"
    assert billed_eur(D("0.10"), 2, billing) == D("0.12")


def test_tariff_per_started_minute_plus_per_call():
    billing = Billing(price_per_minute=D("0.20"), price_per_call=D("0.10"))
    assert billing_mode(billing) == "tariff"
    assert billed_eur(D("0.10"), 2, billing) == D("0.50")
    assert billed_eur(D("0.10"), 0, billing) == D("0.10")


def test_tariff_wins_over_markup_and_no_billing_passes_cost_through():
    assert billed_eur(D("1"), 3, Billing(markup_pct=D("20"), price_per_minute=D("0.15"), price_per_call=D("0"))) == D(
        "0.45"
    )
    assert billed_eur(D("1.23"), 3, Billing()) == D("1.23")


def test_margin():
    m = margin(D("0.50"), D("0.40"))
    assert m.amount == D("0.10") and m.pct == D("20")
    assert margin(D("0"), D("0.40")).pct is None
    assert margin(D("0.30"), D("0.40")).amount == D("-0.10")
