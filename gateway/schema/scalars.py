"""Custom scalars: ``Money`` (integers beyond 2^31, exact) and ``DateTime`` (ISO 8601, UTC).

Registered through ``StrawberryConfig.scalar_map`` (``SCALARS``), Strawberry's current way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NewType

import strawberry
from graphql import IntValueNode, StringValueNode, ValueNode
from strawberry.types.scalar import ScalarDefinition

__all__ = ["SCALARS", "Money"]

Money = NewType("Money", int)


def _is_integer(value: object) -> bool:
    # bool is an int subclass in Python, but true is not an amount of money.
    return isinstance(value, int) and not isinstance(value, bool)


def _serialize_money(value: Any) -> int:
    if not _is_integer(value):
        raise TypeError("Money must be an integer")
    return int(value)


def _parse_money(value: Any) -> Money:
    # JSON variables: only integers; 10000.0 or "10000" are refused like a literal would be.
    if not _is_integer(value):
        raise ValueError("Money must be a JSON integer (no float, no string)")
    return Money(int(value))


def _parse_money_literal(node: ValueNode, _variables: Any = None) -> Money:
    if not isinstance(node, IntValueNode):
        raise ValueError("Money must be an integer literal (no float, no string)")
    return Money(int(node.value))


def _serialize_datetime(value: Any) -> str:
    if not isinstance(value, datetime):
        raise TypeError("DateTime must be a datetime")
    moment: datetime = value if value.tzinfo else value.replace(tzinfo=UTC)
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def _parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("DateTime must be an ISO 8601 string")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_datetime_literal(node: ValueNode, _variables: Any = None) -> datetime:
    if not isinstance(node, StringValueNode):
        raise ValueError("DateTime must be an ISO 8601 string")
    return _parse_datetime(node.value)


SCALARS: dict[object, ScalarDefinition] = {
    Money: strawberry.scalar(
        name="Money",
        description=(
            "An amount in the tenant's currency (VND by default): a whole number, written "
            "as a JSON integer, exact beyond 2^31 (GraphQL's Int is 32-bit). Floats and "
            "strings are refused."
        ),
        serialize=_serialize_money,
        parse_value=_parse_money,
        parse_literal=_parse_money_literal,
    ),
    datetime: strawberry.scalar(
        name="DateTime",
        description="A point in time: ISO 8601 in UTC, e.g. `2024-05-01T08:30:00.000Z`.",
        serialize=_serialize_datetime,
        parse_value=_parse_datetime,
        parse_literal=_parse_datetime_literal,
    ),
}
