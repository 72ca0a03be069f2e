"""Call cost arithmetic: pure functions over plain values (no database, no HTTP).

- `ledger`: what one call cost in USD, by component (Retell, own telephony, own LLM), and how sure we are.
- `fx`: ECB reference rates (1 EUR = x USD): parsing the ECB XML files, picking a call's rate.
- `billing`: what the reseller bills a tenant for a call (markup on cost, or a tariff).
- `report`: per call / day / month aggregation in the tenant's zone, rounded only at the end.
- `csv_export`: CSV in a German (`;`, decimal comma, BOM) or plain dialect, formula-safe.

Money is `Decimal` throughout; nothing here rounds except `money()` for display and totals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["dec_str", "money", "to_decimal"]

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round half-up to cents: only for displayed amounts and totals, never for stored ones."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value: object) -> Decimal | None:
    """A JSON number or numeric string as an exact Decimal (floats via their shortest repr), else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, (int, float, str)):
        try:
            result = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
        except ArithmeticError:
            return None
        return result if result.is_finite() else None
    return None


def dec_str(value: Decimal) -> str:
    """A Decimal as a plain decimal string (no exponent, no trailing zeros beyond what it carries)."""
    if value == 0:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
