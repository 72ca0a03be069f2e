"""CSV for spreadsheets, safe to open.

Dialects: `de` (what German Excel opens directly: `;` separator, decimal comma, UTF-8 with BOM) and
`plain` (`,`, decimal point, no BOM). Text cells that a spreadsheet would run as a formula (starting
with = + - @, or tab/CR) get a leading apostrophe (OWASP "CSV injection"); numbers are written as
numbers, so a negative margin stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Literal

__all__ = ["BOM", "DIALECTS", "REPORT_COLUMNS", "Dialect", "cell", "escape_text", "report_csv", "to_csv"]

Dialect = Literal["de", "plain"]
DIALECTS: tuple[str, ...] = ("de", "plain")
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_text(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def cell(value: object, dialect: Dialect) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.replace(".", ",") if dialect == "de" else text
    if isinstance(value, int):
        return str(value)
    return escape_text(str(value))


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]], dialect: Dialect = "plain") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if dialect == "de" else ",", lineterminator="\r\n")
    writer.writerow([escape_text(h) for h in header])
    for row in rows:
        writer.writerow([cell(v, dialect) for v in row])
    return (BOM if dialect == "de" else "") + out.getvalue()


REPORT_COLUMNS: tuple[str, ...] = (
    "key",
    "calls",
    "minutes",
    "billed_minutes",
    "retell_eur",
    "telephony_eur",
    "llm_eur",
    "cost_eur",
    "billed_eur",
    "margin_eur",
    "margin_pct",
    "bookings",
    "cost_per_booking_eur",
    "estimated_calls",
    "fallback_fx_calls",
    "booked_calls",
    "callback_calls",
    "error_calls",
    "policy_refusal_calls",
)


def report_csv(rows: Sequence[dict[str, object]], totals: dict[str, object], dialect: Dialect = "plain") -> str:
    """A report's rows (the values of `report.row_values`, Decimals unformatted) and a closing total line."""
    body = [[row.get(col) for col in REPORT_COLUMNS] for row in rows]
    body.append([("total" if col == "key" else totals.get(col)) for col in REPORT_COLUMNS])
    return to_csv(REPORT_COLUMNS, body, dialect)
