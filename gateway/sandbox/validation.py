"""Request validation: one OMI error code per answer, checked in a fixed order.

The order (documented in docs/sandbox.md) is: empty body, then JSON shape and field
types (``request_invalid``), then each endpoint's business rules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_AMOUNT",
    "NewTenantRequest",
    "Rejected",
    "TopUpRequest",
    "parse_list_request",
    "parse_new_tenant",
    "parse_top_up",
]

MIN_AMOUNT = 10_000
# JavaScript's largest safe integer: above it a JSON number is no longer exact everywhere.
MAX_AMOUNT = 2**53 - 1
MIN_DESCRIPTION = 50
MAX_NAME = 255  # names must be under 255 characters
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")


class Rejected(Exception):
    """A request refused with an OMI error ``code``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class NewTenantRequest:
    """A valid ``tenant/add`` body."""

    email: str
    password: str
    full_name: str
    owner_name: str
    phone: str
    is_auto_active: bool | None


@dataclass(frozen=True, slots=True)
class TopUpRequest:
    """A valid ``tenant/update_balance`` body."""

    email: str
    amount: int
    description: str


def _object(body: bytes, *, required: bool) -> dict[str, Any]:
    if not body.strip():
        if required:
            raise Rejected("body_request_is_required")
        return {}
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Rejected("request_invalid") from None
    if not isinstance(data, dict):
        raise Rejected("request_invalid")
    return data


def _string(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise Rejected("request_invalid")
    return value


def password_ok(password: str) -> bool:
    """At least 8 characters with upper case, lower case, a digit and a special character."""
    return (
        len(password) >= 8
        and any(c.isupper() for c in password)
        and any(c.islower() for c in password)
        and any(c.isdigit() for c in password)
        and any(not c.isalnum() and not c.isspace() for c in password)
    )


def parse_new_tenant(body: bytes) -> NewTenantRequest:
    """Validate a ``tenant/add`` body (email uniqueness is the store's check)."""
    data = _object(body, required=True)
    email = data.get("email")
    password = data.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        raise Rejected("request_invalid")
    full_name = _string(data, "fullName")
    owner_name = _string(data, "ownerName")
    phone = _string(data, "phone")
    auto = data.get("isAutoActive")
    if auto is not None and not isinstance(auto, bool):
        raise Rejected("request_invalid")
    if len(full_name) >= MAX_NAME or len(owner_name) >= MAX_NAME:
        raise Rejected("request_invalid")
    if not _PHONE.match(phone.replace(" ", "")):
        raise Rejected("request_invalid")
    if len(email) > 254 or not _EMAIL.match(email):
        raise Rejected("email_invalid")
    if not password_ok(password):
        raise Rejected("password_invalid")
    return NewTenantRequest(email, password, full_name.strip(), owner_name.strip(), phone, auto)


def parse_list_request(
    body: bytes, size: str | None, page: str | None
) -> tuple[str | None, int, int]:
    """Validate ``tenant/list``: ``size`` in 1..100, ``page`` from 1, optional ``keyword``."""
    try:
        size_n = int(size or "")
        page_n = int(page or "")
    except ValueError:
        raise Rejected("request_invalid") from None
    if not 1 <= size_n <= 100 or page_n < 1:
        raise Rejected("request_invalid")
    keyword = _object(body, required=False).get("keyword")
    if keyword is not None and not isinstance(keyword, str):
        raise Rejected("request_invalid")
    return keyword, page_n, size_n


def parse_top_up(body: bytes) -> TopUpRequest:
    """Validate a ``tenant/update_balance`` body (whose tenant it is is the store's check)."""
    data = _object(body, required=True)
    email = data.get("email")
    amount = data.get("amount")
    description = data.get("description")
    # bool is an int subclass in Python; JSON true is not an amount.
    if not isinstance(email, str) or not isinstance(amount, int) or isinstance(amount, bool):
        raise Rejected("request_invalid")
    if description is not None and not isinstance(description, str):
        raise Rejected("request_invalid")
    if amount > MAX_AMOUNT:
        raise Rejected("request_invalid")
    if amount < MIN_AMOUNT:
        raise Rejected("amount_gte_10.000_vnd")
    if description is None or not description.strip():
        raise Rejected("description_is_required")
    if len(description.strip()) < MIN_DESCRIPTION:
        raise Rejected("description_is_to_short.gte_50_characters")
    return TopUpRequest(email, amount, description)
