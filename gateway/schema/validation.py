"""OMI's input rules, checked at the gateway before any upstream call.

Each function returns every problem at once (an empty list when the input is fine), so
a frontend can mark all bad fields in one round trip and a bad input costs OMI nothing.
"""

from __future__ import annotations

import re

from gateway.schema.errors import FieldProblem, ProblemCode

__all__ = [
    "MAX_PAGE_SIZE",
    "MIN_DESCRIPTION",
    "MIN_TOP_UP",
    "check_new_tenant",
    "check_page",
    "check_tenant_id",
    "check_top_up",
]

MAX_NAME = 255  # OMI: "under 255 characters"
MIN_PASSWORD = 8
MIN_TOP_UP = 10_000
MAX_MONEY = 2**63 - 1
MIN_DESCRIPTION = 50
MAX_PAGE_SIZE = 100
MAX_KEYWORD = 255

# Pragmatic, like OMI's own check: something@something.tld, no spaces.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


def _problem(field: str, code: ProblemCode, message: str) -> FieldProblem:
    return FieldProblem(field=field, code=code, message=message)


def _check_email(email: str, problems: list[FieldProblem]) -> None:
    if not email.strip():
        problems.append(_problem("email", ProblemCode.REQUIRED, "An email is required."))
    elif len(email) > 254 or not _EMAIL.match(email):
        problems.append(_problem("email", ProblemCode.INVALID_EMAIL, "Not a valid email."))


def _check_name(field: str, value: str, problems: list[FieldProblem]) -> None:
    if not value.strip():
        problems.append(_problem(field, ProblemCode.REQUIRED, "A name is required."))
    elif len(value) >= MAX_NAME:
        problems.append(
            _problem(field, ProblemCode.TOO_LONG, f"Must be under {MAX_NAME} characters.")
        )


def password_is_strong(password: str) -> bool:
    """OMI's rule: 8+ characters with upper case, lower case, a digit and a symbol."""
    return (
        len(password) >= MIN_PASSWORD
        and any(c.isupper() for c in password)
        and any(c.islower() for c in password)
        and any(c.isdigit() for c in password)
        and any(not c.isalnum() and not c.isspace() for c in password)
    )


def check_new_tenant(
    *, email: str, password: str, full_name: str, owner_name: str, phone: str
) -> list[FieldProblem]:
    """Problems of a ``createTenant`` input (OMI's rules for ``tenant/add``)."""
    problems: list[FieldProblem] = []
    _check_email(email, problems)
    if not password:
        problems.append(_problem("password", ProblemCode.REQUIRED, "A password is required."))
    elif not password_is_strong(password):
        problems.append(
            _problem(
                "password",
                ProblemCode.WEAK_PASSWORD,
                "At least 8 characters with upper case, lower case, a digit and a symbol.",
            )
        )
    _check_name("fullName", full_name, problems)
    _check_name("ownerName", owner_name, problems)
    if not phone.strip():
        problems.append(_problem("phone", ProblemCode.REQUIRED, "A phone number is required."))
    elif not _PHONE.match(_PHONE_SEPARATORS.sub("", phone)):
        problems.append(
            _problem("phone", ProblemCode.INVALID_PHONE, "8 to 15 digits, optionally after +.")
        )
    return problems


def check_top_up(*, email: str, amount: int, description: str) -> list[FieldProblem]:
    """Problems of a ``topUp`` input (OMI's rules for ``update_balance``)."""
    problems: list[FieldProblem] = []
    _check_email(email, problems)
    if amount < MIN_TOP_UP:
        problems.append(
            _problem("amount", ProblemCode.TOO_SMALL, f"At least {MIN_TOP_UP:,} (VND).")
        )
    elif amount > MAX_MONEY:
        problems.append(_problem("amount", ProblemCode.TOO_LARGE, "The amount is too large."))
    if not description.strip():
        problems.append(_problem("description", ProblemCode.REQUIRED, "A description is required."))
    elif len(description) < MIN_DESCRIPTION:
        problems.append(
            _problem(
                "description",
                ProblemCode.TOO_SHORT,
                f"At least {MIN_DESCRIPTION} characters (has {len(description)}).",
            )
        )
    return problems


def check_page(*, page: int, size: int, keyword: str | None) -> list[FieldProblem]:
    """Problems of ``tenants`` arguments."""
    problems: list[FieldProblem] = []
    if page < 1:
        problems.append(_problem("page", ProblemCode.TOO_SMALL, "Pages start at 1."))
    if size < 1:
        problems.append(_problem("size", ProblemCode.TOO_SMALL, "The size must be at least 1."))
    elif size > MAX_PAGE_SIZE:
        problems.append(
            _problem("size", ProblemCode.TOO_LARGE, f"The size is at most {MAX_PAGE_SIZE}.")
        )
    if keyword is not None and len(keyword) > MAX_KEYWORD:
        problems.append(
            _problem("keyword", ProblemCode.TOO_LONG, f"At most {MAX_KEYWORD} characters.")
        )
    return problems


def check_tenant_id(tenant_id: str) -> list[FieldProblem]:
    """Problems of a tenant id argument."""
    if not tenant_id.strip():
        return [_problem("id", ProblemCode.REQUIRED, "A tenant id is required.")]
    return []
