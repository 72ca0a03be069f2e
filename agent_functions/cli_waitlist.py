"""CLI of the waitlist (CONTRACT section 10): `slotline waitlist list --tenant ID [--status S] [--json]`
and `slotline waitlist cancel --tenant ID ENTRY_ID`.

Oldest first, the order offers are made in; times in the tenant's zone. Exit codes: 0 done; 1 an
unknown tenant or entry, or an expired entry (the reason on stderr), nothing written.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from agent_functions.cli_support import CommandError, command_group, run_with_database
from agent_functions.cli_support import tenant_or_error as _tenant

STATUSES = ("waiting", "offered", "expired", "cancelled")


def cmd_waitlist_list(args: argparse.Namespace) -> int:
    from booking_core.waitlist import entries

    async def work(db: Any) -> int:
        tenant = await _tenant(db, args.tenant)
        rows = [e.to_dict(tenant.zone) for e in await entries(db, tenant.id, args.status)]
        if args.json:
            print(json.dumps({"waitlist": rows}, ensure_ascii=False, indent=2))
            return 0
        print(
            f"{len(rows)} waitlist entr{'y' if len(rows) == 1 else 'ies'}" + (f", {args.status}" if args.status else "")
        )
        for r in rows:
            window = f"{r['window_start'][:16].replace('T', ' ')} - {r['window_end'][:16].replace('T', ' ')}"
            offered = (
                f"  offered {r['offered_start'][:16].replace('T', ' ')} {r['offered_staff_id']}"
                if r["offered_start"]
                else ""
            )
            print(
                f"{r['id']}  {r['status']:<9} {r['service_id'][:20]:<20} {(r['staff_id'] or 'anyone')[:12]:<12} "
                f"{window}  {r['customer_phone']:<16} {(r['customer_name'] or '-')[:24]}{offered}"
            )
        return 0

    return run_with_database(args, work)


def cmd_waitlist_cancel(args: argparse.Namespace) -> int:
    from booking_core.errors import NotFound
    from booking_core.waitlist import WaitlistRefused, cancel

    async def work(db: Any) -> int:
        tenant = await _tenant(db, args.tenant)
        try:
            entry = await cancel(db, tenant.id, args.entry_id)
        except NotFound as exc:
            raise CommandError(f"no waitlist entry {args.entry_id} for tenant {tenant.id}") from exc
        except WaitlistRefused as exc:
            raise CommandError(f"waitlist entry {args.entry_id} has expired already") from exc
        print(f"{entry.id}  {entry.status}")
        return 0

    return run_with_database(args, work)


def register(subparsers: argparse._SubParsersAction) -> None:
    group = command_group(subparsers, "waitlist", "the waitlist (callers waiting for a freed time)")
    ls = group.add_parser("list", help="waitlist entries, oldest first")
    ls.add_argument("--database-url", default=None, help="default: SLOTLINE_DATABASE_URL / settings")
    ls.add_argument("--tenant", required=True)
    ls.add_argument("--status", choices=STATUSES)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_waitlist_list)
    cancel = group.add_parser("cancel", help="take an entry off the list (it is never offered again)")
    cancel.add_argument("--database-url", default=None, help="default: SLOTLINE_DATABASE_URL / settings")
    cancel.add_argument("--tenant", required=True)
    cancel.add_argument("entry_id")
    cancel.set_defaults(func=cmd_waitlist_cancel)
