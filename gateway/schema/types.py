"""The GraphQL object types of the OMI data: tenants, pages, hotlines, plans."""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from gateway import omi
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


# The request's detail loader (``Context.tenants``).
Loader = DataLoader[str, "omi.Tenant | None"]


class _FromDetail:
    """A field a list item lacks, read from the tenant's detail when it is awaited.

    An awaitable object rather than a coroutine: one made for a field the query does
    not select is simply dropped (a coroutine never awaited would warn).
    """

    __slots__ = ("convert", "loader", "name", "tenant_id")

    def __init__(self, loader: Loader, tenant_id: str, name: str, convert: Any) -> None:
        self.loader = loader
        self.tenant_id = tenant_id
        self.name = name
        self.convert = convert

    def __await__(self) -> Generator[Any, None, Any]:
        return self._load().__await__()

    async def _load(self) -> Any:
        detail = await self.loader.load(self.tenant_id)
        return None if detail is None else self.convert(getattr(detail, self.name))


def _detail_field(graphql_type: Any, description: str) -> Any:
    """A Tenant field without a resolver: ``Tenant.of`` sets its value (issue 7).

    Strawberry reads a resolver-less field with a plain ``getattr`` (no ``Info``, no
    argument parsing, no extension chain): much cheaper per field than a resolver. A
    value OMI's record lacks (list items) is a ``_FromDetail``, which graphql-core
    awaits like any awaitable result.
    """
    return strawberry.field(graphql_type=graphql_type, description=description)


# Each field's OMI attribute and how its value becomes the GraphQL one.
_CONVERT: dict[str, Callable[[Any], Any]] = {
    "full_name": _same,
    "email": _same,
    "description": _same,
    "enabled": _same,
    "domain": _same,
    "domain_fusion": _same,
    "domain_expire": _same,
    "effective_date": _same,
    "expire_date": _same,
    "phone": _same,
    "status": _enum_of(TenantStatus, TenantStatus.UNKNOWN),
    "paid_type": _enum_of(PaidType, PaidType.UNKNOWN),
    "nation": _same,
    "currency": _same,
    "language": _same,
    "balance": _same,
    "api_key": _same,
    "public_numbers": _numbers,
    "service_package": _package,
}


@strawberry.type(description="A tenant: a business the partner sells OMI to.")
class Tenant:
    """A tenant record as GraphQL; list items read missing fields from the detail.

    Build it with ``Tenant.of(record, loader)``.
    """

    record: strawberry.Private[omi.Tenant]
    id: strawberry.ID = strawberry.field(description="The tenant's id.")
    full_name: Any = _detail_field(str | None, "The business's name.")
    email: Any = _detail_field(str | None, "The owner's email (names it in `topUp`).")
    description: Any = _detail_field(str | None, "A description of the business.")
    enabled: Any = _detail_field(bool | None, "Operating (true) or suspended (false).")
    domain: Any = _detail_field(str | None, "The tenant's OMI sub-domain (web access).")
    domain_fusion: Any = _detail_field(str | None, "The switchboard's domain.")
    domain_expire: Any = _detail_field(datetime | None, "When the domain expires.")
    effective_date: Any = _detail_field(datetime | None, "When it was activated.")
    expire_date: Any = _detail_field(datetime | None, "When the account expires.")
    phone: Any = _detail_field(str | None, "The owner's phone number.")
    status: Any = _detail_field(TenantStatus | None, "Activation status.")
    paid_type: Any = _detail_field(PaidType | None, "Prepaid or postpaid.")
    nation: Any = _detail_field(str | None, "Country code, e.g. `vn`.")
    currency: Any = _detail_field(str | None, "Currency of the money fields, e.g. `VND`.")
    language: Any = _detail_field(str | None, "Language code, e.g. `vi`.")
    balance: Any = _detail_field(Money | None, "The account's balance, in `currency`.")
    api_key: Any = _detail_field(
        str | None, "The tenant's own OMI API key: a secret, handle with care."
    )
    public_numbers: Any = _detail_field(list[PublicNumber] | None, "The tenant's hotlines.")
    service_package: Any = _detail_field(ServicePackage | None, "The tenant's service plan.")

    @classmethod
    def of(cls, record: omi.Tenant, loader: Loader) -> Tenant:
        """``record`` as GraphQL; what it lacks is read through ``loader`` on demand."""
        values: dict[str, Any] = {}
        for name, convert in _CONVERT.items():
            if record.has(name):
                values[name] = convert(getattr(record, name))
            else:
                values[name] = _FromDetail(loader, record.id, name, convert)
        return cls(record=record, id=strawberry.ID(record.id), **values)


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
    def of(cls, record: omi.TenantPage, loader: Loader) -> TenantPage:
        """From the client's record."""
        return cls(
            items=[Tenant.of(item, loader) for item in record.items],
            page_info=PageInfo(
                page=record.page,
                size=record.size,
                total_items=record.total_items,
                total_pages=record.total_pages,
                has_next_page=record.has_next,
                has_previous_page=record.has_previous,
            ),
        )
