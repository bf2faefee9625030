"""Typed spellings of Strawberry's decorators (its keyword-only forms return ``Any``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

F = TypeVar("F", bound=Callable[..., Any])


def field(description: str) -> Callable[[F], F]:
    """``@strawberry.field(description=...)`` that keeps the resolver's type."""
    return cast("Callable[[F], F]", strawberry.field(description=description))


def mutation(description: str) -> Callable[[F], F]:
    """``@strawberry.mutation(description=...)`` that keeps the resolver's type."""
    return cast("Callable[[F], F]", strawberry.mutation(description=description))
