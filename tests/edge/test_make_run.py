"""`make run` as a newcomer runs it (issue 15, point 7): it prints a demo admin token, and the README's
admin example answers with that token instead of 401. On a port and SQLite file of this test's own."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.fakes.base import free_port

REPO = Path(__file__).resolve().parents[2]


def test_make_run_sets_and_prints_a_demo_admin_token(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLOTLINE_")}
    env["SLOTLINE_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'run.db'}"
    process = subprocess.Popen(
        ["make", "-s", "run", f"PORT={port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        token, seen = None, []
        deadline = time.monotonic() + 120
        while token is None and time.monotonic() < deadline:
            line = process.stdout.readline() if process.stdout else ""
            if not line and process.poll() is not None:
                break
            seen.append(line)
            found = re.search(r"admin token \(demo\): (\S+)", line)
            token = found.group(1) if found else None
        assert token, "".join(seen)[-2000:]
        url = f"http://127.0.0.1:{port}/admin/costs?tenant=demo-salon&by=day"
        status, body = 0, ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}), timeout=5
                ) as response:
                    status, body = response.status, response.read().decode()
                break
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200 and json.loads(body)["tenant"] == "demo-salon", (status, body[:300])
        try:
            urllib.request.urlopen(url, timeout=5)
            raise AssertionError("the admin report answered without the token")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
