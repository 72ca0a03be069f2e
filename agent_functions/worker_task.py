"""`serve --with-worker`: the outbox worker as a background task of the web app (started and stopped with it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from agent_functions.context import SERVICES


def attach_worker(app: web.Application) -> None:
    async def worker(app: web.Application) -> AsyncIterator[None]:
        from integrations.worker import run_worker

        services = app[SERVICES]
        stop = asyncio.Event()
        task = asyncio.create_task(run_worker(services.db, services.clock, stop=stop))
        yield
        stop.set()
        await asyncio.wait_for(task, timeout=10)

    app.cleanup_ctx.append(worker)
