"""The schema as a contract: checked-in SDL, descriptions everywhere, one error table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from gateway.omi import OmiClient
from gateway.omi._codes import CODES
from gateway.schema import Context, build_schema
from gateway.schema.errors import OMI_CODES

ROOT = Path(__file__).resolve().parents[2]


def test_checked_in_sdl_matches_the_code() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "gateway", "schema"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert printed == (ROOT / "schema.graphql").read_text(encoding="utf-8"), (
        "schema.graphql drifted: run `make schema`"
    )
    assert printed.strip() == str(build_schema()).strip()


def test_every_type_field_argument_and_enum_value_has_a_description() -> None:
    schema = build_schema()._schema
    missing: list[str] = []
    for name, kind in schema.type_map.items():
        if name.startswith("__"):
            continue
        if not kind.description:
            missing.append(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(kind, GraphQLEnumType):
            missing.extend(
                f"{name}.{value_name}"
                for value_name, value in kind.values.items()
                if not value.description
            )
        if isinstance(kind, GraphQLUnionType) and not kind.types:
            missing.append(f"{name} (no members)")
    assert missing == []


def test_the_error_table_names_every_client_code_with_its_exception() -> None:
    table = {row.trigger: row.raises for row in OMI_CODES if " " not in row.trigger}
    assert table == {code: rule.error for code, rule in CODES.items()}


async def test_unexpected_failures_are_masked_as_internal_server_error() -> None:
    # A transport that breaks in a way no server can produce on demand.
    def explode(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("secret detail http://omi.internal/token=abc")

    async with httpx.AsyncClient(
        base_url="http://omi.internal", transport=httpx.MockTransport(explode)
    ) as http:
        context = Context(omi=OmiClient(http), authorization="Bearer abc")
        result = await build_schema().execute("{ tenants { items { id } } }", context_value=context)
    assert result.errors
    error = {"message": result.errors[0].message, **(result.errors[0].extensions or {})}
    assert error == {"message": "Unexpected error.", "code": "INTERNAL_SERVER_ERROR"}
