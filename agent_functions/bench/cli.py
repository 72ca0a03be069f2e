"""`slotline bench`: the HTTP benchmark (`http_bench.py` beside this) from the command line, with its targets."""

from __future__ import annotations

import argparse
import json
from typing import Any

from agent_functions.cli_support import CommandError

# Issue 8's targets at 20 concurrent calls on the 2-core reference machine.
TARGETS = {"check_p95_ms": 50.0, "check_vs_floor_p95": 5.0, "book_p95_ms": 80.0, "rss_mb": 300.0}


def register(sub: Any) -> None:
    bench = sub.add_parser(
        "bench", help="latency of every function under concurrent calls, over HTTP, against the floor"
    )
    bench.add_argument(
        "--database-url", help="PostgreSQL to use (it is WIPED); default: a fresh SQLite file in var/bench"
    )
    bench.add_argument("--concurrency", type=int, default=20, help="simultaneous phone calls (default 20)")
    bench.add_argument("--duration", type=float, default=30.0, help="seconds of load (default 30)")
    bench.add_argument("--workers", type=int, help="server processes (default: 1 on SQLite, 2 on PostgreSQL)")
    bench.add_argument(
        "--appointments", type=int, default=20_000, help="existing appointments to generate (default 20000)"
    )
    bench.add_argument(
        "--think-ms",
        type=float,
        default=1000.0,
        help="mean pause before each function call of a call (default 1000; 0 = as fast as possible)",
    )
    bench.add_argument(
        "--tenants",
        type=int,
        default=1,
        help="tenants of the bench shape, loaded in bulk; calls and appointments spread over them (default 1)",
    )
    bench.add_argument(
        "--tenant-cache", type=int, help="the server's SLOTLINE_TENANT_CACHE_SIZE (default: all tenants, at least 256)"
    )
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    bench.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    from agent_functions.bench.http_bench import BenchConfig, run_bench

    if args.tenants < 1:
        raise CommandError("--tenants must be at least 1")
    if (args.workers or 1) > 1 and not args.database_url:
        raise CommandError("--workers > 1 needs --database-url (PostgreSQL): SQLite is served by one process")
    config = BenchConfig(
        database_url=args.database_url,
        concurrency=args.concurrency,
        duration_s=args.duration,
        workers=args.workers,
        appointments=args.appointments,
        think_ms=args.think_ms,
        tenants=args.tenants,
        tenant_cache=args.tenant_cache,
    )
    result = run_bench(config, progress=(lambda _line: None) if args.json else print)
    missed = missed_targets(result)
    if args.json:
        print(json.dumps({**result, "targets_missed": missed}, ensure_ascii=False, indent=2))
    else:
        print(render(result, missed))
    return 1 if args.check and missed else 0


def missed_targets(result: dict[str, Any]) -> list[str]:
    """Each target the run missed, in words; empty when all held."""
    missed = []
    check = result["functions"].get("check_availability", {})
    book = result["functions"].get("book_appointment", {})
    floor_p95 = result["floor"]["p95_ms"] or 0.001
    if result["errors"]:
        missed.append(f"{result['errors']} errors")
    if check.get("p95_ms", 0) > TARGETS["check_p95_ms"]:
        missed.append(f"check_availability p95 {check['p95_ms']} ms > {TARGETS['check_p95_ms']:.0f} ms")
    if check.get("p95_ms", 0) > TARGETS["check_vs_floor_p95"] * floor_p95:
        missed.append(
            f"check_availability p95 is {check['p95_ms'] / floor_p95:.1f}x the floor's "
            f"(> {TARGETS['check_vs_floor_p95']:.0f}x)"
        )
    if book.get("p95_ms", 0) > TARGETS["book_p95_ms"]:
        missed.append(f"book_appointment p95 {book['p95_ms']} ms > {TARGETS['book_p95_ms']:.0f} ms")
    if result["peak_rss_mb"] > TARGETS["rss_mb"]:
        missed.append(f"peak server RSS {result['peak_rss_mb']} MB > {TARGETS['rss_mb']:.0f} MB")
    return missed


def render(result: dict[str, Any], missed: list[str]) -> str:
    rows = [*result["functions"].items(), ("floor (ping)", result["floor"])]
    lines = [f"{'function':<24}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}{'count':>8}{'errors':>8}"]
    for name, s in rows:
        lines.append(
            f"{name:<24}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{s['p99_ms']:>9.1f}{s['max_ms']:>9.1f}{s['count']:>8}{s['errors']:>8}"
        )
    lines.append(
        f"(ms) {result['calls_per_s']} function calls/s, {result['phone_calls_per_s']} phone calls/s, "
        f"peak server RSS {result['peak_rss_mb']} MB (PSS {result['peak_pss_mb']} MB); "
        f"{result['database']}, {result['workers']} worker(s), "
        f"{result['concurrency']} concurrent calls, {result['duration_s']} s; "
        f"{result['tenants']} tenant(s) loaded in {result['tenants_load_s']} s"
    )
    lines.extend(f"error: {example}" for example in result["error_examples"])
    lines.append("targets: all held" if not missed else "targets missed: " + "; ".join(missed))
    return "\n".join(lines)
