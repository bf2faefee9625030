"""Placeholder: being written."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare this command's options."""


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    raise SystemExit("not implemented yet")
