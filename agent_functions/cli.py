"""`slotline`: serve, migrate, load tenants, export tools, parse, evaluate NLU, replay calls, and more.

Subcommands owned by other parts (costs, integrations, benchmarks) register themselves through a
`register(subparsers)` function in their own module; this file only wires them together. Serving,
replay and `call` live here; the database and tenant files in `cli_tenants`, tools and NLU in `cli_tools`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from agent_functions import cli_tenants, cli_tools
from agent_functions.cli_support import CommandError
from agent_functions.settings import Settings

# --- serve ----------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    import structlog

    from agent_functions import logs
    from agent_functions.server import serve

    overrides: dict[str, object] = {}
    if args.dev:
        overrides["allow_unsigned"] = True
    if args.test_clock:
        overrides["test_clock"] = True
    if args.database_url:
        overrides["database_url"] = args.database_url
    settings = Settings(**overrides)  # type: ignore[arg-type]
    logs.configure(settings.log_format if not args.dev else "console", settings.log_level)
    log = structlog.get_logger("slotline.serve")
    if settings.allow_unsigned:
        log.warning("DEVELOPMENT MODE: unsigned webhook requests are accepted; never run this in production")
    if not settings.retell_api_keys and not settings.allow_unsigned:
        log.warning("no SLOTLINE_RETELL_API_KEYS configured: every signed request will be rejected")
    if args.workers > 1 and (settings.test_clock or settings.database_url.startswith("sqlite")):
        raise CommandError("--workers > 1 needs PostgreSQL and no --test-clock (each worker would keep its own clock)")
    return serve(settings, args.host, args.port, workers=args.workers, with_worker=args.with_worker)


# --- replay ------------------------------------------------------------------------------------------


def cmd_replay(args: argparse.Namespace) -> int:
    from agent_functions.replay.suite import run_paths

    return asyncio.run(
        run_paths(
            [Path(p) for p in args.paths],
            database_url=args.database_url,
            url=args.url,
            as_json=args.json,
            verbose=args.verbose,
            update=args.update,
            assume_yes=args.yes,
            wipe=args.wipe,
        )
    )


def cmd_call(args: argparse.Namespace) -> int:
    """Send one signed function call to a running server and print the answer (a hand-held Retell)."""
    import aiohttp

    from agent_functions.client import FunctionClient

    fn_args = dict(item.partition("=")[::2] for item in args.arg)
    keys = Settings().retell_api_keys

    async def send() -> Any:
        async with FunctionClient(args.url, keys[0] if keys else args.key, timeout_s=15) as client:
            return await client.call(
                args.function, fn_args, call_id=args.call_id, from_number=args.from_number, to_number=args.to_number
            )

    try:
        answer = asyncio.run(send())
    except (TimeoutError, OSError, aiohttp.ClientError) as exc:
        raise CommandError(f"no answer from {args.url}: {exc}") from exc
    if answer.status != 200:
        print(f"HTTP {answer.status}: {json.dumps(answer.body, ensure_ascii=False)}")
        return 1
    print(json.dumps(answer.body, ensure_ascii=False, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="slotline", description="Booking backend for voice agents.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the webhook API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--dev", action="store_true", help="accept unsigned requests (development only)")
    serve.add_argument("--test-clock", action="store_true", help="frozen clock settable over /_test/* (replay --url)")
    serve.add_argument("--with-worker", action="store_true", help="drain the outbox in this process too")
    serve.add_argument("--database-url")
    serve.add_argument("--workers", type=int, default=1, help="worker processes on one socket (PostgreSQL only)")
    serve.set_defaults(func=cmd_serve)

    cli_tenants.register(sub)  # db upgrade, tenants check / load
    cli_tools.register(sub)  # tools export, parse, nlu-eval

    replay = sub.add_parser("replay", help="replay recorded calls (fixtures) against a fresh database")
    replay.add_argument("paths", nargs="+")
    shown = replay.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="machine-readable report")
    shown.add_argument(
        "--update",
        action="store_true",
        help="rewrite a failing fixture's step expectations from the current answers (shows the diff, asks first)",
    )
    replay.add_argument("--yes", action="store_true", help="with --update: write without asking")
    replay.add_argument("--verbose", "-v", action="store_true", help="print every step's request and whole response")
    replay.add_argument("--database-url", help="PostgreSQL URL to replay on (emptied per fixture)")
    replay.add_argument(
        "--wipe", action="store_true", help="with --database-url: empty it even if it holds tables replay did not make"
    )
    replay.add_argument("--url", help="a live server started with --test-clock")
    replay.set_defaults(func=cmd_replay)

    call = sub.add_parser("call", help="send one signed function call to a running server")
    call.add_argument("function")
    call.add_argument("--arg", action="append", default=[], metavar="KEY=VALUE")
    call.add_argument("--url", default="http://127.0.0.1:8080")
    call.add_argument("--to-number", default="+4930555000100")
    call.add_argument("--from-number", default="+4915100000017")
    call.add_argument("--call-id", default="call_cli_demo")
    call.add_argument("--key", default="slotline-dev-key", help="signing key when SLOTLINE_RETELL_API_KEYS is unset")
    call.set_defaults(func=cmd_call)

    for module in (
        "agent_functions.cli_costs",
        "agent_functions.cli_integrations",
        "agent_functions.bench.cli",
        "agent_functions.cli_calls",
        "agent_functions.cli_messages",
        "agent_functions.cli_waitlist",
        "agent_functions.cli_billing",
        "agent_functions.cli_packages",
        "portal.cli",
    ):
        try:
            registrar = __import__(module, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        registrar.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
