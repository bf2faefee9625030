"""The GraphQL object types of the OMI data: tenants, pages, hotlines, plans."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from gateway import omi
from gateway.schema._typed import field
from gateway.schema.context import Context
from gateway.schema.scalars import Money

__all__ = [
    "PageInfo",
    "PaidType",
    "PublicNumber",
    "ServicePackage",
    "Tenant",
    "TenantPage",
    "TenantStatus",
]

Info = strawberry.Info[Context, None]


@strawberry.enum(description="Whether a tenant is ready to use.")
class TenantStatus(Enum):
    """OMI's ``status``; values OMI adds later read as ``UNKNOWN``."""

    ACTIVATED = strawberry.enum_value("activated", description="Active and ready.")
    PENDING = strawberry.enum_value(
        "pending", description="Created, activation in progress (about 3 to 10 seconds)."
    )
    UNKNOWN = strawberry.enum_value("unknown", description="A status this gateway does not know.")


@strawberry.enum(description="How a tenant pays for OMI.")
class PaidType(Enum):
    """OMI's ``paid_type``; values OMI adds later read as ``UNKNOWN``."""

    PREPAID = strawberry.enum_value("prepaid", description="Pays in advance from its balance.")
    POSTPAID = strawberry.enum_value("postpaid", description="Pays on invoice.")
    UNKNOWN = strawberry.enum_value("unknown", description="A type this gateway does not know.")


def _enum_of(kind: type[Enum], unknown: Enum) -> Callable[[Any], Enum | None]:
    values = {member.value: member for member in kind}

    def convert(raw: Any) -> Enum | None:
        if raw is None:
            return None
        return values.get(str(raw).lower(), unknown)

    return convert


@strawberry.type(description="A tenant's hotline (public number).")
class PublicNumber:
    """One of ``public_numbers[]``."""

    number: str | None = strawberry.field(description="The phone number.")
    provider: str | None = strawberry.field(description="The carrier, e.g. `itel`.")
    expire_date: datetime | None = strawberry.field(description="When the number expires.")
    status: str | None = strawberry.field(description="OMI's status, e.g. `active`.")

    @classmethod
    def of(cls, record: omi.PublicNumber) -> PublicNumber:
        """From the client's record."""
        return cls(
            number=record.number,
            provider=record.provider,
            expire_date=record.expire_date,
            status=record.status,
        )


@strawberry.type(description="A tenant's service plan.")
class ServicePackage:
    """OMI's ``service_package``."""

    code_name: str | None = strawberry.field(description="The plan's code.")
    service_name: str | None = strawberry.field(description="The plan's name.")
    staff_num: int | None = strawberry.field(description="Seats (staff accounts).")
    customer_num: int | None = strawberry.field(description="Contacts allowed.")
    expiry_date: datetime | None = strawberry.field(description="When the plan expires.")
    cashback: Money | None = strawberry.field(
        description="Refund if the tenant upgrades, in the tenant's currency."
    )

    @classmethod
    def of(cls, record: omi.ServicePackage) -> ServicePackage:
        """From the client's record."""
        return cls(
            code_name=record.code_name,
            service_name=record.service_name,
            staff_num=record.staff_num,
            customer_num=record.customer_num,
            expiry_date=record.expiry_date,
            cashback=Money(record.cashback) if record.cashback is not None else None,
        )


def _numbers(raw: Any) -> list[PublicNumber] | None:
    return None if raw is None else [PublicNumber.of(number) for number in raw]


def _package(raw: Any) -> ServicePackage | None:
    return None if raw is None else ServicePackage.of(raw)


def _same(raw: Any) -> Any:
    return raw


def _detail_field(name: str, graphql_type: Any, description: str, convert: Any = _same) -> Any:
    """A Tenant field read from the record, or from the detail when the record lacks it.

    The resolver is synchronous when the value is at hand (most fields, always for a
    detail read) and returns an awaitable only when the detail must be loaded: cheaper
    than an ``async def`` per field on the hot path.
    """

    async def from_detail(tenant_id: str, info: Info) -> Any:
        detail = await info.context.tenants.load(tenant_id)
        return None if detail is None else convert(getattr(detail, name))

    def resolve(root: Tenant, info: Info) -> Any | Awaitable[Any]:
        record = root.record
        if record.has(name):
            return convert(getattr(record, name))
        return from_detail(record.id, info)

    return strawberry.field(resolver=resolve, graphql_type=graphql_type, description=description)


@strawberry.type(description="A tenant: a business the partner sells OMI to.")
class Tenant:
    """A tenant record as GraphQL; list items read missing fields from the detail."""

    record: strawberry.Private[omi.Tenant]

    @field("The tenant's id.")
    def id(self) -> strawberry.ID:
        """OMI's tenant id."""
        return strawberry.ID(self.record.id)

    full_name = _detail_field("full_name", str | None, "The business's name.")
    email = _detail_field("email", str | None, "The owner's email (names it in `topUp`).")
    description = _detail_field("description", str | None, "A description of the business.")
    enabled = _detail_field("enabled", bool | None, "Operating (true) or suspended (false).")
    domain = _detail_field("domain", str | None, "The tenant's OMI sub-domain (web access).")
    domain_fusion = _detail_field("domain_fusion", str | None, "The switchboard's domain.")
    domain_expire = _detail_field("domain_expire", datetime | None, "When the domain expires.")
    effective_date = _detail_field("effective_date", datetime | None, "When it was activated.")
    expire_date = _detail_field("expire_date", datetime | None, "When the account expires.")
    phone = _detail_field("phone", str | None, "The owner's phone number.")
    status = _detail_field(
        "status",
        TenantStatus | None,
        "Activation status.",
        _enum_of(TenantStatus, TenantStatus.UNKNOWN),
    )
    paid_type = _detail_field(
        "paid_type",
        PaidType | None,
        "Prepaid or postpaid.",
        _enum_of(PaidType, PaidType.UNKNOWN),
    )
    nation = _detail_field("nation", str | None, "Country code, e.g. `vn`.")
    currency = _detail_field("currency", str | None, "Currency of the money fields, e.g. `VND`.")
    language = _detail_field("language", str | None, "Language code, e.g. `vi`.")
    balance = _detail_field("balance", Money | None, "The account's balance, in `currency`.")
    api_key = _detail_field(
        "api_key", str | None, "The tenant's own OMI API key: a secret, handle with care."
    )
    public_numbers = _detail_field(
        "public_numbers", list[PublicNumber] | None, "The tenant's hotlines.", _numbers
    )
    service_package = _detail_field(
        "service_package", ServicePackage | None, "The tenant's service plan.", _package
    )


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    """Pagination of ``tenants``."""

    page: int = strawberry.field(description="This page's number, from 1.")
    size: int = strawberry.field(description="The page size asked for.")
    total_items: int = strawberry.field(description="Tenants matching, on all pages.")
    total_pages: int = strawberry.field(description="Number of pages.")
    has_next_page: bool = strawberry.field(description="True when a later page exists.")
    has_previous_page: bool = strawberry.field(description="True when an earlier page exists.")


@strawberry.type(description="One page of the partner's tenants.")
class TenantPage:
    """The result of ``tenants``."""

    items: list[Tenant] = strawberry.field(description="The tenants on this page.")
    page_info: PageInfo = strawberry.field(description="Pagination.")

    @classmethod
    def of(cls, record: omi.TenantPage) -> TenantPage:
        """From the client's record."""
        return cls(
            items=[Tenant(record=item) for item in record.items],
            page_info=PageInfo(
                page=record.page,
                size=record.size,
                total_items=record.total_items,
                total_pages=record.total_pages,
                has_next_page=record.has_next,
                has_previous_page=record.has_previous,
            ),
        )
