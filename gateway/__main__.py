"""The command line: ``omi-gateway serve | sandbox | schema``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``omi-gateway`` command line; returns the process exit status."""
    # Each sub-command owns its options and its runner, in its own module.
    from gateway.cli import schema_cmd, serve_cmd
    from gateway.sandbox import cli as sandbox_cmd

    parser = argparse.ArgumentParser(
        prog="omi-gateway",
        description="A typed GraphQL gateway for the OMI CRM partner API.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module, help_text in (
        ("serve", serve_cmd, "serve the GraphQL gateway"),
        ("sandbox", sandbox_cmd, "serve the OMI partner API simulator"),
        ("schema", schema_cmd, "print the GraphQL schema (SDL)"),
    ):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    args = parser.parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
