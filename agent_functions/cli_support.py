"""Pieces the CLI modules share."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from booking_core.storage.db import Database
    from booking_core.tenant_config import TenantConfig


def command_group(subparsers: argparse._SubParsersAction, name: str, help_text: str) -> argparse._SubParsersAction:
    """The sub-command group `name`, created here or joined when another module created it first.

    `costs`, `fx` and `calls` are filled by more than one module (reports and rate loading live with
    the costs, fetching lives with the integrations).
    """
    existing = subparsers.choices.get(name)
    if existing is not None:
        for action in existing._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action
    return subparsers.add_parser(name, help=help_text).add_subparsers(dest=f"{name}_command", required=True)


class CommandError(Exception):
    """Bad input or state met by a command: printed as `error: ...`, exit code 1, no traceback."""


async def known_tenant(db: Database, tenant_id: str) -> TenantConfig:
    """The loaded tenant `tenant_id`; CommandError naming the loaded ones when there is none."""
    from booking_core.tenant_store import TenantDirectory

    tenants = TenantDirectory(db)
    tenant = await tenants.get(tenant_id)
    if tenant is None:
        known = ", ".join(await tenants.all_ids()) or "none loaded"
        raise CommandError(f"unknown tenant {tenant_id!r} (known: {known})")
    return tenant


def database_url(args: argparse.Namespace) -> str:
    """`--database-url` when given, else the configured one (SLOTLINE_DATABASE_URL / .env / default)."""
    from agent_functions.settings import Settings

    return getattr(args, "database_url", None) or Settings().database_url


def run_with_database(args: argparse.Namespace, work: Callable[[Database], Awaitable[int]]) -> int:
    """Run an async command against the configured database, turning expected failures into exit code 1."""
    from sqlalchemy.exc import SQLAlchemyError

    from booking_core.storage.db import Database

    async def main() -> int:
        db = Database(database_url(args))
        try:
            return await work(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(main())
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"error: database: {str(exc).splitlines()[0]} (is it migrated? `slotline db upgrade`)", file=sys.stderr)
        return 1


async def tenant_or_error(db: Database, tenant_id: str) -> TenantConfig:
    """The tenant's config, or CommandError naming the unknown id."""
    from booking_core.tenant_store import TenantDirectory

    tenant = await TenantDirectory(db).get(tenant_id)
    if tenant is None:
        raise CommandError(f"unknown tenant {tenant_id!r}")
    return tenant
