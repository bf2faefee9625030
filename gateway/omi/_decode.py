"""OMI payloads to the records of ``models.py``, tolerant where the contract is inferred.

A field OMI did not send, sent as null, or sent as something that is not what the field
holds becomes ``None``; money is the exception: an amount that is not a whole number
raises, since rounding money is never a guess to make quietly. A payload of the wrong
shape raises ``ShapeError``; the client turns it into a ``ProtocolError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from gateway.omi.models import AccessToken, PublicNumber, ServicePackage, Tenant, TenantPage

__all__ = [
    "ShapeError",
    "decode_access_token",
    "decode_created_id",
    "decode_page",
    "decode_tenant",
]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

# The wire keys a Tenant takes: its attribute names, which equal OMI's snake_case keys.
_TENANT_KEYS: Final = frozenset(f.name for f in fields(Tenant)) - {"present"}


class ShapeError(ValueError):
    """The payload is not the shape this endpoint answers with; names no values."""


def _time(value: Any) -> datetime | None:
    """Epoch milliseconds (number or numeric string) as an aware UTC datetime."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                return None
    if not isinstance(value, int | float):
        return None
    try:
        return _EPOCH + timedelta(milliseconds=value)
    except (OverflowError, ValueError):
        # Out of datetime's range, NaN or infinity: not a time.
        return None


def _money(value: Any, name: str) -> int | None:
    """An exact integer amount; integral floats and digit strings are accepted."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ShapeError(f"{name} is not an amount")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise ShapeError(f"{name} is not a whole amount")
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise ShapeError(f"{name} is not a whole amount") from None
    raise ShapeError(f"{name} is not an amount")


def _count(value: Any) -> int | None:
    """A count (seats, contacts); anything that is not a whole number is None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _text(value: Any) -> str | None:
    """A string; a number (a phone number sent bare) becomes its decimal text."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _id(value: Any) -> str | None:
    """An id: a non-empty string, or an integer OMI sent bare."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _flag(value: Any) -> bool | None:
    """A boolean; 0/1 and "true"/"false" are accepted."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
    return None


def _public_numbers(value: Any) -> tuple[PublicNumber, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(
        PublicNumber(
            number=_text(item.get("number")),
            provider=_text(item.get("provider")),
            expire_date=_time(item.get("expire_date")),
            status=_text(item.get("status")),
        )
        for item in value
        if isinstance(item, dict)
    )


def _service_package(value: Any) -> ServicePackage | None:
    if not isinstance(value, dict):
        return None
    return ServicePackage(
        code_name=_text(value.get("code_name")),
        service_name=_text(value.get("service_name")),
        staff_num=_count(value.get("staff_num")),
        customer_num=_count(value.get("customer_num")),
        expiry_date=_time(value.get("expiry_date")),
        cashback=_money(value.get("cashback"), "cashback"),
    )


def _balance(value: Any) -> int | None:
    return _money(value, "balance")


# How each wire key of a tenant becomes its attribute (the names are the same).
_TENANT_FIELDS: Final[dict[str, Callable[[Any], Any]]] = {
    "full_name": _text,
    "email": _text,
    "description": _text,
    "enabled": _flag,
    "domain": _text,
    "domain_fusion": _text,
    "domain_expire": _time,
    "effective_date": _time,
    "expire_date": _time,
    "phone": _text,
    "status": _text,
    "paid_type": _text,
    "nation": _text,
    "currency": _text,
    "language": _text,
    "balance": _balance,
    "api_key": _text,
    "public_numbers": _public_numbers,
    "service_package": _service_package,
}


def decode_tenant(payload: Any, tenant_id: str | None = None) -> Tenant:
    """A tenant from a detail payload (``tenant_id`` given: it has no ``id``) or a list item."""
    if not isinstance(payload, dict):
        raise ShapeError("a tenant is not a JSON object")
    if tenant_id is None:
        tenant_id = _id(payload.get("id"))
        if not tenant_id:
            raise ShapeError("a tenant has no id")
    # Only the keys OMI sent are converted (a list item carries a third of them); the
    # rest keep the record's None defaults.
    values: dict[str, Any] = {}
    for key, value in payload.items():
        convert = _TENANT_FIELDS.get(key)
        if convert is not None and value is not None:
            values[key] = convert(value)
    return Tenant(id=tenant_id, present=_TENANT_KEYS.intersection(payload), **values)


def decode_page(payload: Any, *, page: int, size: int) -> TenantPage:
    """A page of tenants; pagination fields OMI left out are derived from the request.

    Without totals, ``total_items`` counts the tenants up to this page (a lower bound
    when there is a next page) and ``has_next`` guesses from a full page.
    """
    if isinstance(payload, list):
        raw_items: Any = payload
        payload = {}
    elif isinstance(payload, dict):
        raw_items = payload.get("items")
    else:
        raise ShapeError("a tenant page is not a JSON object")
    if not isinstance(raw_items, list):
        raise ShapeError("a tenant page has no items")
    items = tuple(decode_tenant(item) for item in raw_items)

    page = _count(payload.get("page_number")) or page
    size = _count(payload.get("page_size")) or size
    total_items = _count(payload.get("total_items"))
    total_pages = _count(payload.get("total_pages"))
    has_next = _flag(payload.get("has_next"))
    has_previous = _flag(payload.get("has_previous"))

    if has_next is None:
        if total_pages is not None:
            has_next = page < total_pages
        elif total_items is not None:
            has_next = page * size < total_items
        else:
            has_next = size > 0 and len(items) >= size
    if has_previous is None:
        has_previous = page > 1
    if total_items is None:
        total_items = (page - 1) * size + len(items) if items else 0
    if total_pages is None:
        total_pages = -(-total_items // size) if size > 0 else 0
        if has_next:
            total_pages = max(total_pages, page + 1)
    return TenantPage(
        items=items,
        page=page,
        size=size,
        total_items=total_items,
        total_pages=total_pages,
        has_next=has_next,
        has_previous=has_previous,
    )


def decode_created_id(payload: Any) -> str:
    """The new tenant's id from ``tenant/add``'s payload."""
    tenant_id = _id(payload.get("id")) if isinstance(payload, dict) else None
    if not tenant_id:
        raise ShapeError("the created tenant's id is missing")
    return tenant_id


def decode_access_token(payload: Any) -> AccessToken:
    """The token from ``/api/auth``'s payload."""
    token = _text(payload.get("access_token")) if isinstance(payload, dict) else None
    if not token:
        raise ShapeError("the access token is missing")
    return AccessToken(
        access_token=token,
        access_type=_text(payload.get("access_type")),
        token_type=_text(payload.get("token_type")),
    )
