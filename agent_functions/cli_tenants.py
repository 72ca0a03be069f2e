"""CLI of the database and tenant files: `slotline db upgrade`, `slotline tenants check FILE...` (every
problem listed) and `slotline tenants load FILE...` (all files in one transaction, or none)."""

from __future__ import annotations

import argparse
import asyncio

from agent_functions.cli_support import database_url

__all__ = ["cmd_db_upgrade", "cmd_tenants_check", "cmd_tenants_load", "register"]


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from booking_core.storage.migrate import upgrade

    url = database_url(args)
    upgrade(url)
    print(f"database at {url.split('@')[-1]} is up to date")
    return 0


def cmd_tenants_check(args: argparse.Namespace) -> int:
    from booking_core.tenant_file import TenantFileError, read_tenant_file

    failed = False
    for path in args.files:
        try:
            config = read_tenant_file(path)
        except TenantFileError as exc:
            failed = True
            print(f"{path}: {len(exc.problems)} problem(s)")
            for problem in exc.problems:
                print(f"  {problem.path or '(top)'}: {problem.reason}")
            continue
        composite = sum(s.composite for s in config.services)
        print(
            f"{path}: ok ({config.id}: {len(config.services)} services, {composite} composite, "
            f"{len(config.staff)} staff)"
        )
    return 1 if failed else 0


def cmd_tenants_load(args: argparse.Namespace) -> int:
    from booking_core.clock import SystemClock
    from booking_core.storage.db import Database
    from booking_core.tenant_file import TenantFileError, read_tenant_file
    from booking_core.tenant_store import save_tenants

    configs = []
    for path in args.files:
        try:
            configs.append(read_tenant_file(path))
        except TenantFileError as exc:
            print(f"{path}: not loaded, {len(exc.problems)} problem(s)")
            for problem in exc.problems:
                print(f"  {problem.path or '(top)'}: {problem.reason}")
            return 1
    ids = [config.id for config in configs]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        print(f"not loaded: tenant id(s) {', '.join(repeated)} in more than one file")
        return 1

    async def load() -> None:
        db = Database(database_url(args))
        try:  # every file in one transaction: all of them are loaded, or none
            revisions = await save_tenants(db, configs, SystemClock().now())
            for config in configs:
                print(f"loaded {config.id} (revision {revisions[config.id]})")
        finally:
            await db.dispose()

    asyncio.run(load())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    up = db.add_parser("upgrade", help="apply migrations")
    up.add_argument("--database-url")
    up.set_defaults(func=cmd_db_upgrade)

    tenants = sub.add_parser("tenants", help="tenant files").add_subparsers(dest="tenants_command", required=True)
    check = tenants.add_parser("check", help="validate tenant files and list every problem")
    check.add_argument("files", nargs="+")
    check.set_defaults(func=cmd_tenants_check)
    load = tenants.add_parser("load", help="validate and load tenant files into the database")
    load.add_argument("files", nargs="+")
    load.add_argument("--database-url")
    load.set_defaults(func=cmd_tenants_load)
