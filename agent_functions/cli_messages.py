"""CLI after the call (CONTRACT section 9): `slotline callbacks list|done`, `slotline messages list`,
`slotline appointments status ID STATUS`.

Exit codes: 0 done; 1 bad input, an unknown id or an illegal transition (the reason on stderr,
nothing written).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from agent_functions.cli_support import CommandError, command_group, run_with_database
from agent_functions.cli_support import tenant_or_error as _tenant


def cmd_callbacks_list(args: argparse.Namespace) -> int:
    from booking_core.callback_inbox import list_callbacks

    async def work(db: Any) -> int:
        rows = await list_callbacks(db, await _tenant(db, args.tenant), args.status)
        if args.json:
            print(json.dumps({"callbacks": rows}, ensure_ascii=False, indent=2))
            return 0
        print(f"{len(rows)} callback request(s), {args.status}")
        for r in rows:
            who, phone = r["customer"]["name"] or "-", r["customer"]["phone"] or "withheld"
            print(
                f"{r['id']}  {r['created_at'][:16].replace('T', ' ')}  {r['status']:<4}  {phone:<16} "
                f"{who[:24]:<24} {(r['reason'] or '')[:60]}"
            )
        return 0

    return run_with_database(args, work)


def cmd_callbacks_done(args: argparse.Namespace) -> int:
    from booking_core.callback_inbox import close_callback
    from booking_core.clock import SystemClock

    async def work(db: Any) -> int:
        outcome = await close_callback(db, args.id, SystemClock().now(), args.tenant)
        if outcome is None:
            raise CommandError(f"no callback request {args.id!r}")
        print(f"callback request {args.id} {'closed' if outcome == 'done' else 'was already closed'}")
        return 0

    return run_with_database(args, work)


def cmd_messages_list(args: argparse.Namespace) -> int:
    from booking_core.messages.store import list_messages

    async def work(db: Any) -> int:
        tenant = await _tenant(db, args.tenant)
        rows = await list_messages(db, tenant.id, call_id=args.call_id, status=args.status, limit=args.limit)
        if args.json:
            print(json.dumps({"messages": rows}, ensure_ascii=False, indent=2))
            return 0
        for r in rows:
            print(
                f"{r['id']:>7}  {r['status']:<9} {r['channel']:<5} {r['kind']:<16} {str(r['to'])[:32]:<32} "
                f"due {r['due_at'][:16].replace('T', ' ')}  tries {r['attempts']}  {(r['reason'] or '')[:80]}"
            )
        if not rows:
            print("no messages")
        return 0

    return run_with_database(args, work)


def cmd_appointment_status(args: argparse.Namespace) -> int:
    from booking_core.clock import SystemClock
    from booking_core.errors import InvalidTransition, NotFound
    from booking_core.service import BookingService
    from booking_core.staff_status import set_status
    from booking_core.tenant_store import TenantDirectory

    async def work(db: Any) -> int:
        try:
            view = await set_status(
                BookingService(db, SystemClock()),
                TenantDirectory(db),
                args.id,
                args.status,
                reason=args.reason,
                actor="staff:cli",
                tenant_id=args.tenant,
            )
        except NotFound:
            raise CommandError(f"no appointment {args.id!r}") from None
        except InvalidTransition as exc:
            raise CommandError(
                f"illegal transition: an appointment that is {exc.old} cannot become {exc.new}"
            ) from None
        print(f"{view.reference} ({view.id}) is now {view.status}")
        return 0

    return run_with_database(args, work)


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", default=None, help="default: SLOTLINE_DATABASE_URL / settings")


def register(subparsers: argparse._SubParsersAction) -> None:
    callbacks = command_group(subparsers, "callbacks", "callback requests (the inbox)")
    ls = callbacks.add_parser("list", help="callback requests, oldest first")
    _db_arg(ls)
    ls.add_argument("--tenant", required=True)
    ls.add_argument("--status", choices=["open", "done", "all"], default="open")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_callbacks_list)
    done = callbacks.add_parser("done", help="mark a callback request done")
    _db_arg(done)
    done.add_argument("id")
    done.add_argument("--tenant", help="only this tenant's request")
    done.set_defaults(func=cmd_callbacks_done)

    messages = command_group(subparsers, "messages", "messages to callers and staff (SMS, email)")
    mls = messages.add_parser("list", help="sent, queued, dead and withdrawn messages, with the reason")
    _db_arg(mls)
    mls.add_argument("--tenant", required=True)
    mls.add_argument("--status", choices=["queued", "sent", "dead", "withdrawn"])
    mls.add_argument("--call-id")
    mls.add_argument("--limit", type=int, default=100)
    mls.add_argument("--json", action="store_true")
    mls.set_defaults(func=cmd_messages_list)

    appointments = command_group(subparsers, "appointments", "appointments")
    status = appointments.add_parser("status", help="set an appointment's status (confirmed, no_show, cancelled)")
    _db_arg(status)
    status.add_argument("id", help="appointment id (or reference, with --tenant)")
    status.add_argument("status")
    status.add_argument("--reason")
    status.add_argument("--tenant")
    status.set_defaults(func=cmd_appointment_status)
