"""The server freezes its startup heap and raises the collector's thresholds before the first request
(issue 20: generation-2 collections of 35-45 ms landed inside requests)."""

from __future__ import annotations

import gc

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from agent_functions.gc_tuning import THRESHOLDS, attach_gc_tuning


async def test_startup_freezes_the_heap_and_sets_thresholds():
    before = gc.get_threshold()
    gc.unfreeze()
    app = web.Application()
    app.router.add_get("/", lambda _request: web.Response(text="ok"))
    attach_gc_tuning(app)
    try:
        assert gc.get_freeze_count() == 0
        async with TestClient(TestServer(app)) as client:
            assert (await client.get("/")).status == 200
            assert gc.get_freeze_count() > 0
            assert gc.get_threshold() == THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
