"""CLI of the voice-agent tools and the words: `slotline tools export --url URL [--prompt --lang de|en]`,
`slotline parse TEXT [--now ISO --lang --tz]` (CONTRACT section 6) and `slotline nlu-eval FILE [--json]`."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = ["cmd_nlu_eval", "cmd_parse", "cmd_tools_export", "register"]


def cmd_tools_export(args: argparse.Namespace) -> int:
    from agent_functions.tools_export import export, prompt_lines

    if args.prompt:
        print("\n".join(prompt_lines(args.lang)))
        print(
            f"\n# Inbound webhook URL of the phone number: {args.url.rstrip('/')}/retell/inbound"
            f"\n# Agent webhook URL (call events): {args.url.rstrip('/')}/retell/events"
        )
        return 0
    print(json.dumps(export(args.url), indent=2, ensure_ascii=False))
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from nlu import parse_when

    zone = ZoneInfo(args.tz)
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(zone)
    now = now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)
    w = parse_when(args.text, now=now, lang=args.lang)
    print(
        json.dumps(
            {
                "text": w.text,
                "kind": w.kind,
                "start": w.start.isoformat() if w.start else None,
                "end": w.end.isoformat() if w.end else None,
                "has_date": w.has_date,
                "has_time": w.has_time,
                "issues": list(w.issues),
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


def cmd_nlu_eval(args: argparse.Namespace) -> int:
    from nlu.evaluate import evaluate_file

    report = evaluate_file(args.file)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.to_text())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    tools = sub.add_parser("tools", help="voice-agent tool definitions").add_subparsers(
        dest="tools_command", required=True
    )
    exp = tools.add_parser("export", help="Retell custom-function JSON for every function")
    exp.add_argument("--url", required=True, help="public base URL of this server")
    exp.add_argument(
        "--prompt", action="store_true", help="print the prompt lines using the inbound webhook's variables instead"
    )
    exp.add_argument("--lang", default="de", choices=["de", "en"], help="language of the prompt lines")
    exp.set_defaults(func=cmd_tools_export)

    parse = sub.add_parser("parse", help="parse a spoken date/time phrase")
    parse.add_argument("text")
    parse.add_argument("--now", help="ISO datetime (default: now)")
    parse.add_argument("--lang", default="de", choices=["de", "en"])
    parse.add_argument("--tz", default="Europe/Berlin")
    parse.set_defaults(func=cmd_parse)

    ev = sub.add_parser("nlu-eval", help="score a file of phrases (shared/data/nlu-dev.json format)")
    ev.add_argument("file")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(func=cmd_nlu_eval)
