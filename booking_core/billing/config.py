"""The tenant file's prepaid-balance settings (CONTRACT section 11), kept out of tenant_config.py.

```yaml
billing:
  bonus_tiers: [{min: "100.00", pct: "5"}, {min: "250.00", pct: "8"}]   # extra credit on a top-up
  auto_topup: {below: "20.00", amount: "100.00"}   # charge the saved card off-session below this
  warn_below: ["50.00", "20.00", "0"]               # one notice per threshold crossed downwards
  vat_pct: "19"                                      # on statements and credit notes
  topup_min: "1.00"                                  # a top-up outside [min, max] is refused (HTTP 400)
  topup_max: "5000.00"
  owner_email: inhaber@salon.example                 # where billing notices go
```

Pure: pydantic models and the bonus rule, no database. Amounts are EUR `Decimal`s.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from booking_core.costs import money

HUNDRED = Decimal(100)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BonusTier(_Frozen):
    """`pct` percent extra credit on a top-up of at least `min` EUR (the highest tier reached applies)."""

    min: Decimal = Field(ge=0)
    pct: Decimal = Field(gt=0, le=100)


class AutoTopup(_Frozen):
    """Charge `amount` EUR to the saved payment method when the balance falls below `below` EUR.

    At most one attempt per `cooldown_min` minutes; switched off after `max_failures` failures in a row
    (CONTRACT section 11: 60 minutes, 3 failures)."""

    below: Decimal
    amount: Decimal = Field(gt=0)
    cooldown_min: int = Field(60, ge=1, le=24 * 60)
    max_failures: int = Field(3, ge=1, le=10)


def _tiers(value: tuple[BonusTier, ...]) -> tuple[BonusTier, ...]:
    """Tiers in ascending order of `min`; two tiers at one amount are a mistake in the file."""
    mins = [t.min for t in value]
    if len(set(mins)) != len(mins):
        raise ValueError(f"bonus_tiers: two tiers start at the same amount: {sorted(map(str, mins))}")
    return tuple(sorted(value, key=lambda t: t.min))


class PrepaidSettings(_Frozen):
    """The prepaid part of `billing:`; mixed into tenant_config.Billing."""

    bonus_tiers: tuple[BonusTier, ...] = ()
    auto_topup: AutoTopup | None = None
    warn_below: tuple[Decimal, ...] = ()
    vat_pct: Decimal = Field(Decimal("19"), ge=0, le=100)
    topup_min: Decimal = Field(Decimal("1.00"), gt=0)
    topup_max: Decimal = Field(Decimal("5000.00"), gt=0)
    owner_email: str | None = None

    @field_validator("bonus_tiers")
    @classmethod
    def _sorted_tiers(cls, value: tuple[BonusTier, ...]) -> tuple[BonusTier, ...]:
        return _tiers(value)

    @field_validator("warn_below")
    @classmethod
    def _thresholds(cls, value: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
        return tuple(sorted(set(value), reverse=True))

    @model_validator(mode="after")
    def _range(self) -> PrepaidSettings:
        if self.topup_max < self.topup_min:
            raise ValueError(f"topup_max ({self.topup_max}) is below topup_min ({self.topup_min})")
        return self


def bonus_for(amount: Decimal, tiers: tuple[BonusTier, ...]) -> Decimal:
    """The bonus credit for a top-up of `amount` EUR: the highest tier whose `min` it reaches, its `pct`
    of the amount, rounded half-up to cents (a ledger amount the customer sees on the statement)."""
    reached = [t for t in tiers if amount >= t.min]
    if not reached or amount <= 0:
        return Decimal(0)
    return money(amount * max(reached, key=lambda t: t.min).pct / HUNDRED)
