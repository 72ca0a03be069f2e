"""`slotline calls show CALL_ID` and `slotline fixtures capture CALL_ID` (CONTRACT section 13).

Both read the configured database directly (`--database-url` for another). A call id is unique per
tenant only: without `--tenant` the call is looked up in every tenant, and one found in several asks
for `--tenant`. Exit codes as in the rest of the CLI: 0 done, 1 bad input or state (unknown tenant,
unknown call, a call without function calls), 2 a malformed command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from agent_functions.cli_support import CommandError, command_group, known_tenant, run_with_database


async def call_tenant(db: Any, call_id: str, tenant_id: str | None) -> Any:
    """The tenant of call `call_id`: the named one, else the only tenant that has such a call."""
    from agent_functions.call_log.store import tenants_of_call

    if tenant_id:
        return await known_tenant(db, tenant_id)
    owners = await tenants_of_call(db, call_id)
    if not owners:
        raise CommandError(f"no call {call_id!r}")
    if len(owners) > 1:
        raise CommandError(f"call {call_id!r} exists for several tenants ({', '.join(owners)}): name one with --tenant")
    return await known_tenant(db, owners[0])


def cmd_calls_show(args: argparse.Namespace) -> int:
    from agent_functions.call_log.timeline import call_view, render_timeline

    async def work(db: Any) -> int:
        tenant = await call_tenant(db, args.call_id, args.tenant)
        view = await call_view(db, tenant, args.call_id)
        if view is None:
            raise CommandError(f"no call {args.call_id!r} for tenant {tenant.id!r}")
        if args.json:
            print(json.dumps(view, ensure_ascii=False, indent=2))
        else:
            print(render_timeline(view, tenant, args.call_id))
        return 0

    return run_with_database(args, work)


def cmd_fixtures_capture(args: argparse.Namespace) -> int:
    from agent_functions.call_log.store import tenant_loaded_at
    from agent_functions.replay.anonymise import AnonymiseError, anonymise
    from agent_functions.replay.capture import CaptureError, capture

    async def work(db: Any) -> int:
        tenant = await call_tenant(db, args.call_id, args.tenant)
        try:
            fixture = await capture(db, tenant, args.call_id, tenant_loaded_at=await tenant_loaded_at(db, tenant.id))
            if args.name:
                fixture["name"] = args.name
            if args.anonymise:
                fixture = anonymise(fixture, tenant)
        except (CaptureError, AnonymiseError) as exc:
            raise CommandError(str(exc)) from None
        text = json.dumps(fixture, ensure_ascii=False, indent=1) + "\n"
        if args.out is None:
            sys.stdout.write(text)
            return 0
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {args.out}: {exc.strerror or exc}") from None
        steps = sum("function" in s for s in fixture["steps"])
        print(
            f"wrote {args.out}: {steps} function call(s), {len(fixture['setup']['appointments'])} appointment(s) "
            f"in the setup{', anonymised' if args.anonymise else ''}",
            file=sys.stderr,
        )
        if "note" in fixture:
            print(f"note: {fixture['note']}", file=sys.stderr)
        return 0

    return run_with_database(args, work)


def register(subparsers: argparse._SubParsersAction) -> None:
    calls = command_group(subparsers, "calls", "call records")
    show = calls.add_parser("show", help="one call: its function calls (asked, status, heard, ms), events and cost")
    show.add_argument("call_id")
    show.add_argument("--tenant", help="the call's tenant (needed only when several have a call of this id)")
    show.add_argument("--json", action="store_true", help="the JSON of GET /admin/calls/{call_id}")
    show.add_argument("--database-url")
    show.set_defaults(func=cmd_calls_show)

    fixtures = command_group(subparsers, "fixtures", "replay fixtures")
    cap = fixtures.add_parser("capture", help="write a replay fixture of a recorded call")
    cap.add_argument("call_id")
    cap.add_argument("--tenant", help="the call's tenant (needed only when several have a call of this id)")
    cap.add_argument(
        "--anonymise",
        "--anonymize",
        action="store_true",
        help="replace callers' names, phone numbers and email addresses consistently (to share it)",
    )
    cap.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    cap.add_argument("--name", help="the fixture's name (default: 'captured call CALL_ID')")
    cap.add_argument("--database-url")
    cap.set_defaults(func=cmd_fixtures_capture)
