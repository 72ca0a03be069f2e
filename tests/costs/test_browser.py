"""The cost page in a real headless browser (Debian's chromium): the chart is drawn and visible.

Opt-in: runs only with SLOTLINE_BROWSER_TESTS=1 (then a missing chromium is a failure, not a skip).
The page is fetched with `?token=` because chromium's command line cannot send an Authorization header.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import struct
import zlib
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from aiohttp import web

from agent_functions.admin import BILLED_COLOUR, COST_COLOUR, add_admin_routes
from agent_functions.call_events import handle_call_event
from agent_functions.context import SERVICES
from booking_core.calls import store_fx_rates
from tests.costs.helpers import ADMIN_TOKEN, NOW, add_appointment, call_payload, load_tenant, services_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("SLOTLINE_BROWSER_TESTS") != "1", reason="browser tests are opt-in: SLOTLINE_BROWSER_TESTS=1"
    ),
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("SLOTLINE_BROWSER_TESTS=1 but no chromium on PATH (Debian: apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA PNG (what chromium writes) into rows of raw pixel bytes."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[j] for k in range(0, stride, bpp) for j in range(k, k + 3)))
        prev = line
    return width, height, rows


def count_colour(rows: list[bytes], hex_colour: str) -> int:
    target = bytes.fromhex(hex_colour.lstrip("#"))
    return sum(row[i : i + 3] == target for row in rows for i in range(0, len(row), 3))


async def run_chromium(*args: str) -> bytes:
    proc = await asyncio.create_subprocess_exec(
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=90)
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return out


async def test_cost_page_chart_is_visible_in_chromium(db, tmp_path):
    tenant = await load_tenant(db, "demo-salon")
    await store_fx_rates(db, {date(2026, 11, 16): D("1.0390"), date(2026, 11, 20): D("1.0412")})
    services = services_for(db)
    for day in range(5):
        for n in range(day + 1):
            start = NOW - timedelta(days=4 - day, minutes=17 * n)
            cost = {"product_costs": [], "combined_cost": 9.5 + 3 * n, "total_duration_seconds": 60 + 40 * n}
            call = call_payload(f"call_{day}_{n}", start=start, duration_s=60 + 40 * n, call_cost=cost)
            await handle_call_event(services, tenant, {"event": "call_analyzed", "call": call})
            if n == 0:
                await add_appointment(db, tenant.id, f"call_{day}_{n}")

    app = web.Application()
    app[SERVICES] = services
    add_admin_routes(app)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = (
        f"http://127.0.0.1:{port}/admin/costs/page?tenant=demo-salon&from=2026-11-14&to=2026-11-21&token={ADMIN_TOKEN}"
    )
    try:
        profile = tmp_path / "profile"
        dom = (await run_chromium(f"--user-data-dir={profile}", "--dump-dom", url)).decode()
        shot = tmp_path / "costs.png"
        await run_chromium(f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1200,900", url)
    finally:
        await runner.cleanup()

    assert "<svg" in dom and 'id="cost-chart"' in dom
    heights = {
        kind: [float(h) for h in re.findall(rf'class="bar {kind}"[^>]*height="([\d.]+)"', dom)]
        for kind in ("cost", "billed")
    }
    assert len(heights["cost"]) == len(heights["billed"]) == 8  # one pair per day 14..21 November
    assert sum(h > 0 for h in heights["cost"]) == 5 and sum(h > 0 for h in heights["billed"]) == 5
    assert max(heights["billed"]) > max(heights["cost"]) > 10

    width, height, rows = png_pixels(shot)
    assert (width, height) == (1200, 900)
    cost_px, billed_px = count_colour(rows, COST_COLOUR), count_colour(rows, BILLED_COLOUR)
    assert cost_px > 500 and billed_px > 500, (cost_px, billed_px)  # the bars are painted, on screen
    keep = os.environ.get("SLOTLINE_BROWSER_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)
