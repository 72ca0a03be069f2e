"""CLI for call costs: `slotline costs report`, `slotline fx load FILE`, `slotline calls price`.

Exit codes: 0 done, 1 bad input (unknown tenant, bad date, unreadable or non-ECB file), with the reason
on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from agent_functions.cli_support import CommandError, command_group, known_tenant, run_with_database


def _day(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--{name} must be a date YYYY-MM-DD, got {text!r}") from None


# --- costs report -------------------------------------------------------------------------------

TABLE_COLUMNS = (
    ("key", "key"),
    ("calls", "calls"),
    ("minutes", "min"),
    ("retell_eur", "retell €"),
    ("telephony_eur", "telephony €"),
    ("llm_eur", "llm €"),
    ("cost_eur", "cost €"),
    ("billed_eur", "billed €"),
    ("margin_eur", "margin €"),
    ("margin_pct", "margin %"),
    ("bookings", "bookings"),
    ("cost_per_booking_eur", "€/booking"),
)


def render_table(rows: list[dict[str, Any]], totals: dict[str, Any]) -> str:
    def text(value: Any) -> str:
        if value is None:
            return "-"
        return format(value, "f") if isinstance(value, Decimal) else str(value)

    body = [[text(r.get(k)) for k, _ in TABLE_COLUMNS] for r in rows]
    body.append([("TOTAL" if k == "key" else text(totals.get(k))) for k, _ in TABLE_COLUMNS])
    header = [h for _, h in TABLE_COLUMNS]
    widths = [max(len(header[i]), *(len(line[i]) for line in body)) for i in range(len(header))]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(header), rule, *(fmt(line) for line in body[:-1]), rule, fmt(body[-1])])


def cmd_costs_report(args: argparse.Namespace) -> int:
    from booking_core.calls import cost_report
    from booking_core.costs.csv_export import report_csv
    from booking_core.costs.report import report_json

    async def work(db: Any) -> int:
        tenant = await known_tenant(db, args.tenant)
        today = datetime.now(UTC).astimezone(tenant.zone).date()
        start = _day(args.date_from, "from") or today.replace(day=1)
        end = _day(args.date_to, "to") or max(today, start)
        if end < start:
            raise CommandError("--from must not be after --to")
        report = await cost_report(db, tenant, start, end, args.by)
        if args.format == "json":
            print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
        elif args.format == "csv":
            sys.stdout.write(report_csv(report.rows, report.totals, args.dialect))
        else:
            print(f"{tenant.name} ({tenant.id}) · {start} .. {end} · by {args.by} · EUR · {tenant.timezone}")
            print(render_table(report.rows, report.totals))
        return 0

    return run_with_database(args, work)


# --- fx load ------------------------------------------------------------------------------------


def cmd_fx_load(args: argparse.Namespace) -> int:
    from booking_core.calls import store_fx_rates
    from booking_core.costs.fx import FxFileError, parse_ecb_xml

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        rates = parse_ecb_xml(data, args.currency)
    except FxFileError as exc:
        print(f"error: {path}: {exc}", file=sys.stderr)
        return 1

    async def work(db: Any) -> int:
        changed = await store_fx_rates(db, rates, currency=args.currency)
        first, last = min(rates), max(rates)
        print(f"{len(rates)} EUR/{args.currency} rates from {first} to {last} ({changed} new or changed)")
        return 0

    return run_with_database(args, work)


# --- calls --------------------------------------------------------------------------------------


def cmd_calls_price(args: argparse.Namespace) -> int:
    from booking_core.calls import set_telephony_price

    try:
        usd = None if args.telephony_usd is None else Decimal(args.telephony_usd)
    except InvalidOperation:
        print(f"error: --telephony-usd must be a decimal amount, got {args.telephony_usd!r}", file=sys.stderr)
        return 1
    if usd is not None and (not usd.is_finite() or usd < 0):
        print("error: --telephony-usd must be a non-negative amount", file=sys.stderr)
        return 1

    async def work(db: Any) -> int:
        await known_tenant(db, args.tenant)
        if not await set_telephony_price(db, args.tenant, args.call_id, usd, datetime.now(UTC), final=args.final):
            raise CommandError(f"no call {args.call_id!r} for tenant {args.tenant!r}")
        print(
            f"call {args.call_id}: telephony {'estimate' if usd is None else f'{usd} USD'}"
            f"{' (final)' if args.final else ''}"
        )
        return 0

    return run_with_database(args, work)


# --- wiring -------------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    from booking_core.costs.csv_export import DIALECTS
    from booking_core.costs.report import GROUPINGS

    costs = command_group(subparsers, "costs", "call cost reports")
    report = costs.add_parser("report", help="costs and billing per call, day or month (tenant's time zone)")
    report.add_argument("--tenant", required=True)
    report.add_argument("--from", dest="date_from", metavar="DATE", help="first day (default: 1st of this month)")
    report.add_argument("--to", dest="date_to", metavar="DATE", help="last day, inclusive (default: today)")
    report.add_argument("--by", choices=GROUPINGS, default="day")
    report.add_argument("--format", choices=("table", "csv", "json"), default="table")
    report.add_argument(
        "--dialect", choices=DIALECTS, default="plain", help="CSV: de (; and decimal comma, BOM) or plain"
    )
    report.add_argument("--database-url")
    report.set_defaults(func=cmd_costs_report)

    fx = command_group(subparsers, "fx", "exchange rates")
    load = fx.add_parser("load", help="load ECB rates from eurofxref-daily.xml / eurofxref-hist(-90d).xml")
    load.add_argument("file")
    load.add_argument("--currency", default="USD")
    load.add_argument("--database-url")
    load.set_defaults(func=cmd_fx_load)

    calls = command_group(subparsers, "calls", "call records")
    price = calls.add_parser("price", help="record a call's real telephony price (replaces the estimate)")
    price.add_argument("call_id")
    price.add_argument("--tenant", required=True)
    price.add_argument("--telephony-usd", help="USD; omit to go back to the estimate")
    price.add_argument("--final", action="store_true", help="mark the call's cost reconciled (final)")
    price.add_argument("--database-url")
    price.set_defaults(func=cmd_calls_price)
