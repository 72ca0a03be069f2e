"""What the reseller bills a tenant for a call (in EUR, the reports' currency).

Either a tariff (`price_per_minute` per started minute plus `price_per_call`), when either is set,
or `markup_pct` on the call's cost; with neither, the cost is passed through at 0 % markup.
The tariff amounts are in the tenant's billing currency, which reports treat as EUR.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

__all__ = ["Margin", "Mode", "Tariff", "billed_eur", "billing_mode", "margin"]

HUNDRED = Decimal(100)

Mode = Literal["tariff", "markup"]


class Tariff(Protocol):
    """What billing reads of a tenant's `Billing` (amounts in EUR; None when not set)."""

    @property
    def markup_pct(self) -> Decimal | None: ...
    @property
    def price_per_minute(self) -> Decimal | None: ...
    @property
    def price_per_call(self) -> Decimal | None: ...


def billing_mode(billing: Tariff) -> Mode:
    return "tariff" if billing.price_per_minute is not None or billing.price_per_call is not None else "markup"


def billed_eur(cost_eur: Decimal, minutes: int, billing: Tariff) -> Decimal:
    """The unrounded amount billed for one call of `minutes` started minutes costing `cost_eur`."""
    if billing_mode(billing) == "tariff":
        return (billing.price_per_minute or Decimal(0)) * minutes + (billing.price_per_call or Decimal(0))
    return cost_eur * (HUNDRED + (billing.markup_pct or Decimal(0))) / HUNDRED


@dataclass(frozen=True)
class Margin:
    amount: Decimal
    pct: Decimal | None  # of the billed amount; None when nothing was billed


def margin(billed: Decimal, cost: Decimal) -> Margin:
    amount = billed - cost
    return Margin(amount, amount * HUNDRED / billed if billed else None)
