"""CLI of the waitlist (CONTRACT section 10): `slotline waitlist list --tenant ID [--status S] [--json]`.

Oldest first, the order offers are made in; times in the tenant's zone. Exit codes: 0 done; 1 an
unknown tenant (the reason on stderr).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from agent_functions.cli_support import command_group, run_with_database
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


def register(subparsers: argparse._SubParsersAction) -> None:
    group = command_group(subparsers, "waitlist", "the waitlist (callers waiting for a freed time)")
    ls = group.add_parser("list", help="waitlist entries, oldest first")
    ls.add_argument("--database-url", default=None, help="default: SLOTLINE_DATABASE_URL / settings")
    ls.add_argument("--tenant", required=True)
    ls.add_argument("--status", choices=STATUSES)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_waitlist_list)
