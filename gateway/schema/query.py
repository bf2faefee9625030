"""Reads: ``tenants`` (a page of the partner's tenants) and ``tenant(id)``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.schema._typed import field
from gateway.schema.context import Context
from gateway.schema.errors import bad_user_input
from gateway.schema.types import Tenant, TenantPage
from gateway.schema.validation import MAX_PAGE_SIZE, check_page, check_tenant_id

__all__ = ["Query"]

Info = strawberry.Info[Context, None]


@strawberry.type(description="Reads of the partner's tenants.")
class Query:
    """The root query type."""

    @field("One page of the caller's tenants, newest first.")
    async def tenants(
        self,
        info: Info,
        keyword: Annotated[
            str | None,
            strawberry.argument(description="Matched against the tenant's name and email."),
        ] = None,
        page: Annotated[int, strawberry.argument(description="The page, from 1.")] = 1,
        size: Annotated[
            int, strawberry.argument(description=f"Tenants per page, 1 to {MAX_PAGE_SIZE}.")
        ] = 20,
    ) -> TenantPage:
        """List items carry a summary; other fields are read from each tenant's detail."""
        context = info.context
        authorization = context.require_authorization()
        if keyword is not None and not keyword.strip():
            keyword = None
        if problems := check_page(page=page, size=size, keyword=keyword):
            raise bad_user_input(problems)
        result = await context.omi.list_tenants(
            authorization, page=page, size=size, keyword=keyword
        )
        return TenantPage.of(result, context.tenants)

    @field("One of the caller's tenants; null when there is no such one.")
    async def tenant(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The tenant's id.")],
    ) -> Tenant | None:
        """The tenant's detail (``tenant/info``)."""
        context = info.context
        context.require_authorization()
        if problems := check_tenant_id(id):
            raise bad_user_input(problems)
        record = await context.tenants.load(str(id))
        return None if record is None else Tenant.of(record, context.tenants)
