"""The tenant file's `packages`: multi-session cards a business sells (CONTRACT section 10).

A package is N sessions of one service paid up front ("Zehnerkarte": ten men's cuts), valid for
`valid_days` after the sale. Selling one gives the customer N credits (booking_core.packages); each
booking of that service uses one while they last. That the service exists is checked with the other
cross-references of the file (booking_core.tenant_references), so `slotline tenants check` lists it.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from booking_core.tenant_base import Frozen, Slug

__all__ = ["Package"]


class Package(Frozen):
    """A card: `sessions` (1..100) of `service` for `price` (the tenant's currency), valid through the
    `valid_days`-th local day after the sale (1..3660). `name` is spoken as it is written
    ("Ich habe eine Sitzung von Ihrer Zehnerkarte abgebucht"), so a German name reads best as a
    feminine noun (…karte)."""

    id: Slug
    name: str = Field(min_length=1, max_length=80)
    service: Slug
    sessions: int = Field(ge=1, le=100)
    price: Decimal = Field(Decimal("0"), ge=0)
    valid_days: int = Field(365, ge=1, le=3660)
