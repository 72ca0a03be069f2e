"""Security over real HTTP: who may call, what a call may reach, and what the logs and the audit keep.

- Webhook signatures (CONTRACT section 1): missing, malformed, wrong, stale, from the future, or for an
  altered body or timestamp are refused with HTTP 401 and write nothing, not even to the table of seen
  signatures. A byte-identical copy of a handled request (CONTRACT section 14: a retry) is answered
  with the first request's answer and writes nothing: to the same process, to the other URL shape, in
  any spelling of the header, and at another worker process of a multi-worker server on PostgreSQL.
- Admin endpoints refuse requests without the bearer token, or with a wrong one, and a server
  without an admin token refuses every admin request.
- Tenant isolation: a call to the salon can neither find, cancel nor move the physio's appointment
  (by id, by reference, or by the physio customer's own number), nor the reverse, and the answer
  does not reveal the other tenant's data; the tenant comes from the envelope, never from arguments.
- Logs of a full replay of fixtures/calls at INFO contain no phone number of the fixtures and no
  customer name.
- The audit log refuses UPDATE and DELETE on both engines.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import structlog
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from agent_functions import logs
from agent_functions.phones import mask
from agent_functions.replay.runner import run_fixture
from agent_functions.server_process import ServerProcess
from agent_functions.signature import digest, sign
from booking_core.storage.db import Database
from booking_core.storage.migrate import upgrade
from nlu.names import parse_customer_name
from tests.pg_support import FIXTURES
from tests.reliability.app_harness import (
    ADMIN_TOKEN,
    NOW,
    PHYSIO_CALLER,
    PHYSIO_NUMBER,
    PHYSIO_REF,
    SALON_CALLER,
    SALON_NUMBER,
    SALON_REF,
    Harness,
    database_for,
    fuzz_settings,
)
from tests.reliability.support import KEY, Report

CALLS = FIXTURES / "calls"


# --- signatures -----------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    """The app over HTTP on each engine, with one seeded appointment per demo tenant (see test_fuzz)."""
    with Harness(database_for(request)) as running:
        yield running


@pytest.fixture
def sqlite_harness(sqlite_url: str) -> Iterator[Harness]:
    """For checks made before any database work (signature format, admin token, routes): one engine is enough."""
    with Harness(sqlite_url) as running:
        yield running


def envelope(name: str, args: dict[str, Any], *, to_number: str = SALON_NUMBER, call_id: str = "call_sec") -> bytes:
    call = {"call_id": call_id, "from_number": SALON_CALLER, "to_number": to_number, "direction": "inbound"}
    return json.dumps({"name": name, "args": args, "call": call}, ensure_ascii=False).encode()


def header_at(body: bytes, at: datetime, key: str = KEY) -> str:
    return sign(body, key, at)


def refused_signatures(body: bytes) -> list[tuple[str, bytes, str | None]]:
    """(what, body sent, X-Retell-Signature or None) for every way a signature can be bad.

    Timestamps are distinct per case, so none of them is refused merely as a replay of another.
    """
    ms = int(NOW.timestamp() * 1000) + 10_000
    good = f"v={ms},d={digest(body, ms, KEY)}"
    return [
        ("missing", body, None),
        ("empty", body, ""),
        ("not the header format", body, "sha256=" + digest(body, ms, KEY)),
        ("fields swapped", body, f"d={digest(body, ms + 1, KEY)},v={ms + 1}"),
        ("semicolon", body, f"v={ms + 2};d={digest(body, ms + 2, KEY)}"),
        ("digest too short", body, f"v={ms + 3},d={digest(body, ms + 3, KEY)[:-1]}"),
        ("digest not hex", body, f"v={ms + 4},d={'z' * 64}"),
        ("timestamp in seconds", body, f"v={ms // 1000},d={digest(body, ms // 1000, KEY)}"),
        ("negative timestamp", body, f"v=-{ms + 5},d={digest(body, ms + 5, KEY)}"),
        ("two digests", body, f"v={ms + 6},d={digest(body, ms + 6, KEY)},d={digest(body, ms + 6, KEY)}"),
        ("wrong key", body, header_at(body, NOW + timedelta(seconds=11), "not-the-key")),
        ("empty key", body, header_at(body, NOW + timedelta(seconds=12), "")),
        ("random digest", body, f"v={ms + 7},d={'ab' * 32}"),
        ("stale: 5 min and 1 ms old", body, header_at(body, NOW - timedelta(minutes=5, milliseconds=1))),
        ("stale: an hour old", body, header_at(body, NOW - timedelta(hours=1))),
        ("from the future: 5 min and 1 ms ahead", body, header_at(body, NOW + timedelta(minutes=5, milliseconds=1))),
        ("body altered after signing", body[:-1] + b', "customer_phone": "+4915100000098"}', good),
        ("whitespace added after signing", body + b" ", good),
        ("body truncated after signing", body[:-1], good),
        ("timestamp altered after signing", body, f"v={ms + 1},d={digest(body, ms, KEY)}"),
    ]


async def seen_signatures(harness: Harness) -> int:
    assert harness.services is not None
    async with harness.services.db.read() as session:
        return int((await session.execute(text("SELECT count(*) FROM seen_signatures"))).scalar_one())


async def send(
    harness: Harness, path: str, body: bytes, signature: str | None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    assert harness.client is not None
    all_headers = {**(headers or {}), **({} if signature is None else {"X-Retell-Signature": signature})}
    answer = await harness.client.post(path, body, sign=False, headers=all_headers)
    return answer.status, answer.body


def expect_refused(
    harness: Harness, path: str, body: bytes, signature: str | None, what: str, headers: dict[str, str] | None = None
) -> str:
    """Send, expect 401 with a JSON error, and no write at all; returns the error message."""
    before, seen_before = harness.run(harness.snapshot()), harness.run(seen_signatures(harness))
    status, answer = harness.run(send(harness, path, body, signature, headers))
    assert status == 401, f"{what}: HTTP {status} {answer}"
    assert isinstance(answer, dict) and answer.get("error") == "bad_signature", f"{what}: {answer}"
    assert harness.run(harness.snapshot()) == before, f"{what}: something was written"
    assert harness.run(seen_signatures(harness)) == seen_before, f"{what}: a refused signature was recorded"
    return str(answer["message"])


def test_bad_signatures_are_refused_and_write_nothing(harness: Harness, report: Report) -> None:
    bodies = {
        "/retell/functions": envelope("request_callback", {"customer_name": "Eve Muster", "reason": "Rückruf"}),
        "/retell/functions/book_appointment": json.dumps(
            {"service": "Herrenhaarschnitt", "date": "2026-11-25", "time": "11:00", "customer_name": "Eve Muster"}
        ).encode(),
        "/retell/events": json.dumps(
            {"event": "call_started", "call": {"call_id": "call_sec_ev", "to_number": SALON_NUMBER}}
        ).encode(),
    }
    headers = {"/retell/functions/book_appointment": {"X-Call-Id": "call_sec_args", "X-To-Number": SALON_NUMBER}}
    tried = 0
    for path, body in bodies.items():
        for what, sent, signature in refused_signatures(body):
            tried += 1
            expect_refused(harness, path, sent, signature, f"{path}, {what}", headers.get(path))
        # The control: the same request, correctly signed, does write; so the refusals above mattered.
        before = harness.run(harness.snapshot())
        answer = harness.run(harness.client.post(path, body, headers=headers.get(path, {})))  # type: ignore[union-attr]
        assert answer.status == 200 and answer.body["status"] in ("callback_requested", "booked", "ok"), answer.body
        assert harness.run(harness.snapshot()) != before
    report.add("bad inputs tried", "bad signatures", tried)


def expect_first_answer(harness: Harness, path: str, body: bytes, signature: str, first: Any, what: str) -> None:
    """Send a copy; expect HTTP 200 with exactly the first answer, and no write at all."""
    before, seen_before = harness.run(harness.snapshot()), harness.run(seen_signatures(harness))
    status, answer = harness.run(send(harness, path, body, signature))
    assert (status, answer) == (200, first), f"{what}: HTTP {status} {answer}"
    assert harness.run(harness.snapshot()) == before, f"{what}: something was written"
    assert harness.run(seen_signatures(harness)) == seen_before, f"{what}: the copy was recorded as a new request"


def test_a_byte_identical_copy_is_answered_as_a_retry_on_either_url_and_in_any_spelling(
    harness: Harness, report: Report
) -> None:
    """A request sent again unchanged (a retry Retell did not re-sign, or a captured request) gets the
    first answer and writes nothing: to the same URL, to the per-function URL (same body, so the same
    digest), and with the header respelled (upper-case digest, spaces)."""
    body = envelope("request_callback", {"customer_name": "Eve Muster"}, call_id="call_replay")
    ms = int(NOW.timestamp() * 1000) + 20_000
    signature = f"v={ms},d={digest(body, ms, KEY)}"
    status, first = harness.run(send(harness, "/retell/functions", body, signature))
    assert status == 200 and first["status"] == "callback_requested", first
    respelled = [signature, f"v={ms},d={digest(body, ms, KEY).upper()}", f"  {signature}  "]
    for path in ("/retell/functions", "/retell/functions/request_callback"):
        for variant in respelled:
            expect_first_answer(harness, path, body, variant, first, f"copy to {path} as {variant!r}")
    report.add("bad inputs tried", "byte-identical copies", 2 * len(respelled))


def test_generated_signature_headers_are_refused(sqlite_harness: Harness, report: Report) -> None:
    """Anything in the header that is not a fresh signature of this body under our key: 401, nothing written."""
    body = envelope("request_callback", {"customer_name": "Eve Muster"}, call_id="call_gen_sig")
    ms = int(NOW.timestamp() * 1000)
    printable = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=120)
    shaped = st.builds(
        lambda v, d: f"v={v},d={d}",
        st.integers(ms - 10**9, ms + 10**9) | st.integers(),
        st.text("0123456789abcdef", min_size=60, max_size=68),
    )
    tried = 0

    @fuzz_settings(100, 1000)
    @given(printable | shaped)
    def one(signature: str) -> None:
        nonlocal tried
        tried += 1
        expect_refused(sqlite_harness, "/retell/functions", body, signature, f"header {signature!r}")

    try:
        one()
    finally:
        report.add("bad inputs tried", "generated signature headers", tried)


def _worker_answered(metrics: str) -> bool:
    return 'slotline_function_outcomes_total{function="request_callback",status="callback_requested"}' in metrics


async def _replay_on_another_worker(url: str, body: bytes, signature: str) -> tuple[int, Any, int]:
    """Find, over fresh connections, a worker process that did not answer the original (its metrics
    have no such outcome), and replay on that very connection; (HTTP status, body, tries)."""
    headers = {"Content-Type": "application/json", "X-Retell-Signature": signature}
    for attempt in range(1, 101):
        connector = aiohttp.TCPConnector(limit=1)  # one connection: both requests reach the same process
        async with aiohttp.ClientSession(connector=connector) as session:
            async with session.get(url + "/metrics") as response:
                if _worker_answered(await response.text()):
                    continue
            async with session.post(url + "/retell/functions", data=body, headers=headers) as response:
                return response.status, await response.json(), attempt
    raise AssertionError("no second worker answered in 100 fresh connections")


async def _send_original(url: str, body: bytes, signature: str) -> tuple[int, Any, bool]:
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector) as session:
        headers = {"Content-Type": "application/json", "X-Retell-Signature": signature}
        async with session.post(url + "/retell/functions", data=body, headers=headers) as response:
            status, answer = response.status, await response.json()
        async with session.get(url + "/metrics") as response:
            return status, answer, _worker_answered(await response.text())


async def _count(url: str, table: str) -> int:
    db = Database(url)
    try:
        async with db.read() as session:
            return int((await session.execute(text(f'SELECT count(*) FROM "{table}"'))).scalar_one())
    finally:
        await db.dispose()


@pytest.mark.postgres
def test_a_copy_at_another_worker_process_gets_the_first_answer(
    reliability_pg: str, server_log: Path, report: Report
) -> None:
    """Answers to handled requests are shared across processes (PostgreSQL): the copy reaches a
    different worker of a two-worker server, proven by that worker's own metrics, and gets the first
    answer there without a second callback request."""
    body = envelope(
        "request_callback", {"customer_name": "Eve Muster", "reason": "replay"}, call_id="call_cross_worker"
    )
    with ServerProcess(reliability_pg, key=KEY, workers=2, log_path=server_log) as server:
        signature = sign(body, KEY, datetime.now().astimezone())
        status, first, counted = asyncio.run(_send_original(server.url, body, signature))
        assert status == 200 and first["status"] == "callback_requested" and counted, first
        callbacks = asyncio.run(_count(reliability_pg, "callback_requests"))
        status, answer, _connections = asyncio.run(_replay_on_another_worker(server.url, body, signature))
        assert (status, answer) == (200, first), answer
        assert asyncio.run(_count(reliability_pg, "callback_requests")) == callbacks
    report.add("bad inputs tried", "copies to another worker process", 1)


# --- admin endpoints ------------------------------------------------------------------------------

ADMIN_PATHS = (
    "/admin/costs?tenant=demo-salon",
    "/admin/costs?tenant=demo-salon&format=csv",
    "/admin/calls?tenant=demo-salon",
    "/admin/calls?tenant=demo-salon&call_id=call_x",
    "/admin/costs/page?tenant=demo-salon",
)


def bad_admin_credentials() -> list[tuple[str, dict[str, str], str]]:
    """(what, headers, query suffix): every way of not presenting the admin token."""
    return [
        ("no credentials", {}, ""),
        ("wrong token", {"Authorization": "Bearer wrong-token"}, ""),
        ("empty bearer", {"Authorization": "Bearer "}, ""),
        ("bearer keyword only", {"Authorization": "Bearer"}, ""),
        ("token without the Bearer keyword", {"Authorization": ADMIN_TOKEN}, ""),
        ("another scheme", {"Authorization": f"Basic {ADMIN_TOKEN}"}, ""),
        ("a prefix of the token", {"Authorization": f"Bearer {ADMIN_TOKEN[:-1]}"}, ""),
        ("the token and more", {"Authorization": f"Bearer {ADMIN_TOKEN}x"}, ""),
        ("the token upper-cased", {"Authorization": f"Bearer {ADMIN_TOKEN.upper()}"}, ""),
        ("the webhook key instead", {"Authorization": f"Bearer {KEY}"}, ""),
        ("wrong token in the query", {}, "&token=wrong-token"),
        ("header wrong, query right", {"Authorization": "Bearer wrong-token"}, f"&token={ADMIN_TOKEN}"),
    ]


async def admin_get(harness: Harness, path: str, headers: dict[str, str]) -> tuple[int, str, dict[str, str]]:
    assert harness.client is not None
    async with harness.client.session.get(harness.client.base_url + path, headers=headers) as response:
        return response.status, await response.text(), dict(response.headers)


def _refused(status: int, body: str) -> bool:
    try:
        return status == 401 and json.loads(body).get("error") == "unauthorized"
    except ValueError:
        return False


def test_admin_endpoints_refuse_requests_without_the_right_token(sqlite_harness: Harness, report: Report) -> None:
    harness = sqlite_harness
    tried = 0
    for path in ADMIN_PATHS:
        for what, headers, query in bad_admin_credentials():
            tried += 1
            status, body, response_headers = harness.run(admin_get(harness, path + query, headers))
            assert _refused(status, body), f"{path}, {what}: HTTP {status} {body[:200]}"
            assert "rows" not in body and "calls" not in body and "Salon Sonnenschein" not in body, (
                f"{path}, {what}: data in a refusal"
            )
            assert response_headers.get("WWW-Authenticate", "").startswith("Bearer")
        # The query token is for the HTML page only (a browser link cannot send a header).
        if not path.startswith("/admin/costs/page"):
            tried += 1
            status, body, _ = harness.run(admin_get(harness, path + f"&token={ADMIN_TOKEN}", {}))
            assert _refused(status, body), f"{path} with the token in the query: HTTP {status}"
        status, body, _ = harness.run(admin_get(harness, path, {"Authorization": f"Bearer {ADMIN_TOKEN}"}))
        assert status in (200, 404), f"{path} with the right token: HTTP {status} {body[:200]}"  # 404: no such call
    report.add("bad inputs tried", "admin credentials", tried)


@pytest.fixture
def tokenless_harness(sqlite_url: str) -> Iterator[Harness]:
    with Harness(sqlite_url, admin_token=None) as running:
        yield running


def test_a_server_without_an_admin_token_refuses_every_admin_request(tokenless_harness: Harness) -> None:
    """Never open by default: with no token configured, no token (not even an empty one) gets in."""
    for path in ADMIN_PATHS:
        for headers in (
            {},
            {"Authorization": "Bearer "},
            {"Authorization": "Bearer None"},
            {"Authorization": "Bearer null"},
        ):
            status, body, _ = tokenless_harness.run(admin_get(tokenless_harness, path + "&token=", headers))
            assert _refused(status, body), f"{path} {headers}: HTTP {status} {body[:200]}"


def test_the_test_clock_routes_do_not_exist_on_a_normal_server(sqlite_harness: Harness) -> None:
    """/_test/* wipes the database and moves the clock: only a server started with --test-clock has it."""
    harness = sqlite_harness
    assert harness.client is not None
    for path in ("/_test/setup", "/_test/clock", "/_test/state"):
        answer = harness.run(harness.client.post(path, b"{}"))
        assert answer.status in (404, 405), f"{path}: HTTP {answer.status} {answer.body}"


# --- tenant isolation -----------------------------------------------------------------------------

TENANTS = {
    "demo-salon": {
        "number": SALON_NUMBER,
        "caller": SALON_CALLER,
        "reference": SALON_REF,
        "customer": "Lena Vogel",
        "words": ("Herrenhaarschnitt", "Fabian", "Salon Sonnenschein"),
    },
    "demo-physio": {
        "number": PHYSIO_NUMBER,
        "caller": PHYSIO_CALLER,
        "reference": PHYSIO_REF,
        "customer": "Oliver Twist",
        "words": ("Follow-up", "Olivia", "Riverside Physio"),
    },
}


NOT_FOUND = frozenset({"not_found"})


def attempts_on(other: str, other_id: str) -> list[tuple[str, dict[str, Any], str | None, frozenset[str]]]:
    """(function, args, from_number, the statuses a correct answer has) for a caller of one tenant
    trying to reach `other`'s appointment: by reference, by id, as `other`'s customer (their number),
    by their name, and with `other`'s catalogue."""
    them = TENANTS[other]
    return [
        ("cancel_appointment", {"appointment": them["reference"], "confirm": True}, None, NOT_FOUND),
        ("cancel_appointment", {"appointment": other_id, "confirm": True}, None, NOT_FOUND),
        (
            "cancel_appointment",
            {"appointment": them["reference"].lower(), "confirm": True, "reason": "x"},
            them["caller"],
            NOT_FOUND,
        ),
        ("cancel_appointment", {"confirm": True, "date": "2026-11-24"}, them["caller"], NOT_FOUND),
        (
            "reschedule_appointment",
            {"appointment": them["reference"], "new_date": "2026-11-26", "new_time": "11:00", "confirm": True},
            None,
            NOT_FOUND,
        ),
        (
            "reschedule_appointment",
            {"appointment": other_id, "new_date": "2026-11-26", "new_time": "11:00", "confirm": True},
            None,
            NOT_FOUND,
        ),
        (
            "reschedule_appointment",
            {"new_date": "2026-11-26", "new_time": "11:00", "confirm": True},
            them["caller"],
            NOT_FOUND,
        ),
        ("find_appointments", {"customer_name": them["customer"]}, None, NOT_FOUND),
        ("find_appointments", {"customer_phone": them["caller"]}, None, NOT_FOUND),
        ("find_appointments", {}, them["caller"], NOT_FOUND),
        ("get_context", {}, them["caller"], frozenset({"ok"})),
        ("list_services", {"query": them["words"][0]}, them["caller"], frozenset({"not_found", "needs_clarification"})),
        (
            "check_availability",
            {"service": them["words"][0], "staff": them["words"][1], "date": "2026-11-25", "time": "11:00"},
            None,
            frozenset({"needs_clarification"}),
        ),
        (
            "request_callback",
            {"tenant": other, "customer_name": "Eve Muster"},
            them["caller"],
            frozenset({"callback_requested"}),
        ),
    ]


def leaks(answer: Any, other: str, other_id: str, said: Any = None) -> list[str]:
    """The other tenant's data in an answer: its appointment id or reference, its customer, its catalogue
    (words the caller said themselves, such as a service name asked for, may be read back)."""
    them = TENANTS[other]
    raw = json.dumps(answer, ensure_ascii=False)
    message = answer.get("message", "") if isinstance(answer, dict) else ""
    heard = json.dumps(said, ensure_ascii=False).lower()
    words = [
        w
        for w in (other_id, them["customer"], them["caller"], *them["words"])
        if w.lower() not in heard or w == other_id
    ]
    found = [word for word in words if word.lower() in raw.lower()]
    # The reference the caller said may be read back ("P H Y 7"); it must not appear as data.
    data = json.dumps(answer.get("data", {}), ensure_ascii=False) if isinstance(answer, dict) else raw
    if them["reference"] in data or (them["reference"] in message):
        found.append(them["reference"])
    return found


def test_a_tenant_cannot_reach_another_tenants_appointments(harness: Harness, report: Report) -> None:
    tried = 0
    for own, other in (("demo-salon", "demo-physio"), ("demo-physio", "demo-salon")):
        theirs = harness.seeded[other]
        for index, (function, args, from_number, expected) in enumerate(attempts_on(other, theirs.id)):
            tried += 1
            before = harness.run(harness.snapshot())
            assert harness.client is not None
            answer = harness.run(
                harness.client.call(
                    function,
                    args,
                    call_id=f"call_iso_{own}_{index}",
                    from_number=from_number,
                    to_number=TENANTS[own]["number"],
                )
            )
            assert answer.status == 200 and answer.outcome in expected, (
                f"{own} → {other}, {function} {args}: {answer.body}"
            )
            if function == "get_context":
                assert answer.body["data"]["context"]["caller"]["known"] is False, answer.body
            after = harness.run(harness.snapshot())
            assert after["appointments"] == before["appointments"], f"{own} → {other}, {function}: appointments changed"
            found = leaks(answer.body, other, theirs.id, args)
            assert not found, f"{own} → {other}, {function} {args} reveals {found}: {answer.body}"
        view = harness.run(harness.services.booking.get_appointment(_config(harness, other), theirs.id))  # type: ignore[union-attr]
        assert view is not None and view.status == "scheduled" and view.start == theirs.start
        assert harness.run(_callback_tenants(harness, f"call_iso_{own}_%")) == {
            own
        }  # the callback went to the dialled tenant
    report.add("bad inputs tried", "cross-tenant attempts", tried)


async def _callback_tenants(harness: Harness, call_ids: str) -> set[str]:
    assert harness.services is not None
    async with harness.services.db.read() as session:
        rows = await session.execute(
            text("SELECT tenant_id FROM callback_requests WHERE call_id LIKE :ids"), {"ids": call_ids}
        )
        return {row[0] for row in rows}


def _config(harness: Harness, tenant_id: str) -> Any:
    assert harness.services is not None
    return harness.run(harness.services.tenants.get(tenant_id))


def test_the_tenant_comes_from_the_envelope_never_from_arguments(sqlite_harness: Harness) -> None:
    """Arguments, metadata and headers naming another tenant do not move a call to it: the dialled
    number decides (CONTRACT section 1)."""
    harness = sqlite_harness
    assert harness.client is not None
    salon = {
        "call_id": "call_env",
        "from_number": PHYSIO_CALLER,
        "to_number": SALON_NUMBER,
        "metadata": {"tenant": "demo-physio"},
        "retell_llm_dynamic_variables": {"tenant": "demo-physio"},
    }
    body = json.dumps(
        {"name": "find_appointments", "args": {"tenant": "demo-physio", "tenant_id": "demo-physio"}, "call": salon}
    ).encode()
    answer = harness.run(harness.client.post("/retell/functions", body))
    assert answer.status == 200 and answer.body["status"] == "not_found", answer.body
    assert "Ich finde" in answer.body["message"] and not leaks(
        answer.body, "demo-physio", harness.seeded["demo-physio"].id
    )
    headers = {
        "X-Call-Id": "call_env_hdr",
        "X-To-Number": SALON_NUMBER,
        "X-Tenant": "demo-physio",
        "X-From-Number": PHYSIO_CALLER,
    }
    answer = harness.run(
        harness.client.post("/retell/functions/find_appointments", b'{"tenant": "demo-physio"}', headers=headers)
    )
    assert answer.status == 200 and answer.body["status"] == "not_found" and "Ich finde" in answer.body["message"], (
        answer.body
    )


# --- logs -----------------------------------------------------------------------------------------


def fixture_phones_and_names() -> tuple[set[str], set[str]]:
    """Every E.164 number written in the call fixtures, and every customer name passed in their args."""
    phones: set[str] = set()
    names: set[str] = set()
    for path in sorted(CALLS.glob("*.json")):
        raw = path.read_text(encoding="utf-8")
        phones.update(re.findall(r"\+\d{7,15}", raw))
        for step in json.loads(raw).get("steps", []):
            args = step.get("args") or {}
            if isinstance(args, str):  # arguments sent as a JSON string (fixture 54)
                try:
                    args = json.loads(args)
                except ValueError:
                    args = {}
            for key in ("customer_name", "name"):
                value = args.get(key) if isinstance(args, dict) else None
                parsed = parse_customer_name(value) if isinstance(value, str) else None
                if parsed:  # "None" and other placeholders are not names
                    names.update({value, parsed})
    return phones, names


def revealed(output: str, phones: set[str], names: set[str]) -> list[str]:
    """The fixtures' phone numbers (whole, or any 8 consecutive digits of one) and names found in `output`."""
    digit_runs = set(re.findall(r"\d{8,}", output))
    windows = {phone: {phone[1:][i : i + 8] for i in range(len(phone) - 8)} for phone in phones}
    return sorted(
        {phone for phone in phones if phone in output}
        | {phone for phone, parts in windows.items() if any(part in run for run in digit_runs for part in parts)}
        | {name for name in names if name.lower() in output.lower()}
    )


def function_steps() -> int:
    return sum(
        "function" in step
        for path in CALLS.glob("*.json")
        for step in json.loads(path.read_text(encoding="utf-8"))["steps"]
    )


@contextlib.contextmanager
def captured_json_logs() -> Iterator[io.StringIO]:
    """structlog JSON at INFO into a buffer, as `slotline serve` logs in production; the previous
    configuration is restored afterwards."""
    buffer = io.StringIO()
    saved_structlog = structlog.get_config()
    root = logging.getLogger()
    saved_logging = (root.level, list(root.handlers))
    try:
        with contextlib.redirect_stderr(buffer):
            logs.configure("json", "INFO")
        yield buffer
    finally:
        structlog.configure(**saved_structlog)
        root.handlers[:] = saved_logging[1]
        root.setLevel(saved_logging[0])


async def replay_all(workdir: Path, template: Path) -> list[str]:
    """Every fixture in fixtures/calls against its own fresh SQLite database, in-process over HTTP."""
    failures = []
    for index, path in enumerate(sorted(CALLS.glob("*.json"))):
        copy = workdir / f"fixture-{index}.db"
        shutil.copy(template, copy)
        result = await run_fixture(
            path, json.loads(path.read_text(encoding="utf-8")), f"sqlite+aiosqlite:///{copy}", KEY
        )
        if not result.ok:
            failures.append(f"{path.name}: {result.problems[:2]}")
    return failures


def test_logs_of_a_full_replay_hold_no_phone_number_and_no_customer_name(tmp_path: Path, report: Report) -> None:
    phones, names = fixture_phones_and_names()
    template = tmp_path / "template.db"
    upgrade(f"sqlite+aiosqlite:///{template}")  # before capturing: Alembic's own log lines are not the server's
    with captured_json_logs() as buffer:
        failures = asyncio.run(replay_all(tmp_path, template))
    output = buffer.getvalue()
    assert not failures, failures  # the replay really ran every call
    lines = [line for line in output.splitlines() if line.strip()]
    answered = [line for line in lines if json.loads(line).get("event") == "function answered"]
    assert len(answered) >= function_steps(), output[:500]  # every function call was logged, as JSON
    # The detector itself: it sees a number written whole or in part, a name, and lets a masked number pass.
    assert revealed('{"phone": "4915100000017"}', phones, names) and revealed('{"x": "Lena Vogel"}', phones, names)
    assert not revealed(f'{{"caller": "{mask("+4915100000017")}"}}', phones, names)
    found = revealed(output, phones, names)
    assert not found, (
        f"logs reveal {found}: " + "; ".join(line for line in lines if any(f in line for f in found))[:1500]
    )
    report.add("bad inputs tried", "log lines checked for phone numbers and names", len(lines))


# --- the audit log -----------------------------------------------------------------------------------


async def _tamper(db: Database, statement: str) -> str | None:
    """Run `statement`; the database's refusal, or None when it went through."""
    try:
        async with db.write() as session:
            await session.execute(text(statement))
    except DBAPIError as exc:
        return str(exc.orig)
    return None


async def _audit_rows(db: Database) -> list[tuple[Any, ...]]:
    async with db.read() as session:
        return [
            tuple(row)
            for row in (
                await session.execute(text("SELECT id, actor, action, entity_id FROM audit_log ORDER BY id"))
            ).all()
        ]


def test_the_audit_log_refuses_update_and_delete(harness: Harness) -> None:
    """Append-only on both engines: the triggers refuse changing or removing any entry."""
    assert harness.services is not None
    db = harness.services.db
    rows = harness.run(_audit_rows(db))
    assert rows, "the seeded appointments left no audit entries"
    for statement in (
        "UPDATE audit_log SET actor = 'attacker'",
        f"UPDATE audit_log SET reason = 'x' WHERE id = {rows[0][0]}",
        "DELETE FROM audit_log",
        f"DELETE FROM audit_log WHERE id = {rows[-1][0]}",
    ):
        refusal = harness.run(_tamper(db, statement))
        assert refusal is not None and "append-only" in refusal, f"{statement}: {refusal!r}"
    assert harness.run(_audit_rows(db)) == rows
