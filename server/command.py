"""Placeholder: this subcommand is being built (see the issue)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommand to the `xianan-kg` parser."""
