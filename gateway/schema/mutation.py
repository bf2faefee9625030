"""Writes: ``createTenant`` and ``topUp``, each answering a typed result union."""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Annotated, TypeVar

import strawberry

from gateway import omi
from gateway.idempotency import Verdict, fingerprint
from gateway.schema._typed import field, mutation
from gateway.schema.context import Context
from gateway.schema.errors import (
    EmailAlreadyRegistered,
    ErrorCode,
    InvalidInput,
    TenantCreationFailed,
    TopUpDenied,
    invalid_input,
    problem_for,
)
from gateway.schema.idempotent import ResultCodec, key_problems, run_once
from gateway.schema.outcomes import (
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    TenantCreationOutcomeUnknown,
    TopUpOutcomeUnknown,
    creation_unknown,
    key_in_progress,
    key_reused,
    top_up_unknown,
)
from gateway.schema.scalars import Money
from gateway.schema.types import Tenant
from gateway.schema.validation import check_new_tenant, check_top_up

__all__ = ["Mutation"]

Info = strawberry.Info[Context, None]

# How many list matches to scan when finding a topped-up tenant by its email.
_EMAIL_LOOKUP_SIZE = 50


@strawberry.input(description="A new tenant and its owner.")
class CreateTenantInput:
    """The body of OMI's ``tenant/add``."""

    email: str = strawberry.field(description="The owner's email; one email, one tenant.")
    password: str = strawberry.field(
        description="The owner's password: 8+ characters, upper, lower, digit and symbol."
    )
    full_name: str = strawberry.field(description="The business's name, under 255 characters.")
    owner_name: str = strawberry.field(description="The owner's name, under 255 characters.")
    phone: str = strawberry.field(description="The owner's phone number.")
    is_auto_active: bool | None = strawberry.field(
        default=None, description="Activate the account automatically."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description=(
            "Any unique string (a UUID): a repeat with this key and the same input within "
            "24 hours answers the first result without creating again."
        ),
    )


@strawberry.input(description="Money to add to a tenant's balance. Not idempotent.")
class TopUpInput:
    """The body of OMI's ``update_balance``."""

    email: str = strawberry.field(description="The tenant owner's email (names the tenant).")
    amount: Money = strawberry.field(description="At least 10,000, in the tenant's currency.")
    description: str = strawberry.field(description="The reason, at least 50 characters.")
    idempotency_key: str | None = strawberry.field(
        default=None,
        description=(
            "Any unique string (a UUID): a repeat with this key and the same input within "
            "24 hours answers the first result without moving money again."
        ),
    )


@strawberry.type(description="The tenant was created; it activates within seconds.")
class TenantCreated:
    """Success of ``createTenant``."""

    id: strawberry.ID = strawberry.field(description="The new tenant's id.")

    @field("The new tenant's detail (status PENDING until activated).")
    async def tenant(self, info: Info) -> Tenant | None:
        """Read on demand: a client that only wants the id costs no extra call."""
        tenants = info.context.tenants
        record = await tenants.load(str(self.id))
        return None if record is None else Tenant.of(record, tenants)


@strawberry.type(description="The money was added.")
class TopUpSucceeded:
    """Success of ``topUp``."""

    email: str = strawberry.field(description="The tenant owner's email.")
    amount: Money = strawberry.field(description="The amount added.")

    @field("The tenant's detail read after the top-up (new balance).")
    async def tenant(self, info: Info) -> Tenant | None:
        """OMI names the tenant by email: find its id in the list, then read its detail."""
        context = info.context
        authorization = context.require_authorization()
        page = await context.omi.list_tenants(
            authorization, page=1, size=_EMAIL_LOOKUP_SIZE, keyword=self.email
        )
        wanted = self.email.casefold()
        for item in page.items:
            if item.email is not None and item.email.casefold() == wanted:
                # A detail loaded earlier in this request predates the top-up.
                context.forget_tenant(item.id)
                record = await context.tenants.load(item.id)
                return None if record is None else Tenant.of(record, context.tenants)
        return None


CreateTenantResult = Annotated[
    TenantCreated
    | InvalidInput
    | EmailAlreadyRegistered
    | TenantCreationFailed
    | TenantCreationOutcomeUnknown
    | IdempotencyKeyReused
    | IdempotencyKeyInProgress,
    strawberry.union("CreateTenantResult", description="What `createTenant` did."),
]
TopUpResult = Annotated[
    TopUpSucceeded
    | InvalidInput
    | TopUpDenied
    | TopUpOutcomeUnknown
    | IdempotencyKeyReused
    | IdempotencyKeyInProgress,
    strawberry.union("TopUpResult", description="What `topUp` did."),
]

# What an idempotency key keeps of each mutation's results (JSON, replayed on a repeat).
_CREATE_RESULTS = ResultCodec(
    TenantCreated,
    InvalidInput,
    EmailAlreadyRegistered,
    TenantCreationFailed,
    TenantCreationOutcomeUnknown,
)
_TOP_UP_RESULTS = ResultCodec(TopUpSucceeded, InvalidInput, TopUpDenied, TopUpOutcomeUnknown)
_Unknown = TypeVar("_Unknown", TopUpOutcomeUnknown, TenantCreationOutcomeUnknown)


@strawberry.type(description="Changes to the partner's tenants.")
class Mutation:
    """The root mutation type. A write that may have reached OMI is never sent again."""

    @mutation("Create a tenant for a new owner.")
    async def create_tenant(
        self,
        info: Info,
        input: Annotated[CreateTenantInput, strawberry.argument(description="The tenant.")],
    ) -> CreateTenantResult:
        """Validates everything first; OMI's own rejections map to the same results."""
        context = info.context
        authorization = context.require_authorization()
        problems = check_new_tenant(
            email=input.email,
            password=input.password,
            full_name=input.full_name,
            owner_name=input.owner_name,
            phone=input.phone,
        ) + key_problems(input.idempotency_key)
        if problems:
            return invalid_input(problems)
        new = omi.NewTenant(
            email=input.email.strip(),
            password=input.password,
            full_name=input.full_name,
            owner_name=input.owner_name,
            phone=input.phone.strip(),
            is_auto_active=input.is_auto_active,
        )
        key = input.idempotency_key
        return await run_once(
            context.idempotency,
            authorization=authorization,
            key=key,
            fingerprint=fingerprint("createTenant", _print_of_new(new)),
            codec=_CREATE_RESULTS,
            call=partial(_create_tenant, context, authorization, new),
            refused=lambda verdict: _refused(verdict, key, creation_unknown(new.email)),
        )

    @mutation(
        "Add money to a tenant's balance. Sending twice adds twice, unless both carry the "
        "same `idempotencyKey`."
    )
    async def top_up(
        self,
        info: Info,
        input: Annotated[TopUpInput, strawberry.argument(description="The top-up.")],
    ) -> TopUpResult:
        """Validates everything first; OMI's own rejections map to the same results."""
        context = info.context
        authorization = context.require_authorization()
        problems = check_top_up(
            email=input.email, amount=input.amount, description=input.description
        ) + key_problems(input.idempotency_key)
        if problems:
            return invalid_input(problems)
        top_up = omi.TopUp(
            email=input.email.strip(), amount=int(input.amount), description=input.description
        )
        key = input.idempotency_key
        return await run_once(
            context.idempotency,
            authorization=authorization,
            key=key,
            fingerprint=fingerprint("topUp", _print_of_top_up(top_up)),
            codec=_TOP_UP_RESULTS,
            call=partial(_top_up, context, authorization, top_up),
            refused=lambda verdict: _refused(verdict, key, top_up_unknown(top_up)),
        )


async def _create_tenant(
    context: Context, authorization: str, new: omi.NewTenant
) -> CreateTenantResult:
    """One ``tenant/add`` call and its typed result (never retried once it may be sent)."""
    try:
        tenant_id = await context.omi.create_tenant(authorization, new)
    except (omi.UpstreamFailure, omi.UnknownOmiCode) as exc:
        await _invalidate_if_maybe_done(context, exc)
        if isinstance(exc, omi.UpstreamFailure) and exc.maybe_sent:
            return creation_unknown(new.email)
        raise
    except omi.InvalidRequest as exc:
        return invalid_input([problem_for(exc)])
    except omi.Conflict:
        return EmailAlreadyRegistered(
            code=ErrorCode.EMAIL_ALREADY_REGISTERED,
            message="This email already owns a tenant.",
            email=new.email,
        )
    except omi.OperationFailed:
        return TenantCreationFailed(
            code=ErrorCode.TENANT_CREATION_FAILED,
            message="OMI failed to create the tenant; try again later.",
        )
    await context.invalidate_cache()  # the partner's list and details changed
    return TenantCreated(id=strawberry.ID(tenant_id))


async def _top_up(context: Context, authorization: str, top_up: omi.TopUp) -> TopUpResult:
    """One ``update_balance`` call and its typed result (never retried once it may be sent)."""
    try:
        await context.omi.top_up(authorization, top_up)
    except (omi.UpstreamFailure, omi.UnknownOmiCode) as exc:
        await _invalidate_if_maybe_done(context, exc)
        if isinstance(exc, omi.UpstreamFailure) and exc.maybe_sent:
            return top_up_unknown(top_up)
        raise
    except omi.InvalidRequest as exc:
        return invalid_input([problem_for(exc)])
    except (omi.Denied, omi.NotFound) as exc:
        return TopUpDenied(
            code=ErrorCode.TOP_UP_DENIED,
            message="OMI refused the top-up; no money moved.",
            omi_code=exc.omi_code,
        )
    await context.invalidate_cache()  # no cached balance from before the top-up
    return TopUpSucceeded(email=top_up.email, amount=Money(top_up.amount))


def _refused(
    verdict: Verdict, key: str | None, unknown: _Unknown
) -> _Unknown | IdempotencyKeyReused | IdempotencyKeyInProgress:
    """Why a request with an idempotency key was not carried out, as a result."""
    if verdict is Verdict.UNKNOWN:
        return unknown  # the first request with the key died after (maybe) sending
    if verdict is Verdict.REUSED:
        return key_reused(key or "")
    return key_in_progress(key or "")


def _print_of_new(new: omi.NewTenant) -> dict[str, object]:
    # Emails compare case-insensitively at OMI: the same tenant either way.
    return {**dataclasses.asdict(new), "email": new.email.casefold()}


def _print_of_top_up(top_up: omi.TopUp) -> dict[str, object]:
    return {**dataclasses.asdict(top_up), "email": top_up.email.casefold()}


async def _invalidate_if_maybe_done(context: Context, exc: omi.OmiError) -> None:
    """A write whose outcome is unknown (sent then lost, or a code this gateway does not
    know) may have happened: invalidate as after a success, so a read afterwards shows
    whether the money moved instead of a cached balance from before.
    """
    if isinstance(exc, omi.UnknownOmiCode) or getattr(exc, "maybe_sent", False):
        await context.invalidate_cache()
