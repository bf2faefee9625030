"""Strawberry's extension hooks, entered without rebuilding their wrappers per request.

Strawberry makes each request's hook context managers with
``contextlib.contextmanager(types.MethodType(hook, extension))``: a ``functools.wraps``
per hook, per stage, per request, about a tenth of a cache miss's time (issue 7,
py-spy). ``HookRunner`` gives the same context managers (same order, same exit
stack, so the same exception handling), made from a ``contextmanager`` wrapper built
once per extension class and hook: only the generator is new per request.

Hooks that are not plain (async) generator methods take Strawberry's own path.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from functools import partial
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

__all__ = ["HookPlans", "HookRunner"]

# For one (extension class, hook name): None when the class does not override the
# hook, (factory, is_async) for a generator hook, or "other" (Strawberry's own path).
_Plan = tuple[Callable[..., Any], bool] | str | None
HookPlans = dict[tuple[type[SchemaExtension], str], _Plan]


def _plan(cls: type[SchemaExtension], name: str) -> _Plan:
    hook = getattr(cls, name)
    if hook is getattr(SchemaExtension, name):
        return None
    if inspect.isgeneratorfunction(hook):
        return contextlib.contextmanager(hook), False
    if inspect.isasyncgenfunction(hook):
        return contextlib.asynccontextmanager(hook), True
    return "other"


class _Cached(ExtensionContextManagerBase):
    """``get_hook`` from the plans (``plans`` is set by the subclasses' constructor)."""

    plans: HookPlans

    def get_hook(self, extension: SchemaExtension) -> WrappedHook | None:
        """The hook's context manager factory, bound to ``extension``."""
        key = (type(extension), self.HOOK_NAME)
        try:
            plan = self.plans[key]
        except KeyError:
            plan = self.plans[key] = _plan(type(extension), self.HOOK_NAME)
        if plan is None:
            return None
        if isinstance(plan, str):
            return super().get_hook(extension)
        factory, is_async = plan
        return WrappedHook(extension=extension, hook=partial(factory, extension), is_async=is_async)


def _stage(base: type[ExtensionContextManagerBase]) -> type[ExtensionContextManagerBase]:
    class Stage(_Cached, base):  # type: ignore[valid-type,misc]
        __slots__ = ()

        def __init__(self, extensions: list[SchemaExtension], plans: HookPlans) -> None:
            self.plans = plans
            super().__init__(extensions)

    Stage.__name__ = base.__name__
    return Stage


_OPERATION = _stage(OperationContextManager)
_VALIDATION = _stage(ValidationContextManager)
_PARSING = _stage(ParsingContextManager)
_EXECUTING = _stage(ExecutingContextManager)


class HookRunner(SchemaExtensionsRunner):
    """Strawberry's runner with the stages above; ``plans`` is shared per schema."""

    def __init__(
        self,
        execution_context: ExecutionContext,
        extensions: list[SchemaExtension],
        plans: HookPlans,
    ) -> None:
        super().__init__(execution_context=execution_context, extensions=extensions)
        self.plans = plans

    def operation(self) -> Any:
        """The ``on_operation`` hooks."""
        return _OPERATION(self.extensions, self.plans)  # type: ignore[call-arg]

    def validation(self) -> Any:
        """The ``on_validate`` hooks."""
        return _VALIDATION(self.extensions, self.plans)  # type: ignore[call-arg]

    def parsing(self) -> Any:
        """The ``on_parse`` hooks."""
        return _PARSING(self.extensions, self.plans)  # type: ignore[call-arg]

    def executing(self) -> Any:
        """The ``on_execute`` hooks."""
        return _EXECUTING(self.extensions, self.plans)  # type: ignore[call-arg]
