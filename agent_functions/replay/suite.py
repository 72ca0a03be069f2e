"""`slotline replay PATH...`: every fixture under the paths, each on a fresh database, and the report.

Each fixture runs on a copy of a migrated SQLite template (default), on an emptied PostgreSQL
(`--database-url`) or against a live test-clock server (`--url`); see `runner` for one fixture's run
and `report` for what is printed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from agent_functions.cli_support import CommandError
from agent_functions.replay.runner import FixtureResult, collect, run_fixture, run_live, signing_key
from booking_core.storage.migrate import upgrade

#: An empty table replay leaves in a PostgreSQL database it emptied: the next replay may empty it again.
SCRATCH_MARK = "slotline_replay_scratch"


async def _pg_reset(url: str, *, wipe: bool) -> None:
    """Empty the public schema of `url` for one fixture.

    Raises CommandError, and drops nothing, when the database holds tables that a replay did not
    leave (someone's real data) unless `wipe` says to empty it anyway.
    """
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        tables = {
            row[0]
            for row in await conn.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        }
        if tables and SCRATCH_MARK not in tables and not wipe:
            raise CommandError(
                f"the database holds {len(tables)} tables that a replay did not create, and replay empties it: "
                "use a scratch database (scripts/with_postgres.py makes one) or pass --wipe"
            )
        await conn.execute(f"DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE TABLE {SCRATCH_MARK} ();")
    finally:
        await conn.close()


class Engines:
    """Where each fixture runs: a copy of a migrated SQLite template, an emptied PostgreSQL, or a live server."""

    def __init__(
        self, workdir: Path, key: str, database_url: str | None, url: str | None, *, wipe: bool = False
    ) -> None:
        self.workdir, self.key, self.database_url, self.url = workdir, key, database_url, url
        self.wipe = wipe
        self.template = workdir / "template.db"
        self.runs = 0

    async def prepare(self) -> None:
        if self.url is None and self.database_url is None:
            await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{self.template}")  # Alembic runs its own loop

    async def run(self, path: Path, fixture: dict[str, Any]) -> FixtureResult:
        self.runs += 1
        if self.url is not None:
            return await run_live(path, fixture, self.url, self.key)
        if self.database_url is not None:
            if "postgresql" in self.database_url:
                await _pg_reset(self.database_url, wipe=self.wipe)
            await asyncio.to_thread(upgrade, self.database_url)
            return await run_fixture(path, fixture, self.database_url, self.key)
        copy = self.workdir / f"fixture-{self.runs}.db"
        shutil.copy(self.template, copy)
        try:
            return await run_fixture(path, fixture, f"sqlite+aiosqlite:///{copy}", self.key)
        finally:
            copy.unlink(missing_ok=True)


async def run_paths(
    paths: list[Path],
    *,
    database_url: str | None = None,
    url: str | None = None,
    as_json: bool = False,
    verbose: bool = False,
    update: bool = False,
    assume_yes: bool = False,
    wipe: bool = False,
) -> int:
    """Run every fixture under `paths`; 0 when all pass, 1 otherwise (including unloadable files and
    when nothing was run). A JSON file that is not a fixture is named as such and not counted.
    `wipe`: empty a PostgreSQL `database_url` even when it holds tables a replay did not create.
    `verbose`: every step's request and whole answer. `update`: a failing fixture's `expect` rewritten
    from the current answers, after showing the diff and a confirmation (`assume_yes` skips it)."""
    logging.getLogger().setLevel(logging.WARNING)
    from agent_functions import logs
    from agent_functions.replay.report import Report
    from agent_functions.replay.update import offer_update

    logs.configure("console", "ERROR")
    report = Report(as_json=as_json, verbose=verbose)
    workdir = Path(tempfile.mkdtemp(prefix="slotline-replay-"))
    engines = Engines(workdir, signing_key(), database_url, url, wipe=wipe)
    try:
        await engines.prepare()
        for path in collect(paths):
            loaded = load_fixture(path)
            if isinstance(loaded, str):
                report.not_a_fixture(path, loaded)
                continue
            if isinstance(loaded, FixtureResult):
                report.add(loaded)
                continue
            try:
                result = await engines.run(path, loaded)
            except CommandError:
                raise
            except Exception as exc:  # noqa: BLE001 - the database could not be reached or reset: this fixture failed
                result = FixtureResult(str(path), path.stem, False, [f"could not run: {type(exc).__name__}: {exc}"])
            report.add(result)
            if update and not result.ok and offer_update(path, loaded, result, assume_yes):
                result = await engines.run(path, json.loads(path.read_text(encoding="utf-8")))
                result.name += " (updated)"
                report.add(result, replacing_last=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return report.finish()


def load_fixture(path: Path) -> dict[str, Any] | FixtureResult | str:
    """The fixture in `path`; a failed result when it cannot be read or is an incomplete fixture; the
    reason when the file is JSON but no fixture at all (an object with neither `steps` nor `now`)."""
    try:
        fixture = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return FixtureResult(str(path), path.stem, False, [f"cannot load: {exc}"])
    if not isinstance(fixture, dict):
        return f"a JSON {type(fixture).__name__}, not an object with `tenant`, `now` and `steps`"
    if "steps" not in fixture and "now" not in fixture:
        return "no `steps` and no `now`"
    if "now" not in fixture or "tenant" not in fixture:
        return FixtureResult(
            str(path),
            str(fixture.get("name") or path.stem),
            False,
            ["cannot load: a fixture needs at least `tenant` and `now`"],
        )
    return fixture
