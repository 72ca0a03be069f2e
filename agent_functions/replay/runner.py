"""One call fixture's run (CONTRACT section 5): its steps sent, its expectations matched.

Each fixture gets a fresh database (a migrated SQLite template copied, or PostgreSQL emptied), a
frozen clock at its `now`, and the real app on a loopback port: requests travel over real HTTP and
are signed exactly as a voice platform signs them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from agent_functions.app import create_app
from agent_functions.bootstrap import build_services
from agent_functions.replay.matcher import match
from agent_functions.replay.state import final_state, fixture_tenant, prepare
from agent_functions.settings import Settings
from agent_functions.signature import Signer
from booking_core.clock import FrozenClock

HARNESS_KEY = "replay-harness-key"


@dataclass(frozen=True)
class StepOutcome:
    """What one request step sent and got back: for `--verbose` and `--update`."""

    index: int  # the step's position in the fixture's `steps`
    label: str
    request: Any  # the JSON body sent (or the raw text)
    http_status: int
    response: Any  # the whole answer, parsed when it was JSON

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.index + 1,
            "label": self.label,
            "request": self.request,
            "http_status": self.http_status,
            "response": self.response,
        }


@dataclass
class FixtureResult:
    path: str
    name: str
    ok: bool
    problems: list[str] = field(default_factory=list)
    steps: int = 0
    ms: float = 0.0
    outcomes: list[StepOutcome] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "name": self.name,
            "ok": self.ok,
            "steps": self.steps,
            "ms": round(self.ms, 1),
            "problems": self.problems,
        }


def collect(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.json")) if path.is_dir() else [path])
    return files


def signing_key() -> str:
    keys = Settings().retell_api_keys
    return keys[0] if keys else HARNESS_KEY


class Transport:
    """Where requests go: an in-process app on a loopback port, or a live test-clock server."""

    def __init__(self, base_url: str, clock: FrozenClock, session: aiohttp.ClientSession, key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.session = session
        self.signer = Signer(key, clock.now)

    async def post(self, path: str, body: bytes, headers: dict[str, str], signed: bool) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json", **headers}
        if signed:
            headers["X-Retell-Signature"] = self.signer.header(body)
        async with self.session.post(self.base_url + path, data=body, headers=headers) as response:
            return await _answer(response)

    async def request(
        self, method: str, path: str, body: bytes, headers: dict[str, str], signed: bool
    ) -> tuple[int, Any]:
        if method.upper() == "POST":
            return await self.post(path, body, headers, signed)
        async with self.session.request(method, self.base_url + path, headers=headers) as response:
            return await _answer(response)


async def _answer(response: aiohttp.ClientResponse) -> tuple[int, Any]:
    """(HTTP status, the body as JSON, or as text when it is not JSON)."""
    text = await response.text()
    try:
        return response.status, json.loads(text)
    except ValueError:
        return response.status, text


async def run_steps(
    fixture: dict[str, Any], transport: Transport, advance: Any, outcomes: list[StepOutcome] | None = None
) -> tuple[list[str], int]:
    """Send every step; the mismatches (each prefixed with its step) and how many steps ran. Each
    request's body and answer are appended to `outcomes` when given."""
    call = dict(fixture.get("call") or {})
    problems: list[str] = []
    count = 0
    for index, step in enumerate(fixture.get("steps", [])):
        count += 1
        label = f"step {index + 1}"
        if "advance_s" in step:
            await advance(float(step["advance_s"]))
            continue
        if "function" in step:
            label += f" ({step['function']})"
            merged = {**call, **(step.get("call") or {})}
            body = json.dumps(
                {"name": step["function"], "args": step.get("args", {}), "call": merged}, ensure_ascii=False
            ).encode()
            status, response = await transport.post("/retell/functions", body, {}, True)
            expected_http = step.get("expect_http", 200)
        elif "event" in step:
            label += f" (event {step['event']})"
            merged = {**call, **(step.get("call") or {})}
            body = json.dumps({"event": step["event"], "call": merged}, ensure_ascii=False).encode()
            status, response = await transport.post("/retell/events", body, {}, True)
            expected_http = step.get("expect_http", 200)
        elif "raw" in step:
            raw = step["raw"]
            label += f" (raw {raw.get('method', 'POST')} {raw.get('path')})"
            payload = raw.get("body", "")
            body = payload.encode() if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False).encode()
            status, response = await transport.request(
                raw.get("method", "POST"), raw["path"], body, dict(raw.get("headers") or {}), raw.get("sign", True)
            )
            expected_http = step.get("expect_http", 200)
        else:
            problems.append(f"{label}: unknown step kind {sorted(step)}")
            continue
        if outcomes is not None:
            outcomes.append(StepOutcome(index, label, _as_json(body), status, response))
        if status != expected_http:
            problems.append(f"{label}: HTTP {status}, expected {expected_http}: {str(response)[:300]}")
        if "expect" in step:
            problems.extend(f"{label}: {p}" for p in match(step["expect"], response))
    return problems, count


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _as_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


async def run_fixture(path: Path, fixture: dict[str, Any], database_url: str, key: str) -> FixtureResult:
    started = time.perf_counter()
    name = fixture.get("name", path.stem)
    clock = FrozenClock(datetime.fromisoformat(fixture["now"]))
    settings = Settings(
        database_url=database_url, retell_api_keys=[key], allow_unsigned=False, admin_token="replay-admin"
    )
    services = build_services(settings, clock)
    runner: web.AppRunner | None = None
    outcomes: list[StepOutcome] = []
    try:
        tenant = fixture_tenant(fixture["tenant"], path)
        await prepare(services, tenant, fixture.get("fx"), fixture.get("setup"))
        runner = web.AppRunner(create_app(services), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

        async def advance(seconds: float) -> None:
            clock.advance(seconds)

        async with aiohttp.ClientSession() as session:
            transport = Transport(f"http://127.0.0.1:{port}", clock, session, key)
            problems, steps = await run_steps(fixture, transport, advance, outcomes)
        if "expect_final" in fixture:
            problems.extend(f"final: {p}" for p in match(fixture["expect_final"], await final_state(services, tenant)))
    except Exception as exc:  # noqa: BLE001 - a broken fixture is a failed fixture, reported, not a crash
        return FixtureResult(
            str(path), name, False, [f"could not run: {type(exc).__name__}: {exc}"], 0, _ms_since(started), outcomes
        )
    finally:
        if runner is not None:
            await runner.cleanup()
        await services.db.dispose()
    return FixtureResult(str(path), name, not problems, problems, steps, _ms_since(started), outcomes)


async def run_live(path: Path, fixture: dict[str, Any], url: str, key: str) -> FixtureResult:
    """Against a server started with `slotline serve --test-clock`: state is set and read over /_test/*."""
    started = time.perf_counter()
    name = fixture.get("name", path.stem)
    clock = FrozenClock(datetime.fromisoformat(fixture["now"]))
    outcomes: list[StepOutcome] = []
    try:
        tenant = fixture_tenant(fixture["tenant"], path)
        async with aiohttp.ClientSession() as session:
            setup = {
                "tenant": tenant.model_dump(mode="json", by_alias=True, exclude_none=True),
                "now": fixture["now"],
                "fx": fixture.get("fx"),
                "setup": fixture.get("setup"),
            }
            async with session.post(url.rstrip("/") + "/_test/setup", json=setup) as response:
                if response.status != 200:
                    raise RuntimeError(f"/_test/setup answered {response.status}: {await response.text()}")

            async def advance(seconds: float) -> None:
                clock.advance(seconds)
                async with session.post(url.rstrip("/") + "/_test/clock", json={"advance_s": seconds}) as response:
                    response.raise_for_status()

            transport = Transport(url, clock, session, key)
            problems, steps = await run_steps(fixture, transport, advance, outcomes)
            if "expect_final" in fixture:
                async with session.get(url.rstrip("/") + "/_test/state", params={"tenant": tenant.id}) as response:
                    state = await response.json()
                problems.extend(f"final: {p}" for p in match(fixture["expect_final"], state))
    except Exception as exc:  # noqa: BLE001
        return FixtureResult(
            str(path), name, False, [f"could not run: {type(exc).__name__}: {exc}"], 0, _ms_since(started), outcomes
        )
    return FixtureResult(str(path), name, not problems, problems, steps, _ms_since(started), outcomes)
