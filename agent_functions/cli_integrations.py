"""CLI for the integrations: `slotline worker`, `outbox list|retry`, `calcom sync-event-types`,
`calls reconcile`, `fx update`.

Exit codes: 0 done; 1 bad input or a remote service that failed (the reason on stderr; for
`fx update` the last stored rates stay in use and the output says which day they are from).
Secrets are read from the environment variables the tenant file names; they are never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import signal
import sys
from datetime import date
from typing import Any

from agent_functions.cli_support import CommandError, command_group, run_with_database
from agent_functions.cli_support import tenant_or_error as _tenant

# --- worker, outbox ------------------------------------------------------------------------------


def cmd_worker(args: argparse.Namespace) -> int:
    from booking_core.clock import SystemClock
    from integrations.worker import Worker, WorkerConfig

    config = WorkerConfig(batch=args.batch, max_attempts=args.max_attempts)
    if args.lease is not None:
        config = dataclasses.replace(config, lease_s=args.lease)

    async def work(db: Any) -> int:
        if args.once:
            worker = Worker(db, SystemClock(), config=config)
            try:
                moved = await worker.advance_lifecycle()
                report = await worker.drain_once()
            finally:
                await worker.aclose()
            print(json.dumps({**report.as_dict(), "lifecycle_moved": moved.moved}))
            return 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        from integrations.worker import run_worker

        await run_worker(db, SystemClock(), stop=stop, poll_s=args.poll, config=config)
        return 0

    return run_with_database(args, work)


def cmd_outbox_list(args: argparse.Namespace) -> int:
    from integrations import outbox

    async def work(db: Any) -> int:
        rows = await outbox.list_messages(db, status=args.status, tenant_id=args.tenant, limit=args.limit)
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "id": r.id,
                            "tenant": r.tenant_id,
                            "topic": r.topic,
                            "target": r.target,
                            "status": r.status,
                            "attempts": r.attempts,
                            "next_attempt_at": r.next_attempt_at.isoformat(),
                            "appointment": (r.payload or {}).get("id"),
                            "url": (r.payload or {}).get("url"),
                            "last_error": r.last_error,
                            "created_at": r.created_at.isoformat(),
                            "sent_at": r.sent_at.isoformat() if r.sent_at else None,
                        }
                        for r in rows
                    ],
                    indent=2,
                )
            )
            return 0
        counts = await outbox.counts(db)
        print("outbox: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) if counts else "outbox: empty")
        for r in rows:
            error = (r.last_error or "")[:160]
            print(
                f"{r.id:>7}  {r.status:<7} {r.target:<8} {r.topic:<24} {r.tenant_id:<20} "
                f"tries {r.attempts:<2} next {r.next_attempt_at:%Y-%m-%d %H:%M:%S}  {error}"
            )
        return 0

    return run_with_database(args, work)


def cmd_outbox_retry(args: argparse.Namespace) -> int:
    from booking_core.clock import SystemClock
    from integrations import outbox

    async def work(db: Any) -> int:
        n = await outbox.requeue(db, args.ids, SystemClock().now())
        print(f"requeued {n} dead message(s)")
        return 0

    return run_with_database(args, work)


# --- Cal.com ---------------------------------------------------------------------------------------


def cmd_calcom_sync(args: argparse.Namespace) -> int:
    import httpx

    from booking_core.clock import SystemClock
    from integrations.calcom.client import CalcomClient
    from integrations.calcom.event_types import sync_event_types
    from integrations.errors import IntegrationError

    async def work(db: Any) -> int:
        tenant = await _tenant(db, args.tenant)
        cfg = tenant.integrations.calcom
        if cfg is None:
            raise CommandError(f"tenant {tenant.id!r} has no integrations.calcom section")
        key = os.environ.get(cfg.api_key_env)
        if not key:
            raise CommandError(f"environment variable {cfg.api_key_env} (Cal.com API key) is not set")
        async with httpx.AsyncClient() as http:
            try:
                report = await sync_event_types(
                    db, SystemClock().now(), tenant, CalcomClient(http, cfg.base_url, key, timeout_s=cfg.timeout_s)
                )
            except IntegrationError as exc:
                raise CommandError(str(exc)) from None
        print(json.dumps({"tenant": tenant.id, **report.as_dict()}, indent=2))
        return 0

    return run_with_database(args, work)


# --- Retell, ECB -----------------------------------------------------------------------------------


def cmd_calls_reconcile(args: argparse.Namespace) -> int:
    import httpx

    from booking_core.clock import SystemClock
    from booking_core.tenant_store import TenantDirectory
    from integrations.errors import IntegrationError
    from integrations.retell import reconcile_day

    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        print(f"error: --date must be YYYY-MM-DD, got {args.date!r}", file=sys.stderr)
        return 1

    async def work(db: Any) -> int:
        ids = [args.tenant] if args.tenant else await TenantDirectory(db).all_ids()
        failed = 0
        async with httpx.AsyncClient() as http:
            for tenant_id in ids:
                tenant = await _tenant(db, tenant_id)
                if not args.tenant and tenant.integrations.retell is None:
                    continue
                try:
                    report = await reconcile_day(db, tenant, day, now=SystemClock().now(), env=os.environ, http=http)
                except IntegrationError as exc:
                    print(f"error: {tenant.id}: {exc}", file=sys.stderr)
                    failed += 1
                    continue
                print(json.dumps(report.as_dict()))
        return 1 if failed else 0

    return run_with_database(args, work)


def cmd_fx_update(args: argparse.Namespace) -> int:
    from integrations.ecb import default_urls, update_rates

    async def work(db: Any) -> int:
        report = await update_rates(db, urls=default_urls(args.url))
        for url, n in report.fetched.items():
            print(f"fetched {url}: {n} rates")
        for url, why in report.failed.items():
            print(f"FAILED {url}: {why}", file=sys.stderr)
        print(f"stored {report.stored} new or changed rates; latest rate in use: {report.latest or 'none'}")
        if report.failed:
            print(
                "the last stored rates stay in use"
                if report.latest
                else "no rates stored yet: call costs use the fallback rate",
                file=sys.stderr,
            )
        return 0 if report.ok else 1

    return run_with_database(args, work)


# --- registration ------------------------------------------------------------------------------------


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", default=None, help="default: SLOTLINE_DATABASE_URL / settings")


def register(subparsers: argparse._SubParsersAction) -> None:
    worker = subparsers.add_parser(
        "worker",
        help="drain the outbox (Cal.com, webhooks, SMS, email) and move appointments by the clock (runs until stopped)",
    )
    _db_arg(worker)
    worker.add_argument("--poll", type=float, default=1.0, help="seconds between polls when idle")
    worker.add_argument("--batch", type=int, default=50)
    worker.add_argument("--max-attempts", type=int, default=10)
    worker.add_argument(
        "--lease",
        type=float,
        default=None,
        help="seconds a claimed row stays this worker's (default 120); a crashed worker's rows are retried after it",
    )
    worker.add_argument("--once", action="store_true", help="drain what is due now, print a summary, exit")
    worker.set_defaults(func=cmd_worker)

    box = command_group(subparsers, "outbox", "outbound messages (Cal.com mirror, webhooks)")
    ls = box.add_parser("list", help="recent messages, dead letters included")
    _db_arg(ls)
    ls.add_argument("--status", choices=["pending", "sent", "dead"])
    ls.add_argument("--tenant")
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_outbox_list)
    retry = box.add_parser("retry", help="put dead messages back in the queue")
    _db_arg(retry)
    retry.add_argument("ids", type=int, nargs="+")
    retry.set_defaults(func=cmd_outbox_retry)

    calcom = command_group(subparsers, "calcom", "Cal.com")
    sync = calcom.add_parser("sync-event-types", help="create the hidden event types the tenant's services need")
    _db_arg(sync)
    sync.add_argument("--tenant", required=True)
    sync.set_defaults(func=cmd_calcom_sync)

    calls = command_group(subparsers, "calls", "call records")
    rec = calls.add_parser("reconcile", help="fetch the day's calls from Retell; fill missing or provisional costs")
    _db_arg(rec)
    rec.add_argument("--date", required=True, help="YYYY-MM-DD (the tenant's local day)")
    rec.add_argument("--tenant", help="default: every tenant with integrations.retell")
    rec.set_defaults(func=cmd_calls_reconcile)

    fx = command_group(subparsers, "fx", "exchange rates")
    upd = fx.add_parser("update", help="fetch ECB daily + 90-day rates (keeps the last rates on failure)")
    _db_arg(upd)
    upd.add_argument(
        "--url", help="base URL of the two files, or one .xml URL (default SLOTLINE_ECB_URL, else the ECB)"
    )
    upd.set_defaults(func=cmd_fx_update)
