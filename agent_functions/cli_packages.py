"""CLI of packages, multi-session cards (CONTRACT section 10):

    slotline packages sell --tenant ID --phone P --package ID [--name N] [--ref KEY] [--json]
    slotline packages list --tenant ID --phone P [--json]
    slotline packages expire            (write the expiry rows of lapsed cards now; the server does it every minute)

Exit codes: 0 done; 1 an unknown tenant or package, a phone that is no number (the reason on stderr,
nothing written).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from agent_functions.cli_support import CommandError, command_group, run_with_database
from agent_functions.cli_support import tenant_or_error as _tenant


def _phone(tenant: Any, raw: str) -> str:
    from agent_functions.phones import normalise, region_of

    phone = normalise(raw, region_of(tenant.phone_numbers))
    if phone is None:
        raise CommandError(f"not a phone number: {raw[:40]!r}")
    return phone


def _line(sale: Any, zone: Any) -> str:
    """One card: id, name, credits left of sessions, its last valid local day (it expires at the midnight after)."""
    from datetime import timedelta

    who = sale.customer_name or "-"
    last_day = (sale.expires_at.astimezone(zone) - timedelta(minutes=1)).date()
    return (
        f"{sale.id}  {sale.package_name[:24]:<24} {sale.remaining:>3}/{sale.sessions:<3} credits  "
        f"valid through {last_day.isoformat()}  {who[:24]}"
    )


def cmd_sell(args: argparse.Namespace) -> int:
    from booking_core.clock import SystemClock
    from booking_core.packages import UnknownPackage, sell

    async def work(db: Any) -> int:
        tenant = await _tenant(db, args.tenant)
        phone = _phone(tenant, args.phone)
        try:
            sale = await sell(
                db, tenant, SystemClock().now(), phone=phone, package_id=args.package, name=args.name, ref=args.ref
            )
        except UnknownPackage as exc:
            raise CommandError(f"unknown package {args.package!r} (known: {', '.join(exc.known) or 'none'})") from None
        if args.json:
            print(json.dumps({"tenant": tenant.id, **sale.to_dict(tenant.zone)}, ensure_ascii=False, indent=2))
        else:
            print("sold: " + _line(sale, tenant.zone))
        return 0

    return run_with_database(args, work)


def cmd_list(args: argparse.Namespace) -> int:
    from booking_core.packages import balances

    async def work(db: Any) -> int:
        tenant = await _tenant(db, args.tenant)
        phone = _phone(tenant, args.phone)
        sales = await balances(db, tenant, phone)
        if args.json:
            print(
                json.dumps(
                    {"tenant": tenant.id, "phone": phone, "sales": [s.to_dict(tenant.zone) for s in sales]}, indent=2
                )
            )
            return 0
        for sale in sales:
            print(_line(sale, tenant.zone))
        if not sales:
            print(f"no packages sold to {phone}")
        return 0

    return run_with_database(args, work)


def cmd_expire(args: argparse.Namespace) -> int:
    from booking_core.clock import SystemClock
    from booking_core.packages import expire_lapsed

    async def work(db: Any) -> int:
        print(f"{await expire_lapsed(db, SystemClock().now())} card(s) lapsed")
        return 0

    return run_with_database(args, work)


def register(subparsers: argparse._SubParsersAction) -> None:
    group = command_group(subparsers, "packages", "multi-session cards: sell, balances, expiry")
    sell = group.add_parser("sell", help="sell a package (multi-session card) to a customer")
    sell.add_argument("--database-url", default=None)
    sell.add_argument("--tenant", required=True)
    sell.add_argument("--phone", required=True, help="the customer's phone number")
    sell.add_argument("--package", required=True, help="a package id of the tenant file")
    sell.add_argument("--name", help="the customer's name (one number may stand for several people)")
    sell.add_argument("--ref", help="an idempotency key: selling again with the same key sells nothing more")
    sell.add_argument("--json", action="store_true")
    sell.set_defaults(func=cmd_sell)
    ls = group.add_parser("list", help="the cards sold to a phone number, with their balances")
    ls.add_argument("--database-url", default=None)
    ls.add_argument("--tenant", required=True)
    ls.add_argument("--phone", required=True)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    ex = group.add_parser("expire", help="let the credits of expired cards lapse now (idempotent)")
    ex.add_argument("--database-url", default=None)
    ex.set_defaults(func=cmd_expire)
