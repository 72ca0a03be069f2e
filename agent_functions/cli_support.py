"""Pieces the CLI modules share."""

from __future__ import annotations

import argparse


def command_group(subparsers: argparse._SubParsersAction, name: str, help_text: str) -> argparse._SubParsersAction:
    """The sub-command group `name`, created here or joined when another module created it first.

    `costs`, `fx` and `calls` are filled by more than one module (reports and rate loading live with
    the costs, fetching lives with the integrations).
    """
    existing = subparsers.choices.get(name)
    if existing is not None:
        for action in existing._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action
    return subparsers.add_parser(name, help=help_text).add_subparsers(dest=f"{name}_command", required=True)
