"""Cache entries and their JSON form (never pickle: a shared Redis must not be able to
run code in the gateway).

An entry is what one detail read left behind: the tenant (or the fact that there was
none), when it was stored, how long it is fresh, and the scope's generation it was read
under. Whatever the backend hands back is validated on decoding; anything odd raises
``CodecError`` and the caller treats it as a miss.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from gateway.omi.errors import NotFound
from gateway.omi.models import PublicNumber, ServicePackage, Tenant

__all__ = ["CodecError", "Entry", "MissingTenant", "decode_entry", "encode_entry"]

_VERSION = 1
_T = TypeVar("_T")


class CodecError(ValueError):
    """A stored value that is not an entry this version can read."""


@dataclass(frozen=True, slots=True)
class MissingTenant:
    """A remembered ``NotFound``: what is needed to raise it again."""

    message: str
    omi_code: str | None
    http_status: int | None
    request_id: str | None = None  # of the read that found nothing; never stored

    @classmethod
    def of(cls, exc: NotFound) -> MissingTenant:
        """Remember ``exc``."""
        return cls(exc.message, exc.omi_code, exc.http_status, exc.request_id)

    def error(self) -> NotFound:
        """A fresh ``NotFound`` like the remembered one (raised once per reader)."""
        return NotFound(
            self.message,
            omi_code=self.omi_code,
            http_status=self.http_status,
            request_id=self.request_id,
        )


@dataclass(frozen=True, slots=True)
class Entry:
    """One cached detail read: exactly one of ``tenant`` and ``missing`` is set."""

    generation: str
    stored_at: float
    fresh_for: float
    tenant: Tenant | None = None
    missing: MissingTenant | None = None


def encode_entry(entry: Entry) -> str:
    """The JSON text of ``entry``."""
    body: dict[str, Any] = {
        "v": _VERSION,
        "g": entry.generation,
        "at": entry.stored_at,
        "fresh": entry.fresh_for,
    }
    if entry.tenant is not None:
        body["tenant"] = _tenant_to_json(entry.tenant)
    if entry.missing is not None:
        m = entry.missing
        body["missing"] = {"message": m.message, "code": m.omi_code, "http": m.http_status}
    return json.dumps(body, separators=(",", ":"))


def decode_entry(text: object) -> Entry:
    """The entry in ``text``; ``CodecError`` if it is not one."""
    if not isinstance(text, str | bytes):
        raise CodecError("not text")
    try:
        body = json.loads(text)
        if not isinstance(body, dict) or body.get("v") != _VERSION:
            raise CodecError("unknown entry version")
        tenant = body.get("tenant")
        missing = body.get("missing")
        if (tenant is None) == (missing is None):
            raise CodecError("an entry holds a tenant or a miss")
        return Entry(
            generation=_typed(body["g"], str),
            stored_at=_number(body["at"]),
            fresh_for=_number(body["fresh"]),
            tenant=None if tenant is None else _tenant_from_json(tenant),
            missing=None
            if missing is None
            else MissingTenant(
                _typed(missing["message"], str),
                _opt(missing["code"], str),
                _opt(missing["http"], int),
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CodecError):
            raise
        raise CodecError(f"malformed entry: {type(exc).__name__}") from None


def _tenant_to_json(t: Tenant) -> dict[str, Any]:
    return {
        "id": t.id,
        "full_name": t.full_name,
        "email": t.email,
        "description": t.description,
        "enabled": t.enabled,
        "domain": t.domain,
        "domain_fusion": t.domain_fusion,
        "domain_expire": _time(t.domain_expire),
        "effective_date": _time(t.effective_date),
        "expire_date": _time(t.expire_date),
        "phone": t.phone,
        "status": t.status,
        "paid_type": t.paid_type,
        "nation": t.nation,
        "currency": t.currency,
        "language": t.language,
        "balance": t.balance,  # a JSON integer of any size: never a float
        "api_key": t.api_key,
        "public_numbers": None
        if t.public_numbers is None
        else [
            {
                "number": n.number,
                "provider": n.provider,
                "expire_date": _time(n.expire_date),
                "status": n.status,
            }
            for n in t.public_numbers
        ],
        "service_package": None
        if t.service_package is None
        else {
            "code_name": t.service_package.code_name,
            "service_name": t.service_package.service_name,
            "staff_num": t.service_package.staff_num,
            "customer_num": t.service_package.customer_num,
            "expiry_date": _time(t.service_package.expiry_date),
            "cashback": t.service_package.cashback,
        },
        "present": sorted(t.present),
    }


def _tenant_from_json(d: Any) -> Tenant:
    if not isinstance(d, dict):
        raise CodecError("tenant is not an object")
    numbers = d["public_numbers"]
    package = d["service_package"]
    present = d["present"]
    if not isinstance(present, list) or not all(isinstance(p, str) for p in present):
        raise CodecError("present is not a list of names")
    return Tenant(
        id=_typed(d["id"], str),
        full_name=_opt(d["full_name"], str),
        email=_opt(d["email"], str),
        description=_opt(d["description"], str),
        enabled=_opt(d["enabled"], bool),
        domain=_opt(d["domain"], str),
        domain_fusion=_opt(d["domain_fusion"], str),
        domain_expire=_parse_time(d["domain_expire"]),
        effective_date=_parse_time(d["effective_date"]),
        expire_date=_parse_time(d["expire_date"]),
        phone=_opt(d["phone"], str),
        status=_opt(d["status"], str),
        paid_type=_opt(d["paid_type"], str),
        nation=_opt(d["nation"], str),
        currency=_opt(d["currency"], str),
        language=_opt(d["language"], str),
        balance=_opt(d["balance"], int),
        api_key=_opt(d["api_key"], str),
        public_numbers=None
        if numbers is None
        else tuple(
            PublicNumber(
                number=_opt(n["number"], str),
                provider=_opt(n["provider"], str),
                expire_date=_parse_time(n["expire_date"]),
                status=_opt(n["status"], str),
            )
            for n in _typed(numbers, list)
        ),
        service_package=None
        if package is None
        else ServicePackage(
            code_name=_opt(package["code_name"], str),
            service_name=_opt(package["service_name"], str),
            staff_num=_opt(package["staff_num"], int),
            customer_num=_opt(package["customer_num"], int),
            expiry_date=_parse_time(package["expiry_date"]),
            cashback=_opt(package["cashback"], int),
        ),
        present=frozenset(present),
    )


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_time(value: object) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(_typed(value, str))
    if parsed.tzinfo is None:
        raise CodecError("naive datetime")
    return parsed


def _typed(value: object, kind: type[_T]) -> _T:
    # bool is an int in Python: a stored true must not come back as a balance of 1.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CodecError(f"expected {kind.__name__}")
    return value


def _opt(value: object, kind: type[_T]) -> _T | None:
    return None if value is None else _typed(value, kind)


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CodecError("expected a number")
    return float(value)
