"""``omi-gateway schema``: print the GraphQL schema (SDL), as checked in as schema.graphql."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``schema`` takes no options."""


def run(args: argparse.Namespace) -> int:
    """Print the SDL to stdout."""
    from gateway.schema import build_schema

    sys.stdout.write(str(build_schema()) + "\n")
    return 0
