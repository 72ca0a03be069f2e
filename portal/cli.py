"""`slotline users invite|list`: the portal's accounts from the command line (CONTRACT section 12).

``invite`` writes the invitation email to the outbox (the worker sends it) and prints the link too, so
an operator without email configured can pass it on by hand. Exit codes: 0 done, 1 refused (bad email
or role, unknown tenant, already a user), 2 usage (argparse).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from agent_functions.cli_support import CommandError, command_group, run_with_database

if TYPE_CHECKING:
    from booking_core.storage.db import Database

__all__ = ["register"]


def _invite(args: argparse.Namespace) -> int:
    async def work(db: Database) -> int:
        from booking_core.clock import SystemClock
        from booking_core.tenant_store import TenantDirectory
        from portal.accounts import AccountError, invite

        tenant = await TenantDirectory(db).get(args.tenant)
        if tenant is None:
            raise CommandError(f"unknown tenant {args.tenant!r}")
        lang = args.lang or tenant.language
        try:
            token = await invite(
                db,
                tenant_id=args.tenant,
                email=args.email,
                role=args.role,
                now=SystemClock().now(),
                lang=lang,
                base_url=args.base_url,
            )
        except AccountError as exc:
            raise CommandError(str(exc)) from None
        print(f"invited {args.email.strip().lower()} as {args.role} of {args.tenant}; the email is queued")
        print(f"link (valid 24 h, once): {args.base_url.rstrip('/')}/portal/accept/{token}")
        return 0

    return run_with_database(args, work)


def _list(args: argparse.Namespace) -> int:
    async def work(db: Database) -> int:
        from portal.accounts import list_users

        users = await list_users(db, args.tenant)
        if args.json:
            print(json.dumps([{"email": u.email, "role": u.role, "lang": u.lang} for u in users]))
        else:
            for user in users:
                print(f"{user.email:<40} {user.role:<6} {user.lang}")
        return 0

    return run_with_database(args, work)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `users invite` and `users list` to the `slotline` parser."""
    users = command_group(subparsers, "users", "portal users of a tenant")
    inv = users.add_parser("invite", help="invite someone to the staff portal (emails a 24-hour link)")
    inv.add_argument("--tenant", required=True)
    inv.add_argument("--email", required=True)
    inv.add_argument("--role", choices=("owner", "staff"), required=True)
    inv.add_argument("--lang", choices=("de", "en"), help="language of the email and the portal (default: tenant's)")
    inv.add_argument("--base-url", default="http://127.0.0.1:8080", help="where the portal is served")
    inv.add_argument("--database-url")
    inv.set_defaults(func=_invite)
    ls = users.add_parser("list", help="the tenant's portal users")
    ls.add_argument("--tenant", required=True)
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--database-url")
    ls.set_defaults(func=_list)
